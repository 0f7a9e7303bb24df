using System.IO.Compression;
using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using KokuhoRules.Api.Http;
using KokuhoRules.Tests.Support;
using Microsoft.AspNetCore.Hosting;
using static KokuhoRules.Tests.Api.ApiRequests;

namespace KokuhoRules.Tests.Api;

/// <summary>
/// What an HTTP client expects of the service: validators and caching on rule sets, the one-parameter
/// look-up, the version and rule-set headers on calculations, compression, HEAD on the probes, and one
/// scheme for every problem type.
/// </summary>
public sealed class HttpConventionTests(KokuhoApiFactory factory) : IClassFixture<KokuhoApiFactory>
{
    private readonly HttpClient _client = factory.CreateClient();

    private const string RuleSetPath = "/v1/rulesets/amagasaki/2025";

    private async Task<string> PublishedHash(string insurer, int fiscalYear)
    {
        var list = await (await _client.GetAsync("/v1/rulesets")).ReadJson();
        return list.GetProperty("ruleSets").EnumerateArray()
            .Single(r => r.GetProperty("insurer").GetProperty("id").GetString() == insurer && r.GetProperty("fiscalYear").GetInt32() == fiscalYear
                        && r.GetProperty("capability").GetString() == "premium")
            .GetProperty("hash").GetString()!;
    }

    private Task<HttpResponseMessage> GetWith(string path, params (string Name, string Value)[] headers)
    {
        var request = new HttpRequestMessage(HttpMethod.Get, path);
        foreach (var (name, value) in headers) request.Headers.TryAddWithoutValidation(name, value);
        return _client.SendAsync(request);
    }

    [Fact]
    public async Task A_rule_set_carries_its_content_hash_as_etag_and_if_none_match_answers_304()
    {
        var hash = await PublishedHash("amagasaki", 2025);
        var first = await _client.GetAsync(RuleSetPath);
        await first.ReadJson();
        Assert.Equal($"W/\"{hash}\"", first.Headers.ETag?.ToString());
        Assert.True(first.Headers.CacheControl is { Private: true, NoCache: true, NoStore: false }, first.Headers.CacheControl?.ToString());

        var again = await GetWith(RuleSetPath, ("If-None-Match", first.Headers.ETag!.ToString()));
        Assert.Equal(HttpStatusCode.NotModified, again.StatusCode);
        Assert.Empty(await again.Content.ReadAsByteArrayAsync());
        Assert.Equal(first.Headers.ETag, again.Headers.ETag);

        // The strong form of the tag, a list holding it, and * match too (If-None-Match compares weakly).
        foreach (var ifNoneMatch in new[] { $"\"{hash}\"", $"\"sha256:other\", W/\"{hash}\"", "*" })
            Assert.Equal(HttpStatusCode.NotModified, (await GetWith(RuleSetPath, ("If-None-Match", ifNoneMatch))).StatusCode);

        // Another rule set's tag, or an unreadable header, gets the rule set.
        var otherHash = await PublishedHash("amagasaki", 2024);
        foreach (var ifNoneMatch in new[] { $"W/\"{otherHash}\"", "not-a-tag" })
            await (await GetWith(RuleSetPath, ("If-None-Match", ifNoneMatch))).ReadJson();
    }

    [Fact]
    public async Task One_parameter_is_looked_up_by_its_path()
    {
        var hash = await PublishedHash("amagasaki", 2025);
        var response = await _client.GetAsync(RuleSetPath + "/parameters/rates.medical.incomeRate");
        var body = await response.ReadJson();

        var parameter = body.GetProperty("parameter");
        Assert.Equal("rates.medical.incomeRate", parameter.GetProperty("path").GetString());
        Assert.Equal(0.0804m, parameter.GetProperty("value").GetDecimal());
        Assert.Equal("municipal", parameter.GetProperty("layer").GetString());
        Assert.Equal("amagasaki/2025/premium/parameters.json", parameter.GetProperty("file").GetString());
        Assert.Equal(hash, body.GetProperty("ruleSet").GetProperty("hash").GetString());
        Assert.Equal($"W/\"{hash}\"", response.Headers.ETag?.ToString());
        Assert.Equal(HttpStatusCode.NotModified,
            (await GetWith(RuleSetPath + "/parameters/rates.medical.incomeRate", ("If-None-Match", $"W/\"{hash}\""))).StatusCode);

        // The same value as the whole rule set lists.
        var detail = await (await _client.GetAsync(RuleSetPath)).ReadJson();
        var listed = detail.GetProperty("parameters").EnumerateArray().Single(p => p.GetProperty("path").GetString() == "components.medical.nationalCap");
        var national = await (await _client.GetAsync(RuleSetPath + "/parameters/components.medical.nationalCap")).ReadJson();
        Assert.Equal(listed.GetRawText(), national.GetProperty("parameter").GetRawText());
        Assert.False(parameter.TryGetProperty("toConfirm", out _)); // confirmed: nothing to confirm

        // A draft's value to be confirmed again says what is to be confirmed, from its file.
        var draft = (await (await _client.GetAsync("/v1/rulesets/amagasaki/2026/parameters/rates.medical.incomeRate")).ReadJson()).GetProperty("parameter");
        Assert.False(draft.GetProperty("confirmed").GetBoolean());
        Assert.StartsWith("尼崎市の令和8年度料率は未公表", draft.GetProperty("toConfirm").GetString());
    }

    [Fact]
    public async Task An_unknown_parameter_is_a_404_naming_the_path_and_the_parameters_nearest_to_it()
    {
        var problem = await (await _client.GetAsync(RuleSetPath + "/parameters/rates.medical.incomeRat"))
            .ReadProblem(HttpStatusCode.NotFound, Problems.UnknownParameter);
        var detail = problem.GetProperty("detail").GetString()!;
        Assert.Contains("'rates.medical.incomeRat'", detail);
        Assert.Contains("rates.medical.incomeRate", detail);
        Assert.Equal("path", problem.FirstErrorField());

        // A path that is not dot-separated identifiers is client input of any kind: it is not repeated.
        var odd = await (await _client.GetAsync(RuleSetPath + "/parameters/" + Uri.EscapeDataString("山田 1980-01-01")))
            .ReadProblem(HttpStatusCode.NotFound, Problems.UnknownParameter);
        Assert.DoesNotContain("山田", odd.GetRawText());
        Assert.DoesNotContain("1980", odd.GetRawText());
        Assert.Contains("rates", odd.GetProperty("detail").GetString());

        await (await _client.GetAsync("/v1/rulesets/amagasaki/1999/parameters/rates.medical.incomeRate"))
            .ReadProblem(HttpStatusCode.NotFound, Problems.UnknownRuleSet);
    }

    [Fact]
    public async Task Every_answer_names_the_service_version_and_a_calculation_the_rule_set_hash()
    {
        var response = await _client.PostAssessment(A2(), "?trace=false");
        var body = await response.ReadJson();
        Assert.Equal(body.GetProperty("ruleset").GetProperty("hash").GetString(), Assert.Single(response.Headers.GetValues(ServiceHeaders.RuleSetHashHeader)));
        Assert.Equal(ServiceHeaders.ServiceVersion, Assert.Single(response.Headers.GetValues(ServiceHeaders.VersionHeader)));
        Assert.Matches(@"^\d+\.\d+\.\d+", ServiceHeaders.ServiceVersion);

        // A reassessment names each year's rule set.
        var household = A2()["household"]!.DeepClone();
        var reassessment = new JsonObject
        {
            ["insurer"] = "amagasaki",
            ["change"] = new JsonObject { ["effectiveDate"] = "2025-09-01", ["description"] = "test" },
            ["asOf"] = "2025-10-10",
            ["years"] = new JsonArray(new JsonObject { ["fiscalYear"] = 2025, ["household"] = household, ["previous"] = JsonNode.Parse(body.GetRawText()) }),
        };
        var again = await _client.PostAsync("/v1/premium/reassessments?trace=false", new StringContent(reassessment.ToJsonString(), Encoding.UTF8, "application/json"));
        var years = (await again.ReadJson()).GetProperty("years");
        Assert.Equal(years[0].GetProperty("assessment").GetProperty("ruleset").GetProperty("hash").GetString(),
            Assert.Single(again.Headers.GetValues(ServiceHeaders.RuleSetHashHeader)));

        // Problems and probes carry the version too (the problem after the error handler cleared the headers).
        var problem = await _client.PostRaw("{");
        Assert.Equal(HttpStatusCode.BadRequest, problem.StatusCode);
        Assert.Equal(ServiceHeaders.ServiceVersion, Assert.Single(problem.Headers.GetValues(ServiceHeaders.VersionHeader)));
        Assert.False(problem.Headers.Contains(ServiceHeaders.RuleSetHashHeader));
        Assert.True((await factory.CreateClient(key: null).GetAsync("/health/live")).Headers.Contains(ServiceHeaders.VersionHeader));
    }

    [Theory]
    [InlineData("br")]
    [InlineData("gzip")]
    public async Task Json_answers_are_compressed_for_clients_that_ask(string encoding)
    {
        var plain = await (await _client.GetAsync(RuleSetPath)).Content.ReadAsByteArrayAsync();
        var request = new HttpRequestMessage(HttpMethod.Get, RuleSetPath);
        request.Headers.AcceptEncoding.Add(new StringWithQualityHeaderValue(encoding));
        var response = await _client.SendAsync(request);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal([encoding], response.Content.Headers.ContentEncoding);
        var compressed = await response.Content.ReadAsByteArrayAsync();
        Assert.True(compressed.Length * 2 < plain.Length, $"{encoding}: {compressed.Length} bytes for {plain.Length}");
        using var input = new MemoryStream(compressed);
        using Stream decoder = encoding == "br" ? new BrotliStream(input, CompressionMode.Decompress) : new GZipStream(input, CompressionMode.Decompress);
        using var output = new MemoryStream();
        await decoder.CopyToAsync(output);
        Assert.Equal(plain, output.ToArray());
    }

    /// <summary>Requests refused at each stage of the pipeline: routing, the framework, keys, the body guard, the handlers.</summary>
    public static TheoryData<string, string, string?, string?, int> Refusals => new()
    {
        { "GET", "/v1/no-such-endpoint", null, TestKeys.All, 404 },
        { "DELETE", "/v1/rulesets", null, TestKeys.All, 405 },
        { "POST", AssessmentsPath, "text/plain", TestKeys.All, 415 },
        { "POST", AssessmentsPath + "?trace=abc", "application/json", TestKeys.All, 400 },
        { "POST", AssessmentsPath, "application/json", null, 401 },
        { "GET", "/v1/audit", null, TestKeys.Calculator, 403 },
        { "GET", "/v1/rulesets/nowhere/2025", null, TestKeys.All, 404 },
        { "GET", "/v1/rulesets/amagasaki/2025/parameters/" + Uri.EscapeDataString("\u0001"), null, TestKeys.All, 404 },
    };

    [Theory]
    [MemberData(nameof(Refusals))]
    public async Task Every_problem_type_is_of_the_one_scheme(string method, string path, string? contentType, string? key, int status)
    {
        var request = new HttpRequestMessage(new HttpMethod(method), path);
        if (contentType is not null) request.Content = new StringContent(A2Body, Encoding.UTF8, contentType);
        var response = await factory.CreateClient(key).SendAsync(request);

        var problem = await response.ReadJson((HttpStatusCode)status);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        Assert.StartsWith("urn:kokuhorules:problem:", problem.GetProperty("type").GetString());
        Assert.False(string.IsNullOrWhiteSpace(problem.GetProperty("title").GetString()));
        Assert.False(string.IsNullOrWhiteSpace(problem.GetProperty("detail").GetString()));
    }
}

/// <summary>HEAD on the probes, on real Kestrel (which leaves a HEAD answer's body out; the in-memory test server does not).</summary>
public sealed class ProbeHeadTests(LoopbackApiFactory api) : IClassFixture<LoopbackApiFactory>
{
    [Theory]
    [InlineData("/health")]
    [InlineData("/health/live")]
    [InlineData("/health/ready")]
    public async Task The_probes_answer_head_without_a_key(string path)
    {
        using var client = new HttpClient { BaseAddress = api.BaseAddress };
        var response = await client.SendAsync(new HttpRequestMessage(HttpMethod.Head, path));
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Empty(await response.Content.ReadAsByteArrayAsync());
        Assert.Equal("application/json", response.Content.Headers.ContentType?.MediaType);
    }
}

/// <summary>Readiness counts published rule sets: drafts alone serve trial calculations only, so the service is not ready.</summary>
public sealed class DraftOnlyReadinessTests : IDisposable
{
    private readonly TempRuleSetRoot _root = new();

    public DraftOnlyReadinessTests() => _root.MakeAllDrafts();

    private sealed class DraftsOnly(string root) : KokuhoApiFactory
    {
        protected override void Configure(IWebHostBuilder builder) => builder.UseSetting("RuleSets:Roots:0", root);
    }

    [Fact]
    public async Task Readiness_is_503_not_ready_when_only_drafts_are_served()
    {
        await using var service = new DraftsOnly(_root.Root);
        var client = service.CreateClient(key: null);
        var ready = await (await client.GetAsync("/health/ready")).ReadJson(HttpStatusCode.ServiceUnavailable);
        Assert.Equal(("not-ready", 0), (ready.GetProperty("status").GetString(), ready.GetProperty("publishedRuleSets").GetInt32()));
        Assert.True(ready.GetProperty("ruleSets").GetInt32() >= 2, ready.GetRawText());
        Assert.Equal(HttpStatusCode.ServiceUnavailable, (await client.SendAsync(new HttpRequestMessage(HttpMethod.Head, "/health/ready"))).StatusCode);
    }

    public void Dispose() => _root.Dispose();
}
