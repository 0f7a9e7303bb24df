using Dapper;
using KokuhoRules.Tests.Cli;
using KokuhoRules.Tests.Support;
using Npgsql;
using static KokuhoRules.Tests.Batch.BatchInputs;

namespace KokuhoRules.Tests.Eligibility;

/// <summary>
/// 資格継続 in PostgreSQL (issue 15, <c>--db</c>): <c>kokuho eligibility load</c> then <c>eligibility check --db</c>
/// finds exactly what the file check finds in the same records; refused lines are reported by line and field and
/// their persons left out, as in the file check; a load replaces the prefecture's records; the run is stored with its
/// rule set's version and hash; wrong options are refused in one line.
/// </summary>
[Collection(PostgresCollection.Name)]
public sealed class EligibilityDbTests(PostgresFixture server)
{
    private static string[] Prefecture => ["--prefecture", "hyogo", "--fiscal-year", "2025"];

    private static string Generate(TempFolder folder, string name, int persons, int seed)
    {
        var path = folder.File(name);
        var run = CliRun.Command("eligibility", "generate", "--persons", persons.ToString(System.Globalization.CultureInfo.InvariantCulture), "--fault-every", "9",
            "--seed", seed.ToString(System.Globalization.CultureInfo.InvariantCulture), "--out", path);
        Assert.True(run.ExitCode == 0, run.ToString());
        return path;
    }

    private static CliRun Load(string db, string input, params string[] more) => CliRun.Command(["eligibility", "load", .. Prefecture, "--db", db, "--in", input, .. more]);

    private static CliRun CheckDb(string db, string output) => CliRun.Command(["eligibility", "check", .. Prefecture, "--threads", "2", "--db", db, "--out", output]);

    private static CliRun CheckFile(string input, string output) => CliRun.Command(["eligibility", "check", .. Prefecture, "--threads", "2", "--in", input, "--out", output]);

    /// <summary>The findings file's lines in a fixed order (the database reads persons by key, the file in file order).</summary>
    private static string[] Sorted(string path) => File.ReadAllLines(path).Order(StringComparer.Ordinal).ToArray();

    [SkippableFact]
    public void A_loaded_prefecture_checked_in_the_database_yields_the_file_checks_findings_and_stores_the_run()
    {
        server.RequireServer();
        var db = server.CreateDatabase();
        using var folder = new TempFolder();
        var input = Generate(folder, "h.jsonl", persons: 600, seed: 5);

        var load = Load(db, input);
        var check = CheckDb(db, folder.File("db.jsonl"));
        var file = CheckFile(input, folder.File("file.jsonl"));

        Assert.True(load.ExitCode == 0, load.ToString());
        Assert.True(check.ExitCode == 0, check.ToString());
        Assert.True(file.ExitCode == 0, file.ToString());
        var expected = Sorted(folder.File("file.jsonl"));
        Assert.NotEmpty(expected);
        Assert.Equal(expected, Sorted(folder.File("db.jsonl")));
        using var connection = new NpgsqlConnection(db);
        var run = connection.QuerySingle<(string Prefecture, string Version, string Hash, long Findings, long Persons)>(
            "SELECT prefecture, ruleset_version, ruleset_hash, findings, persons FROM eligibility_runs");
        var rs = TestRuleSets.Catalog.Find<KokuhoRules.Rules.Eligibility.EligibilityRuleSet>("hyogo", 2025)!;
        Assert.Equal(("hyogo", rs.Version, rs.Hash, expected.LongLength, 600L), run);
        Assert.Equal(expected.LongLength, connection.ExecuteScalar<long>("SELECT count(*) FROM eligibility_findings"));
        Assert.Contains("run 1", check.Output);
        // The check is audited with the run: who, the rule set and its hash, ids only.
        var audit = connection.QuerySingle<(string Endpoint, string RuleSets, string Subjects)>("SELECT endpoint, rulesets::text, subjects::text FROM audit_log");
        Assert.Equal("EligibilityCheckRun", audit.Endpoint);
        Assert.Contains(rs.Hash, audit.RuleSets);
        Assert.Contains("run:1", audit.Subjects);
    }

    [SkippableFact]
    public void A_refused_line_is_reported_by_line_and_field_never_stored_and_its_person_left_out_as_in_the_file_check()
    {
        server.RequireServer();
        var db = server.CreateDatabase();
        using var folder = new TempFolder();
        var lines = File.ReadAllLines(Generate(folder, "h.jsonl", persons: 40, seed: 8)).ToList();
        // A record line of the third person: a date that is no date; a later line: a person key shaped like an individual number (12 digits).
        var bad = lines.FindIndex(10, l => l.Contains("\"appliedFrom\"", StringComparison.Ordinal));
        var person3 = System.Text.Json.JsonDocument.Parse(lines[bad]).RootElement.GetProperty("personKey").GetString()!;
        lines[bad] = System.Text.RegularExpressions.Regex.Replace(lines[bad], "\"appliedFrom\":\"[^\"]*\"", "\"appliedFrom\":\"2025-13-45\"");
        lines[bad + 20] = System.Text.RegularExpressions.Regex.Replace(lines[bad + 20], "\"personKey\":\"[^\"]*\"", "\"personKey\":\"123456789018\"");
        var input = folder.File("bad.jsonl");
        File.WriteAllLines(input, lines);

        var load = Load(db, input, "--errors", folder.File("load-errors.jsonl"));
        var check = CheckDb(db, folder.File("db.jsonl"));
        var file = CheckFile(input, folder.File("file.jsonl"));

        Assert.True(load.ExitCode == 3, load.ToString());
        var errors = File.ReadAllLines(folder.File("load-errors.jsonl"));
        Assert.Equal(2, errors.Length);
        Assert.Contains($"\"line\":{bad + 1}", errors[0]);
        Assert.Contains("appliedFrom", errors[0]);
        Assert.Contains($"\"line\":{bad + 21}", errors[1]);
        Assert.DoesNotContain("123456789018", string.Join("\n", errors));
        using var connection = new NpgsqlConnection(db);
        Assert.Equal(0, connection.ExecuteScalar<long>("SELECT count(*) FROM eligibility_lines WHERE person_key = '123456789018'"));
        // The refused line is a marker without values; the person's other lines are kept, and the check leaves the person out.
        Assert.Equal(1, connection.ExecuteScalar<long>("SELECT count(*) FROM eligibility_lines WHERE person_key = @person3 AND refused AND record_id IS NULL AND event_kind IS NULL", new { person3 }));
        Assert.True(check.ExitCode == 3, check.ToString());
        Assert.Equal(Sorted(folder.File("file.jsonl")), Sorted(folder.File("db.jsonl")));
        static string LeftOut(CliRun run) => run.OutputLines.Single(l => l.Contains("除外 persons left out", StringComparison.Ordinal));
        Assert.Equal(LeftOut(file), LeftOut(check));
        Assert.StartsWith("2 ", LeftOut(check));
        Assert.DoesNotContain(person3, File.ReadAllText(folder.File("db.jsonl")));
    }

    [SkippableFact]
    public void A_second_load_replaces_the_prefectures_records()
    {
        server.RequireServer();
        var db = server.CreateDatabase();
        using var folder = new TempFolder();
        var first = Generate(folder, "a.jsonl", persons: 200, seed: 1);
        var second = Generate(folder, "b.jsonl", persons: 150, seed: 2);

        Assert.Equal(0, Load(db, first).ExitCode);
        Assert.Equal(0, Load(db, second).ExitCode);
        var check = CheckDb(db, folder.File("db.jsonl"));
        CheckFile(second, folder.File("file.jsonl"));

        Assert.True(check.ExitCode == 0, check.ToString());
        Assert.Contains("150  被保険者 persons checked", check.Output);
        Assert.Equal(Sorted(folder.File("file.jsonl")), Sorted(folder.File("db.jsonl")));
    }

    [SkippableFact]
    public void Wrong_options_and_a_check_before_any_load_are_refused_in_one_line()
    {
        server.RequireServer();
        var db = server.CreateDatabase();
        using var folder = new TempFolder();
        var input = Generate(folder, "h.jsonl", persons: 10, seed: 3);

        var both = CliRun.Command(["eligibility", "check", .. Prefecture, "--db", db, "--in", input, "--out", folder.File("x.jsonl")]);
        var neither = CliRun.Command(["eligibility", "check", .. Prefecture, "--out", folder.File("x.jsonl")]);
        var nothingLoaded = CheckDb(db, folder.File("x.jsonl"));

        Assert.Equal(2, both.ExitCode);
        Assert.Contains("--in and --db exclude each other", both.Error);
        Assert.Equal(2, neither.ExitCode);
        Assert.Equal(1, nothingLoaded.ExitCode);
        Assert.Contains("nothing is loaded for hyogo", nothingLoaded.Error);
        foreach (var run in new[] { both, neither, nothingLoaded })
        {
            Assert.DoesNotContain("   at ", run.Error);
            Assert.Single(run.Error.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        }
        Assert.False(File.Exists(folder.File("x.jsonl")));
    }
}
