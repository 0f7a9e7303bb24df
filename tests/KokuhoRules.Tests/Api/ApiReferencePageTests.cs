using KokuhoRules.Tests.Support;

namespace KokuhoRules.Tests.Api;

/// <summary>
/// <c>/docs</c> loaded in headless Chromium from the service on real Kestrel: the page renders the API
/// (its script and the OpenAPI document come from the service) and makes no request to any other host —
/// no CDN fonts, no script, no AI agent, no telemetry.
/// </summary>
public sealed class ApiReferencePageTests(LoopbackApiFactory api) : IClassFixture<LoopbackApiFactory>
{
    /// <summary>How long the page may keep loading; the test ends as soon as it has rendered and gone quiet.</summary>
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(25);

    /// <summary>The page is quiet when no request has started for this long.</summary>
    private static readonly TimeSpan Quiet = TimeSpan.FromSeconds(1.5);

    [SkippableFact]
    public async Task The_reference_page_renders_from_the_service_alone()
    {
        HeadlessChromium.Require();
        using var timeout = new CancellationTokenSource(Deadline + TimeSpan.FromSeconds(20));
        var service = api.BaseAddress;
        await using var browser = await HeadlessChromium.StartAsync(timeout.Token);

        var page = await browser.OpenAsync(new Uri(service, "/docs/"), timeout.Token);
        var text = await RenderedText(browser, page, "国民健康保険料 計算 API", timeout.Token);

        var urls = browser.RequestedUrls();
        var foreign = urls.Where(u => !FromTheService(u, service)).ToArray();
        Assert.True(foreign.Length == 0, "requests to other hosts: " + string.Join(", ", foreign));
        Assert.Contains(urls, u => new Uri(u).AbsolutePath == "/docs/scalar.js");
        Assert.Contains(urls, u => new Uri(u).AbsolutePath == "/openapi/v1.json");

        Assert.Equal("KokuhoRules API", await browser.EvaluateAsync(page, "document.title", timeout.Token));
        foreach (var feature in new[] { "Ask AI", "Generate SDK", "Deploy", "Share" })
            Assert.DoesNotContain(feature, text, StringComparison.OrdinalIgnoreCase);
    }

    /// <summary>
    /// The page's visible text once it shows <paramref name="expected"/> (the script has run and read the
    /// document) and no request has started for <see cref="Quiet"/>.
    /// </summary>
    private static async Task<string> RenderedText(HeadlessChromium browser, string page, string expected, CancellationToken cancel)
    {
        var deadline = DateTime.UtcNow + Deadline;
        var text = "";
        var requests = -1;
        var quietSince = DateTime.UtcNow;
        while (DateTime.UtcNow < deadline)
        {
            await Task.Delay(250, cancel);
            var now = browser.RequestedUrls().Count;
            if (now != requests) (requests, quietSince) = (now, DateTime.UtcNow);
            text = await browser.EvaluateAsync(page, "document.body ? document.body.innerText : ''", cancel) ?? "";
            if (text.Contains(expected, StringComparison.Ordinal) && DateTime.UtcNow - quietSince >= Quiet) return text;
        }
        Assert.Fail($"the page did not render '{expected}' within {Deadline.TotalSeconds} s; requests: {string.Join(", ", browser.RequestedUrls())}; text: {text[..Math.Min(text.Length, 400)]}");
        return text;
    }

    /// <summary>A request to the service itself, or one that leaves no machine (data:, blob:, about:).</summary>
    private static bool FromTheService(string url, Uri service)
    {
        var uri = new Uri(url);
        if (uri.Scheme is "data" or "blob" or "about") return true;
        return uri.Host == service.Host && uri.Port == service.Port;
    }
}
