using System.Net;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;
using KokuhoRules.Rules.Batch;
using KokuhoRules.Tests.Support;
using static KokuhoRules.Tests.Api.ApiRequests;
using static KokuhoRules.Tests.Batch.BatchInputs;

namespace KokuhoRules.Tests.Api;

/// <summary>
/// Whitespace between tokens changes nothing: a valid request padded at random places (which moves
/// every value across the readers' buffer boundaries: a date then arrives as a value sequence) gets the
/// same answer as unpadded, at both premium endpoints and in the batch's JSON Lines reader.
/// </summary>
public sealed class BufferBoundaryTests(KokuhoApiFactory factory) : IClassFixture<KokuhoApiFactory>, IDisposable
{
    /// <summary>The batch property's files (a property runs after its method returns: the folder lives with the test).</summary>
    private readonly TempFolder _folder = new();

    public void Dispose() => _folder.Dispose();

    private const string ReassessmentsPath = "/v1/premium/reassessments";

    /// <summary>A household of 30 members (about 6 KB: its dates straddle the 4 KiB boundary of a read buffer).</summary>
    private static JsonObject Household(int members = 30, int periods = 1)
    {
        var list = new JsonArray();
        for (var i = 1; i <= members; i++)
        {
            var coverage = new JsonArray();
            for (var p = 0; p < periods; p++)
                coverage.Add(new JsonObject { ["acquired"] = "2019-04-01", ["lost"] = null });
            list.Add(new JsonObject
            {
                ["id"] = $"P{i}", ["birthDate"] = $"{1950 + i}-{1 + i % 12:00}-{1 + i % 28:00}", ["coverage"] = coverage,
                ["income"] = new JsonObject { ["declared"] = true, ["totalIncome"] = 120_000 * i, ["salaryRevenue"] = 200_000 * i, ["salaryIncome"] = 120_000 * i },
            });
        }
        return new JsonObject { ["id"] = "H-PADDED", ["headId"] = "P1", ["members"] = list };
    }

    private static string AssessmentBody(JsonObject household) =>
        new JsonObject { ["insurer"] = "amagasaki", ["fiscalYear"] = 2025, ["asOf"] = "2025-06-15", ["household"] = household }.ToJsonString();

    private string ReassessmentBody()
    {
        var previous = Send(AssessmentsPath, AssessmentBody(Household())).GetAwaiter().GetResult();
        Assert.Equal(200, previous.Status);
        var household = Household();
        household["members"]![29]!["coverage"]![0]!["lost"] = "2025-09-01";
        return new JsonObject
        {
            ["insurer"] = "amagasaki", ["asOf"] = "2025-10-10",
            ["change"] = new JsonObject { ["effectiveDate"] = "2025-09-01", ["description"] = "P30 転出" },
            ["years"] = new JsonArray(new JsonObject { ["fiscalYear"] = 2025, ["household"] = household, ["previous"] = JsonNode.Parse(previous.Body) }),
        }.ToJsonString();
    }

    private async Task<(int Status, string Body)> Send(string path, string body)
    {
        var response = await factory.CreateClient().PostAsync(path + "?trace=false", new StringContent(body, Encoding.UTF8, "application/json"));
        return ((int)response.StatusCode, await response.Content.ReadAsStringAsync());
    }

    /// <summary>Places between two tokens of compact JSON (after a structural character outside a string), where whitespace may go.</summary>
    private static List<int> Gaps(string json)
    {
        var gaps = new List<int> { 0 };
        var inString = false;
        for (var i = 0; i < json.Length; i++)
        {
            var c = json[i];
            if (inString)
            {
                if (c == '\\') i++;
                else if (c == '"') inString = false;
            }
            else if (c == '"') inString = true;
            else if (c is '{' or '[' or ',' or ':' or '}' or ']') gaps.Add(i + 1);
        }
        return gaps;
    }

    /// <summary>The JSON with whitespace inserted: each pad is (a fraction of the gaps, how many characters).</summary>
    private static string Pad(string json, IEnumerable<(double Where, int Length)> pads)
    {
        var gaps = Gaps(json);
        var inserts = pads.Select(p => (At: gaps[(int)(p.Where * (gaps.Count - 1))], p.Length)).OrderByDescending(p => p.At).ToList();
        var sb = new StringBuilder(json);
        var rnd = new Random(inserts.Count);
        foreach (var (at, length) in inserts)
            sb.Insert(at, string.Concat(Enumerable.Range(0, length).Select(_ => " \t\r\n"[rnd.Next(4)])));
        return sb.ToString();
    }

    private static Gen<(double, int)[]> PadsGen(int maxLength) =>
        Gen.Zip(Gen.Choose(0, 100_000).Select(n => n / 100_000.0), Gen.Choose(1, maxLength)).ArrayOf().Where(a => a.Length > 0);

    private Property SameAnswerPadded(string path, string body) =>
        Prop.ForAll(PadsGen(5000).ToArbitrary(), pads =>
        {
            var expected = Send(path, body).GetAwaiter().GetResult();
            Assert.Equal(200, expected.Status);
            var padded = Pad(body, pads);
            var actual = Send(path, padded).GetAwaiter().GetResult();
            Assert.True(expected == actual, $"padded ({padded.Length} bytes) answered {actual.Status}: {actual.Body[..Math.Min(400, actual.Body.Length)]}");
        });

    [Property(MaxTest = 40)]
    public Property An_assessment_padded_with_whitespace_anywhere_gets_the_same_answer() => SameAnswerPadded(AssessmentsPath, AssessmentBody(Household()));

    [Property(MaxTest = 25)]
    public Property A_reassessment_padded_with_whitespace_anywhere_gets_the_same_answer() => SameAnswerPadded(ReassessmentsPath, ReassessmentBody());

    [Property(MaxTest = 6)]
    public Property A_batch_input_padded_with_whitespace_anywhere_gives_the_same_results()
    {
        // Over 1 MiB of input, so that lines straddle the JSON Lines reader's read buffer too.
        var lines = SyntheticPopulation(1_200).Select(h => JsonSerializer.Serialize(h, Rules.Snapshots.KokuhoJson.Options)).ToArray();
        var folder = _folder;
        File.WriteAllText(folder.File("plain.jsonl"), string.Join("\n", lines) + "\n");
        new FileBatchRunner(Service.Value).Run(new FileBatchOptions(Insurer, FiscalYear, folder.File("plain.jsonl"), folder.File("plain.out"), ResultFormat.Jsonl, 2, false), null, default);
        var expected = File.ReadAllText(folder.File("plain.out"));
        var seeds = Gen.Choose(0, int.MaxValue);
        return Prop.ForAll(seeds.ToArbitrary(), seed =>
        {
            var rnd = new Random(seed);
            // Spaces and tabs only: a line break ends a line of JSON Lines.
            var padded = lines.Select(l => Pad(l, Enumerable.Range(0, rnd.Next(1, 6)).Select(_ => (rnd.NextDouble(), rnd.Next(1, 1500)))).Replace('\r', ' ').Replace('\n', '\t'));
            File.WriteAllText(folder.File("padded.jsonl"), string.Join("\n", padded) + "\n");
            Assert.True(new FileInfo(folder.File("padded.jsonl")).Length > 1 << 20);
            var summary = new FileBatchRunner(Service.Value).Run(new FileBatchOptions(Insurer, FiscalYear, folder.File("padded.jsonl"), folder.File("padded.out"), ResultFormat.Jsonl, 2, false), null, default);
            Assert.Equal(0, summary.Errors);
            Assert.Equal(expected, File.ReadAllText(folder.File("padded.out")));
        });
    }

    private static List<Rules.Snapshots.HouseholdJson> SyntheticPopulation(long insured) => new SyntheticPopulation(FiscalYear, 5).Households(insured).ToList();

    [Fact]
    public async Task A_household_of_1000_members_gets_the_member_limit_problem_not_a_date_error()
    {
        var (status, body) = await Send(AssessmentsPath, AssessmentBody(Household(members: 1000)));
        Assert.Equal(422, status);
        var problem = JsonDocument.Parse(body).RootElement;
        Assert.Equal(Problems.InvalidRequest, problem.GetProperty("type").GetString());
        Assert.Equal([("household.members", "at most 40 members are accepted")], problem.Errors());
    }

    [Fact]
    public async Task A_member_with_10000_coverage_periods_gets_the_period_limit_problem_not_a_date_error()
    {
        var household = Household(members: 1, periods: 10_000);
        var (status, body) = await Send(AssessmentsPath, AssessmentBody(household));
        Assert.Equal(422, status);
        var problem = JsonDocument.Parse(body).RootElement;
        Assert.Equal(Problems.InvalidRequest, problem.GetProperty("type").GetString());
        Assert.Equal([("household.members[0].coverage", "at most 24 periods are accepted")], problem.Errors());
    }

    [Fact]
    public async Task A_date_written_with_json_escapes_is_read_as_the_date()
    {
        var plain = AssessmentBody(Household(members: 2));
        var escaped = plain.Replace("\"1951-02-02\"", "\"\\u0031951-02\\u002d02\"");
        Assert.NotEqual(plain, escaped);
        Assert.Equal(await Send(AssessmentsPath, plain), await Send(AssessmentsPath, escaped));
    }
}
