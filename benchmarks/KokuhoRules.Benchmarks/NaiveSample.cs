using System.Diagnostics;
using System.Text.Json;
using KokuhoRules.Engine.Decisions;
using KokuhoRules.Rules.Catalog;
using KokuhoRules.Rules.Premium;
using KokuhoRules.Rules.Snapshots;
using RulesEngine.Models;

namespace KokuhoRules.Benchmarks;

/// <summary>
/// <c>sample --in FILE [--households N] [--insurer I] [--fiscal-year Y]</c>: the batch benchmark's rule
/// evaluation figures, on the first N households of the population the batch runs (one thread):
/// <list type="bullet">
/// <item>compiled: the rule set as the batch runs it (decisions compiled once into delegates);</item>
/// <item>naive: the same rule set with every decision made by <c>RulesEngine.ExecuteAllRulesAsync</c>
/// (the results are checked equal, household by household);</item>
/// <item>one call: a single <c>ExecuteAllRulesAsync</c> per household (its reduction class only) — the
/// issue's yardstick, although one call decides far less than a household needs.</item>
/// </list>
/// Prints one line of <c>key=value</c> pairs for the batch script.
/// </summary>
public static class NaiveSample
{
    public static int Run(string[] args)
    {
        string Arg(string name, string fallback)
        {
            var i = Array.IndexOf(args, name);
            return i >= 0 && i + 1 < args.Length ? args[i + 1] : fallback;
        }
        var input = Arg("--in", "");
        var count = int.Parse(Arg("--households", "2000"), System.Globalization.CultureInfo.InvariantCulture);
        var insurer = Arg("--insurer", "amagasaki");
        var fiscalYear = int.Parse(Arg("--fiscal-year", "2025"), System.Globalization.CultureInfo.InvariantCulture);
        if (!File.Exists(input))
        {
            Console.Error.WriteLine("sample --in <population.jsonl> [--households N] [--insurer I] [--fiscal-year Y]");
            return 2;
        }
        var compiled = KokuhoRuleSets.Load([KokuhoRuleSets.BundledRoot], (i, fy) => i == insurer && fy == fiscalYear).Premium(insurer, fiscalYear)
                       ?? throw new InvalidOperationException($"no rule set {insurer}/{fiscalYear}");
        var naive = PremiumRuleSetCompiler.Compile(compiled.Source, DecisionEvaluation.RulesEngine);
        var households = File.ReadLines(input).Take(count)
            .Select(l => SnapshotReader.Read(JsonSerializer.Deserialize<HouseholdJson>(l, KokuhoJson.Options), "household", []))
            .OfType<HouseholdSnapshot>().ToArray();

        var oneCall = new RulesEngine.RulesEngine(compiled.Workflows.Workflows.ToArray(), new ReSettings { IsExpressionCaseSensitive = false });
        var facts = households.Select(h => new ReductionFacts(h.Members.Sum(m => m.Income.TotalIncome), h.Members.Count, 0, 0)).ToArray();

        // Check the two evaluations agree on the sample, then time each over the whole sample.
        for (var i = 0; i < households.Length; i++)
        {
            if (PremiumCalculator.Assess(compiled, households[i], null, false).AnnualPremium != PremiumCalculator.Assess(naive, households[i], null, false).AnnualPremium)
                throw new InvalidOperationException($"household {households[i].Id}: the naive and compiled evaluations disagree");
        }
        var (compiledNs, compiledBytes) = Time(() => { foreach (var h in households) PremiumCalculator.Assess(compiled, h, null, false); });
        var (naiveNs, naiveBytes) = Time(() => { foreach (var h in households) PremiumCalculator.Assess(naive, h, null, false); });
        var (oneCallNs, oneCallBytes) = Time(() =>
        {
            foreach (var f in facts) oneCall.ExecuteAllRulesAsync("ReductionClass", new RuleParameter("h", f), new RuleParameter("p", compiled.Parameters)).GetAwaiter().GetResult();
        });
        var n = households.Length;
        Console.WriteLine(FormattableString.Invariant(
            $"households={n} compiled_us={compiledNs / n / 1000:F2} compiled_bytes={compiledBytes / n} naive_us={naiveNs / n / 1000:F2} naive_bytes={naiveBytes / n} one_call_us={oneCallNs / n / 1000:F2} one_call_bytes={oneCallBytes / n} speedup_vs_naive={naiveNs / compiledNs:F0} speedup_vs_one_call={oneCallNs / compiledNs:F1}"));
        return 0;
    }

    /// <summary>
    /// The best of five timed rounds, after two seconds of untimed ones: tiered compilation keeps code at
    /// tier 0 until calls stop discovering new methods for a while, which a short loop never reaches.
    /// </summary>
    private static (double Nanoseconds, long Bytes) Time(Action action)
    {
        var warmUp = Stopwatch.StartNew();
        while (warmUp.Elapsed < TimeSpan.FromSeconds(2)) action();
        var best = (Nanoseconds: double.MaxValue, Bytes: 0L);
        for (var round = 0; round < 5; round++)
        {
            GC.Collect();
            var bytes = GC.GetAllocatedBytesForCurrentThread();
            var clock = Stopwatch.StartNew();
            action();
            var elapsed = clock.Elapsed.TotalNanoseconds;
            if (elapsed < best.Nanoseconds) best = (elapsed, GC.GetAllocatedBytesForCurrentThread() - bytes);
        }
        return best;
    }
}
