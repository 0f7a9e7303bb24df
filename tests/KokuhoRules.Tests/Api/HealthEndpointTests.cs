using KokuhoRules.Tests.Support;
using Microsoft.AspNetCore.Mvc.Testing;

namespace KokuhoRules.Tests.Api;

/// <summary><c>GET /health</c> on the service as configured by default (the bundled rule sets).</summary>
public sealed class HealthEndpointTests(KokuhoApiFactory factory) : IClassFixture<KokuhoApiFactory>
{
    private readonly HttpClient _client = factory.CreateClient();

    [Fact]
    public async Task Health_is_ok_and_counts_the_rule_sets_served()
    {
        var health = await (await _client.GetAsync("/health")).ReadJson();

        Assert.Equal("ok", health.GetProperty("status").GetString());
        var served = health.GetProperty("ruleSets").GetInt32();
        Assert.True(served >= 2, $"expected at least amagasaki/2024 and amagasaki/2025, got {served}");
        Assert.Equal(0, health.GetProperty("refusedRuleSets").GetInt32());

        // The count is the catalog's, not a constant: it matches what /v1/rulesets lists.
        var list = await (await _client.GetAsync("/v1/rulesets")).ReadJson();
        Assert.Equal(list.GetProperty("ruleSets").GetArrayLength(), served);
    }
}
