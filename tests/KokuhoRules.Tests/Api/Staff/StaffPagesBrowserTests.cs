using System.Globalization;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.Json.Nodes;
using KokuhoRules.Api.Security;
using KokuhoRules.Api.Staff;
using KokuhoRules.Rules.Premium;
using KokuhoRules.Rules.Premium.QuickReference;
using KokuhoRules.Tests.Support;

namespace KokuhoRules.Tests.Api.Staff;

/// <summary>
/// <c>/staff</c> end to end in headless Chromium against the service on real Kestrel: a non-publisher key is refused,
/// a publisher logs in, lists the rule sets, compares amagasaki 2025 with the 2026 draft, runs a trial household (the
/// premium shown is the API's answer), opens the 早見表 (a row is the API's answer), runs an impact report (a component row and the chart are shown), logs out — and no page makes a
/// request to any other host. The 料率算定 page: targets typed in the form give the rates <see cref="KokuhoRules.Rules.Premium.Solve.RateSolver"/> gives, with the
/// chart and the parameters.json download; a bad target is the form again with the page's message (422). With <c>KOKUHO_STAFF_SCREENSHOTS=&lt;folder&gt;</c> each page is saved as a PNG there.
/// </summary>
public sealed class StaffPagesBrowserTests(LoopbackApiFactory api) : IClassFixture<LoopbackApiFactory>
{
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(20);

    [SkippableFact]
    public async Task A_publisher_logs_in_compares_tries_a_household_and_reads_the_quick_reference_table()
    {
        HeadlessChromium.Require();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(120));
        var cancel = timeout.Token;
        var service = api.BaseAddress;
        await using var browser = await HeadlessChromium.StartAsync(cancel);
        var page = await browser.OpenAsync(new Uri(service, "/staff"), cancel);

        // Not logged in: the list sends the browser to the login form. A calculator's key is refused there.
        await WaitFor(browser, page, "/staff/login", "API キー", cancel);
        await Screenshot(browser, page, "1-login", cancel);
        await Submit(browser, page, "form[action='/staff/login']", new() { ["apiKey"] = TestKeys.Calculator }, cancel);
        await WaitFor(browser, page, "/staff/login", "公開担当 (publisher) の権限がない", cancel);

        await Submit(browser, page, "form[action='/staff/login']", new() { ["apiKey"] = TestKeys.Publisher }, cancel);
        var list = await WaitFor(browser, page, "/staff", "ルールセット一覧", cancel);
        Assert.Contains("尼崎市", list);
        Assert.Contains("下書き (draft)", list);
        Assert.DoesNotContain(TestKeys.Publisher, await Html(browser, page, cancel));
        await Screenshot(browser, page, "2-rulesets", cancel);

        // Compare 2025 with the 2026 draft: the national cap of 医療分 changed (令和8年政令第2号).
        await Navigate(browser, page, new Uri(service, "/staff/compare"), cancel);
        await WaitFor(browser, page, "/staff/compare", "比較する", cancel);
        await Submit(browser, page, "form[action='/staff/compare']", new() { ["old"] = "amagasaki/2025@2025.1", ["new"] = "amagasaki/2026@2026.1" }, cancel);
        await WaitFor(browser, page, "/staff/compare", "パラメータ (", cancel);
        const string path = "components.medical.nationalCap";
        var row = await browser.EvaluateAsync(page, $"[...document.querySelectorAll('table.compare tr')].find(r => r.innerText.includes('{path}'))?.innerText ?? ''", cancel) ?? "";
        var old = TestRuleSets.Amagasaki2025.ParameterTable.TryGet(path, out var p25) ? p25.ValueText : null;
        var draft = TestRuleSets.Catalog.Versions(PremiumRuleSetCompiler.CapabilityName, "amagasaki", 2026)[^1];
        var @new = draft.ParameterTable.TryGet(path, out var p26) ? p26.ValueText : null;
        Assert.NotEqual(old, @new);
        Assert.Contains("賦課限度額 (国の上限)", row);
        Assert.Contains(old!, row);
        Assert.Contains(@new!, row);
        await Screenshot(browser, page, "3-compare", cancel);

        // A trial household: the premium shown is the API's answer for the same household.
        await Navigate(browser, page, new Uri(service, "/staff/trial"), cancel);
        await WaitFor(browser, page, "/staff/trial", "試算する", cancel);
        await Submit(browser, page, "form[action='/staff/trial']", new()
        {
            ["ruleset"] = "amagasaki/2025@2025.1", ["m1.birthDate"] = "1982-07-02", ["m1.salaryRevenue"] = "4000000", ["m2.birthDate"] = "1990-01-15",
        }, cancel);
        await WaitFor(browser, page, "/staff/trial/result", "計算の過程", cancel);
        var shown = await browser.EvaluateAsync(page, "document.getElementById('annual-premium').innerText", cancel);
        Assert.Equal((await ApiPremium(TrialHousehold(), 2025, "2025.1", cancel)).ToString("N0"), shown);
        await Screenshot(browser, page, "4-trial", cancel);

        // The 早見表: the row of 給与収入 4,000,000 is the API's answer for that household; the chart is drawn.
        var type = StandardHouseholds.SingleUnder40;
        await Navigate(browser, page, new Uri(service, $"/staff/table?ruleset=amagasaki/2025@2025.1&household={type.Id}"), cancel);
        await WaitFor(browser, page, "/staff/table", "保険料早見表", cancel);
        var cells = await browser.EvaluateAsync(page, "[...document.querySelectorAll('table.quick tr')].map(r => r.innerText).find(t => t.startsWith('4,000,000')) ?? ''", cancel) ?? "";
        var expected = await ApiPremium(QuickReferenceTable.Household(type, 2025, 4_000_000), 2025, "2025.1", cancel);
        Assert.EndsWith(expected.ToString("N0"), cells.Trim());
        Assert.Equal("true", await browser.EvaluateAsync(page, "document.querySelector('svg.chart polyline') !== null", cancel));
        await Screenshot(browser, page, "5-table", cancel);

        // 影響試算: a small synthetic population; a component row and the change-band chart are shown.
        await Navigate(browser, page, new Uri(service, "/staff/impact"), cancel);
        await WaitFor(browser, page, "/staff/impact", "影響を試算する", cancel);
        await Submit(browser, page, "form[action='/staff/impact']", new()
        {
            ["base"] = "amagasaki/2025@2025.1", ["draft"] = "amagasaki/2026@2026.1", ["insured"] = "200", ["seed"] = "5",
        }, cancel);
        await WaitFor(browser, page, "/staff/impact/result", "区分ごとの総額", cancel);
        var medical = await browser.EvaluateAsync(page, "[...document.querySelectorAll('table.impact-components tr')].map(r => r.innerText).find(t => t.startsWith('医療分')) ?? ''", cancel) ?? "";
        Assert.StartsWith("医療分", medical);
        Assert.Equal("true", await browser.EvaluateAsync(page,
            "(() => { const s = document.getElementById('impact-chart'); const r = s && s.getBoundingClientRect(); return String(!!r && r.width > 0 && r.height > 0 && s.querySelectorAll('rect.bar').length > 0); })()", cancel));
        Assert.Equal("", await Overlapping(browser, page, "impact-chart", cancel));
        await Screenshot(browser, page, "6-impact", cancel);

        // Logout: the session is gone.
        await Submit(browser, page, "form.logout", new(), cancel);
        await WaitFor(browser, page, "/staff/login", "ログイン", cancel);
        await Navigate(browser, page, new Uri(service, "/staff/table"), cancel);
        await WaitFor(browser, page, "/staff/login", "API キー", cancel);

        var foreign = browser.RequestedUrls().Where(u => !FromTheService(u, service)).ToArray();
        Assert.True(foreign.Length == 0, "requests to other hosts: " + string.Join(", ", foreign));
    }

    /// <summary>The population the solve tests type in the form: a small synthetic one (not real people's data).</summary>
    private const int SolveInsured = 400, SolveSeed = 5;

    [SkippableFact]
    public async Task A_publisher_solves_the_rates_for_typed_targets_and_the_page_shows_what_the_solver_gives()
    {
        HeadlessChromium.Require();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(120));
        var cancel = timeout.Token;
        var service = api.BaseAddress;
        // What the page must show: the solver's answer for the same targets (each component's draft raise) and population.
        var draft = StaffSolvePageTests.DraftRuleSet();
        var spec = $"{draft.Insurer}/{draft.FiscalYear}@{draft.Version}";
        var (targets, expected) = StaffSolvePageTests.DraftsOwnTargets(draft, StaffImpactPage.Synthetic(draft.FiscalYear, SolveSeed, SolveInsured), draft.Components);
        await using var browser = await HeadlessChromium.StartAsync(cancel);
        var page = await LogIn(browser, service, cancel);

        // From the navigation, choose the rule set, type each component's target (yen with separators, as staff write it), keep the defaults.
        var link = await browser.EvaluateAsync(page, "document.querySelector(\"nav a[href='/staff/solve']\").innerText", cancel);
        Assert.Equal("料率算定", link);
        await Follow(browser, page, "nav a[href='/staff/solve']", cancel);
        await WaitFor(browser, page, "/staff/solve", "料率を算定する", cancel);
        await Submit(browser, page, "form[action='/staff/solve'][method='get']", new() { ["draft"] = spec }, cancel);
        await WaitFor(browser, page, "/staff/solve", $"{draft.Components[^1].Label} ({draft.Components[^1].Name})", cancel);
        var defaults = await browser.EvaluateAsync(page, "(() => { const f = document.querySelector(\"form[action='/staff/solve'][method='post']\"); return " +
            string.Join(" + ' ' + ", draft.Components.SelectMany(c => new[] { $"f.elements['{c.Name}.incomeShare'].value", $"f.elements['{c.Name}.perCapitaShare'].value" })
                .Concat(new[] { "f.elements['rounding.incomeRate'].value", "f.elements['rounding.perCapita'].value", "f.elements['rounding.perHousehold'].value", "f.elements['population'].value" })) + "; })()", cancel);
        Assert.Equal(string.Join(" ", draft.Components.SelectMany(_ => new[] { "0.5", "0.7" }).Concat(new[] { "0.0001", "1", "1", "synthetic" })), defaults); // the splits and rounding DraftsOwnTargets assumes
        var fields = new Dictionary<string, string> { ["population"] = "synthetic", ["insured"] = SolveInsured.ToString(CultureInfo.InvariantCulture), ["seed"] = SolveSeed.ToString(CultureInfo.InvariantCulture) };
        for (var i = 0; i < draft.Components.Count; i++) fields[draft.Components[i].Name + ".amount"] = targets[i].ToString("N0", CultureInfo.InvariantCulture);
        await Submit(browser, page, "form[action='/staff/solve'][method='post']", fields, cancel);
        var text = await WaitFor(browser, page, "/staff/solve/result", "目標と賦課額", cancel);
        Assert.Contains($"版 {draft.Version}", text);
        Assert.Contains($"世帯 {expected.Households.ToString("N0", CultureInfo.InvariantCulture)}", text);
        Assert.Contains("confirmed: false", text);
        await Screenshot(browser, page, "7-solve", cancel);

        // The solved parameters, row by row: 区分, 目標, 賦課額, 差, 所得割率, (案), 均等割, (案), 平等割, (案), 限度額の世帯, 反復.
        var rows = JsonSerializer.Deserialize<string[][]>(await browser.EvaluateAsync(page,
            "JSON.stringify([...document.querySelectorAll('table.solve-components tbody tr')].map(r => [...r.cells].map(c => c.innerText.trim())))", cancel) ?? "[]")!;
        Assert.Equal(expected.Components.Select(c => c.Label), rows.Select(r => r[0]));
        static long ParseYen(string s) => long.Parse(s, NumberStyles.AllowThousands | NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture);
        static decimal ParseRate(string s) => decimal.Parse(s.TrimEnd('%'), CultureInfo.InvariantCulture) / 100m;
        foreach (var (c, row) in expected.Components.Zip(rows))
        {
            Assert.Equal(new[] { c.Target, c.Raised, c.Residual }, new[] { ParseYen(row[1]), ParseYen(row[2]), ParseYen(row[3]) });
            Assert.Equal(new[] { c.IncomeRate, c.DraftIncomeRate }, new[] { ParseRate(row[4]), ParseRate(row[5]) });
            Assert.Equal(new[] { c.PerCapita, c.DraftPerCapita, c.PerHousehold, c.DraftPerHousehold, c.HouseholdsAtCap, c.Iterations },
                new[] { ParseYen(row[6]), ParseYen(row[7]), ParseYen(row[8]), ParseYen(row[9]), ParseYen(row[10]), ParseYen(row[11]) });
        }

        // The chart: drawn, a target bar and a raised bar per component, each titled with the table's amount.
        Assert.Equal("true", await browser.EvaluateAsync(page,
            "(() => { const s = document.getElementById('solve-chart'); const r = s && s.getBoundingClientRect(); return String(!!r && r.width > 0 && r.height > 0); })()", cancel));
        static string Yen(long v) => v.ToString("N0", CultureInfo.InvariantCulture);
        var bars = JsonSerializer.Deserialize<string[]>(await browser.EvaluateAsync(page,
            "JSON.stringify([...document.querySelectorAll('#solve-chart rect.bar')].map(b => b.querySelector('title').textContent))", cancel) ?? "[]")!;
        Assert.Equal(expected.Components.SelectMany(c => new[] { $"{c.Label} 目標: {Yen(c.Target)} 円", $"{c.Label} 賦課額: {Yen(c.Raised)} 円" }), bars);
        // Every component named once under its pair of bars, and no two texts of the chart drawn over each other (as a person sees them).
        var groups = JsonSerializer.Deserialize<string[]>(await browser.EvaluateAsync(page,
            "JSON.stringify([...document.querySelectorAll('#solve-chart text.group')].map(t => t.textContent))", cancel) ?? "[]")!;
        Assert.Equal(expected.Components.Select(c => c.Label), groups);
        Assert.Equal("", await Overlapping(browser, page, "solve-chart", cancel));

        // The download link: the draft's parameters.json with the solved values, each confirmed: false.
        Assert.Equal("true", await browser.EvaluateAsync(page, "String(document.getElementById('solve-download').hasAttribute('download'))", cancel));
        var (name, bytes) = await Download(browser, page, "#solve-download", cancel);
        Assert.Equal("solved-parameters.json", name);
        var parameters = JsonNode.Parse(bytes)!;
        foreach (var c in expected.Components)
        {
            var rates = parameters["rates"]![c.Name]!;
            Assert.Equal(c.IncomeRate, rates["incomeRate"]!["value"]!.GetValue<decimal>());
            Assert.Equal(c.PerCapita, rates["perCapita"]!["value"]!.GetValue<long>());
            Assert.False(rates["incomeRate"]!["confirmed"]!.GetValue<bool>());
            Assert.False(rates["perCapita"]!["confirmed"]!.GetValue<bool>());
            if (c.PerHousehold != 0) Assert.Equal(c.PerHousehold, rates["perHousehold"]!["value"]!.GetValue<long>());
        }

        var foreign = browser.RequestedUrls().Where(u => !FromTheService(u, service)).ToArray();
        Assert.True(foreign.Length == 0, "requests to other hosts: " + string.Join(", ", foreign));
    }

    [SkippableFact]
    public async Task A_target_that_is_not_a_number_or_no_target_at_all_is_the_form_again_with_the_pages_message_not_a_500()
    {
        HeadlessChromium.Require();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(120));
        var cancel = timeout.Token;
        var service = api.BaseAddress;
        var draft = StaffSolvePageTests.DraftRuleSet();
        var c = draft.Components[0];
        await using var browser = await HeadlessChromium.StartAsync(cancel);
        var page = await LogIn(browser, service, cancel);
        await Navigate(browser, page, new Uri(service, "/staff/solve?draft=" + Uri.EscapeDataString($"{draft.Insurer}/{draft.FiscalYear}@{draft.Version}")), cancel);
        await WaitFor(browser, page, "/staff/solve", "料率を算定する", cancel);
        const string status = "String(performance.getEntriesByType('navigation')[0].responseStatus)";

        // A target that is not a number: the message names the field, the form keeps what was typed.
        await Submit(browser, page, "form[action='/staff/solve'][method='post']", new() { [c.Name + ".amount"] = "百万円" }, cancel);
        await WaitFor(browser, page, "/staff/solve", "算定できません", cancel);
        Assert.Equal("422", await browser.EvaluateAsync(page, status, cancel));
        var problem = await browser.EvaluateAsync(page, "document.getElementById('solve-problem').innerText", cancel) ?? "";
        Assert.Equal($"算定できません: フォーム: components.{c.Name}.amount は円単位の整数を半角で入力してください", problem);
        Assert.Equal("百万円", await browser.EvaluateAsync(page, $"document.querySelector(\"form[action='/staff/solve'][method='post']\").elements['{c.Name}.amount'].value", cancel));
        Assert.Equal("false", await browser.EvaluateAsync(page, "String(document.getElementById('solve-chart') !== null)", cancel));
        await Screenshot(browser, page, "8-solve-problem", cancel);

        // No target at all: the message says a component is needed.
        await Submit(browser, page, "form[action='/staff/solve'][method='post']", new() { [c.Name + ".amount"] = "" }, cancel);
        await WaitFor(browser, page, "/staff/solve", "算定できません", cancel);
        Assert.Equal("422", await browser.EvaluateAsync(page, status, cancel));
        Assert.Contains("components must name at least one component", await browser.EvaluateAsync(page, "document.getElementById('solve-problem').innerText", cancel));

        var foreign = browser.RequestedUrls().Where(u => !FromTheService(u, service)).ToArray();
        Assert.True(foreign.Length == 0, "requests to other hosts: " + string.Join(", ", foreign));
    }

    /// <summary>A new tab logged in with the publisher's key, on the rule-set list.</summary>
    private static async Task<string> LogIn(HeadlessChromium browser, Uri service, CancellationToken cancel)
    {
        var page = await browser.OpenAsync(new Uri(service, "/staff/login"), cancel);
        await WaitFor(browser, page, "/staff/login", "API キー", cancel);
        await Submit(browser, page, "form[action='/staff/login']", new() { ["apiKey"] = TestKeys.Publisher }, cancel);
        await WaitFor(browser, page, "/staff", "ルールセット一覧", cancel);
        return page;
    }

    /// <summary>Clicks the link <paramref name="selector"/> finds, as a person would, and waits for the page it opens.</summary>
    private static async Task Follow(HeadlessChromium browser, string page, string selector, CancellationToken cancel)
    {
        await browser.EvaluateAsync(page, "window.__before = performance.timeOrigin", cancel);
        Assert.Equal("ok", await browser.EvaluateAsync(page, $"(() => {{ document.querySelector(\"{selector}\").click(); return 'ok'; }})()", cancel));
        await WaitForNewDocument(browser, page, cancel);
    }

    /// <summary>
    /// Clicks the download link <paramref name="selector"/> finds, as a person would (the pages' CSP allows no script to fetch), and returns
    /// the file the browser saved: its name and its bytes.
    /// </summary>
    private static async Task<(string Name, byte[] Bytes)> Download(HeadlessChromium browser, string page, string selector, CancellationToken cancel)
    {
        var folder = Directory.CreateTempSubdirectory("kokuho-download-").FullName;
        try
        {
            await browser.SendAsync("Browser.setDownloadBehavior", new JsonObject { ["behavior"] = "allow", ["downloadPath"] = folder }, cancel: cancel);
            Assert.Equal("ok", await browser.EvaluateAsync(page, $"(() => {{ document.querySelector(\"{selector}\").click(); return 'ok'; }})()", cancel));
            var until = DateTime.UtcNow + Deadline;
            while (DateTime.UtcNow < until)
            {
                await Task.Delay(100, cancel);
                // Chromium writes a partial download under another name and renames it when complete.
                if (Directory.GetFiles(folder).Where(f => !f.EndsWith(".crdownload", StringComparison.Ordinal) && !Path.GetFileName(f).StartsWith('.')).ToArray() is [var file])
                    return (Path.GetFileName(file), await File.ReadAllBytesAsync(file, cancel));
            }
            Assert.Fail("the link downloaded nothing");
            return default;
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }

    /// <summary>The trial household as the API's contract has it: 給与収入 400万円 → 給与所得 276万円 (国税庁 別表第五), members insured from 2024-04-01.</summary>
    private static JsonObject TrialHousehold() => JsonNode.Parse("""
        { "id": "TRIAL-1", "headId": "P1", "members": [
          { "id": "P1", "birthDate": "1982-07-02", "coverage": [ { "acquired": "2024-04-01" } ],
            "income": { "declared": true, "totalIncome": 2760000, "salaryRevenue": 4000000, "salaryIncome": 2760000 } },
          { "id": "P2", "birthDate": "1990-01-15", "coverage": [ { "acquired": "2024-04-01" } ], "income": { "declared": true, "totalIncome": 0 } } ] }
        """)!.AsObject();

    private async Task<long> ApiPremium(object household, int year, string version, CancellationToken cancel)
    {
        using var client = new HttpClient { BaseAddress = api.BaseAddress };
        client.DefaultRequestHeaders.Add(ApiKeyAuthenticationHandler.Header, TestKeys.Publisher);
        var body = new JsonObject
        {
            ["insurer"] = "amagasaki", ["fiscalYear"] = year, ["rulesetVersion"] = version, ["trial"] = true,
            ["household"] = household as JsonNode ?? JsonSerializer.SerializeToNode(household, KokuhoRules.Rules.Snapshots.KokuhoJson.Options),
        };
        using var answer = await client.PostAsJsonAsync("/v1/premium/assessments?trace=false", body, cancel);
        answer.EnsureSuccessStatusCode();
        return (await answer.Content.ReadFromJsonAsync<JsonObject>(cancel))!["annualPremium"]!.GetValue<long>();
    }

    /// <summary>Fills the form's fields (by name) and submits it, as a person would (the page itself has no script).</summary>
    private static async Task Submit(HeadlessChromium browser, string page, string form, Dictionary<string, string> fields, CancellationToken cancel)
    {
        await browser.EvaluateAsync(page, "window.__before = performance.timeOrigin", cancel);
        var values = JsonSerializer.Serialize(fields);
        var script = $"(() => {{ const f = document.querySelector(\"{form}\"); const v = {values}; for (const k in v) f.elements[k].value = v[k]; f.requestSubmit ? f.requestSubmit() : f.submit(); return 'ok'; }})()";
        Assert.Equal("ok", await browser.EvaluateAsync(page, script, cancel));
        await WaitForNewDocument(browser, page, cancel);
    }

    private static async Task Navigate(HeadlessChromium browser, string page, Uri url, CancellationToken cancel)
    {
        await browser.EvaluateAsync(page, "window.__before = performance.timeOrigin", cancel);
        await browser.SendAsync("Page.navigate", new JsonObject { ["url"] = url.ToString() }, page, cancel);
        await WaitForNewDocument(browser, page, cancel);
    }

    /// <summary>Waits until the tab shows a document other than the one marked before (a new page has loaded).</summary>
    private static async Task WaitForNewDocument(HeadlessChromium browser, string page, CancellationToken cancel)
    {
        var until = DateTime.UtcNow + Deadline;
        while (DateTime.UtcNow < until)
        {
            await Task.Delay(100, cancel);
            if (await browser.EvaluateAsync(page, "window.__before === undefined && document.readyState === 'complete' ? 'new' : 'old'", cancel) == "new") return;
        }
        Assert.Fail("the page did not change");
    }

    /// <summary>The page's text once it is at <paramref name="path"/> and shows <paramref name="expected"/>.</summary>
    private static async Task<string> WaitFor(HeadlessChromium browser, string page, string path, string expected, CancellationToken cancel)
    {
        var until = DateTime.UtcNow + Deadline;
        var text = "";
        var at = "";
        while (DateTime.UtcNow < until)
        {
            at = await browser.EvaluateAsync(page, "location.pathname", cancel) ?? "";
            text = await browser.EvaluateAsync(page, "document.body ? document.body.innerText : ''", cancel) ?? "";
            if (at == path && text.Contains(expected, StringComparison.Ordinal)) return text;
            await Task.Delay(150, cancel);
        }
        Assert.Fail($"expected '{expected}' at {path}; at {at}: {text[..Math.Min(text.Length, 600)]}");
        return text;
    }

    private static async Task<string> Html(HeadlessChromium browser, string page, CancellationToken cancel) =>
        await browser.EvaluateAsync(page, "document.documentElement.outerHTML", cancel) ?? "";

    /// <summary>Saves the page as a PNG in <c>KOKUHO_STAFF_SCREENSHOTS</c> (when set), for a person to look at.</summary>
    /// <summary>Two texts of a chart drawn over each other, as the browser lays them out ("" when none).</summary>
    private static async Task<string> Overlapping(HeadlessChromium browser, string page, string chart, CancellationToken cancel) =>
        await browser.EvaluateAsync(page, $$"""
            (() => { const b = [...document.querySelectorAll('#{{chart}} text')].map(t => ({ t: t.textContent, r: t.getBoundingClientRect() }));
              for (let i = 0; i < b.length; i++) for (let j = i + 1; j < b.length; j++) {
                const p = b[i].r, q = b[j].r;
                if (p.left < q.right - 1 && q.left < p.right - 1 && p.top < q.bottom - 1 && q.top < p.bottom - 1) return b[i].t + ' / ' + b[j].t; }
              return ''; })()
            """, cancel) ?? "(no answer)";

    private static async Task Screenshot(HeadlessChromium browser, string page, string name, CancellationToken cancel)
    {
        if (Environment.GetEnvironmentVariable("KOKUHO_STAFF_SCREENSHOTS") is not { Length: > 0 } folder) return;
        Directory.CreateDirectory(folder);
        await browser.SendAsync("Emulation.setDeviceMetricsOverride", new JsonObject { ["width"] = 1280, ["height"] = 1000, ["deviceScaleFactor"] = 1, ["mobile"] = false }, page, cancel);
        var shot = await browser.SendAsync("Page.captureScreenshot", new JsonObject { ["format"] = "png", ["captureBeyondViewport"] = true }, page, cancel);
        await File.WriteAllBytesAsync(Path.Combine(folder, name + ".png"), Convert.FromBase64String(shot["data"]!.GetValue<string>()), cancel);
    }

    private static bool FromTheService(string url, Uri service)
    {
        var uri = new Uri(url);
        if (uri.Scheme is "data" or "blob" or "about") return true;
        return uri.Host == service.Host && uri.Port == service.Port;
    }
}
