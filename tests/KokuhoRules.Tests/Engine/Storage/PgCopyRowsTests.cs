using Dapper;
using KokuhoRules.Engine.Storage;
using KokuhoRules.Tests.Support;
using Npgsql;

namespace KokuhoRules.Tests.Engine.Storage;

/// <summary>
/// The raw binary COPY rows of the batch's hot path: byte for byte what PostgreSQL itself writes for the same values
/// (its <c>COPY … TO STDOUT (FORMAT BINARY)</c>), and read back by the server as the values written.
/// </summary>
[Collection(PostgresCollection.Name)]
public sealed class PgCopyRowsTests(PostgresFixture server)
{
    private const string Columns = "(id bigint, name text, amounts bigint[], flag boolean, month smallint, note text)";

    /// <summary>Rows covering each field writer: negatives and the extremes, Japanese text, empty text and arrays, nulls.</summary>
    private static readonly (long Id, string Name, long[] Amounts, bool Flag, short? Month, string? Note)[] Rows =
    [
        (1, "A0001", [51_000, 18_300, 0], true, 10, "7割"),
        (-42, "尼崎市・世帯 2", [-1, long.MaxValue, long.MinValue], false, null, null),
        (long.MaxValue, "", [], true, -1, ""),
    ];

    private static byte[] Encoded(bool encodeConstants)
    {
        using var buffer = new PooledBuffer(16);
        var rows = new PgCopyRows(buffer);
        rows.Header();
        foreach (var r in Rows)
        {
            rows.Row(6);
            if (encodeConstants) rows.Encoded(PgCopyRows.Encode(r.Id)); else rows.Int64(r.Id);
            if (encodeConstants) rows.Encoded(PgCopyRows.Encode(r.Name)); else rows.Text(r.Name);
            rows.Int64Array(r.Amounts);
            rows.Boolean(r.Flag);
            if (r.Month is { } m) rows.Int16(m); else rows.Null();
            if (r.Note is null) rows.Null(); else rows.Text(r.Note);
        }
        rows.Trailer();
        return buffer.WrittenSpan.ToArray();
    }

    [SkippableFact]
    public async Task The_rows_are_byte_for_byte_what_PostgreSQL_writes_for_the_same_values()
    {
        server.RequireServer();
        await using var connection = new NpgsqlConnection(server.CreateDatabase());
        await connection.OpenAsync();
        var values = string.Join(", ", Rows.Select((r, i) =>
            $"({r.Id}::bigint, @name{i}, @amounts{i}::bigint[], {r.Flag}, {(r.Month is { } m ? m.ToString() : "NULL")}::smallint, @note{i})"));
        var args = new DynamicParameters();
        for (var i = 0; i < Rows.Length; i++)
        {
            args.Add($"name{i}", Rows[i].Name);
            args.Add($"amounts{i}", Rows[i].Amounts);
            args.Add($"note{i}", Rows[i].Note);
        }
        await connection.ExecuteAsync($"CREATE TABLE expected {Columns}; INSERT INTO expected VALUES {values}", args);

        var fromServer = new MemoryStream();
        await using (var copy = await connection.BeginRawBinaryCopyAsync("COPY expected TO STDOUT (FORMAT BINARY)"))
            await copy.CopyToAsync(fromServer);

        Assert.Equal(Convert.ToHexString(fromServer.ToArray()), Convert.ToHexString(Encoded(encodeConstants: false)));
        Assert.Equal(Encoded(encodeConstants: false), Encoded(encodeConstants: true));
    }

    [SkippableFact]
    public async Task The_server_reads_the_rows_back_as_the_values_written_across_flushes()
    {
        server.RequireServer();
        await using var connection = new NpgsqlConnection(server.CreateDatabase());
        await connection.OpenAsync();
        await connection.ExecuteAsync($"CREATE TABLE written {Columns}");
        var bytes = Encoded(encodeConstants: true);
        await using (var copy = await connection.BeginRawBinaryCopyAsync("COPY written FROM STDIN (FORMAT BINARY)"))
            foreach (var piece in bytes.Chunk(7)) await copy.WriteAsync(piece);   // sent in pieces that split fields

        var read = (await connection.QueryAsync<(long Id, string Name, long[] Amounts, bool Flag, short? Month, string? Note)>(
            "SELECT id, name, amounts, flag, month, note FROM written ORDER BY id")).ToList();
        var expected = Rows.OrderBy(r => r.Id).ToList();
        Assert.Equal(expected.Count, read.Count);
        for (var i = 0; i < expected.Count; i++)
        {
            Assert.Equal((expected[i].Id, expected[i].Name, expected[i].Flag, expected[i].Month, expected[i].Note),
                (read[i].Id, read[i].Name, read[i].Flag, read[i].Month, read[i].Note));
            Assert.Equal(expected[i].Amounts, read[i].Amounts);
        }
    }
}
