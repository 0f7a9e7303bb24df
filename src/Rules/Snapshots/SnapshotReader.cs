using NodaTime;

namespace KokuhoRules.Rules.Snapshots;

/// <summary>
/// Turns the household JSON into a <see cref="HouseholdSnapshot"/>, checking everything a calculation
/// relies on and naming each bad field. The checks are the same for the API and the batch. A message
/// says what is wrong with the field; it never repeats a person's dates or amounts (ids may appear).
/// </summary>
public static class SnapshotReader
{
    /// <summary>The largest amount of yen accepted for any amount field (one hundred billion).</summary>
    public const long MaxYen = SnapshotFields.MaxYen;

    public const int MaxMembers = 40;
    public const int MaxCoveragePeriods = 24;
    public const int MaxChildbirths = PremiumMemberFactsReader.MaxChildbirths;
    public const int MaxIdLength = 64;

    /// <summary>The earliest date accepted in any date field of a request (docs/security.md).</summary>
    public static readonly LocalDate EarliestDate = SnapshotFields.EarliestDate;

    /// <summary>The latest date accepted in any date field of a request.</summary>
    public static readonly LocalDate LatestDate = SnapshotFields.LatestDate;

    /// <summary>Reads a household. Returns null when <paramref name="errors"/> holds at least one error.</summary>
    public static HouseholdSnapshot? Read(HouseholdJson? json, string path, List<FieldError> errors)
    {
        var before = errors.Count;
        if (json is null)
        {
            errors.Add(new FieldError(path, "is required"));
            return null;
        }
        var id = ReadId(json.Id, path, "id", errors);
        var headId = ReadId(json.HeadId, path, "headId", errors);
        var members = new List<MemberSnapshot>(json.Members?.Count ?? 0);
        if (json.Members is null || json.Members.Count == 0)
            errors.Add(new FieldError(path + ".members", "at least one member (the head) is required"));
        else if (json.Members.Count > MaxMembers)
            errors.Add(new FieldError(path + ".members", $"at most {MaxMembers} members are accepted"));
        else
        {
            var headFound = false;
            for (var i = 0; i < json.Members.Count; i++)
            {
                var member = ReadMember(json.Members[i], path, i, errors);
                if (member is null) continue;
                // Messages name fields, never values: an id is client input and may carry anything.
                var first = IndexOfId(members, member.Id);
                if (first >= 0)
                    errors.Add(new FieldError($"{path}.members[{i}].id", $"appears more than once: the same id as members[{first}] (each member id must be unique)"));
                headFound |= member.Id == headId;
                members.Add(member);
            }
            if (headId is not null && errors.Count == before && !headFound)
                errors.Add(new FieldError(path + ".headId", "the head must be one of the members: no member has this id (a head without NHI coverage is listed with an empty coverage)"));
        }
        return errors.Count > before ? null : new HouseholdSnapshot(id!, headId!, members);
    }

    /// <summary>The index of the first member with this id; -1 when none (a loop, not a closure: this runs per member).</summary>
    private static int IndexOfId(List<MemberSnapshot> members, string id)
    {
        for (var i = 0; i < members.Count; i++)
            if (members[i].Id == id) return i;
        return -1;
    }

    private static MemberSnapshot? ReadMember(MemberJson? json, string householdPath, int index, List<FieldError> errors)
    {
        // Paths are built only for errors: this runs for every member of every household of a batch.
        var path = new LazyPath(householdPath, index);
        var before = errors.Count;
        if (json is null)
        {
            errors.Add(new FieldError(path, "must be an object"));
            return null;
        }
        var id = ReadId(json.Id, path, "id", errors);
        if (json.BirthDate is not { } birth)
            errors.Add(new FieldError(path + ".birthDate", "is required"));
        else if (birth < EarliestDate || birth > LatestDate)
            errors.Add(new FieldError(path + ".birthDate", $"must be a date in the years {EarliestDate.Year}–{LatestDate.Year}"));

        var coverage = ReadCoverage(json, path, errors);
        var facts = PremiumMemberFactsReader.Read(json, path, coverage, errors);

        return errors.Count > before
            ? null
            : new MemberSnapshot(id!, json.BirthDate!.Value, coverage, facts.Income!, facts.SpecifiedSameHouseholdSince, facts.Childbirths,
                facts.InvoluntaryUnemployment, facts.FormerDependantSince, facts.FixedAssetTax);
    }

    /// <summary>The member's coverage periods, sorted by acquisition; each bad period, and an overlap, is an error naming it.</summary>
    private static List<CoveragePeriod> ReadCoverage(MemberJson json, LazyPath path, List<FieldError> errors)
    {
        var coverage = new List<CoveragePeriod>();
        if (json.Coverage is null)
            errors.Add(new FieldError(path + ".coverage", "is required (an empty list for a member without NHI coverage)"));
        else if (json.Coverage.Count > MaxCoveragePeriods)
            errors.Add(new FieldError(path + ".coverage", $"at most {MaxCoveragePeriods} periods are accepted"));
        else
        {
            for (var i = 0; i < json.Coverage.Count; i++)
            {
                var period = ReadPeriod(json.Coverage[i], json.BirthDate, new LazyPath(path, "coverage", i), errors);
                if (period is not null) coverage.Add(period.Value);
            }
            if (coverage.Count > 1) coverage.Sort(ByAcquisition);
            for (var i = 1; i < coverage.Count; i++)
            {
                if (coverage[i - 1].Lost is not { } previousEnd || previousEnd > coverage[i].Acquired)
                {
                    // The periods were sorted: the message names them by their places in the request.
                    var earlier = IndexOf(json.Coverage, coverage[i - 1], -1);
                    var later = IndexOf(json.Coverage, coverage[i], earlier);
                    errors.Add(new FieldError(path + ".coverage", $"coverage periods overlap (period [{later}] starts before period [{earlier}] ends)"));
                    break;
                }
            }
        }
        return coverage;
    }

    /// <summary>The period at <paramref name="cPath"/>, or null after adding the error naming what is wrong with it.</summary>
    private static CoveragePeriod? ReadPeriod(CoverageJson? c, LocalDate? birth, LazyPath cPath, List<FieldError> errors)
    {
        var (field, problem) = PeriodProblem(c, birth);
        if (problem is null) return new CoveragePeriod(c!.Acquired!.Value, c.Lost);
        errors.Add(new FieldError(cPath + field, problem));
        return null;
    }

    /// <summary>What is wrong with a period: the field under it ("" for the period itself) and the message; a null message when nothing is.</summary>
    private static (string Field, string? Problem) PeriodProblem(CoverageJson? c, LocalDate? birth)
    {
        if (c is null) return ("", "must be an object");
        if (c.Acquired is null) return (".acquired", "is required (資格取得日)");
        var acquired = c.Acquired.Value;
        if (acquired < EarliestDate || acquired > LatestDate) return (".acquired", $"must be a date in the years {EarliestDate.Year}–{LatestDate.Year}");
        // A missing loss date or birth date compares false: an open period, a birth date refused on its own.
        if (c.Lost <= acquired)
            return (".lost", "the loss date must be after the acquisition date (the loss date is the first day without coverage, so a period lasts at least one day)");
        if (c.Lost > LatestDate) return (".lost", $"must be a date in or before the year {LatestDate.Year}");
        if (acquired < birth) return (".acquired", "coverage cannot start before the birth date");
        return ("", null);
    }

    /// <summary>The place in the request of the first period equal to <paramref name="period"/>, other than <paramref name="except"/>.</summary>
    private static int IndexOf(IReadOnlyList<CoverageJson?> periods, CoveragePeriod period, int except)
    {
        for (var i = 0; i < periods.Count; i++)
            if (i != except && periods[i] is { } c && c.Acquired == period.Acquired && c.Lost == period.Lost) return i;
        return -1;
    }

    private static readonly Comparison<CoveragePeriod> ByAcquisition = (a, b) => a.Acquired.CompareTo(b.Acquired);

    /// <summary>Checks that a date of a request is within <see cref="EarliestDate"/>–<see cref="LatestDate"/>; adds an error naming the field when it is not.</summary>
    public static bool DateInRange(LocalDate date, string field, List<FieldError> errors) => SnapshotFields.InRange(date, field, errors);

    private static bool IsIdText(string id)
    {
        foreach (var c in id)
            if (!char.IsAsciiLetterOrDigit(c) && c is not ('-' or '_' or '.')) return false;
        return true;
    }

    /// <summary>The id if it would be accepted (so that it may be repeated, e.g. in a batch's errors file), else null.</summary>
    public static string? SafeId(string? id) => IdProblem(id) is null ? id : null;

    /// <summary>
    /// The household id of a batch line that could not be read as a whole: its top-level <c>id</c>, when
    /// the line gets that far and the id would be accepted (<see cref="SafeId"/>); null otherwise.
    /// </summary>
    public static string? SafeIdOf(ReadOnlySpan<byte> line) => SafeIdOf(line, "id"u8);

    /// <summary>The top-level string property <paramref name="name"/> of a line, when the line gets that far and the id would be accepted (<see cref="SafeId"/>); null otherwise.</summary>
    public static string? SafeIdOf(ReadOnlySpan<byte> line, ReadOnlySpan<byte> name)
    {
        var value = TopLevelValue(line, name);
        if (value.IsEmpty) return null;
        var reader = new System.Text.Json.Utf8JsonReader(value);
        return reader.Read() && reader.TokenType == System.Text.Json.JsonTokenType.String ? SafeId(reader.GetString()) : null;
    }

    /// <summary>
    /// The JSON text of the top-level property <paramref name="name"/> of a line that may not be read as a whole (a batch
    /// reads a key before the line, or to name a refused line's household); empty when the line does not get that far.
    /// </summary>
    public static ReadOnlySpan<byte> TopLevelValue(ReadOnlySpan<byte> line, ReadOnlySpan<byte> name)
    {
        var reader = new System.Text.Json.Utf8JsonReader(line);
        try
        {
            if (!reader.Read() || reader.TokenType != System.Text.Json.JsonTokenType.StartObject) return default;
            while (reader.Read() && reader.TokenType == System.Text.Json.JsonTokenType.PropertyName)
            {
                var found = reader.ValueTextEquals(name);
                if (!reader.Read()) return default;
                var start = (int)reader.TokenStartIndex;
                if (!reader.TrySkip()) return default;
                if (found) return line[start..(int)reader.BytesConsumed];
            }
        }
        catch (Exception e) when (e is System.Text.Json.JsonException or InvalidOperationException)
        {
            // Malformed before the property: there is none to give.
        }
        return default;
    }

    /// <summary>Checks an id (required, 1–64 characters of A–Z a–z 0–9 - _ ., not shaped like a personal number) at <c>parent.field</c>; null when it is refused.</summary>
    internal static string? ReadId(string? id, string parent, string field, List<FieldError> errors)
    {
        if (IdProblem(id) is not { } problem) return id;
        errors.Add(new FieldError(new LazyPath(parent, field), problem));
        return null;
    }

    private static string? ReadId(string? id, LazyPath parent, string field, List<FieldError> errors) => ReadId(id, new LazyPath(parent, field), errors);

    private static string? ReadId(string? id, LazyPath path, List<FieldError> errors)
    {
        if (IdProblem(id) is not { } problem) return id;
        errors.Add(new FieldError(path, problem));
        return null;
    }

    /// <summary>Why an id is refused (the message), or null when it is accepted: the path is rendered only for a refusal.</summary>
    private static string? IdProblem(string? id) =>
        string.IsNullOrWhiteSpace(id) ? "is required"
        : id.Length > MaxIdLength || !IsIdText(id) ? $"must be 1–{MaxIdLength} characters of A–Z, a–z, 0–9, '-', '_' or '.'"
        : PersonalNumber.LooksLikeOne(id) ? "looks like an individual number (個人番号); KokuhoRules never takes one: use the core system's own ids"
        : null;
}
