using System.Numerics;
using KokuhoRules.Engine.Money;
using KokuhoRules.Engine.Tracing;
using KokuhoRules.Rules.Calendar;
using KokuhoRules.Rules.Snapshots;

namespace KokuhoRules.Rules.Premium;

/// <summary>
/// Assesses a household's annual premium (保険料賦課) under a compiled rule set. The decisions (who is
/// insured and liable in each month, who is a 給与所得者等, the reduction class, which reliefs apply…)
/// come from the rule set's workflows; the arithmetic below is the same every year and takes every
/// number from the rule set's parameters. Order of application (premium.md §3.3, §5–§8):
/// <list type="number">
/// <item>each member's liability per month and component (month-end rule; 40/65 legal ages; 75th birthday:
///   <see cref="MonthlyLiability"/>), and the months of each member-level relief (産前産後, 非自発的失業者,
///   旧被扶養者: PremiumCalculator.Reliefs.cs);</item>
/// <item>the 軽減判定 on the judgement date (4月1日, or the day liability arose for a household joining later:
///   PremiumCalculator.Reduction.cs);</item>
/// <item>the household's 特定世帯 status per month (PremiumCalculator.Reliefs.cs);</item>
/// <item>per component, each item summed over member-months with its reliefs applied as ordered stages
///   (<see cref="Relief"/>): 所得割 = Σ 算定基礎所得 × rate ÷ 12; 均等割 and 平等割 per person or household,
///   each relief rounded as the rule set says, then ÷ 12 (PremiumCalculator.Levy.cs);</item>
/// <item>each item rounded, the component rounded, then capped (cap prorated by months where the rule set says so);</item>
/// <item>the annual premium = Σ components, rounded.</item>
/// </list>
/// Every trace text is written in PremiumCalculator.Narrative.cs. Amounts stay exact (<see cref="ExactYen"/>)
/// between the rounding points the rule set names. Stateless and thread-safe.
/// </summary>
public static partial class PremiumCalculator
{
    private const int MonthsPerYear = MonthlyLiability.MonthsPerYear;
    private const int MaxComponents = 8;

    /// <summary>Assesses a household; pass a <see cref="Trace"/> to have every step explained.</summary>
    /// <param name="details">
    /// False for the batch: the same amounts, but no per-member results and no itemised reliefs
    /// (<see cref="PremiumAssessment.Members"/> and each component's reliefs are left empty).
    /// </param>
    public static PremiumAssessment Assess(PremiumRuleSet rs, HouseholdSnapshot household, Trace? trace = null, bool details = true)
    {
        var fy = new FiscalYear(rs.FiscalYear);
        var members = household.Members;
        var n = members.Count;
        var nc = rs.Components.Count;
        if (nc > MaxComponents) throw new InvalidOperationException("too many components");
        if (trace is not null) TraceRuleSet(trace, rs, fy, household);

        // 1. Liability per member, month and component: one bit per month (bit 0 = April).
        Span<int> insuredMasks = stackalloc int[n];
        Span<int> liableMasks = stackalloc int[n * nc];
        for (var i = 0; i < n; i++)
        {
            if (trace is null)
            {
                insuredMasks[i] = MonthlyLiability.Of(rs, members[i], liableMasks.Slice(i * nc, nc));
                continue;
            }
            // Traced: the deciding rule of every month is recorded for the trace.
            var ruleByMonth = new int[MonthsPerYear * (nc + 1)];
            insuredMasks[i] = MonthlyLiability.Of(rs, members[i], liableMasks.Slice(i * nc, nc), ruleByMonth);
            TraceMonths(trace, rs, fy, members[i], ruleByMonth, insuredMasks[i], liableMasks.Slice(i * nc, nc));
        }

        // 2. Member facts for the year, year-level decisions, and the months of member-level reliefs.
        var yearFacts = new MemberYearFacts[n];
        var reliefs = new ReliefPeriods(new bool[n], new bool[n * nc], stackalloc int[n], stackalloc int[n], stackalloc int[n], stackalloc int[n]);
        MemberReliefs(rs, fy, members, yearFacts, reliefs, trace);

        // 3. The reduction test on the judgement date.
        var reduction = ReductionTest(rs, fy, household, yearFacts, reliefs.Unemployment, trace);

        // 4. The household's 特定世帯 status per month.
        Span<SpecifiedHouseholdStatus> specified = stackalloc SpecifiedHouseholdStatus[MonthsPerYear];
        SpecifiedHouseholdMonths(rs, fy, members, insuredMasks, specified, trace);

        // 5. Assessable income (算定基礎所得) per member, and the deemed one for 非自発的失業者 months.
        var assessable = new long[n];
        var assessableDeemed = new long[n];
        AssessableIncome(rs, fy, members, insuredMasks, reliefs.Unemployment, assessable, assessableDeemed, trace);

        // 6. Components, and the annual premium.
        var results = new ComponentAssessment[nc];
        var perCapitaCharges = new long[n * nc];
        var levy = new LevyInputs(members, liableMasks, reliefs, specified, assessable, assessableDeemed, reduction.Class);
        var annualSum = Levy(rs, levy, results, perCapitaCharges, trace, details);
        var annual = rs.Parameters.Rounding.Annual.Apply(annualSum);
        if (trace is not null) TraceAnnual(trace, rs, results, annual);

        var memberResults = details ? MemberResults(rs, household, insuredMasks, liableMasks, reliefs, reduction, assessable, perCapitaCharges) : [];
        var anyLiable = 0;
        foreach (var mask in liableMasks) anyLiable |= mask;
        return new PremiumAssessment(annual, results, Outcomes.Name(reduction.Class), reduction.JudgementDate, reduction.Undeclared, memberResults, trace?.Steps)
        {
            LastLiableMonth = anyLiable == 0 ? null : fy.Month(31 - BitOperations.LeadingZeroCount((uint)anyLiable)),
        };
    }

    /// <summary>How each member entered the calculation (the API's per-member results).</summary>
    private static MemberAssessment[] MemberResults(PremiumRuleSet rs, HouseholdSnapshot household, ReadOnlySpan<int> insuredMasks, ReadOnlySpan<int> liableMasks,
        ReliefPeriods reliefs, ReductionOutcome reduction, long[] assessable, long[] perCapitaCharges)
    {
        var members = household.Members;
        var components = rs.Components;
        var nc = components.Count;
        var memberResults = new MemberAssessment[members.Count];
        for (var i = 0; i < memberResults.Length; i++)
        {
            var months = new Dictionary<string, int>(nc);
            var charges = new Dictionary<string, long>(nc);
            for (var c = 0; c < nc; c++)
            {
                months[components[c].Name] = BitOperations.PopCount((uint)liableMasks[i * nc + c]);
                charges[components[c].Name] = perCapitaCharges[i * nc + c];
            }
            var reliefMonths = new Dictionary<Relief, int>();
            AddMonths(reliefMonths, Relief.Perinatal, reliefs.Perinatal[i] & insuredMasks[i]);
            AddMonths(reliefMonths, Relief.InvoluntaryUnemployment, reliefs.Unemployment[i] & insuredMasks[i]);
            AddMonths(reliefMonths, Relief.FormerDependant, (reliefs.FormerDependantIncome[i] | reliefs.FormerDependantWindow[i]) & insuredMasks[i]);
            memberResults[i] = new MemberAssessment(members[i].Id, i == household.HeadIndex, BitOperations.PopCount((uint)insuredMasks[i]), months,
                assessable[i], members[i].Income.Declared, reliefs.Preschool[i], reduction.SalaryEarner[i], reduction.Counted[i], reduction.JudgementIncome[i],
                charges, reliefMonths);
        }
        return memberResults;
    }

    private static void AddMonths(Dictionary<Relief, int> months, Relief relief, int mask)
    {
        if (mask != 0) months[relief] = BitOperations.PopCount((uint)mask);
    }
}
