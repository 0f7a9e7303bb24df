using System.Diagnostics;
using Npgsql;

namespace KokuhoRules.Tests.Support;

/// <summary>
/// A PostgreSQL server for the tests. <c>KOKUHO_TEST_DB</c> (a connection string, set by .ci/run) wins;
/// otherwise a throwaway cluster is started with scripts/pg-throwaway.sh when the server package is
/// installed. Without either the database tests are skipped — unless <c>KOKUHO_REQUIRE_DB=1</c>, which
/// makes them fail instead (CI sets it, so they can never be skipped there).
/// </summary>
public sealed class PostgresFixture : IDisposable
{
    private readonly string? _startedDir;

    public PostgresFixture()
    {
        var configured = Environment.GetEnvironmentVariable("KOKUHO_TEST_DB");
        if (!string.IsNullOrWhiteSpace(configured))
        {
            ServerConnectionString = configured;
            return;
        }
        var script = Path.Combine(RepositoryRoot, "scripts", "pg-throwaway.sh");
        if (File.Exists(script) && Directory.Exists("/usr/lib/postgresql"))
        {
            var dir = Path.Combine(Path.GetTempPath(), "kokuho-test-pg-" + Environment.ProcessId);
            var port = 56000 + Environment.ProcessId % 1000;
            var (code, output) = Run("bash", script, "start", dir, port.ToString(System.Globalization.CultureInfo.InvariantCulture));
            if (code == 0)
            {
                ServerConnectionString = output.Trim().Split('\n')[^1];
                _startedDir = dir;
                return;
            }
            Unavailable = $"scripts/pg-throwaway.sh failed: {output}";
            return;
        }
        Unavailable = "no PostgreSQL: set KOKUHO_TEST_DB, or install the Debian package postgresql (./.ci/run does both)";
    }

    /// <summary>Why there is no server, or null.</summary>
    public string? Unavailable { get; }

    public string? ServerConnectionString { get; }

    /// <summary>Skips the test (or fails it when KOKUHO_REQUIRE_DB=1) when there is no server.</summary>
    public void RequireServer()
    {
        if (Unavailable is null) return;
        if (Environment.GetEnvironmentVariable("KOKUHO_REQUIRE_DB") == "1") throw new InvalidOperationException(Unavailable);
        Skip.If(true, Unavailable);
    }

    /// <summary>A fresh, empty database on the server; returns its connection string.</summary>
    public string CreateDatabase()
    {
        RequireServer();
        var name = "kokuho_test_" + Guid.NewGuid().ToString("N")[..12];
        using (var admin = new NpgsqlConnection(ServerConnectionString))
        {
            admin.Open();
            using var create = new NpgsqlCommand($"CREATE DATABASE {name}", admin);
            create.ExecuteNonQuery();
        }
        return new NpgsqlConnectionStringBuilder(ServerConnectionString) { Database = name, Pooling = false }.ConnectionString;
    }

    public static string RepositoryRoot
    {
        get
        {
            var dir = new DirectoryInfo(AppContext.BaseDirectory);
            while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "KokuhoRules.sln"))) dir = dir.Parent;
            return dir?.FullName ?? throw new InvalidOperationException("repository root not found");
        }
    }

    internal static (int Code, string Output) Run(string file, params string[] args)
    {
        var start = new ProcessStartInfo(file) { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var a in args) start.ArgumentList.Add(a);
        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEnd() + process.StandardError.ReadToEnd();
        process.WaitForExit();
        return (process.ExitCode, output);
    }

    public void Dispose()
    {
        if (_startedDir is not null) Run("bash", Path.Combine(RepositoryRoot, "scripts", "pg-throwaway.sh"), "stop", _startedDir);
    }
}

[CollectionDefinition(Name)]
public sealed class PostgresCollection : ICollectionFixture<PostgresFixture>
{
    public const string Name = "PostgreSQL";
}
