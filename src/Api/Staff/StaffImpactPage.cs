using System.Globalization;
using System.Text;
using KokuhoRules.Api.Audit;
using KokuhoRules.Engine.RuleSets;
using KokuhoRules.Rules.Batch;
using KokuhoRules.Rules.Premium;
using KokuhoRules.Rules.Premium.Impact;
using KokuhoRules.Rules.Snapshots;
using static KokuhoRules.Api.Staff.StaffHtml;

namespace KokuhoRules.Api.Staff;

/// <summary>
/// 影響試算 (impact report, issue 16 item 3) on the page: the form (a base and a draft premium rule set of one insurer, and
/// the population — a JSON Lines file of the folder <see cref="FolderKey"/> names, or a <see cref="SyntheticPopulation"/>
/// of N insured from a seed; no upload), POSTed, computed by <see cref="ImpactReport.Compute(PremiumRuleSet, PremiumRuleSet, string, int, string, IProgress{BatchProgress}?, CancellationToken)"/>
/// exactly as <c>kokuho rulesets impact</c> does, kept in the session and shown after a redirect: the tables and one SVG
/// chart of the change bands (<see cref="StaffChart.ChangeBands"/>). Audited with both rule sets.
/// </summary>
public static class StaffImpactPage
{
    /// <summary>Configuration key: the folder of the population files offered (default <c>var/populations</c> under the content root).</summary>
    public const string FolderKey = "Staff:PopulationFolder";

    /// <summary>The most insured a synthetic population may have on the page.</summary>
    public const int MaxSynthetic = 200_000;

    /// <summary>The population folder, absolute.</summary>
    public static string Folder(IConfiguration configuration, IWebHostEnvironment environment) =>
        Path.GetFullPath(configuration[FolderKey] is { Length: > 0 } f ? f : Path.Combine("var", "populations"), environment.ContentRootPath);

    /// <summary>The population files offered: the <c>.jsonl</c> files directly in the folder, by name.</summary>
    public static IReadOnlyList<string> Files(string folder) =>
        Directory.Exists(folder) ? Directory.EnumerateFiles(folder, "*.jsonl").Select(f => Path.GetFileName(f)).Order(StringComparer.Ordinal).ToArray() : [];

    /// <summary><c>GET /staff/impact</c>: the form.</summary>
    public static IResult Form(HttpContext context, RuleSetCatalog catalog, IConfiguration configuration, IWebHostEnvironment environment)
    {
        var choices = catalog.RuleSets.Where(r => r.Capability == PremiumRuleSetCompiler.CapabilityName).Select(r => RuleSetSpec.Of(r).ToString()).ToArray();
        var files = Files(Folder(configuration, environment));
        var b = new StringBuilder("<form class=\"stack\" method=\"post\" action=\"/staff/impact\">").Append(Csrf(StaffAuth.Session(context).Csrf));
        b.Append("<label>基準 (公開中の年度) ").Append(StaffRuleSetPages.Select("base", choices, choices.FirstOrDefault())).Append("</label>");
        b.Append("<label>試算する案 (下書きを含む) ").Append(StaffRuleSetPages.Select("draft", choices, choices.LastOrDefault())).Append("</label>");
        b.Append(PopulationFields(files));
        b.Append("<button type=\"submit\">影響を試算する</button></form>");
        return Html(context, Page("影響試算", b.ToString(), StaffAuth.Holder(context), StaffAuth.Session(context).Csrf));
    }

    /// <summary>The population fieldset of a form (synthetic N insured + seed, or a file of <paramref name="files"/>), read back by <see cref="Population"/>.</summary>
    public static string PopulationFields(IReadOnlyList<string> files)
    {
        var b = new StringBuilder("<fieldset><legend>対象の被保険者</legend>");
        b.Append("<label><input type=\"radio\" name=\"population\" value=\"synthetic\" checked> 合成した被保険者 (実在の人のデータではありません)</label>")
            .Append($"<label>人数 <input type=\"number\" name=\"insured\" min=\"1\" max=\"{MaxSynthetic}\" value=\"1000\"></label>")
            .Append("<label>乱数の種 <input type=\"number\" name=\"seed\" value=\"1\"></label>");
        foreach (var f in files)
            b.Append($"<label><input type=\"radio\" name=\"population\" value=\"file:{E(f)}\"> ファイル <code>{E(f)}</code></label>");
        if (files.Count == 0) b.Append("<p class=\"note\">被保険者ファイルのフォルダ (<code>Staff:PopulationFolder</code>) にファイルがありません。</p>");
        return b.Append("</fieldset>").ToString();
    }

    /// <summary>The synthetic population's size and seed from the form, or the sentence naming the bad field.</summary>
    private static (int Insured, int Seed, string? Problem) SyntheticOf(IFormCollection form)
    {
        if (!int.TryParse(form["insured"], NumberStyles.None, CultureInfo.InvariantCulture, out var insured) || insured < 1 || insured > MaxSynthetic)
            return (0, 0, $"人数は 1 から {MaxSynthetic:N0} の整数で入力してください");
        if (!int.TryParse(form["seed"], NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var seed)) return (0, 0, "乱数の種は整数で入力してください");
        return (insured, seed, null);
    }

    /// <summary>The households the form's population (<see cref="PopulationFields"/>) names, or the sentence saying why not.</summary>
    public static (IReadOnlyList<HouseholdSnapshot>? Households, string? Problem) Population(int fiscalYear, IFormCollection form, string folder, CancellationToken cancel)
    {
        var population = form["population"].ToString();
        if (population.StartsWith("file:", StringComparison.Ordinal))
        {
            var name = population["file:".Length..];
            if (!Files(folder).Contains(name, StringComparer.Ordinal)) return (null, "被保険者ファイルが見つかりません");
            return (PopulationFile.ReadAll(Path.Combine(folder, name), Math.Max(1, Environment.ProcessorCount / 2), cancel).Households, null);
        }
        var (insured, seed, problem) = SyntheticOf(form);
        return problem is null ? (Synthetic(fiscalYear, seed, insured), null) : (null, problem);
    }

    /// <summary><c>POST /staff/impact</c>: computes the report, keeps it in the session, redirects to the result.</summary>
    public static async Task<IResult> Run(HttpContext context, RuleSetCatalog catalog, StaffSessions sessions, IConfiguration configuration, IWebHostEnvironment environment)
    {
        var form = await context.Request.ReadFormAsync(context.RequestAborted);
        var session = StaffAuth.Session(context);
        var (report, problem) = Compute(context, catalog, form, Folder(configuration, environment));
        sessions.Update(session with { LastImpact = new StaffImpactResult(report, problem) });
        return SeeOther(context, "/staff/impact/result");
    }

    private static (ImpactReport? Report, string? Problem) Compute(HttpContext context, RuleSetCatalog catalog, IFormCollection form, string folder)
    {
        var premium = PremiumRuleSetCompiler.CapabilityName;
        if (StaffRuleSetPages.Find(catalog, premium, form["base"]) is not PremiumRuleSet baseRs) return (null, "基準のルールセットが見つかりません");
        if (StaffRuleSetPages.Find(catalog, premium, form["draft"]) is not PremiumRuleSet draftRs) return (null, "試算する案のルールセットが見つかりません");
        if (baseRs.Insurer != draftRs.Insurer) return (null, "基準と案は同じ保険者のルールセットを選んでください");
        context.Audit()?.Used(baseRs.Stamp);
        context.Audit()?.Used(draftRs.Stamp);
        var by = StaffAuth.Holder(context);
        var threads = Math.Max(1, Environment.ProcessorCount / 2);
        var population = form["population"].ToString();
        if (population.StartsWith("file:", StringComparison.Ordinal))
        {
            var name = population["file:".Length..];
            if (!Files(folder).Contains(name, StringComparer.Ordinal)) return (null, "被保険者ファイルが見つかりません");
            return (ImpactReport.Compute(baseRs, draftRs, Path.Combine(folder, name), threads, by, null, context.RequestAborted), null);
        }
        var (insured, seed, problem) = SyntheticOf(form);
        if (problem is not null) return (null, problem);
        var households = Synthetic(baseRs.FiscalYear, seed, insured);
        var source = $"synthetic {baseRs.FiscalYear} seed {seed} insured {insured}";
        return (ImpactReport.Compute(baseRs, draftRs, households, source, threads, by, context.RequestAborted), null);
    }

    /// <summary>The synthetic population of <paramref name="insured"/> insured for <paramref name="fiscalYear"/> and <paramref name="seed"/>, read as the batch reads a line.</summary>
    public static IReadOnlyList<HouseholdSnapshot> Synthetic(int fiscalYear, int seed, int insured)
    {
        var errors = new List<KokuhoRules.Engine.Requests.FieldError>();
        return new SyntheticPopulation(fiscalYear, seed).Households(insured)
            .Select(h => SnapshotReader.Read(h, "household", errors) ?? throw new InvalidOperationException($"synthetic household {h.Id} is refused: {errors[0].Message}"))
            .ToArray();
    }

    /// <summary><c>GET /staff/impact/result</c>: the session's last report.</summary>
    public static IResult Result(HttpContext context)
    {
        var session = StaffAuth.Session(context);
        if (session.LastImpact is not { } last) return SeeOther(context, "/staff/impact");
        var b = new StringBuilder("<p><a href=\"/staff/impact\">別の条件で試算する</a></p>");
        if (last.Problem is { } p) b.Append($"<p class=\"error\">試算できません: {E(p)}</p>");
        if (last.Report is { } r)
        {
            context.Audit()?.Used(r.Base.Ruleset);
            context.Audit()?.Used(r.Draft.Ruleset);
            b.Append(Report(r));
        }
        return Html(context, Page("影響試算の結果", b.ToString(), StaffAuth.Holder(context), session.Csrf));
    }

    private static string Side(RuleSetStamp s) => $"{E(s.Insurer)}/{s.FiscalYear} 版 {E(s.Version)} ({E(StaffRuleSetPages.StatusLabel(s.Status))}) <span class=\"hash\">{E(s.Hash)}</span>";

    private static string N(long v) => $"<span class=\"n\">{Yen(v)}</span>";

    private static string Report(ImpactReport r)
    {
        var b = new StringBuilder();
        b.Append($"<p>基準 {Side(r.Base.Ruleset)}<br>案 {Side(r.Draft.Ruleset)}</p>")
            .Append($"<p>対象 {E(r.Input.Source)} ・ 世帯 {Yen(r.Input.Households)} (読めなかった行 {Yen(r.Input.Refused)}) ・ {E(r.Run.By)} ・ {r.Run.At:uuuu-MM-dd HH:mm:ss} UTC</p>");
        b.Append($"<p>保険料の総額 基準 <strong id=\"impact-base\">{Yen(r.Base.AnnualPremium)}</strong> 円 → 案 <strong id=\"impact-draft\">{Yen(r.Draft.AnnualPremium)}</strong> 円 (差 <strong id=\"impact-difference\">{Yen(r.Difference)}</strong> 円)</p>");
        b.Append("<h2>区分ごとの総額</h2>").Append(Table(["区分", "基準 (円)", "案 (円)", "差 (円)", "限度額の世帯 (基準)", "限度額の世帯 (案)"],
            r.Components.Select(c => new[] { E(c.Label), N(c.Base), N(c.Draft), N(c.Difference), N(c.BaseAtCap), N(c.DraftAtCap) }), "impact-components"));
        b.Append("<h2>保険料の増減 (世帯数)</h2>").Append(StaffChart.ChangeBands(r.Changes));
        b.Append(Table(["増減", "世帯", "増減の合計 (円)"], r.Changes.Select(c => new[] { E(c.Label), N(c.Households), N(c.Difference) })));
        b.Append("<h2>軽減の区分</h2>").Append(Table(["軽減", "世帯 (基準)", "保険料 (基準, 円)", "世帯 (案)", "保険料 (案, 円)"],
            r.ReductionClasses.Select(c => new[] { E(c.Label), N(c.BaseHouseholds), N(c.BaseTotal), N(c.DraftHouseholds), N(c.DraftTotal) })));
        b.Append("<h2>世帯主の年齢</h2>").Append(Table(["年齢 (4月1日)", "世帯", "基準 (円)", "案 (円)", "差 (円)"],
            r.AgeBands.Select(a => new[] { E(a.Label), N(a.Households), N(a.Base), N(a.Draft), N(a.Difference) })));
        return b.ToString();
    }
}
