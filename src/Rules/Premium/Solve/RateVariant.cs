namespace KokuhoRules.Rules.Premium.Solve;

/// <summary>A compiled rule set with other rates: the same source, parameters and decisions; each component's rates replaced (the solver's candidates).</summary>
internal static class RateVariant
{
    /// <summary><paramref name="rs"/> with <paramref name="rates"/>[c] as component c's rates (its stamp and hash are the draft's: a candidate is never served).</summary>
    public static PremiumRuleSet With(PremiumRuleSet rs, IReadOnlyList<ComponentRates> rates) =>
        new(rs.Source, rs.Parameters, rs.ParameterTable, rs.Workflows, rs.Components.Select((c, i) => c with { Rates = rates[i] }).ToArray(),
            rs.Insured, rs.SalaryEarner, rs.ElderlyPensionDeduction, rs.Preschool, rs.ReductionClass, rs.Perinatal, rs.InvoluntaryUnemployment,
            rs.FormerDependant, rs.SpecifiedHousehold);
}
