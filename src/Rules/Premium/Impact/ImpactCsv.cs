using System.Globalization;
using System.Text;

namespace KokuhoRules.Rules.Premium.Impact;

/// <summary>
/// The impact report as one CSV table for a spreadsheet: a Japanese header row, then one row per figure —
/// 区分 (section), 項目 (item, Japanese), キー (the JSON key), the base and draft amounts and their difference (yen), and the
/// households on each side. Sections: ルールセット (each side's version and hash), 合計, 区分別, 限度額到達, 増減, 軽減, 年齢.
/// UTF-8, optionally with a byte order mark for Excel (as <c>reassess --csv-bom</c>).
/// </summary>
public static class ImpactCsv
{
    public const string Header = "区分,項目,キー,基準額(円),試算額(円),差額(円),基準世帯数,試算世帯数";

    /// <summary>The whole CSV text (lines end with <c>\n</c>).</summary>
    public static string Format(ImpactReport r)
    {
        var o = new StringBuilder();
        o.Append(Header).Append('\n');
        void Row(string section, string item, string key, long? b, long? d, long? diff, long? bh, long? dh) =>
            o.Append(string.Join(',', new[] { section, item, key, N(b), N(d), N(diff), N(bh), N(dh) }.Select(Quote))).Append('\n');
        Row("ルールセット", $"基準 {Name(r.Base)}", r.Base.Ruleset.Hash, null, null, null, null, null);
        Row("ルールセット", $"試算 {Name(r.Draft)}", r.Draft.Ruleset.Hash, null, null, null, null, null);
        Row("合計", "年間保険料", "annualPremium", r.Base.AnnualPremium, r.Draft.AnnualPremium, r.Difference, r.Input.Households, r.Input.Households);
        foreach (var c in r.Components) Row("区分別", c.Label, c.Name, c.Base, c.Draft, c.Difference, null, null);
        foreach (var c in r.Components) Row("限度額到達", c.Label, c.Name, null, null, null, c.BaseAtCap, c.DraftAtCap);
        foreach (var b in r.Changes)
            Row("増減", b.Label, $"{b.Direction}:{N(b.From)}:{N(b.To)}", null, null, b.Difference, b.Households, b.Households);
        foreach (var c in r.ReductionClasses) Row("軽減", c.Label, c.Class, c.BaseTotal, c.DraftTotal, c.DraftTotal - c.BaseTotal, c.BaseHouseholds, c.DraftHouseholds);
        foreach (var a in r.AgeBands) Row("年齢 (世帯主)", a.Label, a.Band, a.Base, a.Draft, a.Difference, a.Households, a.Households);
        return o.ToString();
    }

    private static string Name(ImpactSide s) => $"{s.Ruleset.Insurer}/{s.Ruleset.FiscalYear} 版 {s.Ruleset.Version} ({s.Ruleset.Status})";

    private static string N(long? value) => value?.ToString(CultureInfo.InvariantCulture) ?? "";

    private static string Quote(string field) =>
        field.AsSpan().IndexOfAny(",\"\n\r") >= 0 ? "\"" + field.Replace("\"", "\"\"", StringComparison.Ordinal) + "\"" : field;
}
