using System.Net;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using KokuhoRules.Engine.Audit;
using KokuhoRules.Tests.Support;
using static KokuhoRules.Tests.Api.ApiRequests;

namespace KokuhoRules.Tests.Api;

/// <summary>
/// <c>POST /v1/high-cost/continuity</c> (issue 14 item 6): a household's move from 尼崎市 to 西宮市 judged under 兵庫県's
/// rule set — continuous or not, the criterion with its rule and reference, the facts joined, the months the move-in city
/// takes over, the trace; a city named by id, name or code; problems naming the field, never repeating a value; a person
/// key shaped like a 個人番号 refused; the call audited with both households and the rule set.
/// </summary>
public sealed class ContinuityEndpointTests(KokuhoApiFactory factory) : IClassFixture<KokuhoApiFactory>
{
    private const string Path = "/v1/high-cost/continuity";

    private static string Member(string id) => $$"""{ "id": "{{id}}", "birthDate": "1980-05-06", "coverage": [ { "acquired": "2019-04-01" } ], "income": { "declared": false } }""";

    private static string Household(string id, string head, params string[] members) =>
        $$"""{ "id": "{{id}}", "headId": "{{head}}", "members": [ {{string.Join(", ", members.Select(Member))}} ] }""";

    /// <summary>P1 (head) and P2 move from amagasaki to nishinomiya on 2025-10-06; the move-out city paid benefits in 2017-12 (never carried), 2024-10 (out of reach), 2025-01 and 2025-08.</summary>
    private static JsonObject Move(string inHead = "P1", string[]? inMembers = null, string moveInInsurer = "nishinomiya", string? events = null) => JsonNode.Parse($$"""
        {
          "prefecture": "hyogo", "trial": true, "moveDate": "2025-10-06",
          "moveOut": { "insurer": "amagasaki", "household": {{Household("H-A1", "P1", "P1", "P2")}} },
          "moveIn": { "insurer": "{{moveInInsurer}}", "household": {{Household("H-N1", inHead, inMembers ?? ["P1", "P2"])}} },
          "events": [ {{events ?? ""}} ],
          "history": [
            { "careMonth": "2017-12", "benefitPaid": 50000 }, { "careMonth": "2024-10", "benefitPaid": 40000 },
            { "careMonth": "2025-01", "benefitPaid": 30000 }, { "careMonth": "2025-05", "benefitPaid": 0 },
            { "careMonth": "2025-08", "benefitPaid": 20000, "outpatientOnly": true }
          ]
        }
        """)!.AsObject();

    private Task<HttpResponseMessage> Post(JsonNode body, string? key = null, string query = "") =>
        (key is null ? factory.CreateClient() : factory.CreateClient(key)).PostAsync(Path + query, new StringContent(body.ToJsonString(), Encoding.UTF8, "application/json"));

    [Fact]
    public async Task An_address_only_move_is_continuous_and_the_benefit_months_within_reach_are_carried()
    {
        var answer = await (await Post(Move())).ReadJson();

        Assert.True(answer.GetProperty("continuous").GetBoolean());
        Assert.Equal("addressOnly", answer.GetProperty("criterion").GetString());
        Assert.Contains("tondabayashi", answer.GetProperty("reference").GetString());
        Assert.Equal(["2025-01 30000 amagasaki", "2025-08 20000 amagasaki"], answer.GetProperty("carriedHistory").EnumerateArray()
            .Select(m => $"{m.GetProperty("careMonth").GetString()} {m.GetProperty("benefitPaid").GetInt64()} {m.GetProperty("insurer").GetString()}"));
        Assert.Contains(answer.GetProperty("facts").EnumerateArray(), f => f.GetProperty("type").GetString() == "Household" && f.GetProperty("householdId").GetString() == "H-N1");
        var steps = answer.GetProperty("trace").EnumerateArray().ToArray();
        Assert.Contains(steps, s => s.GetProperty("kind").GetString() == "decision" && s.GetProperty("rule").GetProperty("reference").GetString()!.Contains("tondabayashi", StringComparison.Ordinal));
        Assert.Equal("continuous", steps[^1].GetProperty("value").GetString());
        Assert.Equal(("hyogo", "highCost"), (answer.GetProperty("ruleset").GetProperty("insurer").GetString(), answer.GetProperty("ruleset").GetProperty("capability").GetString()));
        Assert.Contains("continuity.headChangeWithinHouseholdContinues", answer.GetProperty("unconfirmedParameters").EnumerateArray().Select(e => e.GetString()));
    }

    [Fact]
    public async Task A_head_who_joins_another_household_as_a_member_is_not_continuous_and_nothing_is_carried()
    {
        var body = Move(inHead: "Q1", inMembers: ["Q1", "P1", "P2"], events: """{ "personKey": "P1", "kind": "joinedHousehold", "date": "2025-10-06" }""");

        var answer = await (await Post(body, query: "?trace=false")).ReadJson();

        Assert.False(answer.GetProperty("continuous").GetBoolean());
        Assert.Equal("headBecameMember", answer.GetProperty("criterion").GetString());
        Assert.Contains("matsuyama", answer.GetProperty("reference").GetString());
        Assert.Empty(answer.GetProperty("carriedHistory").EnumerateArray());
        Assert.False(answer.TryGetProperty("trace", out _));
    }

    [Fact]
    public async Task A_move_to_another_prefecture_resets_the_count()
    {
        var body = Move(moveInInsurer: "toyonaka");
        body["moveIn"]!["prefecture"] = "osaka";

        var answer = await (await Post(body)).ReadJson();

        Assert.Equal(("otherPrefecture", false), (answer.GetProperty("criterion").GetString(), answer.GetProperty("continuous").GetBoolean()));
        Assert.Empty(answer.GetProperty("carriedHistory").EnumerateArray());
    }

    [Theory]
    [InlineData("西宮市")]
    [InlineData("282049")]
    public async Task A_city_of_the_prefecture_is_named_by_its_name_or_code_and_needs_no_rule_set_of_its_own(string city)
    {
        var answer = await (await Post(Move(moveInInsurer: city))).ReadJson();

        Assert.Contains(answer.GetProperty("facts").EnumerateArray(), f => f.TryGetProperty("insurer", out var i) && i.GetString() == "nishinomiya");
    }

    [Theory]
    [InlineData("moveIn.insurer", "atlantis")]
    [InlineData("moveIn.insurer", "amagasaki")]
    public async Task A_city_outside_the_prefecture_or_the_move_out_city_itself_is_refused_naming_the_field(string field, string city)
    {
        var problem = await (await Post(Move(moveInInsurer: city))).ReadProblem(HttpStatusCode.UnprocessableEntity, Problems.InvalidRequest);

        Assert.Equal(field, problem.FirstErrorField());
        Assert.DoesNotContain(city, problem.GetRawText());
    }

    [Fact]
    public async Task Bad_fields_are_named_and_their_values_never_repeated()
    {
        var body = Move(events: """{ "personKey": "Z9", "kind": "born", "date": "2025-09-30" }, { "personKey": "P2", "kind": "adopted", "date": "2025-09-30" }""");
        body["history"]![0]!["careMonth"] = null;
        body["moveIn"]!["household"]!["members"] = JsonNode.Parse($"[{Member("X1")}]");

        var problem = await (await Post(body)).ReadProblem(HttpStatusCode.UnprocessableEntity, Problems.InvalidRequest);

        var fields = problem.Errors().Select(e => e.Field).ToArray();
        Assert.Contains("moveIn.household.headId", fields);
        Assert.Contains("events[1].kind", fields);
        Assert.DoesNotContain("adopted", problem.GetRawText());
        Assert.DoesNotContain("1980-05-06", problem.GetRawText());
    }

    [Fact]
    public async Task A_person_key_shaped_like_an_individual_number_is_refused()
    {
        var body = Move(inMembers: ["P1", "P2", "123456789018"]);

        var problem = await (await Post(body)).ReadProblem(HttpStatusCode.UnprocessableEntity, Problems.IndividualNumber);

        Assert.StartsWith("moveIn.household.members[2]", problem.FirstErrorField());
        Assert.DoesNotContain("123456789018", problem.GetRawText());
    }

    [Fact]
    public async Task A_draft_rule_set_needs_a_trial_and_the_publisher_role()
    {
        var body = Move();
        body["trial"] = false;
        Assert.Equal("trial", (await (await Post(body)).ReadProblem(HttpStatusCode.UnprocessableEntity, Problems.DraftRuleSet)).FirstErrorField());
        await (await Post(Move(), TestKeys.Calculator)).ReadProblem(HttpStatusCode.Forbidden, Problems.Forbidden);
    }

    [Fact]
    public async Task A_judgement_is_audited_with_both_households_and_the_rule_set()
    {
        var body = Move();
        body["moveOut"]!["household"]!["id"] = "H-AUDITED-OUT";
        body["moveIn"]!["household"]!["id"] = "H-AUDITED-IN";

        await (await Post(body)).ReadJson();

        using var stream = new FileStream(System.IO.Path.Combine(factory.AuditDirectory, "audit-log.jsonl"), FileMode.Open, FileAccess.Read, FileShare.ReadWrite);
        var entries = new StreamReader(stream).ReadToEnd().Split('\n', StringSplitOptions.RemoveEmptyEntries)
            .Select(l => JsonSerializer.Deserialize<AuditEntry>(l, FileAuditStore.Json)!).ToArray();
        var entry = Assert.Single(entries, e => e.Subjects.Contains("H-AUDITED-OUT"));
        Assert.Equal(("JudgeHighCostContinuity", 200, "ok"), (entry.Endpoint, entry.Status, entry.Outcome));
        Assert.Equal(["H-AUDITED-OUT", "H-AUDITED-IN"], entry.Subjects);
        Assert.Equal(("hyogo", 2025), (entry.RuleSets.Single().Insurer, entry.RuleSets.Single().FiscalYear));
    }
}
