using System.Buffers;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using KokuhoRules.Api.Audit;
using KokuhoRules.Api.Problems;
using KokuhoRules.Rules.Snapshots;

namespace KokuhoRules.Api.Requests;

/// <summary>
/// Reads the body of an authorised call before its endpoint does: refuses a body over the size limit
/// (413), hashes it for the audit log (SHA-256 of the bytes as received), and refuses a body carrying
/// anything that looks like an individual number (個人番号: 12 digits, as a number or a string, with or
/// without separators; or a field named like one) with 422 naming the field — never echoing the value.
/// The body is held in memory (at most the limit) and handed on; it is never written to disk.
/// </summary>
/// <remarks>
/// A household or member id of exactly 12 digits is refused too: it cannot be told from an
/// individual number, and the service never needs one. A body that is not valid JSON is handed on
/// as is: the endpoint's binder reports the syntax error with its line and byte.
/// </remarks>
public sealed class RequestBodyGuard(RequestDelegate next, RequestLimits limits)
{
    public async Task InvokeAsync(HttpContext context)
    {
        var request = context.Request;
        if (!HasBody(request))
        {
            await next(context);
            return;
        }
        if (request.ContentLength is { } declared && declared > limits.MaxBodyBytes)
        {
            await TooLarge(context);
            return;
        }
        var buffer = ArrayPool<byte>.Shared.Rent((int)Math.Min(limits.MaxBodyBytes + 1, request.ContentLength is { } n ? n + 1 : 16 * 1024));
        var length = 0;
        try
        {
            while (true)
            {
                if (length == buffer.Length)
                {
                    if (length > limits.MaxBodyBytes) break;
                    var bigger = ArrayPool<byte>.Shared.Rent((int)Math.Min(limits.MaxBodyBytes + 1, (long)buffer.Length * 2));
                    buffer.AsSpan(0, length).CopyTo(bigger);
                    ArrayPool<byte>.Shared.Return(buffer, clearArray: true);
                    buffer = bigger;
                }
                var read = await request.Body.ReadAsync(buffer.AsMemory(length, buffer.Length - length), context.RequestAborted);
                if (read == 0) break;
                length += read;
            }
            if (length > limits.MaxBodyBytes)
            {
                await TooLarge(context);
                return;
            }
            var body = buffer.AsMemory(0, length);
            context.Audit()?.Body(Convert.ToHexStringLower(SHA256.HashData(body.Span)), length);
            if (IndividualNumberScan.Find(body.Span) is { } field)
            {
                context.Audit()?.Refused(Audit.AuditOutcomes.IndividualNumber);
                await TypedResults.Problem(ProblemTypes.Create(ProblemTypes.IndividualNumber,
                    $"'{field}' looks like an individual number (個人番号: 12 digits). The service never needs one: send the core system's ids instead, and no individual number in any field.",
                    [new FieldError(field, "looks like an individual number (個人番号, 12 digits); not accepted")])).ExecuteAsync(context);
                return;
            }
            request.Body = new MemoryStream(buffer, 0, length, writable: false);
            await next(context);
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer, clearArray: true);
        }
    }

    private static bool HasBody(HttpRequest request) =>
        request.ContentLength > 0 || (request.ContentLength is null && (HttpMethods.IsPost(request.Method) || HttpMethods.IsPut(request.Method) || HttpMethods.IsPatch(request.Method)));

    private Task TooLarge(HttpContext context)
    {
        context.Audit()?.Refused(Audit.AuditOutcomes.TooLarge);
        return TypedResults.Problem(ProblemTypes.Create(ProblemTypes.TooLarge,
            $"The request body is larger than {limits.MaxBodyBytes:N0} bytes; a household's request is a few kilobytes.", [new FieldError("$", "too large")])).ExecuteAsync(context);
    }
}

/// <summary>Limits on requests (configuration section <c>Limits</c>).</summary>
/// <param name="MaxBodyBytes">The largest body accepted (<c>Limits:MaxBodyBytes</c>, default 1 MiB).</param>
public sealed record RequestLimits(long MaxBodyBytes)
{
    public const long DefaultMaxBodyBytes = 1024 * 1024;
}

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

    /// <summary>The JSON path (<c>household.members[0].id</c>) of the first suspicious value or field name; null when none (or the JSON is malformed).</summary>
    public static string? Find(ReadOnlySpan<byte> json)
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
                            var holder = PathOf(frames);
                            return holder == "$" ? "$ (a field name)" : holder + " (a field name)";
                        }
                        if (IsSuspiciousName(frames[^1].Property!)) return PathOf(frames);
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
                            && LooksLikeIndividualNumber(reader.HasValueSequence ? reader.ValueSequence.ToArray() : reader.ValueSpan, reader.TokenType))
                            return PathOf(frames);
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

    /// <summary>The path to the current value; a field name that is not an identifier is not repeated (as in <see cref="ProblemTypes.FieldName"/>).</summary>
    private static string PathOf(List<Frame> frames)
    {
        var sb = new StringBuilder();
        foreach (var frame in frames)
        {
            if (frame.IsArray) sb.Append('[').Append(frame.Index).Append(']');
            else if (frame.Property is { } p)
            {
                if (!ProblemTypes.IsIdentifier(p)) return (sb.Length > 0 ? sb + " " : "") + ProblemTypes.UnexpectedName;
                sb.Append(sb.Length > 0 ? "." : "").Append(p);
            }
        }
        return sb.Length == 0 ? "$" : sb.ToString();
    }
}
