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

    /// <summary>The withholding figures of a run with <c>--withholding</c>; null otherwise (and then not written).</summary>
    public WithholdingSummary? Withholding { get; set; }

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
        if (other.Withholding is not null) (Withholding ??= new WithholdingSummary()).Merge(other.Withholding);
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
        Withholding?.AddRows(rows);
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

/// <summary>
/// The withholding (特別徴収) figures of a run: households by status (eligible, or the first condition that does not
/// hold), by start month, and for each pension month the households withheld from and the total — what the city sends to
/// the pension insurers. Mergeable like <see cref="BatchSummary"/>; keys sort as the text shows them (months <c>2025-04</c>).
/// </summary>
public sealed class WithholdingSummary
{
    /// <summary>Households that pay through the pension.</summary>
    public long Eligible { get; set; }

    /// <summary>Households that do not, by the first condition that does not hold.</summary>
    public SortedDictionary<string, long> NotEligible { get => _notEligible; set => _notEligible = new(value, StringComparer.Ordinal); }
    private SortedDictionary<string, long> _notEligible = new(StringComparer.Ordinal);

    /// <summary>Eligible households by the month withholding starts (<c>2025-10</c>).</summary>
    public SortedDictionary<string, long> StartMonths { get => _startMonths; set => _startMonths = new(value, StringComparer.Ordinal); }
    private SortedDictionary<string, long> _startMonths = new(StringComparer.Ordinal);

    /// <summary>Each pension month (<c>2025-04</c>): households withheld from in it and the total withheld.</summary>
    public SortedDictionary<string, PensionMonthTotal> PensionMonths { get => _pensionMonths; set => _pensionMonths = new(value, StringComparer.Ordinal); }
    private SortedDictionary<string, PensionMonthTotal> _pensionMonths = new(StringComparer.Ordinal);

    public long ProvisionalTotal { get; set; }
    public long DefinitiveTotal { get; set; }
    public long OrdinaryTotal { get; set; }
    public long Overpaid { get; set; }

    /// <summary>Counts a household's determination; <paramref name="months"/> are the run's pension months (<see cref="BatchWithholding.PensionMonths"/>).</summary>
    public void Add(BatchWithholdingResult r, IReadOnlyList<(NodaTime.YearMonth Month, Withholding.PaymentKind Kind)> months)
    {
        if (r.Eligible)
        {
            Eligible++;
            for (var i = 0; i < months.Count; i++)
                if (months[i].Month.Month == r.StartMonth) Increment(StartMonths, BatchWithholding.MonthText(months[i].Month));
        }
        else Increment(NotEligible, r.Status);
        for (var i = 0; i < months.Count; i++)
        {
            var total = Month(BatchWithholding.MonthText(months[i].Month));
            if (r.PensionAmounts[i] > 0) total.Households++;
            total.Amount += r.PensionAmounts[i];
        }
        ProvisionalTotal += r.ProvisionalTotal;
        DefinitiveTotal += r.DefinitiveTotal;
        OrdinaryTotal += r.OrdinaryTotal;
        Overpaid += r.Overpaid;
    }

    public void Merge(WithholdingSummary other)
    {
        Eligible += other.Eligible;
        foreach (var (k, v) in other.NotEligible) NotEligible[k] = NotEligible.GetValueOrDefault(k) + v;
        foreach (var (k, v) in other.StartMonths) StartMonths[k] = StartMonths.GetValueOrDefault(k) + v;
        foreach (var (k, v) in other.PensionMonths)
        {
            var total = Month(k);
            total.Households += v.Households;
            total.Amount += v.Amount;
        }
        ProvisionalTotal += other.ProvisionalTotal;
        DefinitiveTotal += other.DefinitiveTotal;
        OrdinaryTotal += other.OrdinaryTotal;
        Overpaid += other.Overpaid;
    }

    private PensionMonthTotal Month(string month)
    {
        if (!PensionMonths.TryGetValue(month, out var total)) PensionMonths[month] = total = new PensionMonthTotal();
        return total;
    }

    private static void Increment(SortedDictionary<string, long> counts, string key) => counts[key] = counts.GetValueOrDefault(key) + 1;

    /// <summary>The summary's rows (Japanese label, English key beside).</summary>
    internal void AddRows(List<(string Label, string Value, string Unit)> rows)
    {
        void Row(string label, long value, string unit) => rows.Add((label, value.ToString("N0", CultureInfo.InvariantCulture), unit));
        Row("特別徴収 withholding eligible", Eligible, "世帯 households");
        Row("普通徴収 not eligible", NotEligible.Values.Sum(), "世帯 households");
        foreach (var (condition, count) in NotEligible) Row($"  非該当 first failing {condition}", count, "世帯 households");
        foreach (var (month, count) in StartMonths) Row($"  開始月 start {month}", count, "世帯 households");
        foreach (var (month, total) in PensionMonths)
            rows.Add(($"特別徴収額 withheld {month}", total.Amount.ToString("N0", CultureInfo.InvariantCulture), $"円 yen ({total.Households.ToString("N0", CultureInfo.InvariantCulture)} 世帯 households)"));
        Row("仮徴収 provisional total", ProvisionalTotal, "円 yen");
        Row("本徴収 definitive total", DefinitiveTotal, "円 yen");
        Row("普通徴収 ordinary total", OrdinaryTotal, "円 yen");
        if (Overpaid > 0) Row("仮徴収の過徴収 overpaid (refund)", Overpaid, "円 yen");
    }
}

/// <summary>One pension month of a <see cref="WithholdingSummary"/>.</summary>
public sealed class PensionMonthTotal
{
    /// <summary>Households withheld from in the month (amount above 0).</summary>
    public long Households { get; set; }

    /// <summary>Total withheld in the month (yen).</summary>
    public long Amount { get; set; }
}

/// <summary>Durations as staff read them: <c>h:mm:ss</c>.</summary>
public static class Eta
{
    public static string Format(TimeSpan t) =>
        string.Create(CultureInfo.InvariantCulture, $"{(long)t.TotalHours}:{t.Minutes:00}:{t.Seconds:00}");
}
