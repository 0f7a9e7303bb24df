using System.Buffers.Binary;
using System.Text;

namespace KokuhoRules.Engine.Storage;

/// <summary>
/// Rows in PostgreSQL's binary COPY format (<c>COPY … FROM STDIN (FORMAT BINARY)</c>, the "Binary Format" of the
/// COPY reference), encoded straight into a <see cref="PooledBuffer"/> for a raw binary COPY
/// (<c>NpgsqlConnection.BeginRawBinaryCopyAsync</c>). For a hot path: <c>NpgsqlBinaryImporter.Write</c> binds a
/// parameter and resolves a converter for every value, which cost a batch more than its rules (issue 17), where
/// here a value is a few bytes written in place and a value that is the same on every row (a run's id, its rule
/// set's version and hash) is encoded once (<see cref="Encode(string)"/>) and copied. Everything else (loads, refused
/// households, withholding rows) writes through the importer. The rows are byte for byte what PostgreSQL itself
/// writes for the same values (tests/…/Engine/Storage/PgCopyRowsTests.cs).
/// </summary>
/// <remarks>
/// The caller writes <see cref="Header"/> once, then each row as <see cref="Row"/> and exactly that many fields,
/// then <see cref="Trailer"/>; between rows it may send <see cref="Buffer"/>'s bytes and clear it. Nothing checks the
/// fields against the table: a wrong type or count is the server's error, refused with the COPY.
/// </remarks>
public sealed class PgCopyRows(PooledBuffer buffer)
{
    /// <summary>The PostgreSQL type OID of <c>bigint</c> (<c>int8</c>), an array's element type.</summary>
    private const int Int8Oid = 20;

    /// <summary>"PGCOPY\n\377\r\n\0": 11 bytes (not a UTF-8 literal: \377 is the byte 0xFF).</summary>
    private static ReadOnlySpan<byte> Signature => [0x50, 0x47, 0x43, 0x4F, 0x50, 0x59, 0x0A, 0xFF, 0x0D, 0x0A, 0x00];

    /// <summary>The buffer the rows are written into.</summary>
    public PooledBuffer Buffer => buffer;

    /// <summary>The file header: the signature, no flags (no OIDs), no header extension.</summary>
    public void Header()
    {
        var span = buffer.GetSpan(Signature.Length + 8);
        Signature.CopyTo(span);
        BinaryPrimitives.WriteInt32BigEndian(span[Signature.Length..], 0);
        BinaryPrimitives.WriteInt32BigEndian(span[(Signature.Length + 4)..], 0);
        buffer.Advance(Signature.Length + 8);
    }

    /// <summary>The file trailer: a field count of −1.</summary>
    public void Trailer() => Int16Raw(-1);

    /// <summary>Starts a row of <paramref name="fields"/> fields.</summary>
    public void Row(short fields) => Int16Raw(fields);

    /// <summary>A <c>bigint</c>.</summary>
    public void Int64(long value)
    {
        var span = buffer.GetSpan(12);
        BinaryPrimitives.WriteInt32BigEndian(span, 8);
        BinaryPrimitives.WriteInt64BigEndian(span[4..], value);
        buffer.Advance(12);
    }

    /// <summary>A <c>smallint</c>.</summary>
    public void Int16(short value)
    {
        var span = buffer.GetSpan(6);
        BinaryPrimitives.WriteInt32BigEndian(span, 2);
        BinaryPrimitives.WriteInt16BigEndian(span[4..], value);
        buffer.Advance(6);
    }

    /// <summary>A <c>boolean</c>.</summary>
    public void Boolean(bool value)
    {
        var span = buffer.GetSpan(5);
        BinaryPrimitives.WriteInt32BigEndian(span, 1);
        span[4] = value ? (byte)1 : (byte)0;
        buffer.Advance(5);
    }

    /// <summary>A <c>text</c> (UTF-8, as the database's encoding must be).</summary>
    public void Text(ReadOnlySpan<char> value)
    {
        var span = buffer.GetSpan(4 + Encoding.UTF8.GetMaxByteCount(value.Length));
        var length = Encoding.UTF8.GetBytes(value, span[4..]);
        BinaryPrimitives.WriteInt32BigEndian(span, length);
        buffer.Advance(4 + length);
    }

    /// <summary>A <c>NULL</c>.</summary>
    public void Null()
    {
        BinaryPrimitives.WriteInt32BigEndian(buffer.GetSpan(4), -1);
        buffer.Advance(4);
    }

    /// <summary>A <c>bigint[]</c> of one dimension, lower bound 1, no null element; an empty array as PostgreSQL writes <c>'{}'</c> (no dimension).</summary>
    public void Int64Array(ReadOnlySpan<long> values)
    {
        if (values.IsEmpty)
        {
            var empty = buffer.GetSpan(16);
            BinaryPrimitives.WriteInt32BigEndian(empty, 12);
            BinaryPrimitives.WriteInt32BigEndian(empty[4..], 0);   // no dimension
            BinaryPrimitives.WriteInt32BigEndian(empty[8..], 0);
            BinaryPrimitives.WriteInt32BigEndian(empty[12..], Int8Oid);
            buffer.Advance(16);
            return;
        }
        var length = 20 + 12 * values.Length;
        var span = buffer.GetSpan(4 + length);
        BinaryPrimitives.WriteInt32BigEndian(span, length);
        BinaryPrimitives.WriteInt32BigEndian(span[4..], 1);        // dimensions
        BinaryPrimitives.WriteInt32BigEndian(span[8..], 0);        // no null element
        BinaryPrimitives.WriteInt32BigEndian(span[12..], Int8Oid);
        BinaryPrimitives.WriteInt32BigEndian(span[16..], values.Length);
        BinaryPrimitives.WriteInt32BigEndian(span[20..], 1);       // lower bound
        var at = 24;
        foreach (var v in values)
        {
            BinaryPrimitives.WriteInt32BigEndian(span[at..], 8);
            BinaryPrimitives.WriteInt64BigEndian(span[(at + 4)..], v);
            at += 12;
        }
        buffer.Advance(4 + length);
    }

    /// <summary>A field encoded once by <see cref="Encode(string)"/> or <see cref="Encode(long)"/>, copied as it is.</summary>
    public void Encoded(ReadOnlySpan<byte> field)
    {
        field.CopyTo(buffer.GetSpan(field.Length));
        buffer.Advance(field.Length);
    }

    /// <summary>A <c>text</c> field (length and UTF-8 bytes) to write on every row with <see cref="Encoded"/>.</summary>
    public static byte[] Encode(string value)
    {
        var field = new byte[4 + Encoding.UTF8.GetByteCount(value)];
        BinaryPrimitives.WriteInt32BigEndian(field, field.Length - 4);
        Encoding.UTF8.GetBytes(value, field.AsSpan(4));
        return field;
    }

    /// <summary>A <c>bigint</c> field to write on every row with <see cref="Encoded"/>.</summary>
    public static byte[] Encode(long value)
    {
        var field = new byte[12];
        BinaryPrimitives.WriteInt32BigEndian(field, 8);
        BinaryPrimitives.WriteInt64BigEndian(field.AsSpan(4), value);
        return field;
    }

    private void Int16Raw(short value)
    {
        BinaryPrimitives.WriteInt16BigEndian(buffer.GetSpan(2), value);
        buffer.Advance(2);
    }
}
