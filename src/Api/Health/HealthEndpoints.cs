using KokuhoRules.Api.Security;
using KokuhoRules.Engine.Audit;
using KokuhoRules.Rules.Catalog;

namespace KokuhoRules.Api.Health;

/// <summary>Health probes (no key needed, no data): liveness and readiness.</summary>
public static class HealthEndpoints
{
    /// <summary>Health of the service.</summary>
    public sealed record HealthResponse(string Status, int RuleSets, int RefusedRuleSets);

    /// <summary>Whether the service can take calculations, and the state of what it depends on.</summary>
    /// <param name="Status"><c>ready</c>; <c>degraded</c> when the database is down (calculations go on, the audit log is spooled locally) or the keys file changed and is invalid (the keys accepted before stay in force, revocations applied); <c>not-ready</c> (503) when no rule set is served, the audit log cannot be written (every audited call is refused) or no key is accepted.</param>
    /// <param name="Database"><c>not-configured</c>, <c>ok</c>, or why it cannot be used.</param>
    /// <param name="AuditStore">Where audit entries go.</param>
    /// <param name="AuditSpooled">Audit entries waiting locally for the database.</param>
    /// <param name="AuditLog"><c>ok</c>, or <c>cannot be written</c> (the reason is in the service's log).</param>
    /// <param name="KeysFile"><c>not-configured</c>, <c>ok</c>, or <c>invalid</c> (the reason is in the service's log).</param>
    public sealed record ReadinessResponse(string Status, int RuleSets, int RefusedRuleSets, string Database, string AuditStore, long AuditSpooled, string AuditLog, string KeysFile);

    public static IEndpointRouteBuilder MapHealthEndpoints(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/health").WithTags("Health").AllowAnonymous();
        group.MapGet("", (RuleSetCatalog catalog) =>
                TypedResults.Ok(new HealthResponse(catalog.RuleSets.Count > 0 ? "ok" : "no-rulesets", catalog.RuleSets.Count, catalog.Failures.Count)))
            .WithName("Health").WithSummary("How many rule sets are being served (and refused).");
        group.MapGet("/live", () => TypedResults.Ok(new { status = "live" }))
            .WithName("Liveness").WithSummary("Liveness: the process answers. Restart it when this fails.");
        group.MapGet("/ready", Ready)
            .WithName("Readiness").WithSummary("Readiness: 200 while calculations can be served (also when the database is down or the keys file is invalid: status degraded); 503 when no rule set is served, the audit log cannot be written or no key is accepted.");
        return app;
    }

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
        var status = catalog.RuleSets.Count == 0 || auditLog != "ok" || noKey ? "not-ready"
            : database is "ok" or "not-configured" && keysFile != "invalid" ? "ready" : "degraded";
        var response = new ReadinessResponse(status, catalog.RuleSets.Count, catalog.Failures.Count, database, audit.Store.Description, audit.Spooled, auditLog, keysFile);
        return status == "not-ready" ? TypedResults.Json(response, statusCode: StatusCodes.Status503ServiceUnavailable) : TypedResults.Ok(response);
    }
}
