using KokuhoRules.Api.Problems;
using KokuhoRules.Rules.Catalog;
using KokuhoRules.Rules.Premium;
using KokuhoRules.Rules.Snapshots;
using Microsoft.AspNetCore.Http.Json;

namespace KokuhoRules.Api;

/// <summary>Wiring of the service: rule sets, JSON conventions, problem details, OpenAPI.</summary>
public static class KokuhoRulesServices
{
    /// <summary>Configuration key: the rule-set roots (array). Default: the rule sets bundled with the build.</summary>
    public const string RootsKey = "RuleSets:Roots";

    public static WebApplicationBuilder AddKokuhoRules(this WebApplicationBuilder builder)
    {
        // Every rule set is read and compiled once, when the app starts (LogRuleSets resolves it before the first request).
        builder.Services.AddSingleton(services =>
        {
            var configuration = services.GetRequiredService<IConfiguration>();
            var roots = configuration.GetSection(RootsKey).Get<string[]>() is { Length: > 0 } configured ? configured : [RuleSetCatalog.BundledRoot];
            return RuleSetCatalog.Load(roots);
        });
        builder.Services.AddSingleton<PremiumService>();
        builder.Services.AddSingleton<NodaTime.IClock>(NodaTime.SystemClock.Instance);
        builder.Services.AddSingleton<ReassessmentService>();
        builder.Services.Configure<JsonOptions>(o => KokuhoJson.Configure(o.SerializerOptions));
        builder.Services.Configure<RouteHandlerOptions>(o => o.ThrowOnBadRequest = true);
        builder.Services.AddProblemDetails(o => o.CustomizeProblemDetails = ProblemTypes.CompleteFrameworkProblem);
        builder.Services.AddExceptionHandler<BadRequestExceptionHandler>();
        builder.Services.AddOpenApi(o => o.AddDocumentTransformer((doc, _, _) =>
        {
            doc.Info.Title = "KokuhoRules — 国民健康保険料 計算 API";
            doc.Info.Description = "Premium assessment (保険料賦課) for municipal National Health Insurance, from versioned rule sets. Every amount is integer yen; every result names the rule set (version and hash) it came from.";
            return Task.CompletedTask;
        }));
        return builder;
    }

    /// <summary>Logs what was loaded and every refused rule set with its errors (file, line, path).</summary>
    public static void LogRuleSets(this WebApplication app)
    {
        var catalog = app.Services.GetRequiredService<RuleSetCatalog>();
        var logger = app.Services.GetRequiredService<ILoggerFactory>().CreateLogger("KokuhoRules.RuleSets");
        foreach (var rs in catalog.RuleSets)
            logger.LogInformation("Rule set {Insurer}/{FiscalYear} version {Version} ({Status}) loaded, hash {Hash}",
                rs.Insurer.Id, rs.FiscalYear, rs.Version, rs.Status, rs.Hash);
        foreach (var failure in catalog.Failures)
            logger.LogError("Rule set {RuleSet} refused:{Errors}", failure.RuleSet,
                string.Concat(failure.Errors.Select(e => Environment.NewLine + "  " + e)));
    }
}
