using System.Text;
using System.Text.Json;
using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Engines;
using KokuhoRules.Rules.Batch;
using KokuhoRules.Rules.Catalog;
using KokuhoRules.Rules.Eligibility;
using KokuhoRules.Rules.Snapshots;

namespace KokuhoRules.Benchmarks;

/// <summary>Synthetic Hyogo histories for the eligibility benchmarks: at least a number of records, a fault in every 100th person.</summary>
internal static class EligibilityInputs
{
    public static EligibilityRuleSet Hyogo { get; } =
        KokuhoRuleSets.Load([KokuhoRuleSets.BundledRoot], (insurer, _) => insurer == "hyogo").Find<EligibilityRuleSet>("hyogo", 2025)!;

    public static List<PersonHistory> People(int records)
    {
        var people = new List<PersonHistory>();
        var count = 0;
        foreach (var person in new SyntheticHistories(Hyogo, seed: 15).People(int.MaxValue, faultEvery: 100))
        {
            if (count >= records) break;
            people.Add(person);
            count += person.Records.Count;
        }
        return people;
    }

    public static string WriteFile(IEnumerable<PersonHistory> people)
    {
        var path = Path.Combine(Path.GetTempPath(), $"kokuho-eligibility-{Environment.ProcessId}.jsonl");
        using var writer = new StreamWriter(path, false, new UTF8Encoding(false), 1 << 20);
        foreach (var p in people)
        {
            foreach (var r in p.Records) writer.WriteLine(JsonSerializer.Serialize(r, KokuhoJson.Options));
            foreach (var e in p.Events) writer.WriteLine(JsonSerializer.Serialize(e, KokuhoJson.Options));
        }
        return path;
    }
}

/// <summary>
/// A prefecture's year of eligibility records (1,000,000 records, ~400,000 persons, Hyogo FY2025 draft) checked
/// file to file as <c>kokuho eligibility check</c> does it (persons in chunks, each person's session on both cores),
/// against the floor of reading and parsing every line and writing the findings' worth of lines.
/// </summary>
[MemoryDiagnoser]
[SimpleJob(RunStrategy.Monitoring, launchCount: 1, warmupCount: 1, iterationCount: 3)]
public class EligibilityFileBenchmarks
{
    private string _input = null!;
    private string _output = null!;

    [Params(1_000_000)]
    public int Records { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        _input = EligibilityInputs.WriteFile(EligibilityInputs.People(Records));
        _output = _input + ".findings.jsonl";
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        foreach (var path in new[] { _input, _output, _output + ".errors.jsonl" }) File.Delete(path);
    }

    [Benchmark(Description = "file to file (kokuho eligibility check)")]
    public long FileToFile() =>
        new EligibilityFileCheck(EligibilityInputs.Hyogo).Run(new EligibilityFileOptions(_input, _output, ResultFormat.Jsonl, Environment.ProcessorCount), null, CancellationToken.None).Findings;

    [Benchmark(Baseline = true, Description = "floor: read and parse every line, write a line per 100")]
    public long ReadParseWriteFloor()
    {
        long lines = 0;
        using var reader = new StreamReader(_input, new UTF8Encoding(false), false, 1 << 16);
        using var writer = new StreamWriter(_output, false, new UTF8Encoding(false), 1 << 20);
        while (reader.ReadLine() is { } text)
        {
            var bytes = Encoding.UTF8.GetBytes(text);
            var line = EligibilityLineReader.TryRead(bytes) ?? JsonSerializer.Deserialize<EligibilityLineJson>(bytes, KokuhoJson.Options)!;
            if (++lines % 100 == 0) writer.WriteLine(JsonSerializer.Serialize(line, KokuhoJson.Options));
        }
        return lines;
    }
}

/// <summary>
/// The same rules over the same records in one NRules session, against the person-partitioned run: a join on the
/// person key in one session compares every record with every other (its memory is not indexed by key), so the
/// time grows with the square of the records; partitioned, linearly.
/// </summary>
[MemoryDiagnoser]
[SimpleJob(RunStrategy.Monitoring, launchCount: 1, warmupCount: 1, iterationCount: 3)]
public class EligibilitySessionBenchmarks
{
    private List<HistoryRecord> _records = null!;
    private List<LifeEvent> _events = null!;

    // One session of 8,000 records already takes ~23 s of CPU (benchmarks/README.md, 2026-12-01 second figures).
    [Params(2_000, 4_000, 8_000)]
    public int Records { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        var people = EligibilityInputs.People(Records);
        _records = people.SelectMany(p => p.Records).ToList();
        _events = people.SelectMany(p => p.Events).ToList();
    }

    [Benchmark(Baseline = true, Description = "partitioned by person, 1 session at a time")]
    public int Partitioned() => EligibilityCheck.Run(EligibilityInputs.Hyogo, _records, _events, workers: 1).Findings.Count;

    [Benchmark(Description = "one NRules session")]
    public int OneSession() => EligibilityCheck.RunOneSession(EligibilityInputs.Hyogo, _records, _events).Findings.Count;
}
