using System.Text.Json;
using KokuhoRules.Rules.Batch;
using KokuhoRules.Rules.Catalog;
using KokuhoRules.Rules.Premium;
using KokuhoRules.Rules.Snapshots;
using KokuhoRules.Rules.Storage;
using Npgsql;

namespace KokuhoRules.Cli;

/// <summary>The batch commands: <c>generate</c>, <c>load</c>, <c>reassess</c>, <c>db migrate</c>.</summary>
public static class Batch
{
    public sealed record ReassessArgs(string? Insurer, int? FiscalYear, string? Input, string? Output, ResultFormat Format, int Threads, bool Trial,
        string? Resume, string[] Roots, string? Database = null, int ChunkSize = 4000);

    /// <summary>Generates a synthetic population to a JSON Lines file or straight into the database.</summary>
    public static async Task<int> Generate(int fiscalYear, int seed, long insured, string? path, string? database, string? insurer, TextWriter output, TextWriter error, CancellationToken cancel)
    {
        var clock = System.Diagnostics.Stopwatch.StartNew();
        if (database is not null)
        {
            if (insurer is null)
            {
                error.WriteLine("generate --db needs --insurer");
                return 2;
            }
            var loaded = await LoadHouseholds(database, insurer, fiscalYear, new SyntheticPopulation(fiscalYear, seed).Households(insured), error, cancel);
            if (loaded < 0) return 1;
            output.WriteLine($"{loaded:N0} households for {insured:N0} insured loaded into the database for {insurer}/{fiscalYear} in {clock.Elapsed.TotalSeconds:F1} s");
            return 0;
        }
        if (path is null)
        {
            error.WriteLine("generate needs --out <file> or --db <connection string> --insurer <id>");
            return 2;
        }
        var (households, members) = GenerateFile(fiscalYear, seed, insured, path);
        output.WriteLine($"{households:N0} households ({members:N0} insured) written to {path} in {clock.Elapsed.TotalSeconds:F1} s");
        return 0;
    }

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

    /// <summary>Loads a JSON Lines file into the database; lines that are not JSON households are reported and skipped.</summary>
    public static async Task<int> Load(string database, string insurer, int fiscalYear, string path, TextWriter output, TextWriter error, CancellationToken cancel)
    {
        var clock = System.Diagnostics.Stopwatch.StartNew();
        long line = 0, skipped = 0;
        IEnumerable<HouseholdJson> Read()
        {
            foreach (var text in File.ReadLines(path))
            {
                line++;
                if (string.IsNullOrWhiteSpace(text)) continue;
                HouseholdJson? household = null;
                try
                {
                    household = JsonSerializer.Deserialize<HouseholdJson>(text, KokuhoJson.Options);
                }
                catch (JsonException e)
                {
                    error.WriteLine($"{path}:{line}: not a household: {e.Message.Split(" Path:")[0]}");
                }
                if (household?.Id is null)
                {
                    skipped++;
                    continue;
                }
                yield return household;
            }
        }
        var loaded = await LoadHouseholds(database, insurer, fiscalYear, Read(), error, cancel);
        if (loaded < 0) return 1;
        output.WriteLine($"{loaded:N0} households loaded for {insurer}/{fiscalYear} ({skipped:N0} lines skipped) in {clock.Elapsed.TotalSeconds:F1} s");
        return 0;
    }

    private static async Task<long> LoadHouseholds(string database, string insurer, int fiscalYear, IEnumerable<HouseholdJson> households, TextWriter error, CancellationToken cancel)
    {
        var catalog = RuleSetCatalog.Load([RuleSetCatalog.BundledRoot], (i, _) => i == insurer);
        var info = catalog.RuleSets.FirstOrDefault()?.Insurer;
        if (info is null)
        {
            error.WriteLine($"no rule set names insurer '{insurer}': its name and local government code are taken from its rule set");
            return -1;
        }
        await using var db = NpgsqlDataSource.Create(database);
        var store = new PremiumStore(db);
        await store.MigrateAsync(cancel);
        return await store.LoadAsync(info, fiscalYear, households, cancel);
    }

    /// <summary>Applies the migrations.</summary>
    public static async Task<int> Migrate(string database, TextWriter output, TextWriter error, CancellationToken cancel)
    {
        await using var db = NpgsqlDataSource.Create(database);
        var applied = await new PremiumStore(db).MigrateAsync(cancel);
        output.WriteLine(applied.Count == 0 ? "schema up to date" : "applied: " + string.Join(", ", applied));
        return 0;
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

    /// <summary>Runs or resumes a run (files by default, PostgreSQL with --db); returns the exit code.</summary>
    public static async Task<int> Reassess(ReassessArgs args, TextWriter output, TextWriter error, CancellationToken cancel)
    {
        var progress = ConsoleProgress.ForStandardError();
        var clock = System.Diagnostics.Stopwatch.StartNew();
        try
        {
            BatchSummary summary;
            if (args.Database is { } database)
            {
                await using var db = NpgsqlDataSource.Create(database);
                var store = new PremiumStore(db);
                await store.MigrateAsync(cancel);
                if (args.Resume is { } resume)
                {
                    if (!long.TryParse(resume, out var runId))
                    {
                        error.WriteLine("with --db, --resume takes a run id");
                        return 2;
                    }
                    var existing = await store.GetRunAsync(runId, cancel);
                    if (existing is null)
                    {
                        error.WriteLine($"there is no run {runId}");
                        return 1;
                    }
                    var catalog = RuleSetCatalog.Load(args.Roots, (i, fy) => i == existing.InsurerId && fy == existing.FiscalYear);
                    error.WriteLine($"working on run {runId} ({existing.InsurerId}/{existing.FiscalYear}, {existing.Households:N0} households)");
                    (_, summary) = await new DbBatchRunner(new PremiumService(catalog), store).ResumeAsync(runId, args.Threads, progress, cancel);
                }
                else
                {
                    if (args.Insurer is null || args.FiscalYear is null)
                    {
                        error.WriteLine("reassess --db needs --insurer and --fiscal-year (or --resume <run id>)");
                        return 2;
                    }
                    var catalog = RuleSetCatalog.Load(args.Roots, (i, fy) => i == args.Insurer && fy == args.FiscalYear);
                    var runner = new DbBatchRunner(new PremiumService(catalog), store);
                    var (run, s) = await runner.RunAsync(args.Insurer, args.FiscalYear.Value, args.Trial, args.ChunkSize, args.Threads, Environment.UserName, progress, cancel);
                    error.WriteLine($"run {run.RunId} (resume or add workers with --db ... --resume {run.RunId})");
                    summary = s;
                }
            }
            else if (args.Resume is { } resume)
            {
                var (insurer, fiscalYear) = ReadTarget(resume);
                var runner = new FileBatchRunner(new PremiumService(RuleSetCatalog.Load(args.Roots, (i, fy) => i == insurer && fy == fiscalYear)));
                error.WriteLine($"resuming run from {resume}");
                summary = runner.Resume(resume, args.Threads, progress, cancel);
            }
            else
            {
                if (args.Insurer is null || args.FiscalYear is null || args.Input is null || args.Output is null)
                {
                    error.WriteLine("reassess needs --insurer, --fiscal-year, --in and --out (or --db, or --resume)");
                    return 2;
                }
                var runner = new FileBatchRunner(new PremiumService(RuleSetCatalog.Load(args.Roots, (i, fy) => i == args.Insurer && fy == args.FiscalYear)));
                var stateFile = FileRunState.PathFor(args.Output);
                error.WriteLine($"run state: {stateFile} (resume with --resume {stateFile})");
                summary = runner.Run(new FileBatchOptions(args.Insurer, args.FiscalYear.Value, args.Input, args.Output, args.Format, args.Threads, args.Trial), progress, cancel);
            }
            summary.Write(output, clock.Elapsed);
            if (Environment.GetEnvironmentVariable("KOKUHO_DIAG") == "1")
                error.WriteLine($"gc: gen0 {GC.CollectionCount(0)} gen1 {GC.CollectionCount(1)} gen2 {GC.CollectionCount(2)} pause {GC.GetTotalPauseDuration().TotalMilliseconds:F0} ms allocated {GC.GetTotalAllocatedBytes() / 1_000_000} MB; cpu {System.Diagnostics.Process.GetCurrentProcess().TotalProcessorTime.TotalSeconds:F1} s; jit {System.Runtime.JitInfo.GetCompilationTime().TotalMilliseconds:F0} ms");
            return 0;
        }
        catch (OperationCanceledException)
        {
            error.WriteLine("interrupted: resume with --resume");
            return 130;
        }
        catch (Exception e) when (e is InvalidOperationException or InvalidDataException or IOException or JsonException or NpgsqlException)
        {
            error.WriteLine($"reassess: {e.Message}");
            return 1;
        }
    }
}
