using System.ComponentModel.DataAnnotations;
using KokuhoRules.Engine.RuleSets;
using KokuhoRules.Engine.Tracing;
using KokuhoRules.Rules.Snapshots;
using NodaTime;

namespace KokuhoRules.Rules.Withholding;

/// <summary>
/// A request for a household's withholding determination (the body of <c>POST /v1/withholding/determinations</c>):
/// whether it pays its premium through the pension (特別徴収), from which month, and how much in each month.
/// </summary>
public sealed record WithholdingDeterminationRequest
{
    /// <summary>Insurer id, e.g. <c>amagasaki</c>.</summary>
    [Required]
    public string? Insurer { get; init; }

    /// <summary>The fiscal year (年度) by its starting year, e.g. 2025.</summary>
    [Required]
    public int? FiscalYear { get; init; }

    /// <summary>
    /// The reference date eligibility is judged on (coverage, ages, the pension): absent, 4月1日 of the fiscal year (the
    /// date the pension insurers' notice for the standard October start is based on). Also picks the rule-set versions in force.
    /// </summary>
    public LocalDate? AsOf { get; init; }

    /// <summary>The household as the core system sees it, with the head's <c>pension</c> on the head's member entry.</summary>
    [Required]
    public HouseholdJson? Household { get; init; }

    /// <summary>The previous fiscal year; absent: the household was not withheld last year and its premium is not known (no 仮徴収 start).</summary>
    public PreviousYearJson? PreviousYear { get; init; }

    /// <summary>The household pays, or asked to pay, by 口座振替 (kept out where the insurer's switch says so). Default false.</summary>
    public bool? DirectDebitRequested { get; init; }

    /// <summary>The annual premium the core system assessed (yen); absent: the service assesses it with the premium rule set and says so in the trace.</summary>
    public long? AnnualPremium { get; init; }

    /// <summary>
    /// The calendar month withholding starts (4, 6, 8 or 10 as the rule set lists); absent: 4 for a household withheld
    /// last February, otherwise 10.
    /// </summary>
    public int? StartMonth { get; init; }

    /// <summary>True for a trial calculation (試算), the only way to use a draft rule set.</summary>
    public bool? Trial { get; init; }

    /// <summary>The withholding rule-set version to use (e.g. 2025.1); absent: the published version in force on asOf.</summary>
    public string? RulesetVersion { get; init; }
}

/// <summary>The previous fiscal year in a withholding request.</summary>
public sealed record PreviousYearJson
{
    /// <summary>The previous year's annual premium (yen).</summary>
    [Required]
    public long? AnnualPremium { get; init; }

    /// <summary>
    /// What was withheld from the pension in the previous February (yen): positive for a continuing household (仮徴収 =
    /// this amount), 0 when withholding stopped during the previous year (no 仮徴収), absent when it was not withheld at all.
    /// </summary>
    public long? FebruaryWithheld { get; init; }
}

/// <summary>The answer to a <see cref="WithholdingDeterminationRequest"/>.</summary>
/// <param name="Eligible">The household pays through the pension.</param>
/// <param name="Conditions">Every eligibility condition (特別徴収の対象): its name, whether it holds, the rule that decided it and its reference.</param>
/// <param name="StartMonth">The calendar month withholding starts; null when not eligible.</param>
/// <param name="AnnualPremium">The year's annual premium (yen).</param>
/// <param name="AnnualPremiumAssessed">True when the service assessed the premium (the request gave none).</param>
/// <param name="Schedule">Every month with its kind (provisional 仮徴収, definitive 本徴収, ordinary 普通徴収) and amount, in month order.</param>
/// <param name="Overpaid">What the 仮徴収 withheld beyond the annual premium (a refund); provisional + definitive + ordinary − overpaid = annual premium.</param>
/// <param name="Ruleset">The withholding rule set used.</param>
/// <param name="PremiumRuleset">The premium rule set whose installments (and, when assessed, premium) were used.</param>
/// <param name="UnconfirmedParameters">Parameters of the withholding rule set that no source confirms yet.</param>
/// <param name="Trace">Every step with its parameters, rule and reference; null when not asked for.</param>
public sealed record WithholdingDeterminationResponse(
    bool Eligible,
    IReadOnlyList<ConditionOutcome> Conditions,
    int? StartMonth,
    long AnnualPremium,
    bool AnnualPremiumAssessed,
    IReadOnlyList<ScheduleEntry> Schedule,
    long ProvisionalTotal,
    long DefinitiveTotal,
    long OrdinaryTotal,
    long Overpaid,
    RuleSetStamp Ruleset,
    RuleSetStamp PremiumRuleset,
    IReadOnlyList<string> UnconfirmedParameters,
    bool Trial,
    IReadOnlyList<TraceStep>? Trace);
