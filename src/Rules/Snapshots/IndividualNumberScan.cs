using System.Buffers;
using System.Text;
using System.Text.Json;

namespace KokuhoRules.Rules.Snapshots;

/// <summary>Finds the first value in a JSON document that looks like an individual number.</summary>
public static class IndividualNumberScan
{
    private static readonly string[] SuspiciousNames = ["mynumber", "kojinbango", "kojinbangou", "individualnumber", "個人番号", "マイナンバー"];

    private sealed class Frame(bool isArray)
    {
        public bool IsArray { get; } = isArray;
        public string? Property { get; set; }
        public int Index { get; set; } = -1;
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

    private static string? FindPath(ReadOnlySpan<byte> json, string? root)
    {
        var reader = new Utf8JsonReader(json, new JsonReaderOptions { MaxDepth = 64 });
        var frames = new List<Frame>();
        try
        {
            while (reader.Read())
            {
                switch (reader.TokenType)
                {
                    case JsonTokenType.PropertyName:
                        frames[^1].Property = reader.GetString();
                        if (LooksLikeIndividualNumber(reader.ValueSpan, JsonTokenType.String))
                        {
                            // The name itself is the value: name the object holding it instead.
                            frames[^1].Property = null;
                            var holder = PathOf(frames, root);
                            return holder == "$" ? "$ (a field name)" : holder + " (a field name)";
                        }
                        if (IsSuspiciousName(frames[^1].Property!)) return PathOf(frames, root);
                        break;
                    case JsonTokenType.StartObject or JsonTokenType.StartArray:
                        NextElement(frames);
                        frames.Add(new Frame(reader.TokenType == JsonTokenType.StartArray));
                        break;
                    case JsonTokenType.EndObject or JsonTokenType.EndArray:
                        frames.RemoveAt(frames.Count - 1);
                        break;
                    default:
                        NextElement(frames);
                        if (reader.TokenType is JsonTokenType.String or JsonTokenType.Number
                            && !(reader.TokenType == JsonTokenType.Number && IsAmountInRange(frames, ref reader))
                            && LooksLikeIndividualNumber(reader.HasValueSequence ? reader.ValueSequence.ToArray() : reader.ValueSpan, reader.TokenType))
                            return PathOf(frames, root);
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
        var text = Encoding.UTF8.GetString(raw);
        if (raw.IndexOf((byte)'\\') >= 0)
        {
            try { text = JsonSerializer.Deserialize<string>("\"" + text + "\"") ?? text; }
            catch (Exception e) when (e is JsonException or InvalidOperationException) { }
        }
        return PersonalNumber.LooksLikeOne(text);
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

    private static void NextElement(List<Frame> frames)
    {
        if (frames.Count > 0 && frames[^1].IsArray) frames[^1].Index++;
    }

    /// <summary>
    /// The contract's yen amounts: every property of type <c>long</c> in the request documents (money is
    /// integer yen; counts and years are <c>int</c>). A number in such a field is an amount, refused by
    /// the reader when it is out of range, never mistaken for an individual number when in range.
    /// </summary>
    public static IReadOnlySet<string> AmountFields { get; } = CollectAmountFields();

    private static HashSet<string> CollectAmountFields()
    {
        var names = new HashSet<string>(StringComparer.Ordinal);
        var seen = new HashSet<Type>();
        void Walk(Type type)
        {
            if (!seen.Add(type)) return;
            foreach (var property in type.GetProperties(System.Reflection.BindingFlags.Public | System.Reflection.BindingFlags.Instance))
            {
                var t = Nullable.GetUnderlyingType(property.PropertyType) ?? property.PropertyType;
                if (t == typeof(long)) names.Add(JsonNamingPolicy.CamelCase.ConvertName(property.Name));
                else if (t.IsGenericType && t.GetGenericTypeDefinition() == typeof(IReadOnlyList<>)) Walk(t.GetGenericArguments()[0]);
                else if (t.Namespace?.StartsWith("KokuhoRules.", StringComparison.Ordinal) == true && !t.IsEnum) Walk(t);
            }
        }
        Walk(typeof(Premium.AssessmentRequest));
        Walk(typeof(Premium.ReassessmentRequest));
        return names;
    }

    /// <summary>Whether the current number is a yen amount of the contract (by its field) within 0–<see cref="SnapshotReader.MaxYen"/>.</summary>
    private static bool IsAmountInRange(List<Frame> frames, ref Utf8JsonReader reader) =>
        frames.Count > 0 && !frames[^1].IsArray && frames[^1].Property is { } name && AmountFields.Contains(name)
        && reader.TryGetInt64(out var yen) && yen is >= 0 and <= SnapshotReader.MaxYen;

    /// <summary>The path to the current value; a field name that is not an identifier is not repeated (as in <see cref="JsonErrors.FieldName"/>).</summary>
    private static string PathOf(List<Frame> frames, string? root)
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
