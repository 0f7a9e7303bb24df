using System.Net;
using System.Text;
using System.Text.Json.Nodes;
using KokuhoRules.Tests.Support;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using static KokuhoRules.Tests.Api.ApiRequests;

namespace KokuhoRules.Tests.Api.Security;

/// <summary>
/// No personal data in logs or error messages, and no individual number accepted. Every API test of
/// the run goes through <see cref="PersonalDataGuard"/>, which fails a call whose birth dates, incomes,
/// names or individual-number-like values reach a log line (any level) or a problem; these cases
/// aim at the places such values could slip out.
/// </summary>
public sealed class PersonalDataTests(KokuhoApiFactory factory) : IClassFixture<KokuhoApiFactory>
{
    private readonly HttpClient _client = factory.CreateClient();

    public static TheoryData<string, string> IndividualNumbers => new()
    {
        { """{"insurer":"amagasaki","fiscalYear":2025,"household":{"id":"123456789012","headId":"P1","members":[]}}""", "household.id" },
        { """{"insurer":"amagasaki","fiscalYear":2025,"household":{"id":"H1","headId":"P1","members":[{"id":"P1","myNumber":"1234-5678-9012"}]}}""", "household.members[0].myNumber" },
        { """{"insurer":"amagasaki","fiscalYear":2025,"household":{"id":"H1","headId":"P1","members":[{"id":"P1","note":"１２３４５６７８９０１２"}]}}""", "household.members[0].note" },
        { """{"insurer":"amagasaki","fiscalYear":2025,"household":{"id":"H1","headId":"P1","members":[{"id":"P1","income":{"declared":true,"totalIncome":123456789012}}]}}""", "household.members[0].income.totalIncome" },
        { """{"insurer":"amagasaki","fiscalYear":2025,"household":{"id":"H1","headId":"P1","members":[{"id":"P1","coverage":[{"acquired":"2019-04-01"}, "no 1234 5678 9012"]}]}}""", "household.members[0].coverage[1]" },
        { """{"kojin_bango":"x","insurer":"amagasaki"}""", "kojin_bango" },
        // Found by the fuzz test: the value's path named a field whose name was a date.
        { """{"settlement":{"2025-04-01":"123456789012"}}""", "settlement (a field with an unexpected name)" },
        { """{"insurer":"amagasaki","fiscalYear":2025,"household":{"id":"H1","headId":"P1","members":[{"id":"P1","123456789012":1}]}}""", "household.members[0] (a field name)" },
    };

    [Theory]
    [MemberData(nameof(IndividualNumbers))]
    public async Task A_field_that_looks_like_an_individual_number_is_refused_naming_the_field_without_echoing_it(string body, string field)
    {
        var response = await _client.PostRaw(body);
        var problem = await response.ReadProblem(HttpStatusCode.UnprocessableEntity, Problems.IndividualNumber);
        Assert.Equal(field, problem.FirstErrorField());
        Assert.Contains("個人番号", problem.GetProperty("detail").GetString());
        foreach (var value in new[] { "123456789012", "1234-5678-9012", "１２３４５６７８９０１２", "1234 5678 9012" })
            Assert.DoesNotContain(value, problem.GetRawText());
    }

    [Fact]
    public async Task Reassessments_are_scanned_too()
    {
        var response = await _client.PostAsync("/v1/premium/reassessments",
            new StringContent("""{"insurer":"amagasaki","years":[{"fiscalYear":2025,"household":{"id":"H1","headId":"123456789012","members":[]}}]}""", Encoding.UTF8, "application/json"));
        var problem = await response.ReadProblem(HttpStatusCode.UnprocessableEntity, Problems.IndividualNumber);
        Assert.Equal("years[0].household.headId", problem.FirstErrorField());
    }

    /// <summary>Requests full of personal data that fail in every way the service can refuse them.</summary>
    public static TheoryData<string, string> Refusals()
    {
        JsonObject With(Action<JsonObject> change)
        {
            var r = A2();
            change(r);
            return r;
        }
        return new()
        {
            { With(r => r.Member(0)["birthDate"] = "1983-02-30").ToJsonString(), "impossible birth date" },
            { With(r => r.Member(0)["birthDate"] = "1875-05-10").ToJsonString(), "birth date out of range" },
            { With(r => r.Member(0)["coverage"]![0]!["lost"] = "2018-04-01").ToJsonString(), "loss before acquisition" },
            { With(r => r.Member(0)["coverage"]!.AsArray().Add(new JsonObject { ["acquired"] = "2019-05-10" })).ToJsonString(), "overlapping coverage" },
            { With(r => r.Member(0)["income"]!["totalIncome"] = -2760000).ToJsonString(), "negative income" },
            { With(r => r.Member(0)["income"]!["totalIncome"] = 987654321098765).ToJsonString(), "income too large" },
            { With(r => r.Member(0)["income"]!["totalIncome"] = "2760000").ToJsonString(), "income as a string" },
            { With(r => r.Member(0)["name"] = "尼崎 太郎").ToJsonString(), "a name" },
            { With(r => r.Member(0)["birthDate"] = 19830510).ToJsonString(), "birth date as a number" },
            { With(r => r.Member(1)["id"] = "P1").ToJsonString(), "duplicate member ids" },
            { With(r => r["household"]!["headId"] = "1983-05-10").ToJsonString(), "a head who is not a member" },
            { With(r => r["insurer"] = "1983-05-10").ToJsonString(), "a date as the insurer" },
            { With(r => r["fiscalYear"] = 2099).ToJsonString(), "no rule set" },
            { A2Body.Replace("\"1983-05-10\"", "\"1983-05-10\"") + "}", "trailing garbage" },
            { A2Body[..(A2Body.IndexOf("1983-05-10", StringComparison.Ordinal) + 10)], "truncated after a birth date" },
        };
    }

    [Theory]
    [MemberData(nameof(Refusals))]
    public async Task Refused_requests_leak_no_personal_data(string body, string because)
    {
        var response = await _client.PostRaw(body);
        var text = await response.Content.ReadAsStringAsync();
        Assert.True((int)response.StatusCode is >= 400 and < 500, $"{because}: {(int)response.StatusCode} {text}");
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        // The guard has checked every log line and the problem; check the obvious ones here as well.
        Assert.DoesNotContain("1983-05-10", text);
        Assert.DoesNotContain("2760000", text);
        Assert.DoesNotContain("尼崎 太郎", text);
    }

    [Theory]
    [InlineData("""{"insurer":"amagasaki","fiscalYear":2025,"household":{"id":"H1","1983-05-10":true}}""", "household (a field with an unexpected name)")]
    [InlineData("""{"insurer":"amagasaki","fiscalYear":2025,"尼崎 太郎":1}""", "(a field with an unexpected name)")]
    [InlineData("""{"insurer":"amagasaki","fiscalYear":2025,"household":{"id":"H1","members":[{"id":"P1","nickname":"x"}]}}""", "household.members[0].nickname")]
    public async Task An_unknown_field_is_named_only_when_its_name_is_an_identifier(string body, string field)
    {
        var problem = await (await _client.PostRaw(body)).ReadProblem(HttpStatusCode.BadRequest, Problems.MalformedRequest);
        Assert.Equal(field, problem.FirstErrorField());
    }

    [Fact]
    public async Task A_query_string_value_is_never_echoed_nor_logged()
    {
        var response = await _client.PostAssessment(A2(), "?trace=123456789012");
        var problem = await response.ReadProblem(HttpStatusCode.BadRequest, Problems.InvalidQuery);
        Assert.Equal("trace", problem.FirstErrorField());
        Assert.DoesNotContain("123456789012", problem.GetRawText());
    }

    [Fact]
    public async Task The_audit_log_holds_none_of_it()
    {
        foreach (var (body, _) in Refusals().Select(r => ((string)r[0], (string)r[1])))
            await _client.PostRaw(body);
        var log = await File.ReadAllTextAsync(Path.Combine(factory.AuditDirectory, "audit-log.jsonl"));
        foreach (var personal in new[] { "1983-05-10", "1984-06-01", "2760000", "尼崎 太郎", "123456789012" })
            Assert.DoesNotContain(personal, log);
    }
}

/// <summary>The guard itself: a service that did log a birth date would fail the call (so the other tests can fail).</summary>
public sealed class PersonalDataGuardTests : IClassFixture<PersonalDataGuardTests.LeakyService>
{
    /// <summary>The service with one extra, deliberately leaky endpoint that logs a member's birth date (one no other test sends).</summary>
    public sealed class LeakyService : KokuhoApiFactory
    {
        protected override void Configure(IWebHostBuilder builder) =>
            builder.ConfigureServices(services => services.AddSingleton<IStartupFilter>(new LeakyEndpoint()));

        private sealed class LeakyEndpoint : IStartupFilter
        {
            public Action<IApplicationBuilder> Configure(Action<IApplicationBuilder> next) => app =>
            {
                next(app);
                app.Run(async context =>
                {
                    var body = await JsonNode.ParseAsync(context.Request.Body);
                    context.RequestServices.GetRequiredService<ILoggerFactory>().CreateLogger("Leaky")
                        .LogDebug("member born {BirthDate}", body!["household"]!["members"]![0]!["birthDate"]!.GetValue<string>());
                    context.Response.StatusCode = 200;
                });
            };
        }
    }

    private readonly LeakyService _service;

    public PersonalDataGuardTests(LeakyService service) => _service = service;

    [Fact]
    public async Task A_birth_date_in_a_log_line_fails_the_call()
    {
        var before = PersonalDataGuard.Violations.Count;
        var response = await _service.CreateClient().PostAsync("/leaky", new StringContent(A2Body.Replace("1983-05-10", "1961-07-07"), Encoding.UTF8, "application/json"));
        Assert.Equal(HttpStatusCode.InternalServerError, response.StatusCode);
        Assert.Contains("PERSONAL DATA LEAK", await response.Content.ReadAsStringAsync());
        Assert.Contains("1961-07-07", await response.Content.ReadAsStringAsync());
        Assert.True(PersonalDataGuard.Violations.Count > before);
    }
}

/// <summary>A rule-set hash sent back in a reassessment is hex, not a number: found when a re-sealed hash held the run 727227955139.</summary>
public sealed class ContentHashScanTests
{
    private static KokuhoRules.Engine.Requests.FieldError? Scan(string hash) =>
        KokuhoRules.Rules.Snapshots.IndividualNumberScan.Find(Encoding.UTF8.GetBytes("{\"years\":[{\"previous\":{\"ruleset\":{\"hash\":\"" + hash + "\"}}}]}"));

    [Fact]
    public void A_content_hash_whose_digits_run_to_twelve_is_not_an_individual_number()
    {
        Assert.Null(Scan("sha256:4eba0e1f0a8c7d3b9e2f6a1c5d7b3e9f0a2c4e6b8d0f1a3c5e7a727227955139"));
    }

    [Theory]
    [InlineData("sha256:123456789012")]                                                            // not a hash: too short
    [InlineData("sha256:4EBA0E1F0A8C7D3B9E2F6A1C5D7B3E9F0A2C4E6B8D0F1A3C5E7A727227955139")] // not ours: upper case
    [InlineData("md5:4eba0e1f0a8c7d3b9e2f6a1c5d7b3e9f0a2c4e6b8d0f1a3c5e7a727227955139")]
    public void Anything_else_with_twelve_digits_in_a_row_still_is(string value)
    {
        Assert.Equal("years[0].previous.ruleset.hash", Scan(value)?.Field);
    }
}
