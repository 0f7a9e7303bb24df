using FsCheck;
using FsCheck.Fluent;
using KokuhoRules.Rules.Premium;
using KokuhoRules.Rules.Snapshots;
using NodaTime;

namespace KokuhoRules.Rules.Checks;

/// <summary>
/// FsCheck generators for households that <see cref="SnapshotReader"/> accepts, for a given fiscal year:
/// 1–6 members with unique ids; a head among them, sometimes without coverage (擬制世帯主); birth dates
/// for ages 0–90 (and births during the year), favouring the 1st of a month, 1 and 2 April, 29 February
/// and the ages where a rule changes (6, 40, 65, 75); coverage periods that start or end in the year,
/// on the 1st or another day, sometimes twice, never before the birth date and never overlapping;
/// incomes from 0 with many small amounts and a tail to 50,000,000 yen (給与所得 ≤ 給与収入,
/// 公的年金等所得 ≤ 公的年金等収入, 総所得金額等 ≥ 給与所得 + 公的年金等所得), sometimes undeclared;
/// 特定同一世帯所属者 only on members without coverage.
/// </summary>
public static class HouseholdGenerators
{
    /// <summary>Uniform long in [lo, hi].</summary>
    public static Gen<long> LongBetween(long lo, long hi)
    {
        if (hi - lo <= int.MaxValue - 1) return Gen.Choose(0, (int)(hi - lo)).Select(x => lo + x);
        return Gen.Zip(Gen.Choose(0, int.MaxValue - 1), Gen.Choose(0, int.MaxValue - 1),
            (a, b) => lo + (long)((((ulong)(uint)a << 31) | (uint)b) % (ulong)(hi - lo + 1)));
    }

    /// <summary>Amounts that sit on a threshold of the rules (or one yen off it).</summary>
    public static readonly long[] Thresholds =
    [
        1, 429_999, 430_000, 430_001, 549_999, 550_000, 550_001, 600_000, 600_001, 1_100_000, 1_250_000, 1_250_001,
        735_000, 735_001, 990_000, 990_001, 23_999_999, 24_000_000, 24_000_001, 24_500_000, 24_500_001, 25_000_000, 25_000_001,
    ];

    /// <summary>Income-like amounts: 0 often, many small amounts, a long tail to 50,000,000 yen.</summary>
    public static Gen<long> Yen { get; } = Gen.Frequency(
        (18, Gen.Constant(0L)),
        (8, Gen.Elements(Thresholds)),
        (22, LongBetween(1, 430_000)),
        (27, LongBetween(430_001, 3_000_000)),
        (15, LongBetween(3_000_001, 10_000_000)),
        (10, LongBetween(10_000_001, 50_000_000)),
        (1, LongBetween(50_000_001, SnapshotReader.MaxYen / 10))); // rare extremes: a sum of four stays within MaxYen

    /// <summary>True with the given chance in percent.</summary>
    public static Gen<bool> Chance(int percent) => Gen.Choose(1, 100).Select(x => x <= percent);

    private static LocalDate Clamp(LocalDate d, LocalDate min) => d < min ? min : d;

    private static LocalDate LastLeapYearFeb29(int year)
    {
        while (!DateTime.IsLeapYear(year)) year--;
        return new LocalDate(year, 2, 29);
    }

    /// <summary>A date in the fiscal year, often the 1st of a month or 1/2 April or 31 March.</summary>
    public static Gen<LocalDate> DateInYear(int fy)
    {
        var start = new LocalDate(fy, 4, 1);
        var days = Period.Between(start, new LocalDate(fy + 1, 3, 31), PeriodUnits.Days).Days;
        return Gen.Frequency(
            (4, Gen.Choose(0, 11).Select(k => start.PlusMonths(k))),
            (5, Gen.Choose(0, days).Select(d => start.PlusDays(d))),
            (1, Gen.Elements(start, start.PlusDays(1), new LocalDate(fy + 1, 3, 31), new LocalDate(fy, 5, 2))));
    }

    /// <summary>A birth date: age 0–90 on 1 April, or born during the year.</summary>
    public static Gen<LocalDate> BirthDate(int fy)
    {
        var ageAtStart = Gen.Frequency(
            (3, Gen.Choose(0, 7)),
            (4, Gen.Choose(8, 38)),
            (4, Gen.Choose(39, 41)),
            (3, Gen.Choose(42, 63)),
            (4, Gen.Choose(64, 66)),
            (3, Gen.Choose(67, 73)),
            (4, Gen.Choose(74, 76)),
            (2, Gen.Choose(77, 90)));
        var beforeYear =
            from age in ageAtStart
            from kind in Gen.Choose(0, 9)
            from month in Gen.Choose(1, 12)
            from day in Gen.Choose(1, 31)
            select BirthFor(fy, age, kind, month, day);
        return Gen.Frequency((12, beforeYear), (1, DateInYear(fy)));
    }

    private static LocalDate BirthFor(int fy, int age, int kind, int month, int day)
    {
        // A birthday on (month, day) in year y gives age fy - y on 1 April fy if it falls on or before 1 April.
        LocalDate Aged(int m, int d)
        {
            var year = fy - age;
            var candidate = new LocalDate(year, m, Math.Min(d, CalendarSystem.Iso.GetDaysInMonth(year, m)));
            return candidate > new LocalDate(year, 4, 1) ? candidate.PlusYears(-1) : candidate;
        }
        return kind switch
        {
            0 or 1 => Aged(month, 1),                // the 1st of a month
            2 => Aged(4, 1),                         // 1 April
            3 => Aged(4, 2),                         // 2 April
            4 => LastLeapYearFeb29(fy - age),        // 29 February
            5 => Aged(3, 31),
            _ => Aged(month, day),
        };
    }

    /// <summary>Coverage periods for a member born on <paramref name="birth"/>; empty = no NHI coverage.</summary>
    public static Gen<CoverageJson[]> Coverage(LocalDate birth, int fy)
    {
        var start = new LocalDate(fy, 4, 1);
        var end = new LocalDate(fy + 1, 3, 31);
        var longBefore = Gen.Choose(1, 20 * 365).Select(d => Clamp(start.PlusDays(-d), birth));
        CoverageJson P(LocalDate a, LocalDate? l) => new() { Acquired = a, Lost = l };
        LocalDate After(LocalDate a, LocalDate l) => l > a ? l : a.PlusDays(1);
        if (birth > end) return Gen.Constant(Array.Empty<CoverageJson>());

        var whole = longBefore.Select(a => new[] { P(a, null) });
        var atBirth = Gen.Constant(new[] { P(birth, null) });
        var joins = DateInYear(fy).Select(a => new[] { P(Clamp(a, birth), null) });
        var leaves =
            from a in longBefore
            from l in DateInYear(fy)
            select new[] { P(a, After(a, l)) };
        var joinsAndLeaves =
            from x in DateInYear(fy)
            from y in DateInYear(fy)
            let a = Clamp(x < y ? x : y, birth)
            select new[] { P(a, After(a, x < y ? y : x)) };
        var twoPeriods =
            from ds in Gen.ArrayOf(DateInYear(fy), 3)
            from open in Chance(50)
            let s = ds.Order().ToArray()
            let a1 = Clamp(s[0], birth)
            let l1 = After(a1, s[1])
            let a2 = Clamp(s[2], l1)
            select new[] { P(a1, l1), P(a2, open ? null : a2.PlusDays(30)) };
        var endedBefore =
            from a in longBefore
            from back in Gen.Choose(0, 400)
            let l = start.PlusDays(-back)
            select new[] { P(a, After(a, l)) };
        var startsAfter = Gen.Choose(1, 400).Select(d => new[] { P(Clamp(end.PlusDays(d), birth), null) });

        var gens = new List<(int, Gen<CoverageJson[]>)>
        {
            (12, Gen.Constant(Array.Empty<CoverageJson>())),
            (38, whole),
            (10, joins),
            (10, leaves),
            (6, joinsAndLeaves),
            (5, twoPeriods),
            (3, endedBefore),
            (2, startsAfter),
        };
        if (birth >= start) gens.Add((30, atBirth)); // a baby born in the year joins at birth
        return Gen.Frequency(gens.ToArray());
    }

    /// <summary>Prior-year income of a member (declared 90% of the time).</summary>
    public static Gen<IncomeJson> Income(LocalDate birth, int fy)
    {
        var age = Period.Between(birth, new LocalDate(fy - 1, 12, 31), PeriodUnits.Years).Years;
        var salaryRevenue = Gen.Frequency((5, Gen.Constant(0L)), (5, Yen));
        var pensionRevenue = age >= 60
            ? Gen.Frequency((3, Gen.Constant(0L)), (7, Yen))
            : Gen.Frequency((9, Gen.Constant(0L)), (1, Yen));
        var declared =
            from sr in salaryRevenue
            from sKeep in Gen.Choose(0, 100)
            from pr in pensionRevenue
            from pKeep in Gen.Choose(0, 100)
            from other in Gen.Frequency((6, Gen.Constant(0L)), (4, Yen))
            from combinedKind in Gen.Choose(0, 9)
            from extra in Yen
            from familyEmployee in Gen.Frequency((9, Gen.Constant(0L)), (1, LongBetween(1, 3_000_000)))
            from transfer in Gen.Frequency((9, Gen.Constant(0L)), (1, LongBetween(1, 50_000_000)))
            let si = sr * sKeep / 100
            let pi = pr * pKeep / 100
            let total = si + pi + other
            select Incomes.Declared(total, salaryRevenue: sr, salaryIncome: si, pensionRevenue: pr, pensionIncome: pi,
                combined: combinedKind switch { < 5 => null, < 8 => total, _ => total + extra },
                familyEmployee: familyEmployee, transfer: transfer);
        return Gen.Frequency((9, declared), (1, Gen.Constant(Incomes.Undeclared)));
    }

    private static Gen<LocalDate> DateAround(int fy, int monthsBefore, int monthsAfter) =>
        from month in Gen.Choose(-monthsBefore, 11 + monthsAfter)
        from day in Gen.Choose(1, 28)
        select new LocalDate(fy, 4, day).PlusMonths(month);

    /// <summary>The member-level reliefs: births (産前産後), a separation (非自発的失業者), 旧被扶養者 status.</summary>
    private static Gen<MemberJson> WithReliefs(MemberJson m, int fy) =>
        from hasBirth in Chance(10)
        from birthDate in DateAround(fy, 6, 6)
        from multiple in Chance(20)
        from hasSeparation in Chance(8)
        from separation in DateAround(fy, 24, 0)
        from code in Gen.Elements("11", "23", "34", "12", "45", "99")
        from formerDependant in Chance(6)
        select m with
        {
            Childbirths = hasBirth ? [new ChildbirthJson { Date = birthDate, Multiple = multiple ? true : null }] : null,
            InvoluntaryUnemployment = hasSeparation ? new InvoluntaryUnemploymentJson { SeparationDate = separation, ReasonCode = code } : null,
            FormerDependant = formerDependant && m.Coverage!.Count > 0 ? new FormerDependantJson { Acquired = m.Coverage[0]!.Acquired } : null,
        };

    private static Gen<MemberJson> Member(string id, int fy) =>
        from birth in BirthDate(fy)
        from coverage in Coverage(birth, fy)
        from income in Income(birth, fy)
        from member in WithReliefs(new MemberJson { Id = id, BirthDate = birth, Coverage = coverage, Income = income }, fy)
        select member;

    /// <summary>A household for the fiscal year.</summary>
    public static Gen<HouseholdJson> Household(int fy) =>
        from n in Gen.Frequency((4, Gen.Constant(1)), (4, Gen.Constant(2)), (3, Gen.Constant(3)), (2, Gen.Constant(4)), (1, Gen.Constant(5)), (1, Gen.Constant(6)))
        from members in Gen.CollectToArray(Enumerable.Range(1, n), i => Member($"m{i}", fy))
        from head in Gen.Choose(0, n - 1)
        from fictitiousHead in Chance(15)
        from sshm in Gen.ArrayOf(Chance(40), n)
        from sshSince in Gen.ArrayOf(DateAround(fy, 120, 0), n)
        let fixedMembers = members.Select((m, i) =>
        {
            var coverage = i == head && fictitiousHead ? Array.Empty<CoverageJson?>() : m.Coverage!;
            // 特定同一世帯所属者 only on a member without coverage (not the head: the head counts anyway).
            var specified = coverage.Count == 0 && i != head && sshm[i];
            return m with
            {
                Coverage = coverage,
                SpecifiedSameHouseholdMember = specified ? true : null,
                SpecifiedSameHouseholdSince = specified ? sshSince[i] : null,
                FormerDependant = coverage.Count == 0 ? null : m.FormerDependant,
            };
        }).ToArray()
        select new HouseholdJson { Id = "H-PROP", HeadId = fixedMembers[head].Id, Members = fixedMembers };

    /// <summary>A household for the rule set's fiscal year, assessed under it.</summary>
    public static Gen<HouseholdCase> Case(PremiumRuleSet rs) => Household(rs.FiscalYear).Select(household => new HouseholdCase(rs, household));

    /// <summary>Smaller households that are still valid: fewer members, simpler incomes and coverage.</summary>
    public static IEnumerable<HouseholdCase> Shrink(HouseholdCase c)
    {
        var members = c.Household.Members!.Select(m => m!).ToArray();
        var headId = c.Household.HeadId;
        for (var i = 0; i < members.Length; i++)
        {
            if (members[i].Id == headId) continue;
            yield return c.With(c.Household with { Members = members.Where((_, j) => j != i).ToArray() });
        }
        for (var i = 0; i < members.Length; i++)
        {
            var m = members[i];
            if (m.SpecifiedSameHouseholdMember == true)
                yield return c.WithMember(i, x => x with { SpecifiedSameHouseholdMember = null, SpecifiedSameHouseholdSince = null });
            if (m.Childbirths is not null) yield return c.WithMember(i, x => x with { Childbirths = null });
            if (m.InvoluntaryUnemployment is not null) yield return c.WithMember(i, x => x with { InvoluntaryUnemployment = null });
            if (m.FormerDependant is not null) yield return c.WithMember(i, x => x with { FormerDependant = null });
            if (m.Income!.Declared == true && (m.Income.TotalIncome != 0 || m.Income.SalaryRevenue != 0 || m.Income.PensionRevenue != 0
                                               || m.Income.CombinedIncome is not null || m.Income.FamilyEmployeeSalaryDeduction != 0 || m.Income.TransferIncomeSpecialDeduction != 0))
            {
                yield return c.WithMember(i, x => x with { Income = Incomes.None });
                var inc = m.Income;
                if (inc.TotalIncome > inc.SalaryIncome + inc.PensionIncome + 1)
                    yield return c.WithMember(i, x => x with { Income = inc with { TotalIncome = inc.SalaryIncome + inc.PensionIncome + (inc.TotalIncome!.Value - inc.SalaryIncome!.Value - inc.PensionIncome!.Value) / 2 } });
                if (inc.CombinedIncome is not null)
                    yield return c.WithMember(i, x => x with { Income = inc with { CombinedIncome = null } });
            }
            if (m.Coverage!.Count > 1)
                yield return c.WithMember(i, x => x with { Coverage = [x.Coverage![0]] });
        }
    }

    /// <summary>A single member, full year or joining in month k.</summary>
    public static Gen<SingleMemberCase> Single(PremiumRuleSet rs) =>
        from age in Gen.Frequency((2, Gen.Choose(0, 6)), (3, Gen.Choose(7, 39)), (3, Gen.Choose(40, 64)), (2, Gen.Choose(65, 70)))
        from kind in Gen.Choose(0, 9)
        from month in Gen.Choose(1, 12)
        from day in Gen.Choose(1, 31)
        from income in Gen.Frequency((9, Income(new LocalDate(rs.FiscalYear - age - 1, 6, 1), rs.FiscalYear)), (1, Gen.Constant(Incomes.Undeclared)))
        from joinMonth in Gen.Choose(0, 11)
        from joinDay in Gen.Frequency((1, Gen.Constant(1)), (1, Gen.Choose(1, 28)))
        let birth = BirthFor(rs.FiscalYear, Math.Max(age, 1), kind, month, day)
        select new SingleMemberCase(rs, age == 0 ? birth.PlusYears(1) : birth, income, joinMonth, joinDay);

    /// <summary>Reduction facts: 1–10 persons, 0 to persons + 1 salary earners (a 擬制世帯主 may be one), two incomes.</summary>
    public static Gen<ReductionProbe> Reduction(PremiumRuleSet rs) =>
        from persons in Gen.Choose(1, 10)
        from earners in Gen.Choose(0, persons + 1)
        from a in Gen.Frequency((3, Yen), (1, LongBetween(0, 5_000_000)))
        from b in Gen.Frequency((3, Yen), (1, LongBetween(0, 5_000_000)), (1, Gen.Constant(a + 1)))
        select new ReductionProbe(rs, persons, earners, Math.Min(a, b), Math.Max(a, b));
}
