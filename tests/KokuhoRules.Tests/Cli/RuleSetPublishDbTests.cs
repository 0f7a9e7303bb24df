using System.Text.Json.Nodes;
using Dapper;
using KokuhoRules.Cli;
using KokuhoRules.Engine.RuleSets;
using KokuhoRules.Rules.Publication;
using KokuhoRules.Rules.Storage;
using KokuhoRules.Tests.Support;
using Npgsql;

namespace KokuhoRules.Tests.Cli;

/// <summary>
/// <c>kokuho rulesets publish --db</c>: the publication, every file as published and its audit entry in PostgreSQL, in one
/// transaction; append-only; a version the database holds is not published again, even from another copy of the files.
/// </summary>
[Collection(PostgresCollection.Name)]
public sealed class RuleSetPublishDbTests(PostgresFixture server)
{
    /// <summary>A waivers file (at the root: no layer) with a reason for each unconfirmed value <paramref name="layer"/> writes, read from the compiled rule sets.</summary>
    internal static string WaiversFor(TempRuleSetRoot root, string layer)
    {
        var paths = Rules.Catalog.KokuhoRuleSets.Load([root.Root]).RuleSets.SelectMany(r => r.ParameterTable.All)
            .Where(p => !p.Confirmed && p.File.StartsWith(layer + "/", StringComparison.Ordinal)).Select(p => p.Path).Distinct();
        var waivers = new JsonObject();
        foreach (var p in paths) waivers[p] = "告示前の試行 (試験)";
        var file = Path.Combine(root.Root, "waivers.json"); // a file at the root is no layer: deleted with it
        File.WriteAllText(file, waivers.ToJsonString());
        return file;
    }

    private static CliRun Publish(TempRuleSetRoot root, string db) =>
        CliRun.Command(["rulesets", "publish", "national/2026", "--by", "staff-sato", "--root", root.Root, "--db", db, "--waivers", WaiversFor(root, "national/2026/premium")]);

    [SkippableFact]
    public async Task A_publication_is_kept_with_its_files_and_audit_entry_append_only_and_never_published_twice()
    {
        var db = server.CreateDatabase();
        await using var source = NpgsqlDataSource.Create(db);
        await new PremiumStore(source).MigrateAsync();
        using var first = new TempRuleSetRoot();
        using var second = new TempRuleSetRoot();

        var run = Publish(first, db);

        Assert.True(run.ExitCode == 0, run.ToString());
        var sealedHash = JsonNode.Parse(first.Read("national/2026/premium/manifest.json"))!["contentHash"]!.GetValue<string>();
        var stored = Assert.Single(new RuleSetStore(source).History());
        Assert.Equal(("national", 2026, "premium", "2026.1", sealedHash, "staff-sato"), (stored.Owner, stored.FiscalYear, stored.Capability, stored.Version, stored.ContentHash, stored.PublishedBy));
        await using (var connection = await source.OpenConnectionAsync())
        {
            var files = (await connection.QueryAsync<(string Path, byte[] Bytes)>("SELECT path, bytes FROM ruleset_files WHERE publication_seq = @Seq ORDER BY path", new { stored.Seq })).ToArray();
            Assert.Equal(ContentHash.FilesOf(first.PathOf("national/2026/premium")).Select(f => (f.RelativePath, f.Bytes)), files.Select(f => (f.Path, f.Bytes)));
            Assert.Equal(sealedHash, ContentHash.OfFiles(files.Select(f => (f.Path, f.Bytes))));
            var audited = await connection.QuerySingleAsync<(string Holder, string Endpoint)>("SELECT holder, endpoint FROM audit_log WHERE id = (SELECT audit_id FROM ruleset_publications WHERE seq = @Seq)", new { stored.Seq });
            Assert.Equal(("staff-sato", "RuleSetPublish"), audited);
            var update = await Assert.ThrowsAsync<PostgresException>(() => connection.ExecuteAsync("UPDATE ruleset_publications SET published_by = 'someone else'"));
            Assert.Contains("append-only", update.MessageText);
            await Assert.ThrowsAsync<PostgresException>(() => connection.ExecuteAsync("DELETE FROM ruleset_files"));
        }

        // The database alone is a rule-set root: exported, the layer loads as published with the sealed hash (the files are checked against it).
        var exported = Path.Combine(Path.GetTempPath(), "kokuho-export-" + Guid.NewGuid().ToString("N")[..8]);
        try
        {
            Assert.Equal(1, new RuleSetStore(source).Export(exported));
            var layer = Assert.Single(Rules.Catalog.KokuhoRuleSets.Scan([exported]).Layers);
            Assert.Equal(("national", 2026, "2026.1", RuleSetStatus.Published, sealedHash), (layer.OwnerId, layer.Manifest.FiscalYear, layer.Version, layer.Manifest.Status, layer.ContentHash));
        }
        finally
        {
            if (Directory.Exists(exported)) Directory.Delete(exported, recursive: true);
        }

        // Another copy of the same draft version: the database already holds version 2026.1, so it is refused and left a draft.
        var again = Publish(second, db);

        Assert.Equal(RuleSetPublisher.ExitCodes.Refused, again.ExitCode);
        Assert.Contains(again.Error.Split('\n'), l => l.StartsWith($"refused [immutable] ruleset_publications #{stored.Seq}: version 2026.1 was published", StringComparison.Ordinal));
        Assert.Equal("draft", JsonNode.Parse(second.Read("national/2026/premium/manifest.json"))!["status"]!.GetValue<string>());
        Assert.Single(new RuleSetStore(source).History());
    }
}
