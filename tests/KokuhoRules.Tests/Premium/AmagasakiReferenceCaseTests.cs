using KokuhoRules.Tests.Support;
using static KokuhoRules.Tests.Support.Households;

namespace KokuhoRules.Tests.Premium;

/// <summary>
/// Amagasaki FY2025 reference cases A1–A4 of ../shared/domain/premium.md §10: worked by hand from the
/// city's confirmed FY2025 rates (https://www.city.amagasaki.hyogo.jp/kurashi/kokuho/kokuho_sikumi/067keisan.html)
/// with the stated assumption that every line is floored to 1 yen. They are not published by the
/// city ([I]); they check the bundled rule set end to end under that assumption, which its rounding
/// parameters carry as confirmed: false.
/// </summary>
public sealed class AmagasakiReferenceCaseTests
{
    [Fact]
    public void A1_single_45_without_income_gets_7wari()
    {
        var a = TestRuleSets.Amagasaki2025.Assess(Household(Member("P1", "1980-06-15")));
        Assert.Equal("7割", a.ReductionClass);
        Assert.Equal(9_360 + 5_821, a.Component("medical").Amount);
        Assert.Equal(3_614 + 2_250, a.Component("support").Amount);
        Assert.Equal(3_639 + 1_778, a.Component("care").Amount);
        Assert.Equal(26_462, a.AnnualPremium);
    }

    [Fact]
    public void A2_four_person_household_with_preschool_child_no_reduction()
    {
        var a = TestRuleSets.Amagasaki2025.Assess(Household(
            Member("P1", "1983-05-10", Income(2_760_000, salaryRevenue: 4_000_000, salaryIncome: 2_760_000)),
            Member("P2", "1984-06-01", Income(450_000, salaryRevenue: 1_000_000, salaryIncome: 450_000)),
            Member("P3", "2015-01-20", acquired: "2015-01-20"),
            Member("P4", "2021-03-03", acquired: "2021-03-03")));
        Assert.Equal("none", a.ReductionClass);
        Assert.Equal(317_544, a.Component("medical").Amount);
        Assert.Equal(188_940, a.Component("medical").IncomeLevy);
        Assert.Equal(122_988, a.Component("support").Amount);
        Assert.Equal(100_692, a.Component("care").Amount);
        Assert.Equal(541_224, a.AnnualPremium);
    }

    [Fact]
    public void A3_high_income_single_is_capped_per_component()
    {
        var a = TestRuleSets.Amagasaki2025.Assess(Household(Member("P1", "1975-04-10", Income(12_000_000))));
        Assert.Equal(660_000, a.Component("medical").Amount);
        Assert.Equal(260_000, a.Component("support").Amount);
        Assert.Equal(170_000, a.Component("care").Amount);
        Assert.True(a.Component("medical").BeforeCap > 660_000);
        Assert.Equal(1_090_000, a.AnnualPremium);
    }

    [Fact]
    public void A4_three_person_household_gets_5wari_with_preschool_half()
    {
        var a = TestRuleSets.Amagasaki2025.Assess(Household(
            Member("P1", "1990-02-11", Income(1_320_000, salaryRevenue: 2_000_000, salaryIncome: 1_320_000)),
            Member("P2", "1992-03-05"),
            Member("P3", "2022-01-01", acquired: "2022-01-01")));
        Assert.Equal("5割", a.ReductionClass);
        Assert.Equal(71_556 + 39_000 + 9_702, a.Component("medical").Amount);
        Assert.Equal(27_768 + 15_060 + 3_750, a.Component("support").Amount);
        Assert.Equal(0, a.Component("care").Amount);
        Assert.Equal(166_836, a.AnnualPremium);
    }
}
