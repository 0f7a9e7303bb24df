using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using Dapper;
using KokuhoRules.Rules.HighCost;
using KokuhoRules.Rules.HighCost.Continuity;
using KokuhoRules.Rules.Snapshots;
using KokuhoRules.Tests.Cli;
using KokuhoRules.Tests.Support;
using NodaTime;
using Npgsql;
using static KokuhoRules.Tests.Batch.BatchInputs;

namespace KokuhoRules.Tests.HighCost;

/// <summary>
/// 高額療養費 in PostgreSQL (issue 14, <c>--db</c>): a city's months of benefits computed with the history in the
/// database give exactly what the file runs give with their history files, and store each month's benefit months for the
/// next; the prefecture's month of moves decided with the history in the database gives the file run's decisions and
/// takeover lists and stores the months taken over in the move-in city's history, where the move-in city's next benefits
/// count them as the API would; a rerun replaces what the earlier run stored; a trial stores no month; every run is
/// audited with its rule set's hash; wrong options are refused in one line.
/// </summary>
[Collection(PostgresCollection.Name)]
public sealed class HighCostDbTests(PostgresFixture server) : IDisposable
{
    private static readonly string[] Layers = ["national/2025/highCost", "hyogo/2025/highCost"];
    private readonly TempRuleSetRoot _root = Published();

    public void Dispose() => _root.Dispose();

    /// <summary>The bundled rule sets with the FY2025 high-cost layers (national, Hyogo's) published, so that runs are not trials and store their months.</summary>
    private static TempRuleSetRoot Published()
    {
        var root = new TempRuleSetRoot();
        foreach (var layer in Layers)
        {
            root.EditManifest(layer, m => m["status"] = "published");
            root.Reseal(layer);
        }
        return root;
    }

    private string[] Root => ["--root", _root.Root];

    private CliRun Benefits(string claims, string month, string output, string? db = null, string? history = null, params string[] more) =>
        CliRun.Command(["high-cost", "benefits", "--insurer", "amagasaki", "--care-month", month, "--threads", "2", "--in", claims, "--out", output, .. Root,
            .. db is null ? Array.Empty<string>() : ["--db", db], .. history is null ? Array.Empty<string>() : ["--history", history], .. more]);

    private CliRun Continuity(string moves, string output, string? db = null, string? history = null, params string[] more) =>
        CliRun.Command(["high-cost", "continuity", "--prefecture", "hyogo", "--month", "2025-10", "--threads", "2", "--in", moves, "--out", output, .. Root,
            .. db is null ? Array.Empty<string>() : ["--db", db], .. history is null ? Array.Empty<string>() : ["--history", history], .. more]);

    private static string GenerateClaims(TempFolder folder, string month)
    {
        var claims = folder.File($"claims-{month}.jsonl");
        var run = CliRun.Command("high-cost", "generate-claims", "--insured", "400", "--care-month", month, "--seed", "5", "--out", claims, "--history", folder.File($"unused-{month}.jsonl"));
        Assert.True(run.ExitCode == 0, run.ToString());
        return claims;
    }

    private static JsonObject[] Lines(string path) => File.ReadAllLines(path).Select(l => JsonNode.Parse(l)!.AsObject()).ToArray();

    [SkippableFact]
    public void Two_months_of_benefits_with_the_history_in_the_database_give_what_the_file_runs_give_and_store_each_months_benefit_months()
    {
        server.RequireServer();
        var db = server.CreateDatabase();
        using var folder = new TempFolder();
        var (september, october) = (GenerateClaims(folder, "2025-09"), GenerateClaims(folder, "2025-10"));
        var empty = folder.File("empty.jsonl");
        File.WriteAllText(empty, "");

        var fileSep = Benefits(september, "2025-09", folder.File("file-09.jsonl"), history: empty);
        var dbSep = Benefits(september, "2025-09", folder.File("db-09.jsonl"), db);
        var fileOct = Benefits(october, "2025-10", folder.File("file-10.jsonl"), history: folder.File("file-09.jsonl.history.jsonl"));
        var dbOct = Benefits(october, "2025-10", folder.File("db-10.jsonl"), db);

        foreach (var run in new[] { fileSep, dbSep, fileOct, dbOct }) Assert.True(run.ExitCode == 0, run.ToString());
        Assert.Equal(File.ReadAllLines(folder.File("file-09.jsonl")), File.ReadAllLines(folder.File("db-09.jsonl")));
        Assert.Equal(File.ReadAllLines(folder.File("file-10.jsonl")), File.ReadAllLines(folder.File("db-10.jsonl")));
        // October counted September's months, which only the database held.
        Assert.Contains(Lines(folder.File("db-10.jsonl")), r => r["priorBenefitMonths"]!.GetValue<int>() == 1);
        Assert.False(File.Exists(folder.File("db-10.jsonl.history.jsonl")));
        Assert.Empty(Directory.EnumerateFileSystemEntries(folder.Path, "*partial*").Concat(Directory.EnumerateFileSystemEntries(folder.Path, "*staging*")));

        using var connection = new NpgsqlConnection(db);
        var added = Lines(folder.File("file-10.jsonl.history.jsonl")).Where(h => h["careMonth"]!.GetValue<string>() == "2025-10")
            .Select(h => (h["householdId"]!.GetValue<string>(), h["benefitPaid"]!.GetValue<long>())).Order().ToArray();
        Assert.NotEmpty(added);
        Assert.Equal(added, Stored(connection, "2025-10-01"));
        Assert.Contains($"run 2: {added.Length:N0} benefit months stored", dbOct.Output);

        // Run again, the month's benefit months are replaced, not added twice; each run audited with the rule set's hash.
        var again = Benefits(october, "2025-10", folder.File("db-10b.jsonl"), db);
        Assert.True(again.ExitCode == 0, again.ToString());
        Assert.Equal(added, Stored(connection, "2025-10-01"));
        var rs = KokuhoRules.Rules.Catalog.KokuhoRuleSets.Load([_root.Root]).Find<HighCostRuleSet>("hyogo", 2025)!;
        Assert.Equal(3, connection.ExecuteScalar<long>("SELECT count(*) FROM high_cost_runs WHERE kind = 'benefits' AND ruleset_hash = @Hash AND NOT trial", new { rs.Hash }));
        Assert.Equal(3, connection.ExecuteScalar<long>("SELECT count(*) FROM audit_log WHERE endpoint = 'HighCostBenefitsRun' AND rulesets::text LIKE '%' || @Hash || '%'", new { rs.Hash }));
    }

    private static (string, long)[] Stored(NpgsqlConnection connection, string month) =>
        connection.Query<(string, long)>("SELECT household_id, benefit_paid FROM high_cost_benefit_months WHERE insurer = 'amagasaki' AND care_month = @month::date AND paid_by = insurer",
            new { month }).Order().ToArray();

    [SkippableFact]
    public void A_trial_run_stores_its_run_but_no_benefit_month()
    {
        server.RequireServer();
        var db = server.CreateDatabase();
        using var folder = new TempFolder();
        var october = GenerateClaims(folder, "2025-10");

        var trial = Benefits(october, "2025-10", folder.File("t.jsonl"), db, null, "--trial");

        Assert.True(trial.ExitCode == 0, trial.ToString());
        Assert.Contains("0 benefit months stored in high_cost_benefit_months (none: a trial run)", trial.Output);
        using var connection = new NpgsqlConnection(db);
        Assert.Equal(0, connection.ExecuteScalar<long>("SELECT count(*) FROM high_cost_benefit_months"));
        Assert.True(connection.ExecuteScalar<bool>("SELECT trial FROM high_cost_runs"));
    }

    [SkippableFact]
    public void Months_taken_over_in_the_database_match_the_file_run_and_count_in_the_move_in_citys_next_benefits()
    {
        server.RequireServer();
        var db = server.CreateDatabase();
        using var folder = new TempFolder();
        var (moves, history) = (folder.File("moves.jsonl"), folder.File("history.jsonl"));
        var generate = CliRun.Command("high-cost", "generate-moves", "--households", "60", "--seed", "7", "--out", moves, "--history", history);
        Assert.True(generate.ExitCode == 0, generate.ToString());
        SeedHistory(db, history);

        var file = Continuity(moves, folder.File("file"), history: history);
        var stored = Continuity(moves, folder.File("db"), db);

        Assert.True(file.ExitCode == 0, file.ToString());
        Assert.True(stored.ExitCode == 0, stored.ToString());
        Assert.Equal(File.ReadAllLines(folder.File("file/decisions.jsonl")), File.ReadAllLines(folder.File("db/decisions.jsonl")));
        var takeover = Directory.EnumerateFiles(folder.File("file/takeover")).Order(StringComparer.Ordinal).SelectMany(File.ReadAllLines).ToArray();
        Assert.NotEmpty(takeover);
        Assert.Equal(takeover, Directory.EnumerateFiles(folder.File("db/takeover")).Order(StringComparer.Ordinal).SelectMany(File.ReadAllLines).ToArray());
        using var connection = new NpgsqlConnection(db);
        Assert.Equal(File.ReadAllLines(folder.File("db/decisions.jsonl")).Length, connection.ExecuteScalar<long>("SELECT count(*) FROM high_cost_decisions"));
        var lines = takeover.Select(l => JsonSerializer.Deserialize<TakeoverLine>(l, KokuhoJson.Options)!).ToArray();
        var expected = lines.GroupBy(t => (t.MoveInInsurer, t.MoveInHouseholdId, t.CareMonth, t.MoveOutInsurer))
            .Select(g => $"{g.Key.MoveInInsurer}/{g.Key.MoveInHouseholdId}/{g.Key.CareMonth:uuuu-MM}/{g.Key.MoveOutInsurer}/{g.Sum(t => t.BenefitPaid)}").Order(StringComparer.Ordinal).ToArray();
        Assert.Equal(expected, TakenOver(connection));

        // A rerun replaces the months the first stored; a trial stores none.
        Assert.Equal(0, Continuity(moves, folder.File("db2"), db).ExitCode);
        Assert.Equal(expected, TakenOver(connection));
        Assert.Equal(0, Continuity(moves, folder.File("db3"), db, null, "--trial").ExitCode);
        Assert.Equal(expected, TakenOver(connection));
        Assert.Equal(3, connection.ExecuteScalar<long>("SELECT count(*) FROM audit_log WHERE endpoint = 'HighCostContinuityRun'"));

        // The move-in city's November: the months taken over count as the API counts them when given as that household's history.
        var household = lines.Where(t => t.MoveInInsurer == "amagasaki" && t.BenefitPaid > 0 && !t.OutpatientOnly).Select(t => t.MoveInHouseholdId).FirstOrDefault();
        Skip.If(household is null, "no continuous household moved into amagasaki with a month to count (the generator's seed)");
        var claims = folder.File("november.jsonl");
        File.WriteAllText(claims, ClaimsLine(household) + "\n");
        var november = Benefits(claims, "2025-11", folder.File("nov.jsonl"), db);
        Assert.True(november.ExitCode == 0, november.ToString());
        var request = JsonSerializer.Deserialize<HighCostBenefitRequest>(ClaimsLine(household), KokuhoJson.Options)! with
        {
            Insurer = "amagasaki", CareMonth = new YearMonth(2025, 11),
            History = lines.Where(t => t.MoveInInsurer == "amagasaki" && t.MoveInHouseholdId == household)
                .Select(t => new BenefitMonthJson { CareMonth = t.CareMonth, BenefitPaid = t.BenefitPaid, OutpatientOnly = t.OutpatientOnly, Insurer = t.MoveOutInsurer }).ToArray(),
        };
        var (response, failure) = new HighCostService(KokuhoRules.Rules.Catalog.KokuhoRuleSets.Load([_root.Root])).Compute(request, trace: false);
        Assert.True(failure is null, failure?.Detail);
        var result = Lines(folder.File("nov.jsonl")).Single();
        Assert.True(response!.PriorBenefitMonths > 0);
        Assert.Equal(response.PriorBenefitMonths, result["priorBenefitMonths"]!.GetValue<int>());
        Assert.Equal(response.Benefit, result["benefit"]!.GetValue<long>());
    }

    /// <summary>The move-out cities' history, stored as their benefits runs would have stored it.</summary>
    private static void SeedHistory(string db, string history)
    {
        using (var source = NpgsqlDataSource.Create(db)) new KokuhoRules.Rules.Storage.PremiumStore(source).MigrateAsync().GetAwaiter().GetResult();
        using var connection = new NpgsqlConnection(db);
        var run = connection.ExecuteScalar<long>("""
            INSERT INTO high_cost_runs (kind, insurer, month, ruleset_version, ruleset_hash, trial, created_by, source_sha256)
            VALUES ('benefits', 'seed', '2025-09-01', 'seed', 'seed', false, 'test', 'seed') RETURNING run_id
            """);
        foreach (var h in File.ReadAllLines(history).Select(l => JsonSerializer.Deserialize<HistoryLineJson>(l, KokuhoJson.Options)!))
            connection.Execute("""
                INSERT INTO high_cost_benefit_months (insurer, household_id, care_month, paid_by, benefit_paid, outpatient_only, run_id)
                VALUES (@Insurer, @HouseholdId, @month::date, @Insurer, @BenefitPaid, @OutpatientOnly, @run)
                """, new { h.Insurer, h.HouseholdId, month = $"{h.CareMonth:uuuu-MM}-01", h.BenefitPaid, OutpatientOnly = h.OutpatientOnly ?? false, run });
    }

    private static string[] TakenOver(NpgsqlConnection connection) =>
        connection.Query<string>("""
            SELECT m.insurer || '/' || m.household_id || '/' || to_char(m.care_month, 'YYYY-MM') || '/' || m.paid_by || '/' || m.benefit_paid
            FROM high_cost_benefit_months m JOIN high_cost_runs r USING (run_id) WHERE r.kind = 'continuity'
            """).Order(StringComparer.Ordinal).ToArray();

    /// <summary>A household under 70 (区分ウ) with a 300,000-yen inpatient co-payment.</summary>
    private static string ClaimsLine(string id) =>
        $$$"""{"household":{"id":"{{{id}}}","headId":"P1","members":[{"id":"P1","birthDate":"1975-05-10","coverage":[{"acquired":"2015-04-01"}],"income":{"declared":true,"totalIncome":3000000}}]},"category":"ウ","claims":[{"memberId":"P1","setting":"inpatient","institution":"HOSP-A","totalCost":1000000,"copay":300000}]}""";

    /// <summary>Cancels the run the first time it reports progress (synchronously, unlike <see cref="Progress{T}"/>).</summary>
    private sealed class CancelOnProgress(CancellationTokenSource source) : IProgress<KokuhoRules.Rules.Batch.BatchProgress>
    {
        public void Report(KokuhoRules.Rules.Batch.BatchProgress value) => source.Cancel();
    }

    [SkippableFact]
    public void An_interrupted_run_leaves_no_run_no_month_no_decision_no_audit_entry_and_no_file()
    {
        server.RequireServer();
        var db = server.CreateDatabase();
        using var folder = new TempFolder();
        var claims = GenerateClaims(folder, "2025-10");
        var (moves, history) = (folder.File("moves.jsonl"), folder.File("history.jsonl"));
        Assert.Equal(0, CliRun.Command("high-cost", "generate-moves", "--households", "30", "--seed", "3", "--out", moves, "--history", history).ExitCode);
        SeedHistory(db, history);
        var rs = KokuhoRules.Rules.Catalog.KokuhoRuleSets.Load([_root.Root]).Find<HighCostRuleSet>("hyogo", 2025)!;
        using var source = NpgsqlDataSource.Create(db);
        var store = new KokuhoRules.Rules.Storage.HighCostStore(source);

        using (var cancel = new CancellationTokenSource())
            Assert.ThrowsAny<OperationCanceledException>(() => store.Benefits(rs, new HighCostBenefitsOptions("amagasaki", new YearMonth(2025, 10), claims, "", folder.File("b.jsonl"),
                KokuhoRules.Rules.Batch.ResultFormat.Jsonl, false, 2), "amagasaki", "test", new CancelOnProgress(cancel), cancel.Token));
        using (var cancel = new CancellationTokenSource())
            Assert.ThrowsAny<OperationCanceledException>(() => store.Continuity(rs, new ContinuityBatchOptions(new YearMonth(2025, 10), moves, "", folder.File("c"), 2, CasesPerChunk: 8),
                false, "test", new CancelOnProgress(cancel), cancel.Token));

        using var connection = new NpgsqlConnection(db);
        Assert.Equal(0, connection.ExecuteScalar<long>("SELECT count(*) FROM high_cost_runs WHERE kind <> 'benefits' OR insurer <> 'seed'"));
        Assert.Equal(0, connection.ExecuteScalar<long>("SELECT count(*) FROM high_cost_decisions"));
        Assert.Equal(File.ReadAllLines(history).Length, connection.ExecuteScalar<long>("SELECT count(*) FROM high_cost_benefit_months"));
        Assert.Equal(0, connection.ExecuteScalar<long>("SELECT count(*) FROM audit_log"));
        Assert.Equal<string>(["claims-2025-10.jsonl", "history.jsonl", "moves.jsonl", "unused-2025-10.jsonl"],
            Directory.EnumerateFileSystemEntries(folder.Path).Select(p => Path.GetFileName(p)!).Order(StringComparer.Ordinal).ToArray());
    }

    [SkippableFact]
    public void The_history_from_a_file_and_from_the_database_exclude_each_other_and_one_is_needed()
    {
        server.RequireServer();
        var db = server.CreateDatabase();
        using var folder = new TempFolder();
        var input = folder.File("in.jsonl");
        File.WriteAllText(input, ClaimsLine("H1") + "\n");

        var runs = new[]
        {
            Benefits(input, "2025-10", folder.File("a.jsonl"), db, input),
            Benefits(input, "2025-10", folder.File("b.jsonl")),
            Continuity(input, folder.File("c"), db, input),
            Continuity(input, folder.File("d")),
        };

        Assert.All(runs, r => Assert.True(r.ExitCode == 2, r.ToString()));
        Assert.All(runs, r => Assert.Single(r.Error.Split('\n', StringSplitOptions.RemoveEmptyEntries)));
        Assert.Contains("--history and --db exclude each other", runs[0].Error);
        Assert.Contains("give --history <file> or --db <connection string>", runs[1].Error);
        Assert.Contains("--history and --db exclude each other", runs[2].Error);
        Assert.Contains("give --history <file> or --db <connection string>", runs[3].Error);
    }
}
