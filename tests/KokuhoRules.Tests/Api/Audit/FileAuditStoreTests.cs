using System.Text.Json;
using FsCheck.Xunit;
using KokuhoRules.Tests.Support;
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

/// <summary>
/// The local audit file under a full disk and failing fsyncs (issue 11.1), injected with <see cref="FullDisk"/>:
/// an append is all or nothing, the file never keeps a partial line, and the reader skips and reports a damaged line.
/// </summary>
public sealed class FileAuditStoreFaultTests : IDisposable
{
    private readonly string _folder = Path.Combine(Path.GetTempPath(), "kokuho-audit-fault-" + Guid.NewGuid().ToString("N"));
    private string LogPath => Path.Combine(_folder, "audit-log.jsonl");

    private static string[] Lines(string path) => File.ReadAllText(path).Split('\n', StringSplitOptions.RemoveEmptyEntries);

    [Fact]
    public async Task A_write_the_disk_cannot_take_whole_leaves_no_partial_line_and_the_next_entry_is_whole()
    {
        var disk = new FullDisk(_folder, 1 << 20);
        using var store = new FileAuditStore(LogPath, disk.Wrap);
        await store.AppendAsync([FileAuditStoreTests.Entry(1), FileAuditStoreTests.Entry(2)], CancellationToken.None);
        var good = new FileInfo(LogPath).Length;

        disk.LeaveFree(100); // a third of an entry fits
        var e = await Assert.ThrowsAsync<IOException>(() => store.AppendAsync([FileAuditStoreTests.Entry(3)], CancellationToken.None));
        Assert.Contains("cannot be written", e.Message);
        Assert.Equal(good, new FileInfo(LogPath).Length); // cut back: no partial line left for the next entry to be glued to

        disk.Capacity = 1 << 20; // space is back
        await store.AppendAsync([FileAuditStoreTests.Entry(4)], CancellationToken.None);
        Assert.Equal(["H-1", "H-2", "H-4"], store.ReadAll().Select(s => s.Entry.Subjects[0]));
        Assert.Empty(store.DamagedLines);
        Assert.All(Lines(LogPath), l => Assert.NotNull(JsonSerializer.Deserialize<AuditEntry>(l, FileAuditStore.Json)));
    }

    [Fact]
    public async Task A_failed_fsync_fails_the_append_and_its_lines_are_removed()
    {
        var disk = new FullDisk(_folder, 1 << 20);
        using var store = new FileAuditStore(LogPath, disk.Wrap);
        await store.AppendAsync([FileAuditStoreTests.Entry(1)], CancellationToken.None);
        var good = new FileInfo(LogPath).Length;

        disk.FailFlush = true;
        await Assert.ThrowsAsync<IOException>(() => store.AppendAsync([FileAuditStoreTests.Entry(2), FileAuditStoreTests.Entry(3)], CancellationToken.None));
        Assert.Equal(good, new FileInfo(LogPath).Length); // not durable, so not kept: a caller told "failed" never finds it later

        disk.FailFlush = false;
        await store.AppendAsync([FileAuditStoreTests.Entry(4)], CancellationToken.None);
        Assert.Equal(["H-1", "H-4"], store.ReadAll().Select(s => s.Entry.Subjects[0]));
    }

    [Fact]
    public async Task The_reader_skips_and_reports_a_damaged_line_and_recovers_an_entry_glued_to_one()
    {
        using (var store = new FileAuditStore(LogPath))
            await store.AppendAsync([FileAuditStoreTests.Entry(1)], CancellationToken.None);
        var whole = JsonSerializer.Serialize(FileAuditStoreTests.Entry(2), FileAuditStore.Json);
        // What an older version left on a full disk: half an entry with the next one glued to it, and a line of noise.
        File.AppendAllText(LogPath, whole[..90] + whole + "\n" + "\u0000\u0000garbage\n");
        using (var store = new FileAuditStore(LogPath))
            await store.AppendAsync([FileAuditStoreTests.Entry(3)], CancellationToken.None);

        using var reopened = new FileAuditStore(LogPath);
        var entries = reopened.ReadAll();
        Assert.Equal(["H-1", "H-2", "H-3"], entries.Select(s => s.Entry.Subjects[0]));
        Assert.Equal([1L, 2L, 4L], entries.Select(s => s.Seq)); // numbered by line, so paging stays stable
        Assert.Equal([2L, 3L], reopened.DamagedLines);
    }

    /// <summary>
    /// The invariant, over any sequence of appends on a disk whose free space and fsync come and go: after
    /// every append the file is whole lines only, holding exactly the entries of the appends that
    /// succeeded, in order — a failed append leaves nothing behind. Each byte of <paramref name="plan"/> is
    /// one append: bits 0–1 its batch size − 1, bit 2 a failing fsync, bits 3–7 the free space in units of
    /// 100 bytes (31: plenty).
    /// </summary>
    [Property(MaxTest = 60)]
    public void After_any_sequence_of_appends_on_a_failing_disk_the_file_holds_exactly_the_appends_that_succeeded(byte[] plan)
    {
        var folder = Path.Combine(_folder, Guid.NewGuid().ToString("N"));
        var path = Path.Combine(folder, "audit-log.jsonl");
        var disk = new FullDisk(folder, 1 << 24);
        var expected = new List<string>();
        var next = 0;
        using (var store = new FileAuditStore(path, disk.Wrap))
        {
            foreach (var step in plan.Take(24))
            {
                var batch = Enumerable.Range(0, (step & 3) + 1).Select(_ => FileAuditStoreTests.Entry(next++)).ToArray();
                disk.FailFlush = (step & 4) != 0;
                var free = step >> 3;
                if (free == 31) disk.Capacity = 1 << 24;
                else disk.LeaveFree(free * 100);
                try
                {
                    store.AppendAsync(batch, CancellationToken.None).GetAwaiter().GetResult();
                    expected.AddRange(batch.Select(e => e.Subjects[0]));
                }
                catch (IOException)
                {
                }
                var text = File.ReadAllText(path);
                Assert.True(text.Length == 0 || text.EndsWith('\n'), "a partial line was left");
                Assert.Equal(expected, text.Split('\n', StringSplitOptions.RemoveEmptyEntries)
                    .Select(l => JsonSerializer.Deserialize<AuditEntry>(l, FileAuditStore.Json)!.Subjects[0]));
            }
        }
        using var reopened = new FileAuditStore(path);
        Assert.Equal(0, reopened.TrimmedBytes);
        Assert.Equal(expected, reopened.ReadAll().Select(e => e.Entry.Subjects[0]));
        Assert.Empty(reopened.DamagedLines);
    }

    public void Dispose()
    {
        if (Directory.Exists(_folder)) Directory.Delete(_folder, recursive: true);
    }
}
