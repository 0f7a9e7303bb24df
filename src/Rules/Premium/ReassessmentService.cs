using System.Globalization;
using KokuhoRules.Engine.RuleSets;
using KokuhoRules.Engine.Tracing;
using KokuhoRules.Rules.Calendar;
using KokuhoRules.Rules.Snapshots;
using NodaTime;

namespace KokuhoRules.Rules.Premium;

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
        if (request is null) return (null, AssessmentFailure.EmptyBody);
        var errors = CheckRequest(request);
        var asOf = request.AsOf ?? clock.GetCurrentInstant().InZone(Japan).Date;
        if (errors.Count > 0) return (null, Invalid(errors));

        // CheckRequest refused a request without these.
        var effective = request.Change!.EffectiveDate!.Value;
        var years = request.Years!;
        if (effective > asOf) return (null, Invalid([new FieldError("change.effectiveDate", "the change takes effect after the processing day (asOf): a change is processed on or after the day it takes effect")]));
        errors = CheckYears(years, FiscalYear.Of(effective).Year, FiscalYear.Of(asOf).Year);
        if (errors.Count > 0) return (null, Invalid(errors));

        var results = new List<YearReassessment>();
        for (var i = 0; i < years.Count; i++)
        {
            var (result, failure) = ReassessYear(request, years[i]!, $"years[{i}]", effective, asOf, trace);
            if (failure is not null) return (null, failure);
            results.Add(result!);
        }
        return (new ReassessmentResponse(request.Insurer!, asOf, effective, request.Trial ?? false, results.OrderBy(r => r.FiscalYear).ToArray()), null);
    }

    /// <summary>The errors of the request's own fields (insurer, change, asOf, years), in that order; none when it may be reassessed.</summary>
    private static List<FieldError> CheckRequest(ReassessmentRequest request)
    {
        var errors = new List<FieldError>();
        if (string.IsNullOrWhiteSpace(request.Insurer)) errors.Add(new FieldError("insurer", "is required (e.g. \"amagasaki\")"));
        var effective = request.Change?.EffectiveDate;
        if (effective is null) errors.Add(new FieldError("change.effectiveDate", "is required: the day the change takes effect"));
        else SnapshotReader.DateInRange(effective.Value, "change.effectiveDate", errors);
        if (request.AsOf is not null) SnapshotReader.DateInRange(request.AsOf.Value, "asOf", errors);
        if (request.Change?.Description is { Length: > 200 }) errors.Add(new FieldError("change.description", "at most 200 characters"));
        if (request.Years is null || request.Years.Count == 0) errors.Add(new FieldError("years", "at least one fiscal year is required"));
        return errors;
    }

    /// <summary>
    /// The errors of the years given: each year once, none before <paramref name="firstYear"/> (the change's) or after
    /// <paramref name="lastYear"/> (the processing day's), and the change's own year among them.
    /// </summary>
    private static List<FieldError> CheckYears(IReadOnlyList<ReassessmentYearJson?> years, int firstYear, int lastYear)
    {
        var errors = new List<FieldError>();
        var given = new Dictionary<int, int>();
        for (var i = 0; i < years.Count; i++)
        {
            var fiscalYear = years[i]?.FiscalYear;
            if (fiscalYear is null)
            {
                errors.Add(new FieldError($"years[{i}].fiscalYear", "is required"));
                continue;
            }
            var fy = fiscalYear.Value;
            if (!given.TryAdd(fy, i)) errors.Add(new FieldError($"years[{i}].fiscalYear", $"the same fiscal year as years[{given[fy]}]: each year is given once"));
            if (fy < firstYear) errors.Add(new FieldError($"years[{i}].fiscalYear", "is before the fiscal year the change takes effect in (change.effectiveDate): that year is not affected"));
            if (fy > lastYear) errors.Add(new FieldError($"years[{i}].fiscalYear", "has not started on the processing day (asOf)"));
        }
        if (!given.ContainsKey(firstYear) && errors.Count == 0)
            errors.Add(new FieldError("years", "the fiscal year the change takes effect in (the one from 1 April to 31 March that holds change.effectiveDate) must be included, with its household and previous assessment (and every later year the change affects)"));
        return errors;
    }

    /// <summary>Reassesses one year with the rule-set version in force on the processing day <paramref name="asOf"/> (a trial: the newest).</summary>
    private (YearReassessment?, AssessmentFailure?) ReassessYear(ReassessmentRequest request, ReassessmentYearJson year, string path, LocalDate effective, LocalDate asOf, bool trace)
    {
        var fy = year.FiscalYear!.Value;
        var errors = new List<FieldError>();
        var previous = PreviousAssessmentReader.Read(year.Previous, path + ".previous", errors);
        if (errors.Count > 0) return (null, Invalid(errors));

        var (found, evaluated, failure) = premiums.Evaluate(new AssessmentRequest { Insurer = request.Insurer, FiscalYear = fy, Household = year.Household, Trial = request.Trial, AsOf = asOf }, trace);
        if (failure is not null) return (null, failure with { Errors = failure.Errors.Select(e => e with { Field = Prefix(path, e.Field) }).ToArray() });
        var rs = found!;
        var assessment = evaluated!;
        var t = trace ? new Trace() : null;
        var fiscalYear = new FiscalYear(fy);
        var kind = asOf > fiscalYear.End ? "pastYear" : "currentYear";
        TraceChange(t, request.Change!, fiscalYear, kind, effective, asOf, previous, rs);
        TraceFactChanges(t, previous, assessment);

        // 国保法110条の2.
        var previousAnnual = previous?.AnnualPremium ?? 0;
        var limits = rs.Parameters.AssessmentTimeLimit;
        var check = new AssessmentTimeLimit(limits.Years, limits.ReductionExceptionYears).Check(fy, InstallmentSchedule.FirstDueDate(rs), assessment.JudgementDate,
            previousAnnual, assessment.AnnualPremium, request.Change!.ReductionNotCausedByInsured == true, asOf);
        var timeLimit = check.Limit;
        var barred = timeLimit.TimeBarred;
        t?.Add(barred ? "note" : "fact", "household", null, "timeLimit", timeLimit.Reason, value: barred ? "timeBarred" : "open",
            parameters: Params(rs, "assessmentTimeLimit.years", check.ReductionException ? "assessmentTimeLimit.reductionExceptionYears" : null));

        var newAnnual = barred ? previousAnnual : assessment.AnnualPremium;
        var components = assessment.Components.Select(c =>
        {
            var before = previous?.Components?.FirstOrDefault(p => p?.Name == c.Name)?.Amount;
            return new ComponentChange(c.Name, c.Label, before, c.Amount, before is null ? null : c.Amount - before);
        }).ToArray();
        TraceComponentChanges(t, components);

        var respread = InstallmentRespread.Of(rs, assessment, previous, newAnnual, barred, asOf);
        TraceRespread(t, rs, barred, previousAnnual, newAnnual, respread);

        var response = premiums.ToResponse(rs, assessment, request.Trial ?? false, asOf);
        return (new YearReassessment(fy, kind, !barred, previousAnnual, newAnnual, newAnnual - previousAnnual, timeLimit, components,
            respread.Installments, respread.Settlement, response, t?.Steps), null);
    }

    /// <summary>What changed, from when, and under which rule set against the previous one.</summary>
    private static void TraceChange(Trace? t, ChangeJson change, FiscalYear fiscalYear, string kind, LocalDate effective, LocalDate asOf, PreviousAssessment? previous, PremiumRuleSet rs)
    {
        t?.Add("fact", "household", null, "change",
            $"{fiscalYear.Year}年度{(kind == "pastYear" ? " (過年度)" : "")}の保険料を更正します。変更: {change.Description ?? "(説明なし)"}、{effective:uuuu-MM-dd} から"
            + (fiscalYear.Contains(effective) ? $" ({effective:uuuu-MM} 分から)" : " (この年度の全体に及ぶ)") + $"。処理日 {asOf:uuuu-MM-dd}。",
            value: effective.ToString("uuuu-MM-dd", CultureInfo.InvariantCulture));
        if (previous?.Ruleset?.Version is { } previousVersion && previousVersion != rs.Version)
            t?.Add("note", "household", null, "rulesetVersion", $"前回は ルールセット {previousVersion} で計算されています。今回は {rs.Version} で計算します。");
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

    private static void TraceComponentChanges(Trace? t, ComponentChange[] components)
    {
        if (t is null) return;
        foreach (var c in components)
            t.Add("calculation", "household", c.Name, "componentChange",
                c.PreviousAmount is null ? $"{c.Label}: {Yen(c.Amount)}" : $"{c.Label}: {Yen(c.PreviousAmount.Value)} → {Yen(c.Amount)} ({Signed(c.Difference!.Value)})",
                yen: c.Amount);
    }

    /// <summary>The annual difference and, unless time-barred, how the installments take it.</summary>
    private static void TraceRespread(Trace? t, PremiumRuleSet rs, bool barred, long previousAnnual, long newAnnual, InstallmentRespread r)
    {
        if (t is null) return;
        t.Add("calculation", "household", null, "difference",
            barred ? $"期間制限のため年間保険料は {Yen(previousAnnual)} のまま変更しません。"
                   : $"年間保険料 {Yen(previousAnnual)} → {Yen(newAnnual)} ({Signed(newAnnual - previousAnnual)})。",
            yen: newAnnual - previousAnnual);
        if (!barred)
            t.Add("calculation", "household", null, "installments",
                $"処理日までに納期が到来した {r.FixedBills.Length} 期 (計 {Yen(r.FixedTotal)}) はそのままとし、残り {Yen(Math.Max(0, r.RemainingTotal))} を {r.Spread.Count} 期に割り振ります"
                + (r.Spread.Count > 0 ? $" ({string.Join("、", r.Spread.Select(b => $"第{b.Number}期 {Yen(b.Amount)}"))}; {DescribeUnit(rs)})" : "")
                + (r.Settlement.Kind switch
                {
                    SettlementKind.Refund => $"。納付済み・納期到来分が {Yen(r.Settlement.Amount)} 多いため還付します。",
                    SettlementKind.AdditionalBill => $"。割り振る期が残っていないため {Yen(r.Settlement.Amount)} を追加で請求します。",
                    _ => "。",
                }),
                yen: r.RemainingTotal, parameters: Params(rs, "installments.months", "installments.unitYen", "installments.remainderTo", "installments.onlyWhileLiable"));
    }

    private static string Prefix(string path, string field) => field.StartsWith("household", StringComparison.Ordinal) ? $"{path}.{field}" : field;

    private static AssessmentFailure Invalid(List<FieldError> errors) => AssessmentFailure.Invalid(errors);

    private static TraceParameter[] Params(PremiumRuleSet rs, params string?[] paths) =>
        TraceParameter.Of(rs.ParameterTable, paths);

    private static string DescribeUnit(PremiumRuleSet rs) =>
        $"各期 {rs.Parameters.Installments.UnitYen:N0}円単位、端数は{(rs.Parameters.Installments.RemainderTo == InstallmentRemainder.First ? "最初" : "最後")}の期";

    private static string Yen(long yen) => yen.ToString("N0", CultureInfo.InvariantCulture) + "円";

    private static string Signed(long yen) => (yen >= 0 ? "+" : "−") + Yen(Math.Abs(yen));
}
