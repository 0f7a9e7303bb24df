using KokuhoRules.Tests.Support;
using System.Net;
using System.Text.Json;
using Microsoft.AspNetCore.Mvc.Testing;

namespace KokuhoRules.Tests.Api;

/// <summary>The OpenAPI document and the Scalar API reference page.</summary>
public sealed class OpenApiAndDocsTests(KokuhoApiFactory factory) : IClassFixture<KokuhoApiFactory>
{
    [Fact]
    public async Task The_openapi_document_describes_the_endpoints()
    {
        var response = await factory.CreateClient().GetAsync("/openapi/v1.json");
        var text = await response.Content.ReadAsStringAsync();

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Contains("/v1/premium/assessments", text);
        var doc = JsonDocument.Parse(text).RootElement;
        var paths = doc.GetProperty("paths");
        var assess = paths.GetProperty("/v1/premium/assessments").GetProperty("post");
        Assert.Equal("AssessPremium", assess.GetProperty("operationId").GetString());
        var responses = assess.GetProperty("responses");
        foreach (var status in new[] { "200", "400", "404", "422" })
            Assert.True(responses.TryGetProperty(status, out _), $"response {status} is not documented");
        Assert.True(paths.TryGetProperty("/v1/rulesets/{insurer}/{fiscalYear}", out _));
        Assert.True(paths.TryGetProperty("/health", out _));
        Assert.StartsWith("KokuhoRules", doc.GetProperty("info").GetProperty("title").GetString());
    }

    [Fact]
    public async Task Docs_serves_the_scalar_api_reference()
    {
        var response = await factory.CreateClient().GetAsync("/docs");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("text/html", response.Content.Headers.ContentType?.MediaType);
        var page = await response.Content.ReadAsStringAsync();
        Assert.Contains("<title>KokuhoRules API</title>", page);
        // Its script is the service's own (the package embeds it), not a CDN's.
        Assert.Contains("<script src=\"scalar.js\"></script>", page);
        var script = await factory.CreateClient().GetAsync("/docs/scalar.js");
        Assert.Equal(HttpStatusCode.OK, script.StatusCode);
        Assert.True((await script.Content.ReadAsByteArrayAsync()).Length > 100_000);
    }

    [Fact]
    public async Task Docs_without_a_trailing_slash_redirects_to_docs_slash()
    {
        // Scalar.AspNetCore 2.19 maps "/docs/{documentName?}"; "/docs" itself redirects there.
        var client = factory.CreateClient(new WebApplicationFactoryClientOptions { AllowAutoRedirect = false });

        var redirect = await client.GetAsync("/docs");
        Assert.Equal(HttpStatusCode.Redirect, redirect.StatusCode);
        Assert.Equal("docs/", redirect.Headers.Location?.OriginalString);

        var page = await client.GetAsync("/docs/");
        Assert.Equal(HttpStatusCode.OK, page.StatusCode);
        Assert.Equal("text/html", page.Content.Headers.ContentType?.MediaType);
    }
}
