using System.Text.Json;
using System.Text.RegularExpressions;
using KokuhoRules.Rules.Snapshots;
using Microsoft.AspNetCore.Diagnostics;

namespace KokuhoRules.Api.Problems;

/// <summary>
/// Turns a request the framework could not read (malformed JSON, a value of the wrong type, an
/// unknown field, a missing body, an unreadable query parameter, a body that is not JSON) into an
/// RFC 9457 problem that names the field, instead of a bare 400 or the framework's developer message.
/// </summary>
public sealed partial class BadRequestExceptionHandler(IProblemDetailsService problems) : IExceptionHandler
{
    public async ValueTask<bool> TryHandleAsync(HttpContext context, Exception exception, CancellationToken cancellationToken)
    {
        if (exception is not BadHttpRequestException bad) return false;
        var (type, field, message) = Describe(bad, context.Request);
        context.Response.StatusCode = type.Status;
        var problem = ProblemTypes.Create(type, field == "$" ? message : $"'{field}': {message}", [new FieldError(field, message)]);
        return await problems.TryWriteAsync(new ProblemDetailsContext { HttpContext = context, ProblemDetails = problem, Exception = exception });
    }

    private static (ProblemTypes.ProblemType Type, string Field, string Message) Describe(BadHttpRequestException bad, HttpRequest request)
    {
        if (bad.InnerException is JsonException json)
            return (ProblemTypes.MalformedRequest, json.Path is { } path ? ProblemTypes.FieldName(path) : "$", ProblemTypes.Explain(json));
        if (bad.StatusCode == StatusCodes.Status415UnsupportedMediaType)
            return (ProblemTypes.UnsupportedMediaType, "$", $"the body must be sent with Content-Type: application/json (got '{request.ContentType ?? "none"}')");
        if (bad.StatusCode == StatusCodes.Status413PayloadTooLarge)
            return (ProblemTypes.TooLarge, "$", "the request body is too large");
        if (BindFailure().Match(bad.Message) is { Success: true } m)
            return (ProblemTypes.MalformedRequest, m.Groups["name"].Value, "is not a valid value for this parameter"); // the value is not echoed: a URL is client input and may carry anything
        if (bad.Message.Contains("no body was provided", StringComparison.Ordinal))
            return (ProblemTypes.MalformedRequest, "$", "the request needs a JSON body: { \"insurer\", \"fiscalYear\", \"household\" }");
        return (ProblemTypes.BadRequest with { Status = bad.StatusCode }, "$", "the request cannot be read");
    }

    [GeneratedRegex("""^Failed to bind parameter "(?:[^"]* )?(?<name>\w+)" from "(?<value>.*)"\.$""")]
    private static partial Regex BindFailure();
}
