using System.CommandLine;
using System.Globalization;
using System.Text.Json;
using KokuhoRules.Engine.Audit;
using KokuhoRules.Engine.Storage;
using KokuhoRules.Rules.Batch;
using KokuhoRules.Rules.Catalog;
using KokuhoRules.Rules.Eligibility;
using KokuhoRules.Rules.Snapshots;

namespace KokuhoRules.Cli;

/// <summary>
/// <c>kokuho eligibility check</c> (資格継続: the gap and overlap checks of a prefecture's records, file to file) and
/// <c>kokuho eligibility generate</c> (synthetic histories with injected faults).
/// </summary>
public static class Eligibility
{
    /// <summary>The exit codes of <c>eligibility check</c>: those of <c>reassess</c>.</summary>
    public const string ExitCodesHelp = "Exit codes: 0 checked (findings are results, not failures); 3 checked, some lines refused (see <out>.errors.jsonl); 1 the check could not go on; 2 wrong options; 130 interrupted (nothing written: start it again).";

    public static Command Build()
    {
        var command = new Command("eligibility", "資格継続: check a prefecture's eligibility records (gaps, overlaps, broken carry-overs across moves).");
        command.Subcommands.Add(Check());
        command.Subcommands.Add(Load());
        command.Subcommands.Add(Generate());
        return command;
    }

    private static Command Check()
    {
        var prefecture = new Option<string>("--prefecture") { Description = "The prefecture whose rule set checks the records, e.g. hyogo.", Required = true };
        var fiscalYear = new Option<int?>("--fiscal-year") { Description = "The rule set's fiscal year (default: the current one, Asia/Tokyo)." };
        var input = new Option<string>("--in") { Description = "JSON Lines: one record or event (a line with a kind) per line, the lines of each person consecutive (or --db)." };
        var db = CliOptions.Database("Check the records loaded into PostgreSQL (kokuho eligibility load) instead of a file: the run and its findings are stored (eligibility_runs, eligibility_findings) as well as written to --out.");
        var output = new Option<string>("--out") { Description = "Findings file: .csv for CSV, otherwise JSON Lines; written as <out>.partial and renamed when complete; refused lines go to <out>.errors.jsonl.", Required = true };
        var threads = new Option<int>("--threads") { Description = "Sessions run at once (default: one per core).", DefaultValueFactory = _ => Environment.ProcessorCount };
        var trial = new Option<bool>("--trial") { Description = "A trial check: allowed on a draft rule set." };
        var version = new Option<string>("--ruleset-version") { Description = "The rule-set version (default: the published version in force today, or with --trial the newest)." };
        var roots = CliOptions.Roots();
        var bom = new Option<bool>("--csv-bom") { Description = "With a .csv output: begin it with a UTF-8 byte order mark (default true).", DefaultValueFactory = _ => true };
        var perSession = new Option<int>("--persons-per-session") { Description = "Tuning: persons checked together in an NRules session (default 8; the findings are the same whatever it is).", DefaultValueFactory = _ => EligibilityCheck.DefaultPersonsPerSession };
        var command = new Command("check", "Check every person's records and events under the prefecture's rule set; print the findings per kind and per city. " + ExitCodesHelp);
        var audit = CliOptions.AuditLog("a check of a file (with --db: the database's audit_log)");
        foreach (var o in new Option[] { prefecture, fiscalYear, input, db, output, threads, trial, version, roots, bom, perSession, audit }) command.Options.Add(o);
        command.SetAction((parse, cancel) => Task.FromResult(RunCheck(parse.GetValue(prefecture)!, parse.GetValue(fiscalYear), parse.GetValue(input), parse.GetValue(output)!,
            parse.GetValue(threads), parse.GetValue(trial), parse.GetValue(version), CliOptions.RootsOf(parse, roots), parse.GetValue(bom),
            parse.InvocationConfiguration.Output, parse.InvocationConfiguration.Error, cancel, parse.GetValue(perSession), parse.GetValue(db), parse.GetValue(audit))));
        return command;
    }

    private static Command Load()
    {
        var prefecture = new Option<string>("--prefecture") { Description = "The prefecture the records are of, e.g. hyogo (its rule set's reasons and event kinds check them).", Required = true };
        var fiscalYear = new Option<int?>("--fiscal-year") { Description = "The rule set's fiscal year (default: the current one, Asia/Tokyo)." };
        var input = new Option<string>("--in") { Description = "JSON Lines of records and events, as for eligibility check --in (a person's lines need not be consecutive).", Required = true };
        var db = CliOptions.Database();
        db.Required = true;
        var errors = new Option<string>("--errors") { Description = "Where refused lines go, by line and field (default: <in>.errors.jsonl); written beside it and renamed when the load is committed." };
        var trial = new Option<bool>("--trial") { Description = "Allow a draft rule set to check the lines." };
        var roots = CliOptions.Roots();
        var command = new Command("load", "Load a prefecture's records and events into PostgreSQL for eligibility check --db, replacing those loaded before (one transaction: interrupted, nothing is loaded). Every line is checked as the file check checks it; a refused line is not stored and its person is left out of checks. Exit codes: 0 loaded; 3 loaded, some lines refused; 1 failed; 2 wrong options; 130 interrupted.");
        foreach (var o in new Option[] { prefecture, fiscalYear, input, db, errors, trial, roots }) command.Options.Add(o);
        command.SetAction((parse, cancel) => Task.FromResult(RunLoad(parse.GetValue(prefecture)!, parse.GetValue(fiscalYear), parse.GetValue(input)!, parse.GetValue(db)!, parse.GetValue(errors),
            parse.GetValue(trial), CliOptions.RootsOf(parse, roots), parse.InvocationConfiguration.Output, parse.InvocationConfiguration.Error, cancel)));
        return command;
    }

    /// <summary>Loads a file into the database; returns the exit code.</summary>
    public static int RunLoad(string prefecture, int? fiscalYear, string input, string database, string? errors, bool trial, IReadOnlyList<string> roots,
        TextWriter stdout, TextWriter stderr, CancellationToken cancel)
    {
        if (!File.Exists(input))
        {
            stderr.WriteLine($"eligibility load: there is no input file {input}");
            return Batch.ExitCodes.Usage;
        }
        if (Resolve("eligibility load", prefecture, fiscalYear, null, trial, roots, stderr, out var rs) is { } refused) return refused;
        return Batch.Guarded("eligibility load", stderr, () =>
        {
            using var source = Npgsql.NpgsqlDataSource.Create(database);
            new Rules.Storage.PremiumStore(source).MigrateAsync(cancel).GetAwaiter().GetResult();
            var loaded = new Rules.Storage.EligibilityStore(source).Load(rs, input, errors ?? input + ".errors.jsonl", Environment.UserName, Environment.ProcessorCount, cancel);
            stdout.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"{loaded.Records:N0} records and {loaded.Events:N0} events loaded for {prefecture} ({loaded.RefusedLines:N0} lines refused); input sha256:{loaded.SourceSha256}"));
            return loaded.RefusedLines > 0 ? Batch.ExitCodes.CompleteWithRefused : Batch.ExitCodes.Complete;
        });
    }

    private static Command Generate()
    {
        var prefecture = new Option<string>("--prefecture") { Description = "The prefecture whose rule set gives the dates and the end-date convention.", DefaultValueFactory = _ => "hyogo" };
        var fiscalYear = new Option<int>("--fiscal-year") { Description = "The rule set's fiscal year.", DefaultValueFactory = _ => 2025 };
        var persons = new Option<int>("--persons") { Description = "How many persons (a positive number).", Required = true };
        var seed = new Option<int>("--seed") { Description = "Random seed (the same seed gives the same histories).", DefaultValueFactory = _ => 1 };
        var faultEvery = new Option<int>("--fault-every") { Description = "Inject one fault into every n-th person (0: none).", DefaultValueFactory = _ => 0 };
        var output = new Option<string>("--out") { Description = "JSON Lines of records and events, grouped by person; written beside it and renamed when complete.", Required = true };
        var faults = new Option<string>("--faults") { Description = "Also write the injected faults (the findings expected) as JSON Lines to this file." };
        var roots = CliOptions.Roots();
        var command = new Command("generate", "Generate synthetic prefecture histories (no real person's data) with known injected faults, for tests and benchmarks.");
        foreach (var o in new Option[] { prefecture, fiscalYear, persons, seed, faultEvery, output, faults, roots }) command.Options.Add(o);
        command.SetAction((parse, cancel) => Task.FromResult(RunGenerate(parse.GetValue(prefecture)!, parse.GetValue(fiscalYear), parse.GetValue(persons), parse.GetValue(seed), parse.GetValue(faultEvery),
            parse.GetValue(output)!, parse.GetValue(faults), CliOptions.RootsOf(parse, roots),
            parse.InvocationConfiguration.Output, parse.InvocationConfiguration.Error, cancel)));
        return command;
    }

    /// <summary>Runs a check of a file (<paramref name="input"/>) or of the records loaded into <paramref name="database"/>; returns the exit code.</summary>
    public static int RunCheck(string prefecture, int? fiscalYear, string? input, string output, int threads, bool trial, string? version, IReadOnlyList<string> roots,
        bool csvBom, TextWriter stdout, TextWriter stderr, CancellationToken cancel, int personsPerSession = EligibilityCheck.DefaultPersonsPerSession, string? database = null,
        string? auditLog = null)
    {
        var started = NodaTime.SystemClock.Instance.GetCurrentInstant();
        auditLog ??= CliOptions.DefaultAuditLog;
        if (threads < 1 || personsPerSession < 1)
        {
            stderr.WriteLine($"eligibility check: {(threads < 1 ? "--threads" : "--persons-per-session")} must be a positive whole number (not {(threads < 1 ? threads : personsPerSession)})");
            return Batch.ExitCodes.Usage;
        }
        if ((input is null) == (database is null))
        {
            stderr.WriteLine(input is null ? "eligibility check: give --in <file> or --db <connection string>" : "eligibility check: --in and --db exclude each other: the check reads a file or the loaded records, not both");
            return Batch.ExitCodes.Usage;
        }
        if (input is not null && !File.Exists(input))
        {
            stderr.WriteLine($"eligibility check: there is no input file {input}");
            return Batch.ExitCodes.Usage;
        }
        if (input is not null && Path.GetFullPath(input) == Path.GetFullPath(output))
        {
            stderr.WriteLine("eligibility check: --out must not be the input file");
            return Batch.ExitCodes.Usage;
        }
        if (Resolve("eligibility check", prefecture, fiscalYear, version, trial, roots, stderr, out var rs) is { } refused) return refused;
        if (database is null && CliAudit.Refusal(auditLog) is { } unaudited)
        {
            stderr.WriteLine($"eligibility check: {unaudited}");
            return Batch.ExitCodes.Failed;
        }
        var format = output.EndsWith(".csv", StringComparison.OrdinalIgnoreCase) ? ResultFormat.Csv : ResultFormat.Jsonl;
        var options = new EligibilityFileOptions(input ?? "", output, format, threads, csvBom, PersonsPerSession: personsPerSession);
        var clock = System.Diagnostics.Stopwatch.StartNew();
        return Batch.Guarded("eligibility check", stderr, () =>
        {
            EligibilityFileSummary summary;
            if (database is null)
            {
                summary = new EligibilityFileCheck(rs).Run(options, ConsoleProgress.ForStandardError("persons"), cancel);
                CliAudit.RecordRun(auditLog, started, "kokuho eligibility check", "EligibilityCheckRun", [CommandAudit.Of(rs)], CliAudit.Input(input!));
            }
            else
            {
                using var source = Npgsql.NpgsqlDataSource.Create(database);
                new Rules.Storage.PremiumStore(source).MigrateAsync(cancel).GetAwaiter().GetResult();
                var run = new Rules.Storage.EligibilityStore(source).Check(rs, options, trial, Environment.UserName, ConsoleProgress.ForStandardError("persons"), cancel);
                summary = run.Summary;
                stdout.WriteLine(string.Create(CultureInfo.InvariantCulture, $"run {run.RunId}: findings stored in eligibility_findings (run_id {run.RunId})"));
            }
            WriteSummary(stdout, rs, summary, clock.Elapsed, trial);
            return summary.RefusedLines > 0 ? Batch.ExitCodes.CompleteWithRefused : Batch.ExitCodes.Complete;
        });
    }

    /// <summary>The prefecture's eligibility rule set for a command, or the exit code after a one-line refusal naming the option at fault.</summary>
    private static int? Resolve(string command, string prefecture, int? fiscalYear, string? version, bool trial, IReadOnlyList<string> roots, TextWriter stderr, out EligibilityRuleSet rs)
    {
        var service = new EligibilityService(KokuhoRuleSets.LoadCapability(roots, EligibilityRuleSetCompiler.CapabilityName, (insurer, _) => insurer == prefecture));
        var (found, failure) = service.Resolve(prefecture, fiscalYear, version, null, trial, "--prefecture");
        rs = found!;
        if (failure is null) return null;
        var option = failure.Errors.FirstOrDefault()?.Field switch
        {
            "trial" => " (--trial)",
            "rulesetVersion" => " (--ruleset-version)",
            "fiscalYear" or "asOf" => " (--fiscal-year)",
            _ => "",
        };
        stderr.WriteLine($"{command}: {failure.Detail}{(failure.Detail.Contains(option.Trim(' ', '(', ')'), StringComparison.Ordinal) ? "" : option)}");
        return failure.Kind == Rules.Premium.AssessmentFailureKind.RefusedRuleSet ? Batch.ExitCodes.Failed : Batch.ExitCodes.Usage;
    }

    /// <summary>The summary as staff read it: what was checked, the findings per kind (with the rule set's Japanese names) and per city.</summary>
    public static void WriteSummary(TextWriter output, EligibilityRuleSet rs, EligibilityFileSummary s, TimeSpan elapsed, bool trial)
    {
        void Row(long value, string label) => output.WriteLine(value.ToString("N0", CultureInfo.InvariantCulture).PadLeft(12) + "  " + label);
        if (trial) output.WriteLine("試算 TRIAL CHECK: draft or trial rule set");
        Row(s.Persons, "被保険者 persons checked");
        Row(s.Records, "資格履歴 records");
        Row(s.Events, "異動事由 events");
        Row(s.RefusedPersons, "除外 persons left out (a line refused)");
        Row(s.RefusedLines, "除外行 lines refused");
        Row(s.Findings, "指摘 findings");
        foreach (var kind in rs.Parameters.FindingKinds.Keys.Where(s.FindingsByKind.ContainsKey))
            Row(s.FindingsByKind[kind], $"  {kind} {rs.Parameters.FindingKinds[kind].Name}");
        foreach (var (city, count) in s.FindingsByCity.OrderBy(c => c.Key, StringComparer.Ordinal))
            Row(count, $"  市町 city {city}");
        var rate = elapsed.TotalSeconds > 0 ? (long)(s.Records / elapsed.TotalSeconds) : 0;
        output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"処理時間 elapsed {Eta.Format(elapsed)} ({rate:N0} records/s); rule set {rs.Insurer.Id}/{rs.FiscalYear} eligibility {rs.Version} {rs.Hash}"));
    }

    /// <summary>Writes synthetic histories; returns the exit code.</summary>
    public static int RunGenerate(string prefecture, int fiscalYear, int persons, int seed, int faultEvery, string output, string? faults, IReadOnlyList<string> roots,
        TextWriter stdout, TextWriter stderr, CancellationToken cancel)
    {
        if (persons < 1 || faultEvery < 0)
        {
            stderr.WriteLine("eligibility generate: --persons must be positive and --fault-every 0 or more");
            return Batch.ExitCodes.Usage;
        }
        if (KokuhoRuleSets.LoadCapability(roots, EligibilityRuleSetCompiler.CapabilityName, (insurer, year) => insurer == prefecture && year == fiscalYear).Find<EligibilityRuleSet>(prefecture, fiscalYear) is not { } rs)
        {
            stderr.WriteLine($"eligibility generate: no eligibility rule set {prefecture}/{fiscalYear}");
            return Batch.ExitCodes.Usage;
        }
        using var files = new AtomicFiles();
        try
        {
            var (records, injected) = (0L, 0L);
            var (lines, expected) = (files.CreateText(output), faults is null ? null : files.CreateText(faults));
            foreach (var person in new SyntheticHistories(rs, seed).People(persons, faultEvery))
            {
                cancel.ThrowIfCancellationRequested();
                foreach (var r in person.Records) lines.WriteLine(JsonSerializer.Serialize(r, KokuhoJson.Options));
                foreach (var e in person.Events) lines.WriteLine(JsonSerializer.Serialize(e, KokuhoJson.Options));
                records += person.Records.Count;
                if (person.Fault is { } f)
                {
                    injected++;
                    expected?.WriteLine(JsonSerializer.Serialize(f, KokuhoJson.Options));
                }
            }
            files.Commit();
            stdout.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{persons:N0} persons, {records:N0} records, {injected:N0} faults injected → {output}"));
            return Batch.ExitCodes.Complete;
        }
        catch (Exception e) when (e is OperationCanceledException or IOException or UnauthorizedAccessException)
        {
            files.Dispose();   // the partial files go before the message says nothing was written
            stderr.WriteLine(e is OperationCanceledException ? "interrupted: nothing was written" : $"eligibility generate: {e.Message.ReplaceLineEndings(" ")}; nothing was written");
            return e is OperationCanceledException ? Batch.ExitCodes.Interrupted : Batch.ExitCodes.Failed;
        }
    }
}
