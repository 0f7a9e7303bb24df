namespace KokuhoRules.Api.Staff;

/// <summary>
/// The web page for policy staff under <c>/staff</c> (issue 16 items 7–8): server-rendered HTML, Japanese first, no
/// script, no request to any other host; a login form holding a publisher's API key in a server-side session
/// (<see cref="StaffAuth"/>, <see cref="StaffSessions"/>). Every page is audited by the audit middleware as the API's
/// calls are (the key's id and holder, the rule sets used, the household of a trial, the body's hash).
/// </summary>
public static class StaffPages
{
    /// <summary>The services of the staff pages (the session store).</summary>
    public static IServiceCollection AddStaffPages(this IServiceCollection services) => services.AddSingleton<StaffSessions>();

    /// <summary>Maps <c>/staff</c>: login and the style sheet open to all, every other page behind <see cref="StaffAuth.Gate"/>.</summary>
    public static WebApplication MapStaffPages(this WebApplication app)
    {
        var open = app.MapGroup("/staff").AllowAnonymous().ExcludeFromDescription();
        open.MapGet("/login", StaffAuth.LoginForm).WithName("StaffLoginForm");
        open.MapPost("/login", StaffAuth.Login).WithName("StaffLogin").DisableAntiforgery();
        open.MapGet("/staff.css", (HttpContext context) =>
        {
            StaffHtml.Secure(context);
            context.Response.Headers.CacheControl = "private, max-age=300";
            return Results.Text(StaffHtml.Css, "text/css; charset=utf-8");
        }).WithName("StaffStyleSheet");

        var pages = app.MapGroup("/staff").AllowAnonymous().ExcludeFromDescription().AddEndpointFilter(StaffAuth.Gate);
        pages.MapGet("/", StaffRuleSetPages.List).WithName("StaffRuleSets");
        pages.MapGet("/rulesets/{insurer}/{fiscalYear:int}", StaffRuleSetPages.Detail).WithName("StaffRuleSet");
        pages.MapGet("/compare", StaffRuleSetPages.Compare).WithName("StaffCompare");
        pages.MapGet("/trial", StaffTrialPage.Form).WithName("StaffTrialForm");
        pages.MapPost("/trial", StaffTrialPage.Run).WithName("StaffTrial").DisableAntiforgery();
        pages.MapGet("/trial/result", StaffTrialPage.Result).WithName("StaffTrialResult");
        pages.MapGet("/table", StaffTablePage.Show).WithName("StaffQuickReference");
        pages.MapGet("/table.csv", StaffTablePage.Csv).WithName("StaffQuickReferenceCsv");
        pages.MapPost("/logout", StaffAuth.Logout).WithName("StaffLogout").DisableAntiforgery();
        // The places of issue 16 items 3, 4 and 6 (the lead wires each page here).
        pages.MapGet("/impact", StaffImpactPage.Form).WithName("StaffImpact");
        pages.MapPost("/impact", StaffImpactPage.Run).WithName("StaffImpactRun").DisableAntiforgery();
        pages.MapGet("/impact/result", StaffImpactPage.Result).WithName("StaffImpactResult");
        pages.MapGet("/solve", StaffSolvePage.Form).WithName("StaffSolve");
        pages.MapPost("/solve", StaffSolvePage.Run).WithName("StaffSolveRun").DisableAntiforgery();
        pages.MapGet("/solve/result", StaffSolvePage.Result).WithName("StaffSolveResult");
        pages.MapGet("/solve/parameters.json", StaffSolvePage.Parameters).WithName("StaffSolveParameters");
        pages.MapGet("/publish", StaffPublishPage.List).WithName("StaffPublish");
        pages.MapGet("/publish/gate", StaffPublishPage.Gate).WithName("StaffPublishGate");
        pages.MapPost("/publish", StaffPublishPage.Post).WithName("StaffPublishRun").DisableAntiforgery();
        return app;
    }
}
