using KokuhoRules.Api.Problems;
using KokuhoRules.Engine.RuleSets;
using KokuhoRules.Rules.Premium;
using Microsoft.AspNetCore.Http.HttpResults;

namespace KokuhoRules.Api.Premium;

/// <summary>保険料賦課: <c>POST /v1/premium/assessments</c>.</summary>
public static class PremiumEndpoints
{
    public static IEndpointRouteBuilder MapPremiumEndpoints(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/v1/premium").WithTags("Premium");
        group.MapPost("/assessments", Assess)
            .WithName("AssessPremium")
            .WithSummary("Assess a household's annual premium (保険料賦課) for a fiscal year.")
            .WithDescription("Returns the annual premium, each component (所得割, 均等割, 平等割, reduction, cap) and a trace of every step with the parameters, references and rules used. Query trace=false leaves the trace out.")
            .ProducesProblem(StatusCodes.Status400BadRequest)
            .ProducesProblem(StatusCodes.Status404NotFound)
            .ProducesProblem(StatusCodes.Status422UnprocessableEntity);
        group.MapPost("/reassessments", Reassess)
            .WithName("ReassessPremium")
            .WithSummary("Recalculate a household's premium after a change (更正), for every fiscal year the change reaches.")
            .WithDescription("Each year is assessed under its own rule set. Installments already due on the processing day (asOf) are kept; the rest of the new premium is spread over the installments still to come; what cannot be spread is an extra bill or a refund. A change after the 国保法110条の2 time limit is refused for that year (applied: false) with the reason.")
            .ProducesProblem(StatusCodes.Status400BadRequest)
            .ProducesProblem(StatusCodes.Status404NotFound)
            .ProducesProblem(StatusCodes.Status422UnprocessableEntity);
        return app;
    }

    private static Results<Ok<ReassessmentResponse>, ProblemHttpResult> Reassess(ReassessmentRequest request, ReassessmentService service, ILoggerFactory loggers, bool? trace)
    {
        var (response, failure) = service.Reassess(request, trace ?? true);
        var audit = loggers.CreateLogger("KokuhoRules.Audit");
        if (failure is not null)
        {
            audit.LogInformation("premium.reassess refused {Kind} insurer={Insurer}", failure.Kind, Loggable(request.Insurer));
            return TypedResults.Problem(ProblemTypes.For(failure));
        }
        foreach (var year in response!.Years)
            audit.LogInformation("premium.reassess ok household={HouseholdId} ruleset={Insurer}/{FiscalYear} version={Version} hash={Hash} applied={Applied} trial={Trial}",
                year.Assessment.Members.Count > 0 ? request.Years!.First(y => y!.FiscalYear == year.FiscalYear)!.Household!.Id : null,
                year.Assessment.Ruleset.Insurer, year.FiscalYear, year.Assessment.Ruleset.Version, year.Assessment.Ruleset.Hash, year.Applied, response.Trial);
        return TypedResults.Ok(response);
    }

    private static Results<Ok<AssessmentResponse>, ProblemHttpResult> Assess(AssessmentRequest request, PremiumService service, ILoggerFactory loggers, bool? trace)
    {
        var (response, failure) = service.Assess(request, trace ?? true);
        var audit = loggers.CreateLogger("KokuhoRules.Audit");
        if (failure is not null)
        {
            audit.LogInformation("premium.assess refused {Kind} insurer={Insurer} fiscalYear={FiscalYear}", failure.Kind, Loggable(request.Insurer), request.FiscalYear);
            return TypedResults.Problem(ProblemTypes.For(failure));
        }
        audit.LogInformation("premium.assess ok household={HouseholdId} ruleset={Insurer}/{FiscalYear} version={Version} hash={Hash} trial={Trial}",
            request.Household!.Id, response!.Ruleset.Insurer, response.Ruleset.FiscalYear, response.Ruleset.Version, response.Ruleset.Hash, response.Trial);
        return TypedResults.Ok(response);
    }

    /// <summary>A refused request's insurer as it may be logged: an insurer id (a slug), never the caller's raw text.</summary>
    private static string Loggable(string? insurer) => insurer is not null && RuleSetManifest.IsSlug(insurer) ? insurer : "(not an insurer id)";
}
