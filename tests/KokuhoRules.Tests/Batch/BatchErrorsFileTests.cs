using System.Net;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using KokuhoRules.Rules.Batch;
using KokuhoRules.Tests.Support;
using static KokuhoRules.Tests.Api.ApiRequests;
using static KokuhoRules.Tests.Batch.BatchInputs;

namespace KokuhoRules.Tests.Batch;

/// <summary>
/// The batch's errors file says what the API says, through the same code: the same field and reason for
/// the same household, a household id whenever one can be repeated safely, never a value of the line, never
/// .NET's own text, and an individual number (or a field named like one) refused as the API refuses it.
/// </summary>
public sealed class BatchErrorsFileTests(KokuhoApiFactory factory) : IClassFixture<KokuhoApiFactory>
{
    private const string Member = """{"id":"P1","birthDate":"1971-08-19","coverage":[{"acquired":"2019-04-01"}],"income":{"declared":true,"totalIncome":2760000}}""";

    /// <summary>Refused lines: each with the household id the errors file may carry (null: none can be read safely) and the field at fault.</summary>
    public static TheoryData<string, string?, string> RefusedLines => new()
    {
        { """{"id":"123456789012","headId":"P1","members":[MEMBER]}""", null, "household.id" },
        { """{"id":"H-MYNUMBER","headId":"P1","members":[{"id":"P1","myNumber":"x","birthDate":"1971-08-19","coverage":[],"income":{"declared":false}}]}""", "H-MYNUMBER", "household.members[0].myNumber" },
        { """{"id":"H-NOTE","headId":"P1","members":[{"id":"P1","note":"1234-5678-9012"}]}""", "H-NOTE", "household.members[0].note" },
        { """{"id":"H-STRING-INCOME","headId":"P1","members":[{"id":"P1","birthDate":"1971-08-19","coverage":[],"income":{"declared":true,"totalIncome":"2760000"}}]}""", "H-STRING-INCOME", "household.members[0].income.totalIncome" },
        { """{"id":"H-BAD-DATE","headId":"P1","members":[{"id":"P1","birthDate":"1971-02-30","coverage":[],"income":{"declared":false}}]}""", "H-BAD-DATE", "household.members[0].birthDate" },
        { """{"id":"H-OBJECT-NOT-LIST","headId":"P1","members":{"id":"P1"}}""", "H-OBJECT-NOT-LIST", "household.members" },
        { """{"id":"H-UNKNOWN","headId":"P1","members":[MEMBER],"nickname":"ヤマダ"}""", "H-UNKNOWN", "household.nickname" },
        { """{"id":"H-NEGATIVE","headId":"P1","members":[{"id":"P1","birthDate":"1971-08-19","coverage":[],"income":{"declared":true,"totalIncome":-5}}]}""", "H-NEGATIVE", "household.members[0].income.totalIncome" },
        { """{"id":"H-HEAD","headId":"P9","members":[MEMBER]}""", "H-HEAD", "household.headId" },
        { """{"id":"H-BIRTH-RANGE","headId":"P1","members":[{"id":"P1","birthDate":"1771-08-19","coverage":[],"income":{"declared":false}}]}""", "H-BIRTH-RANGE", "household.members[0].birthDate" },
    };

    private static (JsonElement Error, string Raw) RunOne(string line)
    {
        using var folder = new TempFolder();
        File.WriteAllText(folder.File("in.jsonl"), line + "\n");
        var summary = new FileBatchRunner(Service.Value).Run(new FileBatchOptions(Insurer, FiscalYear, folder.File("in.jsonl"), folder.File("out.jsonl"), ResultFormat.Jsonl, 1, false), null, default);
        Assert.Equal(1, summary.Errors);
        var raw = File.ReadAllText(FileBatchRunner.ErrorsPath(folder.File("out.jsonl")));
        return (JsonDocument.Parse(raw).RootElement.Clone(), raw);
    }

    [Theory]
    [MemberData(nameof(RefusedLines))]
    public async Task A_refused_line_gets_the_apis_field_and_reason_its_id_when_safe_and_no_value_of_the_line(string template, string? id, string field)
    {
        var line = template.Replace("MEMBER", Member, StringComparison.Ordinal);
        var (error, raw) = RunOne(line);

        if (id is null) Assert.False(error.TryGetProperty("householdId", out _), raw);
        else Assert.Equal(id, error.GetProperty("householdId").GetString());
        var errors = error.GetProperty("errors").EnumerateArray().Select(e => (e.GetProperty("field").GetString()!, e.GetProperty("message").GetString()!)).ToArray();
        Assert.Equal(field, errors[0].Item1);

        // What the API answers for the same household, in a request.
        var body = $$"""{"insurer":"{{Insurer}}","fiscalYear":{{FiscalYear}},"household":{{line}}}""";
        var response = await factory.CreateClient().PostAsync(AssessmentsPath, new StringContent(body, Encoding.UTF8, "application/json"));
        var problem = JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement;
        Assert.True(response.StatusCode is HttpStatusCode.BadRequest or HttpStatusCode.UnprocessableEntity, problem.GetRawText());
        Assert.Equal(problem.Errors().ToArray(), errors);

        // Nothing of the line is repeated but the safe household id and the field names.
        foreach (var value in new[] { "123456789012", "1234-5678-9012", "1971", "2760000", "ヤマダ", "1771-08-19", "1971-02-30", "P9" })
            Assert.DoesNotContain(value, raw);
        foreach (var dotnet in new[] { "System.", "Nullable", "MemberJson", "HouseholdJson", "IncomeJson", "Int64", "Path:" })
            Assert.DoesNotContain(dotnet, raw);
    }

    [Fact]
    public void A_line_that_is_not_json_is_reported_without_the_text_it_holds()
    {
        var (error, raw) = RunOne("""{"id":"H-BROKEN","headId":"P1","members":[{"id":"P1","birthDate":"1971-08-19" "coverage":[]}]}""");
        Assert.Equal("H-BROKEN", error.GetProperty("householdId").GetString());
        Assert.StartsWith("not valid JSON at line 1", error.GetProperty("errors")[0].GetProperty("message").GetString());
        Assert.DoesNotContain("1971", raw);
        Assert.DoesNotContain("coverage\"", raw.Replace("\"field\"", "", StringComparison.Ordinal));
    }

    [Fact]
    public void A_yen_amount_of_twelve_digits_within_range_is_an_amount_in_the_batch_as_in_the_api()
    {
        var line = Member.Replace("2760000", "100000000000", StringComparison.Ordinal);
        using var folder = new TempFolder();
        File.WriteAllText(folder.File("in.jsonl"), $$"""{"id":"H-RICH","headId":"P1","members":[{{line}}]}""" + "\n");
        var summary = new FileBatchRunner(Service.Value).Run(new FileBatchOptions(Insurer, FiscalYear, folder.File("in.jsonl"), folder.File("out.jsonl"), ResultFormat.Jsonl, 1, false), null, default);
        Assert.Equal(0, summary.Errors);
        Assert.Equal(1, summary.Households);
    }
}
