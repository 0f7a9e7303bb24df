using KokuhoRules.Rules.Batch;
using KokuhoRules.Rules.Snapshots;
using NodaTime;

namespace KokuhoRules.Rules.HighCost;

/// <summary>A synthetic household's claims line and its earlier benefit months.</summary>
public sealed record SyntheticClaimsHousehold(HighCostBenefitRequest Line, int Insured, IReadOnlyList<HighCostHistoryLineJson> History);

/// <summary>
/// A synthetic city's month of claims (no real person's data) for tests and benchmarks: the households of
/// <see cref="SyntheticPopulation"/> for the care month's fiscal year (ids <c>H</c> + 9 digits, so the file is sorted), about
/// three claims per insured member — mostly small outpatient ones, some inpatient and dental, some large enough for a
/// benefit — and up to 12 earlier months of history. Represented in turn: under-70 and 70–74 members (and mixed households),
/// a category given as on a 限度額適用認定証, a member in their 75th-birthday month, the in-prefecture move month (with
/// months carried from the move-out city), 70–74 outpatient-only months, a month older than the 多数回 window, and
/// households with three benefit months in the window (多数回 this month).
/// </summary>
public sealed class SyntheticClaims(HighCostRuleSet rs, YearMonth careMonth, int seed, string insurer)
{
    private static readonly string[] Under70Names = ["ア", "イ", "ウ", "エ", "オ"];
    private readonly Random _random = new(unchecked(seed * 31 + 7));
    private readonly SyntheticPopulation _population = new(Calendar.FiscalYear.Of(careMonth.OnDayOfMonth(1)).Year, seed);

    /// <summary>Households with <paramref name="insured"/> insured members in all (those of the month with coverage).</summary>
    public IEnumerable<SyntheticClaimsHousehold> Households(long insured)
    {
        var moveFrom = rs.Parameters.Continuity.Municipalities.Select(m => m.Id).First(id => id != insurer);
        long n = 0;
        foreach (var json in _population.Households(insured))
        {
            n++;
            var household = WithTaxableIncome((n % 40 == 7 ? LateElderly(json) : json) with { Withholding = null });
            var members = Insured(household);
            var move = n % 50 == 11;
            var heavy = n % 9 == 0 || move;
            var claims = members.SelectMany(m => Claims(m, heavy)).ToList();
            var category = members.Count > 0 && members.All(m => m.Band == AgeBand.Under70) && n % 10 == 3 ? Under70Names[_random.Next(Under70Names.Length)]
                : Undeclared70(household, members) ? "一般" : null;   // as on a 限度額適用認定証: the income cannot decide it
            var line = new HighCostBenefitRequest { Household = household, Claims = claims, Category = category, InPrefectureMove = move ? true : null };
            yield return new SyntheticClaimsHousehold(line, members.Count, History(household.Id!, n, move ? moveFrom : null, members.Any(m => m.Band == AgeBand.Age70To74)));
        }
    }

    /// <summary>Each declared income with its 住民税課税所得 (what decides 現役並み for a 70–74 member): the income less a 430,000 basic deduction, at least 0.</summary>
    private static HouseholdJson WithTaxableIncome(HouseholdJson household) => household with
    {
        Members = household.Members!.Select(m => m!.Income is { Declared: true, TotalIncome: { } total } income
            ? m with { Income = income with { ResidentTaxableIncome = Math.Max(0, total - 430_000) } } : m).ToArray(),
    };

    /// <summary>A 70–74 member's income is undeclared: the household shows its 70–74 category (without it the line is refused).</summary>
    private static bool Undeclared70(HouseholdJson household, List<BenefitMember> members) =>
        members.Any(m => m.Band == AgeBand.Age70To74 && household.Members!.First(j => j!.Id == m.Id)!.Income is { Declared: false });

    /// <summary>The members insured in the care month, as the service decides it.</summary>
    private List<BenefitMember> Insured(HouseholdJson household)
    {
        var snapshot = SnapshotReader.Read(household, "household", []);
        return snapshot is null ? [] : HighCostService.Members(rs, snapshot, careMonth, null);
    }

    /// <summary>The head turns 75 in the care month (born mid-month 75 years before; covered since long ago).</summary>
    private HouseholdJson LateElderly(HouseholdJson household)
    {
        var members = household.Members!.ToArray();
        var birth = new LocalDate(careMonth.Year - 75, careMonth.Month, 2 + _random.Next(26));
        members[0] = members[0]! with { BirthDate = birth, Coverage = [new CoverageJson { Acquired = new LocalDate(careMonth.Year - 10, 4, 1) }], FormerDependant = null };
        return household with { Members = members };
    }

    /// <summary>About three claims a member: outpatient visits, sometimes dental, in a heavy household often an inpatient stay.</summary>
    private IEnumerable<ClaimJson> Claims(BenefitMember m, bool heavy)
    {
        var visits = _random.Next(7);
        var share = m.Band == AgeBand.Age70To74 ? 20 : 30;
        for (var i = 0; i < visits; i++)
        {
            var cost = _random.Next(2, 60) * 1_000L;
            yield return Claim(m.Id, "outpatient", _random.Next(8) == 0, $"CL{_random.Next(1, 400):D4}", cost, cost * share / 100);
        }
        if (m.Band == AgeBand.Age70To74 && _random.Next(6) == 0)
        {
            var cost = _random.Next(60, 300) * 1_000L;
            yield return Claim(m.Id, "outpatient", false, $"HP{_random.Next(1, 60):D3}", cost, cost * share / 100);
        }
        if (heavy ? _random.Next(2) == 0 : _random.Next(40) == 0)
        {
            var cost = _random.Next(20, 300) * 10_000L;
            yield return Claim(m.Id, "inpatient", false, $"HP{_random.Next(1, 60):D3}", cost, cost * share / 100);
        }
    }

    private static ClaimJson Claim(string member, string setting, bool dental, string institution, long cost, long copay) =>
        new() { MemberId = member, Setting = setting, Dental = dental ? true : null, Institution = institution, TotalCost = cost, Copay = copay };

    /// <summary>
    /// Up to 12 earlier months: every 9th household three months in the window (多数回 this month), others now and then one or
    /// two; a month 12 before (outside the window); 70–74 outpatient-only months; a household that moved has its months
    /// from the move-out city.
    /// </summary>
    private List<HighCostHistoryLineJson> History(string household, long n, string? movedFrom, bool age70)
    {
        var months = new SortedSet<int>();
        if (n % 9 == 0) while (months.Count < 3) months.Add(1 + _random.Next(11));
        else if (n % 4 == 1) months.Add(1 + _random.Next(11));
        if (n % 13 == 5) months.Add(12);
        if (movedFrom is not null) months.Add(1 + _random.Next(11));
        return months.Select(back => new HighCostHistoryLineJson
        {
            HouseholdId = household, CareMonth = careMonth.PlusMonths(-back), BenefitPaid = _random.Next(1, 200) * 1_000L,
            OutpatientOnly = age70 && _random.Next(5) == 0 ? true : null, Insurer = movedFrom,
        }).ToList();
    }
}
