using System.Net;
using System.Text.RegularExpressions;
using KokuhoRules.Tests.Support;
using static KokuhoRules.Tests.Support.StaffBrowser;

namespace KokuhoRules.Tests.Api.Staff;

/// <summary>
/// <c>/staff</c> over HTTP (no browser): the session cookie's flags, the key never in a page, CSRF on every POST, the
/// publisher role, logout, and every page audited with the key's id (never the key) and the rule sets it used.
/// </summary>
public sealed partial class StaffPagesTests(KokuhoApiFactory api) : IClassFixture<KokuhoApiFactory>
{
    private HttpClient Browser() => Open(api);

    [Fact]
    public async Task The_session_cookie_is_httponly_and_strict_and_the_key_is_never_in_a_page()
    {
        using var client = Browser();
        var login = await client.GetAsync("/staff/login");
        var cookie = login.Headers.GetValues("Set-Cookie").Single();
        Assert.Contains("httponly", cookie, StringComparison.OrdinalIgnoreCase);
        Assert.Contains("samesite=strict", cookie, StringComparison.OrdinalIgnoreCase);
        Assert.Contains("path=/staff", cookie, StringComparison.OrdinalIgnoreCase);
        Assert.Equal("no-store", login.Headers.CacheControl?.ToString());
        Assert.Contains("default-src 'none'", login.Headers.GetValues("Content-Security-Policy").Single());

        var answer = await Login(client, TestKeys.Publisher);
        Assert.Equal(HttpStatusCode.SeeOther, answer.StatusCode);
        Assert.Equal("/staff", answer.Headers.Location?.ToString());
        foreach (var path in new[] { "/staff", "/staff/compare?old=amagasaki/2025&new=amagasaki/2026@2026.1", "/staff/trial", "/staff/table", "/staff/rulesets/amagasaki/2025" })
        {
            var page = await client.GetAsync(path);
            Assert.True(page.StatusCode == HttpStatusCode.OK, path);
            Assert.DoesNotContain(TestKeys.Publisher, await page.Content.ReadAsStringAsync());
            Assert.DoesNotContain(TestKeys.Publisher, page.RequestMessage!.RequestUri!.ToString());
        }
    }

    [Fact]
    public async Task Only_a_publisher_key_logs_in_and_an_unknown_key_is_refused()
    {
        using var client = Browser();
        Assert.Equal(HttpStatusCode.Forbidden, (await Login(client, TestKeys.Calculator)).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await Login(client, TestKeys.Auditor)).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await Login(client, TestKeys.Revoked)).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await Login(client, "krk_not_a_key")).StatusCode);
        var list = await client.GetAsync("/staff");
        Assert.Equal(HttpStatusCode.SeeOther, list.StatusCode);
        Assert.Equal("/staff/login", list.Headers.Location?.ToString());
    }

    [Fact]
    public async Task A_post_without_the_sessions_csrf_token_is_refused_and_logout_ends_the_session()
    {
        using var client = Browser();
        Assert.Equal(HttpStatusCode.Forbidden, (await client.PostAsync("/staff/login", new FormUrlEncodedContent(new Dictionary<string, string> { ["apiKey"] = TestKeys.Publisher }))).StatusCode);
        await Login(client, TestKeys.Publisher);
        var trial = new Dictionary<string, string> { ["ruleset"] = "amagasaki/2025@2025.1", ["m1.birthDate"] = "1980-05-05" };
        Assert.Equal(HttpStatusCode.Forbidden, (await client.PostAsync("/staff/trial", new FormUrlEncodedContent(trial))).StatusCode);
        trial["_csrf"] = "forged";
        Assert.Equal(HttpStatusCode.Forbidden, (await client.PostAsync("/staff/trial", new FormUrlEncodedContent(trial))).StatusCode);
        trial["_csrf"] = await Csrf(client, "/staff/trial");
        var done = await client.PostAsync("/staff/trial", new FormUrlEncodedContent(trial));
        Assert.Equal(HttpStatusCode.SeeOther, done.StatusCode);
        Assert.Contains("年間保険料", await client.GetStringAsync("/staff/trial/result"));

        var token = await Csrf(client, "/staff");
        Assert.Equal(HttpStatusCode.SeeOther, (await client.PostAsync("/staff/logout", new FormUrlEncodedContent(new Dictionary<string, string> { ["_csrf"] = token }))).StatusCode);
        Assert.Equal(HttpStatusCode.SeeOther, (await client.GetAsync("/staff")).StatusCode);
    }

    [Fact]
    public async Task The_quick_reference_table_downloads_as_the_csv_the_command_writes()
    {
        using var client = Browser();
        await Login(client, TestKeys.Publisher);
        var answer = await client.GetAsync("/staff/table.csv?ruleset=amagasaki/2025@2025.1&household=single-40-64&step=1000000&to=5000000");
        Assert.Equal(HttpStatusCode.OK, answer.StatusCode);
        Assert.Equal("text/csv", answer.Content.Headers.ContentType?.MediaType);
        var bytes = await answer.Content.ReadAsByteArrayAsync();
        Assert.Equal(new byte[] { 0xEF, 0xBB, 0xBF }, bytes[..3]);
        var lines = System.Text.Encoding.UTF8.GetString(bytes, 3, bytes.Length - 3).Split("\r\n", StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(1 + 6, lines.Length);
        var type = KokuhoRules.Rules.Premium.QuickReference.StandardHouseholds.Single40To64;
        var expected = KokuhoRules.Rules.Premium.QuickReference.QuickReferenceTable.Row(TestRuleSets.Amagasaki2025, type, 3_000_000);
        Assert.Contains(lines, l => l.Contains($",給与収入,3000000,{expected.Income},", StringComparison.Ordinal) && l.Contains($",{expected.AnnualPremium},", StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_pasted_household_with_an_individual_number_is_refused_without_echoing_it()
    {
        using var client = Browser();
        await Login(client, TestKeys.Publisher);
        var json = """{"id":"123456789012","headId":"P1","members":[{"id":"P1","birthDate":"1980-01-01","coverage":[],"income":{"declared":true,"totalIncome":0}}]}""";
        var form = new Dictionary<string, string> { ["_csrf"] = await Csrf(client, "/staff/trial"), ["ruleset"] = "amagasaki/2025@2025.1", ["householdJson"] = json };
        Assert.Equal(HttpStatusCode.SeeOther, (await client.PostAsync("/staff/trial", new FormUrlEncodedContent(form))).StatusCode);
        var result = await client.GetStringAsync("/staff/trial/result");
        Assert.Contains("個人番号", result);
        Assert.DoesNotContain("123456789012", result);
    }

    [Fact]
    public async Task Every_page_is_audited_with_the_keys_id_and_the_rule_sets_it_used_never_the_key()
    {
        using var client = Browser();
        await Login(client, TestKeys.Publisher);
        await client.GetStringAsync("/staff/compare?old=amagasaki/2025&new=amagasaki/2026@2026.1");
        // The entry is durable before the answer leaves (AuditMiddleware), so it is in the file now.
        string log;
        using (var stream = new FileStream(Path.Combine(api.AuditDirectory, "audit-log.jsonl"), FileMode.Open, FileAccess.Read, FileShare.ReadWrite))
            log = new StreamReader(stream).ReadToEnd();
        Assert.DoesNotContain(TestKeys.Publisher, log);
        var compare = log.Split('\n').Last(l => l.Contains("\"endpoint\":\"StaffCompare\"", StringComparison.Ordinal));
        Assert.Contains("\"keyId\":\"test-publisher\"", compare);
        Assert.Contains("\"status\":200", compare);
        Assert.Contains("\"version\":\"2025.1\"", compare);
        Assert.Contains("\"version\":\"2026.1\"", compare);
        Assert.Contains(log.Split('\n'), l => l.Contains("\"endpoint\":\"StaffLogin\"", StringComparison.Ordinal) && l.Contains("\"keyId\":\"test-publisher\"", StringComparison.Ordinal));
    }
}
