namespace KokuhoRules.Engine.Tracing;

/// <summary>A parameter a step used: its path, value, the law or notice it comes from, and the layer whose value it is.</summary>
/// <param name="Layer"><c>national</c>, <c>prefecture</c> or <c>municipal</c>: the layer that wrote the value in effect (after any override).</param>
public sealed record TraceParameter(string Path, string Value, string Reference, bool Confirmed, string? Layer = null)
{
    /// <summary>The layer names as traces write them, by <see cref="RuleSets.RuleSetLayerKind"/> (no string made per parameter).</summary>
    private static readonly string[] LayerNames = Enum.GetValues<RuleSets.RuleSetLayerKind>().Select(k => k.ToString().ToLowerInvariant()).ToArray();

    /// <summary>The trace entry of a rule set's parameter at <paramref name="path"/>.</summary>
    public static TraceParameter Of(RuleSets.ParameterTable table, string path)
    {
        var info = table[path];
        return new TraceParameter(path, info.ValueText, info.Reference, info.Confirmed, LayerNames[(int)info.Layer]);
    }

    /// <summary>The trace entries of the parameters at <paramref name="paths"/> (null paths skipped), in order.</summary>
    public static TraceParameter[] Of(RuleSets.ParameterTable table, params string?[] paths) =>
        paths.Where(path => path is not null).Select(path => Of(table, path!)).ToArray();
}

/// <summary>The rule that decided a step: workflow, rule name, expression, outcome and reference.</summary>
public sealed record TraceRule(string Workflow, string Rule, string Expression, string Outcome, string? Reference, string Layer);

/// <summary>
/// One step of a calculation, in the order applied: what it concerns (the household or a member, a
/// component), a sentence a clerk can read out, the amount in yen where there is one, and the
/// parameters and rule it used.
/// </summary>
/// <param name="Step">1-based position.</param>
/// <param name="Kind"><c>fact</c>, <c>decision</c>, <c>calculation</c>, <c>relief</c>, <c>cap</c> or <c>note</c>.</param>
/// <param name="Subject"><c>household</c> or a member id.</param>
/// <param name="Component">The component (medical, support, care…) or null.</param>
/// <param name="Item">A stable key for what the step computes (e.g. <c>incomeLevy</c>, <c>reductionClass</c>).</param>
/// <param name="Text">The explanation, in Japanese, as read to a resident.</param>
/// <param name="Yen">The amount the step produced, if it is an amount.</param>
/// <param name="Value">The non-money result (a class, a date, a count), if any.</param>
public sealed record TraceStep(
    int Step,
    string Kind,
    string Subject,
    string? Component,
    string Item,
    string Text,
    long? Yen,
    string? Value,
    IReadOnlyList<TraceParameter> Parameters,
    TraceRule? Rule);

/// <summary>Collects the steps of one calculation. Calculations take a nullable trace and skip all of this when it is null.</summary>
public sealed class Trace
{
    private readonly List<TraceStep> _steps = [];

    public IReadOnlyList<TraceStep> Steps => _steps;

    public void Add(string kind, string subject, string? component, string item, string text,
        long? yen = null, string? value = null, IReadOnlyList<TraceParameter>? parameters = null, TraceRule? rule = null) =>
        _steps.Add(new TraceStep(_steps.Count + 1, kind, subject, component, item, text, yen, value, parameters ?? [], rule));
}
