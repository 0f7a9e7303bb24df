using KokuhoRules.Engine.Money;
using KokuhoRules.Engine.RuleSets;
using KokuhoRules.Rules.Catalog;
using KokuhoRules.Rules.Withholding;
using KokuhoRules.Tests.Support;

namespace KokuhoRules.Tests.Withholding;

/// <summary>
/// The withholding capability (issue 13 item 1) on the rule-set kernel: found by the catalog by reflection, its
/// national and Amagasaki layers bound with their references, the unpublished city choices unconfirmed, one
/// decision per §A2 condition, and bad parameters refused at file:line.
/// </summary>
public sealed class WithholdingRuleSetTests
{
    private const string National = "national/2025/withholding/parameters.json";
    private const string Municipal = "amagasaki/2025/withholding/parameters.json";

    private const string Stops = Municipal;

    /// <summary>The published FY2025 version (2025.1).</summary>
    internal static WithholdingRuleSet Amagasaki2025 =>
        TestRuleSets.Catalog.Find<WithholdingRuleSet>("amagasaki", 2025, "2025.1") ?? throw new InvalidOperationException("no withholding rule set amagasaki/2025 2025.1");

    /// <summary>The published FY2025 version, whose municipal layer has the <c>stops</c> group.</summary>
    internal static WithholdingRuleSet Amagasaki2025Stops => Amagasaki2025;

    [Fact]
    public void The_catalog_finds_the_withholding_compiler_by_reflection_and_compiles_the_published_layers()
    {
        Assert.Contains(KokuhoRuleSets.Compilers, c => c is WithholdingRuleSetCompiler && c.Capability == "withholding");
        var rs = Amagasaki2025;

        Assert.Equal(RuleSetStatus.Published, rs.Status);
        Assert.Equal("withholding", TestRuleSets.Catalog.CapabilityOf<WithholdingRuleSet>());
        Assert.DoesNotContain(TestRuleSets.Catalog.Failures, f => f.Concerns("amagasaki", 2025, "withholding"));
    }

    [Fact]
    public void The_national_figures_of_A2_A5_A6_are_bound_with_their_references()
    {
        var p = Amagasaki2025.Parameters;

        Assert.Equal((180_000L, 65, 75, 6), (p.Eligibility.MinimumAnnualPension, p.Eligibility.AgeFrom, p.Eligibility.AgeUntil, p.Eligibility.PaymentsPerYear));
        Assert.Equal(new Ratio(1, 2), p.Eligibility.CapRatio);
        Assert.Equal([4, 6, 8], p.PensionMonths.Provisional);
        Assert.Equal([10, 12, 2], p.PensionMonths.Definitive);
        Assert.Equal([4, 6, 8, 10], p.PensionMonths.StartMonths);
        Assert.Equal(6, p.Provisional.NewAprilStartDivisor);
        Assert.All(Amagasaki2025.ParameterTable.All, i => Assert.False(string.IsNullOrWhiteSpace(i.Reference)));
        Assert.All(Amagasaki2025.ParameterTable.All.Where(i => i.Path.StartsWith("eligibility.", StringComparison.Ordinal) || i.Path.StartsWith("pensionMonths.", StringComparison.Ordinal)),
            i => Assert.Equal((RuleSetLayerKind.National, National, true), (i.Layer, i.File, i.Confirmed)));
    }

    [Fact]
    public void Amagasakis_unpublished_choices_are_parameters_marked_unconfirmed()
    {
        var rs = Amagasaki2025;

        Assert.Equal((LevelingMode.None, new Rounding(100, RoundingMode.Floor), 10), (rs.Parameters.Schedule.LevelingMode, rs.Parameters.Schedule.Rounding, rs.Parameters.Schedule.RemainderMonth));
        Assert.False(rs.Parameters.Switches.ExcludeDirectDebit);
        Assert.Equal(
            ["schedule.levelingMode", "schedule.rounding", "schedule.remainderMonth", "switches.excludeDirectDebit", "switches.excludeHeadTurning65",
             "stops.timing.cityNoticeMonths", "stops.timing.pensionInsurerMonths", "stops.directDebitRequest.deadlines", "stops.premiumChange.onIncrease"],
            rs.UnconfirmedParameters);
        Assert.All(rs.UnconfirmedParameters, path => Assert.Equal(Municipal, rs.ParameterTable[path].File));
    }

    [Fact]
    public void The_stop_parameters_of_A8_are_in_the_published_municipal_layer_all_unconfirmed()
    {
        var rs = Amagasaki2025Stops;
        var stops = rs.Parameters.Stops!;

        Assert.Equal(RuleSetStatus.Published, rs.Status);
        Assert.Equal((2, 1), (stops.Timing.CityNoticeMonths, stops.Timing.PensionInsurerMonths));
        // Shimonoseki's table: June ← end of March, August ← May, October ← July, December ← September, February ← November, April ← January.
        Assert.Equal([new(4, 1), new(6, 3), new(8, 5), new(10, 7), new(12, 9), new(2, 11)], stops.DirectDebitRequest.Deadlines);
        Assert.Equal(PremiumIncreaseEffect.StopWithholding, stops.PremiumChange.OnIncrease);
        Assert.Contains("shimonoseki", rs.ParameterTable["stops.directDebitRequest.deadlines"].Reference);
        Assert.Contains("yamatotakada", rs.ParameterTable["stops.premiumChange.onIncrease"].Reference);
        Assert.All(rs.ParameterTable.All.Where(i => i.Path.StartsWith("stops.", StringComparison.Ordinal)), i => Assert.Equal((Stops, false), (i.File, i.Confirmed)));
        Assert.NotNull(TestRuleSets.Catalog.Find<WithholdingRuleSet>("amagasaki", 2026)!.Parameters.Stops);
    }

    [Fact]
    public void A_deadline_table_that_misses_a_pension_month_is_refused_at_its_file()
    {
        using var root = new TempRuleSetRoot();
        root.MakeDraft("amagasaki/2025/withholding");
        root.ReplaceOnce(Stops, "{ \"pensionMonth\": 2, \"applyByEndOf\": 11 }", "{ \"pensionMonth\": 12, \"applyByEndOf\": 12 }");

        var failure = Assert.Single(KokuhoRuleSets.Load([root.Root]).Failures, f => f.Concerns("amagasaki", 2025, "withholding"));

        Assert.All(failure.Errors, e => Assert.Equal((Stops, "$.stops.directDebitRequest.deadlines"), (e.File, e.JsonPath)));
        Assert.Equal(3, failure.Errors.Count);
        Assert.Contains(failure.Errors, e => e.Message.Contains("before the pension month", StringComparison.Ordinal));
        Assert.Contains(failure.Errors, e => e.Message == "each pension month is listed once");
        Assert.Contains(failure.Errors, e => e.Message.StartsWith("pension month 2 has no deadline", StringComparison.Ordinal));
    }

    [Fact]
    public void Every_condition_of_A2_is_a_decision_whose_rule_names_follow_the_parameters()
    {
        var rs = Amagasaki2025;

        Assert.Equal(["headInsured", "ageBand", "headNotTurning75", "pensionMinimum", "careInsuranceWithheld", "halfOfPension", "eachPaymentWithinHalf", "directDebitKeptOut", "headTurning65KeptOut"],
            rs.Conditions.Select(c => c.Name));
        Assert.All(rs.Conditions, c => Assert.Contains(c.Decision.Rules, r => r.Reference is not null));
        Assert.Contains(rs.Conditions.Single(c => c.Name == "pensionMinimum").Decision.Rules, r => r.Name == "対象年金が年額180,000円以上");
        Assert.Contains(rs.Conditions.Single(c => c.Name == "ageBand").Decision.Rules, r => r.Name == "国保の被保険者全員が65歳以上75歳未満");
    }

    [Theory]
    [InlineData(Municipal, "\"value\": 10,", "\"value\": 11,", "schedule.remainderMonth", "11 is not a 本徴収 month")]
    [InlineData(Municipal, "\"unitYen\": 100", "\"unitYen\": 50", "schedule.rounding", "the rounding unit must be one of")]
    [InlineData(National, "\"value\": [4, 6, 8, 10]", "\"value\": [4, 6, 9, 10]", "pensionMonths.startMonths", "9 is not a pension month")]
    [InlineData(National, "\"value\": 0.5", "\"value\": 1.5", "eligibility.capRatio", "a ratio between 0 (excluded) and 1")]
    [InlineData(National, "\"value\": [10, 12, 2]", "\"value\": [10, 12]", "pensionMonths.definitive", "must be the 6 distinct pension months")]
    [InlineData(Stops, "\"value\": 2,", "\"value\": 13,", "stops.timing.cityNoticeMonths", "must be between 0 and 12 months")]
    [InlineData(Stops, "\"value\": 1,", "\"value\": -1,", "stops.timing.pensionInsurerMonths", "must be between 0 and 12 months")]
    public void A_bad_parameter_is_refused_at_its_file_and_line(string file, string oldText, string newText, string path, string message)
    {
        using var root = new TempRuleSetRoot();
        root.MakeDraft(file[..file.LastIndexOf('/')]); // a published layer may not change: edit a draft copy
        root.ReplaceOnce(file, oldText, newText);
        var line = root.LineContaining(file, newText);

        var failures = KokuhoRuleSets.Load([root.Root]).Failures.Where(f => f.Concerns("amagasaki", 2025, "withholding")).ToArray();
        Assert.Single(failures);

        var error = Assert.Single(failures[0].Errors);
        Assert.Equal((file, "$." + path), (error.File, error.JsonPath));
        Assert.InRange(error.Line, line - 1, line);
        Assert.Contains(message, error.Message);
    }
}
