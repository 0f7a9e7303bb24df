using System.Net;
using KokuhoRules.Tests.Support;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using static KokuhoRules.Tests.Api.ApiRequests;

namespace KokuhoRules.Tests.Api;

/// <summary>
/// The service started on another rule-set root (configuration <c>RuleSets:Roots</c>): a copy of the
/// bundled rule sets in which Amagasaki's FY2025 医療分 cap was raised to 700,000 yen, above the national
/// maximum of 660,000, and the layer sealed again with the hash of its edited files.
/// </summary>
/// <remarks>
/// The loader checks a published layer's content hash before anything else and refuses a layer whose
/// files no longer match it, so merely editing the file would only ever report the hash mismatch (see
/// <see cref="Cli.ValidateCommandTests.Editing_a_published_layer_without_sealing_it_again_is_refused_naming_the_file_that_changed"/>).
/// Sealing it again, as <c>kokuho rulesets hash --write</c> would, lets the compiler reach the cap check:
/// the test shows a properly sealed, published layer is still refused when its content breaks the law.
/// </remarks>
public sealed class RaisedCapFactory : KokuhoApiFactory
{
    public const string Parameters = "amagasaki/2025/premium/parameters.json";

    private readonly TempRuleSetRoot _root = new();

    public RaisedCapFactory()
    {
        _root.ReplaceOnce(Parameters, "\"value\": 660000", "\"value\": 700000");
        _root.Reseal("amagasaki/2025/premium");
        // Withholding FY2025 as a draft, so that with premium FY2025 refused no published rule set is left.
        _root.MakeDraft("amagasaki/2025/withholding");
        // The line of the "cap" key whose value was raised: errors point at the parameter, not at its value.
        var valueLine = _root.LineContaining(Parameters, "\"value\": 700000");
        var lines = File.ReadAllLines(_root.PathOf(Parameters));
        CapLine = Enumerable.Range(1, valueLine).Reverse().First(n => lines[n - 1].Contains("\"cap\":", StringComparison.Ordinal));
    }

    /// <summary>The 1-based line of <c>rates.medical.cap</c> in the edited parameters.json.</summary>
    public int CapLine { get; }

    protected override void Configure(IWebHostBuilder builder) =>
        builder.UseSetting("RuleSets:Roots:0", _root.Root);

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

public sealed class RuleSetRootOverrideTests(RaisedCapFactory factory) : IClassFixture<RaisedCapFactory>
{
    private readonly HttpClient _client = factory.CreateClient();

    [Fact]
    public async Task The_service_stays_up_and_keeps_serving_the_valid_rule_set()
    {
        var health = await (await _client.GetAsync("/health")).ReadJson();

        Assert.Equal("ok", health.GetProperty("status").GetString());
        Assert.Equal(7, health.GetProperty("ruleSets").GetInt32()); // premium amagasaki/2024 and amagasaki/2026, withholding amagasaki/2025 and 2026, eligibility hyogo/2025, highCost hyogo/2025 and 2026 (drafts)
        Assert.Equal(1, health.GetProperty("refusedRuleSets").GetInt32());

        var request = A2();
        request["fiscalYear"] = 2024;
        request["trial"] = true;
        var trial = await (await _client.PostAssessment(request)).ReadJson();
        Assert.Equal(2024, trial.GetProperty("ruleset").GetProperty("fiscalYear").GetInt32());
    }

    [Fact]
    public async Task The_rule_set_list_shows_amagasaki_2025_refused_with_the_file_line_and_reason()
    {
        var list = await (await _client.GetAsync("/v1/rulesets")).ReadJson();

        var listed = list.GetProperty("ruleSets").EnumerateArray()
            .Where(r => r.GetProperty("capability").GetString() == "premium")
            .Select(r => $"{r.GetProperty("insurer").GetProperty("id").GetString()}/{r.GetProperty("fiscalYear").GetInt32()}");
        Assert.Equal(["amagasaki/2024", "amagasaki/2026"], listed);

        var refused = Assert.Single(list.GetProperty("refused").EnumerateArray());
        Assert.StartsWith("amagasaki/2025", refused.GetProperty("ruleSet").GetString());
        var errors = refused.GetProperty("errors").EnumerateArray().Select(e => e.GetString()!).ToArray();
        var cap = Assert.Single(errors, e => e.Contains("national maximum", StringComparison.Ordinal));
        Assert.StartsWith($"{RaisedCapFactory.Parameters}:{factory.CapLine}: $.rates.medical.cap:", cap);
        Assert.Contains("700,000", cap);
        Assert.Contains("660,000", cap);
        // Sealed again: the cap is the reason, not the hash.
        Assert.DoesNotContain(errors, e => e.Contains("contentHash", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Amagasaki_2025_cannot_be_assessed_and_the_caller_is_told_the_rule_set_was_refused_not_that_it_does_not_exist()
    {
        var response = await _client.PostAssessment(A2());
        var problem = await response.ReadProblem(HttpStatusCode.ServiceUnavailable, Problems.RefusedRuleSet);
        Assert.Equal("fiscalYear", problem.FirstErrorField());
        var detail = problem.GetProperty("detail").GetString()!;
        Assert.Contains("amagasaki/2025 was refused", detail);
        Assert.Contains("GET /v1/rulesets", detail);

        var ruleSet = await _client.GetAsync("/v1/rulesets/amagasaki/2025");
        await ruleSet.ReadProblem(HttpStatusCode.ServiceUnavailable, Problems.RefusedRuleSet);
        var parameter = await _client.GetAsync("/v1/rulesets/amagasaki/2025/parameters/rates.medical.incomeRate");
        await parameter.ReadProblem(HttpStatusCode.ServiceUnavailable, Problems.RefusedRuleSet);
    }

    [Fact]
    public async Task Amagasaki_2025_cannot_be_assessed_even_as_a_trial()
    {
        var request = A2();
        request["trial"] = true;
        await (await _client.PostAssessment(request)).ReadProblem(HttpStatusCode.ServiceUnavailable, Problems.RefusedRuleSet);
    }

    [Fact]
    public async Task A_year_that_has_no_rule_set_at_all_is_still_unknown()
    {
        var request = A2();
        request["fiscalYear"] = 2023;
        await (await _client.PostAssessment(request)).ReadProblem(HttpStatusCode.NotFound, Problems.UnknownRuleSet);
    }

    [Fact]
    public async Task The_refusal_is_logged_as_an_error_at_start_up_and_with_only_drafts_left_the_service_is_not_ready()
    {
        var from = LogCapture.Instance.Next;
        await using var restarted = new RaisedCapFactory();
        // What is left (premium amagasaki 2024 and 2026, withholding 2025 and 2026) are drafts: they serve trial calculations only.
        var ready = await (await restarted.CreateClient(key: null).GetAsync("/health/ready")).ReadJson(HttpStatusCode.ServiceUnavailable);
        Assert.Equal(("not-ready", 1, 0), (ready.GetProperty("status").GetString(), ready.GetProperty("refusedRuleSets").GetInt32(), ready.GetProperty("publishedRuleSets").GetInt32()));
        Assert.True(ready.GetProperty("ruleSets").GetInt32() > 0);
        Assert.Contains(LogCapture.Instance.Since(from), l => l.Category == "KokuhoRules.RuleSets"
            && l.Text.StartsWith("Error Rule set amagasaki/2025", StringComparison.Ordinal) && l.Text.Contains("refused", StringComparison.Ordinal) && l.Text.Contains("$.rates.medical.cap", StringComparison.Ordinal));
    }
}
