using System.CommandLine;
using System.Globalization;
using System.Text.Json;
using KokuhoRules.Engine.Audit;
using KokuhoRules.Engine.Storage;
using KokuhoRules.Rules.Batch;
using KokuhoRules.Rules.Catalog;
using KokuhoRules.Rules.HighCost;
using KokuhoRules.Rules.Snapshots;

namespace KokuhoRules.Cli;

/// <summary>
/// <c>kokuho high-cost benefits</c> (a city's month of 高額療養費, file to file, with the benefit-month history updated for
/// next month's 多数回 count) and <c>kokuho high-cost generate-claims</c> (a synthetic month of claims with history).
/// </summary>
public static class HighCostBenefits
{
    /// <summary>The exit codes: those of <c>reassess</c> and <c>eligibility check</c>.</summary>
    public const string ExitCodesHelp = "Exit codes: 0 complete (a household without a benefit is a result, not a failure); 3 complete, some lines refused (see <out>.errors.jsonl); 1 the run could not go on (e.g. input not sorted: the line is named); 2 wrong options; 130 interrupted (nothing written: start it again).";

    /// <summary>The commands, to add to the <c>high-cost</c> command.</summary>
    public static IEnumerable<Command> Commands() => [Benefits(), GenerateClaims()];

    private static Command Benefits()
    {
        var insurer = new Option<string>("--insurer") { Description = "The city paying the benefits, by id or 全国地方公共団体コード (e.g. amagasaki, 282022); served by its prefecture's rule set.", Required = true };
        var month = new Option<string>("--care-month") { Description = "The care month (診療月, YYYY-MM); its fiscal year picks the rule set.", Required = true };
        var claims = new Option<string>("--in") { Description = "JSON Lines, one household a line: the body of POST /v1/high-cost/benefits without insurer, careMonth and history (household, claims, category?, inPrefectureMove?), SORTED by household.id (ordinal), each household once.", Required = true };
        var history = new Option<string>("--history") { Description = "JSON Lines of earlier benefit months (householdId, careMonth, benefitPaid, outpatientOnly?, insurer? = the city that paid it when carried over from a move), SORTED by householdId (ordinal). Both files are merged in one pass: neither is held in memory. Or --db." };
        var db = CliOptions.Database("Instead of --history: the city's benefit months stored in PostgreSQL (high_cost_benefit_months, with the months taken over by high-cost continuity --db); the run stores this month's benefit months there (not on a --trial run), with the run (high_cost_runs) and its audit entry, in one transaction. No <out>.history.jsonl is written.");
        var output = new Option<string>("--out") { Description = "Results: .csv for CSV, otherwise JSON Lines, one line per household in input order; beside it <out>.history.jsonl (the history plus this month's benefit months: next month's --history) and <out>.errors.jsonl; each written as .partial and renamed when complete.", Required = true };
        var fiscalYear = new Option<int?>("--fiscal-year") { Description = "The rule set's fiscal year; must be that of --care-month (default: it)." };
        var threads = new Option<int>("--threads") { Description = "Chunks computed at once (default: one per core); the results are the same and in the same order whatever it is.", DefaultValueFactory = _ => Environment.ProcessorCount };
        var trial = new Option<bool>("--trial") { Description = "A trial run (試算): allowed on a draft rule set." };
        var version = new Option<string>("--ruleset-version") { Description = "The rule-set version (default: the published version in force today, or with --trial the newest)." };
        var roots = CliOptions.Roots();
        var bom = new Option<bool>("--csv-bom") { Description = "With a .csv output: begin it with a UTF-8 byte order mark (default true).", DefaultValueFactory = _ => true };
        var command = new Command("benefits", "高額療養費: a city's month of benefits, one line per household (benefit, category, 多数回, prior benefit months, limit, steps, rule set); prints households, with benefit, 多数回, total yen, per category. " + ExitCodesHelp);
        var audit = CliOptions.AuditLog("a run without --db (with --db: the database's audit_log)");
        foreach (var o in new Option[] { insurer, month, claims, history, db, output, fiscalYear, threads, trial, version, roots, bom, audit }) command.Options.Add(o);
        command.SetAction((parse, cancel) => Task.FromResult(RunBenefits(new BenefitsArgs(parse.GetValue(insurer)!, parse.GetValue(month)!, parse.GetValue(claims)!, parse.GetValue(history),
            parse.GetValue(output)!, parse.GetValue(fiscalYear), parse.GetValue(threads), parse.GetValue(trial), parse.GetValue(version),
            CliOptions.RootsOf(parse, roots), parse.GetValue(bom), parse.GetValue(db), parse.GetValue(audit)!), parse.InvocationConfiguration.Output, parse.InvocationConfiguration.Error, cancel)));
        return command;
    }

    private static Command GenerateClaims()
    {
        var insurer = new Option<string>("--insurer") { Description = "The city whose claims these are.", DefaultValueFactory = _ => "amagasaki" };
        var month = new Option<string>("--care-month") { Description = "The care month (YYYY-MM).", DefaultValueFactory = _ => "2025-10" };
        var insured = new Option<long>("--insured") { Description = "How many insured persons (a positive number; about three claims each).", Required = true };
        var seed = new Option<int>("--seed") { Description = "Random seed (the same seed gives the same claims).", DefaultValueFactory = _ => 1 };
        var output = new Option<string>("--out") { Description = "JSON Lines of households and claims, sorted by household id; written as .partial and renamed when complete.", Required = true };
        var history = new Option<string>("--history") { Description = "JSON Lines of the 12 months of benefit history before the care month, sorted by household id.", Required = true };
        var roots = CliOptions.Roots();
        var command = new Command("generate-claims", "Generate a synthetic city's month of claims with 12 months of history (no real person's data): every category, 70–74, the 75th-birthday month, the in-prefecture move month and 多数回 represented.");
        foreach (var o in new Option[] { insurer, month, insured, seed, output, history, roots }) command.Options.Add(o);
        command.SetAction((parse, cancel) => Task.FromResult(RunGenerate(parse.GetValue(insurer)!, parse.GetValue(month)!, parse.GetValue(insured), parse.GetValue(seed), parse.GetValue(output)!,
            parse.GetValue(history)!, CliOptions.RootsOf(parse, roots), parse.InvocationConfiguration.Output, parse.InvocationConfiguration.Error, cancel)));
        return command;
    }

    /// <summary>The options of <c>high-cost benefits</c>: the history from a file (<paramref name="History"/>) or from <paramref name="Database"/>.</summary>
    public sealed record BenefitsArgs(string Insurer, string CareMonth, string Claims, string? History, string Output, int? FiscalYear, int Threads, bool Trial, string? Version,
        IReadOnlyList<string> Roots, bool CsvBom = true, string? Database = null, string AuditLog = "")
    {
        /// <summary>The <c>--audit-log</c> file a run without <see cref="Database"/> is recorded in.</summary>
        public string AuditLog { get; init; } = AuditLog is "" ? CliOptions.DefaultAuditLog : AuditLog;
    }

    /// <summary>Runs a city's month; returns the exit code.</summary>
    public static int RunBenefits(BenefitsArgs a, TextWriter stdout, TextWriter stderr, CancellationToken cancel)
    {
        const string name = "high-cost benefits";
        var started = NodaTime.SystemClock.Instance.GetCurrentInstant();
        if (Usage(a) is { } problem)
        {
            stderr.WriteLine($"{name}: {problem}");
            return Batch.ExitCodes.Usage;
        }
        var careMonth = HighCostRuleSetCompiler.ParseMonth(a.CareMonth)!.Value;
        var service = new HighCostService(KokuhoRuleSets.LoadCapability(a.Roots, HighCostRuleSetCompiler.CapabilityName));
        var (rs, failure) = service.Resolve(a.Insurer, careMonth, a.Version, null, a.Trial);
        if (failure is not null) return Batch.RuleSetRefused(name, failure, stderr, ("insurer", "--insurer"), ("careMonth", "--care-month"));
        var format = a.Output.EndsWith(".csv", StringComparison.OrdinalIgnoreCase) ? ResultFormat.Csv : ResultFormat.Jsonl;
        var city = HighCostService.Municipality(rs!, a.Insurer)?.Id;
        if (a.Database is not null && city is null)
        {
            stderr.WriteLine($"{name}: --insurer {a.Insurer} is not a municipality of {rs!.Insurer.Id} by id or code (the database keeps each city's history under its id)");
            return Batch.ExitCodes.Usage;
        }
        if (a.Database is null && CliAudit.Refusal(a.AuditLog) is { } unaudited)
        {
            stderr.WriteLine($"{name}: {unaudited}");
            return Batch.ExitCodes.Failed;
        }
        var clock = System.Diagnostics.Stopwatch.StartNew();
        var options = new HighCostBenefitsOptions(a.Insurer, careMonth, a.Claims, a.History ?? "", a.Output, format, a.Trial, a.Threads, a.CsvBom);
        return Batch.Guarded(name, stderr, () =>
        {
            HighCostBenefitsSummary summary;
            if (a.Database is null)
            {
                summary = new HighCostFileRun(rs!).Run(options, ConsoleProgress.ForStandardError("households"), cancel);
                CliAudit.RecordRun(a.AuditLog, started, "kokuho high-cost benefits", "HighCostBenefitsRun", [CommandAudit.Of(rs!)], CliAudit.Input(a.Claims),
                    [CliAudit.Subject("history", a.History!)]);
            }
            else
            {
                using var source = Npgsql.NpgsqlDataSource.Create(a.Database);
                new Rules.Storage.PremiumStore(source).MigrateAsync(cancel).GetAwaiter().GetResult();
                (summary, var run) = new Rules.Storage.HighCostStore(source).Benefits(rs!, options, city!, Environment.UserName, ConsoleProgress.ForStandardError("households"), cancel);
                stdout.WriteLine(string.Create(CultureInfo.InvariantCulture, $"run {run.RunId}: {run.MonthsStored:N0} benefit months stored in high_cost_benefit_months{(a.Trial ? " (none: a trial run)" : "")}"));
            }
            WriteSummary(stdout, rs!, summary, clock.Elapsed, a.Trial, a.Output);
            return summary.RefusedLines > 0 ? Batch.ExitCodes.CompleteWithRefused : Batch.ExitCodes.Complete;
        });
    }

    /// <summary>What is wrong with the options, on one line; null when they can run.</summary>
    private static string? Usage(BenefitsArgs a)
    {
        if (a.Threads < 1) return "--threads must be a positive whole number";
        if (HighCostRuleSetCompiler.ParseMonth(a.CareMonth) is not { } m) return "--care-month must be a month YYYY-MM";
        if (a.FiscalYear is { } y && y != Rules.Calendar.FiscalYear.Of(m.OnDayOfMonth(1)).Year) return $"--fiscal-year {y} is not the fiscal year of --care-month {a.CareMonth}";
        if ((a.History is null) == (a.Database is null))
            return a.History is null ? "give --history <file> or --db <connection string>" : "--history and --db exclude each other: the history is read from a file or from the database, not both";
        foreach (var (option, path) in new[] { ("--in", a.Claims), ("--history", a.History) })
            if (path is not null && !File.Exists(path)) return $"there is no {option} file {path}";
        var inputs = new[] { a.Claims, a.History }.OfType<string>().Select(Path.GetFullPath).ToHashSet();
        var outputs = new[] { a.Output, a.Output + ".history.jsonl", a.Output + ".errors.jsonl" }.Select(Path.GetFullPath);
        return outputs.Any(inputs.Contains) ? "--out (or its .history.jsonl, .errors.jsonl) must not be an input file: give next month's run a new --out" : null;
    }

    /// <summary>The summary as staff read it: households, with benefit, 多数回, total yen, per category.</summary>
    public static void WriteSummary(TextWriter output, HighCostRuleSet rs, HighCostBenefitsSummary s, TimeSpan elapsed, bool trial, string path)
    {
        void Row(long value, string label) => output.WriteLine(value.ToString("N0", CultureInfo.InvariantCulture).PadLeft(14) + "  " + label);
        if (trial) output.WriteLine("試算 TRIAL RUN: draft or trial rule set");
        Row(s.Households, "世帯 households computed");
        Row(s.Claims, "レセプト claims");
        Row(s.HistoryLines, "支給履歴 history lines read");
        Row(s.RefusedLines, "除外行 lines refused");
        Row(s.WithBenefit, "支給世帯 households with a benefit");
        Row(s.ManyTimes, "多数回該当 many-times households");
        Row(s.TotalBenefit, "支給額合計 total benefit (yen)");
        foreach (var (category, t) in s.ByCategory.OrderBy(c => c.Key, StringComparer.Ordinal))
            Row(t.Benefit, string.Create(CultureInfo.InvariantCulture, $"  区分 {(category.Length == 0 ? "(none)" : category)}: {t.Households:N0} households, {t.WithBenefit:N0} with a benefit, yen"));
        Row(s.NewHistoryMonths, "支給月 benefit months added to the history");
        var rate = elapsed.TotalSeconds > 0 ? (long)(s.Households / elapsed.TotalSeconds) : 0;
        output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"処理時間 elapsed {Eta.Format(elapsed)} ({rate:N0} households/s); rule set {rs.Insurer.Id}/{rs.FiscalYear} highCost {rs.Version} {rs.Hash} → {path}"));
    }

    /// <summary>Writes a synthetic month of claims and its history; returns the exit code.</summary>
    public static int RunGenerate(string insurer, string month, long insured, int seed, string claims, string history, IReadOnlyList<string> roots,
        TextWriter stdout, TextWriter stderr, CancellationToken cancel)
    {
        const string name = "high-cost generate-claims";
        if (insured < 1 || HighCostRuleSetCompiler.ParseMonth(month) is not { } m)
        {
            stderr.WriteLine($"{name}: --insured must be positive and --care-month a month YYYY-MM");
            return Batch.ExitCodes.Usage;
        }
        var (rs, failure) = new HighCostService(KokuhoRuleSets.LoadCapability(roots, HighCostRuleSetCompiler.CapabilityName)).Resolve(insurer, m, null, null, trial: true);
        if (failure is not null) return Batch.RuleSetRefused(name, failure, stderr, ("insurer", "--insurer"), ("careMonth", "--care-month"));
        return Batch.Guarded(name, stderr, () =>
        {
            var (households, lines, months) = (0L, 0L, 0L);
            using var files = new AtomicFiles();
            var (claimsOut, historyOut) = (files.CreateText(claims), files.CreateText(history));
            foreach (var h in new SyntheticClaims(rs!, m, seed, insurer).Households(insured))
            {
                if ((++households & 0xFFF) == 0) cancel.ThrowIfCancellationRequested();
                claimsOut.WriteLine(JsonSerializer.Serialize(h.Line, KokuhoJson.Options));
                foreach (var l in h.History) historyOut.WriteLine(JsonSerializer.Serialize(l, KokuhoJson.Options));
                (lines, months) = (lines + h.Line.Claims!.Count, months + h.History.Count);
            }
            files.Commit();
            stdout.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{households:N0} households, {insured:N0} insured, {lines:N0} claims, {months:N0} history months → {claims}, {history}"));
            return Batch.ExitCodes.Complete;
        });
    }
}
