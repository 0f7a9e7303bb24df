using KokuhoRules.Rules.Catalog;
using System.Diagnostics;
using System.Text.Json;
using Dapper;
using KokuhoRules.Rules.Batch;
using KokuhoRules.Rules.Snapshots;
using KokuhoRules.Rules.Storage;
using KokuhoRules.Tests.Support;
using Npgsql;
using static KokuhoRules.Tests.Batch.BatchInputs;

namespace KokuhoRules.Tests.Batch;

/// <summary>
/// 本算定 in PostgreSQL: results equal the API's, refused households are reported, a run killed at any
/// point and resumed assesses every household exactly once, two worker processes share a run.
/// </summary>
[Collection(PostgresCollection.Name)]
public sealed class DbBatchTests(PostgresFixture server)
{
    /// <summary>One loaded database for the tests of this class (loading is the slow part), with what each household must come to.</summary>
    private sealed record Loaded(string ConnectionString, long Households, Dictionary<string, (long Annual, string Class, long[] Amounts)> Expected, Dictionary<string, string> Refused);

    private static readonly SemaphoreSlim LoadLock = new(1);
    private static Loaded? _loaded;

    private async Task<Loaded> Database()
    {
        server.RequireServer();
        await LoadLock.WaitAsync();
        try
        {
            if (_loaded is not null) return _loaded;
            var connectionString = server.CreateDatabase();
            var households = Population(insured: 100_000, seed: 77);
            await using (var db = NpgsqlDataSource.Create(connectionString))
            {
                var store = new PremiumStore(db);
                await store.MigrateAsync();
                var info = Service.Value.Catalog.Premium(Insurer, FiscalYear)!.Insurer;
                Assert.Equal(households.Count, await store.LoadAsync(info, FiscalYear, households));
            }
            var rs = Service.Value.Catalog.Premium(Insurer, FiscalYear)!;
            var expected = new Dictionary<string, (long, string, long[])>();
            var refused = new Dictionary<string, string>();
            foreach (var h in households)
            {
                var (response, failure) = Expected(h);
                if (failure is not null)
                {
                    refused[h.Id!] = failure.Errors[0].Field;
                    continue;
                }
                expected[h.Id!] = (response!.AnnualPremium, response.ReductionClass,
                    rs.Components.Select(c => response.Components.Single(x => x.Name == c.Name).Amount).ToArray());
            }
            Assert.Equal(Refused.Count, refused.Count);
            return _loaded = new Loaded(connectionString, households.Count, expected, refused);
        }
        finally
        {
            LoadLock.Release();
        }
    }

    private static async Task<T> Query<T>(string connectionString, string sql, object? args = null)
    {
        await using var connection = new NpgsqlConnection(connectionString);
        return await connection.QuerySingleAsync<T>(sql, args);
    }

    /// <summary>Checks that a finished run holds exactly one correct result per valid household and one error per refused one.</summary>
    private static async Task AssertExactlyOnce(Loaded db, long runId)
    {
        await using var connection = new NpgsqlConnection(db.ConnectionString);
        var rs = Service.Value.Catalog.Premium(Insurer, FiscalYear)!;
        var results = (await connection.QueryAsync<(long Seq, string Id, long Annual, string Class, long[] Amounts, string Version, string Hash)>("""
            SELECT household_seq, household_id, annual_premium, reduction_class, component_amounts, ruleset_version, ruleset_hash
            FROM assessment_results WHERE run_id = @runId
            """, new { runId })).ToList();
        Assert.Equal(db.Expected.Count, results.Count);
        Assert.Equal(results.Count, results.Select(r => r.Id).Distinct().Count());
        foreach (var r in results)
        {
            var (annual, reductionClass, amounts) = db.Expected[r.Id];
            Assert.True(annual == r.Annual && reductionClass == r.Class && amounts.SequenceEqual(r.Amounts),
                $"{r.Id}: stored {r.Annual} {r.Class} [{string.Join(",", r.Amounts)}], API {annual} {reductionClass} [{string.Join(",", amounts)}]");
            Assert.Equal(rs.Version, r.Version);
            Assert.Equal(rs.Hash, r.Hash);
        }
        var errors = (await connection.QueryAsync<(string Id, string Errors)>("SELECT household_id, errors::text FROM run_errors WHERE run_id = @runId", new { runId })).ToList();
        Assert.Equal(db.Refused.Keys.Order(), errors.Select(e => e.Id).Order());
        foreach (var (id, json) in errors)
            Assert.Contains(JsonDocument.Parse(json).RootElement.EnumerateArray(), e => e.GetProperty("field").GetString() == db.Refused[id]);

        var chunks = await connection.QuerySingleAsync<(long Pending, long Households, long Refused)>(
            "SELECT count(*) FILTER (WHERE status <> 'done'), coalesce(sum(households), 0), coalesce(sum(refused), 0) FROM run_chunks WHERE run_id = @runId", new { runId });
        Assert.Equal((0L, (long)db.Expected.Count, (long)db.Refused.Count), chunks);
        Assert.Equal("done", await connection.QuerySingleAsync<string>("SELECT status FROM assessment_runs WHERE run_id = @runId", new { runId }));
    }

    [SkippableFact]
    public async Task A_database_run_equals_the_api_household_by_household_and_reports_refused_households()
    {
        var db = await Database();
        await using var source = NpgsqlDataSource.Create(db.ConnectionString);
        var store = new PremiumStore(source);
        var (run, summary, complete, _, _) = await new DbBatchRunner(Service.Value, store).RunAsync(Insurer, FiscalYear, trial: false, chunkSize: 2_000, new DbWorkOptions(2, TimeSpan.FromMinutes(5)), "test", null, CancellationToken.None);
        Assert.True(complete);

        await AssertExactlyOnce(db, run.RunId);
        Assert.Equal(db.Expected.Count, summary.Households);
        Assert.Equal(db.Refused.Count, summary.Errors);
        Assert.Equal(db.Expected.Values.Sum(e => e.Annual), summary.AnnualPremium);
        Assert.Equal(db.Households, run.Households);
    }

    [SkippableFact]
    public async Task A_run_killed_at_random_points_and_resumed_assesses_every_household_exactly_once()
    {
        var db = await Database();
        var before = await Query<long>(db.ConnectionString, "SELECT coalesce(max(run_id), 0) FROM assessment_runs");
        var random = new Random(3);
        long runId;
        using (var first = CliProcess.Start("reassess", "--db", db.ConnectionString, "--insurer", Insurer, "--fiscal-year", "2025", "--chunk-size", "500", "--threads", "2"))
        {
            runId = await WaitForChunks(db, before, first, done: 2);
            await Task.Delay(random.Next(0, 150));
            first.Kill();
        }
        var (pending, _) = await Progress(db, runId);
        Assert.True(pending > 0, "the run finished before it could be killed");

        var kills = 1;
        for (var attempt = 0; ; attempt++)
        {
            using var resumed = CliProcess.Start("reassess", "--db", db.ConnectionString, "--resume", runId.ToString(System.Globalization.CultureInfo.InvariantCulture), "--threads", "2");
            if (attempt < 2)
            {
                await Task.Delay(random.Next(400, 1_200));
                if (!resumed.HasExited)
                {
                    resumed.Kill();
                    kills++;
                    continue;
                }
            }
            var output = resumed.WaitForExit(TimeSpan.FromMinutes(3), 3); // complete, with refused households
            Assert.Matches($@"households assessed +{db.Expected.Count:N0}\n", output);
            Assert.Matches($@"households refused +{db.Refused.Count:N0}\n", output);
            break;
        }
        Assert.True(kills >= 1);
        await AssertExactlyOnce(db, runId);
    }

    [SkippableFact]
    public async Task Two_worker_processes_share_one_run_without_losing_or_doubling_a_household()
    {
        var db = await Database();
        var rs = Service.Value.Catalog.Premium(Insurer, FiscalYear)!;
        RunInfo run;
        await using (var source = NpgsqlDataSource.Create(db.ConnectionString))
            run = await new PremiumStore(source).CreateRunAsync(Insurer, FiscalYear, rs.Version, rs.Hash, rs.Components.Select(c => c.Name).ToArray(), false, 500, "test");

        var id = run.RunId.ToString(System.Globalization.CultureInfo.InvariantCulture);
        using var one = CliProcess.Start("reassess", "--db", db.ConnectionString, "--resume", id, "--threads", "1");
        using var two = CliProcess.Start("reassess", "--db", db.ConnectionString, "--resume", id, "--threads", "1");
        // Each waits until the run is complete (the other's last chunk too): both say complete, with refused households.
        one.WaitForExit(TimeSpan.FromMinutes(3), 3);
        two.WaitForExit(TimeSpan.FromMinutes(3), 3);

        await AssertExactlyOnce(db, run.RunId);
        // Which worker did what is recorded per chunk (both usually took a share; exactness does not depend on it).
        var workers = await Query<long>(db.ConnectionString, "SELECT count(DISTINCT split_part(worker, '/', 1)) FROM run_chunks WHERE run_id = @id", new { id = run.RunId });
        Assert.InRange(workers, 1, 2);
    }

    [SkippableFact]
    public async Task Resuming_refuses_a_run_whose_rule_set_has_changed_since_it_started()
    {
        var db = await Database();
        var rs = Service.Value.Catalog.Premium(Insurer, FiscalYear)!;
        await using var source = NpgsqlDataSource.Create(db.ConnectionString);
        var store = new PremiumStore(source);
        var run = await store.CreateRunAsync(Insurer, FiscalYear, rs.Version, "sha256:0000", rs.Components.Select(c => c.Name).ToArray(), false, 500, "test");

        var refused = await Assert.ThrowsAsync<InvalidOperationException>(() => new DbBatchRunner(Service.Value, store).ResumeAsync(run.RunId, new DbWorkOptions(1, TimeSpan.FromMinutes(5)), null, CancellationToken.None));
        Assert.Contains("start a new run", refused.Message);
        Assert.Equal(0L, await Query<long>(db.ConnectionString, "SELECT count(*) FROM assessment_results WHERE run_id = @id", new { id = run.RunId }));
    }

    [SkippableFact]
    public async Task Migrations_apply_once_and_refuse_a_migration_changed_after_it_was_applied()
    {
        var connectionString = server.CreateDatabase();
        await using var source = NpgsqlDataSource.Create(connectionString);
        var store = new PremiumStore(source);

        Assert.Equal(["0001_households_and_runs.sql", "0002_chunk_totals.sql", "0003_audit_log.sql", "0004_chunk_leases.sql", "0005_member_fixed_asset_tax.sql", "0006_withholding.sql", "0007_eligibility.sql", "0008_high_cost.sql", "0009_rulesets.sql", "0010_staff_publish.sql", "0011_household_documents.sql", "0012_fiscal_year_households.sql"], await store.MigrateAsync());
        Assert.Empty(await store.MigrateAsync());

        await using (var connection = await source.OpenConnectionAsync())
            await connection.ExecuteAsync("UPDATE schema_migrations SET checksum = 'tampered' WHERE name = '0001_households_and_runs.sql'");
        var refused = await Assert.ThrowsAsync<InvalidOperationException>(() => store.MigrateAsync());
        Assert.Contains("0001_households_and_runs.sql", refused.Message);
    }

    [SkippableFact]
    public async Task Loading_a_fiscal_year_again_replaces_its_households_and_a_run_needs_households()
    {
        var connectionString = server.CreateDatabase();
        await using var source = NpgsqlDataSource.Create(connectionString);
        var store = new PremiumStore(source);
        await store.MigrateAsync();
        var rs = Service.Value.Catalog.Premium(Insurer, FiscalYear)!;
        var noHouseholds = await Assert.ThrowsAsync<InvalidOperationException>(() =>
            store.CreateRunAsync(Insurer, FiscalYear, rs.Version, rs.Hash, rs.Components.Select(c => c.Name).ToArray(), false, 500, "test"));
        Assert.Contains("no households", noHouseholds.Message);

        var population = new SyntheticPopulation(FiscalYear, 9).Households(2_000).ToList();
        await store.LoadAsync(rs.Insurer, FiscalYear, population);
        await store.LoadAsync(rs.Insurer, FiscalYear, population.Take(100));
        Assert.Equal(100L, await Query<long>(connectionString, "SELECT count(*) FROM households"));
        Assert.Equal(population.Take(100).Sum(h => h.Members!.Count), await Query<long>(connectionString, "SELECT count(*) FROM members"));

        // What is stored reads back as what was sent.
        var (_, summary, _, _, _) = await new DbBatchRunner(Service.Value, store).RunAsync(Insurer, FiscalYear, false, 30, new DbWorkOptions(1, TimeSpan.FromMinutes(5)), "test", null, CancellationToken.None);
        Assert.Equal(population.Take(100).Sum(h => Expected(h).Response!.AnnualPremium), summary.AnnualPremium);
    }

    [SkippableFact]
    public async Task A_run_takes_its_count_from_the_load_counts_an_older_load_and_its_chunks_cover_every_household_whatever_the_numbering()
    {
        var connectionString = server.CreateDatabase();
        await using var source = NpgsqlDataSource.Create(connectionString);
        var store = new PremiumStore(source);
        await store.MigrateAsync();
        var rs = Service.Value.Catalog.Premium(Insurer, FiscalYear)!;
        var population = new SyntheticPopulation(FiscalYear, 11).Households(2_000).Take(1_000).ToList();
        Assert.Equal(1_000, population.Count);
        await store.LoadAsync(rs.Insurer, FiscalYear, population);
        Assert.Equal(1_000L, await Query<long>(connectionString, "SELECT households FROM fiscal_years"));
        var runner = new DbBatchRunner(Service.Value, store);

        // Numbered 1..1000 by the load: chunks of 300 are 1–300, 301–600, 601–900, 901–1000.
        var (run, _, _, _, _) = await runner.RunAsync(Insurer, FiscalYear, false, 300, new DbWorkOptions(2, TimeSpan.FromMinutes(5)), "test", null, CancellationToken.None);
        Assert.Equal(1_000L, run.Households);
        await using (var connection = new NpgsqlConnection(connectionString))
            Assert.Equal([(0, 1L, 300L, 300L), (1, 301L, 600L, 300L), (2, 601L, 900L, 300L), (3, 901L, 1_000L, 100L)],
                (await connection.QueryAsync<(int, long, long, long)>("SELECT chunk_no, first_seq, last_seq, households + refused FROM run_chunks WHERE run_id = @RunId ORDER BY chunk_no", run)).ToList());

        // A year loaded before the count was kept, with gaps in its numbering and none of its first households: counted,
        // and every household assessed once.
        var kept = population.Where((_, i) => i >= 50 && i % 7 != 3).ToList();
        await using (var connection = new NpgsqlConnection(connectionString))
        {
            await connection.ExecuteAsync("UPDATE fiscal_years SET households = NULL");
            foreach (var table in new[] { "incomes", "coverage_periods", "members", "households" })
                await connection.ExecuteAsync($"DELETE FROM {table} WHERE household_seq <= 50 OR household_seq % 7 = 4");
        }
        var (older, summary, complete, _, _) = await runner.RunAsync(Insurer, FiscalYear, false, 300, new DbWorkOptions(2, TimeSpan.FromMinutes(5)), "test", null, CancellationToken.None);
        Assert.True(complete);
        Assert.Equal(kept.Count, older.Households);
        Assert.Equal(kept.Count, summary.Households + summary.Errors);
        Assert.Equal(kept.Where(h => Expected(h).Response is not null).Sum(h => Expected(h).Response!.AnnualPremium), summary.AnnualPremium);
        Assert.Equal(kept.Count, await Query<long>(connectionString, "SELECT count(DISTINCT household_seq) FROM assessment_results WHERE run_id = @RunId", older)
            + await Query<long>(connectionString, "SELECT count(*) FROM run_errors WHERE run_id = @RunId", older));
    }

    private static async Task<(long Pending, long Done)> Progress(Loaded db, long runId)
    {
        await using var connection = new NpgsqlConnection(db.ConnectionString);
        return await connection.QuerySingleAsync<(long, long)>(
            "SELECT count(*) FILTER (WHERE status = 'pending'), count(*) FILTER (WHERE status = 'done') FROM run_chunks WHERE run_id = @runId", new { runId });
    }

    /// <summary>Waits for the run a process started (the first after <paramref name="before"/>) to have <paramref name="done"/> chunks done.</summary>
    private static async Task<long> WaitForChunks(Loaded db, long before, CliProcess process, int done)
    {
        var clock = Stopwatch.StartNew();
        while (clock.Elapsed < TimeSpan.FromMinutes(1))
        {
            Assert.False(process.HasExited, "the run ended before it could be killed:\n" + process.Output);
            var runId = await Query<long>(db.ConnectionString, "SELECT coalesce(max(run_id), 0) FROM assessment_runs");
            if (runId > before && (await Progress(db, runId)).Done >= done) return runId;
            await Task.Delay(10);
        }
        throw new TimeoutException("the run did not start:\n" + process.Output);
    }
}
