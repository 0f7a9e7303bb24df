using KokuhoRules.Engine.Tracing;
using KokuhoRules.Rules.Calendar;
using KokuhoRules.Rules.Snapshots;
using NodaTime;

namespace KokuhoRules.Rules.Premium;

// Relief periods: the year-level relief decisions of each member (未就学児, the component waivers), the
// months of the member-level reliefs (産前産後, 非自発的失業者, 旧被扶養者) and the household's 特定世帯
// status per month. Masks: one bit per month, bit 0 = April.
public static partial class PremiumCalculator
{
    /// <summary>
    /// Each member's relief decisions and relief months, indexed by member (<c>Waived</c> by member × component).
    /// The month masks are before coverage is considered: the levy intersects them with the liable months.
    /// </summary>
    /// <param name="Preschool">未就学児 (均等割 reduced).</param>
    /// <param name="Waived">[i × components + c]: component c's 均等割 is waived for member i.</param>
    /// <param name="Perinatal">Months exempted by 産前産後.</param>
    /// <param name="Unemployment">Months in which a 非自発的失業者's 給与所得 is deemed reduced.</param>
    /// <param name="FormerDependantIncome">Months in which a 旧被扶養者's 所得割 is exempt.</param>
    /// <param name="FormerDependantWindow">Months within a 旧被扶養者's 均等割/平等割 window.</param>
    private readonly ref struct ReliefPeriods(bool[] Preschool, bool[] Waived, Span<int> Perinatal, Span<int> Unemployment,
        Span<int> FormerDependantIncome, Span<int> FormerDependantWindow)
    {
        public bool[] Preschool { get; } = Preschool;
        public bool[] Waived { get; } = Waived;
        public Span<int> Perinatal { get; } = Perinatal;
        public Span<int> Unemployment { get; } = Unemployment;
        public Span<int> FormerDependantIncome { get; } = FormerDependantIncome;
        public Span<int> FormerDependantWindow { get; } = FormerDependantWindow;
    }

    /// <summary>
    /// Fills <paramref name="yearFacts"/> and <paramref name="reliefs"/> for every member, in member order
    /// (each member's decisions traced together).
    /// </summary>
    private static void MemberReliefs(PremiumRuleSet rs, FiscalYear fy, IReadOnlyList<MemberSnapshot> members, MemberYearFacts[] yearFacts,
        ReliefPeriods reliefs, Trace? trace)
    {
        var components = rs.Components;
        var nc = components.Count;
        for (var i = 0; i < members.Count; i++)
        {
            var m = members[i];
            yearFacts[i] = YearFacts(m, rs);
            reliefs.Preschool[i] = DecidePreschool(rs, yearFacts[i], trace, m.Id);
            for (var c = 0; c < nc; c++)
                reliefs.Waived[i * nc + c] = DecideWaiver(components[c], yearFacts[i], trace, m.Id);
            reliefs.Perinatal[i] = PerinatalMonths(rs, fy, m, trace);
            reliefs.Unemployment[i] = InvoluntaryUnemploymentMonths(rs, fy, m, trace);
            (reliefs.FormerDependantIncome[i], reliefs.FormerDependantWindow[i]) = FormerDependantMonths(rs, fy, m, trace);
        }
    }

    /// <summary>The months of the year exempted by 産前産後 for a member (before coverage is considered).</summary>
    private static int PerinatalMonths(PremiumRuleSet rs, FiscalYear fy, MemberSnapshot m, Trace? trace)
    {
        if (m.Childbirths is null) return 0;
        var p = rs.Parameters.Perinatal;
        var firstExempt = MonthIndex(fy, p.FirstExemptMonth);
        var mask = 0;
        foreach (var birth in m.Childbirths)
        {
            var facts = new BirthFacts(birth.Date, birth.Multiple);
            var rule = rs.Perinatal.Match(facts);
            var period = rs.Perinatal.OutcomeOf(rule);
            var birthMonth = MonthIndex(fy, birth.Date);
            var before = period switch { PerinatalPeriod.Single => p.MonthsBefore, PerinatalPeriod.Multiple => p.MonthsBeforeMultiple, _ => -1 };
            // From the months before the birth (not before the first exempt month) to the months after it.
            var months = before >= 0 ? MonthMask(Math.Max(birthMonth - before, firstExempt), birthMonth + p.MonthsAfter) : 0;
            mask |= months;
            if (trace is not null) TracePerinatal(trace, rs, fy, m, birth, period, rule, months);
        }
        return mask;
    }

    /// <summary>The months of the year in which a 非自発的失業者's 給与所得 is deemed at 30/100.</summary>
    private static int InvoluntaryUnemploymentMonths(PremiumRuleSet rs, FiscalYear fy, MemberSnapshot m, Trace? trace)
    {
        if (m.InvoluntaryUnemployment is not { } separation) return 0;
        var p = rs.Parameters.InvoluntaryUnemployment;
        var facts = new SeparationFacts(Age.LegalAgeOn(m.BirthDate, separation.Date), separation.ReasonCode);
        var rule = rs.InvoluntaryUnemployment.Match(facts);
        var eligible = rs.InvoluntaryUnemployment.OutcomeOf(rule);
        var mask = 0;
        if (eligible)
        {
            // From the month of the day after the 離職日 to the March of the following fiscal year(s).
            var start = separation.Date.PlusDays(1);
            var end = new LocalDate(FiscalYear.Of(start).Year + p.FollowingFiscalYears + 1, 3, 31);
            mask = MonthMask(MonthIndex(fy, start), MonthIndex(fy, end));
        }
        if (trace is not null) TraceInvoluntaryUnemployment(trace, rs, fy, m, separation, eligible, rule, mask);
        return mask;
    }

    /// <summary>A 旧被扶養者's months: those with the 所得割 exempt, and those within the 均等割/平等割 window.</summary>
    private static (int IncomeMask, int WindowMask) FormerDependantMonths(PremiumRuleSet rs, FiscalYear fy, MemberSnapshot m, Trace? trace)
    {
        if (m.FormerDependantSince is not { } acquired) return (0, 0);
        var p = rs.Parameters.FormerDependant;
        var facts = new FormerDependantFacts(Age.LegalAgeOn(m.BirthDate, acquired));
        var rule = rs.FormerDependant.Match(facts);
        var eligible = rs.FormerDependant.OutcomeOf(rule);
        int incomeMask = 0, windowMask = 0;
        if (eligible)
        {
            // The 所得割 from the acquisition month on (no end); the window for its first WindowMonths months.
            var first = MonthIndex(fy, acquired);
            if (p.IncomeLevyExempt) incomeMask = MonthMask(first, LastMonthIndex);
            windowMask = MonthMask(first, first + p.WindowMonths - 1);
        }
        if (trace is not null) TraceFormerDependant(trace, rs, fy, m, acquired, eligible, rule, incomeMask, windowMask);
        return (incomeMask, windowMask);
    }

    /// <summary>
    /// The household's 特定世帯 status in each month of the year: the workflow decides once per run of months
    /// with equal facts (every month when a 特定同一世帯所属者 is in the household, the month count changing).
    /// </summary>
    private static void SpecifiedHouseholdMonths(PremiumRuleSet rs, FiscalYear fy, IReadOnlyList<MemberSnapshot> members, ReadOnlySpan<int> insuredMasks,
        Span<SpecifiedHouseholdStatus> statuses, Trace? trace)
    {
        // The latest move to 後期高齢者医療 of the household's 特定同一世帯所属者 decides.
        var hasSpecified = false;
        var since = LocalDate.MinIsoValue;
        foreach (var member in members)
        {
            if (member.SpecifiedSameHouseholdSince is { } moved)
            {
                hasSpecified = true;
                since = LocalDate.Max(since, moved);
            }
        }
        var sinceIndex = MonthIndex(fy, since);
        Span<SpecifiedHouseholdFacts> facts = stackalloc SpecifiedHouseholdFacts[MonthsPerYear];
        for (var k = 0; k < MonthsPerYear; k++)
        {
            var insured = 0;
            foreach (var mask in insuredMasks) if ((mask & (1 << k)) != 0) insured++;
            facts[k] = hasSpecified
                ? new SpecifiedHouseholdFacts(insured, true, k - sinceIndex, -sinceIndex)
                : new SpecifiedHouseholdFacts(insured, false, SpecifiedHouseholdFacts.NoSpecifiedMember, SpecifiedHouseholdFacts.NoSpecifiedMember);
        }
        Span<int> rules = stackalloc int[MonthsPerYear];
        for (var start = 0; start < MonthsPerYear;)
        {
            var rule = rs.SpecifiedHousehold.Match(facts[start]);
            var status = rs.SpecifiedHousehold.OutcomeOf(rule);
            var end = start;
            do
            {
                rules[end] = rule;
                statuses[end] = status;
                end++;
            } while (end < MonthsPerYear && facts[end] == facts[start]);
            start = end;
        }
        if (trace is not null && hasSpecified) TraceSpecifiedHousehold(trace, rs, fy, since, statuses, rules);
    }

    /// <summary>The index of the last month of a year (March).</summary>
    private const int LastMonthIndex = MonthsPerYear - 1;

    /// <summary>The index of a month counted from April of the year (negative before it, 12 or more after it).</summary>
    private static int MonthIndex(FiscalYear fy, LocalDate date) => (date.Year - fy.Year) * 12 + date.Month - 4;

    /// <summary>The months <paramref name="first"/> to <paramref name="last"/> (indices from April) that lie in the year, as a mask.</summary>
    private static int MonthMask(int first, int last)
    {
        var from = Math.Max(first, 0);
        var to = Math.Min(last, LastMonthIndex);
        return from > to ? 0 : (2 << to) - (1 << from);
    }
}
