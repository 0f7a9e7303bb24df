using System.Net;
using System.Text.Json;
using Dapper;
using KokuhoRules.Engine.Audit;
using KokuhoRules.Rules.Storage;
using KokuhoRules.Tests.Support;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.Logging.Abstractions;
using Npgsql;
using static KokuhoRules.Tests.Api.ApiRequests;

namespace KokuhoRules.Tests.Api.Audit;

/// <summary>
/// The audit log in PostgreSQL: append-only for the service's role and even for the table's owner;
/// the service keeps calculating while the database is down (audit entries spooled locally, reading
/// the log answers 503) and delivers the spool when it comes back.
/// </summary>
[Collection(PostgresCollection.Name)]
public sealed class PostgresAuditTests(PostgresFixture server)
{
    private async Task<string> MigratedDatabase()
    {
        var connectionString = server.CreateDatabase();
        await using var db = NpgsqlDataSource.Create(connectionString);
        await new PremiumStore(db).MigrateAsync();
        return connectionString;
    }

    [SkippableFact]
    public async Task The_service_role_may_insert_and_read_but_never_update_delete_or_truncate()
    {
        var connectionString = await MigratedDatabase();
        var role = "kokuho_api_test_" + Guid.NewGuid().ToString("N")[..8];
        await using (var admin = new NpgsqlConnection(connectionString))
        {
            await admin.OpenAsync();
            await admin.ExecuteAsync($"CREATE ROLE {role} LOGIN IN ROLE kokuho_service");
        }
        var asService = new NpgsqlConnectionStringBuilder(connectionString) { Username = role }.ConnectionString;
        await using (var db = NpgsqlDataSource.Create(asService))
        {
            var store = new PostgresAuditStore(db);
            await store.AppendAsync([FileAuditStoreTests.Entry(1), FileAuditStoreTests.Entry(2)], CancellationToken.None);
            var read = await store.QueryAsync(new AuditQuery(null, null, null, "H-2", null, 10), CancellationToken.None);
            Assert.Equal("H-2", Assert.Single(read).Entry.Subjects[0]);

            await using var connection = await db.OpenConnectionAsync();
            foreach (var sql in new[] { "UPDATE audit_log SET status = 200", "DELETE FROM audit_log", "TRUNCATE audit_log" })
            {
                var e = await Assert.ThrowsAsync<PostgresException>(() => connection.ExecuteAsync(sql));
                Assert.Equal(PostgresErrorCodes.InsufficientPrivilege, e.SqlState);
            }
        }
        // Even the owner (here a superuser) cannot rewrite history: the triggers refuse.
        await using (var owner = new NpgsqlConnection(connectionString))
        {
            await owner.OpenAsync();
            foreach (var sql in new[] { "UPDATE audit_log SET status = 500", "DELETE FROM audit_log", "TRUNCATE audit_log" })
            {
                var e = await Assert.ThrowsAsync<PostgresException>(() => owner.ExecuteAsync(sql));
                Assert.Contains("append-only", e.MessageText);
            }
            Assert.Equal(2, await owner.ExecuteScalarAsync<long>("SELECT count(*) FROM audit_log"));
        }
    }

    [SkippableFact]
    public async Task Delivering_the_same_entries_twice_stores_them_once()
    {
        await using var db = NpgsqlDataSource.Create(await MigratedDatabase());
        var store = new PostgresAuditStore(db);
        var entries = new[] { FileAuditStoreTests.Entry(1), FileAuditStoreTests.Entry(2) };
        await store.AppendAsync(entries, CancellationToken.None);
        await store.AppendAsync(entries, CancellationToken.None);
        Assert.Equal(2, (await store.QueryAsync(new AuditQuery(null, null, null, null, null, 100), CancellationToken.None)).Count);
    }

    private sealed class Service(string connectionString) : KokuhoApiFactory
    {
        protected override void Configure(IWebHostBuilder builder) => builder.UseSetting("ConnectionStrings:Kokuho", connectionString);
    }

    [SkippableFact]
    public async Task When_the_database_goes_down_calculations_go_on_reading_the_log_answers_503_and_the_spool_is_delivered_when_it_returns()
    {
        var direct = await MigratedDatabase();
        var target = new NpgsqlConnectionStringBuilder(direct);
        await using var proxy = new TcpProxy(target.Host!, target.Port);
        var proxied = new NpgsqlConnectionStringBuilder(direct) { Host = "127.0.0.1", Port = proxy.Port, Timeout = 2, CommandTimeout = 3 }.ConnectionString;
        await using var service = new Service(proxied);
        var calculator = service.CreateClient(TestKeys.Calculator);
        var auditor = service.CreateClient(TestKeys.Auditor);

        await (await calculator.PostAssessment(WithId("H-PG-UP"), "?trace=false")).ReadJson();
        var up = await (await auditor.GetAsync("/v1/audit?subject=H-PG-UP")).ReadJson();
        Assert.Equal("PostgreSQL", up.GetProperty("store").GetString());
        Assert.Single(up.GetProperty("entries").EnumerateArray());
        var ready = await (await service.CreateClient(key: null).GetAsync("/health/ready")).ReadJson();
        Assert.Equal(("ready", "ok"), (ready.GetProperty("status").GetString(), ready.GetProperty("database").GetString()));

        proxy.Cut();
        for (var i = 0; i < 3; i++)
            await (await calculator.PostAssessment(WithId($"H-PG-DOWN-{i}"), "?trace=false")).ReadJson();
        var down = await (await auditor.GetAsync("/v1/audit")).ReadProblem(HttpStatusCode.ServiceUnavailable, Problems.Unavailable);
        Assert.Contains("database", down.GetProperty("detail").GetString());
        var degraded = await (await service.CreateClient(key: null).GetAsync("/health/ready")).ReadJson();
        Assert.Equal("degraded", degraded.GetProperty("status").GetString());
        Assert.NotEqual("ok", degraded.GetProperty("database").GetString());
        Assert.True(degraded.GetProperty("auditSpooled").GetInt64() >= 3);
        Assert.Equal(HttpStatusCode.OK, (await service.CreateClient(key: null).GetAsync("/health/live")).StatusCode);

        proxy.Restore();
        JsonElement page = default;
        await Eventually.Holds(async () =>
        {
            var response = await auditor.GetAsync("/v1/audit?limit=1000");
            if (response.StatusCode != HttpStatusCode.OK) return false;
            page = await response.ReadJson();
            return page.GetProperty("spooled").GetInt64() == 0;
        }, "the spool was not delivered after the database returned");
        var subjects = page.GetProperty("entries").EnumerateArray().SelectMany(e => e.GetProperty("entry").GetProperty("subjects").EnumerateArray().Select(s => s.GetString())).ToArray();
        for (var i = 0; i < 3; i++) Assert.Single(subjects, s => s == $"H-PG-DOWN-{i}");
        // Entries keep their order: the spooled ones come before those written after the return.
        await using var db = new NpgsqlConnection(direct);
        var order = (await db.QueryAsync<string>("SELECT subjects->>0 FROM audit_log WHERE subjects->>0 LIKE 'H-PG-%' ORDER BY seq")).ToArray();
        Assert.Equal(["H-PG-UP", "H-PG-DOWN-0", "H-PG-DOWN-1", "H-PG-DOWN-2"], order);
    }

    [SkippableFact]
    public async Task Entries_spooled_by_a_process_that_stopped_are_delivered_by_the_next()
    {
        var direct = await MigratedDatabase();
        var target = new NpgsqlConnectionStringBuilder(direct);
        await using var proxy = new TcpProxy(target.Host!, target.Port);
        var proxied = new NpgsqlConnectionStringBuilder(direct) { Host = "127.0.0.1", Port = proxy.Port, Timeout = 2 }.ConnectionString;
        var spool = Path.Combine(Path.GetTempPath(), "kokuho-spool-" + Guid.NewGuid().ToString("N"), "audit-spool.jsonl");
        await using var db = NpgsqlDataSource.Create(proxied);

        proxy.Cut();
        await using (var log = new AuditLog(new PostgresAuditStore(db), new FileAuditStore(spool), NullLogger.Instance))
        {
            await log.AppendAsync(FileAuditStoreTests.Entry(1));
            await log.AppendAsync(FileAuditStoreTests.Entry(2));
            Assert.Equal(2, log.Spooled);
        }
        proxy.Restore();
        await using (var log = new AuditLog(new PostgresAuditStore(db), new FileAuditStore(spool), NullLogger.Instance))
        {
            Assert.Equal(2, log.Spooled);
            await Eventually.Holds(() => log.Spooled == 0, "the spool was not delivered by the next process");
        }
        await using var check = new NpgsqlConnection(direct);
        Assert.Equal(2, await check.ExecuteScalarAsync<long>("SELECT count(*) FROM audit_log"));
        Assert.Equal(0, new FileInfo(spool).Length);
        Directory.Delete(Path.GetDirectoryName(spool)!, recursive: true);
    }

    private static System.Text.Json.Nodes.JsonObject WithId(string id)
    {
        var request = A2();
        request["household"]!["id"] = id;
        return request;
    }
}
