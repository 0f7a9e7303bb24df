namespace KokuhoRules.Rules.Withholding;

/// <summary>
/// The household facts every eligibility decision reads (as <c>h</c>), on the reference date of the determination.
/// Built by <see cref="WithholdingEligibility"/> from the household snapshot and the head's pension facts.
/// </summary>
/// <param name="HeadInsured">The head is an NHI insured on the reference date (a 擬制世帯主 is not).</param>
/// <param name="InsuredMembers">NHI insured members on the reference date.</param>
/// <param name="YoungestInsuredAge">Legal age of the youngest insured member (attained the day before the birthday: the 介護 65 rule; 0 when none).</param>
/// <param name="OldestInsuredAge">Calendar age of the oldest insured member (the 75 rule counts from the birthday; 0 when none).</param>
/// <param name="HeadTurnsAgeUntilInYear">The head reaches <c>eligibility.ageUntil</c> (75) during the fiscal year.</param>
/// <param name="HeadTurnsAgeFromInYear">The head reaches <c>eligibility.ageFrom</c> (65) after the start of the fiscal year and within it.</param>
/// <param name="AnnualPension">The annual amount of the head's pension from which 介護保険料 is withheld (yen; 0 when none).</param>
/// <param name="PensionSuspended">That pension is suspended (支給停止).</param>
/// <param name="PensionPledged">That pension is pledged (担保).</param>
/// <param name="CareInsuranceWithheld">The head's 介護保険料 is withheld from that pension.</param>
/// <param name="CarePremiumPerPayment">介護保険料 withheld per payment (yen).</param>
/// <param name="AnnualPremium">The household's annual NHI premium (yen).</param>
/// <param name="DirectDebit">The household pays (or asked to pay) by 口座振替.</param>
/// <param name="LargestWithholding">The largest amount the schedule would withhold in one pension month (yen): the per-payment ½ test.</param>
public readonly record struct WithholdingFacts(
    bool HeadInsured,
    int InsuredMembers,
    int YoungestInsuredAge,
    int OldestInsuredAge,
    bool HeadTurnsAgeUntilInYear,
    bool HeadTurnsAgeFromInYear,
    long AnnualPension,
    bool PensionSuspended,
    bool PensionPledged,
    bool CareInsuranceWithheld,
    long CarePremiumPerPayment,
    long AnnualPremium,
    bool DirectDebit,
    long LargestWithholding);
