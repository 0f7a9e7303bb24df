namespace KokuhoRules.Rules.Premium;

/// <summary>
/// Facts about a member on one date (a month's last day, or the reduction's judgement date), read by
/// the <c>Insured</c> and <c>Liability.&lt;component&gt;</c> workflows as <c>m</c>.
/// </summary>
/// <param name="Covered">NHI coverage holds on the date (資格取得日 ≤ date &lt; 資格喪失日).</param>
/// <param name="Age">Calendar age on the date (a birthday counts from the birthday: the 後期高齢者医療 rule).</param>
/// <param name="LegalAge">Legal age on the date (attained the day before the birthday: the 介護 40/65 rules).</param>
/// <param name="Insured">The outcome of the <c>Insured</c> workflow for these facts; false while <c>Insured</c> itself is decided.</param>
public readonly record struct MemberDateFacts(bool Covered, int Age, int LegalAge, bool Insured);

/// <summary>
/// Facts about a member for the whole fiscal year, read by the <c>SalaryEarner</c>,
/// <c>ElderlyPensionDeduction</c> and <c>Preschool</c> workflows as <c>m</c>.
/// </summary>
/// <param name="AgeOnPriorDecember31">Legal age on 31 December of the income year (the previous calendar year).</param>
/// <param name="AgeOnMarch31BeforeYear">Legal age on the 31 March before the fiscal year starts ("until the first 31 March after reaching N").</param>
/// <param name="IncomeDeclared">The income is known (not 未申告).</param>
public readonly record struct MemberYearFacts(
    int AgeOnPriorDecember31,
    int AgeOnMarch31BeforeYear,
    bool IncomeDeclared,
    long SalaryRevenue,
    long PensionRevenue,
    long PensionIncome);

/// <summary>
/// Facts about the household on the judgement date, read by the <c>ReductionClass</c> workflow as <c>h</c>.
/// </summary>
/// <param name="JudgementIncome">軽減判定所得: the sum over the head, the insured and the 特定同一世帯所属者.</param>
/// <param name="Persons">被保険者数 + 特定同一世帯所属者数 (a 擬制世帯主 not counted).</param>
/// <param name="SalaryEarners">Number of 給与所得者等 among the persons whose income counts.</param>
/// <param name="UndeclaredPersons">Number of persons whose income counts but is not declared.</param>
public readonly record struct ReductionFacts(long JudgementIncome, int Persons, int SalaryEarners, int UndeclaredPersons);

/// <summary>A birth for the <c>PerinatalExemption</c> workflow (as <c>m</c>).</summary>
/// <param name="BirthDate">出産日 or 出産予定日.</param>
/// <param name="Multiple">多胎.</param>
public readonly record struct BirthFacts(NodaTime.LocalDate BirthDate, bool Multiple);

/// <summary>A separation for the <c>InvoluntaryUnemployment</c> workflow (as <c>m</c>).</summary>
/// <param name="AgeOnSeparation">Legal age on the 離職日.</param>
/// <param name="ReasonCode">離職理由コード.</param>
public readonly record struct SeparationFacts(int AgeOnSeparation, string ReasonCode);

/// <summary>The acquisition of a 旧被扶養者 for the <c>FormerDependant</c> workflow (as <c>m</c>).</summary>
/// <param name="AgeOnAcquisition">Legal age on the 資格取得日.</param>
public readonly record struct FormerDependantFacts(int AgeOnAcquisition);

/// <summary>The household in one month, for the <c>SpecifiedHousehold</c> workflow (as <c>h</c>).</summary>
/// <param name="InsuredPersons">Insured members at the month's end.</param>
/// <param name="HasSpecifiedMember">A 特定同一世帯所属者 is in the household.</param>
/// <param name="MonthsSinceSpecified">
/// Months from the month of the (latest) move to 後期高齢者医療 to this month (0 in that month, negative before);
/// <see cref="NoSpecifiedMember"/> (−1, as a month before a move) when no 特定同一世帯所属者 is in the household.
/// </param>
/// <param name="MonthsSinceSpecifiedAtYearStart">The same counted to April of the fiscal year (also <see cref="NoSpecifiedMember"/> without one).</param>
public readonly record struct SpecifiedHouseholdFacts(int InsuredPersons, bool HasSpecifiedMember, int MonthsSinceSpecified, int MonthsSinceSpecifiedAtYearStart)
{
    /// <summary>The month counts of a household with no 特定同一世帯所属者: −1, read as a month before a move.</summary>
    public const int NoSpecifiedMember = -1;
}

/// <summary>The statutory reduction (法定軽減) a household gets.</summary>
public enum ReductionClass
{
    None,
    TwoTenths,
    FiveTenths,
    SevenTenths,
}

/// <summary>The 特定世帯 status of a household in a month.</summary>
public enum SpecifiedHouseholdStatus
{
    None,
    /// <summary>特定世帯: 平等割 reduced by 1/2.</summary>
    Specified,
    /// <summary>特定継続世帯: 平等割 reduced by 1/4.</summary>
    Continued,
}

/// <summary>Which 産前産後 period a birth gives.</summary>
public enum PerinatalPeriod
{
    None,
    Single,
    Multiple,
}

/// <summary>The outcome names the workflows use for their SuccessEvent.</summary>
public static class Outcomes
{
    public static readonly IReadOnlyDictionary<string, SpecifiedHouseholdStatus> SpecifiedHousehold = new Dictionary<string, SpecifiedHouseholdStatus>
    {
        ["特定世帯"] = SpecifiedHouseholdStatus.Specified,
        ["特定継続世帯"] = SpecifiedHouseholdStatus.Continued,
        ["none"] = SpecifiedHouseholdStatus.None,
    };

    public static readonly IReadOnlyDictionary<string, PerinatalPeriod> Perinatal = new Dictionary<string, PerinatalPeriod>
    {
        ["single"] = PerinatalPeriod.Single,
        ["multiple"] = PerinatalPeriod.Multiple,
        ["none"] = PerinatalPeriod.None,
    };

    public static readonly IReadOnlyDictionary<string, bool> Boolean = new Dictionary<string, bool> { ["true"] = true, ["false"] = false };

    public static readonly IReadOnlyDictionary<string, ReductionClass> Reduction = new Dictionary<string, ReductionClass>
    {
        ["7割"] = ReductionClass.SevenTenths,
        ["5割"] = ReductionClass.FiveTenths,
        ["2割"] = ReductionClass.TwoTenths,
        ["none"] = ReductionClass.None,
    };

    /// <summary>The contract name of a class: 7割, 5割, 2割 or none.</summary>
    public static string Name(ReductionClass c) => c switch
    {
        ReductionClass.SevenTenths => "7割",
        ReductionClass.FiveTenths => "5割",
        ReductionClass.TwoTenths => "2割",
        _ => "none",
    };
}
