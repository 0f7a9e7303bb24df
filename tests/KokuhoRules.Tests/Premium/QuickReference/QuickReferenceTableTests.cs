using KokuhoRules.Rules.Premium;
using KokuhoRules.Rules.Premium.QuickReference;
using KokuhoRules.Tests.Support;

namespace KokuhoRules.Tests.Premium.QuickReference;

/// <summary>
/// The 保険料早見表 (<see cref="QuickReferenceTable"/>): rows against a published 早見表 (串間市 令和7年度, the golden
/// cases kushima-2025-*), every row equal to the assessment service's answer for the same household (a draft rule set
/// too), and the table's shape.
/// </summary>
public sealed class QuickReferenceTableTests
{
    /// <summary>串間市 令和7年度 早見表 (kokuho-keisan.com, kept as golden cases): one person, 給与収入 0 and 400万円, under 40 and 40–64.</summary>
    [Theory]
    [InlineData("single-under-40", 0, 19_000, "7割")]
    [InlineData("single-under-40", 4_000_000, 336_300, "none")]
    [InlineData("single-40-64", 4_000_000, 409_400, "none")]
    public void Rows_match_the_published_Kushima_table(string type, long revenue, long premium, string reductionClass)
    {
        var row = QuickReferenceTable.Row(TestRuleSets.Get("kushima", 2025), StandardHouseholds.Find(type)!, revenue);
        Assert.Equal(premium, row.AnnualPremium);
        Assert.Equal(reductionClass, row.ReductionClass);
        if (revenue == 4_000_000) Assert.Equal(2_760_000, row.Income);
    }

    /// <summary>Every row of every household type is what the assessment service answers for that household, on the published 2025 and the 2026 draft.</summary>
    [Theory]
    [InlineData(2025)]
    [InlineData(2026)]
    public void Every_row_is_the_services_answer_for_the_same_household(int year)
    {
        var rs = TestRuleSets.Catalog.Versions(PremiumRuleSetCompiler.CapabilityName, "amagasaki", year)[^1];
        foreach (var type in StandardHouseholds.All)
        {
            var table = QuickReferenceTable.Build((PremiumRuleSet)rs, type, new IncomeSteps(0, 6_000_000, 250_000));
            foreach (var row in table.Rows)
            {
                var (answer, failure) = TestRuleSets.Service.Assess(new AssessmentRequest
                {
                    Insurer = "amagasaki", FiscalYear = year, RulesetVersion = rs.Version, Trial = true,
                    Household = QuickReferenceTable.Household(type, year, row.Revenue),
                }, trace: false);
                Assert.Null(failure);
                Assert.True(answer!.AnnualPremium == row.AnnualPremium, $"{type.Id} {row.Revenue}: table {row.AnnualPremium}, service {answer.AnnualPremium}");
                Assert.Equal(answer.ReductionClass, row.ReductionClass);
                Assert.Equal(answer.Components.Select(c => c.Amount), row.Components.Select(c => c.Amount));
            }
        }
    }

    [Fact]
    public void A_table_has_a_row_per_step_the_premium_never_falls_and_the_reduction_ends_as_income_rises()
    {
        var table = QuickReferenceTable.Build(TestRuleSets.Amagasaki2025, StandardHouseholds.CoupleWithPreschoolChild);
        Assert.Equal(101, table.Rows.Count);
        Assert.Equal(Enumerable.Range(0, 101).Select(i => i * 100_000L), table.Rows.Select(r => r.Revenue));
        Assert.All(table.Rows.Zip(table.Rows.Skip(1)), p => Assert.True(p.Second.AnnualPremium >= p.First.AnnualPremium, $"{p.First.Revenue} → {p.Second.Revenue}"));
        Assert.Equal("7割", table.Rows[0].ReductionClass);
        Assert.Equal("none", table.Rows[^1].ReductionClass);
        Assert.True(table.Rows[^1].AtCap || table.Rows[^1].AnnualPremium > table.Rows[30].AnnualPremium);
    }

    [Fact]
    public void A_pension_household_sweeps_pension_revenue_with_the_65_deduction()
    {
        var table = QuickReferenceTable.Build(TestRuleSets.Amagasaki2025, StandardHouseholds.Couple65To74Pension, new IncomeSteps(1_000_000, 3_000_000, 1_000_000));
        Assert.Equal([0L, 900_000L, 1_900_000L], table.Rows.Select(r => r.Income));
        Assert.All(table.Rows, r => Assert.DoesNotContain(r.Components, c => c.Name == "care" && c.Amount > 0));
    }
}
