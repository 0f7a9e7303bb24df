using System.Text;
using System.Text.Json;
using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Engines;
using KokuhoRules.Rules.Batch;
using KokuhoRules.Rules.HighCost;
using KokuhoRules.Rules.Snapshots;

namespace KokuhoRules.Benchmarks;

/// <summary>
/// The target: a city's month of benefits for 100,000 insured (about 60,000 households, 300,000 claims, 40,000
/// history months, as <c>kokuho high-cost generate-claims</c> writes them) file to file as <c>kokuho high-cost benefits</c>
/// does it — read every line through the API contract, merge the history, compute on both cores, write the results and the
/// updated history — against the floor of reading and parsing every line of both files and writing a line per household.
/// </summary>
[MemoryDiagnoser]
[SimpleJob(RunStrategy.Monitoring, launchCount: 1, warmupCount: 1, iterationCount: 3)]
public class HighCostBenefitsFileBenchmarks
{
    private static readonly NodaTime.YearMonth Month = new(2025, 10);
    private HighCostRuleSet _rs = null!;
    private string _claims = null!, _history = null!, _output = null!;

    [Params(100_000)]
    public int Insured { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        _rs = ContinuityInputs.Hyogo;
        var stem = Path.Combine(Path.GetTempPath(), $"kokuho-highcost-{Environment.ProcessId}");
        (_claims, _history, _output) = (stem + ".claims.jsonl", stem + ".history.jsonl", stem + ".benefits.jsonl");
        using var c = new StreamWriter(_claims, false, new UTF8Encoding(false), 1 << 20);
        using var h = new StreamWriter(_history, false, new UTF8Encoding(false), 1 << 20);
        foreach (var household in new SyntheticClaims(_rs, Month, 1, "amagasaki").Households(Insured))
        {
            c.WriteLine(JsonSerializer.Serialize(household.Line, KokuhoJson.Options));
            foreach (var l in household.History) h.WriteLine(JsonSerializer.Serialize(l, KokuhoJson.Options));
        }
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        foreach (var path in new[] { _claims, _history, _output, _output + ".history.jsonl", _output + ".errors.jsonl" }) File.Delete(path);
    }

    [Benchmark(Description = "file to file (kokuho high-cost benefits)")]
    public long FileToFile() =>
        new HighCostFileRun(_rs).Run(new HighCostBenefitsOptions("amagasaki", Month, _claims, _history, _output, ResultFormat.Jsonl, true, Environment.ProcessorCount),
            null, CancellationToken.None).Households;

    [Benchmark(Baseline = true, Description = "floor: read and parse every line of both files, write a line per household")]
    public long ReadParseWriteFloor()
    {
        long lines = 0;
        using var writer = new StreamWriter(_output, false, new UTF8Encoding(false), 1 << 20);
        using (var reader = new StreamReader(_claims, new UTF8Encoding(false), false, 1 << 16))
            while (reader.ReadLine() is { } text)
            {
                var line = JsonSerializer.Deserialize<HighCostBenefitRequest>(Encoding.UTF8.GetBytes(text), KokuhoJson.Options)!;
                writer.WriteLine(JsonSerializer.Serialize(new { householdId = line.Household!.Id, claims = line.Claims!.Count }, KokuhoJson.Options));
                lines++;
            }
        using (var reader = new StreamReader(_history, new UTF8Encoding(false), false, 1 << 16))
            while (reader.ReadLine() is { } text)
            {
                JsonSerializer.Deserialize<HighCostHistoryLineJson>(Encoding.UTF8.GetBytes(text), KokuhoJson.Options);
                lines++;
            }
        return lines;
    }
}
