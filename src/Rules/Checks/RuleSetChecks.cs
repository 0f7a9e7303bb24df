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
/// Runs the catalogue of invariants (<see cref="PremiumInvariants"/>) against one rule set — a draft included: it is a
/// trial — as <c>kokuho rulesets check</c>, the invariant tests and the publish gate do. Deterministic: the same seed
/// and number of tests give the same cases and the same counterexamples.
/// </summary>
public static class RuleSetChecks
{
    /// <summary>The cases per invariant when none is asked for.</summary>
    public const int DefaultTests = 100;

    /// <summary>
    /// Checks every invariant (or those whose id is in <paramref name="only"/>) on <paramref name="tests"/> cases each.
    /// <paramref name="catalog"/> must serve <paramref name="ruleSet"/> (it is where the API would find it);
    /// <paramref name="progress"/> hears of each invariant as it finishes.
    /// </summary>
    public static RuleSetCheckResult Run(RuleSetCatalog catalog, PremiumRuleSet ruleSet, ulong seed, int tests = DefaultTests,
        IReadOnlyCollection<string>? only = null, Action<InvariantResult>? progress = null)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(tests, 1);
        var context = new CheckContext(ruleSet, new Lazy<PremiumRuleSet>(() => ReliefFreeRuleSets.Of(ruleSet)), new PremiumService(catalog));
        var results = new List<InvariantResult>();
        foreach (var invariant in PremiumInvariants.All.Where(i => only is null || only.Count == 0 || only.Contains(i.Id)))
        {
            var result = invariant.Run(context, seed, tests);
            results.Add(result);
            progress?.Invoke(result);
        }
        return new RuleSetCheckResult(ruleSet.Stamp, seed, tests, results);
    }

    /// <summary>A fresh seed, for a run that names none (printed, so the run can be repeated).</summary>
    public static ulong NewSeed() => (ulong)Random.Shared.NextInt64(1, int.MaxValue);
}
