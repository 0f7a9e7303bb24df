using KokuhoRules.Api.Audit;
using KokuhoRules.Api.Http;
using KokuhoRules.Api.Problems;
using KokuhoRules.Api.Security;
using KokuhoRules.Rules.Premium;
using Microsoft.AspNetCore.Http.HttpResults;

namespace KokuhoRules.Api.Premium;

/// <summary>保険料賦課: <c>POST /v1/premium/assessments</c>, 更正: <c>POST /v1/premium/reassessments</c>.</summary>
public static class PremiumEndpoints
{
    public static IEndpointRouteBuilder MapPremiumEndpoints(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/v1/premium").WithTags("Premium").RequireAuthorization(Policies.Calculate);
        group.MapPost("/assessments", Assess)
            .WithName("AssessPremium")
            .WithSummary("Assess a household's annual premium (保険料賦課) for a fiscal year.")
            .WithDescription("Returns the annual premium, each component (所得割, 均等割, 平等割, reduction, cap) and a trace of every step with the parameters, references and rules used. Query trace=false leaves the trace out. Needs the calculator role; a trial calculation (\"trial\": true) needs the publisher role.")
            .ProducesCalculationProblems();
        group.MapPost("/reassessments", Reassess)
            .WithName("ReassessPremium")
            .WithSummary("Recalculate a household's premium after a change (更正), for every fiscal year the change reaches.")
            .WithDescription("Each year is assessed under its own rule set. Installments already due on the processing day (asOf) are kept; the rest of the new premium is spread over the installments still to come; what cannot be spread is an extra bill or a refund. A change after the 国保法110条の2 time limit is refused for that year (applied: false) with the reason. Roles as for assessments.")
            .ProducesCalculationProblems();
        return app;
    }

    /// <summary>
    /// The problems every calculation endpoint may answer (premium, withholding, …): 400 unreadable, 401 no key, 403 role,
    /// 404 no rule set, 413 too large, 422 invalid or draft, 503 rule set refused or audit unavailable.
    /// </summary>
    internal static RouteHandlerBuilder ProducesCalculationProblems(this RouteHandlerBuilder endpoint) => endpoint
        .ProducesProblem(StatusCodes.Status400BadRequest)
        .ProducesProblem(StatusCodes.Status401Unauthorized)
        .ProducesProblem(StatusCodes.Status403Forbidden)
        .ProducesProblem(StatusCodes.Status404NotFound)
        .ProducesProblem(StatusCodes.Status413PayloadTooLarge)
        .ProducesProblem(StatusCodes.Status422UnprocessableEntity)
        .ProducesProblem(StatusCodes.Status503ServiceUnavailable);

    private static Results<Ok<ReassessmentResponse>, ProblemHttpResult> Reassess(ReassessmentRequest request, ReassessmentService service, HttpContext context, bool? trace)
    {
        if (Policies.RequireCalculationRole(context, request.Trial ?? false) is { } forbidden) return forbidden;
        var audit = context.Audit();
        foreach (var year in request.Years ?? []) audit?.About(year?.Household?.Id);
        var (response, failure) = service.Reassess(request, trace ?? true);
        if (failure is not null) return ProblemTypes.Refused(audit, failure);
        foreach (var year in response!.Years) audit?.Used(year.Assessment.Ruleset);
        ServiceHeaders.StampRuleSets(context, response.Years.Select(y => y.Assessment.Ruleset.Hash));
        return TypedResults.Ok(response);
    }

    private static Results<Ok<AssessmentResponse>, ProblemHttpResult> Assess(AssessmentRequest request, PremiumService service, HttpContext context, bool? trace)
    {
        if (Policies.RequireCalculationRole(context, request.Trial ?? false) is { } forbidden) return forbidden;
        var audit = context.Audit();
        audit?.About(request.Household?.Id);
        var (response, failure) = service.Assess(request, trace ?? true);
        if (failure is not null) return ProblemTypes.Refused(audit, failure);
        audit?.Used(response!.Ruleset);
        ServiceHeaders.StampRuleSets(context, [response!.Ruleset.Hash]);
        return TypedResults.Ok(response);
    }
}
