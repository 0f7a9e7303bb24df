using System.Net;
using System.Text.Json.Nodes;
using Dapper;
using KokuhoRules.Rules.Storage;
using KokuhoRules.Tests.Support;
using Microsoft.AspNetCore.Hosting;
using Npgsql;

namespace KokuhoRules.Tests.Api.Staff;

/// <summary>
/// With a database, published rule sets live in PostgreSQL and the service serves them from there (issue 16 item 6):
/// 公開 on the staff page records the publication (its files and audit entry, as the service's own database role) and the
/// very next request is served the published layer without a restart; a service started on folders where that version is
/// still a draft serves the database's published layer; a folder's copy of that version with other content is refused.
/// </summary>
[Collection(PostgresCollection.Name)]
public sealed class StaffPublishDbTests(PostgresFixture server)
{
    private sealed class Service(string root, string connectionString, int pollSeconds = 0) : KokuhoApiFactory
    {
        protected override void Configure(IWebHostBuilder builder) =>
            builder.UseSetting("RuleSets:Roots:0", root).UseSetting("ConnectionStrings:Kokuho", connectionString)
                .UseSetting(global::KokuhoRules.Api.RuleSets.PublicationWatcher.PollSecondsKey, pollSeconds.ToString(System.Globalization.CultureInfo.InvariantCulture));
    }

    /// <summary>The national 2026 premium layer as the service shows it in the Amagasaki 2026 rule set: its status and hash.</summary>
    private static async Task<(string Status, string Hash)> NationalLayer(HttpClient client)
    {
        var list = JsonNode.Parse(await client.GetStringAsync("/v1/rulesets"))!;
        var rs = list["ruleSets"]!.AsArray().Single(r => r!["insurer"]!["id"]!.GetValue<string>() == "amagasaki" && r["fiscalYear"]!.GetValue<int>() == 2026
                                                         && r["capability"]!.GetValue<string>() == "premium")!;
        var layer = rs["layers"]!.AsArray().Single(l => l!["layer"]!.GetValue<string>() == "national")!;
        return (layer["status"]!.GetValue<string>(), layer["hash"]!.GetValue<string>());
    }

    [SkippableFact]
    public async Task Published_on_the_page_it_is_recorded_and_served_at_once_and_a_service_on_draft_files_serves_the_databases_version()
    {
        var admin = server.CreateDatabase();
        await using (var db = NpgsqlDataSource.Create(admin)) await new PremiumStore(db).MigrateAsync();
        var role = "kokuho_api_pub_" + Guid.NewGuid().ToString("N")[..8];
        await using (var connection = new NpgsqlConnection(admin))
        {
            await connection.OpenAsync();
            await connection.ExecuteAsync($"CREATE ROLE {role} LOGIN IN ROLE kokuho_service");
        }
        var asService = new NpgsqlConnectionStringBuilder(admin) { Username = role }.ConnectionString;

        using var first = new TempRuleSetRoot();
        string sealedHash;
        await using (var api = new Service(first.Root, asService))
        {
            var client = api.CreateClient(TestKeys.Publisher);
            Assert.Equal("draft", (await NationalLayer(client)).Status);
            using var staff = await StaffBrowser.LoggedIn(api);

            var published = await StaffPublishPageTests.Post(staff, "publish", StaffPublishPageTests.Waivers(first.Root));

            Assert.Equal(HttpStatusCode.OK, published.StatusCode);
            Assert.Contains("データベースに記録しました", await published.Content.ReadAsStringAsync());
            sealedHash = JsonNode.Parse(first.Read(StaffPublishPageTests.Layer + "/manifest.json"))!["contentHash"]!.GetValue<string>();
            Assert.Equal(("published", sealedHash), await NationalLayer(client)); // no restart
        }

        await using (var connection = new NpgsqlConnection(admin))
        {
            var row = await connection.QuerySingleAsync<(string Owner, string Version, string Hash, string By, string Endpoint, string KeyId)>("""
                SELECT p.owner, p.version, p.content_hash, p.published_by, a.endpoint, a.key_id
                FROM ruleset_publications p JOIN audit_log a ON a.id = p.audit_id
                """);
            Assert.Equal(("national", "2026.1", sealedHash, "StaffPublishRun", "test-publisher"), (row.Owner, row.Version, row.Hash, row.Endpoint, row.KeyId));
            Assert.False(string.IsNullOrWhiteSpace(row.By));
        }

        // A fresh copy of the bundled folders, where national/2026 2026.1 is still a draft: the service serves the database's publication.
        using var second = new TempRuleSetRoot();
        await using (var api = new Service(second.Root, asService))
        {
            var client = api.CreateClient(TestKeys.Publisher);
            Assert.Equal(("published", sealedHash), await NationalLayer(client));

            // The same version with other content in the folder, read again on a publisher's call: that copy is refused, the database's served.
            second.ReplaceOnce(StaffPublishPageTests.Layer + "/parameters.json", "\"value\": 670000", "\"value\": 680000");
            Assert.Equal(HttpStatusCode.Forbidden, (await api.CreateClient(TestKeys.Calculator).PostAsync("/v1/rulesets/reload", null)).StatusCode);
            var reloaded = await client.PostAsync("/v1/rulesets/reload", null);
            Assert.Equal(HttpStatusCode.OK, reloaded.StatusCode);
            var refused = JsonNode.Parse(await reloaded.Content.ReadAsStringAsync())!["refused"]!.AsArray();
            Assert.Contains(refused, r => r!["errors"]!.AsArray().Any(e => e!.GetValue<string>().Contains("this copy's content differs", StringComparison.Ordinal)));
            Assert.Equal(("published", sealedHash), await NationalLayer(client));
        }
    }

    [SkippableFact]
    public async Task A_publication_made_on_the_command_line_is_served_by_a_running_service_within_its_poll_without_a_reload()
    {
        var db = server.CreateDatabase();
        await using (var source = NpgsqlDataSource.Create(db)) await new PremiumStore(source).MigrateAsync();
        using var served = new TempRuleSetRoot();   // the service's folders: national/2026 stays a draft there
        using var staff = new TempRuleSetRoot();    // the staff member's copy, published from the command line
        await using var api = new Service(served.Root, db, pollSeconds: 1);
        var client = api.CreateClient(TestKeys.Publisher);
        Assert.Equal("draft", (await NationalLayer(client)).Status);

        var run = Cli.CliRun.Command(["rulesets", "publish", "national/2026", "--by", "staff-sato", "--root", staff.Root, "--db", db,
            "--waivers", Cli.RuleSetPublishDbTests.WaiversFor(staff, "national/2026/premium")]);
        Assert.True(run.ExitCode == 0, run.ToString());
        var sealedHash = JsonNode.Parse(staff.Read(StaffPublishPageTests.Layer + "/manifest.json"))!["contentHash"]!.GetValue<string>();

        var waited = System.Diagnostics.Stopwatch.StartNew();
        (string Status, string Hash) layer;
        while ((layer = await NationalLayer(client)).Status != "published" && waited.Elapsed < TimeSpan.FromSeconds(30)) await Task.Delay(200);
        Assert.Equal(("published", sealedHash), layer);
        Assert.Equal("draft", JsonNode.Parse(served.Read(StaffPublishPageTests.Layer + "/manifest.json"))!["status"]!.GetValue<string>());
    }
}
