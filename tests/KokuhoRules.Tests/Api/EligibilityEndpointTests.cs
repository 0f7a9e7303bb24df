using System.Net;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using KokuhoRules.Engine.Audit;
using KokuhoRules.Tests.Support;
using static KokuhoRules.Tests.Api.ApiRequests;

namespace KokuhoRules.Tests.Api;

/// <summary>
/// <c>POST /v1/eligibility/checks</c> (issue 15 item 4): the findings of a prefecture's records under its rule set,
/// what was checked and the rule set used; problems naming the field, never repeating a date or a key; a person key
/// shaped like a 個人番号 refused; the call audited like a premium call.
/// </summary>
public sealed class EligibilityEndpointTests(KokuhoApiFactory factory) : IClassFixture<KokuhoApiFactory>
{
    private const string Path = "/v1/eligibility/checks";

    /// <summary>§C7 case 1 (Amagasaki → Nishinomiya on 2025-09-15), with Amagasaki's end date as given.</summary>
    private static JsonObject Move(string amagasakiUntil = "2025-09-14", bool trial = true, int fiscalYear = 2025) => JsonNode.Parse($$"""
        {
          "prefecture": "hyogo", "fiscalYear": {{fiscalYear}}, "trial": {{(trial ? "true" : "false")}},
          "records": [
            { "recordId": "A-1", "personKey": "PK-0001", "insurer": "282022", "qualifiedFrom": "2019-04-01", "appliedFrom": "2019-04-01",
              "appliedUntil": "{{amagasakiUntil}}", "acquisitionReason": "leftOtherInsurance", "lossReason": "moveOutWithinPrefecture" },
            { "recordId": "N-1", "personKey": "PK-0001", "insurer": "282049", "qualifiedFrom": "2019-04-01", "appliedFrom": "2025-09-15",
              "acquisitionReason": "moveInWithinPrefecture" }
          ],
          "events": [ { "personKey": "PK-0001", "kind": "moveInWithinPrefecture", "date": "2025-09-15" } ]
        }
        """)!.AsObject();

    private Task<HttpResponseMessage> Post(JsonNode body, string? key = null) =>
        (key is null ? factory.CreateClient() : factory.CreateClient(key)).PostAsync(Path, new StringContent(body.ToJsonString(), Encoding.UTF8, "application/json"));

    [Fact]
    public async Task A_clean_move_yields_no_finding_with_what_was_checked_and_the_prefectures_rule_set()
    {
        var answer = await (await Post(Move())).ReadJson();

        Assert.Empty(answer.GetProperty("findings").EnumerateArray());
        Assert.Equal((1, 2), (answer.GetProperty("checked").GetProperty("persons").GetInt32(), answer.GetProperty("checked").GetProperty("records").GetInt32()));
        var ruleset = answer.GetProperty("ruleset");
        Assert.Equal(("hyogo", "eligibility", 2025, "published"), (ruleset.GetProperty("insurer").GetString(), ruleset.GetProperty("capability").GetString(),
            ruleset.GetProperty("fiscalYear").GetInt32(), ruleset.GetProperty("status").GetString()));
        Assert.Contains("continuity.endDateConvention", answer.GetProperty("unconfirmedParameters").EnumerateArray().Select(e => e.GetString()));
    }

    [Fact]
    public async Task A_gap_is_answered_with_its_records_days_corrected_date_rule_and_reference()
    {
        var answer = await (await Post(Move(amagasakiUntil: "2025-09-10"))).ReadJson();

        var finding = Assert.Single(answer.GetProperty("findings").EnumerateArray());
        Assert.Equal(("gap", "PK-0001", "A-1,N-1", 4), (finding.GetProperty("kind").GetString(), finding.GetProperty("personKey").GetString(),
            string.Join(",", finding.GetProperty("records").EnumerateArray().Select(r => r.GetString())), finding.GetProperty("days").GetInt32()));
        var proposed = finding.GetProperty("proposed");
        Assert.Equal(("A-1", "appliedUntil", "2025-09-14"), (proposed.GetProperty("recordId").GetString(), proposed.GetProperty("field").GetString(), proposed.GetProperty("date").GetString()));
        Assert.StartsWith("県内異動の空白", finding.GetProperty("rule").GetString());
        Assert.Contains("重複・空白期間チェック", finding.GetProperty("reference").GetString());
    }

    [Fact]
    public async Task The_core_systems_key_checks_under_the_published_rule_set_without_trial()
    {
        var answer = await (await Post(Move(amagasakiUntil: "2025-09-10", trial: false), TestKeys.Calculator)).ReadJson();

        Assert.Equal("gap", Assert.Single(answer.GetProperty("findings").EnumerateArray()).GetProperty("kind").GetString());
        Assert.Equal("published", answer.GetProperty("ruleset").GetProperty("status").GetString());
    }

    [Fact]
    public async Task A_check_without_trial_is_refused_while_the_rule_set_is_a_draft()
    {
        var problem = await (await Post(Move(trial: false, fiscalYear: 2026))).ReadProblem(HttpStatusCode.UnprocessableEntity, Problems.DraftRuleSet);

        Assert.Equal("trial", problem.FirstErrorField());
    }

    [Fact]
    public async Task A_trial_needs_the_publisher_role()
    {
        await (await Post(Move(), TestKeys.Calculator)).ReadProblem(HttpStatusCode.Forbidden, Problems.Forbidden);
    }

    [Fact]
    public async Task An_unknown_prefecture_is_refused_naming_the_prefecture()
    {
        var body = Move();
        body["prefecture"] = "osaka";

        var problem = await (await Post(body)).ReadProblem(HttpStatusCode.NotFound, Problems.UnknownRuleSet);

        Assert.Equal("prefecture", problem.FirstErrorField());
    }

    [Fact]
    public async Task A_person_key_that_looks_like_an_individual_number_is_refused_and_never_repeated()
    {
        var body = Move();
        body["records"]![0]!["personKey"] = "123456789018";

        var response = await Post(body);
        var problem = await response.ReadProblem(HttpStatusCode.UnprocessableEntity, Problems.IndividualNumber);

        Assert.Equal("records[0].personKey", problem.FirstErrorField());
        Assert.DoesNotContain("123456789018", problem.GetRawText());
    }

    [Theory]
    [InlineData("records[0].lossReason", "lossReason", "retired")]
    [InlineData("records[1].acquisitionReason", "acquisitionReason", "moveOut")]
    [InlineData("records[0].appliedUntil", "appliedUntil", "2018-03-31")]
    [InlineData("records[0].recordId", "recordId", null)]
    [InlineData("records[1].recordId", "recordId", "A-1")]
    public async Task A_bad_record_field_is_named_and_its_value_not_repeated(string field, string name, string? value)
    {
        var body = Move();
        var index = field.StartsWith("records[0]", StringComparison.Ordinal) ? 0 : 1;
        body["records"]![index]![name] = value;

        var problem = await (await Post(body)).ReadProblem(HttpStatusCode.UnprocessableEntity, Problems.InvalidRequest);

        Assert.Equal(field, problem.FirstErrorField());
        Assert.DoesNotContain("2018-03-31", problem.GetRawText());
        Assert.DoesNotContain("2019-04-01", problem.GetRawText());
    }

    [Fact]
    public async Task An_unknown_event_kind_is_named()
    {
        var body = Move();
        body["events"]![0]!["kind"] = "marriage";

        var problem = await (await Post(body)).ReadProblem(HttpStatusCode.UnprocessableEntity, Problems.InvalidRequest);

        Assert.Equal("events[0].kind", problem.FirstErrorField());
        Assert.Contains("lateElderly", problem.Errors()[0].Message);
    }

    [Fact]
    public async Task A_check_is_audited_with_its_persons_and_the_rule_set_before_it_is_answered()
    {
        var body = Move();
        body["records"]![0]!["personKey"] = "PK-AUDITED";
        body["records"]![1]!["personKey"] = "PK-AUDITED";
        body["events"]![0]!["personKey"] = "PK-AUDITED";

        await (await Post(body)).ReadJson();

        using var stream = new FileStream(System.IO.Path.Combine(factory.AuditDirectory, "audit-log.jsonl"), FileMode.Open, FileAccess.Read, FileShare.ReadWrite);
        var entries = new StreamReader(stream).ReadToEnd().Split('\n', StringSplitOptions.RemoveEmptyEntries)
            .Select(l => JsonSerializer.Deserialize<AuditEntry>(l, FileAuditStore.Json)!).ToArray();
        var entry = Assert.Single(entries, e => e.Subjects.Contains("PK-AUDITED"));
        Assert.Equal(("CheckEligibility", 200, "ok"), (entry.Endpoint, entry.Status, entry.Outcome));
        Assert.Equal(["PK-AUDITED"], entry.Subjects);
        Assert.Equal(("hyogo", 2025), (entry.RuleSets.Single().Insurer, entry.RuleSets.Single().FiscalYear));
    }
}
