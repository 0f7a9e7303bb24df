using System.Net;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using KokuhoRules.Engine.Audit;
using KokuhoRules.Tests.Support;
using static KokuhoRules.Tests.Api.ApiRequests;

namespace KokuhoRules.Tests.Api;

/// <summary>
/// <c>POST /v1/withholding/stops</c> (issue 13 item 4): the determination request and the change in, the stop month,
/// what was withheld and the new ordinary installments out — the same installments <c>POST /v1/premium/reassessments</c>
/// gives for the same premium change; bad input refused as problems naming the field; audited like a determination.
/// </summary>
public sealed class WithholdingStopEndpointTests(KokuhoApiFactory factory) : IClassFixture<KokuhoApiFactory>
{
    private const string StopsPath = "/v1/withholding/stops";
    private readonly HttpClient _client = factory.CreateClient();

    private Task<HttpResponseMessage> Post(string path, JsonNode body, string query = "") =>
        _client.PostAsync(path + query, new StringContent(body.ToJsonString(), Encoding.UTF8, "application/json"));

    private static JsonObject Member(string id, string birthDate, string? lost = null, bool pension = false)
    {
        var m = new JsonObject
        {
            ["id"] = id, ["birthDate"] = birthDate,
            ["coverage"] = new JsonArray(new JsonObject { ["acquired"] = "2010-04-01", ["lost"] = lost }),
            ["income"] = new JsonObject { ["declared"] = true, ["totalIncome"] = 0 },
        };
        if (pension) m["pension"] = new JsonObject { ["annualAmount"] = 1_200_000, ["careInsuranceWithheld"] = true, ["carePremiumPerPayment"] = 10_000 };
        return m;
    }

    /// <summary>Head H (72, pension 1,200,000, 介護 10,000 a payment) and wife W (68, or 63: not eligible), both insured.</summary>
    private static JsonObject Household(string? wifeLost = null, string wifeBirth = "1956-09-15") => new()
    {
        ["id"] = "H-STOP", ["headId"] = "H",
        ["members"] = new JsonArray(Member("H", "1952-06-01", pension: true), Member("W", wifeBirth, wifeLost)),
    };

    /// <summary>The determination request: withheld last February 20,000, this year's premium 132,000 (as in WithholdingStopTests).</summary>
    private static JsonObject Determination(JsonObject? household = null, long annualPremium = 132_000, long februaryWithheld = 20_000) => new()
    {
        ["insurer"] = "amagasaki", ["fiscalYear"] = 2025,
        ["household"] = household ?? Household(),
        ["previousYear"] = new JsonObject { ["annualPremium"] = 120_000, ["februaryWithheld"] = februaryWithheld },
        ["annualPremium"] = annualPremium,
    };

    private static JsonObject Request(JsonObject determination, JsonObject change) => new() { ["determination"] = determination, ["change"] = change };

    private static JsonObject Change(string kind, string date, long? annualPremium = null)
    {
        var c = new JsonObject { ["kind"] = kind, ["date"] = date };
        if (annualPremium is { } a) c["annualPremium"] = a;
        return c;
    }

    // As WithholdingStopTests.HeadChanged_…: 2025-07-10 + 2 months → October; Apr/Jun/Aug 20,000 withheld;
    // (132,000 − 60,000) ÷ 6 = 12,000 in each installment from October.
    [Fact]
    public async Task A_change_of_head_answers_the_stop_month_what_was_withheld_and_the_installments_that_follow()
    {
        var body = await (await Post(StopsPath, Request(Determination(), Change("headChanged", "2025-07-10")))).ReadJson();

        Assert.Equal(("headChanged", "2025-10", "cityNotice"), (body.GetProperty("kind").GetString(), body.GetProperty("stopMonth").GetString(), body.GetProperty("route").GetString()));
        Assert.Equal((60_000L, 132_000L, 72_000L), (body.GetProperty("withheldTotal").GetInt64(), body.GetProperty("annualPremium").GetInt64(), body.GetProperty("ordinaryTotal").GetInt64()));
        var schedule = body.GetProperty("schedule").EnumerateArray().Select(e => (e.GetProperty("month").GetString(), e.GetProperty("kind").GetString(), e.GetProperty("amount").GetInt64())).ToArray();
        Assert.Equal([("2025-04", "provisional", 20_000L), ("2025-06", "provisional", 20_000L), ("2025-08", "provisional", 20_000L),
            ("2025-10", "ordinary", 12_000L), ("2025-11", "ordinary", 12_000L), ("2025-12", "ordinary", 12_000L),
            ("2026-01", "ordinary", 12_000L), ("2026-02", "ordinary", 12_000L), ("2026-03", "ordinary", 12_000L)], schedule);
        Assert.Equal("none", body.GetProperty("settlement").GetProperty("kind").GetString());
        Assert.Equal(0, body.GetProperty("conditions").GetArrayLength());
        var stopStep = Assert.Single(body.GetProperty("trace").EnumerateArray(), s => s.GetProperty("item").GetString() == "stopMonth");
        Assert.Equal("stops.timing.cityNoticeMonths", stopStep.GetProperty("parameters")[0].GetProperty("path").GetString());
        Assert.Contains(body.GetProperty("unconfirmedParameters").EnumerateArray(), p => p.GetString() == "stops.timing.cityNoticeMonths");
    }

    // The same premium change through both endpoints. The wife leaves NHI on 2025-09-01, so the premium falls from X (both
    // insured all year) to Y. The stop (premiumDecreased, city notice: September + 2 = November → December) withholds
    // April–October; the reassessment is given what came before the stop — the pension months withheld, collected
    // outside the installments (a settled bill) — and the stop's processing day. Both must give the same installments.
    [Fact]
    public async Task The_installments_after_a_stop_agree_with_a_reassessment_of_the_same_premium_change()
    {
        var before = Household();
        var after = Household(wifeLost: "2025-09-01");
        var x = (await (await _client.PostAssessment(new JsonObject { ["insurer"] = "amagasaki", ["fiscalYear"] = 2025, ["household"] = before }, "?trace=false")).ReadJson()).GetProperty("annualPremium").GetInt64();
        var y = (await (await _client.PostAssessment(new JsonObject { ["insurer"] = "amagasaki", ["fiscalYear"] = 2025, ["household"] = after.DeepClone() }, "?trace=false")).ReadJson()).GetProperty("annualPremium").GetInt64();
        Assert.True(y < x, $"{y} < {x}");

        var determination = Determination(after.DeepClone().AsObject(), annualPremium: x, februaryWithheld: x / 6 / 100 * 100);
        var stop = await (await Post(StopsPath, Request(determination, Change("premiumDecreased", "2025-09-01", y)), "?trace=false")).ReadJson();
        Assert.Equal(("2025-12", "2025-11-30"), (stop.GetProperty("stopMonth").GetString(), stop.GetProperty("installmentsDueAfter").GetString()));
        var withheld = stop.GetProperty("withheldTotal").GetInt64();
        Assert.Equal(4, stop.GetProperty("withheld").GetArrayLength());

        var reassessment = new JsonObject
        {
            ["insurer"] = "amagasaki",
            ["change"] = new JsonObject { ["effectiveDate"] = "2025-09-01", ["description"] = "W 資格喪失" },
            ["asOf"] = stop.GetProperty("installmentsDueAfter").GetString(),
            ["years"] = new JsonArray(new JsonObject
            {
                ["fiscalYear"] = 2025, ["household"] = after.DeepClone(),
                ["previous"] = new JsonObject
                {
                    ["annualPremium"] = withheld, ["installments"] = new JsonArray(),
                    ["settlement"] = new JsonObject { ["kind"] = "additionalBill", ["amount"] = withheld },
                },
            }),
        };
        var year = (await (await Post("/v1/premium/reassessments", reassessment, "?trace=false")).ReadJson()).GetProperty("years")[0];

        Assert.Equal(y, year.GetProperty("annualPremium").GetInt64());
        Assert.Equal(y, stop.GetProperty("annualPremium").GetInt64());
        Assert.Equal(year.GetProperty("installments").GetRawText(), stop.GetProperty("installments").GetRawText());
        Assert.Equal(year.GetProperty("settlement").GetRawText(), stop.GetProperty("settlement").GetRawText());
        // Five installments, Nov (due 12/1) to Mar, carry y − withheld; the schedule's ordinary part is exactly them.
        var installments = stop.GetProperty("installments").EnumerateArray().ToArray();
        Assert.Equal(5, installments.Length);
        Assert.Equal(y - withheld, installments.Sum(i => i.GetProperty("amount").GetInt64()));
        Assert.Equal(installments.Select(i => i.GetProperty("amount").GetInt64()),
            stop.GetProperty("schedule").EnumerateArray().Where(e => e.GetProperty("kind").GetString() == "ordinary").Select(e => e.GetProperty("amount").GetInt64()));
    }

    [Fact]
    public async Task Bad_stop_requests_are_problems_naming_the_field()
    {
        async Task<(string Field, string Message)> FirstError(JsonObject body, string type = Problems.InvalidRequest, HttpStatusCode status = HttpStatusCode.UnprocessableEntity)
        {
            var problem = await (await Post(StopsPath, body)).ReadProblem(status, type);
            return problem.Errors()[0];
        }

        var unknown = await FirstError(Request(Determination(), Change("retired", "2025-07-10")));
        Assert.Equal("change.kind", unknown.Field);
        Assert.Contains("directDebitRequested", unknown.Message);
        Assert.DoesNotContain("retired", unknown.Message);

        Assert.Equal("change.date", (await FirstError(Request(Determination(), Change("death", "2026-04-01")))).Field);
        Assert.Equal("change.annualPremium", (await FirstError(Request(Determination(), Change("premiumDecreased", "2025-07-10")))).Field);
        Assert.Equal("change.annualPremium", (await FirstError(Request(Determination(), Change("headChanged", "2025-07-10", -5)))).Field);
        Assert.Equal("change", (await FirstError(new JsonObject { ["determination"] = Determination() })).Field);
        Assert.Equal("determination", (await FirstError(new JsonObject { ["change"] = Change("death", "2025-07-10") })).Field);

        var notWithheld = await FirstError(Request(Determination(Household(wifeBirth: "1961-07-07")), Change("death", "2025-07-10")));
        Assert.Equal("determination", notWithheld.Field);
        Assert.Contains("ageBand", notWithheld.Message);

        var badPrevious = Determination();
        badPrevious["previousYear"]!["annualPremium"] = -1;
        Assert.Equal("determination.previousYear.annualPremium", (await FirstError(Request(badPrevious, Change("death", "2025-07-10")))).Field);

        var notTrial = Determination();
        notTrial["fiscalYear"] = 2026; // the FY2026 withholding rule set is a draft
        Assert.StartsWith("determination.", (await FirstError(Request(notTrial, Change("death", "2026-07-10")), Problems.DraftRuleSet)).Field);
    }

    [Fact]
    public async Task A_stop_is_audited_like_a_determination_with_both_rule_sets_and_no_personal_data()
    {
        var determination = Determination();
        determination["household"]!["id"] = "H-STOP-AUDITED";
        var answer = await (await _client.PostAsync(StopsPath + "?trace=false",
            new StringContent(Request(determination, Change("moveOut", "2025-08-05", 44_000)).ToJsonString(), Encoding.UTF8, "application/json"))).ReadJson();
        Assert.Equal(("refund", 16_000L), (answer.GetProperty("settlement").GetProperty("kind").GetString(), answer.GetProperty("settlement").GetProperty("amount").GetInt64()));

        var log = Path.Combine(factory.AuditDirectory, "audit-log.jsonl");
        string text;
        using (var reader = new StreamReader(new FileStream(log, FileMode.Open, FileAccess.Read, FileShare.ReadWrite))) text = reader.ReadToEnd();
        var entries = text.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => JsonSerializer.Deserialize<AuditEntry>(l, FileAuditStore.Json)!).ToArray();
        var entry = Assert.Single(entries, e => e.Subjects.Contains("H-STOP-AUDITED"));
        Assert.Equal(("POST", StopsPath, "StopWithholding", 200, "ok"), (entry.Method, entry.Path, entry.Endpoint, entry.Status, entry.Outcome));
        Assert.Equal(new[] { answer.GetProperty("ruleset").GetProperty("hash").GetString(), answer.GetProperty("premiumRuleset").GetProperty("hash").GetString() },
            entry.RuleSets.Select(r => r.Hash));
        foreach (var personal in new[] { "1952-06-01", "1956-09-15", "1200000" })
            Assert.DoesNotContain(personal, text);
    }
}
