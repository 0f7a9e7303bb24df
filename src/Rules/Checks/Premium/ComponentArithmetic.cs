using KokuhoRules.Rules.Premium;

namespace KokuhoRules.Rules.Checks.Premium;

/// <summary>
/// 賦課額の内訳: each component's amount is min(before cap, cap), and before cap is 所得割 + 均等割 + 平等割 − 軽減 rounded by
/// the component rounding (so within one rounding unit of it); the reduction is between 0 and the levies, each levy ≥ 0.
/// </summary>
public static class ComponentArithmetic
{
    public static Violation? Check(HouseholdCase c)
    {
        var rounding = c.RuleSet.Parameters.Rounding.Component;
        var shows = new Exhibit("household", c.Household);
        foreach (var comp in c.Assess().Components)
        {
            if (comp.IncomeLevy < 0 || comp.PerCapita < 0 || comp.PerHousehold < 0)
                return Violation.Of($"{comp.Name}: 所得割, 均等割, 平等割 ≥ 0", $"{comp.IncomeLevy:N0}, {comp.PerCapita:N0}, {comp.PerHousehold:N0}", shows);
            if (comp.Amount != Math.Min(comp.BeforeCap, comp.Cap))
                return Violation.Of($"{comp.Name}: amount = min(before cap {comp.BeforeCap:N0}, cap {comp.Cap:N0})", $"amount {comp.Amount:N0}", shows);
            var levies = comp.IncomeLevy + comp.PerCapita + comp.PerHousehold;
            if (comp.Reduction < 0 || comp.Reduction > levies)
                return Violation.Of($"{comp.Name}: a reduction between 0 and 所得割+均等割+平等割 = {levies:N0}", $"reduction {comp.Reduction:N0}", shows);
            var net = levies - comp.Reduction;
            if (rounding.Apply(net) != comp.BeforeCap || Math.Abs(comp.BeforeCap - net) >= rounding.UnitYen)
                return Violation.Of($"{comp.Name}: before cap = component rounding of 所得割+均等割+平等割−軽減 = {net:N0} (unit {rounding.UnitYen})", $"before cap {comp.BeforeCap:N0}", shows);
        }
        return null;
    }
}
