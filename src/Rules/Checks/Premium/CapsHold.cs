using KokuhoRules.Rules.Premium;

namespace KokuhoRules.Rules.Checks.Premium;

/// <summary>
/// 賦課限度額を超えない: every component is between 0 and its cap (itself between 0 and the rule set's 賦課限度額), and the
/// annual premium is the annual rounding of the components' sum (their sum itself with 1-yen rounding).
/// </summary>
public static class CapsHold
{
    public static Violation? Check(HouseholdCase c)
    {
        var rs = c.RuleSet;
        var a = c.Assess();
        var shows = new Exhibit("household", c.Household);
        var expected = rs.Components.Select(x => x.Name).ToArray();
        if (!expected.SequenceEqual(a.Components.Select(x => x.Name)))
            return Violation.Of($"the components {string.Join(", ", expected)}", string.Join(", ", a.Components.Select(x => x.Name)), shows);
        foreach (var comp in a.Components)
        {
            var limit = rs.Parameters.Rates[comp.Name].Cap;
            if (comp.Cap < 0 || comp.Cap > limit) return Violation.Of($"{comp.Name}: a cap between 0 and 賦課限度額 {limit:N0}", $"cap {comp.Cap:N0}", shows);
            if (comp.Amount < 0 || comp.Amount > comp.Cap) return Violation.Of($"{comp.Name}: an amount between 0 and its cap {comp.Cap:N0}", $"amount {comp.Amount:N0}", shows);
        }
        var sum = a.Components.Sum(x => x.Amount);
        var annual = rs.Parameters.Rounding.Annual.Apply(sum);
        if (a.AnnualPremium < 0 || a.AnnualPremium != annual)
            return Violation.Of($"annual premium = annual rounding of the components' sum {sum:N0} = {annual:N0}", $"annual premium {a.AnnualPremium:N0}", shows);
        if (rs.Parameters.Rounding.Annual is { UnitYen: 1 } && a.AnnualPremium != sum)
            return Violation.Of($"annual premium = the components' sum {sum:N0} (1-yen rounding)", $"annual premium {a.AnnualPremium:N0}", shows);
        return null;
    }
}
