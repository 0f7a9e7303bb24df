using System.Net;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using KokuhoRules.Engine.Audit;
using KokuhoRules.Tests.Support;
using NodaTime;
using static KokuhoRules.Tests.Api.ApiRequests;

namespace KokuhoRules.Tests.Api.Audit;

/// <summary>The audit log of the embedded default (a local file) and <c>GET /v1/audit</c>.</summary>
public sealed class AuditLogTests(KokuhoApiFactory factory) : IClassFixture<KokuhoApiFactory>
{
    private string LogFile => Path.Combine(factory.AuditDirectory, "audit-log.jsonl");

    /// <summary>The entries of the log file as stored, newest last.</summary>
    private IReadOnlyList<AuditEntry> FileEntries()
    {
        using var stream = new FileStream(LogFile, FileMode.Open, FileAccess.Read, FileShare.ReadWrite);
        using var reader = new StreamReader(stream);
        return reader.ReadToEnd().Split('\n', StringSplitOptions.RemoveEmptyEntries)
            .Select(l => JsonSerializer.Deserialize<AuditEntry>(l, FileAuditStore.Json)!).ToArray();
    }

    [Fact]
    public async Task An_assessment_is_audited_with_key_endpoint_rule_set_status_and_the_hash_of_the_body_before_it_is_answered()
    {
        var body = Encoding.UTF8.GetBytes(A2Body.Replace("\"H-A2\"", "\"H-AUDITED\""));
        var client = factory.CreateClient(TestKeys.Calculator);
        var response = await client.PostAsync(AssessmentsPath + "?trace=false", new ByteArrayContent(body) { Headers = { ContentType = new("application/json") } });
        var answer = await response.ReadJson();
        var hash = Convert.ToHexStringLower(SHA256.HashData(body));

        var entry = Assert.Single(FileEntries(), e => e.BodySha256 == hash && e.KeyId == "test-calculator");
        Assert.Equal(("POST", "/v1/premium/assessments", "AssessPremium", 200, "ok"), (entry.Method, entry.Path, entry.Endpoint, entry.Status, entry.Outcome));
        Assert.Equal("test test-calculator", entry.Holder);
        Assert.Equal(body.Length, entry.BodyBytes);
        Assert.Equal(["H-AUDITED"], entry.Subjects);
        var ruleSet = Assert.Single(entry.RuleSets);
        var stamp = answer.GetProperty("ruleset");
        Assert.Equal((stamp.GetProperty("insurer").GetString(), stamp.GetProperty("fiscalYear").GetInt32(), stamp.GetProperty("version").GetString(), stamp.GetProperty("hash").GetString()),
            (ruleSet.Insurer, ruleSet.FiscalYear, ruleSet.Version, ruleSet.Hash));
        Assert.True(entry.At <= SystemClock.Instance.GetCurrentInstant() && entry.At > SystemClock.Instance.GetCurrentInstant() - Duration.FromMinutes(1));
        Assert.True(entry.DurationMicroseconds > 0);
    }

    [Fact]
    public async Task The_log_holds_hashes_never_the_body_nor_a_birth_date_or_an_income()
    {
        await (await factory.CreateClient(TestKeys.Calculator).PostAssessment(A2(), "?trace=false")).ReadJson();
        var text = File.ReadAllText(LogFile);
        foreach (var personal in new[] { "1983-05-10", "1984-06-01", "2760000", "4000000", "birthDate", "totalIncome" })
            Assert.DoesNotContain(personal, text);
    }

    [Fact]
    public async Task Refused_calls_are_audited_too_with_who_when_known()
    {
        var anonymous = await factory.CreateClient(key: null).PostAssessment(A2());
        Assert.Equal(HttpStatusCode.Unauthorized, anonymous.StatusCode);
        var unauthenticated = FileEntries().Last(e => e.Status == 401 && e.KeyId is null);
        Assert.Equal(("unauthenticated", "AssessPremium"), (unauthenticated.Outcome, unauthenticated.Endpoint));
        Assert.Null(unauthenticated.BodySha256); // the body of a call without a valid key is not even read

        var revoked = await factory.CreateClient(TestKeys.Revoked).PostAssessment(A2());
        Assert.Equal(HttpStatusCode.Unauthorized, revoked.StatusCode);
        Assert.Contains(FileEntries(), e => e.Status == 401 && e.KeyId == "test-revoked");

        var forbidden = await factory.CreateClient(TestKeys.Auditor).PostAssessment(A2());
        Assert.Equal(HttpStatusCode.Forbidden, forbidden.StatusCode);
        Assert.Contains(FileEntries(), e => e.Status == 403 && e.KeyId == "test-auditor" && e.Outcome == "forbidden");

        var request = A2();
        request.Member(0)["birthDate"] = "2099-01-01";
        var invalid = await factory.CreateClient(TestKeys.Calculator).PostAssessment(request);
        Assert.Equal(HttpStatusCode.UnprocessableEntity, invalid.StatusCode);
        var refused = FileEntries().Last(e => e.Status == 422 && e.KeyId == "test-calculator");
        Assert.Equal("refused:invalid-request", refused.Outcome);
        Assert.NotNull(refused.BodySha256);
    }

    [Theory]
    [InlineData("/v1/people/123456789012")]
    [InlineData("/v1/people/yamada-taro")]
    [InlineData("/v1/%E5%B1%B1%E7%94%B0%E5%A4%AA%E9%83%8E/1983-05-10")]
    public async Task A_path_no_endpoint_matches_is_audited_under_a_fixed_marker_not_as_sent(string path)
    {
        var response = await factory.CreateClient().GetAsync(path + "?probe=" + Guid.NewGuid());
        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        var entry = FileEntries().Last(e => e.Status == 404);
        Assert.Equal(("(unmatched)", "no-such-endpoint", null), (entry.Path, entry.Outcome, entry.Endpoint));
        var text = File.ReadAllText(LogFile);
        // The date as sent, not its year alone: "1983" also turns up inside other entries' numbers (a duration of 621983 µs).
        foreach (var part in new[] { "123456789012", "yamada", "山田", "%E5", "1983-05-10" }) Assert.DoesNotContain(part, text);
    }

    [Fact]
    public async Task The_audit_trace_id_is_the_servers_own_not_the_clients_traceparent()
    {
        const string clientTrace = "0af7651916cd43dd8448eb211c80319c";
        var client = factory.CreateClient(key: null);
        client.DefaultRequestHeaders.Add("traceparent", $"00-{clientTrace}-b7ad6b7169203331-01");
        var problem = await (await client.PostAssessment(A2())).ReadProblem(HttpStatusCode.Unauthorized, Problems.Unauthenticated);

        var entry = FileEntries().Last(e => e.Status == 401 && e.KeyId is null);
        Assert.Matches("^[0-9a-f]{32}$", entry.TraceId);
        Assert.NotEqual(clientTrace, entry.TraceId);
        Assert.DoesNotContain(clientTrace, File.ReadAllText(LogFile));
        // The one id a caller can quote: the problem's traceId names the same call.
        Assert.Contains(entry.TraceId, problem.GetProperty("traceId").GetString());
    }

    [Fact]
    public async Task Each_kind_of_refusal_is_audited_with_its_own_outcome()
    {
        var client = factory.CreateClient(TestKeys.Calculator);
        var malformed = await client.PostRaw("{\"insurer\": ", "?kind=malformed");
        Assert.Equal(HttpStatusCode.BadRequest, malformed.StatusCode);
        var wrongMethod = await client.DeleteAsync(AssessmentsPath);
        Assert.Equal(HttpStatusCode.MethodNotAllowed, wrongMethod.StatusCode);
        var notJson = await client.PostAsync(AssessmentsPath, new StringContent("insurer=amagasaki", Encoding.UTF8, "text/plain"));
        Assert.Equal(HttpStatusCode.UnsupportedMediaType, notJson.StatusCode);

        var entries = FileEntries();
        Assert.Equal("refused:invalid-request", entries.Last(e => e.Status == 400 && e.KeyId == "test-calculator").Outcome);
        var method = entries.Last(e => e.Status == 405);
        Assert.Equal(("refused:method-not-allowed", "(unmatched)"), (method.Outcome, method.Path));
        Assert.Equal("refused:unsupported-media-type", entries.Last(e => e.Status == 415).Outcome);
    }

    [Fact]
    public async Task Calls_to_the_interface_description_are_audited_refused_ones_too()
    {
        var anonymous = factory.CreateClient(key: null);
        var document = await anonymous.GetAsync("/openapi/v1.json");
        Assert.Equal(HttpStatusCode.OK, document.StatusCode);
        Assert.Contains(FileEntries(), e => e.Method == "GET" && e.Path.StartsWith("/openapi/", StringComparison.Ordinal) && e.Status == 200 && e.Outcome == "ok");

        // Paths under /openapi and /docs that are not the description fall to the key requirement: their 401s are audited.
        foreach (var path in new[] { "/openapi", "/docs/x/y" })
        {
            var before = FileEntries().Count;
            var refused = await anonymous.GetAsync(path);
            Assert.Equal(HttpStatusCode.Unauthorized, refused.StatusCode);
            var entry = FileEntries().Skip(before).Single(e => e.Status == 401);
            Assert.Equal(("GET", "unauthenticated", "(unmatched)"), (entry.Method, entry.Outcome, entry.Path));
        }
    }

    [Fact]
    public async Task An_auditor_reads_the_log_newest_first_filtered_and_paged()
    {
        var calculator = factory.CreateClient(TestKeys.Calculator);
        for (var i = 0; i < 3; i++)
        {
            var request = A2();
            request["household"]!["id"] = $"H-AUDIT-{i}";
            await (await calculator.PostAssessment(request, "?trace=false")).ReadJson();
        }
        var auditor = factory.CreateClient(TestKeys.Auditor);

        var page = await (await auditor.GetAsync("/v1/audit?subject=H-AUDIT-1")).ReadJson();
        var only = Assert.Single(page.GetProperty("entries").EnumerateArray());
        Assert.Equal("H-AUDIT-1", only.GetProperty("entry").GetProperty("subjects")[0].GetString());
        Assert.Equal("local file", page.GetProperty("store").GetString());

        var first = await (await auditor.GetAsync("/v1/audit?keyId=test-calculator&limit=2")).ReadJson();
        var entries = first.GetProperty("entries").EnumerateArray().ToArray();
        Assert.Equal(2, entries.Length);
        Assert.True(entries[0].GetProperty("seq").GetInt64() > entries[1].GetProperty("seq").GetInt64());
        Assert.All(entries, e => Assert.Equal("test-calculator", e.GetProperty("entry").GetProperty("keyId").GetString()));
        var next = first.GetProperty("next").GetInt64();
        var second = await (await auditor.GetAsync($"/v1/audit?keyId=test-calculator&limit=2&before={next}")).ReadJson();
        Assert.All(second.GetProperty("entries").EnumerateArray(), e => Assert.True(e.GetProperty("seq").GetInt64() < next));

        var at = entries[0].GetProperty("entry").GetProperty("at").GetString()!;
        var window = await (await auditor.GetAsync($"/v1/audit?from={Uri.EscapeDataString(at)}&keyId=test-calculator")).ReadJson();
        Assert.NotEmpty(window.GetProperty("entries").EnumerateArray());

        // Reading the log is itself audited.
        Assert.Contains(FileEntries(), e => e.KeyId == "test-auditor" && e.Endpoint == "ReadAuditLog" && e.Status == 200);
    }

    [Theory]
    [InlineData("limit=0", "limit")]
    [InlineData("limit=5000", "limit")]
    [InlineData("from=yesterday", "from")]
    [InlineData("before=-3", "before")]
    public async Task Bad_audit_queries_are_refused_naming_the_parameter(string query, string field)
    {
        var problem = await (await factory.CreateClient(TestKeys.Auditor).GetAsync("/v1/audit?" + query)).ReadProblem(HttpStatusCode.UnprocessableEntity, Problems.InvalidRequest);
        Assert.Equal(field, problem.FirstErrorField());
    }
}
