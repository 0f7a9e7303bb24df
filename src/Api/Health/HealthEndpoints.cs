using KokuhoRules.Api.Security;
using KokuhoRules.Engine.Audit;
using KokuhoRules.Engine.RuleSets;
using KokuhoRules.Rules.Catalog;
using Microsoft.AspNetCore.Http.HttpResults;

namespace KokuhoRules.Api.Health;

/// <summary>Health probes (no key needed, no data): liveness and readiness. Each answers GET and HEAD.</summary>
public static class HealthEndpoints
{
    /// <summary>Health of the service.</summary>
    public sealed record HealthResponse(string Status, int RuleSets, int RefusedRuleSets);

    /// <summary>The process answers.</summary>
    public sealed record LivenessResponse(string Status);

    /// <summary>Whether the service can take calculations, and the state of what it depends on.</summary>
    /// <param name="Status"><c>ready</c>; <c>degraded</c> when the database is down (calculations go on, the audit log is spooled locally) or the keys file changed and is invalid (the keys accepted before stay in force, revocations applied); <c>not-ready</c> (503) when no published rule set is served (none at all, or drafts only: drafts serve trial calculations only), the audit log cannot be written (every audited call is refused) or no key is accepted.</param>
    /// <param name="RuleSets">Rule sets served, drafts included.</param>
    /// <param name="PublishedRuleSets">Published rule sets served: those an ordinary calculation may use.</param>
    /// <param name="RefusedRuleSets">Rule sets refused at start-up (their errors: <c>GET /v1/rulesets</c> and the start-up log).</param>
    /// <param name="Database"><c>not-configured</c>, <c>ok</c>, or why it cannot be used.</param>
    /// <param name="AuditStore">Where audit entries go.</param>
    /// <param name="AuditSpooled">Audit entries waiting locally for the database.</param>
    /// <param name="AuditLog"><c>ok</c>, or <c>cannot be written</c> (the reason is in the service's log).</param>
    /// <param name="KeysFile"><c>not-configured</c>, <c>ok</c>, or <c>invalid</c> (the reason is in the service's log).</param>
    public sealed record ReadinessResponse(string Status, int RuleSets, int PublishedRuleSets, int RefusedRuleSets, string Database, string AuditStore, long AuditSpooled, string AuditLog, string KeysFile);

    public static IEndpointRouteBuilder MapHealthEndpoints(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/health").WithTags("Health").AllowAnonymous();
        Probe(group, "", Health, "Health", "How many rule sets are being served (and refused).");
        Probe(group, "/live", () => TypedResults.Ok(new LivenessResponse("live")), "Liveness", "Liveness: the process answers. Restart it when this fails.");
        Probe(group, "/ready", Ready, "Readiness",
                "Readiness: 200 while calculations can be served (also when the database is down or the keys file is invalid: status degraded); 503 when no published rule set is served (none, or drafts only), the audit log cannot be written or no key is accepted.")
            .Produces<ReadinessResponse>().Produces<ReadinessResponse>(StatusCodes.Status503ServiceUnavailable);
        return app;
    }

    /// <summary>
    /// Maps a probe for GET (described in the OpenAPI document, public: no security requirement) and
    /// HEAD (the same handler, left out of the document so that each operation id stays unique).
    /// </summary>
    private static RouteHandlerBuilder Probe(RouteGroupBuilder group, string pattern, Delegate handler, string name, string summary)
    {
        group.MapMethods(pattern, [HttpMethods.Head], handler).WithName(name + "Head").ExcludeFromDescription();
        return group.MapMethods(pattern, [HttpMethods.Get], handler).WithName(name)
            .WithSummary(summary).WithDescription(summary + " HEAD answers the same status without a body. No API key is needed.");
    }

    private static Ok<HealthResponse> Health(RuleSetCatalog catalog) =>
        TypedResults.Ok(new HealthResponse(catalog.RuleSets.Count > 0 ? "ok" : "no-rulesets", catalog.RuleSets.Count, catalog.Failures.Count));

    private static async Task<IResult> Ready(RuleSetCatalog catalog, AuditLog audit, ApiKeyStore keys, CancellationToken cancel)
    {
        var database = "not-configured";
        if (audit.Store is PostgresAuditStore postgres)
        {
            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancel);
            timeout.CancelAfter(TimeSpan.FromSeconds(3));
            database = await postgres.ProbeAsync(timeout.Token) ?? "ok";
        }
        var auditLog = await audit.ProbeAsync() is null ? "ok" : "cannot be written";
        var keysFile = keys.Settings.KeysFile is null ? "not-configured" : keys.FileProblem is null ? "ok" : "invalid";
        var noKey = keys.ActiveFileKeys == 0 && !keys.Settings.DevelopmentKey;
        var published = catalog.RuleSets.Count(r => r.Status == RuleSetStatus.Published);
        var status = published == 0 || auditLog != "ok" || noKey ? "not-ready"
            : database is "ok" or "not-configured" && keysFile != "invalid" ? "ready" : "degraded";
        var response = new ReadinessResponse(status, catalog.RuleSets.Count, published, catalog.Failures.Count, database, audit.Store.Description, audit.Spooled, auditLog, keysFile);
        return status == "not-ready" ? TypedResults.Json(response, statusCode: StatusCodes.Status503ServiceUnavailable) : TypedResults.Ok(response);
    }
}
