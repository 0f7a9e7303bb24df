using System.Text.Json;
using System.Text.RegularExpressions;
using KokuhoRules.Engine.RuleSets;
using KokuhoRules.Tests.Support;

namespace KokuhoRules.Tests.Cli;

/// <summary>
/// <c>kokuho rulesets validate</c>: every rule set under the roots is loaded and compiled; each refused
/// one is printed with every error as <c>file:line: $.json.path: message</c>, and the exit code is 1.
/// </summary>
public sealed class ValidateCommandTests
{
    private const string NationalWorkflows = "national/2025/premium/workflows.json";

    [Fact]
    public void The_bundled_rule_sets_validate()
    {
        var run = CliRun.Validate(TestRuleSets.BundledRoot);

        Assert.True(run.ExitCode == 0, run.ToString());
        Assert.Equal("", run.Error);
        Assert.Contains(run.OutputLines, l => Regex.IsMatch(l, @"^ok\s+amagasaki/2024\s+version 2024\.1\s+draft\s+sha256:[0-9a-f]{64}\b"));
        var published = Assert.Single(run.OutputLines, l => Regex.IsMatch(l, @"^ok\s+amagasaki/2025\s+version 2025\.1\s+published\s+sha256:[0-9a-f]{64}\s+premium\b"));
        var withholding = Assert.Single(run.OutputLines, l => Regex.IsMatch(l, @"^ok\s+amagasaki/2025\s+version 2025\.1\s+published\s+sha256:[0-9a-f]{64}\s+withholding\b"));
        Assert.Contains(ContentHash.Combine(
            ContentHash.OfFolder(Path.Combine(TestRuleSets.BundledRoot, "national", "2025", "withholding")),
            ContentHash.OfFolder(Path.Combine(TestRuleSets.BundledRoot, "amagasaki", "2025", "withholding"))), withholding);

        // The hash printed identifies both layers as they are on disk.
        var expected = ContentHash.Combine(
            ContentHash.OfFolder(Path.Combine(TestRuleSets.BundledRoot, "national", "2025", "premium")),
            ContentHash.OfFolder(Path.Combine(TestRuleSets.BundledRoot, "amagasaki", "2025", "premium")));
        Assert.Contains(expected, published);
    }

    [Fact]
    public void An_expression_naming_an_unknown_parameter_is_reported_with_file_line_and_json_path()
    {
        using var root = new TempRuleSetRoot();
        const string original = "m.ageOnPriorDecember31 >= p.reduction.elderlyPensionAge && m.pensionIncome > 0";
        root.ReplaceOnce(NationalWorkflows, original, "m.ageOnPriorDecember31 >= p.reduction.nope && m.pensionIncome > 0");
        // Sealed again (as after 'hash --write'), so that the loader accepts the layer and the compiler reads the expression.
        Assert.Equal(0, CliRun.Hash(root.PathOf("national/2025/premium"), write: true).ExitCode);
        var line = root.LineContaining(NationalWorkflows, "p.reduction.nope");
        var (workflow, rule) = RuleIndex(root.PathOf(NationalWorkflows), "ElderlyPensionDeduction", "p.reduction.nope");

        var run = CliRun.Validate(root.Root);

        Assert.True(run.ExitCode == 1, run.ToString());
        Assert.Contains("REFUSED  amagasaki/2025", run.Error);
        var error = Assert.Single(run.Error.Split('\n'), l => l.Contains("p.reduction.nope", StringComparison.Ordinal)).Trim();
        Assert.StartsWith($"{NationalWorkflows}:{line}: $[{workflow}].Rules[{rule}].Expression: expression does not compile", error);
        Assert.Matches(@"workflows\.json:\d+: \$\[\d+\]\.Rules\[\d+\]\.Expression", error);
        Assert.Contains("nope", error[error.IndexOf("compile", StringComparison.Ordinal)..]);
        // Only the rule set on national/2025 is refused; amagasaki/2024 (national/2024) still validates.
        Assert.Contains(run.OutputLines, l => l.StartsWith("ok", StringComparison.Ordinal) && l.Contains("amagasaki/2024", StringComparison.Ordinal));
        Assert.DoesNotContain(run.OutputLines, l => l.Contains("amagasaki/2025", StringComparison.Ordinal) && Regex.IsMatch(l, @"\spremium(\s|$)"));
    }

    [Fact]
    public void An_unknown_parameter_key_is_reported_with_its_name_file_and_line()
    {
        using var root = new TempRuleSetRoot();
        const string parameters = "amagasaki/2025/premium/parameters.json";
        root.ReplaceOnce(parameters, "\"medical\": {\n", "\"medical\": {\n      \"discount\": { \"value\": 1000, \"reference\": \"none\" },\n");
        root.MakeDraft("amagasaki/2025/premium");
        var line = root.LineContaining(parameters, "\"discount\"");

        var run = CliRun.Validate(root.Root);

        Assert.True(run.ExitCode == 1, run.ToString());
        Assert.Contains("REFUSED  amagasaki/2025", run.Error);
        Assert.Contains($"{parameters}:{line}: $.rates.medical.discount: unknown parameter 'rates.medical.discount'", run.Error);
    }

    [Fact]
    public void A_cap_above_the_national_maximum_is_refused()
    {
        using var root = new TempRuleSetRoot();
        const string parameters = "amagasaki/2025/premium/parameters.json";
        root.ReplaceOnce(parameters, "\"value\": 170000", "\"value\": 170001"); // care cap; national maximum 170,000
        root.MakeDraft("amagasaki/2025/premium");

        var run = CliRun.Validate(root.Root);

        Assert.True(run.ExitCode == 1, run.ToString());
        Assert.Matches($@"{Regex.Escape(parameters)}:\d+: \$\.rates\.care\.cap: the cap 170,001 is above the national maximum 170,000", run.Error);
    }

    [Fact]
    public void Editing_a_published_layer_without_sealing_it_again_is_refused_naming_the_file_that_changed()
    {
        using var root = new TempRuleSetRoot();
        root.ReplaceOnce(NationalWorkflows, "p.reduction.elderlyPensionAge", "p.reduction.nope");

        var run = CliRun.Validate(root.Root);

        Assert.True(run.ExitCode == 1, run.ToString());
        Assert.Contains($"{NationalWorkflows}: $: this file no longer matches the hash sealed in manifest.json when the layer was published", run.Error);
        Assert.DoesNotContain("national/2025/premium/parameters.json", run.Error); // the unchanged file is not blamed
        // The layer is refused before its expressions are compiled, and the city layer on it says why it cannot be used.
        Assert.DoesNotContain("Expression", run.Error);
        Assert.Contains("amagasaki/2025/premium: $: its national layer national/2025/premium was refused", run.Error);
        Assert.DoesNotContain("there is no national layer", run.Error);
    }

    [Fact]
    public void A_file_added_to_or_removed_from_a_published_layer_is_named()
    {
        using var root = new TempRuleSetRoot();
        File.WriteAllText(root.PathOf("amagasaki/2025/premium/notes.md"), "# 追記\n");
        File.Delete(root.PathOf("national/2024/premium/workflows.json"));

        var run = CliRun.Validate(root.Root);

        Assert.True(run.ExitCode == 1, run.ToString());
        Assert.Contains("amagasaki/2025/premium/notes.md: $: this file was added after the layer was published", run.Error);
        Assert.Contains("national/2024/premium/workflows.json: $: this file was removed after the layer was published", run.Error);
    }

    [Fact]
    public void A_city_whose_national_layer_is_not_in_the_roots_read_is_told_to_name_the_bundled_root_too()
    {
        using var root = new TempRuleSetRoot();
        Directory.Delete(root.PathOf("national"), recursive: true);

        var run = CliRun.Validate(root.Root);

        Assert.True(run.ExitCode == 1, run.ToString());
        Assert.Contains("there is no national layer for fiscal year 2025 in the roots read", run.Error);
        Assert.Contains("The roots given replace the bundled rule sets: to add a city to them, name the bundled root too", run.Error);
    }

    [Fact]
    public void A_root_that_does_not_exist_fails()
    {
        var missing = Path.Combine(Path.GetTempPath(), "kokuho-missing-" + Guid.NewGuid().ToString("N"));

        var run = CliRun.Validate(missing);

        Assert.Equal(1, run.ExitCode);
        Assert.Contains("does not exist", run.Error);
    }

    [Fact]
    public void An_empty_root_fails()
    {
        var empty = Directory.CreateTempSubdirectory("kokuho-empty-");
        try
        {
            var run = CliRun.Validate(empty.FullName);
            Assert.Equal(1, run.ExitCode);
            Assert.Contains("no rule sets found", run.Error);
        }
        finally
        {
            empty.Delete(recursive: true);
        }
    }

    /// <summary>The index of a workflow in a workflows file and of the rule in it whose expression contains a fragment.</summary>
    private static (int Workflow, int Rule) RuleIndex(string file, string workflowName, string fragment)
    {
        using var doc = JsonDocument.Parse(File.ReadAllText(file));
        var workflows = doc.RootElement.EnumerateArray().ToArray();
        var w = Array.FindIndex(workflows, x => x.GetProperty("WorkflowName").GetString() == workflowName);
        Assert.True(w >= 0, $"no workflow {workflowName}");
        var rules = workflows[w].GetProperty("Rules").EnumerateArray().ToArray();
        var r = Array.FindIndex(rules, x => x.TryGetProperty("Expression", out var e) && e.GetString()!.Contains(fragment, StringComparison.Ordinal));
        Assert.True(r >= 0, $"no rule of {workflowName} with '{fragment}'");
        return (w, r);
    }
}
