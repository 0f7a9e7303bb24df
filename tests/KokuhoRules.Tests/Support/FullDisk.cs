namespace KokuhoRules.Tests.Support;

/// <summary>
/// A disk that fills up, for fault injection: the files of one folder share <see cref="Capacity"/>
/// bytes. A write through <see cref="Wrap"/> writes what still fits — a partial write, as a real full
/// disk does — and then fails with "No space left on device"; with <see cref="FailFlush"/> the flush
/// to disk fails (an fsync error). Raise <see cref="Capacity"/> and the space is back.
/// </summary>
public sealed class FullDisk(string folder, long capacity)
{
    private long _capacity = capacity;

    public long Capacity
    {
        get => Interlocked.Read(ref _capacity);
        set => Interlocked.Exchange(ref _capacity, value);
    }

    public volatile bool FailFlush;

    private int _failFlushes;

    /// <summary>Fails the next <paramref name="count"/> flushes to disk, then works again.</summary>
    public void FailNextFlushes(int count) => Interlocked.Exchange(ref _failFlushes, count);

    private bool FlushFails => FailFlush || Interlocked.Decrement(ref _failFlushes) >= 0;

    /// <summary>Bytes used by the folder's files now.</summary>
    public long Used => Directory.Exists(folder) ? Directory.GetFiles(folder).Sum(f => new FileInfo(f).Length) : 0;

    /// <summary>Fills the disk but for <paramref name="free"/> bytes.</summary>
    public void LeaveFree(long free) => Capacity = Used + free;

    public Stream Wrap(FileStream file) => new DiskStream(file, this);

    private sealed class DiskStream(FileStream inner, FullDisk disk) : Stream
    {
        public override void Write(byte[] buffer, int offset, int count)
        {
            var growth = Math.Max(0, inner.Position + count - inner.Length);
            var free = Math.Max(0, disk.Capacity - disk.Used);
            var fits = growth <= free ? count : (int)Math.Max(0, count - (growth - free));
            inner.Write(buffer, offset, fits);
            if (fits < count) throw new IOException("No space left on device");
        }

        public override void Flush()
        {
            if (disk.FlushFails) throw new IOException("Input/output error");
            inner.Flush();
        }

        public override bool CanRead => inner.CanRead;
        public override bool CanSeek => inner.CanSeek;
        public override bool CanWrite => inner.CanWrite;
        public override long Length => inner.Length;
        public override long Position { get => inner.Position; set => inner.Position = value; }
        public override int Read(byte[] buffer, int offset, int count) => inner.Read(buffer, offset, count);
        public override long Seek(long offset, SeekOrigin origin) => inner.Seek(offset, origin);
        public override void SetLength(long value) => inner.SetLength(value);
    }
}
