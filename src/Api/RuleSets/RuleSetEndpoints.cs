using System.Text.Json;
using KokuhoRules.Api.Audit;
using KokuhoRules.Api.Problems;
using KokuhoRules.Engine.Decisions;
using KokuhoRules.Engine.RuleSets;
using KokuhoRules.Rules.Catalog;
using KokuhoRules.Rules.Premium;
using KokuhoRules.Rules.Snapshots;
using Microsoft.AspNetCore.Http.HttpResults;
using NodaTime;

namespace KokuhoRules.Api.RuleSets;

/// <summary>The rule sets being served: <c>GET /v1/rulesets</c>, <c>GET /v1/rulesets/{insurer}/{fiscalYear}</c>.</summary>
public static class RuleSetEndpoints
{
    /// <summary>A rule set in a list.</summary>
    public sealed record RuleSetSummary(InsurerInfo Insurer, int FiscalYear, string Version, string NationalVersion, string Status, string Hash,
        LocalDate EffectiveFrom, LocalDate EffectiveUntil, IReadOnlyList<string> Components, int UnconfirmedParameters, string? Description);

    /// <summary>A rule set that failed validation, with its errors.</summary>
    public sealed record RefusedRuleSet(string RuleSet, IReadOnlyList<string> Errors);

    public sealed record RuleSetList(IReadOnlyList<RuleSetSummary> RuleSets, IReadOnlyList<RefusedRuleSet> Refused);

    /// <summary>A parameter with its value and the law or notice it comes from.</summary>
    public sealed record ParameterView(string Path, string Layer, JsonElement Value, string Reference, bool Confirmed, string? Note, string File, int Line);

    /// <summary>A decision (RulesEngine workflow) with its rules in the order they are tried.</summary>
    public sealed record DecisionView(string Name, string Layer, string File, IReadOnlyList<string> Intermediates, IReadOnlyList<DecisionRule> Rules);

    public sealed record RuleSetDetail(RuleSetSummary RuleSet, IReadOnlyList<ParameterView> Parameters, IReadOnlyList<DecisionView> Decisions);

    public static IEndpointRouteBuilder MapRuleSetEndpoints(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/v1/rulesets").WithTags("Rule sets");
        group.MapGet("/", List).WithName("ListRuleSets").WithSummary("The rule sets served, and any refused at start-up with their errors.");
        group.MapGet("/{insurer}/{fiscalYear:int}", Get).WithName("GetRuleSet")
            .WithSummary("A rule set's parameters (value, reference, confirmed) and decisions (rules, expressions, references).")
            .ProducesProblem(StatusCodes.Status404NotFound)
            .ProducesProblem(StatusCodes.Status503ServiceUnavailable);
        return app;
    }

    private static Ok<RuleSetList> List(RuleSetCatalog catalog) =>
        TypedResults.Ok(new RuleSetList(catalog.RuleSets.Select(Summary).ToArray(),
            catalog.Failures.Select(f => new RefusedRuleSet(f.RuleSet, f.Errors.Select(e => e.ToString()).ToArray())).ToArray()));

    private static Results<Ok<RuleSetDetail>, ProblemHttpResult> Get(string insurer, int fiscalYear, RuleSetCatalog catalog, HttpContext context)
    {
        var rs = catalog.Find(insurer, fiscalYear);
        if (rs is not null) context.Audit()?.Used(RuleSetStamp.Of(rs));
        if (rs is null && catalog.RefusedAtStartUp(insurer, fiscalYear) is not null)
            return TypedResults.Problem(ProblemTypes.Create(ProblemTypes.RefusedRuleSet, catalog.Resolve(insurer, fiscalYear, trial: true).Refusal!.Detail,
                [new FieldError("fiscalYear", "its rule set was refused at start-up")]));
        if (rs is null)
            return TypedResults.Problem(ProblemTypes.Create(ProblemTypes.UnknownRuleSet,
                $"There is no rule set for that insurer and fiscal year. Rule sets served: {string.Join(", ", catalog.RuleSets.Select(r => $"{r.Insurer.Id}/{r.FiscalYear}"))}.",
                [new FieldError("insurer", "no such rule set")]));
        var parameters = rs.ParameterTable.All
            .Select(p => new ParameterView(p.Path, p.Layer.ToString().ToLowerInvariant(), p.Value, p.Reference, p.Confirmed, p.Note, p.File, p.Line)).ToArray();
        var decisions = rs.Decisions.Select(d => new DecisionView(d.Name, d.Layer, d.File, d.IntermediateNames, d.Rules)).ToArray();
        return TypedResults.Ok(new RuleSetDetail(Summary(rs), parameters, decisions));
    }

    private static RuleSetSummary Summary(PremiumRuleSet rs)
    {
        var manifest = rs.Source.Municipal.Manifest;
        return new RuleSetSummary(rs.Insurer, rs.FiscalYear, rs.Version, rs.NationalVersion, rs.Status.ToString().ToLowerInvariant(), rs.Hash,
            manifest.EffectiveFrom, manifest.EffectiveUntil, rs.Components.Select(c => c.Name).ToArray(), rs.UnconfirmedParameters.Count, manifest.Description);
    }
}
