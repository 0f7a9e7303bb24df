using System.Diagnostics;
using KokuhoRules.Engine.Audit;
using NodaTime;

namespace KokuhoRules.Api.Audit;

/// <summary>
/// Audits every call but the health probes and the API description: the entry is made durable
/// before the first byte of the answer leaves (a <see cref="HttpResponse.OnStarting(Func{Task})"/>
/// callback), so no answer is ever given that the audit log does not hold. A call whose client goes
/// away before an answer is audited with status 499.
/// </summary>
public sealed partial class AuditMiddleware(RequestDelegate next, AuditLog log, IClock clock)
{
    /// <summary>Status recorded when the client went away before the answer started (nginx's convention).</summary>
    public const int ClientClosedRequest = 499;

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
        var written = 0;
        Task Write(int status)
        {
            if (Interlocked.Exchange(ref written, 1) == 1) return Task.CompletedTask;
            return log.AppendAsync(Entry(context, record, at, status, Stopwatch.GetElapsedTime(started)));
        }
        context.Response.OnStarting(() => Write(context.Response.StatusCode));
        try
        {
            await next(context);
        }
        finally
        {
            if (context.RequestAborted.IsCancellationRequested && !context.Response.HasStarted)
                await Write(ClientClosedRequest);
        }
    }

    /// <summary>Everything is audited but the health probes and the API description (which hold no data).</summary>
    public static bool IsAudited(PathString path) =>
        !path.StartsWithSegments("/health") && !path.StartsWithSegments("/openapi") && !path.StartsWithSegments("/docs");

    /// <summary>
    /// The route template of the endpoint that answered (<c>/v1/rulesets/{insurer}/{fiscalYear}</c>:
    /// the values are in <see cref="AuditEntry.RuleSets"/>), or, for a path no endpoint matched, the
    /// path with its runs of digits masked: a URL is client input and may carry anything.
    /// </summary>
    private static string PathOf(HttpContext context, Endpoint? endpoint)
    {
        if (endpoint is RouteEndpoint route && route.RoutePattern.RawText is { } template)
            return template.StartsWith('/') ? template : "/" + template;
        var path = context.Request.Path.Value ?? "/";
        if (path.Length > 200) path = path[..200] + "…";
        return DigitRuns().Replace(path, m => new string('#', m.Length));
    }

    [System.Text.RegularExpressions.GeneratedRegex("[0-9]{3,}")]
    private static partial System.Text.RegularExpressions.Regex DigitRuns();

    private static AuditEntry Entry(HttpContext context, AuditRecord record, Instant at, int status, TimeSpan elapsed)
    {
        var endpoint = context.GetEndpoint();
        var outcome = record.Outcome ?? status switch
        {
            ClientClosedRequest => "client-closed",
            < 400 => "ok",
            401 => "unauthenticated",
            403 => "forbidden",
            404 when endpoint is null => "no-such-endpoint",
            413 => "refused:too-large",
            >= 500 => "error",
            _ => "refused",
        };
        return new AuditEntry(
            Guid.CreateVersion7(at.ToDateTimeOffset()),
            at,
            record.KeyId,
            record.Holder,
            context.Request.Method,
            PathOf(context, endpoint),
            endpoint?.Metadata.GetMetadata<IEndpointNameMetadata>()?.EndpointName,
            status,
            outcome,
            record.RuleSets.ToArray(),
            record.Subjects.ToArray(),
            record.BodySha256,
            record.BodyBytes,
            (long)elapsed.TotalMicroseconds,
            context.Connection.RemoteIpAddress?.ToString(),
            Activity.Current?.TraceId.ToString() ?? context.TraceIdentifier);
    }
}
