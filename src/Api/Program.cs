using KokuhoRules.Api;
using KokuhoRules.Api.Health;
using KokuhoRules.Api.Premium;
using KokuhoRules.Api.RuleSets;
using Scalar.AspNetCore;

var builder = WebApplication.CreateBuilder(args);
builder.AddKokuhoRules();

var app = builder.Build();
app.UseExceptionHandler();
app.UseStatusCodePages();
app.MapOpenApi();
app.MapScalarApiReference("/docs");
app.MapHealthEndpoints();
app.MapRuleSetEndpoints();
app.MapPremiumEndpoints();
app.LogRuleSets();
app.Run();

/// <summary>The API's entry point (public so that tests can host it).</summary>
public partial class Program;
