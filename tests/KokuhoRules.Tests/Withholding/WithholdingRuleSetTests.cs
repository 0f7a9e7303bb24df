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
    [InlineData(National, "\"value\": 65,", "\"value\": 0,", "eligibility.ageFrom", "ages must satisfy 0 < ageFrom < ageUntil")]
    [InlineData(National, "\"value\": 65,", "\"value\": 76,", "eligibility.ageFrom", "ages must satisfy 0 < ageFrom < ageUntil")]
    [InlineData(National, "\"value\": 0.5", "\"value\": 0", "eligibility.capRatio", "a ratio between 0 (excluded) and 1")]
    [InlineData(Municipal, "\"mode\": \"floor\"", "\"mode\": \"ceiling\"", "schedule.rounding", "withheld amounts are floored to the unit and the remainder is added to schedule.remainderMonth: the mode must be floor")]
    // A 本徴収 month out of the calendar: named once, and the deadlines are not checked against months that are wrong.
    [InlineData(National, "\"value\": [10, 12, 2]", "\"value\": [10, 12, 13]", "pensionMonths.definitive", "must list distinct calendar months (1–12)")]
    public void Each_range_of_the_parameters_is_checked_at_its_file_and_line(string file, string oldText, string newText, string path, string message) =>
        A_bad_parameter_is_refused_at_its_file_and_line(file, oldText, newText, path, message);

    /// <summary>The errors of the Amagasaki FY2025 withholding rule set with the edits made on draft copies of its layers.</summary>
    private static (string Path, string Message)[] Errors(params (string File, string Old, string New)[] edits)
    {
        using var root = new TempRuleSetRoot();
        foreach (var layer in edits.Select(e => e.File[..e.File.LastIndexOf('/')]).Distinct()) root.MakeDraft(layer);
        foreach (var (file, oldText, newText) in edits) root.ReplaceOnce(file, oldText, newText);
        var catalog = KokuhoRuleSets.Load([root.Root], (insurer, year) => insurer == "amagasaki" && year == 2025);
        return catalog.Failures.Where(f => f.Concerns("amagasaki", 2025, "withholding")).SelectMany(f => f.Errors).Select(e => (e.JsonPath[2..], e.Message)).ToArray();
    }

    // The edges the checks allow: a pension of 1 yen, a ratio of 1, lead times of 0 and 12 months, a deadline at the end of
    // December or January, pension month 1.
    [Fact]
    public void The_edges_of_each_range_are_allowed()
    {
        Assert.Empty(Errors(
            (National, "\"value\": 180000", "\"value\": 1"),
            (National, "\"value\": 0.5", "\"value\": 1"),
            (National, "\"value\": [10, 12, 2]", "\"value\": [10, 12, 1]"),
            (Stops, "{ \"pensionMonth\": 2, \"applyByEndOf\": 11 }", "{ \"pensionMonth\": 1, \"applyByEndOf\": 12 }"),
            (Stops, "\"value\": 2,", "\"value\": 0,"),
            (Stops, "\"value\": 1,", "\"value\": 12,")));
        Assert.Empty(Errors((Stops, "\"value\": 2,", "\"value\": 12,"), (Stops, "\"value\": 1,", "\"value\": 0,")));
    }

    // An age band of no age (ageFrom = ageUntil), a minimum pension of 0, a deadline in month 0 or 13, and a divisor of 0
    // for the 1/6 of a new April start.
    [Fact]
    public void An_empty_age_band_no_minimum_pension_a_deadline_out_of_the_calendar_and_a_divisor_of_0_are_refused()
    {
        Assert.Equal([("eligibility.ageFrom", "ages must satisfy 0 < ageFrom < ageUntil")], Errors((National, "\"value\": 65,", "\"value\": 75,")));
        Assert.Equal([("eligibility.minimumAnnualPension", "must be a positive amount of yen")], Errors((National, "\"value\": 180000", "\"value\": 0")));
        foreach (var month in new[] { 0, 13 })
            Assert.Equal([("stops.directDebitRequest.deadlines", "the deadline for month 4 must be the end of another calendar month (1–12), before the pension month")],
                Errors((Stops, "{ \"pensionMonth\": 4, \"applyByEndOf\": 1 }", $"{{ \"pensionMonth\": 4, \"applyByEndOf\": {month} }}")));
        Assert.Equal([("provisional.newAprilStartDivisor", "must be positive")],
            Errors((National, "\"newAprilStartDivisor\": {\n      \"value\": 6,", "\"newAprilStartDivisor\": {\n      \"value\": 0,")));
    }

    // The payments a year must divide 12 and match the pension months: 5 divides nothing, 12 payments are not the 6 months
    // listed, 0 is no number of payments.
    [Theory]
    [InlineData("5", new[] { "eligibility.paymentsPerYear", "pensionMonths.definitive" })]
    [InlineData("12", new[] { "pensionMonths.definitive" })]
    [InlineData("13", new[] { "eligibility.paymentsPerYear", "pensionMonths.definitive" })]
    [InlineData("0", new[] { "eligibility.paymentsPerYear", "pensionMonths.definitive" })]
    public void The_payments_a_year_divide_12_and_are_the_pension_months(string payments, string[] paths)
    {
        var errors = Errors((National, "\"paymentsPerYear\": {\n      \"value\": 6,", $"\"paymentsPerYear\": {{\n      \"value\": {payments},"));

        Assert.Equal(paths, errors.Select(e => e.Path));
        Assert.Equal($"the 仮徴収 and 本徴収 months must be the {payments} distinct pension months (eligibility.paymentsPerYear)", errors[^1].Message);
        if (paths.Length == 2) Assert.Equal("must divide 12 (6 for payments in even months)", errors[0].Message);
    }

    // A start month out of the calendar is named twice (not a month, not a pension month); a deadline for a month that is no
    // pension month leaves that pension month without one.
    [Fact]
    public void A_start_month_or_deadline_month_that_is_no_pension_month_is_named()
    {
        Assert.Equal([("pensionMonths.startMonths", "must list distinct calendar months (1–12)"), ("pensionMonths.startMonths", "13 is not a pension month (4, 6, 8, 10, 12, 2)")],
            Errors((National, "\"value\": [4, 6, 8, 10]", "\"value\": [4, 6, 8, 13]")));
        Assert.Equal([("stops.directDebitRequest.deadlines", "5 is not a pension month (4, 6, 8, 10, 12, 2)"), ("stops.directDebitRequest.deadlines", "pension month 4 has no deadline: every pension month needs one")],
            Errors((Stops, "{ \"pensionMonth\": 4, \"applyByEndOf\": 1 }", "{ \"pensionMonth\": 5, \"applyByEndOf\": 1 }")));
        // 仮徴収 in June twice: not distinct, so not the 6 pension months, and August (a start month) is no pension month;
        // the deadlines are not checked against months that are wrong.
        Assert.Equal([("pensionMonths.provisional", "must list distinct calendar months (1–12)"),
                ("pensionMonths.definitive", "the 仮徴収 and 本徴収 months must be the 6 distinct pension months (eligibility.paymentsPerYear)"),
                ("pensionMonths.startMonths", "8 is not a pension month (4, 6, 6, 10, 12, 2)")],
            Errors((National, "\"value\": [4, 6, 8],", "\"value\": [4, 6, 6],")));
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
