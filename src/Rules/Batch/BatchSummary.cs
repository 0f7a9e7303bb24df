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

    /// <summary>The summary as staff read it at the end of a run.</summary>
    public void Write(TextWriter output, TimeSpan elapsed)
    {
        string N(long v) => v.ToString("N0", CultureInfo.InvariantCulture);
        output.WriteLine($"households assessed   {N(Households)}   refused {N(Errors)}   in {elapsed.TotalSeconds:F1} s ({(elapsed.TotalSeconds > 0 ? N((long)(Households / elapsed.TotalSeconds)) : "-")} households/s)");
        output.WriteLine($"annual premium total  {N(AnnualPremium)} yen");
        foreach (var (name, total) in Components) output.WriteLine($"  {name,-20} {N(total)} yen");
        output.WriteLine("reduction classes     " + string.Join("   ", new[] { "7割", "5割", "2割", "none" }.Select(c => $"{c} {N(ReductionClasses.GetValueOrDefault(c))}")));
        output.WriteLine($"households at a cap   {N(AtCap)}");
    }
}
