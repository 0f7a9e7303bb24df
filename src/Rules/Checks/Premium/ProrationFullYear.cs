using KokuhoRules.Engine.Money;
using KokuhoRules.Rules.Premium;

namespace KokuhoRules.Rules.Checks.Premium;

/// <summary>
/// 月割 (通年): a single member covered all year is insured 12 months and pays, for each component liable all year, the
/// annual 所得割 (assessable income × rate), 均等割 (with the 18歳以上 add-on where not waived) and 平等割 each rounded by its item rounding, with the cap itself; the
/// charge per person after reliefs is between 0 and the annual 均等割.
/// </summary>
public static class ProrationFullYear
{
    public static Violation? Check(SingleMemberCase s)
    {
        var rs = s.RuleSet;
        var a = CheckCases.Assess(rs, s.FullYear);
        var member = a.Members.Single();
        var shows = new Exhibit("household", s.FullYear);
        if (member.InsuredMonths != 12) return Violation.Of("12 insured months", $"{member.InsuredMonths}", shows);
        foreach (var comp in a.Components)
        {
            var rates = rs.Parameters.Rates[comp.Name];
            if ((comp.Name is "medical" or "support" && comp.Months != 12) || member.ComponentMonths[comp.Name] != comp.Months)
                return Violation.Of($"{comp.Name}: 12 months (medical, support) and the member's months {member.ComponentMonths[comp.Name]}", $"{comp.Months}", shows);
            if (comp.Months != 12) continue; // 介護分 for a member who turns 40 or 65 in the year
            var r = rs.Parameters.Rounding;
            var gross = GrossPerCapita(rates, comp);
            var expected = (Cap: rates.Cap, PerCapita: r.PerCapita.Apply(gross), PerHousehold: r.PerHousehold.Apply(rates.PerHousehold),
                IncomeLevy: r.IncomeLevy.Apply(ExactYen.FromYen(member.AssessableIncome) * rates.IncomeRate));
            var got = (comp.Cap, comp.PerCapita, comp.PerHousehold, comp.IncomeLevy);
            if (expected != got) return Violation.Of($"{comp.Name}: cap, 均等割, 平等割, 所得割 = {expected}", $"{got}", shows);
            var charge = member.PerCapitaCharges[comp.Name];
            if (charge < 0 || charge > gross) return Violation.Of($"{comp.Name}: a charge per person between 0 and {gross:N0}", $"{charge:N0}", shows);
        }
        return null;
    }

    /// <summary>
    /// The annual 均等割 of one member: the rate, plus the 18歳以上 add-on (子ども分) unless the member's 均等割 is waived
    /// (a waived member is listed with a <see cref="Relief.PerCapitaWaiver"/> relief).
    /// </summary>
    public static long GrossPerCapita(ComponentRates rates, ComponentAssessment comp) =>
        rates.PerCapita + (comp.Reliefs.Any(x => x.Relief == Relief.PerCapitaWaiver) ? 0 : rates.AdultPerCapitaAddOn ?? 0);
}
