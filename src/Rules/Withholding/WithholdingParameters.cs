using KokuhoRules.Engine.Money;
using KokuhoRules.Engine.RuleSets;

namespace KokuhoRules.Rules.Withholding;

/// <summary>
/// The parameters of the <c>withholding</c> capability (特別徴収, 国民健康保険法第76条の3): the national figures
/// (pension minimum, age band, the ½ test, the pension months) and the insurer's own choices (leveling,
/// rounding, remainder month, exclusion switches).
/// </summary>
public sealed class WithholdingParameters
{
    /// <summary>Who may pay through the pension (national).</summary>
    [FromLayer(RuleSetLayerKind.National)]
    public EligibilityParameters Eligibility { get; set; } = new();

    /// <summary>The pension payment months (national).</summary>
    [FromLayer(RuleSetLayerKind.National)]
    public PensionMonthParameters PensionMonths { get; set; } = new();

    /// <summary>How 仮徴収 is set (national).</summary>
    [FromLayer(RuleSetLayerKind.National)]
    public ProvisionalParameters Provisional { get; set; } = new();

    /// <summary>The insurer's schedule choices.</summary>
    [FromLayer(RuleSetLayerKind.Municipal)]
    public WithholdingScheduleParameters Schedule { get; set; } = new();

    /// <summary>The insurer's exclusion switches.</summary>
    [FromLayer(RuleSetLayerKind.Municipal)]
    public WithholdingSwitches Switches { get; set; } = new();

    /// <summary>
    /// Stops (特別徴収の停止, §A8) and the switch to ordinary installments (municipal). Optional: a rule set without it
    /// (2025.1, published before stops existed) determines but cannot stop, and a stop asking for it is refused.
    /// </summary>
    [FromLayer(RuleSetLayerKind.Municipal)]
    public StopParameters? Stops { get; set; }
}

/// <summary>The eligibility figures of §A2 (国民健康保険法施行令第29条の12).</summary>
[ParameterGroup]
public sealed class EligibilityParameters
{
    /// <summary>The pension from which 介護保険料 is withheld must be at least this much a year (yen).</summary>
    public long MinimumAnnualPension { get; set; }

    /// <summary>Every insured member is at least this old…</summary>
    public int AgeFrom { get; set; }

    /// <summary>…and younger than this; a head reaching it in the year is kept out.</summary>
    public int AgeUntil { get; set; }

    /// <summary>Premium + 介護保険料 per payment may not exceed this share of the payment.</summary>
    public Ratio CapRatio { get; set; }

    /// <summary>Pension payments a year (the per-payment test compares annual amounts ÷ this).</summary>
    public int PaymentsPerYear { get; set; }
}

/// <summary>The pension months: 仮徴収, 本徴収 and the months a newly eligible household may start in.</summary>
[ParameterGroup]
public sealed class PensionMonthParameters
{
    /// <summary>仮徴収 months, in order (4, 6, 8).</summary>
    public IReadOnlyList<int> Provisional { get; set; } = null!;

    /// <summary>本徴収 months, in order (10, 12, 2).</summary>
    public IReadOnlyList<int> Definitive { get; set; } = null!;

    /// <summary>The months withholding may start in (4, 6, 8, 10).</summary>
    public IReadOnlyList<int> StartMonths { get; set; } = null!;
}

/// <summary>仮徴収 amounts.</summary>
[ParameterGroup]
public sealed class ProvisionalParameters
{
    /// <summary>A new April start withholds the previous year's premium ÷ this in each 仮徴収 month.</summary>
    public int NewAprilStartDivisor { get; set; }
}

/// <summary>平準化 (leveling of the 仮徴収 amounts once the year's premium is known, §A5).</summary>
public enum LevelingMode
{
    /// <summary>No leveling: every 仮徴収 month keeps the February amount.</summary>
    None,

    /// <summary>August = annual ÷ 2 − April − June (Hidaka, Adachi).</summary>
    AugustOnly,

    /// <summary>June = August = floor((floor(annual ÷ 6) × 3 − April) ÷ 2) (Yatsushiro, Yachiyo).</summary>
    JuneAndAugust,
}

/// <summary>The insurer's schedule choices (unpublished in Amagasaki: shipped with <c>confirmed: false</c>).</summary>
[ParameterGroup]
public sealed class WithholdingScheduleParameters
{
    /// <summary>Whether and how the 仮徴収 amounts are leveled.</summary>
    public LevelingMode LevelingMode { get; set; }

    /// <summary>How each withheld amount is rounded (e.g. 100円未満切捨て); the remainder goes to <see cref="RemainderMonth"/>.</summary>
    public Rounding Rounding { get; set; } = Rounding.FloorYen;

    /// <summary>The 本徴収 month that takes the rounding remainder (10 in Yatsushiro and Ginan).</summary>
    public int RemainderMonth { get; set; }
}

/// <summary>Exclusions some cities apply (§A2 rows 7 and 8).</summary>
[ParameterGroup]
public sealed class WithholdingSwitches
{
    /// <summary>Households paying by 口座振替 are kept out (Tottori, Meguro).</summary>
    public bool ExcludeDirectDebit { get; set; }

    /// <summary>A head turning the lower age during the year is kept out that year (Kofu).</summary>
    public bool ExcludeHeadTurning65 { get; set; }
}

/// <summary>The stop parameters: how soon a stop takes effect, the request deadlines, what a higher premium does.</summary>
[ParameterGroup]
public sealed class StopParameters
{
    /// <summary>How soon a stop reaches the pension insurer.</summary>
    public StopTimingParameters Timing { get; set; } = new();

    /// <summary>The deadlines of a request to pay by 口座振替 instead.</summary>
    public DirectDebitRequestParameters DirectDebitRequest { get; set; } = new();

    /// <summary>What a premium changed during the year does to withholding.</summary>
    public PremiumChangeParameters PremiumChange { get; set; } = new();
}

/// <summary>
/// How soon a stop takes effect (§A8): the stop month is the first pension month at least this many months after the
/// month of the change (0: the change's own month when it is a pension month). The city's stop notice
/// (特別徴収停止通知, 介護保険法第138条 as applied by 国民健康保険法第76条の4) needs time to reach the pension insurer.
/// </summary>
[ParameterGroup]
public sealed class StopTimingParameters
{
    /// <summary>A stop the city notifies (change of head, loss of coverage, a condition failing, a premium change, a move-out): months after the change's month.</summary>
    public int CityNoticeMonths { get; set; }

    /// <summary>A stop the pension insurer makes itself (the pension suspended, the pensioner's death): months after the change's month.</summary>
    public int PensionInsurerMonths { get; set; }
}

/// <summary>The deadline of a request (申出) to stop withholding from one pension month and pay by 口座振替.</summary>
/// <param name="PensionMonth">The calendar month of the first pension payment no longer withheld.</param>
/// <param name="ApplyByEndOf">The calendar month by whose last day the request must be made (the latest such month before the pension month).</param>
public sealed record RequestDeadline(int PensionMonth, int ApplyByEndOf);

/// <summary>
/// 口座振替への変更申出 (国民健康保険法施行令第29条の13第4号 as Tamano cites it): a request made by a pension month's
/// deadline stops withholding from that month; a later one from the next month whose deadline it meets.
/// </summary>
[ParameterGroup]
public sealed class DirectDebitRequestParameters
{
    /// <summary>One deadline per pension month (Shimonoseki: June ← end of March, August ← end of May, …, April ← end of January).</summary>
    public IReadOnlyList<RequestDeadline> Deadlines { get; set; } = null!;
}

/// <summary>What a premium increased during the year does.</summary>
public enum PremiumIncreaseEffect
{
    /// <summary>Withholding stops and the rest is billed in the ordinary installments still to come (Yamatotakada).</summary>
    StopWithholding,

    /// <summary>Withholding goes on as scheduled and the increase is billed in the ordinary installments due after the change.</summary>
    KeepWithholding,
}

/// <summary>
/// A premium changed during the year (所得・加入状況の変更): a decrease always stops withholding (Tottori); an increase
/// as the insurer says.
/// </summary>
[ParameterGroup]
public sealed class PremiumChangeParameters
{
    /// <summary>Whether an increase stops withholding (<c>stopWithholding</c>) or is billed beside it (<c>keepWithholding</c>).</summary>
    public PremiumIncreaseEffect OnIncrease { get; set; }
}
