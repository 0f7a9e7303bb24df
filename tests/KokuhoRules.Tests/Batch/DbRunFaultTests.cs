using System.Text.RegularExpressions;
using Dapper;
using KokuhoRules.Tests.Cli;
using KokuhoRules.Rules.Batch;
using KokuhoRules.Rules.Catalog;
using KokuhoRules.Rules.Storage;
using KokuhoRules.Tests.Support;
using Npgsql;
using static KokuhoRules.Tests.Batch.BatchInputs;

namespace KokuhoRules.Tests.Batch;

/// <summary>
/// Database runs under faults: a frozen worker (its claim lapses after its lease and another worker
/// takes the chunk over, without a household written twice), a worker that stops while others hold
/// chunks (its exit code says the run is not complete), a killed starter (resumed from the run id it
/// printed first), and a lost connection (said as such).
/// </summary>
[Collection(PostgresCollection.Name)]
public sealed class DbRunFaultTests(PostgresFixture server)
{
    /// <summary>A fresh database with a small population loaded (about 1,200 households).</summary>
    private async Task<(string ConnectionString, long Households)> Database()
    {
        var connectionString = server.CreateDatabase();
        await using var db = NpgsqlDataSource.Create(connectionString);
        var store = new PremiumStore(db);
        await store.MigrateAsync();
        var population = Population(insured: 2_000, seed: 21);
        await store.LoadAsync(Service.Value.Catalog.Premium(Insurer, FiscalYear)!.Insurer, FiscalYear, population);
        return (connectionString, population.Count);
    }

    private static async Task<RunInfo> CreateRun(PremiumStore store, int chunkSize)
    {
        var rs = Service.Value.Catalog.Premium(Insurer, FiscalYear)!;
        return await store.CreateRunAsync(Insurer, FiscalYear, rs.Version, rs.Hash, rs.Components.Select(c => c.Name).ToArray(), false, chunkSize, "test");
    }

    private static async Task<(long Results, long Distinct, long Errors)> Written(string connectionString, long runId)
    {
        await using var connection = new NpgsqlConnection(connectionString);
        return await connection.QuerySingleAsync<(long, long, long)>("""
            SELECT (SELECT count(*) FROM assessment_results WHERE run_id = @runId), (SELECT count(DISTINCT household_seq) FROM assessment_results WHERE run_id = @runId),
                   (SELECT count(*) FROM run_errors WHERE run_id = @runId)
            """, new { runId });
    }

    private static CliRun Reassess(params string[] args) => CliRun.Command(["reassess", .. args]);

    [SkippableFact]
    public async Task A_frozen_workers_chunk_is_taken_over_once_its_lease_runs_out_and_no_household_is_written_twice()
    {
        var (connectionString, households) = await Database();
        await using var source = NpgsqlDataSource.Create(connectionString);
        var store = new PremiumStore(source);
        var run = await CreateRun(store, chunkSize: 200);

        // The frozen worker: claims chunk 0 for 3 s on its own connection, which stays open (it sleeps).
        await using var frozen = await source.OpenConnectionAsync();
        var sinceClaim = System.Diagnostics.Stopwatch.StartNew();
        var claim = await PremiumStore.ClaimChunkAsync(frozen, run.RunId, "frozen", TimeSpan.FromSeconds(3));
        Assert.NotNull(claim);
        Assert.Equal(0, claim.ChunkNo);

        // A worker that does not wait stops with the run incomplete, and says what is claimed.
        var runner = new DbBatchRunner(Service.Value, store);
        var stopped = await runner.ResumeAsync(run.RunId, new DbWorkOptions(2, TimeSpan.FromMinutes(5), Wait: false), null, CancellationToken.None);
        Assert.False(stopped.Complete);
        Assert.Equal(1, stopped.Chunks.ChunksClaimed);
        Assert.Equal(claim.LastSeq - claim.FirstSeq + 1, stopped.Chunks.HouseholdsClaimed);
        Assert.Equal(0, stopped.Chunks.ChunksPending);

        // A worker that waits takes the chunk over when the lease has run out, and completes the run.
        var finished = await runner.ResumeAsync(run.RunId, new DbWorkOptions(1, TimeSpan.FromMinutes(5)), null, CancellationToken.None);
        Assert.True(finished.Complete);
        // Measured from the claim (the lease's start), not from this worker's start: on a fast machine the worker
        // that does not wait may itself take most of the 3 s.
        Assert.True(sinceClaim.Elapsed > TimeSpan.FromSeconds(2.5), $"the chunk was taken over {sinceClaim.Elapsed.TotalSeconds:F1} s after it was claimed for 3 s");
        Assert.Equal(households - Refused.Count, finished.Summary.Households);

        // The frozen worker wakes up and finishes its chunk: its claim is gone, it writes nothing.
        var rs = Service.Value.Catalog.Premium(Insurer, FiscalYear)!;
        await using var chunks = await ChunkReader.PrepareAsync(frozen, CancellationToken.None);
        Assert.Null(await DbBatchRunner.ProcessChunkAsync(frozen, chunks, run, rs, claim, "frozen", CancellationToken.None));

        var (results, distinct, errors) = await Written(connectionString, run.RunId);
        Assert.Equal(households - Refused.Count, results);
        Assert.Equal(results, distinct);
        Assert.Equal(Refused.Count, errors);
    }

    [SkippableFact]
    public async Task A_worker_that_stops_while_another_holds_a_chunk_exits_4_and_the_summary_says_what_is_left()
    {
        var (connectionString, _) = await Database();
        await using var source = NpgsqlDataSource.Create(connectionString);
        var store = new PremiumStore(source);
        var run = await CreateRun(store, chunkSize: 300);
        await using var other = await source.OpenConnectionAsync();
        var claim = (await PremiumStore.ClaimChunkAsync(other, run.RunId, "other", TimeSpan.FromMinutes(10)))!;

        using var folder = new TempFolder();
        var result = Reassess("--db", connectionString, "--resume", run.RunId.ToString(System.Globalization.CultureInfo.InvariantCulture), "--no-wait", "--threads", "1",
            "--summary-json", folder.File("summary.json"));

        Assert.True(result.ExitCode == 4, result.ToString());
        Assert.Contains($"run {run.RunId} is not complete: 0 chunks (0 households) pending, 1 chunks ({claim.LastSeq - claim.FirstSeq + 1} households) claimed by other workers", result.Error);
        Assert.Matches(@"households claimed +\d+ \(1 chunks\)", result.Output);
        var summary = System.Text.Json.JsonDocument.Parse(File.ReadAllText(folder.File("summary.json"))).RootElement;
        Assert.False(summary.GetProperty("complete").GetBoolean());
        Assert.Equal(1, summary.GetProperty("chunks").GetProperty("chunksClaimed").GetInt64());
        Assert.Equal("running", (await store.GetRunAsync(run.RunId))!.Status);
        // The session is audited in the database's audit_log as not complete, naming its run and rule set.
        await using var audit = new NpgsqlConnection(connectionString);
        var entry = await audit.QuerySingleAsync<(string Path, string Outcome, string Subjects, string RuleSets)>(
            "SELECT path, outcome, subjects::text, rulesets::text FROM audit_log WHERE endpoint = 'Reassess'");
        Assert.Equal(("kokuho reassess --db", "incomplete"), (entry.Path, entry.Outcome));
        Assert.Contains($"run:{run.RunId}", entry.Subjects);
        Assert.Contains(run.RulesetHash, entry.RuleSets);
    }

    [SkippableFact]
    public async Task A_starter_killed_after_printing_its_run_id_is_resumed_with_resume_latest()
    {
        var (connectionString, households) = await Database();
        long runId;
        using (var starter = CliProcess.Start("reassess", "--db", connectionString, "--insurer", Insurer, "--fiscal-year", "2025", "--chunk-size", "20", "--threads", "1"))
        {
            var wait = System.Diagnostics.Stopwatch.StartNew();
            Match started;
            while (!(started = Regex.Match(starter.Output, @"run (\d+) started")).Success && wait.Elapsed < TimeSpan.FromMinutes(1) && !starter.HasExited) Thread.Sleep(5);
            Assert.True(started.Success, "no run id printed:\n" + starter.Output);
            runId = long.Parse(started.Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture);
            // The run id is the first thing said.
            Assert.StartsWith($"run {runId} started", starter.Output.TrimStart());
            starter.Kill();
        }
        using var resumed = CliProcess.Start("reassess", "--db", connectionString, "--resume", "latest", "--insurer", Insurer, "--fiscal-year", "2025");
        var output = resumed.WaitForExit(TimeSpan.FromMinutes(2), 3);
        Assert.Contains($"working on run {runId} ", output);
        Assert.Matches($@"households assessed +{households - Refused.Count:N0}\n", output);
        var (results, distinct, _) = await Written(connectionString, runId);
        Assert.Equal(households - Refused.Count, results);
        Assert.Equal(results, distinct);
    }

    [SkippableFact]
    public async Task A_connection_lost_during_a_run_is_reported_as_the_database_with_the_run_to_resume()
    {
        var (connectionString, _) = await Database();
        var target = new NpgsqlConnectionStringBuilder(connectionString);
        await using var proxy = new TcpProxy(target.Host!, target.Port);
        var through = new NpgsqlConnectionStringBuilder(connectionString) { Host = "127.0.0.1", Port = proxy.Port }.ConnectionString;

        var running = Task.Run(() => Reassess("--db", through, "--insurer", Insurer, "--fiscal-year", "2025", "--chunk-size", "10", "--threads", "1"));
        await using (var direct = new NpgsqlConnection(connectionString))
        {
            var wait = System.Diagnostics.Stopwatch.StartNew();
            while (wait.Elapsed < TimeSpan.FromMinutes(1) && !running.IsCompleted)
            {
                try
                {
                    if (await direct.ExecuteScalarAsync<long>("SELECT count(*) FROM run_chunks WHERE status = 'done'") >= 2) break;
                }
                catch (PostgresException) { } // run_chunks not there yet
                await Task.Delay(5);
            }
        }
        proxy.Cut();
        var result = await running;

        Assert.True(result.ExitCode == 1, result.ToString());
        Assert.Matches(@"reassess: the database connection was lost during (chunk \d+ of )?run \d+: the chunks done so far are kept; resume with --db \.\.\. --resume \d+", result.Error);
        Assert.DoesNotContain("Exception while", result.Error);
    }
}
