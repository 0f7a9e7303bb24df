using System.Text;
using System.Text.Json;
using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;
using KokuhoRules.Rules.Batch;
using KokuhoRules.Rules.Premium.Impact;
using KokuhoRules.Tests.Cli;
using static KokuhoRules.Tests.Batch.BatchInputs;

namespace KokuhoRules.Tests.Premium.Impact;

/// <summary>
/// <c>kokuho rulesets impact</c> against two <c>kokuho reassess</c> runs of the same population (FY2025 published, FY2026 draft
/// with <c>--trial</c>): each side's totals are the batch's, and the bands, classes and ages add up to the households.
/// </summary>
public sealed class ImpactReportTests : IDisposable
{
    private readonly TempFolder _folder = new();
    private readonly string _population;

    public ImpactReportTests()
    {
        _population = _folder.File("pop.jsonl");
        WriteJsonLines(_population, new SyntheticPopulation(2025, 11).Households(1500));
    }

    public void Dispose() => _folder.Dispose();

    private CliRun Impact(params string[] more) =>
        CliRun.Command(["rulesets", "impact", "--insurer", Insurer, "--base", "2025", "--draft", "2026", "--in", _population, "--threads", "2",
            "--audit-log", _folder.File("audit.jsonl"), .. more]);

    /// <summary>Runs reassess of the population with one rule set; returns its summary (JSON) and each household's annual premium from its result file.</summary>
    private (JsonElement Summary, Dictionary<string, long> Premiums) Reassess(int year)
    {
        var output = _folder.File($"r{year}.jsonl");
        var summary = _folder.File($"s{year}.json");
        var run = CliRun.Command(["reassess", "--insurer", Insurer, "--fiscal-year", year.ToString(), "--in", _population, "--out", output, "--threads", "2",
            "--summary-json", summary, .. year == 2026 ? new[] { "--trial" } : []]);
        Assert.True(run.ExitCode == 0, run.ToString());
        var premiums = File.ReadLines(output).Select(l => JsonDocument.Parse(l).RootElement)
            .ToDictionary(e => e.GetProperty("householdId").GetString()!, e => e.GetProperty("annualPremium").GetInt64());
        return (JsonDocument.Parse(File.ReadAllBytes(summary)).RootElement, premiums);
    }

    private ImpactReport Report()
    {
        var run = Impact("--out", _folder.File("report.json"));
        Assert.True(run.ExitCode == 0, run.ToString());
        return JsonSerializer.Deserialize<ImpactReport>(File.ReadAllBytes(_folder.File("report.json")), KokuhoRules.Cli.RuleSetImpact.JsonOptions)!;
    }

    [Fact]
    public void Each_sides_totals_are_what_reassess_gives_with_that_rule_set()
    {
        var report = Report();
        foreach (var (year, side, perComponent, classes) in new[]
                 {
                     (2025, report.Base, report.Components.ToDictionary(c => c.Name, c => c.Base), report.ReductionClasses.ToDictionary(c => c.Class, c => c.BaseHouseholds)),
                     (2026, report.Draft, report.Components.ToDictionary(c => c.Name, c => c.Draft), report.ReductionClasses.ToDictionary(c => c.Class, c => c.DraftHouseholds)),
                 })
        {
            var (summary, _) = Reassess(year);
            Assert.Equal(summary.GetProperty("households").GetInt64(), report.Input.Households);
            Assert.Equal(summary.GetProperty("annualPremium").GetInt64(), side.AnnualPremium);
            Assert.Equal(summary.GetProperty("ruleset").GetProperty("hash").GetString(), side.Ruleset.Hash);
            Assert.Equal(summary.GetProperty("ruleset").GetProperty("version").GetString(), side.Ruleset.Version);
            foreach (var c in summary.GetProperty("components").EnumerateObject()) Assert.Equal(c.Value.GetInt64(), perComponent[c.Name]);
            foreach (var c in summary.GetProperty("reductionClasses").EnumerateObject()) Assert.Equal(c.Value.GetInt64(), classes[c.Name]);
        }
        Assert.Equal(0, report.Components.Single(c => c.Name == "child").Base);
        Assert.True(report.Components.Single(c => c.Name == "child").Draft > 0);
    }

    [Fact]
    public void The_bands_hold_each_households_change_as_the_two_result_files_show_it()
    {
        var report = Report();
        var before = Reassess(2025).Premiums;
        var after = Reassess(2026).Premiums;
        // The bands a budget meeting asks for, written out here: ±0, <1,000, <5,000, <10,000, <50,000, ≥50,000 each way.
        long[] bounds = [1, 1_000, 5_000, 10_000, 50_000];
        var expected = new Dictionary<(string, long?), (long Households, long Sum)>();
        foreach (var (id, b) in before)
        {
            var d = after[id] - b;
            var direction = d == 0 ? "unchanged" : d > 0 ? "rise" : "fall";
            var size = Math.Abs(d);
            long? low = d == 0 ? 0 : bounds.Last(x => size >= x);
            var key = (direction, direction == "fall" ? -low : low);
            expected[key] = (expected.GetValueOrDefault(key).Households + 1, expected.GetValueOrDefault(key).Sum + d);
        }
        foreach (var band in report.Changes)
        {
            var key = (band.Direction, band.Direction == "fall" ? band.To : band.From);
            Assert.Equal(expected.GetValueOrDefault(key), (band.Households, band.Difference));
        }
        Assert.Equal(report.Input.Households, report.Changes.Sum(b => b.Households));
        Assert.Equal(report.Difference, report.Changes.Sum(b => b.Difference));
        Assert.Equal(report.Input.Households, report.AgeBands.Sum(a => a.Households));
        Assert.Equal(report.Base.AnnualPremium, report.AgeBands.Sum(a => a.Base));
        Assert.Equal(report.Draft.AnnualPremium, report.ReductionClasses.Sum(c => c.DraftTotal));
        Assert.Equal(report.Input.Households, report.ReductionClasses.Sum(c => c.BaseHouseholds));
    }

    [Fact]
    public void The_csv_has_a_japanese_header_and_a_bom_the_json_names_both_rule_sets_and_the_run_is_audited()
    {
        var run = Impact("--csv", _folder.File("report.csv"), "--json");
        Assert.True(run.ExitCode == 0, run.ToString());
        var bytes = File.ReadAllBytes(_folder.File("report.csv"));
        Assert.Equal(Encoding.UTF8.Preamble.ToArray(), bytes[..3]);
        var lines = Encoding.UTF8.GetString(bytes[3..]).Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal("区分,項目,キー,基準額(円),試算額(円),差額(円),基準世帯数,試算世帯数", lines[0]);
        Assert.Contains(lines, l => l.StartsWith("区分別,子ども・子育て支援納付金分,child,0,", StringComparison.Ordinal));
        using var json = JsonDocument.Parse(run.Output);
        Assert.Equal("2025.1", json.RootElement.GetProperty("base").GetProperty("ruleset").GetProperty("version").GetString());
        Assert.Equal("draft", json.RootElement.GetProperty("draft").GetProperty("ruleset").GetProperty("status").GetString());
        var audit = JsonDocument.Parse(File.ReadLines(_folder.File("audit.jsonl")).Last()).RootElement;
        Assert.Equal("kokuho rulesets impact", audit.GetProperty("path").GetString());
        Assert.Equal(2, audit.GetProperty("ruleSets").GetArrayLength());
        Assert.Equal(PopulationFile.Hash(_population), "sha256:" + audit.GetProperty("bodySha256").GetString());
        Assert.DoesNotContain("M1", File.ReadAllText(_folder.File("audit.jsonl")));
    }

    [Fact]
    public void A_version_not_served_or_a_missing_population_is_one_line_and_exit_2()
    {
        var run = CliRun.Command(["rulesets", "impact", "--insurer", Insurer, "--base", "2025", "--draft", "2026@2026.9", "--in", _population, "--audit-log", _folder.File("a.jsonl")]);
        Assert.Equal(2, run.ExitCode);
        Assert.Contains("--draft: amagasaki/2026 has no version 2026.9", run.Error);
        var missing = CliRun.Command(["rulesets", "impact", "--insurer", Insurer, "--base", "2025", "--draft", "2026", "--in", _folder.File("none.jsonl"), "--audit-log", _folder.File("a.jsonl")]);
        Assert.Equal(2, missing.ExitCode);
        Assert.Single(missing.Error.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        Assert.False(File.Exists(_folder.File("a.jsonl")));
    }

    [Property(MaxTest = 500)]
    public Property Every_change_falls_in_the_band_whose_range_holds_it(long difference)
    {
        var band = ChangeBands.Of(difference);
        var (from, to) = ChangeBands.Range(band);
        return ((from is null || difference >= from) && (to is null || difference <= to) && band >= 0 && band < ChangeBands.Count).ToProperty();
    }

    [Fact]
    public void The_bands_are_contiguous_from_the_largest_fall_to_the_largest_rise()
    {
        for (var b = 0; b + 1 < ChangeBands.Count; b++) Assert.Equal(ChangeBands.Range(b).To + 1, ChangeBands.Range(b + 1).From);
        Assert.Null(ChangeBands.Range(0).From);
        Assert.Null(ChangeBands.Range(ChangeBands.Count - 1).To);
        Assert.Equal(ChangeBands.Unchanged, ChangeBands.Of(0));
        Assert.Equal(ChangeBands.Of(999), ChangeBands.Of(1));
        Assert.NotEqual(ChangeBands.Of(999), ChangeBands.Of(1000));
        Assert.NotEqual(ChangeBands.Of(49_999), ChangeBands.Of(50_000));
    }
}
