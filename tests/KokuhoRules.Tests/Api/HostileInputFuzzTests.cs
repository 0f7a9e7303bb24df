using System.Collections.Immutable;
using System.Globalization;
using System.Net;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;
using KokuhoRules.Rules.Snapshots;
using KokuhoRules.Rules.Checks;
using KokuhoRules.Tests.Support;
using Microsoft.AspNetCore.Mvc.Testing;
using static KokuhoRules.Tests.Api.ApiRequests;

namespace KokuhoRules.Tests.Api;

/// <summary>
/// Hostile input at both premium endpoints (<c>POST /v1/premium/assessments</c> and
/// <c>/v1/premium/reassessments</c>): generated JSON, valid requests broken in one to five places,
/// and bodies that are not JSON at all. Whatever comes in, the answer is a 200 with a JSON body or a
/// 4xx RFC 9457 problem (application/problem+json with type, title, detail and the same status),
/// never a 500, never a hang, and a problem never echoes a date or an amount of the request.
/// A failing case prints the request: endpoint, content type, how it was made, and the body.
/// </summary>
[Properties(Arbitrary = [typeof(HostileInputArbitraries)])]
public sealed class HostileInputFuzzTests : IClassFixture<KokuhoApiFactory>
{
    /// <summary>A bound that only a hang exceeds (a request normally takes milliseconds).</summary>
    private static readonly TimeSpan Hang = TimeSpan.FromSeconds(15);

    private readonly HttpClient _client;

    // The one place the host is chosen.
    public HostileInputFuzzTests(KokuhoApiFactory factory) => _client = factory.CreateClient();

    // ---- The contract every answer keeps ---------------------------------------------------------------

    /// <summary>Sends a request and checks the contract; returns the status and the body (a problem or a 200's JSON).</summary>
    private async Task<(int Status, JsonElement Body)> Check(HostileRequest request)
    {
        using var cts = new CancellationTokenSource(Hang);
        HttpResponseMessage response;
        string text;
        try
        {
            using var message = request.ToMessage();
            response = await _client.SendAsync(message, cts.Token);
            text = await response.Content.ReadAsStringAsync(cts.Token);
        }
        catch (OperationCanceledException) when (cts.IsCancellationRequested)
        {
            throw new Xunit.Sdk.XunitException($"no answer within {Hang.TotalSeconds:0} s (a hang) for {request}");
        }
        catch (Exception e) when (e is not Xunit.Sdk.XunitException)
        {
            throw new Xunit.Sdk.XunitException($"the server failed with {e.GetType().Name}: {e.Message}\n  for {request}");
        }

        var status = (int)response.StatusCode;
        var what = $"{status} for {request}\n  response: {Clip(text, 2000)}";
        Assert.True(status < 500, "a server error: " + what);
        Assert.True(status == 200 || status is >= 400 and < 500, "an unexpected status: " + what);
        JsonElement body;
        try
        {
            body = JsonDocument.Parse(text).RootElement.Clone();
        }
        catch (JsonException e)
        {
            throw new Xunit.Sdk.XunitException($"the body is not JSON ({e.Message}): {what}");
        }
        if (status == 200) return (status, body);

        Assert.True(response.Content.Headers.ContentType?.MediaType == "application/problem+json", "not a problem+json: " + what);
        Assert.True(body.ValueKind == JsonValueKind.Object, "the problem is not an object: " + what);
        foreach (var member in new[] { "type", "title", "detail" })
            Assert.True(body.TryGetProperty(member, out var v) && v.ValueKind == JsonValueKind.String && !string.IsNullOrWhiteSpace(v.GetString()),
                $"the problem has no '{member}': {what}");
        Assert.True(body.TryGetProperty("status", out var s) && s.ValueKind == JsonValueKind.Number && s.TryGetInt32(out var n) && n == status,
            "the problem's status is not the HTTP status: " + what);
        var prose = Prose(body);
        Assert.True(!prose.Contains("System.", StringComparison.Ordinal) && !prose.Contains("KokuhoRules.", StringComparison.Ordinal),
            "the problem speaks of .NET types: " + what);
        foreach (var value in PersonalValues(request.Body))
            Assert.True(!prose.Contains(value, StringComparison.Ordinal), $"the problem echoes the request's value {value}: {what}");
        return (status, body);
    }

    /// <summary>The problem's sentences (detail and error messages), without the field paths they name.</summary>
    private static string Prose(JsonElement problem)
    {
        var detail = problem.GetProperty("detail").GetString()!;
        var messages = new StringBuilder(detail);
        if (problem.TryGetProperty("errors", out var errors) && errors.ValueKind == JsonValueKind.Array)
            foreach (var e in errors.EnumerateArray())
            {
                if (e.TryGetProperty("message", out var m)) messages.Append('\n').Append(m.GetString());
                if (e.TryGetProperty("field", out var f) && f.GetString() is { Length: > 0 } field) messages.Replace(field, "");
            }
        return messages.ToString();
    }

    private static readonly Regex IsoDate = new(@"^\d{4}-\d{2}-\d{2}$", RegexOptions.CultureInvariant);

    /// <summary>
    /// The request's dates (string values shaped YYYY-MM-DD, except ids, which messages may name, and
    /// the accepted range's bounds, which they cite) and amounts (numbers of six digits or more, as
    /// sent and with thousands separators; a shorter number could be a byte position), as a message
    /// would repeat them.
    /// </summary>
    private static IReadOnlyList<string> PersonalValues(byte[] body)
    {
        var values = new List<string>();
        try
        {
            using var doc = JsonDocument.Parse(body);
            var stack = new Stack<(JsonElement Value, string? Name)>([(doc.RootElement, null)]);
            while (stack.TryPop(out var top))
            {
                var (e, name) = top;
                switch (e.ValueKind)
                {
                    case JsonValueKind.Object:
                        foreach (var p in e.EnumerateObject()) stack.Push((p.Value, p.Name));
                        break;
                    case JsonValueKind.Array:
                        foreach (var item in e.EnumerateArray()) stack.Push((item, name));
                        break;
                    case JsonValueKind.String when name is not ("id" or "headId") && e.GetString() is { } text && IsoDate.IsMatch(text) && text is not ("1890-01-01" or "2200-12-31"):
                        values.Add(text);
                        break;
                    case JsonValueKind.Number when e.TryGetInt64(out var amount) && amount is >= 100_000 or <= -100_000 && amount != SnapshotReader.MaxYen:
                        values.Add(amount.ToString(CultureInfo.InvariantCulture));
                        values.Add(amount.ToString("N0", CultureInfo.InvariantCulture));
                        break;
                }
            }
        }
        catch (Exception e) when (e is JsonException or InvalidOperationException)
        {
            // Not JSON, or a string that is not text (invalid UTF-8, a lone surrogate): the values found so far are checked.
        }
        return values;
    }

    private static string Clip(string text, int max) => text.Length <= max ? text : text[..max] + $"… ({text.Length - max} more characters)";

    // ---- Generated input ---------------------------------------------------------------------------------

    [Property(MaxTest = 400)]
    public Task Arbitrary_json_gets_a_problem_or_an_answer_never_a_500(ArbitraryJsonCase c) => Check(c.Request);

    [Property(MaxTest = 500)]
    public Task A_valid_request_broken_in_a_few_places_gets_a_problem_or_an_answer_never_a_500(MutatedCase c) => Check(c.Request);

    [Property(MaxTest = 300)]
    public Task A_body_that_is_not_json_gets_a_problem_never_a_500(RawBodyCase c) => Check(c.Request);

    [Fact]
    public async Task The_valid_requests_the_mutations_start_from_are_accepted()
    {
        // Guards the mutation property: its requests fail because of what is broken, not because the base is refused.
        foreach (var endpoint in Enum.GetValues<PremiumEndpoint>())
        {
            var (status, body) = await Check(new HostileRequest(endpoint, "", "application/json", Encoding.UTF8.GetBytes(HostileInputGenerators.ValidBody(endpoint)), "the valid base"));
            Assert.True(status == 200, $"{endpoint}: {status} {body}");
        }
    }

    [Fact]
    public void The_generators_reach_what_the_issue_names()
    {
        // A sample of mutations names every kind the issue lists, so the property cannot silently stop reaching one.
        var descriptions = string.Join("\n", Gen.Sample(HostileInputGenerators.Mutated, 3000).SelectMany(c => c.Mutations).Select(m => m.Description));
        foreach (var expected in new[]
                 {
                     "duplicate member id", "head who is not a member", "no members", "lost before acquired", "childbirths", "\"9999-12-31\"",
                     "\"0001-01-01\"", "\"2025-02-30\"", "-2147483648", "2147483647", "9223372036854775807", "1e30", "1e400", "duplicate property",
                     "unknown property", "delete property", "swap type", "replace node", "change.effectiveDate", "previous.annualPremium",
                 })
            Assert.Contains(expected, descriptions);
        var raw = Gen.Sample(HostileInputGenerators.Raw, 2000).Select(c => c.Kind).Distinct().ToArray();
        foreach (var kind in new[] { "truncated", "byte-order mark", "invalid UTF-8", "NUL byte", "empty", "content type", "random bytes" })
            Assert.Contains(raw, k => k.StartsWith(kind, StringComparison.Ordinal));
        Assert.All(Gen.Sample(HostileInputGenerators.Mutated, 300).Select(c => c.Request), r => Assert.InRange(r.Body.Length, 0, HostileInputGenerators.MaxBodyBytes));
        Assert.All(Gen.Sample(HostileInputGenerators.ArbitraryJson, 300), c =>
        {
            Assert.InRange(c.Request.Body.Length, 0, HostileInputGenerators.MaxBodyBytes);
            Assert.InRange(c.Json.Depth, 0, 59);
        });
    }

    // ---- A named corpus: what the issue lists, each sent as is ----------------------------------------

    private const PremiumEndpoint A = PremiumEndpoint.Assessments, R = PremiumEndpoint.Reassessments;

    /// <summary>A valid assessment of one member, short enough to break by hand.</summary>
    private const string One =
        """{"insurer":"amagasaki","fiscalYear":2025,"household":{"id":"H","headId":"P1","members":[{"id":"P1","birthDate":"1980-01-01","coverage":[{"acquired":"2019-04-01"}],"income":{"declared":true,"totalIncome":0}}]}}""";

    [Theory]
    [InlineData(A, "json nested 54 deep")]
    [InlineData(A, """{"insurer":"amagasaki","fiscalYear":2025,"household":{"id":"H","headId":"P1","members":[{"id":"P1","birthDate":"1980-01-01","coverage":[{"acquired":"2019-04-01"}],"income":{"declared":true,"totalIncome":1e400}}]}}""")]
    [InlineData(A, """{"insurer":"amagasaki","fiscalYear":2025,"household":{"id":"H","headId":"P1","members":[{"id":"P1","birthDate":"1980-01-01","coverage":[{"acquired":"2019-04-01"}],"income":{"declared":true,"totalIncome":9223372036854775808}}]}}""")]
    [InlineData(A, """{"insurer":"amagasaki","fiscalYear":2025,"household":{"id":"H","headId":"P1","members":[{"id":"P1","birthDate":"1980-01-01","coverage":[{"acquired":"2019-04-01"}],"income":{"declared":true,"totalIncome":9223372036854775807}}]}}""")]
    [InlineData(A, """{"insurer":"amagasaki","fiscalYear":2025,"household":{"id":"H","headId":"P1","members":[{"id":"P1","birthDate":"1980-01-01","coverage":[{"acquired":"2019-04-01"}],"income":{"declared":true,"totalIncome":-0}}]}}""")]
    [InlineData(A, """{"insurer":"amagasaki","fiscalYear":-2147483648,"household":null}""")]
    [InlineData(A, """{"insurer":"amagasaki","fiscalYear":2147483647,"household":null}""")]
    [InlineData(A, """{"insurer":"amagasaki","fiscalYear":2025,"asOf":"9999-12-31","household":{"id":"H","headId":"P1","members":[{"id":"P1","birthDate":"1980-01-01","coverage":[{"acquired":"2019-04-01"}],"income":{"declared":true,"totalIncome":0}}]}}""")]
    [InlineData(A, """{"insurer":"amagasaki","fiscalYear":2025,"asOf":"0001-01-01","household":{"id":"H","headId":"P1","members":[{"id":"P1","birthDate":"1980-01-01","coverage":[{"acquired":"2019-04-01"}],"income":{"declared":true,"totalIncome":0}}]}}""")]
    [InlineData(A, """{"insurer":"amagasaki","fiscalYear":2025,"household":{"id":"H","headId":"P1","members":[{"id":"P1","birthDate":"9999-12-31","coverage":[{"acquired":"9999-12-31","lost":"9999-12-31"}],"income":{"declared":true,"totalIncome":0}}]}}""")]
    [InlineData(A, """{"insurer":"amagasaki","fiscalYear":2025,"household":{"id":"H","headId":"P1","members":[{"id":"P1","birthDate":"0001-01-01","coverage":[{"acquired":"0001-01-01"}],"income":{"declared":true,"totalIncome":0}}]}}""")]
    [InlineData(A, """{"insurer":"amagasaki","fiscalYear":2025,"household":{"id":"H","headId":"P1","members":[{"id":"P1","birthDate":"2025-02-30","coverage":[],"income":{"declared":true,"totalIncome":0}}]}}""")]
    [InlineData(A, """{"insurer":"amagasaki","fiscalYear":2025,"household":{"id":"H","headId":"P1","members":[{"id":"P1","birthDate":"","coverage":[],"income":{"declared":true,"totalIncome":0}}]}}""")]
    [InlineData(A, """{"insurer":"amagasaki","fiscalYear":2025,"household":{"id":"H","headId":"P1","members":[{"id":"P1","birthDate":"+10000-01-01","coverage":[],"income":{"declared":true,"totalIncome":0}}]}}""")]
    [InlineData(A, """{"insurer":"amagasaki","fiscalYear":2025,"household":{"id":"H","headId":"P1","members":[{"id":"P1","birthDate":"1980-01-01","coverage":[],"income":{"declared":true,"totalIncome":0}},{"id":"P1","birthDate":"1980-01-01","coverage":[],"income":{"declared":true,"totalIncome":0}}]}}""")]
    [InlineData(A, """{"insurer":"amagasaki","fiscalYear":2025,"household":{"id":"H","headId":"NOBODY","members":[{"id":"P1","birthDate":"1980-01-01","coverage":[],"income":{"declared":true,"totalIncome":0}}]}}""")]
    [InlineData(A, """{"insurer":"amagasaki","fiscalYear":2025,"household":{"id":"H","headId":"P1","members":[]}}""")]
    [InlineData(A, """{"insurer":"amagasaki","fiscalYear":2025,"household":{"id":"H","headId":"P1","members":[null]}}""")]
    [InlineData(A, """{"insurer":"amagasaki","fiscalYear":2025,"household":{"id":"H","headId":"P1","members":[{"id":"P1","birthDate":"1980-01-01","coverage":[{"acquired":"2025-06-01","lost":"2025-05-01"}],"income":{"declared":true,"totalIncome":0}}]}}""")]
    [InlineData(A, """{"insurer":"amagasaki","fiscalYear":2025,"household":{"id":"H","headId":"P1","members":[{"id":"P1","birthDate":"1980-01-01","coverage":[{"acquired":"2019-04-01","lost":"2025-06-01"},{"acquired":"2025-05-01"}],"income":{"declared":true,"totalIncome":0}}]}}""")]
    [InlineData(A, """{"insurer":"amagasaki","fiscalYear":2025,"household":{"id":"H","headId":"P1","members":[{"id":"P1","birthDate":"1980-01-01","coverage":[{"acquired":"2019-04-01"}],"income":{"declared":true,"totalIncome":0},"childbirths":[{"date":"2025-06-01"},{"date":"2025-06-01"},{"date":"2025-07-01"},{"date":"2025-08-01"},{"date":"2025-09-01"},{"date":"2025-10-01"},{"date":"2025-11-01"},{"date":"2025-12-01"},{"date":"2026-01-01"},{"date":"2026-02-01"},{"date":"2026-03-01"},{"date":"2200-12-31"},{"date":"1890-01-01"}]}]}}""")]
    [InlineData(A, """{"insurer":"amagasaki","fiscalYear":2025,"household":{"id":"H","headId":"P1","members":[{"id":"P1","birthDate":"1980-01-01","coverage":[{"acquired":"2019-04-01"}],"income":{"declared":true,"totalIncome":0},"childbirths":[{"date":"2200-12-31","multiple":true},{"date":"1890-01-01"}],"involuntaryUnemployment":{"separationDate":"2200-12-31","reasonCode":"11"},"specifiedSameHouseholdMember":true,"specifiedSameHouseholdSince":"2200-12-31"}]}}""")]
    [InlineData(A, """{"insurer":"amagasaki","fiscalYear":2025,"fiscalYear":2025,"household":{}}""")]
    [InlineData(A, """{"insurer":"amagasaki\u0000","fiscalYear":2025,"household":{}}""")]
    [InlineData(A, """{"insurer":"\ud800","fiscalYear":2025,"household":{}}""")]
    [InlineData(R, """{"insurer":"amagasaki","change":{"effectiveDate":"0001-01-01"},"asOf":"9999-12-31","years":[{"fiscalYear":2025,"household":null}]}""")]
    [InlineData(R, """{"insurer":"amagasaki","change":{"effectiveDate":"9999-12-31"},"asOf":"9999-12-31","years":[{"fiscalYear":9999,"household":null}]}""")]
    [InlineData(R, """{"insurer":"amagasaki","change":{"effectiveDate":"2025-05-01"},"asOf":"2025-06-01","years":[{"fiscalYear":-2147483648},{"fiscalYear":2147483647},{"fiscalYear":2025},{"fiscalYear":2025}]}""")]
    [InlineData(R, """{"insurer":"amagasaki","change":{"effectiveDate":"2025-05-01"},"asOf":"2025-06-01","years":[]}""")]
    [InlineData(R, """{"insurer":"amagasaki","change":{"effectiveDate":"2025-05-01"},"asOf":"2025-06-01","years":[null]}""")]
    public async Task Named_hostile_requests_get_a_problem_or_an_answer_never_a_500(PremiumEndpoint endpoint, string body)
    {
        if (body == "json nested 54 deep") body = One.Replace("\"coverage\":[", "\"coverage\":" + new string('[', 50)).Replace("\"2019-04-01\"}]", "\"2019-04-01\"}" + new string(']', 50));
        await Check(new HostileRequest(endpoint, "", "application/json", Encoding.UTF8.GetBytes(body), "named"));
    }

    // ---- Regressions: each row is the smallest request that showed a bug, with the answer it now gets -------

    private const string Installments = """{"insurer":"amagasaki","change":{"effectiveDate":"2025-05-01"},"asOf":"2025-06-01","years":[{"fiscalYear":2025,"previous":""";

    [Theory]
    // An unknown charset made the framework throw InvalidOperationException: 500.
    [InlineData(A, "application/json; charset=bogus", One, 415, "urn:kokuhorules:problem:unsupported-media-type", "$")]
    [InlineData(A, "application/json; charset=\"utf-8\"", One, 415, "urn:kokuhorules:problem:unsupported-media-type", "$")]
    [InlineData(R, "application/json; charset=", "{}", 415, "urn:kokuhorules:problem:unsupported-media-type", "$")]
    // A body not sent as JSON was refused by routing with the framework's bare 415 (no detail, not the service's problem type).
    [InlineData(A, "text/plain", One, 415, "urn:kokuhorules:problem:unsupported-media-type", "$")]
    [InlineData(R, "multipart/form-data; boundary=xyz", "i", 415, "urn:kokuhorules:problem:unsupported-media-type", "$")]
    [InlineData(A, "application/x-www-form-urlencoded", "insurer=amagasaki", 415, "urn:kokuhorules:problem:unsupported-media-type", "$")]
    // Previous installments adding up past long.MaxValue: OverflowException, 500.
    [InlineData(R, "application/json", Installments + """{"annualPremium":0,"installments":[{"number":1,"dueDate":"2025-06-30","amount":9223372036854775807},{"number":2,"dueDate":"2025-07-31","amount":1}]}}]}""",
        422, Problems.InvalidRequest, "years[0].previous.installments[0].amount")]
    // A previous premium of 9.2×10^18 yen was accepted (and refunded); a settlement or a component past long's range went unchecked.
    [InlineData(R, "application/json", Installments + """{"annualPremium":9223372036854775807,"installments":[{"number":1,"dueDate":"2025-06-30","amount":9223372036854775807}]}}]}""",
        422, Problems.InvalidRequest, "years[0].previous.annualPremium")]
    [InlineData(R, "application/json", Installments + """{"annualPremium":0,"installments":[],"settlement":{"kind":"additionalBill","amount":9223372036854775807}}}]}""",
        422, Problems.InvalidRequest, "years[0].previous.settlement.amount")]
    [InlineData(R, "application/json", Installments + """{"annualPremium":0,"installments":[],"components":[{"name":"medical","amount":-9223372036854775808}]}}]}""",
        422, Problems.InvalidRequest, "years[0].previous.components[0].amount")]
    // A previous member id shaped like a personal number was returned in the trace (now refused before parsing, by the body guard).
    [InlineData(R, "application/json", Installments + """{"annualPremium":0,"installments":[],"members":[{"id":"123456789012"}]}}]}""",
        422, Problems.IndividualNumber, "years[0].previous.members[0].id")]
    public async Task Regression(PremiumEndpoint endpoint, string contentType, string body, int status, string type, string field)
    {
        var (actual, problem) = await Check(new HostileRequest(endpoint, "", contentType, Encoding.UTF8.GetBytes(body), "regression"));
        Assert.Equal(status, actual);
        Assert.Equal(type, problem.GetProperty("type").GetString());
        Assert.Equal(field, problem.FirstErrorField());
        Assert.DoesNotContain("123456789012", problem.GetRawText());
    }

    [Fact]
    public async Task A_body_without_a_content_type_gets_the_services_415()
    {
        var (status, problem) = await Check(new HostileRequest(PremiumEndpoint.Assessments, "", null, Encoding.UTF8.GetBytes(One), "no Content-Type"));
        Assert.Equal(415, status);
        Assert.Equal("urn:kokuhorules:problem:unsupported-media-type", problem.GetProperty("type").GetString());
    }

    [Theory]
    [InlineData("GET", AssessmentsPath, 405)]
    [InlineData("PUT", "/v1/premium/reassessments", 405)]
    [InlineData("POST", "/v1/premium/nothing-here", 404)]
    public async Task The_frameworks_own_problems_have_a_detail_too(string method, string path, int status)
    {
        var response = await _client.SendAsync(new HttpRequestMessage(new HttpMethod(method), path) { Content = new StringContent(One, Encoding.UTF8, "application/json") });
        var problem = await response.ReadJson((HttpStatusCode)status);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        Assert.False(string.IsNullOrWhiteSpace(problem.GetProperty("detail").GetString()));
        Assert.Equal(status, problem.GetProperty("status").GetInt32());
    }

    // ---- Messages never repeat a person's dates or amounts, nor the caller's raw values ------------------

    [Theory]
    [InlineData("""[{"acquired":"2019-04-01","lost":"2025-06-01"},{"acquired":"2025-05-01"}]""", "coverage periods overlap (period [1] starts before period [0] ends)")]
    [InlineData("""[{"acquired":"2025-05-01"},{"acquired":"2019-04-01","lost":"2025-06-01"}]""", "coverage periods overlap (period [0] starts before period [1] ends)")]
    [InlineData("""[{"acquired":"2019-04-01"},{"acquired":"2019-04-01"}]""", "coverage periods overlap (period [1] starts before period [0] ends)")]
    public async Task Overlapping_coverage_is_named_by_the_periods_places_not_their_dates(string coverage, string message)
    {
        var body = One.Replace("""[{"acquired":"2019-04-01"}]""", coverage);
        var (status, problem) = await Check(new HostileRequest(PremiumEndpoint.Assessments, "", "application/json", Encoding.UTF8.GetBytes(body), "overlap"));
        Assert.Equal(422, status);
        Assert.Equal(("household.members[0].coverage", message), problem.Errors()[0]);
    }

    [Theory]
    // The change after the processing day.
    [InlineData("""{"insurer":"amagasaki","change":{"effectiveDate":"2025-07-14"},"asOf":"2025-06-03","years":[{"fiscalYear":2025}]}""", "change.effectiveDate")]
    // A year before the change, one not yet started, the same year twice.
    [InlineData("""{"insurer":"amagasaki","change":{"effectiveDate":"2025-07-14"},"asOf":"2025-08-03","years":[{"fiscalYear":2024},{"fiscalYear":2026},{"fiscalYear":2025},{"fiscalYear":2025}]}""", "years[0].fiscalYear")]
    // The year of the change missing.
    [InlineData("""{"insurer":"amagasaki","change":{"effectiveDate":"2025-02-14"},"asOf":"2025-08-03","years":[{"fiscalYear":2025}]}""", "years")]
    // Installments that do not add up; an installment number given twice.
    [InlineData("""{"insurer":"amagasaki","change":{"effectiveDate":"2025-07-14"},"asOf":"2025-08-03","years":[{"fiscalYear":2025,"previous":{"annualPremium":541224,"installments":[{"number":1,"dueDate":"2025-06-30","amount":270612}]}}]}""", "years[0].previous.installments")]
    [InlineData("""{"insurer":"amagasaki","change":{"effectiveDate":"2025-07-14"},"asOf":"2025-08-03","years":[{"fiscalYear":2025,"previous":{"annualPremium":541224,"installments":[{"number":1,"dueDate":"2025-06-30","amount":270612},{"number":1,"dueDate":"2025-07-31","amount":270612}]}}]}""", "years[0].previous.installments[1].number")]
    public async Task Reassessment_problems_do_not_repeat_the_requests_dates_or_amounts(string body, string field)
    {
        var (status, problem) = await Check(new HostileRequest(PremiumEndpoint.Reassessments, "", "application/json", Encoding.UTF8.GetBytes(body), "message"));
        Assert.Equal(422, status);
        Assert.Equal(field, problem.FirstErrorField());
        var text = problem.GetRawText();
        foreach (var value in new[] { "2025-07-14", "2025-06-03", "2025-08-03", "2025-02-14", "541224", "541,224", "270612", "270,612", "2025-06-30" })
            Assert.DoesNotContain(value, text);
    }

    [Fact]
    public async Task The_callers_raw_values_are_not_repeated()
    {
        const string secret = @"H\u000aACK-2025-01-01"; // a JSON escape: a line break in the insurer
        var insurer = One.Replace("\"amagasaki\"", $"\"{secret}\"");
        var (_, problem) = await Check(new HostileRequest(PremiumEndpoint.Assessments, "", "application/json", Encoding.UTF8.GetBytes(insurer), "unknown insurer"));
        Assert.DoesNotContain("ACK", problem.GetRawText());
        Assert.Contains("amagasaki", problem.GetProperty("detail").GetString()); // the known insurers are listed

        (_, problem) = await Check(new HostileRequest(PremiumEndpoint.Assessments, "?trace=ACK-2025-01-01", "application/json", Encoding.UTF8.GetBytes(One), "bad query"));
        Assert.Equal(("trace", "expected true or false"), problem.Errors()[0]);
        Assert.DoesNotContain("ACK", problem.GetRawText());

        (_, problem) = await Check(new HostileRequest(PremiumEndpoint.Assessments, "", "application/json; charset=ACK", Encoding.UTF8.GetBytes(One), "bad charset"));
        Assert.DoesNotContain("ACK", problem.GetRawText());

        var response = await _client.GetAsync("/v1/rulesets/ACK/2025");
        var text = await response.Content.ReadAsStringAsync();
        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        Assert.DoesNotContain("ACK", text);
    }
}

// =========================================================================================================
// The generators
// =========================================================================================================

/// <summary>The endpoint a hostile request goes to.</summary>
public enum PremiumEndpoint
{
    Assessments,
    Reassessments,
}

/// <summary>
/// A JSON value as the fuzz writes it. Unlike JsonNode it keeps a number's exact spelling (1e400, -0,
/// 9223372036854775808), lets an object repeat a key and lets a string hold a lone surrogate. Immutable.
/// </summary>
public abstract record FuzzJson
{
    public sealed record Null : FuzzJson;

    public sealed record Bool(bool Value) : FuzzJson;

    /// <summary>A token written as it is: a number in any spelling (or anything else, verbatim).</summary>
    public sealed record Raw(string Text) : FuzzJson;

    public sealed record Str(string Value) : FuzzJson;

    public sealed record Arr(ImmutableArray<FuzzJson> Items) : FuzzJson;

    public sealed record Obj(ImmutableArray<KeyValuePair<string, FuzzJson>> Properties) : FuzzJson
    {
        public int IndexOf(string key)
        {
            for (var i = 0; i < Properties.Length; i++) if (Properties[i].Key == key) return i;
            return -1;
        }
    }

    public static FuzzJson Parse(string json)
    {
        using var doc = JsonDocument.Parse(json);
        return From(doc.RootElement);
    }

    private static FuzzJson From(JsonElement e) => e.ValueKind switch
    {
        JsonValueKind.Object => new Obj([.. e.EnumerateObject().Select(p => KeyValuePair.Create(p.Name, From(p.Value)))]),
        JsonValueKind.Array => new Arr([.. e.EnumerateArray().Select(From)]),
        JsonValueKind.String => new Str(e.GetString()!),
        JsonValueKind.Number => new Raw(e.GetRawText()),
        JsonValueKind.True => new Bool(true),
        JsonValueKind.False => new Bool(false),
        _ => new Null(),
    };

    /// <summary>The JSON text.</summary>
    public string ToJson()
    {
        var sb = new StringBuilder();
        Write(sb);
        return sb.ToString();
    }

    private void Write(StringBuilder sb)
    {
        switch (this)
        {
            case Null: sb.Append("null"); break;
            case Bool b: sb.Append(b.Value ? "true" : "false"); break;
            case Raw r: sb.Append(r.Text); break;
            case Str s: WriteString(sb, s.Value); break;
            case Arr a:
                sb.Append('[');
                for (var i = 0; i < a.Items.Length; i++)
                {
                    if (i > 0) sb.Append(',');
                    a.Items[i].Write(sb);
                }
                sb.Append(']');
                break;
            case Obj o:
                sb.Append('{');
                for (var i = 0; i < o.Properties.Length; i++)
                {
                    if (i > 0) sb.Append(',');
                    WriteString(sb, o.Properties[i].Key);
                    sb.Append(':');
                    o.Properties[i].Value.Write(sb);
                }
                sb.Append('}');
                break;
        }
    }

    /// <summary>Escapes quotes, backslashes, control characters and lone surrogates; everything else is written as is (UTF-8 on the wire).</summary>
    private static void WriteString(StringBuilder sb, string s)
    {
        sb.Append('"');
        for (var i = 0; i < s.Length; i++)
        {
            var c = s[i];
            if (char.IsHighSurrogate(c) && i + 1 < s.Length && char.IsLowSurrogate(s[i + 1])) sb.Append(c).Append(s[++i]);
            else if (c is '"' or '\\') sb.Append('\\').Append(c);
            else if (c < ' ' || char.IsSurrogate(c)) sb.Append("\\u").Append(((int)c).ToString("x4", CultureInfo.InvariantCulture));
            else sb.Append(c);
        }
        sb.Append('"');
    }

    /// <summary>The text, cut to <paramref name="max"/> characters.</summary>
    public string Show(int max = 80)
    {
        var text = ToJson();
        return text.Length <= max ? text : text[..max] + $"…({text.Length} chars)";
    }

    public sealed override string ToString() => Show(4000);

    /// <summary>How many containers are nested at the deepest point (0 for a scalar).</summary>
    public int Depth => this switch
    {
        Arr a => 1 + a.Items.Select(i => i.Depth).DefaultIfEmpty(0).Max(),
        Obj o => 1 + o.Properties.Select(p => p.Value.Depth).DefaultIfEmpty(0).Max(),
        _ => 0,
    };

    /// <summary>The nodes in pre-order (0 is the root).</summary>
    public IEnumerable<FuzzJson> Nodes()
    {
        yield return this;
        IEnumerable<FuzzJson> children = this switch
        {
            Arr a => a.Items,
            Obj o => o.Properties.Select(p => p.Value),
            _ => [],
        };
        foreach (var child in children)
            foreach (var n in child.Nodes())
                yield return n;
    }

    /// <summary>The tree with node number <paramref name="target"/> (pre-order) changed.</summary>
    public FuzzJson Rewrite(int target, Func<FuzzJson, FuzzJson> change)
    {
        var next = 0;
        return Visit(this);

        FuzzJson Visit(FuzzJson node)
        {
            if (next++ == target) return change(node);
            return node switch
            {
                Arr a => new Arr([.. a.Items.Select(Visit)]),
                Obj o => new Obj([.. o.Properties.Select(p => KeyValuePair.Create(p.Key, Visit(p.Value)))]),
                _ => node,
            };
        }
    }

    /// <summary>The tree with its <paramref name="k"/>-th non-empty object (modulo their number) changed; as it is if it has none.</summary>
    public FuzzJson RewriteObject(int k, Func<Obj, FuzzJson> change)
    {
        var objects = Nodes().Select((n, i) => (n, i)).Where(x => x.n is Obj { Properties.Length: > 0 }).Select(x => x.i).ToArray();
        return objects.Length == 0 ? this : Rewrite(objects[k % objects.Length], n => change((Obj)n));
    }

    /// <summary>The value at a path of property names and array indexes, or null.</summary>
    public FuzzJson? At(params object[] path)
    {
        FuzzJson? node = this;
        foreach (var step in path)
            node = (step, node) switch
            {
                (string key, Obj o) when o.IndexOf(key) is >= 0 and var i => o.Properties[i].Value,
                (int index, Arr a) when index < a.Items.Length => a.Items[index],
                _ => null,
            };
        return node;
    }

    /// <summary>
    /// The tree with the value at <paramref name="path"/> changed (<paramref name="change"/> gets the value,
    /// null when the last property is missing, and returns null to remove it). A path whose parent does
    /// not exist leaves the tree as it is.
    /// </summary>
    public FuzzJson Update(object[] path, Func<FuzzJson?, FuzzJson?> change) => UpdateAt(path, 0, change) ?? new Null();

    public FuzzJson Set(object[] path, FuzzJson value) => Update(path, _ => value);

    private FuzzJson? UpdateAt(object[] path, int at, Func<FuzzJson?, FuzzJson?> change)
    {
        if (at == path.Length) return change(this);
        switch (path[at], this)
        {
            case (string key, Obj o):
            {
                var i = o.IndexOf(key);
                if (i < 0)
                    return at == path.Length - 1 && change(null) is { } added ? new Obj(o.Properties.Add(KeyValuePair.Create(key, added))) : this;
                var value = o.Properties[i].Value.UpdateAt(path, at + 1, change);
                return new Obj(value is null ? o.Properties.RemoveAt(i) : o.Properties.SetItem(i, KeyValuePair.Create(key, value)));
            }
            case (int index, Arr a) when index < a.Items.Length:
            {
                var value = a.Items[index].UpdateAt(path, at + 1, change);
                return new Arr(value is null ? a.Items.RemoveAt(index) : a.Items.SetItem(index, value));
            }
            default:
                return this;
        }
    }

    public static FuzzJson S(string value) => new Str(value);

    public static FuzzJson N(string text) => new Raw(text);

    public static FuzzJson A(params FuzzJson[] items) => new Arr([.. items]);

    public static FuzzJson O(params (string Key, FuzzJson Value)[] properties) => new Obj([.. properties.Select(p => KeyValuePair.Create(p.Key, p.Value))]);
}

/// <summary>One request as sent: endpoint, query, content type (null: none), body bytes, and how it was made.</summary>
public sealed record HostileRequest(PremiumEndpoint Endpoint, string Query, string? ContentType, byte[] Body, string Origin)
{
    public string Path => Endpoint == PremiumEndpoint.Assessments ? AssessmentsPath : "/v1/premium/reassessments";

    public HttpRequestMessage ToMessage()
    {
        var content = new ByteArrayContent(Body);
        if (ContentType is not null) content.Headers.TryAddWithoutValidation("Content-Type", ContentType);
        return new HttpRequestMessage(HttpMethod.Post, Path + Query) { Content = content };
    }

    /// <summary>The body as text: UTF-8, with bytes that are not UTF-8 and control characters shown escaped.</summary>
    public string BodyText(int max = 6000)
    {
        var sb = new StringBuilder();
        var bytes = Body.AsSpan();
        while (bytes.Length > 0 && sb.Length < max)
        {
            if (System.Text.Rune.DecodeFromUtf8(bytes, out var rune, out var used) == System.Buffers.OperationStatus.Done)
            {
                if (rune.Value < ' ') sb.Append(CultureInfo.InvariantCulture, $"\\u{rune.Value:x4}");
                else sb.Append(rune.ToString());
            }
            else
            {
                for (var i = 0; i < Math.Max(used, 1); i++) sb.Append(CultureInfo.InvariantCulture, $"\\x{bytes[i]:X2}");
                used = Math.Max(used, 1);
            }
            bytes = bytes[used..];
        }
        if (bytes.Length > 0) sb.Append(CultureInfo.InvariantCulture, $"… ({bytes.Length} more bytes)");
        return sb.ToString();
    }

    public override string ToString() =>
        $"POST {Path}{Query} (Content-Type: {ContentType ?? "none"}; {Body.Length} bytes; {Origin})\n  body: {BodyText()}";
}

/// <summary>Generated JSON (any shape) sent to an endpoint.</summary>
public sealed record ArbitraryJsonCase(PremiumEndpoint Endpoint, string Query, FuzzJson Json)
{
    public HostileRequest Request => new(Endpoint, Query, "application/json", Encoding.UTF8.GetBytes(Json.ToJson()), "generated JSON");

    public override string ToString() => Request.ToString();
}

/// <summary>A change to a JSON tree, described for the counterexample.</summary>
public sealed record Mutation(string Description, Func<FuzzJson, FuzzJson> Apply)
{
    public override string ToString() => Description;
}

/// <summary>A valid request of an endpoint with mutations applied in order.</summary>
public sealed record MutatedCase(PremiumEndpoint Endpoint, string Query, ImmutableArray<Mutation> Mutations)
{
    public FuzzJson Json => Mutations.Aggregate(HostileInputGenerators.ValidTree(Endpoint), (j, m) => m.Apply(j));

    public HostileRequest Request =>
        new(Endpoint, Query, "application/json", Encoding.UTF8.GetBytes(Json.ToJson()), "valid request; " + string.Join("; ", Mutations));

    public override string ToString() => Request.ToString();
}

/// <summary>A body as bytes (often not JSON), with a content type.</summary>
public sealed record RawBodyCase(PremiumEndpoint Endpoint, string Kind, string? ContentType, byte[] Body)
{
    public HostileRequest Request => new(Endpoint, "", ContentType, Body, Kind);

    public override string ToString() => Request.ToString();
}

/// <summary>FsCheck generators of hostile requests (bodies stay under 64 KB and nest under 60 levels).</summary>
public static class HostileInputGenerators
{
    public const int MaxBodyBytes = 60_000;

    private static FuzzJson S(string value) => FuzzJson.S(value);

    private static FuzzJson N(string text) => FuzzJson.N(text);

    // ---- The valid requests ----

    /// <summary>A valid reassessment: A2 after P4 leaves on 2025-09-01, processed on 2025-10-10, with a previous assessment of 541,224 yen in ten installments.</summary>
    public static string ReassessmentBody { get; } = BuildReassessment();

    private static string BuildReassessment()
    {
        var household = A2()["household"]!.DeepClone().AsObject();
        household["members"]![3]!["coverage"]![0]!["lost"] = "2025-09-01";
        var installments = new JsonArray();
        int[] months = [6, 7, 8, 9, 10, 11, 12, 1, 2, 3];
        for (var i = 0; i < months.Length; i++)
        {
            var year = months[i] >= 4 ? 2025 : 2026;
            var due = new NodaTime.LocalDate(year, months[i], NodaTime.CalendarSystem.Iso.GetDaysInMonth(year, months[i]));
            installments.Add(new JsonObject { ["number"] = i + 1, ["dueDate"] = due.ToString("uuuu-MM-dd", CultureInfo.InvariantCulture), ["amount"] = i == 0 ? 54_324 : 54_100 });
        }
        return new JsonObject
        {
            ["insurer"] = "amagasaki",
            ["change"] = new JsonObject { ["effectiveDate"] = "2025-09-01", ["description"] = "P4 転出" },
            ["asOf"] = "2025-10-10",
            ["years"] = new JsonArray(new JsonObject
            {
                ["fiscalYear"] = 2025,
                ["household"] = household,
                ["previous"] = new JsonObject { ["annualPremium"] = 541_224, ["installments"] = installments },
            }),
        }.ToJsonString();
    }

    private static readonly FuzzJson AssessmentTree = FuzzJson.Parse(A2Body);
    private static readonly FuzzJson ReassessmentTree = FuzzJson.Parse(ReassessmentBody);

    public static string ValidBody(PremiumEndpoint endpoint) => endpoint == PremiumEndpoint.Assessments ? A2Body : ReassessmentBody;

    public static FuzzJson ValidTree(PremiumEndpoint endpoint) => endpoint == PremiumEndpoint.Assessments ? AssessmentTree : ReassessmentTree;

    private static object[] HouseholdPath(PremiumEndpoint endpoint) => endpoint == PremiumEndpoint.Assessments ? ["household"] : ["years", 0, "household"];

    private static object[] Path(object[] prefix, params object[] rest) => [.. prefix, .. rest];

    private static string Describe(object[] path) =>
        string.Concat(path.Select((p, i) => p is int n ? $"[{n}]" : (i == 0 ? "" : ".") + p));

    // ---- Values ----

    private static Gen<bool> Chance(int percent) => Gen.Choose(1, 100).Select(x => x <= percent);

    private static readonly string[] Strings =
    [
        "", " ", "amagasaki", "AMAGASAKI", "amagasaki ", "P1", "P9", "H-A2", "2025-04-01", "true", "null", "0", "-1", "ｱﾏｶﾞｻｷ", "尼崎市", "国民健康保険",
        "🙂", "\u0000", "\u001f", "\u007f", "\ud800", "\udfff", "a\u0000b", "\u202e", "\\", "\"", "\r\n", "{", "}", "[", "123456789012", "P\u200b1",
        "<script>alert(1)</script>", "'; DROP TABLE households; --", "%s%n", "${jndi:ldap://x}", "../../etc/passwd", "\uFEFF", "e\u0301", "NaN", "Infinity",
    ];

    private static readonly Gen<char> AnyChar = Gen.Frequency(
        (6, Gen.Choose(' ', '~').Select(c => (char)c)),
        (2, Gen.Choose(0, 31).Select(c => (char)c)),
        (2, Gen.Choose(0x3000, 0x9FFF).Select(c => (char)c)),
        (1, Gen.Choose(0xD800, 0xDFFF).Select(c => (char)c)),
        (1, Gen.Choose(0x80, 0xFFFD).Select(c => (char)c)));

    /// <summary>Strings: the interesting ones, random ones, and rarely a long one (up to 20,000 characters).</summary>
    public static Gen<string> Text { get; } = Gen.Frequency(
        (5, Gen.Elements(Strings)),
        (5, from n in Gen.Choose(0, 40) from cs in Gen.ArrayOf(AnyChar, n) select new string(cs)),
        (1, from n in Gen.Choose(200, 20_000) from c in Gen.Elements('x', '9', 'あ', '\\', '\u0001') select new string(c, n)));

    /// <summary>Numbers as a client might spell them, huge, negative, fractional and exponent forms included.</summary>
    public static Gen<FuzzJson> Number { get; } = Gen.Frequency(
        (5, Gen.Elements(
            "0", "-0", "1", "-1", "1.5", "-1.5", "0.0", "1e400", "-1e400", "1e-400", "1E+2", "1e30", "2025", "2025.0", "2e3", "9223372036854775807",
            "9223372036854775808", "-9223372036854775808", "-9223372036854775809", "2147483647", "2147483648", "-2147483648", "-2147483649",
            "100000000000", "100000000001", "123456789012345678901234567890", "0.1e1", "99999", "1000000000000000000000000000000000000000")
            .Select(N)),
        (3, Gen.Choose(-1_000_000, 1_000_000).Select(n => N(n.ToString(CultureInfo.InvariantCulture)))),
        (1, HouseholdGenerators.LongBetween(long.MinValue / 2, long.MaxValue / 2).Select(n => N(n.ToString(CultureInfo.InvariantCulture)))));

    /// <summary>Whole numbers for int fields (fiscal years, installment numbers, months).</summary>
    public static Gen<FuzzJson> Ints { get; } = Gen.Frequency(
        (5, Gen.Elements("-2147483648", "2147483647", "0", "-1", "99999", "2147483648", "-2147483649", "-0", "1.5", "1e400", "9223372036854775808", "2025.0", "1", "12", "13")
            .Select(N)),
        (3, Gen.Choose(2020, 2030).Select(n => N(n.ToString(CultureInfo.InvariantCulture)))),
        (2, Gen.Choose(-100_000, 100_000).Select(n => N(n.ToString(CultureInfo.InvariantCulture)))),
        (1, Gen.Elements(S("2025"), new FuzzJson.Null(), new FuzzJson.Bool(true), FuzzJson.A(), FuzzJson.O())));

    /// <summary>Amounts of yen for long fields (incomes, premiums, installments).</summary>
    public static Gen<FuzzJson> Longs { get; } = Gen.Frequency(
        (5, Gen.Elements("9223372036854775807", "-9223372036854775808", "-1", "1e30", "100000000000", "100000000001", "99999999999", "9223372036854775808",
            "0.5", "-0", "0", "1E+2", "1e400", "4611686018427387904", "-4611686018427387904").Select(N)),
        (3, HouseholdGenerators.LongBetween(0, 2 * SnapshotReader.MaxYen).Select(n => N(n.ToString(CultureInfo.InvariantCulture)))),
        (2, HouseholdGenerators.LongBetween(long.MinValue / 2, long.MaxValue / 2).Select(n => N(n.ToString(CultureInfo.InvariantCulture)))),
        (1, Gen.Elements(S("2760000"), new FuzzJson.Null(), new FuzzJson.Bool(false), FuzzJson.A(N("1")))));

    private static FuzzJson IsoDate(int year, int month, int day)
    {
        var d = new NodaTime.LocalDate(year, month, Math.Min(day, NodaTime.CalendarSystem.Iso.GetDaysInMonth(year, month)));
        return S(d.ToString("uuuu-MM-dd", CultureInfo.InvariantCulture));
    }

    /// <summary>Dates: impossible ones, the ends of the calendar, any valid date, dates near the requests' years, and values that are not dates.</summary>
    public static Gen<FuzzJson> Dates { get; } = Gen.Frequency(
        (5, Gen.Elements(
            "0001-01-01", "9999-12-31", "2025-02-30", "", "+10000-01-01", "99999-12-31", "10000-01-01", "0000-01-01", "2025-13-01", "2025-00-10", "2025-1-1",
            "1889-12-31", "1890-01-01", "2200-12-31", "2201-01-01", "2024-02-29", "2025-02-29", "2025-04-01T00:00:00", "2025-04-01Z", " 2025-04-01",
            "２０２５-04-01", "2025/04/01", "令和7年4月1日", "-2025-04-01", "9999-12-32").Select(S)),
        (1, Gen.Elements(N("\"\\u0032025-04-01\""), N("20250401"), new FuzzJson.Null(), new FuzzJson.Bool(true), FuzzJson.A(), FuzzJson.O())),
        (3, from y in Gen.Choose(1, 9999) from m in Gen.Choose(1, 12) from d in Gen.Choose(1, 31) select IsoDate(y, m, d)),
        (4, from y in Gen.Choose(1880, 2210) from m in Gen.Choose(1, 12) from d in Gen.Choose(1, 31) select IsoDate(y, m, d)),
        (4, from y in Gen.Choose(2023, 2027) from m in Gen.Choose(1, 12) from d in Gen.Choose(1, 31) select IsoDate(y, m, d)),
        (2, from back in Gen.Choose(0, 800) from end in Gen.Elements(true, false)
            select S((end ? new NodaTime.LocalDate(9999, 12, 31).PlusDays(-back) : new NodaTime.LocalDate(1, 1, 1).PlusDays(back)).ToString("uuuu-MM-dd", CultureInfo.InvariantCulture))));

    /// <summary>Ids: valid, too long, with forbidden characters, shaped like a personal number, or not strings.</summary>
    public static Gen<FuzzJson> Ids { get; } = Gen.Frequency(
        (4, Gen.Elements("P1", "P2", "P9", "NOBODY", "", " ", "p1", "P1 ", "123456789012", "P-123456789012", new string('x', 64), new string('x', 65), "P/1", "P\u00001", "世帯主", "P.1_-x")
            .Select(S)),
        (1, Gen.Elements(N("1"), new FuzzJson.Null(), FuzzJson.A(S("P1")))),
        (1, Text.Select(S)));

    private static readonly string[] ContractKeys =
    [
        "insurer", "fiscalYear", "household", "trial", "asOf", "id", "headId", "members", "birthDate", "coverage", "acquired", "lost", "income", "declared",
        "totalIncome", "combinedIncome", "salaryRevenue", "salaryIncome", "pensionRevenue", "pensionIncome", "childbirths", "date", "multiple",
        "specifiedSameHouseholdMember", "specifiedSameHouseholdSince", "involuntaryUnemployment", "separationDate", "reasonCode", "formerDependant",
        "change", "effectiveDate", "description", "reductionNotCausedByInsured", "years", "previous", "annualPremium", "installments", "number",
        "dueDate", "amount", "settlement", "kind", "components", "name",
    ];

    private static readonly Gen<string> Key = Gen.Frequency((5, Gen.Elements(ContractKeys)), (1, Text));

    private static readonly Gen<FuzzJson> Leaf = Gen.Frequency(
        (3, Text.Select(S)), (3, Number), (1, Gen.Elements<FuzzJson>(new FuzzJson.Bool(true), new FuzzJson.Bool(false))), (1, Gen.Constant<FuzzJson>(new FuzzJson.Null())));

    /// <summary>Any JSON up to <c>depth</c> levels: <c>Trees[d]</c> nests at most d containers.</summary>
    private static readonly Gen<FuzzJson>[] Trees = BuildTrees(5);

    private static Gen<FuzzJson>[] BuildTrees(int depth)
    {
        var trees = new Gen<FuzzJson>[depth + 1];
        trees[0] = Leaf;
        for (var d = 1; d <= depth; d++)
        {
            var inner = trees[d - 1];
            trees[d] = Gen.Frequency(
                (4, Leaf),
                (2, from n in Gen.Choose(0, 4) from items in Gen.ArrayOf(inner, n) select FuzzJson.A(items)),
                (3, from n in Gen.Choose(0, 5) from keys in Gen.ArrayOf(Key, n) from values in Gen.ArrayOf(inner, n)
                    select FuzzJson.O([.. keys.Zip(values)])));
        }
        return trees;
    }

    /// <summary>Containers nested 17 to <paramref name="max"/> deep (deeper than the reader's limit of 16).</summary>
    private static Gen<FuzzJson> Deep(int max) =>
        from depth in Gen.Choose(17, max)
        from objects in Gen.Elements(true, false)
        from leaf in Leaf
        select Enumerable.Range(0, depth).Aggregate(leaf, (inner, _) => objects ? FuzzJson.O(("lost", inner)) : FuzzJson.A(inner));

    private static readonly Gen<PremiumEndpoint> AnyEndpoint = Gen.Elements(PremiumEndpoint.Assessments, PremiumEndpoint.Reassessments);

    private static readonly Gen<string> Query = Gen.Frequency(
        (8, Gen.Constant("")),
        (1, Gen.Elements("?trace=false", "?trace=true", "?trace=abc", "?trace=", "?trace=true&trace=false", "?trace=%00", "?unknown=1", "?trace=1", "?TRACE=false")));

    /// <summary>Generated JSON: anything, objects with the contract's keys, or deep nesting (under 60 levels).</summary>
    public static Gen<ArbitraryJsonCase> ArbitraryJson { get; } =
        (from endpoint in AnyEndpoint
         from query in Query
         from json in Gen.Frequency(
             (3, Trees[5]),
             (4, from n in Gen.Choose(1, 6) from keys in Gen.ArrayOf(Key, n) from values in Gen.ArrayOf(Trees[4], n) select FuzzJson.O([.. keys.Zip(values)])),
             (1, Deep(58)),
             // Inside a valid request (nested at most 6 deep there), so under 60 levels in all.
             (1, from deep in Deep(52) from k in Gen.Choose(0, 200) select ValidTree(PremiumEndpoint.Assessments).Rewrite(k % 60, _ => deep)))
         select new ArbitraryJsonCase(endpoint, query, json))
        .Where(c => Encoding.UTF8.GetByteCount(c.Json.ToJson()) <= MaxBodyBytes);

    /// <summary>Smaller trees: a child instead of its container, a container without one child, shorter strings, zero.</summary>
    public static IEnumerable<FuzzJson> ShrinkJson(FuzzJson json)
    {
        switch (json)
        {
            case FuzzJson.Arr a:
                foreach (var item in a.Items) yield return item;
                for (var i = 0; i < a.Items.Length; i++) yield return new FuzzJson.Arr(a.Items.RemoveAt(i));
                for (var i = 0; i < a.Items.Length; i++)
                    foreach (var smaller in ShrinkJson(a.Items[i]))
                        yield return new FuzzJson.Arr(a.Items.SetItem(i, smaller));
                break;
            case FuzzJson.Obj o:
                foreach (var p in o.Properties) yield return p.Value;
                for (var i = 0; i < o.Properties.Length; i++) yield return new FuzzJson.Obj(o.Properties.RemoveAt(i));
                for (var i = 0; i < o.Properties.Length; i++)
                    foreach (var smaller in ShrinkJson(o.Properties[i].Value))
                        yield return new FuzzJson.Obj(o.Properties.SetItem(i, KeyValuePair.Create(o.Properties[i].Key, smaller)));
                break;
            case FuzzJson.Str { Value.Length: > 0 } s:
                yield return S("");
                if (s.Value.Length > 1) yield return S(s.Value[..(s.Value.Length / 2)]);
                break;
            case FuzzJson.Raw { Text: not "0" }:
                yield return N("0");
                break;
        }
    }

    // ---- Mutations of a valid request ----

    private static Gen<Mutation> Set(object[] path, Gen<FuzzJson> values) =>
        values.Select(v => new Mutation($"{Describe(path)} = {v.Show(60)}", j => j.Set(path, v)));

    private static Gen<Mutation> Named(string description, Func<FuzzJson, FuzzJson> apply) => Gen.Constant(new Mutation(description, apply));

    /// <summary>Mutations that know nothing of the contract: replace, delete, duplicate, add, swap types.</summary>
    private static Gen<Mutation> Generic { get; } = Gen.OneOf(
        from k in Gen.Choose(0, 999)
        from value in Gen.Frequency((3, Leaf), (1, Trees[3]))
        select new Mutation($"replace node #{k} with {value.Show(60)}", j => j.Rewrite(k % j.Nodes().Count(), _ => value)),
        from k in Gen.Choose(0, 999)
        from p in Gen.Choose(0, 99)
        select new Mutation($"delete property #{p} of object #{k}", j => j.RewriteObject(k, o => new FuzzJson.Obj(o.Properties.RemoveAt(p % o.Properties.Length)))),
        from k in Gen.Choose(0, 999)
        from p in Gen.Choose(0, 99)
        from same in Gen.Elements(true, false)
        from value in Leaf
        select new Mutation($"duplicate property #{p} of object #{k}{(same ? "" : " with " + value.Show(40))}", j => j.RewriteObject(k, o =>
        {
            var prop = o.Properties[p % o.Properties.Length];
            return new FuzzJson.Obj(o.Properties.Add(KeyValuePair.Create(prop.Key, same ? prop.Value : value)));
        })),
        from k in Gen.Choose(0, 999)
        from name in Gen.Frequency((3, Gen.Elements("extra", "__proto__", "$type", "$ref", "Insurer", "fiscalyear", "members ", "", "id\u200b", "\u0000")), (1, Text))
        from value in Leaf
        select new Mutation($"unknown property {FuzzJson.S(name).Show(40)} = {value.Show(40)} in object #{k}",
            j => j.RewriteObject(k, o => new FuzzJson.Obj(o.Properties.Add(KeyValuePair.Create(name, value))))),
        from k in Gen.Choose(0, 999)
        from way in Gen.Choose(0, 3)
        select new Mutation($"swap type of node #{k} (way {way})", j => j.Rewrite(k % j.Nodes().Count(), n => Swap(n, way))));

    /// <summary>The same content in another JSON type.</summary>
    private static FuzzJson Swap(FuzzJson node, int way) => node switch
    {
        FuzzJson.Str s => way switch { 0 => N(double.TryParse(s.Value, CultureInfo.InvariantCulture, out _) ? s.Value : "0"), 1 => FuzzJson.A(s), 2 => FuzzJson.O(("value", s)), _ => new FuzzJson.Bool(true) },
        FuzzJson.Raw r => way switch { 0 => S(r.Text), 1 => FuzzJson.A(r), 2 => new FuzzJson.Bool(r.Text != "0"), _ => new FuzzJson.Null() },
        FuzzJson.Bool b => way switch { 0 => S(b.Value ? "true" : "false"), 1 => N(b.Value ? "1" : "0"), _ => FuzzJson.A(b) },
        FuzzJson.Arr a => way switch { 0 => FuzzJson.O([.. a.Items.Select((v, i) => (i.ToString(CultureInfo.InvariantCulture), v))]), 1 => a.Items.Length > 0 ? a.Items[0] : new FuzzJson.Null(), _ => S("[]") },
        FuzzJson.Obj o => way switch { 0 => new FuzzJson.Arr([.. o.Properties.Select(p => p.Value)]), 1 => FuzzJson.A(o), _ => S("{}") },
        _ => way switch { 0 => FuzzJson.O(), 1 => FuzzJson.A(), 2 => S(""), _ => N("0") },
    };

    private static readonly string[] IncomeFields =
        ["totalIncome", "combinedIncome", "salaryRevenue", "salaryIncome", "pensionRevenue", "pensionIncome", "familyEmployeeSalaryDeduction", "transferIncomeSpecialDeduction"];

    private static FuzzJson Member(string id, FuzzJson birthDate, FuzzJson coverage) =>
        FuzzJson.O(("id", S(id)), ("birthDate", birthDate), ("coverage", coverage), ("income", FuzzJson.O(("declared", new FuzzJson.Bool(true)), ("totalIncome", N("0")))));

    private static readonly Gen<FuzzJson> ValidDate =
        from y in Gen.Choose(1950, 2030) from m in Gen.Choose(1, 12) from d in Gen.Choose(1, 31) select IsoDate(y, m, d);

    /// <summary>Mutations of the household (at <paramref name="h"/>): its fields, its members and their facts.</summary>
    private static Gen<Mutation> HouseholdMutation(object[] h)
    {
        var member = Gen.Choose(0, 3);
        return Gen.Frequency(
            (3, from i in member from m in Set(Path(h, "members", i, "birthDate"), Dates) select m),
            (3, from i in member from field in Gen.Elements("acquired", "lost") from m in Set(Path(h, "members", i, "coverage", 0, field), Dates) select m),
            (3, from i in member from field in Gen.Elements(IncomeFields) from m in Set(Path(h, "members", i, "income", field), Longs) select m),
            (1, from i in member from m in Set(Path(h, "members", i, "income", "declared"), Gen.Elements(new FuzzJson.Bool(false), S("true"), N("1"), new FuzzJson.Null())) select m),
            (1, from i in member from m in Set(Path(h, "members", i, "id"), Ids) select m),
            (1, Set(Path(h, "id"), Ids)),
            (1, Set(Path(h, "headId"), Ids)),
            (2, from i in Gen.Choose(1, 3) from j in Gen.Choose(0, 3)
                select new Mutation($"duplicate member id: members[{i}].id = members[{j % i}].id",
                    t => t.At(Path(h, "members", j % i, "id")) is { } id ? t.Set(Path(h, "members", i, "id"), id) : t)),
            (1, Named("a head who is not a member (headId = \"NOBODY\")", t => t.Set(Path(h, "headId"), S("NOBODY")))),
            (1, Named("no members (members = [])", t => t.Set(Path(h, "members"), FuzzJson.A()))),
            (1, from n in Gen.Elements(40, 41, 200)
                select new Mutation($"{n} members", t => t.Set(Path(h, "members"),
                    new FuzzJson.Arr([.. Enumerable.Range(1, n).Select(k => Member($"M{k}", S("1980-01-01"), FuzzJson.A()))])).Set(Path(h, "headId"), S("M1")))),
            (1, from i in member select new Mutation($"members[{i}] = null", t => t.Set(Path(h, "members", i), new FuzzJson.Null()))),
            (2, from i in member from acquired in Dates from back in Gen.Choose(0, 4000)
                select new Mutation($"coverage lost before acquired: members[{i}].coverage = [{{acquired: {acquired.Show(20)}, lost: {back} days earlier}}]", t =>
                {
                    var lost = acquired is FuzzJson.Str { Value: var text } && IsoDateConverterParse(text) is { } a && a.Year > 20 ? S(a.PlusDays(-back).ToString("uuuu-MM-dd", CultureInfo.InvariantCulture)) : acquired;
                    return t.Set(Path(h, "members", i, "coverage"), FuzzJson.A(FuzzJson.O(("acquired", acquired), ("lost", lost))));
                })),
            (2, from i in member from n in Gen.Choose(0, 26) from starts in Gen.ArrayOf(Gen.Frequency((4, ValidDate), (1, Dates)), n) from ends in Gen.ArrayOf(Gen.Frequency((3, ValidDate), (1, Dates), (1, Gen.Constant<FuzzJson>(new FuzzJson.Null()))), n)
                select new Mutation($"members[{i}].coverage = {n} periods: {string.Join(", ", starts.Zip(ends, (a, l) => $"{a.Show(14)}–{l.Show(14)}"))}",
                    t => t.Set(Path(h, "members", i, "coverage"), new FuzzJson.Arr([.. starts.Zip(ends, (a, l) => FuzzJson.O(("acquired", a), ("lost", l)))])))),
            (2, from i in member from n in Gen.Choose(1, 15) from dates in Gen.ArrayOf(Gen.Frequency((3, ValidDate), (2, Dates)), n) from multiple in Gen.Elements<FuzzJson>(new FuzzJson.Bool(true), new FuzzJson.Null(), S("yes"))
                select new Mutation($"members[{i}].childbirths = {n} births: {string.Join(", ", dates.Select(d => d.Show(14)))}",
                    t => t.Set(Path(h, "members", i, "childbirths"), new FuzzJson.Arr([.. dates.Select(d => FuzzJson.O(("date", d), ("multiple", multiple)))])))),
            (1, from i in member from flag in Gen.Elements<FuzzJson>(new FuzzJson.Bool(true), new FuzzJson.Bool(false), S("true"), new FuzzJson.Null()) from hasSince in Chance(70) from since in Dates
                select new Mutation($"members[{i}] specifiedSameHouseholdMember = {flag.Show(10)}, since {(hasSince ? since.Show(20) : "(absent)")}", t =>
                {
                    var withFlag = t.Set(Path(h, "members", i, "specifiedSameHouseholdMember"), flag).Set(Path(h, "members", i, "coverage"), FuzzJson.A());
                    return hasSince ? withFlag.Set(Path(h, "members", i, "specifiedSameHouseholdSince"), since) : withFlag;
                })),
            (1, from i in member from date in Dates from code in Gen.Elements<FuzzJson>(S("11"), S("23"), S(""), S("12345"), S("１１"), new FuzzJson.Null(), N("11"), S("<b>"))
                select new Mutation($"members[{i}].involuntaryUnemployment = {{separationDate: {date.Show(20)}, reasonCode: {code.Show(10)}}}",
                    t => t.Set(Path(h, "members", i, "involuntaryUnemployment"), FuzzJson.O(("separationDate", date), ("reasonCode", code))))),
            (1, from i in member from date in Gen.Frequency((1, Dates), (1, Gen.Constant(S("2019-04-01"))))
                select new Mutation($"members[{i}].formerDependant = {{acquired: {date.Show(20)}}}",
                    t => t.Set(Path(h, "members", i, "formerDependant"), FuzzJson.O(("acquired", date))))),
            (1, from value in Gen.Elements<FuzzJson>(new FuzzJson.Null(), FuzzJson.A(), S("H"), N("1"), FuzzJson.O())
                select new Mutation($"household = {value.Show()}", t => t.Set(h, value))));
    }

    private static NodaTime.LocalDate? IsoDateConverterParse(string text) =>
        IsoLocalDateConverter.TryParse(Encoding.UTF8.GetBytes(text), out var date) ? date : null;

    /// <summary>Mutations of the assessment request's own fields.</summary>
    private static Gen<Mutation> AssessmentMutation { get; } = Gen.Frequency(
        (3, Set(["fiscalYear"], Ints)),
        (2, Set(["asOf"], Dates)),
        (1, Set(["trial"], Gen.Elements<FuzzJson>(new FuzzJson.Bool(true), S("yes"), N("1"), new FuzzJson.Null()))),
        (1, Set(["insurer"], Gen.Frequency((3, Gen.Elements("amagasaki", "AMAGASAKI", "kainan", "", "../amagasaki", "amagasaki/2025").Select(S)), (1, Text.Select(S)), (1, Ids)))));

    /// <summary>Mutations of the reassessment request's own fields: the change, the processing day, the years, the previous assessment.</summary>
    private static Gen<Mutation> ReassessmentMutation { get; } = Gen.Frequency(
        (3, Set(["change", "effectiveDate"], Dates)),
        (3, Set(["asOf"], Dates)),
        (2, from effective in Dates from asOf in Dates
            select new Mutation($"change.effectiveDate = {effective.Show(20)}, asOf = {asOf.Show(20)}", t => t.Set(["change", "effectiveDate"], effective).Set(["asOf"], asOf))),
        (1, Set(["change", "description"], Gen.Frequency((1, Text.Select(S)), (1, Gen.Elements(200, 201, 5000).Select(n => S(new string('変', n))))))),
        (1, Set(["change", "reductionNotCausedByInsured"], Gen.Elements<FuzzJson>(new FuzzJson.Bool(true), S("true"), new FuzzJson.Null()))),
        (1, Set(["trial"], Gen.Elements<FuzzJson>(new FuzzJson.Bool(true), N("1")))),
        (3, Set(["years", 0, "fiscalYear"], Ints)),
        (2, from fy in Ints from trial in Gen.Elements(true, false)
            select new Mutation($"years += a copy of years[0] with fiscalYear {fy.Show()}{(trial ? ", trial: true" : "")}", t =>
            {
                var copy = t.At("years", 0) is FuzzJson.Obj o ? o.Set(["fiscalYear"], fy) : FuzzJson.O(("fiscalYear", fy));
                var added = t.Update(["years"], y => y is FuzzJson.Arr a ? new FuzzJson.Arr(a.Items.Add(copy)) : y);
                return trial ? added.Set(["trial"], new FuzzJson.Bool(true)) : added;
            })),
        (1, from n in Gen.Elements(0, 30, 100)
            select new Mutation($"years = {n} copies of years[0] (fiscal years 2000…)", t => t.At("years", 0) is { } first
                ? t.Set(["years"], new FuzzJson.Arr([.. Enumerable.Range(0, n).Select(k => first.Set(["fiscalYear"], N((2000 + k).ToString(CultureInfo.InvariantCulture))))]))
                : t)),
        (1, Named("years = [null]", t => t.Set(["years"], FuzzJson.A(new FuzzJson.Null())))),
        (3, Set(["years", 0, "previous", "annualPremium"], Longs)),
        (4, from k in Gen.Choose(0, 10) from field in Gen.Elements("amount", "amount", "number", "dueDate")
            from m in Set(["years", 0, "previous", "installments", k, field], field == "amount" ? Longs : field == "number" ? Ints : Dates) select m),
        (1, from amounts in Gen.ArrayOf(Longs, 2)
            select new Mutation($"previous: annualPremium {amounts[0].Show(30)} in one installment of {amounts[1].Show(30)}", t => t
                .Set(["years", 0, "previous", "annualPremium"], amounts[0])
                .Set(["years", 0, "previous", "installments"], FuzzJson.A(FuzzJson.O(("number", N("1")), ("dueDate", S("2025-06-30")), ("amount", amounts[1])))))),
        (1, from n in Gen.Elements(0, 11, 500)
            select new Mutation($"previous.installments = {n} installments of 0 (annualPremium 0)", t => t
                .Set(["years", 0, "previous", "annualPremium"], N("0"))
                .Set(["years", 0, "previous", "installments"], new FuzzJson.Arr([.. Enumerable.Range(1, n).Select(k => FuzzJson.O(
                    ("number", N(k.ToString(CultureInfo.InvariantCulture))), ("dueDate", S("2025-06-30")), ("amount", N("0"))))])))),
        (2, from kind in Gen.Elements<FuzzJson>(S("additionalBill"), S("refund"), S("none"), S("Refund"), S("bogus"), N("1"), N("7"), new FuzzJson.Null()) from amount in Longs
            select new Mutation($"previous.settlement = {{kind: {kind.Show(20)}, amount: {amount.Show(30)}}}",
                t => t.Set(["years", 0, "previous", "settlement"], FuzzJson.O(("kind", kind), ("amount", amount))))),
        (1, from name in Gen.Elements("medical", "support", "care", "child", "") from amount in Longs
            select new Mutation($"previous.components = [{{name: {name}, amount: {amount.Show(30)}}}]",
                t => t.Set(["years", 0, "previous", "components"], FuzzJson.A(FuzzJson.O(("name", S(name)), ("amount", amount)))))),
        (1, from months in Ints from income in Longs from id in Gen.Elements("P1", "P4", "P9")
            select new Mutation($"previous.members = [{{id: {id}, insuredMonths: {months.Show(20)}, componentMonths: {{medical: {months.Show(20)}}}, assessableIncome: {income.Show(30)}}}]",
                t => t.Set(["years", 0, "previous", "members"], FuzzJson.A(FuzzJson.O(("id", S(id)), ("insuredMonths", months),
                    ("componentMonths", FuzzJson.O(("medical", months), ("medical", months))), ("assessableIncome", income), ("incomeDeclared", new FuzzJson.Bool(false))))))),
        (1, from version in Gen.Frequency((1, Text.Select(S)), (1, Ints)) select new Mutation($"previous.ruleset.version = {version.Show(30)}",
            t => t.Set(["years", 0, "previous", "ruleset"], FuzzJson.O(("version", version), ("hash", S("x")))))),
        (1, Set(["years", 0, "previous", "reductionClass"], Text.Select(S))),
        (1, Set(["years", 0, "previous"], Gen.Elements<FuzzJson>(new FuzzJson.Null(), FuzzJson.O(), FuzzJson.A()))));

    private static Gen<Mutation> MutationFor(PremiumEndpoint endpoint) => Gen.Frequency(
        (3, Generic),
        (5, HouseholdMutation(HouseholdPath(endpoint))),
        (4, endpoint == PremiumEndpoint.Assessments ? AssessmentMutation : ReassessmentMutation));

    /// <summary>A valid request of either endpoint with one to five mutations.</summary>
    public static Gen<MutatedCase> Mutated { get; } =
        (from endpoint in AnyEndpoint
         from query in Query
         from n in Gen.Frequency((5, Gen.Constant(1)), (3, Gen.Constant(2)), (2, Gen.Choose(3, 5)))
         from mutations in Gen.ArrayOf(MutationFor(endpoint), n)
         select new MutatedCase(endpoint, query, [.. mutations]))
        .Where(c => Encoding.UTF8.GetByteCount(c.Json.ToJson()) <= MaxBodyBytes);

    /// <summary>The case with one mutation fewer (the shrunk counterexample keeps only the mutations that matter).</summary>
    public static IEnumerable<MutatedCase> ShrinkMutated(MutatedCase c)
    {
        if (c.Query.Length > 0) yield return c with { Query = "" };
        for (var i = 0; i < c.Mutations.Length; i++) yield return c with { Mutations = c.Mutations.RemoveAt(i) };
    }

    // ---- Bodies that are not JSON ----

    private static readonly string[] ContentTypes =
    [
        "application/json", "application/json; charset=utf-8", "APPLICATION/JSON; CHARSET=UTF-8", "application/json; charset=utf-16", "application/json; charset=utf-32",
        "application/json; charset=latin1", "application/json; charset=us-ascii", "application/json; charset=bogus", "application/json; charset=", "application/json;;",
        "text/plain", "text/json", "application/problem+json", "application/merge-patch+json", "application/x-www-form-urlencoded", "multipart/form-data; boundary=xyz",
        "application/xml", "*/*", "application/json, text/plain", "", "application/jsonx", "application/json; charset=\"utf-8\"", "application/*",
    ];

    private static readonly byte[][] BadUtf8 =
        [[0xFF], [0xC0, 0x80], [0xED, 0xA0, 0x80], [0x80], [0xE3, 0x81], [0xF4, 0x90, 0x80, 0x80], [0xFE, 0xFF], [0xC3], [0xF0, 0x9F, 0x99]];

    private static readonly byte[] Bom = [0xEF, 0xBB, 0xBF];

    private static byte[] Utf8(string text) => Encoding.UTF8.GetBytes(text);

    private static byte[] Insert(byte[] body, int at, byte[] bytes) => [.. body[..at], .. bytes, .. body[at..]];

    private static Gen<RawBodyCase> RawFor(PremiumEndpoint endpoint)
    {
        var valid = Utf8(ValidBody(endpoint));
        var position = Gen.Choose(0, valid.Length);
        const string json = "application/json";
        return Gen.Frequency(
            (3, from cut in Gen.Choose(0, valid.Length - 1) select new RawBodyCase(endpoint, $"truncated after {cut} bytes", json, valid[..cut])),
            (2, from at in position from twice in Gen.Elements(1, 2) from ct in Gen.Elements(json, "application/json; charset=utf-8")
                select new RawBodyCase(endpoint, $"byte-order mark ×{twice} at byte {at}", ct, Insert(valid, at, [.. Enumerable.Repeat(Bom, twice).SelectMany(b => b)]))),
            (3, from at in position from bad in Gen.Elements(BadUtf8)
                select new RawBodyCase(endpoint, $"invalid UTF-8 {Convert.ToHexString(bad)} at byte {at}", json, Insert(valid, at, bad))),
            (2, from at in position from n in Gen.Choose(1, 3)
                select new RawBodyCase(endpoint, $"NUL byte ×{n} at byte {at}", json, Insert(valid, at, new byte[n]))),
            (1, from n in Gen.Choose(0, 100) select new RawBodyCase(endpoint, $"NUL bytes only ({n})", json, new byte[n])),
            (2, from text in Gen.Elements("", " ", "\n", "\r\n\t ", "null", "[]", "{}", "\"x\"", "0", "true", "{\"insurer\":", "}", "{}}", "{\"a\":1,}", "[1,]", "NaN", "undefined", "'{}'")
                select new RawBodyCase(endpoint, text.Length == 0 ? "empty body" : $"empty-ish or tiny body {FuzzJson.S(text).Show(20)}", json, Utf8(text))),
            (2, from how in Gen.Elements("followed by }", "followed by itself", "followed by garbage", "behind a comment", "with a trailing comma", "single-quoted", "with a line comment")
                select new RawBodyCase(endpoint, $"almost JSON: valid body {how}", json, Utf8(how switch
                {
                    "followed by }" => ValidBody(endpoint) + "}",
                    "followed by itself" => ValidBody(endpoint) + ValidBody(endpoint),
                    "followed by garbage" => ValidBody(endpoint) + "xyz\u0000",
                    "behind a comment" => "/* c */" + ValidBody(endpoint),
                    "with a trailing comma" => ValidBody(endpoint)[..^1] + ",}",
                    "single-quoted" => ValidBody(endpoint).Replace('"', '\''),
                    _ => "// c\n" + ValidBody(endpoint),
                }))),
            (2, from encoding in Gen.Elements("utf-16", "utf-16BE", "utf-32", "latin1")
                from declared in Gen.Elements(encoding, "utf-8", null)
                select new RawBodyCase(endpoint, $"body encoded as {encoding}, content type says {declared ?? "nothing"}",
                    declared is null ? json : $"application/json; charset={declared}", Encoding.GetEncoding(encoding).GetBytes(ValidBody(endpoint)))),
            (3, from ct in Gen.Elements<string?>([.. ContentTypes, null])
                from body in Gen.Elements(ValidBody(endpoint), "insurer=amagasaki&fiscalYear=2025", "--xyz\r\nContent-Disposition: form-data; name=\"a\"\r\n\r\n1\r\n--xyz--", "<household/>")
                select new RawBodyCase(endpoint, $"content type {ct ?? "(none)"}", ct, Utf8(body))),
            (2, from n in Gen.Choose(0, 300) from bytes in Gen.ArrayOf(Gen.Choose(0, 255).Select(b => (byte)b), n)
                select new RawBodyCase(endpoint, "random bytes", json, bytes)));
    }

    /// <summary>Bodies that are not (quite) JSON, or not sent as JSON, to either endpoint.</summary>
    public static Gen<RawBodyCase> Raw { get; } = Gen.OneOf(RawFor(PremiumEndpoint.Assessments), RawFor(PremiumEndpoint.Reassessments));

    public static IEnumerable<RawBodyCase> ShrinkRaw(RawBodyCase c)
    {
        if (c.Body.Length > 1)
        {
            yield return c with { Body = c.Body[..(c.Body.Length / 2)] };
            yield return c with { Body = c.Body[(c.Body.Length / 2)..] };
        }
    }
}

/// <summary>The arbitraries of <see cref="HostileInputFuzzTests"/>.</summary>
public static class HostileInputArbitraries
{
    public static Arbitrary<ArbitraryJsonCase> ArbitraryJson() =>
        Arb.From(HostileInputGenerators.ArbitraryJson, c => HostileInputGenerators.ShrinkJson(c.Json).Select(j => c with { Json = j }));

    public static Arbitrary<MutatedCase> Mutated() => Arb.From(HostileInputGenerators.Mutated, HostileInputGenerators.ShrinkMutated);

    public static Arbitrary<RawBodyCase> Raw() => Arb.From(HostileInputGenerators.Raw, HostileInputGenerators.ShrinkRaw);
}
