using KokuhoRules.Api.Audit;
using KokuhoRules.Api.Http;
using KokuhoRules.Api.Premium;
using KokuhoRules.Api.Problems;
using KokuhoRules.Api.Security;
using KokuhoRules.Rules.HighCost;
using Microsoft.AspNetCore.Http.HttpResults;

namespace KokuhoRules.Api.HighCost;

/// <summary>高額療養費: <c>POST /v1/high-cost/benefits</c> (a household's benefit of one care month).</summary>
public static class HighCostEndpoints
{
    /// <summary>The services of the high-cost feature.</summary>
    public static IServiceCollection AddHighCost(this IServiceCollection services) => services.AddScoped<HighCostService>();

    /// <summary>The group <c>/v1/high-cost</c> and its endpoints.</summary>
    public static IEndpointRouteBuilder MapHighCostEndpoints(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/v1/high-cost").WithTags("HighCost").RequireAuthorization(Policies.Calculate);
        group.MapPost("/benefits", Benefits)
            .WithName("ComputeHighCostBenefit")
            .WithSummary("A household's high-cost medical benefit (高額療養費) for one care month.")
            .WithDescription("The claims of the month (per member, institution, inpatient/outpatient, medical/dental: 10割 cost and co-payment) are aggregated in the order 70–74 outpatient per person → 70–74 household → whole household (under-70 claims of 21,000 or more), each step with its limit: the category given (限度額適用認定証) or decided from the income, the 1% term on the total cost, 多数回 from the 4th benefit month in 12 (history), halved limits in the 75th-birthday month and the in-prefecture move month (a quarter when both). The insurer is a city (id or 全国地方公共団体コード), served by its prefecture's rule set; the care month's fiscal year picks it. Query trace=false leaves the trace out. Needs the calculator role; a trial (the only way to use a draft rule set) needs the publisher role.")
            .ProducesCalculationProblems();
        group.MapContinuityEndpoint();
        return app;
    }

    private static Results<Ok<HighCostBenefitResponse>, ProblemHttpResult> Benefits(HighCostBenefitRequest request, HighCostService service, HttpContext context, bool? trace)
    {
        if (Policies.RequireCalculationRole(context, request.Trial ?? false) is { } forbidden) return forbidden;
        var audit = context.Audit();
        audit?.About(request.Household?.Id);
        var (response, failure) = service.Compute(request, trace ?? true);
        if (failure is not null) return ProblemTypes.Refused(audit, failure);
        audit?.Used(response!.Ruleset);
        ServiceHeaders.StampRuleSets(context, [response!.Ruleset.Hash]);
        return TypedResults.Ok(response);
    }
}
