using KokuhoRules.Engine.RuleSets;

namespace KokuhoRules.Engine.Joins;

/// <summary>
/// What a capability lets its join rules (<c>joins.json</c>) speak about: the fact types a pattern may match and
/// the conclusion types a rule may conclude, each by the name the file uses; the bound parameters object and the
/// name expressions give it (<c>p</c>); the parameter table rule names are rendered with; and any further types
/// whose members and static methods expressions may call (e.g. NodaTime's <c>Period</c>).
/// </summary>
/// <remarks>
/// Filled once by the capability's compiler (C#), then handed to <see cref="JoinRules.Compile"/>, which takes a
/// snapshot: changing the vocabulary afterwards does not change compiled rules. Names are case-sensitive and unique
/// across facts and conclusions.
/// </remarks>
public sealed class JoinVocabulary
{
    private readonly Dictionary<string, Type> _facts = new(StringComparer.Ordinal);
    private readonly Dictionary<string, Type> _conclusions = new(StringComparer.Ordinal);
    private readonly List<Type> _expressionTypes = [];

    /// <param name="parameters">The bound parameter model expressions read as <paramref name="parametersName"/> (folded in as a constant), or null when the rules have no parameters.</param>
    /// <param name="parametersName">The name expressions use for the parameters.</param>
    /// <param name="parameterTable">The table <c>{group.leaf}</c> placeholders in rule names are rendered with; without one, a rule name with a placeholder is refused.</param>
    public JoinVocabulary(object? parameters = null, string parametersName = "p", ParameterTable? parameterTable = null)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(parametersName);
        Parameters = parameters;
        ParametersName = parametersName;
        ParameterTable = parameterTable;
    }

    public object? Parameters { get; }

    public string ParametersName { get; }

    public ParameterTable? ParameterTable { get; }

    /// <summary>The fact types, by the name a pattern's <c>type</c> gives.</summary>
    public IReadOnlyDictionary<string, Type> Facts => _facts;

    /// <summary>The conclusion types, by the name a rule's <c>then.conclude</c> gives.</summary>
    public IReadOnlyDictionary<string, Type> Conclusions => _conclusions;

    /// <summary>Further types expressions may use (static members, methods on values of that type), beyond the facts, conclusions and parameters.</summary>
    public IReadOnlyList<Type> ExpressionTypes => _expressionTypes;

    /// <summary>Registers a fact type under <paramref name="name"/> (default: the type's name).</summary>
    /// <exception cref="ArgumentException">The name is already registered (a programming error).</exception>
    public JoinVocabulary Fact<T>(string? name = null) where T : class => Add(_facts, typeof(T), name);

    /// <summary>Registers a conclusion type under <paramref name="name"/> (default: the type's name); built from a public constructor and settable properties.</summary>
    /// <exception cref="ArgumentException">The name is already registered (a programming error).</exception>
    public JoinVocabulary Conclusion<T>(string? name = null) where T : class => Add(_conclusions, typeof(T), name);

    /// <summary>Lets expressions use <paramref name="type"/>'s members (e.g. <c>LocalDate.PlusDays</c>, <c>Period.Between</c>).</summary>
    public JoinVocabulary ExpressionType(Type type)
    {
        ArgumentNullException.ThrowIfNull(type);
        if (!_expressionTypes.Contains(type)) _expressionTypes.Add(type);
        return this;
    }

    private JoinVocabulary Add(Dictionary<string, Type> into, Type type, string? name)
    {
        name ??= type.Name;
        if (_facts.ContainsKey(name) || _conclusions.ContainsKey(name))
            throw new ArgumentException($"'{name}' is already a fact or conclusion type of this vocabulary", nameof(name));
        into.Add(name, type);
        return this;
    }
}
