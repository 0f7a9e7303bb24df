using KokuhoRules.Tests.Support;
using System.Net;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Mvc.Testing;
using static KokuhoRules.Tests.Api.ApiRequests;

namespace KokuhoRules.Tests.Api;

/// <summary>The reliefs and the FY2026 component through <c>POST /v1/premium/assessments</c>.</summary>
public sealed class ReliefEndpointTests(KokuhoApiFactory factory) : IClassFixture<KokuhoApiFactory>
{
    private readonly HttpClient _client = factory.CreateClient();

    [Fact]
    public async Task Each_relief_is_itemised_with_its_reference_and_traced()
    {
        var request = A2();
        request.Member(1)["childbirths"] = JsonNode.Parse("""[ { "date": "2025-08-10" } ]""");
        request.Member(0)["involuntaryUnemployment"] = JsonNode.Parse("""{ "separationDate": "2025-03-31", "reasonCode": "11" }""");
        var body = await (await _client.PostAssessment(request)).ReadJson();

        var medical = body.GetProperty("components").EnumerateArray().Single(c => c.GetProperty("name").GetString() == "medical");
        var reliefs = medical.GetProperty("reliefs").EnumerateArray().ToDictionary(r => r.GetProperty("relief").GetString()!);
        Assert.Contains("perinatal", reliefs.Keys);
        Assert.Contains("involuntaryUnemployment", reliefs.Keys);
        Assert.Contains("preschool", reliefs.Keys);
        Assert.All(reliefs.Values, r => Assert.False(string.IsNullOrWhiteSpace(r.GetProperty("reference").GetString())));
        Assert.Equal(medical.GetProperty("reduction").GetInt64(), reliefs.Values.Sum(r => r.GetProperty("amount").GetInt64()));

        var traced = body.GetProperty("trace").EnumerateArray().Where(s => s.GetProperty("kind").GetString() == "relief").ToList();
        Assert.Contains(traced, s => s.GetProperty("item").GetString() == "perinatal" && s.GetProperty("component").GetString() == "medical"
                                     && s.GetProperty("yen").GetInt64() == reliefs["perinatal"].GetProperty("amount").GetInt64());
        Assert.All(traced, s => Assert.Contains("根拠", s.GetProperty("text").GetString()));

        var mother = body.GetProperty("members").EnumerateArray().Single(m => m.GetProperty("id").GetString() == "P2");
        Assert.Equal(4, mother.GetProperty("reliefMonths").GetProperty("perinatal").GetInt32());
    }

    [Fact]
    public async Task Fiscal_2026_is_a_draft_with_the_child_component_and_can_be_tried()
    {
        var request = A2();
        request["fiscalYear"] = 2026;
        await (await _client.PostAssessment(request)).ReadProblem(HttpStatusCode.UnprocessableEntity, "urn:kokuhorules:problem:draft-ruleset");

        request["trial"] = true;
        var body = await (await _client.PostAssessment(request)).ReadJson();
        Assert.True(body.GetProperty("trial").GetBoolean());
        Assert.Equal(["medical", "support", "care", "child"], body.GetProperty("components").EnumerateArray().Select(c => c.GetProperty("name").GetString()));
        var children = body.GetProperty("members").EnumerateArray().Where(m => m.GetProperty("id").GetString() is "P3" or "P4");
        Assert.All(children, m => Assert.Equal(0, m.GetProperty("perCapitaCharges").GetProperty("child").GetInt64()));
        Assert.Contains("reduction.fiveTenthsPerPerson", body.GetProperty("unconfirmedParameters").EnumerateArray().Select(p => p.GetString()));
    }

    [Theory]
    [InlineData("""{ "specifiedSameHouseholdMember": true }""", "household.members[1].specifiedSameHouseholdSince")]
    [InlineData("""{ "specifiedSameHouseholdSince": "2024-01-01" }""", "household.members[1].specifiedSameHouseholdSince")]
    [InlineData("""{ "childbirths": [ { "multiple": true } ] }""", "household.members[1].childbirths[0].date")]
    [InlineData("""{ "involuntaryUnemployment": { "separationDate": "2025-03-31" } }""", "household.members[1].involuntaryUnemployment.reasonCode")]
    [InlineData("""{ "formerDependant": { "acquired": "2020-01-01" } }""", "household.members[1].formerDependant.acquired")]
    public async Task Incomplete_relief_facts_are_refused_naming_the_field(string fields, string field)
    {
        var request = A2();
        foreach (var (key, value) in JsonNode.Parse(fields)!.AsObject()) request.Member(1)[key] = value?.DeepClone();
        var problem = await (await _client.PostAssessment(request)).ReadProblem(HttpStatusCode.UnprocessableEntity, "urn:kokuhorules:problem:invalid-request");
        Assert.Equal(field, problem.FirstErrorField());
    }
}
