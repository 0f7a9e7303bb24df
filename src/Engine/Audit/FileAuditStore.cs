using System.Text.Json;
using KokuhoRules.Engine.Json;

namespace KokuhoRules.Engine.Audit;

/// <summary>
/// The audit log as a local JSON Lines file, one entry per line. The embedded default keeps its log
/// here; with a database, the same format is the spool that holds entries while the database is
/// unreachable.
/// </summary>
/// <remarks>
/// <para>An append is all or nothing: the batch's lines are written unbuffered at the end of the last
/// whole line, then flushed to disk (fsync); only then is the new length the file's "good" length
/// and the append returns. When the write or the fsync fails (a full disk, an I/O error), the file is
/// cut back to its last good length at once — or, if even that fails, before the next append or
/// read — and the append throws <see cref="IOException"/>: the file never keeps a partial line that a
/// later entry could be glued to. A line cut short by a crash is removed when the file is opened again.</para>
/// <para>Several writers may share the file — the service's <see cref="AuditLog"/> and the <c>kokuho</c> commands that
/// record their runs in the same log: each append, read and trim holds an exclusive lock on <c>&lt;log&gt;.lock</c> beside it
/// (waiting up to <see cref="LockWait"/> for another writer's append, which takes milliseconds) and writes after the file's
/// last whole line as it is then, so no writer overwrites another's entry. The reader skips a line it
/// cannot read (damaged outside the service, or left by a version without these guarantees), counts
/// it in <see cref="DamagedLines"/>, and still reads every other entry. The file is readable by its owner only.</para>
/// </remarks>
public sealed class FileAuditStore : IAuditStore, IDisposable
{
    /// <summary>The options entries are written with (also used to read them back).</summary>
    public static JsonSerializerOptions Json { get; } = MakeOptions();

    private static ReadOnlySpan<byte> EntryStart => "{\"id\":"u8;

    private readonly Lock _gate = new();
    private readonly FileStream _file;
    private readonly Stream _stream;
    private readonly Func<FileStream, Stream>? _wrap;
    private long _goodLength;
    private bool _mustTrim;

    /// <summary>Opens (or creates) the file, removing a trailing partial line if a crash left one.</summary>
    public FileAuditStore(string path) : this(path, null) { }

    /// <summary>Opens (or creates) the file; <paramref name="wrap"/> puts a stream in front of it (tests inject a failing disk with it).</summary>
    public FileAuditStore(string path, Func<FileStream, Stream>? wrap)
    {
        Path = System.IO.Path.GetFullPath(path);
        Directory.CreateDirectory(System.IO.Path.GetDirectoryName(Path)!);
        // bufferSize 0: every write goes straight to the file, nothing lingers in a buffer to be written later.
        var options = new FileStreamOptions { Mode = FileMode.OpenOrCreate, Access = FileAccess.ReadWrite, Share = FileShare.Read, BufferSize = 0 };
        if (!OperatingSystem.IsWindows()) options.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
        _file = new FileStream(Path, options);
        try
        {
            using (Exclusive()) TrimmedBytes = TrimPartialLine(_file);
        }
        catch
        {
            _file.Dispose();
            throw;
        }
        _goodLength = _file.Length;
        _wrap = wrap;
        _stream = wrap?.Invoke(_file) ?? _file;
    }

    public string Path { get; }

    /// <summary>How long an append waits for another writer's lock on the log before it fails.</summary>
    public static TimeSpan LockWait { get; } = TimeSpan.FromSeconds(10);

    /// <summary>
    /// The exclusive lock on <c>&lt;log&gt;.lock</c> (an open with no sharing: an advisory <c>flock</c> on Linux, held by this
    /// open alone, so it also keeps apart two stores of one process); waits up to <see cref="LockWait"/>.
    /// </summary>
    /// <exception cref="IOException">Another writer held it all that time, or the lock file cannot be made.</exception>
    private FileStream Exclusive()
    {
        var options = new FileStreamOptions { Mode = FileMode.OpenOrCreate, Access = FileAccess.ReadWrite, Share = FileShare.None, BufferSize = 0 };
        if (!OperatingSystem.IsWindows()) options.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
        var until = DateTime.UtcNow + LockWait;
        while (true)
        {
            try
            {
                return new FileStream(Path + ".lock", options);
            }
            catch (IOException) when (DateTime.UtcNow < until && File.Exists(Path + ".lock"))
            {
                Thread.Sleep(5); // another writer's append
            }
        }
    }

    /// <summary>Under the lock: the file as another writer may have left it — a trailing partial line (a crash) removed — is where the next entry goes.</summary>
    private void Refresh()
    {
        if (_mustTrim) CutBack();
        TrimPartialLine(_file);
        _goodLength = _file.Length;
    }

    public string Description => "local file";

    /// <summary>How many bytes a crash had left of a partial last line, removed on open (0 normally).</summary>
    public long TrimmedBytes { get; }

    /// <summary>The line numbers the last read could not read as entries (skipped); empty normally.</summary>
    public IReadOnlyList<long> DamagedLines { get; private set; } = [];

    /// <exception cref="IOException">The batch could not be made durable; the file was cut back to its last whole entry.</exception>
    public Task AppendAsync(IReadOnlyList<AuditEntry> entries, CancellationToken cancel)
    {
        var buffer = new MemoryStream();
        foreach (var entry in entries)
        {
            JsonSerializer.Serialize(buffer, entry, Json);
            buffer.WriteByte((byte)'\n');
        }
        lock (_gate)
        {
            try
            {
                using var exclusive = Exclusive();
                Refresh();
                _stream.Seek(_goodLength, SeekOrigin.Begin);
                _stream.Write(buffer.GetBuffer(), 0, (int)buffer.Length);
                _stream.Flush();
                _file.Flush(flushToDisk: true);
                _goodLength += buffer.Length;
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException or ObjectDisposedException)
            {
                _mustTrim = true;
                try { CutBack(); }
                catch (Exception again) when (again is IOException or UnauthorizedAccessException or ObjectDisposedException) { } // retried before the next append or read
                throw new IOException($"the audit file {Path} cannot be written ({e.GetType().Name}: {e.Message.ReplaceLineEndings(" ")}); it was cut back to its last whole entry", e);
            }
        }
        return Task.CompletedTask;
    }

    /// <summary>Cuts the file back to its last good length (what a failed append may have left beyond it goes).</summary>
    private void CutBack()
    {
        if (_file.Length != _goodLength)
        {
            _file.SetLength(_goodLength);
            _file.Flush(flushToDisk: true);
        }
        _mustTrim = false;
    }

    /// <summary>
    /// Checks that the file's folder takes a write of <paramref name="bytes"/> now (a probe file beside
    /// the log, written, flushed to disk and deleted); null when it does, else why not.
    /// </summary>
    public string? ProbeWritable(int bytes = 64 * 1024)
    {
        var probe = Path + ".probe";
        try
        {
            lock (_gate) if (_mustTrim) CutBack();
            using var file = new FileStream(probe, FileMode.Create, FileAccess.Write, FileShare.None, bufferSize: 0);
            using var stream = _wrap?.Invoke(file) ?? file;
            stream.Write(new byte[bytes]);
            stream.Flush();
            file.Flush(flushToDisk: true);
            return null;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or ObjectDisposedException)
        {
            return $"{e.GetType().Name}: {e.Message.ReplaceLineEndings(" ")}";
        }
        finally
        {
            try { File.Delete(probe); } catch (Exception e) when (e is IOException or UnauthorizedAccessException) { }
        }
    }

    public Task<IReadOnlyList<StoredAuditEntry>> QueryAsync(AuditQuery query, CancellationToken cancel)
    {
        var matches = new List<StoredAuditEntry>();
        foreach (var stored in ReadAll())
            if (query.Matches(stored)) matches.Add(stored);
        matches.Reverse();
        return Task.FromResult<IReadOnlyList<StoredAuditEntry>>(matches.Take(query.Limit).ToArray());
    }

    /// <summary>
    /// Every entry, oldest first, numbered by line. A line that cannot be read is skipped and counted in
    /// <see cref="DamagedLines"/>; when it ends with a whole entry (a partial line another was glued to,
    /// left by an older version), that entry is still read.
    /// </summary>
    public IReadOnlyList<StoredAuditEntry> ReadAll()
    {
        byte[] bytes;
        lock (_gate)
        {
            try
            {
                using var exclusive = Exclusive();
                Refresh();
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException) { } // read only up to the good length meanwhile
            bytes = new byte[_goodLength];
            RandomAccess.Read(_file.SafeFileHandle, bytes, 0);
        }
        var entries = new List<StoredAuditEntry>();
        var damaged = new List<long>();
        long seq = 0;
        var start = 0;
        for (var i = 0; i < bytes.Length; i++)
        {
            if (bytes[i] != (byte)'\n') continue;
            seq++;
            var line = bytes.AsSpan(start, i - start);
            start = i + 1;
            var entry = Parse(line);
            if (entry is null)
            {
                damaged.Add(seq);
                var glued = line[1..].LastIndexOf(EntryStart);
                if (glued >= 0) entry = Parse(line[(glued + 1)..]);
            }
            if (entry is not null) entries.Add(new StoredAuditEntry(seq, entry));
        }
        DamagedLines = damaged;
        return entries;
    }

    private static AuditEntry? Parse(ReadOnlySpan<byte> line)
    {
        try
        {
            return line.IsEmpty ? null : JsonSerializer.Deserialize<AuditEntry>(line, Json);
        }
        catch (JsonException)
        {
            return null;
        }
    }

    /// <summary>Empties the file (after its entries were delivered elsewhere).</summary>
    public void Clear()
    {
        lock (_gate)
        {
            using var exclusive = Exclusive();
            _file.SetLength(0);
            _file.Flush(flushToDisk: true);
            _goodLength = 0;
            _mustTrim = false;
        }
    }

    /// <summary>Whether the file holds no entries.</summary>
    public bool IsEmpty
    {
        get { lock (_gate) return _goodLength == 0; }
    }

    public void Dispose()
    {
        lock (_gate)
        {
            if (!ReferenceEquals(_stream, _file)) _stream.Dispose();
            _file.Dispose();
        }
    }

    /// <returns>The bytes removed.</returns>
    private static long TrimPartialLine(FileStream stream)
    {
        var length = stream.Length;
        if (length == 0) return 0;
        var end = length;
        var one = new byte[1];
        while (end > 0)
        {
            RandomAccess.Read(stream.SafeFileHandle, one, end - 1);
            if (one[0] == (byte)'\n') break;
            end--;
        }
        if (end == length) return 0;
        stream.SetLength(end);
        stream.Flush(flushToDisk: true);
        return length - end;
    }

    private static JsonSerializerOptions MakeOptions()
    {
        var options = new JsonSerializerOptions(JsonSerializerDefaults.Web)
        {
            Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
        };
        options.Converters.Add(new IsoInstantConverter());
        options.MakeReadOnly(populateMissingResolver: true);
        return options;
    }
}
