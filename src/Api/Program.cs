using KokuhoRules.Api;
using KokuhoRules.Api.Audit;
using KokuhoRules.Api.Health;
using KokuhoRules.Api.Premium;
using KokuhoRules.Api.RuleSets;
using Scalar.AspNetCore;

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

/// <summary>The API's entry point (public so that tests can host it).</summary>
public partial class Program;
