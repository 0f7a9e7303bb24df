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
/// The scan is <see cref="IndividualNumberScan"/>, the same the batch applies to each line. A household
/// or member id of exactly 12 digits is refused too: it cannot be told from an individual number, and
/// the service never needs one; a yen amount of the contract within range is an amount, not a number to
/// refuse. A body that is not valid JSON is handed on as is: the endpoint's binder reports the syntax
/// error with its line and byte.
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
            if (IndividualNumberScan.Find(body.Span) is { } found)
            {
                context.Audit()?.Refused(Audit.AuditOutcomes.IndividualNumber);
                await TypedResults.Problem(ProblemTypes.Create(ProblemTypes.IndividualNumber,
                    $"'{found.Field}' looks like an individual number (個人番号: 12 digits). The service never needs one: send the core system's ids instead, and no individual number in any field.",
                    [found])).ExecuteAsync(context);
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

