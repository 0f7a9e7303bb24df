using System.Text.Json;
using KokuhoRules.Rules.Batch;
using KokuhoRules.Rules.Catalog;
using KokuhoRules.Rules.Premium;
using KokuhoRules.Rules.Premium.Solve;
using KokuhoRules.Tests.Cli;
using KokuhoRules.Tests.Support;
using static KokuhoRules.Tests.Batch.BatchInputs;

namespace KokuhoRules.Tests.Premium.Solve;

/// <summary>
/// <c>kokuho rulesets solve</c> over a generated population and the FY2026 draft: each component's target lies between what
/// the neighbouring rates raise; the solved parameters, put in a copy of the draft, give <c>reassess</c> the totals the solver
/// reported; a target no rate reaches is refused, and nothing is written.
/// </summary>
public sealed class RateSolverTests : IDisposable
{
    private readonly TempFolder _folder = new();
    private readonly TempRuleSetRoot _root = new();
    private readonly string _population;

    public RateSolverTests()
    {
        _population = _folder.File("pop.jsonl");
        WriteJsonLines(_population, new SyntheticPopulation(2026, 5).Households(1200));
    }

    public void Dispose()
    {
        _folder.Dispose();
        _root.Dispose();
    }

    private string Targets(string components, string rounding = "\"incomeRate\": 0.0001, \"perCapita\": { \"unitYen\": 100, \"mode\": \"floor\" }")
    {
        var path = _folder.File("targets.json");
        File.WriteAllText(path, $"{{ \"rounding\": {{ {rounding} }}, \"components\": {{ {components} }} }}");
        return path;
    }

    private const string Reachable = """
        "medical": { "required": 190000000, "collectionRate": 0.94, "incomeShare": 0.52, "perCapitaShare": 0.65 },
        "care": { "amount": 20000000, "incomeShare": 0.5, "perCapitaShare": 1 }
        """;

    private CliRun Solve(string targets, params string[] more) =>
        CliRun.Command(["rulesets", "solve", "--insurer", Insurer, "--year", "2026", "--in", _population, "--targets", targets, "--threads", "2",
            "--root", _root.Root, "--audit-log", _folder.File("audit.jsonl"), .. more]);

    [Fact]
    public void The_target_lies_between_what_the_neighbouring_rates_raise()
    {
        var targets = RateTargets.Read(Targets(Reachable));
        var draft = KokuhoRuleSets.Load([_root.Root]).ForRun<PremiumRuleSet>(Insurer, 2026, null, null, trial: true);
        var (households, _) = PopulationFile.ReadAll(_population, 2, default);
        var solution = RateSolver.Solve(draft, households, targets, 2, "test");
        Assert.Equal(2, solution.Components.Count);
        Assert.Equal(202_127_660, solution.Components[0].Target); // 190,000,000 ÷ 0.94, rounded up
        foreach (var c in solution.Components)
        {
            var units = (long)(c.IncomeRate / 0.0001m);
            var below = RateSolver.RaiseAt(draft, households, targets, c.Name, units - 1, 2).Raised;
            var at = RateSolver.RaiseAt(draft, households, targets, c.Name, units, 2);
            var above = RateSolver.RaiseAt(draft, households, targets, c.Name, units + 1, 2).Raised;
            Assert.Equal(c.Raised, at.Raised);
            Assert.Equal(c.PerCapita, at.Rates.PerCapita);
            Assert.Equal(0, c.PerCapita % 100);
            Assert.InRange(c.Target, below, above);
            // The nearer of the two rates around the target is the one chosen.
            Assert.True(Math.Abs(c.Residual) <= Math.Abs((c.Residual > 0 ? below : above) - c.Target), $"{c.Name}: {below} / {c.Raised} / {above} for {c.Target}");
            Assert.Equal(c.Raised - c.Target, c.Residual);
        }
        Assert.Equal(0, solution.Components.Single(c => c.Name == "care").PerHousehold);
    }

    [Fact]
    public void Starting_from_a_sample_reaches_the_same_amounts_as_the_full_search_alone()
    {
        var targets = RateTargets.Read(Targets(Reachable));
        var draft = KokuhoRuleSets.Load([_root.Root]).ForRun<PremiumRuleSet>(Insurer, 2026, null, null, trial: true);
        var (households, _) = PopulationFile.ReadAll(_population, 2, default);
        var full = RateSolver.Solve(draft, households, targets, 2, "test", sampleFrom: int.MaxValue);
        var sampled = RateSolver.Solve(draft, households, targets, 2, "test", sampleFrom: 1);
        Assert.Equal(full.Components.Select(c => (c.Raised, c.Residual, c.HouseholdsAtCap)), sampled.Components.Select(c => (c.Raised, c.Residual, c.HouseholdsAtCap)));
    }

    [Fact]
    public void Reassess_with_the_solved_parameters_gives_the_totals_the_solver_reported()
    {
        var draftFile = _root.PathOf("amagasaki/2026/premium/parameters.json");
        var draftBefore = File.ReadAllBytes(draftFile);
        var run = Solve(Targets(Reachable), "--out", _folder.File("solved.json"), "--json");
        Assert.True(run.ExitCode == 0, run.ToString());
        Assert.Equal(draftBefore, File.ReadAllBytes(draftFile)); // without --write-draft the draft is untouched
        var solution = JsonDocument.Parse(run.Output).RootElement;
        var written = File.ReadAllText(_folder.File("solved.json"));
        Assert.Contains($"solved by rulesets solve on ", written);
        Assert.Contains(solution.GetProperty("targetsSha256").GetString()!, written);

        File.Copy(_folder.File("solved.json"), draftFile, overwrite: true);
        var summaryPath = _folder.File("s.json");
        var reassess = CliRun.Command(["reassess", "--insurer", Insurer, "--fiscal-year", "2026", "--trial", "--in", _population, "--out", _folder.File("r.jsonl"),
            "--root", _root.Root, "--threads", "2", "--summary-json", summaryPath]);
        Assert.True(reassess.ExitCode == 0, reassess.ToString());
        var totals = JsonDocument.Parse(File.ReadAllBytes(summaryPath)).RootElement.GetProperty("components");
        foreach (var c in solution.GetProperty("components").EnumerateArray())
            Assert.Equal(c.GetProperty("raised").GetInt64(), totals.GetProperty(c.GetProperty("name").GetString()!).GetInt64());
        var catalog = KokuhoRuleSets.Load([_root.Root]);
        var rs = catalog.ForRun<PremiumRuleSet>(Insurer, 2026, null, null, trial: true);
        Assert.False(rs.ParameterTable["rates.medical.incomeRate"].Confirmed);
        Assert.Equal(solution.GetProperty("components")[0].GetProperty("incomeRate").GetDecimal(), rs.Components.Single(c => c.Name == "medical").Rates.IncomeRate.ToDecimal());
    }

    [Fact]
    public void A_target_no_rate_reaches_is_refused_naming_the_component_and_nothing_is_written()
    {
        var run = Solve(Targets("\"support\": { \"amount\": 90000000000, \"incomeShare\": 0.5, \"perCapitaShare\": 0.6 }"), "--out", _folder.File("solved.json"));
        Assert.Equal(RuleSetSolve_Refused, run.ExitCode);
        Assert.Contains("support: the target 90,000,000,000 yen cannot be reached: at a 所得割率 of 100%", run.Error);
        Assert.Contains("at the cap", run.Error);
        Assert.DoesNotContain("   at ", run.Error);
        Assert.False(File.Exists(_folder.File("solved.json")));
    }

    private const int RuleSetSolve_Refused = KokuhoRules.Cli.RuleSetSolve.ExitCodes.Refused;

    [Theory]
    [InlineData("\"medical\": { \"amount\": 1000, \"incomeShare\": 0, \"perCapitaShare\": 0.5 }", "components.medical.incomeShare")]
    [InlineData("\"medical\": { \"incomeShare\": 0.5, \"perCapitaShare\": 0.5 }", "components.medical needs either amount")]
    [InlineData("\"medical\": { \"required\": 1000, \"collectionRate\": 1.2, \"incomeShare\": 0.5, \"perCapitaShare\": 0.5 }", "components.medical.collectionRate")]
    [InlineData("\"dental\": { \"amount\": 1000, \"incomeShare\": 0.5, \"perCapitaShare\": 0.5 }", "has no component 'dental'")]
    [InlineData("\"medical\": { \"amount\": \"百万円\", \"incomeShare\": 0.5, \"perCapitaShare\": 0.5 }", "not a targets file: components.medical.amount: expected")]
    public void A_bad_targets_file_is_one_line_naming_the_field_and_exit_2(string components, string expected)
    {
        var run = Solve(Targets(components));
        Assert.Equal(2, run.ExitCode);
        Assert.Contains(expected, run.Error);
        Assert.DoesNotContain("Exception", run.Error);
    }

    [Fact]
    public void Write_draft_is_refused_for_a_published_rule_set()
    {
        var run = CliRun.Command(["rulesets", "solve", "--insurer", Insurer, "--year", "2025", "--in", _population, "--targets", Targets(Reachable), "--write-draft",
            "--root", _root.Root, "--audit-log", _folder.File("audit.jsonl")]);
        Assert.Equal(2, run.ExitCode);
        Assert.Contains("is published", run.Error);
    }
}
