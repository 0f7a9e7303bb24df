using KokuhoRules.Engine.Requests;
using KokuhoRules.Rules.Snapshots;
using KokuhoRules.Rules.Storage;
using Npgsql;

namespace KokuhoRules.Rules.Batch;

/// <summary>
/// The population the PostgreSQL store holds for an insurer and fiscal year (what <c>kokuho load</c> or <c>generate --db</c>
/// put there and <c>reassess --db</c> assesses), read whole, in household order, with <see cref="ChunkReader"/> and checked
/// as the batch checks it (<see cref="SnapshotReader"/>): for <c>rulesets impact --db</c>.
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
            foreach (var stored in await reader.ReadAsync(insurer, fiscalYear, from, Math.Min(last, from + Chunk - 1), cancel))
            {
                errors.Clear();
                if (SnapshotReader.Read(stored.Household, "household", errors) is { } snapshot && errors.Count == 0) households.Add(snapshot);
                else refused++;
            }
        return (households, refused);
    }
}
