using System.Text.Json.Nodes;
using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;
using KokuhoRules.Rules.Income;
using KokuhoRules.Tests.Support;

namespace KokuhoRules.Tests.IncomeConversion;

/// <summary>
/// 給与所得 from 給与収入 (<see cref="SalaryIncome"/>): the rows of 所得税法別表第五 and the formula of 第28条第3項 as
/// 国税庁 タックスアンサー No.1410 publishes them, the cities' worked examples kept as golden cases, and properties.
/// </summary>
public sealed class SalaryIncomeTests
{
    /// <summary>国税庁 No.1410 (令和2年分以降): the 別表第五 rows and the formula's bands, income year 2024.</summary>
    [Theory]
    [InlineData(0, 0)]
    [InlineData(550_999, 0)]            // 551,000円未満: 0
    [InlineData(551_000, 1_000)]        // 551,000〜1,618,999: 収入 − 550,000
    [InlineData(1_618_999, 1_068_999)]
    [InlineData(1_619_000, 1_069_000)]  // 別表第五 1,619,000〜1,619,999
    [InlineData(1_619_999, 1_069_000)]
    [InlineData(1_620_000, 1_070_000)]  // 1,620,000〜1,621,999
    [InlineData(1_621_999, 1_070_000)]
    [InlineData(1_622_000, 1_072_000)]  // 1,622,000〜1,623,999
    [InlineData(1_623_999, 1_072_000)]  // 1,622,000〜1,623,999
    [InlineData(1_624_000, 1_074_000)]  // 1,624,000〜1,627,999
    [InlineData(1_627_999, 1_074_000)]
    [InlineData(1_628_000, 1_076_800)]  // A = 407,000; A × 2.4 + 100,000
    [InlineData(1_631_999, 1_076_800)]  // the same 4,000円 row
    [InlineData(1_799_999, 1_177_600)]  // A = 449,000; A × 2.4 + 100,000 (1,796,000〜1,799,999)
    [InlineData(1_800_000, 1_180_000)]  // A = 450,000; A × 2.8 − 80,000
    [InlineData(3_599_999, 2_437_200)]  // A = 899,000; A × 2.8 − 80,000
    [InlineData(3_600_000, 2_440_000)]  // A = 900,000; A × 3.2 − 440,000
    [InlineData(5_000_000, 3_560_000)]
    [InlineData(6_599_999, 4_836_800)]  // A = 1,649,000
    [InlineData(6_600_000, 4_840_000)]  // × 90% − 1,100,000
    [InlineData(8_499_999, 6_549_999)]  // × 90% = 7,649,999.1 → 7,649,999 − 1,100,000
    [InlineData(8_500_000, 6_550_000)]
    [InlineData(8_500_001, 6_550_001)]  // − 1,950,000 (控除の上限)
    [InlineData(10_000_000, 8_050_000)] // − 1,950,000 (上限)
    public void The_published_rows_for_2020_to_2024(long revenue, long income) =>
        Assert.Equal(income, SalaryIncome.FromRevenue(revenue, 2024));

    /// <summary>令和7年分から the minimum deduction is 650,000 yen up to a revenue of 1,900,000 (令和7年度税制改正); above it nothing changed.</summary>
    [Theory]
    [InlineData(650_000, 0)]
    [InlineData(1_000_000, 350_000)]
    [InlineData(1_628_000, 978_000)]
    [InlineData(1_899_999, 1_249_999)]
    [InlineData(1_900_000, 1_250_000)]
    [InlineData(4_000_000, 2_760_000)]
    public void The_2025_minimum_deduction(long revenue, long income) =>
        Assert.Equal(income, SalaryIncome.FromRevenue(revenue, 2025));

    /// <summary>Every golden case with both 給与収入 and 給与所得 (a city's published worked example) converts as published.</summary>
    [Fact]
    public void Every_published_worked_example_converts_as_published()
    {
        var checkedPairs = 0;
        foreach (var file in Directory.EnumerateFiles(TestRuleSets.GoldenRoot, "*.json"))
        {
            var request = JsonNode.Parse(File.ReadAllText(file))!["request"]!;
            var incomeYear = request["fiscalYear"]!.GetValue<int>() - 1;
            foreach (var member in request["household"]!["members"]!.AsArray())
                if (member!["income"] is { } income && income["salaryRevenue"] is { } revenue && income["salaryIncome"] is { } expected)
                {
                    Assert.True(expected.GetValue<long>() == SalaryIncome.FromRevenue(revenue.GetValue<long>(), incomeYear), Path.GetFileName(file));
                    checkedPairs++;
                }
        }
        Assert.True(checkedPairs >= 6, $"only {checkedPairs} published pairs");
    }

    [Property]
    public Property More_revenue_never_gives_less_income_and_income_never_exceeds_revenue() =>
        Prop.ForAll(Gen.Choose(0, 12_000_000).ToArbitrary(), Gen.Choose(1, 500_000).ToArbitrary(), Gen.Elements(2020, 2024, 2025, 2026).ToArbitrary(), (r, more, year) =>
        {
            var low = SalaryIncome.FromRevenue(r, year);
            var high = SalaryIncome.FromRevenue(r + more, year);
            return low >= 0 && low <= r && high >= low;
        });

    [Fact]
    public void An_income_year_before_2020_is_refused() =>
        Assert.Throws<ArgumentOutOfRangeException>(() => SalaryIncome.FromRevenue(1_000_000, 2019));

    /// <summary>
    /// The rows meet: across every edge of 別表第五 and the formula one more yen of revenue gives at most one more yen
    /// of income (the 4,000 yen rows step by up to 4,000 × 3.2 ÷ 4 = 3,200 at their first yen) and never less.
    /// </summary>
    [Theory]
    [InlineData(1_619_000, 2024)]
    [InlineData(1_628_000, 2024)]
    [InlineData(1_900_000, 2025)]
    [InlineData(6_600_000, 2024)]
    [InlineData(8_500_000, 2025)]
    public void Across_an_edge_one_more_yen_never_gives_less_and_never_more_than_a_rows_step(long edge, int incomeYear)
    {
        for (var r = edge - 3; r <= edge + 3; r++)
        {
            var step = SalaryIncome.FromRevenue(r + 1, incomeYear) - SalaryIncome.FromRevenue(r, incomeYear);
            Assert.True(step is >= 0 and <= 3_200, $"{r} → {r + 1} ({incomeYear}): {step}");
        }
    }

    [Fact]
    public void A_negative_revenue_is_refused() =>
        Assert.Equal("revenue", Assert.Throws<ArgumentOutOfRangeException>(() => SalaryIncome.FromRevenue(-1, 2025)).ParamName);
}
