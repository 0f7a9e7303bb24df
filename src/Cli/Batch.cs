using System.Text.Json;
using KokuhoRules.Engine.Audit;
using KokuhoRules.Engine.RuleSets;
using KokuhoRules.Engine.Storage;
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
        string? Resume, string[] Roots, string? Database = null, int ChunkSize = 4000, string? SummaryJson = null, int LeaseSeconds = DbWorkOptions.DefaultLeaseSeconds, bool CsvBom = true, bool NoWait = false,
        string? RulesetVersion = null, bool Withholding = false, string? AuditLog = null);

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
        long households, members;
        if (Path.GetDirectoryName(Path.GetFullPath(path)) is { } folder && !Directory.Exists(folder))
        {
            error.WriteLine($"generate: cannot write {path}: the folder {folder} does not exist");
            return 1;
        }
        try
        {
            (households, members) = GenerateFile(fiscalYear, seed, insured, path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            error.WriteLine($"generate: cannot write {path}: {OneLine(e)}");
            return 1;
        }
        output.WriteLine($"{households:N0} households ({members:N0} insured) written to {path} in {clock.Elapsed.TotalSeconds:F1} s");
        return 0;
    }

    /// <summary>
    /// Writes a synthetic population as JSON Lines; returns the households and insured written. The file is
    /// written beside its name (<c>.partial</c>) and renamed once complete: an existing file is replaced only by a whole one.
    /// </summary>
    public static (long Households, long Insured) GenerateFile(int fiscalYear, int seed, long insured, string path)
    {
        long households = 0, members = 0;
        using var files = new AtomicFiles();
        var stream = files.Create(path);
        using (var json = new Utf8JsonWriter(stream))
            foreach (var household in new SyntheticPopulation(fiscalYear, seed).Households(insured))
            {
                JsonSerializer.Serialize(json, household, KokuhoJson.Options);
                json.Flush();
                json.Reset();
                stream.WriteByte((byte)'\n');
                households++;
                members += household.Members!.Count(m => m!.Coverage!.Count > 0);
            }
        files.Commit();
        return (households, members);
    }

    /// <summary>An exception's message on one line (never a stack trace).</summary>
    private static string OneLine(Exception e) => e.Message.ReplaceLineEndings(" ");

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
                // As the API and the batch read a household: nothing shaped like an individual number is ever stored.
                var bytes = System.Text.Encoding.UTF8.GetBytes(text);
                HouseholdJson? household = null;
                if (IndividualNumberScan.Find(bytes, "household") is { } found) error.WriteLine($"{path}:{line}: not loaded: {found.Field}: {found.Message}");
                else
                {
                    try
                    {
                        household = JsonSerializer.Deserialize<HouseholdJson>(bytes, KokuhoJson.Options);
                    }
                    catch (JsonException e)
                    {
                        var problem = JsonErrors.For(e, "household");
                        error.WriteLine($"{path}:{line}: not a household: {problem.Field}: {problem.Message}");
                    }
                }
                if (household?.Id is null)
                {
                    skipped++;
                    continue;
                }
                yield return household;
            }
        }
        if (!File.Exists(path))
        {
            error.WriteLine($"load: there is no file {path}");
            return 1;
        }
        long loaded;
        try
        {
            loaded = await LoadHouseholds(database, insurer, fiscalYear, Read(), error, cancel);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or NpgsqlException or InvalidOperationException)
        {
            error.WriteLine($"load: {OneLine(e)}");
            return 1;
        }
        if (loaded < 0) return 1;
        output.WriteLine($"{loaded:N0} households loaded for {insurer}/{fiscalYear} ({skipped:N0} lines skipped) in {clock.Elapsed.TotalSeconds:F1} s");
        return 0;
    }

    private static async Task<long> LoadHouseholds(string database, string insurer, int fiscalYear, IEnumerable<HouseholdJson> households, TextWriter error, CancellationToken cancel)
    {
        var catalog = KokuhoRuleSets.Load([KokuhoRuleSets.BundledRoot], (i, _) => i == insurer);
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

    /// <summary>
    /// Runs a file-to-file command's work and maps how it ended to an exit code and at most one line on standard error:
    /// interrupted (<see cref="ExitCodes.Interrupted"/>), an input that cannot be read or an output that cannot be written
    /// (<see cref="ExitCodes.Failed"/>, the message without its line breaks); the outputs are only renamed into place when
    /// complete, so each message ends "nothing was written". Other exceptions are bugs and are not caught.
    /// </summary>
    public static int Guarded(string command, TextWriter stderr, Func<int> run)
    {
        try
        {
            return run();
        }
        catch (OperationCanceledException)
        {
            stderr.WriteLine($"{command}: interrupted: nothing was written; start it again");
            return ExitCodes.Interrupted;
        }
        catch (Exception e) when (e is InvalidDataException or IOException or UnauthorizedAccessException or System.Text.DecoderFallbackException or Npgsql.NpgsqlException)
        {
            var why = e switch
            {
                System.Text.DecoderFallbackException => "an input is not UTF-8",
                Npgsql.NpgsqlException => $"the database refused or could not be reached ({e.Message.ReplaceLineEndings(" ")})",
                _ => e.Message.ReplaceLineEndings(" "),
            };
            stderr.WriteLine($"{command}: {why}; nothing was written");
            return ExitCodes.Failed;
        }
    }

    /// <summary>
    /// A file command's refused rule set on one line, naming the option at fault (<paramref name="options"/> maps the
    /// failure's field to it; <c>trial</c> and <c>rulesetVersion</c> always map), and its exit code: a refused (e.g.
    /// withdrawn) rule set <see cref="ExitCodes.Failed"/>, anything else <see cref="ExitCodes.Usage"/>.
    /// </summary>
    public static int RuleSetRefused(string command, Rules.Premium.AssessmentFailure failure, TextWriter stderr, params (string Field, string Option)[] options)
    {
        var field = failure.Errors.FirstOrDefault()?.Field;
        var option = field switch { "trial" => "--trial", "rulesetVersion" => "--ruleset-version", _ => options.FirstOrDefault(o => o.Field == field).Option };
        stderr.WriteLine($"{command}: {failure.Detail}{(option is null ? "" : $" ({option})")}");
        return failure.Kind == Rules.Premium.AssessmentFailureKind.RefusedRuleSet ? ExitCodes.Failed : ExitCodes.Usage;
    }

    /// <summary>The exit codes of <c>reassess</c> (stated in its <c>--help</c>).</summary>
    public static class ExitCodes
    {
        /// <summary>The run is complete and every household was assessed.</summary>
        public const int Complete = 0;
        /// <summary>The run could not go on (a message says why and whether it can be resumed).</summary>
        public const int Failed = 1;
        /// <summary>The command line is wrong.</summary>
        public const int Usage = 2;
        /// <summary>The run is complete, but some households were refused (see the errors file or <c>run_errors</c>).</summary>
        public const int CompleteWithRefused = 3;
        /// <summary>A database run is not complete: chunks are still pending or claimed by other workers.</summary>
        public const int Incomplete = 4;
        /// <summary>Interrupted (Ctrl-C): resume it.</summary>
        public const int Interrupted = 130;

        public const string Help = "Exit codes: 0 complete, every household assessed; 3 complete, some households refused (see <out>.errors.jsonl or run_errors); "
                                   + "4 a database run not complete yet (chunks pending or claimed by other workers: resume it); 1 the run could not go on; 2 wrong options; 130 interrupted (resume it).";
    }

    /// <summary>How a run ended, for the summary, the exit code and <c>--summary-json</c>.</summary>
    /// <param name="Input">A file run's input as its audit entry names it (SHA-256, length); null for a database run.</param>
    private sealed record Outcome(BatchSummary Summary, RunStamp Stamp, bool Complete, ChunkCounts? Chunks = null, long? SessionHouseholds = null,
        (string Sha256, long Bytes)? Input = null);

    /// <summary>What identifies a run in its summary.</summary>
    /// <param name="WithholdingRulesetVersion">The withholding rule set of a run with <c>--withholding</c>; null otherwise.</param>
    public sealed record RunStamp(string RunId, string Insurer, int FiscalYear, string RulesetVersion, string RulesetHash, bool Trial, string? ResumeWith,
        string? WithholdingRulesetVersion = null, string? WithholdingRulesetHash = null)
    {
        /// <summary>The rule sets the run computed with, as its audit entry names them.</summary>
        public IEnumerable<AuditedRuleSet> RuleSets() =>
            WithholdingRulesetVersion is null
                ? [new AuditedRuleSet(Insurer, FiscalYear, RulesetVersion, RulesetHash)]
                : [new AuditedRuleSet(Insurer, FiscalYear, RulesetVersion, RulesetHash), new AuditedRuleSet(Insurer, FiscalYear, WithholdingRulesetVersion, WithholdingRulesetHash!)];
    }

    private const string ReassessCommand = "kokuho reassess";

    /// <summary>Runs or resumes a run (files by default, PostgreSQL with --db); returns the exit code (<see cref="ExitCodes"/>).</summary>
    public static async Task<int> Reassess(ReassessArgs args, TextWriter output, TextWriter error, CancellationToken cancel)
    {
        var progress = ConsoleProgress.ForStandardError();
        var clock = System.Diagnostics.Stopwatch.StartNew();
        var started = NodaTime.SystemClock.Instance.GetCurrentInstant();
        var auditLog = args.AuditLog ?? CliOptions.DefaultAuditLog;
        string? resumeHint = null;
        if (args.Database is null && CliAudit.Refusal(auditLog) is { } unaudited)
        {
            error.WriteLine($"reassess: {unaudited}");
            return ExitCodes.Failed;
        }
        try
        {
            var outcome = args.Database is { } database
                ? await ReassessDatabase(args, database, progress, error, hint => resumeHint = hint, cancel)
                : ReassessFiles(args, progress, error, hint => resumeHint = hint, cancel);
            if (outcome is null) return ExitCodes.Usage;
            if (outcome.Input is { } read)
                CliAudit.RecordRun(auditLog, started, ReassessCommand, "Reassess", outcome.Stamp.RuleSets(), read, [$"run:{outcome.Stamp.RunId}"],
                    outcome.Complete ? CommandAudit.Ok : CommandAudit.Incomplete);
            outcome.Summary.Write(args.Output == StandardStream && args.Database is null ? error : output, clock.Elapsed, outcome.Stamp.Trial, outcome.Chunks, outcome.SessionHouseholds);
            if (args.SummaryJson is { } path) WriteSummaryJson(path, outcome, clock.Elapsed);
            if (Environment.GetEnvironmentVariable("KOKUHO_DIAG") == "1")
                error.WriteLine($"gc: gen0 {GC.CollectionCount(0)} gen1 {GC.CollectionCount(1)} gen2 {GC.CollectionCount(2)} pause {GC.GetTotalPauseDuration().TotalMilliseconds:F0} ms allocated {GC.GetTotalAllocatedBytes() / 1_000_000} MB; cpu {System.Diagnostics.Process.GetCurrentProcess().TotalProcessorTime.TotalSeconds:F1} s; jit {System.Runtime.JitInfo.GetCompilationTime().TotalMilliseconds:F0} ms");
            if (!outcome.Complete)
            {
                error.WriteLine($"run {outcome.Stamp.RunId} is not complete: {outcome.Chunks?.Describe()}; resume with {outcome.Stamp.ResumeWith}");
                return ExitCodes.Incomplete;
            }
            return outcome.Summary.Errors > 0 ? ExitCodes.CompleteWithRefused : ExitCodes.Complete;
        }
        catch (OperationCanceledException)
        {
            error.WriteLine(resumeHint is not null ? $"interrupted: resume with {resumeHint}"
                : args.Output == StandardStream ? "interrupted: a run writing to standard output cannot be resumed; start it again"
                : "interrupted before the run started: nothing was written; start it again");
            return ExitCodes.Interrupted;
        }
        catch (Exception e) when (e is InvalidOperationException or InvalidDataException or IOException or JsonException or NpgsqlException or UnauthorizedAccessException
                                   or AuditStoreUnavailableException)
        {
            var message = e is NpgsqlException ? $"the database failed ({OneLine(e)}); nothing was lost that a resume cannot redo" : OneLine(e);
            error.WriteLine($"reassess: {message}" + (resumeHint is null || e is BatchDatabaseException ? "" : $" (resume with {resumeHint})"));
            return ExitCodes.Failed;
        }
    }

    /// <summary>A file run: a new one, or one resumed from its state file. Null when the options are wrong (a message says why).</summary>
    private static Outcome? ReassessFiles(ReassessArgs args, IProgress<BatchProgress> progress, TextWriter error, Action<string> started, CancellationToken cancel)
    {
        FileRunState state;
        long householdsAtStart = 0;
        if (args.Resume is { } resume)
        {
            if (!File.Exists(resume))
            {
                error.WriteLine($"reassess: there is no run state {resume}: a run killed before it wrote its state had written nothing; start it again");
                return null;
            }
            var resumed = FileBatchRunner.ReadState(resume);
            householdsAtStart = resumed.Summary.Households;
            if (args.Withholding && resumed.WithholdingRulesetVersion is null)
            {
                error.WriteLine($"reassess: run {resumed.RunId} was started without --withholding and a resume keeps what the run started with: start a new run with --withholding");
                return null;
            }
            var runner = new FileBatchRunner(new PremiumService(ReassessCatalog(args.Roots, resumed.Insurer, resumed.FiscalYear, resumed.WithholdingRulesetVersion is not null)));
            error.WriteLine($"resuming run from {resume}");
            started($"--resume {resume}");
            runner.Resume(resume, args.Threads, progress, cancel);
            state = FileBatchRunner.ReadState(resume);
        }
        else
        {
            if (args.Insurer is null || args.FiscalYear is null || args.Input is null || args.Output is null)
            {
                error.WriteLine("reassess needs --insurer, --fiscal-year, --in and --out (or --db, or --resume)");
                return null;
            }
            var catalog = ReassessCatalog(args.Roots, args.Insurer, args.FiscalYear.Value, args.Withholding);
            if (!WithholdingAvailable(args, catalog, error)) return null;
            if (args.Output == StandardStream) return ReassessToStandardOutput(args, catalog, progress, error, cancel);
            var input = args.Input == StandardStream ? SpoolStandardInput(args.Output + ".stdin.jsonl", cancel) : args.Input;
            var runner = new FileBatchRunner(new PremiumService(catalog));
            var stateFile = FileRunState.PathFor(Path.GetFullPath(args.Output));
            runner.Run(new FileBatchOptions(args.Insurer, args.FiscalYear.Value, input, args.Output, args.Format, args.Threads, args.Trial, args.CsvBom, args.RulesetVersion,
                    Withholding: args.Withholding), progress, cancel,
                run =>
                {
                    error.WriteLine($"run {run.RunId} state: {stateFile} (resume with --resume {stateFile})");
                    started($"--resume {stateFile}");
                });
            state = FileBatchRunner.ReadState(stateFile);
        }
        return new Outcome(state.Summary, new RunStamp(state.RunId, state.Insurer, state.FiscalYear, state.RulesetVersion, state.RulesetHash, state.Trial,
            "--resume " + FileRunState.PathFor(state.Output), state.WithholdingRulesetVersion, state.WithholdingRulesetHash), state.Completed, SessionHouseholds: state.Summary.Households - householdsAtStart,
            Input: CliAudit.Input(state.Input));
    }

    /// <summary>
    /// With <c>--withholding</c>: whether the insurer's year has a withholding rule set this run may use (a draft only
    /// with <c>--trial</c>); when not, says why on one line (the caller exits with <see cref="ExitCodes.Usage"/>).
    /// </summary>
    /// <summary>
    /// The rule sets a 本算定 run uses: the insurer's premium rule sets for the year and, for a run with withholding, its
    /// withholding rule sets; compiling the other capabilities would only lengthen the start of every run.
    /// </summary>
    private static RuleSetCatalog ReassessCatalog(IEnumerable<string> roots, string insurer, int fiscalYear, bool withholding) =>
        KokuhoRuleSets.LoadCapabilities(roots, withholding ? [PremiumRuleSetCompiler.CapabilityName, Rules.Withholding.WithholdingRuleSetCompiler.CapabilityName] : [PremiumRuleSetCompiler.CapabilityName],
            (i, fy) => i == insurer && fy == fiscalYear);

    private static bool WithholdingAvailable(ReassessArgs args, RuleSetCatalog catalog, TextWriter error)
    {
        if (!args.Withholding) return true;
        var (_, refusal) = catalog.Resolve<Rules.Withholding.WithholdingRuleSet>(args.Insurer!, args.FiscalYear!.Value, null, null, args.Trial);
        if (refusal is null) return true;
        error.WriteLine(refusal.Kind == RuleSetRefusalKind.Unknown
            ? $"reassess --withholding: there is no withholding rule set for {args.Insurer}/{args.FiscalYear} under {string.Join(", ", catalog.Roots)}; run without --withholding"
            : $"reassess --withholding: the withholding rule set cannot be used: {refusal.Detail.ReplaceLineEndings(" ")}");
        return false;
    }

    /// <summary>What <c>--in</c> and <c>--out</c> take for standard input and output.</summary>
    private const string StandardStream = "-";

    /// <summary>
    /// Copies standard input to a file (written beside it, then renamed), so that the run reads a file it
    /// can resume from; returns its path.
    /// </summary>
    private static string SpoolStandardInput(string path, CancellationToken cancel)
    {
        using var files = new AtomicFiles();
        using (var stdin = Console.OpenStandardInput()) stdin.CopyTo(files.Create(path), 1 << 20);
        cancel.ThrowIfCancellationRequested();
        files.Commit();
        return path;
    }

    /// <summary>
    /// <c>--out -</c>: the run works in a scratch folder, then writes its results to standard output and the
    /// refused households' lines to standard error (the summary too); such a run cannot be resumed.
    /// </summary>
    private static Outcome ReassessToStandardOutput(ReassessArgs args, RuleSetCatalog catalog, IProgress<BatchProgress> progress, TextWriter error, CancellationToken cancel)
    {
        var scratch = Directory.CreateTempSubdirectory("kokuho-reassess-").FullName;
        try
        {
            var output = Path.Combine(scratch, args.Format == ResultFormat.Csv ? "results.csv" : "results.jsonl");
            var input = args.Input == StandardStream ? SpoolStandardInput(Path.Combine(scratch, "input.jsonl"), cancel) : args.Input!;
            var runner = new FileBatchRunner(new PremiumService(catalog));
            runner.Run(new FileBatchOptions(args.Insurer!, args.FiscalYear!.Value, input, output, args.Format, args.Threads, args.Trial, args.CsvBom, args.RulesetVersion,
                Withholding: args.Withholding), progress, cancel);
            var state = FileBatchRunner.ReadState(FileRunState.PathFor(output));
            using (var results = Console.OpenStandardOutput())
            using (var file = File.OpenRead(output))
                file.CopyTo(results);
            foreach (var line in File.ReadLines(FileBatchRunner.ErrorsPath(output))) error.WriteLine(line);
            return new Outcome(state.Summary, new RunStamp(state.RunId, state.Insurer, state.FiscalYear, state.RulesetVersion, state.RulesetHash, state.Trial, null,
                state.WithholdingRulesetVersion, state.WithholdingRulesetHash), state.Completed, Input: CliAudit.Input(input));
        }
        finally
        {
            Directory.Delete(scratch, recursive: true);
        }
    }

    /// <summary>
    /// The connection string of a database run: 64 KB socket buffers where it sets none. A run reads a chunk's documents
    /// (≈ 1.2 MB) and writes its results (≈ 0.8 MB) through them; with Npgsql's default of 8 KB each chunk took eight
    /// times the system calls (benchmarks/README.md, session 10).
    /// </summary>
    private static string BatchConnection(string database)
    {
        var builder = new NpgsqlConnectionStringBuilder(database);
        var given = database.Replace(" ", "", StringComparison.Ordinal);
        if (!given.Contains("ReadBufferSize", StringComparison.OrdinalIgnoreCase)) builder.ReadBufferSize = 64 * 1024;
        if (!given.Contains("WriteBufferSize", StringComparison.OrdinalIgnoreCase)) builder.WriteBufferSize = 64 * 1024;
        return builder.ConnectionString;
    }

    /// <summary>A database run: a new one, or work on an existing one. Null when the options are wrong (a message says why).</summary>
    private static async Task<Outcome?> ReassessDatabase(ReassessArgs args, string database, IProgress<BatchProgress> progress, TextWriter error, Action<string> resumable, CancellationToken cancel)
    {
        var started = NodaTime.SystemClock.Instance.GetCurrentInstant();
        await using var db = NpgsqlDataSource.Create(BatchConnection(database));
        var store = new PremiumStore(db);
        await store.MigrateAsync(cancel);
        var options = new DbWorkOptions(args.Threads, TimeSpan.FromSeconds(args.LeaseSeconds), Wait: !args.NoWait);
        DbRunResult result;
        if (args.Resume is { } resume)
        {
            long runId;
            if (resume == "latest")
            {
                if (args.Insurer is null || args.FiscalYear is null)
                {
                    error.WriteLine("reassess --db --resume latest needs --insurer and --fiscal-year");
                    return null;
                }
                if (await store.LatestRunAsync(args.Insurer, args.FiscalYear.Value, cancel) is not { } latest)
                {
                    error.WriteLine($"there is no run of {args.Insurer}/{args.FiscalYear} that is not done: start one");
                    return null;
                }
                runId = latest;
            }
            else if (!long.TryParse(resume, out runId))
            {
                error.WriteLine("with --db, --resume takes a run id (or 'latest' with --insurer and --fiscal-year)");
                return null;
            }
            var existing = await store.GetRunAsync(runId, cancel);
            if (existing is null)
            {
                error.WriteLine($"there is no run {runId}");
                return null;
            }
            if (args.Withholding && existing.WithholdingRulesetVersion is null)
            {
                error.WriteLine($"reassess: run {runId} was started without --withholding and a resume keeps what the run started with: start a new run with --withholding");
                return null;
            }
            var catalog = ReassessCatalog(args.Roots, existing.InsurerId, existing.FiscalYear, existing.WithholdingRulesetVersion is not null);
            error.WriteLine($"working on run {runId} ({existing.InsurerId}/{existing.FiscalYear}, {existing.Households:N0} households)");
            resumable($"--db ... --resume {runId}");
            result = await new DbBatchRunner(new PremiumService(catalog), store).ResumeAsync(runId, options, progress, cancel);
        }
        else
        {
            if (args.Insurer is null || args.FiscalYear is null)
            {
                error.WriteLine("reassess --db needs --insurer and --fiscal-year (or --resume <run id>)");
                return null;
            }
            var catalog = ReassessCatalog(args.Roots, args.Insurer, args.FiscalYear.Value, args.Withholding);
            if (!WithholdingAvailable(args, catalog, error)) return null;
            var runner = new DbBatchRunner(new PremiumService(catalog), store);
            result = await runner.RunAsync(args.Insurer, args.FiscalYear.Value, args.Trial, args.ChunkSize, options, Environment.UserName, progress, cancel,
                run =>
                {
                    error.WriteLine($"run {run.RunId} started (resume it, or add workers, with --db ... --resume {run.RunId}, or --resume latest)");
                    resumable($"--db ... --resume {run.RunId}");
                }, args.RulesetVersion, withholding: args.Withholding);
        }
        var r = result.Run;
        var stamp = new RunStamp(r.RunId.ToString(System.Globalization.CultureInfo.InvariantCulture), r.InsurerId, r.FiscalYear, r.RulesetVersion, r.RulesetHash, r.Trial,
            $"--db ... --resume {r.RunId}", r.WithholdingRulesetVersion, r.WithholdingRulesetHash);
        // This session's work on the run (a run worked on by several processes has an entry for each), in the database's audit_log.
        await new PostgresAuditStore(db).AppendAsync([CommandAudit.Entry(started, NodaTime.SystemClock.Instance.GetCurrentInstant(), ReassessCommand + " --db", "Reassess",
            stamp.RuleSets(), [$"run:{r.RunId}"], outcome: result.Complete ? CommandAudit.Ok : CommandAudit.Incomplete)], cancel);
        return new Outcome(result.Summary, stamp, result.Complete, result.Chunks, result.SessionHouseholds);
    }

    /// <summary>Writes the summary for machines (<c>--summary-json</c>), beside its name first and then renamed.</summary>
    private static void WriteSummaryJson(string path, Outcome outcome, TimeSpan elapsed)
    {
        var s = outcome.Summary;
        var document = new
        {
            runId = outcome.Stamp.RunId, insurer = outcome.Stamp.Insurer, fiscalYear = outcome.Stamp.FiscalYear,
            ruleset = new { version = outcome.Stamp.RulesetVersion, hash = outcome.Stamp.RulesetHash },
            withholdingRuleset = outcome.Stamp.WithholdingRulesetVersion is null ? null : new { version = outcome.Stamp.WithholdingRulesetVersion, hash = outcome.Stamp.WithholdingRulesetHash },
            trial = outcome.Stamp.Trial, complete = outcome.Complete,
            households = s.Households, refused = s.Errors, annualPremium = s.AnnualPremium, components = s.Components,
            reductionClasses = s.ReductionClasses, atCap = s.AtCap, withholding = s.Withholding,
            chunks = outcome.Chunks, elapsedSeconds = Math.Round(elapsed.TotalSeconds, 3),
        };
        AtomicFiles.WriteAllBytes(path, JsonSerializer.SerializeToUtf8Bytes(document, new JsonSerializerOptions(KokuhoJson.Options) { WriteIndented = true, Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping }));
    }
}
