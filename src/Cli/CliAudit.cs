using KokuhoRules.Engine.Audit;
using KokuhoRules.Engine.RuleSets;
using KokuhoRules.Rules.Batch;
using NodaTime;

namespace KokuhoRules.Cli;

/// <summary>
/// How a command run on files records itself in the <c>--audit-log</c> file (<see cref="CliOptions.AuditLog"/>): one entry
/// per run, built by <see cref="CommandAudit.Entry"/> as the database runs build theirs (those go to <c>audit_log</c> in
/// their own transaction instead). The inputs are named by their SHA-256 and length, never their content.
/// </summary>
internal static class CliAudit
{
    /// <summary>Before a run: null when <paramref name="log"/> can be written, else why not and that nothing was run (the command exits 1).</summary>
    public static string? Refusal(string log) => CommandAudit.Unwritable(log) is { } why ? $"{why}: nothing was run" : null;

    /// <summary>What a run read, for its entry: the file's SHA-256 (lower-case hex) and length.</summary>
    public static (string Sha256, long Bytes) Input(string path) => (FileIdentity.Sha256(path), new FileInfo(path).Length);

    /// <summary>A further input of a run as a subject of its entry: <c>&lt;name&gt;:sha256:…</c>.</summary>
    public static string Subject(string name, string path) => $"{name}:sha256:{FileIdentity.Sha256(path)}";

    /// <summary>
    /// Appends the entry of a file run that started at <paramref name="started"/> and ends now: <paramref name="input"/> (the
    /// main input, <c>--in</c>) as the entry's body hash; further inputs as <see cref="Subject"/>s.
    /// </summary>
    /// <exception cref="IOException">The log cannot be written; the message names it and says the run is not recorded (the command prints it on one line, exit 1).</exception>
    public static AuditEntry RecordRun(string log, Instant started, string command, string endpoint, IEnumerable<AuditedRuleSet> ruleSets, (string Sha256, long Bytes) input,
        IReadOnlyList<string>? subjects = null, string outcome = CommandAudit.Ok)
    {
        var entry = CommandAudit.Entry(started, SystemClock.Instance.GetCurrentInstant(), command, endpoint, ruleSets, subjects ?? [], input.Sha256, input.Bytes, outcome);
        try
        {
            CommandAudit.AppendToFile(log, entry);
        }
        catch (IOException e)
        {
            throw new IOException($"{e.Message}: the run's output is written but the run is not recorded; run it again once the audit log can be written", e);
        }
        return entry;
    }
}
