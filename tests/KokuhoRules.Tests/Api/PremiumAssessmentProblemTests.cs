using KokuhoRules.Tests.Support;
using System.Net;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Mvc.Testing;
using static KokuhoRules.Tests.Api.ApiRequests;

namespace KokuhoRules.Tests.Api;

/// <summary>
/// Requests <c>POST /v1/premium/assessments</c> must refuse: each gets the right 4xx problem
/// (application/problem+json, never a 500) whose first error names the exact field at fault.
/// Every case starts from the valid A2 request and breaks one thing.
/// </summary>
public sealed class PremiumAssessmentProblemTests(KokuhoApiFactory factory) : IClassFixture<KokuhoApiFactory>
{
    private readonly HttpClient _client = factory.CreateClient();

    private async Task<JsonNode> Invalid(JsonObject request, string field)
    {
        var problem = await (await _client.PostAssessment(request)).ReadProblem(HttpStatusCode.UnprocessableEntity, Problems.InvalidRequest);
        Assert.Equal(field, problem.FirstErrorField());
        return JsonNode.Parse(problem.GetRawText())!;
    }

    [Fact]
    public async Task The_unbroken_request_is_accepted()
    {
        // Guards the cases below: each fails because of what it breaks, not because A2 is refused.
        var response = await _client.PostAssessment(A2());
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }

    // ---- 422: readable JSON, invalid household ----

    [Fact]
    public async Task Missing_birth_date()
    {
        var request = A2();
        request.Member(0).Remove("birthDate");
        await Invalid(request, "household.members[0].birthDate");
    }

    [Fact]
    public async Task Coverage_lost_before_it_was_acquired()
    {
        var request = A2();
        request.Member(0)["coverage"]![0]!["lost"] = "2019-03-31";
        var problem = await Invalid(request, "household.members[0].coverage[0].lost");
        Assert.Contains("after the acquisition date", problem["errors"]![0]!["message"]!.GetValue<string>());
        // A person's dates are never echoed.
        Assert.DoesNotContain("2019-03-31", problem.ToJsonString());
        Assert.DoesNotContain("2019-04-01", problem.ToJsonString());
    }

    [Fact]
    public async Task Coverage_lost_on_the_day_it_was_acquired()
    {
        // The loss date is the first day without coverage: a period must last at least a day.
        var request = A2();
        request.Member(0)["coverage"]![0]!["lost"] = "2019-04-01";
        await Invalid(request, "household.members[0].coverage[0].lost");
    }

    [Fact]
    public async Task Negative_total_income()
    {
        var request = A2();
        request.Member(0)["income"]!["totalIncome"] = -1;
        var problem = await Invalid(request, "household.members[0].income.totalIncome");
        Assert.Contains("negative", problem["errors"]![0]!["message"]!.GetValue<string>());
    }

    [Fact]
    public async Task Head_who_is_not_a_member()
    {
        var request = A2();
        request["household"]!["headId"] = "P9";
        await Invalid(request, "household.headId");
    }

    [Fact]
    public async Task Duplicate_member_ids()
    {
        var request = A2();
        request.Member(1)["id"] = "P1";
        var problem = await Invalid(request, "household.members[1].id");
        Assert.Contains("more than once", problem["errors"]![0]!["message"]!.GetValue<string>());
    }

    [Fact]
    public async Task A_member_id_shaped_like_an_individual_number_is_refused_and_not_echoed()
    {
        const string myNumber = "123456789012";
        var request = A2();
        request.Member(1)["id"] = myNumber;
        var response = await _client.PostAssessment(request);
        var problem = await response.ReadProblem(HttpStatusCode.UnprocessableEntity, Problems.IndividualNumber);

        Assert.Equal("household.members[1].id", problem.FirstErrorField());
        Assert.Contains("個人番号", problem.Errors()[0].Message);
        Assert.DoesNotContain(myNumber, problem.GetRawText());
    }

    [Fact]
    public async Task Missing_insurer()
    {
        var request = A2();
        request.Remove("insurer");
        await Invalid(request, "insurer");
    }

    // ---- 404: no such rule set ----

    [Fact]
    public async Task Unknown_insurer()
    {
        var request = A2();
        request["insurer"] = "atlantis";
        var problem = await (await _client.PostAssessment(request)).ReadProblem(HttpStatusCode.NotFound, Problems.UnknownRuleSet);
        Assert.Equal("insurer", problem.FirstErrorField());
        Assert.Contains("amagasaki", problem.GetProperty("detail").GetString()); // lists the known insurers
    }

    [Fact]
    public async Task Unknown_fiscal_year()
    {
        var request = A2();
        request["fiscalYear"] = 2030;
        var problem = await (await _client.PostAssessment(request)).ReadProblem(HttpStatusCode.NotFound, Problems.UnknownRuleSet);
        Assert.Equal("fiscalYear", problem.FirstErrorField());
        Assert.Contains("2024, 2025", problem.GetProperty("detail").GetString()); // lists the years it has
    }

    // ---- 400: the body cannot be read as the contract ----

    [Fact]
    public async Task Truncated_json()
    {
        var problem = await (await _client.PostRaw(A2Body[..200])).ReadProblem(HttpStatusCode.BadRequest, Problems.MalformedRequest);
        Assert.StartsWith("not valid JSON", problem.Errors()[0].Message);
    }

    [Fact]
    public async Task Impossible_date()
    {
        var problem = await (await _client.PostRaw(A2Body.Replace("1983-05-10", "2025-02-30"))).ReadProblem(HttpStatusCode.BadRequest, Problems.MalformedRequest);
        Assert.Equal("household.members[0].birthDate", problem.FirstErrorField());
    }

    [Fact]
    public async Task A_string_where_a_number_is_expected()
    {
        var request = A2();
        request.Member(0)["income"]!["totalIncome"] = "abc";
        var problem = await (await _client.PostAssessment(request)).ReadProblem(HttpStatusCode.BadRequest, Problems.MalformedRequest);
        Assert.Equal("household.members[0].income.totalIncome", problem.FirstErrorField());
        Assert.Equal("expected a whole number within range", problem.Errors()[0].Message);
    }

    [Fact]
    public async Task A_fraction_of_a_yen()
    {
        var request = A2();
        request.Member(0)["income"]!["totalIncome"] = 2_760_000.5m;
        var problem = await (await _client.PostAssessment(request)).ReadProblem(HttpStatusCode.BadRequest, Problems.MalformedRequest);
        Assert.Equal("household.members[0].income.totalIncome", problem.FirstErrorField());
    }

    [Fact]
    public async Task An_unknown_field()
    {
        var request = A2();
        request.Member(0)["incme"] = new JsonObject { ["declared"] = true };
        var problem = await (await _client.PostAssessment(request)).ReadProblem(HttpStatusCode.BadRequest, Problems.MalformedRequest);
        var field = problem.FirstErrorField();
        Assert.EndsWith("incme", field);
        Assert.Equal("household.members[0].incme", field);
    }

    [Fact]
    public async Task An_empty_body()
    {
        var problem = await (await _client.PostRaw("")).ReadProblem(HttpStatusCode.BadRequest, Problems.MalformedRequest);
        Assert.Equal("$", problem.FirstErrorField());
    }

    [Fact]
    public async Task Json_nested_too_deeply()
    {
        var request = A2Body.Replace("\"lost\":null", "\"lost\":" + new string('[', 30) + new string(']', 30));
        var problem = await (await _client.PostRaw(request)).ReadProblem(HttpStatusCode.BadRequest, Problems.MalformedRequest);
        Assert.Equal("household.members[0].coverage[0].lost", problem.FirstErrorField());
    }

    // ---- Reading the request exactly (these were bugs; the tests state the behaviour) ----

    [Fact]
    public async Task A_numeric_string_where_a_number_is_expected()
    {
        var request = A2();
        request.Member(0)["income"]!["totalIncome"] = "2760000";
        var problem = await (await _client.PostAssessment(request)).ReadProblem(HttpStatusCode.BadRequest, Problems.MalformedRequest);
        Assert.Equal("household.members[0].income.totalIncome", problem.FirstErrorField());
    }

    [Theory]
    [InlineData("fiscalYear", "99999999999", "expected a whole number within range")]
    [InlineData("fiscalYear", "\"abc\"", "expected a whole number within range")]
    [InlineData("trial", "\"yes\"", "expected true or false")]
    public async Task A_wrong_typed_top_level_field_is_explained_by_its_type(string field, string json, string message)
    {
        var request = A2();
        request[field] = JsonNode.Parse(json);
        var problem = await (await _client.PostAssessment(request)).ReadProblem(HttpStatusCode.BadRequest, Problems.MalformedRequest);
        Assert.Equal(field, problem.FirstErrorField());
        Assert.Equal(message, problem.Errors()[0].Message);
    }

    [Fact]
    public async Task An_impossible_date_is_not_called_invalid_json()
    {
        var problem = await (await _client.PostRaw(A2Body.Replace("1983-05-10", "2025-02-30"))).ReadProblem(HttpStatusCode.BadRequest, Problems.MalformedRequest);
        Assert.Equal("household.members[0].birthDate", problem.FirstErrorField());
        Assert.DoesNotContain("not valid JSON", problem.Errors()[0].Message);
    }

    [Fact]
    public async Task An_empty_body_is_explained_to_the_caller()
    {
        var problem = await (await _client.PostRaw("")).ReadProblem(HttpStatusCode.BadRequest, Problems.MalformedRequest);
        Assert.DoesNotContain("Service", problem.GetProperty("detail").GetString());
        Assert.DoesNotContain("parameter \"request\"", problem.Errors()[0].Message);
    }

    [Fact]
    public async Task An_unreadable_trace_flag_is_a_query_problem_naming_the_parameter()
    {
        var problem = await (await _client.PostAssessment(A2(), "?trace=abc")).ReadProblem(HttpStatusCode.BadRequest, Problems.InvalidQuery);
        // A query error is titled as one, not as a body that is not JSON (the body here is valid).
        Assert.Equal("A query parameter is not valid", problem.GetProperty("title").GetString());
        Assert.Equal("trace", problem.FirstErrorField());
        Assert.DoesNotContain("Nullable", problem.Errors()[0].Message);
    }

    [Fact]
    public async Task A_field_given_twice_is_refused()
    {
        var body = A2Body.Replace("\"fiscalYear\":2025", "\"fiscalYear\":2025,\"fiscalYear\":2024");
        var problem = await (await _client.PostRaw(body)).ReadProblem(HttpStatusCode.BadRequest, Problems.MalformedRequest);
        Assert.Contains("more than once", problem.Errors()[0].Message);
    }

    [Fact]
    public async Task Field_names_are_case_sensitive()
    {
        var body = A2Body.Replace("\"fiscalYear\":2025", "\"fiscalYear\":2025,\"fiscalyear\":2024");
        var problem = await (await _client.PostRaw(body)).ReadProblem(HttpStatusCode.BadRequest, Problems.MalformedRequest);
        Assert.Equal("fiscalyear", problem.FirstErrorField());
    }
}
