using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;
using KokuhoRules.Rules.Income;

namespace KokuhoRules.Tests.IncomeConversion;

/// <summary>公的年金等所得 from 公的年金等収入 (<see cref="PublicPensionIncome"/>): 国税庁 タックスアンサー No.1600's table (他の所得1,000万円以下), a city's worked example, properties.</summary>
public sealed class PublicPensionIncomeTests
{
    [Theory]
    [InlineData(600_000, false, 0)]
    [InlineData(1_299_999, false, 699_999)]     // 60万1円〜129万9,999円: − 60万
    [InlineData(1_300_000, false, 700_000)]     // 130万〜409万9,999円: × 75% − 27.5万
    [InlineData(4_100_000, false, 2_800_000)]   // 410万〜769万9,999円: × 85% − 68.5万
    [InlineData(7_700_000, false, 5_860_000)]   // 770万〜999万9,999円: × 95% − 145.5万
    [InlineData(10_000_000, false, 8_045_000)]  // 1,000万円以上: − 195.5万
    [InlineData(1_100_000, true, 0)]
    [InlineData(2_000_000, true, 900_000)]      // 65歳以上 110万1円〜329万9,999円: − 110万
    [InlineData(3_300_000, true, 2_200_000)]    // 330万〜409万9,999円: × 75% − 27.5万
    [InlineData(1_200_000, true, 100_000)]      // 中央市 (E6, FY2024): 年金収入 120万 → 所得 10万
    public void The_published_table(long revenue, bool aged65OrOver, long income) =>
        Assert.Equal(income, PublicPensionIncome.FromRevenue(revenue, aged65OrOver, 2023));

    [Property]
    public Property More_revenue_never_gives_less_income_and_65_never_gives_more() =>
        Prop.ForAll(Gen.Choose(0, 12_000_000).ToArbitrary(), Gen.Choose(1, 500_000).ToArbitrary(), (r, more) =>
        {
            var under = PublicPensionIncome.FromRevenue(r, false, 2024);
            var over = PublicPensionIncome.FromRevenue(r, true, 2024);
            return under >= 0 && over >= 0 && over <= under && under <= r && PublicPensionIncome.FromRevenue(r + more, false, 2024) >= under
                   && PublicPensionIncome.FromRevenue(r + more, true, 2024) >= over;
        });

    /// <summary>The last yen of each row of No.1600 and the first of the next (each worked from the table by hand).</summary>
    [Theory]
    [InlineData(4_099_999, false, 2_799_999)]   // × 75% = 3,074,999.25 → 3,074,999 − 275,000
    [InlineData(7_699_999, false, 5_859_999)]   // × 85% = 6,544,999.15 → 6,544,999 − 685,000
    [InlineData(9_999_999, false, 8_044_999)]   // × 95% = 9,499,999.05 → 9,499,999 − 1,455,000
    [InlineData(3_299_999, true, 2_199_999)]    // 65歳以上: − 110万
    [InlineData(4_100_000, true, 2_800_000)]    // 65歳以上 410万〜: as under 65, × 85% − 68.5万
    [InlineData(12_000_000, true, 10_045_000)]  // 1,000万円以上: − 195.5万 at any age
    [InlineData(1_100_001, true, 1)]
    [InlineData(600_001, false, 1)]
    [InlineData(1_000_000, true, 0)]            // below the 65歳以上 minimum: nothing, never negative
    public void Each_rows_edges(long revenue, bool aged65OrOver, long income) =>
        Assert.Equal(income, PublicPensionIncome.FromRevenue(revenue, aged65OrOver, 2024));

    /// <summary>
    /// The rows meet (the deduction is continuous): across every edge of the table one more yen of revenue gives
    /// 0 or 1 more yen of income, never less and never a jump.
    /// </summary>
    [Theory]
    [InlineData(1_300_000)]
    [InlineData(3_300_000)]
    [InlineData(4_100_000)]
    [InlineData(7_700_000)]
    [InlineData(10_000_000)]
    public void Across_an_edge_of_the_table_one_more_yen_gives_at_most_one_more_yen(long edge)
    {
        foreach (var aged in new[] { false, true })
            for (var r = edge - 3; r <= edge + 3; r++)
            {
                var step = PublicPensionIncome.FromRevenue(r + 1, aged, 2024) - PublicPensionIncome.FromRevenue(r, aged, 2024);
                Assert.True(step is 0 or 1, $"{r} → {r + 1} (65+: {aged}): {step}");
            }
    }

    [Fact]
    public void A_negative_revenue_or_an_income_year_before_2020_is_refused()
    {
        Assert.Equal("revenue", Assert.Throws<ArgumentOutOfRangeException>(() => PublicPensionIncome.FromRevenue(-1, false, 2024)).ParamName);
        Assert.Equal("incomeYear", Assert.Throws<ArgumentOutOfRangeException>(() => PublicPensionIncome.FromRevenue(1_000_000, true, 2019)).ParamName);
        Assert.Equal(400_000, PublicPensionIncome.FromRevenue(1_000_000, false, PublicPensionIncome.FirstIncomeYear));
    }
}
