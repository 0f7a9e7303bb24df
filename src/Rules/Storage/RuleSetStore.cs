using System.Text.Json;
using Dapper;
using KokuhoRules.Engine.Audit;
using KokuhoRules.Engine.RuleSets;
using NodaTime;
using Npgsql;

namespace KokuhoRules.Rules.Storage;

/// <summary>A published layer as the database keeps it (migration 0009_rulesets.sql).</summary>
public sealed record StoredPublication(long Seq, string Owner, int FiscalYear, string Capability, string Version, string ContentHash, string PublishedBy, Instant PublishedAt);

/// <summary>What one publication writes: the layer, its sealed manifest and files, the rule sets built on it, who, when, the waivers.</summary>
public sealed record PublicationRecord(
    RuleSetLayer Layer,
    byte[] Manifest,
    IReadOnlyList<(string RelativePath, byte[] Bytes)> Files,
    string ContentHash,
    IReadOnlyList<AuditedRuleSet> RuleSets,
    string PublishedBy,
    Instant PublishedAt,
    IReadOnlyList<PublicationWaiver> Waivers);

/// <summary>
/// Published rule-set layers and their history in PostgreSQL (<c>ruleset_publications</c>, <c>ruleset_files</c>):
/// append-only, one row per published version, its audit entry committed in the same transaction.
/// </summary>
public sealed class RuleSetStore(NpgsqlDataSource db)
{
    /// <summary>The publication of a version of a layer, if the database has one.</summary>
    public StoredPublication? Find(string owner, int fiscalYear, string capability, string version)
    {
        using var connection = db.OpenConnection();
        var row = connection.QuerySingleOrDefault<(long Seq, string ContentHash, string PublishedBy, DateTime PublishedAt)>("""
            SELECT seq, content_hash, published_by, published_at FROM ruleset_publications
            WHERE owner = @owner AND fiscal_year = @fiscalYear AND capability = @capability AND version = @version
            """, new { owner, fiscalYear, capability, version });
        return row.Seq == 0 ? null
            : new StoredPublication(row.Seq, owner, fiscalYear, capability, version, row.ContentHash, row.PublishedBy, Instant.FromDateTimeUtc(DateTime.SpecifyKind(row.PublishedAt, DateTimeKind.Utc)));
    }

    /// <summary>The sequence number of the latest publication (0 when there is none): what a service compares to see that something was published since it read them.</summary>
    public long LatestSeq()
    {
        using var connection = db.OpenConnection();
        return connection.ExecuteScalar<long>("SELECT coalesce(max(seq), 0) FROM ruleset_publications");
    }

    /// <summary>Every publication, oldest first (the history).</summary>
    public IReadOnlyList<StoredPublication> History()
    {
        using var connection = db.OpenConnection();
        return connection.Query<(long Seq, string Owner, int FiscalYear, string Capability, string Version, string ContentHash, string PublishedBy, DateTime PublishedAt)>("""
                SELECT seq, owner, fiscal_year, capability, version, content_hash, published_by, published_at FROM ruleset_publications ORDER BY seq
                """)
            .Select(r => new StoredPublication(r.Seq, r.Owner, r.FiscalYear, r.Capability, r.Version, r.ContentHash, r.PublishedBy,
                Instant.FromDateTimeUtc(DateTime.SpecifyKind(r.PublishedAt, DateTimeKind.Utc))))
            .ToArray();
    }

    /// <summary>
    /// Writes every published layer the database holds, as published (its sealed manifest and every file), under
    /// <paramref name="root"/> as <c>&lt;owner&gt;/&lt;year&gt;/&lt;capability&gt;@&lt;version&gt;/</c>: a rule-set root the catalog
    /// loads like any other (each layer checked against its seal as it is read). Written into a folder beside and renamed;
    /// <paramref name="root"/> must not exist yet. Returns how many layers were written.
    /// </summary>
    /// <exception cref="IOException"><paramref name="root"/> exists.</exception>
    public int Export(string root)
    {
        var target = Path.GetFullPath(root);
        if (Directory.Exists(target)) throw new IOException($"{target} already exists");
        var partial = target + ".partial-" + Guid.NewGuid().ToString("N")[..8];
        using var connection = db.OpenConnection();
        var layers = connection.Query<(long Seq, string Owner, int FiscalYear, string Capability, string Version, byte[] Manifest)>(
            "SELECT seq, owner, fiscal_year, capability, version, manifest FROM ruleset_publications ORDER BY seq").ToArray();
        try
        {
            foreach (var l in layers)
            {
                var folder = Path.Combine(partial, l.Owner, l.FiscalYear.ToString(System.Globalization.CultureInfo.InvariantCulture), $"{l.Capability}@{l.Version}");
                Directory.CreateDirectory(folder);
                File.WriteAllBytes(Path.Combine(folder, ContentHash.ManifestFileName), l.Manifest);
                foreach (var (path, bytes) in connection.Query<(string Path, byte[] Bytes)>("SELECT path, bytes FROM ruleset_files WHERE publication_seq = @Seq", new { l.Seq }))
                    File.WriteAllBytes(Path.Combine(folder, path), bytes);
            }
            Directory.CreateDirectory(partial);
            Directory.Move(partial, target);
        }
        finally
        {
            if (Directory.Exists(partial)) Directory.Delete(partial, recursive: true);
        }
        return layers.Length;
    }

    /// <summary>
    /// Records a publication and its audit entry in one transaction, then runs <paramref name="beforeCommit"/> (the
    /// manifest renamed into place) and commits: both or neither. A version published already is refused by the
    /// unique key (<see cref="PostgresException"/> 23505) and nothing is written.
    /// </summary>
    public void Publish(PublicationRecord record, AuditEntry audit, Action beforeCommit)
    {
        using var connection = db.OpenConnection();
        using var tx = connection.BeginTransaction();
        var l = record.Layer;
        var seq = connection.ExecuteScalar<long>("""
            INSERT INTO ruleset_publications (owner, fiscal_year, capability, version, layer, content_hash, ruleset_hashes, published_by, published_at, waivers, manifest, audit_id)
            VALUES (@Owner, @FiscalYear, @Capability, @Version, @Layer, @ContentHash, @RuleSets::jsonb, @PublishedBy, @PublishedAt, @Waivers::jsonb, @Manifest, @AuditId)
            RETURNING seq
            """, new
        {
            Owner = l.OwnerId, l.Manifest.FiscalYear, l.Capability, l.Version, Layer = l.Kind.ToString().ToLowerInvariant(), record.ContentHash,
            RuleSets = JsonSerializer.Serialize(record.RuleSets, JsonSerializerOptions.Web), record.PublishedBy,
            PublishedAt = record.PublishedAt.ToDateTimeUtc(), Waivers = JsonSerializer.Serialize(record.Waivers, JsonSerializerOptions.Web),
            record.Manifest, AuditId = audit.Id,
        }, tx);
        var hashes = ContentHash.PerFile(record.Files);
        foreach (var (path, bytes) in record.Files)
            connection.Execute("INSERT INTO ruleset_files (publication_seq, path, sha256, bytes) VALUES (@seq, @path, @sha256, @bytes)",
                new { seq, path, sha256 = hashes[path], bytes }, tx);
        PostgresAuditStore.InsertAsync(connection, tx, [audit], CancellationToken.None).GetAwaiter().GetResult();
        beforeCommit();
        tx.Commit();
    }
}
