using KokuhoRules.Engine.Money;
using static KokuhoRules.Rules.Checks.Premium.AssessmentFacts;

namespace KokuhoRules.Rules.Checks.Premium;

/// <summary>
/// 月割 (途中加入): a member joining in month k pays each item as the annual item × months/12 rounded once by the item's
/// rounding; the charge per person after reliefs is the full year's; the cap is cap × m/12 (rounded by proratedCap) when
/// the rule set prorates caps; with 1-yen floor items the net sum S_m is S₁₂ × m/12 to within 3 yen below and under 1 above.
/// The judgement date is the day liability arose (賦課期日 4月1日, or the day of joining) and the reduction class the full year's.
/// </summary>
public static class ProrationByMonths
{
    public static Violation? Check(SingleMemberCase s)
    {
        var rs = s.RuleSet;
        var p = rs.Parameters;
        var full = CheckCases.Assess(rs, s.FullYear);
        var part = CheckCases.Assess(rs, s.Joining);
        var m = 12 - s.JoinMonth;
        var shows = new Exhibit("household", s.Joining);
        if (full.ReductionClass != part.ReductionClass) return Violation.Of($"the full year's reduction class {full.ReductionClass}", part.ReductionClass, shows);
        if (part.JudgementDate != s.JoinDate) return Violation.Of($"judgement date {s.JoinDate:uuuu-MM-dd}", $"{part.JudgementDate:uuuu-MM-dd}", shows);
        var member = part.Members.Single();
        if (member.InsuredMonths != m) return Violation.Of($"{m} insured months", $"{member.InsuredMonths}", shows);
        var itemsFloorYen = new[] { p.Rounding.IncomeLevy, p.Rounding.PerCapita, p.Rounding.PerHousehold }.All(r => r is { UnitYen: 1, Mode: RoundingMode.Floor });
        foreach (var f in full.Components)
        {
            if (f.Months != 12) continue;
            var rates = p.Rates[f.Name];
            var c = Of(part, f.Name);
            ExactYen Prorated(ExactYen annual) => (annual * m).DividedBy(12);
            var cap = p.Proration.CapByMonths && m < 12 ? p.Proration.ProratedCap.Apply(Prorated(ExactYen.FromYen(rates.Cap))) : rates.Cap;
            var expected = (Months: m, Charge: full.Members.Single().PerCapitaCharges[f.Name],
                IncomeLevy: p.Rounding.IncomeLevy.Apply(Prorated(ExactYen.FromYen(member.AssessableIncome) * rates.IncomeRate)),
                PerCapita: p.Rounding.PerCapita.Apply(Prorated(ExactYen.FromYen(ProrationFullYear.GrossPerCapita(rates, c)))),
                PerHousehold: p.Rounding.PerHousehold.Apply(Prorated(ExactYen.FromYen(rates.PerHousehold))), Cap: cap);
            var got = (c.Months, member.PerCapitaCharges[f.Name], c.IncomeLevy, c.PerCapita, c.PerHousehold, c.Cap);
            if (expected != got) return Violation.Of($"{f.Name}: months, charge per person, 所得割, 均等割, 平等割, cap = {expected}", $"{got}", shows);
            var s12 = f.IncomeLevy + f.PerCapita + f.PerHousehold - f.Reduction;
            var sm = c.IncomeLevy + c.PerCapita + c.PerHousehold - c.Reduction;
            if (m == 12 && s12 != sm) return Violation.Of($"{f.Name}: the full year's net {s12:N0}", $"{sm:N0}", shows);
            if (itemsFloorYen && !(m * s12 - 36 < 12 * sm && 12 * sm <= m * s12 + m - 1))
                return Violation.Of($"{f.Name}: 12·S{m} in ({m * s12 - 36}, {m * s12 + m - 1}] for S12 = {s12:N0}", $"S{m} = {sm:N0}", shows);
        }
        return null;
    }
}
