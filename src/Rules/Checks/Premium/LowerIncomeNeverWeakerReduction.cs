using KokuhoRules.Rules.Premium;
using static KokuhoRules.Rules.Checks.Premium.AssessmentFacts;

namespace KokuhoRules.Rules.Checks.Premium;

/// <summary>A household, a member (picked among the counted members with a declared income) and a cut of income.</summary>
public sealed record IncomeCutCase(HouseholdCase Case, int Pick, long Cut)
{
    public override string ToString() => $"cut {Cut:N0} yen, member pick {Pick}, in {Case}";
}

/// <summary>
/// 所得が低いほど軽減は強い (世帯): lowering a counted member's income (what is not 給与所得 or 公的年金等所得, so who is a
/// 給与所得者等 does not change) never raises the household's 軽減判定所得 and never gives a weaker reduction class.
/// </summary>
public static class LowerIncomeNeverWeakerReduction
{
    public static Violation? Check(IncomeCutCase r)
    {
        var c = r.Case;
        var before = c.Assess();
        var counted = before.Members.Select((m, i) => (m, i)).Where(x => x.m.CountedInReduction && x.m.IncomeDeclared).Select(x => x.i).ToArray();
        if (counted.Length == 0) return null;
        var index = counted[r.Pick % counted.Length];
        var lowered = c.WithMember(index, m =>
        {
            var inc = m.Income!;
            var slack = inc.TotalIncome!.Value - inc.SalaryIncome!.Value - inc.PensionIncome!.Value;
            var c1 = Math.Min(Math.Max(0, slack), r.Cut);
            return m with
            {
                Income = inc with
                {
                    TotalIncome = inc.TotalIncome - c1,
                    FamilyEmployeeSalaryDeduction = Math.Max(0, inc.FamilyEmployeeSalaryDeduction!.Value - r.Cut),
                    TransferIncomeSpecialDeduction = Math.Max(0, inc.TransferIncomeSpecialDeduction!.Value - r.Cut),
                },
            };
        });
        var after = lowered.Assess();
        Exhibit[] shows = [new("before", c.Household), new("after", lowered.Household)];
        long Judged(PremiumAssessment a) => a.Members.Sum(m => m.JudgementIncome ?? 0);
        if (Judged(after) > Judged(before))
            return Violation.Of($"a 軽減判定所得 of at most {Judged(before):N0} after lowering {before.Members[index].Id}'s income", $"{Judged(after):N0}", shows);
        if (Strength(after.ReductionClass) < Strength(before.ReductionClass))
            return Violation.Of($"a reduction class at least {before.ReductionClass} after lowering {before.Members[index].Id}'s income", after.ReductionClass, shows);
        return null;
    }
}
