using KokuhoRules.Rules.Calendar;
using KokuhoRules.Rules.Snapshots;
using NodaTime;

namespace KokuhoRules.Rules.Withholding;

/// <summary>
/// The head's pension from which 介護保険料 is withheld (§A3: with several pensions, only that one counts).
/// </summary>
/// <param name="AnnualAmount">Its annual amount as of the reference date (yen, ≥ 0).</param>
/// <param name="CareInsuranceWithheld">The head's 介護保険料 is withheld from it.</param>
/// <param name="CarePremiumPerPayment">介護保険料 withheld per payment (yen, ≥ 0).</param>
/// <param name="Suspended">支給停止.</param>
/// <param name="Pledged">担保に供されている.</param>
public sealed record PensionFacts(long AnnualAmount, bool CareInsuranceWithheld, long CarePremiumPerPayment, bool Suspended, bool Pledged);

/// <summary>One condition of the answer: whether it holds, the rule that decided it and its reference.</summary>
/// <param name="Rule">The rule's name as rendered with the rule set's parameters.</param>
/// <param name="Reference">The law article or notice of the rule (for a fallback citing none, of the nearest cited rule before it).</param>
public sealed record ConditionOutcome(string Name, bool Holds, string Rule, string? Reference);

/// <summary>Whether a household pays through the pension, and every §A2 condition with its outcome.</summary>
public sealed record EligibilityOutcome(bool Eligible, IReadOnlyList<ConditionOutcome> Conditions, WithholdingFacts Facts);

/// <summary>The eligibility determination of §A2 (特別徴収の対象): a pure function of its inputs.</summary>
public static class WithholdingEligibility
{
    /// <summary>
    /// Determines eligibility on <paramref name="referenceDate"/> (4月1日 for the standard October start): the head
    /// insured, every insured member in the age band, the head not reaching the upper age in the fiscal year,
    /// the pension minimum, 介護保険料 withheld, the ½ test and the city's switches — every condition evaluated and
    /// listed, eligible when all hold. Members order does not matter.
    /// </summary>
    /// <param name="pension">The head's pension, or null when the head has none.</param>
    /// <param name="annualPremium">The household's annual NHI premium (yen, ≥ 0).</param>
    /// <param name="directDebit">The household pays, or asked to pay, by 口座振替.</param>
    /// <param name="largestWithholding">
    /// The largest amount the schedule withholds in one pension month (yen); null: the annual premium ÷ the payments a
    /// year, rounded up (the test as the notices state it, before a schedule exists).
    /// </param>
    public static EligibilityOutcome Determine(WithholdingRuleSet rs, HouseholdSnapshot household, PensionFacts? pension,
        LocalDate referenceDate, long annualPremium, bool directDebit, long? largestWithholding = null)
    {
        var facts = Facts(rs, household, pension, referenceDate, annualPremium, directDebit, largestWithholding);
        var conditions = new ConditionOutcome[rs.Conditions.Count];
        for (var i = 0; i < conditions.Length; i++)
        {
            var (name, decision) = (rs.Conditions[i].Name, rs.Conditions[i].Decision);
            var index = decision.Match(facts);
            var rule = decision.Rules[index];
            conditions[i] = new ConditionOutcome(name, decision.OutcomeOf(index), rule.Name, ReferenceOf(decision.Rules, index));
        }
        return new EligibilityOutcome(conditions.All(c => c.Holds), conditions, facts);
    }

    /// <summary>
    /// The reference of the rule at <paramref name="index"/>, or, for a fallback that cites none, of the nearest cited
    /// rule before it (the rule whose failure it stands for: "年額18万円未満" cites the 18万円 rule).
    /// </summary>
    private static string? ReferenceOf(IReadOnlyList<Engine.Decisions.DecisionRule> rules, int index)
    {
        for (var i = index; i >= 0; i--)
            if (rules[i].Reference is { } reference) return reference;
        return null;
    }

    /// <summary>The facts the decisions read, from the snapshot and the pension.</summary>
    public static WithholdingFacts Facts(WithholdingRuleSet rs, HouseholdSnapshot household, PensionFacts? pension,
        LocalDate referenceDate, long annualPremium, bool directDebit, long? largestWithholding = null)
    {
        var e = rs.Parameters.Eligibility;
        var fy = new FiscalYear(rs.FiscalYear);
        var headIndex = household.HeadIndex;
        var head = headIndex >= 0 ? household.Members[headIndex] : null;
        int insured = 0, youngest = int.MaxValue, oldest = 0;
        foreach (var m in household.Members)
        {
            if (!m.IsCoveredOn(referenceDate)) continue;
            insured++;
            youngest = Math.Min(youngest, Age.LegalAgeOn(m.BirthDate, referenceDate));
            oldest = Math.Max(oldest, Age.CalendarAgeOn(m.BirthDate, referenceDate));
        }
        bool Reaches(int age, Func<LocalDate, LocalDate, int> ageOn) =>
            head is not null && ageOn(head.BirthDate, fy.Start.PlusDays(-1)) < age && ageOn(head.BirthDate, fy.End) >= age;
        return new WithholdingFacts(
            HeadInsured: head?.IsCoveredOn(referenceDate) == true,
            InsuredMembers: insured,
            YoungestInsuredAge: insured == 0 ? 0 : youngest,
            OldestInsuredAge: oldest,
            HeadTurnsAgeUntilInYear: Reaches(e.AgeUntil, Age.CalendarAgeOn),
            HeadTurnsAgeFromInYear: Reaches(e.AgeFrom, Age.LegalAgeOn),
            AnnualPension: pension?.AnnualAmount ?? 0,
            PensionSuspended: pension?.Suspended ?? false,
            PensionPledged: pension?.Pledged ?? false,
            CareInsuranceWithheld: pension?.CareInsuranceWithheld ?? false,
            CarePremiumPerPayment: pension?.CarePremiumPerPayment ?? 0,
            AnnualPremium: annualPremium,
            DirectDebit: directDebit,
            LargestWithholding: largestWithholding ?? (annualPremium + e.PaymentsPerYear - 1) / e.PaymentsPerYear);
    }
}
