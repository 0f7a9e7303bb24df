using KokuhoRules.Engine.Audit;
using KokuhoRules.Tests.Support;
using Microsoft.Extensions.Logging.Abstractions;

namespace KokuhoRules.Tests.Api.Audit;

/// <summary>
/// The audit writer (<see cref="AuditLog"/>) against a store that fails on demand: entries go to the spool
/// while it fails, come out in order when it returns, and a call is never answered unaudited.
/// </summary>
public sealed class AuditWriterTests : IDisposable
{
    private readonly string _folder = Path.Combine(Path.GetTempPath(), "kokuho-audit-writer-" + Guid.NewGuid().ToString("N"));

    /// <summary>A store in memory that throws while <see cref="Down"/>.</summary>
    private sealed class FlakyStore : IAuditStore
    {
        public volatile bool Down;
        public readonly List<AuditEntry> Stored = [];

        public string Description => "flaky";

        public Task AppendAsync(IReadOnlyList<AuditEntry> entries, CancellationToken cancel)
        {
            if (Down) throw new AuditStoreUnavailableException("the test store is down");
            lock (Stored)
                foreach (var e in entries)
                    if (!Stored.Any(s => s.Id == e.Id)) Stored.Add(e);
            return Task.CompletedTask;
        }

        public Task<IReadOnlyList<StoredAuditEntry>> QueryAsync(AuditQuery query, CancellationToken cancel) => throw new NotSupportedException();
    }

    [Fact]
    public async Task While_the_store_is_down_entries_are_spooled_and_delivered_in_order_when_it_returns()
    {
        var store = new FlakyStore();
        await using var log = new AuditLog(store, new FileAuditStore(Path.Combine(_folder, "spool.jsonl")), NullLogger.Instance);
        await log.AppendAsync(FileAuditStoreTests.Entry(0));
        store.Down = true;
        for (var i = 1; i <= 3; i++) await log.AppendAsync(FileAuditStoreTests.Entry(i));
        Assert.Equal(3, log.Spooled);
        Assert.Equal("the test store is down", log.StoreFailure);

        store.Down = false;
        await log.AppendAsync(FileAuditStoreTests.Entry(4)); // queued behind the spool, not ahead of it
        await Eventually.Holds(() => log.Spooled == 0 && store.Stored.Count == 5, "the spool was not delivered");
        lock (store.Stored) Assert.Equal(["H-0", "H-1", "H-2", "H-3", "H-4"], store.Stored.Select(e => e.Subjects[0]));
        Assert.Null(log.StoreFailure);
    }

    [Fact]
    public async Task When_neither_the_store_nor_the_spool_can_take_an_entry_the_call_fails()
    {
        var store = new FlakyStore { Down = true };
        var spoolPath = Path.Combine(_folder, "spool.jsonl");
        var spool = new FileAuditStore(spoolPath);
        await using var log = new AuditLog(store, spool, NullLogger.Instance);
        spool.Dispose(); // a spool that can no longer be written (its disk gone)
        var e = await Assert.ThrowsAsync<IOException>(() => log.AppendAsync(FileAuditStoreTests.Entry(1)));
        Assert.Contains("neither the audit store nor its spool", e.Message);
    }

    public void Dispose()
    {
        if (Directory.Exists(_folder)) Directory.Delete(_folder, recursive: true);
    }
}
