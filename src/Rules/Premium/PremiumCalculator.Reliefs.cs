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
                reliefs.Waived[i * nc + c] = trace is null
                    ? components[c].PerCapitaWaiver.Decide(yearFacts[i])
                    : DecideWaiver(components[c], yearFacts[i], trace, m.Id);
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
        var firstExempt = YearMonth(p.FirstExemptMonth);
        var mask = 0;
        foreach (var birth in m.Childbirths)
        {
            var facts = new BirthFacts(birth.Date, birth.Multiple);
            var rule = rs.Perinatal.Match(facts);
            var period = rs.Perinatal.OutcomeOf(rule);
            var birthMonth = YearMonth(birth.Date);
            var before = period switch { PerinatalPeriod.Single => p.MonthsBefore, PerinatalPeriod.Multiple => p.MonthsBeforeMultiple, _ => -1 };
            var months = 0;
            if (before >= 0)
            {
                for (var offset = -before; offset <= p.MonthsAfter; offset++)
                {
                    var month = birthMonth.PlusMonths(offset);
                    var index = fy.IndexOf(month);
                    if (index >= 0 && month.CompareTo(firstExempt) >= 0) months |= 1 << index;
                }
            }
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
            var start = separation.Date.PlusDays(1);
            var end = new LocalDate(FiscalYear.Of(start).Year + p.FollowingFiscalYears + 1, 3, 31);
            for (var k = 0; k < MonthsPerYear; k++)
            {
                var month = fy.Month(k);
                if (month.CompareTo(YearMonth(start)) >= 0 && month.CompareTo(YearMonth(end)) <= 0) mask |= 1 << k;
            }
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
            var first = YearMonth(acquired);
            var lastInWindow = first.PlusMonths(p.WindowMonths - 1);
            for (var k = 0; k < MonthsPerYear; k++)
            {
                var month = fy.Month(k);
                if (month.CompareTo(first) < 0) continue;
                if (p.IncomeLevyExempt) incomeMask |= 1 << k;
                if (month.CompareTo(lastInWindow) <= 0) windowMask |= 1 << k;
            }
        }
        if (trace is not null) TraceFormerDependant(trace, rs, fy, m, acquired, eligible, rule, incomeMask, windowMask);
        return (incomeMask, windowMask);
    }

    /// <summary>The household's 特定世帯 status in each month of the year.</summary>
    private static void SpecifiedHouseholdMonths(PremiumRuleSet rs, FiscalYear fy, IReadOnlyList<MemberSnapshot> members, ReadOnlySpan<int> insuredMasks,
        Span<SpecifiedHouseholdStatus> statuses, Trace? trace)
    {
        LocalDate? since = null;
        for (var i = 0; i < members.Count; i++)
            if (members[i].SpecifiedSameHouseholdSince is { } s && (since is null || s > since)) since = s;
        var sinceIndex = since is { } d ? (YearMonth(d).Year - fy.Year) * 12 + YearMonth(d).Month - 4 : 0;
        var rules = trace is null ? null : new int[MonthsPerYear];
        var previous = default(SpecifiedHouseholdFacts);
        var previousStatus = SpecifiedHouseholdStatus.None;
        for (var k = 0; k < MonthsPerYear; k++)
        {
            var insured = 0;
            foreach (var mask in insuredMasks) if ((mask & (1 << k)) != 0) insured++;
            var facts = since is null
                ? new SpecifiedHouseholdFacts(insured, false, -1, -1)
                : new SpecifiedHouseholdFacts(insured, true, k - sinceIndex, -sinceIndex);
            if (k > 0 && facts == previous && rules is null)
            {
                statuses[k] = previousStatus;
                continue;
            }
            var rule = rs.SpecifiedHousehold.Match(facts);
            statuses[k] = rs.SpecifiedHousehold.OutcomeOf(rule);
            if (rules is not null) rules[k] = rule;
            previous = facts;
            previousStatus = statuses[k];
        }
        if (trace is not null && since is { } date) TraceSpecifiedHousehold(trace, rs, fy, date, statuses, rules!);
    }

    private static YearMonth YearMonth(LocalDate date) => new(date.Year, date.Month);
}
