using KokuhoRules.Tests.Support;
using System.Net;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Mvc.Testing;
using static KokuhoRules.Tests.Api.ApiRequests;

namespace KokuhoRules.Tests.Api;

/// <summary>
/// <c>POST /v1/premium/assessments</c> end to end over HTTP: Amagasaki FY2025 reference case A2
/// (premium.md §10, see <see cref="Premium.AmagasakiReferenceCaseTests"/>), its trace, and the
/// draft rule set amagasaki/2024 that only a trial may use.
/// </summary>
public sealed class PremiumAssessmentEndpointTests(KokuhoApiFactory factory) : IClassFixture<KokuhoApiFactory>
{
    private readonly HttpClient _client = factory.CreateClient();

    private static JsonElement Component(JsonElement response, string name) =>
        response.GetProperty("components").EnumerateArray().Single(c => c.GetProperty("name").GetString() == name);

    private static JsonElement[] Trace(JsonElement response) => response.GetProperty("trace").EnumerateArray().ToArray();

    [Fact]
    public async Task A2_is_assessed_with_the_reference_amounts()
    {
        var a = await (await _client.PostAssessment(A2())).ReadJson();

        Assert.Equal(541_224, a.GetProperty("annualPremium").GetInt64());
        Assert.Equal(317_544, Component(a, "medical").GetProperty("amount").GetInt64());
        Assert.Equal(122_988, Component(a, "support").GetProperty("amount").GetInt64());
        Assert.Equal(100_692, Component(a, "care").GetProperty("amount").GetInt64());
        Assert.Equal(3, a.GetProperty("components").GetArrayLength());
        Assert.Equal("none", a.GetProperty("reductionClass").GetString());
        Assert.False(a.GetProperty("trial").GetBoolean());
    }

    [Fact]
    public async Task A2_names_the_rule_set_it_was_computed_with()
    {
        var ruleset = (await (await _client.PostAssessment(A2())).ReadJson()).GetProperty("ruleset");

        Assert.Equal("amagasaki", ruleset.GetProperty("insurer").GetString());
        Assert.Equal(2025, ruleset.GetProperty("fiscalYear").GetInt32());
        Assert.Equal("2025.1", ruleset.GetProperty("version").GetString());
        Assert.Equal("published", ruleset.GetProperty("status").GetString());
        var hash = ruleset.GetProperty("hash").GetString()!;
        Assert.StartsWith("sha256:", hash);
        Assert.Matches("^sha256:[0-9a-f]{64}$", hash);

        // The same hash the rule-set list publishes for amagasaki/2025.
        var list = await (await _client.GetAsync("/v1/rulesets")).ReadJson();
        var listed = list.GetProperty("ruleSets").EnumerateArray()
            .Single(r => r.GetProperty("insurer").GetProperty("id").GetString() == "amagasaki" && r.GetProperty("fiscalYear").GetInt32() == 2025
                      && r.GetProperty("capability").GetString() == "premium");
        Assert.Equal(listed.GetProperty("hash").GetString(), hash);
    }

    [Fact]
    public async Task A2_trace_explains_every_step()
    {
        var trace = Trace(await (await _client.PostAssessment(A2())).ReadJson());

        Assert.NotEmpty(trace);
        Assert.Equal(Enumerable.Range(1, trace.Length), trace.Select(s => s.GetProperty("step").GetInt32()));
        Assert.All(trace, s => Assert.False(string.IsNullOrWhiteSpace(s.GetProperty("text").GetString()), $"step {s.GetProperty("step")} has no text"));
    }

    [Fact]
    public async Task A2_trace_names_the_reduction_class_rule()
    {
        var trace = Trace(await (await _client.PostAssessment(A2())).ReadJson());

        var step = Assert.Single(trace, s => s.GetProperty("item").GetString() == "reductionClass");
        Assert.Equal("decision", step.GetProperty("kind").GetString());
        Assert.Equal("none", step.GetProperty("value").GetString());
        Assert.True(step.TryGetProperty("rule", out var rule) && rule.ValueKind == JsonValueKind.Object, "the reductionClass step carries no rule");
        Assert.Equal("ReductionClass", rule.GetProperty("workflow").GetString());
        Assert.Equal("none", rule.GetProperty("outcome").GetString());
        Assert.False(string.IsNullOrWhiteSpace(rule.GetProperty("rule").GetString()));
        Assert.False(string.IsNullOrWhiteSpace(rule.GetProperty("expression").GetString()));
    }

    [Fact]
    public async Task A2_trace_cites_a_reference_for_every_parameter_of_the_component_calculations()
    {
        var trace = Trace(await (await _client.PostAssessment(A2())).ReadJson());

        var componentSteps = trace
            .Where(s => s.GetProperty("kind").GetString() == "calculation"
                        && s.TryGetProperty("component", out var c) && c.ValueKind == JsonValueKind.String)
            .ToArray();
        // 所得割, 均等割, 平等割 and the total before the cap, for each of the three components at least.
        Assert.True(componentSteps.Length >= 12, $"only {componentSteps.Length} component calculation steps");
        Assert.Equal(["care", "medical", "support"], componentSteps.Select(s => s.GetProperty("component").GetString()).Distinct().Order());
        Assert.All(componentSteps, s =>
        {
            var parameters = s.GetProperty("parameters").EnumerateArray().ToArray();
            Assert.True(parameters.Length > 0, $"step {s.GetProperty("step")} ({s.GetProperty("item")}) lists no parameter");
            Assert.All(parameters, p => Assert.False(string.IsNullOrWhiteSpace(p.GetProperty("reference").GetString()),
                $"parameter {p.GetProperty("path")} of step {s.GetProperty("step")} has no reference"));
        });

        var medicalIncomeLevy = Assert.Single(componentSteps,
            s => s.GetProperty("component").GetString() == "medical" && s.GetProperty("item").GetString() == "incomeLevy");
        Assert.Equal(188_940, medicalIncomeLevy.GetProperty("yen").GetInt64());
        var rate = Assert.Single(medicalIncomeLevy.GetProperty("parameters").EnumerateArray(),
            p => p.GetProperty("path").GetString() == "rates.medical.incomeRate");
        Assert.Equal("0.0804", rate.GetProperty("value").GetString());
        Assert.Contains("amagasaki", rate.GetProperty("reference").GetString());

        var annual = Assert.Single(trace, s => s.GetProperty("item").GetString() == "annualPremium");
        Assert.Equal(541_224, annual.GetProperty("yen").GetInt64());
    }

    [Fact]
    public async Task Trace_false_leaves_the_trace_out()
    {
        var response = await _client.PostAssessment(A2(), "?trace=false");
        var a = await response.ReadJson();

        Assert.False(a.TryGetProperty("trace", out _), "trace=false still returned a trace");
        Assert.Equal(541_224, a.GetProperty("annualPremium").GetInt64());
        // ...and the default is to include it.
        Assert.True((await (await _client.PostAssessment(A2())).ReadJson()).TryGetProperty("trace", out _));
    }

    private static JsonObject Draft2024(bool? trial)
    {
        var request = A2();
        request["fiscalYear"] = 2024;
        if (trial is { } t) request["trial"] = t;
        return request;
    }

    [Theory]
    [InlineData(null)]
    [InlineData(false)]
    public async Task A_draft_rule_set_is_refused_unless_the_request_is_a_trial(bool? trial)
    {
        var problem = await (await _client.PostAssessment(Draft2024(trial))).ReadProblem(HttpStatusCode.UnprocessableEntity, Problems.DraftRuleSet);

        Assert.Contains("trial", problem.GetProperty("detail").GetString());
        Assert.Contains("amagasaki/2024", problem.GetProperty("detail").GetString());
        Assert.Equal("trial", problem.FirstErrorField());
    }

    [Fact]
    public async Task A_trial_may_use_a_draft_rule_set_and_is_marked_as_a_trial()
    {
        var a = await (await _client.PostAssessment(Draft2024(trial: true))).ReadJson();

        Assert.True(a.GetProperty("trial").GetBoolean());
        Assert.NotEqual(0, a.GetProperty("unconfirmedParameters").GetArrayLength());
        Assert.All(a.GetProperty("unconfirmedParameters").EnumerateArray(), p => Assert.False(string.IsNullOrWhiteSpace(p.GetString())));
        var ruleset = a.GetProperty("ruleset");
        Assert.Equal(2024, ruleset.GetProperty("fiscalYear").GetInt32());
        Assert.Equal("2024.1", ruleset.GetProperty("version").GetString());
        Assert.Equal("draft", ruleset.GetProperty("status").GetString());
        Assert.True(a.GetProperty("annualPremium").GetInt64() > 0);
    }
}
