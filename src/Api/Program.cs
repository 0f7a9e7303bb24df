using KokuhoRules.Api;
using KokuhoRules.Api.Audit;
using KokuhoRules.Api.Health;
using KokuhoRules.Api.Premium;
using KokuhoRules.Api.RuleSets;
using KokuhoRules.Api.Security;
using Scalar.AspNetCore;

try
{
    var builder = WebApplication.CreateBuilder(args);
    builder.AddKokuhoRules();

    var app = builder.Build();
    app.UseKokuhoRules();
    // The API's description holds no data: it is public, like a published interface specification.
    app.MapOpenApi().AllowAnonymous();
    app.MapScalarApiReference("/docs").AllowAnonymous();
    app.MapHealthEndpoints();
    app.MapRuleSetEndpoints();
    app.MapPremiumEndpoints();
    app.MapAuditEndpoints();
    app.LogStartup();
    app.Run();
    return 0;
}
catch (StartupRefusedException e)
{
    // A configuration the service cannot serve safely: one line saying why, no stack trace.
    Console.Error.WriteLine($"KokuhoRules API not started: {e.Message}");
    return StartupRefusedException.ExitCode;
}

/// <summary>The API's entry point (public so that tests can host it).</summary>
public partial class Program;
