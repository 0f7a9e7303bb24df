using System.Text;

namespace KokuhoRules.Engine.Storage;

/// <summary>
/// Files written whole or not at all: each is written as <c>&lt;name&gt;.partial</c> beside its name and, once every one
/// is finished, flushed to disk and renamed into place by <see cref="Commit"/> — so an earlier file of that name is only
/// ever replaced by a finished one. Disposed without <see cref="Commit"/> (an error, an interruption), the partial files are
/// deleted and the earlier files are left as they were. Not thread-safe: one writer.
/// </summary>
/// <example>
/// <code>
/// using var files = new AtomicFiles();
/// var lines = files.CreateText(output);
/// …write…
/// files.Commit();
/// </code>
/// </example>
public sealed class AtomicFiles : IDisposable
{
    /// <summary>What a file being written is called beside its name.</summary>
    public const string PartialSuffix = ".partial";

    private readonly List<(string Final, FileStream File, TextWriter? Text)> _files = [];
    private bool _committed;

    /// <summary>Where <paramref name="path"/> is written until it is finished.</summary>
    public static string PartialOf(string path) => path + PartialSuffix;

    /// <summary>Opens the partial file of <paramref name="path"/> for writing (replacing a partial file an interrupted run left).</summary>
    public FileStream Create(string path, int bufferSize = 1 << 20)
    {
        ObjectDisposedException.ThrowIf(_committed, this);
        var file = new FileStream(PartialOf(path), FileMode.Create, FileAccess.Write, FileShare.None, bufferSize);
        _files.Add((path, file, null));
        return file;
    }

    /// <summary>Opens the partial file of <paramref name="path"/> as UTF-8 text (with a byte order mark only when <paramref name="bom"/>).</summary>
    public StreamWriter CreateText(string path, bool bom = false, int bufferSize = 1 << 20)
    {
        var file = Create(path, bufferSize);
        var text = new StreamWriter(file, new UTF8Encoding(bom), 1 << 16);
        _files[^1] = (path, file, text);
        return text;
    }

    /// <summary>Flushes every file to disk, closes it and renames it into place, in the order they were created.</summary>
    public void Commit()
    {
        ObjectDisposedException.ThrowIf(_committed, this);
        foreach (var (_, file, text) in _files)
        {
            text?.Flush();
            file.Flush(flushToDisk: true);
            file.Dispose();
        }
        foreach (var (final, _, _) in _files) File.Move(PartialOf(final), final, overwrite: true);
        _committed = true;
    }

    /// <summary>Closes the files; without <see cref="Commit"/>, deletes the partial ones.</summary>
    public void Dispose()
    {
        if (_committed) return;
        _committed = true;
        foreach (var (final, file, _) in _files)
        {
            file.Dispose();
            try { File.Delete(PartialOf(final)); }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException) { } // a partial file left behind is replaced by the next run
        }
    }

    /// <summary>Writes <paramref name="bytes"/> as the whole of <paramref name="path"/>: beside it, flushed to disk, then renamed.</summary>
    public static void WriteAllBytes(string path, ReadOnlySpan<byte> bytes)
    {
        using var files = new AtomicFiles();
        files.Create(path, 1 << 16).Write(bytes);
        files.Commit();
    }
}
