using KokuhoRules.Engine.RuleSets;

namespace KokuhoRules.Rules.Premium.Impact;

/// <summary>One component's totals: base, draft, difference (yen), and households at its cap on each side.</summary>
/// <param name="Name">medical | support | care | child; a component only one side has counts 0 on the other.</param>
/// <param name="Label">医療分 …, from the draft (else the base).</param>
public sealed record ImpactComponent(string Name, string Label, long Base, long Draft, long Difference, long BaseAtCap, long DraftAtCap);

/// <summary>A band of the premium change: its range (yen; null: unbounded), households in it and the sum of their changes.</summary>
/// <param name="Direction">rise | fall | unchanged.</param>
public sealed record ImpactBand(string Label, string Direction, long? From, long? To, long Households, long Difference);

/// <summary>A reduction class (7割, 5割, 2割, none): households in it and their premiums, on each side (a household's class may differ between the sides).</summary>
public sealed record ImpactReductionClass(string Class, string Label, long BaseHouseholds, long BaseTotal, long DraftHouseholds, long DraftTotal);

/// <summary>An age band of the head: households and their premiums under each side.</summary>
public sealed record ImpactAgeBand(string Band, string Label, long Households, long Base, long Draft, long Difference);

/// <summary>One side of the comparison: the rule set's stamp (insurer, year, version, status, hash).</summary>
public sealed record ImpactSide(RuleSetStamp Ruleset, long AnnualPremium);

/// <summary>What the report was computed from: the population (file and SHA-256, or the database), households assessed and refused.</summary>
public sealed record ImpactInput(string Source, string? Sha256, long Households, long Refused);

/// <summary>Who computed the report and when (UTC), for the audit and the meeting's minutes.</summary>
public sealed record ImpactRun(string By, NodaTime.Instant At, double ElapsedSeconds);
