using System.Globalization;
using KokuhoRules.Rules.Premium;

namespace KokuhoRules.Rules.Batch;

/// <summary>
/// What a run produced: households assessed, total premium per component, households per reduction
/// class, households with a component at its cap, households refused. Mergeable, so that workers keep
/// their own and the runner adds them up.
/// </summary>
public sealed class BatchSummary
{
    public long Households { get; set; }
    public long Errors { get; set; }
    public long AnnualPremium { get; set; }
    public long AtCap { get; set; }

    /// <summary>Total premium per component, in the rule set's order.</summary>
    public Dictionary<string, long> Components { get; set; } = new(StringComparer.Ordinal);

    /// <summary>Households per reduction class (7割, 5割, 2割, none).</summary>
    public Dictionary<string, long> ReductionClasses { get; set; } = new(StringComparer.Ordinal);

    public void Add(PremiumAssessment assessment)
    {
        Households++;
        AnnualPremium += assessment.AnnualPremium;
        var atCap = false;
        foreach (var c in assessment.Components)
        {
            Components[c.Name] = Components.GetValueOrDefault(c.Name) + c.Amount;
            atCap |= c.Months > 0 && c.BeforeCap >= c.Cap;
        }
        if (atCap) AtCap++;
        ReductionClasses[assessment.ReductionClass] = ReductionClasses.GetValueOrDefault(assessment.ReductionClass) + 1;
    }

    public void Merge(BatchSummary other)
    {
        Households += other.Households;
        Errors += other.Errors;
        AnnualPremium += other.AnnualPremium;
        AtCap += other.AtCap;
        foreach (var (k, v) in other.Components) Components[k] = Components.GetValueOrDefault(k) + v;
        foreach (var (k, v) in other.ReductionClasses) ReductionClasses[k] = ReductionClasses.GetValueOrDefault(k) + v;
    }

    /// <summary>Japanese labels for the summary, with the English key beside (the component names are the rule sets' own).</summary>
    private static readonly Dictionary<string, string> ComponentLabels = new(StringComparer.Ordinal)
    {
        ["medical"] = "医療分", ["support"] = "後期高齢者支援金分", ["care"] = "介護納付金分", ["child"] = "子ども・子育て支援納付金分",
    };

    private static readonly string[] ClassOrder = ["7割", "5割", "2割", "none"];

    /// <summary>
    /// The summary as staff read it at the end of a run: each line a Japanese label with the English key
    /// beside, figures right-aligned in one column; a trial run (試算) is marked; for a database run what is
    /// still pending or claimed.
    /// </summary>
    /// <param name="sessionHouseholds">Households assessed by this session (a resumed run's rate counts only them); all by default.</param>
    public void Write(TextWriter output, TimeSpan elapsed, bool trial = false, Storage.ChunkCounts? chunks = null, long? sessionHouseholds = null)
    {
        var rows = new List<(string Label, string Value, string Unit)>();
        void Row(string label, long value, string unit) => rows.Add((label, value.ToString("N0", CultureInfo.InvariantCulture), unit));
        if (trial) output.WriteLine("試算 TRIAL RUN: not an assessment (draft or trial rule set); no bill may be issued from it");
        Row("賦課世帯数 households assessed", Households, "");
        Row("除外世帯数 households refused", Errors, "");
        Row("年間保険料 annual premium total", AnnualPremium, "円 yen");
        foreach (var (name, total) in Components) Row($"  {ComponentLabels.GetValueOrDefault(name, name)} {name}", total, "円 yen");
        foreach (var c in ClassOrder) Row($"軽減 reduction {(c == "none" ? "なし none" : c)}", ReductionClasses.GetValueOrDefault(c), "世帯 households");
        Row("賦課限度額到達 households at a cap", AtCap, "世帯 households");
        if (chunks is not null)
        {
            Row("未処理 households pending", chunks.HouseholdsPending, $"({chunks.ChunksPending:N0} chunks)");
            Row("処理中 households claimed", chunks.HouseholdsClaimed, $"({chunks.ChunksClaimed:N0} chunks)");
        }
        var rate = elapsed.TotalSeconds > 0 ? (long)((sessionHouseholds ?? Households) / elapsed.TotalSeconds) : 0;
        var labelWidth = rows.Max(r => Width(r.Label));
        var valueWidth = rows.Max(r => r.Value.Length);
        foreach (var (label, value, unit) in rows)
            output.WriteLine(label + new string(' ', labelWidth - Width(label) + 2) + value.PadLeft(valueWidth) + (unit.Length > 0 ? " " + unit : ""));
        output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"処理時間 elapsed {Eta.Format(elapsed)} ({rate:N0} households/s in this session)"));
    }

    /// <summary>Display width on a terminal: East Asian wide characters take two columns.</summary>
    private static int Width(string text)
    {
        var width = 0;
        foreach (var c in text) width += c >= '\u1100' && (c <= '\u115f' || (c >= '\u2e80' && c <= '\ua4cf') || (c >= '\uac00' && c <= '\ud7a3') || (c >= '\uf900' && c <= '\ufaff') || (c >= '\uff00' && c <= '\uff60') || (c >= '\uffe0' && c <= '\uffe6')) ? 2 : 1;
        return width;
    }
}

/// <summary>Durations as staff read them: <c>h:mm:ss</c>.</summary>
public static class Eta
{
    public static string Format(TimeSpan t) =>
        string.Create(CultureInfo.InvariantCulture, $"{(long)t.TotalHours}:{t.Minutes:00}:{t.Seconds:00}");
}
