using System.Globalization;
using System.Text.Json;
using KokuhoRules.Engine.Tracing;
using KokuhoRules.Rules.Calendar;
using KokuhoRules.Rules.Premium;
using NodaTime;

namespace KokuhoRules.Rules.Withholding;

/// <summary>What stops withholding (特別徴収の停止・中止, §A8); in requests by its camelCase name.</summary>
public enum StopKind
{
    /// <summary>世帯主変更.</summary>
    HeadChanged,

    /// <summary>世帯主の資格喪失 (社保加入, 生活保護, 75歳 …).</summary>
    HeadLostCoverage,

    /// <summary>A condition of §A2 no longer holds (a member under 65 joins; the ½ test fails once July's 介護保険料 is set).</summary>
    ConditionNoLongerHolds,

    /// <summary>保険料の減額 (所得・加入状況の変更).</summary>
    PremiumDecreased,

    /// <summary>保険料の増額: a stop or not as <c>stops.premiumChange.onIncrease</c> says.</summary>
    PremiumIncreased,

    /// <summary>口座振替への変更申出: from the first pension month whose deadline the request meets.</summary>
    DirectDebitRequested,

    /// <summary>年金の支給停止 (withholding no longer possible).</summary>
    PensionSuspended,

    /// <summary>死亡 (of the head).</summary>
    Death,

    /// <summary>転出 (the head moves out of the city).</summary>
    MoveOut,
}

/// <summary>Who makes a stop take effect, which decides how soon it can.</summary>
public enum StopRoute
{
    /// <summary>The city's stop notice to the pension insurer (<c>stops.timing.cityNoticeMonths</c>).</summary>
    CityNotice,

    /// <summary>The pension insurer itself (<c>stops.timing.pensionInsurerMonths</c>).</summary>
    PensionInsurer,

    /// <summary>The household's request, by its deadline (<c>stops.directDebitRequest.deadlines</c>).</summary>
    Request,

    /// <summary>No stop: withholding goes on (<c>stops.premiumChange.onIncrease</c> = <c>keepWithholding</c>).</summary>
    None,
}

/// <summary>A change that may stop withholding.</summary>
/// <param name="Date">The day of the change (異動日; for a request, the day it is made), within the fiscal year.</param>
/// <param name="AnnualPremium">The annual premium after the change (yen); null: unchanged. Required for the premium kinds.</param>
/// <param name="CarePremiumPerPayment">The head's 介護保険料 per payment from the change on (e.g. set in July); null: unchanged.</param>
public sealed record StopChange(StopKind Kind, LocalDate Date, long? AnnualPremium = null, long? CarePremiumPerPayment = null);

/// <summary>The year after a stop.</summary>
/// <param name="StopMonth">The first pension month no longer withheld (may lie after the fiscal year: nothing stops this year); null when withholding goes on.</param>
/// <param name="Route">Who makes the stop take effect.</param>
/// <param name="PreviousAnnualPremium">The determination's annual premium.</param>
/// <param name="AnnualPremium">The annual premium after the change.</param>
/// <param name="Withheld">The pension months of the determination's schedule before the stop month, as they were.</param>
/// <param name="Schedule">The whole year after the stop: the pension months kept, and the ordinary installments (those already due as billed, then the new ones), in month order.</param>
/// <param name="Installments">The ordinary installments before and after, as a reassessment (<c>POST /v1/premium/reassessments</c>) gives them.</param>
/// <param name="InstallmentsDueAfter">The new amounts go to the installments due after this day: the change's day, or the day before the stop month when that is later (no month billed both ways).</param>
/// <param name="Settlement">A refund when more was withheld and billed than the new premium; an extra bill when no installment is left.</param>
/// <param name="FailingConditions">The §A2 conditions that no longer hold on the change's day (with the new premium and 介護保険料).</param>
public sealed record WithholdingStopResult(
    YearMonth? StopMonth,
    StopRoute Route,
    long PreviousAnnualPremium,
    long AnnualPremium,
    IReadOnlyList<ScheduleEntry> Withheld,
    IReadOnlyList<ScheduleEntry> Schedule,
    IReadOnlyList<InstallmentChange> Installments,
    LocalDate InstallmentsDueAfter,
    Settlement Settlement,
    IReadOnlyList<ConditionOutcome> FailingConditions)
{
    public long WithheldTotal => Withheld.Sum(e => e.Amount);
    public long OrdinaryTotal => Schedule.Where(e => e.Kind == PaymentKind.Ordinary).Sum(e => e.Amount);
}

/// <summary>
/// Stops of §A8 as one pure function: from a determination and a change, the stop month (the first pension month no
/// longer withheld, as soon as the route allows), what was withheld before it (the schedule's own pension months,
/// unchanged), and the rest of the year in ordinary installments — the new premium less what was withheld and the
/// ordinary installments already due, re-spread by <see cref="InstallmentRespread"/> exactly as a reassessment does,
/// refunded when more was withheld than the new premium.
/// </summary>
public static class WithholdingStops
{
    /// <summary>The kinds by their names in requests (camelCase).</summary>
    public static IReadOnlyDictionary<string, StopKind> Kinds { get; } =
        Enum.GetValues<StopKind>().ToDictionary(k => JsonNamingPolicy.CamelCase.ConvertName(k.ToString()), k => k, StringComparer.Ordinal);

    /// <summary>The name of a kind in requests and answers.</summary>
    public static string NameOf(StopKind kind) => JsonNamingPolicy.CamelCase.ConvertName(kind.ToString());

    /// <summary>Who makes a stop of this kind take effect under the rule set.</summary>
    public static StopRoute RouteOf(WithholdingParameters p, StopKind kind) => kind switch
    {
        StopKind.DirectDebitRequested => StopRoute.Request,
        StopKind.PensionSuspended or StopKind.Death => StopRoute.PensionInsurer,
        StopKind.PremiumIncreased when Stops(p).PremiumChange.OnIncrease == PremiumIncreaseEffect.KeepWithholding => StopRoute.None,
        _ => StopRoute.CityNotice,
    };

    /// <summary>
    /// The first pension month no longer withheld after a change on <paramref name="date"/>: for a notice, the first
    /// pension month at least the route's months after the change's month; for a request, the first pension month
    /// whose deadline (the end of its <c>applyByEndOf</c> month) is on or after the day; null for no stop.
    /// </summary>
    public static YearMonth? StopMonth(WithholdingParameters p, StopRoute route, LocalDate date)
    {
        var month = new YearMonth(date.Year, date.Month);
        return route switch
        {
            StopRoute.CityNotice => FirstPensionMonthFrom(p, month.PlusMonths(Stops(p).Timing.CityNoticeMonths)),
            StopRoute.PensionInsurer => FirstPensionMonthFrom(p, month.PlusMonths(Stops(p).Timing.PensionInsurerMonths)),
            StopRoute.Request => FirstRequestMonth(p, date),
            _ => null,
        };
    }

    /// <summary>The deadline of a request to stop from <paramref name="pensionMonth"/>: the last day of the latest <c>applyByEndOf</c> month before it.</summary>
    public static LocalDate RequestDeadline(WithholdingParameters p, YearMonth pensionMonth)
    {
        var applyBy = Stops(p).DirectDebitRequest.Deadlines.First(d => d.PensionMonth == pensionMonth.Month).ApplyByEndOf;
        var back = (pensionMonth.Month - applyBy + 12) % 12;
        var deadlineMonth = pensionMonth.PlusMonths(-(back == 0 ? 12 : back));
        return deadlineMonth.OnDayOfMonth(CalendarSystem.Iso.GetDaysInMonth(deadlineMonth.Year, deadlineMonth.Month));
    }

    private static YearMonth FirstPensionMonthFrom(WithholdingParameters p, YearMonth from)
    {
        for (var k = 0; ; k++)
            if (from.PlusMonths(k) is var m && IsPensionMonth(p, m.Month)) return m;
    }

    private static YearMonth FirstRequestMonth(WithholdingParameters p, LocalDate date)
    {
        for (var m = new YearMonth(date.Year, date.Month); ; m = m.PlusMonths(1))
            if (IsPensionMonth(p, m.Month) && date <= RequestDeadline(p, m)) return m;
    }

    /// <summary>The rule set's stop parameters (see <see cref="Problems"/>: a rule set without them cannot stop).</summary>
    private static StopParameters Stops(WithholdingParameters p) =>
        p.Stops ?? throw new ArgumentException("the withholding rule set has no stop parameters (stops)", nameof(p));

    private static bool IsPensionMonth(WithholdingParameters p, int month) => p.PensionMonths.Provisional.Contains(month) || p.PensionMonths.Definitive.Contains(month);

    /// <summary>
    /// What is wrong with stopping this determination with this change, by field (as the request names it), or nothing:
    /// the rule set has stop parameters; the household pays through the pension; the change's day lies within the
    /// fiscal year; a premium change gives the new premium, in its direction; amounts are not negative; a condition
    /// that no longer holds is one that fails on that day.
    /// </summary>
    public static IReadOnlyList<FieldError> Problems(WithholdingRuleSet rs, WithholdingInputs inputs, WithholdingDeterminationResult determination, StopChange change)
    {
        var errors = new List<FieldError>();
        if (rs.Parameters.Stops is null)
        {
            errors.Add(new FieldError("determination.rulesetVersion", $"the withholding rule set {rs.Version} has no stop rules (parameters 'stops'): name a version that has them"));
            return errors;
        }
        if (!determination.Eligible)
        {
            var failing = string.Join(", ", determination.Eligibility.Conditions.Where(c => !c.Holds).Select(c => c.Name));
            errors.Add(new FieldError("determination", $"the household does not pay through the pension ({failing} does not hold): there is no withholding to stop"));
            return errors;
        }
        var fy = new FiscalYear(rs.FiscalYear);
        if (!fy.Contains(change.Date))
            errors.Add(new FieldError("change.date", $"must lie within fiscal year {fy.Year} ({fy.Start:uuuu-MM-dd} to {fy.End:uuuu-MM-dd}), the year of the determination"));
        if (change.AnnualPremium is < 0) errors.Add(new FieldError("change.annualPremium", "cannot be negative"));
        if (change.CarePremiumPerPayment is < 0) errors.Add(new FieldError("change.carePremiumPerPayment", "cannot be negative"));
        if (change.Kind is StopKind.PremiumDecreased or StopKind.PremiumIncreased)
        {
            var decreased = change.Kind == StopKind.PremiumDecreased;
            if (change.AnnualPremium is not { } annual)
                errors.Add(new FieldError("change.annualPremium", $"is required for {NameOf(change.Kind)}: the annual premium after the change (yen)"));
            else if (annual >= 0 && (decreased ? annual >= inputs.AnnualPremium : annual <= inputs.AnnualPremium))
                errors.Add(new FieldError("change.annualPremium", decreased
                    ? "must be below the determination's annual premium for premiumDecreased"
                    : "must be above the determination's annual premium for premiumIncreased"));
        }
        if (errors.Count == 0 && change.Kind == StopKind.ConditionNoLongerHolds && FailingConditions(rs, inputs, determination, change).Count == 0)
            errors.Add(new FieldError("change.kind", "is conditionNoLongerHolds, but every condition still holds on change.date (with the household as given, change.annualPremium and change.carePremiumPerPayment)"));
        return errors;
    }

    /// <summary>The §A2 conditions that fail on the change's day: the household as given, the new premium and 介護保険料, the schedule's largest pension month.</summary>
    public static IReadOnlyList<ConditionOutcome> FailingConditions(WithholdingRuleSet rs, WithholdingInputs inputs, WithholdingDeterminationResult determination, StopChange change)
    {
        var pension = inputs.HeadPension is { } head && change.CarePremiumPerPayment is { } care ? head with { CarePremiumPerPayment = care } : inputs.HeadPension;
        var largest = determination.Schedule.Entries.Where(e => e.Kind != PaymentKind.Ordinary).Select(e => e.Amount).DefaultIfEmpty(0).Max();
        var outcome = WithholdingEligibility.Determine(rs, inputs.Household, pension, change.Date, change.AnnualPremium ?? inputs.AnnualPremium, inputs.DirectDebit, largest);
        return outcome.Conditions.Where(c => !c.Holds).ToArray();
    }

    /// <summary>Stops withholding.</summary>
    /// <param name="liability">The household's premium assessment under <paramref name="premium"/>: its last liable month bounds the installments (<c>installments.onlyWhileLiable</c>).</param>
    /// <exception cref="ArgumentException">When <see cref="Problems"/> names any.</exception>
    public static WithholdingStopResult Stop(WithholdingRuleSet rs, PremiumRuleSet premium, WithholdingInputs inputs, WithholdingDeterminationResult determination,
        PremiumAssessment liability, StopChange change, Trace? trace)
    {
        if (Problems(rs, inputs, determination, change) is [var first, ..]) throw new ArgumentException($"{first.Field} {first.Message}", nameof(change));
        var p = rs.Parameters;
        var fy = new FiscalYear(rs.FiscalYear);
        var route = RouteOf(p, change.Kind);
        var stop = StopMonth(p, route, change.Date);
        var schedule = determination.Schedule;
        var withheld = schedule.Entries.Where(e => e.Kind != PaymentKind.Ordinary && (stop is null || e.Month.CompareTo(stop.Value) < 0)).ToArray();
        var newAnnual = change.AnnualPremium ?? inputs.AnnualPremium;

        // The arrangement up to the stop, as a previous assessment: its ordinary installments as billed, and the pension
        // months withheld before the stop as settled outside them.
        var ordinary = schedule.Entries.Where(e => e.Kind == PaymentKind.Ordinary).Select(e => new InstallmentBill(e.Installment!.Value, e.DueDate!.Value, e.Amount)).ToArray();
        var withheldTotal = withheld.Sum(e => e.Amount);
        var before = new PreviousAssessment(ordinary.Sum(b => b.Amount) + withheldTotal, ordinary, withheldTotal, null, null, null, null);
        var dueAfter = stop is { } s && s.CompareTo(fy.Month(11)) <= 0 && s.OnDayOfMonth(1).PlusDays(-1) is var eve && eve > change.Date ? eve : change.Date;
        var respread = InstallmentRespread.Of(premium, liability, before, newAnnual, barred: false, dueAfter);

        var slots = InstallmentSchedule.Slots(premium);
        var entries = new List<ScheduleEntry>(withheld);
        foreach (var b in respread.FixedBills.Concat(respread.Spread))
            entries.Add(new ScheduleEntry(slots[b.Number - 1].Month, PaymentKind.Ordinary, b.Amount, b.Number, b.DueDate));
        var ordered = entries.OrderBy(e => e.Month).ThenBy(e => e.Kind == PaymentKind.Ordinary).ToArray();

        var result = new WithholdingStopResult(stop, route, inputs.AnnualPremium, newAnnual, withheld, ordered, respread.Installments, dueAfter,
            respread.Settlement, FailingConditions(rs, inputs, determination, change));
        if (trace is not null) StopTrace.Write(trace, rs, premium, change, result, respread);
        return result;
    }
}

/// <summary>The trace of a stop: the change, the stop month with the parameter that set it, what was withheld, and the re-spread.</summary>
internal static class StopTrace
{
    public static void Write(Trace t, WithholdingRuleSet rs, PremiumRuleSet premium, StopChange change, WithholdingStopResult r, InstallmentRespread respread)
    {
        var table = rs.ParameterTable;
        t.Add("fact", "household", null, "change", $"{Japanese(change.Kind)} ({WithholdingStops.NameOf(change.Kind)}) {change.Date:uuuu-MM-dd}",
            value: WithholdingStops.NameOf(change.Kind));
        foreach (var c in r.FailingConditions)
            t.Add("decision", "household", null, c.Name, $"{change.Date:uuuu-MM-dd} に {c.Rule}: 非該当", value: "false");
        var (text, parameters) = r.Route switch
        {
            StopRoute.CityNotice => ($"市の停止通知: 変更の月から{rs.Parameters.Stops!.Timing.CityNoticeMonths}か月以上後の最初の年金支払月", (IReadOnlyList<TraceParameter>)[TraceParameter.Of(table, "stops.timing.cityNoticeMonths")]),
            StopRoute.PensionInsurer => ($"年金保険者による停止: 変更の月から{rs.Parameters.Stops!.Timing.PensionInsurerMonths}か月以上後の最初の年金支払月", (IReadOnlyList<TraceParameter>)[TraceParameter.Of(table, "stops.timing.pensionInsurerMonths")]),
            StopRoute.Request => ($"申出の期限 {WithholdingStops.RequestDeadline(rs.Parameters, r.StopMonth!.Value):uuuu-MM-dd} に間に合う最初の年金支払月", (IReadOnlyList<TraceParameter>)[TraceParameter.Of(table, "stops.directDebitRequest.deadlines")]),
            _ => ("増額でも特別徴収を続け、増額分は普通徴収 (stops.premiumChange.onIncrease = keepWithholding)", (IReadOnlyList<TraceParameter>)[TraceParameter.Of(table, "stops.premiumChange.onIncrease")]),
        };
        t.Add("decision", "household", null, "stopMonth", r.StopMonth is { } stop ? $"{stop:uuuu-MM} から特別徴収を停止 ({text})" : text,
            value: r.StopMonth?.ToString("uuuu-MM", CultureInfo.InvariantCulture), parameters: parameters);
        t.Add("calculation", "household", null, "withheld", $"停止前に特別徴収した額 {Yen(r.WithheldTotal)} ({r.Withheld.Count}回)", yen: r.WithheldTotal);
        t.Add("calculation", "household", null, "installments",
            $"年間保険料 {Yen(r.AnnualPremium)} − 特別徴収 {Yen(r.WithheldTotal)} − 納期到来の普通徴収 {Yen(respread.FixedTotal - r.WithheldTotal)} = {Yen(respread.RemainingTotal)} を "
            + $"{r.InstallmentsDueAfter:uuuu-MM-dd} 後に納期の来る {respread.Spread.Count} 期に割り振ります"
            + (respread.Spread.Count > 0 ? $" ({string.Join("、", respread.Spread.Select(b => $"第{b.Number}期 {Yen(b.Amount)}"))})" : "")
            + (r.Settlement.Kind switch
            {
                SettlementKind.Refund => $"。特別徴収・納期到来分が {Yen(r.Settlement.Amount)} 多いため還付します。",
                SettlementKind.AdditionalBill => $"。割り振る期が残っていないため {Yen(r.Settlement.Amount)} を追加で請求します。",
                _ => "。",
            }),
            yen: respread.RemainingTotal,
            parameters: TraceParameter.Of(premium.ParameterTable, "installments.months", "installments.unitYen", "installments.remainderTo", "installments.onlyWhileLiable"));
    }

    /// <summary>The kind's Japanese name (docs/glossary.md).</summary>
    public static string Japanese(StopKind kind) => kind switch
    {
        StopKind.HeadChanged => "世帯主変更",
        StopKind.HeadLostCoverage => "世帯主の資格喪失",
        StopKind.ConditionNoLongerHolds => "特別徴収の要件に該当しなくなった",
        StopKind.PremiumDecreased => "保険料の減額",
        StopKind.PremiumIncreased => "保険料の増額",
        StopKind.DirectDebitRequested => "口座振替への変更申出",
        StopKind.PensionSuspended => "年金の支給停止",
        StopKind.Death => "死亡",
        _ => "転出",
    };

    private static string Yen(long yen) => yen.ToString("N0", CultureInfo.InvariantCulture) + "円";
}
