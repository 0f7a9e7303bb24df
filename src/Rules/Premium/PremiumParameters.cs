using System.Text.Json.Serialization;
using KokuhoRules.Engine.Money;
using KokuhoRules.Engine.RuleSets;
using NodaTime;

namespace KokuhoRules.Rules.Premium;

/// <summary>
/// Every number the premium calculation uses, bound from a rule set's two layers. Workflow
/// expressions reach them as <c>p.&lt;path&gt;</c> with the same camelCase path as in the files, e.g.
/// <c>p.reduction.fiveTenthsPerPerson</c>. The glossary (docs/glossary.md) maps each to its Japanese name.
/// </summary>
public sealed class PremiumParameters
{
    /// <summary>The components levied this fiscal year (医療分, 支援金分, 介護分, …) in statutory order, with the national maximum caps.</summary>
    [FromLayer(RuleSetLayerKind.National)]
    [ParameterLabel("賦課区分")]
    public IReadOnlyDictionary<string, NationalComponentParameters> Components { get; set; } = null!;

    /// <summary>法定軽減 (7割・5割・2割) thresholds and ratios.</summary>
    [FromLayer(RuleSetLayerKind.National)]
    [ParameterLabel("法定軽減")]
    public ReductionParameters Reduction { get; set; } = null!;

    /// <summary>Who counts as a 給与所得者等 in the reduction test.</summary>
    [FromLayer(RuleSetLayerKind.National)]
    [ParameterLabel("給与所得者等")]
    public SalaryEarnerParameters SalaryEarner { get; set; } = null!;

    /// <summary>所得割: the 基礎控除 deducted to get 算定基礎所得.</summary>
    [FromLayer(RuleSetLayerKind.National)]
    [ParameterLabel("所得割")]
    public IncomeLevyParameters IncomeLevy { get; set; } = null!;

    /// <summary>Statutory ages: 介護 (40–64), 後期高齢者医療 (75).</summary>
    [FromLayer(RuleSetLayerKind.National)]
    [ParameterLabel("年齢")]
    public AgeParameters Ages { get; set; } = null!;

    /// <summary>未就学児 均等割 reduction.</summary>
    [FromLayer(RuleSetLayerKind.National)]
    [ParameterLabel("未就学児の均等割軽減")]
    public PreschoolParameters Preschool { get; set; } = null!;

    /// <summary>産前産後 exemption of the mother's 所得割 and 均等割.</summary>
    [FromLayer(RuleSetLayerKind.National)]
    [ParameterLabel("産前産後の免除")]
    public PerinatalParameters Perinatal { get; set; } = null!;

    /// <summary>特定世帯 / 特定継続世帯: 平等割 relief after a member moves to 後期高齢者医療.</summary>
    [FromLayer(RuleSetLayerKind.National)]
    [ParameterLabel("特定世帯・特定継続世帯")]
    public SpecifiedHouseholdParameters SpecifiedHousehold { get; set; } = null!;

    /// <summary>非自発的失業者: 給与所得 deemed at 30/100.</summary>
    [FromLayer(RuleSetLayerKind.National)]
    [ParameterLabel("非自発的失業者の軽減")]
    public InvoluntaryUnemploymentParameters InvoluntaryUnemployment { get; set; } = null!;

    /// <summary>旧被扶養者 relief.</summary>
    [FromLayer(RuleSetLayerKind.National)]
    [ParameterLabel("旧被扶養者の減免")]
    public FormerDependantParameters FormerDependant { get; set; } = null!;

    /// <summary>国保法110条の2: how long an assessment can be made or changed.</summary>
    [FromLayer(RuleSetLayerKind.National)]
    [ParameterLabel("賦課の期間制限")]
    public AssessmentTimeLimitParameters AssessmentTimeLimit { get; set; } = null!;

    /// <summary>休日: the days a due date (納期限) cannot fall on (地方自治法第4条の2), and what happens when it would.</summary>
    [FromLayer(RuleSetLayerKind.National)]
    [ParameterLabel("休日")]
    public HolidayParameters Holidays { get; set; } = null!;

    /// <summary>The insurer's rates and caps per component.</summary>
    [FromLayer(RuleSetLayerKind.Municipal)]
    [ParameterLabel("保険料率")]
    public IReadOnlyDictionary<string, ComponentRates> Rates { get; set; } = null!;

    /// <summary>Where and how the insurer rounds.</summary>
    [FromLayer(RuleSetLayerKind.Municipal)]
    [ParameterLabel("端数処理")]
    public RoundingParameters Rounding { get; set; } = null!;

    /// <summary>Choices the law leaves to the insurer's practice.</summary>
    [FromLayer(RuleSetLayerKind.Municipal)]
    [ParameterLabel("運用")]
    public PracticeParameters Practice { get; set; } = null!;

    /// <summary>How a part-year liability is prorated.</summary>
    [FromLayer(RuleSetLayerKind.Municipal)]
    [ParameterLabel("月割")]
    public ProrationParameters Proration { get; set; } = null!;

    /// <summary>The installment (期割) schedule of 普通徴収.</summary>
    [FromLayer(RuleSetLayerKind.Municipal)]
    [ParameterLabel("期割 (普通徴収)")]
    public InstallmentParameters Installments { get; set; } = null!;
}

/// <summary>A component as the law defines it for the year.</summary>
[ParameterGroup]
public sealed class NationalComponentParameters
{
    /// <summary>Japanese name, e.g. 医療分.</summary>
    [ParameterLabel("区分の名称")]
    public string Label { get; set; } = null!;

    /// <summary>The national maximum annual cap (賦課限度額, 政令), yen. A municipal cap may be lower, never higher.</summary>
    [ParameterLabel("賦課限度額 (国の上限)")]
    public long NationalCap { get; set; }

    /// <summary>Whether the 特定世帯 / 特定継続世帯 relief applies to this component's 平等割 (医療分 and 支援金分).</summary>
    [ParameterLabel("特定世帯軽減の対象")]
    public bool SpecifiedHouseholdRelief { get; set; }
}

/// <summary>An insurer's rates for one component.</summary>
[ParameterGroup]
public sealed class ComponentRates
{
    /// <summary>所得割率, a ratio (0.0804 for 8.04%).</summary>
    [ParameterLabel("所得割率")]
    public Ratio IncomeRate { get; set; }

    /// <summary>均等割額 per insured person per year, yen.</summary>
    [ParameterLabel("均等割額")]
    public long PerCapita { get; set; }

    /// <summary>平等割額 per household per year, yen (0 where the insurer has none).</summary>
    [ParameterLabel("平等割額")]
    public long PerHousehold { get; set; }

    /// <summary>賦課限度額 per household per year, yen.</summary>
    [ParameterLabel("賦課限度額")]
    public long Cap { get; set; }

    /// <summary>
    /// Added to the 均等割 of each member whose 均等割 is not waived (FY2026 子ども・子育て支援納付金分: the
    /// 18歳以上被保険者均等割額). Only for a component with a waiver; null elsewhere.
    /// </summary>
    [ParameterLabel("18歳以上の均等割加算額")]
    public long? AdultPerCapitaAddOn { get; set; }

    /// <summary>
    /// 資産割率, a ratio (0.192 for 19.2%) of the 固定資産税額 of each member liable for the component (地方税法第703条の4,
    /// 国保法施行令第29条の7); absent where the insurer levies no 資産割. Requires <c>rounding.assetLevy</c>.
    /// The 法定軽減 (7割・5割・2割) never reduces it (it reduces the 均等割 and 平等割 only), nor does any other relief.
    /// </summary>
    [ParameterLabel("資産割率")]
    public Ratio? AssetRate { get; set; }
}

/// <summary>法定軽減: 軽減判定所得 ≤ line → the 均等割 and 平等割 are reduced by the ratio.</summary>
[ParameterGroup]
public sealed class ReductionParameters
{
    /// <summary>The 7割 line and the base of the others: 基礎控除額 (43万円).</summary>
    [ParameterLabel("軽減判定の基礎控除額 (7割)")]
    public long BasicAllowance { get; set; }

    /// <summary>Added to the base for each 給与所得者等 beyond the first (10万円).</summary>
    [ParameterLabel("給与所得者等の加算額")]
    public long PerAdditionalSalaryEarner { get; set; }

    /// <summary>5割: per insured person and 特定同一世帯所属者.</summary>
    [ParameterLabel("5割軽減の被保険者1人あたり額")]
    public long FiveTenthsPerPerson { get; set; }

    /// <summary>2割: per insured person and 特定同一世帯所属者.</summary>
    [ParameterLabel("2割軽減の被保険者1人あたり額")]
    public long TwoTenthsPerPerson { get; set; }

    /// <summary>The part of the 均等割 and 平等割 removed for a 7割 household (0.7).</summary>
    [ParameterLabel("7割軽減の割合")]
    public Ratio SevenTenthsRatio { get; set; }

    /// <summary>The part removed for a 5割 household (0.5).</summary>
    [ParameterLabel("5割軽減の割合")]
    public Ratio FiveTenthsRatio { get; set; }

    /// <summary>The part removed for a 2割 household (0.2).</summary>
    [ParameterLabel("2割軽減の割合")]
    public Ratio TwoTenthsRatio { get; set; }

    /// <summary>Deducted from the 公的年金等所得 of a person 65 or over (15万円) in the test.</summary>
    [ParameterLabel("65歳以上の公的年金等所得の控除額")]
    public long ElderlyPensionDeduction { get; set; }

    /// <summary>The age (legal age on 31 December of the previous year) from which that deduction applies.</summary>
    [ParameterLabel("年金所得控除の年齢")]
    public int ElderlyPensionAge { get; set; }
}

/// <summary>給与所得者等: salary or pension revenue above these lines.</summary>
[ParameterGroup]
public sealed class SalaryEarnerParameters
{
    /// <summary>給与収入 above this (55万円).</summary>
    [ParameterLabel("給与収入の基準額")]
    public long SalaryRevenueAbove { get; set; }

    /// <summary>公的年金等収入 above this for those under <see cref="PensionAge"/> (60万円).</summary>
    [ParameterLabel("公的年金等収入の基準額 (65歳未満)")]
    public long PensionRevenueAboveUnderAge { get; set; }

    /// <summary>公的年金等収入 above this for those at or over <see cref="PensionAge"/> (125万円).</summary>
    [ParameterLabel("公的年金等収入の基準額 (65歳以上)")]
    public long PensionRevenueAboveFromAge { get; set; }

    /// <summary>The age (legal age on 31 December of the previous year) dividing the two pension lines.</summary>
    [ParameterLabel("年金の基準の年齢")]
    public int PensionAge { get; set; }
}

/// <summary>所得割 parameters.</summary>
[ParameterGroup]
public sealed class IncomeLevyParameters
{
    /// <summary>基礎控除 by 合計所得金額 (tapering above 2,400万円), in ascending brackets; the last has no upper bound.</summary>
    [ParameterLabel("基礎控除")]
    public IReadOnlyList<DeductionBracket> BasicDeduction { get; set; } = null!;
}

/// <summary>A bracket of the 基礎控除 taper: up to and including <see cref="CombinedIncomeUpTo"/> (null: no bound), deduct <see cref="Deduction"/>.</summary>
public sealed record DeductionBracket(long? CombinedIncomeUpTo, long Deduction);

/// <summary>Statutory ages.</summary>
[ParameterGroup]
public sealed class AgeParameters
{
    /// <summary>介護保険第2号被保険者 from this legal age (40).</summary>
    [ParameterLabel("介護分の開始年齢")]
    public int CareFrom { get; set; }

    /// <summary>…until this legal age (65).</summary>
    [ParameterLabel("介護分の終了年齢")]
    public int CareUntil { get; set; }

    /// <summary>後期高齢者医療 from this birthday (75): NHI coverage ends.</summary>
    [ParameterLabel("後期高齢者医療の年齢")]
    public int LateElderly { get; set; }

    /// <summary>
    /// FY2026 子ども・子育て支援納付金分: the 均等割 is waived until the first 31 March after reaching this
    /// legal age (18). Absent in years without that component.
    /// </summary>
    [ParameterLabel("子ども分均等割の免除年齢")]
    public int? ChildSupportWaiverUntil { get; set; }
}

/// <summary>未就学児: 均等割 reduced by <see cref="PerCapitaRatio"/> until the first 31 March after turning <see cref="SchoolAge"/>.</summary>
[ParameterGroup]
public sealed class PreschoolParameters
{
    /// <summary>The reduction lasts until the first 31 March after the child reaches this age (6: 小学校就学前).</summary>
    [ParameterLabel("就学の年齢")]
    public int SchoolAge { get; set; }

    /// <summary>The part of the (already reduced) 均等割 removed (0.5).</summary>
    [ParameterLabel("未就学児の均等割軽減割合")]
    public Ratio PerCapitaRatio { get; set; }
}

/// <summary>産前産後: the months exempted around a birth (or expected birth).</summary>
[ParameterGroup]
public sealed class PerinatalParameters
{
    /// <summary>Births (or expected births) from this date qualify (2023-11-01).</summary>
    [ParameterLabel("対象となる出産の開始日")]
    public LocalDate EligibleBirthsFrom { get; set; }

    /// <summary>No month before the month of this date is exempted (the FY2023 transition: 2024-01).</summary>
    [ParameterLabel("免除の最初の月")]
    public LocalDate FirstExemptMonth { get; set; }

    /// <summary>Months before the birth month exempted for a single birth (1).</summary>
    [ParameterLabel("出産前の免除月数")]
    public int MonthsBefore { get; set; }

    /// <summary>Months before the birth month exempted for a multiple birth (3).</summary>
    [ParameterLabel("多胎の出産前の免除月数")]
    public int MonthsBeforeMultiple { get; set; }

    /// <summary>Months after the birth month exempted (2).</summary>
    [ParameterLabel("出産後の免除月数")]
    public int MonthsAfter { get; set; }
}

/// <summary>特定世帯 (5 years at 1/2) then 特定継続世帯 (3 more years at 1/4) on the 平等割.</summary>
[ParameterGroup]
public sealed class SpecifiedHouseholdParameters
{
    /// <summary>Part of the 平等割 removed for a 特定世帯 (1/2).</summary>
    [ParameterLabel("特定世帯の平等割軽減割合")]
    public Ratio SpecifiedRatio { get; set; }

    /// <summary>Length of the 特定世帯 period, months (60), counted from the month of the move; a fiscal year in which it ends keeps the relief.</summary>
    [ParameterLabel("特定世帯の期間 (月)")]
    public int SpecifiedMonths { get; set; }

    /// <summary>Part removed for a 特定継続世帯 (1/4).</summary>
    [ParameterLabel("特定継続世帯の平等割軽減割合")]
    public Ratio ContinuedRatio { get; set; }

    /// <summary>Length of the 特定継続世帯 period that follows, months (36).</summary>
    [ParameterLabel("特定継続世帯の期間 (月)")]
    public int ContinuedMonths { get; set; }
}

/// <summary>非自発的失業者.</summary>
[ParameterGroup]
public sealed class InvoluntaryUnemploymentParameters
{
    /// <summary>The 給与所得 is deemed to be this part of itself (30/100).</summary>
    [ParameterLabel("給与所得のみなし割合")]
    public Ratio SalaryIncomeRatio { get; set; }

    /// <summary>Qualifying 離職理由コード (特定受給資格者 11, 12, 21, 22, 31, 32; 特定理由離職者 23, 33, 34).</summary>
    [ParameterLabel("離職理由コード")]
    public IReadOnlyList<string> ReasonCodes { get; set; } = null!;

    /// <summary>Only for those under this legal age on the separation date (65).</summary>
    [ParameterLabel("年齢の上限")]
    public int AgeLimit { get; set; }

    /// <summary>The relief runs from the month of the day after separation to the end of the fiscal year this many years after (1: the next fiscal year).</summary>
    [ParameterLabel("軽減の続く年度数")]
    public int FollowingFiscalYears { get; set; }
}

/// <summary>旧被扶養者.</summary>
[ParameterGroup]
public sealed class FormerDependantParameters
{
    /// <summary>Eligible from this legal age at acquisition (65)…</summary>
    [ParameterLabel("対象の開始年齢")]
    public int AgeFrom { get; set; }

    /// <summary>…until this one (75).</summary>
    [ParameterLabel("対象の終了年齢")]
    public int AgeUntil { get; set; }

    /// <summary>The member's 所得割 is exempt (当分の間).</summary>
    [ParameterLabel("所得割の免除")]
    public bool IncomeLevyExempt { get; set; }

    /// <summary>Part of the 均等割 removed (1/2) within the window; where the statutory reduction is larger, that applies instead.</summary>
    [ParameterLabel("均等割の減免割合")]
    public Ratio PerCapitaRatio { get; set; }

    /// <summary>Part of the 平等割 removed (1/2) when every insured member is a 旧被扶養者 within the window.</summary>
    [ParameterLabel("平等割の減免割合")]
    public Ratio PerHouseholdRatio { get; set; }

    /// <summary>The 均等割 / 平等割 window, months from the acquisition month (24).</summary>
    [ParameterLabel("減免の期間 (月)")]
    public int WindowMonths { get; set; }
}

/// <summary>Practice that differs between insurers.</summary>
[ParameterGroup]
public sealed class PracticeParameters
{
    /// <summary>Whether the 非自発的失業者's deemed 給与所得 is also used in the 軽減判定 (when the relief covers any month of the year).</summary>
    public bool InvoluntaryUnemploymentInReductionTest { get; set; }
}

/// <summary>Which amount a relief's rounding applies to.</summary>
[JsonConverter(typeof(JsonStringEnumConverter<ReliefRoundingTarget>))]
public enum ReliefRoundingTarget
{
    /// <summary>The amount still charged is rounded (Osaka, Niiza…).</summary>
    ReducedCharge,
    /// <summary>The amount removed is rounded and subtracted (Kyoto-fu 26207, Kainan…).</summary>
    ReductionAmount,
}

/// <summary>How a relief's per-person or per-household amount is rounded.</summary>
public sealed record ReliefRounding(ReliefRoundingTarget Target, long UnitYen, RoundingMode Mode)
{
    public Rounding Rounding { get; } = new(UnitYen, Mode);
}

/// <summary>Where the 所得割 is rounded.</summary>
[JsonConverter(typeof(JsonStringEnumConverter<IncomeLevyRoundingPer>))]
public enum IncomeLevyRoundingPer
{
    /// <summary>Once per component, on Σ 算定基礎所得 × months × rate ÷ 12 of the liable members.</summary>
    Component,
    /// <summary>For each liable member on 算定基礎所得 × months × rate ÷ 12, then summed.</summary>
    Member,
}

/// <summary>The rounding points of the premium calculation, in the order they apply.</summary>
[ParameterGroup]
public sealed class RoundingParameters
{
    /// <summary>法定軽減 on each 均等割 / 平等割 amount.</summary>
    [ParameterLabel("法定軽減の端数処理")]
    public ReliefRounding Reduction { get; set; } = null!;

    /// <summary>未就学児 reduction on each child's 均等割.</summary>
    [ParameterLabel("未就学児軽減の端数処理")]
    public ReliefRounding Preschool { get; set; } = null!;

    /// <summary>旧被扶養者 reduction of a 均等割 or 平等割.</summary>
    [ParameterLabel("旧被扶養者減免の端数処理")]
    public ReliefRounding FormerDependant { get; set; } = null!;

    /// <summary>特定世帯 / 特定継続世帯 reduction of the 平等割.</summary>
    [ParameterLabel("特定世帯軽減の端数処理")]
    public ReliefRounding SpecifiedHousehold { get; set; } = null!;

    /// <summary>所得割 of a component (after proration), or of each member where <c>rounding.incomeLevyPer</c> is <c>member</c>.</summary>
    [ParameterLabel("所得割の端数処理")]
    public Rounding IncomeLevy { get; set; } = null!;

    /// <summary>
    /// Where the 所得割 is rounded: once per component on the household's sum (<c>component</c>, the default when
    /// absent), or for each member on the member's own 算定基礎所得 × rate, the rounded amounts then summed
    /// (<c>member</c>: the Tokyo wards, "保険料は加入者ごとに計算し、世帯で合算").
    /// </summary>
    [ParameterLabel("所得割の端数処理の単位")]
    public IncomeLevyRoundingPer? IncomeLevyPer { get; set; }

    /// <summary>資産割 of a component (after proration), on the household's sum; required when a component has an <c>assetRate</c>.</summary>
    [ParameterLabel("資産割の端数処理")]
    public Rounding? AssetLevy { get; set; }

    /// <summary>均等割 of a component (after proration).</summary>
    [ParameterLabel("均等割の端数処理")]
    public Rounding PerCapita { get; set; } = null!;

    /// <summary>平等割 of a component (after proration).</summary>
    [ParameterLabel("平等割の端数処理")]
    public Rounding PerHousehold { get; set; } = null!;

    /// <summary>A component's total before the cap.</summary>
    [ParameterLabel("区分ごとの端数処理")]
    public Rounding Component { get; set; } = null!;

    /// <summary>The household's annual premium.</summary>
    [ParameterLabel("年額の端数処理")]
    public Rounding Annual { get; set; } = null!;
}

/// <summary>Proration of part-year liability.</summary>
[ParameterGroup]
public sealed class ProrationParameters
{
    /// <summary>
    /// When true, a component's cap is prorated by the months in which the household has a member
    /// liable for it (cap × months / 12): the capped annual amount is what is prorated. When false the
    /// full annual cap applies whatever the months.
    /// </summary>
    [ParameterLabel("限度額の月割")]
    public bool CapByMonths { get; set; }

    /// <summary>Rounding of a prorated cap.</summary>
    [ParameterLabel("月割限度額の端数処理")]
    public Rounding ProratedCap { get; set; } = null!;
}

/// <summary>Where the remainder of an installment division goes.</summary>
[JsonConverter(typeof(JsonStringEnumConverter<InstallmentRemainder>))]
public enum InstallmentRemainder
{
    First,
    Last,
}

/// <summary>普通徴収 installments (期割).</summary>
[ParameterGroup]
public sealed class InstallmentParameters
{
    /// <summary>The calendar months of the installments in order, e.g. [6,7,8,9,10,11,12,1,2,3] for June–March.</summary>
    [ParameterLabel("納期の月")]
    public IReadOnlyList<int> Months { get; set; } = null!;

    /// <summary>Each installment but one is a multiple of this (yen).</summary>
    [ParameterLabel("期割額の単位")]
    public long UnitYen { get; set; }

    /// <summary>Which installment takes the remainder.</summary>
    [ParameterLabel("端数を加える期")]
    public InstallmentRemainder RemainderTo { get; set; }

    /// <summary>Day of the month each installment is due (納期限); 0 for the month's last day.</summary>
    [ParameterLabel("納期限の日")]
    public int DueDayOfMonth { get; set; }

    /// <summary>
    /// When true, a household whose liability ends during the year (e.g. its only member turns 75) pays
    /// only in the installments up to its last liable month, as Kamo and Haebaru do.
    /// </summary>
    [ParameterLabel("資格のある月のみ")]
    public bool OnlyWhileLiable { get; set; }

    /// <summary>
    /// The insurer's own holidays at the year's turn (年末年始, e.g. 12月29日〜1月3日), set by its ordinance under
    /// 地方自治法第4条の2第2項第3号; with the national holidays and weekends, no due date falls on them.
    /// </summary>
    [ParameterLabel("年末年始の休日")]
    public IReadOnlyList<MonthDay> YearEndHolidays { get; set; } = null!;
}

/// <summary>A day of the year without a year (a recurring holiday such as 12月29日).</summary>
public sealed record MonthDay(int Month, int Day);

/// <summary>What a due date does when it falls on a day the offices are closed.</summary>
public enum DueDateOnHoliday
{
    /// <summary>The due date stays where it falls.</summary>
    Unchanged,
    /// <summary>The due date moves to the next day that is not a holiday (地方自治法第4条の2第4項).</summary>
    NextBusinessDay,
}

/// <summary>休日 of every local government (地方自治法第4条の2第2項第1号・第2号) and the due-date rule (同第4項).</summary>
[ParameterGroup]
public sealed class HolidayParameters
{
    /// <summary>The days of the week that are holidays (日曜日及び土曜日).</summary>
    [ParameterLabel("週休日")]
    public IReadOnlyList<IsoDayOfWeek> WeeklyHolidays { get; set; } = null!;

    /// <summary>The national holidays (国民の祝日に関する法律に規定する休日) of the fiscal year, 振替休日 and 国民の休日 included.</summary>
    [ParameterLabel("国民の祝日・休日")]
    public IReadOnlyList<LocalDate> NationalHolidays { get; set; } = null!;

    /// <summary>Whether a due date that falls on a holiday moves to the next business day.</summary>
    [ParameterLabel("休日の納期限")]
    public DueDateOnHoliday DueDateOnHoliday { get; set; }
}

/// <summary>国保法110条の2: the period for making or changing an assessment (賦課決定の期間制限).</summary>
[ParameterGroup]
public sealed class AssessmentTimeLimitParameters
{
    /// <summary>Years from the day after the year's first due date (or the day the premium became chargeable, if later) (2).</summary>
    [ParameterLabel("賦課の期間制限 (年)")]
    public int Years { get; set; }

    /// <summary>Years within which a reduction not caused by the insured may still be made (国保法110条の2第2項).</summary>
    [ParameterLabel("減額賦課の期間制限 (年)")]
    public int ReductionExceptionYears { get; set; }
}
