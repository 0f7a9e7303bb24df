using KokuhoRules.Api.Audit;
using KokuhoRules.Engine.RuleSets;
using KokuhoRules.Rules.Catalog;
using KokuhoRules.Rules.Premium;
using static KokuhoRules.Api.Staff.StaffHtml;

namespace KokuhoRules.Api.Staff;

/// <summary>
/// The rule sets for staff: the list (insurer, year, capability, version, status, hash, effective period), one rule
/// set's parameters (Japanese name, value, reference, confirmed) and the comparison of two, the same
/// <see cref="RuleSetComparison"/> <c>kokuho rulesets diff</c> prints.
/// </summary>
public static class StaffRuleSetPages
{
    /// <summary>Status in Japanese: 公開 (published) or 下書き (draft).</summary>
    public static string StatusLabel(string status) => status == "draft" ? "下書き (draft)" : status == "published" ? "公開 (published)" : status;

    /// <summary><c>GET /staff</c>: every rule set served and every one refused at start-up.</summary>
    public static IResult List(HttpContext context, RuleSetCatalog catalog)
    {
        var rows = catalog.RuleSets
            .OrderBy(r => r.Insurer.Id, StringComparer.Ordinal).ThenBy(r => r.FiscalYear).ThenBy(r => r.Capability, StringComparer.Ordinal).ThenBy(r => r.Version, VersionComparer.Instance)
            .Select(r =>
            {
                var m = r.Source.InsurerLayer.Manifest;
                var href = $"/staff/rulesets/{E(r.Insurer.Id)}/{r.FiscalYear}?capability={E(r.Capability)}&amp;version={E(Uri.EscapeDataString(r.Version))}";
                return new[]
                {
                    E(r.Insurer.Name) + " <code>" + E(r.Insurer.Id) + "</code>", r.FiscalYear.ToString(), E(r.Capability), $"<a href=\"{href}\">{E(r.Version)}</a>",
                    E(StatusLabel(r.Status.ToString().ToLowerInvariant())), $"{m.EffectiveFrom:uuuu-MM-dd} 〜 {m.EffectiveUntil:uuuu-MM-dd}",
                    r.InForceFrom is { } f ? $"{f:uuuu-MM-dd}" : "", r.UnconfirmedParameters.Count.ToString(), $"<span class=\"hash\">{E(r.Hash)}</span>",
                };
            });
        var body = Table(["保険者", "年度", "機能", "版", "状態", "有効期間", "施行日", "要確認の値", "ハッシュ"], rows);
        if (catalog.Failures.Count > 0)
            body += "<h2>読み込めなかったルールセット</h2>" + Table(["ルールセット", "エラー"],
                catalog.Failures.Select(f => new[] { E(f.RuleSet), string.Join("<br>", f.Errors.Select(e => E(e.ToString()))) }));
        return Html(context, Page("ルールセット一覧", body, StaffAuth.Holder(context), StaffAuth.Session(context).Csrf));
    }

    /// <summary><c>GET /staff/rulesets/{insurer}/{fiscalYear}</c>: the parameters of one rule set (<c>?capability=</c>, <c>?version=</c>).</summary>
    public static IResult Detail(HttpContext context, RuleSetCatalog catalog, string insurer, int fiscalYear, string? capability, string? version)
    {
        capability ??= PremiumRuleSetCompiler.CapabilityName;
        var (rs, refusal) = catalog.Compilers.Any(c => c.Capability == capability) ? catalog.ResolveShown(capability, insurer, fiscalYear, version) : (null, null);
        if (rs is null) return NotFound(context, refusal?.Detail ?? "そのルールセットはありません。");
        context.Audit()?.Used(rs.Stamp);
        var label = KokuhoRuleSets.ParameterLabels(capability);
        var rows = rs.ParameterTable.All.Select(p => new[]
        {
            E(label(p.Path) ?? ""), $"<code>{E(p.Path)}</code>", $"<code>{E(p.ValueText)}</code>", E(p.Reference),
            p.Confirmed ? "確認済" : "<span class=\"unconfirmed\">要確認</span>" + (p.ToConfirm is { } why ? "<br><span class=\"note\">" + E(why) + "</span>" : ""),
            E(p.Layer.ToString().ToLowerInvariant()), $"<code>{E(p.File)}:{p.Line}</code>",
        });
        var m = rs.Source.InsurerLayer.Manifest;
        var body = $"<p>{E(rs.Insurer.Name)} ({E(rs.Insurer.Id)}) 令和{rs.FiscalYear - 2018}年度 ({rs.FiscalYear}) 機能 {E(rs.Capability)} — 版 {E(rs.Version)} {E(StatusLabel(rs.Status.ToString().ToLowerInvariant()))}"
                   + $"、有効期間 {m.EffectiveFrom:uuuu-MM-dd} 〜 {m.EffectiveUntil:uuuu-MM-dd}</p><p>ハッシュ <span class=\"hash\">{E(rs.Hash)}</span></p>"
                   + (m.Description is { } d ? $"<p class=\"note\">{E(d)}</p>" : "")
                   + $"<h2>パラメータ ({rs.ParameterTable.All.Count()})</h2>"
                   + Table(["名称", "パス", "値", "出典", "確認", "層", "ファイル"], rows);
        return Html(context, Page($"ルールセット {rs.Insurer.Id}/{rs.FiscalYear} 版 {rs.Version}", body, StaffAuth.Holder(context), StaffAuth.Session(context).Csrf));
    }

    /// <summary><c>GET /staff/compare?old=…&amp;new=…</c>: the form, and with both rule sets named the comparison as tables.</summary>
    public static IResult Compare(HttpContext context, RuleSetCatalog catalog, string? old, string? @new, string? capability)
    {
        capability ??= PremiumRuleSetCompiler.CapabilityName;
        var choices = catalog.RuleSets.Where(r => r.Capability == capability).Select(r => RuleSetSpec.Of(r).ToString()).ToArray();
        var body = "<form method=\"get\" action=\"/staff/compare\">" + $"<input type=\"hidden\" name=\"capability\" value=\"{E(capability)}\">"
                   + "<label>旧 (old) " + Select("old", choices, old) + "</label> → <label>新 (new) " + Select("new", choices, @new) + "</label> <button type=\"submit\">比較する</button></form>";
        if (old is not null && @new is not null)
        {
            var (a, b) = (Find(catalog, capability, old), Find(catalog, capability, @new));
            if (a is null || b is null) return NotFound(context, "比較するルールセットが見つかりません。");
            context.Audit()?.Used(a.Stamp);
            context.Audit()?.Used(b.Stamp);
            body += Comparison(RuleSetComparison.Compare(a, b, KokuhoRuleSets.ParameterLabels(capability)));
        }
        return Html(context, Page("ルールセットの比較 (新旧対照)", body, StaffAuth.Holder(context), StaffAuth.Session(context).Csrf));
    }

    /// <summary>The rule set a spec names, through the catalog's one gate (<see cref="RuleSetCatalog.ResolveShown"/>); null if none.</summary>
    public static CompiledRuleSet? Find(RuleSetCatalog catalog, string capability, string? spec) =>
        RuleSetSpec.Parse(spec) is { } s ? catalog.ResolveShown(capability, s.Insurer, s.FiscalYear, s.Version).RuleSet : null;

    /// <summary>A selection of rule sets by spec, <paramref name="chosen"/> selected.</summary>
    public static string Select(string name, IEnumerable<string> choices, string? chosen) =>
        $"<select name=\"{name}\">" + string.Concat(choices.Select(c => $"<option value=\"{E(c)}\"{(c == chosen ? " selected" : "")}>{E(c)}</option>")) + "</select>";

    private static string Comparison(RuleSetComparison c)
    {
        string Name(RuleSetStamp s) => $"{s.Insurer}/{s.FiscalYear} 版 {s.Version} ({StatusLabel(s.Status)})";
        var body = $"<h2>{E(Name(c.Old))} → {E(Name(c.New))}</h2><p>旧 <span class=\"hash\">{E(c.Old.Hash)}</span><br>新 <span class=\"hash\">{E(c.New.Hash)}</span></p>";
        if (!c.Any) return body + "<p>違いはありません。</p>";
        string Kind(ChangeKind k) => k switch { ChangeKind.Added => "追加", ChangeKind.Removed => "削除", _ => "変更" };
        string Cell(string? text, bool changed) => text is null ? "(なし)" : changed ? $"<span class=\"changed\">{E(text)}</span>" : E(text);
        body += $"<h2>パラメータ ({c.Parameters.Count})</h2>" + Table(["名称", "パス", "種別", "旧の値", "新の値", "旧の出典", "新の出典", "確認 (旧 → 新)"],
            c.Parameters.Select(p => new[]
            {
                E(p.Label ?? ""), $"<code>{E(p.Path)}</code>", Kind(p.Kind), Cell(p.Old?.Value, p.ValueChanged), Cell(p.New?.Value, p.ValueChanged),
                Cell(p.Old?.Reference, p.ReferenceChanged), Cell(p.New?.Reference, p.ReferenceChanged),
                $"{Confirmed(p.Old?.Confirmed)} → {Confirmed(p.New?.Confirmed)}",
            }), "compare");
        body += $"<h2>ルール ({c.Rules.Count})</h2>" + Table(["判定", "ルール", "種別", "旧の式", "新の式", "旧の結果", "新の結果"],
            c.Rules.Select(r => new[]
            {
                E(r.Workflow), E(r.Rule), Kind(r.Kind), Cell(r.Old?.Expression, r.ExpressionChanged), Cell(r.New?.Expression, r.ExpressionChanged), E(r.Old?.Outcome), E(r.New?.Outcome),
            }));
        return body;
    }

    private static string Confirmed(bool? confirmed) => confirmed switch { true => "確認済", false => "要確認", null => "(なし)" };

    private static IResult NotFound(HttpContext context, string detail)
    {
        context.Audit()?.Refused(AuditOutcomes.UnknownRuleSet);
        return Html(context, Page("見つかりません", $"<p class=\"error\">{E(detail)}</p>", StaffAuth.Holder(context), StaffAuth.Session(context).Csrf), StatusCodes.Status404NotFound);
    }
}
