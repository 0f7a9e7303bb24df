using System.Text;
using KokuhoRules.Api.Audit;
using KokuhoRules.Api.RuleSets;
using KokuhoRules.Engine.Audit;
using KokuhoRules.Engine.RuleSets;
using KokuhoRules.Rules.Catalog;
using KokuhoRules.Rules.Publication;
using static KokuhoRules.Api.Staff.StaffHtml;

namespace KokuhoRules.Api.Staff;

/// <summary>
/// 公開 (publish, issue 16 item 6) on the page: the drafts under the service's rule-set roots; for one, the result of the
/// gate <c>kokuho rulesets publish</c> runs (<see cref="RuleSetPublisher.Gate"/>, the same steps), with waivers typed one
/// <c>path=reason</c> per line; and a 公開 button, shown only when the gate passes, that publishes through
/// <see cref="RuleSetPublisher.Publish"/> (which runs the gate again and seals only when it passes), audited in the
/// service's audit log with the key's id and the staff member as publisher — with a database, recorded in
/// <c>ruleset_publications</c> with its files and audit entry in one transaction, as <c>rulesets publish --db</c> does. The
/// service then reads its rule sets again (<see cref="ServedRuleSets.Reload"/>): the next request is served the published version.
/// </summary>
public static class StaffPublishPage
{
    /// <summary><c>GET /staff/publish</c>: the drafts, each with a link to its gate.</summary>
    public static IResult List(HttpContext context, RuleSetCatalog catalog)
    {
        var drafts = KokuhoRuleSets.Scan(catalog.Roots).Layers.Where(l => l.Manifest.Status == RuleSetStatus.Draft)
            .OrderBy(l => l.DisplayPath, StringComparer.Ordinal).ThenBy(l => l.Version, VersionComparer.Instance).ToArray();
        var body = drafts.Length == 0 ? "<p>下書きのルールセットはありません。</p>"
            : Table(["層", "機能", "版", "施行日", ""], drafts.Select(l => new[]
            {
                $"<code>{E(l.DisplayPath)}</code>", E(l.Capability), E(l.Version), E(l.Manifest.InForceFrom?.ToString("uuuu-MM-dd", null) ?? ""),
                $"<a href=\"/staff/publish/gate?layer={Uri.EscapeDataString(Spec(l))}&amp;capability={Uri.EscapeDataString(l.Capability)}\">公開の確認</a>",
            }), "drafts");
        return Html(context, Page("公開 (下書きの一覧)", body, StaffAuth.Holder(context), StaffAuth.Session(context).Csrf));
    }

    /// <summary><c>GET /staff/publish/gate</c>: the gate's result without waivers, and the form.</summary>
    public static IResult Gate(HttpContext context, RuleSetCatalog catalog, string? layer, string? capability) =>
        Checked(context, catalog, layer ?? "", capability ?? "premium", "");

    /// <summary><c>POST /staff/publish</c>: <c>action=check</c> runs the gate with the waivers typed; <c>action=publish</c> publishes when it passes.</summary>
    public static async Task<IResult> Post(HttpContext context, RuleSetCatalog catalog, AuditLog audit, ServedRuleSets served, IConfiguration configuration)
    {
        var form = await context.Request.ReadFormAsync(context.RequestAborted);
        var (layer, capability, waivers) = (form["layer"].ToString(), form["capability"].ToString(), form["waivers"].ToString());
        if (form["action"] != "publish") return Checked(context, catalog, layer, capability, waivers);
        var (output, error) = (new StringWriter(), new StringWriter());
        var via = new RuleSetPublisher.Via(audit, context.Audit()?.KeyId, "POST", "/staff/publish", "StaffPublishRun");
        var args = Args(catalog, context, layer, capability, waivers) with { Db = configuration.GetConnectionString(KokuhoRulesServices.ConnectionStringName) is { Length: > 0 } db ? db : null };
        int code;
        try
        {
            code = RuleSetPublisher.Publish(args, RuleSetPublisher.PropertyCheckSteps(), NodaTime.SystemClock.Instance, output, error, via);
        }
        catch (Npgsql.NpgsqlException e)
        {
            error.WriteLine($"データベースに書き込めません ({e.Message})。");
            code = RuleSetPublisher.ExitCodes.Refused;
        }
        if (code != RuleSetPublisher.ExitCodes.Published) context.Audit()?.Refused(AuditOutcomes.PublicationRefused);
        else served.Reload(); // served as published from the next request
        var b = new StringBuilder(code == RuleSetPublisher.ExitCodes.Published
            ? $"<p class=\"published\" id=\"publish-outcome\">公開しました: <code>{E(layer)}</code>。次の要求から公開版として使います{(args.Db is null ? "" : " (データベースに記録しました)")}。</p>"
            : $"<p class=\"error\" id=\"publish-outcome\">公開できません (何も書き込んでいません)。</p>");
        b.Append("<pre><code>").Append(E(output.ToString())).Append(E(error.ToString())).Append("</code></pre><p><a href=\"/staff/publish\">下書きの一覧へ</a></p>");
        return Html(context, Page("公開の結果", b.ToString(), StaffAuth.Holder(context), StaffAuth.Session(context).Csrf),
            code == RuleSetPublisher.ExitCodes.Published ? StatusCodes.Status200OK : StatusCodes.Status422UnprocessableEntity);
    }

    private static string Spec(RuleSetLayer l) => $"{l.OwnerId}/{l.Manifest.FiscalYear}@{l.Version}";

    /// <summary>The options <c>rulesets publish</c> would be given: the service's roots, the staff member as publisher, one waiver per line.</summary>
    private static RuleSetPublisher.Args Args(RuleSetCatalog catalog, HttpContext context, string layer, string capability, string waivers) =>
        new(layer, capability.Length == 0 ? "premium" : capability, StaffAuth.Holder(context),
            waivers.Split('\n', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries), null, catalog.Roots, null, "", Json: false);

    private static IResult Checked(HttpContext context, RuleSetCatalog catalog, string layer, string capability, string waivers)
    {
        var error = new StringWriter();
        var gate = RuleSetPublisher.Gate(Args(catalog, context, layer, capability, waivers), RuleSetPublisher.PropertyCheckSteps(), error);
        var b = new StringBuilder($"<p>層 <code>{E(layer)}</code> ({E(capability)}) ・ <a href=\"/staff/publish\">下書きの一覧へ</a></p>");
        if (error.ToString().Length > 0) b.Append("<p class=\"error\">").Append(E(error.ToString().Trim())).Append("</p>");
        if (gate.Candidate is { } c)
        {
            foreach (var r in c.RuleSets) context.Audit()?.Used(r.Stamp);
            b.Append(Table(["確認", "結果", "内容"], gate.Steps.Select(s => new[]
            {
                E(s.Step), !s.Passed ? "<strong class=\"error\">不可</strong>" : s.NothingChecked ? "対象なし" : "合格",
                string.Join("<br>", s.Failures.Select(f => $"<code>[{E(f.Kind)}] {E(f.Location)}</code>: {E(f.Message)}").Concat(s.Notes.Select(n => $"<span class=\"note\">{E(n)}</span>"))),
            }), "gate"));
            var unconfirmed = c.OwnParameters.Where(p => !p.Confirmed).ToArray();
            if (unconfirmed.Length > 0)
                b.Append("<p class=\"note\">確認されていない値: ").Append(string.Join("、", unconfirmed.Select(p => $"<code>{E(p.Path)}</code>"))).Append("</p>");
        }
        b.Append(gate.Passed ? "<p id=\"gate-outcome\">公開の条件をすべて満たしています。</p>" : "<p class=\"error\" id=\"gate-outcome\">公開の条件を満たしていません。</p>");
        b.Append("<form class=\"stack\" method=\"post\" action=\"/staff/publish\">").Append(Csrf(StaffAuth.Session(context).Csrf))
            .Append($"<input type=\"hidden\" name=\"layer\" value=\"{E(layer)}\"><input type=\"hidden\" name=\"capability\" value=\"{E(capability)}\">")
            .Append("<label>確認されていない値をそのまま公開する理由 (1行に1つ <code>パス=理由</code>)<textarea name=\"waivers\" rows=\"5\">").Append(E(waivers)).Append("</textarea></label>")
            .Append("<button type=\"submit\" name=\"action\" value=\"check\">もう一度確認する</button> ");
        if (gate.Passed) b.Append("<button type=\"submit\" name=\"action\" value=\"publish\" id=\"publish-button\">公開する</button>");
        b.Append("</form>");
        return Html(context, Page("公開の確認", b.ToString(), StaffAuth.Holder(context), StaffAuth.Session(context).Csrf));
    }
}
