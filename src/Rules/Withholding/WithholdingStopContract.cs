using System.ComponentModel.DataAnnotations;
using KokuhoRules.Engine.RuleSets;
using KokuhoRules.Engine.Tracing;
using KokuhoRules.Rules.Premium;
using NodaTime;

namespace KokuhoRules.Rules.Withholding;

/// <summary>
/// A change that stops a household's withholding (the body of <c>POST /v1/withholding/stops</c>): the household's
/// determination request as it is, and the change.
/// </summary>
public sealed record WithholdingStopRequest
{
    /// <summary>The determination request of the household (the body of <c>POST /v1/withholding/determinations</c>), with the household as it now is.</summary>
    [Required]
    public WithholdingDeterminationRequest? Determination { get; init; }

    /// <summary>What changed, and when.</summary>
    [Required]
    public StopChangeJson? Change { get; init; }
}

/// <summary>The change of a stop request.</summary>
public sealed record StopChangeJson
{
    /// <summary>
    /// One of <c>headChanged</c> (世帯主変更), <c>headLostCoverage</c> (資格喪失), <c>conditionNoLongerHolds</c>,
    /// <c>premiumDecreased</c>, <c>premiumIncreased</c>, <c>directDebitRequested</c> (口座振替への変更申出),
    /// <c>pensionSuspended</c>, <c>death</c> (死亡), <c>moveOut</c> (転出).
    /// </summary>
    [Required]
    public string? Kind { get; init; }

    /// <summary>The day of the change (異動日; for a request, the day it is made), within the determination's fiscal year.</summary>
    [Required]
    public LocalDate? Date { get; init; }

    /// <summary>The annual premium after the change (yen): required for <c>premiumDecreased</c> and <c>premiumIncreased</c>; absent: unchanged.</summary>
    public long? AnnualPremium { get; init; }

    /// <summary>The head's 介護保険料 per payment from the change on (yen; e.g. as set in July); absent: unchanged.</summary>
    public long? CarePremiumPerPayment { get; init; }
}

/// <summary>The answer to a <see cref="WithholdingStopRequest"/>.</summary>
/// <param name="Kind">The change's kind, as sent.</param>
/// <param name="StopMonth">The first pension month no longer withheld (after the fiscal year: nothing stops this year); absent when withholding goes on.</param>
/// <param name="Route"><c>cityNotice</c>, <c>pensionInsurer</c>, <c>request</c>, or <c>none</c> (withholding goes on).</param>
/// <param name="Withheld">The pension months withheld before the stop month, as the determination scheduled them.</param>
/// <param name="PreviousAnnualPremium">The determination's annual premium.</param>
/// <param name="AnnualPremium">The annual premium after the change.</param>
/// <param name="Schedule">The whole year after the stop: the pension months kept and the ordinary installments, in month order.</param>
/// <param name="Installments">The ordinary installments before and after, as <c>POST /v1/premium/reassessments</c> gives them.</param>
/// <param name="InstallmentsDueAfter">The new ordinary amounts go to the installments due after this day.</param>
/// <param name="Settlement">A refund when more was withheld and billed than the new premium; an extra bill when no installment is left.</param>
/// <param name="Conditions">The eligibility conditions that no longer hold on the change's day (empty when none fails).</param>
/// <param name="Trace">The determination's steps, then the stop's; null when not asked for.</param>
public sealed record WithholdingStopResponse(
    string Kind,
    YearMonth? StopMonth,
    StopRoute Route,
    IReadOnlyList<ScheduleEntry> Withheld,
    long WithheldTotal,
    long PreviousAnnualPremium,
    long AnnualPremium,
    IReadOnlyList<ScheduleEntry> Schedule,
    long OrdinaryTotal,
    IReadOnlyList<InstallmentChange> Installments,
    LocalDate InstallmentsDueAfter,
    Settlement Settlement,
    IReadOnlyList<ConditionOutcome> Conditions,
    RuleSetStamp Ruleset,
    RuleSetStamp PremiumRuleset,
    IReadOnlyList<string> UnconfirmedParameters,
    bool Trial,
    IReadOnlyList<TraceStep>? Trace);
