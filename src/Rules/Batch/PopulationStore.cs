using KokuhoRules.Engine.Requests;
using KokuhoRules.Rules.Snapshots;
using KokuhoRules.Rules.Storage;
using Npgsql;

namespace KokuhoRules.Rules.Batch;

/// <summary>
/// The population the PostgreSQL store holds for an insurer and fiscal year (what <c>kokuho load</c> or <c>generate --db</c>
/// put there and <c>reassess --db</c> assesses), read whole, in household order, with <see cref="ChunkReader"/> and checked
/// as the batch checks it (<see cref="FileBatchRunner.ReadHousehold"/>): for <c>rulesets impact --db</c>.
/// </summary>
public static class PopulationStore
{
    private const long Chunk = 8192;

    /// <summary>Every household of <paramref name="insurer"/>/<paramref name="fiscalYear"/> in the store, and how many were refused by the checks.</summary>
    public static async Task<(IReadOnlyList<HouseholdSnapshot> Households, long Refused)> ReadAllAsync(NpgsqlDataSource db, string insurer, int fiscalYear, CancellationToken cancel)
    {
        await using var connection = await db.OpenConnectionAsync(cancel);
        long first, last;
        await using (var range = new NpgsqlCommand("SELECT coalesce(min(household_seq), 0), coalesce(max(household_seq), -1) FROM households WHERE insurer_id = @i AND fiscal_year = @y", connection))
        {
            range.Parameters.AddWithValue("i", insurer);
            range.Parameters.AddWithValue("y", fiscalYear);
            await using var r = await range.ExecuteReaderAsync(cancel);
            await r.ReadAsync(cancel);
            (first, last) = (r.GetInt64(0), r.GetInt64(1));
        }
        var households = new List<HouseholdSnapshot>();
        long refused = 0;
        var errors = new List<FieldError>();
        await using var reader = await ChunkReader.PrepareAsync(connection, cancel);
        for (var from = first; from <= last; from += Chunk)
        {
            using var chunk = await reader.ReadAsync(insurer, fiscalYear, from, Math.Min(last, from + Chunk - 1), cancel);
            for (var i = 0; i < chunk.Rows.Count; i++)
            {
                errors.Clear();
                if (FileBatchRunner.ReadHousehold(chunk.Document(i), errors) is { } snapshot) households.Add(snapshot);
                else refused++;
            }
        }
        return (households, refused);
    }
}
