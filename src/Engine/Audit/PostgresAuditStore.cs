using System.Text.Json;
using Dapper;
using Npgsql;
using NodaTime;

namespace KokuhoRules.Engine.Audit;

/// <summary>
/// The audit log in PostgreSQL (table <c>audit_log</c>, migration 0003): append-only — the service's
/// role is granted SELECT and INSERT only, and triggers refuse UPDATE, DELETE and TRUNCATE even to
/// the table's owner. A batch is one INSERT … SELECT FROM unnest(…) ON CONFLICT (id) DO NOTHING, so
/// delivering an entry twice (spool drained after a crash) stores it once. Each batch commits with
/// <c>SET LOCAL synchronous_commit = on</c>: an append returns only once its rows are on the server's
/// disk, even on a server tuned with <c>synchronous_commit = off</c>.
/// </summary>
public sealed class PostgresAuditStore(NpgsqlDataSource db) : IAuditStore
{
    public string Description => "PostgreSQL";

    public async Task AppendAsync(IReadOnlyList<AuditEntry> entries, CancellationToken cancel)
    {
        if (entries.Count == 0) return;
        try
        {
            await using var connection = await db.OpenConnectionAsync(cancel);
            await using var transaction = await connection.BeginTransactionAsync(cancel);
            // Durable when COMMIT returns, whatever the server's setting: with synchronous_commit=off (a common
            // tuning) a crash would lose rows the service had already answered for.
            await connection.ExecuteAsync(new CommandDefinition("SET LOCAL synchronous_commit = on", transaction: transaction, cancellationToken: cancel));
            await InsertAsync(connection, transaction, entries, cancel);
            await transaction.CommitAsync(cancel);
        }
        catch (Exception e) when (e is NpgsqlException or TimeoutException && !cancel.IsCancellationRequested)
        {
            throw new AuditStoreUnavailableException(Reason(e), e);
        }
    }

    /// <summary>
    /// Inserts entries in the caller's transaction (idempotent by id): a batch job's audit entry commits, or not, with
    /// the results it audits (<c>kokuho eligibility check --db</c>).
    /// </summary>
    public static async Task InsertAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, IReadOnlyList<AuditEntry> entries, CancellationToken cancel)
    {
        const string sql = """
            INSERT INTO audit_log (id, at, key_id, holder, method, path, endpoint, status, outcome, rulesets, subjects,
                                   body_sha256, body_bytes, duration_us, client, trace_id)
            SELECT id, at, key_id, holder, method, path, endpoint, status, outcome, rulesets::jsonb, subjects::jsonb,
                   body_sha256, body_bytes, duration_us, client, trace_id
            FROM unnest(@Id, @At, @KeyId, @Holder, @Method, @Path, @Endpoint, @Status, @Outcome, @RuleSets, @Subjects,
                        @BodySha256, @BodyBytes, @DurationUs, @Client, @TraceId)
                 AS t(id, at, key_id, holder, method, path, endpoint, status, outcome, rulesets, subjects,
                      body_sha256, body_bytes, duration_us, client, trace_id)
            ON CONFLICT (id) DO NOTHING
            """;
        var args = new
        {
            Id = entries.Select(e => e.Id).ToArray(),
            At = entries.Select(e => e.At.ToDateTimeUtc()).ToArray(),
            KeyId = entries.Select(e => e.KeyId).ToArray(),
            Holder = entries.Select(e => e.Holder).ToArray(),
            Method = entries.Select(e => e.Method).ToArray(),
            Path = entries.Select(e => e.Path).ToArray(),
            Endpoint = entries.Select(e => e.Endpoint).ToArray(),
            Status = entries.Select(e => e.Status).ToArray(),
            Outcome = entries.Select(e => e.Outcome).ToArray(),
            RuleSets = entries.Select(e => JsonSerializer.Serialize(e.RuleSets, FileAuditStore.Json)).ToArray(),
            Subjects = entries.Select(e => JsonSerializer.Serialize(e.Subjects, FileAuditStore.Json)).ToArray(),
            BodySha256 = entries.Select(e => e.BodySha256).ToArray(),
            BodyBytes = entries.Select(e => e.BodyBytes).ToArray(),
            DurationUs = entries.Select(e => e.DurationMicroseconds).ToArray(),
            Client = entries.Select(e => e.Client).ToArray(),
            TraceId = entries.Select(e => e.TraceId).ToArray(),
        };
        await connection.ExecuteAsync(new CommandDefinition(sql, args, transaction, cancellationToken: cancel));
    }

    public async Task<IReadOnlyList<StoredAuditEntry>> QueryAsync(AuditQuery query, CancellationToken cancel)
    {
        const string sql = """
            SELECT seq, id, at, key_id, holder, method, path, endpoint, status, outcome, rulesets::text AS rulesets, subjects::text AS subjects,
                   body_sha256, body_bytes, duration_us, client, trace_id
            FROM audit_log
            WHERE (@From::timestamptz IS NULL OR at >= @From) AND (@To::timestamptz IS NULL OR at < @To)
              AND (@KeyId::text IS NULL OR key_id = @KeyId)
              AND (@Subject::text IS NULL OR subjects @> jsonb_build_array(@Subject::text))
              AND (@Before::bigint IS NULL OR seq < @Before)
            ORDER BY seq DESC
            LIMIT @Limit
            """;
        try
        {
            await using var connection = await db.OpenConnectionAsync(cancel);
            var rows = await connection.QueryAsync<Row>(new CommandDefinition(sql, new
            {
                From = query.From?.ToDateTimeUtc(),
                To = query.To?.ToDateTimeUtc(),
                query.KeyId,
                query.Subject,
                query.Before,
                query.Limit,
            }, cancellationToken: cancel));
            return rows.Select(r => new StoredAuditEntry(r.seq, new AuditEntry(r.id, Instant.FromDateTimeUtc(DateTime.SpecifyKind(r.at, DateTimeKind.Utc)),
                r.key_id, r.holder, r.method, r.path, r.endpoint, r.status, r.outcome,
                JsonSerializer.Deserialize<AuditedRuleSet[]>(r.rulesets, FileAuditStore.Json)!,
                JsonSerializer.Deserialize<string[]>(r.subjects, FileAuditStore.Json)!,
                r.body_sha256, r.body_bytes, r.duration_us, r.client, r.trace_id))).ToArray();
        }
        catch (Exception e) when (e is NpgsqlException or TimeoutException && !cancel.IsCancellationRequested)
        {
            throw new AuditStoreUnavailableException(Reason(e), e);
        }
    }

    /// <summary>Checks the database answers and the audit table is there; returns null when it does, else why not.</summary>
    public async Task<string?> ProbeAsync(CancellationToken cancel)
    {
        try
        {
            await using var connection = await db.OpenConnectionAsync(cancel);
            var table = await connection.ExecuteScalarAsync<string?>(new CommandDefinition("SELECT to_regclass('audit_log')::text", cancellationToken: cancel));
            return table is null ? "the audit_log table is missing: run 'kokuho db migrate'" : null;
        }
        catch (Exception e) when (e is NpgsqlException or TimeoutException or OperationCanceledException)
        {
            return Reason(e);
        }
    }

    /// <summary>Why the database could not be used, for an operator: the error class, not a query or its data.</summary>
    public static string Reason(Exception e) => e switch
    {
        PostgresException pg => $"the database refused the request ({pg.SqlState}: {pg.MessageText})",
        NpgsqlException { InnerException: System.Net.Sockets.SocketException s } => $"the database cannot be reached ({s.SocketErrorCode})",
        NpgsqlException { InnerException: TimeoutException } or TimeoutException => "the database did not answer in time",
        OperationCanceledException => "the database did not answer in time",
        NpgsqlException n => $"the database connection failed ({n.Message.Split('\n')[0]})",
        _ => $"the database connection failed ({e.GetType().Name})",
    };

    private sealed record Row(long seq, Guid id, DateTime at, string? key_id, string? holder, string method, string path, string? endpoint,
        int status, string outcome, string rulesets, string subjects, string? body_sha256, long? body_bytes, long duration_us, string? client, string trace_id);
}
