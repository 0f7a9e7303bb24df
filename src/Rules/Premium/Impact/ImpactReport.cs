using System.Diagnostics;
using KokuhoRules.Rules.Batch;
using KokuhoRules.Rules.Snapshots;

namespace KokuhoRules.Rules.Premium.Impact;

/// <summary>
/// 試算の影響額 (impact report): the same population assessed under a base rule set (the published year) and a draft,
/// each household read once and assessed under both with <see cref="PremiumCalculator.Assess"/> — the batch's own
/// calculation, so each side's totals are what <c>kokuho reassess</c> gives with that rule set. Totals per component,
/// households by the size of their change (<see cref="ChangeBands"/>), at a cap, per reduction class and per age band
/// of the head (<see cref="AgeBands"/>, on 4月1日 of the draft's year). Immutable.
/// </summary>
public sealed record ImpactReport
{
    public required ImpactSide Base { get; init; }
    public required ImpactSide Draft { get; init; }
    /// <summary>Draft − base, annual premium (yen).</summary>
    public required long Difference { get; init; }
    public required ImpactInput Input { get; init; }
    public required IReadOnlyList<ImpactComponent> Components { get; init; }
    public required IReadOnlyList<ImpactBand> Changes { get; init; }
    public required IReadOnlyList<ImpactReductionClass> ReductionClasses { get; init; }
    public required IReadOnlyList<ImpactAgeBand> AgeBands { get; init; }
    public required ImpactRun Run { get; init; }

    /// <summary>
    /// The report over a population file (JSON Lines as <c>reassess</c> reads it; a refused line is counted, not assessed),
    /// on <paramref name="threads"/> threads. <paramref name="progress"/> is told as blocks of lines are done.
    /// </summary>
    public static ImpactReport Compute(PremiumRuleSet baseRs, PremiumRuleSet draftRs, string population, int threads, string by,
        IProgress<BatchProgress>? progress = null, CancellationToken cancel = default)
    {
        var clock = Stopwatch.StartNew();
        var layout = new ComponentLayout(baseRs, draftRs);
        var tally = new ImpactTally(layout.Names.Count);
        var on = new Calendar.FiscalYear(draftRs.FiscalYear).Start;
        var length = new FileInfo(population).Length;
        PopulationFile.ForEach(population, threads,
            line => line.Household is { } h ? Assessed(baseRs, draftRs, h, on) : default,
            r =>
            {
                if (r.Base is null) tally.Refused++;
                else tally.Add(r.Base, r.Draft!, r.AgeBand, layout.BaseIndex, layout.DraftIndex);
            }, cancel,
            stream => progress?.Report(new BatchProgress(tally.Households, tally.Refused, stream.Position, length, clock.Elapsed)));
        return From(baseRs, draftRs, layout, tally, new ImpactInput(Path.GetFullPath(population), PopulationFile.Hash(population), tally.Households, tally.Refused), by, clock.Elapsed);
    }

    /// <summary>The report over households already read (the web page's upload, the database), on <paramref name="threads"/> threads.</summary>
    public static ImpactReport Compute(PremiumRuleSet baseRs, PremiumRuleSet draftRs, IReadOnlyList<HouseholdSnapshot> households, string source, int threads, string by,
        CancellationToken cancel = default)
    {
        var clock = Stopwatch.StartNew();
        var layout = new ComponentLayout(baseRs, draftRs);
        var on = new Calendar.FiscalYear(draftRs.FiscalYear).Start;
        var total = new ImpactTally(layout.Names.Count);
        var gate = new Lock();
        Parallel.ForEach(System.Collections.Concurrent.Partitioner.Create(0, households.Count, 2048),
            new ParallelOptions { MaxDegreeOfParallelism = Math.Max(1, threads), CancellationToken = cancel },
            () => new ImpactTally(layout.Names.Count),
            (range, _, tally) =>
            {
                for (var i = range.Item1; i < range.Item2; i++)
                {
                    var r = Assessed(baseRs, draftRs, households[i], on);
                    tally.Add(r.Base!, r.Draft!, r.AgeBand, layout.BaseIndex, layout.DraftIndex);
                }
                return tally;
            },
            tally =>
            {
                lock (gate) total.Merge(tally);
            });
        return From(baseRs, draftRs, layout, total, new ImpactInput(source, null, total.Households, 0), by, clock.Elapsed);
    }

    private readonly record struct Pair(PremiumAssessment? Base, PremiumAssessment? Draft, int AgeBand);

    private static Pair Assessed(PremiumRuleSet baseRs, PremiumRuleSet draftRs, HouseholdSnapshot h, NodaTime.LocalDate on) =>
        new(PremiumCalculator.Assess(baseRs, h, trace: null, details: false), PremiumCalculator.Assess(draftRs, h, trace: null, details: false), Impact.AgeBands.Of(h, on));

    /// <summary>The report's components: the base's in its order, then the draft's that the base has not; each side's index into them.</summary>
    private sealed class ComponentLayout
    {
        public ComponentLayout(PremiumRuleSet baseRs, PremiumRuleSet draftRs)
        {
            var names = baseRs.Components.Select(c => c.Name).ToList();
            names.AddRange(draftRs.Components.Select(c => c.Name).Where(n => !names.Contains(n)));
            Names = names;
            Labels = names.Select(n => draftRs.Components.FirstOrDefault(c => c.Name == n)?.Label ?? baseRs.Components.First(c => c.Name == n).Label).ToArray();
            BaseIndex = baseRs.Components.Select(c => names.IndexOf(c.Name)).ToArray();
            DraftIndex = draftRs.Components.Select(c => names.IndexOf(c.Name)).ToArray();
        }

        public IReadOnlyList<string> Names { get; }
        public IReadOnlyList<string> Labels { get; }
        public int[] BaseIndex { get; }
        public int[] DraftIndex { get; }
    }

    private static readonly string[] ClassLabels = ["7割軽減", "5割軽減", "2割軽減", "軽減なし"];

    private static ImpactReport From(PremiumRuleSet baseRs, PremiumRuleSet draftRs, ComponentLayout layout, ImpactTally t, ImpactInput input, string by, TimeSpan elapsed) => new()
    {
        Base = new ImpactSide(baseRs.Stamp, t.BaseAnnual),
        Draft = new ImpactSide(draftRs.Stamp, t.DraftAnnual),
        Difference = t.DraftAnnual - t.BaseAnnual,
        Input = input,
        Components = layout.Names.Select((n, i) => new ImpactComponent(n, layout.Labels[i], t.BaseComponents[i], t.DraftComponents[i],
            t.DraftComponents[i] - t.BaseComponents[i], t.BaseAtCap[i], t.DraftAtCap[i])).ToArray(),
        Changes = Enumerable.Range(0, ChangeBands.Count).Select(b =>
        {
            var (from, to) = ChangeBands.Range(b);
            var direction = b == ChangeBands.Unchanged ? "unchanged" : b > ChangeBands.Unchanged ? "rise" : "fall";
            return new ImpactBand(ChangeBands.Label(b), direction, from, to, t.BandHouseholds[b], t.BandDifference[b]);
        }).ToArray(),
        ReductionClasses = ImpactTally.ReductionClasses.Select((c, i) => new ImpactReductionClass(c, ClassLabels[i], t.BaseClassHouseholds[i], t.BaseClassTotal[i],
            t.DraftClassHouseholds[i], t.DraftClassTotal[i])).ToArray(),
        AgeBands = Impact.AgeBands.Keys.Select((k, i) => new ImpactAgeBand(k, Impact.AgeBands.Labels[i], t.AgeHouseholds[i], t.AgeBase[i], t.AgeDraft[i],
            t.AgeDraft[i] - t.AgeBase[i])).ToArray(),
        Run = new ImpactRun(by, NodaTime.SystemClock.Instance.GetCurrentInstant(), Math.Round(elapsed.TotalSeconds, 3)),
    };
}
