using KokuhoRules.Api.Security;
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
/// one parameter, <c>GET /v1/rulesets/{insurer}/{fiscalYear}/parameters/{path}</c>; the last two take
/// <c>?capability=</c> (default <c>premium</c>) and <c>?version=</c> (default: the version a call made today
/// that names none would get; a draft when there is only a draft). An answer about one rule set carries its
/// content hash as <c>ETag</c>; <c>If-None-Match</c> with it answers 304.
/// </summary>
public static class RuleSetEndpoints
{
    /// <summary>A rule set in a list.</summary>
    /// <param name="InForceFrom">From when this published version serves calls that name no version (null: from the start).</param>
    /// <param name="Layers">Its layers, national first: which layer, whose, which version, its hash.</param>
    public sealed record RuleSetSummary(InsurerInfo Insurer, int FiscalYear, string Version, string NationalVersion, string Status, string Hash,
        LocalDate EffectiveFrom, LocalDate EffectiveUntil, IReadOnlyList<string> Components, int UnconfirmedParameters, string? Description,
        string Capability, LocalDate? InForceFrom, IReadOnlyList<LayerView> Layers);

    /// <summary>One layer of a rule set.</summary>
    public sealed record LayerView(string Layer, string Owner, string Version, string Status, string Hash, string Folder);

    /// <summary>A rule set that failed validation, with its errors.</summary>
    public sealed record RefusedRuleSet(string RuleSet, IReadOnlyList<string> Errors);

    public sealed record RuleSetList(IReadOnlyList<RuleSetSummary> RuleSets, IReadOnlyList<RefusedRuleSet> Refused);

    /// <summary>
    /// A parameter with its value and the law or notice it comes from; <paramref name="ToConfirm"/> says what is still to be
    /// confirmed (only with <c>confirmed: false</c>); <paramref name="Overrides"/> is the upper layer's value it replaced.
    /// </summary>
    public sealed record ParameterView(string Path, string Layer, JsonElement Value, string Reference, bool Confirmed, string? Note, string File, int Line,
        bool Overridable = false, ParameterView? Overrides = null, string? ToConfirm = null);

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
        group.MapPost("/reload", Reload).WithName("ReloadRuleSets").RequireAuthorization(Policies.Publish)
            .WithSummary("Reads the rule sets again (the database's publications, then the folders) and serves them from the next call; answers what is now served.")
            .WithDescription("For a publication made outside the service (kokuho rulesets publish --db, a new folder): the staff page's 公開 reloads by itself. Publisher role.")
            .ProducesProblem(StatusCodes.Status403Forbidden);
        return app;
    }

    private static Ok<RuleSetList> List(RuleSetCatalog catalog, HttpContext context)
    {
        context.Response.Headers.CacheControl = ServiceHeaders.RuleSetCacheControl;
        return TypedResults.Ok(ListOf(catalog));
    }

    private static Ok<RuleSetList> Reload(ServedRuleSets served, HttpContext context)
    {
        var catalog = served.Reload();
        context.Response.Headers.CacheControl = "no-store";
        return TypedResults.Ok(ListOf(catalog));
    }

    private static RuleSetList ListOf(RuleSetCatalog catalog) =>
        new(catalog.RuleSets.Select(Summary).ToArray(),
            catalog.Failures.Select(f => new RefusedRuleSet(f.RuleSet, f.Errors.Select(e => e.ToString()).ToArray())).ToArray());

    private static Results<Ok<RuleSetDetail>, StatusCodeHttpResult, ProblemHttpResult> Get(string insurer, int fiscalYear, string? capability, string? version,
        RuleSetCatalog catalog, HttpContext context)
    {
        var (rs, missing) = Shown(catalog, capability, insurer, fiscalYear, version);
        if (rs is null) return missing!;
        context.Audit()?.Used(rs.Stamp);
        if (ServiceHeaders.NotModified(context, rs.Hash)) return TypedResults.StatusCode(StatusCodes.Status304NotModified);
        var parameters = rs.ParameterTable.All.Select(View).ToArray();
        var decisions = rs.Decisions.Select(d => new DecisionView(d.Name, d.Layer, d.File, d.IntermediateNames, d.Rules)).ToArray();
        return TypedResults.Ok(new RuleSetDetail(Summary(rs), parameters, decisions));
    }

    private static Results<Ok<ParameterLookup>, StatusCodeHttpResult, ProblemHttpResult> GetParameter(string insurer, int fiscalYear, string path, string? capability, string? version,
        RuleSetCatalog catalog, HttpContext context)
    {
        var (rs, missing) = Shown(catalog, capability, insurer, fiscalYear, version);
        if (rs is null) return missing!;
        var stamp = rs.Stamp;
        context.Audit()?.Used(stamp);
        if (!rs.ParameterTable.TryGet(path, out var parameter)) return UnknownParameter(rs, path);
        if (ServiceHeaders.NotModified(context, rs.Hash)) return TypedResults.StatusCode(StatusCodes.Status304NotModified);
        return TypedResults.Ok(new ParameterLookup(stamp, View(parameter)));
    }

    /// <summary>
    /// The rule set a look-up shows: the version asked for, else the one a call made today that names none
    /// would get (through the catalog's one gate), else — a draft alone — the newest; or the problem why none.
    /// </summary>
    private static (CompiledRuleSet? RuleSet, ProblemHttpResult? Problem) Shown(RuleSetCatalog catalog, string? capability, string insurer, int fiscalYear, string? version)
    {
        capability ??= PremiumRuleSetCompiler.CapabilityName;
        if (catalog.Compilers.All(c => c.Capability != capability))
            return (null, TypedResults.Problem(ProblemTypes.Create(ProblemTypes.UnknownRuleSet,
                $"There is no such capability. Capabilities served: {string.Join(", ", catalog.Compilers.Select(c => c.Capability))}.", [new FieldError("capability", "no such capability")])));
        var (rs, refusal) = catalog.ResolveShown(capability, insurer, fiscalYear, version);
        if (rs is not null) return (rs, null);
        if (refusal!.Kind == RuleSetRefusalKind.RefusedAtStartUp)
            return (null, TypedResults.Problem(ProblemTypes.Create(ProblemTypes.RefusedRuleSet, refusal.Detail, [new FieldError("fiscalYear", "its rule set was refused at start-up")])));
        var field = refusal.Field == "rulesetVersion" ? "version" : refusal.Field == "fiscalYear" ? "fiscalYear" : "insurer";
        return (null, TypedResults.Problem(ProblemTypes.Create(ProblemTypes.UnknownRuleSet,
            refusal.Field == "rulesetVersion" ? refusal.Detail
                : $"There is no rule set for that insurer and fiscal year. Rule sets served: {string.Join(", ", catalog.RuleSets.Where(r => r.Capability == capability).Select(r => $"{r.Insurer.Id}/{r.FiscalYear}").Distinct())}.",
            [new FieldError(field, field == "version" ? "no such version" : "no such rule set")])));
    }

    /// <summary>
    /// 404 naming the path when it is a parameter path (dot-separated identifiers: no data a caller could
    /// put there), else saying only that it is not one; with the parameters under the longest known
    /// prefix of the path (or the top-level groups), so that the caller sees what there is.
    /// </summary>
    private static ProblemHttpResult UnknownParameter(CompiledRuleSet rs, string path)
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
        new(p.Path, p.Layer.ToString().ToLowerInvariant(), p.Value, p.Reference, p.Confirmed, p.Note, p.File, p.Line, p.Overridable,
            p.Overrides is { } upper ? View(upper) : null, p.ToConfirm);

    private static RuleSetSummary Summary(CompiledRuleSet rs)
    {
        var manifest = rs.Source.InsurerLayer.Manifest;
        var layers = rs.Source.Layers.Select(l => new LayerView(l.Kind.ToString().ToLowerInvariant(), l.OwnerId, l.Version,
            l.Manifest.Status.ToString().ToLowerInvariant(), l.ContentHash, l.DisplayPath)).ToArray();
        return new RuleSetSummary(rs.Insurer, rs.FiscalYear, rs.Version, rs.NationalVersion, rs.Status.ToString().ToLowerInvariant(), rs.Hash,
            manifest.EffectiveFrom, manifest.EffectiveUntil, rs is PremiumRuleSet p ? p.Components.Select(c => c.Name).ToArray() : [], rs.UnconfirmedParameters.Count,
            manifest.Description, rs.Capability, rs.InForceFrom, layers);
    }
}
