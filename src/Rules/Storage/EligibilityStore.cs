using System.Buffers;
using System.Text.Json;
using Dapper;
using KokuhoRules.Engine.Audit;
using KokuhoRules.Engine.RuleSets;
using KokuhoRules.Engine.Storage;
using KokuhoRules.Rules.Batch;
using KokuhoRules.Rules.Eligibility;
using NodaTime;
using Npgsql;
using NpgsqlTypes;
using static KokuhoRules.Rules.Storage.BinaryCopy;

namespace KokuhoRules.Rules.Storage;

/// <summary>What a load stored.</summary>
/// <param name="RefusedLines">Lines refused (written to the errors file by line and field): not stored, their person left out of checks.</param>
public sealed record EligibilityLoadSummary(long Records, long Events, long RefusedLines, string SourceSha256);

/// <summary>A check run over the stored lines: its id and what it checked and found.</summary>
public sealed record EligibilityDbRun(long RunId, EligibilityFileSummary Summary);

/// <summary>
/// A prefecture's eligibility records and events in PostgreSQL (migration 0007): loaded from a file with the file
/// check's own line reader (every field checked, individual numbers refused, values never kept for a refused line)
/// by binary COPY in one transaction; checked by the file check's pipeline over the lines read back by binary COPY
/// in person order, the findings written by binary COPY with the run row (who, when, rule set and hash) and its
/// <c>audit_log</c> entry in one transaction, so that an interrupted check leaves no run and no audit entry.
/// </summary>
public sealed class EligibilityStore(NpgsqlDataSource db)
{
    private const string Columns = "seq, person_key, refused, record_id, insurer, qualified_from, qualified_until, applied_from, applied_until, acquisition_reason, loss_reason, event_kind, event_date";

    /// <summary>
    /// Replaces the prefecture's lines with those of <paramref name="input"/> (JSON Lines, as for the file check; the
    /// lines of a person need not be consecutive, but a refused line whose person key cannot be read is the person's of
    /// the line before it, as in the file check, so group a file by person for that). Refused lines go to <paramref name="errorsPath"/> (written beside it
    /// and renamed once the load is committed).
    /// </summary>
    /// <exception cref="OperationCanceledException">Cancelled: nothing was loaded.</exception>
    public EligibilityLoadSummary Load(EligibilityRuleSet rs, string input, string errorsPath, string loadedBy, int workers, CancellationToken cancel)
    {
        var prefecture = rs.Insurer.Id;
        var errorsPartial = AtomicFiles.PartialOf(errorsPath);
        try
        {
            EligibilityLoadSummary summary;
            using (var errors = new FileStream(errorsPartial, FileMode.Create, FileAccess.Write, FileShare.None, 1 << 16))
            {
                summary = LoadLines(rs, input, errors, loadedBy, workers, cancel);
                errors.Flush(flushToDisk: true);
            }
            File.Move(errorsPartial, errorsPath, overwrite: true);
            return summary;
        }
        catch
        {
            File.Delete(errorsPartial);
            throw;
        }

        EligibilityLoadSummary LoadLines(EligibilityRuleSet rs, string input, Stream errors, string loadedBy, int workers, CancellationToken cancel)
        {
            var sha = FileIdentity.Sha256(input);
            using var connection = db.OpenConnection();
            using var tx = connection.BeginTransaction();
            connection.Execute("DELETE FROM eligibility_lines WHERE prefecture = @prefecture", new { prefecture }, tx);
            long records = 0, events = 0, refused = 0, seq = 0;
            string? lastKey = null;
            var buffer = new ArrayBufferWriter<byte>();
            using var json = new Utf8JsonWriter(Stream.Null);
            using (var copy = connection.BeginBinaryImport($"COPY eligibility_lines (prefecture, {Columns}) FROM STDIN (FORMAT BINARY)"))
            {
                ParallelLines.ForEach(input, workers, (text, _) => EligibilityFileCheck.Read(rs, text), (line, number) =>
                {
                    // A line whose key cannot be read belongs, as in the file check, to the person of the line before it.
                    lastKey = line.Key ?? lastKey;
                    if (line.Errors is { } problems)
                    {
                        refused++;
                        buffer.ResetWrittenCount();
                        BatchResults.WriteError(buffer, number, null, problems, json);
                        errors.Write(buffer.WrittenSpan);
                        if (lastKey is { } key) Row(copy, prefecture, ++seq, key, refused: true, null, null);
                        return;
                    }
                    if (line.Record is { } r) records++;
                    else events++;
                    Row(copy, prefecture, ++seq, line.Key!, refused: false, line.Record, line.Event);
                }, cancel);
                copy.Complete();
            }
            connection.Execute("""
                INSERT INTO eligibility_loads (prefecture, loaded_by, source_sha256, ruleset_version, ruleset_hash, lines, refused_lines)
                VALUES (@prefecture, @loadedBy, @sha, @version, @hash, @lines, @refused)
                ON CONFLICT (prefecture) DO UPDATE SET loaded_at = now(), loaded_by = excluded.loaded_by, source_sha256 = excluded.source_sha256,
                    ruleset_version = excluded.ruleset_version, ruleset_hash = excluded.ruleset_hash, lines = excluded.lines, refused_lines = excluded.refused_lines
                """, new { prefecture, loadedBy, sha, version = rs.Version, hash = rs.Hash, lines = records + events, refused }, tx);
            cancel.ThrowIfCancellationRequested();
            tx.Commit();
            return new EligibilityLoadSummary(records, events, refused, sha);
        }
    }

    /// <summary>
    /// Checks the prefecture's stored lines under <paramref name="rs"/> with <see cref="EligibilityFileCheck"/>'s
    /// pipeline (persons in key order), writes the findings file as a file check does and stores the run and its
    /// findings in one transaction.
    /// </summary>
    /// <exception cref="InvalidDataException">Nothing was loaded for the prefecture.</exception>
    public EligibilityDbRun Check(EligibilityRuleSet rs, EligibilityFileOptions options, bool trial, string createdBy, IProgress<BatchProgress>? progress, CancellationToken cancel)
    {
        var prefecture = rs.Insurer.Id;
        var started = SystemClock.Instance.GetCurrentInstant();
        using var write = db.OpenConnection();
        if (write.ExecuteScalar<long?>("SELECT lines FROM eligibility_loads WHERE prefecture = @prefecture", new { prefecture }) is null)
            throw new InvalidDataException($"nothing is loaded for {prefecture}: run kokuho eligibility load --prefecture {prefecture} --db … --in <file> first");
        using var tx = write.BeginTransaction();
        var runId = write.ExecuteScalar<long>("""
            INSERT INTO eligibility_runs (prefecture, fiscal_year, ruleset_version, ruleset_hash, trial, created_by)
            VALUES (@prefecture, @year, @version, @hash, @trial, @createdBy) RETURNING run_id
            """, new { prefecture, year = rs.FiscalYear, version = rs.Version, hash = rs.Hash, trial, createdBy }, tx);
        EligibilityFileSummary summary;
        using (var findings = write.BeginBinaryImport("COPY eligibility_findings (run_id, seq, kind, person_key, city, records, days, proposed_record, proposed_field, proposed_date, rule, reference, basis) FROM STDIN (FORMAT BINARY)"))
        {
            var seq = 0;
            summary = new EligibilityFileCheck(rs).Run(options with { Input = $"{prefecture} (database)" }, take => ReadLines(prefecture, take, cancel), (f, city) =>
            {
                findings.StartRow();
                findings.Write(runId, NpgsqlDbType.Bigint);
                findings.Write(++seq, NpgsqlDbType.Integer);
                findings.Write(f.Kind, NpgsqlDbType.Text);
                findings.Write(f.PersonKey, NpgsqlDbType.Text);
                findings.Write(city, NpgsqlDbType.Text);
                findings.Write(f.Records.ToArray(), NpgsqlDbType.Array | NpgsqlDbType.Text);
                Value(findings, f.Days, NpgsqlDbType.Integer);
                Text(findings, f.Proposed?.RecordId);
                Text(findings, f.Proposed?.Field);
                Date(findings, f.Proposed?.Date);
                findings.Write(f.Rule, NpgsqlDbType.Text);
                findings.Write(f.Reference, NpgsqlDbType.Text);
                Text(findings, f.Basis);
            }, progress, cancel);
            findings.Complete();
        }
        write.Execute("""
            UPDATE eligibility_runs SET persons = @Persons, records = @Records, events = @Events, refused_persons = @RefusedPersons, findings = @Findings WHERE run_id = @runId
            """, new { summary.Persons, summary.Records, summary.Events, summary.RefusedPersons, summary.Findings, runId }, tx);
        // The audit of the check (who, when, which rule set and hash), committed with the run or not at all; ids only.
        var entry = CommandAudit.Entry(started, SystemClock.Instance.GetCurrentInstant(), "kokuho eligibility check --db", "EligibilityCheckRun",
            [new AuditedRuleSet(prefecture, rs.FiscalYear, rs.Version, rs.Hash)], [$"run:{runId}"], by: createdBy);
        PostgresAuditStore.InsertAsync(write, tx, [entry], cancel).GetAwaiter().GetResult();
        cancel.ThrowIfCancellationRequested();
        tx.Commit();
        return new EligibilityDbRun(runId, summary);
    }

    /// <summary>The prefecture's lines in person order (then load order), each with its load sequence as its line number; a refused line as a refusal.</summary>
    private void ReadLines(string prefecture, Action<EligibilityLine, long> take, CancellationToken cancel)
    {
        using var read = db.OpenConnection();
        var literal = Literal(prefecture);
        using var rows = read.BeginBinaryExport($"COPY (SELECT {Columns} FROM eligibility_lines WHERE prefecture = {literal} ORDER BY person_key, seq) TO STDOUT (FORMAT BINARY)");
        IReadOnlyList<Engine.Requests.FieldError> refusedAtLoad = [new("$", "was refused when loaded (see the load's errors file)")];
        long n = 0;
        while (rows.StartRow() != -1)
        {
            if ((++n & 0x3FFF) == 0) cancel.ThrowIfCancellationRequested();
            var seq = rows.Read<long>(NpgsqlDbType.Bigint);
            var person = rows.Read<string>(NpgsqlDbType.Text);
            if (rows.Read<bool>(NpgsqlDbType.Boolean))
            {
                for (var i = 0; i < 10; i++) rows.Skip();
                take(new EligibilityLine(person, null, null, refusedAtLoad), seq);
                continue;
            }
            var recordId = NullableText(rows);
            var insurer = NullableText(rows);
            var (qualifiedFrom, qualifiedUntil, appliedFrom, appliedUntil) = (NullableDate(rows), NullableDate(rows), NullableDate(rows), NullableDate(rows));
            var (acquisition, loss, kind, date) = (NullableText(rows), NullableText(rows), NullableText(rows), NullableDate(rows));
            var line = kind is not null
                ? new EligibilityLine(person, null, new LifeEvent(person, kind, date!.Value), null)
                : new EligibilityLine(person, new HistoryRecord(recordId!, person, insurer!, qualifiedFrom, qualifiedUntil, appliedFrom!.Value, appliedUntil, acquisition, loss), null, null);
            take(line, seq);
        }
    }

    private static void Row(NpgsqlBinaryImporter copy, string prefecture, long seq, string person, bool refused, HistoryRecord? r, LifeEvent? e)
    {
        copy.StartRow();
        copy.Write(prefecture, NpgsqlDbType.Text);
        copy.Write(seq, NpgsqlDbType.Bigint);
        copy.Write(person, NpgsqlDbType.Text);
        copy.Write(refused, NpgsqlDbType.Boolean);
        Text(copy, r?.RecordId);
        Text(copy, r?.Insurer);
        Date(copy, r?.QualifiedFrom);
        Date(copy, r?.QualifiedUntil);
        Date(copy, r?.AppliedFrom);
        Date(copy, r?.AppliedUntil);
        Text(copy, r?.AcquisitionReason);
        Text(copy, r?.LossReason);
        Text(copy, e?.Kind);
        Date(copy, e?.Date);
    }

    private static string? NullableText(NpgsqlBinaryExporter rows) => rows.IsNull ? Skipped<string>(rows) : rows.Read<string>(NpgsqlDbType.Text);

    private static LocalDate? NullableDate(NpgsqlBinaryExporter rows) => rows.IsNull ? Skipped<LocalDate?>(rows) : LocalDate.FromDateOnly(rows.Read<DateOnly>(NpgsqlDbType.Date));

    private static T? Skipped<T>(NpgsqlBinaryExporter rows)
    {
        rows.Skip();
        return default;
    }
}
