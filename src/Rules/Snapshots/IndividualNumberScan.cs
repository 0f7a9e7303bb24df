using System.Buffers;
using System.Collections.Frozen;
using System.Text;
using System.Text.Json;

namespace KokuhoRules.Rules.Snapshots;

/// <summary>Finds the first value in a JSON document that looks like an individual number.</summary>
public static class IndividualNumberScan
{
    private static readonly string[] SuspiciousNames = ["mynumber", "kojinbango", "kojinbangou", "individualnumber", "個人番号", "マイナンバー"];

    /// <summary>An open object or array: the property being read, or the element's index.</summary>
    private struct Frame(bool isArray)
    {
        public readonly bool IsArray = isArray;
        public string? Property;
        public bool Amount;
        public int Index = -1;
    }

    /// <summary>What an error says of a value or a field name that looks like an individual number (never the value).</summary>
    public const string Message = "looks like an individual number (個人番号, 12 digits); not accepted";

    /// <summary>
    /// The first suspicious value or field name as a field error (its JSON path, e.g.
    /// <c>household.members[0].id</c>, and <see cref="Message"/>); null when there is none (or the JSON is
    /// malformed: the reader reports that). <paramref name="root"/> names the document in the path (a
    /// batch line is a <c>household</c>).
    /// </summary>
    public static FieldError? Find(ReadOnlySpan<byte> json, string? root = null) =>
        FindPath(json, root) is { } path ? new FieldError(path, Message) : null;

    /// <summary>A thread's frames, reused from one document to the next (the reader's depth is at most 64).</summary>
    [ThreadStatic] private static Frame[]? _frames;

    private static string? FindPath(ReadOnlySpan<byte> json, string? root)
    {
        // Runs on every request and every line of a batch: no allocation unless a field is unknown or suspicious.
        var reader = new Utf8JsonReader(json, new JsonReaderOptions { MaxDepth = 64 });
        var frames = _frames ??= new Frame[65];
        var depth = 0;
        try
        {
            while (reader.Read())
            {
                switch (reader.TokenType)
                {
                    case JsonTokenType.PropertyName:
                        ref var frame = ref frames[depth - 1];
                        if (!reader.HasValueSequence && !reader.ValueIsEscaped && KnownName(reader.ValueSpan) is { } known)
                        {
                            frame.Property = known;
                            frame.Amount = AmountFields.Contains(known);
                            break;
                        }
                        frame.Property = reader.GetString();
                        frame.Amount = false;
                        if (LooksLikeIndividualNumber(reader.HasValueSequence ? reader.ValueSequence.ToArray() : reader.ValueSpan, JsonTokenType.String))
                        {
                            // The name itself is the value: name the object holding it instead.
                            frame.Property = null;
                            var holder = PathOf(frames.AsSpan(0, depth), root);
                            return holder == "$" ? "$ (a field name)" : holder + " (a field name)";
                        }
                        if (IsSuspiciousName(frame.Property!)) return PathOf(frames.AsSpan(0, depth), root);
                        break;
                    case JsonTokenType.StartObject or JsonTokenType.StartArray:
                        NextElement(frames, depth);
                        frames[depth++] = new Frame(reader.TokenType == JsonTokenType.StartArray);
                        break;
                    case JsonTokenType.EndObject or JsonTokenType.EndArray:
                        depth--;
                        break;
                    default:
                        NextElement(frames, depth);
                        if (reader.TokenType is JsonTokenType.String or JsonTokenType.Number
                            && !(reader.TokenType == JsonTokenType.Number && IsAmountInRange(frames, depth, ref reader))
                            && LooksLikeIndividualNumber(reader.HasValueSequence ? reader.ValueSequence.ToArray() : reader.ValueSpan, reader.TokenType))
                            return PathOf(frames.AsSpan(0, depth), root);
                        break;
                }
            }
        }
        catch (Exception e) when (e is JsonException or InvalidOperationException)
        {
            // Malformed JSON (or a string with a lone surrogate): the endpoint's binder reports it precisely.
        }
        return null;
    }

    /// <summary>Exactly <c>sha256:</c> and 64 lower-case hex digits: the form of every rule-set hash the service gives out.</summary>
    public static bool IsContentHash(ReadOnlySpan<byte> raw)
    {
        if (raw.Length != 71 || !raw.StartsWith("sha256:"u8)) return false;
        foreach (var b in raw[7..])
            if (b is not ((>= (byte)'0' and <= (byte)'9') or (>= (byte)'a' and <= (byte)'f'))) return false;
        return true;
    }

    /// <summary>A JSON number with 12 integer digits, or a string <see cref="PersonalNumber.LooksLikeOne"/> recognises.</summary>
    public static bool LooksLikeIndividualNumber(ReadOnlySpan<byte> raw, JsonTokenType type)
    {
        if (type == JsonTokenType.Number)
        {
            var digits = 0;
            foreach (var b in raw)
            {
                if (b is (byte)'.' or (byte)'e' or (byte)'E') break;
                if (b is >= (byte)'0' and <= (byte)'9') digits++;
            }
            return digits == 12;
        }
        if (!CouldHoldTwelveDigits(raw)) return false;
        // A rule-set content hash (sent back as previous.ruleset.hash) is hex: its digit runs are not a number.
        if (IsContentHash(raw)) return false;
        var text = Encoding.UTF8.GetString(raw);
        if (raw.IndexOf((byte)'\\') >= 0)
        {
            try { text = JsonSerializer.Deserialize<string>("\"" + text + "\"") ?? text; }
            catch (Exception e) when (e is JsonException or InvalidOperationException) { }
        }
        return PersonalNumber.LooksLikeOne(text);
    }

    /// <summary>
    /// False when plain ASCII text (no escape, no full-width digit) has fewer than 12 digits: most values
    /// (dates, ids, codes) are ruled out without decoding them.
    /// </summary>
    private static bool CouldHoldTwelveDigits(ReadOnlySpan<byte> raw)
    {
        if (raw.Length < 12) return false; // 12 digits take at least 12 bytes, however written
        var digits = 0;
        foreach (var b in raw)
        {
            if (b >= 0x80 || b == (byte)'\\') return true;
            if (b is >= (byte)'0' and <= (byte)'9') digits++;
        }
        return digits >= 12;
    }

    /// <summary>The contract's field names (none suspicious), looked up without allocating a string.</summary>
    private static readonly FrozenDictionary<string, string> ContractNames =
        CollectFields(_ => true).ToFrozenDictionary(n => n, n => n, StringComparer.Ordinal);

    private static readonly FrozenDictionary<string, string>.AlternateLookup<ReadOnlySpan<char>> ContractNameLookup =
        ContractNames.GetAlternateLookup<ReadOnlySpan<char>>();

    /// <summary>The contract's own string for a field name given as plain ASCII bytes; null for any other name.</summary>
    private static string? KnownName(ReadOnlySpan<byte> name)
    {
        if (name.Length > 64) return null;
        Span<char> chars = stackalloc char[64];
        for (var i = 0; i < name.Length; i++)
        {
            if (name[i] >= 0x80) return null;
            chars[i] = (char)name[i];
        }
        return ContractNameLookup.TryGetValue(chars[..name.Length], out var known) ? known : null;
    }

    /// <summary>The name without '_' and '-', compared case-insensitively (runs once per field of every request: no allocation).</summary>
    private static bool IsSuspiciousName(string name)
    {
        if (name.Length > 128) return false; // longer than any field of the contract: unknown, refused by the binder anyway
        Span<char> folded = stackalloc char[name.Length];
        var length = 0;
        foreach (var c in name)
            if (c is not ('_' or '-')) folded[length++] = c;
        foreach (var suspicious in SuspiciousNames)
            if (folded[..length].Contains(suspicious, StringComparison.OrdinalIgnoreCase)) return true;
        return false;
    }

    private static void NextElement(Frame[] frames, int depth)
    {
        if (depth > 0 && frames[depth - 1].IsArray) frames[depth - 1].Index++;
    }

    /// <summary>
    /// The contract's yen amounts: every property of type <c>long</c> in the request documents (money is
    /// integer yen; counts and years are <c>int</c>). A number in such a field is an amount, refused by
    /// the reader when it is out of range, never mistaken for an individual number when in range.
    /// </summary>
    public static IReadOnlySet<string> AmountFields { get; } = CollectFields(t => t == typeof(long));

    /// <summary>The JSON names of the request documents' properties whose type passes <paramref name="select"/>.</summary>
    private static HashSet<string> CollectFields(Func<Type, bool> select)
    {
        var names = new HashSet<string>(StringComparer.Ordinal);
        var seen = new HashSet<Type>();
        void Walk(Type type)
        {
            if (!seen.Add(type)) return;
            foreach (var property in type.GetProperties(System.Reflection.BindingFlags.Public | System.Reflection.BindingFlags.Instance))
            {
                var t = Nullable.GetUnderlyingType(property.PropertyType) ?? property.PropertyType;
                if (select(t)) names.Add(JsonNamingPolicy.CamelCase.ConvertName(property.Name));
                if (t.IsGenericType && t.GetGenericTypeDefinition() == typeof(IReadOnlyList<>)) Walk(t.GetGenericArguments()[0]);
                else if (t.Namespace?.StartsWith("KokuhoRules.", StringComparison.Ordinal) == true && !t.IsEnum) Walk(t);
            }
        }
        Walk(typeof(Premium.AssessmentRequest));
        Walk(typeof(Premium.ReassessmentRequest));
        return names;
    }

    /// <summary>Whether the current number is a yen amount of the contract (by its field) within 0–<see cref="SnapshotReader.MaxYen"/>.</summary>
    private static bool IsAmountInRange(Frame[] frames, int depth, ref Utf8JsonReader reader) =>
        depth > 0 && frames[depth - 1] is { IsArray: false, Amount: true }
        && reader.TryGetInt64(out var yen) && yen is >= 0 and <= SnapshotReader.MaxYen;

    /// <summary>The path to the current value; a field name that is not an identifier is not repeated (as in <see cref="JsonErrors.FieldName"/>).</summary>
    private static string PathOf(ReadOnlySpan<Frame> frames, string? root)
    {
        var sb = new StringBuilder(root);
        foreach (var frame in frames)
        {
            if (frame.IsArray) sb.Append('[').Append(frame.Index).Append(']');
            else if (frame.Property is { } p)
            {
                if (!JsonErrors.IsIdentifier(p)) return (sb.Length > 0 ? sb + " " : "") + JsonErrors.UnexpectedName;
                sb.Append(sb.Length > 0 ? "." : "").Append(p);
            }
        }
        return sb.Length == 0 ? "$" : sb.ToString();
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
