using System.Text.Json;
using KokuhoRules.Rules.Batch;
using KokuhoRules.Rules.Catalog;
using KokuhoRules.Rules.Premium;
using KokuhoRules.Rules.Snapshots;

namespace KokuhoRules.Cli;

/// <summary>The batch commands: <c>generate</c> and <c>reassess</c>.</summary>
public static class Batch
{
    public sealed record ReassessArgs(string? Insurer, int? FiscalYear, string? Input, string? Output, ResultFormat Format, int Threads, bool Trial, string? Resume, string[] Roots);

    /// <summary>Writes a synthetic population as JSON Lines; returns the households and insured written.</summary>
    public static (long Households, long Insured) GenerateFile(int fiscalYear, int seed, long insured, string path)
    {
        using var stream = new FileStream(path, FileMode.Create, FileAccess.Write, FileShare.None, 1 << 20);
        using var json = new Utf8JsonWriter(stream);
        long households = 0, members = 0;
        foreach (var household in new SyntheticPopulation(fiscalYear, seed).Households(insured))
        {
            JsonSerializer.Serialize(json, household, KokuhoJson.Options);
            json.Flush();
            json.Reset();
            stream.WriteByte((byte)'\n');
            households++;
            members += household.Members!.Count(m => m!.Coverage!.Count > 0);
        }
        return (households, members);
    }

    private static (string? Insurer, int? FiscalYear) ReadTarget(string statePath)
    {
        try
        {
            var state = JsonSerializer.Deserialize<FileRunState>(File.ReadAllBytes(statePath), KokuhoJson.Options);
            return (state?.Insurer, state?.FiscalYear);
        }
        catch (Exception e) when (e is IOException or JsonException or UnauthorizedAccessException)
        {
            return (null, null);
        }
    }

    /// <summary>Runs or resumes a file run; returns the exit code.</summary>
    public static int Reassess(ReassessArgs args, TextWriter output, TextWriter error, CancellationToken cancel)
    {
        // Only the rule set the run needs is compiled (a resumed run reads it from its state).
        var (insurer, fiscalYear) = args.Resume is { } state
            ? ReadTarget(state)
            : (args.Insurer, args.FiscalYear);
        var catalog = RuleSetCatalog.Load(args.Roots, (i, fy) => i == insurer && fy == fiscalYear);
        foreach (var failure in catalog.Failures) error.WriteLine($"rule set {failure.RuleSet} refused: {failure.Errors[0]}");
        var runner = new FileBatchRunner(new PremiumService(catalog));
        var progress = ConsoleProgress.ForStandardError();
        var clock = System.Diagnostics.Stopwatch.StartNew();
        try
        {
            BatchSummary summary;
            string stateFile;
            if (args.Resume is { } resume)
            {
                stateFile = resume;
                error.WriteLine($"resuming run from {resume}");
                summary = runner.Resume(resume, args.Threads, progress, cancel);
            }
            else
            {
                if (args.Insurer is null || args.FiscalYear is null || args.Input is null || args.Output is null)
                {
                    error.WriteLine("reassess needs --insurer, --fiscal-year, --in and --out (or --resume <state file>)");
                    return 2;
                }
                stateFile = FileRunState.PathFor(args.Output);
                error.WriteLine($"run state: {stateFile} (resume with --resume {stateFile})");
                summary = runner.Run(new FileBatchOptions(args.Insurer, args.FiscalYear.Value, args.Input, args.Output, args.Format, args.Threads, args.Trial), progress, cancel);
            }
            summary.Write(output, clock.Elapsed);
            if (Environment.GetEnvironmentVariable("KOKUHO_DIAG") == "1")
                error.WriteLine($"gc: gen0 {GC.CollectionCount(0)} gen1 {GC.CollectionCount(1)} gen2 {GC.CollectionCount(2)} pause {GC.GetTotalPauseDuration().TotalMilliseconds:F0} ms allocated {GC.GetTotalAllocatedBytes() / 1_000_000} MB; cpu {System.Diagnostics.Process.GetCurrentProcess().TotalProcessorTime.TotalSeconds:F1} s; jit {System.Runtime.JitInfo.GetCompilationTime().TotalMilliseconds:F0} ms {System.Runtime.JitInfo.GetCompiledMethodCount()} methods");
            return 0;
        }
        catch (OperationCanceledException)
        {
            error.WriteLine("interrupted: resume with --resume <state file>");
            return 130;
        }
        catch (Exception e) when (e is InvalidOperationException or InvalidDataException or IOException or JsonException)
        {
            error.WriteLine($"reassess: {e.Message}");
            return 1;
        }
    }
}
