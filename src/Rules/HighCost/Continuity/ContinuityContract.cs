using System.ComponentModel.DataAnnotations;
using KokuhoRules.Rules.Snapshots;
using NodaTime;

namespace KokuhoRules.Rules.HighCost.Continuity;

/// <summary>One side of a move as sent: the city and the household as it records it (the household contract; member ids are the pseudonymous person keys both sides share).</summary>
public sealed record MoveSideJson
{
    /// <summary>The city: its id (<c>nishinomiya</c>), its name (西宮市) or its 全国地方公共団体コード (282049), one of the prefecture's <c>continuity.municipalities</c> — unless <c>prefecture</c> names another prefecture.</summary>
    [Required]
    public string? Insurer { get; init; }

    /// <summary>The prefecture the city belongs to; absent: the prefecture of the call. Another prefecture: the count resets.</summary>
    public string? Prefecture { get; init; }

    /// <summary>The household as the city records it.</summary>
    [Required]
    public HouseholdJson? Household { get; init; }
}

/// <summary>An event of a person around the move, as sent.</summary>
public sealed record PersonEventJson
{
    /// <summary>The person (a member id of either household); never a 個人番号.</summary>
    [Required]
    public string? PersonKey { get; init; }

    /// <summary>One of: moved, born, died, leftOtherInsurance, joinedOtherInsurance, leftHousehold, joinedHousehold.</summary>
    [Required]
    public string? Kind { get; init; }

    [Required]
    public LocalDate? Date { get; init; }
}

/// <summary>
/// The readers of the continuity inputs, shared by the API and the batch: each field checked, each error naming the
/// field and never repeating its value.
/// </summary>
public static class ContinuityReader
{
    /// <summary>The events a call may give at most.</summary>
    public const int MaxEvents = 200;

    /// <summary>The history months a call may give at most.</summary>
    public const int MaxHistory = 240;

    /// <summary>A household through the household contract, reduced to what continuity reads; null after adding its errors.</summary>
    public static MoveHousehold? ReadHousehold(HouseholdJson? json, string insurer, string prefecture, string path, List<FieldError> errors)
    {
        var snapshot = SnapshotReader.Read(json, path, errors);
        return snapshot is null ? null : new MoveHousehold(insurer, prefecture, snapshot.Id, snapshot.HeadId, snapshot.Members.Select(m => m.Id).ToArray());
    }

    /// <summary>
    /// The city of a side: the canonical id of one of the prefecture's municipalities (by id, name or code), or, for a
    /// side in another prefecture, the insurer as given (checked as an id). Null after adding the error.
    /// </summary>
    public static string? ReadInsurer(string? insurer, bool inPrefecture, Func<string, string?> resolve, string field, List<FieldError> errors)
    {
        if (string.IsNullOrWhiteSpace(insurer))
        {
            errors.Add(new FieldError(field, "is required (the city's id, name or 全国地方公共団体コード)"));
            return null;
        }
        if (!inPrefecture) return SnapshotReader.SafeId(insurer) ?? Refuse(field, "must be an id (letters, digits, '-', '_', '.'; at most 64)", errors);
        return resolve(insurer) ?? Refuse(field, "is not a municipality of the prefecture (continuity.municipalities: its id, name or 全国地方公共団体コード)", errors);
    }

    /// <summary>A prefecture id as given for a side: absent means <paramref name="callPrefecture"/>.</summary>
    public static string? ReadPrefecture(string? prefecture, string callPrefecture, string field, List<FieldError> errors)
    {
        if (prefecture is null) return callPrefecture;
        return SnapshotReader.SafeId(prefecture) is { } id ? id.ToLowerInvariant() : Refuse(field, "must be a prefecture id such as \"hyogo\"", errors);
    }

    /// <summary>One event; null after adding its errors.</summary>
    public static PersonEvent? ReadEvent(PersonEventJson? json, string path, List<FieldError> errors)
    {
        if (json is null)
        {
            errors.Add(new FieldError(path, "is required (an event object)"));
            return null;
        }
        var before = errors.Count;
        var person = SnapshotReader.ReadId(json.PersonKey, path, "personKey", errors);
        if (json.Kind is null) errors.Add(new FieldError($"{path}.kind", $"is required (one of {string.Join(", ", ContinuityEventKinds.All)})"));
        else if (!ContinuityEventKinds.All.Contains(json.Kind)) errors.Add(new FieldError($"{path}.kind", $"is not an event kind: one of {string.Join(", ", ContinuityEventKinds.All)}"));
        if (json.Date is null) errors.Add(new FieldError($"{path}.date", "is required"));
        else SnapshotReader.DateInRange(json.Date.Value, $"{path}.date", errors);
        return errors.Count > before ? null : new PersonEvent(person!, json.Kind!, json.Date!.Value);
    }

    /// <summary>
    /// One month of the move-out city's history (the history entry of <c>POST /v1/high-cost/benefits</c>); its
    /// <c>insurer</c>, when given, must be the move-out city. Null after adding its errors.
    /// </summary>
    public static BenefitMonth? ReadHistoryMonth(BenefitMonthJson? json, string path, string moveOutCity, Func<string, string?> resolve, List<FieldError> errors)
    {
        if (json is null)
        {
            errors.Add(new FieldError(path, "is required (a history month object)"));
            return null;
        }
        var before = errors.Count;
        if (json.CareMonth is not { } month) errors.Add(new FieldError($"{path}.careMonth", "is required (YYYY-MM)"));
        else SnapshotReader.DateInRange(month.OnDayOfMonth(1), $"{path}.careMonth", errors);
        var paid = SnapshotFields.Amount(json.BenefitPaid, LazyPath.Root(path), "benefitPaid", "is required: the benefit paid or applied at the window that month (yen; 0 for none)", errors);
        if (json.Insurer is { } insurer && resolve(insurer) != moveOutCity)
            errors.Add(new FieldError($"{path}.insurer", "must be the move-out city (the history is its 高額該当情報), or be left out"));
        return errors.Count > before ? null : new BenefitMonth(json.CareMonth!.Value, paid, json.OutpatientOnly ?? false);
    }

    private static string? Refuse(string field, string message, List<FieldError> errors)
    {
        errors.Add(new FieldError(field, message));
        return null;
    }
}
