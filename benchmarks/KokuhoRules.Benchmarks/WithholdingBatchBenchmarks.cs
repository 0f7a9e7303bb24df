using System.Text.Json;
using BenchmarkDotNet.Attributes;
using KokuhoRules.Rules.Batch;
using KokuhoRules.Rules.Catalog;
using KokuhoRules.Rules.Premium;
using KokuhoRules.Rules.Snapshots;

namespace KokuhoRules.Benchmarks;

/// <summary>
/// The 本算定 file batch with and without <c>--withholding</c> (issue 13 item 5), in one run so that BenchmarkDotNet gives
/// their ratio: the same synthetic population (about half the households headed by an insured 65–74 with a pension,
/// most with withholding fields), Amagasaki FY2025 (premium and withholding rule sets published), CSV and JSON Lines
/// results, two worker threads as on the 2-core machine.
/// Each invocation is a whole run: read, check, assess (and determine), write, commit, rename.
/// </summary>
[MemoryDiagnoser]
public class WithholdingBatchBenchmarks
{
    private string _folder = null!;
    private string _input = null!;
    private FileBatchRunner _runner = null!;

    /// <summary>Insured members in the population (BENCH_WITHHOLDING_INSURED overrides the default 100,000).</summary>
    public static long Insured => long.TryParse(Environment.GetEnvironmentVariable("BENCH_WITHHOLDING_INSURED"), out var n) && n > 0 ? n : 100_000;

    [Params(ResultFormat.Csv, ResultFormat.Jsonl)]
    public ResultFormat Format { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        _folder = Directory.CreateTempSubdirectory("kokuho-bench-withholding-").FullName;
        _input = Path.Combine(_folder, "pop.jsonl");
        using (var writer = new StreamWriter(_input))
            foreach (var household in new SyntheticPopulation(2025, seed: 1).Households(Insured))
                writer.Write(JsonSerializer.Serialize(household, KokuhoJson.Options) + "\n");
        _runner = new FileBatchRunner(new PremiumService(KokuhoRuleSets.Load([KokuhoRuleSets.BundledRoot], (i, fy) => i == "amagasaki" && fy == 2025)));
        var with = WithWithholding();
        if (with.Withholding is not { Eligible: > 0 } w || w.NotEligible.Values.Sum() == 0)
            throw new InvalidOperationException("the population should have households that pay through the pension and households that do not");
    }

    [GlobalCleanup]
    public void Cleanup() => Directory.Delete(_folder, recursive: true);

    private BatchSummary Run(bool withholding) =>
        _runner.Run(new FileBatchOptions("amagasaki", 2025, _input, Path.Combine(_folder, "out"), Format, Threads: 2, Trial: false, Withholding: withholding),
            null, CancellationToken.None);

    /// <summary>The premium only (what <c>kokuho reassess</c> does without the option).</summary>
    [Benchmark(Baseline = true)]
    public BatchSummary PremiumOnly() => Run(withholding: false);

    /// <summary>The premium and each household's withholding determination (<c>--withholding</c>).</summary>
    [Benchmark]
    public BatchSummary WithWithholding() => Run(withholding: true);
}
