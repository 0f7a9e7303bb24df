using System.Diagnostics;

namespace KokuhoRules.Api.Problems;

/// <summary>
/// The last resort: an exception no other handler took becomes a 500 problem carrying the trace id,
/// and one log line with the exception's type and stack — not its message, which may quote a value
/// from the request (a date, an amount). Handling it here also keeps the framework from logging the
/// whole exception.
/// </summary>
public sealed class UnexpectedExceptionHandler(IProblemDetailsService problems, ILogger<UnexpectedExceptionHandler> logger) : Microsoft.AspNetCore.Diagnostics.IExceptionHandler
{
    public async ValueTask<bool> TryHandleAsync(HttpContext context, Exception exception, CancellationToken cancellationToken)
    {
        var traceId = Activity.Current?.TraceId.ToString() ?? context.TraceIdentifier;
        logger.LogError("Unexpected {ExceptionType} in {Method} {Endpoint} (trace {TraceId}){NewLine}{StackTrace}",
            Describe(exception), context.Request.Method, context.GetEndpoint()?.DisplayName ?? "(no endpoint)", traceId, Environment.NewLine, exception.StackTrace);
        context.Response.StatusCode = StatusCodes.Status500InternalServerError;
        var problem = ProblemTypes.Create(ProblemTypes.InternalError,
            $"The service failed on this request; it is logged under trace id {traceId}. Please report it with that id.", []);
        return await problems.TryWriteAsync(new ProblemDetailsContext { HttpContext = context, ProblemDetails = problem, Exception = exception });
    }

    /// <summary>The exception's type and those of its inner exceptions: <c>A ← B</c>.</summary>
    private static string Describe(Exception e)
    {
        var types = new List<string>();
        for (var x = e; x is not null; x = x.InnerException) types.Add(x.GetType().FullName ?? x.GetType().Name);
        return string.Join(" ← ", types);
    }
}
