using System.Text;
using KokuhoRules.Rules.Premium.QuickReference;
using KokuhoRules.Tests.Support;

namespace KokuhoRules.Tests.Cli;

/// <summary><c>kokuho rulesets table</c>: text, CSV (Japanese header, temp+rename) and its refusals.</summary>
public sealed class RuleSetTableCommandTests
{
    [Fact]
    public void The_csv_has_a_japanese_header_and_a_row_per_step_equal_to_the_table()
    {
        var folder = Directory.CreateTempSubdirectory("kokuho-table-").FullName;
        try
        {
            var csv = Path.Combine(folder, "hayami.csv");
            var run = CliRun.Command("rulesets", "table", "--insurer", "amagasaki", "--year", "2025", "--household", "single-under-40", "--step", "500000", "--csv", csv);
            Assert.True(run.ExitCode == 0, run.ToString());
            Assert.False(File.Exists(csv + ".partial"));
            var bytes = File.ReadAllBytes(csv);
            Assert.Equal(new byte[] { 0xEF, 0xBB, 0xBF }, bytes[..3]);
            var lines = Encoding.UTF8.GetString(bytes, 3, bytes.Length - 3).Split("\r\n", StringSplitOptions.RemoveEmptyEntries);
            Assert.StartsWith("世帯類型,世帯類型ID,収入の種類,収入,所得,算定基礎所得,軽減,医療分", lines[0]);
            Assert.Equal(1 + 21, lines.Length);
            var expected = QuickReferenceTable.Row(TestRuleSets.Amagasaki2025, StandardHouseholds.SingleUnder40, 4_000_000);
            var row = lines.Single(l => l.Contains(",給与収入,4000000,", StringComparison.Ordinal)).Split(',');
            Assert.Equal(expected.AnnualPremium.ToString(), row[^5]);
            Assert.Contains("4,000,000", run.Output);
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }

    [Fact]
    public void An_unknown_household_type_or_rule_set_is_a_usage_error()
    {
        var household = CliRun.Command("rulesets", "table", "--insurer", "amagasaki", "--year", "2025", "--household", "family-of-nine");
        Assert.Equal(2, household.ExitCode);
        Assert.Contains("single-under-40", household.Error);
        var year = CliRun.Command("rulesets", "table", "--insurer", "amagasaki", "--year", "2031");
        Assert.Equal(2, year.ExitCode);
        var steps = CliRun.Command("rulesets", "table", "--insurer", "amagasaki", "--year", "2025", "--step", "1");
        Assert.Equal(2, steps.ExitCode);
    }
}
