using System.CommandLine;
using System.Globalization;
using System.Text.Json;
using KokuhoRules.Engine.Audit;
using KokuhoRules.Engine.Storage;
using KokuhoRules.Rules.Batch;
using KokuhoRules.Rules.Catalog;
using KokuhoRules.Rules.Premium.Solve;

namespace KokuhoRules.Cli;

/// <summary>
/// <c>kokuho rulesets solve</c>: 適正算定 — the 所得割率, 均等割 and 平等割 that raise each component's target over a population
/// (<see cref="RateSolver"/>), written as the draft's parameters.json with the solved values to a new file (or, with
/// <c>--write-draft</c>, in place of the draft's); audited.
/// </summary>
public static class RuleSetSolve
{
    public static class ExitCodes
    {
        public const int Solved = 0;
        /// <summary>A target cannot be reached, or an input cannot be read / an output written.</summary>
        public const int Refused = 1;
        public const int Usage = 2;
        public const string Help = "Exit codes: 0 solved; 1 refused (a target cannot be reached at any rate — the message says which and why — or a file cannot be read or written; nothing written); 2 wrong options or a bad targets file; 130 interrupted.";
    }

    /// <summary>The options of the command, once parsed.</summary>
    public sealed record Args(string Insurer, string Year, string Input, string Targets, string Output, bool WriteDraft, bool Json, int Threads,
        IReadOnlyList<string> Roots, string AuditLog);

    /// <summary>The command, for <see cref="RuleSetStaff.AddTo"/>.</summary>
    public static Command Build(Option<string[]> roots)
    {
        var insurer = new Option<string>("--insurer") { Description = "The insurer (city) id, e.g. amagasaki.", Required = true };
        var year = new Option<string>("--year") { Description = "The rule set solved for: year[@version], e.g. 2026 (default version: the newest, a draft included).", Required = true };
        var input = new Option<string>("--in") { Description = "The population: JSON Lines of households, as 'kokuho reassess' reads.", Required = true };
        var targets = new Option<string>("--targets") { Description = "The targets (JSON): per component amount (or required and collectionRate), incomeShare (応能割合), perCapitaShare (均等割:平等割); rounding.incomeRate (0.0001 = 0.01%), rounding.perCapita / perHousehold { unitYen, mode }. See docs/rulesets.md.", Required = true };
        var output = new Option<string>("--out") { Description = "The new parameters file: the draft's parameters.json with the solved values (confirmed: false). Written beside, then renamed.", DefaultValueFactory = _ => "solved-parameters.json" };
        var writeDraft = new Option<bool>("--write-draft") { Description = "Also replace the draft's own parameters.json with it (temp file, then rename). Refused for a published rule set." };
        var json = new Option<bool>("--json") { Description = "Print the solution as JSON (for machines) instead of the table." };
        var threads = new Option<int>("--threads") { Description = "Worker threads (default: one per core).", DefaultValueFactory = _ => Environment.ProcessorCount };
        var audit = CliOptions.AuditLog("the run");
        var command = new Command("solve", "適正算定 (rate solver): the 所得割率, 均等割 and 平等割 that raise each component's target over the population, honouring reductions, caps and the city's rounding. " + ExitCodes.Help);
        foreach (var o in new Option[] { insurer, year, input, targets, output, writeDraft, json, threads, roots, audit }) command.Options.Add(o);
        command.SetAction((parse, cancel) => Task.FromResult(Run(new Args(parse.GetValue(insurer)!, parse.GetValue(year)!, parse.GetValue(input)!, parse.GetValue(targets)!,
            parse.GetValue(output)!, parse.GetValue(writeDraft), parse.GetValue(json), Math.Max(1, parse.GetValue(threads)), CliOptions.RootsOf(parse, roots), parse.GetValue(audit)!),
            parse.InvocationConfiguration.Output, parse.InvocationConfiguration.Error, cancel)));
        return command;
    }

    /// <summary>Runs the command; returns the exit code.</summary>
    public static int Run(Args args, TextWriter output, TextWriter error, CancellationToken cancel)
    {
        var catalog = KokuhoRuleSets.Load(args.Roots, (i, _) => i == args.Insurer);
        var (draft, code) = RuleSetImpact.Side(catalog, args.Insurer, args.Year, "--year", trialByDefault: true, error);
        if (draft is null) return code;
        if (args.WriteDraft && draft.Status != Engine.RuleSets.RuleSetStatus.Draft)
        {
            error.WriteLine($"rulesets solve: {draft.Insurer.Id}/{draft.FiscalYear} {draft.Version} is published: --write-draft writes only a draft (write --out and make a draft with 'kokuho rulesets new')");
            return ExitCodes.Usage;
        }
        foreach (var (path, option) in new[] { (args.Input, "--in"), (args.Targets, "--targets") })
            if (!File.Exists(path))
            {
                error.WriteLine($"rulesets solve: there is no file {path} ({option})");
                return ExitCodes.Usage;
            }
        RateTargets targets;
        try
        {
            targets = RateTargets.Read(args.Targets);
        }
        catch (InvalidDataException e)
        {
            error.WriteLine($"rulesets solve: {e.Message}");
            return ExitCodes.Usage;
        }
        return Batch.Guarded("rulesets solve", error, () =>
        {
            var clock = System.Diagnostics.Stopwatch.StartNew();
            var (households, refused) = PopulationFile.ReadAll(args.Input, args.Threads, cancel);
            error.WriteLine(string.Create(CultureInfo.InvariantCulture, $"read {households.Count:N0} households ({refused:N0} lines refused) in {clock.Elapsed.TotalSeconds:F1} s; solving"));
            RateSolution solution;
            try
            {
                solution = RateSolver.Solve(draft, households, targets, args.Threads, Environment.UserName, refused,
                    pass => error.WriteLine($"  pass {pass} done ({clock.Elapsed.TotalSeconds.ToString("F1", CultureInfo.InvariantCulture)} s)"), cancel);
            }
            catch (Exception e) when (e is UnreachableTargetException or InvalidDataException)
            {
                error.WriteLine($"rulesets solve: {e.Message}; nothing was written");
                return e is UnreachableTargetException ? ExitCodes.Refused : ExitCodes.Usage;
            }
            var today = solution.At.InUtc().Date;
            var bytes = SolvedParameters.Write(draft, solution, today);
            AtomicFiles.WriteAllBytes(args.Output, bytes);
            if (args.WriteDraft) AtomicFiles.WriteAllBytes(SolvedParameters.DraftPath(draft), bytes);
            var read = CliAudit.Input(args.Input);
            CommandAudit.AppendToFile(args.AuditLog, CommandAudit.Entry(solution.At, solution.At + NodaTime.Duration.FromSeconds(solution.ElapsedSeconds), "kokuho rulesets solve",
                "RuleSetSolve", [CommandAudit.Of(draft)], [], read.Sha256, read.Bytes));
            if (args.Json) output.WriteLine(JsonSerializer.Serialize(solution, RuleSetImpact.JsonOptions));
            else WriteText(solution, output);
            error.WriteLine($"written {args.Output}{(args.WriteDraft ? " and " + SolvedParameters.DraftPath(draft) : "")}: every solved value confirmed: false; compare with 'kokuho rulesets diff', try with 'kokuho rulesets impact'");
            return ExitCodes.Solved;
        });
    }

    private static string Yen(long v) => v.ToString("N0", CultureInfo.InvariantCulture);

    private static void WriteText(RateSolution s, TextWriter o)
    {
        var r = s.Ruleset;
        o.WriteLine($"適正算定 (solve): {r.Insurer}/{r.FiscalYear} 版 {r.Version} ({r.Status}) {r.Hash}");
        o.WriteLine($"  目標 (targets) {s.TargetsSha256}  世帯 (households) {Yen(s.Households)}  除外 (refused) {Yen(s.Refused)}  所得割率の単位 {s.IncomeRateUnit}  passes {s.Passes}  {s.ElapsedSeconds.ToString("F1", CultureInfo.InvariantCulture)} s");
        foreach (var c in s.Components)
        {
            o.WriteLine();
            o.WriteLine($"{c.Label} {c.Name}");
            o.WriteLine($"  目標賦課総額 target        {Yen(c.Target),18} 円{(c.Required is { } q ? $"  (収納必要総額 {Yen(q)} ÷ 予定収納率 {c.CollectionRate})" : "")}");
            o.WriteLine($"  応能:応益 / 均等:平等       {c.IncomeShare} : {1 - c.IncomeShare} / {c.PerCapitaShare} : {1 - c.PerCapitaShare}");
            o.WriteLine($"  所得割率 income rate       {Percent(c.IncomeRate),18}    (draft {Percent(c.DraftIncomeRate)})");
            o.WriteLine($"  均等割 per capita          {Yen(c.PerCapita),18} 円 (draft {Yen(c.DraftPerCapita)})");
            o.WriteLine($"  平等割 per household       {Yen(c.PerHousehold),18} 円 (draft {Yen(c.DraftPerHousehold)})");
            o.WriteLine($"  賦課額 raised              {Yen(c.Raised),18} 円 (draft's rates raise {Yen(c.DraftRaised)})");
            o.WriteLine($"  差 residual                {(c.Residual > 0 ? "+" : "") + Yen(c.Residual),18} 円");
            o.WriteLine($"  限度額到達 at the cap       {Yen(c.HouseholdsAtCap),18} 世帯   反復 iterations {c.Iterations}");
        }
    }

    private static string Percent(decimal rate) => (rate * 100m).ToString("0.00##", CultureInfo.InvariantCulture) + "%";
}
