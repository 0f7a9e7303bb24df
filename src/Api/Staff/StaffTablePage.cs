using System.Globalization;
using System.Text;
using KokuhoRules.Api.Audit;
using KokuhoRules.Engine.RuleSets;
using KokuhoRules.Rules.Premium;
using KokuhoRules.Rules.Premium.QuickReference;
using static KokuhoRules.Api.Staff.StaffHtml;

namespace KokuhoRules.Api.Staff;

/// <summary>
/// <c>GET /staff/table</c>: the 保険料早見表 of a rule set (a draft included) for a household type — the printable table
/// (the navigation and the form are not printed) and the "premium by income" chart (<see cref="StaffChart"/>); the
/// same <see cref="QuickReferenceTable"/> as <c>kokuho rulesets table</c>.
/// </summary>
public static class StaffTablePage
{
    public static IResult Show(HttpContext context, RuleSetCatalog catalog, string? ruleset, string? household, long? step, long? to)
    {
        var choices = catalog.RuleSets.Where(r => r.Capability == PremiumRuleSetCompiler.CapabilityName).Select(r => RuleSetSpec.Of(r).ToString()).ToArray();
        ruleset ??= choices.FirstOrDefault();
        var type = StandardHouseholds.Find(household ?? StandardHouseholds.All[0].Id);
        var b = new StringBuilder("<form method=\"get\" action=\"/staff/table\">")
            .Append("<label>ルールセット ").Append(StaffRuleSetPages.Select("ruleset", choices, ruleset)).Append("</label> ")
            .Append("<label>世帯類型 <select name=\"household\">")
            .Append(string.Concat(StandardHouseholds.All.Select(t => $"<option value=\"{E(t.Id)}\"{(t == type ? " selected" : "")}>{E(t.Label)}</option>"))).Append("</select></label> ")
            .Append($"<label>刻み (円) <input type=\"number\" name=\"step\" min=\"10000\" step=\"10000\" value=\"{step ?? type?.DefaultSteps.Step ?? 100_000}\"></label> ")
            .Append($"<label>上限 (円) <input type=\"number\" name=\"to\" min=\"0\" step=\"10000\" value=\"{to ?? type?.DefaultSteps.To ?? 10_000_000}\"></label> ")
            .Append("<button type=\"submit\">表示</button></form>");
        var holder = StaffAuth.Holder(context);
        var csrf = StaffAuth.Session(context).Csrf;
        if (StaffRuleSetPages.Find(catalog, PremiumRuleSetCompiler.CapabilityName, ruleset) is not PremiumRuleSet rs || type is null)
            return Fail(context, b, "ルールセットか世帯類型が見つかりません。", holder, csrf);
        QuickReferenceTable table;
        try
        {
            var d = type.DefaultSteps;
            table = QuickReferenceTable.Build(rs, type, new IncomeSteps(0, to ?? d.To, step ?? d.Step));
        }
        catch (ArgumentOutOfRangeException)
        {
            return Fail(context, b, $"刻みと上限は 0 以上で、行数は {IncomeSteps.MaxRows} 行までにしてください。", holder, csrf);
        }
        context.Audit()?.Used(rs.Stamp);
        var csv = $"/staff/table.csv?ruleset={Uri.EscapeDataString(ruleset!)}&household={Uri.EscapeDataString(type.Id)}&step={table.Steps.Step}&to={table.Steps.To}";
        b.Append(Heading(table, rs)).Append($"<p class=\"noprint\"><a href=\"{E(csv)}\">CSV で保存</a> ・ 印刷するとこの表とグラフだけが印刷されます。</p>")
            .Append(StaffChart.PremiumByIncome(table)).Append(Rows(table, rs));
        return Html(context, Page("保険料早見表", b.ToString(), holder, csrf));
    }

    /// <summary><c>GET /staff/table.csv</c>: the same table as CSV (UTF-8 with a byte-order mark, as <c>kokuho rulesets table --csv</c> writes it).</summary>
    public static IResult Csv(HttpContext context, RuleSetCatalog catalog, string? ruleset, string? household, long? step, long? to)
    {
        var type = StandardHouseholds.Find(household ?? "");
        if (StaffRuleSetPages.Find(catalog, PremiumRuleSetCompiler.CapabilityName, ruleset) is not PremiumRuleSet rs || type is null)
            return Fail(context, new StringBuilder(), "ルールセットか世帯類型が見つかりません。", StaffAuth.Holder(context), StaffAuth.Session(context).Csrf);
        QuickReferenceTable table;
        try
        {
            table = QuickReferenceTable.Build(rs, type, new IncomeSteps(0, to ?? type.DefaultSteps.To, step ?? type.DefaultSteps.Step));
        }
        catch (ArgumentOutOfRangeException)
        {
            return Fail(context, new StringBuilder(), $"刻みと上限は 0 以上で、行数は {IncomeSteps.MaxRows} 行までにしてください。", StaffAuth.Holder(context), StaffAuth.Session(context).Csrf);
        }
        context.Audit()?.Used(rs.Stamp);
        Secure(context);
        var bytes = new UTF8Encoding(encoderShouldEmitUTF8Identifier: true).GetPreamble().Concat(Encoding.UTF8.GetBytes(QuickReferenceCsv.Write(rs, [table]))).ToArray();
        return Results.File(bytes, "text/csv; charset=utf-8", $"hayami-{rs.Insurer.Id}-{rs.FiscalYear}-{rs.Version}-{type.Id}.csv");
    }

    private static IResult Fail(HttpContext context, StringBuilder form, string message, string holder, string csrf)
    {
        context.Audit()?.Refused(AuditOutcomes.UnknownRuleSet);
        return Html(context, Page("保険料早見表", form.Append($"<p class=\"error\">{E(message)}</p>").ToString(), holder, csrf), StatusCodes.Status404NotFound);
    }

    private static string Heading(QuickReferenceTable t, PremiumRuleSet rs) =>
        $"<h2>{E(rs.Insurer.Name)} 令和{rs.FiscalYear - 2018}年度 ({rs.FiscalYear}) 版 {E(rs.Version)} {E(StaffRuleSetPages.StatusLabel(t.RuleSet.Status))} — {E(t.Type.Label)}</h2>"
        + $"<p class=\"note\">年間保険料 (賦課期日から年度末まで加入、固定資産税額なし、配偶者・子の収入なし)。収入から所得への換算: {E(t.IncomeReference)}。"
        + $"ハッシュ <span class=\"hash\">{E(t.RuleSet.Hash)}</span></p>";

    private static string Rows(QuickReferenceTable t, PremiumRuleSet rs)
    {
        var revenue = t.Type.Income == IncomeKind.Salary ? "給与収入" : "年金収入";
        var header = new[] { revenue, "所得", "算定基礎所得", "軽減" }.Concat(rs.Components.Select(c => E(c.Label))).Append("年間保険料");
        var rows = t.Rows.Select(r => new[] { Yen(r.Revenue), Yen(r.Income), Yen(r.AssessableIncome), E(QuickReferenceCsv.ReductionLabel(r.ReductionClass)) }
            .Concat(rs.Components.Select(c => r.Components.FirstOrDefault(x => x.Name == c.Name) is { } a ? Yen(a.Amount) + (a.AtCap ? " ※" : "") : "0"))
            .Append($"<strong>{Yen(r.AnnualPremium)}</strong>"));
        return Table(header, rows, "quick") + "<p class=\"note\">※ 賦課限度額に達している区分</p>";
    }
}
