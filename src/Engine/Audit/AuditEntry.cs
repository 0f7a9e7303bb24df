using NodaTime;

namespace KokuhoRules.Engine.Audit;

/// <summary>
/// One audited call: who, when, which endpoint, which rule-set versions, the result status and a
/// SHA-256 of the request body — never the body, never a name, a birth date or an income.
/// </summary>
/// <param name="Id">Unique per call (a UUID v7, so ids sort by time); the key that makes re-delivery idempotent.</param>
/// <param name="At">When the call arrived.</param>
/// <param name="KeyId">The API key that made the call, or null when no valid key was given.</param>
/// <param name="Holder">The key's holder (a system or staff member), or null.</param>
/// <param name="Method">HTTP method.</param>
/// <param name="Path">The request path (without the query string, which is not recorded).</param>
/// <param name="Endpoint">The endpoint's name (e.g. <c>AssessPremium</c>), or null when none matched.</param>
/// <param name="Status">The HTTP status answered; 499 when the client went away first.</param>
/// <param name="Outcome">What happened, for a reader: <c>ok</c>, <c>unauthenticated</c>, <c>forbidden</c>, <c>refused:invalid-request</c>, …</param>
/// <param name="RuleSets">The rule sets the answer came from (several for a reassessment over years).</param>
/// <param name="Subjects">The household ids the call was about (ids of the core system; never names).</param>
/// <param name="BodySha256">Lowercase hex SHA-256 of the request body as received, or null when it was not read (e.g. no valid key).</param>
/// <param name="BodyBytes">The body's length in bytes, or null.</param>
/// <param name="DurationMicroseconds">From arrival to the first byte of the answer.</param>
/// <param name="Client">The client's IP address, when known.</param>
/// <param name="TraceId">The W3C trace id of the call, to find it in other logs.</param>
public sealed record AuditEntry(
    Guid Id,
    Instant At,
    string? KeyId,
    string? Holder,
    string Method,
    string Path,
    string? Endpoint,
    int Status,
    string Outcome,
    IReadOnlyList<AuditedRuleSet> RuleSets,
    IReadOnlyList<string> Subjects,
    string? BodySha256,
    long? BodyBytes,
    long DurationMicroseconds,
    string? Client,
    string TraceId);

/// <summary>A rule set an answer came from: enough to re-run the calculation exactly.</summary>
public sealed record AuditedRuleSet(string Insurer, int FiscalYear, string Version, string Hash);

/// <summary>An entry as read back, with its position in the log.</summary>
/// <param name="Seq">Position in the log (1, 2, …; increasing with each append). Use it as <c>before</c> to page back.</param>
public sealed record StoredAuditEntry(long Seq, AuditEntry Entry);

/// <summary>A search of the audit log, newest first.</summary>
/// <param name="From">Only entries at or after this instant.</param>
/// <param name="To">Only entries before this instant.</param>
/// <param name="KeyId">Only calls made with this key.</param>
/// <param name="Subject">Only calls about this household id.</param>
/// <param name="Before">Only entries with <see cref="StoredAuditEntry.Seq"/> below this (paging).</param>
/// <param name="Limit">At most this many entries (1–1000).</param>
public sealed record AuditQuery(Instant? From, Instant? To, string? KeyId, string? Subject, long? Before, int Limit)
{
    public const int MaxLimit = 1000;

    public bool Matches(StoredAuditEntry stored)
    {
        var e = stored.Entry;
        return (From is not { } from || e.At >= from)
            && (To is not { } to || e.At < to)
            && (KeyId is null || e.KeyId == KeyId)
            && (Subject is null || e.Subjects.Contains(Subject))
            && (Before is not { } before || stored.Seq < before);
    }
}

/// <summary>Where audit entries are kept. Appends must be idempotent by <see cref="AuditEntry.Id"/>.</summary>
public interface IAuditStore
{
    /// <summary>A name for messages (<c>file /var/…/audit-log.jsonl</c>, <c>PostgreSQL</c>).</summary>
    string Description { get; }

    /// <summary>Appends entries durably; returns only once they are stored. Throws when they could not be.</summary>
    Task AppendAsync(IReadOnlyList<AuditEntry> entries, CancellationToken cancel);

    /// <summary>The entries matching a query, newest first.</summary>
    Task<IReadOnlyList<StoredAuditEntry>> QueryAsync(AuditQuery query, CancellationToken cancel);
}

/// <summary>The store cannot be reached (the database is down); the message says why, without personal data.</summary>
public sealed class AuditStoreUnavailableException(string message, Exception? inner = null) : Exception(message, inner);
