using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;
using KokuhoRules.Rules.Snapshots;
using Microsoft.AspNetCore.Diagnostics;
using Microsoft.Net.Http.Headers;

namespace KokuhoRules.Api.Problems;

/// <summary>
/// Turns a request the framework could not read (malformed JSON, a value of the wrong type, an
/// unknown field, a missing body, an unreadable query parameter, a body that is not JSON, a charset
/// with no encoding) into an RFC 9457 problem that names the field, instead of a bare 400, a 500 or
/// the framework's developer message. Messages never repeat the caller's raw values.
/// </summary>
public sealed partial class BadRequestExceptionHandler(IProblemDetailsService problems) : IExceptionHandler
{
    public async ValueTask<bool> TryHandleAsync(HttpContext context, Exception exception, CancellationToken cancellationToken)
    {
        (ProblemTypes.ProblemType Type, string Field, string Message)? described = exception switch
        {
            BadHttpRequestException bad => Describe(bad, context.Request),
            // The framework reads a JSON body in the Content-Type's charset and, for a charset with no
            // encoding (charset=bogus, charset="utf-8", charset=), throws an InvalidOperationException: the
            // caller's mistake, not the service's.
            InvalidOperationException when HasUnreadableCharset(context.Request) =>
                (ProblemTypes.UnsupportedMediaType, "$", "the Content-Type names a charset with no known encoding: " + ProblemTypes.JsonContentTypeRequired),
            _ => null,
        };
        if (described is not var (type, field, message)) return false;
        context.Response.StatusCode = type.Status;
        var problem = ProblemTypes.Create(type, field == "$" ? message : $"'{field}': {message}", [new FieldError(field, message)]);
        return await problems.TryWriteAsync(new ProblemDetailsContext { HttpContext = context, ProblemDetails = problem, Exception = exception });
    }

    private static (ProblemTypes.ProblemType Type, string Field, string Message) Describe(BadHttpRequestException bad, HttpRequest request)
    {
        if (bad.InnerException is JsonException json)
            return (ProblemTypes.MalformedRequest, json.Path is { } path ? JsonErrors.FieldName(path) : "$", JsonErrors.Explain(json));
        if (bad.StatusCode == StatusCodes.Status415UnsupportedMediaType)
            return (ProblemTypes.UnsupportedMediaType, "$", ProblemTypes.JsonContentTypeRequired + (request.ContentType is null ? " (the request has no Content-Type)" : ""));
        if (bad.StatusCode == StatusCodes.Status413PayloadTooLarge)
            return (ProblemTypes.TooLarge, "$", "the request body is too large");
        if (BindFailure().Match(bad.Message) is { Success: true } m)
            return (ProblemTypes.InvalidQuery, m.Groups["name"].Value, m.Groups["type"].Value.Contains("bool", StringComparison.OrdinalIgnoreCase)
                ? "expected true or false"
                : "is not a valid value for this parameter");
        if (bad.Message.Contains("no body was provided", StringComparison.Ordinal))
            return (ProblemTypes.MalformedRequest, "$", "the request needs a JSON body: { \"insurer\", \"fiscalYear\", \"household\" }");
        return (ProblemTypes.BadRequest with { Status = bad.StatusCode }, "$", "the request cannot be read");
    }

    /// <summary>True when the Content-Type names a charset (as the framework reads it) that has no encoding.</summary>
    private static bool HasUnreadableCharset(HttpRequest request)
    {
        if (!MediaTypeHeaderValue.TryParse(request.ContentType, out var mediaType) || !mediaType.Charset.HasValue) return false;
        var charset = mediaType.Charset.ToString();
        if (charset.Equals("utf-8", StringComparison.OrdinalIgnoreCase)) return false;
        try
        {
            _ = Encoding.GetEncoding(charset);
            return false;
        }
        catch (ArgumentException)
        {
            return true;
        }
    }

    // The value is matched but never repeated: a query string is the caller's raw input.
    [GeneratedRegex("""^Failed to bind parameter "(?:(?<type>[^"]*) )?(?<name>\w+)" from "(?<value>.*)"\.$""", RegexOptions.Singleline)]
    private static partial Regex BindFailure();
}
