using System.Globalization;
using System.Net;
using System.Net.Sockets;
using Dapper;
using KokuhoRules.Rules.Storage;
using KokuhoRules.Tests.Support;
using Microsoft.AspNetCore.Hosting;
using Npgsql;
using static KokuhoRules.Tests.Api.ApiRequests;

namespace KokuhoRules.Tests.Api.Audit;

/// <summary>
/// Issue 11.2: a server tuned with <c>synchronous_commit = off</c> acknowledges a commit before it is on
/// disk, and a crash (<c>pg_ctl stop -m immediate</c>) throws such commits away. The service must not
/// depend on the setting: after the crash and a restart, every call it answered has its audit row.
/// Runs on a throwaway cluster of its own (it is crashed), with the WAL writer slowed to its maximum
/// delay so that unflushed commits are all but certain to be lost when they are not forced to disk.
/// </summary>
[Collection(PostgresCollection.Name)]
public sealed class PostgresCrashTests : IDisposable
{
    private readonly string _dir = Path.Combine(Path.GetTempPath(), "kokuho-test-pgcrash-" + Guid.NewGuid().ToString("N")[..8]);
    private readonly string? _bin = Directory.Exists("/usr/lib/postgresql")
        ? Directory.GetDirectories("/usr/lib/postgresql").Select(d => Path.Combine(d, "bin")).Where(Directory.Exists).OrderBy(d => d, StringComparer.Ordinal).LastOrDefault()
        : null;
    private bool _started;

    private sealed class Service(string connectionString) : KokuhoApiFactory
    {
        protected override void Configure(IWebHostBuilder builder) => builder.UseSetting("ConnectionStrings:Kokuho", connectionString);
    }

    /// <summary>pg_ctl as the cluster's owner (as root: the postgres user, as scripts/pg-throwaway.sh does).</summary>
    private void PgCtl(params string[] args)
    {
        var pgCtl = Path.Combine(_bin!, "pg_ctl");
        var (code, output) = Environment.UserName == "root"
            ? PostgresFixture.Run("runuser", ["-u", "postgres", "--", pgCtl, .. args])
            : PostgresFixture.Run(pgCtl, args);
        Assert.True(code == 0, $"pg_ctl {string.Join(' ', args)} failed: {output}");
    }

    private static int FreePort()
    {
        var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var port = ((IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop();
        return port;
    }

    [SkippableFact]
    public async Task Every_answered_call_keeps_its_audit_row_through_a_crash_of_a_server_with_synchronous_commit_off()
    {
        if (_bin is null)
        {
            if (Environment.GetEnvironmentVariable("KOKUHO_REQUIRE_DB") == "1") throw new InvalidOperationException("PostgreSQL server binaries not found under /usr/lib/postgresql");
            Skip.If(true, "PostgreSQL server binaries not found (install the Debian package postgresql)");
        }
        var port = FreePort();
        var (code, output) = PostgresFixture.Run("bash", Path.Combine(PostgresFixture.RepositoryRoot, "scripts", "pg-throwaway.sh"), "start", _dir, port.ToString(CultureInfo.InvariantCulture));
        Assert.True(code == 0, output);
        _started = true;
        var connectionString = new NpgsqlConnectionStringBuilder(output.Trim().Split('\n')[^1]) { Pooling = false }.ConnectionString;
        await using (var admin = new NpgsqlConnection(connectionString))
        {
            await admin.OpenAsync();
            await admin.ExecuteAsync("ALTER SYSTEM SET synchronous_commit = off");
            await admin.ExecuteAsync("ALTER SYSTEM SET wal_writer_delay = '10s'");
            await admin.ExecuteAsync("ALTER SYSTEM SET wal_writer_flush_after = '1GB'");
            await admin.ExecuteAsync("SELECT pg_reload_conf()");
            Assert.Equal("off", await admin.ExecuteScalarAsync<string>("SHOW synchronous_commit"));
        }
        await using (var db = NpgsqlDataSource.Create(connectionString))
            await new PremiumStore(db).MigrateAsync();

        const int calls = 40;
        var service = new Service(connectionString);
        try
        {
            var client = service.CreateClient(TestKeys.Calculator);
            for (var i = 0; i < calls; i++)
            {
                var request = A2();
                request["household"]!["id"] = $"H-CRASH-{i}";
                await (await client.PostAssessment(request, "?trace=false")).ReadJson();
            }
            PgCtl("-D", Path.Combine(_dir, "data"), "-m", "immediate", "-w", "stop"); // the crash, right after the last answer
        }
        finally
        {
            await service.DisposeAsync();
        }
        PgCtl("-D", Path.Combine(_dir, "data"), "-l", Path.Combine(_dir, "server.log"), "-w", "-t", "60", "start");

        await using var after = new NpgsqlConnection(connectionString);
        await after.OpenAsync();
        var stored = (await after.QueryAsync<string>("SELECT subjects->>0 FROM audit_log WHERE status = 200")).ToHashSet();
        var lost = Enumerable.Range(0, calls).Select(i => $"H-CRASH-{i}").Where(s => !stored.Contains(s)).ToArray();
        Assert.True(lost.Length == 0, $"{lost.Length} of {calls} answered calls lost their audit row in the crash: {string.Join(", ", lost)}");
    }

    public void Dispose()
    {
        if (_started) PostgresFixture.Run("bash", Path.Combine(PostgresFixture.RepositoryRoot, "scripts", "pg-throwaway.sh"), "stop", _dir);
        try { if (Directory.Exists(_dir)) Directory.Delete(_dir, recursive: true); }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException) { }
    }
}
