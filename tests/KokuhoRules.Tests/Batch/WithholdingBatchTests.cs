using System.Text;
using System.Text.Json;
using Dapper;
using KokuhoRules.Rules.Batch;
using KokuhoRules.Rules.Snapshots;
using KokuhoRules.Rules.Storage;
using KokuhoRules.Rules.Withholding;
using KokuhoRules.Tests.Cli;
using KokuhoRules.Tests.Support;
using Npgsql;
using static KokuhoRules.Tests.Batch.BatchInputs;

namespace KokuhoRules.Tests.Batch;

/// <summary>
/// <c>kokuho reassess --withholding</c> (issue 13 item 5), file and database modes through the command line, on the
/// hand-built input <c>TestData/batch/withholding.jsonl</c> (Amagasaki FY2025, premium and withholding rule sets published):
/// <list type="bullet">
/// <item>H-W1 eligible, October start (no previous year; asks for direct debit, which Amagasaki does not keep out);
/// H-W2 eligible, withheld last February: April start; H-W7 eligible, not withheld last year, June start asked for.</item>
/// <item>Not eligible, by the first condition that does not hold: H-W3 ageBand (head 59), H-W4 headInsured (擬制世帯主),
/// H-W5 pensionMinimum (15万円), H-W6 careInsuranceWithheld, H-W11 headNotTurning75 (head 75 in December).</item>
/// <item>Refused: H-W8 a pension on a member without coverage, H-W9 start month 5, H-W10 a negative pension.</item>
/// </list>
/// <c>withholding-plain.golden.*</c> are the results main@6eb9ff0 (before this option existed) wrote for the same lines
/// without their <c>withholding</c> objects: a run without the option must still write exactly those bytes.
/// </summary>
[Collection(PostgresCollection.Name)]
public sealed class WithholdingBatchTests(PostgresFixture server)
{
    private static readonly string Data = Path.Combine(AppContext.BaseDirectory, "TestData", "batch");
    private static readonly string Input = Path.Combine(Data, "withholding.jsonl");

    private static CliRun Reassess(params string[] args) =>
        CliRun.Command(["reassess", "--insurer", Insurer, "--fiscal-year", "2025", "--threads", "2", .. args]);

    private static readonly string[] RefusedIds = ["H-W8", "H-W9", "H-W10"];

    private static JsonElement Json(string path) => JsonDocument.Parse(File.ReadAllText(path)).RootElement;

    private static Dictionary<string, JsonElement> Rows(string path) =>
        File.ReadAllLines(path).Select(l => JsonDocument.Parse(l).RootElement).ToDictionary(r => r.GetProperty("householdId").GetString()!);

    /// <summary>The summary's withholding figures the hand-built input must come to.</summary>
    private static void AssertHandBuiltCounts(JsonElement withholding)
    {
        Assert.Equal(3, withholding.GetProperty("eligible").GetInt64());
        Assert.Equal(
            new Dictionary<string, long> { ["ageBand"] = 1, ["careInsuranceWithheld"] = 1, ["headInsured"] = 1, ["headNotTurning75"] = 1, ["pensionMinimum"] = 1 },
            withholding.GetProperty("notEligible").EnumerateObject().ToDictionary(p => p.Name, p => p.Value.GetInt64()));
        Assert.Equal(new Dictionary<string, long> { ["2025-04"] = 1, ["2025-06"] = 1, ["2025-10"] = 1 },
            withholding.GetProperty("startMonths").EnumerateObject().ToDictionary(p => p.Name, p => p.Value.GetInt64()));
        // Households withheld from per pension month: H-W2 from April, H-W7 from June, H-W1 from October.
        Assert.Equal(new Dictionary<string, long> { ["2025-04"] = 1, ["2025-06"] = 2, ["2025-08"] = 2, ["2025-10"] = 3, ["2025-12"] = 3, ["2026-02"] = 3 },
            withholding.GetProperty("pensionMonths").EnumerateObject().ToDictionary(p => p.Name, p => p.Value.GetProperty("households").GetInt64()));
    }

    [Fact]
    public void A_file_run_writes_each_households_determination_as_the_api_gives_it_and_counts_them_in_the_summary()
    {
        using var folder = new TempFolder();
        var run = Reassess("--in", Input, "--out", folder.File("out.jsonl"), "--withholding", "--summary-json", folder.File("s.json"));
        Assert.True(run.ExitCode == 3, run.ToString());

        var rows = Rows(folder.File("out.jsonl"));
        Assert.Equal(8, rows.Count);
        var service = new WithholdingService(Service.Value.Catalog);
        var stamp = service.Catalog.Resolve<WithholdingRuleSet>(Insurer, FiscalYear, null, null, trial: false).RuleSet!.Stamp;
        var perMonth = new Dictionary<string, long>();
        foreach (var line in File.ReadAllLines(Input))
        {
            var household = JsonSerializer.Deserialize<HouseholdJson>(line, KokuhoJson.Options)!;
            if (RefusedIds.Contains(household.Id)) continue;
            var row = rows[household.Id!];
            var w = row.GetProperty("withholding");
            var (api, failure) = service.Determine(new WithholdingDeterminationRequest
            {
                Insurer = Insurer, FiscalYear = FiscalYear, Household = household with { Withholding = null },
                PreviousYear = household.Withholding?.PreviousYear, DirectDebitRequested = household.Withholding?.DirectDebitRequested,
                StartMonth = household.Withholding?.StartMonth, AnnualPremium = row.GetProperty("annualPremium").GetInt64(),
            }, trace: false);
            Assert.Null(failure);
            Assert.Equal(api!.Eligible, w.GetProperty("eligible").GetBoolean());
            Assert.Equal(api.Eligible ? "eligible" : api.Conditions.First(c => !c.Holds).Name, w.GetProperty("status").GetString());
            Assert.Equal(api.StartMonth, w.TryGetProperty("startMonth", out var start) ? start.GetInt32() : null);
            var pensionMonths = w.GetProperty("pensionMonths").EnumerateArray().ToArray();
            Assert.Equal(6, pensionMonths.Length);
            foreach (var m in pensionMonths)
            {
                var month = m.GetProperty("month").GetString()!;
                var expected = api.Schedule.Where(e => e.Kind != PaymentKind.Ordinary && e.Month.ToString("uuuu-MM", null) == month).Sum(e => e.Amount);
                Assert.True(expected == m.GetProperty("amount").GetInt64(), $"{household.Id} {month}: row {m.GetProperty("amount")}, API {expected}");
                perMonth[month] = perMonth.GetValueOrDefault(month) + expected;
            }
            Assert.Equal(api.Schedule.Where(e => e.Kind == PaymentKind.Ordinary && e.Amount != 0).Select(e => (e.Installment!.Value, e.Amount)),
                w.GetProperty("ordinaryInstallments").EnumerateArray().Select(o => (o.GetProperty("number").GetInt32(), o.GetProperty("amount").GetInt64())));
            Assert.Equal(api.ProvisionalTotal, w.GetProperty("provisionalTotal").GetInt64());
            Assert.Equal(api.DefinitiveTotal, w.GetProperty("definitiveTotal").GetInt64());
            Assert.Equal(api.OrdinaryTotal, w.GetProperty("ordinaryTotal").GetInt64());
            Assert.Equal(stamp.Hash, w.GetProperty("ruleset").GetProperty("hash").GetString());
            Assert.Equal(stamp.Version, w.GetProperty("ruleset").GetProperty("version").GetString());
        }
        Assert.True(rows["H-W2"].GetProperty("withholding").GetProperty("pensionMonths")[0].GetProperty("amount").GetInt64() == 20_000, "H-W2 continues with last February's 20,000");

        Assert.Equal(stamp.Hash, Json(folder.File("s.json")).GetProperty("withholdingRuleset").GetProperty("hash").GetString());
        var summary = Json(folder.File("s.json")).GetProperty("withholding");
        AssertHandBuiltCounts(summary);
        Assert.Equal(perMonth, summary.GetProperty("pensionMonths").EnumerateObject().ToDictionary(p => p.Name, p => p.Value.GetProperty("amount").GetInt64()));
        Assert.Contains("特別徴収 withholding eligible", run.Output);
        Assert.Contains("非該当 first failing headInsured", run.Output);
        Assert.Contains("開始月 start 2025-06", run.Output);
    }

    [Fact]
    public void A_line_whose_pension_or_withholding_fields_are_refused_goes_to_the_errors_file_naming_the_field_and_no_value()
    {
        using var folder = new TempFolder();
        var run = Reassess("--in", Input, "--out", folder.File("out.jsonl"), "--withholding");
        Assert.True(run.ExitCode == 3, run.ToString());
        var errors = File.ReadAllLines(folder.File("out.jsonl.errors.jsonl")).Select(l => JsonDocument.Parse(l).RootElement).ToArray();
        Assert.Equal(RefusedIds, errors.Select(e => e.GetProperty("householdId").GetString()));
        Assert.Equal([8L, 9L, 10L], errors.Select(e => e.GetProperty("line").GetInt64()));
        Assert.Equal(["household.members[1].pension", "household.withholding.startMonth", "household.members[0].pension.annualAmount"],
            errors.Select(e => e.GetProperty("errors").EnumerateArray().Single().GetProperty("field").GetString()));
        var text = string.Join("\n", errors.Select(e => e.GetProperty("errors").GetRawText()));
        foreach (var value in new[] { "700000", "1948", "1500000", "-1", "5000" }) Assert.DoesNotContain(value, text);
        Assert.DoesNotContain(Rows(folder.File("out.jsonl")).Keys, RefusedIds.Contains);
    }

    [Fact]
    public void Without_the_option_the_results_are_byte_for_byte_those_written_before_it_existed()
    {
        using var folder = new TempFolder();
        foreach (var format in new[] { "jsonl", "csv" })
        {
            var output = folder.File("out." + format);
            var run = Reassess("--in", Input, "--out", output, "--format", format);
            Assert.True(run.ExitCode == 0, run.ToString());
            Assert.Equal(File.ReadAllBytes(Path.Combine(Data, "withholding-plain.golden." + format)), File.ReadAllBytes(output));
            Assert.Equal(0, new FileInfo(output + ".errors.jsonl").Length);
            Assert.DoesNotContain("withholding", run.Output);
        }
    }

    [Fact]
    public void Csv_rows_carry_the_same_withholding_as_json_lines_after_the_premium_columns()
    {
        using var folder = new TempFolder();
        Assert.Equal(3, Reassess("--in", Input, "--out", folder.File("out.jsonl"), "--withholding").ExitCode);
        Assert.Equal(3, Reassess("--in", Input, "--out", folder.File("out.csv"), "--format", "csv", "--withholding").ExitCode);
        var plain = File.ReadAllLines(Path.Combine(Data, "withholding-plain.golden.csv"), Encoding.UTF8);
        var lines = File.ReadAllLines(folder.File("out.csv"), Encoding.UTF8);
        var header = lines[0].Split(',');
        var premiumColumns = plain[0].Split(',').Length;
        Assert.Equal(plain[0].Split(','), header[..premiumColumns]);
        Assert.Equal("withholding_eligible", header[premiumColumns]);
        var json = Rows(folder.File("out.jsonl"));
        var plainRows = plain.Skip(1).ToDictionary(l => l.Split(',')[0]);
        foreach (var line in lines.Skip(1))
        {
            var cells = line.Split(',');
            Assert.Equal(plainRows[cells[0]].Split(','), cells[..premiumColumns]); // the premium's columns as without the option
            var column = header.Select((name, i) => (name, i)).ToDictionary(x => x.name, x => cells[x.i]);
            var w = json[cells[0]].GetProperty("withholding");
            Assert.Equal(w.GetProperty("status").GetString(), column["withholding_status"]);
            Assert.Equal(w.TryGetProperty("startMonth", out var s) ? s.GetInt32().ToString() : "", column["withholding_start_month"]);
            foreach (var m in w.GetProperty("pensionMonths").EnumerateArray())
                Assert.Equal(m.GetProperty("amount").GetInt64().ToString(), column["withheld_" + m.GetProperty("month").GetString()]);
            foreach (var o in w.GetProperty("ordinaryInstallments").EnumerateArray())
                Assert.Equal(o.GetProperty("amount").GetInt64().ToString(), column[$"ordinary_{o.GetProperty("number").GetInt32()}_{o.GetProperty("dueDate").GetString()}"]);
            Assert.Equal(w.GetProperty("ordinaryTotal").GetInt64(),
                header.Select((name, i) => (name, i)).Where(x => x.name.StartsWith("ordinary_", StringComparison.Ordinal) && x.name != "ordinary_total").Sum(x => long.Parse(cells[x.i])));
            Assert.Equal(w.GetProperty("ruleset").GetProperty("hash").GetString(), column["withholding_ruleset_hash"]);
        }
    }

    [Theory]
    [InlineData("2026", false, "is a draft")]
    [InlineData("2024", true, "there is no withholding rule set for amagasaki/2024")]
    public void The_option_is_refused_in_one_line_when_the_year_has_no_withholding_rule_set_it_may_use(string fiscalYear, bool trial, string said)
    {
        using var folder = new TempFolder();
        var run = CliRun.Command(["reassess", "--insurer", Insurer, "--fiscal-year", fiscalYear, "--in", Input, "--out", folder.File("out.jsonl"), "--withholding",
            .. trial ? new[] { "--trial" } : []]);
        Assert.True(run.ExitCode == 2, run.ToString());
        Assert.Contains(said, run.Error);
        Assert.Single(run.Error.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        Assert.Empty(Directory.GetFiles(folder.Path));
    }

    [Fact]
    public void A_resumed_run_keeps_the_withholding_and_writes_what_an_uninterrupted_run_writes()
    {
        using var folder = new TempFolder();
        var input = folder.File("pop.jsonl");
        WriteJsonLines(input, new SyntheticPopulation(FiscalYear, 11).Households(120_000));
        var runner = new FileBatchRunner(Service.Value);
        var whole = runner.Run(new FileBatchOptions(Insurer, FiscalYear, input, folder.File("whole.csv"), ResultFormat.Csv, 2, Trial: false, Withholding: true), null, CancellationToken.None);
        Assert.True(whole.Withholding!.Eligible > 0 && whole.Withholding.NotEligible.Values.Sum() > 0, "the synthetic population has households of both kinds");

        var output = folder.File("cut.csv");
        using var cancel = new CancellationTokenSource();
        Assert.ThrowsAny<OperationCanceledException>(() => runner.Run(new FileBatchOptions(Insurer, FiscalYear, input, output, ResultFormat.Csv, 2, Trial: false, Withholding: true),
            new CancelOnFirstReport(cancel), cancel.Token));
        var state = FileBatchRunner.ReadState(FileRunState.PathFor(output));
        Assert.False(state.Completed);
        Assert.NotNull(state.WithholdingRulesetHash);

        var resumed = CliRun.Command("reassess", "--resume", FileRunState.PathFor(output), "--threads", "2", "--summary-json", folder.File("s.json"));
        Assert.True(resumed.ExitCode == 0, resumed.ToString());
        Assert.Equal(File.ReadAllBytes(folder.File("whole.csv")), File.ReadAllBytes(output));
        var summary = Json(folder.File("s.json")).GetProperty("withholding");
        Assert.Equal(whole.Withholding.Eligible, summary.GetProperty("eligible").GetInt64());
        Assert.Equal(whole.Withholding.PensionMonths.ToDictionary(p => p.Key, p => p.Value.Amount),
            summary.GetProperty("pensionMonths").EnumerateObject().ToDictionary(p => p.Name, p => p.Value.GetProperty("amount").GetInt64()));
    }

    /// <summary>Cancels the run the first time it reports progress (after its first commit).</summary>
    private sealed class CancelOnFirstReport(CancellationTokenSource cancel) : IProgress<BatchProgress>
    {
        public void Report(BatchProgress value) => cancel.Cancel();
    }

    // ---- the database -------------------------------------------------------------------------------------------

    [SkippableFact]
    public async Task Load_stores_every_pension_and_withholding_field_and_the_run_reads_them_back_as_sent()
    {
        var connectionString = server.CreateDatabase();
        var load = CliRun.Command("load", "--db", connectionString, "--insurer", Insurer, "--fiscal-year", "2025", "--in", Input);
        Assert.True(load.ExitCode == 0, load.ToString());

        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync();
        await using var reader = await ChunkReader.PrepareAsync(connection, CancellationToken.None);
        var sent = File.ReadAllLines(Input).Select(l => JsonSerializer.Serialize(JsonSerializer.Deserialize<HouseholdJson>(l, KokuhoJson.Options)!, KokuhoJson.Options)).ToArray();
        void AssertAsSent(StoredChunk stored)
        {
            Assert.Equal(sent.Length, stored.Rows.Count);
            for (var i = 0; i < sent.Length; i++)
            {
                Assert.Equal(i + 1, stored.Rows[i].Seq);
                Assert.Equal(sent[i], System.Text.Encoding.UTF8.GetString(stored.Document(i)));
            }
        }
        using (var documents = await reader.ReadAsync(Insurer, FiscalYear, 1, 100, CancellationToken.None)) AssertAsSent(documents);

        // A household loaded before the documents were stored (migration 0011) is rebuilt from the four tables: the same document.
        await using (var clear = new NpgsqlCommand("UPDATE households SET document = NULL WHERE household_seq = 2", connection)) Assert.Equal(1, await clear.ExecuteNonQueryAsync());
        using (var rebuilt = await reader.ReadAsync(Insurer, FiscalYear, 1, 100, CancellationToken.None)) AssertAsSent(rebuilt);
    }

    [SkippableFact]
    public async Task A_database_run_writes_the_same_determinations_errors_and_summary_as_a_file_run()
    {
        var connectionString = server.CreateDatabase();
        using var folder = new TempFolder();
        Assert.Equal(0, CliRun.Command("load", "--db", connectionString, "--insurer", Insurer, "--fiscal-year", "2025", "--in", Input).ExitCode);
        var file = Reassess("--in", Input, "--out", folder.File("out.jsonl"), "--withholding", "--summary-json", folder.File("file.json"));
        Assert.True(file.ExitCode == 3, file.ToString());

        var plain = Reassess("--db", connectionString, "--chunk-size", "4", "--summary-json", folder.File("plain.json"));
        Assert.True(plain.ExitCode == 0, plain.ToString()); // premium only: the pensions and withholding fields are not read, every household is assessed
        Assert.False(Json(folder.File("plain.json")).TryGetProperty("withholding", out _));
        Assert.False(Json(folder.File("plain.json")).TryGetProperty("withholdingRuleset", out _));

        var db = Reassess("--db", connectionString, "--chunk-size", "4", "--withholding", "--summary-json", folder.File("db.json"));
        Assert.True(db.ExitCode == 3, db.ToString());
        var summary = Json(folder.File("db.json"));
        AssertHandBuiltCounts(summary.GetProperty("withholding"));
        Assert.Equal(Json(folder.File("file.json")).GetProperty("withholdingRuleset").GetRawText(), summary.GetProperty("withholdingRuleset").GetRawText());
        Assert.Equal(Json(folder.File("file.json")).GetProperty("withholding").GetRawText(), summary.GetProperty("withholding").GetRawText());
        Assert.Contains("非該当 first failing pensionMinimum", db.Output);

        var runId = long.Parse(summary.GetProperty("runId").GetString()!);
        await using var connection = new NpgsqlConnection(connectionString);
        var rows = (await connection.QueryAsync<(string Id, bool Eligible, string Status, short? Start, long[] Pension, long[] Ordinary, long Definitive, string Hash)>("""
            SELECT household_id, eligible, status, start_month, pension_amounts, ordinary_amounts, definitive_total, ruleset_hash
            FROM withholding_results WHERE run_id = @runId
            """, new { runId })).ToDictionary(r => r.Id);
        var expected = Rows(folder.File("out.jsonl"));
        Assert.Equal(expected.Keys.Order(), rows.Keys.Order());
        foreach (var (id, row) in expected)
        {
            var w = row.GetProperty("withholding");
            var stored = rows[id];
            Assert.Equal(w.GetProperty("eligible").GetBoolean(), stored.Eligible);
            Assert.Equal(w.GetProperty("status").GetString(), stored.Status);
            Assert.Equal(w.TryGetProperty("startMonth", out var s) ? s.GetInt16() : null, stored.Start);
            Assert.Equal(w.GetProperty("pensionMonths").EnumerateArray().Select(m => m.GetProperty("amount").GetInt64()), stored.Pension);
            Assert.Equal(w.GetProperty("ordinaryTotal").GetInt64(), stored.Ordinary.Sum());
            Assert.Equal(w.GetProperty("definitiveTotal").GetInt64(), stored.Definitive);
            Assert.Equal(w.GetProperty("ruleset").GetProperty("hash").GetString(), stored.Hash);
        }
        var errors = (await connection.QueryAsync<(string Id, string Errors)>("SELECT household_id, errors::text FROM run_errors WHERE run_id = @runId", new { runId }))
            .ToDictionary(e => e.Id, e => JsonDocument.Parse(e.Errors).RootElement.EnumerateArray().Single().GetProperty("field").GetString());
        Assert.Equal(new Dictionary<string, string?>
        {
            ["H-W8"] = "household.members[1].pension", ["H-W9"] = "household.withholding.startMonth", ["H-W10"] = "household.members[0].pension.annualAmount",
        }, errors);
        Assert.Equal(0, await connection.QuerySingleAsync<long>("SELECT count(*) FROM assessment_results WHERE run_id = @runId AND household_id = ANY(@RefusedIds)", new { runId, RefusedIds }));
    }
}
