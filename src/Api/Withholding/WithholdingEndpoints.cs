using KokuhoRules.Api.Audit;
using KokuhoRules.Api.Http;
using KokuhoRules.Api.Premium;
using KokuhoRules.Api.Problems;
using KokuhoRules.Api.Security;
using KokuhoRules.Rules.Premium;
using KokuhoRules.Rules.Withholding;
using Microsoft.AspNetCore.Http.HttpResults;

namespace KokuhoRules.Api.Withholding;

/// <summary>特別徴収: <c>POST /v1/withholding/determinations</c> and <c>POST /v1/withholding/stops</c> (停止・普通徴収への切替).</summary>
public static class WithholdingEndpoints
{
    /// <summary>The services of the withholding feature.</summary>
    public static IServiceCollection AddWithholding(this IServiceCollection services) =>
        services.AddScoped<WithholdingService>().AddScoped<WithholdingStopService>();

    public static IEndpointRouteBuilder MapWithholdingEndpoints(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/v1/withholding").WithTags("Withholding").RequireAuthorization(Policies.Calculate);
        group.MapPost("/determinations", Determine)
            .WithName("DetermineWithholding")
            .WithSummary("Decide whether a household pays its premium through the pension (特別徴収), from which month and how much in each month.")
            .WithDescription("Every condition (世帯主が被保険者, 65–74, 75歳到達, 年金18万円, 介護保険料の特別徴収, 2分の1判定, the insurer's switches) is listed with whether it holds, its rule and its reference. The schedule gives 仮徴収 (April, June, August), 本徴収 (October, December, February) and the ordinary installments before the start, or the ordinary installments of the whole year when the household is not eligible. Without annualPremium the service assesses it with the premium rule set. Query trace=false leaves the trace out. Roles as for premium assessments.")
            .ProducesCalculationProblems();
        group.MapPost("/stops", Stop)
            .WithName("StopWithholding")
            .WithSummary("Stop a household's withholding after a change (特別徴収の停止) and give the rest of the year in ordinary installments (普通徴収への切替).")
            .WithDescription("The body is the household's determination request and the change { kind, date, annualPremium?, carePremiumPerPayment? }: headChanged (世帯主変更), headLostCoverage (資格喪失), conditionNoLongerHolds, premiumDecreased, premiumIncreased, directDebitRequested (口座振替への変更申出, by the insurer's deadlines), pensionSuspended, death (死亡), moveOut (転出). The answer gives the stop month (the first pension month no longer withheld), what was withheld before it, the new ordinary installments — the new premium less what was withheld and the installments already due, spread as POST /v1/premium/reassessments spreads it — and a refund when more was withheld than the new premium. Query trace=false leaves the trace out. Roles as for premium assessments.")
            .ProducesCalculationProblems();
        return app;
    }

    private static Results<Ok<WithholdingDeterminationResponse>, ProblemHttpResult> Determine(WithholdingDeterminationRequest request, WithholdingService service, HttpContext context, bool? trace)
    {
        if (Policies.RequireCalculationRole(context, request.Trial ?? false) is { } forbidden) return forbidden;
        var audit = context.Audit();
        audit?.About(request.Household?.Id);
        var (response, failure) = service.Determine(request, trace ?? true);
        if (failure is not null) return ProblemTypes.Refused(audit, failure);
        var answer = response!;
        audit?.Used(answer.Ruleset);
        audit?.Used(answer.PremiumRuleset);
        ServiceHeaders.StampRuleSets(context, [answer.Ruleset.Hash, answer.PremiumRuleset.Hash]);
        return TypedResults.Ok(answer);
    }

    private static Results<Ok<WithholdingStopResponse>, ProblemHttpResult> Stop(WithholdingStopRequest request, WithholdingStopService service, HttpContext context, bool? trace)
    {
        var trial = request.Determination?.Trial ?? false;
        if (Policies.RequireCalculationRole(context, trial) is { } forbidden) return forbidden;
        var audit = context.Audit();
        audit?.About(request.Determination?.Household?.Id);
        var (response, failure) = service.Stop(request, trace ?? true);
        if (failure is not null) return ProblemTypes.Refused(audit, failure);
        var answer = response!;
        audit?.Used(answer.Ruleset);
        audit?.Used(answer.PremiumRuleset);
        ServiceHeaders.StampRuleSets(context, [answer.Ruleset.Hash, answer.PremiumRuleset.Hash]);
        return TypedResults.Ok(answer);
    }
}
