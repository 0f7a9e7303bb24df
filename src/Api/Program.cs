using KokuhoRules.Api;
using KokuhoRules.Api.Audit;
using KokuhoRules.Api.Docs;
using KokuhoRules.Api.Health;
using KokuhoRules.Api.Premium;
using KokuhoRules.Api.RuleSets;

var builder = WebApplication.CreateBuilder(args);
builder.AddKokuhoRules();

var app = builder.Build();
app.UseKokuhoRules();
app.MapApiReference();
app.MapHealthEndpoints();
app.MapRuleSetEndpoints();
app.MapPremiumEndpoints();
app.MapAuditEndpoints();
app.LogStartup();
app.Run();

/// <summary>The API's entry point (public so that tests can host it).</summary>
public partial class Program;
