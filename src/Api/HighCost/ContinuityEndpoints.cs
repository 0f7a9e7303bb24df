using KokuhoRules.Api.Audit;
using KokuhoRules.Api.Http;
using KokuhoRules.Api.Premium;
using KokuhoRules.Api.Problems;
using KokuhoRules.Api.Security;
using KokuhoRules.Rules.HighCost.Continuity;
using Microsoft.AspNetCore.Http.HttpResults;

namespace KokuhoRules.Api.HighCost;

/// <summary>世帯の継続性: <c>POST /v1/high-cost/continuity</c>, whether a household's 多数回 count carries across a move within the prefecture.</summary>
public static class ContinuityEndpoints
{
    /// <summary>The services the continuity endpoint uses.</summary>
    public static IServiceCollection AddHighCostContinuity(this IServiceCollection services) => services.AddScoped<ContinuityService>();

    /// <summary>Maps <c>POST …/continuity</c> on the high-cost group.</summary>
    public static RouteGroupBuilder MapContinuityEndpoint(this RouteGroupBuilder group)
    {
        group.MapPost("/continuity", Judge)
            .WithName("JudgeHighCostContinuity")
            .WithSummary("Household continuity across a move within the prefecture (世帯の継続性): does the 多数回 count carry?")
            .WithDescription("The move-out household (転出地) and the move-in household (転入地), each as its city records it (the household contract; member ids are the pseudonymous person keys both sides share, 12 digits are refused), and the events of their members (moved, born, died, leftOtherInsurance, joinedOtherInsurance, leftHousehold, joinedHousehold), judged under the prefecture's rule set (\"prefecture\": \"hyogo\"; a city needs only to be one of its continuity.municipalities, by id, name or code). The continuity rules (NRules, joins.json) apply the national criteria: address-only move, change of head within the household, members added by birth or leaving other insurance, lost by death or joining other insurance, split/merge continuous only for the household whose head was the head before; a head who joins another household as a member, or a move to another prefecture (moveIn.prefecture), does not carry. The answer names the criterion, its rule and reference, the facts joined, and the history months the move-in city takes over (benefit months from 2018-04 within the reach of a 多数回 window). Query trace=false leaves the trace out. Needs the calculator role; a trial (\"trial\": true, the only way to use a draft rule set) needs the publisher role.")
            .ProducesCalculationProblems();
        return group;
    }

    private static Results<Ok<ContinuityResponse>, ProblemHttpResult> Judge(ContinuityRequest request, ContinuityService service, HttpContext context, bool? trace)
    {
        if (Policies.RequireCalculationRole(context, request.Trial ?? false) is { } forbidden) return forbidden;
        var audit = context.Audit();
        audit?.About(request.MoveOut?.Household?.Id);
        audit?.About(request.MoveIn?.Household?.Id);
        var (response, failure) = service.Judge(request, trace ?? true);
        if (failure is not null) return ProblemTypes.Refused(audit, failure);
        audit?.Used(response!.Ruleset);
        ServiceHeaders.StampRuleSets(context, [response!.Ruleset.Hash]);
        return TypedResults.Ok(response);
    }
}
