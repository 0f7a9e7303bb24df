using KokuhoRules.Engine.RuleSets;

namespace KokuhoRules.Rules.Premium.Solve;

/// <summary>
/// One component solved: the target, the rates found (所得割率, 均等割, 平等割, rounded as the targets say), what they raise over the
/// population (Σ the component's amounts after reductions and caps, as the batch sums them), the residual (raised − target), the
/// passes it took, the households at the cap; and, for comparison, the draft's own rates and what they raise.
/// </summary>
public sealed record SolvedComponent(
    string Name,
    string Label,
    long Target,
    long? Required,
    decimal? CollectionRate,
    decimal IncomeShare,
    decimal PerCapitaShare,
    decimal IncomeRate,
    long PerCapita,
    long PerHousehold,
    long Raised,
    long Residual,
    int Iterations,
    long HouseholdsAtCap,
    decimal DraftIncomeRate,
    long DraftPerCapita,
    long DraftPerHousehold,
    long DraftRaised);

/// <summary>What <c>rulesets solve</c> found: the rule set solved against, the targets' hash, each component, and the run.</summary>
/// <param name="Passes">Passes over the population (the first reads what does not change with the rates; each further one assesses every household once).</param>
public sealed record RateSolution(
    RuleSetStamp Ruleset,
    string TargetsSha256,
    string IncomeRateUnit,
    IReadOnlyList<SolvedComponent> Components,
    long Households,
    long Refused,
    int Passes,
    string By,
    NodaTime.Instant At,
    double ElapsedSeconds);

/// <summary>A target the population cannot raise at any rate (everyone at the cap, no one liable, no income): the message says which and why.</summary>
public sealed class UnreachableTargetException(string message) : InvalidOperationException(message);
