using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using KokuhoRules.Engine.Audit;
using KokuhoRules.Tests.Support;
using Microsoft.AspNetCore.Hosting;

namespace KokuhoRules.Tests.Cli;

/// <summary>
/// <c>kokuho rulesets check</c>: the invariants against the bundled amagasaki/2025 (all hold, exit 0, audited) and against a
/// deliberately broken rule set (exit 1, with request bodies that the API, serving that rule set, answers with the violation).
/// </summary>
public sealed class RuleSetCheckCommandTests : IDisposable
{
    private readonly string _audit = Path.Combine(Path.GetTempPath(), $"kokuho-check-audit-{Guid.NewGuid():N}", "audit-log.jsonl");

    public void Dispose()
    {
        var folder = Path.GetDirectoryName(_audit)!;
        if (Directory.Exists(folder)) Directory.Delete(folder, recursive: true);
    }

    private IReadOnlyList<StoredAuditEntry> Audit()
    {
        using var store = new FileAuditStore(_audit);
        return store.ReadAll();
    }

    [Fact]
    public void Amagasaki_2025_holds_every_invariant_prints_a_line_per_invariant_and_the_seed_and_is_audited()
    {
        var run = CliRun.Command("rulesets", "check", "amagasaki/2025", "--seed", "12345", "--tests", "10", "--audit-log", _audit);
        Assert.True(run.ExitCode == 0, run.ToString());
        Assert.Contains("seed 12345, 10 cases per invariant", run.Output);
        var progress = run.OutputLines.Where(l => l.StartsWith('[')).ToArray();
        Assert.Equal(Rules.Checks.PremiumInvariants.All.Count, progress.Length);
        Assert.All(progress, l => Assert.Contains(" ok ", l));
        Assert.Contains("賦課限度額を超えない (caps hold)", run.Output);
        Assert.Contains($"all {progress.Length} invariants hold", run.Output);
        var entry = Assert.Single(Audit()).Entry;
        var rs = TestRuleSets.Amagasaki2025;
        Assert.Equal(("kokuho rulesets check", "ok", Environment.UserName), (entry.Path, entry.Outcome, entry.Holder));
        Assert.Equal(new AuditedRuleSet("amagasaki", 2025, rs.Version, rs.Hash), Assert.Single(entry.RuleSets));
        Assert.Contains("seed:12345", entry.Subjects);
    }

    [Fact]
    public void Json_gives_the_machine_form_of_the_same_run_as_the_text_with_the_same_seed()
    {
        string[] args = ["rulesets", "check", "amagasaki/2025", "--seed", "99", "--tests", "4", "--invariant", "caps-hold", "member-order", "--audit-log", _audit];
        var text = CliRun.Command(args);
        var json = CliRun.Command([.. args, "--json"]);
        Assert.True(json.ExitCode == 0, json.ToString());
        var doc = JsonNode.Parse(json.Output)!;
        Assert.Equal(99UL, (ulong)doc["seed"]!);
        var invariants = doc["invariants"]!.AsArray();
        Assert.Equal(["caps-hold", "member-order"], invariants.Select(i => (string)i!["id"]!));
        Assert.All(invariants, i => Assert.Equal(4, (int)i!["cases"]!));
        Assert.Equal(invariants.Select(i => $"ok    {i!["id"]}  {i["nameJa"]} ({i["nameEn"]}) — 4 cases"), text.OutputLines.Where(l => l.StartsWith('[')).Select(l => l[(l.IndexOf(']') + 2)..]));
        Assert.Equal((string)doc["ruleSet"]!["hash"]!, TestRuleSets.Amagasaki2025.Hash);
        Assert.Equal(2, Audit().Count);
    }

    [Theory]
    [InlineData("amagasaki/2025", "--capability", "nosuch")]
    [InlineData("amagasaki/2025", "--capability", "highCost")]
    [InlineData("hyogo/2025", "--capability", "highCost", "--invariant", "caps-hold")]
    [InlineData("amagasaki/2025", "--tests", "0")]
    [InlineData("amagasaki/2025", "--invariant", "no-such-invariant")]
    [InlineData("nowhere/2025")]
    [InlineData("amagasaki-2025")]
    public void Wrong_options_exit_2_with_one_line(params string[] args)
    {
        var run = CliRun.Command(["rulesets", "check", .. args, "--audit-log", _audit]);
        Assert.True(run.ExitCode == 2, run.ToString());
        Assert.Single(run.Error.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        Assert.False(File.Exists(_audit));
    }

    [Fact]
    public async Task A_broken_rule_set_exits_1_and_its_request_bodies_reproduce_the_violation_on_the_api()
    {
        using var broken = BrokenRuleSets.InvertedSevenTenths();
        var run = CliRun.Command("rulesets", "check", "amagasaki/2025", "--root", broken.Root, "--seed", "7", "--tests", "30",
            "--invariant", "more-income-never-lowers", "--audit-log", _audit);
        Assert.True(run.ExitCode == 1, run.ToString());
        Assert.Contains("FAIL  more-income-never-lowers  所得が増えても保険料は下がらない (more income never lowers the premium)", run.Output);
        Assert.Contains("期待 (expected):", run.Output);
        var bodies = run.OutputLines.Where(l => l.StartsWith('{')).Select(l => JsonNode.Parse(l)!).ToArray();
        Assert.Equal(2, bodies.Length); // before and after the raise of income
        Assert.Equal("check-failed", Assert.Single(Audit()).Entry.Outcome);

        await using var api = new Serving(broken.Root);
        var client = api.CreateClient();
        Task<JsonNode> Assess(JsonNode body) => Answer(client, "/v1/premium/assessments", body);
        var before = await Assess(bodies[0]);
        var after = await Assess(bodies[1]);
        string[] order = ["none", "2割", "5割", "7割"];
        int Strength(JsonNode a) => Array.IndexOf(order, (string)a["reductionClass"]!);
        long Premium(JsonNode a) => (long)a["annualPremium"]!;
        // More income, and the API gives a stronger reduction or a lower premium: the violation, reproduced.
        Assert.True(Strength(after) > Strength(before) || Premium(after) < Premium(before),
            $"before {before["reductionClass"]} {Premium(before)}, after {after["reductionClass"]} {Premium(after)}");
        var raised = bodies[1]["household"]!["members"]!.AsArray().Zip(bodies[0]["household"]!["members"]!.AsArray())
            .Any(p => (long)p.First!["income"]!["totalIncome"]! > (long)p.Second!["income"]!["totalIncome"]!);
        Assert.True(raised, "the second body must be the household with more income");
    }

    [Fact]
    public async Task A_high_cost_rule_set_is_checked_with_its_own_invariants_and_a_broken_one_prints_bodies_the_api_answers_with_the_violation()
    {
        var good = CliRun.Command("rulesets", "check", "hyogo/2025", "--capability", "highCost", "--seed", "4", "--tests", "20", "--audit-log", _audit);
        Assert.True(good.ExitCode == 0, good.ToString());
        Assert.Equal(Rules.Checks.HighCostInvariants.All.Count, good.OutputLines.Count(l => l.StartsWith('[') && l.Contains(" ok ")));
        Assert.Contains("kokuho rulesets check hyogo/2025 --capability highCost --seed 4 --tests 20", good.Output);

        using var broken = BrokenRuleSets.InvertedULine();
        var run = CliRun.Command("rulesets", "check", "hyogo/2025", "--capability", "highCost", "--root", broken.Root, "--seed", "3", "--tests", "200",
            "--invariant", "more-income-never-lowers-limit", "--audit-log", _audit);
        Assert.True(run.ExitCode == 1, run.ToString());
        Assert.Contains("request body (before) for POST /v1/high-cost/benefits:", run.Output);
        var bodies = run.OutputLines.Where(l => l.StartsWith('{')).Select(l => JsonNode.Parse(l)!).ToArray();
        Assert.Equal(2, bodies.Length);
        Assert.Equal(["ok", "check-failed"], Audit().Select(a => a.Entry.Outcome));

        await using var api = new Serving(broken.Root);
        var client = api.CreateClient();
        async Task<long> Limit(JsonNode body) => (long)(await Answer(client, "/v1/high-cost/benefits", body))["limit"]!;
        // More income, and the API gives a lower limit: the violation, reproduced.
        Assert.True(await Limit(bodies[1]) < await Limit(bodies[0]));
    }

    /// <summary>The API's answer to a printed request body (which must be accepted: 2xx).</summary>
    private static async Task<JsonNode> Answer(HttpClient client, string path, JsonNode body)
    {
        var response = await client.PostAsync(path + "?trace=false", new StringContent(body.ToJsonString(), Encoding.UTF8, "application/json"));
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.IsSuccessStatusCode, text);
        return JsonNode.Parse(text)!;
    }

    private sealed class Serving(string root) : KokuhoApiFactory
    {
        protected override void Configure(IWebHostBuilder builder) => builder.UseSetting("RuleSets:Roots:0", root);
    }
}
