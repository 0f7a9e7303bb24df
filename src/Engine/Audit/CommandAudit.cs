using System.Diagnostics;
using KokuhoRules.Engine.RuleSets;
using NodaTime;

namespace KokuhoRules.Engine.Audit;

/// <summary>
/// The audit entry of a command-line run — a batch, a check, a trial report, a publication: the one builder every
/// command uses, whether the entry goes to the JSON Lines log (<see cref="AppendToFile"/>) or to PostgreSQL's
/// <c>audit_log</c> in the run's own transaction. Who (the operating-system user, or the staff id given), when it started,
/// which rule sets and hashes, what it read (its SHA-256 and length, never its content) and ids only as subjects
/// (<c>run:…</c>, <c>layer:…</c>, <c>seed:…</c>): never a name, a birth date, an income or a 個人番号.
/// </summary>
public static class CommandAudit
{
    /// <summary>The method column of a command's entry (an HTTP call has its verb there).</summary>
    public const string Method = "CLI";

    /// <summary>The run finished (complete, or complete with some inputs refused: the run's summary counts them).</summary>
    public const string Ok = "ok";

    /// <summary>The run stopped before its end and can be resumed (a database run whose chunks are not all done).</summary>
    public const string Incomplete = "incomplete";

    /// <summary>A check ran and an invariant fails (<c>kokuho rulesets check</c>).</summary>
    public const string CheckFailed = "check-failed";

    /// <summary>An entry for a run of <paramref name="command"/> (e.g. <c>kokuho reassess</c>) that started at <paramref name="started"/> and ended at <paramref name="ended"/>.</summary>
    /// <param name="endpoint">The run's name in the log's endpoint column (e.g. <c>Reassess</c>), as the API names its endpoints.</param>
    /// <param name="inputSha256">The input's SHA-256 as lower-case hex, with or without the <c>sha256:</c> prefix; null when the run read no file.</param>
    /// <param name="by">Who ran it: a staff id given on the command line, else the operating-system user.</param>
    public static AuditEntry Entry(Instant started, Instant ended, string command, string endpoint, IEnumerable<AuditedRuleSet> ruleSets,
        IReadOnlyList<string> subjects, string? inputSha256 = null, long? inputBytes = null, string outcome = Ok, int status = 200, string? by = null) =>
        new(Guid.CreateVersion7(started.ToDateTimeOffset()), started, null, by ?? Environment.UserName, Method, command, endpoint, status, outcome,
            ruleSets.ToArray(), subjects, inputSha256?.Replace("sha256:", "", StringComparison.Ordinal), inputBytes,
            Math.Max(0, (long)((ended - started).TotalNanoseconds / 1000)), null, ActivityTraceId.CreateRandom().ToHexString());

    /// <summary>The audited identity of a compiled rule set: enough to re-run the calculation exactly.</summary>
    public static AuditedRuleSet Of(CompiledRuleSet rs) => new(rs.Insurer.Id, rs.FiscalYear, rs.Version, rs.Hash);

    /// <summary>
    /// Before a run: null when the JSON Lines log at <paramref name="path"/> can be opened for writing (its folder made), else
    /// why not on one line — a command then refuses to start, so that no run goes unrecorded for want of a writable log.
    /// </summary>
    public static string? Unwritable(string path)
    {
        try
        {
            using var store = Open(path);
            return null;
        }
        catch (IOException e)
        {
            return e.Message;
        }
    }

    /// <summary>
    /// Appends <paramref name="entry"/> to the JSON Lines log at <paramref name="path"/> (its folder made), durably, after
    /// any other writer's entries (the store takes the log's lock: <see cref="FileAuditStore"/>).
    /// </summary>
    /// <exception cref="IOException">The log cannot be written (the message names the file); nothing of the entry is kept.</exception>
    public static void AppendToFile(string path, AuditEntry entry)
    {
        using var store = Open(path);
        store.AppendAsync([entry], CancellationToken.None).GetAwaiter().GetResult();
    }

    private static FileAuditStore Open(string path)
    {
        try
        {
            return new FileAuditStore(path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new IOException($"the audit log {Path.GetFullPath(path)} cannot be written ({e.Message.ReplaceLineEndings(" ")})", e);
        }
    }
}
