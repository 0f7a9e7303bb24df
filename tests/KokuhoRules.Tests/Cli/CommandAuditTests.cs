using System.Security.Cryptography;
using System.Text.Json;
using KokuhoRules.Engine.Audit;
using static KokuhoRules.Tests.Batch.BatchInputs;

namespace KokuhoRules.Tests.Cli;

/// <summary>
/// Every calculation run on files is audited as the API's calls are (who, when, which rule set and hash, what it read by
/// SHA-256, ids only): <c>reassess</c>, <c>high-cost benefits</c>, <c>high-cost continuity</c> and <c>eligibility check</c>
/// each append one entry to <c>--audit-log</c>; a log that cannot be written refuses the run before it writes anything.
/// </summary>
public sealed class CommandAuditTests
{
    private static string Sha256(string path) => Convert.ToHexStringLower(SHA256.HashData(File.ReadAllBytes(path)));

    private static JsonElement OnlyEntry(string log)
    {
        var lines = File.ReadAllLines(log);
        Assert.Single(lines);
        return JsonDocument.Parse(lines[0]).RootElement;
    }

    private static void AssertRuleSet(JsonElement entry, string insurer, int fiscalYear, string resultText)
    {
        var rs = Assert.Single(entry.GetProperty("ruleSets").EnumerateArray());
        Assert.Equal(insurer, rs.GetProperty("insurer").GetString());
        Assert.Equal(fiscalYear, rs.GetProperty("fiscalYear").GetInt32());
        // The version and hash the results carry: the entry names the rule set the run computed with.
        Assert.Contains(rs.GetProperty("hash").GetString()!, resultText);
        Assert.Contains(rs.GetProperty("version").GetString()!, resultText);
    }

    private static void AssertWhoAndWhen(JsonElement entry, string command, DateTimeOffset before)
    {
        Assert.Equal(command, entry.GetProperty("path").GetString());
        Assert.Equal(CommandAudit.Method, entry.GetProperty("method").GetString());
        Assert.Equal(Environment.UserName, entry.GetProperty("holder").GetString());
        Assert.Equal("ok", entry.GetProperty("outcome").GetString());
        var at = entry.GetProperty("at").GetDateTimeOffset();
        Assert.InRange(at, before.AddSeconds(-1), DateTimeOffset.UtcNow);
        Assert.True(entry.GetProperty("durationMicroseconds").GetInt64() > 0);
    }

    [Fact]
    public void A_reassessment_of_a_file_is_audited_with_its_run_its_rule_set_and_its_input_by_hash_only()
    {
        using var folder = new TempFolder();
        var (input, output, log) = (folder.File("households.jsonl"), folder.File("results.jsonl"), folder.File("audit.jsonl"));
        WriteJsonLines(input, Population(insured: 200, seed: 5));
        var before = DateTimeOffset.UtcNow;

        var run = CliRun.Command("reassess", "--insurer", Insurer, "--fiscal-year", "2025", "--in", input, "--out", output, "--threads", "2", "--audit-log", log);

        // The population has households the batch refuses (exit 3): a complete run, audited as one.
        Assert.True(run.ExitCode == 3, run.ToString());
        var entry = OnlyEntry(log);
        AssertWhoAndWhen(entry, "kokuho reassess", before);
        AssertRuleSet(entry, Insurer, 2025, File.ReadAllText(output));
        Assert.Equal(Sha256(input), entry.GetProperty("bodySha256").GetString());
        Assert.Equal(new FileInfo(input).Length, entry.GetProperty("bodyBytes").GetInt64());
        var state = JsonDocument.Parse(File.ReadAllText(output + ".run.json")).RootElement;
        Assert.Equal(["run:" + state.GetProperty("runId").GetString()], entry.GetProperty("subjects").EnumerateArray().Select(s => s.GetString()));
        // Ids and hashes only: no household id, member id or income of the input is in the log.
        var text = File.ReadAllText(log);
        foreach (var household in File.ReadLines(input).Take(20).Select(l => JsonDocument.Parse(l).RootElement))
            Assert.DoesNotContain(household.GetProperty("id").GetString()!, text);
    }

    [Fact]
    public void A_month_of_high_cost_benefits_and_of_continuity_on_files_are_each_audited_with_both_inputs_by_hash()
    {
        using var folder = new TempFolder();
        var (claims, history, log) = (folder.File("claims.jsonl"), folder.File("history.jsonl"), folder.File("audit.jsonl"));
        Assert.Equal(0, CliRun.Command("high-cost", "generate-claims", "--insured", "300", "--care-month", "2025-10", "--out", claims, "--history", history).ExitCode);
        var before = DateTimeOffset.UtcNow;

        var benefits = CliRun.Command("high-cost", "benefits", "--insurer", "amagasaki", "--care-month", "2025-10", "--trial", "--in", claims, "--history", history,
            "--out", folder.File("benefits.jsonl"), "--audit-log", log);

        Assert.True(benefits.ExitCode == 0, benefits.ToString());
        var entry = OnlyEntry(log);
        AssertWhoAndWhen(entry, "kokuho high-cost benefits", before);
        AssertRuleSet(entry, "hyogo", 2025, File.ReadAllText(folder.File("benefits.jsonl")));
        Assert.Equal(Sha256(claims), entry.GetProperty("bodySha256").GetString());
        Assert.Equal(["history:sha256:" + Sha256(history)], entry.GetProperty("subjects").EnumerateArray().Select(s => s.GetString()));

        var (moves, moveHistory, log2) = (folder.File("moves.jsonl"), folder.File("move-history.jsonl"), folder.File("audit2.jsonl"));
        Assert.Equal(0, CliRun.Command("high-cost", "generate-moves", "--households", "40", "--out", moves, "--history", moveHistory).ExitCode);
        var continuity = CliRun.Command("high-cost", "continuity", "--prefecture", "hyogo", "--month", "2025-10", "--trial", "--in", moves, "--history", moveHistory,
            "--out", folder.File("result"), "--audit-log", log2);

        Assert.True(continuity.ExitCode == 0, continuity.ToString());
        var second = OnlyEntry(log2);
        AssertWhoAndWhen(second, "kokuho high-cost continuity", before);
        AssertRuleSet(second, "hyogo", 2025, continuity.Output);
        Assert.Equal(Sha256(moves), second.GetProperty("bodySha256").GetString());
        Assert.Equal(["history:sha256:" + Sha256(moveHistory)], second.GetProperty("subjects").EnumerateArray().Select(s => s.GetString()));
    }

    [Fact]
    public void Checks_of_eligibility_run_at_once_on_one_log_are_each_recorded_whole()
    {
        using var folder = new TempFolder();
        var (histories, log) = (folder.File("histories.jsonl"), folder.File("audit.jsonl"));
        Assert.Equal(0, CliRun.Command("eligibility", "generate", "--persons", "200", "--fault-every", "9", "--out", histories).ExitCode);
        var before = DateTimeOffset.UtcNow;

        var runs = Enumerable.Range(0, 4).AsParallel().WithDegreeOfParallelism(4).Select(i => CliRun.Command("eligibility", "check", "--prefecture", "hyogo",
            "--fiscal-year", "2025", "--trial", "--in", histories, "--out", folder.File($"findings-{i}.jsonl"), "--audit-log", log)).ToArray();

        Assert.All(runs, r => Assert.True(r.ExitCode == 0, r.ToString()));
        var entries = File.ReadAllLines(log).Select(l => JsonDocument.Parse(l).RootElement).ToArray();
        Assert.Equal(4, entries.Length);
        Assert.Equal(4, entries.Select(e => e.GetProperty("id").GetString()).Distinct().Count());
        foreach (var entry in entries)
        {
            AssertWhoAndWhen(entry, "kokuho eligibility check", before);
            Assert.Equal(Sha256(histories), entry.GetProperty("bodySha256").GetString());
        }
        AssertRuleSet(entries[0], "hyogo", 2025, File.ReadAllText(folder.File("findings-0.jsonl")) + runs[0].Output);
    }

    [Theory]
    [InlineData("reassess")]
    [InlineData("eligibility")]
    [InlineData("benefits")]
    [InlineData("continuity")]
    public void A_run_whose_audit_log_cannot_be_written_is_refused_in_one_line_before_it_writes_anything(string command)
    {
        using var folder = new TempFolder();
        var input = folder.File("in.jsonl");
        File.WriteAllText(input, "");
        // A file where the log's folder would be: the log cannot be made.
        File.WriteAllText(folder.File("blocked"), "");
        var log = Path.Combine(folder.File("blocked"), "audit.jsonl");
        var output = folder.File("out.jsonl");
        string[] args = command switch
        {
            "reassess" => ["reassess", "--insurer", Insurer, "--fiscal-year", "2025", "--in", input, "--out", output],
            "eligibility" => ["eligibility", "check", "--prefecture", "hyogo", "--fiscal-year", "2025", "--trial", "--in", input, "--out", output],
            "benefits" => ["high-cost", "benefits", "--insurer", "amagasaki", "--care-month", "2025-10", "--trial", "--in", input, "--history", input, "--out", output],
            _ => ["high-cost", "continuity", "--prefecture", "hyogo", "--month", "2025-10", "--trial", "--in", input, "--history", input, "--out", folder.File("result")],
        };

        var run = CliRun.Command([.. args, "--audit-log", log]);

        Assert.True(run.ExitCode == 1, run.ToString());
        var line = Assert.Single(run.Error.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        Assert.Contains($"the audit log {log} cannot be written", line);
        Assert.EndsWith("nothing was run", line.TrimEnd());
        Assert.DoesNotContain("   at ", run.Error);
        Assert.Equal(["blocked", "in.jsonl"], Directory.GetFileSystemEntries(folder.Path).Select(Path.GetFileName).Order(StringComparer.Ordinal));
    }
}
