using KokuhoRules.Engine.RuleSets;
using KokuhoRules.Rules.Catalog;
using KokuhoRules.Rules.HighCost;
using KokuhoRules.Rules.Premium;
using KokuhoRules.Tests.Support;
using NodaTime;

namespace KokuhoRules.Tests.HighCost;

/// <summary>
/// The highCost capability (issue 14) on the rule-set kernel: served prefecture-wide (兵庫県's layer over the national
/// one), its limit tables as dated versions keyed by care month, its category decisions, the prefecture's municipalities,
/// a city resolved to its prefecture's rule set, and bad layers refused at file:line.
/// </summary>
public sealed class HighCostRuleSetTests
{
    private const string National = "national/2025/highCost/parameters.json";
    private const string Hyogo = "hyogo/2025/highCost/parameters.json";

    internal static HighCostRuleSet Hyogo2025 =>
        TestRuleSets.Catalog.Find<HighCostRuleSet>("hyogo", 2025) ?? throw new InvalidOperationException("no highCost rule set hyogo/2025");

    internal static HighCostRuleSet Hyogo2026 =>
        TestRuleSets.Catalog.Find<HighCostRuleSet>("hyogo", 2026) ?? throw new InvalidOperationException("no highCost rule set hyogo/2026");

    [Fact]
    public void The_catalog_compiles_the_prefecture_layer_as_the_insurers_own_over_the_national_one()
    {
        Assert.Contains(KokuhoRuleSets.Compilers, c => c is HighCostRuleSetCompiler && c.Capability == "highCost");
        foreach (var rs in new[] { Hyogo2025, Hyogo2026 })
        {
            Assert.Equal(("hyogo", "280003"), (rs.Insurer.Id, rs.Insurer.LocalGovernmentCode));
            Assert.Equal([RuleSetLayerKind.National, RuleSetLayerKind.Prefecture], rs.Source.Layers.Select(l => l.Kind));
            Assert.Equal(RuleSetStatus.Draft, rs.Status);
            Assert.Equal("highCost", rs.Stamp.Capability);
        }
        Assert.DoesNotContain(TestRuleSets.Catalog.Failures, f => f.Capability == "highCost");
    }

    [Theory]
    [InlineData(2018, 7, 2017, 8, 14000L)]   // the 2017-08 version: 一般 outpatient 14,000
    [InlineData(2018, 8, 2018, 8, 18000L)]   // from 2018-08: 18,000
    [InlineData(2017, 7, 2015, 1, 12000L)]
    [InlineData(2025, 10, 2018, 8, 18000L)]
    public void The_70_74_table_in_force_is_the_latest_version_from_on_or_before_the_care_month(int year, int month, int fromYear, int fromMonth, long outpatient)
    {
        var table = Hyogo2025.Age70TableFor(new YearMonth(year, month))!;

        Assert.Equal(new YearMonth(fromYear, fromMonth), table.From);
        Assert.Equal(outpatient, table.Table.General.Outpatient);
        Assert.Null(Hyogo2025.Age70TableFor(new YearMonth(2014, 12)));
    }

    [Fact]
    public void The_tables_carry_the_published_figures_with_their_references_and_the_unconfirmed_ones_say_so()
    {
        var rs = Hyogo2025;
        var u = rs.Under70TableFor(new YearMonth(2025, 10))!.Table;
        Assert.Equal((80100L, 267000L, 44400L, "ウ"), (u.U.Base, u.U.CostThreshold!.Value, u.U.ManyTimes, u.U.Name));
        Assert.Equal((35400L, (long?)null, 24600L), (u.O.Base, u.O.CostThreshold, u.O.ManyTimes));
        var a = rs.Age70TableFor(new YearMonth(2025, 10))!.Table;
        Assert.Equal(((long?)null, 252600L, 140100L), (a.GenekiIII.Outpatient, a.GenekiIII.Household, a.GenekiIII.ManyTimes!.Value));
        Assert.Null(a.LowIncomeI.ManyTimes);
        Assert.True(rs.ParameterTable["limits.under70.2015-01.u.base"].Confirmed);
        Assert.False(rs.ParameterTable["limits.age70To74.2017-08.genekiIII.outpatient"].Confirmed);
        Assert.True(rs.ParameterTable["limits.age70To74.2018-08.general.outpatient"].Confirmed);
        Assert.False(rs.ParameterTable["aggregation.onePercentRounding"].Confirmed);
        Assert.All(rs.ParameterTable.All, i => Assert.False(string.IsNullOrWhiteSpace(i.Reference)));
    }

    [Fact]
    public void The_announced_2026_08_change_is_a_version_of_the_fiscal_2026_layer_and_unconfirmed()
    {
        Assert.Equal(new YearMonth(2015, 1), Hyogo2025.Under70TableFor(new YearMonth(2026, 9))!.From);
        var v = Hyogo2026.Under70TableFor(new YearMonth(2026, 8))!;
        Assert.Equal((new YearMonth(2026, 8), 85800L), (v.From, v.Table.U.Base));
        Assert.Equal(80100L, Hyogo2026.Under70TableFor(new YearMonth(2026, 7))!.Table.U.Base);
        Assert.All(Hyogo2026.ParameterTable.All.Where(p => p.Path.Contains(".2026-08.", StringComparison.Ordinal) && !p.Path.EndsWith(".name", StringComparison.Ordinal)),
            p => Assert.False(p.Confirmed, p.Path));
    }

    [Fact]
    public void The_prefecture_lists_its_41_municipalities_with_valid_codes()
    {
        var m = Hyogo2025.Parameters.Continuity.Municipalities;

        Assert.Equal(41, m.Count);
        Assert.Contains(new Municipality("amagasaki", "尼崎市", "282022"), m);
        Assert.Contains(new Municipality("kobe", "神戸市", "281000"), m);
        Assert.Contains(new Municipality("nishinomiya", "西宮市", "282049"), m);
        Assert.All(m, x => Assert.True(RuleSetManifest.IsLocalGovernmentCode(x.LocalGovernmentCode), x.Id));
        Assert.Equal((RuleSetLayerKind.Prefecture, Hyogo), (Hyogo2025.ParameterTable["continuity.municipalities"].Layer, Hyogo2025.ParameterTable["continuity.municipalities"].File));
    }

    [Theory]
    [InlineData("amagasaki")]
    [InlineData("282022")]
    [InlineData("nishinomiya")]   // no rule set of its own of any capability: known from the prefecture's list
    [InlineData("hyogo")]
    [InlineData("280003")]
    public void A_city_named_by_id_or_code_is_served_by_its_prefectures_rule_set(string insurer) =>
        Assert.Equal("hyogo", TestRuleSets.Catalog.ServingInsurer("highCost", insurer));

    [Theory]
    [InlineData("yokohama")]
    [InlineData("141003")]
    public void An_insurer_no_rule_set_knows_is_served_by_none(string insurer) =>
        Assert.Null(TestRuleSets.Catalog.ServingInsurer("highCost", insurer));

    [Fact]
    public void A_city_missing_from_the_list_is_found_by_the_prefecture_code_of_its_own_layer_of_another_capability()
    {
        using var root = new TempRuleSetRoot();
        foreach (var year in new[] { 2025, 2026 })
            root.EditJson($"hyogo/{year}/highCost/parameters.json", n =>
            {
                var list = n["continuity"]!["municipalities"]!["value"]!.AsArray();
                list.Remove(list.Single(x => (string?)x!["id"] == "amagasaki"));
            });
        var catalog = KokuhoRuleSets.Load([root.Root]);

        Assert.Equal("hyogo", catalog.ServingInsurer("highCost", "amagasaki"));   // its premium layer says 282022 → 28 = 兵庫県
        Assert.Equal("amagasaki", catalog.ServingInsurer("premium", "amagasaki"));
        Assert.DoesNotContain(catalog.Failures, f => f.Capability == "highCost");
        Assert.Null(catalog.ServingInsurer("highCost", "yokohama"));
    }

    [Theory]
    [InlineData(false, true, 0L, Under70Category.A)]          // undeclared income → ア
    [InlineData(true, true, 0L, Under70Category.O)]           // 住民税非課税世帯 → オ
    [InlineData(true, false, 9010001L, Under70Category.A)]
    [InlineData(true, false, 9010000L, Under70Category.I)]
    [InlineData(true, false, 6000000L, Under70Category.U)]
    [InlineData(true, false, 2100001L, Under70Category.U)]
    [InlineData(true, false, 2100000L, Under70Category.E)]
    [InlineData(true, false, 0L, Under70Category.E)]
    public void The_under_70_category_is_decided_by_the_workflow(bool declared, bool exempt, long baseIncome, Under70Category expected) =>
        Assert.Equal(expected, Hyogo2025.Under70Category.Decide(new CategoryFacts(declared, exempt, baseIncome, 0, false)));

    [Theory]
    [InlineData(false, 6900000L, false, Age70Category.GenekiIII)]
    [InlineData(false, 3800000L, false, Age70Category.GenekiII)]
    [InlineData(false, 1450000L, false, Age70Category.GenekiI)]
    [InlineData(false, 1449999L, false, Age70Category.General)]
    [InlineData(true, 0L, false, Age70Category.LowIncomeII)]
    [InlineData(true, 0L, true, Age70Category.LowIncomeI)]
    public void The_70_74_category_is_decided_by_the_workflow(bool exempt, long taxable, bool allZero, Age70Category expected) =>
        Assert.Equal(expected, Hyogo2025.Age70Category.Decide(new CategoryFacts(true, exempt, 0, taxable, allZero)));

    [Fact]
    public void A_version_not_keyed_by_a_care_month_is_refused_at_its_line()
    {
        using var root = new TempRuleSetRoot();
        root.ReplaceOnce(National, "\"2017-08\": {", "\"2017-8\": {");
        var catalog = KokuhoRuleSets.Load([root.Root]);

        Assert.Null(catalog.Find<HighCostRuleSet>("hyogo", 2025));
        var error = Assert.Single(Assert.Single(catalog.Failures, f => f.Capability == "highCost" && f.FiscalYear == 2025).Errors);
        Assert.Equal(National, error.File);
        Assert.StartsWith("$.limits.age70To74.2017-8.", error.JsonPath, StringComparison.Ordinal);
        Assert.True(error.Line > 0);
        Assert.Contains("not a care month", error.Message);
    }

    [Fact]
    public void A_many_times_limit_above_the_first_limit_is_refused_the_limit_never_rises_with_the_count()
    {
        using var root = new TempRuleSetRoot();
        root.EditJson(National, n => n["limits"]!["under70"]!["2015-01"]!["u"]!["manyTimes"]!["value"] = 90000);
        var catalog = KokuhoRuleSets.Load([root.Root]);

        var error = Assert.Single(Assert.Single(catalog.Failures, f => f.Capability == "highCost" && f.FiscalYear == 2025).Errors);
        Assert.Equal(("$.limits.under70.2015-01.u.manyTimes", National), (error.JsonPath, error.File));
        Assert.Contains("never rises", error.Message);
    }

    [Fact]
    public void A_municipality_of_another_prefecture_is_refused()
    {
        using var root = new TempRuleSetRoot();
        root.EditJson(Hyogo, n => n["continuity"]!["municipalities"]!["value"]!.AsArray()
            .Add(new System.Text.Json.Nodes.JsonObject { ["id"] = "yokohama", ["name"] = "横浜市", ["localGovernmentCode"] = "141003" }));
        var catalog = KokuhoRuleSets.Load([root.Root]);

        var error = Assert.Single(Assert.Single(catalog.Failures, f => f.Capability == "highCost" && f.FiscalYear == 2025).Errors);
        Assert.Equal(("$.continuity.municipalities", Hyogo), (error.JsonPath, error.File));
        Assert.Contains("not a municipality of the prefecture 280003", error.Message);
    }
}
