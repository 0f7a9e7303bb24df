using System.Net;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace KokuhoRules.Tests.Api;

/// <summary>Request bodies and response checks shared by the API tests.</summary>
public static class ApiRequests
{
    public const string AssessmentsPath = "/v1/premium/assessments";

    /// <summary>Amagasaki FY2025 reference case A2 (premium.md §10) as the core system sends it.</summary>
    public const string A2Body =
        """{"insurer":"amagasaki","fiscalYear":2025,"household":{"id":"H-A2","headId":"P1","members":[{"id":"P1","birthDate":"1983-05-10","coverage":[{"acquired":"2019-04-01","lost":null}],"income":{"declared":true,"totalIncome":2760000,"salaryRevenue":4000000,"salaryIncome":2760000}},{"id":"P2","birthDate":"1984-06-01","coverage":[{"acquired":"2019-04-01"}],"income":{"declared":true,"totalIncome":450000,"salaryRevenue":1000000,"salaryIncome":450000}},{"id":"P3","birthDate":"2015-01-20","coverage":[{"acquired":"2015-01-20"}],"income":{"declared":true,"totalIncome":0}},{"id":"P4","birthDate":"2021-03-03","coverage":[{"acquired":"2021-03-03"}],"income":{"declared":true,"totalIncome":0}}]}}""";

    /// <summary>A fresh, mutable copy of the A2 request.</summary>
    public static JsonObject A2() => JsonNode.Parse(A2Body)!.AsObject();

    /// <summary>Member <paramref name="index"/> of a request's household.</summary>
    public static JsonObject Member(this JsonObject request, int index) => request["household"]!["members"]![index]!.AsObject();

    public static Task<HttpResponseMessage> PostAssessment(this HttpClient client, JsonNode body, string query = "") =>
        client.PostRaw(body.ToJsonString(), query);

    /// <summary>Posts a body as is (for bodies that are not valid JSON).</summary>
    public static Task<HttpResponseMessage> PostRaw(this HttpClient client, string body, string query = "") =>
        client.PostAsync(AssessmentsPath + query, new StringContent(body, Encoding.UTF8, "application/json"));

    /// <summary>Reads a JSON response body, after checking the status (the body is shown when it is not the expected one).</summary>
    public static async Task<JsonElement> ReadJson(this HttpResponseMessage response, HttpStatusCode expected = HttpStatusCode.OK)
    {
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == expected, $"expected {(int)expected}, got {(int)response.StatusCode}: {text}");
        return JsonDocument.Parse(text).RootElement.Clone();
    }

    /// <summary>
    /// Checks that a response is an RFC 9457 problem of the given status and type (served as
    /// application/problem+json) and returns it.
    /// </summary>
    public static async Task<JsonElement> ReadProblem(this HttpResponseMessage response, HttpStatusCode status, string type)
    {
        var problem = await response.ReadJson(status);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        Assert.Equal(type, problem.GetProperty("type").GetString());
        Assert.Equal((int)status, problem.GetProperty("status").GetInt32());
        Assert.False(string.IsNullOrWhiteSpace(problem.GetProperty("detail").GetString()));
        return problem;
    }

    /// <summary>The <c>errors</c> extension of a problem: (field, message) pairs.</summary>
    public static IReadOnlyList<(string Field, string Message)> Errors(this JsonElement problem) =>
        problem.GetProperty("errors").EnumerateArray()
            .Select(e => (e.GetProperty("field").GetString()!, e.GetProperty("message").GetString()!))
            .ToArray();

    /// <summary>The field of the first error of a problem (there must be at least one).</summary>
    public static string FirstErrorField(this JsonElement problem)
    {
        var errors = problem.Errors();
        Assert.NotEmpty(errors);
        return errors[0].Field;
    }

    public static class Problems
    {
        public const string MalformedRequest = "urn:kokuhorules:problem:malformed-request";
        public const string InvalidRequest = "urn:kokuhorules:problem:invalid-request";
        public const string UnknownRuleSet = "urn:kokuhorules:problem:unknown-ruleset";
        public const string DraftRuleSet = "urn:kokuhorules:problem:draft-ruleset";
        public const string RefusedRuleSet = "urn:kokuhorules:problem:refused-ruleset";
        public const string IndividualNumber = "urn:kokuhorules:problem:individual-number";
        public const string Unauthenticated = "urn:kokuhorules:problem:unauthenticated";
        public const string Forbidden = "urn:kokuhorules:problem:forbidden";
        public const string TooLarge = "urn:kokuhorules:problem:too-large";
        public const string Unavailable = "urn:kokuhorules:problem:unavailable";
        public const string AmbiguousKey = "urn:kokuhorules:problem:ambiguous-key";
        public const string AuditUnavailable = "urn:kokuhorules:problem:audit-unavailable";
        public const string InvalidQuery = "urn:kokuhorules:problem:invalid-query";
        public const string UnknownParameter = "urn:kokuhorules:problem:unknown-parameter";
        public const string NotFound = "urn:kokuhorules:problem:not-found";
        public const string MethodNotAllowed = "urn:kokuhorules:problem:method-not-allowed";
    }
}
