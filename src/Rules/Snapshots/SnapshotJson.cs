using System.ComponentModel.DataAnnotations;
using System.Text.Json;
using System.Text.Json.Serialization;
using NodaTime;


namespace KokuhoRules.Rules.Snapshots;

// Every field is nullable here so that a missing one is reported by name by SnapshotReader, never
// defaulted silently; the fields the contract requires are marked [Required] (the OpenAPI document lists them).
/// <summary>The household JSON the core system sends (the contract); a missing required field is refused by name.</summary>
public sealed record HouseholdJson
{
    /// <summary>The core system's household id (世帯番号); not a personal number.</summary>
    [Required]
    public string? Id { get; init; }
    /// <summary>The member id of the head (世帯主). The head is always listed among the members, insured or not.</summary>
    [Required]
    public string? HeadId { get; init; }
    [Required]
    public IReadOnlyList<MemberJson?>? Members { get; init; }

    // One line: the API reference shows this summary as it is (a wrapped line would show as a wrap).
    /// <summary>The household's special-withholding (特別徴収) fields in a batch line (<c>kokuho reassess --withholding</c>; the premium ignores them), with the meaning of the top-level <c>previousYear</c>, <c>directDebitRequested</c> and <c>startMonth</c> of <c>POST /v1/withholding/determinations</c>, which refuses this field. Absent: not withheld last year, no direct debit, the default start month.</summary>
    public WithholdingHouseholdJson? Withholding { get; init; }
}

// Read by WithholdingService.ReadFields, the reader of the API's top-level fields too.
/// <summary>A household's withholding fields in a batch line, read as the withholding API's top-level fields are.</summary>
public sealed record WithholdingHouseholdJson
{
    /// <summary>The previous fiscal year; absent: the household was not withheld last year and its premium is not known (no 仮徴収 start).</summary>
    public Withholding.PreviousYearJson? PreviousYear { get; init; }

    /// <summary>The household pays, or asked to pay, by 口座振替 (kept out where the insurer's switch says so). Default false.</summary>
    public bool? DirectDebitRequested { get; init; }

    /// <summary>The calendar month withholding starts (4, 6, 8 or 10 as the rule set lists); absent: 4 for a household withheld last February, otherwise 10.</summary>
    public int? StartMonth { get; init; }
}

/// <summary>A member of the household in the request.</summary>
public sealed record MemberJson
{
    [Required]
    public string? Id { get; init; }
    [Required]
    public LocalDate? BirthDate { get; init; }
    /// <summary>NHI coverage periods; empty for a member who is not insured (e.g. a 擬制世帯主).</summary>
    [Required]
    public IReadOnlyList<CoverageJson?>? Coverage { get; init; }
    [Required]
    public IncomeJson? Income { get; init; }
    /// <summary>特定同一世帯所属者: a former insured who moved to 後期高齢者医療 and stays in the household. Default false.</summary>
    public bool? SpecifiedSameHouseholdMember { get; init; }

    /// <summary>The day the 特定同一世帯所属者 moved to 後期高齢者医療 (their NHI 資格喪失日); required with <c>specifiedSameHouseholdMember</c>.</summary>
    [RequiredWhen(nameof(SpecifiedSameHouseholdMember), true)]
    public LocalDate? SpecifiedSameHouseholdSince { get; init; }

    /// <summary>Births (出産, or the expected date 出産予定日) for the 産前産後 exemption of the mother's premium.</summary>
    public IReadOnlyList<ChildbirthJson?>? Childbirths { get; init; }

    /// <summary>非自発的失業者: the separation the member receives 雇用保険 benefits for.</summary>
    public InvoluntaryUnemploymentJson? InvoluntaryUnemployment { get; init; }

    /// <summary>旧被扶養者: the member joined NHI when their employees'-insurance supporter moved to 後期高齢者医療.</summary>
    public FormerDependantJson? FormerDependant { get; init; }

    /// <summary>
    /// 固定資産税額 (yen, 0 to 100,000,000,000) for the 資産割 of an insurer that levies one: the fixed-asset tax of the
    /// fiscal year the member pays the insurer's municipality, on the base its ordinance names (all of it, or the
    /// land and buildings only: 地方税法第703条の4, 国保法施行令第29条の7). Absent means 0.
    /// </summary>
    public long? FixedAssetTax { get; init; }

    /// <summary>特別徴収対象年金: the pension the member's 介護保険料 is withheld from (withholding reads the head's; premium ignores it).</summary>
    public PensionJson? Pension { get; init; }
}

/// <summary>
/// The pension from which the member's 介護保険料 is withheld, as of the reference date (with several pensions, only that
/// one: 介護保険法第135条 applied by 国民健康保険法第76条の4).
/// </summary>
public sealed record PensionJson
{
    /// <summary>Its annual amount (年額, yen, 0 to 100,000,000,000).</summary>
    [Required]
    public long? AnnualAmount { get; init; }

    /// <summary>The member's 介護保険料 is withheld from it (介護保険料の特別徴収).</summary>
    [Required]
    public bool? CareInsuranceWithheld { get; init; }

    /// <summary>介護保険料 withheld per payment (yen); required when <c>careInsuranceWithheld</c> is true.</summary>
    [RequiredWhen(nameof(CareInsuranceWithheld), true)]
    public long? CarePremiumPerPayment { get; init; }

    /// <summary>支給停止 (suspended). Default false.</summary>
    public bool? Suspended { get; init; }

    /// <summary>担保に供されている (pledged). Default false.</summary>
    public bool? Pledged { get; init; }
}

/// <summary>A birth for the 産前産後 exemption.</summary>
public sealed record ChildbirthJson
{
    /// <summary>出産日, or 出産予定日 before the birth.</summary>
    [Required]
    public LocalDate? Date { get; init; }

    /// <summary>多胎妊娠 (twins or more). Default false.</summary>
    public bool? Multiple { get; init; }
}

/// <summary>A separation giving the 非自発的失業者 relief (雇用保険 特定受給資格者 / 特定理由離職者).</summary>
public sealed record InvoluntaryUnemploymentJson
{
    /// <summary>離職日 (the last day of employment).</summary>
    [Required]
    public LocalDate? SeparationDate { get; init; }

    /// <summary>離職理由コード on the 雇用保険受給資格者証 (e.g. "11", "23").</summary>
    [Required]
    public string? ReasonCode { get; init; }
}

/// <summary>旧被扶養者 status.</summary>
public sealed record FormerDependantJson
{
    /// <summary>The 資格取得日 of the NHI coverage gained as a 旧被扶養者.</summary>
    [Required]
    public LocalDate? Acquired { get; init; }
}

/// <summary>An NHI coverage period: 資格取得日 and 資格喪失日 (the first day without coverage; null while covered).</summary>
public sealed record CoverageJson
{
    [Required]
    public LocalDate? Acquired { get; init; }
    public LocalDate? Lost { get; init; }
}

/// <summary>The previous calendar year's income (yen). With <c>declared: true</c>, <c>totalIncome</c> is required and the other amounts default to 0.</summary>
public sealed record IncomeJson
{
    /// <summary>Whether the income is known (申告済み). False means 未申告: no statutory reduction for the household.</summary>
    [Required]
    public bool? Declared { get; init; }
    /// <summary>総所得金額等.</summary>
    [RequiredWhen(nameof(Declared), true)]
    public long? TotalIncome { get; init; }
    /// <summary>合計所得金額 (for the 基礎控除 taper); 総所得金額等 is used when absent.</summary>
    public long? CombinedIncome { get; init; }
    /// <summary>給与収入.</summary>
    public long? SalaryRevenue { get; init; }
    /// <summary>給与所得.</summary>
    public long? SalaryIncome { get; init; }
    /// <summary>公的年金等 収入.</summary>
    public long? PensionRevenue { get; init; }
    /// <summary>公的年金等 所得.</summary>
    public long? PensionIncome { get; init; }
    /// <summary>専従者給与(控除)額, added back in the reduction test.</summary>
    public long? FamilyEmployeeSalaryDeduction { get; init; }
    /// <summary>譲渡所得の特別控除額, added back in the reduction test.</summary>
    public long? TransferIncomeSpecialDeduction { get; init; }
    /// <summary>住民税非課税 (exempt from resident tax) in that year: read by the high-cost categories (オ, 低所得Ⅰ/Ⅱ; the premium ignores it). Default false.</summary>
    public bool? ResidentTaxExempt { get; init; }
    /// <summary>住民税課税所得 (yen): read by the high-cost 70–74 category (現役並み), required for a 70–74 member when no category is given; the premium ignores it.</summary>
    public long? ResidentTaxableIncome { get; init; }
}

/// <summary>The JSON conventions of every KokuhoRules document: camelCase, ISO dates, unknown fields refused.</summary>
public static class KokuhoJson
{
    /// <summary>Applies the conventions to options (used by the API's options and by <see cref="Options"/>).</summary>
    public static JsonSerializerOptions Configure(JsonSerializerOptions options)
    {
        options.PropertyNamingPolicy = JsonNamingPolicy.CamelCase;
        options.DictionaryKeyPolicy = JsonNamingPolicy.CamelCase;
        options.UnmappedMemberHandling = JsonUnmappedMemberHandling.Disallow;
        // The contract is exact: numbers are numbers (no "2760000"), names match in case, and a key
        // given twice is an error rather than "the last one wins".
        options.NumberHandling = JsonNumberHandling.Strict;
        options.PropertyNameCaseInsensitive = false;
        options.AllowDuplicateProperties = false;
        options.DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull;
        options.MaxDepth = 16;
        options.Converters.Add(new IsoLocalDateConverter());
        options.Converters.Add(new IsoYearMonthConverter());
        options.Converters.Add(new KokuhoRules.Engine.Json.IsoInstantConverter());
        options.Converters.Add(new JsonStringEnumConverter(JsonNamingPolicy.CamelCase, allowIntegerValues: false));
        return options;
    }

    /// <summary>Shared, read-only options with the conventions.</summary>
    public static JsonSerializerOptions Options { get; } = MakeReadOnly(Configure(new JsonSerializerOptions(JsonSerializerDefaults.Web)));

    private static JsonSerializerOptions MakeReadOnly(JsonSerializerOptions o)
    {
        o.MakeReadOnly(populateMissingResolver: true);
        return o;
    }
}
