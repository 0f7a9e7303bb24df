using System.Text.Json;
using System.Text.Json.Nodes;
using KokuhoRules.Rules.Batch;
using KokuhoRules.Rules.HighCost;
using KokuhoRules.Rules.Snapshots;
using KokuhoRules.Tests.Cli;
using KokuhoRules.Tests.Support;
using static KokuhoRules.Tests.Batch.BatchInputs;

namespace KokuhoRules.Tests.HighCost;

/// <summary>
/// <c>kokuho high-cost generate-claims</c> and <c>high-cost benefits</c> (issue 14 items 5 and 7): every household of a
/// generated month gets what <see cref="HighCostService"/> (the API's <c>POST /v1/high-cost/benefits</c>) gives it, the
/// updated history makes next month's 多数回 count right, refused lines are reported by file, line and field, unsorted
/// input is refused naming the line, and the output order is the input order whatever the number of workers.
/// </summary>
public sealed class HighCostBenefitsBatchTests
{
    private static CliRun Benefits(string claims, string history, string output, string month = "2025-10", string threads = "2") =>
        CliRun.Command("high-cost", "benefits", "--insurer", "amagasaki", "--care-month", month, "--trial", "--threads", threads, "--in", claims, "--history", history, "--out", output);

    private static (string Claims, string History) Generate(TempFolder folder, int insured = 900)
    {
        var (claims, history) = (folder.File("claims.jsonl"), folder.File("history.jsonl"));
        var run = CliRun.Command("high-cost", "generate-claims", "--insured", insured.ToString(System.Globalization.CultureInfo.InvariantCulture), "--care-month", "2025-10",
            "--seed", "5", "--out", claims, "--history", history);
        Assert.True(run.ExitCode == 0, run.ToString());
        return (claims, history);
    }

    private static JsonObject[] Lines(string path) => File.ReadAllLines(path).Select(l => JsonNode.Parse(l)!.AsObject()).ToArray();

    [Fact]
    public void Every_household_of_a_generated_month_gets_what_the_api_service_gives_it()
    {
        using var folder = new TempFolder();
        var (claims, history) = Generate(folder);
        var output = folder.File("benefits.jsonl");

        var run = Benefits(claims, history, output);

        Assert.True(run.ExitCode == 0, run.ToString());
        var months = File.ReadAllLines(history).Select(l => JsonSerializer.Deserialize<HighCostHistoryLineJson>(l, KokuhoJson.Options)!).ToLookup(h => h.HouseholdId);
        var service = new HighCostService(TestRuleSets.Catalog);
        var results = Lines(output);
        var inputs = File.ReadAllLines(claims);
        Assert.Equal(inputs.Length, results.Length);
        for (var i = 0; i < inputs.Length; i++)
        {
            var request = JsonSerializer.Deserialize<HighCostBenefitRequest>(inputs[i], KokuhoJson.Options)! with
            {
                Insurer = "amagasaki", CareMonth = new NodaTime.YearMonth(2025, 10), Trial = true,
                History = months[request0(inputs[i])].Select(h => new BenefitMonthJson { CareMonth = h.CareMonth, BenefitPaid = h.BenefitPaid, OutpatientOnly = h.OutpatientOnly, Insurer = h.Insurer }).ToArray(),
            };
            var (response, failure) = service.Compute(request, trace: false);
            Assert.True(failure is null, failure?.Detail);
            var expected = JsonSerializer.SerializeToNode(response, KokuhoJson.Options)!.AsObject();
            Assert.Equal(request.Household!.Id, results[i]["householdId"]!.GetValue<string>());
            foreach (var key in new[] { "benefit", "category", "manyTimes", "priorBenefitMonths", "limit", "steps", "halvedBy", "trial" })
                Assert.True(JsonNode.DeepEquals(expected[key], results[i][key]), $"line {i + 1} {key}: expected {expected[key]?.ToJsonString()}, got {results[i][key]?.ToJsonString()}");
            Assert.Equal(response!.Ruleset.Hash, results[i]["ruleset"]!["hash"]!.GetValue<string>());
        }
        // The month represents what the brief asks for: benefits, 多数回, the 75th-birthday month, the move month, both tables.
        Assert.Contains(results, r => r["benefit"]!.GetValue<long>() > 0 && r["manyTimes"]!.GetValue<bool>());
        Assert.Contains(results, r => r["halvedBy"]!.AsArray().Any(h => h!["reason"]!.GetValue<string>() == "lateElderlyMonth"));
        Assert.Contains(results, r => r["halvedBy"]!.AsArray().Any(h => h!["reason"]!.GetValue<string>() == "inPrefectureMove"));
        Assert.Contains(results, r => r["category"]!.GetValue<string>() == "一般");
        Assert.Contains(results, r => r["category"]!.GetValue<string>() == "ウ");
        Assert.Contains(run.OutputLines, l => l.EndsWith("世帯 households computed", StringComparison.Ordinal) && l.StartsWith(inputs.Length.ToString("N0", System.Globalization.CultureInfo.InvariantCulture), StringComparison.Ordinal));
        Assert.Contains(run.OutputLines, l => l.StartsWith(results.Sum(r => r["benefit"]!.GetValue<long>()).ToString("N0", System.Globalization.CultureInfo.InvariantCulture) + "  支給額合計", StringComparison.Ordinal));
        Assert.Empty(Directory.EnumerateFiles(folder.Path, "*.partial"));

        static string request0(string line) => JsonNode.Parse(line)!["household"]!["id"]!.GetValue<string>();
    }

    /// <summary>A household under 70 (区分ウ) with a 300,000-yen inpatient co-payment each month.</summary>
    private static string Household(string id) =>
        $$$"""{"household":{"id":"{{{id}}}","headId":"P1","members":[{"id":"P1","birthDate":"1975-05-10","coverage":[{"acquired":"2015-04-01"}],"income":{"declared":true,"totalIncome":3000000}}]},"category":"ウ","claims":[{"memberId":"P1","setting":"inpatient","institution":"HOSP-A","totalCost":1000000,"copay":300000}]}""";

    [Fact]
    public void The_updated_history_makes_the_fourth_benefit_month_many_times_in_the_next_run()
    {
        using var folder = new TempFolder();
        var claims = folder.File("claims.jsonl");
        File.WriteAllLines(claims, [Household("H1"), Household("H2")]);
        var history = folder.File("history.jsonl");
        File.WriteAllLines(history, [
            """{"householdId":"H1","careMonth":"2025-03","benefitPaid":100000}""",
            """{"householdId":"H1","careMonth":"2025-06","benefitPaid":100000}""",
            """{"householdId":"H1","careMonth":"2025-08","benefitPaid":100000}""",
            """{"householdId":"H2","careMonth":"2024-11","benefitPaid":100000}""",   // outside November's window: does not count
            """{"householdId":"H2","careMonth":"2025-07","benefitPaid":100000}""",
        ]);
        var (october, november) = (folder.File("2025-10.jsonl"), folder.File("2025-11.jsonl"));

        var first = Benefits(claims, history, october);
        var next = Benefits(claims, october + ".history.jsonl", november, "2025-11");

        Assert.True(first.ExitCode == 0 && next.ExitCode == 0, first + "\n" + next);
        var (oct, nov) = (Lines(october), Lines(november));
        Assert.Equal([3, 2], oct.Select(r => r["priorBenefitMonths"]!.GetValue<int>()));
        Assert.Equal([true, false], oct.Select(r => r["manyTimes"]!.GetValue<bool>()));
        Assert.All(oct, r => Assert.True(r["benefit"]!.GetValue<long>() > 0));
        Assert.Equal([4, 2], nov.Select(r => r["priorBenefitMonths"]!.GetValue<int>()));   // H1: 03, 06, 08 and October; H2: 07 and October (2024-11 has left the window)
        Assert.Equal([true, false], nov.Select(r => r["manyTimes"]!.GetValue<bool>()));
        var updated = Lines(october + ".history.jsonl");
        Assert.Equal(7, updated.Length);
        Assert.Equal(["H1", "H1", "H1", "H1", "H2", "H2", "H2"], updated.Select(h => h["householdId"]!.GetValue<string>()));
        Assert.Equal(oct[0]["benefit"]!.GetValue<long>(), updated[3]["benefitPaid"]!.GetValue<long>());
        Assert.Equal("2025-10", updated[3]["careMonth"]!.GetValue<string>());
    }

    [Fact]
    public void Refused_lines_are_reported_by_file_line_and_field_without_their_values_and_the_others_computed()
    {
        using var folder = new TempFolder();
        var claims = folder.File("claims.jsonl");
        File.WriteAllLines(claims, [
            Household("H1"),
            Household("H2").Replace("\"copay\":300000", "\"copay\":1000001", StringComparison.Ordinal),
            Household("H3").Replace("\"HOSP-A\"", "\"123456789018\"", StringComparison.Ordinal),
            Household("H4"),
            "{not json",
        ]);
        var history = folder.File("history.jsonl");
        File.WriteAllLines(history, ["""{"householdId":"H4","careMonth":"2025-10","benefitPaid":5000}"""]);
        var output = folder.File("b.jsonl");

        var run = Benefits(claims, history, output);

        Assert.True(run.ExitCode == 3, run.ToString());
        Assert.Equal(["H1"], Lines(output).Select(r => r["householdId"]!.GetValue<string>()));
        var errors = Lines(output + ".errors.jsonl");
        var said = errors.Select(e => $"{e["file"]}:{e["line"]}:{e["errors"]![0]!["field"]}").ToArray();
        Assert.Equal(["claims:2:claims[0].copay", "claims:3:claims[0].institution", "history:1:careMonth", "claims:5:$"], said);
        var text = File.ReadAllText(output + ".errors.jsonl");
        Assert.DoesNotContain("123456789018", text);
        Assert.DoesNotContain("1000001", text);
        Assert.Contains(run.OutputLines, l => l.StartsWith("4  除外行", StringComparison.Ordinal) || l.EndsWith("4  除外行 lines refused", StringComparison.Ordinal));
        Assert.Single(Lines(output + ".history.jsonl"), h => h["householdId"]!.GetValue<string>() == "H4");   // kept: the household is left out, its history is not lost
    }

    [Fact]
    public void A_household_whose_history_line_cannot_be_read_is_left_out_not_computed_with_a_month_missing()
    {
        using var folder = new TempFolder();
        var claims = folder.File("claims.jsonl");
        File.WriteAllLines(claims, [Household("H1"), Household("H2"), Household("H3")]);
        var history = folder.File("history.jsonl");
        File.WriteAllLines(history, [
            """{"householdId":"H2","careMonth":"2025-03","benefitPaid":"many"}""",
            """{"householdId":"H2","careMonth":"2025-04","benefitPaid":1000}""",
            """{"householdId":"H3","careMonth":"2025-04","benefitPaid":1000}""",
        ]);
        var output = folder.File("b.jsonl");

        var run = Benefits(claims, history, output);

        Assert.True(run.ExitCode == 3, run.ToString());
        Assert.Equal(["H1", "H3"], Lines(output).Select(r => r["householdId"]!.GetValue<string>()));
        var said = Lines(output + ".errors.jsonl").Select(e => $"{e["file"]}:{e["line"]}:{e["errors"]![0]!["field"]}").ToArray();
        Assert.Equal(["history:1:benefitPaid", "claims:2:history"], said);
        Assert.DoesNotContain("many", File.ReadAllText(output + ".errors.jsonl"));
    }

    [Fact]
    public void A_csv_output_has_a_byte_order_mark_a_header_and_the_benefits_of_the_json_lines_output()
    {
        using var folder = new TempFolder();
        var (claims, history) = Generate(folder, insured: 300);
        var (jsonl, csv) = (folder.File("b.jsonl"), folder.File("b.csv"));

        var runs = new[] { Benefits(claims, history, jsonl), Benefits(claims, history, csv) };

        Assert.All(runs, r => Assert.True(r.ExitCode == 0, r.ToString()));
        var bytes = File.ReadAllBytes(csv);
        Assert.Equal(new byte[] { 0xEF, 0xBB, 0xBF }, bytes[..3]);
        var rows = System.Text.Encoding.UTF8.GetString(bytes, 3, bytes.Length - 3).Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(HighCostFileRun.CsvHeader, rows[0]);
        Assert.Equal(Lines(jsonl).Select(r => $"{r["householdId"]},{r["benefit"]},{r["category"]}"), rows[1..].Select(r => string.Join(',', r.Split(',')[..3])));
        Assert.Equal(File.ReadAllText(jsonl + ".history.jsonl"), File.ReadAllText(csv + ".history.jsonl"));
    }

    [Theory]
    [InlineData("claims")]
    [InlineData("history")]
    public void An_unsorted_input_is_refused_naming_the_line_and_nothing_is_written(string which)
    {
        using var folder = new TempFolder();
        var claims = folder.File("claims.jsonl");
        File.WriteAllLines(claims, which == "claims" ? [Household("H1"), Household("H3"), Household("H2")] : [Household("H1"), Household("H2")]);
        var history = folder.File("history.jsonl");
        File.WriteAllLines(history, which == "history"
            ? ["""{"householdId":"H2","careMonth":"2025-03","benefitPaid":1}""", """{"householdId":"H1","careMonth":"2025-03","benefitPaid":1}"""]
            : []);
        var output = folder.File("b.jsonl");

        var run = Benefits(claims, history, output);

        Assert.True(run.ExitCode == 1, run.ToString());
        var line = Assert.Single(run.Error.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        Assert.Contains(which == "claims" ? "claims.jsonl:3:" : "history.jsonl:2:", line);
        Assert.Contains("sorted", line);
        Assert.DoesNotContain("Exception", line);
        Assert.Equal(["claims.jsonl", "history.jsonl"], Directory.EnumerateFiles(folder.Path).Select(Path.GetFileName).Order(StringComparer.Ordinal));
    }

    [Fact]
    public void The_output_is_in_input_order_and_the_same_whatever_the_workers_and_chunks()
    {
        using var folder = new TempFolder();
        var (claims, history) = Generate(folder, insured: 700);
        var rs = new HighCostService(TestRuleSets.Catalog).Resolve("amagasaki", new NodaTime.YearMonth(2025, 10), null, null, trial: true).RuleSet!;
        string Run(int workers, int chunk)
        {
            var output = folder.File($"b-{workers}-{chunk}.jsonl");
            new HighCostFileRun(rs).Run(new HighCostBenefitsOptions("amagasaki", new NodaTime.YearMonth(2025, 10), claims, history, output, ResultFormat.Jsonl, true, workers,
                HouseholdsPerChunk: chunk), null, CancellationToken.None);
            return File.ReadAllText(output) + "\n--\n" + File.ReadAllText(output + ".history.jsonl");
        }

        var one = Run(1, 5000);
        Assert.Equal(one, Run(3, 17));
        Assert.Equal(one, Run(2, 1));
        var ids = Lines(folder.File("b-1-5000.jsonl")).Select(r => r["householdId"]!.GetValue<string>()).ToArray();
        Assert.Equal(File.ReadAllLines(claims).Select(l => JsonNode.Parse(l)!["household"]!["id"]!.GetValue<string>()), ids);
    }
}
