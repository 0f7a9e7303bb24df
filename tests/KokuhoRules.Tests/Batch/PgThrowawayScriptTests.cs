using KokuhoRules.Tests.Support;
using Npgsql;

namespace KokuhoRules.Tests.Batch;

/// <summary><c>scripts/pg-throwaway.sh</c>: <c>start</c> keeps a stopped cluster's data; only <c>init</c> wipes.</summary>
public sealed class PgThrowawayScriptTests
{
    private static readonly string Script = Path.Combine(PostgresFixture.RepositoryRoot, "scripts", "pg-throwaway.sh");

    private static string Sh(params string[] args)
    {
        var (code, output) = PostgresFixture.Run("bash", [Script, .. args]);
        Assert.True(code == 0, $"pg-throwaway.sh {string.Join(' ', args)} exited {code}: {output}");
        return output.Trim().Split('\n')[^1];
    }

    private static int Markers(string connectionString)
    {
        using var connection = new NpgsqlConnection(connectionString + ";Pooling=false");
        connection.Open();
        using var count = new NpgsqlCommand("SELECT count(*) FROM pg_tables WHERE tablename = 'kept_marker'", connection);
        return Convert.ToInt32(count.ExecuteScalar(), System.Globalization.CultureInfo.InvariantCulture);
    }

    [SkippableFact]
    public void Start_on_a_stopped_cluster_starts_it_with_its_data_and_only_init_wipes_it()
    {
        if (!Directory.Exists("/usr/lib/postgresql"))
        {
            if (Environment.GetEnvironmentVariable("KOKUHO_REQUIRE_DB") == "1") throw new InvalidOperationException("no PostgreSQL server binaries");
            Skip.If(true, "no PostgreSQL server binaries (Debian package postgresql)");
        }
        var dir = Directory.CreateTempSubdirectory("kokuho-pgt-").FullName; // an empty folder, as .ci/run's mktemp gives
        var port = (57000 + Environment.ProcessId % 1000).ToString(System.Globalization.CultureInfo.InvariantCulture);
        try
        {
            var db = Sh("start", dir, port);
            using (var connection = new NpgsqlConnection(db + ";Pooling=false"))
            {
                connection.Open();
                using var create = new NpgsqlCommand("CREATE TABLE kept_marker (x int)", connection);
                create.ExecuteNonQuery();
            }
            Sh("stop", dir);
            Assert.Equal(1, Markers(Sh("start", dir, port)));   // stopped → started again, data kept
            Assert.Equal(1, Markers(Sh("start", dir, port)));   // running → left as is
            Assert.Equal(0, Markers(Sh("init", dir, port)));    // init → a new cluster

            Sh("stop", dir);
            File.WriteAllText(Path.Combine(dir, "data", "PG_VERSION.not"), "");
            File.Delete(Path.Combine(dir, "data", "PG_VERSION"));
            var (code, output) = PostgresFixture.Run("bash", Script, "start", dir, port);
            Assert.Equal(4, code);                               // not a cluster: refused, nothing deleted
            Assert.Contains("nothing was deleted", output);
            Assert.True(File.Exists(Path.Combine(dir, "data", "PG_VERSION.not")));
        }
        finally
        {
            PostgresFixture.Run("bash", Script, "stop", dir);
            PostgresFixture.Run("rm", "-rf", dir);
        }
    }
}
