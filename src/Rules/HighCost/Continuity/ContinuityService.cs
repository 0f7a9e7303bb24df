using System.ComponentModel.DataAnnotations;
using KokuhoRules.Engine.RuleSets;
using KokuhoRules.Engine.Tracing;
using KokuhoRules.Rules.Premium;
using KokuhoRules.Rules.Snapshots;
using NodaTime;
using NodaTime.Text;

namespace KokuhoRules.Rules.HighCost.Continuity;

/// <summary>The body of <c>POST /v1/high-cost/continuity</c>: one household's move within the prefecture, judged under the prefecture's rule set.</summary>
public sealed record ContinuityRequest
{
    /// <summary>The prefecture whose rule set judges the move, e.g. <c>hyogo</c>; the cities of the move need no rule set of their own.</summary>
    [Required]
    public string? Prefecture { get; init; }

    /// <summary>The rule set's fiscal year; absent: the fiscal year of moveDate.</summary>
    public int? FiscalYear { get; init; }

    /// <summary>The day of the move (転入日): its care month is the last carried.</summary>
    [Required]
    public LocalDate? MoveDate { get; init; }

    /// <summary>The household as the move-out city (転出地) records it; the city must be one of the prefecture's.</summary>
    [Required]
    public MoveSideJson? MoveOut { get; init; }

    /// <summary>The household as the move-in city (転入地) records it (another prefecture: give its <c>prefecture</c>).</summary>
    [Required]
    public MoveSideJson? MoveIn { get; init; }

    /// <summary>The events of the members of either household around the move (births, deaths, other insurance, households left or joined); may be empty.</summary>
    public IReadOnlyList<PersonEventJson?>? Events { get; init; }

    /// <summary>The move-out city's high-cost history of the household (benefit months); may be empty.</summary>
    public IReadOnlyList<BenefitMonthJson?>? History { get; init; }

    /// <summary>True for a trial, the only way to use a draft rule set.</summary>
    public bool? Trial { get; init; }

    /// <summary>The rule-set version; absent: the published version in force on asOf (for a trial: the newest).</summary>
    public string? RulesetVersion { get; init; }

    /// <summary>The day of the call (default today): which published version is in force.</summary>
    public LocalDate? AsOf { get; init; }
}

/// <summary>
/// The answer: whether the household is continuous (the 多数回 count carries), the criterion that decided it with its
/// rule, reference and whether a source confirms it, the facts the rule joined, the history months the move-in city
/// takes over (none unless continuous; from 2018-04 and within the reach of a 多数回 window), and the trace.
/// </summary>
public sealed record ContinuityResponse(bool Continuous, string Criterion, string Rule, string Reference, bool Confirmed, IReadOnlyList<JoinedFact> Facts,
    IReadOnlyList<BenefitMonth> CarriedHistory, RuleSetStamp Ruleset, IReadOnlyList<string> UnconfirmedParameters, bool Trial, IReadOnlyList<TraceStep>? Trace);

/// <summary>
/// The one way a single move is judged, by the API: the request read field by field (errors name the field, never
/// its value), the prefecture's rule set resolved through the catalog's one gate, then <see cref="ContinuityJudgement"/>
/// and <see cref="ContinuityCarry"/>.
/// </summary>
public sealed class ContinuityService(RuleSetCatalog catalog)
{
    public RuleSetCatalog Catalog { get; } = catalog;

    /// <summary>Judges a request; exactly one of the response and the failure is non-null.</summary>
    public (ContinuityResponse? Response, AssessmentFailure? Failure) Judge(ContinuityRequest? request, bool trace = true)
    {
        if (request is null) return (null, Invalid([new FieldError("$", "is required")]));
        var errors = new List<FieldError>();
        if (request.MoveDate is not { } moveDate) errors.Add(new FieldError("moveDate", "is required (転入日)"));
        else SnapshotReader.DateInRange(moveDate, "moveDate", errors);
        if (errors.Count > 0) return (null, Invalid(errors));
        var (rs, failure) = Resolve(request.Prefecture, request.FiscalYear ?? Calendar.FiscalYear.Of(request.MoveDate!.Value).Year, request.RulesetVersion, request.AsOf, request.Trial ?? false);
        if (failure is not null) return (null, failure);
        var settings = ContinuitySettings.From(rs!);
        var c = ReadCase(request, settings, errors);
        var history = new List<BenefitMonth>();
        var months = request.History ?? [];
        if (months.Count > ContinuityReader.MaxHistory) errors.Add(new FieldError("history", $"at most {ContinuityReader.MaxHistory} months are accepted"));
        else if (c is not null)
            for (var i = 0; i < months.Count; i++)
                if (ContinuityReader.ReadHistoryMonth(months[i], $"history[{i}]", c.MoveOut.Insurer, settings.ResolveCity, errors) is { } m) history.Add(m);
        if (errors.Count > 0) return (null, Invalid(errors));

        var (decisions, result) = ContinuityJudgement.DecideWithResult(settings.Rules, [c!], workers: 1);
        var d = decisions[0];
        var carried = ContinuityCarry.Carried(d.Continuous, c!.MoveDate, history, c.MoveOut.Insurer, settings.CarriedFrom, settings.WindowMonths);
        Trace? t = null;
        if (trace)
        {
            t = new Trace();
            ContinuityTrace.Explain(t, rs!, c, d, result, carried.Count);
        }
        return (new ContinuityResponse(d.Continuous, d.Criterion, d.Rule, d.Reference, d.Confirmed, d.Facts, carried, rs!.Stamp, rs.UnconfirmedParameters,
            request.Trial ?? false, t?.Steps), null);
    }

    /// <summary>The prefecture's rule set for a call (a city of it resolves to it too), or the refusal naming the field.</summary>
    public (HighCostRuleSet? RuleSet, AssessmentFailure? Failure) Resolve(string? prefecture, int fiscalYear, string? version, LocalDate? asOf, bool trial, string prefectureField = "prefecture")
    {
        var errors = new List<FieldError>();
        if (string.IsNullOrWhiteSpace(prefecture)) errors.Add(new FieldError(prefectureField, "is required (e.g. \"hyogo\")"));
        if (asOf is { } a) SnapshotReader.DateInRange(a, "asOf", errors);
        if (version is { } v && (v.Length is 0 or > 40 || !v.All(ch => char.IsAsciiLetterOrDigit(ch) || ch is '.' or '-')))
            errors.Add(new FieldError("rulesetVersion", "must be a version such as \"2025.1\" (letters, digits, '.' and '-')"));
        if (errors.Count > 0) return (null, Invalid(errors));
        var insurer = Catalog.ServingInsurer(HighCostRuleSetCompiler.CapabilityName, prefecture!) ?? prefecture!;
        var (rs, refusal) = Catalog.Resolve<HighCostRuleSet>(insurer, fiscalYear, version, asOf, trial);
        if (refusal is null)
        {
            if (rs!.ContinuityRules is null)
                return (null, new AssessmentFailure(AssessmentFailureKind.UnknownRuleSet, $"The rule set {rs.Insurer.Id}/{rs.FiscalYear} has no continuity rules (joins.json).",
                    [new FieldError(prefectureField, "its rule set has no continuity rules")]));
            return (rs, null);
        }
        return (null, AssessmentFailure.From(refusal.Field == "insurer" ? refusal with { Field = prefectureField } : refusal));
    }

    private static ContinuityCase? ReadCase(ContinuityRequest request, ContinuitySettings settings, List<FieldError> errors)
    {
        var before = errors.Count;
        var moveOut = ReadSide(request.MoveOut, "moveOut", settings, errors);
        var moveIn = ReadSide(request.MoveIn, "moveIn", settings, errors);
        if (moveOut is not null && moveOut.Prefecture != settings.Prefecture)
            errors.Add(new FieldError("moveOut.prefecture", "must be the prefecture of the call: the federation judges the moves out of its own cities"));
        if (moveOut is not null && moveIn is not null)
        {
            if (moveIn.Prefecture == moveOut.Prefecture && moveIn.Insurer == moveOut.Insurer)
                errors.Add(new FieldError("moveIn.insurer", "is the move-out city: a move within one city changes no insurer (nothing to carry)"));
            if (!moveIn.MemberKeys.Intersect(moveOut.MemberKeys, StringComparer.Ordinal).Any())
                errors.Add(new FieldError("moveIn.household.members", "share no person key with the move-out household: not a candidate household (継続候補世帯)"));
        }
        var events = new List<PersonEvent>();
        var given = request.Events ?? [];
        if (given.Count > ContinuityReader.MaxEvents) errors.Add(new FieldError("events", $"at most {ContinuityReader.MaxEvents} events are accepted"));
        else
            for (var i = 0; i < given.Count; i++)
            {
                if (ContinuityReader.ReadEvent(given[i], $"events[{i}]", errors) is not { } e) continue;
                if (moveOut is not null && moveIn is not null && !moveOut.MemberKeys.Contains(e.PersonKey) && !moveIn.MemberKeys.Contains(e.PersonKey))
                    errors.Add(new FieldError($"events[{i}].personKey", "is not a member of either household"));
                else events.Add(e);
            }
        if (errors.Count > before) return null;
        return new ContinuityCase(ContinuityCandidates.CaseId(moveOut!, moveIn!), request.MoveDate!.Value, moveOut!, moveIn!, events);
    }

    private static MoveHousehold? ReadSide(MoveSideJson? side, string path, ContinuitySettings settings, List<FieldError> errors)
    {
        if (side is null)
        {
            errors.Add(new FieldError(path, "is required ({ \"insurer\", \"household\" })"));
            return null;
        }
        var before = errors.Count;
        var prefecture = ContinuityReader.ReadPrefecture(side.Prefecture, settings.Prefecture, $"{path}.prefecture", errors);
        var insurer = ContinuityReader.ReadInsurer(side.Insurer, prefecture == settings.Prefecture, settings.ResolveCity, $"{path}.insurer", errors);
        var household = ContinuityReader.ReadHousehold(side.Household, insurer ?? "", prefecture ?? "", $"{path}.household", errors);
        return errors.Count > before ? null : household;
    }

    private static AssessmentFailure Invalid(List<FieldError> errors) =>
        new(AssessmentFailureKind.InvalidRequest, errors.Count == 1 ? $"'{errors[0].Field}' {errors[0].Message}." : $"{errors.Count} fields are invalid.", errors);
}

/// <summary>The trace of a judgement: the two households (ids and sizes only), every rule that fired with its facts and reference, the deciding criterion and the months carried.</summary>
public static class ContinuityTrace
{
    public static void Explain(Trace trace, HighCostRuleSet rs, ContinuityCase c, ContinuityDecision d, Engine.Joins.JoinResult result, int carried)
    {
        foreach (var (side, h) in new[] { ("転出世帯", c.MoveOut), ("転入世帯", c.MoveIn) })
            trace.Add("fact", "household", null, side == "転出世帯" ? "moveOutHousehold" : "moveInHousehold",
                $"{side}: {(h.Insurer.Length > 0 ? h.Insurer : h.Prefecture)} 世帯 {(h.HouseholdId.Length > 0 ? h.HouseholdId : "(県外)")}、世帯主 {(h.HeadKey.Length > 0 ? h.HeadKey : "-")}、{h.MemberKeys.Count}人");
        result.AppendTo(trace, _ => "household");
        var parameters = new List<string?> { "manyTimes.carriedAcrossInsurersFrom", "manyTimes.windowMonths" };
        if (d.Criterion == "headChangeWithinHousehold") parameters.Add("continuity.headChangeWithinHouseholdContinues");
        if (d.Criterion == "splitOrMergeSameHead") parameters.Add("continuity.splitWithSameHeadContinues");
        trace.Add("decision", "household", null, "continuity",
            $"世帯の継続性: {(d.Continuous ? "あり (多数回該当の回数を通算)" : "なし (回数を引き継がない)")} — 判定基準 {d.Criterion}「{d.Rule}」; 引き継ぐ高額該当月 {carried}月",
            value: d.Continuous ? "continuous" : "notContinuous", parameters: TraceParameter.Of(rs.ParameterTable, parameters.ToArray()));
    }
}
