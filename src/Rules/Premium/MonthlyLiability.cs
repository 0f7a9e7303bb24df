using KokuhoRules.Rules.Snapshots;
using NodaTime;

namespace KokuhoRules.Rules.Premium;

/// <summary>
/// Who is insured and liable for which component in which month of the fiscal year, by the month-end
/// rule (a month counts when the member is insured on its last day, so the month of the loss does not),
/// the legal ages of the 介護 40/65 rules (attained the day before the birthday) and the 75th birthday
/// (後期高齢者医療 from the birthday itself). The decisions are the rule set's <c>Insured</c> and
/// <c>Liability.&lt;component&gt;</c> workflows, evaluated on <see cref="MemberDateFacts"/> at each month's end.
/// A month is one bit: bit 0 = April, bit 11 = March. Allocation-free and thread-safe.
/// </summary>
public static class MonthlyLiability
{
    /// <summary>Months in a fiscal year: the width of every month mask.</summary>
    public const int MonthsPerYear = 12;

    /// <summary>
    /// Decides one member's year: returns the mask of the months in which the member is insured, and
    /// writes into <paramref name="liable"/>[c] the mask of the months in which the member is liable for
    /// component c of <see cref="PremiumRuleSet.Components"/>.
    /// </summary>
    /// <param name="liable">One mask per component of the rule set (at least <c>rs.Components.Count</c>).</param>
    /// <param name="ruleByMonth">
    /// Null, or <c>12 × (components + 1)</c> slots that receive the index of the rule that decided each month:
    /// [k] for <c>Insured</c>, [(c + 1) × 12 + k] for component c. Without it, a month whose facts equal the
    /// previous month's reuses that month's outcomes.
    /// </param>
    public static int Of(PremiumRuleSet rs, MemberSnapshot member, Span<int> liable, int[]? ruleByMonth = null)
    {
        var components = rs.Components;
        var nc = components.Count;
        if (liable.Length < nc) throw new ArgumentException($"one mask per component is needed ({nc})", nameof(liable));
        if (ruleByMonth is not null && ruleByMonth.Length < MonthsPerYear * (nc + 1))
            throw new ArgumentException($"{MonthsPerYear * (nc + 1)} slots are needed", nameof(ruleByMonth));
        liable[..nc].Clear();
        var insuredMask = 0;
        var birthYear = member.BirthDate.Year;
        var birthMonthDay = member.BirthDate.Month * 100 + member.BirthDate.Day;
        var coveredMask = CoveredMonthEnds(member, rs.MonthEnds);
        var previous = default(MemberDateFacts);
        var previousOutcomes = 0; // bit 0: insured; bit c+1: liable for component c
        for (var k = 0; k < MonthsPerYear; k++)
        {
            var facts = new MemberDateFacts((coveredMask & (1 << k)) != 0,
                AgeOn(birthYear, birthMonthDay, rs.MonthEndYears[k], rs.MonthEndMonthDays[k]),
                AgeOn(birthYear, birthMonthDay, rs.NextDayYears[k], rs.NextDayMonthDays[k]), false);
            var outcomes = k > 0 && facts == previous && ruleByMonth is null
                ? previousOutcomes
                : Decide(rs, facts, k, ruleByMonth);
            if ((outcomes & 1) != 0) insuredMask |= 1 << k;
            for (var c = 0; c < nc; c++)
                if ((outcomes & (1 << (c + 1))) != 0) liable[c] |= 1 << k;
            previous = facts;
            previousOutcomes = outcomes;
        }
        return insuredMask;
    }

    /// <summary>One month's outcomes: bit 0 insured, bit c+1 liable for component c; records the deciding rules when asked.</summary>
    private static int Decide(PremiumRuleSet rs, MemberDateFacts facts, int k, int[]? ruleByMonth)
    {
        var components = rs.Components;
        var insuredRule = rs.Insured.Match(facts);
        var insured = rs.Insured.OutcomeOf(insuredRule);
        var withInsured = facts with { Insured = insured };
        var outcomes = insured ? 1 : 0;
        if (ruleByMonth is not null) ruleByMonth[k] = insuredRule;
        for (var c = 0; c < components.Count; c++)
        {
            var rule = components[c].Liability.Match(withInsured);
            if (components[c].Liability.OutcomeOf(rule)) outcomes |= 1 << (c + 1);
            if (ruleByMonth is not null) ruleByMonth[(c + 1) * MonthsPerYear + k] = rule;
        }
        return outcomes;
    }

    /// <summary>The months whose last day the member is covered on (bit 0 = April).</summary>
    private static int CoveredMonthEnds(MemberSnapshot member, LocalDate[] monthEnds)
    {
        var mask = 0;
        var coverage = member.Coverage;
        for (var p = 0; p < coverage.Count; p++)
        {
            var period = coverage[p];
            for (var k = 0; k < MonthsPerYear; k++)
                if (period.Contains(monthEnds[k])) mask |= 1 << k;
        }
        return mask;
    }

    /// <summary>Calendar age from a birth year and month×100+day on a date given the same way (as <see cref="Calendar.Age.CalendarAgeOn"/>, in integers).</summary>
    private static int AgeOn(int birthYear, int birthMonthDay, int year, int monthDay)
    {
        var years = year - birthYear;
        if (monthDay < birthMonthDay) years--;
        return years < 0 ? -1 : years;
    }
}
