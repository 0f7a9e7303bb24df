using NodaTime;

namespace KokuhoRules.Rules.Snapshots;

/// <summary>
/// A household as the core system sees it for one fiscal year: its id, its head (世帯主, who may be a
/// 擬制世帯主 with no NHI coverage) and its members. Immutable; built only through
/// <see cref="SnapshotReader"/>, which guarantees the invariants stated on each member.
/// </summary>
public sealed record HouseholdSnapshot(string Id, string HeadId, IReadOnlyList<MemberSnapshot> Members)
{
    /// <summary>The index of the head in <see cref="Members"/>.</summary>
    public int HeadIndex
    {
        get
        {
            for (var i = 0; i < Members.Count; i++) if (Members[i].Id == HeadId) return i;
            return -1;
        }
    }
}

/// <summary>
/// A member of the household. A member with no coverage is not insured (e.g. on employees'
/// insurance, or a 擬制世帯主); a 特定同一世帯所属者 is a former insured now in 後期高齢者医療 who stays in
/// the household and still counts in the reduction test.
/// </summary>
/// <param name="Coverage">NHI coverage periods, sorted and not overlapping.</param>
/// <param name="SpecifiedSameHouseholdSince">For a 特定同一世帯所属者, the day they moved to 後期高齢者医療; null otherwise.</param>
/// <param name="Childbirths">Births (or expected births) for the 産前産後 exemption.</param>
/// <param name="InvoluntaryUnemployment">The 非自発的失業者 separation, if any.</param>
/// <param name="FormerDependantSince">For a 旧被扶養者, the 資格取得日 of that coverage; null otherwise.</param>
/// <param name="FixedAssetTax">固定資産税額 (yen, ≥ 0) on which the 資産割 is levied: the tax the member pays the insurer's municipality on property there this fiscal year, on the base its ordinance names; 0 when not sent.</param>
public sealed record MemberSnapshot(
    string Id,
    LocalDate BirthDate,
    IReadOnlyList<CoveragePeriod> Coverage,
    PriorYearIncome Income,
    LocalDate? SpecifiedSameHouseholdSince = null,
    IReadOnlyList<Childbirth>? Childbirths = null,
    Separation? InvoluntaryUnemployment = null,
    LocalDate? FormerDependantSince = null,
    long FixedAssetTax = 0)
{
    /// <summary>特定同一世帯所属者.</summary>
    public bool SpecifiedSameHouseholdMember => SpecifiedSameHouseholdSince is not null;

    /// <summary>Whether NHI coverage holds on a date (before any age rule is applied).</summary>
    public bool IsCoveredOn(LocalDate date)
    {
        var coverage = Coverage;
        for (var i = 0; i < coverage.Count; i++)
            if (coverage[i].Contains(date)) return true;
        return false;
    }
}

/// <summary>A birth, or an expected one (出産予定日), for the 産前産後 exemption.</summary>
public readonly record struct Childbirth(LocalDate Date, bool Multiple);

/// <summary>The separation behind a 非自発的失業者 relief: 離職日 and 離職理由コード.</summary>
public sealed record Separation(LocalDate Date, string ReasonCode);

/// <summary>
/// One period of NHI coverage: from the 資格取得日 <see cref="Acquired"/> up to, not including, the
/// 資格喪失日 <see cref="Lost"/> — the loss date is the first day without coverage, as in the Act
/// (e.g. the day after death, or the day of joining another scheme). Null means still covered.
/// </summary>
public readonly record struct CoveragePeriod(LocalDate Acquired, LocalDate? Lost)
{
    public bool Contains(LocalDate date) => date >= Acquired && (Lost is null || date < Lost.Value);
}

/// <summary>
/// The previous calendar year's income of a member, as assessed for resident tax (all yen, ≥ 0).
/// When <see cref="Declared"/> is false the income is unknown (未申告): no statutory reduction can be
/// given to the household, and the amounts are zero.
/// </summary>
/// <param name="TotalIncome">総所得金額等 (after the 分離譲渡 special deduction, as taxed).</param>
/// <param name="CombinedIncome">合計所得金額, used for the 基礎控除 taper; null when the core system does not send it, in which case 総所得金額等 is used and the trace says so.</param>
/// <param name="SalaryRevenue">給与収入.</param>
/// <param name="SalaryIncome">給与所得.</param>
/// <param name="PensionRevenue">公的年金等 収入.</param>
/// <param name="PensionIncome">公的年金等 所得 (雑所得 of public pensions).</param>
/// <param name="FamilyEmployeeSalaryDeduction">専従者給与(控除)額, added back in the reduction test.</param>
/// <param name="TransferIncomeSpecialDeduction">譲渡所得の特別控除額, added back in the reduction test.</param>
public sealed record PriorYearIncome(
    bool Declared,
    long TotalIncome,
    long? CombinedIncome,
    long SalaryRevenue,
    long SalaryIncome,
    long PensionRevenue,
    long PensionIncome,
    long FamilyEmployeeSalaryDeduction,
    long TransferIncomeSpecialDeduction)
{
    public static PriorYearIncome Undeclared { get; } = new(false, 0, null, 0, 0, 0, 0, 0, 0);
}
