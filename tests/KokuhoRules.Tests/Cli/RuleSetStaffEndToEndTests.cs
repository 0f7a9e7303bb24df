using System.Text.Json.Nodes;
using KokuhoRules.Tests.Support;

namespace KokuhoRules.Tests.Cli;

/// <summary>
/// Issue 16 end to end on the command line, as policy staff would run it from the FY2025 rule sets alone: draft FY2026
/// (<c>rulesets new</c>), compare it, try it on a population (<c>impact</c>: the draft raises less than FY2025), solve its
/// rates so that it raises what FY2025 raised (<c>solve --write-draft</c>), compare and try again (the batch with the solved
/// rates gives the totals the solver reported), check it, and publish the national and the city layers (<c>publish</c>):
/// the rule set then loads as published, and a later edit of a published file is refused at load.
/// </summary>
public sealed class RuleSetStaffEndToEndTests : IDisposable
{
    private readonly TempRuleSetRoot _root = new();
    private readonly DirectoryInfo _work = Directory.CreateTempSubdirectory("kokuho-staff-e2e-");

    public RuleSetStaffEndToEndTests()
    {
        // Only what a city has before the spring: FY2025 and earlier.
        foreach (var owner in new[] { "national", "hyogo", "amagasaki" })
            if (Directory.Exists(_root.PathOf($"{owner}/2026"))) Directory.Delete(_root.PathOf($"{owner}/2026"), recursive: true);
    }

    public void Dispose()
    {
        _root.Dispose();
        _work.Delete(recursive: true);
    }

    private string Work(string name) => Path.Combine(_work.FullName, name);

    private CliRun Run(params string[] args)
    {
        var run = CliRun.Command([.. args, "--root", _root.Root]);
        Assert.True(run.ExitCode == 0, $"kokuho {string.Join(' ', args)}\n{run}");
        return run;
    }

    /// <summary>The medical 所得割率's entry in <c>rulesets diff amagasaki/2025 amagasaki/2026 --json</c>.</summary>
    private JsonNode IncomeRateDiff() => JsonNode.Parse(Run("rulesets", "diff", "amagasaki/2025", "amagasaki/2026", "--json").Output)!["parameters"]!.AsArray()
        .Single(p => p!["path"]!.GetValue<string>() == "rates.medical.incomeRate")!;

    private static JsonArray Components(CliRun run) => JsonNode.Parse(run.Output)!["components"]!.AsArray();

    [Fact]
    public void From_fy2025_staff_draft_compare_try_solve_check_and_publish_fy2026()
    {
        foreach (var owner in new[] { "national", "hyogo", "amagasaki" }) Run("rulesets", "new", "--insurer", owner, "--from", "2025", "--to", "2026");
        Assert.Equal(0, CliRun.Command("generate", "--insured", "3000", "--seed", "7", "--fiscal-year", "2026", "--out", Work("population.jsonl")).ExitCode);

        // The copied draft: its values are FY2025's, each to be confirmed again.
        var copied = IncomeRateDiff();
        Assert.Equal((false, true), (copied["valueChanged"]!.GetValue<bool>(), copied["confirmedChanged"]!.GetValue<bool>()));

        // 試算: the draft raises something; the target per component is what FY2025 raised from the same population.
        string[] impact = ["rulesets", "impact", "--insurer", "amagasaki", "--base", "2025", "--draft", "2026", "--in", Work("population.jsonl"), "--json", "--audit-log", Work("audit.jsonl")];
        var before = Components(Run(impact));
        var targets = new JsonObject
        {
            ["rounding"] = new JsonObject { ["incomeRate"] = 0.0001, ["perCapita"] = new JsonObject { ["unitYen"] = 100, ["mode"] = "floor" } },
            ["components"] = new JsonObject(before.Select(c => KeyValuePair.Create(c!["name"]!.GetValue<string>(), (JsonNode?)new JsonObject
            {
                ["amount"] = c["base"]!.GetValue<long>(), ["incomeShare"] = 0.5, ["perCapitaShare"] = c["name"]!.GetValue<string>() == "care" ? 1 : 0.6,
            }))),
        };
        File.WriteAllText(Work("targets.json"), targets.ToJsonString());

        // 適正算定, written into the draft.
        var solved = Components(Run("rulesets", "solve", "--insurer", "amagasaki", "--year", "2026", "--in", Work("population.jsonl"), "--targets", Work("targets.json"),
            "--write-draft", "--out", Work("solved.json"), "--json", "--audit-log", Work("audit.jsonl")));
        Assert.Equal(before.Count, solved.Count);

        // The diff now shows the solved rates; the batch with them raises exactly what the solver reported, near FY2025's levy.
        var rate = IncomeRateDiff();
        Assert.True(rate["valueChanged"]!.GetValue<bool>());
        Assert.Equal(solved.Single(c => c!["name"]!.GetValue<string>() == "medical")!["incomeRate"]!.GetValue<decimal>(), decimal.Parse(rate["new"]!["value"]!.GetValue<string>(), System.Globalization.CultureInfo.InvariantCulture));
        var after = Components(Run(impact));
        foreach (var s in solved)
        {
            var name = s!["name"]!.GetValue<string>();
            var a = after.Single(c => c!["name"]!.GetValue<string>() == name)!;
            Assert.Equal(s["raised"]!.GetValue<long>(), a["draft"]!.GetValue<long>());
            Assert.Equal(s["target"]!.GetValue<long>(), a["base"]!.GetValue<long>());
            Assert.True(Math.Abs(a["draft"]!.GetValue<long>() - a["base"]!.GetValue<long>()) < a["base"]!.GetValue<long>() / 100, $"{name}: {a}");
        }

        // The testers' check, then the gate: national first (the city builds on it), then the city, each value waived with a reason.
        Assert.Contains("all 11 invariants hold", Run("rulesets", "check", "amagasaki/2026").Output);
        Assert.Contains("refused [upper-layer]", CliRun.Command("rulesets", "publish", "amagasaki/2026", "--by", "staff-e2e", "--root", _root.Root,
            "--waivers", RuleSetPublishDbTests.WaiversFor(_root, "amagasaki/2026/premium"), "--audit-log", Work("audit.jsonl")).Error);
        Run("rulesets", "publish", "national/2026", "--by", "staff-e2e", "--waivers", RuleSetPublishDbTests.WaiversFor(_root, "national/2026/premium"), "--audit-log", Work("audit.jsonl"));
        Run("rulesets", "publish", "amagasaki/2026", "--by", "staff-e2e", "--waivers", RuleSetPublishDbTests.WaiversFor(_root, "amagasaki/2026/premium"), "--audit-log", Work("audit.jsonl"));

        var catalog = Rules.Catalog.KokuhoRuleSets.Load([_root.Root]);
        var published = catalog.RuleSets.Single(r => r.Capability == "premium" && r.Insurer.Id == "amagasaki" && r.FiscalYear == 2026);
        Assert.Equal(KokuhoRules.Engine.RuleSets.RuleSetStatus.Published, published.Status);
        Assert.Equal(5, File.ReadAllLines(Work("audit.jsonl")).Length); // impact twice, solve, two publications

        // A published rule set cannot change underneath the service: an edit of its file is refused at load.
        var medical = solved.Single(c => c!["name"]!.GetValue<string>() == "medical")!["perCapita"]!.GetValue<long>();
        _root.ReplaceOnce("amagasaki/2026/premium/parameters.json", $"\"value\": {medical}", $"\"value\": {medical + 100}");
        Assert.DoesNotContain(Rules.Catalog.KokuhoRuleSets.Load([_root.Root]).RuleSets, r => r.Capability == "premium" && r.Insurer.Id == "amagasaki" && r.FiscalYear == 2026);
    }
}
