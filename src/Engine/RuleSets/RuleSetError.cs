namespace KokuhoRules.Engine.RuleSets;

/// <summary>
/// One problem found in a rule set: the file, the JSON path inside it, the line (1-based, 0 when
/// unknown) and what is wrong, phrased for the policy staff who edit the file.
/// </summary>
public sealed record RuleSetError(string File, string JsonPath, int Line, string Message)
{
    public override string ToString() =>
        Line > 0 ? $"{File}:{Line}: {JsonPath}: {Message}" : $"{File}: {JsonPath}: {Message}";
}

/// <summary>Thrown when a rule set fails validation; carries every error found, not only the first.</summary>
public sealed class RuleSetValidationException(string ruleSet, IReadOnlyList<RuleSetError> errors)
    : Exception($"Rule set {ruleSet} is invalid:{Environment.NewLine}" + string.Join(Environment.NewLine, errors.Select(e => "  " + e)))
{
    public string RuleSet { get; } = ruleSet;
    public IReadOnlyList<RuleSetError> Errors { get; } = errors;
}

/// <summary>Collects errors while a rule set is read, so that one run reports all of them.</summary>
public sealed class RuleSetErrors
{
    private readonly List<RuleSetError> _errors = [];

    public IReadOnlyList<RuleSetError> All => _errors;
    public bool Any => _errors.Count > 0;

    public void Add(RuleSetError error) => _errors.Add(error);

    /// <summary>Adds an error located with a source map of the file it is in.</summary>
    public void Add(JsonSourceFile file, string jsonPath, string message) =>
        _errors.Add(new RuleSetError(file.DisplayName, jsonPath, file.LineOf(jsonPath), message));

    public void AddRange(IEnumerable<RuleSetError> errors) => _errors.AddRange(errors);

    public void ThrowIfAny(string ruleSet)
    {
        if (Any) throw new RuleSetValidationException(ruleSet, _errors.ToArray());
    }
}
