using System.Net;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using KokuhoRules.Rules.Snapshots;
using KokuhoRules.Tests.Support;
using static KokuhoRules.Tests.Api.ApiRequests;
using static KokuhoRules.Tests.Support.Households;

namespace KokuhoRules.Tests.Api;

/// <summary>
/// <c>POST /v1/withholding/determinations</c> (issue 13 item 4): whether a household pays through the pension, every
/// condition with its reference, the six pension months and the ordinary installments, on the published Amagasaki FY2025
/// rule sets; bad input refused naming the field.
/// </summary>
public sealed class WithholdingEndpointTests(KokuhoApiFactory factory) : IClassFixture<KokuhoApiFactory>
{
    private const string Path = "/v1/withholding/determinations";
    private readonly HttpClient _client = factory.CreateClient();

    private Task<HttpResponseMessage> Post(JsonNode body, string query = "") =>
        _client.PostAsync(Path + query, new StringContent(body.ToJsonString(), Encoding.UTF8, "application/json"));

    /// <summary>A pension of 1,200,000 a year with 8,000 of 介護保険料 withheld per payment.</summary>
    private static PensionJson Pension(long annual = 1_200_000, long care = 8_000) =>
        new() { AnnualAmount = annual, CareInsuranceWithheld = true, CarePremiumPerPayment = care };

    /// <summary>Hayama's first SW household (§A2): head 72 and wife 68, both insured (ages on 2025-04-01), the head's pension as given.</summary>
    private static JsonObject Request(PensionJson? pension, object? previousYear = null, long? annualPremium = 120_000, params MemberJson[] others)
    {
        var head = Member("H", "1952-06-01", Income(1_000_000, pensionRevenue: 1_200_000, pensionIncome: 600_000)) with { Pension = pension };
        MemberJson[] members = [head, .. others.Length > 0 ? others : [Member("W", "1956-09-15")]];
        var request = new JsonObject
        {
            ["insurer"] = "amagasaki",
            ["fiscalYear"] = 2025,
            ["household"] = JsonSerializer.SerializeToNode(Household(members), KokuhoJson.Options),
        };
        if (annualPremium is { } annual) request["annualPremium"] = annual;
        if (previousYear is not null) request["previousYear"] = JsonSerializer.SerializeToNode(previousYear, KokuhoJson.Options);
        return request;
    }

    private static (string Month, string Kind, long Amount)[] Schedule(JsonElement body) =>
        body.GetProperty("schedule").EnumerateArray().Select(e => (e.GetProperty("month").GetString()!, e.GetProperty("kind").GetString()!, e.GetProperty("amount").GetInt64())).ToArray();

    // A continuing household (withheld 20,000 last February): 仮徴収 = 20,000 in April, June, August (§A5, Shimonoseki);
    // R = 120,000 − 60,000 = 60,000 → 本徴収 20,000 each in October, December, February (§A6, 100-yen floor).
    [Fact]
    public async Task A_continuing_household_pays_the_February_amount_in_April_June_August_and_the_rest_in_thirds()
    {
        var response = await Post(Request(Pension(), new { annualPremium = 118_000, februaryWithheld = 20_000 }));
        var body = await response.ReadJson();

        Assert.True(body.GetProperty("eligible").GetBoolean());
        Assert.Equal(4, body.GetProperty("startMonth").GetInt32());
        Assert.Equal([("2025-04", "provisional", 20_000L), ("2025-06", "provisional", 20_000L), ("2025-08", "provisional", 20_000L),
            ("2025-10", "definitive", 20_000L), ("2025-12", "definitive", 20_000L), ("2026-02", "definitive", 20_000L)], Schedule(body));
        Assert.Equal((60_000L, 60_000L, 0L), (body.GetProperty("provisionalTotal").GetInt64(), body.GetProperty("definitiveTotal").GetInt64(), body.GetProperty("ordinaryTotal").GetInt64()));
        var conditions = body.GetProperty("conditions").EnumerateArray().ToArray();
        Assert.Equal(9, conditions.Length);
        Assert.All(conditions, c => Assert.True(c.GetProperty("holds").GetBoolean(), c.GetProperty("name").GetString()));
        Assert.All(conditions, c => Assert.False(string.IsNullOrWhiteSpace(c.GetProperty("reference").GetString())));
        Assert.Equal("withholding", body.GetProperty("ruleset").GetProperty("capability").GetString());
        Assert.Equal("premium", body.GetProperty("premiumRuleset").GetProperty("capability").GetString());
        Assert.Contains("schedule.levelingMode", body.GetProperty("unconfirmedParameters").EnumerateArray().Select(p => p.GetString()));
        var hashes = response.Headers.GetValues("KokuhoRules-Ruleset-Hash").Single();
        Assert.Contains(body.GetProperty("ruleset").GetProperty("hash").GetString()!, hashes);
        Assert.Contains(body.GetProperty("premiumRuleset").GetProperty("hash").GetString()!, hashes);
        var trace = body.GetProperty("trace").EnumerateArray().ToArray();
        var half = trace.Single(s => s.GetProperty("item").GetString() == "halfOfPension");
        Assert.Equal("HalfOfPension", half.GetProperty("rule").GetProperty("workflow").GetString());
        Assert.Contains(half.GetProperty("parameters").EnumerateArray(), p => p.GetProperty("path").GetString() == "eligibility.capRatio");
        Assert.Equal(6, trace.Count(s => s.GetProperty("item").GetString() is "provisional" or "definitive"));
    }

    // Zushi (§A7): pension 792,600 → 66,050 per half payment; 介護 15,000 + 324,000 ÷ 6 = 69,000 > 66,050 → 普通徴収. The
    // schedule is then Amagasaki's ten ordinary installments, the very bills POST /v1/premium/assessments gives.
    [Fact]
    public async Task Zushis_household_fails_the_half_test_and_gets_the_premiums_ordinary_installments()
    {
        var request = Request(Pension(792_600, 15_000), annualPremium: 324_000);
        var body = await (await Post(request)).ReadJson();

        Assert.False(body.GetProperty("eligible").GetBoolean());
        Assert.Equal(JsonValueKind.Null, body.TryGetProperty("startMonth", out var start) ? start.ValueKind : JsonValueKind.Null);
        var failing = body.GetProperty("conditions").EnumerateArray().Where(c => !c.GetProperty("holds").GetBoolean()).Select(c => c.GetProperty("name").GetString()!).ToArray();
        Assert.Equal(["halfOfPension", "eachPaymentWithinHalf"], failing);
        Assert.Contains("zushi", body.GetProperty("conditions").EnumerateArray().Single(c => c.GetProperty("name").GetString() == "halfOfPension").GetProperty("reference").GetString());

        var ordinary = body.GetProperty("schedule").EnumerateArray().ToArray();
        Assert.All(ordinary, e => Assert.Equal("ordinary", e.GetProperty("kind").GetString()));
        Assert.Equal(324_000, ordinary.Sum(e => e.GetProperty("amount").GetInt64()));
        // The premium capability's own bills for a premium of 324,000: assess a household whose premium differs, then
        // compare the installment dates, and the amounts through the same ten-way split the premium rule set states.
        var premium = await (await _client.PostAssessment(new JsonObject { ["insurer"] = "amagasaki", ["fiscalYear"] = 2025, ["household"] = request["household"]!.DeepClone() })).ReadJson();
        var bills = premium.GetProperty("installments").EnumerateArray().ToArray();
        Assert.Equal(bills.Select(b => b.GetProperty("dueDate").GetString()), ordinary.Select(e => e.GetProperty("dueDate").GetString()));
        Assert.Equal(bills.Select(b => b.GetProperty("number").GetInt32()), ordinary.Select(e => e.GetProperty("installment").GetInt32()));
        Assert.Equal(10, ordinary.Length);
        Assert.Equal("2025-06", ordinary[0].GetProperty("month").GetString());
    }

    // A newly eligible household, no previous withholding: the standard October start (§A4, Kofu). Amagasaki's first four
    // installments (June–September) are billed ordinarily as the premium spreads the year (Hayama: 1期～4期 納付書), the
    // rest is withheld in thirds. The ordinary part is the premium's own first four bills for the same annual premium.
    [Fact]
    public async Task A_new_household_starts_in_October_after_the_premiums_June_to_September_installments()
    {
        var request = Request(Pension(), annualPremium: null);
        var body = await (await Post(request)).ReadJson();
        var premium = await (await _client.PostAssessment(new JsonObject { ["insurer"] = "amagasaki", ["fiscalYear"] = 2025, ["household"] = request["household"]!.DeepClone() })).ReadJson();
        var annual = premium.GetProperty("annualPremium").GetInt64();

        Assert.True(body.GetProperty("annualPremiumAssessed").GetBoolean());
        Assert.Equal(annual, body.GetProperty("annualPremium").GetInt64());
        Assert.True(body.GetProperty("eligible").GetBoolean(), body.GetRawText());
        Assert.Equal(10, body.GetProperty("startMonth").GetInt32());
        var rows = Schedule(body);
        var bills = premium.GetProperty("installments").EnumerateArray().Take(4).Select(b => b.GetProperty("amount").GetInt64()).ToArray();
        Assert.Equal(["2025-06", "2025-07", "2025-08", "2025-09"], rows.Take(4).Select(r => r.Month).ToArray());
        Assert.All(rows.Take(4), r => Assert.Equal("ordinary", r.Kind));
        Assert.Equal(bills, rows.Take(4).Select(r => r.Amount));
        var rest = annual - bills.Sum();
        var third = rest / 3 / 100 * 100; // 100円未満切捨て, the remainder in October (Amagasaki draft, confirmed: false)
        Assert.Equal([("2025-10", "definitive", rest - 2 * third), ("2025-12", "definitive", third), ("2026-02", "definitive", third)], rows.Skip(4));
        Assert.Contains(body.GetProperty("trace").EnumerateArray(), s => s.GetProperty("item").GetString() == "annualPremiumAssessed");
    }

    // The ½ test per payment (Nogata: judged each payment): 240,000 ÷ 6 + 5,000 = 45,000 ≤ 50,000 passes on the year, but a
    // continuing household withheld only 10,000 last February leaves R = 210,000 → 70,000 a 本徴収, and 70,000 + 5,000 >
    // 600,000 ÷ 6 ÷ 2 = 50,000: no month may exceed half the payment, so the household pays ordinarily.
    [Fact]
    public async Task A_schedule_whose_largest_month_exceeds_half_the_payment_is_not_withheld()
    {
        var body = await (await Post(Request(Pension(600_000, 5_000), new { annualPremium = 60_000, februaryWithheld = 10_000 }, 240_000))).ReadJson();

        var conditions = body.GetProperty("conditions").EnumerateArray().ToDictionary(c => c.GetProperty("name").GetString()!, c => c.GetProperty("holds").GetBoolean());
        Assert.True(conditions["halfOfPension"]);
        Assert.False(conditions["eachPaymentWithinHalf"]);
        Assert.False(body.GetProperty("eligible").GetBoolean());
        Assert.Equal(70_000, body.GetProperty("trace").EnumerateArray().Single(s => s.GetProperty("item").GetString() == "largestWithholding").GetProperty("yen").GetInt64());
    }

    [Fact]
    public async Task Bad_determination_requests_are_problems_naming_the_field()
    {
        async Task<string> Field(JsonObject request) =>
            (await (await Post(request)).ReadProblem(HttpStatusCode.UnprocessableEntity, Problems.InvalidRequest)).FirstErrorField();

        // A pension on a member with no NHI coverage (a 擬制世帯主 on 社保 cannot have this premium withheld).
        var uninsuredHead = Request(null, others: Member("W", "1956-09-15"));
        uninsuredHead["household"]!["members"]![0]!["coverage"] = new JsonArray();
        uninsuredHead["household"]!["members"]![0]!["pension"] = JsonSerializer.SerializeToNode(Pension(), KokuhoJson.Options);
        Assert.Equal("household.members[0].pension", await Field(uninsuredHead));

        Assert.Equal("household.members[0].pension.annualAmount", await Field(Request(Pension() with { AnnualAmount = -1 })));
        Assert.Equal("household.members[0].pension.carePremiumPerPayment", await Field(Request(Pension() with { CarePremiumPerPayment = null })));
        Assert.Equal("household.members[0].pension.careInsuranceWithheld", await Field(Request(Pension() with { CareInsuranceWithheld = null, CarePremiumPerPayment = null })));
        Assert.Equal("annualPremium", await Field(Request(Pension(), annualPremium: -5)));
        Assert.Equal("previousYear.februaryWithheld", await Field(Request(Pension(), new { annualPremium = 1, februaryWithheld = -1 })));
        Assert.Equal("previousYear.annualPremium", await Field(Request(Pension(), new { februaryWithheld = 100 })));

        var notAPensionMonth = Request(Pension());
        notAPensionMonth["startMonth"] = 5;
        Assert.Equal("startMonth", await Field(notAPensionMonth));
        var continuingStartsInApril = Request(Pension(), new { annualPremium = 100_000, februaryWithheld = 10_000 });
        continuingStartsInApril["startMonth"] = 10;
        var problem = await (await Post(continuingStartsInApril)).ReadProblem(HttpStatusCode.UnprocessableEntity, Problems.InvalidRequest);
        Assert.Equal(("startMonth", "a household withheld last February continues from month 4 (its 仮徴収), not from a later month"), problem.Errors()[0]);

        var unknownField = Request(Pension());
        unknownField["household"]!["members"]![0]!["pension"]!["monthly"] = 1;
        var malformed = await (await Post(unknownField)).ReadProblem(HttpStatusCode.BadRequest, Problems.MalformedRequest);
        Assert.Contains("pension", malformed.GetRawText());
    }

    [Fact]
    public async Task The_draft_FY2026_withholding_rule_set_serves_only_trials()
    {
        var request = Request(Pension());
        request["fiscalYear"] = 2026;
        var problem = await (await Post(request)).ReadProblem(HttpStatusCode.UnprocessableEntity, Problems.DraftRuleSet);
        Assert.Contains("withholding", problem.GetProperty("detail").GetString());
    }
}
