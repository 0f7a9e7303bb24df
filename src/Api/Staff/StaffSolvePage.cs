using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using KokuhoRules.Api.Audit;
using KokuhoRules.Engine.RuleSets;
using KokuhoRules.Rules.Batch;
using KokuhoRules.Rules.Premium;
using KokuhoRules.Rules.Premium.Solve;
using KokuhoRules.Rules.Snapshots;
using static KokuhoRules.Api.Staff.StaffHtml;

namespace KokuhoRules.Api.Staff;

/// <summary>
/// 料率算定 (rate solver, issue 16 item 7) on the page: the form (a premium rule set, the population as on
/// <see cref="StaffImpactPage"/>, and per component of the rule set the amount to raise, 応能割合 and 均等割割合, and the rounding),
/// POSTed as targets JSON read by <see cref="RateTargets.Parse"/> (the reader of <c>kokuho rulesets solve --targets</c>), solved by
/// <see cref="RateSolver.Solve"/>, kept in the session with the solved parameters.json (<see cref="SolvedParameters.Write"/>) and shown
/// after a redirect. A bad field or an unreachable target: the form again with the message, 422. Audited with the rule set.
/// </summary>
public static class StaffSolvePage
{
    /// <summary><c>GET /staff/solve</c>: the form, for the rule set <c>?draft=</c> names (default the newest premium rule set).</summary>
    public static IResult Form(HttpContext context, RuleSetCatalog catalog, IConfiguration configuration, IWebHostEnvironment environment) =>
        FormPage(context, catalog, configuration, environment, context.Request.Query["draft"], null, null);

    private static IResult FormPage(HttpContext context, RuleSetCatalog catalog, IConfiguration configuration, IWebHostEnvironment environment,
        string? chosen, IFormCollection? form, string? problem)
    {
        var premium = PremiumRuleSetCompiler.CapabilityName;
        var choices = catalog.RuleSets.Where(r => r.Capability == premium).Select(r => RuleSetSpec.Of(r).ToString()).ToArray();
        var selected = choices.Contains(chosen) ? chosen : choices.LastOrDefault();
        var draft = StaffRuleSetPages.Find(catalog, premium, selected) as PremiumRuleSet;
        string V(string field, string fallback) => form?[field].ToString() is { Length: > 0 } v ? v : fallback;
        var b = new StringBuilder();
        if (problem is not null) b.Append($"<p class=\"error\" id=\"solve-problem\">算定できません: {E(problem)}</p>");
        b.Append("<form class=\"stack\" method=\"get\" action=\"/staff/solve\"><label>ルールセット ").Append(StaffRuleSetPages.Select("draft", choices, selected))
            .Append("</label><button type=\"submit\">区分を表示する</button></form>");
        b.Append("<form class=\"stack\" method=\"post\" action=\"/staff/solve\">").Append(Csrf(StaffAuth.Session(context).Csrf))
            .Append($"<input type=\"hidden\" name=\"draft\" value=\"{E(selected ?? "")}\">");
        b.Append(StaffImpactPage.PopulationFields(StaffImpactPage.Files(StaffImpactPage.Folder(configuration, environment))));
        foreach (var c in draft?.Components ?? [])
        {
            var n = E(c.Name);
            b.Append($"<fieldset><legend>{E(c.Label)} ({n})</legend>")
                .Append($"<label>目標賦課総額 (円, 空欄: この区分を算定しない) <input type=\"text\" inputmode=\"numeric\" name=\"{n}.amount\" value=\"{E(V(c.Name + ".amount", ""))}\"></label>")
                .Append($"<label>応能割合 (0〜1) <input type=\"text\" name=\"{n}.incomeShare\" value=\"{E(V(c.Name + ".incomeShare", "0.5"))}\"></label>")
                .Append($"<label>均等割割合 (均等割:平等割 の均等割, 0〜1) <input type=\"text\" name=\"{n}.perCapitaShare\" value=\"{E(V(c.Name + ".perCapitaShare", "0.7"))}\"></label></fieldset>");
        }
        b.Append("<fieldset><legend>端数処理</legend>")
            .Append($"<label>所得割率の単位 <input type=\"text\" name=\"rounding.incomeRate\" value=\"{E(V("rounding.incomeRate", "0.0001"))}\"> (0.0001 = 0.01%)</label>")
            .Append($"<label>均等割の単位 (円) <input type=\"text\" name=\"rounding.perCapita\" value=\"{E(V("rounding.perCapita", "1"))}\"></label>")
            .Append($"<label>平等割の単位 (円) <input type=\"text\" name=\"rounding.perHousehold\" value=\"{E(V("rounding.perHousehold", "1"))}\"></label></fieldset>");
        b.Append("<button type=\"submit\">料率を算定する</button></form>");
        return Html(context, Page("料率算定", b.ToString(), StaffAuth.Holder(context), StaffAuth.Session(context).Csrf),
            problem is null ? StatusCodes.Status200OK : StatusCodes.Status422UnprocessableEntity);
    }

    /// <summary><c>POST /staff/solve</c>: solves, keeps the solution in the session and redirects to the result; a bad field or an unreachable target: the form again, 422.</summary>
    public static async Task<IResult> Run(HttpContext context, RuleSetCatalog catalog, StaffSessions sessions, IConfiguration configuration, IWebHostEnvironment environment)
    {
        var form = await context.Request.ReadFormAsync(context.RequestAborted);
        var (result, problem) = Solve(context, catalog, form, StaffImpactPage.Folder(configuration, environment));
        if (result is null) return FormPage(context, catalog, configuration, environment, form["draft"], form, problem);
        sessions.Update(StaffAuth.Session(context) with { LastSolve = result });
        return SeeOther(context, "/staff/solve/result");
    }

    private static (StaffSolveResult? Result, string? Problem) Solve(HttpContext context, RuleSetCatalog catalog, IFormCollection form, string folder)
    {
        if (StaffRuleSetPages.Find(catalog, PremiumRuleSetCompiler.CapabilityName, form["draft"]) is not PremiumRuleSet draft) return (null, "ルールセットが見つかりません");
        context.Audit()?.Used(draft.Stamp);
        RateTargets targets;
        try
        {
            targets = RateTargets.Parse(TargetsJson(draft, form), "フォーム");
        }
        catch (InvalidDataException e)
        {
            return (null, e.Message);
        }
        var (households, problem) = StaffImpactPage.Population(draft.FiscalYear, form, folder, context.RequestAborted);
        if (households is null) return (null, problem);
        try
        {
            var solution = RateSolver.Solve(draft, households, targets, Math.Max(1, Environment.ProcessorCount / 2), StaffAuth.Holder(context), cancel: context.RequestAborted);
            return (new StaffSolveResult(solution, SolvedParameters.Write(draft, solution, solution.At.InUtc().Date), null), null);
        }
        catch (Exception e) when (e is UnreachableTargetException or InvalidDataException)
        {
            return (null, e.Message);
        }
    }

    /// <summary>
    /// The form's targets as the JSON of a targets file, for the reader to check the ranges. A field that is not a number (a yen field
    /// not a whole number of yen) is refused here, naming it as the targets file does: the reader would only say its JSON type is wrong.
    /// </summary>
    /// <exception cref="InvalidDataException">A field is not a number.</exception>
    private static byte[] TargetsJson(PremiumRuleSet draft, IFormCollection form)
    {
        JsonNode Number(string field, string at, bool yen)
        {
            var text = form[field].ToString().Trim();
            if (yen && long.TryParse(text.Replace(",", "", StringComparison.Ordinal), NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var y)) return JsonValue.Create(y);
            if (!yen && decimal.TryParse(text, NumberStyles.AllowDecimalPoint | NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var d)) return JsonValue.Create(d);
            throw new InvalidDataException($"フォーム: {at} は{(yen ? "円単位の整数" : "数値")}を半角で入力してください");
        }
        var components = new JsonObject();
        foreach (var c in draft.Components.Where(c => form[c.Name + ".amount"].ToString().Trim().Length > 0))
            components[c.Name] = new JsonObject
            {
                ["amount"] = Number(c.Name + ".amount", $"components.{c.Name}.amount", yen: true),
                ["incomeShare"] = Number(c.Name + ".incomeShare", $"components.{c.Name}.incomeShare", yen: false),
                ["perCapitaShare"] = Number(c.Name + ".perCapitaShare", $"components.{c.Name}.perCapitaShare", yen: false),
            };
        JsonObject Unit(string field) => new() { ["unitYen"] = Number(field, field + ".unitYen", yen: true), ["mode"] = "floor" };
        var root = new JsonObject
        {
            ["rounding"] = new JsonObject { ["incomeRate"] = Number("rounding.incomeRate", "rounding.incomeRate", yen: false), ["perCapita"] = Unit("rounding.perCapita"), ["perHousehold"] = Unit("rounding.perHousehold") },
            ["components"] = components,
        };
        return JsonSerializer.SerializeToUtf8Bytes(root);
    }

    /// <summary><c>GET /staff/solve/result</c>: the session's last solution.</summary>
    public static IResult Result(HttpContext context)
    {
        var session = StaffAuth.Session(context);
        if (session.LastSolve?.Solution is not { } s) return SeeOther(context, "/staff/solve");
        context.Audit()?.Used(s.Ruleset);
        var r = s.Ruleset;
        var b = new StringBuilder("<p><a href=\"/staff/solve\">別の条件で算定する</a> ・ <a id=\"solve-download\" href=\"/staff/solve/parameters.json\" download>算定した parameters.json</a></p>");
        b.Append($"<p>{E(r.Insurer)}/{r.FiscalYear} 版 {E(r.Version)} ({E(StaffRuleSetPages.StatusLabel(r.Status))}) <span class=\"hash\">{E(r.Hash)}</span></p>")
            .Append($"<p>世帯 {Yen(s.Households)} ・ 所得割率の単位 {E(s.IncomeRateUnit)} ・ {s.Passes} 回の走査 ・ {s.ElapsedSeconds.ToString("F1", CultureInfo.InvariantCulture)} 秒 ・ {E(s.By)}</p>")
            .Append("<p class=\"note\">算定した値はすべて confirmed: false です。確認してから下書きに反映してください。</p>");
        b.Append(Table(["区分", "目標 (円)", "賦課額 (円)", "差 (円)", "所得割率", "所得割率 (案)", "均等割 (円)", "均等割 (案)", "平等割 (円)", "平等割 (案)", "限度額の世帯", "反復"],
            s.Components.Select(c => new[] { E(c.Label), Yen(c.Target), Yen(c.Raised), Yen(c.Residual), Percent(c.IncomeRate), Percent(c.DraftIncomeRate),
                Yen(c.PerCapita), Yen(c.DraftPerCapita), Yen(c.PerHousehold), Yen(c.DraftPerHousehold), Yen(c.HouseholdsAtCap), c.Iterations.ToString(CultureInfo.InvariantCulture) }), "solve-components"));
        b.Append("<h2>目標と賦課額</h2>").Append(StaffChart.TargetVsRaised(s.Components));
        return Html(context, Page("料率算定の結果", b.ToString(), StaffAuth.Holder(context), session.Csrf));
    }

    /// <summary><c>GET /staff/solve/parameters.json</c>: the solved parameters.json of the session's last solution.</summary>
    public static IResult Parameters(HttpContext context) =>
        StaffAuth.Session(context).LastSolve?.Parameters is { } bytes ? Results.File(bytes, "application/json", "solved-parameters.json") : SeeOther(context, "/staff/solve");

    private static string Percent(decimal rate) => (rate * 100m).ToString("0.00##", CultureInfo.InvariantCulture) + "%";
}
