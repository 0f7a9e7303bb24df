using System.Text.Json.Nodes;
using KokuhoRules.Tests.Support;

namespace KokuhoRules.Tests.Cli;

/// <summary>
/// <c>kokuho rulesets diff</c>: every parameter and rule that differs between two rule sets. The expected differences are
/// read from the rule-set files here, by a walk of their JSON of the test's own, not from the command's output.
/// </summary>
public sealed class RuleSetDiffCommandTests
{
    /// <summary>A parameter as the files write it: value, reference, confirmed.</summary>
    private sealed record Leaf(JsonNode? Value, string Reference, bool Confirmed);

    /// <summary>Every parameter of the layers' parameter files by path (a lower layer's leaf replaces the upper one's).</summary>
    private static Dictionary<string, Leaf> Leaves(params string[] layerFolders)
    {
        var leaves = new Dictionary<string, Leaf>();
        void Walk(JsonNode? node, string path)
        {
            if (node is not JsonObject obj) return;
            if (obj.ContainsKey("value") && obj.ContainsKey("reference"))
            {
                leaves[path] = new Leaf(obj["value"], (string)obj["reference"]!, obj["confirmed"] is not { } c || (bool)c);
                return;
            }
            foreach (var (key, child) in obj)
                if (!key.StartsWith('$')) Walk(child, path.Length == 0 ? key : path + "." + key);
        }
        foreach (var folder in layerFolders) Walk(JsonNode.Parse(File.ReadAllText(Path.Combine(folder, "parameters.json"))), "");
        return leaves;
    }

    /// <summary>Every rule of the workflow files by (workflow, rule name): expression, outcome and reference (a later file's workflow replaces an earlier one's).</summary>
    private static Dictionary<(string, string), (string? Expression, string Outcome, string? Reference)> Rules(params string[] layerFolders)
    {
        var workflows = new Dictionary<string, JsonArray>();
        foreach (var folder in layerFolders.Where(f => File.Exists(Path.Combine(f, "workflows.json"))))
            foreach (var w in JsonNode.Parse(File.ReadAllText(Path.Combine(folder, "workflows.json")))!.AsArray())
                workflows[(string)w!["WorkflowName"]!] = w["Rules"]!.AsArray();
        return workflows.SelectMany(w => w.Value.Select(r => (Key: (w.Key, (string)r!["RuleName"]!), Value: ((string?)r["Expression"], (string)r["SuccessEvent"]!, (string?)r["Properties"]?["reference"]))))
            .ToDictionary(x => x.Key, x => x.Value);
    }

    private static (string[] Changed, string[] Added, string[] Removed) Expected(Dictionary<string, Leaf> old, Dictionary<string, Leaf> @new) =>
        (old.Keys.Intersect(@new.Keys).Where(k => !JsonNode.DeepEquals(old[k].Value, @new[k].Value) || old[k].Reference != @new[k].Reference || old[k].Confirmed != @new[k].Confirmed).Order().ToArray(),
         @new.Keys.Except(old.Keys).Order().ToArray(),
         old.Keys.Except(@new.Keys).Order().ToArray());

    private static string Layer(string root, string path) => Path.Combine(root, path.Replace('/', Path.DirectorySeparatorChar));

    private static string[] PathsOf(JsonNode diff, string list, string kind, string key = "path") =>
        diff[list]!.AsArray().Where(p => (string)p!["kind"]! == kind).Select(p => (string)p![key]!).Order().ToArray();

    [Fact]
    public void The_2025_rule_set_against_the_2026_draft_lists_exactly_the_changes_in_the_files()
    {
        var root = TestRuleSets.BundledRoot;
        var old = Leaves(Layer(root, "national/2025/premium"), Layer(root, "amagasaki/2025/premium"));
        var @new = Leaves(Layer(root, "national/2026/premium"), Layer(root, "amagasaki/2026/premium"));
        var (changed, added, removed) = Expected(old, @new);
        Assert.NotEmpty(changed);
        Assert.NotEmpty(added); // the 子ども・子育て支援納付金分 of FY2026

        var run = CliRun.Command("rulesets", "diff", "amagasaki/2025", "amagasaki/2026", "--json");

        Assert.True(run.ExitCode == 0, run.ToString());
        var diff = JsonNode.Parse(run.Output)!;
        Assert.Equal("2025.1", (string)diff["old"]!["version"]!);
        Assert.Equal("published", (string)diff["old"]!["status"]!);
        Assert.Equal("2026.1", (string)diff["new"]!["version"]!);
        Assert.Equal("draft", (string)diff["new"]!["status"]!);
        Assert.Equal(changed, PathsOf(diff, "parameters", "changed"));
        Assert.Equal(added, PathsOf(diff, "parameters", "added"));
        Assert.Equal(removed, PathsOf(diff, "parameters", "removed"));
        foreach (var p in diff["parameters"]!.AsArray().Where(p => (string)p!["kind"]! == "changed"))
        {
            var path = (string)p!["path"]!;
            Assert.True(JsonNode.DeepEquals(old[path].Value, JsonNode.Parse((string)p["old"]!["value"]!)), path);
            Assert.True(JsonNode.DeepEquals(@new[path].Value, JsonNode.Parse((string)p["new"]!["value"]!)), path);
            Assert.Equal(old[path].Reference, (string)p["old"]!["reference"]!);
            Assert.Equal(@new[path].Reference, (string)p["new"]!["reference"]!);
            Assert.Equal(old[path].Confirmed, (bool)p["old"]!["confirmed"]!);
            Assert.Equal(@new[path].Confirmed, (bool)p["new"]!["confirmed"]!);
        }

        var oldRules = Rules(Layer(root, "national/2025/premium"), Layer(root, "amagasaki/2025/premium"));
        var newRules = Rules(Layer(root, "national/2026/premium"), Layer(root, "amagasaki/2026/premium"));
        string[] Named(IEnumerable<(string W, string R)> keys) => keys.Select(k => $"{k.W} / {k.R}").Order().ToArray();
        string[] Listed(string kind) => diff["rules"]!.AsArray().Where(r => (string)r!["kind"]! == kind).Select(r => $"{r!["workflow"]} / {r["rule"]}").Order().ToArray();
        Assert.Equal(Named(newRules.Keys.Except(oldRules.Keys)), Listed("added"));
        Assert.Equal(Named(oldRules.Keys.Except(newRules.Keys)), Listed("removed"));
        Assert.Equal(Named(oldRules.Keys.Intersect(newRules.Keys).Where(k => oldRules[k] != newRules[k])), Listed("changed"));
        Assert.NotEmpty(Listed("added")); // FY2026's Liability.child and PerCapitaWaiver.child
    }

    [Fact]
    public void The_text_for_staff_puts_the_Japanese_name_beside_the_key_and_each_old_and_new_value()
    {
        var root = TestRuleSets.BundledRoot;
        var old = Leaves(Layer(root, "national/2025/premium"));
        var @new = Leaves(Layer(root, "national/2026/premium"));
        const string path = "components.medical.nationalCap";
        Assert.NotEqual(old[path].Value!.ToJsonString(), @new[path].Value!.ToJsonString());

        var run = CliRun.Command("rulesets", "diff", "amagasaki/2025", "amagasaki/2026@2026.1");

        Assert.True(run.ExitCode == 0, run.ToString());
        var lines = run.Output.Split('\n');
        Assert.StartsWith("比較 (diff): amagasaki/2025 premium 版 2025.1 (published) → amagasaki/2026 premium 版 2026.1 (draft)", lines[0]);
        var at = Array.FindIndex(lines, l => l.Trim() == $"賦課限度額 (国の上限)  {path}");
        Assert.True(at > 0, run.Output);
        Assert.Equal($"値 (value):          {old[path].Value!.ToJsonString()} → {@new[path].Value!.ToJsonString()}", lines[at + 1].Trim());
        Assert.Equal($"出典 (reference):    {old[path].Reference} → {@new[path].Reference}", lines[at + 2].Trim());
        Assert.Contains(lines, l => l.StartsWith("追加したルール (added rules): ", StringComparison.Ordinal));
    }

    [Fact]
    public void One_city_against_another_lists_the_city_values_that_differ_and_nothing_of_their_shared_national_layer()
    {
        var old = Leaves(Layer(TestRuleSets.BundledRoot, "amagasaki/2025/premium"));
        var @new = Leaves(Layer(TestRuleSets.TestDataRoot, "niiza/2025/premium"));
        var (changed, added, removed) = Expected(old, @new);

        var run = CliRun.Command("rulesets", "diff", "amagasaki/2025", "niiza/2025", "--json", "--root", TestRuleSets.BundledRoot, "--root", TestRuleSets.TestDataRoot);

        Assert.True(run.ExitCode == 0, run.ToString());
        var diff = JsonNode.Parse(run.Output)!;
        Assert.Equal("niiza", (string)diff["new"]!["insurer"]!);
        Assert.NotEmpty(changed);
        Assert.Equal(changed, PathsOf(diff, "parameters", "changed"));
        Assert.Equal(added, PathsOf(diff, "parameters", "added"));
        Assert.Equal(removed, PathsOf(diff, "parameters", "removed"));
        Assert.Empty(diff["rules"]!.AsArray());
    }

    [Fact]
    public void Two_draft_versions_of_one_year_compare_as_pinned_and_unpinned_gets_the_newest()
    {
        using var root = new TempRuleSetRoot();
        const string draft = "amagasaki/2024/premium@2024.2"; // amagasaki/2024 is a draft, 2024.1
        root.CopyLayer("amagasaki/2024/premium", draft);
        root.EditManifest(draft, m => m["version"] = "2024.2");
        root.EditJson(draft + "/parameters.json", p => p["rates"]!["medical"]!["cap"]!["value"] = 600000);
        var before = Leaves(root.PathOf("amagasaki/2024/premium"));

        var pinned = CliRun.Command("rulesets", "diff", "amagasaki/2024@2024.1", "amagasaki/2024@2024.2", "--json", "--root", root.Root);
        var unpinned = CliRun.Command("rulesets", "diff", "amagasaki/2024@2024.1", "amagasaki/2024", "--json", "--root", root.Root);

        Assert.True(pinned.ExitCode == 0, pinned.ToString());
        Assert.Equal(pinned.Output, unpinned.Output);
        var diff = JsonNode.Parse(pinned.Output)!;
        Assert.Equal("2024.1", (string)diff["old"]!["version"]!);
        Assert.Equal("2024.2", (string)diff["new"]!["version"]!);
        var change = Assert.Single(diff["parameters"]!.AsArray())!;
        Assert.Equal("rates.medical.cap", (string)change["path"]!);
        Assert.Equal("賦課限度額", (string)change["label"]!);
        Assert.Equal(before["rates.medical.cap"].Value!.ToJsonString(), (string)change["old"]!["value"]!);
        Assert.Equal("600000", (string)change["new"]!["value"]!);
        Assert.True((bool)change["valueChanged"]!);
        Assert.False((bool)change["referenceChanged"]!);
        // The catalog's look-up gate (also GET /v1/rulesets/{insurer}/{fiscalYear}?version=) shows the draft pinned, not the newest.
        var catalog = KokuhoRules.Rules.Catalog.KokuhoRuleSets.Load([root.Root]);
        Assert.Equal("2024.1", catalog.ResolveShown("premium", "amagasaki", 2024, "2024.1").RuleSet!.Version);
        Assert.Equal("2024.2", catalog.ResolveShown("premium", "amagasaki", 2024, null).RuleSet!.Version);
    }

    [Theory]
    [InlineData("nowhere/2025", "there is no rule set nowhere/2025 (premium)")]
    [InlineData("amagasaki/2031", "there is no rule set amagasaki/2031 (premium)")]
    [InlineData("amagasaki/2025@2025.9", "amagasaki/2025 (premium) has no version 2025.9 (versions: 2025.1)")]
    [InlineData("amagasaki-2025", "'amagasaki-2025' is not a rule set: write insurer/year or insurer/year@version")]
    public void An_unknown_rule_set_gets_one_line_and_exit_code_2(string spec, string message)
    {
        var run = CliRun.Command("rulesets", "diff", "amagasaki/2025", spec);

        Assert.Equal(2, run.ExitCode);
        Assert.Equal("", run.Output);
        Assert.StartsWith(message, Assert.Single(run.Error.Split('\n', StringSplitOptions.RemoveEmptyEntries)));
    }

    [Fact]
    public void A_missing_argument_names_the_whole_command_for_help()
    {
        var run = CliRun.Command("rulesets", "diff", "amagasaki/2025");

        Assert.Equal(2, run.ExitCode);
        Assert.Equal("(see kokuho rulesets diff --help)", run.Error.Split('\n', StringSplitOptions.RemoveEmptyEntries)[^1].Trim());
    }

    [Fact]
    public void A_rule_set_refused_by_validation_gets_one_line_and_exit_code_1()
    {
        using var root = new TempRuleSetRoot();
        root.ReplaceOnce("amagasaki/2025/premium/parameters.json", "\"value\": 0.0804", "\"value\": \"high\"");

        var run = CliRun.Command("rulesets", "diff", "amagasaki/2024", "amagasaki/2025", "--root", root.Root);

        Assert.Equal(1, run.ExitCode);
        Assert.Equal("amagasaki/2025 (premium) is refused by validation: see 'kokuho rulesets validate'", run.Error.Trim());
    }
}
