using System.Text.Json;
using KokuhoRules.Engine.Json;

namespace KokuhoRules.Engine.Audit;

/// <summary>
/// The audit log as a local JSON Lines file, one entry per line, appended and flushed to disk
/// (fsync) before an append returns. The embedded default keeps its log here; with a database, the
/// same format is the spool that holds entries while the database is unreachable.
/// </summary>
/// <remarks>
/// Only this process appends (one writer, <see cref="AuditLog"/>). A line cut short by a crash is
/// removed when the file is opened again, so the file only ever holds whole entries. The file is
/// readable by its owner only.
/// </remarks>
public sealed class FileAuditStore : IAuditStore, IDisposable
{
    /// <summary>The options entries are written with (also used to read them back).</summary>
    public static JsonSerializerOptions Json { get; } = MakeOptions();

    private readonly Lock _gate = new();
    private readonly FileStream _stream;

    /// <summary>Opens (or creates) the file, removing a trailing partial line if a crash left one.</summary>
    public FileAuditStore(string path)
    {
        Path = System.IO.Path.GetFullPath(path);
        Directory.CreateDirectory(System.IO.Path.GetDirectoryName(Path)!);
        var options = new FileStreamOptions { Mode = FileMode.OpenOrCreate, Access = FileAccess.ReadWrite, Share = FileShare.Read };
        if (!OperatingSystem.IsWindows()) options.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
        _stream = new FileStream(Path, options);
        TrimPartialLine(_stream);
        _stream.Seek(0, SeekOrigin.End);
    }

    public string Path { get; }

    public string Description => "local file";

    /// <summary>How many bytes a crash had left of a partial last line, removed on open (0 normally).</summary>
    public long TrimmedBytes { get; private set; }

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
            _stream.Write(buffer.GetBuffer(), 0, (int)buffer.Length);
            _stream.Flush(flushToDisk: true);
        }
        return Task.CompletedTask;
    }

    public Task<IReadOnlyList<StoredAuditEntry>> QueryAsync(AuditQuery query, CancellationToken cancel)
    {
        var matches = new List<StoredAuditEntry>();
        foreach (var stored in ReadAll())
            if (query.Matches(stored)) matches.Add(stored);
        matches.Reverse();
        return Task.FromResult<IReadOnlyList<StoredAuditEntry>>(matches.Take(query.Limit).ToArray());
    }

    /// <summary>Every entry, oldest first, numbered by line.</summary>
    public IReadOnlyList<StoredAuditEntry> ReadAll()
    {
        byte[] bytes;
        lock (_gate)
        {
            bytes = new byte[_stream.Length];
            _stream.Seek(0, SeekOrigin.Begin);
            _stream.ReadExactly(bytes);
            _stream.Seek(0, SeekOrigin.End);
        }
        var entries = new List<StoredAuditEntry>();
        long seq = 0;
        var start = 0;
        for (var i = 0; i < bytes.Length; i++)
        {
            if (bytes[i] != (byte)'\n') continue;
            seq++;
            var entry = JsonSerializer.Deserialize<AuditEntry>(bytes.AsSpan(start, i - start), Json)
                ?? throw new InvalidDataException($"{Path}: line {seq} is not an audit entry");
            entries.Add(new StoredAuditEntry(seq, entry));
            start = i + 1;
        }
        return entries;
    }

    /// <summary>Empties the file (after its entries were delivered elsewhere).</summary>
    public void Clear()
    {
        lock (_gate)
        {
            _stream.SetLength(0);
            _stream.Flush(flushToDisk: true);
        }
    }

    /// <summary>Whether the file holds no entries.</summary>
    public bool IsEmpty
    {
        get { lock (_gate) return _stream.Length == 0; }
    }

    public void Dispose()
    {
        lock (_gate) _stream.Dispose();
    }

    private void TrimPartialLine(FileStream stream)
    {
        var length = stream.Length;
        if (length == 0) return;
        var end = length;
        var one = new byte[1];
        while (end > 0)
        {
            stream.Seek(end - 1, SeekOrigin.Begin);
            stream.ReadExactly(one);
            if (one[0] == (byte)'\n') break;
            end--;
        }
        if (end == length) return;
        TrimmedBytes = length - end;
        stream.SetLength(end);
        stream.Flush(flushToDisk: true);
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
