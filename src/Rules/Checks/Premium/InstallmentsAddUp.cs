using KokuhoRules.Rules.Premium;
using NodaTime;

namespace KokuhoRules.Rules.Checks.Premium;

/// <summary>A household and an assessment day, <see cref="Days"/> after 1 April of its year (0–400).</summary>
public sealed record AsOfCase(HouseholdCase Case, int Days)
{
    public LocalDate AsOf => new LocalDate(Case.FiscalYear, 4, 1).PlusDays(Days);

    public override string ToString() => $"asOf {AsOf:uuuu-MM-dd}, {Case}";
}

/// <summary>
/// 期割の合計: the installments of an assessment made on a day (and the extra bill when none is left) add up to the
/// annual premium; each installment is ≥ 0 and due after that day.
/// </summary>
public static class InstallmentsAddUp
{
    public static Violation? Check(AsOfCase c, PremiumService service)
    {
        var response = service.ToResponse(c.Case.RuleSet, c.Case.Assess(), trial: false, c.AsOf);
        var extra = response.Settlement.Kind == SettlementKind.AdditionalBill ? response.Settlement.Amount : 0;
        var sum = response.Installments.Sum(i => i.Amount);
        var shows = new Exhibit("household", c.Case.Household, c.AsOf);
        if (sum + extra != response.AnnualPremium)
            return Violation.Of($"installments + extra bill = annual premium {response.AnnualPremium:N0}", $"{sum:N0} + {extra:N0}", shows);
        if (response.Installments.FirstOrDefault(i => i.Amount < 0 || i.DueDate <= c.AsOf) is { } bad)
            return Violation.Of($"every installment ≥ 0 and due after {c.AsOf:uuuu-MM-dd}", $"installment {bad.Number}: {bad.Amount:N0} due {bad.DueDate:uuuu-MM-dd}", shows);
        return null;
    }
}
