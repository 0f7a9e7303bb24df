using System.ComponentModel.DataAnnotations;
using KokuhoRules.Engine.RuleSets;
using KokuhoRules.Engine.Tracing;
using KokuhoRules.Rules.Snapshots;
using NodaTime;

namespace KokuhoRules.Rules.HighCost;

/// <summary>A request for a household's high-cost benefit of one care month (the body of <c>POST /v1/high-cost/benefits</c>).</summary>
public sealed record HighCostBenefitRequest
{
    /// <summary>The city paying the benefit, by id (<c>amagasaki</c>) or 全国地方公共団体コード (<c>282022</c>); served by its prefecture's rule set.</summary>
    [Required]
    public string? Insurer { get; init; }

    /// <summary>The care month (診療月), <c>YYYY-MM</c>; its fiscal year picks the rule set and the limit table in force that month applies.</summary>
    [Required]
    public YearMonth? CareMonth { get; init; }

    /// <summary>The household, as for the premium; each member's <c>income</c> is that of the year the care month judges (January–July: the year before last; August–December: last year), with <c>residentTaxExempt</c> and, for a 70–74 member, <c>residentTaxableIncome</c>.</summary>
    [Required]
    public HouseholdJson? Household { get; init; }

    /// <summary>The category as on a 限度額適用認定証 (ア–オ, or 現役並みⅢ/Ⅱ/Ⅰ, 一般, 低所得Ⅱ/Ⅰ for the 70–74 table); absent: decided from the income. The other table's category is decided from the income.</summary>
    public string? Category { get; init; }

    /// <summary>The month's claims (レセプト) of the household's members; may be empty.</summary>
    [Required]
    public IReadOnlyList<ClaimJson?>? Claims { get; init; }

    /// <summary>The household's earlier benefit months (for 多数回); only those within the window count.</summary>
    public IReadOnlyList<BenefitMonthJson?>? History { get; init; }

    /// <summary>The household moved in the care month to another city of the prefecture, with household continuity (県内転居月: limits and threshold halved). Default false.</summary>
    public bool? InPrefectureMove { get; init; }

    /// <summary>True for a trial calculation, the only way to use a draft rule set.</summary>
    public bool? Trial { get; init; }

    /// <summary>The rule-set version to use; absent: the published version in force on asOf (for a trial: the newest).</summary>
    public string? RulesetVersion { get; init; }

    /// <summary>The day of the calculation (default today): which published version is in force.</summary>
    public LocalDate? AsOf { get; init; }
}

/// <summary>A claim (one レセプト of the month): one member, one institution, inpatient or outpatient, medical or dental.</summary>
public sealed record ClaimJson
{
    /// <summary>The member's id in the household.</summary>
    [Required]
    public string? MemberId { get; init; }

    /// <summary><c>inpatient</c> (入院) or <c>outpatient</c> (外来).</summary>
    [Required]
    public string? Setting { get; init; }

    /// <summary>歯科 (dental). Default false.</summary>
    public bool? Dental { get; init; }

    /// <summary>The institution's id (医療機関コード or any id; claims at one institution are added up).</summary>
    [Required]
    public string? Institution { get; init; }

    /// <summary>総医療費 (the 10割 cost, yen).</summary>
    [Required]
    public long? TotalCost { get; init; }

    /// <summary>The co-payment (一部負担金, yen), at most the total cost.</summary>
    [Required]
    public long? Copay { get; init; }
}

/// <summary>An earlier care month of the household.</summary>
public sealed record BenefitMonthJson
{
    /// <summary>The care month, <c>YYYY-MM</c>, before the request's.</summary>
    [Required]
    public YearMonth? CareMonth { get; init; }

    /// <summary>The benefit paid, or applied at the hospital window (現物給付), for that month (yen); 0: none.</summary>
    [Required]
    public long? BenefitPaid { get; init; }

    /// <summary>The month's benefit was only the 70–74 outpatient per-person one (such a month does not count). Default false.</summary>
    public bool? OutpatientOnly { get; init; }

    /// <summary>The city of the prefecture that paid it, when not the request's insurer (id or code); absent: the request's.</summary>
    public string? Insurer { get; init; }
}

/// <summary>The answer to a <see cref="HighCostBenefitRequest"/>.</summary>
/// <param name="Benefit">The month's high-cost benefit (yen).</param>
/// <param name="Category">The household's category (the under-70 one when a member is under 70, else the 70–74 one).</param>
/// <param name="ManyTimes">The 多数回 limits applied.</param>
/// <param name="PriorBenefitMonths">The benefit months counted in the window before the care month.</param>
/// <param name="Limit">The limit of the household's last step (yen).</param>
/// <param name="Steps">Each step of the order 70–74 outpatient per person → 70–74 household → whole household.</param>
/// <param name="HalvedBy">Why limits were shared (県内転居月, 75歳到達月); empty when none.</param>
/// <param name="UnconfirmedParameters">Parameters of the rule set no source confirms.</param>
public sealed record HighCostBenefitResponse(long Benefit, string Category, bool ManyTimes, int PriorBenefitMonths, long Limit,
    IReadOnlyList<BenefitStep> Steps, IReadOnlyList<Halving> HalvedBy, RuleSetStamp Ruleset, IReadOnlyList<string> UnconfirmedParameters, bool Trial,
    IReadOnlyList<TraceStep>? Trace);
