using KokuhoRules.Engine.Decisions;
using KokuhoRules.Engine.RuleSets;

namespace KokuhoRules.Rules.Withholding;

/// <summary>One §A2 condition as a compiled decision, in the order the answer lists them.</summary>
/// <param name="Name">The condition's name in answers (camelCase, e.g. <c>headInsured</c>).</param>
/// <param name="Decision">The workflow deciding whether it holds.</param>
public sealed record WithholdingCondition(string Name, Decision<WithholdingFacts, bool> Decision);

/// <summary>
/// A withholding rule set compiled once: parameters bound and validated, one decision per eligibility
/// condition. Immutable and thread-safe. Built by <see cref="WithholdingRuleSetCompiler"/>.
/// </summary>
public sealed class WithholdingRuleSet : CompiledRuleSet
{
    internal WithholdingRuleSet(RuleSetSource source, WithholdingParameters parameters, ParameterTable table, IReadOnlyList<WithholdingCondition> conditions)
        : base(source, table)
    {
        Parameters = parameters;
        Conditions = conditions;
    }

    public WithholdingParameters Parameters { get; }

    /// <summary>Every eligibility condition; the household is eligible when all hold.</summary>
    public IReadOnlyList<WithholdingCondition> Conditions { get; }

    public override IEnumerable<Decision> Decisions => Conditions.Select(c => c.Decision);
}
