using System.Text;
using System.Text.Json;
using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Engines;
using KokuhoRules.Rules.Catalog;
using KokuhoRules.Rules.HighCost;
using KokuhoRules.Rules.HighCost.Continuity;
using KokuhoRules.Rules.Snapshots;
using NodaTime;

namespace KokuhoRules.Benchmarks;

/// <summary>A synthetic month of 兵庫県's moves for the continuity benchmarks (every §B7 criterion in turn).</summary>
internal static class ContinuityInputs
{
    public static HighCostRuleSet Hyogo { get; } =
        KokuhoRuleSets.Load([KokuhoRuleSets.BundledRoot], (insurer, _) => insurer == "hyogo").Find<HighCostRuleSet>("hyogo", 2025)!;

    public static readonly YearMonth Month = new(2025, 10);

    public static List<GeneratedMove> Moves(int households) =>
        new SyntheticMoves(Hyogo.Parameters.Continuity.Municipalities.Select(m => m.Id).ToArray(), Month, seed: 14).Moves(households).ToList();

    /// <summary>The moves and history files of <paramref name="moves"/>.</summary>
    public static (string Moves, string History) WriteFiles(IEnumerable<GeneratedMove> moves)
    {
        var stem = Path.Combine(Path.GetTempPath(), $"kokuho-continuity-{Environment.ProcessId}");
        using var m = new StreamWriter(stem + ".moves.jsonl", false, new UTF8Encoding(false), 1 << 20);
        using var h = new StreamWriter(stem + ".history.jsonl", false, new UTF8Encoding(false), 1 << 20);
        foreach (var move in moves)
        {
            foreach (var l in move.Lines) m.WriteLine(JsonSerializer.Serialize(l, KokuhoJson.Options));
            foreach (var l in move.History) h.WriteLine(JsonSerializer.Serialize(l, KokuhoJson.Options));
        }
        return (stem + ".moves.jsonl", stem + ".history.jsonl");
    }

    /// <summary>The candidates of <paramref name="moves"/>, extracted as the batch does.</summary>
    public static IReadOnlyList<ContinuityCase> Cases(IEnumerable<GeneratedMove> moves)
    {
        var records = new List<MoveRecord>();
        var events = new List<PersonEvent>();
        foreach (var line in moves.SelectMany(g => g.Lines))
        {
            if (line.Side is null) events.Add(new PersonEvent(line.PersonKey!, line.Kind!, line.Date!.Value));
            else
            {
                var hh = line.Household!;
                records.Add(new MoveRecord(line.Side, line.MoveDate!.Value, new MoveHousehold(line.Insurer!, "hyogo", hh.Id!, hh.HeadId!, hh.Members!.Select(x => x!.Id!).ToArray()), line.ToPrefecture));
            }
        }
        return ContinuityCandidates.Extract(records, events).Cases;
    }
}

/// <summary>
/// The target: a prefecture's 100,000 candidate households (93,750 moving households: a split to two cities
/// gives two candidates) decided file to file as <c>kokuho high-cost continuity</c> does it — read and check every
/// move line through the household contract, extract the candidates, decide them in partitioned NRules sessions on
/// both cores, stream the history, write the four lists — against the floor of reading and parsing every line of both
/// files and writing a line per candidate.
/// </summary>
[MemoryDiagnoser]
[SimpleJob(RunStrategy.Monitoring, launchCount: 1, warmupCount: 1, iterationCount: 3)]
public class ContinuityFileBenchmarks
{
    private string _moves = null!, _history = null!, _output = null!;

    [Params(93_750)]
    public int Households { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        (_moves, _history) = ContinuityInputs.WriteFiles(ContinuityInputs.Moves(Households));
        _output = _moves + ".out";
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        foreach (var path in new[] { _moves, _history }) File.Delete(path);
        if (Directory.Exists(_output)) Directory.Delete(_output, recursive: true);
    }

    [Benchmark(Description = "file to file (kokuho high-cost continuity)")]
    public long FileToFile() =>
        new ContinuityFileRun(ContinuitySettings.From(ContinuityInputs.Hyogo))
            .Run(new ContinuityBatchOptions(ContinuityInputs.Month, _moves, _history, _output, Environment.ProcessorCount), null, CancellationToken.None).Candidates;

    [Benchmark(Baseline = true, Description = "floor: read and parse every line of both files, write a line per candidate")]
    public long ReadParseWriteFloor()
    {
        long lines = 0;
        Directory.CreateDirectory(_output);
        using var writer = new StreamWriter(Path.Combine(_output, "floor.jsonl"), false, new UTF8Encoding(false), 1 << 20);
        using (var reader = new StreamReader(_moves, new UTF8Encoding(false), false, 1 << 16))
            while (reader.ReadLine() is { } text)
            {
                var line = JsonSerializer.Deserialize<MoveLineJson>(Encoding.UTF8.GetBytes(text), KokuhoJson.Options)!;
                if (line.Side == MoveSides.MoveIn) writer.WriteLine(JsonSerializer.Serialize(line, KokuhoJson.Options));
                lines++;
            }
        using (var reader = new StreamReader(_history, new UTF8Encoding(false), false, 1 << 16))
            while (reader.ReadLine() is { } text)
            {
                JsonSerializer.Deserialize<HistoryLineJson>(Encoding.UTF8.GetBytes(text), KokuhoJson.Options);
                lines++;
            }
        return lines;
    }
}

/// <summary>
/// The same rules over the same candidates in one NRules session, against the case-partitioned run (one session at
/// a time, and two at once): in one session a join on the case id compares every fact with every other, so the time
/// grows with the square of the candidates; partitioned, linearly.
/// </summary>
[MemoryDiagnoser]
[SimpleJob(RunStrategy.Monitoring, launchCount: 1, warmupCount: 1, iterationCount: 3)]
public class ContinuitySessionBenchmarks
{
    private IReadOnlyList<ContinuityCase> _cases = null!;

    [Params(500, 2_000, 8_000)]
    public int Households { get; set; }

    [GlobalSetup]
    public void Setup() => _cases = ContinuityInputs.Cases(ContinuityInputs.Moves(Households));

    [Benchmark(Baseline = true, Description = "partitioned by case, 1 session at a time")]
    public int Partitioned() => ContinuityJudgement.Decide(ContinuityInputs.Hyogo.ContinuityRules!, _cases, workers: 1).Count;

    [Benchmark(Description = "partitioned by case, 2 sessions at once")]
    public int PartitionedTwo() => ContinuityJudgement.Decide(ContinuityInputs.Hyogo.ContinuityRules!, _cases, workers: 2).Count;

    [Benchmark(Description = "one NRules session")]
    public int OneSession() => ContinuityJudgement.DecideOneSession(ContinuityInputs.Hyogo.ContinuityRules!, _cases).Count;
}
