using System.Text;
using System.Text.Json;
using static KokuhoRules.Tests.Batch.BatchInputs;

namespace KokuhoRules.Tests.Cli;

/// <summary>
/// <c>kokuho eligibility generate</c> and <c>check</c> (issue 15 item 5) as staff meet them: the findings file holds
/// exactly the faults injected, the summary counts them per kind and city, refused lines go to the errors file by line
/// and field (never a value), and a check that cannot go on says so in one line and leaves every file as it was.
/// </summary>
public sealed class EligibilityCommandTests
{
    private static CliRun Check(string input, string output, params string[] more) =>
        CliRun.Command(["eligibility", "check", "--prefecture", "hyogo", "--fiscal-year", "2025", "--trial", "--threads", "2", "--in", input, "--out", output, .. more]);

    private static (string Histories, string Faults) Generate(TempFolder folder, int persons = 300, int faultEvery = 7)
    {
        var (histories, faults) = (folder.File("histories.jsonl"), folder.File("faults.jsonl"));
        var run = CliRun.Command("eligibility", "generate", "--persons", persons.ToString(System.Globalization.CultureInfo.InvariantCulture),
            "--fault-every", faultEvery.ToString(System.Globalization.CultureInfo.InvariantCulture), "--seed", "3", "--out", histories, "--faults", faults);
        Assert.True(run.ExitCode == 0, run.ToString());
        return (histories, faults);
    }

    private static void AssertOneLine(CliRun run)
    {
        Assert.DoesNotContain("   at ", run.Error);
        Assert.DoesNotContain("Exception", run.Error);
        Assert.Single(run.Error.Split('\n', StringSplitOptions.RemoveEmptyEntries), l => l.StartsWith("eligibility", StringComparison.Ordinal));
    }

    [Fact]
    public void A_generated_prefecture_history_is_checked_file_to_file_and_yields_exactly_the_injected_faults()
    {
        using var folder = new TempFolder();
        var (histories, faults) = Generate(folder);
        var output = folder.File("findings.jsonl");

        var run = Check(histories, output);

        Assert.True(run.ExitCode == 0, run.ToString());
        var expected = File.ReadAllLines(faults).Select(l => JsonDocument.Parse(l).RootElement)
            .SelectMany(f => (f.GetProperty("alsoPremiumMonthTwice").GetBoolean() ? new[] { f.GetProperty("kind").GetString(), "premiumMonthTwice" } : [f.GetProperty("kind").GetString()])
                .Select(kind => $"{kind} {f.GetProperty("recordId").GetString()}"))
            .Order(StringComparer.Ordinal).ToArray();
        var found = File.ReadAllLines(output).Select(l => JsonDocument.Parse(l).RootElement)
            .Select(f => $"{f.GetProperty("kind").GetString()} {f.GetProperty("records")[0].GetString()}").Order(StringComparer.Ordinal).ToArray();
        Assert.NotEmpty(expected);
        Assert.Equal(expected, found);
        Assert.Contains(run.OutputLines, l => l.EndsWith("被保険者 persons checked", StringComparison.Ordinal) && l.StartsWith("300", StringComparison.Ordinal));
        Assert.Contains(run.OutputLines, l => l.StartsWith(expected.Length.ToString(System.Globalization.CultureInfo.InvariantCulture) + "  指摘 findings", StringComparison.Ordinal));
        Assert.Contains(run.OutputLines, l => l.Contains("gap 空白", StringComparison.Ordinal));
        Assert.Contains(run.OutputLines, l => l.Contains("市町 city 28", StringComparison.Ordinal));
        Assert.Empty(File.ReadAllText(output + ".errors.jsonl"));
        Assert.Empty(Directory.EnumerateFiles(folder.Path, "*.partial"));
    }

    [Fact]
    public void A_csv_output_has_a_byte_order_mark_a_header_and_one_row_per_finding()
    {
        using var folder = new TempFolder();
        var (histories, _) = Generate(folder, persons: 120, faultEvery: 5);
        var jsonl = folder.File("findings.jsonl");
        var csv = folder.File("findings.csv");

        Assert.Equal(0, Check(histories, jsonl).ExitCode);
        Assert.Equal(0, Check(histories, csv).ExitCode);

        var bytes = File.ReadAllBytes(csv);
        Assert.Equal(new byte[] { 0xEF, 0xBB, 0xBF }, bytes[..3]);
        var lines = Encoding.UTF8.GetString(bytes[3..]).Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal("kind,personKey,records,days,proposedRecord,proposedField,proposedDate,rule,reference,basis", lines[0]);
        Assert.Equal(File.ReadAllLines(jsonl).Length, lines.Length - 1);
        Assert.StartsWith("gap,", lines.Skip(1).First(l => l.StartsWith("gap", StringComparison.Ordinal)));
    }

    [Fact]
    public void A_refused_line_is_written_by_line_and_field_its_person_left_out_and_the_others_checked()
    {
        using var folder = new TempFolder();
        var input = folder.File("records.jsonl");
        File.WriteAllLines(input,
        [
            """{"recordId":"A-1","personKey":"PK-1","insurer":"282022","qualifiedFrom":"2019-04-01","appliedFrom":"2019-04-01","appliedUntil":"2025-09-10","acquisitionReason":"leftOtherInsurance","lossReason":"moveOutWithinPrefecture"}""",
            """{"recordId":"N-1","personKey":"PK-1","insurer":"282049","qualifiedFrom":"2019-04-01","appliedFrom":"2025-09-15","acquisitionReason":"moveInWithinPrefecture"}""",
            """{"recordId":"A-2","personKey":"PK-2","insurer":"282022","qualifiedFrom":"2019-04-01","appliedFrom":"2019-04-01","appliedUntil":"2025-09-10","acquisitionReason":"leftOtherInsurance","lossReason":"retired"}""",
            """{"recordId":"N-2","personKey":"PK-2","insurer":"282049","qualifiedFrom":"2019-04-01","appliedFrom":"2025-09-15","acquisitionReason":"moveInWithinPrefecture"}""",
            """{"recordId":"A-3","personKey":"123456789018","insurer":"282022","appliedFrom":"2019-04-01"}""",
        ]);
        var output = folder.File("findings.jsonl");

        var run = Check(input, output);

        Assert.True(run.ExitCode == 3, run.ToString());
        var finding = JsonDocument.Parse(Assert.Single(File.ReadAllLines(output))).RootElement;
        Assert.Equal(("gap", "PK-1"), (finding.GetProperty("kind").GetString(), finding.GetProperty("personKey").GetString()));
        var errors = File.ReadAllLines(output + ".errors.jsonl");
        Assert.Equal(2, errors.Length);
        Assert.Equal((3, "$.lossReason"), (JsonDocument.Parse(errors[0]).RootElement.GetProperty("line").GetInt32(), JsonDocument.Parse(errors[0]).RootElement.GetProperty("errors")[0].GetProperty("field").GetString()));
        Assert.Equal(5, JsonDocument.Parse(errors[1]).RootElement.GetProperty("line").GetInt32());
        Assert.DoesNotContain("retired", string.Join("\n", errors));
        Assert.DoesNotContain("123456789018", string.Join("\n", errors) + run.Output + run.Error);
        Assert.Contains(run.OutputLines, l => l.StartsWith("1  除外 persons left out", StringComparison.Ordinal));
    }

    [Fact]
    public void A_person_whose_lines_are_not_consecutive_stops_the_check_in_one_line_and_leaves_the_old_output()
    {
        using var folder = new TempFolder();
        var input = folder.File("records.jsonl");
        File.WriteAllLines(input,
        [
            """{"personKey":"PK-1","kind":"birth","date":"2020-01-01"}""",
            """{"personKey":"PK-2","kind":"birth","date":"2020-01-01"}""",
            """{"personKey":"PK-1","kind":"death","date":"2024-01-01"}""",
        ]);
        var output = folder.File("findings.jsonl");
        File.WriteAllText(output, "the previous check\n");

        var run = Check(input, output);

        Assert.Equal(1, run.ExitCode);
        AssertOneLine(run);
        Assert.Contains("records.jsonl:3:", run.Error);
        Assert.Contains("consecutive", run.Error);
        Assert.DoesNotContain("PK-1", run.Error);
        Assert.Equal("the previous check\n", File.ReadAllText(output));
        Assert.Empty(Directory.EnumerateFiles(folder.Path, "*.partial"));
    }

    [Fact]
    public void A_draft_rule_set_without_trial_and_an_unknown_prefecture_are_refused_in_one_line()
    {
        using var folder = new TempFolder();
        var (histories, _) = Generate(folder, persons: 5, faultEvery: 0);

        var draft = CliRun.Command("eligibility", "check", "--prefecture", "hyogo", "--fiscal-year", "2026", "--in", histories, "--out", folder.File("o.jsonl"));
        var unknown = CliRun.Command("eligibility", "check", "--prefecture", "osaka", "--fiscal-year", "2025", "--trial", "--in", histories, "--out", folder.File("o.jsonl"));

        Assert.Equal((2, 2), (draft.ExitCode, unknown.ExitCode));
        AssertOneLine(draft);
        AssertOneLine(unknown);
        Assert.Contains("--trial", draft.Error);
        Assert.False(File.Exists(folder.File("o.jsonl")));
    }
}
