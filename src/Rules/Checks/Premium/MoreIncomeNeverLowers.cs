using KokuhoRules.Rules.Premium;
using static KokuhoRules.Rules.Checks.Premium.AssessmentFacts;

namespace KokuhoRules.Rules.Checks.Premium;

/// <summary>A household, a member (picked among those with a declared income), a raise and whether the salary is raised too.</summary>
public sealed record IncomeRaiseCase(HouseholdCase Case, int Pick, long Delta, bool AlsoSalary)
{
    public override string ToString() => $"raise {Delta:N0} yen{(AlsoSalary ? " (salary too)" : "")}, member pick {Pick}, in {Case}";
}

/// <summary>
/// 所得が増えても保険料は下がらない: raising a member's income never lowers the annual premium or any component (before or
/// after its cap) and never strengthens the reduction class — at the drawn raise and, where a drop is most likely, just
/// across every reduction line within a raise of 20,000,000 yen (the smallest raise that weakens the class, found by
/// bisection, must not cost less than one yen less of a raise).
/// </summary>
public static class MoreIncomeNeverLowers
{
    /// <summary>How far above the income the reduction lines are looked for.</summary>
    public const long Reach = 20_000_000;

    public static Violation? Check(IncomeRaiseCase r)
    {
        var c = r.Case;
        var declared = c.Household.Members!.Select((m, i) => (m, i)).Where(x => x.m!.Income!.Declared == true).Select(x => x.i).ToArray();
        if (declared.Length == 0) return null;
        var index = declared[r.Pick % declared.Length];
        var original = c.Assess();
        if (NotLower(c, index, r, 0, original, r.Delta) is { } v) return v;

        long from = 0;
        var current = original;
        while (Strength(current.ReductionClass) > 0)
        {
            var strength = Strength(current.ReductionClass);
            if (Strength(Raised(c, index, r.AlsoSalary, from + Reach).Assess().ReductionClass) >= strength) break;
            long lo = from, hi = from + Reach; // class(lo) == strength > class(hi)
            while (hi - lo > 1)
            {
                var mid = lo + (hi - lo) / 2;
                if (Strength(Raised(c, index, r.AlsoSalary, mid).Assess().ReductionClass) >= strength) lo = mid; else hi = mid;
            }
            if (NotLower(c, index, r, lo, Raised(c, index, r.AlsoSalary, lo).Assess(), hi) is { } across) return across;
            current = Raised(c, index, r.AlsoSalary, hi).Assess();
            from = hi;
        }
        return null;
    }

    /// <summary>
    /// The household with member <paramref name="index"/>'s 総所得金額等 (and 合計所得金額) raised by <paramref name="d"/>; the
    /// salary too only where the member is already a 給与所得者等: crossing the 55万円 line adds 10万円 to the reduction lines
    /// by law (令第29条の7第5項), which may rightly lower the premium.
    /// </summary>
    public static HouseholdCase Raised(HouseholdCase c, int index, bool alsoSalary, long d)
    {
        var salaryLine = c.RuleSet.Parameters.SalaryEarner.SalaryRevenueAbove;
        return c.WithMember(index, m =>
        {
            var inc = m.Income!;
            var raised = inc with { TotalIncome = inc.TotalIncome + d, CombinedIncome = inc.CombinedIncome + d };
            if (alsoSalary && inc.SalaryRevenue > salaryLine)
                raised = raised with { SalaryRevenue = inc.SalaryRevenue + d, SalaryIncome = inc.SalaryIncome + d };
            return m with { Income = raised };
        });
    }

    private static Violation? NotLower(HouseholdCase c, int index, IncomeRaiseCase r, long fromDelta, PremiumAssessment before, long toDelta)
    {
        var after = Raised(c, index, r.AlsoSalary, toDelta).Assess();
        var what = $"raising {c.Household.Members![index]!.Id}'s income by {fromDelta:N0} → {toDelta:N0} yen";
        Exhibit[] shows = [new("before", Raised(c, index, r.AlsoSalary, fromDelta).Household), new("after", Raised(c, index, r.AlsoSalary, toDelta).Household)];
        if (after.AnnualPremium < before.AnnualPremium)
            return Violation.Of($"{what}: an annual premium of at least {before.AnnualPremium:N0}", $"{after.AnnualPremium:N0}", shows);
        if (Strength(after.ReductionClass) > Strength(before.ReductionClass))
            return Violation.Of($"{what}: a reduction class no stronger than {before.ReductionClass}", after.ReductionClass, shows);
        foreach (var comp in before.Components)
        {
            var later = Of(after, comp.Name);
            if (later.Amount < comp.Amount || later.BeforeCap < comp.BeforeCap)
                return Violation.Of($"{what}: {comp.Name} at least {comp.Amount:N0} (before cap {comp.BeforeCap:N0})", $"{later.Amount:N0} (before cap {later.BeforeCap:N0})", shows);
        }
        return null;
    }
}
