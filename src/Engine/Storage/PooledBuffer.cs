using System.Buffers;

namespace KokuhoRules.Engine.Storage;

/// <summary>
/// A growable byte buffer rented from <see cref="ArrayPool{T}.Shared"/> and given back on dispose. The
/// batch moves hundreds of kilobytes per chunk; fresh arrays that size would land on the large object
/// heap and make the garbage collector do full collections.
/// </summary>
public sealed class PooledBuffer(int initialCapacity = 64 * 1024) : IBufferWriter<byte>, IDisposable
{
    private byte[] _array = ArrayPool<byte>.Shared.Rent(initialCapacity);
    private int _written;

    public ReadOnlySpan<byte> WrittenSpan => _array.AsSpan(0, _written);
    public ReadOnlyMemory<byte> WrittenMemory => _array.AsMemory(0, _written);
    public int WrittenCount => _written;

    public void Clear() => _written = 0;

    public void Advance(int count) => _written += count;

    public Memory<byte> GetMemory(int sizeHint = 0)
    {
        Ensure(sizeHint);
        return _array.AsMemory(_written);
    }

    public Span<byte> GetSpan(int sizeHint = 0)
    {
        Ensure(sizeHint);
        return _array.AsSpan(_written);
    }

    private void Ensure(int sizeHint)
    {
        var needed = _written + Math.Max(sizeHint, 1);
        if (needed <= _array.Length) return;
        var bigger = ArrayPool<byte>.Shared.Rent(Math.Max(needed, _array.Length * 2));
        _array.AsSpan(0, _written).CopyTo(bigger);
        ArrayPool<byte>.Shared.Return(_array);
        _array = bigger;
    }

    public void Dispose()
    {
        if (_array.Length == 0) return;
        ArrayPool<byte>.Shared.Return(_array);
        _array = [];
        _written = 0;
    }
}
