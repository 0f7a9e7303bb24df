using System.Globalization;
using System.Text;
using KokuhoRules.Rules.Premium.Impact;
using KokuhoRules.Rules.Premium.QuickReference;
using static KokuhoRules.Api.Staff.StaffHtml;

namespace KokuhoRules.Api.Staff;

/// <summary>
/// The charts of the staff pages, as server-rendered SVG (no script): the "premium by income" chart of a 保険料早見表 (the
/// annual premium against the head's revenue, a point per row coloured by its reduction class, axes in 万円) and the
/// change bands of an impact report.
/// </summary>
public static class StaffChart
{
    private const int Width = 760, Height = 380, Left = 70, Right = 20, Top = 30, Bottom = 50;

    /// <summary>The colour of each reduction class's points, and its legend.</summary>
    public static readonly IReadOnlyList<(string Class, string Label, string Colour)> Classes =
        [("7割", "7割軽減", "#c0392b"), ("5割", "5割軽減", "#e67e22"), ("2割", "2割軽減", "#f1c40f"), ("none", "軽減なし", "#1f4e79")];

    /// <summary>The chart of <paramref name="table"/>.</summary>
    public static string PremiumByIncome(QuickReferenceTable table)
    {
        var rows = table.Rows;
        var maxX = Math.Max(1, rows[^1].Revenue);
        var maxY = Nice(Math.Max(1, rows.Max(r => r.AnnualPremium)));
        double X(long v) => Left + (double)(v - rows[0].Revenue) / Math.Max(1, maxX - rows[0].Revenue) * (Width - Left - Right);
        double Y(long v) => Height - Bottom - (double)v / maxY * (Height - Top - Bottom);
        string F(double d) => d.ToString("0.#", CultureInfo.InvariantCulture);
        var revenue = table.Type.Income == IncomeKind.Salary ? "給与収入" : "年金収入";
        var b = new StringBuilder($"<svg class=\"chart\" xmlns=\"http://www.w3.org/2000/svg\" width=\"{Width}\" height=\"{Height}\" viewBox=\"0 0 {Width} {Height}\" role=\"img\">");
        b.Append($"<title>{E(table.Type.Label)}: {revenue}別の年間保険料</title>");
        for (var i = 0; i <= 5; i++)
        {
            var v = maxY * i / 5;
            b.Append($"<line x1=\"{Left}\" x2=\"{Width - Right}\" y1=\"{F(Y(v))}\" y2=\"{F(Y(v))}\" stroke=\"#dde3ea\"/>")
                .Append($"<text x=\"{Left - 6}\" y=\"{F(Y(v) + 4)}\" font-size=\"11\" text-anchor=\"end\">{Yen(v)}</text>");
        }
        var tick = XTick(maxX - rows[0].Revenue);
        for (var v = rows[0].Revenue; v <= maxX; v += tick)
            b.Append($"<line x1=\"{F(X(v))}\" x2=\"{F(X(v))}\" y1=\"{Top}\" y2=\"{Height - Bottom}\" stroke=\"#eef1f5\"/>")
                .Append($"<text x=\"{F(X(v))}\" y=\"{Height - Bottom + 16}\" font-size=\"11\" text-anchor=\"middle\">{Yen(v / 10_000)}万</text>");
        b.Append($"<line x1=\"{Left}\" x2=\"{Left}\" y1=\"{Top}\" y2=\"{Height - Bottom}\" stroke=\"#333\"/><line x1=\"{Left}\" x2=\"{Width - Right}\" y1=\"{Height - Bottom}\" y2=\"{Height - Bottom}\" stroke=\"#333\"/>");
        b.Append($"<text x=\"{(Left + Width - Right) / 2}\" y=\"{Height - 10}\" font-size=\"12\" text-anchor=\"middle\">{revenue} (円)</text>")
            .Append($"<text x=\"14\" y=\"{Top - 10}\" font-size=\"12\">年間保険料 (円)</text>");
        b.Append("<polyline fill=\"none\" stroke=\"#1f4e79\" stroke-width=\"2\" points=\"")
            .Append(string.Join(' ', rows.Select(r => F(X(r.Revenue)) + "," + F(Y(r.AnnualPremium))))).Append("\"/>");
        foreach (var r in rows)
        {
            var colour = Classes.FirstOrDefault(c => c.Class == r.ReductionClass).Colour ?? "#555";
            b.Append($"<circle cx=\"{F(X(r.Revenue))}\" cy=\"{F(Y(r.AnnualPremium))}\" r=\"3.5\" fill=\"{colour}\"><title>{Yen(r.Revenue)}円 → {Yen(r.AnnualPremium)}円</title></circle>");
        }
        var lx = Width - Right - 4 * 90;
        foreach (var (_, label, colour) in Classes)
        {
            b.Append($"<circle cx=\"{lx}\" cy=\"{Top - 14}\" r=\"5\" fill=\"{colour}\"/><text x=\"{lx + 9}\" y=\"{Top - 10}\" font-size=\"12\">{label}</text>");
            lx += 90;
        }
        return b.Append("</svg>").ToString();
    }

    /// <summary>
    /// The bar chart of an impact report's change bands (<see cref="ImpactBand"/>): households per band, falls in green,
    /// unchanged in grey, rises in red, the count above each bar.
    /// </summary>
    public static string ChangeBands(IReadOnlyList<ImpactBand> bands) =>
        Bars("impact-chart", "保険料の増減別の世帯数", "年間保険料の増減 (円)", "世帯数", "世帯",
            bands.Select(band => band.Direction switch
            {
                "rise" => new Bar(Unsigned(band.Label, "増 "), band.Households, "#c0392b", "増 (上がる世帯)", band.Label),
                "fall" => new Bar(Unsigned(band.Label, "減 "), band.Households, "#27ae60", "減 (下がる世帯)", band.Label),
                _ => new Bar(band.Label, band.Households, "#7f8c8d"),
            }).ToArray());

    /// <summary>A band's label without its direction word, which the group under the bars says once.</summary>
    private static string Unsigned(string label, string direction) => label.StartsWith(direction, StringComparison.Ordinal) ? label[direction.Length..] : label;

    /// <summary>
    /// The bar chart of a rate solution: per component the target (grey) beside what the solved rates raise (blue), in yen,
    /// the component's name once under its pair.
    /// </summary>
    public static string TargetVsRaised(IReadOnlyList<KokuhoRules.Rules.Premium.Solve.SolvedComponent> components) =>
        Bars("solve-chart", "区分ごとの目標賦課総額と算定した料率の賦課額", "区分 (灰: 目標, 青: 算定した料率の賦課額)", "円", "円",
            components.SelectMany(c => new[] { new Bar("目標", c.Target, "#7f8c8d", c.Label), new Bar("賦課額", c.Raised, "#2c6fbb", c.Label) }).ToArray());

    /// <summary>A bar: its label (under it), value, colour, and the group it belongs to (named once under the group's bars), if any.</summary>
    /// <param name="FullName">What the bar's tooltip names it (default: the group and the label).</param>
    private sealed record Bar(string Label, long Value, string Colour, string? Group = null, string? FullName = null)
    {
        /// <summary>What the bar's tooltip says.</summary>
        public string Title => FullName ?? (Group is null ? Label : $"{Group} {Label}");
    }

    /// <summary>
    /// A bar chart of <paramref name="bars"/>, the value above each bar (in 万/億 when the full figure is wider than the bar's
    /// slot) and the label below it (broken after 〜 when wider than the slot); consecutive bars of one group get the group's
    /// name once, on a line of its own, and the chart is as much taller as those lines need.
    /// </summary>
    private static string Bars(string id, string title, string xLabel, string yLabel, string unit, IReadOnlyList<Bar> bars)
    {
        var slot = (double)(Width - Left - Right) / Math.Max(1, bars.Count);
        var labels = bars.Select(bar => LabelLines(bar.Label.Replace("円", "", StringComparison.Ordinal), slot)).ToArray();
        var lines = labels.Max(l => l.Length);
        var bottom = Bottom + (lines - 1) * LabelLine + (bars.Any(b => b.Group is not null) ? 16 : 0);
        var height = Height + bottom - Bottom;
        var maxY = Nice(Math.Max(1, bars.Max(b => b.Value)));
        double Y(long v) => height - bottom - (double)v / maxY * (height - Top - bottom);
        string F(double d) => d.ToString("0.#", CultureInfo.InvariantCulture);
        var b = new StringBuilder($"<svg class=\"chart\" id=\"{id}\" xmlns=\"http://www.w3.org/2000/svg\" width=\"{Width}\" height=\"{height}\" viewBox=\"0 0 {Width} {height}\" role=\"img\">");
        b.Append($"<title>{E(title)}</title>");
        for (var i = 0; i <= 5; i++)
        {
            var v = maxY * i / 5;
            b.Append($"<line x1=\"{Left}\" x2=\"{Width - Right}\" y1=\"{F(Y(v))}\" y2=\"{F(Y(v))}\" stroke=\"#dde3ea\"/>")
                .Append($"<text x=\"{Left - 6}\" y=\"{F(Y(v) + 4)}\" font-size=\"11\" text-anchor=\"end\">{Yen(v)}</text>");
        }
        var axis = height - bottom;
        for (var i = 0; i < bars.Count; i++)
        {
            var bar = bars[i];
            var x = Left + i * slot;
            // An 11-pixel figure is about 6.5 pixels a character: a figure wider than its slot is given in 万 or 億.
            var figure = Yen(bar.Value).Length * 6.5 > slot * 0.95 ? Compact(bar.Value) : Yen(bar.Value);
            b.Append($"<rect class=\"bar\" x=\"{F(x + slot * 0.15)}\" y=\"{F(Y(bar.Value))}\" width=\"{F(slot * 0.7)}\" height=\"{F(axis - Y(bar.Value))}\" fill=\"{bar.Colour}\"><title>{E(bar.Title)}: {Yen(bar.Value)} {unit}</title></rect>")
                .Append($"<text x=\"{F(x + slot / 2)}\" y=\"{F(Y(bar.Value) - 4)}\" font-size=\"11\" text-anchor=\"middle\">{figure}</text>");
            for (var k = 0; k < labels[i].Length; k++)
                b.Append($"<text x=\"{F(x + slot / 2)}\" y=\"{axis + 14 + k * LabelLine}\" font-size=\"9\" text-anchor=\"middle\">{E(labels[i][k])}</text>");
            if (bar.Group is not { } group || (i > 0 && bars[i - 1].Group == group)) continue;
            var span = 1;
            while (i + span < bars.Count && bars[i + span].Group == group) span++;
            b.Append($"<text class=\"group\" x=\"{F(x + slot * span / 2)}\" y=\"{axis + 28 + (lines - 1) * LabelLine}\" font-size=\"10\" text-anchor=\"middle\">{E(group)}</text>");
        }
        b.Append($"<line x1=\"{Left}\" x2=\"{Left}\" y1=\"{Top}\" y2=\"{axis}\" stroke=\"#333\"/><line x1=\"{Left}\" x2=\"{Width - Right}\" y1=\"{axis}\" y2=\"{axis}\" stroke=\"#333\"/>");
        b.Append($"<text x=\"{(Left + Width - Right) / 2}\" y=\"{height - 10}\" font-size=\"12\" text-anchor=\"middle\">{E(xLabel)}</text>")
            .Append($"<text x=\"14\" y=\"{Top - 16}\" font-size=\"12\">{E(yLabel)}</text>");
        return b.Append("</svg>").ToString();
    }

    /// <summary>The distance between two lines of a bar's label (9-pixel text).</summary>
    private const int LabelLine = 13;

    /// <summary>A bar's label on one line, or broken after its 〜 when wider than the slot (about 5 pixels an ASCII character, 9 a Japanese one, at 9 pixels).</summary>
    private static string[] LabelLines(string label, double slot)
    {
        var width = label.Sum(c => c < 0x100 ? 5.0 : 9.0);
        var at = label.IndexOf('〜', StringComparison.Ordinal);
        return width <= slot * 0.95 || at < 0 || at == label.Length - 1 ? [label] : [label[..(at + 1)], label[(at + 1)..]];
    }

    /// <summary>An amount as staff write it short: 億 (10⁸) or 万 (10⁴) with up to two decimals, else the full figure.</summary>
    private static string Compact(long v) => Math.Abs(v) >= 100_000_000 ? (v / 100_000_000m).ToString("0.##", CultureInfo.InvariantCulture) + "億"
        : Math.Abs(v) >= 10_000 ? (v / 10_000m).ToString("0.#", CultureInfo.InvariantCulture) + "万" : Yen(v);

    /// <summary>The smallest of 1, 2, 5 × 10ⁿ at or above <paramref name="v"/>.</summary>
    private static long Nice(long v)
    {
        long unit = 1;
        while (true)
        {
            foreach (var m in new long[] { 1, 2, 5 })
                if (m * unit >= v) return m * unit;
            unit *= 10;
        }
    }

    /// <summary>An x tick (yen) giving 5 to 10 ticks over <paramref name="span"/>.</summary>
    private static long XTick(long span)
    {
        var tick = Nice(Math.Max(1, span / 10));
        return tick < 10_000 ? 10_000 : tick;
    }
}
