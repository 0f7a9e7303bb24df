using KokuhoRules.Rules.Catalog;

namespace KokuhoRules.Api.Health;

public static class HealthEndpoints
{
    /// <summary>Health of the service.</summary>
    public sealed record HealthResponse(string Status, int RuleSets, int RefusedRuleSets);

    public static IEndpointRouteBuilder MapHealthEndpoints(this IEndpointRouteBuilder app)
    {
        app.MapGet("/health", (RuleSetCatalog catalog) =>
                TypedResults.Ok(new HealthResponse(catalog.RuleSets.Count > 0 ? "ok" : "no-rulesets", catalog.RuleSets.Count, catalog.Failures.Count)))
            .WithName("Health").WithTags("Health").WithSummary("Liveness, and how many rule sets are being served.");
        return app;
    }
}
