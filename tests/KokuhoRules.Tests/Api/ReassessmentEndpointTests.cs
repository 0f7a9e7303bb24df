using KokuhoRules.Tests.Support;
using System.Net;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Mvc.Testing;
using static KokuhoRules.Tests.Api.ApiRequests;

namespace KokuhoRules.Tests.Api;

/// <summary><c>POST /v1/premium/reassessments</c>: the previous response is posted back as it is.</summary>
public sealed class ReassessmentEndpointTests(KokuhoApiFactory factory) : IClassFixture<KokuhoApiFactory>
{
    private readonly HttpClient _client = factory.CreateClient();

    private Task<HttpResponseMessage> Post(JsonNode body, string query = "") =>
        _client.PostAsync("/v1/premium/reassessments" + query, new StringContent(body.ToJsonString(), Encoding.UTF8, "application/json"));

    [Fact]
    public async Task A_change_posted_with_the_previous_response_gives_the_new_premium_and_the_bills_that_follow()
    {
        var previous = await (await _client.PostAssessment(A2())).ReadJson();
        Assert.Equal(10, previous.GetProperty("installments").GetArrayLength());

        // P4 (the pre-school child) leaves: lost 2025-09-01, processed 2025-10-10.
        var household = A2()["household"]!.DeepClone().AsObject();
        household["members"]![3]!["coverage"]![0]!["lost"] = "2025-09-01";
        var request = new JsonObject
        {
            ["insurer"] = "amagasaki",
            ["change"] = new JsonObject { ["effectiveDate"] = "2025-09-01", ["description"] = "P4 転出" },
            ["asOf"] = "2025-10-10",
            ["years"] = new JsonArray(new JsonObject { ["fiscalYear"] = 2025, ["household"] = household, ["previous"] = JsonNode.Parse(previous.GetRawText()) }),
        };
        var body = await (await Post(request)).ReadJson();
        var year = body.GetProperty("years")[0];
        Assert.True(year.GetProperty("applied").GetBoolean());
        Assert.Equal(541_224, year.GetProperty("previousAnnualPremium").GetInt64());
        Assert.True(year.GetProperty("difference").GetInt64() < 0);
        var installments = year.GetProperty("installments").EnumerateArray().ToArray();
        var previousBills = previous.GetProperty("installments").EnumerateArray().ToArray();
        for (var i = 0; i < 4; i++)
        {
            Assert.Equal("due", installments[i].GetProperty("status").GetString());
            Assert.Equal(previousBills[i].GetProperty("amount").GetInt64(), installments[i].GetProperty("amount").GetInt64());
        }
        Assert.Equal(year.GetProperty("annualPremium").GetInt64(), installments.Sum(i => i.GetProperty("amount").GetInt64()));
        Assert.Contains(year.GetProperty("trace").EnumerateArray(), s => s.GetProperty("item").GetString() == "insuredMonths" && s.GetProperty("subject").GetString() == "P4");
        Assert.Equal("2027-07-01", year.GetProperty("timeLimit").GetProperty("barredFrom").GetString());
    }

    [Fact]
    public async Task Bad_reassessment_requests_are_problems_naming_the_field()
    {
        var noDate = new JsonObject { ["insurer"] = "amagasaki", ["change"] = new JsonObject(), ["years"] = new JsonArray(new JsonObject { ["fiscalYear"] = 2025, ["household"] = A2()["household"]!.DeepClone() }) };
        var problem = await (await Post(noDate)).ReadProblem(HttpStatusCode.UnprocessableEntity, "urn:kokuhorules:problem:invalid-request");
        Assert.Equal("change.effectiveDate", problem.FirstErrorField());

        var badPrevious = new JsonObject
        {
            ["insurer"] = "amagasaki", ["change"] = new JsonObject { ["effectiveDate"] = "2025-05-01" }, ["asOf"] = "2025-06-01",
            ["years"] = new JsonArray(new JsonObject
            {
                ["fiscalYear"] = 2025, ["household"] = A2()["household"]!.DeepClone(),
                ["previous"] = JsonNode.Parse("""{ "annualPremium": 1000, "installments": [ { "number": 1, "dueDate": "2025-06-30", "amount": 900 } ] }"""),
            }),
        };
        problem = await (await Post(badPrevious)).ReadProblem(HttpStatusCode.UnprocessableEntity, "urn:kokuhorules:problem:invalid-request");
        Assert.Equal("years[0].previous.installments", problem.FirstErrorField());

        var badHousehold = new JsonObject
        {
            ["insurer"] = "amagasaki", ["change"] = new JsonObject { ["effectiveDate"] = "2025-05-01" }, ["asOf"] = "2025-06-01",
            ["years"] = new JsonArray(new JsonObject { ["fiscalYear"] = 2025, ["household"] = JsonNode.Parse("""{ "id": "H", "headId": "P9", "members": [] }""") }),
        };
        problem = await (await Post(badHousehold)).ReadProblem(HttpStatusCode.UnprocessableEntity, "urn:kokuhorules:problem:invalid-request");
        Assert.StartsWith("years[0].household", problem.FirstErrorField());
    }
}
