using KokuhoRules.Rules.Premium;
using static KokuhoRules.Rules.Checks.Premium.AssessmentFacts;

namespace KokuhoRules.Rules.Checks.Premium;

/// <summary>
/// 軽減は保険料を上げない: compared with the same rule set with every relief ratio 0 (<see cref="ReliefFreeRuleSets"/>), the
/// premium and each component (before and after its cap) are never higher, the reduction class never weaker, the levies
/// the same, and each component's reduction is the sum of its reliefs (none without reliefs).
/// </summary>
public static class ReliefsNeverRaise
{
    public static Violation? Check(HouseholdCase c, PremiumRuleSet withoutReliefs)
    {
        var snapshot = c.Snapshot();
        var with = PremiumCalculator.Assess(c.RuleSet, snapshot);
        var without = PremiumCalculator.Assess(withoutReliefs, snapshot);
        var shows = new Exhibit("household", c.Household);
        // The 非自発的失業者 relief can lower the judgement income, so the class may only get stronger.
        if (Strength(with.ReductionClass) < Strength(without.ReductionClass))
            return Violation.Of($"a reduction class at least {without.ReductionClass} (the class without reliefs)", with.ReductionClass, shows);
        if (with.AnnualPremium > without.AnnualPremium)
            return Violation.Of($"an annual premium of at most {without.AnnualPremium:N0} (without reliefs)", $"{with.AnnualPremium:N0} with reliefs", shows);
        foreach (var comp in with.Components)
        {
            var other = Of(without, comp.Name);
            if (other.Reduction != 0 || other.Reliefs.Count > 0)
                return Violation.Of($"{comp.Name}: no reduction once every relief ratio is 0", $"reduction {other.Reduction:N0}", shows);
            if (comp.BeforeCap > other.BeforeCap || comp.Amount > other.Amount)
                return Violation.Of($"{comp.Name}: at most {other.Amount:N0} (before cap {other.BeforeCap:N0}) as without reliefs", $"{comp.Amount:N0} (before cap {comp.BeforeCap:N0})", shows);
            // A member whose 均等割 is waived (子ども分, 18歳未満) owes no 18歳以上 add-on: with an add-on, the 均等割 may only be lower.
            var perCapitaAsWithout = c.RuleSet.Parameters.Rates[comp.Name].AdultPerCapitaAddOn is null or 0 ? comp.PerCapita == other.PerCapita : comp.PerCapita <= other.PerCapita;
            if (comp.IncomeLevy != other.IncomeLevy || !perCapitaAsWithout || comp.PerHousehold != other.PerHousehold)
                return Violation.Of($"{comp.Name}: the same levies 所得割/均等割/平等割 {other.IncomeLevy:N0}/{other.PerCapita:N0}/{other.PerHousehold:N0} as without reliefs (均等割 at most, with an 18歳以上 add-on)",
                    $"{comp.IncomeLevy:N0}/{comp.PerCapita:N0}/{comp.PerHousehold:N0}", shows);
            var listed = comp.Reliefs.Sum(r => r.Amount);
            if (comp.Reduction != listed)
                return Violation.Of($"{comp.Name}: a reduction equal to the sum of its reliefs {listed:N0}", $"reduction {comp.Reduction:N0}", shows);
        }
        return null;
    }
}
