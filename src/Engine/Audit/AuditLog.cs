using System.Threading.Channels;
using Microsoft.Extensions.Logging;

namespace KokuhoRules.Engine.Audit;

/// <summary>
/// The one writer of the audit log. Callers hand an entry to <see cref="AppendAsync"/>, which completes
/// once the entry is durable; entries arriving together are written as one batch (one fsync, one
/// INSERT), so auditing costs a request little under load. When the store fails (the database is
/// down), the batch goes to the local spool file instead, and the spool is delivered to the store,
/// oldest first, once it answers again: an entry is never dropped.
/// </summary>
public sealed class AuditLog : IAsyncDisposable
{
    private const int MaxBatch = 512;
    private static readonly TimeSpan RetryEvery = TimeSpan.FromSeconds(2);
    /// <summary>How long a batch may wait for the store before it goes to the spool: a database that hangs must not hang the calls.</summary>
    private static readonly TimeSpan StoreTimeout = TimeSpan.FromSeconds(3);

    private readonly IAuditStore _store;
    private readonly FileAuditStore? _spool;
    private readonly ILogger _logger;
    private readonly Channel<(AuditEntry Entry, TaskCompletionSource Done)> _queue =
        Channel.CreateBounded<(AuditEntry, TaskCompletionSource)>(new BoundedChannelOptions(65_536) { SingleReader = true, FullMode = BoundedChannelFullMode.Wait });
    private readonly Task _writer;
    private long _spooled;
    private long _lastDelivery = long.MinValue / 2;
    private string? _storeFailure;
    private string? _writeFailure;

    /// <param name="store">Where entries go.</param>
    /// <param name="spool">Where they wait while <paramref name="store"/> fails; null when the store is itself a local file.</param>
    public AuditLog(IAuditStore store, FileAuditStore? spool, ILogger logger)
    {
        _store = store;
        _spool = spool;
        _logger = logger;
        if (spool is not null && !spool.IsEmpty)
        {
            _spooled = spool.ReadAll().Count;
            _storeFailure = "entries spooled by an earlier run are waiting to be delivered";
        }
        _writer = Task.Run(WriteLoop);
    }

    /// <summary>The store entries go to.</summary>
    public IAuditStore Store => _store;

    /// <summary>Entries waiting in the spool for the store to come back.</summary>
    public long Spooled => Interlocked.Read(ref _spooled);

    /// <summary>Why the store failed the last time it was tried, or null when it works.</summary>
    public string? StoreFailure => Volatile.Read(ref _storeFailure);

    /// <summary>
    /// Why the last batch could not be made durable anywhere (neither store nor spool took it), or null
    /// once one is again (or <see cref="ProbeAsync"/> finds the log writable). While it is set, the
    /// calls whose entries fail are refused (503) and readiness says the audit log cannot be written.
    /// </summary>
    public string? WriteFailure => Volatile.Read(ref _writeFailure);

    /// <summary>
    /// For readiness: null when the log takes entries, else why not. While <see cref="WriteFailure"/> is
    /// set, checks whether the local file the log falls back on (the log itself, or the spool) can be
    /// written again, and clears the failure if so — so an instance taken out of rotation for a full
    /// disk comes back once there is space, without waiting for a call.
    /// </summary>
    public Task<string?> ProbeAsync()
    {
        if (WriteFailure is null) return Task.FromResult<string?>(null);
        var local = _spool ?? _store as FileAuditStore;
        if (local is not null && local.ProbeWritable() is null)
        {
            Interlocked.Exchange(ref _writeFailure, null);
            _logger.LogWarning("Audit log {Store} can be written again", local.Path);
            return Task.FromResult<string?>(null);
        }
        return Task.FromResult<string?>(WriteFailure);
    }

    /// <summary>Records an entry; completes when it is durable (in the store or the spool).</summary>
    /// <exception cref="IOException">Neither the store nor the spool could take it (nothing of it is kept).</exception>
    public async Task AppendAsync(AuditEntry entry)
    {
        var done = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        await _queue.Writer.WriteAsync((entry, done));
        await done.Task;
    }

    private async Task WriteLoop()
    {
        var batch = new List<(AuditEntry Entry, TaskCompletionSource Done)>(MaxBatch);
        var reader = _queue.Reader;
        Task<bool>? wait = null;
        while (true)
        {
            wait ??= reader.WaitToReadAsync().AsTask();
            if (_spool is not null && Spooled > 0)
            {
                // Something is waiting in the spool: retry delivery every few seconds, even when no call arrives.
                if (!wait.IsCompleted) await Task.WhenAny(wait, Task.Delay(RetryEvery));
                await TryDeliverSpool();
                if (!wait.IsCompleted) continue;
            }
            if (!await wait) break;
            wait = null;
            while (batch.Count < MaxBatch && reader.TryRead(out var item)) batch.Add(item);
            await Write(batch);
            batch.Clear();
        }
        if (_spool is not null) await TryDeliverSpool(force: true);
    }

    private async Task Write(List<(AuditEntry Entry, TaskCompletionSource Done)> batch)
    {
        var entries = batch.Select(b => b.Entry).ToArray();
        try
        {
            if (_spool is not null && Spooled > 0)
                throw new AuditStoreUnavailableException(StoreFailure ?? "earlier entries are still spooled"); // keep the log in order
            using (var timeout = new CancellationTokenSource(StoreTimeout))
                await _store.AppendAsync(entries, timeout.Token);
            Written();
            foreach (var b in batch) b.Done.SetResult();
            return;
        }
        catch (Exception e) when (_spool is not null)
        {
            if (e is not (AuditStoreUnavailableException or OperationCanceledException)) _logger.LogError(e, "Audit store {Store} failed", _store.Description);
            var reason = e is AuditStoreUnavailableException u ? u.Message
                : e is OperationCanceledException ? "the audit store did not answer in time" : e.GetType().Name;
            if (Interlocked.Exchange(ref _storeFailure, reason) is null)
                _logger.LogWarning("Audit store {Store} unavailable ({Reason}): entries are spooled to {Spool} until it returns", _store.Description, reason, _spool.Path);
        }
        catch (Exception e)
        {
            Failed($"the audit log ({_store.Description}) cannot be written", e);
            foreach (var b in batch) b.Done.SetException(new IOException($"the audit log ({_store.Description}) cannot be written", e));
            return;
        }
        try
        {
            await _spool.AppendAsync(entries, CancellationToken.None);
            Interlocked.Add(ref _spooled, entries.Length);
            Written();
            foreach (var b in batch) b.Done.SetResult();
        }
        catch (Exception e)
        {
            Failed("neither the audit store nor its spool can be written", e);
            foreach (var b in batch) b.Done.SetException(new IOException("neither the audit store nor its spool can be written", e));
        }
    }

    private void Written()
    {
        if (Interlocked.Exchange(ref _writeFailure, null) is not null)
            _logger.LogWarning("Audit log {Store} can be written again", _store.Description);
    }

    /// <summary>A batch could not be made durable: logged loudly once per failure (its message names the file and the error, never an entry's data).</summary>
    private void Failed(string what, Exception e)
    {
        var reason = $"{what}: {e.Message.ReplaceLineEndings(" ")}";
        if (Interlocked.Exchange(ref _writeFailure, reason) is null)
            _logger.LogCritical("AUDIT LOG CANNOT BE WRITTEN ({Reason}): calls are refused with 503 until it can", reason);
    }

    private async Task TryDeliverSpool(bool force = false)
    {
        if (_spool is null || Spooled == 0) return;
        var now = Environment.TickCount64;
        if (!force && now - _lastDelivery < (long)RetryEvery.TotalMilliseconds) return;
        _lastDelivery = now;
        try
        {
            var waiting = _spool.ReadAll();
            if (_spool.DamagedLines.Count > 0)
                _logger.LogError("Audit spool {Spool}: lines {Lines} cannot be read and are not delivered", _spool.Path, string.Join(", ", _spool.DamagedLines));
            using var timeout = new CancellationTokenSource(StoreTimeout * (1 + waiting.Count / MaxBatch));
            for (var i = 0; i < waiting.Count; i += MaxBatch)
                await _store.AppendAsync(waiting.Skip(i).Take(MaxBatch).Select(s => s.Entry).ToArray(), timeout.Token);
            _spool.Clear();
            Interlocked.Exchange(ref _spooled, 0);
            Volatile.Write(ref _storeFailure, null);
            _logger.LogInformation("Audit store {Store} is back: {Count} spooled entries delivered", _store.Description, waiting.Count);
        }
        catch (Exception e)
        {
            Volatile.Write(ref _storeFailure, e is AuditStoreUnavailableException u ? u.Message
                : e is OperationCanceledException ? "the audit store did not answer in time" : e.GetType().Name);
        }
    }

    /// <summary>Stops taking entries, writes those queued, tries the spool once more, and closes the files.</summary>
    public async ValueTask DisposeAsync()
    {
        _queue.Writer.TryComplete();
        await _writer;
        (_store as IDisposable)?.Dispose();
        _spool?.Dispose();
    }
}
