using System.Text.Json;
using KokuhoRules.Rules.Batch;
using KokuhoRules.Rules.Snapshots;
using KokuhoRules.Tests.Api;
using KokuhoRules.Tests.Support;
using Microsoft.AspNetCore.Mvc.Testing;
using static KokuhoRules.Tests.Batch.BatchInputs;

namespace KokuhoRules.Tests.Batch;

/// <summary>本算定 from files (the embedded default): results, refused households, kill and resume.</summary>
public sealed class FileBatchTests(KokuhoApiFactory factory) : IClassFixture<KokuhoApiFactory>
{
    private static FileBatchOptions Options(string input, string output, ResultFormat format = ResultFormat.Jsonl, int threads = 2) =>
        new(Insurer, FiscalYear, input, output, format, threads, Trial: false);

    private static FileBatchRunner Runner() => new(Service.Value);

    [Fact]
    public async Task Every_result_line_equals_what_the_api_returns_for_the_same_household()
    {
        using var folder = new TempFolder();
        var households = Population(insured: 1_500, seed: 11);
        WriteJsonLines(folder.File("in.jsonl"), households);

        var summary = Runner().Run(Options(folder.File("in.jsonl"), folder.File("out.jsonl")), null, CancellationToken.None);

        var lines = File.ReadAllLines(folder.File("out.jsonl"));
        Assert.Equal(households.Count - Refused.Count, lines.Length);
        Assert.Equal(lines.Length, summary.Households);
        Assert.Equal(Refused.Count, summary.Errors);
        var client = factory.CreateClient();
        var results = lines.Select(l => JsonDocument.Parse(l).RootElement).ToDictionary(r => r.GetProperty("householdId").GetString()!);
        long total = 0;
        foreach (var household in households.Where(h => Refused.All(r => r.Household != h)))
        {
            var body = new System.Text.Json.Nodes.JsonObject
            {
                ["insurer"] = Insurer, ["fiscalYear"] = FiscalYear,
                ["household"] = System.Text.Json.Nodes.JsonNode.Parse(JsonSerializer.Serialize(household, KokuhoJson.Options)),
            };
            var api = await (await client.PostAssessment(body)).ReadJson();
            var line = results[household.Id!];
            Assert.Equal(api.GetProperty("annualPremium").GetInt64(), line.GetProperty("annualPremium").GetInt64());
            Assert.Equal(api.GetProperty("reductionClass").GetString(), line.GetProperty("reductionClass").GetString());
            Assert.Equal(api.GetProperty("ruleset").GetProperty("version").GetString(), line.GetProperty("ruleset").GetProperty("version").GetString());
            Assert.Equal(api.GetProperty("ruleset").GetProperty("hash").GetString(), line.GetProperty("ruleset").GetProperty("hash").GetString());
            Assert.Equal(api.GetProperty("installments").GetRawText(), line.GetProperty("installments").GetRawText());
            Assert.False(line.GetProperty("trial").GetBoolean());
            var components = line.GetProperty("components");
            foreach (var c in api.GetProperty("components").EnumerateArray())
            {
                var mine = components.GetProperty(c.GetProperty("name").GetString()!);
                Assert.Equal(c.GetProperty("amount").GetInt64(), mine.GetProperty("amount").GetInt64());
                Assert.Equal(c.GetProperty("beforeCap").GetInt64(), mine.GetProperty("beforeCap").GetInt64());
                Assert.Equal(c.GetProperty("cap").GetInt64(), mine.GetProperty("cap").GetInt64());
            }
            total += api.GetProperty("annualPremium").GetInt64();
        }
        Assert.Equal(total, summary.AnnualPremium);
        Assert.True(total > 0);
    }

    [Fact]
    public void A_household_that_cannot_be_assessed_is_reported_with_its_line_and_reasons_and_skipped()
    {
        using var folder = new TempFolder();
        var good = new SyntheticPopulation(FiscalYear, 3).Households(20).Take(2).Select(h => JsonSerializer.Serialize(h, KokuhoJson.Options)).ToArray();
        string[] input =
        [
            good[0],                                                                  // line 1
            "this is not JSON",                                                       // line 2
            JsonSerializer.Serialize(Refused[0].Household, KokuhoJson.Options),       // line 3
            "",                                                                       // line 4: blank, skipped silently
            """{"id":"H-IMPOSSIBLE-DATE","headId":"P1","members":[{"id":"P1","birthDate":"1982-02-30","coverage":[{"acquired":"2019-04-01"}]}]}""", // line 5
            """{"id":"H-STRING-INCOME","headId":"P1","members":[{"id":"P1","birthDate":"1982-02-03","coverage":[{"acquired":"2019-04-01"}],"income":{"declared":true,"totalIncome":"100"}}]}""", // line 6
            good[1],                                                                  // line 7
        ];
        File.WriteAllText(folder.File("in.jsonl"), string.Join("\n", input) + "\n");

        var summary = Runner().Run(Options(folder.File("in.jsonl"), folder.File("out.jsonl")), null, CancellationToken.None);

        Assert.Equal(2, summary.Households);
        Assert.Equal(4, summary.Errors);
        var results = File.ReadAllLines(folder.File("out.jsonl")).Select(l => JsonDocument.Parse(l).RootElement.GetProperty("householdId").GetString()).ToArray();
        Assert.Equal(good.Select(g => JsonDocument.Parse(g).RootElement.GetProperty("id").GetString()), results);

        var errors = File.ReadAllLines(folder.File("out.jsonl.errors.jsonl")).Select(l => JsonDocument.Parse(l).RootElement).ToArray();
        Assert.Equal([2L, 3L, 5L, 6L], errors.Select(e => e.GetProperty("line").GetInt64()));
        Assert.All(errors, e => Assert.NotEmpty(e.GetProperty("errors").EnumerateArray()));
        Assert.All(errors, e => Assert.All(e.GetProperty("errors").EnumerateArray(), f => Assert.False(string.IsNullOrWhiteSpace(f.GetProperty("message").GetString()))));
        Assert.Equal("H-BAD-COVERAGE", errors[1].GetProperty("householdId").GetString());
        Assert.Contains(errors[1].GetProperty("errors").EnumerateArray(), f => f.GetProperty("field").GetString() == Refused[0].Field);
        Assert.Equal("household.members[0].birthDate", errors[2].GetProperty("errors")[0].GetProperty("field").GetString());
        Assert.Equal("household.members[0].income.totalIncome", errors[3].GetProperty("errors")[0].GetProperty("field").GetString());
    }

    [Fact]
    public void Csv_results_carry_the_same_figures_as_json_lines()
    {
        using var folder = new TempFolder();
        WriteJsonLines(folder.File("in.jsonl"), Population(insured: 800, seed: 5));
        Runner().Run(Options(folder.File("in.jsonl"), folder.File("out.jsonl")), null, CancellationToken.None);
        Runner().Run(Options(folder.File("in.jsonl"), folder.File("out.csv"), ResultFormat.Csv), null, CancellationToken.None);

        var json = File.ReadAllLines(folder.File("out.jsonl")).Select(l => JsonDocument.Parse(l).RootElement).ToArray();
        // UTF-8 with a byte order mark: Excel on Japanese Windows reads it as UTF-8 (not Shift_JIS).
        Assert.Equal([0xEF, 0xBB, 0xBF], File.ReadAllBytes(folder.File("out.csv"))[..3]);
        var csv = File.ReadAllLines(folder.File("out.csv"));
        var header = csv[0].Split(',');
        Assert.Equal(["household_id", "annual_premium", "reduction_class"], header[..3]);
        Assert.Equal(json.Length, csv.Length - 1);
        for (var i = 0; i < json.Length; i++)
        {
            var cells = csv[i + 1].Split(',');
            Assert.Equal(json[i].GetProperty("householdId").GetString(), cells[0]);
            Assert.Equal(json[i].GetProperty("annualPremium").GetInt64().ToString(System.Globalization.CultureInfo.InvariantCulture), cells[1]);
            Assert.Equal(json[i].GetProperty("reductionClass").GetString(), cells[2]);
            foreach (var name in json[i].GetProperty("components").EnumerateObject())
                Assert.Equal(name.Value.GetProperty("amount").GetInt64().ToString(System.Globalization.CultureInfo.InvariantCulture), cells[Array.IndexOf(header, name.Name)]);
            var installments = json[i].GetProperty("installments").EnumerateArray().ToArray();
            foreach (var bill in installments)
                Assert.Equal(bill.GetProperty("amount").GetInt64().ToString(System.Globalization.CultureInfo.InvariantCulture),
                    cells[Array.IndexOf(header, $"installment_{bill.GetProperty("number").GetInt32()}_{bill.GetProperty("dueDate").GetString()}")]);
            Assert.Equal(json[i].GetProperty("ruleset").GetProperty("hash").GetString(), cells[Array.IndexOf(header, "ruleset_hash")]);
            Assert.Equal("false", cells[^1]);
        }
    }

    [Fact]
    public void A_draft_rule_set_is_refused_unless_the_run_is_a_trial()
    {
        using var folder = new TempFolder();
        WriteJsonLines(folder.File("in.jsonl"), new SyntheticPopulation(2026, 1).Households(50));
        var options = new FileBatchOptions(Insurer, 2026, folder.File("in.jsonl"), folder.File("out.jsonl"), ResultFormat.Jsonl, 1, Trial: false);

        var refused = Assert.Throws<InvalidOperationException>(() => Runner().Run(options, null, CancellationToken.None));
        Assert.Contains("draft", refused.Message);
        var trial = Runner().Run(options with { Trial = true }, null, CancellationToken.None);
        Assert.True(trial.Households > 0);
    }

    /// <summary>A population large enough that a run takes a few seconds, and its clean run's files.</summary>
    private static (string Input, byte[] Results, byte[] Errors, BatchSummary Summary) LargeRun(TempFolder folder)
    {
        var input = folder.File("in.jsonl");
        WriteJsonLines(input, Population(insured: 300_000, seed: 42));
        var clean = folder.File("clean.jsonl");
        var summary = Runner().Run(Options(input, clean), null, CancellationToken.None);
        return (input, File.ReadAllBytes(clean), File.ReadAllBytes(clean + ".errors.jsonl"), summary);
    }

    private static void AssertSameAsClean(string output, byte[] results, byte[] errors)
    {
        var lines = File.ReadAllLines(output);
        var ids = lines.Select(l => JsonDocument.Parse(l).RootElement.GetProperty("householdId").GetString()).ToArray();
        Assert.Equal(ids.Length, ids.Distinct().Count()); // no household twice
        Assert.True(results.AsSpan().SequenceEqual(File.ReadAllBytes(output)), "the resumed run's results differ from a clean run's");
        Assert.True(errors.AsSpan().SequenceEqual(File.ReadAllBytes(output + ".errors.jsonl")), "the resumed run's errors differ from a clean run's");
    }

    [Fact]
    public void A_run_cancelled_repeatedly_and_resumed_writes_every_household_exactly_once()
    {
        using var folder = new TempFolder();
        var (input, results, errors, clean) = LargeRun(folder);
        var output = folder.File("out.jsonl");
        var random = new Random(7);
        var interruptions = 0;
        var started = false;
        while (true)
        {
            using var cancel = new CancellationTokenSource(TimeSpan.FromMilliseconds(random.Next(50, 700)));
            try
            {
                var summary = started
                    ? Runner().Resume(FileRunState.PathFor(output), 2, null, cancel.Token)
                    : Runner().Run(Options(input, output), null, cancel.Token);
                Assert.Equal(clean.Households, summary.Households);
                Assert.Equal(clean.AnnualPremium, summary.AnnualPremium);
                Assert.Equal(clean.Errors, summary.Errors);
                break;
            }
            catch (OperationCanceledException)
            {
                interruptions++;
            }
            started = true;
        }
        Assert.True(interruptions > 0, "the run finished before it could be interrupted");
        AssertSameAsClean(output, results, errors);
    }

    [Fact]
    public void A_process_killed_at_random_points_and_resumed_writes_every_household_exactly_once()
    {
        using var folder = new TempFolder();
        var (input, results, errors, clean) = LargeRun(folder);
        var output = folder.File("out.jsonl");
        var state = FileRunState.PathFor(output);
        var random = new Random(13);
        var kills = 0;

        using (var first = CliProcess.Start("reassess", "--insurer", Insurer, "--fiscal-year", "2025", "--in", input, "--out", output, "--threads", "2"))
        {
            // Kill once the run has committed something, so that the resume starts mid-file.
            var wait = System.Diagnostics.Stopwatch.StartNew();
            while (!first.HasExited && !(File.Exists(state) && ReadState(state) is { InputOffset: > 0 }) && wait.Elapsed < TimeSpan.FromMinutes(1)) Thread.Sleep(10);
            Thread.Sleep(random.Next(0, 200));
            Assert.False(first.HasExited, "the run finished before it could be killed:\n" + first.Output);
            first.Kill();
            kills++;
        }
        Assert.False(ReadState(state)!.Completed);

        for (var attempt = 0; ; attempt++)
        {
            using var resumed = CliProcess.Start("reassess", "--resume", state, "--threads", "2");
            if (attempt < 3)
            {
                Thread.Sleep(random.Next(300, 900));
                if (!resumed.HasExited)
                {
                    resumed.Kill();
                    kills++;
                    continue;
                }
            }
            var summary = resumed.WaitForExit(TimeSpan.FromMinutes(2), 3); // complete, with refused households
            Assert.Matches($@"households refused +{clean.Errors:N0}\n", summary);
            break;
        }
        Assert.True(ReadState(state)!.Completed);
        Assert.True(kills >= 1);
        AssertSameAsClean(output, results, errors);
    }

    private static FileRunState? ReadState(string path)
    {
        try { return JsonSerializer.Deserialize<FileRunState>(File.ReadAllBytes(path), KokuhoJson.Options); }
        catch (Exception e) when (e is IOException or JsonException) { return null; }
    }

    [Fact]
    public void Resuming_refuses_an_input_that_changed_since_the_run_started()
    {
        using var folder = new TempFolder();
        WriteJsonLines(folder.File("in.jsonl"), Population(insured: 300, seed: 2));
        var output = folder.File("out.jsonl");
        Runner().Run(Options(folder.File("in.jsonl"), output), null, CancellationToken.None);
        var state = ReadState(FileRunState.PathFor(output))!;
        File.WriteAllText(FileRunState.PathFor(output), JsonSerializer.Serialize(state with { Completed = false, InputOffset = 0, OutputLength = 0 }, KokuhoJson.Options));
        File.AppendAllText(folder.File("in.jsonl"), "{}\n");

        var refused = Assert.Throws<InvalidOperationException>(() => Runner().Resume(FileRunState.PathFor(output), 1, null, CancellationToken.None));
        Assert.Contains("changed", refused.Message);
    }
}
