using KokuhoRules.Rules.Catalog;
using KokuhoRules.Rules.Premium;
using KokuhoRules.Tests.Support;

namespace KokuhoRules.Tests.Engine;

/// <summary>Rule names that refer to parameters (<c>{salaryEarner.salaryRevenueAbove}</c>) show the rule set's value, so they cannot lie.</summary>
public sealed class RuleNameTemplateTests
{
    private static string SalaryRule(PremiumRuleSet rs) => rs.SalaryEarner.Rules[0].Name;

    [Fact]
    public void A_rule_name_shows_the_value_of_the_parameter_it_refers_to_and_keeps_its_template()
    {
        var rule = TestRuleSets.Amagasaki2025.SalaryEarner.Rules[0];

        Assert.Equal("給与収入が550,000円を超える", rule.Name);
        Assert.Equal("給与収入が{salaryEarner.salaryRevenueAbove}円を超える", rule.NameTemplate);
        Assert.Equal("65歳以上で公的年金等収入が1,250,000円を超える", TestRuleSets.Amagasaki2025.SalaryEarner.Rules[2].Name);
    }

    [Fact]
    public void When_the_parameter_changes_the_rule_name_follows()
    {
        using var root = new TempRuleSetRoot();
        root.ReplaceOnce("national/2025/premium/parameters.json", "\"value\": 550000", "\"value\": 650000");
        root.MakeAllDrafts();

        var catalog = KokuhoRuleSets.Load([root.Root]);

        Assert.Empty(catalog.Failures);
        Assert.Equal("給与収入が650,000円を超える", SalaryRule(catalog.Premium("amagasaki", 2025)!));
    }

    [Fact]
    public void The_trace_names_the_rule_with_the_value()
    {
        var household = Households.Household(Households.Member("P1", "1980-04-10", Households.Income(1_000_000, salaryRevenue: 1_650_000, salaryIncome: 1_000_000)));
        var (response, failure) = TestRuleSets.Service.Assess(new AssessmentRequest { Insurer = "amagasaki", FiscalYear = 2025, Household = household }, trace: true);

        Assert.Null(failure);
        Assert.Contains(response!.Trace!, s => s.Item == "salaryEarner" && s.Rule?.Rule == "給与収入が550,000円を超える");
    }

    [Fact]
    public void A_rule_name_that_refers_to_no_parameter_is_refused_at_its_line()
    {
        using var root = new TempRuleSetRoot();
        root.ReplaceOnce("national/2025/premium/workflows.json", "{salaryEarner.salaryRevenueAbove}円", "{salaryEarner.salaryRevenueAboev}円");
        var line = root.LineContaining("national/2025/premium/workflows.json", "salaryRevenueAboev");
        root.MakeAllDrafts();

        var failure = Assert.Single(KokuhoRuleSets.Load([root.Root]).Failures, f => f.Concerns("amagasaki", 2025));

        var error = Assert.Single(failure.Errors);
        Assert.Equal(("national/2025/premium/workflows.json", line), (error.File, error.Line));
        Assert.EndsWith(".RuleName", error.JsonPath);
        Assert.Contains("'{salaryEarner.salaryRevenueAboev}', which is not a parameter of this rule set", error.Message);
    }
}
