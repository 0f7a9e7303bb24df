using NodaTime;

namespace KokuhoRules.Rules.Snapshots;


/// <summary>
/// A JSON path built only when it is needed (for an error): a parent path, and a property name or an
/// array element. Concatenating with a string (<c>path + ".lost"</c>) renders it.
/// </summary>
internal sealed class LazyPath
{
    private readonly object _parent;
    private readonly string? _name;
    private readonly int _index;
    private string? _text;

    public LazyPath(string householdPath, int memberIndex) : this(householdPath, "members", memberIndex) { }

    public LazyPath(object parent, string name, int index = -1)
    {
        _parent = parent;
        _name = name;
        _index = index;
    }

    public override string ToString() =>
        _text ??= _parent.ToString() + "." + _name + (_index >= 0 ? "[" + _index.ToString(System.Globalization.CultureInfo.InvariantCulture) + "]" : "");

    public static string operator +(LazyPath path, string suffix) => path.ToString() + suffix;

    public static implicit operator string(LazyPath path) => path.ToString();
}

/// <summary>
/// Turns the household JSON into a <see cref="HouseholdSnapshot"/>, checking everything a calculation
/// relies on and naming each bad field. The checks are the same for the API and the batch. A message
/// says what is wrong with the field; it never repeats a person's dates or amounts (ids may appear).
/// </summary>
public static class SnapshotReader
{
    /// <summary>The largest amount of yen accepted for any income field (one hundred billion).</summary>
    public const long MaxYen = 100_000_000_000;

    public const int MaxMembers = 40;
    public const int MaxCoveragePeriods = 24;
    public const int MaxChildbirths = 12;
    public const int MaxIdLength = 64;

    /// <summary>The earliest date accepted in any date field of a request (docs/security.md).</summary>
    public static readonly LocalDate EarliestDate = new(1890, 1, 1);

    /// <summary>The latest date accepted in any date field of a request.</summary>
    public static readonly LocalDate LatestDate = new(2200, 12, 31);

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
                var first = members.FindIndex(other => other.Id == member.Id);
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

        var coverage = new List<CoveragePeriod>();
        if (json.Coverage is null)
            errors.Add(new FieldError(path + ".coverage", "is required (an empty list for a member without NHI coverage)"));
        else if (json.Coverage.Count > MaxCoveragePeriods)
            errors.Add(new FieldError(path + ".coverage", $"at most {MaxCoveragePeriods} periods are accepted"));
        else
        {
            for (var i = 0; i < json.Coverage.Count; i++)
            {
                var cPath = new LazyPath(path, "coverage", i);
                var c = json.Coverage[i];
                if (c is null)
                {
                    errors.Add(new FieldError(cPath, "must be an object"));
                    continue;
                }
                if (c.Acquired is not { } acquired)
                {
                    errors.Add(new FieldError(cPath + ".acquired", "is required (資格取得日)"));
                    continue;
                }
                if (acquired < EarliestDate || acquired > LatestDate)
                {
                    errors.Add(new FieldError(cPath + ".acquired", $"must be a date in the years {EarliestDate.Year}–{LatestDate.Year}"));
                    continue;
                }
                if (c.Lost is { } lost && lost <= acquired)
                {
                    errors.Add(new FieldError(cPath + ".lost", "the loss date must be after the acquisition date (the loss date is the first day without coverage, so a period lasts at least one day)"));
                    continue;
                }
                if (c.Lost is { } l && l > LatestDate)
                {
                    errors.Add(new FieldError(cPath + ".lost", $"must be a date in or before the year {LatestDate.Year}"));
                    continue;
                }
                if (json.BirthDate is { } b && acquired < b)
                {
                    errors.Add(new FieldError(cPath + ".acquired", "coverage cannot start before the birth date"));
                    continue;
                }
                coverage.Add(new CoveragePeriod(acquired, c.Lost));
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

        var income = ReadIncome(json.Income, path, errors);

        LocalDate? specifiedSince = null;
        if (json.SpecifiedSameHouseholdMember == true)
        {
            if (json.SpecifiedSameHouseholdSince is not { } since)
                errors.Add(new FieldError(path + ".specifiedSameHouseholdSince", "is required for a 特定同一世帯所属者: the day the member moved to 後期高齢者医療"));
            else if (InRange(since, path + ".specifiedSameHouseholdSince", errors))
                specifiedSince = since;
        }
        else if (json.SpecifiedSameHouseholdSince is not null)
        {
            errors.Add(new FieldError(path + ".specifiedSameHouseholdSince", "is only given with specifiedSameHouseholdMember: true"));
        }

        var births = new List<Childbirth>();
        if (json.Childbirths is { } childbirths)
        {
            if (childbirths.Count > MaxChildbirths) errors.Add(new FieldError(path + ".childbirths", $"at most {MaxChildbirths} births are accepted"));
            else
                for (var i = 0; i < childbirths.Count; i++)
                {
                    var bPath = new LazyPath(path, "childbirths", i);
                    if (childbirths[i] is not { } b) errors.Add(new FieldError(bPath, "must be an object"));
                    else if (b.Date is not { } date) errors.Add(new FieldError(bPath + ".date", "is required (出産日 or 出産予定日)"));
                    else if (InRange(date, bPath + ".date", errors)) births.Add(new Childbirth(date, b.Multiple ?? false));
                }
        }

        Separation? separation = null;
        if (json.InvoluntaryUnemployment is { } unemployment)
        {
            var uPath = path + ".involuntaryUnemployment";
            if (unemployment.SeparationDate is not { } date) errors.Add(new FieldError(uPath + ".separationDate", "is required (離職日)"));
            else if (string.IsNullOrWhiteSpace(unemployment.ReasonCode) || unemployment.ReasonCode.Length > 4 || !unemployment.ReasonCode.All(char.IsAsciiLetterOrDigit))
                errors.Add(new FieldError(uPath + ".reasonCode", "is required: the 離職理由コード (e.g. \"11\")"));
            else if (InRange(date, uPath + ".separationDate", errors)) separation = new Separation(date, unemployment.ReasonCode);
        }

        LocalDate? formerDependantSince = null;
        if (json.FormerDependant is { } formerDependant)
        {
            if (formerDependant.Acquired is not { } acquired) errors.Add(new FieldError(path + ".formerDependant.acquired", "is required (資格取得日)"));
            else if (InRange(acquired, path + ".formerDependant.acquired", errors))
            {
                if (!coverage.Any(c => c.Acquired == acquired))
                    errors.Add(new FieldError(path + ".formerDependant.acquired", "must be the acquisition date of one of the member's coverage periods"));
                else formerDependantSince = acquired;
            }
        }

        return errors.Count > before
            ? null
            : new MemberSnapshot(id!, json.BirthDate!.Value, coverage, income!, specifiedSince, births.Count > 0 ? births : null, separation, formerDependantSince);
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
    public static bool DateInRange(LocalDate date, string field, List<FieldError> errors) => InRange(date, field, errors);

    /// <param name="path">The field's path: a string or a <see cref="LazyPath"/>, rendered only on error.</param>
    private static bool InRange(LocalDate date, object path, List<FieldError> errors)
    {
        if (date >= EarliestDate && date <= LatestDate) return true;
        errors.Add(new FieldError(path.ToString()!, $"must be a date in the years {EarliestDate.Year}–{LatestDate.Year}"));
        return false;
    }

    private static PriorYearIncome? ReadIncome(IncomeJson? json, LazyPath member, List<FieldError> errors)
    {
        var path = new LazyPath(member, "income");
        if (json is null)
        {
            errors.Add(new FieldError(path, "is required: send { \"declared\": false } when the income is not known"));
            return null;
        }
        if (json.Declared is not { } declared)
        {
            errors.Add(new FieldError(path + ".declared", "is required (true when the income is known, false for 未申告)"));
            return null;
        }
        var before = errors.Count;
        long Amount(long? value, string name, bool required)
        {
            if (value is null)
            {
                if (required) errors.Add(new FieldError($"{path}.{name}", "is required when the income is declared"));
                return 0;
            }
            if (value < 0) errors.Add(new FieldError($"{path}.{name}", "cannot be negative"));
            else if (value > MaxYen) errors.Add(new FieldError($"{path}.{name}", $"exceeds the largest accepted amount ({MaxYen:N0} yen)"));
            return value.Value;
        }
        if (!declared)
        {
            if (json.TotalIncome is not null || json.CombinedIncome is not null || json.SalaryRevenue is not null || json.SalaryIncome is not null
                || json.PensionRevenue is not null || json.PensionIncome is not null || json.FamilyEmployeeSalaryDeduction is not null || json.TransferIncomeSpecialDeduction is not null)
            {
                errors.Add(new FieldError(path, "an undeclared income (declared: false) cannot carry amounts"));
                return null;
            }
            return PriorYearIncome.Undeclared;
        }
        var total = Amount(json.TotalIncome, "totalIncome", true);
        long? combined = json.CombinedIncome is null ? null : Amount(json.CombinedIncome, "combinedIncome", false);
        var salaryRevenue = Amount(json.SalaryRevenue, "salaryRevenue", false);
        var salaryIncome = Amount(json.SalaryIncome, "salaryIncome", false);
        var pensionRevenue = Amount(json.PensionRevenue, "pensionRevenue", false);
        var pensionIncome = Amount(json.PensionIncome, "pensionIncome", false);
        var familyEmployee = Amount(json.FamilyEmployeeSalaryDeduction, "familyEmployeeSalaryDeduction", false);
        var transfer = Amount(json.TransferIncomeSpecialDeduction, "transferIncomeSpecialDeduction", false);
        if (errors.Count > before) return null;
        if (salaryIncome > salaryRevenue) errors.Add(new FieldError(path + ".salaryIncome", "給与所得 cannot exceed 給与収入 (salaryRevenue)"));
        if (pensionIncome > pensionRevenue) errors.Add(new FieldError(path + ".pensionIncome", "公的年金等所得 cannot exceed 公的年金等収入 (pensionRevenue)"));
        if (errors.Count > before) return null;
        return new PriorYearIncome(true, total, combined, salaryRevenue, salaryIncome, pensionRevenue, pensionIncome, familyEmployee, transfer);
    }

    private static bool IsIdText(string id)
    {
        foreach (var c in id)
            if (!char.IsAsciiLetterOrDigit(c) && c is not ('-' or '_' or '.')) return false;
        return true;
    }

    /// <summary>The id if it would be accepted (so that it may be repeated, e.g. in a batch's errors file), else null.</summary>
    public static string? SafeId(string? id) => id is not null && ReadId(id, "household", "id", []) is { } ok ? ok : null;

    /// <summary>
    /// The household id of a batch line that could not be read as a whole: its top-level <c>id</c>, when
    /// the line gets that far and the id would be accepted (<see cref="SafeId"/>); null otherwise.
    /// </summary>
    public static string? SafeIdOf(ReadOnlySpan<byte> line)
    {
        var reader = new System.Text.Json.Utf8JsonReader(line);
        try
        {
            if (!reader.Read() || reader.TokenType != System.Text.Json.JsonTokenType.StartObject) return null;
            while (reader.Read() && reader.TokenType == System.Text.Json.JsonTokenType.PropertyName)
            {
                var isId = reader.ValueTextEquals("id"u8);
                if (!reader.Read()) return null;
                if (isId) return reader.TokenType == System.Text.Json.JsonTokenType.String ? SafeId(reader.GetString()) : null;
                if (!reader.TrySkip()) return null;
            }
        }
        catch (Exception e) when (e is System.Text.Json.JsonException or InvalidOperationException)
        {
            // Malformed before the id: there is no id to give.
        }
        return null;
    }

    /// <summary>Checks an id (required, 1–64 characters of A–Z a–z 0–9 - _ ., not shaped like a personal number) at <c>parent.field</c>; null when it is refused.</summary>
    internal static string? ReadId(string? id, string parent, string field, List<FieldError> errors) => ReadId(id, new LazyPath(parent, field), errors);

    private static string? ReadId(string? id, LazyPath parent, string field, List<FieldError> errors) => ReadId(id, new LazyPath(parent, field), errors);

    private static string? ReadId(string? id, LazyPath path, List<FieldError> errors)
    {
        if (string.IsNullOrWhiteSpace(id))
        {
            errors.Add(new FieldError(path, "is required"));
            return null;
        }
        if (id.Length > MaxIdLength || !IsIdText(id))
        {
            errors.Add(new FieldError(path, $"must be 1–{MaxIdLength} characters of A–Z, a–z, 0–9, '-', '_' or '.'"));
            return null;
        }
        if (PersonalNumber.LooksLikeOne(id))
        {
            errors.Add(new FieldError(path, "looks like an individual number (個人番号); KokuhoRules never takes one: use the core system's own ids"));
            return null;
        }
        return id;
    }
}

/// <summary>
/// Recognises values shaped like an individual number (個人番号, My Number: 12 digits), which the
/// service must never receive, log or return.
/// </summary>
public static class PersonalNumber
{
    /// <summary>
    /// True for text holding a run of exactly 12 digits (ASCII or full-width), also written in groups
    /// of four with '-' or a space between (<c>1234-5678-9012</c>).
    /// </summary>
    public static bool LooksLikeOne(ReadOnlySpan<char> value)
    {
        var run = 0;
        for (var i = 0; i < value.Length; i++)
        {
            var c = value[i];
            if (char.IsDigit(c))
            {
                run++;
                continue;
            }
            if (c is '-' or ' ' or '－' or '　' && run is 4 or 8 && i + 1 < value.Length && char.IsDigit(value[i + 1])) continue;
            if (run == 12) return true;
            run = 0;
        }
        return run == 12;
    }
}
