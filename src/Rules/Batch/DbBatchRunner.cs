using System.Diagnostics;
using KokuhoRules.Engine.Storage;
using KokuhoRules.Rules.Premium;
using KokuhoRules.Rules.Snapshots;
using KokuhoRules.Rules.Storage;
using KokuhoRules.Rules.Withholding;
using Npgsql;
using NpgsqlTypes;

namespace KokuhoRules.Rules.Batch;

/// <summary>How a worker process works on a database run.</summary>
/// <param name="Threads">Worker threads, each with its own connection.</param>
/// <param name="Lease">How long a claim holds a chunk: after it, another worker may take the chunk over.</param>
/// <param name="Wait">When nothing is left to claim but other live workers hold chunks: wait for them (and take over any claim that lapses) rather than stop with the run incomplete.</param>
public sealed record DbWorkOptions(int Threads, TimeSpan Lease, bool Wait = true)
{
    public const int DefaultLeaseSeconds = 600;
}

/// <summary>What a worker process leaves: the run, its summary (every chunk done so far), whether it is complete and where its chunks stand.</summary>
/// <param name="SessionHouseholds">Households this process assessed (for its rate).</param>
public sealed record DbRunResult(RunInfo Run, BatchSummary Summary, bool Complete, ChunkCounts Chunks, long SessionHouseholds = 0);

/// <summary>A database failure during a run, said as such: which run and chunk, and how to go on.</summary>
public sealed class BatchDatabaseException(string message, Exception inner) : InvalidOperationException(message, inner);

/// <summary>
/// 本算定 in PostgreSQL. A run is split into chunks of households; each worker thread (and any number
/// of worker processes on other machines) repeatedly claims a pending chunk for a lease (a short
/// committed transaction: status, claim token, lease end), reads its households with binary COPY,
/// assesses them, and in one transaction locks the chunk's row, checks the claim is still its own,
/// writes the results (and the reasons a household is refused) with binary COPY and marks the chunk
/// done. A killed worker's chunk can be claimed again as soon as its session is gone; a frozen worker's
/// once its lease runs out; a frozen worker that wakes up finds its claim gone and writes nothing, so
/// every household is assessed exactly once (the results' key (run, household) would refuse a second
/// result anyway). A session that stays idle inside its transaction is ended by the server.
/// </summary>
public sealed class DbBatchRunner(PremiumService premiums, PremiumStore store)
{
    /// <summary>How often a waiting worker looks for a chunk whose claim lapsed.</summary>
    private static readonly TimeSpan ClaimPoll = TimeSpan.FromMilliseconds(500);

    /// <summary>
    /// Starts a run: creates it and its chunks, tells <paramref name="started"/> its id, then works on it, with the
    /// rule-set version pinned (<paramref name="rulesetVersion"/>) or in force on <paramref name="asOf"/> (default today); a
    /// resumed run keeps the version it started with. With <paramref name="withholding"/>, each household's withholding is
    /// determined too (<see cref="BatchWithholding"/>) with the withholding rule set in force (a draft only for a trial).
    /// </summary>
    public async Task<DbRunResult> RunAsync(string insurer, int fiscalYear, bool trial, int chunkSize, DbWorkOptions options, string createdBy,
        IProgress<BatchProgress>? progress, CancellationToken cancel, Action<RunInfo>? started = null, string? rulesetVersion = null, NodaTime.LocalDate? asOf = null,
        bool withholding = false)
    {
        var rs = premiums.Catalog.ForRun<PremiumRuleSet>(insurer, fiscalYear, rulesetVersion, asOf, trial);
        var w = withholding ? premiums.Catalog.ForRun<WithholdingRuleSet>(insurer, fiscalYear, null, asOf, trial) : null;
        var run = await store.CreateRunAsync(insurer, fiscalYear, rs.Version, rs.Hash, rs.Components.Select(c => c.Name).ToArray(), trial, chunkSize, createdBy, cancel,
            w is null ? null : (w.Version, w.Hash));
        started?.Invoke(run);
        return await WorkAsync(run, options, progress, cancel);
    }

    /// <summary>Works on an existing run (resuming it, or as one more worker): claims chunks until none is left to claim.</summary>
    public async Task<DbRunResult> ResumeAsync(long runId, DbWorkOptions options, IProgress<BatchProgress>? progress, CancellationToken cancel)
    {
        var run = await store.GetRunAsync(runId, cancel) ?? throw new InvalidOperationException($"there is no run {runId}");
        var rs = premiums.Catalog.ForRun<PremiumRuleSet>(run.InsurerId, run.FiscalYear, run.RulesetVersion, null, run.Trial);
        if (rs.Hash != run.RulesetHash)
            throw new InvalidOperationException($"run {runId} was started with rule set {run.InsurerId}/{run.FiscalYear} {run.RulesetVersion} ({run.RulesetHash}); the rule set now has hash {rs.Hash}: start a new run");
        if (Withholding(run, rs) is { } w && w.RuleSet.Hash != run.WithholdingRulesetHash)
            throw new InvalidOperationException($"run {runId} was started with withholding rule set {run.InsurerId}/{run.FiscalYear} {run.WithholdingRulesetVersion} ({run.WithholdingRulesetHash}); it now has hash {w.RuleSet.Hash}: start a new run");
        return await WorkAsync(run, options, progress, cancel);
    }

    private async Task<DbRunResult> WorkAsync(RunInfo run, DbWorkOptions options, IProgress<BatchProgress>? progress, CancellationToken cancel)
    {
        var rs = premiums.Catalog.ForRun<PremiumRuleSet>(run.InsurerId, run.FiscalYear, run.RulesetVersion, null, run.Trial);
        var withholding = Withholding(run, rs);
        var clock = Stopwatch.StartNew();
        var worker = $"{Environment.MachineName}:{Environment.ProcessId}";
        long assessed = 0, refused = 0;
        var held = 0;   // chunks this process's workers hold now

        var workers = Enumerable.Range(0, Math.Max(1, options.Threads)).Select(t => Task.Run(async () =>
        {
            int? current = null;
            try
            {
                await using var connection = await OpenWorkerConnectionAsync(options.Lease, cancel);
                await using var chunks = await ChunkReader.PrepareAsync(connection, cancel);
                while (true)
                {
                    if (await PremiumStore.ClaimChunkAsync(connection, run.RunId, $"{worker}/{t}", options.Lease) is not { } chunk)
                    {
                        // Done when none is claimable and every chunk still claimed is held by this process's other workers
                        // (they finish it, or the process fails): a claim that lapsed between the claim above and this count is
                        // counted as pending, and is taken over on the next turn (not left undone); another process's live claim
                        // is waited for, in case it lapses.
                        if (!options.Wait || (await store.ChunkCountsAsync(run.RunId, cancel)) is { ChunksPending: 0 } counts && counts.ChunksClaimed <= Volatile.Read(ref held)) return;
                        await Task.Delay(ClaimPoll, cancel);
                        continue;
                    }
                    current = chunk.ChunkNo;
                    Interlocked.Increment(ref held);
                    try
                    {
                        if (await ProcessChunkAsync(connection, chunks, run, rs, chunk, $"{worker}/{t}", cancel, withholding) is { } totals)
                        {
                            Interlocked.Add(ref assessed, totals.Households);
                            Interlocked.Add(ref refused, totals.Errors);
                        }
                    }
                    finally
                    {
                        Interlocked.Decrement(ref held);
                    }
                    current = null;
                }
            }
            catch (Exception e) when (e is NpgsqlException && !cancel.IsCancellationRequested)
            {
                throw DatabaseFailure(e, run, current);
            }
        }, cancel)).ToArray();

        var all = Task.WhenAll(workers);
        while (!all.IsCompleted)
        {
            await Task.WhenAny(all, Task.Delay(500, cancel));
            progress?.Report(new BatchProgress(Interlocked.Read(ref assessed), Interlocked.Read(ref refused), Interlocked.Read(ref assessed), run.Households, clock.Elapsed));
        }
        await all;
        try
        {
            var complete = await store.FinishRunAsync(run.RunId, cancel);
            var summary = await store.SummaryAsync(run, cancel);
            var counts = await store.ChunkCountsAsync(run.RunId, cancel);
            progress?.Report(new BatchProgress(summary.Households, summary.Errors, counts.HouseholdsDone, run.Households, clock.Elapsed));
            return new DbRunResult(run, summary, complete, counts, Interlocked.Read(ref assessed));
        }
        catch (NpgsqlException e) when (!cancel.IsCancellationRequested)
        {
            throw DatabaseFailure(e, run, null);
        }
    }

    /// <summary>The withholding determination of a run started with <c>--withholding</c> (its rule-set version as recorded); null otherwise.</summary>
    private BatchWithholding? Withholding(RunInfo run, PremiumRuleSet rs) => run.WithholdingRulesetVersion is { } version
        ? new BatchWithholding(premiums.Catalog.ForRun<WithholdingRuleSet>(run.InsurerId, run.FiscalYear, version, null, run.Trial), rs)
        : null;

    /// <summary>A worker's connection: no parallel scans (a chunk's range scan gains nothing from them on a busy server), and a session idle inside a transaction for longer than the lease is ended by the server.</summary>
    private async Task<NpgsqlConnection> OpenWorkerConnectionAsync(TimeSpan lease, CancellationToken cancel)
    {
        var connection = await store.DataSource.OpenConnectionAsync(cancel);
        await using var set = new NpgsqlCommand(
            $"SET max_parallel_workers_per_gather = 0; SET idle_in_transaction_session_timeout = {(long)Math.Max(1000, lease.TotalMilliseconds)}", connection);
        await set.ExecuteNonQueryAsync(cancel);
        return connection;
    }

    /// <summary>
    /// Reads, assesses and writes a claimed chunk; marks it done in the same transaction. Null (and nothing
    /// written) when the claim was lost: its lease ran out and another worker took the chunk over.
    /// </summary>
    public static async Task<BatchSummary?> ProcessChunkAsync(NpgsqlConnection connection, ChunkReader chunks, RunInfo run, PremiumRuleSet rs, Chunk chunk, string worker,
        CancellationToken cancel, BatchWithholding? withholding = null)
    {
        using var households = await chunks.ReadAsync(run.InsurerId, run.FiscalYear, chunk.FirstSeq, chunk.LastSeq, cancel);
        await using var tx = await connection.BeginTransactionAsync(cancel);
        if (!await PremiumStore.HoldsClaimAsync(connection, tx, run.RunId, chunk))
        {
            await tx.RollbackAsync(cancel);
            return null;
        }
        var totals = await WriteResultsAsync(connection, run, rs, withholding, households, cancel);
        await PremiumStore.CompleteChunkAsync(connection, tx, run, chunk, worker, totals);
        await tx.CommitAsync(cancel);
        return totals;
    }

    /// <summary>Says that the database failed, where, and how to go on (never the driver's bare text alone).</summary>
    private static BatchDatabaseException DatabaseFailure(Exception e, RunInfo run, int? chunk)
    {
        var what = e is PostgresException pg ? $"the database refused a statement ({pg.SqlState}: {pg.MessageText})" : "the database connection was lost";
        var where = chunk is { } c ? $"during chunk {c} of run {run.RunId}" : $"during run {run.RunId}";
        return new BatchDatabaseException($"{what} {where}: the chunks done so far are kept; resume with --db ... --resume {run.RunId} once the database is back", e);
    }

    /// <summary>Assesses households and writes their results and errors with binary COPY (in the caller's transaction); returns their totals.</summary>
    private static async Task<BatchSummary> WriteResultsAsync(NpgsqlConnection connection, RunInfo run, PremiumRuleSet rs, BatchWithholding? withholding,
        StoredChunk households, CancellationToken cancel)
    {
        var refusedRows = new List<(long Seq, string? Id, string Errors)>();
        var withheldRows = withholding is null ? null : new List<(long Seq, string Id, BatchWithholdingResult Result)>(households.Rows.Count);
        var totals = new BatchSummary { Withholding = withholding is null ? null : new WithholdingSummary() };
        await using (var copy = await connection.BeginRawBinaryCopyAsync(ResultsCopy, cancel))
        {
            try
            {
                await AssessIntoAsync(copy, run, rs, withholding, households, totals, refusedRows, withheldRows, cancel);
            }
            catch
            {
                // Ended, not completed: a household that throws (or a cancelled run) writes none of the chunk's rows.
                await copy.CancelAsync();
                throw;
            }
        }
        if (withheldRows is { Count: > 0 }) await WriteWithholdingAsync(connection, run, withholding!, withheldRows, cancel);
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

    private const string ResultsCopy = """
        COPY assessment_results (run_id, household_seq, household_id, annual_premium, reduction_class, component_amounts, at_cap, ruleset_version, ruleset_hash)
        FROM STDIN (FORMAT BINARY)
        """;

    /// <summary>
    /// Reads and assesses a chunk's households and streams their <c>assessment_results</c> rows into a raw binary COPY
    /// (<see cref="PgCopyRows"/>, sent every <see cref="CopyFlushBytes"/>); adds each to <paramref name="totals"/> and
    /// gathers the refused households and the withholding results, written after it.
    /// </summary>
    private static async Task AssessIntoAsync(Stream copy, RunInfo run, PremiumRuleSet rs, BatchWithholding? withholding, StoredChunk households,
        BatchSummary totals, List<(long Seq, string? Id, string Errors)> refusedRows, List<(long Seq, string Id, BatchWithholdingResult Result)>? withheldRows,
        CancellationToken cancel)
    {
        var fieldErrors = new List<FieldError>();
        var amounts = new long[rs.Components.Count];
        var constants = ResultConstants.Of(run, rs);
        using var buffer = new PooledBuffer(CopyFlushBytes + 4096);
        var rows = new PgCopyRows(buffer);
        rows.Header();
        // Each document is read as the file batch reads a line (one pass, or the reference reader for its messages).
        for (var i = 0; i < households.Rows.Count; i++)
        {
            var seq = households.Rows[i].Seq;
            fieldErrors.Clear();
            if (FileBatchRunner.ReadForRun(households.Document(i), withholding, fieldErrors, out var fields, out var refusedId) is not { } snapshot)
            {
                refusedRows.Add((seq, refusedId, PremiumStore.ErrorsJson(fieldErrors)));
                continue;
            }
            var a = PremiumCalculator.Assess(rs, snapshot, trace: null, details: false);
            totals.Add(a);
            if (fields is not null)
            {
                var determined = withholding!.Determine(snapshot, fields, a.AnnualPremium);
                totals.Withholding!.Add(determined, withholding.PensionMonths);
                withheldRows!.Add((seq, snapshot.Id, determined));
            }
            WriteResult(rows, constants, seq, snapshot.Id, a, amounts);
            if (buffer.WrittenCount >= CopyFlushBytes) await Flush(copy, buffer, cancel);
        }
        rows.Trailer();
        await Flush(copy, buffer, cancel);
    }

    /// <summary>How many bytes of rows a worker gathers before it sends them to the server.</summary>
    private const int CopyFlushBytes = 64 * 1024;

    /// <summary>The fields of a result row that are the same on every row of a run, encoded once.</summary>
    private sealed record ResultConstants(byte[] RunId, byte[] Version, byte[] Hash)
    {
        public static ResultConstants Of(RunInfo run, PremiumRuleSet rs) =>
            new(PgCopyRows.Encode(run.RunId), PgCopyRows.Encode(rs.Version), PgCopyRows.Encode(rs.Hash));
    }

    /// <summary>One <c>assessment_results</c> row: the columns of the COPY in <see cref="WriteResultsAsync"/>, in its order.</summary>
    private static void WriteResult(PgCopyRows rows, ResultConstants constants, long seq, string householdId, PremiumAssessment a, long[] amounts)
    {
        var atCap = false;
        for (var c = 0; c < a.Components.Count; c++)
        {
            amounts[c] = a.Components[c].Amount;
            atCap |= a.Components[c].Months > 0 && a.Components[c].BeforeCap >= a.Components[c].Cap;
        }
        rows.Row(9);
        rows.Encoded(constants.RunId);
        rows.Int64(seq);
        rows.Text(householdId);
        rows.Int64(a.AnnualPremium);
        rows.Text(a.ReductionClass);
        rows.Int64Array(amounts);
        rows.Boolean(atCap);
        rows.Encoded(constants.Version);
        rows.Encoded(constants.Hash);
    }

    /// <summary>Sends the rows gathered so far and empties the buffer.</summary>
    private static async ValueTask Flush(Stream copy, PooledBuffer buffer, CancellationToken cancel)
    {
        await copy.WriteAsync(buffer.WrittenMemory, cancel);
        buffer.Clear();
    }

    /// <summary>Writes the withholding results of a chunk's households with binary COPY (in the caller's transaction).</summary>
    private static async Task WriteWithholdingAsync(NpgsqlConnection connection, RunInfo run, BatchWithholding withholding,
        List<(long Seq, string Id, BatchWithholdingResult Result)> rows, CancellationToken cancel)
    {
        await using var copy = await connection.BeginBinaryImportAsync("""
            COPY withholding_results (run_id, household_seq, household_id, eligible, status, start_month, pension_amounts, ordinary_amounts,
                                      provisional_total, definitive_total, ordinary_total, overpaid, ruleset_version, ruleset_hash)
            FROM STDIN (FORMAT BINARY)
            """, cancel);
        foreach (var (seq, id, r) in rows)
        {
            copy.StartRow();
            copy.Write(run.RunId, NpgsqlDbType.Bigint);
            copy.Write(seq, NpgsqlDbType.Bigint);
            copy.Write(id, NpgsqlDbType.Text);
            copy.Write(r.Eligible, NpgsqlDbType.Boolean);
            copy.Write(r.Status, NpgsqlDbType.Text);
            if (r.StartMonth is { } start) copy.Write((short)start, NpgsqlDbType.Smallint); else copy.WriteNull();
            copy.Write(r.PensionAmounts, NpgsqlDbType.Array | NpgsqlDbType.Bigint);
            copy.Write(r.OrdinaryAmounts, NpgsqlDbType.Array | NpgsqlDbType.Bigint);
            copy.Write(r.ProvisionalTotal, NpgsqlDbType.Bigint);
            copy.Write(r.DefinitiveTotal, NpgsqlDbType.Bigint);
            copy.Write(r.OrdinaryTotal, NpgsqlDbType.Bigint);
            copy.Write(r.Overpaid, NpgsqlDbType.Bigint);
            copy.Write(withholding.RuleSet.Version, NpgsqlDbType.Text);
            copy.Write(withholding.RuleSet.Hash, NpgsqlDbType.Text);
        }
        await copy.CompleteAsync(cancel);
    }
}
