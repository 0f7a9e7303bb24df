using KokuhoRules.Api.Audit;
using KokuhoRules.Api.Http;
using KokuhoRules.Api.Problems;
using KokuhoRules.Api.Security;
using KokuhoRules.Rules.Eligibility;
using Microsoft.AspNetCore.Http.HttpResults;

namespace KokuhoRules.Api.Eligibility;

/// <summary>資格継続: <c>POST /v1/eligibility/checks</c>, the gap and overlap checks of a prefecture's records.</summary>
public static class EligibilityEndpoints
{
    /// <summary>The services the eligibility endpoints use.</summary>
    public static IServiceCollection AddEligibility(this IServiceCollection services) => services.AddScoped<EligibilityService>();

    public static IEndpointRouteBuilder MapEligibilityEndpoints(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/v1/eligibility").WithTags("Eligibility").RequireAuthorization(Policies.Calculate);
        group.MapPost("/checks", Check)
            .WithName("CheckEligibility")
            .WithSummary("Check a prefecture's eligibility records (資格継続): gaps, overlaps and broken carry-overs across moves.")
            .WithDescription("Checks every city's records (適用開始・終了年月日, 資格取得・喪失年月日) against each other and against the events (death, 75th birthday, moves…) under the prefecture's rule set. Each finding names its kind, the person, the records joined, the days, the corrected date where the rules determine it, and the rule with its reference. Person keys are pseudonymous: a 12-digit value is refused as an individual number. Needs the calculator role; a trial (\"trial\": true, the only way to use a draft rule set) needs the publisher role.")
            .ProducesProblem(StatusCodes.Status400BadRequest)
            .ProducesProblem(StatusCodes.Status401Unauthorized)
            .ProducesProblem(StatusCodes.Status403Forbidden)
            .ProducesProblem(StatusCodes.Status404NotFound)
            .ProducesProblem(StatusCodes.Status413PayloadTooLarge)
            .ProducesProblem(StatusCodes.Status422UnprocessableEntity)
            .ProducesProblem(StatusCodes.Status503ServiceUnavailable);
        return app;
    }

    private static Results<Ok<EligibilityCheckResponse>, ProblemHttpResult> Check(EligibilityCheckRequest request, EligibilityService service, HttpContext context)
    {
        if (Policies.RequireCalculationRole(context, request.Trial ?? false) is { } forbidden) return forbidden;
        var audit = context.Audit();
        var (response, failure) = service.Check(request);
        if (failure is not null) return ProblemTypes.Refused(audit, failure);
        foreach (var record in request.Records!) audit?.About(record!.PersonKey);
        audit?.Used(response!.Ruleset);
        ServiceHeaders.StampRuleSets(context, [response!.Ruleset.Hash]);
        return TypedResults.Ok(response);
    }
}
