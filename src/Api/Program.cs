using KokuhoRules.Api;
using KokuhoRules.Api.Audit;
using KokuhoRules.Api.Docs;
using KokuhoRules.Api.Eligibility;
using KokuhoRules.Api.Health;
using KokuhoRules.Api.HighCost;
using KokuhoRules.Api.Premium;
using KokuhoRules.Api.RuleSets;
using KokuhoRules.Api.Security;
using KokuhoRules.Api.Staff;
using KokuhoRules.Api.Withholding;

try
{
    var builder = WebApplication.CreateBuilder(args);
    builder.AddKokuhoRules();
    builder.Services.AddEligibility();
    builder.Services.AddStaffPages();

    var app = builder.Build();
    app.UseKokuhoRules();
    app.MapApiReference();
    app.MapHealthEndpoints();
    app.MapRuleSetEndpoints();
    app.MapPremiumEndpoints();
    app.MapWithholdingEndpoints();
    app.MapHighCostEndpoints();
    app.MapEligibilityEndpoints();
    app.MapAuditEndpoints();
    app.MapStaffPages();
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
