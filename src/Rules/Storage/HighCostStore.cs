using System.Text.Json;
using Dapper;
using KokuhoRules.Engine.Audit;
using KokuhoRules.Rules.Batch;
using KokuhoRules.Rules.HighCost;
using KokuhoRules.Rules.HighCost.Continuity;
using KokuhoRules.Rules.Snapshots;
using NodaTime;
using Npgsql;
using NpgsqlTypes;

using static KokuhoRules.Rules.Storage.BinaryCopy;

namespace KokuhoRules.Rules.Storage;

/// <summary>A high-cost run stored in PostgreSQL: its id and the benefit months it stored (none for a trial).</summary>
public sealed record HighCostDbRun(long RunId, long MonthsStored);

/// <summary>
/// 高額療養費 in PostgreSQL (migration 0008): the history the 多数回 count reads lives in <c>high_cost_benefit_months</c>.
/// A city's month (<see cref="Benefits"/>) and the prefecture's month of moves (<see cref="Continuity"/>) run the file
/// runs' own pipelines (<see cref="HighCostFileRun"/>, <see cref="ContinuityFileRun"/>) on the history read from the table
/// by binary COPY, and store what they add — this month's benefit months, the months a move-in city takes over, the
/// decisions — with the run row (who, when, rule set and hash) and its <c>audit_log</c> entry in one transaction. The
/// files are written beside as the file runs write them and put in place only once the transaction is committed, so an
/// interrupted or failed run leaves neither rows nor files. A trial run (試算) stores its run and decisions, never
/// benefit months: a draft's results do not become the history next month counts from.
/// </summary>
/// <remarks>
/// A benefits run reads the history in household order by PostgreSQL's <c>"C"</c> collation (bytes), which is the file
/// run's ordinal order for the ids the household contract admits, each month once as the API wants it: where the table
/// holds a month both as the city's own and as taken over from a move (the move month), it is read as the city's own
/// with the benefits added, as <see cref="ContinuityCarry"/> adds a month given twice.
/// </remarks>
public sealed class HighCostStore(NpgsqlDataSource db)
{
    /// <summary>
    /// A city's month of benefits: the history of the window (<c>manyTimes.windowMonths</c>) before the care month from
    /// the table, the claims from <see cref="HighCostBenefitsOptions.Claims"/>, the results and errors files written as the
    /// file run writes them (no updated history file: the table is the history); unless a trial, the month's benefit
    /// months replace those an earlier run of the same city and month stored.
    /// </summary>
    public (HighCostBenefitsSummary Summary, HighCostDbRun Run) Benefits(HighCostRuleSet rs, HighCostBenefitsOptions options, string city, string createdBy,
        IProgress<BatchProgress>? progress, CancellationToken cancel)
    {
        var staging = options.Output + ".db-staging";
        var staged = options with { Output = staging, History = options.Output + ".db-history.partial" };
        try
        {
            ExportBenefitHistory(rs, city, options.CareMonth, staged.History, cancel);
            var started = SystemClock.Instance.GetCurrentInstant();
            using var connection = db.OpenConnection();
            using var tx = connection.BeginTransaction();
            var runId = InsertRun(connection, tx, "benefits", city, options.CareMonth, rs, options.Trial, createdBy, options.Claims);
            var months = new List<HighCostHistoryLineJson>();
            var summary = new HighCostFileRun(rs).Run(staged, progress, cancel, options.Trial ? null : (Action<HighCostHistoryLineJson>)months.Add);
            if (!options.Trial)
            {
                connection.Execute("DELETE FROM high_cost_benefit_months WHERE insurer = @city AND care_month = @month AND paid_by = @city",
                    new { city, month = options.CareMonth.OnDayOfMonth(1).ToDateOnly() }, tx);
                CopyMonths(connection, months.Select(m => (city, m.HouseholdId!, m.CareMonth!.Value, city, m.BenefitPaid!.Value, m.OutpatientOnly ?? false)), runId);
            }
            FinishRun(connection, tx, runId, summary.Households, summary.RefusedLines, months.Count, rs, started, createdBy, "kokuho high-cost benefits --db", "HighCostBenefitsRun", cancel);
            tx.Commit();
            File.Move(staging, options.Output, overwrite: true);
            File.Move(staged.ErrorsOutput, options.ErrorsOutput, overwrite: true);
            return (summary, new HighCostDbRun(runId, months.Count));
        }
        finally
        {
            foreach (var f in new[] { staged.History, staging, staged.HistoryOutput, staged.ErrorsOutput }) File.Delete(f);
        }
    }

    /// <summary>
    /// The prefecture's month of moves: the move records and events from <see cref="ContinuityBatchOptions.Moves"/>, the
    /// cities' history from the table (the window before and in the month), the folder written as the file run writes it;
    /// the decisions stored with the run and, unless a trial, the months taken over stored in the move-in cities'
    /// history (<c>paid_by</c> the move-out city), replacing those of an earlier run of the same prefecture and month.
    /// </summary>
    public (ContinuityBatchSummary Summary, HighCostDbRun Run) Continuity(HighCostRuleSet rs, ContinuityBatchOptions options, bool trial, string createdBy,
        IProgress<BatchProgress>? progress, CancellationToken cancel)
    {
        var prefecture = rs.Insurer.Id;
        var staging = options.Output.TrimEnd(Path.DirectorySeparatorChar, '/') + ".db-staging";
        var staged = options with { Output = staging, History = staging + ".history.partial" };
        try
        {
            var cities = rs.Parameters.Continuity.Municipalities.Select(m => m.Id).ToArray();
            ExportContinuityHistory(cities, options.Month, rs.Parameters.ManyTimes.WindowMonths, staged.History, cancel);
            var started = SystemClock.Instance.GetCurrentInstant();
            using var connection = db.OpenConnection();
            using var tx = connection.BeginTransaction();
            var runId = InsertRun(connection, tx, "continuity", prefecture, options.Month, rs, trial, createdBy, options.Moves);
            var (decisions, takeovers, stored) = (new List<DecisionLine>(), new List<TakeoverLine>(), 0);
            var summary = new ContinuityFileRun(ContinuitySettings.From(rs)).Run(staged, progress, cancel, new ContinuityResultSinks(decisions.Add, takeovers.Add));
            CopyDecisions(connection, runId, decisions);
            if (!trial)
            {
                connection.Execute("""
                    DELETE FROM high_cost_benefit_months WHERE run_id IN
                        (SELECT run_id FROM high_cost_runs WHERE kind = 'continuity' AND insurer = @prefecture AND month = @month AND run_id <> @runId)
                    """, new { prefecture, month = options.Month.OnDayOfMonth(1).ToDateOnly(), runId }, tx);
                // A household that takes over a month from two households of one city (a merge) has it once, the benefits added, as ContinuityCarry adds them.
                var once = takeovers.GroupBy(t => (t.MoveInInsurer, t.MoveInHouseholdId, t.CareMonth, t.MoveOutInsurer))
                    .Select(g => (g.Key.MoveInInsurer, g.Key.MoveInHouseholdId, g.Key.CareMonth, g.Key.MoveOutInsurer, g.Sum(t => t.BenefitPaid), g.All(t => t.OutpatientOnly))).ToList();
                CopyMonths(connection, once, runId, replace: true);
                stored = once.Count;
            }
            FinishRun(connection, tx, runId, summary.Candidates, summary.RefusedLines, stored, rs, started, createdBy, "kokuho high-cost continuity --db", "HighCostContinuityRun", cancel);
            tx.Commit();
            ContinuityFileRun.ReplaceFolder(staging, options.Output);
            return (summary, new HighCostDbRun(runId, stored));
        }
        finally
        {
            File.Delete(staged.History);
            if (Directory.Exists(staging)) Directory.Delete(staging, recursive: true);
        }
    }

    /// <summary>The city's months of the window before <paramref name="careMonth"/>, as a history file of the benefits run (sorted by household).</summary>
    private void ExportBenefitHistory(HighCostRuleSet rs, string city, YearMonth careMonth, string path, CancellationToken cancel)
    {
        var from = careMonth.PlusMonths(-(rs.Parameters.ManyTimes.WindowMonths - 1));
        Export($"""
            SELECT household_id, care_month, sum(benefit_paid)::bigint, bool_and(outpatient_only),
                CASE WHEN bool_or(paid_by = insurer) THEN insurer ELSE min(paid_by COLLATE "C") END
            FROM high_cost_benefit_months WHERE insurer = {Literal(city)} AND care_month >= {MonthLiteral(from)} AND care_month < {MonthLiteral(careMonth)}
            GROUP BY insurer, household_id, care_month ORDER BY household_id COLLATE "C", care_month
            """, path, rows => new HighCostHistoryLineJson
        {
            HouseholdId = rows.Read<string>(NpgsqlDbType.Text),
            CareMonth = YearMonthOf(rows),
            BenefitPaid = rows.Read<long>(NpgsqlDbType.Bigint),
            OutpatientOnly = rows.Read<bool>(NpgsqlDbType.Boolean),
            Insurer = rows.Read<string>(NpgsqlDbType.Text) is var paidBy && paidBy != city ? paidBy : null,
        }, cancel);
    }

    /// <summary>The cities' months from the window before the month of the moves to that month, as a history file of the continuity run.</summary>
    private void ExportContinuityHistory(IReadOnlyList<string> cities, YearMonth month, int windowMonths, string path, CancellationToken cancel)
    {
        var list = string.Join(", ", cities.Select(Literal));
        Export($"""
            SELECT insurer, household_id, care_month, benefit_paid, outpatient_only
            FROM high_cost_benefit_months WHERE insurer IN ({list}) AND care_month >= {MonthLiteral(month.PlusMonths(-windowMonths))} AND care_month <= {MonthLiteral(month)}
            """, path, rows => new HistoryLineJson
        {
            Insurer = rows.Read<string>(NpgsqlDbType.Text),
            HouseholdId = rows.Read<string>(NpgsqlDbType.Text),
            CareMonth = YearMonthOf(rows),
            BenefitPaid = rows.Read<long>(NpgsqlDbType.Bigint),
            OutpatientOnly = rows.Read<bool>(NpgsqlDbType.Boolean),
        }, cancel);
    }

    /// <summary>Writes the rows of <paramref name="query"/> (read by binary COPY) as JSON Lines, one <typeparamref name="T"/> a row.</summary>
    private void Export<T>(string query, string path, Func<NpgsqlBinaryExporter, T> read, CancellationToken cancel)
    {
        using var connection = db.OpenConnection();
        using var output = new FileStream(path, FileMode.Create, FileAccess.Write, FileShare.None, 1 << 20);
        using var json = new Utf8JsonWriter(output);
        using var rows = connection.BeginBinaryExport($"COPY ({query}) TO STDOUT (FORMAT BINARY)");
        long n = 0;
        while (rows.StartRow() != -1)
        {
            if ((++n & 0x3FFF) == 0) cancel.ThrowIfCancellationRequested();
            JsonSerializer.Serialize(json, read(rows), KokuhoJson.Options);
            json.Flush();
            json.Reset();
            output.WriteByte((byte)'\n');
        }
    }

    private static long InsertRun(NpgsqlConnection connection, NpgsqlTransaction tx, string kind, string insurer, YearMonth month, HighCostRuleSet rs, bool trial, string createdBy,
        string source) =>
        connection.ExecuteScalar<long>("""
            INSERT INTO high_cost_runs (kind, insurer, month, ruleset_version, ruleset_hash, trial, created_by, source_sha256)
            VALUES (@kind, @insurer, @month, @version, @hash, @trial, @createdBy, @sha) RETURNING run_id
            """, new { kind, insurer, month = month.OnDayOfMonth(1).ToDateOnly(), version = rs.Version, hash = rs.Hash, trial, createdBy, sha = FileIdentity.Sha256(source) }, tx);

    /// <summary>The run's counts and its audit entry (who, when, which rule set and hash; ids only), in the run's transaction.</summary>
    private static void FinishRun(NpgsqlConnection connection, NpgsqlTransaction tx, long runId, long households, long refused, long months, HighCostRuleSet rs, Instant started,
        string createdBy, string command, string endpoint, CancellationToken cancel)
    {
        connection.Execute("UPDATE high_cost_runs SET households = @households, refused_lines = @refused, benefit_months = @months WHERE run_id = @runId",
            new { households, refused, months, runId }, tx);
        var entry = CommandAudit.Entry(started, SystemClock.Instance.GetCurrentInstant(), command, endpoint, [CommandAudit.Of(rs)], [$"run:{runId}"], by: createdBy);
        PostgresAuditStore.InsertAsync(connection, tx, [entry], cancel).GetAwaiter().GetResult();
        cancel.ThrowIfCancellationRequested();
    }

    /// <summary>Benefit months by binary COPY (through a temporary table and an upsert when <paramref name="replace"/>: a month taken over again replaces the older one).</summary>
    private static void CopyMonths(NpgsqlConnection connection, IEnumerable<(string Insurer, string HouseholdId, YearMonth CareMonth, string PaidBy, long Benefit, bool OutpatientOnly)> months,
        long runId, bool replace = false)
    {
        const string columns = "insurer, household_id, care_month, paid_by, benefit_paid, outpatient_only, run_id";
        if (replace) connection.Execute("CREATE TEMPORARY TABLE high_cost_months_in (LIKE high_cost_benefit_months) ON COMMIT DROP");
        using (var copy = connection.BeginBinaryImport($"COPY {(replace ? "high_cost_months_in" : "high_cost_benefit_months")} ({columns}) FROM STDIN (FORMAT BINARY)"))
        {
            foreach (var m in months)
            {
                copy.StartRow();
                copy.Write(m.Insurer, NpgsqlDbType.Text);
                copy.Write(m.HouseholdId, NpgsqlDbType.Text);
                copy.Write(m.CareMonth.OnDayOfMonth(1).ToDateOnly(), NpgsqlDbType.Date);
                copy.Write(m.PaidBy, NpgsqlDbType.Text);
                copy.Write(m.Benefit, NpgsqlDbType.Bigint);
                copy.Write(m.OutpatientOnly, NpgsqlDbType.Boolean);
                copy.Write(runId, NpgsqlDbType.Bigint);
            }
            copy.Complete();
        }
        if (replace)
            connection.Execute($"""
                INSERT INTO high_cost_benefit_months ({columns}) SELECT {columns} FROM high_cost_months_in
                ON CONFLICT (insurer, household_id, care_month, paid_by) DO UPDATE
                SET benefit_paid = excluded.benefit_paid, outpatient_only = excluded.outpatient_only, run_id = excluded.run_id
                """);
    }

    private static void CopyDecisions(NpgsqlConnection connection, long runId, IReadOnlyList<DecisionLine> decisions)
    {
        using var copy = connection.BeginBinaryImport("""
            COPY high_cost_decisions (run_id, case_id, move_out_insurer, move_out_household_id, move_in_prefecture, move_in_insurer, move_in_household_id,
                continuous, criterion, rule, reference, confirmed, facts) FROM STDIN (FORMAT BINARY)
            """);
        foreach (var d in decisions)
        {
            copy.StartRow();
            copy.Write(runId, NpgsqlDbType.Bigint);
            foreach (var text in new[] { d.CaseId, d.MoveOutInsurer, d.MoveOutHouseholdId, d.MoveInPrefecture, d.MoveInInsurer, d.MoveInHouseholdId }) copy.Write(text, NpgsqlDbType.Text);
            copy.Write(d.Continuous, NpgsqlDbType.Boolean);
            foreach (var text in new[] { d.Criterion, d.Rule, d.Reference }) copy.Write(text, NpgsqlDbType.Text);
            copy.Write(d.Confirmed, NpgsqlDbType.Boolean);
            copy.Write(JsonSerializer.Serialize(d.Facts, KokuhoJson.Options), NpgsqlDbType.Jsonb);
        }
        copy.Complete();
    }

    private static YearMonth YearMonthOf(NpgsqlBinaryExporter rows) => LocalDate.FromDateOnly(rows.Read<DateOnly>(NpgsqlDbType.Date)).ToYearMonth();

    private static string MonthLiteral(YearMonth month) => Literal(month.OnDayOfMonth(1).ToString("uuuu-MM-dd", System.Globalization.CultureInfo.InvariantCulture)) + "::date";
}
