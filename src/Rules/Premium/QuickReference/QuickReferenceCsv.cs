using System.Globalization;
using System.Text;

namespace KokuhoRules.Rules.Premium.QuickReference;

/// <summary>
/// The CSV of 保険料早見表 (<c>kokuho rulesets table --csv</c>, <c>/staff/table.csv</c>): one header row in Japanese
/// (世帯類型, 世帯類型ID, 収入の種類, 収入, 所得, 算定基礎所得, 軽減, each component's label, 年間保険料, 限度額到達,
/// ルールセット, 版, ハッシュ), one row per household type and revenue; amounts in yen without separators; CRLF lines
/// (RFC 4180), a cell with a comma or a quote quoted.
/// </summary>
public static class QuickReferenceCsv
{
    /// <summary>The reduction class as a table shows it: 7割, 5割, 2割, or なし.</summary>
    public static string ReductionLabel(string reductionClass) => reductionClass == "none" ? "なし" : reductionClass;

    /// <summary>The CSV text of <paramref name="tables"/>, all of <paramref name="rs"/>.</summary>
    public static string Write(PremiumRuleSet rs, IEnumerable<QuickReferenceTable> tables)
    {
        var b = new StringBuilder();
        var header = new[] { "世帯類型", "世帯類型ID", "収入の種類", "収入", "所得", "算定基礎所得", "軽減" }
            .Concat(rs.Components.Select(c => c.Label)).Concat(["年間保険料", "限度額到達", "ルールセット", "版", "ハッシュ"]);
        b.Append(string.Join(',', header.Select(Quote))).Append("\r\n");
        foreach (var t in tables)
        foreach (var r in t.Rows)
        {
            var cells = new[] { t.Type.Label, t.Type.Id, t.Type.Income == IncomeKind.Salary ? "給与収入" : "年金収入", Num(r.Revenue), Num(r.Income), Num(r.AssessableIncome), ReductionLabel(r.ReductionClass) }
                .Concat(rs.Components.Select(c => Num(r.Components.FirstOrDefault(x => x.Name == c.Name)?.Amount ?? 0)))
                .Concat([Num(r.AnnualPremium), r.AtCap ? "○" : "", $"{t.RuleSet.Insurer}/{t.RuleSet.FiscalYear}", t.RuleSet.Version, t.RuleSet.Hash]);
            b.Append(string.Join(',', cells.Select(Quote))).Append("\r\n");
        }
        return b.ToString();
    }

    private static string Num(long v) => v.ToString(CultureInfo.InvariantCulture);

    private static string Quote(string cell) => cell.IndexOfAny([',', '"', '\r', '\n']) < 0 ? cell : "\"" + cell.Replace("\"", "\"\"", StringComparison.Ordinal) + "\"";
}
