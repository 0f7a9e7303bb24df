using Microsoft.AspNetCore.Hosting;
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

    [Fact]
    public async Task Liveness_and_readiness_need_no_key_and_say_what_the_service_depends_on()
    {
        var anonymous = factory.CreateClient(key: null);
        var live = await (await anonymous.GetAsync("/health/live")).ReadJson();
        Assert.Equal("live", live.GetProperty("status").GetString());

        var ready = await (await anonymous.GetAsync("/health/ready")).ReadJson();
        Assert.Equal(("ready", "not-configured", "local file"),
            (ready.GetProperty("status").GetString(), ready.GetProperty("database").GetString(), ready.GetProperty("auditStore").GetString()));
        Assert.True(ready.GetProperty("ruleSets").GetInt32() >= 2);
        Assert.True(ready.GetProperty("publishedRuleSets").GetInt32() >= 1);
    }
}

/// <summary>A service with no valid rule set is alive but not ready: it must get no calculation traffic.</summary>
public sealed class NoRuleSetHealthTests : IDisposable
{
    private readonly string _empty = Directory.CreateTempSubdirectory("kokuho-empty-root-").FullName;

    private sealed class EmptyRoot(string root) : KokuhoApiFactory
    {
        protected override void Configure(IWebHostBuilder builder) =>
            builder.UseSetting("RuleSets:Roots:0", root);
    }

    [Fact]
    public async Task Readiness_answers_503_while_liveness_stays_200()
    {
        await using var service = new EmptyRoot(_empty);
        var client = service.CreateClient(key: null);
        Assert.Equal(System.Net.HttpStatusCode.OK, (await client.GetAsync("/health/live")).StatusCode);
        var ready = await (await client.GetAsync("/health/ready")).ReadJson(System.Net.HttpStatusCode.ServiceUnavailable);
        Assert.Equal(("not-ready", 0), (ready.GetProperty("status").GetString(), ready.GetProperty("ruleSets").GetInt32()));
    }

    public void Dispose() => Directory.Delete(_empty, recursive: true);
}
