using System.CommandLine;
using System.Globalization;
using System.Text.Json;
using System.Text;
using KokuhoRules.Engine.Audit;
using KokuhoRules.Engine.RuleSets;
using KokuhoRules.Engine.Storage;
using KokuhoRules.Rules.Batch;
using KokuhoRules.Rules.Catalog;
using KokuhoRules.Rules.Premium.Impact;
using KokuhoRules.Rules.Premium;
using KokuhoRules.Rules.Snapshots;

namespace KokuhoRules.Cli;

/// <summary>
/// <c>kokuho rulesets impact</c>: 試算 over the city — a population assessed under the published rule set and a draft,
/// and the table a budget meeting asks for (<see cref="ImpactReport"/>), as text, JSON and CSV; audited.
/// </summary>
public static class RuleSetImpact
{
    /// <summary>Exit codes (those of <c>reassess</c>: <see cref="Batch.ExitCodes"/>).</summary>
    public const string ExitHelp = "Exit codes: 0 done, every household assessed; 3 done, some lines refused (not assessed; 'kokuho reassess' lists them); 1 an input cannot be read, an output cannot be written or a rule set is refused; 2 wrong options; 130 interrupted (nothing written).";

    /// <summary>The options of the command, once parsed.</summary>
    public sealed record Args(string Insurer, string Base, string Draft, string? Input, string? Output, string? Csv, bool CsvBom, bool Json, int Threads,
        IReadOnlyList<string> Roots, string AuditLog, string? Database = null, int? PopulationYear = null);

    /// <summary>Where the CLI appends its audit entries unless <c>--audit-log</c> says otherwise (the API's default layout, under the current folder).</summary>

    public static readonly JsonSerializerOptions JsonOptions = new(KokuhoJson.Options)
    {
        WriteIndented = true,
        Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
    };

    /// <summary>The command, for <see cref="RuleSetStaff.AddTo"/>.</summary>
    public static Command Build(Option<string[]> roots)
    {
        var insurer = new Option<string>("--insurer") { Description = "The insurer (city) id, e.g. amagasaki.", Required = true };
        var @base = new Option<string>("--base") { Description = "The rule set compared from: year[@version], e.g. 2025 (default version: the published one in force today).", Required = true };
        var draft = new Option<string>("--draft") { Description = "The rule set tried: year[@version], e.g. 2026 or 2026@2026.1 (default version: the newest, a draft included).", Required = true };
        var input = new Option<string>("--in") { Description = "The population: JSON Lines of households, as 'kokuho reassess' reads (e.g. from 'kokuho generate'); or --db." };
        var db = CliOptions.Database("Instead of --in: the population the store holds for the insurer and --population-year.");
        var populationYear = new Option<int?>("--population-year") { Description = "With --db: the fiscal year whose households are read (default: the base's)." };
        var output = new Option<string>("--out") { Description = "Write the report as JSON to this file (beside it first, then renamed)." };
        var csv = new Option<string>("--csv") { Description = "Write the report as CSV (Japanese header row) to this file." };
        var bom = new Option<bool>("--csv-bom") { Description = "With --csv: begin the file with a UTF-8 byte order mark (default true; Excel on Japanese Windows needs it).", DefaultValueFactory = _ => true };
        var json = new Option<bool>("--json") { Description = "Print the report as JSON (for machines) instead of the table." };
        var threads = new Option<int>("--threads") { Description = "Worker threads (default: one per core).", DefaultValueFactory = _ => Environment.ProcessorCount };
        var audit = CliOptions.AuditLog("the run (who, when, both rule sets and hashes, the population's SHA-256)");
        var command = new Command("impact", "試算 (impact report): a population under the published rule set and a draft — totals per component, households whose premium rises or falls by band, "
                                            + "at a cap, per reduction class, per age band of the head; both rule sets' versions and hashes. " + ExitHelp);
        foreach (var o in new Option[] { insurer, @base, draft, input, db, populationYear, output, csv, bom, json, threads, roots, audit }) command.Options.Add(o);
        command.SetAction((parse, cancel) => Task.FromResult(Run(new Args(parse.GetValue(insurer)!, parse.GetValue(@base)!, parse.GetValue(draft)!, parse.GetValue(input),
            parse.GetValue(output), parse.GetValue(csv), parse.GetValue(bom), parse.GetValue(json), Math.Max(1, parse.GetValue(threads)), CliOptions.RootsOf(parse, roots),
            parse.GetValue(audit)!, parse.GetValue(db), parse.GetValue(populationYear)), parse.InvocationConfiguration.Output, parse.InvocationConfiguration.Error, cancel)));
        return command;
    }

    /// <summary>Runs the command; returns the exit code.</summary>
    public static int Run(Args args, TextWriter output, TextWriter error, CancellationToken cancel)
    {
        var catalog = KokuhoRuleSets.Load(args.Roots, (i, _) => i == args.Insurer);
        var (baseRs, baseCode) = Side(catalog, args.Insurer, args.Base, "--base", trialByDefault: false, error);
        if (baseRs is null) return baseCode;
        var (draftRs, draftCode) = Side(catalog, args.Insurer, args.Draft, "--draft", trialByDefault: true, error);
        if (draftRs is null) return draftCode;
        if ((args.Input is null) == (args.Database is null))
        {
            error.WriteLine("rulesets impact needs the population: --in <file> or --db <connection string> (not both)");
            return Batch.ExitCodes.Usage;
        }
        if (args.Database is { } database) return FromDatabase(args, database, baseRs, draftRs, output, error, cancel);
        if (!File.Exists(args.Input))
        {
            error.WriteLine($"rulesets impact: there is no population file {args.Input} (--in)");
            return Batch.ExitCodes.Usage;
        }
        return Batch.Guarded("rulesets impact", error, () =>
        {
            var report = ImpactReport.Compute(baseRs, draftRs, args.Input!, args.Threads, Environment.UserName, ConsoleProgress.ForStandardError(), cancel);
            return Written(args, report, [baseRs, draftRs], report.Input.Sha256!, new FileInfo(args.Input!).Length, output, cancel);
        });
    }

    /// <summary><c>--db</c>: the population the store holds, read whole, then assessed under both rule sets.</summary>
    private static int FromDatabase(Args args, string database, PremiumRuleSet baseRs, PremiumRuleSet draftRs, TextWriter output, TextWriter error, CancellationToken cancel) =>
        Batch.Guarded("rulesets impact", error, () =>
        {
            var year = args.PopulationYear ?? baseRs.FiscalYear;
            using var db = Npgsql.NpgsqlDataSource.Create(database);
            var (households, refused) = PopulationStore.ReadAllAsync(db, args.Insurer, year, cancel).GetAwaiter().GetResult();
            if (households.Count == 0 && refused == 0)
            {
                error.WriteLine($"rulesets impact: the database holds no households of {args.Insurer}/{year} (load them with 'kokuho load' or 'kokuho generate --db')");
                return Batch.ExitCodes.Usage;
            }
            var source = $"postgresql households {args.Insurer}/{year}";
            var report = ImpactReport.Compute(baseRs, draftRs, households, source, args.Threads, Environment.UserName, cancel);
            report = report with { Input = report.Input with { Refused = refused } };
            var hash = "sha256:" + Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(Encoding.UTF8.GetBytes(source)));
            return Written(args, report, [baseRs, draftRs], hash, households.Count, output, cancel);
        });

    /// <summary>Writes the report's files, audits the run, prints the report; returns the exit code.</summary>
    private static int Written(Args args, ImpactReport report, CompiledRuleSet[] ruleSets, string inputSha256, long inputBytes, TextWriter output, CancellationToken cancel)
    {
        if (args.Output is { } path) AtomicFiles.WriteAllBytes(path, JsonSerializer.SerializeToUtf8Bytes(report, JsonOptions));
        if (args.Csv is { } csvPath) AtomicFiles.WriteAllBytes(csvPath, [.. args.CsvBom ? Encoding.UTF8.Preamble : [], .. Encoding.UTF8.GetBytes(ImpactCsv.Format(report))]);
        CommandAudit.AppendToFile(args.AuditLog, CommandAudit.Entry(report.Run.At, report.Run.At + NodaTime.Duration.FromSeconds(report.Run.ElapsedSeconds), "kokuho rulesets impact",
            "RuleSetImpact", ruleSets.Select(CommandAudit.Of), [], inputSha256, inputBytes));
        if (args.Json) output.WriteLine(JsonSerializer.Serialize(report, JsonOptions));
        else WriteText(report, output);
        return report.Input.Refused > 0 ? Batch.ExitCodes.CompleteWithRefused : Batch.ExitCodes.Complete;
    }

    /// <summary>
    /// Reads <c>year[@version]</c> and finds that premium rule set of the insurer: the version named (a draft allowed), else
    /// the newest (<paramref name="trialByDefault"/>, the draft side) or the published one in force today (the base side).
    /// </summary>
    internal static (PremiumRuleSet? RuleSet, int ExitCode) Side(RuleSetCatalog catalog, string insurer, string spec, string option, bool trialByDefault, TextWriter error)
    {
        var at = spec.Split('@', 2);
        if (!int.TryParse(at[0], NumberStyles.None, CultureInfo.InvariantCulture, out var year) || (at.Length == 2 && string.IsNullOrWhiteSpace(at[1])))
        {
            error.WriteLine($"{option} '{spec}' is not a rule set: write year or year@version, e.g. 2025 or 2026@2026.1");
            return (null, Batch.ExitCodes.Usage);
        }
        var version = at.Length == 2 ? at[1] : null;
        var (rs, refusal) = catalog.Resolve<PremiumRuleSet>(insurer, year, version, null, trial: trialByDefault || version is not null);
        if (rs is not null) return (rs, 0);
        if (refusal!.Kind == RuleSetRefusalKind.Draft && catalog.Versions("premium", insurer, year) is { Count: > 0 } drafts)
            return ((PremiumRuleSet)drafts[^1], 0);
        var versions = catalog.Versions("premium", insurer, year);
        error.WriteLine(refusal.Kind == RuleSetRefusalKind.RefusedAtStartUp
            ? $"{option}: {insurer}/{year} is refused by validation: see 'kokuho rulesets validate'"
            : versions.Count > 0
                ? $"{option}: {insurer}/{year} has no version {version} (versions: {string.Join(", ", versions.Select(v => v.Version))})"
                : $"{option}: there is no premium rule set {insurer}/{year} under {string.Join(", ", catalog.Roots)}");
        return (null, refusal.Kind == RuleSetRefusalKind.RefusedAtStartUp ? Batch.ExitCodes.Failed : Batch.ExitCodes.Usage);
    }

    private static string Yen(long v) => v.ToString("N0", CultureInfo.InvariantCulture);

    private static string Signed(long v) => (v > 0 ? "+" : "") + Yen(v);

    /// <summary>The report as staff read it: Japanese first, figures right-aligned.</summary>
    private static void WriteText(ImpactReport r, TextWriter o)
    {
        string Side(ImpactSide s) => $"{s.Ruleset.Insurer}/{s.Ruleset.FiscalYear} 版 {s.Ruleset.Version} ({s.Ruleset.Status}) {s.Ruleset.Hash}";
        o.WriteLine("試算 (impact): not an assessment; no bill may be issued from it");
        o.WriteLine($"  基準 (base)  {Side(r.Base)}");
        o.WriteLine($"  試算 (draft) {Side(r.Draft)}");
        o.WriteLine($"  世帯 (households) {Yen(r.Input.Households)}  除外 (refused lines) {Yen(r.Input.Refused)}  {r.Input.Sha256}");
        o.WriteLine();
        o.WriteLine($"{"区分 (component)",-28}{"基準 base",18}{"試算 draft",18}{"差額 difference",18}{"限度額到達 at cap (base→draft)",34}");
        foreach (var c in r.Components)
            o.WriteLine($"{c.Label + " " + c.Name,-28}{Yen(c.Base),18}{Yen(c.Draft),18}{Signed(c.Difference),18}{Yen(c.BaseAtCap) + " → " + Yen(c.DraftAtCap),34}");
        o.WriteLine($"{"年間保険料 annual premium",-28}{Yen(r.Base.AnnualPremium),18}{Yen(r.Draft.AnnualPremium),18}{Signed(r.Difference),18}");
        o.WriteLine();
        o.WriteLine("増減 (change per household)         世帯 households      差額計 total");
        foreach (var b in r.Changes) o.WriteLine($"  {b.Label,-30}{Yen(b.Households),16}{Signed(b.Difference),18}");
        o.WriteLine();
        o.WriteLine("軽減 (reduction class)     基準 世帯 / 保険料             試算 世帯 / 保険料");
        foreach (var c in r.ReductionClasses) o.WriteLine($"  {c.Label,-10}{Yen(c.BaseHouseholds),12} {Yen(c.BaseTotal),18}{Yen(c.DraftHouseholds),12} {Yen(c.DraftTotal),18}");
        o.WriteLine();
        o.WriteLine("年齢 (head's age)          世帯 households     基準 base          試算 draft        差額 difference");
        foreach (var a in r.AgeBands) o.WriteLine($"  {a.Label,-22}{Yen(a.Households),12}{Yen(a.Base),18}{Yen(a.Draft),18}{Signed(a.Difference),18}");
        o.WriteLine(string.Create(CultureInfo.InvariantCulture, $"処理時間 elapsed {r.Run.ElapsedSeconds:F1} s"));
    }
}
