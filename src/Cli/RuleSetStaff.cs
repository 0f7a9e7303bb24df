using System.CommandLine;
using System.Globalization;
using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.Json.Serialization;
using KokuhoRules.Engine.RuleSets;
using KokuhoRules.Rules.Catalog;

namespace KokuhoRules.Cli;

/// <summary>
/// What policy staff run to prepare next year's rule set: <c>kokuho rulesets new</c> (a draft copied from a
/// published year) and <c>kokuho rulesets diff</c> (what differs between any two rule sets).
/// </summary>
public static class RuleSetStaff
{
    /// <summary>Exit codes of <c>rulesets new</c> and <c>rulesets diff</c>.</summary>
    public static class ExitCodes
    {
        public const int Done = 0;
        /// <summary>Refused: a folder that would be written exists, or a rule set to read was refused by validation.</summary>
        public const int Refused = 1;
        /// <summary>Wrong options: an unknown insurer, year, version or capability.</summary>
        public const int Usage = 2;

        public const string Help = "Exit codes: 0 done, 1 refused (a folder exists / a rule set is refused by validation), 2 wrong options (unknown insurer, year, version or capability).";
    }

    private static readonly JsonSerializerOptions JsonOptions = new()
    {
        WriteIndented = true,
        PropertyNamingPolicy = JsonNamingPolicy.CamelCase,
        Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
        Converters = { new JsonStringEnumConverter(JsonNamingPolicy.CamelCase) },
    };

    /// <summary>Adds the staff commands (<c>new</c>, <c>diff</c>, <c>check</c>, <c>publish</c>, <c>impact</c>, <c>solve</c>, <c>table</c>) to the <c>rulesets</c> command, with its <c>--root</c> option.</summary>
    public static void AddTo(Command rulesets, Option<string[]> roots)
    {
        rulesets.Subcommands.Add(New(roots));
        rulesets.Subcommands.Add(Diff(roots));
        rulesets.Subcommands.Add(RuleSetCheck.Build(roots));
        rulesets.Subcommands.Add(RuleSetPublish.Build(roots));
        rulesets.Subcommands.Add(RuleSetImpact.Build(roots));
        rulesets.Subcommands.Add(RuleSetSolve.Build(roots));
        rulesets.Subcommands.Add(RuleSetTable.Command(roots));
    }

    private static Command New(Option<string[]> roots)
    {
        var insurer = new Option<string>("--insurer") { Description = "The layer's owner: a city or prefecture id (amagasaki, hyogo) or national.", Required = true };
        var from = new Option<int>("--from") { Description = "The fiscal year copied (its published version; a capability with drafts only: its newest draft).", Required = true };
        var to = new Option<int>("--to") { Description = "The fiscal year of the draft (after --from).", Required = true };
        var capabilities = new Option<string[]>("--capability") { Description = "Only these capabilities (repeatable; default: every capability the owner has in --from).", AllowMultipleArgumentsPerToken = true };
        var output = new Option<string>("--out") { Description = "The rule-set root to write the draft into (default: the root the copied layer is in)." };
        var command = new Command("new", "次年度の下書き (next year's draft): copy every capability's layer of a fiscal year as a draft of a later year — version <year>.1, fiscal year and effective period moved, "
                                         + "every value confirmed: false with a toConfirm note, dates of the year moved — written beside and renamed; never overwrites a folder. " + ExitCodes.Help);
        foreach (var o in new Option[] { insurer, from, to, capabilities, roots, output }) command.Options.Add(o);
        command.SetAction(parse => NewDraft(parse.GetValue(insurer)!, parse.GetValue(from), parse.GetValue(to), parse.GetValue(capabilities) ?? [], CliOptions.RootsOf(parse, roots),
            parse.GetValue(output), parse.InvocationConfiguration.Output, parse.InvocationConfiguration.Error));
        return command;
    }

    private static Command Diff(Option<string[]> roots)
    {
        var a = new Argument<string>("old") { Description = "The rule set compared from: insurer/year[@version], e.g. amagasaki/2025 (default version: the one a call today gets; drafts only: the newest)." };
        var b = new Argument<string>("new") { Description = "The rule set compared to, likewise, e.g. amagasaki/2026@2026.1." };
        var capability = new Option<string>("--capability") { Description = "The capability compared.", DefaultValueFactory = _ => "premium" };
        var json = new Option<bool>("--json") { Description = "The comparison as JSON, for machines." };
        var command = new Command("diff", "比較 (compare): every parameter whose value, reference or confirmation differs, those added or removed, and every changed rule of the decisions. " + ExitCodes.Help);
        command.Arguments.Add(a);
        command.Arguments.Add(b);
        foreach (var o in new Option[] { capability, json, roots }) command.Options.Add(o);
        command.SetAction(parse => Compare(parse.GetValue(a)!, parse.GetValue(b)!, parse.GetValue(capability)!, CliOptions.RootsOf(parse, roots), parse.GetValue(json),
            parse.InvocationConfiguration.Output, parse.InvocationConfiguration.Error));
        return command;
    }

    /// <summary>
    /// <c>kokuho rulesets new</c>: the draft of every (or each named) capability layer of <paramref name="owner"/> for
    /// <paramref name="toYear"/>, copied from <paramref name="fromYear"/> (<see cref="RuleSetDraft"/>). Returns the exit code.
    /// </summary>
    public static int NewDraft(string owner, int fromYear, int toYear, IReadOnlyList<string> capabilities, IReadOnlyList<string> roots, string? outRoot, TextWriter output, TextWriter error)
    {
        if (toYear <= fromYear)
        {
            error.WriteLine($"--to {toYear} must be a fiscal year after --from {fromYear}");
            return ExitCodes.Usage;
        }
        var scan = KokuhoRuleSets.Scan(roots);
        var layers = scan.Layers.Where(l => l.OwnerId == owner && l.Manifest.FiscalYear == fromYear).ToArray();
        var refused = scan.Failures.Where(f => f.Insurer == owner && f.FiscalYear == fromYear && (capabilities.Count == 0 || capabilities.Contains(f.Capability)) && !layers.Any(l => l.Capability == f.Capability)).ToArray();
        if (refused.Length > 0)
        {
            error.WriteLine($"{refused[0].RuleSet} is refused by validation and cannot be copied: see 'kokuho rulesets validate'");
            return ExitCodes.Refused;
        }
        var known = layers.Select(l => l.Capability).Distinct().Order(StringComparer.Ordinal).ToArray();
        if (known.Length == 0)
        {
            error.WriteLine($"there is no layer {owner}/{fromYear} under {string.Join(", ", roots)}");
            return ExitCodes.Usage;
        }
        if (capabilities.FirstOrDefault(c => !known.Contains(c)) is { } unknown)
        {
            error.WriteLine($"{owner}/{fromYear} has no capability '{unknown}' (it has: {string.Join(", ", known)})");
            return ExitCodes.Usage;
        }
        var chosen = (capabilities.Count > 0 ? capabilities.Distinct() : known).Select(c => Copied(layers.Where(l => l.Capability == c))).ToArray();
        var targetRoot = outRoot ?? RootOf(chosen[0]);
        foreach (var layer in chosen)
        {
            var target = Path.Combine(targetRoot, owner, toYear.ToString(CultureInfo.InvariantCulture), layer.Capability);
            if (Directory.Exists(target))
            {
                error.WriteLine($"{target} already exists: 'rulesets new' never overwrites a folder (remove it, or write elsewhere with --out)");
                return ExitCodes.Refused;
            }
        }
        var written = RuleSetDraft.Write(targetRoot, owner, toYear, chosen.Select(l => (l.Capability, RuleSetDraft.Files(l, toYear))).ToArray());
        for (var i = 0; i < chosen.Length; i++)
            output.WriteLine($"written  {written[i]}  draft {RuleSetDraft.FirstVersion(toYear)}  from {chosen[i].DisplayPath} {chosen[i].Version} ({chosen[i].Manifest.Status.ToString().ToLowerInvariant()})");
        output.WriteLine("every value is confirmed: false with a toConfirm note; check the draft with 'kokuho rulesets validate', compare it with 'kokuho rulesets diff'");
        return ExitCodes.Done;
    }

    /// <summary>The layer a draft is copied from: the newest published version, else (drafts only) the newest draft.</summary>
    private static RuleSetLayer Copied(IEnumerable<RuleSetLayer> versions)
    {
        var ordered = versions.OrderBy(l => l.Version, VersionComparer.Instance).ToArray();
        return ordered.LastOrDefault(l => l.Manifest.Status == RuleSetStatus.Published) ?? ordered[^1];
    }

    /// <summary>The root folder a layer was read from (<c>&lt;root&gt;/&lt;owner&gt;/&lt;year&gt;/&lt;capability&gt;</c>).</summary>
    private static string RootOf(RuleSetLayer layer) => Path.GetFullPath(Path.Combine(layer.Folder, "..", "..", ".."));

    /// <summary><c>kokuho rulesets diff</c>: compares two rule sets named <c>insurer/year[@version]</c>; returns the exit code.</summary>
    public static int Compare(string oldSpec, string newSpec, string capability, IReadOnlyList<string> roots, bool json, TextWriter output, TextWriter error)
    {
        var catalog = KokuhoRuleSets.Load(roots);
        if (catalog.Compilers.All(c => c.Capability != capability))
        {
            error.WriteLine($"there is no capability '{capability}' (capabilities: {string.Join(", ", catalog.Compilers.Select(c => c.Capability))})");
            return ExitCodes.Usage;
        }
        var sides = new CompiledRuleSet[2];
        foreach (var (spec, i) in new[] { (oldSpec, 0), (newSpec, 1) })
        {
            var (rs, code) = Resolve(catalog, spec, capability, error);
            if (rs is null) return code;
            sides[i] = rs;
        }
        var comparison = RuleSetComparison.Compare(sides[0], sides[1], KokuhoRuleSets.ParameterLabels(capability));
        if (json) output.WriteLine(JsonSerializer.Serialize(comparison, JsonOptions));
        else WriteText(comparison, output);
        return ExitCodes.Done;
    }

    /// <summary>Reads <c>insurer/year[@version]</c> and finds the rule set it names, or writes one line saying why not.</summary>
    internal static (CompiledRuleSet? RuleSet, int ExitCode) Resolve(RuleSetCatalog catalog, string spec, string capability, TextWriter error)
    {
        if (RuleSetSpec.Parse(spec) is not { } named)
        {
            error.WriteLine($"'{spec}' is not a rule set: write insurer/year or insurer/year@version, e.g. amagasaki/2025 or amagasaki/2026@2026.1");
            return (null, ExitCodes.Usage);
        }
        var (rs, refusal) = catalog.ResolveShown(capability, named.Insurer, named.FiscalYear, named.Version);
        var insurerYear = (named with { Version = null }).ToString();
        if (rs is not null) return (rs, ExitCodes.Done);
        if (refusal!.Kind == RuleSetRefusalKind.RefusedAtStartUp)
        {
            error.WriteLine($"{insurerYear} ({capability}) is refused by validation: see 'kokuho rulesets validate'");
            return (null, ExitCodes.Refused);
        }
        var versions = catalog.Versions(capability, named.Insurer, named.FiscalYear);
        error.WriteLine(versions.Count > 0
            ? $"{insurerYear} ({capability}) has no version {named.Version} (versions: {string.Join(", ", versions.Select(v => v.Version))})"
            : $"there is no rule set {insurerYear} ({capability}) under {string.Join(", ", catalog.Roots)} (rule sets: {string.Join(", ", catalog.RuleSets.Where(r => r.Capability == capability).Select(r => $"{r.Insurer.Id}/{r.FiscalYear}").Distinct())})");
        return (null, ExitCodes.Usage);
    }

    /// <summary>The comparison for staff: Japanese first, the English key beside; one block per parameter and per rule.</summary>
    private static void WriteText(RuleSetComparison c, TextWriter o)
    {
        string Name(RuleSetStamp s) => $"{s.Insurer}/{s.FiscalYear} {s.Capability} 版 {s.Version} ({s.Status})";
        o.WriteLine($"比較 (diff): {Name(c.Old)} → {Name(c.New)}");
        o.WriteLine($"  旧 (old) {c.Old.Hash}");
        o.WriteLine($"  新 (new) {c.New.Hash}");
        if (!c.Any)
        {
            o.WriteLine("違いなし (no differences)");
            return;
        }
        foreach (var (kind, title) in new[] { (ChangeKind.Changed, "変更したパラメータ (changed parameters)"), (ChangeKind.Added, "追加したパラメータ (added parameters)"), (ChangeKind.Removed, "削除したパラメータ (removed parameters)") })
        {
            var changes = c.Parameters.Where(p => p.Kind == kind).ToArray();
            o.WriteLine();
            o.WriteLine($"{title}: {changes.Length}");
            foreach (var p in changes) WriteParameter(p, o);
        }
        foreach (var (kind, title) in new[] { (ChangeKind.Changed, "変更したルール (changed rules)"), (ChangeKind.Added, "追加したルール (added rules)"), (ChangeKind.Removed, "削除したルール (removed rules)") })
        {
            var changes = c.Rules.Where(r => r.Kind == kind).ToArray();
            o.WriteLine();
            o.WriteLine($"{title}: {changes.Length}");
            foreach (var r in changes) WriteRule(r, o);
        }
    }

    private static void WriteParameter(ParameterChange p, TextWriter o)
    {
        o.WriteLine($"  {(p.Label is null ? "" : p.Label + "  ")}{p.Path}");
        o.WriteLine($"    値 (value):          {Pair(p.Old?.Value, p.New?.Value, p.ValueChanged)}");
        o.WriteLine($"    出典 (reference):    {Pair(p.Old?.Reference, p.New?.Reference, p.ReferenceChanged)}");
        o.WriteLine($"    確認 (confirmed):    {Pair(Bool(p.Old?.Confirmed), Bool(p.New?.Confirmed), p.ConfirmedChanged)}");
        o.WriteLine($"    ファイル (file):     {Pair(At(p.Old?.File, p.Old?.Line), At(p.New?.File, p.New?.Line), changed: true)}");
    }

    private static void WriteRule(RuleChange r, TextWriter o)
    {
        o.WriteLine($"  {r.Workflow} / {r.Rule}");
        o.WriteLine($"    式 (expression):     {Pair(r.Old?.Expression, r.New?.Expression, r.ExpressionChanged)}");
        o.WriteLine($"    結果 (outcome):      {Pair(r.Old?.Outcome, r.New?.Outcome, r.Old?.Outcome != r.New?.Outcome)}");
        o.WriteLine($"    出典 (reference):    {Pair(r.Old?.Reference, r.New?.Reference, r.Old?.Reference != r.New?.Reference)}");
        o.WriteLine($"    ファイル (file):     {Pair(At(r.Old?.File, r.Old?.Line), At(r.New?.File, r.New?.Line), changed: true)}");
    }

    private static string Pair(string? old, string? @new, bool changed) =>
        old is null ? $"(なし none) → {@new}" : @new is null ? $"{old} → (なし none)" : changed ? $"{old} → {@new}" : $"{old} (同じ same)";

    private static string? Bool(bool? b) => b is null ? null : b.Value ? "true" : "false";

    private static string? At(string? file, int? line) => file is null ? null : line > 0 ? $"{file}:{line}" : file;
}
