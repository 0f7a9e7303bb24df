namespace KokuhoRules.Engine.Decisions;

/// <summary>
/// One rule of a decision as published: its name, its expression (nested rules shown joined with
/// their operator), the outcome it gives, and its legal reference.
/// </summary>
/// <param name="Name">The name as shown: any parameter it refers to (<c>{salaryEarner.salaryRevenueAbove}</c>) rendered with the rule set's value.</param>
/// <param name="NameTemplate">The name as written in the workflow, when it refers to parameters; null otherwise.</param>
public sealed record DecisionRule(string Name, string Expression, string Outcome, string? Reference, bool Confirmed, string File, int Line, string? NameTemplate = null);

/// <summary>How a decision's rules are evaluated.</summary>
public enum DecisionEvaluation
{
    /// <summary>The workflow compiled once into one typed delegate (every request and batch).</summary>
    Compiled,

    /// <summary>Each evaluation is a <c>RulesEngine.ExecuteAllRulesAsync</c> call: the naive way, for reference and benchmarks only.</summary>
    RulesEngine,
}

/// <summary>What every compiled decision publishes about itself, whatever its facts and outcome types.</summary>
public abstract class Decision(string name, string layer, string file, IReadOnlyList<DecisionRule> rules, IReadOnlyList<string> intermediateNames)
{
    /// <summary>The workflow name.</summary>
    public string Name { get; } = name;

    /// <summary>The layer the workflow came from (national, or municipal when a city overrides it).</summary>
    public string Layer { get; } = layer;

    public string File { get; } = file;

    public IReadOnlyList<DecisionRule> Rules { get; } = rules;

    /// <summary>The names of the workflow's GlobalParams, in order.</summary>
    public IReadOnlyList<string> IntermediateNames { get; } = intermediateNames;

    /// <summary>The rule at <paramref name="ruleIndex"/> (as <see cref="Decision{TFacts,TOutcome}.Match"/> returns it) as a trace step shows it: workflow, rendered name, expression, outcome, reference and layer.</summary>
    /// <exception cref="ArgumentOutOfRangeException">No rule at that index.</exception>
    public Tracing.TraceRule TraceRuleOf(int ruleIndex)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(ruleIndex);
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(ruleIndex, Rules.Count);
        var rule = Rules[ruleIndex];
        return new Tracing.TraceRule(Name, rule.Name, rule.Expression, rule.Outcome, rule.Reference, Layer);
    }
}

/// <summary>
/// A RulesEngine workflow compiled once into a typed delegate: the rules are tried in order and the
/// first that holds decides the outcome (a decision table with a "first" hit policy); the last rule
/// is the unconditional fallback, so every case has an outcome. Thread-safe: the delegate is built
/// with <c>Expression.Compile()</c>, never shared FastExpressionCompiler output.
/// </summary>
/// <typeparam name="TFacts">The facts the rules read (named in expressions by the workflow's input name).</typeparam>
/// <typeparam name="TOutcome">What the decision yields (from each rule's <c>SuccessEvent</c>).</typeparam>
public sealed class Decision<TFacts, TOutcome> : Decision
{
    private readonly Func<TFacts, int> _match;
    private readonly Func<TFacts, object?[]> _intermediates;
    private readonly TOutcome[] _outcomes;

    internal Decision(string name, string layer, string file, IReadOnlyList<DecisionRule> rules, TOutcome[] outcomes,
        Func<TFacts, int> match, IReadOnlyList<string> intermediateNames, Func<TFacts, object?[]> intermediates)
        : base(name, layer, file, rules, intermediateNames)
    {
        _outcomes = outcomes;
        _match = match;
        _intermediates = intermediates;
    }

    /// <summary>The outcome for the facts.</summary>
    public TOutcome Decide(TFacts facts) => _outcomes[_match(facts)];

    /// <summary>The index of the rule that decides for the facts (for tracing).</summary>
    public int Match(TFacts facts) => _match(facts);

    /// <summary>The outcome the rule at an index gives.</summary>
    public TOutcome OutcomeOf(int ruleIndex) => _outcomes[ruleIndex];

    /// <summary>The values of the workflow's GlobalParams for the facts (for tracing; allocates).</summary>
    public object?[] Intermediates(TFacts facts) => _intermediates(facts);
}
