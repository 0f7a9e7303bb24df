using KokuhoRules.Api.Problems;
using KokuhoRules.Api.Security;
using KokuhoRules.Engine.Audit;
using KokuhoRules.Rules.Snapshots;
using Microsoft.AspNetCore.Http.HttpResults;
using NodaTime;
using NodaTime.Text;

namespace KokuhoRules.Api.Audit;

/// <summary>The audit log, for auditors: <c>GET /v1/audit</c>.</summary>
public static class AuditEndpoints
{
    /// <summary>A page of the audit log, newest first.</summary>
    /// <param name="Entries">The entries.</param>
    /// <param name="Next">The <c>before</c> value for the next (older) page; null on the last page.</param>
    /// <param name="Store">Where the log is kept (<c>PostgreSQL</c>, or the local file).</param>
    /// <param name="Spooled">Entries waiting in the local spool for the database to come back (not in this page yet).</param>
    /// <param name="DamagedLines">Lines of the local log file that cannot be read (damaged outside the service), skipped: their seq numbers; empty normally.</param>
    public sealed record AuditPage(IReadOnlyList<StoredAuditEntry> Entries, long? Next, string Store, long Spooled, IReadOnlyList<long> DamagedLines);

    public static IEndpointRouteBuilder MapAuditEndpoints(this IEndpointRouteBuilder app)
    {
        app.MapGet("/v1/audit", Read).WithName("ReadAuditLog").WithTags("Audit")
            .WithSummary("The audit log: who called what, when, with which rule sets, with what result (auditor role).")
            .WithDescription("Newest first. Filters: from, to (ISO instants, e.g. 2026-11-26T00:00:00Z), keyId, subject (a household id), before (seq, for the next page), limit (1–1000, default 100). An entry holds a SHA-256 of the request body, never the body.")
            .RequireAuthorization(Policies.Audit)
            .ProducesProblem(StatusCodes.Status400BadRequest)
            .ProducesProblem(StatusCodes.Status503ServiceUnavailable);
        return app;
    }

    private static async Task<Results<Ok<AuditPage>, ProblemHttpResult>> Read(AuditLog log, string? from, string? to, string? keyId, string? subject, long? before, int? limit, CancellationToken cancel)
    {
        var errors = new List<FieldError>();
        var fromInstant = ParseInstant(from, "from", errors);
        var toInstant = ParseInstant(to, "to", errors);
        if (limit is < 1 or > AuditQuery.MaxLimit) errors.Add(new FieldError("limit", $"must be between 1 and {AuditQuery.MaxLimit}"));
        if (before is < 1) errors.Add(new FieldError("before", "must be a positive seq"));
        if (errors.Count > 0)
            return TypedResults.Problem(ProblemTypes.Create(ProblemTypes.InvalidHousehold, "Some query parameters are invalid.", errors));
        var query = new AuditQuery(fromInstant, toInstant, keyId, subject, before, limit ?? 100);
        try
        {
            var entries = await log.Store.QueryAsync(query, cancel);
            var damaged = log.Store is FileAuditStore file ? file.DamagedLines : [];
            return TypedResults.Ok(new AuditPage(entries, entries.Count == query.Limit ? entries[^1].Seq : null, log.Store.Description, log.Spooled, damaged));
        }
        catch (AuditStoreUnavailableException e)
        {
            return ProblemTypes.ServiceUnavailable($"The audit log cannot be read now: {e.Message}. Calculations go on; their audit entries are kept locally ({log.Spooled} waiting) and delivered when the database returns. Retry later.");
        }
    }

    private static Instant? ParseInstant(string? text, string field, List<FieldError> errors)
    {
        if (text is null) return null;
        var parsed = InstantPattern.ExtendedIso.Parse(text);
        if (parsed.Success) return parsed.Value;
        errors.Add(new FieldError(field, "must be an ISO-8601 instant such as 2026-11-26T00:00:00Z"));
        return null;
    }
}
