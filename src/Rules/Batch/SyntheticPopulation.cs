using KokuhoRules.Rules.Snapshots;
using NodaTime;

namespace KokuhoRules.Rules.Batch;

/// <summary>
/// A synthetic NHI population for one fiscal year, shaped like a city's: mostly one- and two-person
/// households, many insured aged 65–74, incomes mostly zero or low with a long tail, and every case
/// the rules care about — 擬制世帯主, 特定同一世帯所属者, mid-year joins and leaves, births and
/// 産前産後, 非自発的失業者, 旧被扶養者, undeclared incomes, 40/65/75 birthdays within the year.
/// Every insured head aged 65–74 on 1 April (about half the households) has the pension from which 介護保険料 is
/// withheld, and most of them the withholding fields of a batch line (withheld last year or not, a few by direct
/// debit, pensions under 18万円, suspended or pledged, 介護保険料 not withheld): drawn from a second random sequence, so
/// that the households are otherwise those the same seed always gave.
/// Deterministic for a seed. No real person's data is involved.
/// </summary>
public sealed class SyntheticPopulation(int fiscalYear, int seed)
{
    private readonly Random _random = new(seed);
    private readonly Random _pensions = new(unchecked(seed * 7919 + 17));
    private readonly LocalDate _yearStart = new(fiscalYear, 4, 1);

    public int FiscalYear { get; } = fiscalYear;

    /// <summary>
    /// Households with exactly <paramref name="insured"/> insured members in all: the last household is
    /// made smaller (insured members other than its head left out) when it would go past the number.
    /// </summary>
    public IEnumerable<HouseholdJson> Households(long insured)
    {
        long count = 0;
        for (var n = 1; count < insured; n++)
        {
            var household = Next(n);
            var members = household.Members!;
            var insuredHere = members.Count(IsInsured);
            if (count + insuredHere > insured)
            {
                var keep = members.ToList();
                for (var i = keep.Count - 1; i > 0 && count + insuredHere > insured; i--)
                {
                    if (!IsInsured(keep[i])) continue;
                    keep.RemoveAt(i);
                    insuredHere--;
                }
                household = household with { Members = keep };
            }
            count += insuredHere;
            yield return household;
        }
    }

    private static bool IsInsured(MemberJson? member) => member!.Coverage!.Count > 0;

    /// <summary>The household with sequence number <paramref name="n"/> (1-based; its id is <c>H</c> + 9 digits).</summary>
    public HouseholdJson Next(long n)
    {
        var id = "H" + n.ToString("D9", System.Globalization.CultureInfo.InvariantCulture);
        var kind = _random.Next(100);
        var members = kind switch
        {
            < 30 => [Adult("M1", Age(65, 74))],                                   // single, 65–74
            < 48 => [Adult("M1", Age(20, 64))],                                   // single, working age
            < 70 => [Adult("M1", Age(65, 74)), Adult("M2", Age(62, 74))],         // elderly couple
            < 80 => [Adult("M1", Age(30, 64)), Adult("M2", Age(28, 64))],         // couple
            < 92 => Family(),                                                    // parents and children
            < 96 => [Nominal("M1"), Adult("M2", Age(18, 40))],                   // 擬制世帯主 with an insured child
            _ => [Adult("M1", Age(66, 74)), Specified("M2")],                    // one insured left with a 特定同一世帯所属者
        };
        var household = new HouseholdJson { Id = id, HeadId = members[0].Id, Members = members };
        var head = members[0];
        var age = _yearStart.Year - head.BirthDate!.Value.Year - (head.BirthDate.Value.PlusYears(_yearStart.Year - head.BirthDate.Value.Year) > _yearStart ? 1 : 0);
        return head.Coverage!.Count > 0 && age is >= 65 and <= 74 ? WithPension(household) : household;
    }

    /// <summary>The head's pension and, for most, the withholding fields (from <see cref="_pensions"/> only).</summary>
    private HouseholdJson WithPension(HouseholdJson household)
    {
        var roll = _pensions.Next(100);
        var annual = roll < 5 ? _pensions.Next(5, 18) * 10_000L : _pensions.Next(60, 300) * 10_000L;
        var careWithheld = _pensions.Next(100) >= 8;
        var pension = new PensionJson
        {
            AnnualAmount = annual,
            CareInsuranceWithheld = careWithheld,
            CarePremiumPerPayment = careWithheld ? _pensions.Next(20, 130) * 100L : null,
            Suspended = _pensions.Next(100) == 0 ? true : null,
            Pledged = _pensions.Next(100) == 0 ? true : null,
        };
        var members = household.Members!.ToArray();
        members[0] = members[0]! with { Pension = pension };
        var kind = _pensions.Next(100);
        var previous = _pensions.Next(30, 400) * 1_000L;
        WithholdingHouseholdJson? withholding = kind switch
        {
            < 55 => new() { PreviousYear = new Withholding.PreviousYearJson { AnnualPremium = previous, FebruaryWithheld = previous / 600 * 100 } }, // withheld last year
            < 65 => new() { PreviousYear = new Withholding.PreviousYearJson { AnnualPremium = previous } },                                         // not withheld last year
            < 70 => new() { DirectDebitRequested = true },
            _ => null,                                                                                                                                // a new October start
        };
        return household with { Members = members, Withholding = withholding };
    }

    private MemberJson[] Family()
    {
        var parents = new List<MemberJson> { Adult("M1", Age(28, 55)) };
        if (_random.Next(100) < 75) parents.Add(Adult("M2", Age(26, 50)));
        var children = _random.Next(1, 4);
        for (var c = 0; c < children; c++) parents.Add(Child($"M{parents.Count + 1}"));
        // A birth in the year: the mother (M2, or M1) gets 産前産後, the baby joins at birth.
        if (_random.Next(100) < 12)
        {
            var due = _yearStart.PlusDays(_random.Next(-60, 365));
            var mother = parents.Count > 1 && parents[1].BirthDate!.Value.Year > FiscalYear - 46 ? 1 : 0;
            parents[mother] = parents[mother] with { Childbirths = [new ChildbirthJson { Date = due, Multiple = _random.Next(50) == 0 ? true : null }] };
            if (due <= _yearStart.PlusYears(1).PlusDays(-1) && due >= _yearStart)
                parents.Add(new MemberJson { Id = $"M{parents.Count + 1}", BirthDate = due, Coverage = [new CoverageJson { Acquired = due }], Income = Zero() });
        }
        return parents.ToArray();
    }

    private MemberJson Adult(string id, LocalDate birth)
    {
        var member = new MemberJson { Id = id, BirthDate = birth, Coverage = Coverage(birth), Income = Income(birth) };
        var age = FiscalYear - birth.Year;
        if (age < 64 && _random.Next(100) < 3)
            member = member with { InvoluntaryUnemployment = new InvoluntaryUnemploymentJson { SeparationDate = _yearStart.PlusDays(_random.Next(-500, 300)), ReasonCode = _random.Next(4) == 0 ? "23" : "11" } };
        if (age is >= 66 and <= 74 && _random.Next(100) < 2)
        {
            var acquired = _yearStart.PlusDays(-_random.Next(0, 700));
            member = member with { Coverage = [new CoverageJson { Acquired = acquired }], FormerDependant = new FormerDependantJson { Acquired = acquired } };
        }
        return member;
    }

    private MemberJson Child(string id)
    {
        var birth = Age(0, 17);
        return new MemberJson { Id = id, BirthDate = birth, Coverage = [new CoverageJson { Acquired = birth }], Income = Zero() };
    }

    /// <summary>A head on employees' insurance (擬制世帯主): no coverage, an income that counts in the reduction test.</summary>
    private MemberJson Nominal(string id)
    {
        var birth = Age(45, 70);
        return new MemberJson { Id = id, BirthDate = birth, Coverage = [], Income = Income(birth) };
    }

    /// <summary>A former insured who turned 75 and stays in the household.</summary>
    private MemberJson Specified(string id)
    {
        var birth = Age(75, 84);
        var since = birth.PlusYears(75);
        return new MemberJson
        {
            Id = id, BirthDate = birth, Coverage = [], Income = Income(birth), SpecifiedSameHouseholdMember = true, SpecifiedSameHouseholdSince = since,
        };
    }

    /// <summary>Coverage: mostly the whole year; some join or leave during it.</summary>
    private IReadOnlyList<CoverageJson?> Coverage(LocalDate birth)
    {
        var roll = _random.Next(100);
        var longAgo = LocalDate.Max(birth, _yearStart.PlusDays(-_random.Next(30, 7000)));
        return roll switch
        {
            < 5 => [new CoverageJson { Acquired = LocalDate.Max(birth, _yearStart.PlusDays(_random.Next(1, 360))) }],
            < 9 => [new CoverageJson { Acquired = longAgo, Lost = _yearStart.PlusDays(_random.Next(1, 364)) }],
            _ => [new CoverageJson { Acquired = longAgo }],
        };
    }

    /// <summary>Previous year's income: a third none, many small, a long tail; salary below 65, pensions above.</summary>
    private IncomeJson Income(LocalDate birth)
    {
        if (_random.Next(100) < 3) return new IncomeJson { Declared = false };
        var age = FiscalYear - 1 - birth.Year;
        var roll = _random.Next(100);
        long total = roll switch
        {
            < 33 => 0,
            < 60 => _random.Next(1, 100) * 10_000L,
            < 90 => _random.Next(100, 400) * 10_000L,
            < 99 => _random.Next(400, 1500) * 10_000L,
            _ => (long)Math.Min(50_000_000, Math.Exp(_random.NextDouble() * 3.3) * 15_000_000 / 27),
        };
        if (total == 0) return new IncomeJson { Declared = true, TotalIncome = 0 };
        if (age >= 65)
        {
            var pension = total * _random.Next(60, 101) / 100;
            return new IncomeJson { Declared = true, TotalIncome = total, PensionIncome = pension, PensionRevenue = pension + 1_100_000 };
        }
        var salary = total * _random.Next(70, 101) / 100;
        return new IncomeJson { Declared = true, TotalIncome = total, SalaryIncome = salary, SalaryRevenue = salary + Math.Min(1_950_000, 550_000 + salary / 3) };
    }

    private static IncomeJson Zero() => new() { Declared = true, TotalIncome = 0 };

    /// <summary>A birth date giving an age (on 1 April of the year) between the bounds.</summary>
    private LocalDate Age(int from, int to) => _yearStart.PlusYears(-_random.Next(from, to + 1)).PlusDays(-_random.Next(0, 365));
}
