using System.Text.Json;
using Microsoft.AspNetCore.Diagnostics;

namespace KokuhoRules.Api.Problems;

/// <summary>
/// Turns a request the framework could not read (malformed JSON, a value of the wrong type, an
/// unknown field, a missing body) into an RFC 9457 problem that names the field, instead of a bare 400.
/// </summary>
public sealed class BadRequestExceptionHandler(IProblemDetailsService problems) : IExceptionHandler
{
    public async ValueTask<bool> TryHandleAsync(HttpContext context, Exception exception, CancellationToken cancellationToken)
    {
        if (exception is not BadHttpRequestException bad) return false;
        var json = exception.InnerException as JsonException;
        var field = json?.Path is { } path ? ProblemTypes.FieldName(path) : "$";
        var message = json is null ? bad.Message : ProblemTypes.Explain(json);
        context.Response.StatusCode = bad.StatusCode;
        var problem = ProblemTypes.Create(bad.StatusCode == StatusCodes.Status400BadRequest ? ProblemTypes.MalformedRequest : ProblemTypes.BadRequest,
            json is null ? message : $"'{field}': {message}", [new KokuhoRules.Rules.Snapshots.FieldError(field, message)]);
        problem.Status = bad.StatusCode;
        return await problems.TryWriteAsync(new ProblemDetailsContext { HttpContext = context, ProblemDetails = problem, Exception = exception });
    }
}
