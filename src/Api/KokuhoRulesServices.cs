using KokuhoRules.Engine.RuleSets;
using KokuhoRules.Api.Http;
using KokuhoRules.Api.Problems;
using KokuhoRules.Api.Requests;
using KokuhoRules.Api.Security;
using KokuhoRules.Engine.Audit;
using KokuhoRules.Engine.Security;
using KokuhoRules.Rules.Catalog;
using KokuhoRules.Rules.Premium;
using KokuhoRules.Api.HighCost;
using KokuhoRules.Api.Withholding;
using KokuhoRules.Api.RuleSets;
using KokuhoRules.Rules.Snapshots;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Http.Json;
using Microsoft.AspNetCore.ResponseCompression;
using Npgsql;

namespace KokuhoRules.Api;

/// <summary>Wiring of the service: rule sets, keys and roles, the audit log, limits, JSON conventions, problem details, OpenAPI.</summary>
public static class KokuhoRulesServices
{
    /// <summary>Configuration key: the rule-set roots (array). Default: the rule sets bundled with the build.</summary>
    public const string RootsKey = "RuleSets:Roots";

    /// <summary>Configuration key: the PostgreSQL connection string (<c>ConnectionStrings:Kokuho</c>); none in the embedded default.</summary>
    public const string ConnectionStringName = "Kokuho";

    /// <summary>Configuration key: the folder of the local audit log (embedded default) or of the spool (with a database).</summary>
    public const string AuditDirectoryKey = "Audit:Directory";

    public static WebApplicationBuilder AddKokuhoRules(this WebApplicationBuilder builder)
    {
        var configuration = builder.Configuration;
        var connectionString = configuration.GetConnectionString(ConnectionStringName);
        var databaseConfigured = !string.IsNullOrWhiteSpace(connectionString);
        if (databaseConfigured) builder.Services.AddSingleton(_ => NpgsqlDataSource.Create(connectionString!));

        // Every rule set is read and compiled when the app starts (LogStartup reads them before the first request), from the
        // database's publications and the roots, and again when staff publish (ServedRuleSets.Reload). A request resolves the
        // catalog once, so it sees one catalog throughout; the services are thin wrappers over it, made per request.
        builder.Services.AddSingleton(services => new ServedRuleSets(
            configuration.GetSection(RootsKey).Get<string[]>() is { Length: > 0 } configured ? configured : [KokuhoRuleSets.BundledRoot],
            databaseConfigured ? services.GetRequiredService<NpgsqlDataSource>() : null, services.GetRequiredService<ILogger<ServedRuleSets>>()));
        builder.Services.AddScoped(services => services.GetRequiredService<ServedRuleSets>().Current);
        var pollSeconds = configuration.GetValue(PublicationWatcher.PollSecondsKey, PublicationWatcher.DefaultPollSeconds);
        if (databaseConfigured && pollSeconds > 0)
            builder.Services.AddHostedService(services => new PublicationWatcher(services.GetRequiredService<ServedRuleSets>(), TimeSpan.FromSeconds(pollSeconds),
                services.GetRequiredService<ILogger<PublicationWatcher>>()));
        builder.Services.AddScoped<PremiumService>();
        builder.Services.AddSingleton<NodaTime.IClock>(NodaTime.SystemClock.Instance);
        builder.Services.AddScoped<ReassessmentService>();
        builder.Services.AddWithholding();
        builder.Services.AddHighCost();
        builder.Services.AddHighCostContinuity();

        builder.Services.AddSingleton(AuthSettings.From(configuration, databaseConfigured));
        // One trace id per call, the server's own (a client's traceparent is not adopted): the audit log, problems and logs agree on it.
        builder.Services.AddSingleton<System.Diagnostics.DistributedContextPropagator, Audit.ServerTraceIds>();
        builder.Services.AddSingleton<ApiKeyStore>();
        builder.Services.AddAuthentication(ApiKeyAuthenticationHandler.SchemeName)
            .AddScheme<AuthenticationSchemeOptions, ApiKeyAuthenticationHandler>(ApiKeyAuthenticationHandler.SchemeName, null);
        builder.Services.AddAuthorization(Policies.Add);
        builder.Services.AddSingleton<IAuthorizationMiddlewareResultHandler, ProblemAuthorizationResultHandler>();

        var auditDirectory = configuration[AuditDirectoryKey] is { Length: > 0 } d ? d : Path.Combine(builder.Environment.ContentRootPath, "var", "audit");
        builder.Services.AddSingleton(services =>
        {
            var logger = services.GetRequiredService<ILoggerFactory>().CreateLogger("KokuhoRules.Audit");
            return databaseConfigured
                ? new AuditLog(new PostgresAuditStore(services.GetRequiredService<NpgsqlDataSource>()), new FileAuditStore(Path.Combine(auditDirectory, "audit-spool.jsonl")), logger)
                : new AuditLog(new FileAuditStore(Path.Combine(auditDirectory, "audit-log.jsonl")), null, logger);
        });

        var limits = new RequestLimits(configuration.GetValue("Limits:MaxBodyBytes", RequestLimits.DefaultMaxBodyBytes));
        builder.Services.AddSingleton(limits);
        builder.WebHost.ConfigureKestrel(k => k.Limits.MaxRequestBodySize = limits.MaxBodyBytes + 1);

        // JSON answers (a rule set's detail is ~100 KB, a traced assessment ~20 KB) and the reference
        // page's script are compressed for clients that ask (Accept-Encoding: br or gzip). The answers
        // never reflect a secret beside the caller's input (the key is not echoed), so compressing over
        // HTTPS gives BREACH nothing to guess.
        builder.Services.AddResponseCompression(o =>
        {
            o.EnableForHttps = true;
            o.Providers.Add<BrotliCompressionProvider>();
            o.Providers.Add<GzipCompressionProvider>();
            o.MimeTypes = ResponseCompressionDefaults.MimeTypes.Append("application/problem+json");
        });
        builder.Services.Configure<BrotliCompressionProviderOptions>(o => o.Level = System.IO.Compression.CompressionLevel.Fastest);
        builder.Services.Configure<GzipCompressionProviderOptions>(o => o.Level = System.IO.Compression.CompressionLevel.Fastest);

        builder.Services.Configure<JsonOptions>(o => KokuhoJson.Configure(o.SerializerOptions));
        builder.Services.Configure<RouteHandlerOptions>(o => o.ThrowOnBadRequest = true);
        builder.Services.AddProblemDetails(o => o.CustomizeProblemDetails = ProblemTypes.CompleteFrameworkProblem);
        builder.Services.AddExceptionHandler<BadRequestExceptionHandler>();
        builder.Services.AddExceptionHandler<UnexpectedExceptionHandler>();
        // No personal data in logs: the framework categories that write request data into log lines
        // (URLs with their query strings, raw paths, raw values that failed to bind, request lines
        // Kestrel refused) are held at Warning, where they do not; the audit log records each call
        // instead, without its data. A rule sets a category's level whatever the configured default
        // (it could raise it as well as lower it), and these rules are code, added after the
        // configuration's, so configuration cannot lower them by accident. (Their Information lines —
        // "Executing endpoint", "Writing value of type …" — cost ~40% of a request's CPU under load.)
        foreach (var category in new[] { "Microsoft.AspNetCore.Hosting.Diagnostics", "Microsoft.AspNetCore.Routing", "Microsoft.AspNetCore.Server.Kestrel", "Microsoft.AspNetCore.Http" })
            builder.Logging.AddFilter(category, LogLevel.Warning);
        // A lambda, not a method group: the XML-comment generator hooks AddOpenApi(Action<OpenApiOptions>) calls written this way.
        builder.Services.AddOpenApi(o => Docs.OpenApiConventions.Configure(o));
        return builder;
    }

    /// <summary>
    /// The request pipeline, outermost first: response compression, the service version header, the audit
    /// log (every call but the health probes; it holds the answer back until its entry is durable, so it
    /// sees the final status, problems included), problem details for errors, keys and roles, the body
    /// guard (size, hash, individual numbers).
    /// </summary>
    public static WebApplication UseKokuhoRules(this WebApplication app)
    {
        app.UseResponseCompression();
        app.UseServiceVersionHeader();
        app.UseMiddleware<Audit.AuditMiddleware>();
        app.UseExceptionHandler();
        app.UseStatusCodePages();
        app.UseRouting();
        app.UseAuthentication();
        app.UseAuthorization();
        app.UseMiddleware<RequestBodyGuard>();
        return app;
    }

    /// <summary>
    /// Logs what was loaded and every refused rule set with its errors (file, line, path), where the
    /// audit log goes, and the local development key when it is accepted.
    /// </summary>
    /// <exception cref="StartupRefusedException">The keys file cannot be used.</exception>
    public static void LogStartup(this WebApplication app)
    {
        // The keys first: a keys file that cannot be used stops the start-up before anything else is loaded.
        var keys = app.Services.GetRequiredService<ApiKeyStore>();
        var served = app.Services.GetRequiredService<ServedRuleSets>();
        var catalog = served.Current;
        var logger = app.Services.GetRequiredService<ILoggerFactory>().CreateLogger("KokuhoRules.RuleSets");
        if (app.Services.GetService<NpgsqlDataSource>() is not null)
            logger.LogInformation("{Count} published rule-set layers read from the database (ruleset_publications)", served.PublishedInDatabase);
        foreach (var rs in catalog.RuleSets)
            logger.LogInformation("Rule set {Insurer}/{FiscalYear} {Capability} version {Version} ({Status}) loaded, hash {Hash}",
                rs.Insurer.Id, rs.FiscalYear, rs.Capability, rs.Version, rs.Status, rs.Hash);
        foreach (var failure in catalog.Failures)
            logger.LogError("Rule set {RuleSet} refused:{Errors}", failure.RuleSet,
                string.Concat(failure.Errors.Select(e => Environment.NewLine + "  " + e)));

        var security = app.Services.GetRequiredService<ILoggerFactory>().CreateLogger("KokuhoRules.Security");
        var audit = app.Services.GetRequiredService<AuditLog>();
        security.LogInformation("Audit log: {Store}; keys file: {KeysFile} ({Count} active keys)", audit.Store.Description, keys.Settings.KeysFile ?? "none", keys.ActiveFileKeys);
        if (keys.Settings.KeysFile is { } file && keys.ActiveFileKeys == 0)
            security.LogWarning("The keys file {KeysFile} holds no active key: every call but the probes is refused until one is issued ('kokuho keys add --file {File} …')", file, file);
        if (keys.Settings.DevelopmentKey)
            security.LogWarning("LOCAL DEVELOPMENT KEY (embedded default, not for production; refused when a database is configured): send header '{Header}: {Key}' (roles {Roles})",
                ApiKeyAuthenticationHandler.Header, ApiKeyFile.DevelopmentKey, string.Join(", ", Roles.All));
        else if (keys.Settings.DevelopmentKeyRefusedBecause is { } why)
            security.LogInformation("The local development key is not accepted: {Reason}", why);
    }
}
