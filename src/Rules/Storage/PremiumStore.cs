using System.Text.Json;
using Dapper;
using KokuhoRules.Engine.RuleSets;
using KokuhoRules.Engine.Storage;
using KokuhoRules.Rules.Snapshots;
using NodaTime;
using Npgsql;
using NpgsqlTypes;

using static KokuhoRules.Rules.Storage.BinaryCopy;

namespace KokuhoRules.Rules.Storage;

/// <summary>An assessment run as stored.</summary>
/// <param name="WithholdingRulesetVersion">The withholding rule set of a run with <c>--withholding</c>; null for a premium-only run.</param>
public sealed record RunInfo(long RunId, string InsurerId, int FiscalYear, string RulesetVersion, string RulesetHash, string[] ComponentNames,
    bool Trial, int ChunkSize, long Households, string Status, string? WithholdingRulesetVersion = null, string? WithholdingRulesetHash = null);

/// <summary>A range of households a worker has claimed, with the token of its claim.</summary>
public sealed record Chunk(int ChunkNo, long FirstSeq, long LastSeq, Guid ClaimToken);

/// <summary>Where a run's chunks and households stand: done, claimed by a worker (lease running), or pending (or with a lapsed lease).</summary>
public sealed record ChunkCounts(long ChunksDone, long ChunksClaimed, long ChunksPending, long HouseholdsDone, long HouseholdsClaimed, long HouseholdsPending)
{
    public bool Complete => ChunksClaimed == 0 && ChunksPending == 0;

    /// <summary>One line for staff: what is left.</summary>
    public string Describe() =>
        string.Create(System.Globalization.CultureInfo.InvariantCulture,
            $"{ChunksPending:N0} chunks ({HouseholdsPending:N0} households) pending, {ChunksClaimed:N0} chunks ({HouseholdsClaimed:N0} households) claimed by other workers");
}

/// <summary>
/// The PostgreSQL store of household snapshots (per insurer and fiscal year), assessment runs and their
/// results (Npgsql + Dapper). Bulk data moves with binary <c>COPY</c> only, never row by row.
/// </summary>
public sealed class PremiumStore(NpgsqlDataSource db)
{
    public NpgsqlDataSource DataSource { get; } = db;

    /// <summary>Applies the schema migrations (plain SQL files in <c>Storage/Migrations</c>).</summary>
    public Task<IReadOnlyList<string>> MigrateAsync(CancellationToken cancel = default) =>
        Migrator.MigrateAsync(DataSource, typeof(PremiumStore).Assembly, "KokuhoRules.Rules.Storage.Migrations.", cancel);

    /// <summary>
    /// Replaces an insurer's snapshot for a fiscal year with the given households, numbered in order
    /// (household_seq from 1), in one transaction: one binary COPY of a row per member into a staging
    /// table, then set-based inserts into households (with each household's document, its contract JSON, which
    /// <c>reassess --db</c> reads), members, incomes and coverage periods (what staff query). The households are
    /// stored as sent; they are checked when assessed, so that a bad one is reported by the run rather than lost here.
    /// </summary>
    public async Task<long> LoadAsync(InsurerInfo insurer, int fiscalYear, IEnumerable<HouseholdJson> households, CancellationToken cancel = default)
    {
        await using var connection = await DataSource.OpenConnectionAsync(cancel);
        await using var tx = await connection.BeginTransactionAsync(cancel);
        await connection.ExecuteAsync("""
            INSERT INTO insurers (insurer_id, name, local_government_code) VALUES (@Id, @Name, @LocalGovernmentCode)
            ON CONFLICT (insurer_id) DO UPDATE SET name = excluded.name, local_government_code = excluded.local_government_code
            """, insurer, tx);
        var key = new { insurer = insurer.Id, fiscalYear };
        foreach (var table in new[] { "incomes", "coverage_periods", "members", "households" })
            await connection.ExecuteAsync($"DELETE FROM {table} WHERE insurer_id = @insurer AND fiscal_year = @fiscalYear", key, tx);
        await connection.ExecuteAsync("""
            INSERT INTO fiscal_years (insurer_id, fiscal_year) VALUES (@insurer, @fiscalYear)
            ON CONFLICT (insurer_id, fiscal_year) DO UPDATE SET loaded_at = now()
            """, key, tx);
        await connection.ExecuteAsync("""
            CREATE TEMP TABLE load_members (
                household_seq bigint, household_id text, head_id text,
                has_withholding boolean, has_previous_year boolean, previous_annual_premium bigint, previous_february_withheld bigint,
                direct_debit_requested boolean, withholding_start_month int,
                member_no smallint, member_id text, birth_date date,
                specified_same_household boolean, specified_since date, separation_date date, separation_reason text,
                former_dependant_acquired date, childbirth_dates date[], childbirth_multiple boolean[], fixed_asset_tax bigint,
                has_pension boolean, pension_annual_amount bigint, pension_care_withheld boolean, pension_care_per_payment bigint,
                pension_suspended boolean, pension_pledged boolean,
                has_income boolean, declared boolean, total_income bigint, combined_income bigint, salary_revenue bigint, salary_income bigint,
                pension_revenue bigint, pension_income bigint, family_employee_salary_deduction bigint, transfer_income_special_deduction bigint,
                coverage_acquired date[], coverage_lost date[], document bytea) ON COMMIT DROP
            """, transaction: tx);

        long count = 0;
        await using (var copy = await connection.BeginBinaryImportAsync("COPY load_members FROM STDIN (FORMAT BINARY)", cancel))
        {
            foreach (var household in households)
            {
                cancel.ThrowIfCancellationRequested();
                count++;
                var members = household.Members ?? [];
                // The household's document, on its first row (the one households is filled from).
                var document = JsonSerializer.SerializeToUtf8Bytes(household, KokuhoJson.Options);
                if (members.Count == 0)
                {
                    WriteHousehold(copy, count, household);
                    for (var c = 0; c < 29; c++) copy.WriteNull();
                    copy.Write(document, NpgsqlDbType.Bytea);
                    continue;
                }
                for (short n = 0; n < members.Count; n++)
                {
                    WriteHousehold(copy, count, household);
                    var member = members[n] ?? new MemberJson();
                    copy.Write(n, NpgsqlDbType.Smallint);
                    Text(copy, member.Id);
                    Date(copy, member.BirthDate);
                    Value(copy, member.SpecifiedSameHouseholdMember, NpgsqlDbType.Boolean);
                    Date(copy, member.SpecifiedSameHouseholdSince);
                    Date(copy, member.InvoluntaryUnemployment?.SeparationDate);
                    Text(copy, member.InvoluntaryUnemployment?.ReasonCode);
                    Date(copy, member.FormerDependant?.Acquired);
                    var births = member.Childbirths;
                    if (births is null) { copy.WriteNull(); copy.WriteNull(); }
                    else
                    {
                        copy.Write(births.Select(b => b?.Date is { } d ? (DateOnly?)d.ToDateOnly() : null).ToArray(), NpgsqlDbType.Array | NpgsqlDbType.Date);
                        copy.Write(births.Select(b => b?.Multiple).ToArray(), NpgsqlDbType.Array | NpgsqlDbType.Boolean);
                    }
                    Value(copy, member.FixedAssetTax, NpgsqlDbType.Bigint);
                    var pension = member.Pension;
                    copy.Write(pension is not null, NpgsqlDbType.Boolean);
                    Value(copy, pension?.AnnualAmount, NpgsqlDbType.Bigint);
                    Value(copy, pension?.CareInsuranceWithheld, NpgsqlDbType.Boolean);
                    Value(copy, pension?.CarePremiumPerPayment, NpgsqlDbType.Bigint);
                    Value(copy, pension?.Suspended, NpgsqlDbType.Boolean);
                    Value(copy, pension?.Pledged, NpgsqlDbType.Boolean);
                    var income = member.Income;
                    copy.Write(income is not null, NpgsqlDbType.Boolean);
                    Value(copy, income?.Declared, NpgsqlDbType.Boolean);
                    foreach (var amount in new[] { income?.TotalIncome, income?.CombinedIncome, income?.SalaryRevenue, income?.SalaryIncome,
                                 income?.PensionRevenue, income?.PensionIncome, income?.FamilyEmployeeSalaryDeduction, income?.TransferIncomeSpecialDeduction })
                        Value(copy, amount, NpgsqlDbType.Bigint);
                    var coverage = member.Coverage;
                    if (coverage is null) { copy.WriteNull(); copy.WriteNull(); }
                    else
                    {
                        copy.Write(coverage.Select(c => c?.Acquired is { } a ? (DateOnly?)a.ToDateOnly() : null).ToArray(), NpgsqlDbType.Array | NpgsqlDbType.Date);
                        copy.Write(coverage.Select(c => c?.Lost is { } l ? (DateOnly?)l.ToDateOnly() : null).ToArray(), NpgsqlDbType.Array | NpgsqlDbType.Date);
                    }
                    if (n == 0) copy.Write(document, NpgsqlDbType.Bytea);
                    else copy.WriteNull();
                }
            }
            await copy.CompleteAsync(cancel);
        }

        await connection.ExecuteAsync("""
            INSERT INTO households (insurer_id, fiscal_year, household_seq, household_id, head_id, has_withholding, has_previous_year,
                                    previous_annual_premium, previous_february_withheld, direct_debit_requested, withholding_start_month, document)
            SELECT DISTINCT ON (household_seq) @insurer, @fiscalYear, household_seq, household_id, head_id, has_withholding, has_previous_year,
                   previous_annual_premium, previous_february_withheld, direct_debit_requested, withholding_start_month, document
            FROM load_members ORDER BY household_seq, member_no NULLS FIRST;
            INSERT INTO members (insurer_id, fiscal_year, household_seq, member_no, member_id, birth_date, specified_same_household, specified_since,
                                 separation_date, separation_reason, former_dependant_acquired, childbirth_dates, childbirth_multiple, fixed_asset_tax,
                                 has_pension, pension_annual_amount, pension_care_withheld, pension_care_per_payment, pension_suspended, pension_pledged)
            SELECT @insurer, @fiscalYear, household_seq, member_no, member_id, birth_date, specified_same_household, specified_since,
                   separation_date, separation_reason, former_dependant_acquired, childbirth_dates, childbirth_multiple, fixed_asset_tax,
                   has_pension, pension_annual_amount, pension_care_withheld, pension_care_per_payment, pension_suspended, pension_pledged
            FROM load_members WHERE member_no IS NOT NULL;
            INSERT INTO incomes (insurer_id, fiscal_year, household_seq, member_no, declared, total_income, combined_income, salary_revenue, salary_income,
                                 pension_revenue, pension_income, family_employee_salary_deduction, transfer_income_special_deduction)
            SELECT @insurer, @fiscalYear, household_seq, member_no, declared, total_income, combined_income, salary_revenue, salary_income,
                   pension_revenue, pension_income, family_employee_salary_deduction, transfer_income_special_deduction
            FROM load_members WHERE member_no IS NOT NULL AND has_income;
            INSERT INTO coverage_periods (insurer_id, fiscal_year, household_seq, member_no, period_no, acquired, lost)
            SELECT @insurer, @fiscalYear, household_seq, member_no, (c.n - 1)::smallint, c.acquired, c.lost
            FROM load_members, unnest(coverage_acquired, coverage_lost) WITH ORDINALITY AS c(acquired, lost, n)
            WHERE member_no IS NOT NULL;
            """, key, tx, commandTimeout: 0);
        await connection.ExecuteAsync("UPDATE fiscal_years SET households = @count WHERE insurer_id = @insurer AND fiscal_year = @fiscalYear",
            new { count, insurer = insurer.Id, fiscalYear }, tx);
        await connection.ExecuteAsync("ANALYZE households; ANALYZE members; ANALYZE incomes; ANALYZE coverage_periods", transaction: tx, commandTimeout: 0);
        await tx.CommitAsync(cancel);
        return count;
    }

    private static void WriteHousehold(NpgsqlBinaryImporter copy, long seq, HouseholdJson household)
    {
        copy.StartRow();
        copy.Write(seq, NpgsqlDbType.Bigint);
        copy.Write(household.Id ?? "", NpgsqlDbType.Text);
        Text(copy, household.HeadId);
        var w = household.Withholding;
        copy.Write(w is not null, NpgsqlDbType.Boolean);
        copy.Write(w?.PreviousYear is not null, NpgsqlDbType.Boolean);
        Value(copy, w?.PreviousYear?.AnnualPremium, NpgsqlDbType.Bigint);
        Value(copy, w?.PreviousYear?.FebruaryWithheld, NpgsqlDbType.Bigint);
        Value(copy, w?.DirectDebitRequested, NpgsqlDbType.Boolean);
        Value(copy, w?.StartMonth, NpgsqlDbType.Integer);
    }

    /// <summary>
    /// Creates a run: its row and its chunks of households, every chunk pending. A chunk is a range of
    /// <paramref name="chunkSize"/> sequence numbers from the year's first: a load numbers its households from 1
    /// without a gap, so each chunk holds <paramref name="chunkSize"/> households (the last one the rest), and the
    /// ranges cover every household whatever the numbering. Nothing here reads the households themselves: the first
    /// and last numbers come from the key's index and the count from the load (<c>fiscal_years.households</c>;
    /// counted only for a year loaded before migration 0012).
    /// </summary>
    /// <param name="withholding">The withholding rule set (version, hash) of a run with <c>--withholding</c>; null for a premium-only run.</param>
    public async Task<RunInfo> CreateRunAsync(string insurer, int fiscalYear, string rulesetVersion, string rulesetHash, string[] componentNames,
        bool trial, int chunkSize, string createdBy, CancellationToken cancel = default, (string Version, string Hash)? withholding = null)
    {
        await using var connection = await DataSource.OpenConnectionAsync(cancel);
        await using var tx = await connection.BeginTransactionAsync(cancel);
        var (first, last) = await connection.QuerySingleAsync<(long?, long?)>(
            "SELECT min(household_seq), max(household_seq) FROM households WHERE insurer_id = @insurer AND fiscal_year = @fiscalYear", new { insurer, fiscalYear }, tx);
        if (first is null || last is null) throw new InvalidOperationException($"no households are loaded for {insurer}/{fiscalYear} (load them with 'kokuho load')");
        var households = await connection.ExecuteScalarAsync<long?>(
            "SELECT households FROM fiscal_years WHERE insurer_id = @insurer AND fiscal_year = @fiscalYear", new { insurer, fiscalYear }, tx)
            ?? await connection.ExecuteScalarAsync<long>(
                "SELECT count(*) FROM households WHERE insurer_id = @insurer AND fiscal_year = @fiscalYear", new { insurer, fiscalYear }, tx);
        var runId = await connection.ExecuteScalarAsync<long>("""
            INSERT INTO assessment_runs (insurer_id, fiscal_year, ruleset_version, ruleset_hash, component_names, trial, chunk_size, households, status, created_by,
                                         withholding_ruleset_version, withholding_ruleset_hash)
            VALUES (@insurer, @fiscalYear, @rulesetVersion, @rulesetHash, @componentNames, @trial, @chunkSize, @households, 'running', @createdBy,
                    @withholdingVersion, @withholdingHash)
            RETURNING run_id
            """, new { insurer, fiscalYear, rulesetVersion, rulesetHash, componentNames, trial, chunkSize, households, createdBy,
                withholdingVersion = withholding?.Version, withholdingHash = withholding?.Hash }, tx);
        await connection.ExecuteAsync("""
            INSERT INTO run_chunks (run_id, chunk_no, first_seq, last_seq, status)
            SELECT @runId, k, @first + k * @size, least(@first + (k + 1) * @size - 1, @last), 'pending'
            FROM generate_series(0::bigint, (@last - @first) / @size) k
            """, new { runId, first, last, size = (long)chunkSize }, tx);
        await tx.CommitAsync(cancel);
        return (await GetRunAsync(runId, cancel))!;
    }

    private sealed class RunRow
    {
        public long RunId { get; set; }
        public string InsurerId { get; set; } = "";
        public int FiscalYear { get; set; }
        public string RulesetVersion { get; set; } = "";
        public string RulesetHash { get; set; } = "";
        public string[] ComponentNames { get; set; } = [];
        public bool Trial { get; set; }
        public int ChunkSize { get; set; }
        public long Households { get; set; }
        public string Status { get; set; } = "";
        public string? WithholdingRulesetVersion { get; set; }
        public string? WithholdingRulesetHash { get; set; }
    }

    public async Task<RunInfo?> GetRunAsync(long runId, CancellationToken cancel = default)
    {
        await using var connection = await DataSource.OpenConnectionAsync(cancel);
        var row = await connection.QuerySingleOrDefaultAsync<RunRow>("""
            SELECT run_id AS RunId, insurer_id AS InsurerId, fiscal_year AS FiscalYear, ruleset_version AS RulesetVersion, ruleset_hash AS RulesetHash,
                   component_names AS ComponentNames, trial AS Trial, chunk_size AS ChunkSize, households AS Households, status AS Status,
                   withholding_ruleset_version AS WithholdingRulesetVersion, withholding_ruleset_hash AS WithholdingRulesetHash
            FROM assessment_runs WHERE run_id = @runId
            """, new { runId });
        return row is null ? null : new RunInfo(row.RunId, row.InsurerId, row.FiscalYear, row.RulesetVersion, row.RulesetHash, row.ComponentNames,
            row.Trial, row.ChunkSize, row.Households, row.Status, row.WithholdingRulesetVersion, row.WithholdingRulesetHash);
    }

    /// <summary>
    /// Claims the next chunk of a run that is pending or whose lease has run out, for <paramref name="lease"/>,
    /// in its own committed transaction (so the claim outlives a frozen worker only until its lease ends);
    /// null when none is left to claim.
    /// </summary>
    public static Task<Chunk?> ClaimChunkAsync(NpgsqlConnection connection, long runId, string worker, TimeSpan lease) =>
        connection.QuerySingleOrDefaultAsync<Chunk?>($"""
            WITH next AS MATERIALIZED (
                SELECT chunk_no FROM run_chunks
                WHERE run_id = @runId AND (status = 'pending' OR (status = 'claimed' AND {ClaimLapsed}))
                ORDER BY chunk_no LIMIT 1 FOR UPDATE SKIP LOCKED)
            UPDATE run_chunks c SET status = 'claimed', claim_token = gen_random_uuid(), claimed_by = @worker, claimed_at = now(),
                                    lease_until = now() + make_interval(secs => @seconds), claims = c.claims + 1,
                                    claimed_pid = pg_backend_pid(), claimed_backend_start = (SELECT backend_start FROM pg_stat_activity WHERE pid = pg_backend_pid())
            FROM next
            WHERE c.run_id = @runId AND c.chunk_no = next.chunk_no
            RETURNING c.chunk_no AS ChunkNo, c.first_seq AS FirstSeq, c.last_seq AS LastSeq, c.claim_token AS ClaimToken
            """, new { runId, worker, seconds = lease.TotalSeconds });

    /// <summary>
    /// In the transaction that writes a chunk's results: locks the chunk's row and checks the claim is
    /// still this worker's (another worker may have taken it over once its lease ran out). While the row
    /// is locked no one else can claim it, so the results are written once.
    /// </summary>
    public static async Task<bool> HoldsClaimAsync(NpgsqlConnection connection, NpgsqlTransaction tx, long runId, Chunk chunk) =>
        await connection.ExecuteScalarAsync<int?>("""
            SELECT 1 FROM run_chunks WHERE run_id = @runId AND chunk_no = @ChunkNo AND status = 'claimed' AND claim_token = @ClaimToken FOR UPDATE
            """, new { runId, chunk.ChunkNo, chunk.ClaimToken }, tx) == 1;

    /// <summary>Marks a chunk done with the totals of its households (in the transaction that wrote its results, after <see cref="HoldsClaimAsync"/>).</summary>
    public static Task CompleteChunkAsync(NpgsqlConnection connection, NpgsqlTransaction tx, RunInfo run, Chunk chunk, string worker, Batch.BatchSummary totals) =>
        connection.ExecuteAsync("""
            UPDATE run_chunks SET status = 'done', worker = @worker, done_at = now(), households = @Households, refused = @Errors,
                                  annual_premium = @AnnualPremium, at_cap = @AtCap, component_amounts = @amounts, reduction_classes = @classes::jsonb,
                                  withholding_totals = @withholding::jsonb
            WHERE run_id = @runId AND chunk_no = @chunkNo AND claim_token = @token
            """,
            new
            {
                runId = run.RunId, chunkNo = chunk.ChunkNo, token = chunk.ClaimToken, worker, totals.Households, totals.Errors, totals.AnnualPremium, totals.AtCap,
                amounts = run.ComponentNames.Select(c => totals.Components.GetValueOrDefault(c)).ToArray(),
                classes = JsonSerializer.Serialize(totals.ReductionClasses),
                withholding = totals.Withholding is null ? null : JsonSerializer.Serialize(totals.Withholding, KokuhoJson.Options),
            }, tx);

    /// <summary>A claim that no longer holds: its lease ran out, or the session that made it is gone (its worker was killed).</summary>
    private const string ClaimLapsed = """
        (lease_until < now() OR NOT EXISTS (SELECT 1 FROM pg_stat_activity a WHERE a.pid = claimed_pid AND a.backend_start = claimed_backend_start))
        """;

    /// <summary>Where a run's chunks stand (a lapsed claim counts as pending: any worker may take it).</summary>
    public async Task<ChunkCounts> ChunkCountsAsync(long runId, CancellationToken cancel = default)
    {
        await using var connection = await DataSource.OpenConnectionAsync(cancel);
        var row = await connection.QuerySingleAsync<(long, long, long, long, long, long)>($"""
            SELECT count(*) FILTER (WHERE status = 'done'),
                   count(*) FILTER (WHERE status = 'claimed' AND NOT {ClaimLapsed}),
                   count(*) FILTER (WHERE status = 'pending' OR (status = 'claimed' AND {ClaimLapsed})),
                   coalesce(sum(last_seq - first_seq + 1) FILTER (WHERE status = 'done'), 0)::bigint,
                   coalesce(sum(last_seq - first_seq + 1) FILTER (WHERE status = 'claimed' AND NOT {ClaimLapsed}), 0)::bigint,
                   coalesce(sum(last_seq - first_seq + 1) FILTER (WHERE status = 'pending' OR (status = 'claimed' AND {ClaimLapsed})), 0)::bigint
            FROM run_chunks WHERE run_id = @runId
            """, new { runId });
        return new ChunkCounts(row.Item1, row.Item2, row.Item3, row.Item4, row.Item5, row.Item6);
    }

    /// <summary>The newest run of an insurer's fiscal year that is not done, or null.</summary>
    public async Task<long?> LatestRunAsync(string insurer, int fiscalYear, CancellationToken cancel = default)
    {
        await using var connection = await DataSource.OpenConnectionAsync(cancel);
        return await connection.ExecuteScalarAsync<long?>("""
            SELECT max(run_id) FROM assessment_runs WHERE insurer_id = @insurer AND fiscal_year = @fiscalYear AND status <> 'done'
            """, new { insurer, fiscalYear });
    }

    /// <summary>Marks the run done if every chunk is; returns whether it is.</summary>
    public async Task<bool> FinishRunAsync(long runId, CancellationToken cancel = default)
    {
        await using var connection = await DataSource.OpenConnectionAsync(cancel);
        await connection.ExecuteAsync("""
            UPDATE assessment_runs SET status = 'done', finished_at = now()
            WHERE run_id = @runId AND status = 'running' AND NOT EXISTS (SELECT 1 FROM run_chunks WHERE run_id = @runId AND status <> 'done')
            """, new { runId });
        return await connection.ExecuteScalarAsync<string>("SELECT status FROM assessment_runs WHERE run_id = @runId", new { runId }) == "done";
    }

    /// <summary>Households of a run's chunks already done (for progress).</summary>
    public async Task<long> AssessedAsync(long runId, CancellationToken cancel = default)
    {
        await using var connection = await DataSource.OpenConnectionAsync(cancel);
        return await connection.ExecuteScalarAsync<long>("""
            SELECT coalesce(sum(last_seq - first_seq + 1), 0) FROM run_chunks WHERE run_id = @runId AND status = 'done'
            """, new { runId });
    }

    /// <summary>The summary of a run: the sum of its chunks' totals.</summary>
    public async Task<Batch.BatchSummary> SummaryAsync(RunInfo run, CancellationToken cancel = default)
    {
        await using var connection = await DataSource.OpenConnectionAsync(cancel);
        var summary = new Batch.BatchSummary();
        if (run.WithholdingRulesetVersion is not null) summary.Withholding = new Batch.WithholdingSummary();
        foreach (var row in await connection.QueryAsync<(long Households, long Refused, long Annual, long AtCap, long[] Amounts, string Classes, string? Withholding)>("""
                     SELECT households, refused, annual_premium, at_cap, component_amounts, reduction_classes::text, withholding_totals::text
                     FROM run_chunks WHERE run_id = @RunId AND status = 'done'
                     """, run))
        {
            var chunk = new Batch.BatchSummary
            {
                Households = row.Households, Errors = row.Refused, AnnualPremium = row.Annual, AtCap = row.AtCap,
                ReductionClasses = JsonSerializer.Deserialize<Dictionary<string, long>>(row.Classes) ?? [],
                Withholding = row.Withholding is null ? null : JsonSerializer.Deserialize<Batch.WithholdingSummary>(row.Withholding, KokuhoJson.Options),
            };
            for (var i = 0; i < run.ComponentNames.Length; i++) chunk.Components[run.ComponentNames[i]] = row.Amounts[i];
            summary.Merge(chunk);
        }
        foreach (var name in run.ComponentNames) summary.Components.TryAdd(name, 0);
        return summary;
    }

    /// <summary>The serialized errors of a household (for <c>run_errors.errors</c>).</summary>
    public static string ErrorsJson(IReadOnlyList<FieldError> errors) =>
        JsonSerializer.Serialize(errors.Select(e => new { field = e.Field, message = e.Message }));
}
