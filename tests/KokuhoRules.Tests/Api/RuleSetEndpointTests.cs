using KokuhoRules.Tests.Support;
using System.Net;
using System.Text.Json;
using Microsoft.AspNetCore.Mvc.Testing;
using static KokuhoRules.Tests.Api.ApiRequests;

namespace KokuhoRules.Tests.Api;

/// <summary><c>GET /v1/rulesets</c> and <c>GET /v1/rulesets/{insurer}/{fiscalYear}</c> on the bundled rule sets.</summary>
public sealed class RuleSetEndpointTests(KokuhoApiFactory factory) : IClassFixture<KokuhoApiFactory>
{
    private readonly HttpClient _client = factory.CreateClient();

    private static JsonElement Find(JsonElement list, string insurer, int fiscalYear) =>
        Assert.Single(list.GetProperty("ruleSets").EnumerateArray(),
            r => r.GetProperty("insurer").GetProperty("id").GetString() == insurer && r.GetProperty("fiscalYear").GetInt32() == fiscalYear
                 && r.GetProperty("capability").GetString() == "premium");

    [Fact]
    public async Task The_list_has_amagasaki_2024_draft_and_2025_published_with_hashes_and_nothing_refused()
    {
        var list = await (await _client.GetAsync("/v1/rulesets")).ReadJson();

        var draft = Find(list, "amagasaki", 2024);
        var published = Find(list, "amagasaki", 2025);
        Assert.Equal("draft", draft.GetProperty("status").GetString());
        Assert.Equal("2024.1", draft.GetProperty("version").GetString());
        Assert.Equal("published", published.GetProperty("status").GetString());
        Assert.Equal("2025.1", published.GetProperty("version").GetString());
        Assert.Matches("^sha256:[0-9a-f]{64}$", draft.GetProperty("hash").GetString());
        Assert.Matches("^sha256:[0-9a-f]{64}$", published.GetProperty("hash").GetString());
        Assert.NotEqual(draft.GetProperty("hash").GetString(), published.GetProperty("hash").GetString());
        Assert.Equal(["medical", "support", "care"], published.GetProperty("components").EnumerateArray().Select(c => c.GetString()));
        Assert.True(draft.GetProperty("unconfirmedParameters").GetInt32() > 0);
        Assert.Equal(0, list.GetProperty("refused").GetArrayLength());
    }

    [Fact]
    public async Task Amagasaki_2025_publishes_its_parameters_with_values_and_references()
    {
        var detail = await (await _client.GetAsync("/v1/rulesets/amagasaki/2025")).ReadJson();

        Assert.Equal("2025.1", detail.GetProperty("ruleSet").GetProperty("version").GetString());
        var parameters = detail.GetProperty("parameters").EnumerateArray().ToArray();
        Assert.NotEmpty(parameters);
        Assert.All(parameters, p => Assert.False(string.IsNullOrWhiteSpace(p.GetProperty("reference").GetString()),
            $"parameter {p.GetProperty("path")} has no reference"));

        var rate = Assert.Single(parameters, p => p.GetProperty("path").GetString() == "rates.medical.incomeRate");
        Assert.Equal(JsonValueKind.Number, rate.GetProperty("value").ValueKind);
        Assert.Equal(0.0804m, rate.GetProperty("value").GetDecimal());
        Assert.Contains("amagasaki", rate.GetProperty("reference").GetString());
        Assert.Equal("municipal", rate.GetProperty("layer").GetString());
        Assert.Equal("amagasaki/2025/premium/parameters.json", rate.GetProperty("file").GetString());
        Assert.True(rate.GetProperty("line").GetInt32() > 0);

        // Both layers are published: the national parameters are listed too.
        Assert.Contains(parameters, p => p.GetProperty("path").GetString() == "components.medical.nationalCap"
                                         && p.GetProperty("layer").GetString() == "national");
    }

    [Fact]
    public async Task Amagasaki_2025_publishes_its_decisions_each_ending_with_a_fallback()
    {
        var detail = await (await _client.GetAsync("/v1/rulesets/amagasaki/2025")).ReadJson();

        var decisions = detail.GetProperty("decisions").EnumerateArray().ToArray();
        var reduction = Assert.Single(decisions, d => d.GetProperty("name").GetString() == "ReductionClass");
        var rules = reduction.GetProperty("rules").EnumerateArray().ToArray();
        Assert.True(rules.Length >= 2, "ReductionClass has no rule besides the fallback");
        Assert.Equal("true", rules[^1].GetProperty("expression").GetString());
        Assert.Equal("none", rules[^1].GetProperty("outcome").GetString());
        Assert.All(rules, r => Assert.False(string.IsNullOrWhiteSpace(r.GetProperty("name").GetString())));
        Assert.Equal(["7割", "5割", "2割"], rules.Select(r => r.GetProperty("outcome").GetString()).Where(o => o!.EndsWith('割')).Distinct());
        Assert.All(decisions, d => Assert.Equal("true", d.GetProperty("rules").EnumerateArray().Last().GetProperty("expression").GetString()));
    }

    [Fact]
    public async Task An_unknown_rule_set_is_a_404_problem()
    {
        var problem = await (await _client.GetAsync("/v1/rulesets/amagasaki/1999")).ReadProblem(HttpStatusCode.NotFound, Problems.UnknownRuleSet);
        // Lists the rule sets served; the path's own values are not repeated.
        Assert.Contains("amagasaki/2025", problem.GetProperty("detail").GetString());
        Assert.DoesNotContain("1999", problem.GetProperty("detail").GetString());
    }
}
