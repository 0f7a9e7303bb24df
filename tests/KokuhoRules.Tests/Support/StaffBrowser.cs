using System.Text.RegularExpressions;

namespace KokuhoRules.Tests.Support;

/// <summary>A browser session on the staff pages over HTTP: cookies kept, redirects not followed, the form's CSRF token read from the page.</summary>
public static partial class StaffBrowser
{
    /// <summary>A client holding cookies and not following redirects, as a browser session on the page.</summary>
    public static HttpClient Open(KokuhoApiFactory api) =>
        api.CreateClient(new Microsoft.AspNetCore.Mvc.Testing.WebApplicationFactoryClientOptions { AllowAutoRedirect = false, HandleCookies = true });

    [GeneratedRegex("name=\"_csrf\" value=\"([^\"]+)\"")]
    private static partial Regex CsrfToken();

    /// <summary>The CSRF token of the form on <paramref name="path"/> (empty when the page has none).</summary>
    public static async Task<string> Csrf(HttpClient client, string path) => CsrfToken().Match(await client.GetStringAsync(path)).Groups[1].Value;

    /// <summary>The login form posted with <paramref name="key"/>.</summary>
    public static async Task<HttpResponseMessage> Login(HttpClient client, string key) =>
        await client.PostAsync("/staff/login", new FormUrlEncodedContent(new Dictionary<string, string> { ["_csrf"] = await Csrf(client, "/staff/login"), ["apiKey"] = key }));

    /// <summary>A browser session logged in on <paramref name="api"/> with the publisher's key.</summary>
    public static async Task<HttpClient> LoggedIn(KokuhoApiFactory api)
    {
        var client = Open(api);
        await Login(client, TestKeys.Publisher);
        return client;
    }
}
