using System.Collections.Concurrent;
using System.Diagnostics;
using KokuhoRules.Engine.Money;
using KokuhoRules.Rules.Snapshots;

namespace KokuhoRules.Rules.Premium.Solve;

/// <summary>
/// 適正算定 (the rate solver): for each component of the targets, the 所得割率 (in the targets' unit) whose levy over the population,
/// with the 均等割 and 平等割 that the splits derive from it, comes nearest the target amount — honouring every reduction, relief
/// and cap, because each pass assesses every household with <see cref="PremiumCalculator.Assess"/> (the batch's own calculation)
/// under the draft with the candidate rates. The first pass reads what the rates do not change (each component's Σ 算定基礎所得 ×
/// months, liable member-months and household-months: the bases of the splits). The raise is monotone in the rate, so each
/// component's rate is found by false position with bisection as a safeguard over the integer units of the rate; the components
/// are independent (a component's amount reads only its own rates) and are solved in the same passes.
/// </summary>
/// <remarks>
/// The split, for a rate r: the gross 所得割 G = Σ 算定基礎所得 × months ÷ 12 × r; the 応益 part G × (1 − a) ÷ a; 均等割 = its share b
/// ÷ (liable member-months ÷ 12), 平等割 = its share 1 − b ÷ (household-months ÷ 12), each rounded as the targets say. So a:(1 − a)
/// and b:(1 − b) hold for the gross levy before reductions (which the 保険基盤安定 funds), and the target is met by what is levied.
/// </remarks>
public static class RateSolver
{
    private const int MaxPasses = 64;

    /// <summary>Solves every component of <paramref name="targets"/> over <paramref name="households"/> under <paramref name="draft"/>.</summary>
    /// <exception cref="InvalidDataException">A target names a component the rule set does not have.</exception>
    /// <exception cref="UnreachableTargetException">A target cannot be reached at any rate up to 100%.</exception>
    /// <param name="sampleFrom">From this many households, each rate is first solved on a sample of every tenth household, and the full search starts there.</param>
    public static RateSolution Solve(PremiumRuleSet draft, IReadOnlyList<HouseholdSnapshot> households, RateTargets targets, int threads, string by,
        long refused = 0, Action<int>? onPass = null, CancellationToken cancel = default, int sampleFrom = SampleFrom)
    {
        var clock = Stopwatch.StartNew();
        var index = targets.Components.Select(t => IndexOf(draft, t.Name)).ToArray();
        var bases = Bases(draft, households, threads, cancel);
        onPass?.Invoke(1);
        var uden = targets.IncomeRateUnit.Denominator;
        var passes = 1;
        var hints = households.Count >= sampleFrom ? Hints(draft, households, targets, index, bases, threads, cancel) : null;
        var searches = targets.Components.Select((t, i) => new RateSearch(t, draft.Components[index[i]], bases[index[i]], uden, households.Count, hints?[i])).ToArray();
        passes += Search(draft, households, targets, index, searches, threads, p => onPass?.Invoke(passes + p), cancel);
        var components = searches.Select((s, i) =>
        {
            var c = draft.Components[index[i]];
            var solved = s.RatesAt(s.Chosen, targets);
            var t = s.Target;
            return new SolvedComponent(t.Name, c.Label, t.Amount, t.Required, t.CollectionRate?.ToDecimal(), t.IncomeShare.ToDecimal(), t.PerCapitaShare.ToDecimal(),
                solved.IncomeRate.ToDecimal(), solved.PerCapita, solved.PerHousehold, s.ChosenRaised, s.ChosenRaised - t.Amount, s.Iterations, s.ChosenAtCap,
                c.Rates.IncomeRate.ToDecimal(), c.Rates.PerCapita, c.Rates.PerHousehold, bases[index[i]].Raised);
        }).ToArray();
        return new RateSolution(draft.Stamp, targets.Sha256, targets.IncomeRateUnitText, components, households.Count, refused, passes, by,
            NodaTime.SystemClock.Instance.GetCurrentInstant(), Math.Round(clock.Elapsed.TotalSeconds, 3));
    }

    /// <summary>
    /// What component <paramref name="name"/> raises over the population at a 所得割率 of <paramref name="units"/> × the targets' unit, with
    /// the 均等割 and 平等割 its splits derive (the solver's own candidate at that rate; its neighbours show how far one unit moves the raise).
    /// </summary>
    public static (long Raised, long AtCap, ComponentRates Rates) RaiseAt(PremiumRuleSet draft, IReadOnlyList<HouseholdSnapshot> households, RateTargets targets,
        string name, long units, int threads, CancellationToken cancel = default)
    {
        var c = IndexOf(draft, name);
        var target = targets.Components.FirstOrDefault(t => t.Name == name) ?? throw new InvalidDataException($"targets: there is no target for '{name}'");
        var search = new RateSearch(target, draft.Components[c], Bases(draft, households, threads, cancel)[c], targets.IncomeRateUnit.Denominator, households.Count);
        var rates = draft.Components.Select(x => x.Rates).ToArray();
        rates[c] = search.RatesAt(units, targets);
        var (raised, atCap) = Pass(RateVariant.With(draft, rates), households, threads, cancel);
        return (raised[c], atCap[c], rates[c]);
    }

    /// <summary>Runs <paramref name="searches"/> to the end, one pass over <paramref name="households"/> per step; returns the passes.</summary>
    private static int Search(PremiumRuleSet draft, IReadOnlyList<HouseholdSnapshot> households, RateTargets targets, int[] index, RateSearch[] searches, int threads,
        Action<int>? onPass, CancellationToken cancel)
    {
        var passes = 0;
        while (searches.Any(s => !s.Done))
        {
            if (passes >= MaxPasses) throw new InvalidOperationException($"the solver did not converge in {MaxPasses} passes");
            var candidates = searches.Select(s => s.Done ? s.Chosen : s.Next()).ToArray();
            var rates = draft.Components.Select(c => c.Rates).ToArray();
            for (var i = 0; i < searches.Length; i++) rates[index[i]] = searches[i].RatesAt(candidates[i], targets);
            var (raised, atCap) = Pass(RateVariant.With(draft, rates), households, threads, cancel);
            passes++;
            onPass?.Invoke(passes);
            for (var i = 0; i < searches.Length; i++)
                if (!searches[i].Done) searches[i].Evaluated(candidates[i], raised[index[i]], atCap[index[i]], passes);
        }
        return passes;
    }

    /// <summary>Populations from this size are first solved on a sample (every <see cref="SampleEvery"/>th household).</summary>
    public const int SampleFrom = 20_000;
    private const int SampleEvery = 10;

    /// <summary>
    /// For a large population, each component's rate solved on a sample (its target scaled by what the draft's own rates raise
    /// from the sample and from all): the first rate the full search tries, so that it needs only the last few passes. The full
    /// search decides alone; null when the population is small or the sample cannot reach a target.
    /// </summary>
    private static long?[]? Hints(PremiumRuleSet draft, IReadOnlyList<HouseholdSnapshot> households, RateTargets targets, int[] index, ComponentBases[] bases, int threads,
        CancellationToken cancel)
    {
        var sample = Enumerable.Range(0, households.Count / SampleEvery).Select(i => households[i * SampleEvery]).ToArray();
        var (atDraft, _) = Pass(draft, sample, threads, cancel);
        var searches = targets.Components.Select((t, i) =>
        {
            var full = bases[index[i]].Raised;
            var scaled = full > 0 ? (decimal)t.Amount * atDraft[index[i]] / full : (decimal)t.Amount * sample.Length / households.Count;
            return new RateSearch(t with { Amount = Math.Max(1, (long)Math.Round(scaled)) }, draft.Components[index[i]], bases[index[i]],
                targets.IncomeRateUnit.Denominator, sample.Length);
        }).ToArray();
        try
        {
            Search(draft, sample, targets, index, searches, threads, null, cancel);
        }
        catch (UnreachableTargetException)
        {
            return null;
        }
        return searches.Select(s => (long?)s.Chosen).ToArray();
    }

    private static int IndexOf(PremiumRuleSet rs, string name)
    {
        for (var c = 0; c < rs.Components.Count; c++) if (rs.Components[c].Name == name) return c;
        throw new InvalidDataException($"targets: components.{name}: the rule set {rs.Insurer.Id}/{rs.FiscalYear} {rs.Version} has no component '{name}' (it has: {string.Join(", ", rs.Components.Select(c => c.Name))})");
    }

    /// <summary>What the rates do not change, per component: Σ 算定基礎所得 × liable months, liable member-months, household-months; and the draft's own raise.</summary>
    internal sealed record ComponentBases(Int128 IncomeYenMonths, long MemberMonths, long HouseholdMonths, long Raised);

    private static ComponentBases[] Bases(PremiumRuleSet rs, IReadOnlyList<HouseholdSnapshot> households, int threads, CancellationToken cancel)
    {
        var nc = rs.Components.Count;
        var income = new Int128[nc];
        var members = new long[nc];
        var months = new long[nc];
        var raised = new long[nc];
        var gate = new Lock();
        ForRanges(households.Count, threads, cancel, (from, to) =>
        {
            var (li, lm, lh, lr) = (new Int128[nc], new long[nc], new long[nc], new long[nc]);
            for (var h = from; h < to; h++)
            {
                var a = PremiumCalculator.Assess(rs, households[h], trace: null, details: true);
                for (var c = 0; c < nc; c++)
                {
                    var name = rs.Components[c].Name;
                    lh[c] += a.Components[c].Months;
                    lr[c] += a.Components[c].Amount;
                    foreach (var m in a.Members)
                    {
                        var k = m.ComponentMonths.GetValueOrDefault(name);
                        lm[c] += k;
                        li[c] += (Int128)m.AssessableIncome * k;
                    }
                }
            }
            lock (gate)
                for (var c = 0; c < nc; c++)
                {
                    income[c] += li[c];
                    members[c] += lm[c];
                    months[c] += lh[c];
                    raised[c] += lr[c];
                }
        });
        return Enumerable.Range(0, nc).Select(c => new ComponentBases(income[c], members[c], months[c], raised[c])).ToArray();
    }

    /// <summary>One pass: every household assessed under <paramref name="rs"/>; per component Σ amounts and households at the cap.</summary>
    private static (long[] Raised, long[] AtCap) Pass(PremiumRuleSet rs, IReadOnlyList<HouseholdSnapshot> households, int threads, CancellationToken cancel)
    {
        var nc = rs.Components.Count;
        var raised = new long[nc];
        var atCap = new long[nc];
        var gate = new Lock();
        ForRanges(households.Count, threads, cancel, (from, to) =>
        {
            var (lr, lc) = (new long[nc], new long[nc]);
            for (var h = from; h < to; h++)
            {
                var a = PremiumCalculator.Assess(rs, households[h], trace: null, details: false);
                for (var c = 0; c < nc; c++)
                {
                    var x = a.Components[c];
                    lr[c] += x.Amount;
                    if (Impact.ImpactTally.AtCap(x)) lc[c]++;
                }
            }
            lock (gate)
                for (var c = 0; c < nc; c++)
                {
                    raised[c] += lr[c];
                    atCap[c] += lc[c];
                }
        });
        return (raised, atCap);
    }

    private static void ForRanges(int count, int threads, CancellationToken cancel, Action<int, int> body) =>
        Parallel.ForEach(Partitioner.Create(0, count, Math.Max(256, count / (threads * 8) + 1)),
            new ParallelOptions { MaxDegreeOfParallelism = Math.Max(1, threads), CancellationToken = cancel }, range => body(range.Item1, range.Item2));
}
