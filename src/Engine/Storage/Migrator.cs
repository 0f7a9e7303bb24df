using System.Reflection;
using System.Security.Cryptography;
using System.Text;
using Dapper;
using Npgsql;

namespace KokuhoRules.Engine.Storage;

/// <summary>
/// Applies schema migrations: plain SQL files embedded in an assembly, named <c>NNNN_description.sql</c>,
/// in order, each in its own transaction, recorded in <c>schema_migrations</c> with its checksum. A
/// migration already applied whose file has since changed is an error (migrations are append-only).
/// Concurrent processes are serialised with an advisory lock.
/// </summary>
public static class Migrator
{
    private const long LockKey = 0x4B6F6B75686F; // "Kokuho"

    /// <summary>Applies the migrations not yet applied; returns their names.</summary>
    public static async Task<IReadOnlyList<string>> MigrateAsync(NpgsqlDataSource db, Assembly assembly, string resourcePrefix, CancellationToken cancel = default)
    {
        var migrations = assembly.GetManifestResourceNames()
            .Where(n => n.StartsWith(resourcePrefix, StringComparison.Ordinal) && n.EndsWith(".sql", StringComparison.Ordinal))
            .Select(n => (Name: n[resourcePrefix.Length..], Resource: n))
            .OrderBy(m => m.Name, StringComparer.Ordinal)
            .ToArray();
        await using var connection = await db.OpenConnectionAsync(cancel);
        await connection.ExecuteAsync("SELECT pg_advisory_lock(@LockKey)", new { LockKey });
        try
        {
            await connection.ExecuteAsync("""
                CREATE TABLE IF NOT EXISTS schema_migrations (
                    name text PRIMARY KEY,
                    checksum text NOT NULL,
                    applied_at timestamptz NOT NULL DEFAULT now())
                """);
            var applied = (await connection.QueryAsync<(string Name, string Checksum)>("SELECT name, checksum FROM schema_migrations"))
                .ToDictionary(a => a.Name, a => a.Checksum);
            var done = new List<string>();
            foreach (var (name, resource) in migrations)
            {
                await using var stream = assembly.GetManifestResourceStream(resource)!;
                using var reader = new StreamReader(stream, Encoding.UTF8);
                var sql = await reader.ReadToEndAsync(cancel);
                var checksum = Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(sql)));
                if (applied.TryGetValue(name, out var was))
                {
                    if (was != checksum) throw new InvalidOperationException($"migration {name} was applied with checksum {was} but its file now has {checksum}: migrations must never change once applied; add a new one");
                    continue;
                }
                await using var tx = await connection.BeginTransactionAsync(cancel);
                await connection.ExecuteAsync(sql, transaction: tx);
                await connection.ExecuteAsync("INSERT INTO schema_migrations (name, checksum) VALUES (@name, @checksum)", new { name, checksum }, tx);
                await tx.CommitAsync(cancel);
                done.Add(name);
            }
            return done;
        }
        finally
        {
            await connection.ExecuteAsync("SELECT pg_advisory_unlock(@LockKey)", new { LockKey });
        }
    }
}
