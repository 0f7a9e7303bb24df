using System.Net;
using System.Net.Http.Headers;
using System.Text.Json.Nodes;
using KokuhoRules.Api.Security;
using KokuhoRules.Tests.Support;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using static KokuhoRules.Tests.Api.ApiRequests;

namespace KokuhoRules.Tests.Api.Security;

/// <summary>Every endpoint but the health probes (and the public API description) needs a valid key.</summary>
public sealed class AuthenticationTests(KokuhoApiFactory factory) : IClassFixture<KokuhoApiFactory>
{
    /// <summary>Paths that answer without a key: probes and the description of the interface (no data).</summary>
    private static bool IsPublic(string route) =>
        route.StartsWith("/health", StringComparison.Ordinal) || route.StartsWith("/openapi", StringComparison.Ordinal) || route.StartsWith("/docs", StringComparison.Ordinal);

    [Fact]
    public async Task Every_endpoint_but_the_probes_and_the_description_refuses_a_call_without_a_key()
    {
        var anonymous = factory.CreateClient(key: null);
        var pages = factory.CreateClient(new Microsoft.AspNetCore.Mvc.Testing.WebApplicationFactoryClientOptions { AllowAutoRedirect = false });
        pages.DefaultRequestHeaders.Remove(KokuhoRules.Api.Security.ApiKeyAuthenticationHandler.Header);
        var endpoints = factory.Services.GetRequiredService<EndpointDataSource>().Endpoints.OfType<RouteEndpoint>()
            .Select(e => (Route: "/" + e.RoutePattern.RawText!.TrimStart('/'), Methods: e.Metadata.GetMetadata<Microsoft.AspNetCore.Routing.HttpMethodMetadata>()?.HttpMethods ?? ["GET"]))
            .ToArray();
        Assert.Contains(endpoints, e => e.Route == "/v1/audit");
        Assert.Contains(endpoints, e => e.Route == AssessmentsPath);
        var checkedCount = 0;
        foreach (var (route, methods) in endpoints.Where(e => !IsPublic(e.Route)))
        {
            if (route.StartsWith("/staff", StringComparison.Ordinal))
            {
                // The staff pages log in with a form (a session, not a header): without one they send the browser to it.
                if (route is "/staff/login" or "/staff/staff.css") continue;
                foreach (var method in methods)
                {
                    var page = await pages.SendAsync(new HttpRequestMessage(new HttpMethod(method), route.Replace("{insurer}", "amagasaki").Replace("{fiscalYear:int}", "2025")));
                    Assert.True(page.StatusCode == HttpStatusCode.SeeOther && page.Headers.Location?.ToString() == "/staff/login", $"{method} {route}: {page.StatusCode}");
                    checkedCount++;
                }
                continue;
            }
            var path = route.Replace("{insurer}", "amagasaki").Replace("{fiscalYear:int}", "2025").Replace("{fiscalYear}", "2025");
            foreach (var method in methods)
            {
                var request = new HttpRequestMessage(new HttpMethod(method), path);
                if (method == "POST") request.Content = new StringContent(A2Body, System.Text.Encoding.UTF8, "application/json");
                var response = await anonymous.SendAsync(request);
                var problem = await response.ReadProblem(HttpStatusCode.Unauthorized, Problems.Unauthenticated);
                Assert.Contains("X-Api-Key", problem.GetProperty("detail").GetString());
                Assert.Equal("ApiKey", response.Headers.WwwAuthenticate.Single().Scheme);
                checkedCount++;
            }
        }
        Assert.True(checkedCount >= 5, $"only {checkedCount} endpoints checked");
        Assert.Equal(HttpStatusCode.OK, (await anonymous.GetAsync("/health/live")).StatusCode);
    }

    [Fact]
    public async Task An_unknown_key_is_refused_without_echoing_it()
    {
        const string guess = "krk_thisKeyWasNeverIssuedToAnyoneAtAll000000000";
        var response = await factory.CreateClient(guess).PostAssessment(A2());
        var problem = await response.ReadProblem(HttpStatusCode.Unauthorized, Problems.Unauthenticated);
        Assert.Contains("not known", problem.GetProperty("detail").GetString());
        Assert.DoesNotContain(guess, problem.GetRawText());
    }

    [Fact]
    public async Task A_revoked_key_is_refused_and_named()
    {
        var response = await factory.CreateClient(TestKeys.Revoked).PostAssessment(A2());
        var problem = await response.ReadProblem(HttpStatusCode.Unauthorized, Problems.Unauthenticated);
        Assert.Contains("'test-revoked' was revoked", problem.GetProperty("detail").GetString());
    }

    [Fact]
    public async Task The_key_may_be_sent_as_an_ApiKey_authorization_but_not_as_a_bearer_token()
    {
        var client = factory.CreateClient(key: null);
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("ApiKey", TestKeys.Calculator);
        (await (await client.PostAssessment(A2(), "?trace=false")).ReadJson()).GetProperty("annualPremium").GetInt64();

        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", TestKeys.Calculator);
        var problem = await (await client.PostAssessment(A2())).ReadProblem(HttpStatusCode.Unauthorized, Problems.Unauthenticated);
        Assert.Contains("ApiKey <key>", problem.GetProperty("detail").GetString());
    }

    [Fact]
    public async Task Two_different_keys_in_one_request_are_refused_with_400_not_one_picked()
    {
        var both = factory.CreateClient(TestKeys.Auditor);
        both.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("ApiKey", TestKeys.Calculator);
        var problem = await (await both.PostAssessment(A2())).ReadProblem(HttpStatusCode.BadRequest, Problems.AmbiguousKey);
        Assert.Contains("different API keys", problem.GetProperty("detail").GetString());
        Assert.DoesNotContain(TestKeys.Calculator, problem.ToString());
        Assert.DoesNotContain(TestKeys.Auditor, problem.ToString());
        // Neither key's roles were used: not the calculator's (an assessment), not the auditor's.
        Assert.Equal(HttpStatusCode.BadRequest, (await both.GetAsync("/v1/audit")).StatusCode);

        var twice = factory.CreateClient(TestKeys.Calculator);
        twice.DefaultRequestHeaders.Add(ApiKeyAuthenticationHandler.Header, TestKeys.Publisher);
        await (await twice.PostAssessment(A2())).ReadProblem(HttpStatusCode.BadRequest, Problems.AmbiguousKey);

        // The same key in both headers is one key.
        var same = factory.CreateClient(TestKeys.Calculator);
        same.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("ApiKey", TestKeys.Calculator);
        await (await same.PostAssessment(A2(), "?trace=false")).ReadJson();
    }

    [Fact]
    public async Task The_local_development_key_is_off_when_a_keys_file_is_used_without_it()
    {
        var response = await factory.CreateClient(KokuhoRules.Engine.Security.ApiKeyFile.DevelopmentKey).PostAssessment(A2());
        var problem = await response.ReadProblem(HttpStatusCode.Unauthorized, Problems.Unauthenticated);
        Assert.Contains("turned off", problem.GetProperty("detail").GetString());
    }
}

/// <summary>Each key holds roles; each endpoint (and a trial calculation) needs one.</summary>
public sealed class RoleTests(KokuhoApiFactory factory) : IClassFixture<KokuhoApiFactory>
{
    private static JsonObject Trial()
    {
        var request = A2();
        request["fiscalYear"] = 2026; // a draft rule set: only a trial may use it
        request["trial"] = true;
        return request;
    }

    [Fact]
    public async Task A_calculator_assesses_but_may_not_run_a_trial_nor_read_the_audit_log()
    {
        var client = factory.CreateClient(TestKeys.Calculator);
        await (await client.PostAssessment(A2())).ReadJson();

        var trial = await (await client.PostAssessment(Trial())).ReadProblem(HttpStatusCode.Forbidden, Problems.Forbidden);
        Assert.Equal("publisher", trial.GetProperty("requiredRole").GetString());
        Assert.Contains("test-calculator", trial.GetProperty("detail").GetString());

        var audit = await (await client.GetAsync("/v1/audit")).ReadProblem(HttpStatusCode.Forbidden, Problems.Forbidden);
        Assert.Equal("auditor", audit.GetProperty("requiredRole").GetString());
    }

    [Fact]
    public async Task A_publisher_runs_trials_but_not_assessments()
    {
        var client = factory.CreateClient(TestKeys.Publisher);
        var trial = await (await client.PostAssessment(Trial())).ReadJson();
        Assert.True(trial.GetProperty("trial").GetBoolean());

        var assessment = await (await client.PostAssessment(A2())).ReadProblem(HttpStatusCode.Forbidden, Problems.Forbidden);
        Assert.Equal("calculator", assessment.GetProperty("requiredRole").GetString());

        var reassessment = JsonNode.Parse("""{"insurer":"amagasaki","asOf":"2025-09-01","years":[]}""")!;
        var refused = await client.PostAsync("/v1/premium/reassessments", new StringContent(reassessment.ToJsonString(), System.Text.Encoding.UTF8, "application/json"));
        await refused.ReadProblem(HttpStatusCode.Forbidden, Problems.Forbidden);
    }

    [Fact]
    public async Task An_auditor_reads_the_audit_log_but_calculates_nothing()
    {
        var client = factory.CreateClient(TestKeys.Auditor);
        await (await client.GetAsync("/v1/audit")).ReadJson();
        var problem = await (await client.PostAssessment(A2())).ReadProblem(HttpStatusCode.Forbidden, Problems.Forbidden);
        Assert.Contains("calculator or publisher", problem.GetProperty("detail").GetString());
    }

    [Fact]
    public async Task Any_key_reads_the_rule_sets()
    {
        foreach (var key in new[] { TestKeys.Calculator, TestKeys.Publisher, TestKeys.Auditor })
            await (await factory.CreateClient(key).GetAsync("/v1/rulesets/amagasaki/2025")).ReadJson();
    }
}
