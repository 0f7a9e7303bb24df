using System.Text.Json.Nodes;
using KokuhoRules.Rules.Catalog;
using KokuhoRules.Tests.Cli;
using KokuhoRules.Tests.Support;
using Microsoft.AspNetCore.Hosting;
using static KokuhoRules.Tests.Api.ApiRequests;

namespace KokuhoRules.Tests.Api;

/// <summary>The service on a copy of the bundled rule sets in which <c>kokuho rulesets publish</c> published national/2026 and amagasaki/2026 (premium, with waivers).</summary>
public sealed class Published2026Factory : KokuhoApiFactory
{
    private readonly TempRuleSetRoot _root = new();

    public Published2026Factory()
    {
        foreach (var layer in new[] { "national/2026", "amagasaki/2026" })
        {
            var run = CliRun.Command(["rulesets", "publish", layer, "--by", "staff-tanaka", "--root", _root.Root,
                "--audit-log", Path.Combine(_root.Root, "publish-audit.jsonl"), "--waivers", Waivers(layer + "/premium")]);
            Assert.True(run.ExitCode == 0, run.ToString());
        }
        Hash = KokuhoRuleSets.Load([_root.Root]).Premium("amagasaki", 2026)!.Hash;
    }

    /// <summary>The hash of the published amagasaki/2026 rule set, as the catalog computes it from the files.</summary>
    public string Hash { get; }

    private string Waivers(string layer)
    {
        var waivers = new JsonObject();
        foreach (var p in KokuhoRuleSets.Load([_root.Root]).RuleSets.SelectMany(r => r.ParameterTable.All)
                     .Where(p => !p.Confirmed && p.File.StartsWith(layer + "/", StringComparison.Ordinal)).Select(p => p.Path).Distinct())
            waivers[p] = "告示前の試行 (試験)";
        var file = Path.Combine(_root.Root, "waivers-" + layer.Replace('/', '-') + ".json");
        File.WriteAllText(file, waivers.ToJsonString());
        return file;
    }

    protected override void Configure(IWebHostBuilder builder) => builder.UseSetting("RuleSets:Roots:0", _root.Root);

    protected override void Dispose(bool disposing)
    {
        base.Dispose(disposing);
        _root.Dispose();
    }

    public override async ValueTask DisposeAsync()
    {
        await base.DisposeAsync();
        _root.Dispose();
    }
}

public sealed class PublishedRuleSetApiTests(Published2026Factory factory) : IClassFixture<Published2026Factory>
{
    private readonly HttpClient _client = factory.CreateClient();

    [Fact]
    public async Task A_call_dated_in_fiscal_year_2026_that_names_no_version_gets_the_published_rule_set()
    {
        var request = A2();
        request["fiscalYear"] = 2026;
        request["asOf"] = "2026-06-01";

        var response = await _client.PostAssessment(request);
        var answer = await response.ReadJson();

        var stamp = answer.GetProperty("ruleset");
        Assert.Equal(("2026.1", "published", factory.Hash), (stamp.GetProperty("version").GetString(), stamp.GetProperty("status").GetString(), stamp.GetProperty("hash").GetString()));
        Assert.Equal(factory.Hash, Assert.Single(response.Headers.GetValues("KokuhoRules-Ruleset-Hash")));
        Assert.False(answer.GetProperty("trial").GetBoolean());
    }
}
