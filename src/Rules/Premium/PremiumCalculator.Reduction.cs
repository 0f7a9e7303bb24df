using KokuhoRules.Engine.Money;
using KokuhoRules.Engine.Tracing;
using KokuhoRules.Rules.Calendar;
using KokuhoRules.Rules.Snapshots;
using NodaTime;

namespace KokuhoRules.Rules.Premium;

// The reduction test (軽減判定): the judgement date, whose income counts, who is a 給与所得者等, each
// member's 軽減判定所得, and the ReductionClass decision on their totals.
public static partial class PremiumCalculator
{
    /// <summary>The outcome of the reduction test; the arrays are indexed by member.</summary>
    /// <param name="JudgementDate">The date judged on; null when no member is insured in the year (then <paramref name="Class"/> is none).</param>
    /// <param name="Counted">The member's income counts (head, insured on the judgement date, or 特定同一世帯所属者).</param>
    /// <param name="SalaryEarner">The member is a 給与所得者等 (decided only for a counted member with declared income).</param>
    /// <param name="JudgementIncome">The member's 軽減判定所得, when counted and declared.</param>
    /// <param name="Undeclared">Ids of counted members whose income is not declared.</param>
    private readonly record struct ReductionOutcome(LocalDate? JudgementDate, ReductionClass Class, bool[] Counted, bool[] SalaryEarner,
        long?[] JudgementIncome, List<string> Undeclared);

    /// <summary>The reduction test of a household on its judgement date (<see cref="JudgementDate"/>).</summary>
    private static ReductionOutcome ReductionTest(PremiumRuleSet rs, FiscalYear fy, HouseholdSnapshot household, MemberYearFacts[] yearFacts,
        ReadOnlySpan<int> unemploymentMasks, Trace? trace)
    {
        var members = household.Members;
        var n = members.Count;
        var judgementDate = JudgementDate(rs, members, fy);
        var outcome = new ReductionOutcome(judgementDate, ReductionClass.None, new bool[n], new bool[n], new long?[n], new List<string>());
        if (judgementDate is not { } jd)
        {
            if (trace is not null) TraceNoJudgementDate(trace);
            return outcome;
        }
        if (trace is not null) TraceJudgementDate(trace, fy, jd);
        var facts = CountIncomes(rs, household, jd, yearFacts, unemploymentMasks, outcome, trace);
        var rule = rs.ReductionClass.Match(facts);
        var reductionClass = rs.ReductionClass.OutcomeOf(rule);
        if (trace is not null) TraceReductionClass(trace, rs, facts, rule, reductionClass);
        return outcome with { Class = reductionClass };
    }

    /// <summary>
    /// Counts the persons, the 給与所得者等 and the 軽減判定所得 of the members whose income counts on
    /// <paramref name="jd"/>, filling the member arrays of <paramref name="outcome"/>.
    /// </summary>
    private static ReductionFacts CountIncomes(PremiumRuleSet rs, HouseholdSnapshot household, LocalDate jd, MemberYearFacts[] yearFacts,
        ReadOnlySpan<int> unemploymentMasks, ReductionOutcome outcome, Trace? trace)
    {
        var p = rs.Parameters;
        var members = household.Members;
        long totalJudgementIncome = 0;
        var persons = 0;
        var earners = 0;
        for (var i = 0; i < members.Count; i++)
        {
            var m = members[i];
            var insuredOnDate = rs.Insured.Decide(DateFacts(m, jd));
            var isCounted = i == household.HeadIndex || insuredOnDate || m.SpecifiedSameHouseholdMember;
            if (!isCounted) continue;
            outcome.Counted[i] = true;
            if (insuredOnDate || m.SpecifiedSameHouseholdMember) persons++;
            if (!m.Income.Declared)
            {
                outcome.Undeclared.Add(m.Id);
                if (trace is not null) TraceUndeclared(trace, m);
                continue;
            }
            outcome.SalaryEarner[i] = DecideSalaryEarner(rs, yearFacts[i], trace, m.Id);
            if (outcome.SalaryEarner[i]) earners++;
            var elderly = DecideElderlyPensionDeduction(rs, yearFacts[i], trace, m.Id);
            var deemed = p.Practice.InvoluntaryUnemploymentInReductionTest && unemploymentMasks[i] != 0;
            var income = JudgementIncomeOf(m.Income, elderly, deemed, p, out var pensionDeduction, out var salaryReduction);
            outcome.JudgementIncome[i] = income;
            totalJudgementIncome += income;
            if (trace is not null)
                TraceJudgementIncome(trace, rs, m, income, pensionDeduction, salaryReduction, elderly, deemed, insuredOnDate, i == household.HeadIndex);
        }
        return new ReductionFacts(totalJudgementIncome, persons, earners, outcome.Undeclared.Count);
    }

    /// <summary>Facts about a member on a date.</summary>
    public static MemberDateFacts DateFacts(MemberSnapshot member, LocalDate date) =>
        new(member.IsCoveredOn(date), Age.CalendarAgeOn(member.BirthDate, date), Age.LegalAgeOn(member.BirthDate, date), false);

    /// <summary>Facts about a member for the fiscal year.</summary>
    public static MemberYearFacts YearFacts(MemberSnapshot member, PremiumRuleSet rs) =>
        new(Age.LegalAgeOn(member.BirthDate, rs.PriorDecember31),
            Age.LegalAgeOn(member.BirthDate, rs.March31BeforeYear),
            member.Income.Declared,
            member.Income.SalaryRevenue,
            member.Income.PensionRevenue,
            member.Income.PensionIncome);

    /// <summary>
    /// The date the reduction is judged on: 4月1日 if any member is insured then; otherwise the first
    /// date in the year on which a member becomes insured (a household whose liability arises later);
    /// null if no member is insured at any time in the year.
    /// </summary>
    public static LocalDate? JudgementDate(PremiumRuleSet rs, IReadOnlyList<MemberSnapshot> members, FiscalYear fy)
    {
        LocalDate? first = null;
        for (var i = 0; i < members.Count; i++) // indexed: no enumerator allocated
        {
            var m = members[i];
            if (rs.Insured.Decide(DateFacts(m, fy.Start))) return fy.Start;
            for (var c = 0; c < m.Coverage.Count; c++)
            {
                var period = m.Coverage[c];
                if (period.Acquired <= fy.Start || period.Acquired > fy.End) continue;
                if ((first is null || period.Acquired < first) && rs.Insured.Decide(DateFacts(m, period.Acquired))) first = period.Acquired;
            }
        }
        return first;
    }

    /// <summary>
    /// 軽減判定所得 of a member: 総所得金額等 with the 専従者給与 and 譲渡所得特別控除 added back, less up to
    /// the elderly pension deduction from 公的年金等所得 where it applies, less the 非自発的失業者 reduction of
    /// the 給与所得 where <paramref name="deemedSalary"/>; never below 0.
    /// </summary>
    public static long JudgementIncomeOf(PriorYearIncome income, bool elderlyPensionDeduction, bool deemedSalary, PremiumParameters p,
        out long pensionDeduction, out long salaryReduction)
    {
        pensionDeduction = elderlyPensionDeduction ? Math.Min(income.PensionIncome, p.Reduction.ElderlyPensionDeduction) : 0;
        salaryReduction = deemedSalary ? DeemedSalaryReduction(income, p) : 0;
        return Math.Max(0, income.TotalIncome + income.FamilyEmployeeSalaryDeduction + income.TransferIncomeSpecialDeduction - pensionDeduction - salaryReduction);
    }

    /// <summary>How much less income a 非自発的失業者 has: 給与所得 − floor(給与所得 × 30/100).</summary>
    public static long DeemedSalaryReduction(PriorYearIncome income, PremiumParameters p) =>
        income.SalaryIncome - Rounding.FloorYen.Apply(ExactYen.FromYen(income.SalaryIncome) * p.InvoluntaryUnemployment.SalaryIncomeRatio);
}
