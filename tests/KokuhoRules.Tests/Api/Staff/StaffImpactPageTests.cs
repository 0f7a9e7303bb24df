using System.Net;
using System.Text.RegularExpressions;
using KokuhoRules.Rules.Batch;
using KokuhoRules.Rules.Premium;
using KokuhoRules.Rules.Premium.Impact;
using KokuhoRules.Rules.Snapshots;
using KokuhoRules.Tests.Support;
using static KokuhoRules.Tests.Support.StaffBrowser;

namespace KokuhoRules.Tests.Api.Staff;

/// <summary>
/// <c>/staff/impact</c> over HTTP: the report shown for a synthetic population is <see cref="ImpactReport.Compute(PremiumRuleSet, PremiumRuleSet, IReadOnlyList{HouseholdSnapshot}, string, int, string, CancellationToken)"/>'s
/// for the same households; bad input is a sentence on the page; the run is audited with both rule sets.
/// </summary>
public sealed partial class StaffImpactPageTests(KokuhoApiFactory api) : IClassFixture<KokuhoApiFactory>
{
    private Task<HttpClient> LoggedIn() => StaffBrowser.LoggedIn(api);

    private static async Task<string> Run(HttpClient client, Dictionary<string, string> form)
    {
        form["_csrf"] = await Csrf(client, "/staff/impact");
        var posted = await client.PostAsync("/staff/impact", new FormUrlEncodedContent(form));
        Assert.Equal(HttpStatusCode.SeeOther, posted.StatusCode);
        Assert.Equal("/staff/impact/result", posted.Headers.Location?.ToString());
        return await client.GetStringAsync("/staff/impact/result");
    }

    [Fact]
    public async Task The_totals_shown_are_the_impact_report_of_the_same_synthetic_population()
    {
        using var client = await LoggedIn();
        var html = await Run(client, new() { ["base"] = "amagasaki/2025@2025.1", ["draft"] = "amagasaki/2026@2026.1", ["population"] = "synthetic", ["insured"] = "300", ["seed"] = "7" });

        var baseRs = (PremiumRuleSet)TestRuleSets.Catalog.Versions(PremiumRuleSetCompiler.CapabilityName, "amagasaki", 2025).Single(r => r.Version == "2025.1");
        var draftRs = (PremiumRuleSet)TestRuleSets.Catalog.Versions(PremiumRuleSetCompiler.CapabilityName, "amagasaki", 2026).Single(r => r.Version == "2026.1");
        var errors = new List<KokuhoRules.Engine.Requests.FieldError>();
        var households = new SyntheticPopulation(2025, 7).Households(300).Select(h => SnapshotReader.Read(h, "household", errors)!).ToArray();
        Assert.Empty(errors);
        var expected = ImpactReport.Compute(baseRs, draftRs, households, "test", 1, "test");

        Assert.Contains($"id=\"impact-base\">{expected.Base.AnnualPremium:N0}<", html);
        Assert.Contains($"id=\"impact-draft\">{expected.Draft.AnnualPremium:N0}<", html);
        Assert.Contains($"id=\"impact-difference\">{expected.Difference:N0}<", html);
        Assert.NotEqual(0, expected.Difference);
        foreach (var c in expected.Components)
            Assert.Contains($"<td>{c.Label}</td><td><span class=\"n\">{c.Base:N0}</span></td><td><span class=\"n\">{c.Draft:N0}</span></td><td><span class=\"n\">{c.Difference:N0}</span></td>", html);
        foreach (var b in expected.Changes.Where(b => b.Households > 0))
            Assert.Contains($"{b.Label}: {b.Households:N0} 世帯</title></rect>", html);
        Assert.Contains("<svg class=\"chart\" id=\"impact-chart\"", html);
    }

    [Theory]
    [InlineData("synthetic", "0", "人数は 1 から")]
    [InlineData("file:../../etc/passwd.jsonl", "10", "被保険者ファイルが見つかりません")]
    public async Task Bad_input_is_a_sentence_on_the_page(string population, string insured, string expected)
    {
        using var client = await LoggedIn();
        var html = await Run(client, new() { ["base"] = "amagasaki/2025@2025.1", ["draft"] = "amagasaki/2026@2026.1", ["population"] = population, ["insured"] = insured, ["seed"] = "1" });
        Assert.Contains(expected, html);
        Assert.DoesNotContain("impact-chart", html);
    }

    [Fact]
    public async Task The_run_is_audited_with_both_rule_sets()
    {
        using var client = await LoggedIn();
        await Run(client, new() { ["base"] = "amagasaki/2025@2025.1", ["draft"] = "amagasaki/2026@2026.1", ["population"] = "synthetic", ["insured"] = "20", ["seed"] = "3" });
        string log;
        using (var stream = new FileStream(Path.Combine(api.AuditDirectory, "audit-log.jsonl"), FileMode.Open, FileAccess.Read, FileShare.ReadWrite))
            log = new StreamReader(stream).ReadToEnd();
        var run = log.Split('\n').Last(l => l.Contains("\"endpoint\":\"StaffImpactRun\"", StringComparison.Ordinal));
        Assert.Contains("\"keyId\":\"test-publisher\"", run);
        Assert.Contains("\"version\":\"2025.1\"", run);
        Assert.Contains("\"version\":\"2026.1\"", run);
    }
}
