using System.Text.Json;
using KokuhoRules.Api.Audit;
using KokuhoRules.Api.Http;
using KokuhoRules.Api.Problems;
using KokuhoRules.Engine.Decisions;
using KokuhoRules.Engine.RuleSets;
using KokuhoRules.Rules.Catalog;
using KokuhoRules.Rules.Premium;
using KokuhoRules.Rules.Snapshots;
using Microsoft.AspNetCore.Http.HttpResults;
using NodaTime;

namespace KokuhoRules.Api.RuleSets;

/// <summary>
/// The rule sets being served: <c>GET /v1/rulesets</c>, <c>GET /v1/rulesets/{insurer}/{fiscalYear}</c> and
/// one parameter, <c>GET /v1/rulesets/{insurer}/{fiscalYear}/parameters/{path}</c>. An answer about one
/// rule set carries its content hash as <c>ETag</c>; <c>If-None-Match</c> with it answers 304.
/// </summary>
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

    /// <summary>One parameter of a rule set, and the rule set it was read from (version and hash).</summary>
    public sealed record ParameterLookup(RuleSetStamp RuleSet, ParameterView Parameter);

    /// <summary>How many parameter paths an unknown-parameter problem suggests at most.</summary>
    private const int MaxSuggestions = 12;

    public static IEndpointRouteBuilder MapRuleSetEndpoints(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/v1/rulesets").WithTags("Rule sets");
        group.MapGet("/", List).WithName("ListRuleSets").WithSummary("The rule sets served, and any refused at start-up with their errors.");
        group.MapGet("/{insurer}/{fiscalYear:int}", Get).WithName("GetRuleSet")
            .WithSummary("A rule set's parameters (value, reference, confirmed) and decisions (rules, expressions, references).")
            .WithDescription("The ETag is the rule set's content hash (weak: W/\"sha256:…\"); send it back in If-None-Match to get 304 while the rule set is unchanged. Cache-Control: private, no-cache.")
            .Produces(StatusCodes.Status304NotModified)
            .ProducesProblem(StatusCodes.Status404NotFound)
            .ProducesProblem(StatusCodes.Status503ServiceUnavailable);
        group.MapGet("/{insurer}/{fiscalYear:int}/parameters/{path}", GetParameter).WithName("GetRuleSetParameter")
            .WithSummary("One parameter of a rule set by its path (e.g. rates.medical.incomeRate): value, layer, reference, confirmed, file and line.")
            .WithDescription("ETag and If-None-Match as for the rule set. An unknown path is a 404 problem naming the path and the parameters nearest to it.")
            .Produces(StatusCodes.Status304NotModified)
            .ProducesProblem(StatusCodes.Status404NotFound)
            .ProducesProblem(StatusCodes.Status503ServiceUnavailable);
        return app;
    }

    private static Ok<RuleSetList> List(RuleSetCatalog catalog, HttpContext context)
    {
        context.Response.Headers.CacheControl = ServiceHeaders.RuleSetCacheControl;
        return TypedResults.Ok(new RuleSetList(catalog.RuleSets.Select(Summary).ToArray(),
            catalog.Failures.Select(f => new RefusedRuleSet(f.RuleSet, f.Errors.Select(e => e.ToString()).ToArray())).ToArray()));
    }

    private static Results<Ok<RuleSetDetail>, StatusCodeHttpResult, ProblemHttpResult> Get(string insurer, int fiscalYear, RuleSetCatalog catalog, HttpContext context)
    {
        var rs = catalog.Find(insurer, fiscalYear);
        if (rs is null) return Missing(catalog, insurer, fiscalYear);
        context.Audit()?.Used(RuleSetStamp.Of(rs));
        if (ServiceHeaders.NotModified(context, rs.Hash)) return TypedResults.StatusCode(StatusCodes.Status304NotModified);
        var parameters = rs.ParameterTable.All.Select(View).ToArray();
        var decisions = rs.Decisions.Select(d => new DecisionView(d.Name, d.Layer, d.File, d.IntermediateNames, d.Rules)).ToArray();
        return TypedResults.Ok(new RuleSetDetail(Summary(rs), parameters, decisions));
    }

    private static Results<Ok<ParameterLookup>, StatusCodeHttpResult, ProblemHttpResult> GetParameter(string insurer, int fiscalYear, string path, RuleSetCatalog catalog, HttpContext context)
    {
        var rs = catalog.Find(insurer, fiscalYear);
        if (rs is null) return Missing(catalog, insurer, fiscalYear);
        var stamp = RuleSetStamp.Of(rs);
        context.Audit()?.Used(stamp);
        if (!rs.ParameterTable.TryGet(path, out var parameter)) return UnknownParameter(rs, path);
        if (ServiceHeaders.NotModified(context, rs.Hash)) return TypedResults.StatusCode(StatusCodes.Status304NotModified);
        return TypedResults.Ok(new ParameterLookup(stamp, View(parameter)));
    }

    /// <summary>503 for a rule set refused at start-up (where the operator finds why), else 404 listing the rule sets served.</summary>
    private static ProblemHttpResult Missing(RuleSetCatalog catalog, string insurer, int fiscalYear)
    {
        if (catalog.RefusedAtStartUp(insurer, fiscalYear) is not null)
            return TypedResults.Problem(ProblemTypes.Create(ProblemTypes.RefusedRuleSet, catalog.Resolve(insurer, fiscalYear, trial: true).Refusal!.Detail,
                [new FieldError("fiscalYear", "its rule set was refused at start-up")]));
        return TypedResults.Problem(ProblemTypes.Create(ProblemTypes.UnknownRuleSet,
            $"There is no rule set for that insurer and fiscal year. Rule sets served: {string.Join(", ", catalog.RuleSets.Select(r => $"{r.Insurer.Id}/{r.FiscalYear}"))}.",
            [new FieldError("insurer", "no such rule set")]));
    }

    /// <summary>
    /// 404 naming the path when it is a parameter path (dot-separated identifiers: no data a caller could
    /// put there), else saying only that it is not one; with the parameters under the longest known
    /// prefix of the path (or the top-level groups), so that the caller sees what there is.
    /// </summary>
    private static ProblemHttpResult UnknownParameter(PremiumRuleSet rs, string path)
    {
        var segments = path.Split('.');
        var wellFormed = segments.All(JsonErrors.IsIdentifier);
        var all = rs.ParameterTable.All.Select(p => p.Path).ToArray();
        string[] near = [];
        for (var keep = wellFormed ? segments.Length - 1 : 0; keep >= 0 && near.Length == 0; keep--)
        {
            var prefix = keep == 0 ? "" : string.Join('.', segments[..keep]) + ".";
            near = keep == 0
                ? all.Select(p => p.Split('.')[0]).Distinct(StringComparer.Ordinal).ToArray()
                : all.Where(p => p.StartsWith(prefix, StringComparison.Ordinal)).ToArray();
        }
        var named = wellFormed ? $"no parameter '{path}'" : "no parameter at that path (a parameter path is identifiers joined by dots, e.g. rates.medical.incomeRate)";
        var suggestions = string.Join(", ", near.Take(MaxSuggestions)) + (near.Length > MaxSuggestions ? ", …" : "");
        return TypedResults.Problem(ProblemTypes.Create(ProblemTypes.UnknownParameter,
            $"The rule set {rs.Insurer.Id}/{rs.FiscalYear} has {named}. Nearest: {suggestions}.",
            [new FieldError("path", wellFormed ? $"no parameter '{path}'" : "not a parameter path")]));
    }

    private static ParameterView View(ParameterInfo p) =>
        new(p.Path, p.Layer.ToString().ToLowerInvariant(), p.Value, p.Reference, p.Confirmed, p.Note, p.File, p.Line);

    private static RuleSetSummary Summary(PremiumRuleSet rs)
    {
        var manifest = rs.Source.Municipal.Manifest;
        return new RuleSetSummary(rs.Insurer, rs.FiscalYear, rs.Version, rs.NationalVersion, rs.Status.ToString().ToLowerInvariant(), rs.Hash,
            manifest.EffectiveFrom, manifest.EffectiveUntil, rs.Components.Select(c => c.Name).ToArray(), rs.UnconfirmedParameters.Count, manifest.Description);
    }
}
