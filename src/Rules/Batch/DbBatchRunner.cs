using System.Diagnostics;
using KokuhoRules.Rules.Premium;
using KokuhoRules.Rules.Snapshots;
using KokuhoRules.Rules.Storage;
using Npgsql;
using NpgsqlTypes;

namespace KokuhoRules.Rules.Batch;

/// <summary>
/// 本算定 in PostgreSQL. A run is split into chunks of households; each worker thread (and any number
/// of worker processes on other machines) repeatedly claims a pending chunk with
/// <c>SELECT … FOR UPDATE SKIP LOCKED</c>, reads its households with binary COPY, assesses them, writes the
/// results (and the reasons a household is refused) with binary COPY, and marks the chunk done — all in
/// one transaction. A worker killed at any point leaves its chunk pending (its transaction rolls back
/// and its lock goes with its connection), so a resumed run assesses every household exactly once; the
/// results' key (run, household) would refuse a second result anyway.
/// </summary>
public sealed class DbBatchRunner(PremiumService premiums, PremiumStore store)
{
    /// <summary>Starts a run: creates it and its chunks, then works on it.</summary>
    public async Task<(RunInfo Run, BatchSummary Summary)> RunAsync(string insurer, int fiscalYear, bool trial, int chunkSize, int threads, string createdBy,
        IProgress<BatchProgress>? progress, CancellationToken cancel)
    {
        var rs = RuleSet(insurer, fiscalYear, trial);
        var run = await store.CreateRunAsync(insurer, fiscalYear, rs.Version, rs.Hash, rs.Components.Select(c => c.Name).ToArray(), trial, chunkSize, createdBy, cancel);
        return (run, await WorkAsync(run, threads, progress, cancel));
    }

    /// <summary>Works on an existing run (resuming it, or as one more worker): claims pending chunks until none is left.</summary>
    public async Task<(RunInfo Run, BatchSummary Summary)> ResumeAsync(long runId, int threads, IProgress<BatchProgress>? progress, CancellationToken cancel)
    {
        var run = await store.GetRunAsync(runId, cancel) ?? throw new InvalidOperationException($"there is no run {runId}");
        var rs = RuleSet(run.InsurerId, run.FiscalYear, run.Trial);
        if (rs.Hash != run.RulesetHash)
            throw new InvalidOperationException($"run {runId} was started with rule set {run.InsurerId}/{run.FiscalYear} {run.RulesetVersion} ({run.RulesetHash}); the rule set now has hash {rs.Hash}: start a new run");
        return (run, await WorkAsync(run, threads, progress, cancel));
    }

    private PremiumRuleSet RuleSet(string insurer, int fiscalYear, bool trial)
    {
        var (rs, refusal) = premiums.Catalog.Resolve(insurer, fiscalYear, trial);
        return rs ?? throw new InvalidOperationException(refusal!.Detail);
    }

    private async Task<BatchSummary> WorkAsync(RunInfo run, int threads, IProgress<BatchProgress>? progress, CancellationToken cancel)
    {
        var rs = premiums.Catalog.Find(run.InsurerId, run.FiscalYear)!;
        var clock = Stopwatch.StartNew();
        var worker = $"{Environment.MachineName}:{Environment.ProcessId}";
        long assessed = 0, refused = 0;
        var workers = Enumerable.Range(0, Math.Max(1, threads)).Select(t => Task.Run(async () =>
        {
            await using var connection = await store.DataSource.OpenConnectionAsync(cancel);
            // Range scans of one chunk gain nothing from parallel workers on a busy server.
            await using (var set = new NpgsqlCommand("SET max_parallel_workers_per_gather = 0", connection)) await set.ExecuteNonQueryAsync(cancel);
            await using var chunks = await ChunkReader.PrepareAsync(connection, cancel);
            while (true)
            {
                await using var tx = await connection.BeginTransactionAsync(cancel);
                var chunk = await PremiumStore.ClaimChunkAsync(connection, tx, run.RunId);
                if (chunk is null)
                {
                    await tx.CommitAsync(cancel);
                    return;
                }
                var households = await chunks.ReadAsync(run.InsurerId, run.FiscalYear, chunk.FirstSeq, chunk.LastSeq, cancel);
                var totals = await WriteResultsAsync(connection, run, rs, households, cancel);
                await PremiumStore.CompleteChunkAsync(connection, tx, run, chunk.ChunkNo, $"{worker}/{t}", totals);
                await tx.CommitAsync(cancel);
                Interlocked.Add(ref assessed, totals.Households);
                Interlocked.Add(ref refused, totals.Errors);
            }
        }, cancel)).ToArray();

        var all = Task.WhenAll(workers);
        while (!all.IsCompleted)
        {
            await Task.WhenAny(all, Task.Delay(500, cancel));
            progress?.Report(new BatchProgress(Interlocked.Read(ref assessed), Interlocked.Read(ref refused), Interlocked.Read(ref assessed), run.Households, clock.Elapsed));
        }
        await all;
        await store.FinishRunAsync(run.RunId, cancel);
        var summary = await store.SummaryAsync(run, cancel);
        progress?.Report(new BatchProgress(summary.Households, summary.Errors, run.Households, run.Households, clock.Elapsed));
        return summary;
    }

    /// <summary>Assesses households and writes their results and errors with binary COPY (in the caller's transaction); returns their totals.</summary>
    private static async Task<BatchSummary> WriteResultsAsync(NpgsqlConnection connection, RunInfo run, PremiumRuleSet rs,
        List<StoredHousehold> households, CancellationToken cancel)
    {
        var refusedRows = new List<(long Seq, string? Id, string Errors)>();
        var totals = new BatchSummary();
        var fieldErrors = new List<FieldError>();
        var amounts = new long[rs.Components.Count];
        await using (var copy = await connection.BeginBinaryImportAsync("""
            COPY assessment_results (run_id, household_seq, household_id, annual_premium, reduction_class, component_amounts, at_cap, ruleset_version, ruleset_hash)
            FROM STDIN (FORMAT BINARY)
            """, cancel))
        {
            foreach (var (seq, json) in households)
            {
                fieldErrors.Clear();
                var snapshot = SnapshotReader.Read(json, "household", fieldErrors);
                if (snapshot is null)
                {
                    refusedRows.Add((seq, json.Id, PremiumStore.ErrorsJson(fieldErrors)));
                    continue;
                }
                var a = PremiumCalculator.Assess(rs, snapshot, trace: null, details: false);
                totals.Add(a);
                var atCap = false;
                for (var c = 0; c < a.Components.Count; c++)
                {
                    amounts[c] = a.Components[c].Amount;
                    atCap |= a.Components[c].Months > 0 && a.Components[c].BeforeCap >= a.Components[c].Cap;
                }
                copy.StartRow();
                copy.Write(run.RunId, NpgsqlDbType.Bigint);
                copy.Write(seq, NpgsqlDbType.Bigint);
                copy.Write(snapshot.Id, NpgsqlDbType.Text);
                copy.Write(a.AnnualPremium, NpgsqlDbType.Bigint);
                copy.Write(a.ReductionClass, NpgsqlDbType.Text);
                copy.Write(amounts, NpgsqlDbType.Array | NpgsqlDbType.Bigint);
                copy.Write(atCap, NpgsqlDbType.Boolean);
                copy.Write(rs.Version, NpgsqlDbType.Text);
                copy.Write(rs.Hash, NpgsqlDbType.Text);
            }
            await copy.CompleteAsync(cancel);
        }
        if (refusedRows.Count > 0)
        {
            await using var copy = await connection.BeginBinaryImportAsync("COPY run_errors (run_id, household_seq, household_id, errors) FROM STDIN (FORMAT BINARY)", cancel);
            foreach (var (seq, id, errors) in refusedRows)
            {
                copy.StartRow();
                copy.Write(run.RunId, NpgsqlDbType.Bigint);
                copy.Write(seq, NpgsqlDbType.Bigint);
                if (id is null) copy.WriteNull(); else copy.Write(id, NpgsqlDbType.Text);
                copy.Write(errors, NpgsqlDbType.Jsonb);
            }
            await copy.CompleteAsync(cancel);
        }
        totals.Errors = refusedRows.Count;
        return totals;
    }
}
