using System.Net;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using KokuhoRules.Engine.Audit;
using KokuhoRules.Tests.Support;
using static KokuhoRules.Tests.Api.ApiRequests;

namespace KokuhoRules.Tests.Api;

/// <summary>
/// <c>POST /v1/high-cost/benefits</c> (issue 14 item 6): a household's benefit of one care month under its prefecture's rule
/// set — the answer's fields, the category given or decided from the income (the trace says which), problems naming the field
/// and never repeating a value, the draft refused without trial, the call audited.
/// </summary>
public sealed class HighCostEndpointTests(KokuhoApiFactory factory) : IClassFixture<KokuhoApiFactory>
{
    private const string Path = "/v1/high-cost/benefits";

    /// <summary>§B10 example 1 (区分ウ, 総医療費 1,000,000, 3割 300,000), with the category decided from the income unless given.</summary>
    private static JsonObject Body(string? category = null, bool trial = true) => JsonNode.Parse($$"""
        {
          "insurer": "amagasaki", "careMonth": "2025-10", "trial": {{(trial ? "true" : "false")}}{{(category is null ? "" : $", \"category\": \"{category}\"")}},
          "household": { "id": "H-HC-1", "headId": "P1", "members": [
            { "id": "P1", "birthDate": "1975-05-10", "coverage": [ { "acquired": "2015-04-01", "lost": null } ],
              "income": { "declared": true, "totalIncome": 3730000 } } ] },
          "claims": [ { "memberId": "P1", "setting": "inpatient", "institution": "HOSP-A", "totalCost": 1000000, "copay": 300000 } ],
          "history": [ { "careMonth": "2025-09", "benefitPaid": 212570, "outpatientOnly": false } ]
        }
        """)!.AsObject();

    private Task<HttpResponseMessage> Post(JsonNode body, string? key = null) =>
        (key is null ? factory.CreateClient() : factory.CreateClient(key)).PostAsync(Path, new StringContent(body.ToJsonString(), Encoding.UTF8, "application/json"));

    [Fact]
    public async Task The_benefit_is_answered_with_category_count_limit_steps_and_the_prefectures_rule_set()
    {
        var answer = await (await Post(Body())).ReadJson();

        Assert.Equal((212570L, "ウ", false, 1, 87430L), (answer.GetProperty("benefit").GetInt64(), answer.GetProperty("category").GetString(),
            answer.GetProperty("manyTimes").GetBoolean(), answer.GetProperty("priorBenefitMonths").GetInt32(), answer.GetProperty("limit").GetInt64()));
        var step = Assert.Single(answer.GetProperty("steps").EnumerateArray());
        Assert.Equal(("household", 300000L, 87430L, 212570L), (step.GetProperty("level").GetString(), step.GetProperty("included").GetInt64(),
            step.GetProperty("limit").GetInt64(), step.GetProperty("benefit").GetInt64()));
        Assert.Empty(answer.GetProperty("halvedBy").EnumerateArray());
        var ruleset = answer.GetProperty("ruleset");
        Assert.Equal(("hyogo", "highCost", 2025), (ruleset.GetProperty("insurer").GetString(), ruleset.GetProperty("capability").GetString(), ruleset.GetProperty("fiscalYear").GetInt32()));
        Assert.Contains("aggregation.onePercentRounding", answer.GetProperty("unconfirmedParameters").EnumerateArray().Select(e => e.GetString()));
    }

    [Fact]
    public async Task The_trace_says_whether_the_category_was_given_or_decided_from_the_income()
    {
        var decided = await (await Post(Body())).ReadJson();
        var given = await (await Post(Body(category: "イ"))).ReadJson();

        // 基準所得 3,730,000 − 430,000 = 3,300,000 → ウ, from the 2024 income (care month October → last year).
        var fromIncome = Assert.Single(decided.GetProperty("trace").EnumerateArray(), s => s.GetProperty("item").GetString() == "under70Category");
        Assert.Contains("2024年の所得から判定", fromIncome.GetProperty("text").GetString());
        Assert.Equal("Under70Category", fromIncome.GetProperty("rule").GetProperty("workflow").GetString());
        var asGiven = Assert.Single(given.GetProperty("trace").EnumerateArray(), s => s.GetProperty("item").GetString() == "under70Category");
        Assert.Contains("指定された区分", asGiven.GetProperty("text").GetString());
        Assert.Equal("イ", given.GetProperty("category").GetString());
    }

    [Fact]
    public async Task A_city_without_a_rule_set_of_its_own_is_served_by_its_prefecture_and_an_unknown_one_is_refused_naming_insurer()
    {
        var body = Body();
        body["insurer"] = "282049";   // 西宮市
        Assert.Equal(212570L, (await (await Post(body)).ReadJson()).GetProperty("benefit").GetInt64());

        body["insurer"] = "yokohama";
        var problem = await (await Post(body)).ReadProblem(HttpStatusCode.NotFound, Problems.UnknownRuleSet);
        Assert.Equal("insurer", problem.FirstErrorField());
        Assert.DoesNotContain("yokohama", problem.GetRawText());
    }

    [Fact]
    public async Task A_benefit_without_trial_is_refused_while_the_rule_set_is_a_draft()
    {
        var problem = await (await Post(Body(trial: false))).ReadProblem(HttpStatusCode.UnprocessableEntity, Problems.DraftRuleSet);

        Assert.Equal("trial", problem.FirstErrorField());
    }

    [Theory]
    [InlineData("claims[0].copay", "copay", 1200000L)]
    [InlineData("claims[0].totalCost", "totalCost", -1L)]
    [InlineData("claims[0].memberId", "memberId", null)]
    public async Task A_bad_claim_field_is_named_and_its_value_not_repeated(string field, string name, long? value)
    {
        var body = Body();
        body["claims"]![0]![name] = name == "memberId" ? "P9" : value;

        var problem = await (await Post(body)).ReadProblem(HttpStatusCode.UnprocessableEntity, Problems.InvalidRequest);

        Assert.Equal(field, problem.FirstErrorField());
        Assert.DoesNotContain("1200000", problem.GetRawText());
        Assert.DoesNotContain("P9", problem.GetRawText());
    }

    [Theory]
    [InlineData("category", "カ", "category")]
    [InlineData("careMonth", null, "careMonth")]
    [InlineData("setting", "day-care", "claims[0].setting")]
    [InlineData("historyMonth", "2025-10", "history[0].careMonth")]
    [InlineData("historyInsurer", "yokohama", "history[0].insurer")]
    public async Task A_bad_field_is_named(string what, string? value, string field)
    {
        var body = Body();
        switch (what)
        {
            case "setting": body["claims"]![0]!["setting"] = value; break;
            case "historyMonth": body["history"]![0]!["careMonth"] = value; break;
            case "historyInsurer": body["history"]![0]!["insurer"] = value; break;
            default: body[what] = value; break;
        }

        var problem = await (await Post(body)).ReadProblem(HttpStatusCode.UnprocessableEntity, Problems.InvalidRequest);

        Assert.Equal(field, problem.FirstErrorField());
    }

    [Fact]
    public async Task A_70_74_member_needs_the_taxable_income_when_no_category_is_given()
    {
        var body = Body();
        body["household"]!["members"]![0]!["birthDate"] = "1953-01-15";

        var problem = await (await Post(body)).ReadProblem(HttpStatusCode.UnprocessableEntity, Problems.InvalidRequest);

        Assert.Equal("household.members[0].income.residentTaxableIncome", problem.FirstErrorField());
        body["household"]!["members"]![0]!["income"]!["residentTaxableIncome"] = 0;
        Assert.Equal("一般", (await (await Post(body)).ReadJson()).GetProperty("category").GetString());
    }

    [Fact]
    public async Task A_benefit_is_audited_with_its_household_and_the_rule_set_before_it_is_answered()
    {
        var body = Body();
        body["household"]!["id"] = "H-HC-AUDITED";

        await (await Post(body)).ReadJson();

        using var stream = new FileStream(System.IO.Path.Combine(factory.AuditDirectory, "audit-log.jsonl"), FileMode.Open, FileAccess.Read, FileShare.ReadWrite);
        var entries = new StreamReader(stream).ReadToEnd().Split('\n', StringSplitOptions.RemoveEmptyEntries)
            .Select(l => JsonSerializer.Deserialize<AuditEntry>(l, FileAuditStore.Json)!).ToArray();
        var entry = Assert.Single(entries, e => e.Subjects.Contains("H-HC-AUDITED"));
        Assert.Equal(("ComputeHighCostBenefit", 200, "ok"), (entry.Endpoint, entry.Status, entry.Outcome));
        Assert.Equal(("hyogo", 2025), (entry.RuleSets.Single().Insurer, entry.RuleSets.Single().FiscalYear));
    }
}
