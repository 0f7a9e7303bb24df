using KokuhoRules.Engine.Tracing;
using KokuhoRules.Rules.Premium;
using KokuhoRules.Rules.Snapshots;
using NodaTime;

namespace KokuhoRules.Rules.Withholding;

/// <summary>What a withholding determination reads, checked (see <see cref="WithholdingService"/> for the checks).</summary>
/// <param name="Household">The household on the reference date.</param>
/// <param name="HeadPension">The head's pension from which 介護保険料 is withheld, or null when the head has none.</param>
/// <param name="Previous">The previous fiscal year (its premium and what was withheld in February).</param>
/// <param name="DirectDebit">The household pays, or asked to pay, by 口座振替.</param>
/// <param name="AnnualPremium">This year's annual premium (yen, ≥ 0).</param>
/// <param name="StartMonth">The calendar month asked for; null: <see cref="WithholdingSchedule.DefaultStartMonth"/>.</param>
/// <param name="ReferenceDate">The date eligibility is judged on (4月1日 for the standard October start).</param>
public sealed record WithholdingInputs(
    HouseholdSnapshot Household,
    PensionFacts? HeadPension,
    PreviousYear Previous,
    bool DirectDebit,
    long AnnualPremium,
    int? StartMonth,
    LocalDate ReferenceDate);

/// <summary>A household's determination: whether it pays through the pension, every condition, and the year's schedule.</summary>
/// <param name="Schedule">
/// The year's schedule: 仮徴収/本徴収 from the start month and the ordinary installments before it when eligible;
/// otherwise the premium's ordinary installments of the whole year. Its amounts add up to the annual premium
/// (plus <see cref="WithholdingScheduleResult.Overpaid"/> when the 仮徴収 withheld more).
/// </param>
public sealed record WithholdingDeterminationResult(bool Eligible, EligibilityOutcome Eligibility, WithholdingScheduleResult Schedule);

/// <summary>
/// The determination of §A2–§A6 as one pure function: the schedule the household would have from its start month,
/// the §A2 conditions judged on the reference date with the largest month of that schedule (the per-payment ½ test),
/// and the schedule itself when every condition holds, or the ordinary installments when one does not.
/// </summary>
public static class WithholdingDetermination
{
    /// <summary>Determines; the inputs are checked already (the start month agrees with the previous year).</summary>
    public static WithholdingDeterminationResult Determine(WithholdingRuleSet rs, PremiumRuleSet premium, WithholdingInputs inputs, Trace? trace)
    {
        var p = rs.Parameters;
        var start = inputs.StartMonth ?? WithholdingSchedule.DefaultStartMonth(p, inputs.Previous);
        var withheld = WithholdingSchedule.Build(rs, premium, start, inputs.AnnualPremium, inputs.Previous);
        var largest = withheld.Entries.Where(e => e.Kind != PaymentKind.Ordinary).Select(e => e.Amount).DefaultIfEmpty(0).Max();
        var eligibility = WithholdingEligibility.Determine(rs, inputs.Household, inputs.HeadPension, inputs.ReferenceDate,
            inputs.AnnualPremium, inputs.DirectDebit, largest);
        var schedule = eligibility.Eligible ? withheld : WithholdingSchedule.OrdinaryOnly(premium, inputs.AnnualPremium);
        if (trace is not null) WithholdingTrace.Write(trace, rs, inputs, start, inputs.StartMonth is null, eligibility, schedule);
        return new WithholdingDeterminationResult(eligibility.Eligible, eligibility, schedule);
    }
}
