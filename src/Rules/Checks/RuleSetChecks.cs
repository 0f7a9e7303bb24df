using KokuhoRules.Engine.RuleSets;
using KokuhoRules.Rules.Premium;

namespace KokuhoRules.Rules.Checks;

/// <summary>The outcome of checking a rule set: which, with which seed and how many cases, and each invariant's result.</summary>
public sealed record RuleSetCheckResult(RuleSetStamp RuleSet, ulong Seed, int Tests, IReadOnlyList<InvariantResult> Invariants)
{
    /// <summary>True when every invariant held.</summary>
    public bool Holds => Invariants.All(i => i.Holds);
}

/// <summary>
/// Runs a capability's catalogue of invariants (<see cref="PremiumInvariants"/>, <see cref="WithholdingInvariants"/>,
/// <see cref="HighCostInvariants"/>, <see cref="EligibilityInvariants"/>) against one rule set — a draft included: it is a trial — as
/// <c>kokuho rulesets check</c>, the invariant tests and the publish gate do. Deterministic: the same seed and number of
/// tests give the same cases and the same counterexamples.
/// </summary>
public static class RuleSetChecks
{
    /// <summary>The cases per invariant when none is asked for.</summary>
    public const int DefaultTests = 100;

    /// <summary>The capabilities that have a catalogue, in the order <c>rulesets check</c> names them.</summary>
    public static IReadOnlyList<string> Capabilities { get; } =
        [PremiumRuleSetCompiler.CapabilityName, Withholding.WithholdingRuleSetCompiler.CapabilityName, HighCost.HighCostRuleSetCompiler.CapabilityName, Eligibility.EligibilityRuleSetCompiler.CapabilityName];

    /// <summary>The invariants of <paramref name="capability"/>, in the order they run; empty for a capability without a catalogue.</summary>
    public static IReadOnlyList<Invariant> Catalogue(string capability) => capability switch
    {
        PremiumRuleSetCompiler.CapabilityName => PremiumInvariants.All,
        Withholding.WithholdingRuleSetCompiler.CapabilityName => WithholdingInvariants.All,
        HighCost.HighCostRuleSetCompiler.CapabilityName => HighCostInvariants.All,
        Eligibility.EligibilityRuleSetCompiler.CapabilityName => EligibilityInvariants.All,
        _ => [],
    };

    /// <summary>
    /// Checks every invariant of the rule set's capability (or those whose id is in <paramref name="only"/>) on
    /// <paramref name="tests"/> cases each. <paramref name="catalog"/> must serve <paramref name="ruleSet"/> (it is where the API
    /// would find it); <paramref name="progress"/> hears of each invariant as it finishes.
    /// </summary>
    /// <exception cref="ArgumentException">The rule set's capability has no catalogue (<see cref="Capabilities"/>).</exception>
    public static RuleSetCheckResult Run(RuleSetCatalog catalog, CompiledRuleSet ruleSet, ulong seed, int tests = DefaultTests,
        IReadOnlyCollection<string>? only = null, Action<InvariantResult>? progress = null)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(tests, 1);
        ICheckContext context = ruleSet switch
        {
            PremiumRuleSet rs => new CheckContext(rs, new Lazy<PremiumRuleSet>(() => ReliefFreeRuleSets.Of(rs)), new PremiumService(catalog)),
            Withholding.WithholdingRuleSet rs => new WithholdingCheckContext(rs, new Withholding.WithholdingService(catalog)),
            HighCost.HighCostRuleSet rs => new HighCostCheckContext(rs),
            Eligibility.EligibilityRuleSet rs => new EligibilityCheckContext(rs, new Eligibility.EligibilityService(catalog)),
            _ => throw new ArgumentException($"the {ruleSet.Capability} capability has no invariants to check (those that have: {string.Join(", ", Capabilities)})", nameof(ruleSet)),
        };
        var results = new List<InvariantResult>();
        foreach (var invariant in Catalogue(ruleSet.Capability).Where(i => only is null || only.Count == 0 || only.Contains(i.Id)))
        {
            var result = invariant.Run(context, seed, tests);
            results.Add(result);
            progress?.Invoke(result);
        }
        return new RuleSetCheckResult(ruleSet.Stamp, seed, tests, results);
    }

    /// <summary>The <c>--capability</c> option of a <c>rulesets check</c> command line for <paramref name="capability"/> (none for the default, premium).</summary>
    public static string CapabilityOption(string capability) => capability == PremiumRuleSetCompiler.CapabilityName ? "" : $" --capability {capability}";

    /// <summary>A fresh seed, for a run that names none (printed, so the run can be repeated).</summary>
    public static ulong NewSeed() => (ulong)Random.Shared.NextInt64(1, int.MaxValue);
}
