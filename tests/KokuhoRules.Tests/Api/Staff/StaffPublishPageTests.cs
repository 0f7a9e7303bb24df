using System.Net;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using KokuhoRules.Rules.Catalog;
using KokuhoRules.Tests.Support;
using static KokuhoRules.Tests.Support.StaffBrowser;
using Microsoft.AspNetCore.Hosting;

namespace KokuhoRules.Tests.Api.Staff;

/// <summary>The service on a copy of the bundled rule sets (its drafts may be published by the test).</summary>
public sealed class PublishRootFactory : KokuhoApiFactory
{
    public TempRuleSetRoot Root { get; } = new();

    protected override void Configure(IWebHostBuilder builder) => builder.UseSetting("RuleSets:Roots:0", Root.Root);

    protected override void Dispose(bool disposing)
    {
        base.Dispose(disposing);
        Root.Dispose();
    }

    public override async ValueTask DisposeAsync()
    {
        await base.DisposeAsync();
        Root.Dispose();
    }
}

/// <summary>
/// <c>/staff/publish</c> over HTTP against a temporary rule-set root: the drafts are listed; the gate of
/// <c>rulesets publish</c> refuses unconfirmed values without waivers (no 公開 button, a forced POST writes nothing);
/// with a waiver for each it passes and 公開 seals the layer, audited with the key's id and the layer.
/// </summary>
public sealed partial class StaffPublishPageTests(PublishRootFactory api) : IClassFixture<PublishRootFactory>
{
    internal const string Layer = "national/2026/premium";

    private Task<HttpClient> LoggedIn() => StaffBrowser.LoggedIn(api);

    /// <summary>One waiver line per unconfirmed value the layer writes (read from the compiled rule sets, not from the code under test).</summary>
    internal static string Waivers(string root) => string.Join("\n", KokuhoRuleSets.Load([root]).RuleSets.SelectMany(r => r.ParameterTable.All)
        .Where(p => !p.Confirmed && p.File.StartsWith(Layer + "/", StringComparison.Ordinal)).Select(p => p.Path).Distinct().Select(p => $"{p}=令和8年度の告示前に試行として公開 (試験)"));

    private string Waivers() => Waivers(api.Root.Root);

    private string Status() => JsonNode.Parse(api.Root.Read(Layer + "/manifest.json"))!["status"]!.GetValue<string>();

    /// <summary>The form of the gate for national/2026@2026.1 (premium) posted with <paramref name="action"/> (check or publish).</summary>
    internal static async Task<HttpResponseMessage> Post(HttpClient client, string action, string waivers) =>
        await client.PostAsync("/staff/publish", new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["_csrf"] = await Csrf(client, "/staff/publish"), ["layer"] = "national/2026@2026.1", ["capability"] = "premium", ["waivers"] = waivers, ["action"] = action,
        }));

    [Fact]
    public async Task The_drafts_are_listed_with_a_link_to_their_gate()
    {
        using var client = await LoggedIn();
        var html = await client.GetStringAsync("/staff/publish");
        Assert.Contains("<code>amagasaki/2026/premium</code>", html); // national/2026 may be published by the other test meanwhile
        Assert.Contains("/staff/publish/gate?layer=amagasaki%2F2026%402026.1&amp;capability=premium", html);
    }

    [Fact]
    public async Task The_gate_refuses_unconfirmed_values_without_waivers_and_with_them_publish_seals_the_layer_audited()
    {
        using var client = await LoggedIn();
        var refused = await client.GetStringAsync("/staff/publish/gate?layer=national%2F2026%402026.1&capability=premium");
        Assert.Contains("公開の条件を満たしていません", refused);
        Assert.Contains("[unconfirmed]", refused);
        Assert.DoesNotContain("id=\"publish-button\"", refused);

        var forced = await Post(client, "publish", "");
        Assert.Equal(HttpStatusCode.UnprocessableEntity, forced.StatusCode);
        Assert.Equal("draft", Status());

        var waivers = Waivers();
        var passed = await (await Post(client, "check", waivers)).Content.ReadAsStringAsync();
        Assert.Contains("公開の条件をすべて満たしています", passed);
        Assert.Contains("id=\"publish-button\"", passed);
        Assert.Equal("draft", Status());

        var published = await Post(client, "publish", waivers);
        Assert.Equal(HttpStatusCode.OK, published.StatusCode);
        Assert.Contains("公開しました", await published.Content.ReadAsStringAsync());
        Assert.Equal("published", Status());

        string log;
        using (var stream = new FileStream(Path.Combine(api.AuditDirectory, "audit-log.jsonl"), FileMode.Open, FileAccess.Read, FileShare.ReadWrite))
            log = new StreamReader(stream).ReadToEnd();
        var entry = log.Split('\n').Single(l => l.Contains("\"layer:national/2026/premium@2026.1\"", StringComparison.Ordinal));
        Assert.Contains("\"keyId\":\"test-publisher\"", entry);
        Assert.Contains("\"endpoint\":\"StaffPublishRun\"", entry);
        Assert.DoesNotContain(TestKeys.Publisher, log);

        var again = await client.GetStringAsync("/staff/publish/gate?layer=national%2F2026%402026.1&capability=premium");
        Assert.Contains("[immutable]", again);
    }
}
