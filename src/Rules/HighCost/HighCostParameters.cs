using KokuhoRules.Engine.Money;
using KokuhoRules.Engine.RuleSets;

namespace KokuhoRules.Rules.HighCost;

/// <summary>
/// The parameters of the <c>highCost</c> capability (高額療養費, 国民健康保険法第57条の2, 国民健康保険法施行令第29条の2〜第29条の4):
/// the national limit tables as dated versions keyed by the care month they apply from, the category thresholds,
/// the aggregation rules, 多数回, the outpatient annual cap and the halved months (national), and the prefecture's own
/// group for carrying the count across its cities (<see cref="Continuity"/>, written by the prefecture layer: the
/// capability is served prefecture-wide).
/// </summary>
public sealed class HighCostParameters
{
    /// <summary>The self-pay limit tables (自己負担限度額), each version keyed by the first care month it applies to (<c>"2018-08"</c>).</summary>
    [FromLayer(RuleSetLayerKind.National)]
    public LimitParameters Limits { get; set; } = new();

    /// <summary>The thresholds the category decisions compare income with, and which year's income counts.</summary>
    [FromLayer(RuleSetLayerKind.National)]
    public CategoryParameters Categories { get; set; } = new();

    /// <summary>The ages that choose the table (70–74) and end NHI (75).</summary>
    [FromLayer(RuleSetLayerKind.National)]
    public HighCostAgeParameters Ages { get; set; } = new();

    /// <summary>世帯合算: which claims count and how the 1% term is rounded.</summary>
    [FromLayer(RuleSetLayerKind.National)]
    public AggregationParameters Aggregation { get; set; } = new();

    /// <summary>多数回該当: the window and the count that lowers the limit.</summary>
    [FromLayer(RuleSetLayerKind.National)]
    public ManyTimesParameters ManyTimes { get; set; } = new();

    /// <summary>外来年間合算: the 70–74 outpatient annual cap.</summary>
    [FromLayer(RuleSetLayerKind.National)]
    public OutpatientAnnualCapParameters OutpatientAnnualCap { get; set; } = new();

    /// <summary>The months whose limits are a share of the full ones (75歳到達月, 県内転居月).</summary>
    [FromLayer(RuleSetLayerKind.National)]
    public SpecialMonthParameters SpecialMonths { get; set; } = new();

    /// <summary>The prefecture's group for carrying the count across its cities (written by the prefecture layer for all its cities).</summary>
    [FromLayer(RuleSetLayerKind.Municipal)]
    public HighCostContinuityParameters Continuity { get; set; } = new();
}

/// <summary>The limit tables, each a dated version: the key is the first care month (<c>YYYY-MM</c>) it applies to, until the next version's.</summary>
[ParameterGroup]
public sealed class LimitParameters
{
    /// <summary>Under 70 (区分ア–オ), by first care month.</summary>
    public IReadOnlyDictionary<string, Under70LimitTable> Under70 { get; set; } = null!;

    /// <summary>Ages 70–74 (現役並みⅢ/Ⅱ/Ⅰ, 一般, 低所得Ⅱ/Ⅰ), by first care month.</summary>
    public IReadOnlyDictionary<string, Age70LimitTable> Age70To74 { get; set; } = null!;
}

/// <summary>One version of the under-70 table: the household limit of each category (§B1).</summary>
[ParameterGroup]
public sealed class Under70LimitTable
{
    /// <summary>区分ア: 基準所得 above the ア threshold, or income not declared.</summary>
    public Under70Limit A { get; set; } = new();

    /// <summary>区分イ.</summary>
    public Under70Limit I { get; set; } = new();

    /// <summary>区分ウ.</summary>
    public Under70Limit U { get; set; } = new();

    /// <summary>区分エ.</summary>
    public Under70Limit E { get; set; } = new();

    /// <summary>区分オ: 住民税非課税世帯.</summary>
    public Under70Limit O { get; set; } = new();
}

/// <summary>An under-70 category's household limit: <c>base + (総医療費 − costThreshold) × 1%</c> when a threshold is given, else <c>base</c>; <c>manyTimes</c> from the 4th benefit month.</summary>
[ParameterGroup]
public sealed class Under70Limit
{
    /// <summary>The category's name as on a 限度額適用認定証 (ア).</summary>
    public string Name { get; set; } = "";

    /// <summary>The limit (yen), before the 1% term.</summary>
    public long Base { get; set; }

    /// <summary>The 総医療費 (10割) above which 1% is added; absent: a flat limit.</summary>
    public long? CostThreshold { get; set; }

    /// <summary>The limit from the 4th benefit month in 12 (多数回, flat).</summary>
    public long ManyTimes { get; set; }
}

/// <summary>One version of the 70–74 table (§B2).</summary>
[ParameterGroup]
public sealed class Age70LimitTable
{
    /// <summary>現役並みⅢ (before 2018-08: the single 現役並み category).</summary>
    public Age70Limit GenekiIII { get; set; } = new();

    /// <summary>現役並みⅡ.</summary>
    public Age70Limit GenekiII { get; set; } = new();

    /// <summary>現役並みⅠ.</summary>
    public Age70Limit GenekiI { get; set; } = new();

    /// <summary>一般.</summary>
    public Age70Limit General { get; set; } = new();

    /// <summary>低所得Ⅱ.</summary>
    public Age70Limit LowIncomeII { get; set; } = new();

    /// <summary>低所得Ⅰ.</summary>
    public Age70Limit LowIncomeI { get; set; } = new();
}

/// <summary>A 70–74 category: the per-person outpatient limit (外来・個人, absent: none) and the household limit (外来+入院).</summary>
[ParameterGroup]
public sealed class Age70Limit
{
    /// <summary>The category's name (現役並みⅢ, 一般…).</summary>
    public string Name { get; set; } = "";

    /// <summary>The per-person outpatient limit (yen); absent: the category has none (現役並み: the household formula applies to outpatient care too).</summary>
    public long? Outpatient { get; set; }

    /// <summary>The household limit (yen), before the 1% term.</summary>
    public long Household { get; set; }

    /// <summary>The 総医療費 above which 1% is added to the household limit; absent: flat.</summary>
    public long? CostThreshold { get; set; }

    /// <summary>The household limit from the 4th benefit month; absent: no 多数回 (低所得Ⅱ/Ⅰ).</summary>
    public long? ManyTimes { get; set; }
}

/// <summary>The income thresholds of the category decisions (workflows <c>Under70Category</c>, <c>Age70Category</c>) and which year's income is judged.</summary>
[ParameterGroup]
public sealed class CategoryParameters
{
    /// <summary>Under 70, on the household's 基準所得 (旧ただし書き所得 summed over the NHI members).</summary>
    public Under70Thresholds Under70 { get; set; } = new();

    /// <summary>70–74, on the highest 住民税課税所得 of the household's 70–74 members.</summary>
    public Age70Thresholds Age70To74 { get; set; } = new();

    /// <summary>住民税の基礎控除 by 合計所得金額, deducted from each member's 総所得金額等 to get 基準所得 (the taper brackets, as the premium's 所得割).</summary>
    public IReadOnlyList<Premium.DeductionBracket> BasicDeduction { get; set; } = null!;

    /// <summary>低所得Ⅰ: every member's income is 0 with the public pension deduction counted as this (yen, 800,000).</summary>
    public long LowIncomeIPensionDeduction { get; set; }

    /// <summary>The first care month of the year judged on the previous year's income (8: August–December → 前年, January–July → 前々年).</summary>
    public int IncomeYearSwitchMonth { get; set; }
}

/// <summary>The 基準所得 above which each under-70 category applies (ア above aAbove, イ above iAbove, ウ above uAbove, else エ).</summary>
[ParameterGroup]
public sealed class Under70Thresholds
{
    public long AAbove { get; set; }
    public long IAbove { get; set; }
    public long UAbove { get; set; }
}

/// <summary>The 課税所得 from which each 現役並み category applies.</summary>
[ParameterGroup]
public sealed class Age70Thresholds
{
    public long GenekiIIIFrom { get; set; }
    public long GenekiIIFrom { get; set; }
    public long GenekiIFrom { get; set; }
}

/// <summary>The ages of §C6 the benefit uses.</summary>
[ParameterGroup]
public sealed class HighCostAgeParameters
{
    /// <summary>From the month after this birthday (born on the 1st: that month) the 70–74 table applies (高齢受給者).</summary>
    public int Elderly { get; set; }

    /// <summary>NHI ends on this birthday (後期高齢者医療); its month halves the limits (not when born on the 1st).</summary>
    public int LateElderly { get; set; }
}

/// <summary>世帯合算 (§B4).</summary>
[ParameterGroup]
public sealed class AggregationParameters
{
    /// <summary>An under-70 claim (per person, institution, inpatient/outpatient, medical/dental) counts only from this co-payment (yen).</summary>
    public long ClaimThreshold { get; set; }

    /// <summary>The share of the 総医療費 above the threshold added to a formula limit (0.01).</summary>
    public Ratio OnePercent { get; set; }

    /// <summary>How the 1% term is rounded to the yen.</summary>
    public Rounding OnePercentRounding { get; set; } = Rounding.FloorYen;
}

/// <summary>多数回該当 (§B5).</summary>
[ParameterGroup]
public sealed class ManyTimesParameters
{
    /// <summary>The window: the care month and the months before it, this many in all (12).</summary>
    public int WindowMonths { get; set; }

    /// <summary>The benefit months within the window before the care month from which the 多数回 limit applies (3: the 4th time).</summary>
    public int PriorMonths { get; set; }

    /// <summary>The first care month (<c>YYYY-MM</c>) whose benefit is carried across insurers (cities of one prefecture): 2018-04.</summary>
    public string CarriedAcrossInsurersFrom { get; set; } = "";
}

/// <summary>外来年間合算 (§B3).</summary>
[ParameterGroup]
public sealed class OutpatientAnnualCapParameters
{
    /// <summary>The first care month (<c>YYYY-MM</c>) of the first year capped (2017-08).</summary>
    public string From { get; set; } = "";

    /// <summary>The cap on a person's outpatient co-payments in the year (yen, 144,000).</summary>
    public long Amount { get; set; }

    /// <summary>The calendar month the year starts in (8: August–July).</summary>
    public int PeriodStartMonth { get; set; }
}

/// <summary>The months whose limits and threshold are a share of the full ones (§B6); both in one month multiply (¼).</summary>
[ParameterGroup]
public sealed class SpecialMonthParameters
{
    /// <summary>The share in the month of the 75th birthday (½; not when born on the 1st).</summary>
    public Ratio LateElderlyMonthShare { get; set; }

    /// <summary>The share in the month of a move to another city of the prefecture with household continuity (½).</summary>
    public Ratio InPrefectureMoveShare { get; set; }

    /// <summary>How a shared limit or threshold is rounded to the yen.</summary>
    public Rounding ShareRounding { get; set; } = Rounding.FloorYen;
}

/// <summary>The prefecture's group for carrying the count across its cities (§B7): its municipalities (the continuity criteria are added beside them).</summary>
[ParameterGroup]
public sealed class HighCostContinuityParameters
{
    /// <summary>Every municipality of the prefecture (id, name, 全国地方公共団体コード): a city named in a call needs no rule set of its own.</summary>
    public IReadOnlyList<Municipality> Municipalities { get; set; } = null!;

    /// <summary>§B7 criterion 2: a change of head within the same household (the head dies, or hands over and stays) keeps continuity (national standard; Niigata: "may" reset).</summary>
    public bool HeadChangeWithinHouseholdContinues { get; set; }

    /// <summary>§B7 criterion 5: after a split or merge, the household whose head is the head before the move keeps continuity (national standard; Niigata: part of the household moving "may" reset).</summary>
    public bool SplitWithSameHeadContinues { get; set; }
}

/// <summary>A municipality of the prefecture.</summary>
/// <param name="Id">Lower-case id (<c>amagasaki</c>), as rule-set folders name insurers.</param>
/// <param name="Name">Its name (尼崎市).</param>
/// <param name="LocalGovernmentCode">全国地方公共団体コード, 6 digits with the check digit (282022).</param>
public sealed record Municipality(string Id, string Name, string LocalGovernmentCode);
