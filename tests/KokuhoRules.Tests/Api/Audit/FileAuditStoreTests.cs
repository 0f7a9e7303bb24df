using KokuhoRules.Engine.Audit;
using Microsoft.Extensions.Logging.Abstractions;
using NodaTime;

namespace KokuhoRules.Tests.Api.Audit;

/// <summary>The local audit file: whole entries only, in order, readable back; the writer batches without losing any.</summary>
public sealed class FileAuditStoreTests : IDisposable
{
    private readonly string _folder = Path.Combine(Path.GetTempPath(), "kokuho-audit-" + Guid.NewGuid().ToString("N"));
    private string File1 => Path.Combine(_folder, "audit-log.jsonl");

    internal static AuditEntry Entry(int i) => new(Guid.CreateVersion7(), Instant.FromUtc(2026, 11, 26, 9, 0).Plus(Duration.FromSeconds(i)), "k", "holder", "POST",
        "/v1/premium/assessments", "AssessPremium", 200, "ok", [new AuditedRuleSet("amagasaki", 2025, "2025.1", "sha256:x")], [$"H-{i}"], new string('a', 64), 100, 10, "127.0.0.1", "t");

    [Fact]
    public async Task A_line_cut_short_by_a_crash_is_removed_when_the_file_is_opened_again()
    {
        using (var store = new FileAuditStore(File1))
            await store.AppendAsync([Entry(1), Entry(2)], CancellationToken.None);
        File.AppendAllText(File1, """{"id":"0199""");

        using var reopened = new FileAuditStore(File1);
        Assert.Equal(11, reopened.TrimmedBytes);
        Assert.Equal(["H-1", "H-2"], reopened.ReadAll().Select(e => e.Entry.Subjects[0]));
        await reopened.AppendAsync([Entry(3)], CancellationToken.None);
        Assert.Equal([1L, 2L, 3L], reopened.ReadAll().Select(e => e.Seq));
    }

    [Fact]
    public async Task Many_concurrent_appends_are_all_stored_once()
    {
        await using (var log = new AuditLog(new FileAuditStore(File1), null, NullLogger.Instance))
            await Task.WhenAll(Enumerable.Range(0, 2000).Select(i => Task.Run(() => log.AppendAsync(Entry(i)))));
        using var store = new FileAuditStore(File1);
        var subjects = store.ReadAll().Select(e => e.Entry.Subjects[0]).ToArray();
        Assert.Equal(2000, subjects.Length);
        Assert.Equal(2000, subjects.Distinct().Count());
    }

    public void Dispose()
    {
        if (Directory.Exists(_folder)) Directory.Delete(_folder, recursive: true);
    }
}
