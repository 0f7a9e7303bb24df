using System.ComponentModel.DataAnnotations;
using System.Globalization;
using System.Text.Json.Serialization;
using KokuhoRules.Engine.RuleSets;
using KokuhoRules.Engine.Tracing;
using KokuhoRules.Rules.Calendar;
using KokuhoRules.Rules.Snapshots;
using NodaTime;

namespace KokuhoRules.Rules.Premium;

/// <summary>
/// A change to a household, to be reflected in its premium (更正): the household as it now is, for
/// every fiscal year the change reaches, with what was assessed and billed before
/// (the body of <c>POST /v1/premium/reassessments</c>).
/// </summary>
public sealed record ReassessmentRequest
{
    /// <summary>Insurer id, e.g. <c>amagasaki</c>.</summary>
    [Required]
    public string? Insurer { get; init; }

    /// <summary>What changed and from when.</summary>
    [Required]
    public ChangeJson? Change { get; init; }

    /// <summary>The day the recalculation is made (処理日): installments due on or before it are not altered. Default: today in Japan.</summary>
    public LocalDate? AsOf { get; init; }

    /// <summary>
    /// Every fiscal year the change affects, each assessed under its own rule set: the year of the
    /// effective date, and each later year up to that of <c>asOf</c> that the change reaches (a
    /// change of membership reaches them all; a corrected income only the year it is the prior-year income of).
    /// </summary>
    [Required]
    public IReadOnlyList<ReassessmentYearJson?>? Years { get; init; }

    /// <summary>True for a trial (試算), the only way to use a draft rule set.</summary>
    public bool? Trial { get; init; }
}

/// <summary>The change: from when it takes effect, in words, and whether the 110条の2第2項 exception applies.</summary>
public sealed record ChangeJson
{
    /// <summary>The day the change takes effect (異動日), e.g. a 資格取得日 or the day after a death.</summary>
    [Required]
    public LocalDate? EffectiveDate { get; init; }

    /// <summary>A short description for the trace (no personal data): e.g. "P3 加入", "所得更正".</summary>
    public string? Description { get; init; }

    /// <summary>
    /// The change reduces the premium for a reason the insured is not responsible for (e.g. retroactive
    /// enrolment in employees' insurance by the employer): 国保法110条の2第2項 lets it be made after the
    /// ordinary time limit.
    /// </summary>
    public bool? ReductionNotCausedByInsured { get; init; }
}

/// <summary>One fiscal year of a reassessment: the household for that year and what was assessed before.</summary>
public sealed record ReassessmentYearJson
{
    [Required]
    public int? FiscalYear { get; init; }

    /// <summary>The household as it now is for that year (that year's prior-year incomes).</summary>
    [Required]
    public HouseholdJson? Household { get; init; }

    /// <summary>The assessment as previously returned (its other fields are ignored); null if none was made.</summary>
    public PreviousAssessmentJson? Previous { get; init; }
}

/// <summary>
/// The previous assessment. The whole response of an earlier assessment or reassessment year may be
/// sent as it is; only these fields are read.
/// </summary>
[JsonUnmappedMemberHandling(JsonUnmappedMemberHandling.Skip)]
public sealed record PreviousAssessmentJson
{
    [Required]
    public long? AnnualPremium { get; init; }

    /// <summary>The installments as billed (required): amounts already due are never altered.</summary>
    [Required]
    public IReadOnlyList<PreviousInstallmentJson?>? Installments { get; init; }

    public IReadOnlyList<PreviousComponentJson?>? Components { get; init; }

    public IReadOnlyList<PreviousMemberJson?>? Members { get; init; }

    public string? ReductionClass { get; init; }

    public PreviousRuleSetJson? Ruleset { get; init; }

    /// <summary>An extra bill or refund settled outside the installments, if the previous assessment had one.</summary>
    public PreviousSettlementJson? Settlement { get; init; }
}

[JsonUnmappedMemberHandling(JsonUnmappedMemberHandling.Skip)]
public sealed record PreviousSettlementJson
{
    [Required]
    public SettlementKind? Kind { get; init; }
    public long? Amount { get; init; }
}

[JsonUnmappedMemberHandling(JsonUnmappedMemberHandling.Skip)]
public sealed record PreviousInstallmentJson
{
    [Required]
    public int? Number { get; init; }
    [Required]
    public LocalDate? DueDate { get; init; }
    [Required]
    public long? Amount { get; init; }
}

[JsonUnmappedMemberHandling(JsonUnmappedMemberHandling.Skip)]
public sealed record PreviousComponentJson
{
    public string? Name { get; init; }
    public long? Amount { get; init; }
}

[JsonUnmappedMemberHandling(JsonUnmappedMemberHandling.Skip)]
public sealed record PreviousMemberJson
{
    [Required]
    public string? Id { get; init; }
    public int? InsuredMonths { get; init; }
    public IReadOnlyDictionary<string, int>? ComponentMonths { get; init; }
    public long? AssessableIncome { get; init; }
    public bool? IncomeDeclared { get; init; }
}

[JsonUnmappedMemberHandling(JsonUnmappedMemberHandling.Skip)]
public sealed record PreviousRuleSetJson
{
    public string? Version { get; init; }
    public string? Hash { get; init; }
}

/// <summary>Whether a year's assessment may still be made or changed (国保法110条の2), and why.</summary>
/// <param name="FirstDueDate">最初の納期 of the year.</param>
/// <param name="CountedFrom">The day the period counts from: the day after the first due date, or after the day the premium became chargeable if later.</param>
/// <param name="BarredFrom">From this day the assessment can no longer be made or changed.</param>
/// <param name="TimeBarred">True when the change cannot be made.</param>
/// <param name="ExceptionApplied">True when a reduction not caused by the insured was allowed past <c>barredFrom</c>.</param>
public sealed record TimeLimit(LocalDate FirstDueDate, LocalDate CountedFrom, LocalDate BarredFrom, bool TimeBarred, bool ExceptionApplied, string Reason);

/// <summary>A component before and after.</summary>
public sealed record ComponentChange(string Name, string Label, long? PreviousAmount, long Amount, long? Difference);

/// <summary>How an installment is affected.</summary>
[JsonConverter(typeof(JsonStringEnumConverter<InstallmentStatus>))]
public enum InstallmentStatus
{
    /// <summary>Already due on the processing day: left as billed.</summary>
    Due,
    /// <summary>Not yet due: carries the new amount.</summary>
    Remaining,
}

/// <summary>An installment before and after.</summary>
public sealed record InstallmentChange(int Number, LocalDate DueDate, long PreviousAmount, long Amount, InstallmentStatus Status);

/// <summary>The reassessment of one fiscal year.</summary>
/// <param name="Kind"><c>currentYear</c>, or <c>pastYear</c> (過年度) when the year ended before the processing day.</param>
/// <param name="Applied">False when the change could not be made (time-barred): the previous premium stands.</param>
/// <param name="Assessment">The new assessment of the year under that year's rule set (informative when not applied).</param>
/// <param name="Trace">The steps of the reassessment: what changed, from which month, and its effect.</param>
public sealed record YearReassessment(
    int FiscalYear,
    string Kind,
    bool Applied,
    long PreviousAnnualPremium,
    long AnnualPremium,
    long Difference,
    TimeLimit TimeLimit,
    IReadOnlyList<ComponentChange> Components,
    IReadOnlyList<InstallmentChange> Installments,
    Settlement Settlement,
    AssessmentResponse Assessment,
    IReadOnlyList<TraceStep>? Trace);

/// <summary>The answer to a <see cref="ReassessmentRequest"/>: each fiscal year the change reaches, separately.</summary>
public sealed record ReassessmentResponse(string Insurer, LocalDate AsOf, LocalDate EffectiveDate, bool Trial, IReadOnlyList<YearReassessment> Years);

/// <summary>
/// 更正: reassesses a household after a change, year by year, each year under its own rule set; keeps
/// the installments already due, spreads what remains over the installments still to come, and
/// settles what cannot be spread (an extra bill, or a refund). Applies the 国保法110条の2 time limit.
/// </summary>
public sealed class ReassessmentService(PremiumService premiums, IClock clock)
{
    private static readonly DateTimeZone Japan = DateTimeZoneProviders.Tzdb["Asia/Tokyo"];

    /// <summary>Reassesses; exactly one of the response and the failure is non-null.</summary>
    public (ReassessmentResponse? Response, AssessmentFailure? Failure) Reassess(ReassessmentRequest? request, bool trace)
    {
        var errors = new List<FieldError>();
        if (request is null) return (null, new AssessmentFailure(AssessmentFailureKind.InvalidRequest, "The request body is empty.", [new FieldError("$", "is required")]));
        if (string.IsNullOrWhiteSpace(request.Insurer)) errors.Add(new FieldError("insurer", "is required (e.g. \"amagasaki\")"));
        if (request.Change?.EffectiveDate is not { } effective)
        {
            errors.Add(new FieldError("change.effectiveDate", "is required: the day the change takes effect"));
            effective = default;
        }
        else SnapshotReader.DateInRange(effective, "change.effectiveDate", errors);
        if (request.AsOf is { } processingDay) SnapshotReader.DateInRange(processingDay, "asOf", errors);
        if (request.Change?.Description is { Length: > 200 }) errors.Add(new FieldError("change.description", "at most 200 characters"));
        var asOf = request.AsOf ?? clock.GetCurrentInstant().InZone(Japan).Date;
        if (request.Years is null || request.Years.Count == 0) errors.Add(new FieldError("years", "at least one fiscal year is required"));
        if (errors.Count > 0) return (null, Invalid(errors));

        var years = request.Years!;
        var firstYear = FiscalYear.Of(effective).Year;
        var lastYear = FiscalYear.Of(asOf).Year;
        if (effective > asOf) return (null, Invalid([new FieldError("change.effectiveDate", "the change takes effect after the processing day (asOf): a change is processed on or after the day it takes effect")]));
        var given = new Dictionary<int, int>();
        for (var i = 0; i < years.Count; i++)
        {
            if (years[i]?.FiscalYear is not { } fy)
            {
                errors.Add(new FieldError($"years[{i}].fiscalYear", "is required"));
                continue;
            }
            if (!given.TryAdd(fy, i)) errors.Add(new FieldError($"years[{i}].fiscalYear", $"the same fiscal year as years[{given[fy]}]: each year is given once"));
            if (fy < firstYear) errors.Add(new FieldError($"years[{i}].fiscalYear", "is before the fiscal year the change takes effect in (change.effectiveDate): that year is not affected"));
            if (fy > lastYear) errors.Add(new FieldError($"years[{i}].fiscalYear", "has not started on the processing day (asOf)"));
        }
        if (!given.ContainsKey(firstYear) && errors.Count == 0)
            errors.Add(new FieldError("years", "the fiscal year the change takes effect in (the one from 1 April to 31 March that holds change.effectiveDate) must be included, with its household and previous assessment (and every later year the change affects)"));
        if (errors.Count > 0) return (null, Invalid(errors));

        var results = new List<YearReassessment>();
        for (var i = 0; i < years.Count; i++)
        {
            var year = years[i]!;
            var (result, failure) = ReassessYear(request, year, $"years[{i}]", effective, asOf, trace);
            if (failure is not null) return (null, failure);
            results.Add(result!);
        }
        return (new ReassessmentResponse(request.Insurer!, asOf, effective, request.Trial ?? false, results.OrderBy(r => r.FiscalYear).ToArray()), null);
    }

    private (YearReassessment?, AssessmentFailure?) ReassessYear(ReassessmentRequest request, ReassessmentYearJson year, string path, LocalDate effective, LocalDate asOf, bool trace)
    {
        var fy = year.FiscalYear!.Value;
        var errors = new List<FieldError>();
        var previous = ReadPrevious(year.Previous, path + ".previous", errors);
        if (errors.Count > 0) return (null, Invalid(errors));

        var (found, evaluated, failure) = premiums.Evaluate(new AssessmentRequest { Insurer = request.Insurer, FiscalYear = fy, Household = year.Household, Trial = request.Trial }, trace);
        if (failure is not null) return (null, failure with { Errors = failure.Errors.Select(e => e with { Field = Prefix(path, e.Field) }).ToArray() });
        var rs = found!;
        var assessment = evaluated!;
        var t = trace ? new Trace() : null;
        var fiscalYear = new FiscalYear(fy);
        var kind = asOf > fiscalYear.End ? "pastYear" : "currentYear";

        t?.Add("fact", "household", null, "change",
            $"{fy}年度{(kind == "pastYear" ? " (過年度)" : "")}の保険料を更正します。変更: {request.Change!.Description ?? "(説明なし)"}、{effective:uuuu-MM-dd} から"
            + (fiscalYear.Contains(effective) ? $" ({effective:uuuu-MM} 分から)" : " (この年度の全体に及ぶ)") + $"。処理日 {asOf:uuuu-MM-dd}。",
            value: effective.ToString("uuuu-MM-dd", CultureInfo.InvariantCulture));
        if (previous?.Ruleset?.Version is { } previousVersion && previousVersion != rs.Version)
            t?.Add("note", "household", null, "rulesetVersion", $"前回は ルールセット {previousVersion} で計算されています。今回は {rs.Version} で計算します。");
        TraceFactChanges(t, previous, assessment);

        // 国保法110条の2.
        var firstDue = InstallmentSchedule.FirstDueDate(rs);
        var chargeableFrom = assessment.JudgementDate is { } jd && jd > firstDue ? jd : firstDue;
        var countedFrom = chargeableFrom.PlusDays(1);
        var limits = rs.Parameters.AssessmentTimeLimit;
        var barredFrom = countedFrom.PlusYears(limits.Years);
        var previousAnnual = previous?.AnnualPremium ?? 0;
        var isReduction = assessment.AnnualPremium < previousAnnual;
        var exception = request.Change!.ReductionNotCausedByInsured == true && isReduction && asOf < countedFrom.PlusYears(limits.ReductionExceptionYears);
        var barred = asOf >= barredFrom && !exception && assessment.AnnualPremium != previousAnnual;
        var reason = barred
            ? $"{fy}年度の保険料は、{(chargeableFrom == firstDue ? $"最初の納期 {firstDue:uuuu-MM-dd}" : $"賦課できることとなった日 {chargeableFrom:uuuu-MM-dd}")} の翌日から{limits.Years}年を経過した {barredFrom:uuuu-MM-dd} 以後は賦課決定・変更ができません (国民健康保険法第110条の2)。"
              + (isReduction ? " 被保険者の責めに帰さない事由による減額であれば reductionNotCausedByInsured を指定してください。" : "")
            : exception && asOf >= barredFrom
                ? $"期間制限 ({barredFrom:uuuu-MM-dd}) を過ぎていますが、被保険者の責めに帰さない事由による減額のため変更できます (国民健康保険法第110条の2第2項; {countedFrom.PlusYears(limits.ReductionExceptionYears):uuuu-MM-dd} まで)。"
                : $"{barredFrom:uuuu-MM-dd} より前のため変更できます (国民健康保険法第110条の2)。";
        var timeLimit = new TimeLimit(firstDue, countedFrom, barredFrom, barred, exception && asOf >= barredFrom, reason);
        t?.Add(barred ? "note" : "fact", "household", null, "timeLimit", reason, value: barred ? "timeBarred" : "open",
            parameters: Params(rs, "assessmentTimeLimit.years", exception ? "assessmentTimeLimit.reductionExceptionYears" : null));

        var newAnnual = barred ? previousAnnual : assessment.AnnualPremium;
        var components = assessment.Components.Select(c =>
        {
            var before = previous?.Components?.FirstOrDefault(p => p?.Name == c.Name)?.Amount;
            return new ComponentChange(c.Name, c.Label, before, c.Amount, before is null ? null : c.Amount - before);
        }).ToArray();
        if (t is not null)
            foreach (var c in components)
                t.Add("calculation", "household", c.Name, "componentChange",
                    c.PreviousAmount is null ? $"{c.Label}: {Yen(c.Amount)}" : $"{c.Label}: {Yen(c.PreviousAmount.Value)} → {Yen(c.Amount)} ({Signed(c.Difference!.Value)})",
                    yen: c.Amount);

        // Installments: those due on or before the processing day stay as billed; the rest is spread.
        var previousInstallments = previous?.Installments ?? [];
        var fixedBills = previousInstallments.Where(b => b.DueDate <= asOf).ToArray();
        // What was billed and is due (or was settled outside the installments) stays; the rest is recomputed.
        var fixedTotal = fixedBills.Sum(b => b.Amount) + (previous?.Settled ?? 0);
        var remainingTotal = newAnnual - fixedTotal;
        var openSlots = InstallmentSchedule.OpenSlots(rs, assessment, asOf);
        IReadOnlyList<InstallmentBill> spread = [];
        var settlement = Settlement.None;
        if (barred || (previous is not null && newAnnual == previousAnnual))
        {
            // Nothing to change: the bills stand as they were (re-spreading could move a remainder between them).
            spread = previousInstallments.Where(b => b.DueDate > asOf).ToArray();
        }
        else if (remainingTotal < 0)
        {
            settlement = new Settlement(SettlementKind.Refund, -remainingTotal);
        }
        else if (openSlots.Count == 0)
        {
            if (remainingTotal > 0) settlement = new Settlement(SettlementKind.AdditionalBill, remainingTotal);
        }
        else
        {
            spread = InstallmentSchedule.Spread(remainingTotal, openSlots, rs.Parameters.Installments);
        }
        var installments = new SortedDictionary<int, InstallmentChange>();
        foreach (var b in fixedBills) installments[b.Number] = new InstallmentChange(b.Number, b.DueDate, b.Amount, b.Amount, InstallmentStatus.Due);
        foreach (var b in previousInstallments.Where(b => b.DueDate > asOf))
            installments[b.Number] = new InstallmentChange(b.Number, b.DueDate, b.Amount, 0, InstallmentStatus.Remaining);
        foreach (var b in spread)
            installments[b.Number] = new InstallmentChange(b.Number, b.DueDate, installments.TryGetValue(b.Number, out var was) ? was.PreviousAmount : 0, b.Amount, InstallmentStatus.Remaining);

        if (t is not null)
        {
            t.Add("calculation", "household", null, "difference",
                barred ? $"期間制限のため年間保険料は {Yen(previousAnnual)} のまま変更しません。"
                       : $"年間保険料 {Yen(previousAnnual)} → {Yen(newAnnual)} ({Signed(newAnnual - previousAnnual)})。",
                yen: newAnnual - previousAnnual);
            if (!barred)
                t.Add("calculation", "household", null, "installments",
                    $"処理日までに納期が到来した {fixedBills.Length} 期 (計 {Yen(fixedTotal)}) はそのままとし、残り {Yen(Math.Max(0, remainingTotal))} を {spread.Count} 期に割り振ります"
                    + (spread.Count > 0 ? $" ({string.Join("、", spread.Select(b => $"第{b.Number}期 {Yen(b.Amount)}"))}; {DescribeUnit(rs)})" : "")
                    + (settlement.Kind switch
                    {
                        SettlementKind.Refund => $"。納付済み・納期到来分が {Yen(settlement.Amount)} 多いため還付します。",
                        SettlementKind.AdditionalBill => $"。割り振る期が残っていないため {Yen(settlement.Amount)} を追加で請求します。",
                        _ => "。",
                    }),
                    yen: remainingTotal, parameters: Params(rs, "installments.months", "installments.unitYen", "installments.remainderTo", "installments.onlyWhileLiable"));
        }

        var response = premiums.ToResponse(rs, assessment, request.Trial ?? false, asOf);
        return (new YearReassessment(fy, kind, !barred, previousAnnual, newAnnual, newAnnual - previousAnnual, timeLimit, components,
            installments.Values.ToArray(), settlement, response, t?.Steps), null);
    }

    /// <summary>The facts that changed, member by member, as far as the previous assessment shows them.</summary>
    private static void TraceFactChanges(Trace? t, PreviousAssessment? previous, PremiumAssessment now)
    {
        if (t is null || previous?.Members is not { } before) return;
        foreach (var m in now.Members)
        {
            var was = before.FirstOrDefault(b => b.Id == m.Id);
            if (was is null)
            {
                t.Add("fact", m.Id, null, "memberAdded", $"{m.Id}: 前回の計算になかった世帯員です (被保険者の月 {m.InsuredMonths}か月)。");
                continue;
            }
            if (was.InsuredMonths is { } months && months != m.InsuredMonths)
                t.Add("fact", m.Id, null, "insuredMonths", $"{m.Id}: 被保険者の月 {months}か月 → {m.InsuredMonths}か月", value: m.InsuredMonths.ToString(CultureInfo.InvariantCulture));
            if (was.ComponentMonths is { } cm)
                foreach (var (component, after) in m.ComponentMonths)
                    if (cm.TryGetValue(component, out var b) && b != after)
                        t.Add("fact", m.Id, component, "liableMonths", $"{m.Id}: {component} の賦課月 {b}か月 → {after}か月", value: after.ToString(CultureInfo.InvariantCulture));
            if (was.AssessableIncome is { } income && income != m.AssessableIncome)
                t.Add("fact", m.Id, null, "assessableIncome", $"{m.Id}: 算定基礎所得 {Yen(income)} → {Yen(m.AssessableIncome)}", yen: m.AssessableIncome);
            if (was.IncomeDeclared is { } declared && declared != m.IncomeDeclared)
                t.Add("fact", m.Id, null, "incomeDeclared", $"{m.Id}: 所得の申告 {(declared ? "あり" : "なし")} → {(m.IncomeDeclared ? "あり" : "なし")}");
        }
        foreach (var b in before.Where(b => now.Members.All(m => m.Id != b.Id)))
            t.Add("fact", b.Id, null, "memberRemoved", $"{b.Id}: 世帯員でなくなりました。");
        if (previous.ReductionClass is { } rc && rc != now.ReductionClass)
            t.Add("fact", "household", null, "reductionClass", $"軽減区分 {rc} → {now.ReductionClass}", value: now.ReductionClass);
    }

    /// <param name="Settled">Yen settled outside the installments before (an extra bill positive, a refund negative).</param>
    private sealed record PreviousAssessment(long AnnualPremium, IReadOnlyList<InstallmentBill> Installments, long Settled,
        IReadOnlyList<PreviousComponentJson>? Components, IReadOnlyList<PreviousMember>? Members, string? ReductionClass, PreviousRuleSetJson? Ruleset);

    private sealed record PreviousMember(string Id, int? InsuredMonths, IReadOnlyDictionary<string, int>? ComponentMonths, long? AssessableIncome, bool? IncomeDeclared);

    private static PreviousAssessment? ReadPrevious(PreviousAssessmentJson? json, string path, List<FieldError> errors)
    {
        if (json is null) return null;
        var before = errors.Count;
        if (json.AnnualPremium is not { } annual || annual < 0) errors.Add(new FieldError(path + ".annualPremium", "is required and cannot be negative"));
        else if (annual > SnapshotReader.MaxYen) errors.Add(new FieldError(path + ".annualPremium", TooLarge));
        if (json.Installments is null) errors.Add(new FieldError(path + ".installments", "is required: the installments as billed"));
        var bills = new List<InstallmentBill>();
        var placeOfNumber = new Dictionary<int, int>();
        for (var i = 0; i < (json.Installments?.Count ?? 0); i++)
        {
            var b = json.Installments![i];
            var at = $"{path}.installments[{i}]";
            if (b?.Number is not { } number || number < 1) errors.Add(new FieldError(at + ".number", "is required (1 for 第1期)"));
            else if (b.DueDate is not { } due) errors.Add(new FieldError(at + ".dueDate", "is required"));
            else if (b.Amount is not { } amount || amount < 0) errors.Add(new FieldError(at + ".amount", "is required and cannot be negative"));
            else if (amount > SnapshotReader.MaxYen) errors.Add(new FieldError(at + ".amount", TooLarge));
            else if (!placeOfNumber.TryAdd(number, i)) errors.Add(new FieldError(at + ".number", $"the same installment number as {path}.installments[{placeOfNumber[number]}]: each installment is given once"));
            else bills.Add(new InstallmentBill(number, due, amount));
        }
        long settled = json.Settlement switch
        {
            null => 0,
            { Amount: > SnapshotReader.MaxYen } => Invalid(path + ".settlement.amount", TooLarge),
            { Kind: SettlementKind.AdditionalBill, Amount: >= 0 and var a } => a,
            { Kind: SettlementKind.Refund, Amount: >= 0 and var r } => -r,
            { Kind: SettlementKind.None } => 0,
            { Kind: null } => Invalid(path + ".settlement.kind", "is required: \"additionalBill\", \"refund\" or \"none\""),
            _ => Invalid(path + ".settlement.amount", "is required with an additional bill or a refund and cannot be negative"),
        };
        long Invalid(string field, string message)
        {
            errors.Add(new FieldError(field, message));
            return 0;
        }
        for (var i = 0; i < (json.Components?.Count ?? 0); i++)
            if (json.Components![i]?.Amount is < 0 or > SnapshotReader.MaxYen)
                errors.Add(new FieldError($"{path}.components[{i}].amount", $"must be between 0 and {SnapshotReader.MaxYen:N0} yen"));
        // Every amount is at most MaxYen, so these sums cannot overflow.
        if (errors.Count == before && bills.Sum(b => b.Amount) + settled != json.AnnualPremium)
            errors.Add(new FieldError(path + ".installments", "the installments and the settlement do not add up to the annual premium (annualPremium = the sum of installments[].amount, plus an additional bill or minus a refund)"));
        // Member ids reappear in the trace: they are checked like the household's (never a personal number).
        var members = json.Members is null ? null : new List<PreviousMember>(json.Members.Count);
        for (var i = 0; i < (json.Members?.Count ?? 0); i++)
        {
            if (json.Members![i] is not { } m) errors.Add(new FieldError($"{path}.members[{i}]", "must be an object"));
            else if (SnapshotReader.ReadId(m.Id, $"{path}.members[{i}]", "id", errors) is { } id)
                members!.Add(new PreviousMember(id, m.InsuredMonths, m.ComponentMonths, m.AssessableIncome, m.IncomeDeclared));
        }
        return errors.Count > before
            ? null
            : new PreviousAssessment(json.AnnualPremium!.Value, bills, settled, json.Components?.Where(c => c is not null).Select(c => c!).ToArray(), members, json.ReductionClass, json.Ruleset);
    }

    private static readonly string TooLarge = $"exceeds the largest accepted amount ({SnapshotReader.MaxYen.ToString("N0", CultureInfo.InvariantCulture)} yen)";

    private static string Prefix(string path, string field) => field.StartsWith("household", StringComparison.Ordinal) ? $"{path}.{field}" : field;

    private static AssessmentFailure Invalid(List<FieldError> errors) =>
        new(AssessmentFailureKind.InvalidRequest, errors.Count == 1 ? $"'{errors[0].Field}' {errors[0].Message}." : $"{errors.Count} fields are invalid.", errors);

    private static TraceParameter[] Params(PremiumRuleSet rs, params string?[] paths) =>
        paths.Where(p => p is not null).Select(p =>
        {
            var info = rs.ParameterTable[p!];
            return new TraceParameter(p!, info.ValueText, info.Reference, info.Confirmed);
        }).ToArray();

    private static string DescribeUnit(PremiumRuleSet rs) =>
        $"各期 {rs.Parameters.Installments.UnitYen:N0}円単位、端数は{(rs.Parameters.Installments.RemainderTo == InstallmentRemainder.First ? "最初" : "最後")}の期";

    private static string Yen(long yen) => yen.ToString("N0", CultureInfo.InvariantCulture) + "円";

    private static string Signed(long yen) => (yen >= 0 ? "+" : "−") + Yen(Math.Abs(yen));
}
