using System.Diagnostics;
using System.Runtime.ExceptionServices;
using KokuhoRules.Api.Problems;
using KokuhoRules.Engine.Audit;
using Microsoft.AspNetCore.Diagnostics;
using Microsoft.AspNetCore.Http.Features;
using NodaTime;

namespace KokuhoRules.Api.Audit;

/// <summary>
/// Audits every call but the health probes. The answer is held back (buffered) until the pipeline has
/// produced it whole — status, headers, body, also the problems of the exception handler and of the
/// status-code pages, which run inside this middleware — then its entry, with the status about to be
/// sent, is made durable, and only then does the first byte leave. When the entry cannot be written
/// (a full disk, a failing spool) the answer is not given: the call gets a 503 problem saying the
/// audit log cannot be written instead, so no answer is ever given that the log does not hold, and
/// an entry never claims a status that was not sent. A call whose client goes away is audited with
/// status 499.
/// </summary>
public sealed class AuditMiddleware(RequestDelegate next, AuditLog log, IClock clock, ILogger<AuditMiddleware> logger)
{
    /// <summary>Status recorded when the client went away before the answer started (nginx's convention).</summary>
    public const int ClientClosedRequest = 499;

    /// <summary>What an entry's <see cref="AuditEntry.Path"/> says when no endpoint of the API took the call (the path itself is client input, not repeated).</summary>
    public const string UnmatchedPath = "(unmatched)";

    public async Task InvokeAsync(HttpContext context)
    {
        if (!IsAudited(context.Request.Path))
        {
            await next(context);
            return;
        }
        var record = new AuditRecord();
        context.Features.Set(record);
        var at = clock.GetCurrentInstant();
        var started = Stopwatch.GetTimestamp();
        var body = context.Features.GetRequiredFeature<IHttpResponseBodyFeature>();
        // Seekable, so that the exception handler's Response.Clear() also drops a body half-written before a failure.
        using var held = new MemoryStream();
        context.Response.Body = held;
        var holding = context.Features.GetRequiredFeature<IHttpResponseBodyFeature>();
        Exception? failure = null;
        try
        {
            await next(context);
            await holding.CompleteAsync(); // what a handler wrote through Response.BodyWriter is flushed into the buffer
        }
        catch (Exception e)
        {
            failure = e;
        }
        finally
        {
            context.Features.Set(body);
        }

        var aborted = context.RequestAborted.IsCancellationRequested;
        var status = aborted ? ClientClosedRequest : failure is not null ? StatusCodes.Status500InternalServerError : context.Response.StatusCode;
        var audited = await TryAppend(context, record, at, status, started, outcome: null);
        if (aborted) return;
        if (failure is not null) ExceptionDispatchInfo.Throw(failure); // escaped the exception handler: the server answers 500, as audited
        if (audited)
        {
            if (context.Response.ContentLength is null && held.Length > 0) context.Response.ContentLength = held.Length;
            held.Position = 0;
            await held.CopyToAsync(body.Stream, context.RequestAborted);
            return;
        }
        await RefuseUnaudited(context, record, at, started);
    }

    /// <summary>The entry could not be made durable: the answer is dropped and the call refused with 503 (audited too, if the log takes it now).</summary>
    private async Task RefuseUnaudited(HttpContext context, AuditRecord record, Instant at, long started)
    {
        context.Response.Clear();
        context.Response.StatusCode = StatusCodes.Status503ServiceUnavailable;
        context.Response.Headers.RetryAfter = "10";
        await TryAppend(context, record, at, StatusCodes.Status503ServiceUnavailable, started, AuditOutcomes.Unavailable);
        await TypedResults.Problem(ProblemTypes.Create(ProblemTypes.AuditUnwritable,
            "The audit log cannot be written, and the service gives no answer it has not recorded: this call was not carried out. Retry later; the operator is told (readiness says so too).", [])).ExecuteAsync(context);
    }

    private async Task<bool> TryAppend(HttpContext context, AuditRecord record, Instant at, int status, long started, string? outcome)
    {
        try
        {
            await log.AppendAsync(Entry(context, record, at, status, outcome, Stopwatch.GetElapsedTime(started)));
            return true;
        }
        catch (IOException)
        {
            // AuditLog has logged why (once per failure, with the store and the error); this is per call, without its data.
            logger.LogError("Call {Method} {Endpoint} (trace {TraceId}) refused with 503: its audit entry could not be written",
                context.Request.Method, EndpointOf(context)?.DisplayName ?? UnmatchedPath, TraceId(context));
            return false;
        }
    }

    /// <summary>Everything is audited but the health probes (which hold no data and are polled every few seconds).</summary>
    public static bool IsAudited(PathString path) => !path.StartsWithSegments("/health");

    /// <summary>
    /// The route template of the endpoint that answered (<c>/v1/rulesets/{insurer}/{fiscalYear}</c>:
    /// the values are in <see cref="AuditEntry.RuleSets"/>), or <see cref="UnmatchedPath"/> when no
    /// endpoint took the call: a URL is client input and may carry anything.
    /// </summary>
    private static string PathOf(Endpoint? endpoint) =>
        endpoint is RouteEndpoint route && route.RoutePattern.RawText is { } template
            ? template.StartsWith('/') ? template : "/" + template
            : UnmatchedPath;

    /// <summary>The endpoint that took the call; the exception handler clears it, so also the one it kept.</summary>
    private static Endpoint? EndpointOf(HttpContext context) =>
        context.GetEndpoint() ?? context.Features.Get<IExceptionHandlerFeature>()?.Endpoint;

    /// <summary>The server's own trace id of the call (a client's <c>traceparent</c> is not adopted: see <see cref="ServerTraceIds"/>).</summary>
    public static string TraceId(HttpContext context) => Activity.Current?.TraceId.ToString() ?? context.TraceIdentifier;

    private static AuditEntry Entry(HttpContext context, AuditRecord record, Instant at, int status, string? outcome, TimeSpan elapsed)
    {
        var endpoint = EndpointOf(context);
        return new AuditEntry(
            Guid.CreateVersion7(at.ToDateTimeOffset()),
            at,
            record.KeyId,
            record.Holder,
            context.Request.Method,
            PathOf(endpoint),
            endpoint?.Metadata.GetMetadata<IEndpointNameMetadata>()?.EndpointName,
            status,
            outcome ?? (status is (>= 400 and < ClientClosedRequest) or StatusCodes.Status503ServiceUnavailable ? record.Outcome : null) ?? AuditOutcomes.ForStatus(status, endpoint is RouteEndpoint),
            record.RuleSets.ToArray(),
            record.Subjects.ToArray(),
            record.BodySha256,
            record.BodyBytes,
            (long)elapsed.TotalMicroseconds,
            context.Connection.RemoteIpAddress?.ToString(),
            TraceId(context));
    }
}
