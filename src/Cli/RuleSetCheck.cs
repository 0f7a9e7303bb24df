using System.CommandLine;
using System.Text.Encodings.Web;
using System.Text.Json;
using KokuhoRules.Engine.Audit;
using KokuhoRules.Rules.Catalog;
using KokuhoRules.Rules.Checks;
using KokuhoRules.Rules.Premium;
using KokuhoRules.Rules.Snapshots;
using NodaTime;

namespace KokuhoRules.Cli;

/// <summary>
/// <c>kokuho rulesets check &lt;insurer/year[@version]&gt;</c>: the catalogue of invariants (docs/invariants.md) run against
/// any rule set of a capability that has one (premium, highCost, eligibility), a draft included — seeded, a progress line
/// per invariant, the shrunk counterexample printed as request bodies for the capability's endpoint; every run audited.
/// </summary>
public static class RuleSetCheck
{
    /// <summary>Exit codes of <c>rulesets check</c>.</summary>
    public static class ExitCodes
    {
        public const int Holds = 0;
        /// <summary>An invariant fails (or the rule set is refused by validation, or the audit entry cannot be written).</summary>
        public const int Fails = 1;
        /// <summary>Wrong options: an unknown rule set, version or capability, a count of tests below 1.</summary>
        public const int Usage = 2;

        public const string Help = "Exit codes: 0 every invariant holds, 1 one fails (or the rule set is refused by validation, or the audit log cannot be written), 2 wrong options.";
    }

    /// <summary>The default audit log of the command: the one the API writes by default, under the current folder.</summary>

    private static readonly JsonSerializerOptions Indented = new(KokuhoJson.Options) { WriteIndented = true, Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };
    private static readonly JsonSerializerOptions OneLine = new(KokuhoJson.Options) { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    /// <summary>The command, with the <c>rulesets</c> command's <c>--root</c>.</summary>
    public static Command Build(Option<string[]> roots)
    {
        var spec = new Argument<string>("ruleset") { Description = "The rule set checked: insurer/year[@version], e.g. amagasaki/2025 or amagasaki/2026@2026.1 (a draft included; default version: the one a call today gets, drafts only: the newest)." };
        var capability = new Option<string>("--capability") { Description = $"The capability checked: {string.Join(", ", RuleSetChecks.Capabilities)}.", DefaultValueFactory = _ => "premium" };
        var seed = new Option<ulong?>("--seed") { Description = "The seed (default: a new one, printed); the same seed and --tests give the same run." };
        var tests = new Option<int>("--tests") { Description = "Cases per invariant.", DefaultValueFactory = _ => RuleSetChecks.DefaultTests };
        var only = new Option<string[]>("--invariant") { Description = "Only these invariants (ids as printed, repeatable; default: all).", AllowMultipleArgumentsPerToken = true };
        var json = new Option<bool>("--json") { Description = "The result as JSON, for machines." };
        var audit = CliOptions.AuditLog("the run");
        var command = new Command("check", "検査 (check for testers): every invariant of the catalogue (docs/invariants.md) against a rule set, a draft included, on generated cases; "
                                           + "a failing invariant prints its shrunk counterexample as request bodies for the capability's endpoint (POST /v1/premium/assessments, /v1/high-cost/benefits, /v1/eligibility/checks). " + ExitCodes.Help);
        command.Arguments.Add(spec);
        foreach (var o in new Option[] { capability, seed, tests, only, json, roots, audit }) command.Options.Add(o);
        command.SetAction(parse => Check(parse.GetValue(spec)!, new CheckOptions(parse.GetValue(capability)!, parse.GetValue(seed), parse.GetValue(tests),
                parse.GetValue(only) ?? [], parse.GetValue(json), CliOptions.RootsOf(parse, roots), parse.GetValue(audit)!),
            parse.InvocationConfiguration.Output, parse.InvocationConfiguration.Error));
        return command;
    }

    /// <summary>What <c>rulesets check</c> was asked for.</summary>
    public sealed record CheckOptions(string Capability, ulong? Seed, int Tests, IReadOnlyList<string> Only, bool Json, IReadOnlyList<string> Roots, string AuditFile);

    /// <summary>Runs the check; returns the exit code.</summary>
    public static int Check(string spec, CheckOptions o, TextWriter output, TextWriter error)
    {
        if (!RuleSetChecks.Capabilities.Contains(o.Capability))
        {
            error.WriteLine($"--capability {o.Capability}: there are invariants for {string.Join(", ", RuleSetChecks.Capabilities)} only");
            return ExitCodes.Usage;
        }
        if (o.Tests < 1)
        {
            error.WriteLine($"--tests {o.Tests} must be at least 1");
            return ExitCodes.Usage;
        }
        var known = RuleSetChecks.Catalogue(o.Capability).Select(i => i.Id).ToArray();
        if (o.Only.FirstOrDefault(id => !known.Contains(id)) is { } unknown)
        {
            error.WriteLine($"--invariant {unknown} is not an invariant of {o.Capability} (invariants: {string.Join(", ", known)})");
            return ExitCodes.Usage;
        }
        var catalog = KokuhoRuleSets.Load(o.Roots);
        var (found, code) = RuleSetStaff.Resolve(catalog, spec, o.Capability, error);
        if (found is not { } rs) return code == RuleSetStaff.ExitCodes.Refused ? ExitCodes.Fails : ExitCodes.Usage;

        var seed = o.Seed ?? RuleSetChecks.NewSeed();
        var started = SystemClock.Instance.GetCurrentInstant();
        if (!o.Json) WriteHeader(rs, seed, o.Tests, output);
        var index = 0;
        var count = o.Only.Count > 0 ? o.Only.Distinct().Count() : known.Length;
        var result = RuleSetChecks.Run(catalog, rs, seed, o.Tests, o.Only, r =>
        {
            index++;
            if (o.Json) error.WriteLine($"[{index}/{count}] {(r.Holds ? "ok" : "FAIL")} {r.Id}");
            else WriteProgress(r, index, count, output);
        });
        if (Audited(result, started, o.AuditFile, error) is { } failure) return failure;
        if (o.Json) output.WriteLine(JsonSerializer.Serialize(result, Indented));
        else WriteSummary(spec, result, o, output);
        return result.Holds ? ExitCodes.Holds : ExitCodes.Fails;
    }

    private static void WriteHeader(Engine.RuleSets.CompiledRuleSet rs, ulong seed, int tests, TextWriter o)
    {
        o.WriteLine($"検査 (check): {rs.Insurer.Id}/{rs.FiscalYear} {rs.Capability} 版 {rs.Version} ({rs.Status.ToString().ToLowerInvariant()}) {rs.Hash}");
        o.WriteLine($"  seed {seed}, {tests} cases per invariant");
    }

    private static void WriteProgress(InvariantResult r, int index, int count, TextWriter o)
    {
        var at = $"[{index}/{count}]";
        if (r.Holds)
        {
            o.WriteLine($"{at} ok    {r.Id}  {r.NameJa} ({r.NameEn}) — {r.Cases} cases");
            return;
        }
        var c = r.Counterexample!;
        o.WriteLine($"{at} FAIL  {r.Id}  {r.NameJa} ({r.NameEn}) — case {r.Cases}, shrunk in {c.Shrinks} steps");
        o.WriteLine($"    期待 (expected): {c.Expected}");
        o.WriteLine($"    結果 (got):      {c.Got}");
        o.WriteLine($"    反例 (case):     {c.Case}");
        foreach (var request in c.Requests)
        {
            o.WriteLine($"    request body ({request.Label}) for {request.Endpoint}:");
            o.WriteLine("    " + JsonSerializer.Serialize(request.Body, OneLine));
        }
    }

    private static void WriteSummary(string spec, RuleSetCheckResult result, CheckOptions o, TextWriter output)
    {
        var failed = result.Invariants.Where(i => !i.Holds).Select(i => i.Id).ToArray();
        output.WriteLine(failed.Length == 0
            ? $"結果 (result): all {result.Invariants.Count} invariants hold"
            : $"結果 (result): {failed.Length} of {result.Invariants.Count} invariants fail: {string.Join(", ", failed)}");
        var roots = o.Roots.Count == 1 && o.Roots[0] == KokuhoRuleSets.BundledRoot ? "" : string.Concat(o.Roots.Select(r => $" --root {r}"));
        output.WriteLine($"再実行 (re-run): kokuho rulesets check {spec}{RuleSetChecks.CapabilityOption(o.Capability)} --seed {result.Seed} --tests {result.Tests}{roots}");
    }

    /// <summary>Records the run (who, when, rule set version and hash, outcome; ids only); null, or the exit code when it cannot be recorded.</summary>
    private static int? Audited(RuleSetCheckResult result, Instant started, string auditFile, TextWriter error)
    {
        var rs = result.RuleSet;
        var failed = result.Invariants.Where(i => !i.Holds).Select(i => "invariant:" + i.Id).ToArray();
        var entry = CommandAudit.Entry(started, SystemClock.Instance.GetCurrentInstant(), "kokuho rulesets check", "RuleSetCheck",
            [new AuditedRuleSet(rs.Insurer, rs.FiscalYear, rs.Version, rs.Hash)], [$"seed:{result.Seed}", $"tests:{result.Tests}", .. failed],
            outcome: result.Holds ? CommandAudit.Ok : CommandAudit.CheckFailed, status: result.Holds ? 200 : 422);
        try
        {
            CommandAudit.AppendToFile(auditFile, entry);
            return null;
        }
        catch (IOException e)
        {
            error.WriteLine($"{e.Message}: the check is not recorded");
            return ExitCodes.Fails;
        }
    }
}
