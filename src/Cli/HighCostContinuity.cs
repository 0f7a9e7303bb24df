using System.CommandLine;
using System.Globalization;
using System.Text.Json;
using KokuhoRules.Engine.Audit;
using KokuhoRules.Engine.Storage;
using KokuhoRules.Rules.Batch;
using KokuhoRules.Rules.Catalog;
using KokuhoRules.Rules.HighCost.Continuity;
using KokuhoRules.Rules.HighCost;
using KokuhoRules.Rules.Snapshots;
using NodaTime;

namespace KokuhoRules.Cli;

/// <summary>
/// <c>kokuho high-cost continuity</c> (the prefecture's month of 高額該当回数の引継: candidates, decisions and the history
/// each move-in city takes over, file to file) and <c>kokuho high-cost generate-moves</c> (a synthetic month of moves).
/// </summary>
public static class HighCostContinuity
{
    /// <summary>The exit codes: those of <c>reassess</c> and <c>eligibility check</c>.</summary>
    public const string ExitCodesHelp = "Exit codes: 0 complete (a household not continuous is a result, not a failure); 3 complete, some lines refused (see <out>/errors.jsonl); 1 the run could not go on; 2 wrong options; 130 interrupted (nothing written: start it again).";

    /// <summary>The commands, to add to the <c>high-cost</c> command.</summary>
    public static IEnumerable<Command> Commands() => [Continuity(), GenerateMoves(), .. HighCostBenefits.Commands()];

    /// <summary>The <c>high-cost</c> command with the continuity commands.</summary>
    public static Command Build()
    {
        var command = new Command("high-cost", "高額療養費: a city's month of benefits, the prefecture's month of 高額該当回数の引継 (continuity), synthetic claims and moves.");
        foreach (var c in Commands()) command.Subcommands.Add(c);
        return command;
    }

    private static Command Continuity()
    {
        var prefecture = new Option<string>("--prefecture") { Description = "The prefecture whose rule set judges the moves, e.g. hyogo.", Required = true };
        var month = new Option<string>("--month") { Description = "The month of the moves (YYYY-MM); its fiscal year picks the rule set.", Required = true };
        var moves = new Option<string>("--in") { Description = "JSON Lines of the month: move records (side moveOut/moveIn, insurer, moveDate, household, toPrefecture?) and events (personKey, kind, date), any order.", Required = true };
        var history = new Option<string>("--history") { Description = "JSON Lines of the move-out cities' high-cost history (insurer, householdId, careMonth, benefitPaid, outpatientOnly?). Or --db." };
        var db = CliOptions.Database("Instead of --history: the cities' benefit months stored in PostgreSQL (high_cost_benefit_months, as high-cost benefits --db stores them); the run stores its decisions (high_cost_decisions) and, unless --trial, the months each move-in city takes over (into that city's history, paid_by the move-out city), with the run and its audit entry, in one transaction.");
        var output = new Option<string>("--out") { Description = "The folder written: candidates.jsonl, decisions.jsonl, takeover/<city>.jsonl, errors.jsonl, summary.json (built as <out>.partial, renamed when complete).", Required = true };
        var threads = new Option<int>("--threads") { Description = "Sessions run at once (default: one per core).", DefaultValueFactory = _ => Environment.ProcessorCount };
        var perSession = new Option<int>("--cases-per-session") { Description = "Tuning: candidates judged in one NRules session (the decisions are the same whatever it is).", DefaultValueFactory = _ => ContinuityJudgement.DefaultCasesPerSession };
        var trial = new Option<bool>("--trial") { Description = "A trial run: allowed on a draft rule set." };
        var version = new Option<string>("--ruleset-version") { Description = "The rule-set version (default: the published version in force today, or with --trial the newest)." };
        var roots = CliOptions.Roots();
        var command = new Command("continuity", "高額該当回数の引継: extract the month's candidate households (継続候補世帯), decide each (継続世帯確定, criterion and reference), write the history each move-in city takes over (転出地市区町村高額該当情報). " + ExitCodesHelp);
        var audit = CliOptions.AuditLog("a run without --db (with --db: the database's audit_log)");
        foreach (var o in new Option[] { prefecture, month, moves, history, db, output, threads, perSession, trial, version, roots, audit }) command.Options.Add(o);
        command.SetAction((parse, cancel) => Task.FromResult(RunContinuity(parse.GetValue(prefecture)!, parse.GetValue(month)!, parse.GetValue(moves)!, parse.GetValue(history),
            parse.GetValue(output)!, parse.GetValue(threads), parse.GetValue(perSession), parse.GetValue(trial), parse.GetValue(version),
            CliOptions.RootsOf(parse, roots), parse.InvocationConfiguration.Output, parse.InvocationConfiguration.Error, cancel, parse.GetValue(db), parse.GetValue(audit))));
        return command;
    }

    private static Command GenerateMoves()
    {
        var prefecture = new Option<string>("--prefecture") { Description = "The prefecture whose municipalities the moves go between.", DefaultValueFactory = _ => "hyogo" };
        var month = new Option<string>("--month") { Description = "The month of the moves (YYYY-MM).", DefaultValueFactory = _ => "2025-10" };
        var households = new Option<int>("--households") { Description = "How many moving households (a positive number; every criterion and counter-case in turn).", Required = true };
        var seed = new Option<int>("--seed") { Description = "Random seed (the same seed gives the same moves).", DefaultValueFactory = _ => 1 };
        var moves = new Option<string>("--out") { Description = "JSON Lines of move records and events; written beside it and renamed when complete.", Required = true };
        var history = new Option<string>("--history") { Description = "JSON Lines of the move-out cities' history of those households.", Required = true };
        var expected = new Option<string>("--expected") { Description = "Also write the decisions expected (caseId, criterion, continuous) as JSON Lines." };
        var roots = CliOptions.Roots();
        var command = new Command("generate-moves", "Generate a synthetic month of moves within a prefecture (no real person's data), every §B7 criterion and counter-case represented, for tests and benchmarks.");
        foreach (var o in new Option[] { prefecture, month, households, seed, moves, history, expected, roots }) command.Options.Add(o);
        command.SetAction((parse, cancel) => Task.FromResult(RunGenerate(parse.GetValue(prefecture)!, parse.GetValue(month)!, parse.GetValue(households), parse.GetValue(seed),
            parse.GetValue(moves)!, parse.GetValue(history)!, parse.GetValue(expected), CliOptions.RootsOf(parse, roots),
            parse.InvocationConfiguration.Output, parse.InvocationConfiguration.Error, cancel)));
        return command;
    }

    /// <summary>Runs the month's batch, the history from a file (<paramref name="history"/>) or from <paramref name="database"/>; returns the exit code.</summary>
    public static int RunContinuity(string prefecture, string month, string moves, string? history, string output, int threads, int casesPerSession, bool trial, string? version,
        IReadOnlyList<string> roots, TextWriter stdout, TextWriter stderr, CancellationToken cancel, string? database = null, string? auditLog = null)
    {
        const string name = "high-cost continuity";
        var started = NodaTime.SystemClock.Instance.GetCurrentInstant();
        if (threads < 1 || casesPerSession < 1)
        {
            stderr.WriteLine($"{name}: {(threads < 1 ? "--threads" : "--cases-per-session")} must be a positive whole number");
            return Batch.ExitCodes.Usage;
        }
        if (HighCostRuleSetCompiler.ParseMonth(month) is not { } m)
        {
            stderr.WriteLine($"{name}: --month must be a month YYYY-MM");
            return Batch.ExitCodes.Usage;
        }
        if ((history is null) == (database is null))
        {
            stderr.WriteLine($"{name}: {(history is null ? "give --history <file> or --db <connection string>" : "--history and --db exclude each other: the history is read from a file or from the database, not both")}");
            return Batch.ExitCodes.Usage;
        }
        foreach (var (option, path) in new[] { ("--in", moves), ("--history", history) })
            if (path is not null && !File.Exists(path))
            {
                stderr.WriteLine($"{name}: there is no {option} file {path}");
                return Batch.ExitCodes.Usage;
            }
        var target = Path.GetFullPath(output);
        if (new[] { moves, history }.OfType<string>().Any(p => Path.GetFullPath(p).StartsWith(target + Path.DirectorySeparatorChar, StringComparison.Ordinal) || Path.GetFullPath(p) == target))
        {
            stderr.WriteLine($"{name}: --out must not be or hold an input file (the folder is replaced)");
            return Batch.ExitCodes.Usage;
        }
        if (File.Exists(target))
        {
            stderr.WriteLine($"{name}: --out {output} is a file; give a folder");
            return Batch.ExitCodes.Usage;
        }
        var service = new ContinuityService(KokuhoRuleSets.LoadCapability(roots, HighCostRuleSetCompiler.CapabilityName, (insurer, _) => insurer == prefecture));
        var (rs, failure) = service.Resolve(prefecture, Rules.Calendar.FiscalYear.Of(m.OnDayOfMonth(1)).Year, version, null, trial, "--prefecture");
        if (failure is not null) return Batch.RuleSetRefused(name, failure, stderr);
        if (database is null && CliAudit.Refusal(auditLog ?? CliOptions.DefaultAuditLog) is { } unaudited)
        {
            stderr.WriteLine($"{name}: {unaudited}");
            return Batch.ExitCodes.Failed;
        }
        var clock = System.Diagnostics.Stopwatch.StartNew();
        return Batch.Guarded(name, stderr, () =>
        {
            var options = new ContinuityBatchOptions(m, moves, history ?? "", output, threads, CasesPerSession: casesPerSession);
            ContinuityBatchSummary summary;
            if (database is null)
            {
                summary = new ContinuityFileRun(ContinuitySettings.From(rs!)).Run(options, ConsoleProgress.ForStandardError("lines"), cancel);
                CliAudit.RecordRun(auditLog ?? CliOptions.DefaultAuditLog, started, "kokuho high-cost continuity", "HighCostContinuityRun", [CommandAudit.Of(rs!)],
                    CliAudit.Input(moves), [CliAudit.Subject("history", history!)]);
            }
            else
            {
                using var source = Npgsql.NpgsqlDataSource.Create(database);
                new Rules.Storage.PremiumStore(source).MigrateAsync(cancel).GetAwaiter().GetResult();
                (summary, var run) = new Rules.Storage.HighCostStore(source).Continuity(rs!, options, trial, Environment.UserName, ConsoleProgress.ForStandardError("lines"), cancel);
                stdout.WriteLine(string.Create(CultureInfo.InvariantCulture,
                    $"run {run.RunId}: decisions stored in high_cost_decisions; {run.MonthsStored:N0} months taken over stored in high_cost_benefit_months{(trial ? " (none: a trial run)" : "")}"));
            }
            WriteSummary(stdout, rs!, summary, clock.Elapsed, trial, output);
            return summary.RefusedLines > 0 ? Batch.ExitCodes.CompleteWithRefused : Batch.ExitCodes.Complete;
        });
    }

    /// <summary>The summary as staff read it: what was read, the candidates and their decisions per criterion, the months handed over per move-in city.</summary>
    public static void WriteSummary(TextWriter output, HighCostRuleSet rs, ContinuityBatchSummary s, TimeSpan elapsed, bool trial, string folder)
    {
        void Row(long value, string label) => output.WriteLine(value.ToString("N0", CultureInfo.InvariantCulture).PadLeft(12) + "  " + label);
        if (trial) output.WriteLine("試算 TRIAL RUN: draft or trial rule set");
        Row(s.MoveRecords, "異動世帯 move records");
        Row(s.Events, "異動事由 events");
        Row(s.HistoryLines, "高額該当履歴 history lines");
        Row(s.RefusedLines, "除外行 lines refused");
        Row(s.Candidates, "継続候補世帯 candidate households");
        Row(s.LeftOut, "  除外 left out (a person's event line refused)");
        Row(s.Continuous, "継続世帯確定 continuous");
        Row(s.NotContinuous, "継続なし not continuous");
        foreach (var (criterion, count) in s.ByCriterion.OrderBy(c => c.Key, StringComparer.Ordinal)) Row(count, $"  {criterion}");
        Row(s.UnmatchedMoveOuts, "転入の見つからない転出 move-outs without a move-in");
        Row(s.UnmatchedMoveIns, "転出の見つからない転入 move-ins without a move-out");
        Row(s.MonthsHandedOver, "転出地市区町村高額該当情報 months handed over");
        foreach (var (city, count) in s.HandedOverByCity.OrderBy(c => c.Key, StringComparer.Ordinal)) Row(count, $"  転入地 {city}");
        var rate = elapsed.TotalSeconds > 0 ? (long)(s.Candidates / elapsed.TotalSeconds) : 0;
        output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"処理時間 elapsed {Eta.Format(elapsed)} ({rate:N0} candidates/s); rule set {rs.Insurer.Id}/{rs.FiscalYear} highCost {rs.Version} {rs.Hash} → {folder}"));
    }

    /// <summary>Writes a synthetic month of moves; returns the exit code.</summary>
    public static int RunGenerate(string prefecture, string month, int households, int seed, string moves, string history, string? expected, IReadOnlyList<string> roots,
        TextWriter stdout, TextWriter stderr, CancellationToken cancel)
    {
        const string name = "high-cost generate-moves";
        if (households < 1 || HighCostRuleSetCompiler.ParseMonth(month) is not { } m)
        {
            stderr.WriteLine($"{name}: --households must be positive and --month a month YYYY-MM");
            return Batch.ExitCodes.Usage;
        }
        var year = Rules.Calendar.FiscalYear.Of(m.OnDayOfMonth(1)).Year;
        if (KokuhoRuleSets.LoadCapability(roots, HighCostRuleSetCompiler.CapabilityName, (insurer, y) => insurer == prefecture && y == year).Find<HighCostRuleSet>(prefecture, year) is not { } rs)
        {
            stderr.WriteLine($"{name}: no highCost rule set {prefecture}/{year}");
            return Batch.ExitCodes.Usage;
        }
        using var files = new AtomicFiles();
        try
        {
            var (lines, months, cases) = (0L, 0L, 0L);
            var (movesOut, historyOut, expectedOut) = (files.CreateText(moves), files.CreateText(history), expected is null ? null : files.CreateText(expected));
            var cities = rs.Parameters.Continuity.Municipalities.Select(c => c.Id).ToArray();
            foreach (var move in new SyntheticMoves(cities, m, seed).Moves(households))
            {
                cancel.ThrowIfCancellationRequested();
                foreach (var l in move.Lines) movesOut.WriteLine(JsonSerializer.Serialize(l, KokuhoJson.Options));
                foreach (var h in move.History) historyOut.WriteLine(JsonSerializer.Serialize(h, KokuhoJson.Options));
                foreach (var e in move.Expected) expectedOut?.WriteLine(JsonSerializer.Serialize(e, KokuhoJson.Options));
                (lines, months, cases) = (lines + move.Lines.Count, months + move.History.Count, cases + move.Expected.Count);
            }
            files.Commit();
            stdout.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{households:N0} households, {lines:N0} move and event lines, {months:N0} history lines, {cases:N0} candidates expected → {moves}"));
            return Batch.ExitCodes.Complete;
        }
        catch (Exception e) when (e is OperationCanceledException or IOException or UnauthorizedAccessException)
        {
            files.Dispose();   // the partial files go before the message says nothing was written
            stderr.WriteLine(e is OperationCanceledException ? "interrupted: nothing was written" : $"{name}: {e.Message.ReplaceLineEndings(" ")}; nothing was written");
            return e is OperationCanceledException ? Batch.ExitCodes.Interrupted : Batch.ExitCodes.Failed;
        }
    }
}
