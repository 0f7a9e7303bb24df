using System.ComponentModel.DataAnnotations;
using KokuhoRules.Engine.RuleSets;
using KokuhoRules.Rules.Premium;
using KokuhoRules.Rules.Snapshots;
using NodaTime;

namespace KokuhoRules.Rules.Eligibility;

/// <summary>A request to check a prefecture's eligibility records (the body of <c>POST /v1/eligibility/checks</c>).</summary>
public sealed record EligibilityCheckRequest
{
    /// <summary>The prefecture whose rule set checks the records, e.g. <c>hyogo</c>; the cities named in the records need no rule set of their own.</summary>
    [Required]
    public string? Prefecture { get; init; }

    /// <summary>The fiscal year of the rule set (e.g. 2025); absent: the fiscal year of asOf (default today, Asia/Tokyo).</summary>
    public int? FiscalYear { get; init; }

    /// <summary>The records of every city (資格履歴), any order.</summary>
    [Required]
    public IReadOnlyList<HistoryRecordJson?>? Records { get; init; }

    /// <summary>The life events the records' dates must follow (death, 75th birthday, moves…), any order; may be empty.</summary>
    public IReadOnlyList<LifeEventJson?>? Events { get; init; }

    /// <summary>True for a trial check, the only way to use a draft rule set.</summary>
    public bool? Trial { get; init; }

    /// <summary>The rule-set version to use; absent: the published version in force on asOf (for a trial: the newest).</summary>
    public string? RulesetVersion { get; init; }

    /// <summary>The day of the check (default today): which published version is in force.</summary>
    public LocalDate? AsOf { get; init; }
}

/// <summary>One city's record of a person, as sent (see <see cref="HistoryRecord"/> for each field's meaning).</summary>
public sealed record HistoryRecordJson
{
    /// <summary>The record's id in the sender's system (unique in the request).</summary>
    public string? RecordId { get; init; }

    /// <summary>A pseudonymous key of the person; never a 個人番号 (12 digits are refused).</summary>
    public string? PersonKey { get; init; }

    /// <summary>The city applying the insurance (its id or 全国地方公共団体コード).</summary>
    public string? Insurer { get; init; }

    /// <summary>資格取得年月日.</summary>
    public LocalDate? QualifiedFrom { get; init; }

    /// <summary>資格喪失年月日 (the first day without eligibility); absent while eligible.</summary>
    public LocalDate? QualifiedUntil { get; init; }

    /// <summary>適用開始年月日.</summary>
    public LocalDate? AppliedFrom { get; init; }

    /// <summary>適用終了年月日 in the prefecture's end-date convention; absent while applied.</summary>
    public LocalDate? AppliedUntil { get; init; }

    /// <summary>取得事由 (a key of the rule set's acquisitionReasons, e.g. <c>moveIn</c>).</summary>
    public string? AcquisitionReason { get; init; }

    /// <summary>喪失事由 (a key of the rule set's lossReasons, e.g. <c>death</c>).</summary>
    public string? LossReason { get; init; }
}

/// <summary>A life event of a person, as sent.</summary>
public sealed record LifeEventJson
{
    public string? PersonKey { get; init; }

    /// <summary>A key of the rule set's eventKinds (e.g. <c>death</c>, <c>lateElderly</c> on the 75th birthday).</summary>
    public string? Kind { get; init; }

    public LocalDate? Date { get; init; }
}

/// <summary>How much a check read.</summary>
public sealed record CheckedCounts(int Persons, int Records);

/// <summary>The answer to an <see cref="EligibilityCheckRequest"/>.</summary>
/// <param name="Findings">Every finding, by rule (the order of joins.json), then by the records' order in the request.</param>
/// <param name="UnconfirmedParameters">Parameters of the rule set no source confirms: the findings depend on them.</param>
public sealed record EligibilityCheckResponse(IReadOnlyList<Finding> Findings, CheckedCounts Checked, RuleSetStamp Ruleset, IReadOnlyList<string> UnconfirmedParameters, bool Trial);

/// <summary>
/// The one way eligibility records are read and checked, by the API and the CLI alike: each record and event
/// checked field by field (errors name the field, never its value), the prefecture's rule set resolved through the
/// catalog's one gate, then <see cref="EligibilityCheck"/>.
/// </summary>
public sealed class EligibilityService(RuleSetCatalog catalog)
{
    /// <summary>Sessions run at once by a check.</summary>
    public static int Workers => Math.Max(1, Environment.ProcessorCount);

    public RuleSetCatalog Catalog { get; } = catalog;

    /// <summary>Checks a request; exactly one of the response and the failure is non-null.</summary>
    public (EligibilityCheckResponse? Response, AssessmentFailure? Failure) Check(EligibilityCheckRequest? request)
    {
        if (request is null) return (null, Invalid([new FieldError("$", "is required")]));
        var (rs, failure) = Resolve(request.Prefecture, request.FiscalYear, request.RulesetVersion, request.AsOf, request.Trial ?? false, "prefecture");
        if (failure is not null) return (null, failure);
        var errors = new List<FieldError>();
        if (request.Records is null) errors.Add(new FieldError("records", "is required (an array of records; may be empty)"));
        var records = ReadRecords(rs!, request.Records ?? [], "records", errors);
        var events = ReadEvents(rs!, request.Events ?? [], "events", errors);
        if (errors.Count > 0) return (null, Invalid(errors));
        var result = EligibilityCheck.Run(rs!, records, events, Workers);
        return (new EligibilityCheckResponse(result.Findings, new CheckedCounts(result.Persons, result.Records), rs!.Stamp, rs.UnconfirmedParameters, request.Trial ?? false), null);
    }

    /// <summary>The prefecture's rule set for a call, or the refusal (the field at fault named).</summary>
    public (EligibilityRuleSet? RuleSet, AssessmentFailure? Failure) Resolve(string? prefecture, int? fiscalYear, string? version, LocalDate? asOf, bool trial, string prefectureField)
    {
        var errors = new List<FieldError>();
        if (string.IsNullOrWhiteSpace(prefecture)) errors.Add(new FieldError(prefectureField, "is required (e.g. \"hyogo\")"));
        if (asOf is { } a) SnapshotReader.DateInRange(a, "asOf", errors);
        if (version is { } v && (v.Length is 0 or > 40 || !v.All(c => char.IsAsciiLetterOrDigit(c) || c is '.' or '-')))
            errors.Add(new FieldError("rulesetVersion", "must be a version such as \"2025.1\" (letters, digits, '.' and '-')"));
        if (errors.Count > 0) return (null, Invalid(errors));
        var year = fiscalYear ?? Calendar.FiscalYear.Of(asOf ?? Catalog.Today).Year;
        var (rs, refusal) = Catalog.Resolve<EligibilityRuleSet>(prefecture!, year, version, asOf, trial);
        if (refusal is null) return (rs, null);
        return (null, AssessmentFailure.From(refusal.Field == "insurer" ? refusal with { Field = prefectureField } : refusal));
    }

    /// <summary>The records, each checked at <c>path[i].field</c>; record ids must be unique.</summary>
    public static List<HistoryRecord> ReadRecords(EligibilityRuleSet rs, IReadOnlyList<HistoryRecordJson?> records, string path, List<FieldError> errors)
    {
        var read = new List<HistoryRecord>(records.Count);
        var ids = new HashSet<string>(StringComparer.Ordinal);
        for (var i = 0; i < records.Count; i++)
            if (ReadRecord(rs, records[i], $"{path}[{i}]", errors) is { } r)
            {
                if (!ids.Add(r.RecordId)) errors.Add(new FieldError($"{path}[{i}].recordId", "is the id of an earlier record: each record needs its own id"));
                else read.Add(r);
            }
        return read;
    }

    /// <summary>One record checked field by field at <paramref name="path"/>; null after adding its errors.</summary>
    public static HistoryRecord? ReadRecord(EligibilityRuleSet rs, HistoryRecordJson? json, string path, List<FieldError> errors)
    {
        if (json is null)
        {
            errors.Add(new FieldError(path, "is required (a record object)"));
            return null;
        }
        var before = errors.Count;
        var id = SnapshotReader.ReadId(json.RecordId, path, "recordId", errors);
        var person = SnapshotReader.ReadId(json.PersonKey, path, "personKey", errors);
        var insurer = SnapshotReader.ReadId(json.Insurer, path, "insurer", errors);
        // Paths are rendered only for an error: a file check reads millions of records.
        DateInRange(json.QualifiedFrom, path, "qualifiedFrom", errors);
        DateInRange(json.QualifiedUntil, path, "qualifiedUntil", errors);
        DateInRange(json.AppliedFrom, path, "appliedFrom", errors);
        DateInRange(json.AppliedUntil, path, "appliedUntil", errors);
        if (json.AppliedFrom is null) errors.Add(new FieldError($"{path}.appliedFrom", "is required (適用開始年月日)"));
        var convention = rs.Parameters.Continuity.EndDateConvention;
        if (json is { AppliedFrom: { } from, AppliedUntil: { } until } && EligibilityDates.EndExclusive(until, convention) <= from)
            errors.Add(new FieldError($"{path}.appliedUntil", $"must not be before appliedFrom (in the {Camel(convention)} convention of continuity.endDateConvention)"));
        if (json is { QualifiedFrom: { } qf, QualifiedUntil: { } qu } && qu <= qf)
            errors.Add(new FieldError($"{path}.qualifiedUntil", "must be after qualifiedFrom (資格喪失年月日 is the first day without eligibility)"));
        Key(json.AcquisitionReason, rs.Parameters.AcquisitionReasons, path, "acquisitionReason", "an acquisition reason (acquisitionReasons)", errors);
        Key(json.LossReason, rs.Parameters.LossReasons, path, "lossReason", "a loss reason (lossReasons)", errors);
        if (errors.Count > before) return null;
        return new HistoryRecord(id!, person!, insurer!, json.QualifiedFrom, json.QualifiedUntil, json.AppliedFrom!.Value, json.AppliedUntil, json.AcquisitionReason, json.LossReason);
    }

    /// <summary>The events, each checked at <c>path[i].field</c>.</summary>
    public static List<LifeEvent> ReadEvents(EligibilityRuleSet rs, IReadOnlyList<LifeEventJson?> events, string path, List<FieldError> errors)
    {
        var read = new List<LifeEvent>(events.Count);
        for (var i = 0; i < events.Count; i++)
            if (ReadEvent(rs, events[i], $"{path}[{i}]", errors) is { } e) read.Add(e);
        return read;
    }

    /// <summary>One event checked at <paramref name="path"/>; null after adding its errors.</summary>
    public static LifeEvent? ReadEvent(EligibilityRuleSet rs, LifeEventJson? json, string path, List<FieldError> errors)
    {
        if (json is null)
        {
            errors.Add(new FieldError(path, "is required (an event object)"));
            return null;
        }
        var before = errors.Count;
        var person = SnapshotReader.ReadId(json.PersonKey, path, "personKey", errors);
        if (json.Kind is null) errors.Add(new FieldError($"{path}.kind", "is required (a key of eventKinds, e.g. \"death\")"));
        else Key(json.Kind, rs.Parameters.EventKinds, path, "kind", "an event kind (eventKinds)", errors);
        if (json.Date is null) errors.Add(new FieldError($"{path}.date", "is required"));
        else DateInRange(json.Date, path, "date", errors);
        return errors.Count > before ? null : new LifeEvent(person!, json.Kind!, json.Date!.Value);
    }

    private static void Key(string? key, IReadOnlyDictionary<string, NamedKey> keys, string path, string field, string what, List<FieldError> errors)
    {
        if (key is not null && !keys.ContainsKey(key))
            errors.Add(new FieldError($"{path}.{field}", $"is not {what} of the rule set: one of {string.Join(", ", keys.Keys)}"));
    }

    private static void DateInRange(LocalDate? date, string path, string field, List<FieldError> errors)
    {
        if (date is { } d) SnapshotFields.InRange(d, path, field, errors);
    }

    private static string Camel(EndDateConvention c) => System.Text.Json.JsonNamingPolicy.CamelCase.ConvertName(c.ToString());

    private static AssessmentFailure Invalid(List<FieldError> errors) =>
        new(AssessmentFailureKind.InvalidRequest, errors.Count == 1 ? $"'{errors[0].Field}' {errors[0].Message}." : $"{errors.Count} fields are invalid.", errors);
}
