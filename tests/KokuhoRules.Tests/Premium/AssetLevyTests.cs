using KokuhoRules.Rules.Catalog;
using KokuhoRules.Engine.RuleSets;
using KokuhoRules.Rules.Premium;
using KokuhoRules.Rules.Snapshots;
using KokuhoRules.Tests.Support;
using static KokuhoRules.Tests.Support.Households;

namespace KokuhoRules.Tests.Premium;

/// <summary>
/// 資産割 (asset levy) and the 所得割 rounded per member, on the test layers kushima/2025 (串間市: 資産割 19.2% /
/// 5% / 2.6%, components truncated to 100 yen) and shinjuku/2022 (新宿区: 所得割 per member). No published
/// example with a 固定資産税額 was found: the expected figures below are computed by hand from the rule
/// (地方税法第703条の4: 資産割額 = 被保険者に係る固定資産税額の合計 × 率, × liable months ÷ 12), each step written out.
/// </summary>
public sealed class AssetLevyTests
{
    private static PremiumRuleSet Kushima => TestRuleSets.Get("kushima", 2025);

    private static PremiumRuleSet Shinjuku => TestRuleSets.Get("shinjuku", 2022);

    private static MemberJson WithAssetTax(MemberJson m, long tax) => m with { FixedAssetTax = tax };

    /// <summary>A fresh compile of a layer (bundled national layers + test data), so a test may change its parameters.</summary>
    internal static PremiumRuleSet FreshCopy(string insurer, int fiscalYear)
    {
        var scan = KokuhoRuleSets.Scan([TestRuleSets.BundledRoot, TestRuleSets.TestDataRoot]);
        return PremiumRuleSetCompiler.Compile(scan.Sources.Single(s => s.Insurer == insurer && s.FiscalYear == fiscalYear));
    }

    [Fact]
    public void A_couple_with_fixed_asset_tax_pays_the_asset_levy_on_the_sum_of_their_taxes_in_every_component()
    {
        // P1 49 (所得 300万 → 算定基礎 257万, 固定資産税 85,300), P2 48 (所得 0, 固定資産税 12,345): both 介護 payers all year.
        // 軽減判定 300万 > 43万 + 56万 × 2 = 155万: none.
        var a = Kushima.Assess(Household(
            WithAssetTax(Member("P1", "1975-06-15", Income(3_000_000)), 85_300),
            WithAssetTax(Member("P2", "1977-01-10", NoIncome), 12_345)));

        Assert.Equal("none", a.ReductionClass);
        // 資産割 = (85,300 + 12,345) = 97,645 × rate, floored to 1 yen.
        Assert.Equal(18_747, a.Component("medical").AssetLevy);   // 97,645 × 19.2% = 18,747.84
        Assert.Equal(4_882, a.Component("support").AssetLevy);    // 97,645 × 5%   = 4,882.25
        Assert.Equal(2_538, a.Component("care").AssetLevy);       // 97,645 × 2.6% = 2,538.77
        // 医療 244,150 (257万 × 9.5%) + 18,747 + 53,000 (26,500 × 2) + 25,000 = 340,897 → 340,800 (100円未満切捨て)
        Assert.Equal(340_800, a.Component("medical").Amount);
        // 支援 56,540 + 4,882 + 12,600 + 6,000 = 80,022 → 80,000
        Assert.Equal(80_000, a.Component("support").Amount);
        // 介護 64,250 + 2,538 + 17,600 + 6,100 = 90,488 → 90,400
        Assert.Equal(90_400, a.Component("care").Amount);
        Assert.Equal(511_200, a.AnnualPremium);
    }

    [Fact]
    public void The_seven_tenths_reduction_reduces_the_per_capita_and_per_household_levies_but_not_the_asset_levy()
    {
        // Single, 35, no income (7割), 固定資産税 50,000.
        var a = Kushima.Assess(Household(WithAssetTax(Member("P1", "1990-06-15", NoIncome), 50_000)));

        Assert.Equal("7割", a.ReductionClass);
        var medical = a.Component("medical");
        Assert.Equal(9_600, medical.AssetLevy);                    // 50,000 × 19.2%, not reduced
        Assert.Equal(26_500 - 7_950 + (25_000 - 7_500), medical.Reduction); // 均等割 and 平等割 each to 30%
        Assert.Equal(25_000, medical.Amount);                      // 7,950 + 7,500 + 9,600 = 25,050 → 25,000
        Assert.Equal(6_100, a.Component("support").Amount);        // 1,890 + 1,800 + 2,500 = 6,190 → 6,100
        Assert.Equal(31_100, a.AnnualPremium);
    }

    [Fact]
    public void The_cap_applies_to_the_component_total_with_the_asset_levy()
    {
        // Single, 35, 所得 643万 → 算定基礎 600万: 医療 570,000 + 26,500 + 25,000 = 621,500, under the cap 660,000.
        var without = Kushima.Assess(Household(Member("P1", "1990-06-15", Income(6_430_000))));
        Assert.Equal(621_500, without.Component("medical").Amount);
        Assert.Equal(0, without.Component("medical").AssetLevy);

        // With 固定資産税 300,000: + 57,600 (19.2%) = 679,100 > 660,000.
        var with = Kushima.Assess(Household(WithAssetTax(Member("P1", "1990-06-15", Income(6_430_000)), 300_000)));
        var medical = with.Component("medical");
        Assert.Equal(57_600, medical.AssetLevy);
        Assert.Equal(679_100, medical.BeforeCap);
        Assert.Equal(660_000, medical.Amount);
        // 支援 132,000 + 15,000 + 6,300 + 6,000 = 159,300, under its cap.
        Assert.Equal(159_300, with.Component("support").Amount);
    }

    [Fact]
    public void A_member_insured_for_part_of_the_year_pays_the_asset_levy_for_those_months()
    {
        // Joins on 2025-10-15: liable October–March, 6 months. 固定資産税 120,000.
        var a = Kushima.Assess(Household(WithAssetTax(Member("P1", "1990-06-15", Income(2_000_000), acquired: "2025-10-15"), 120_000)));
        Assert.Equal(11_520, a.Component("medical").AssetLevy);   // 120,000 × 6/12 × 19.2%
        Assert.Equal(3_000, a.Component("support").AssetLevy);    // 120,000 × 6/12 × 5%
    }

    [Fact]
    public void Only_the_members_liable_for_the_care_component_carry_their_tax_into_its_asset_levy()
    {
        // P1 35 (not a 介護 payer) 固定資産税 100,000; P2 45 固定資産税 10,000.
        var a = Kushima.Assess(Household(
            WithAssetTax(Member("P1", "1990-06-15", Income(2_000_000)), 100_000),
            WithAssetTax(Member("P2", "1980-06-15", NoIncome), 10_000)));
        Assert.Equal(21_120, a.Component("medical").AssetLevy);   // 110,000 × 19.2%
        Assert.Equal(260, a.Component("care").AssetLevy);         // 10,000 × 2.6%
    }

    [Fact]
    public void A_rule_set_without_an_asset_rate_ignores_the_fact_and_leaves_the_field_out()
    {
        var plain = TestRuleSets.Amagasaki2025.Assess(Household(Member("P1", "1990-06-15", Income(2_000_000))));
        var withTax = TestRuleSets.Amagasaki2025.Assess(Household(WithAssetTax(Member("P1", "1990-06-15", Income(2_000_000)), 500_000)));
        Assert.All(withTax.Components, c => Assert.Null(c.AssetLevy));
        Assert.Equal(plain.AnnualPremium, withTax.AnnualPremium);
    }

    [Fact]
    public void The_trace_explains_the_asset_levy_with_its_rate_and_rounding()
    {
        var a = Kushima.Assess(Household(WithAssetTax(Member("P1", "1990-06-15", NoIncome), 50_000)), trace: true);
        var step = Assert.Single(a.Trace!, s => s.Item == "assetLevy" && s.Component == "medical");
        Assert.Equal(9_600, step.Yen);
        Assert.Contains("資産割 9,600円 = 固定資産税額 (50,000円×12/12) × 19.2%", step.Text);
        Assert.Contains("法定軽減その他の軽減の対象外", step.Text);
        Assert.Equal(["rates.medical.assetRate", "rounding.assetLevy"], step.Parameters!.Select(p => p.Path));
        var beforeCap = Assert.Single(a.Trace!, s => s.Item == "beforeCap" && s.Component == "medical");
        Assert.Contains("+ 資産割 9,600円", beforeCap.Text);
    }

    // ---- 所得割 rounded per member ------------------------------------------------------------------

    /// <summary>
    /// P1 41 (所得 1,234,567 → 算定基礎 804,567), P2 40 (所得 987,654 → 557,654); 軽減判定 2,222,221 &gt; 43万 + 52万 × 2: none.
    /// </summary>
    private static HouseholdJson TwoEarners() => Household(
        Member("P1", "1980-06-15", Income(1_234_567)),
        Member("P2", "1982-03-03", Income(987_654)));

    [Fact]
    public void Per_member_rounding_floors_each_members_income_levy_before_summing()
    {
        var a = Shinjuku.Assess(TwoEarners());
        Assert.Equal("none", a.ReductionClass);
        // 医療: 804,567 × 7.16% = 57,606.9972 → 57,606; 557,654 × 7.16% = 39,928.0264 → 39,928; Σ 97,534.
        Assert.Equal(97_534, a.Component("medical").IncomeLevy);
        Assert.Equal(97_534 + 2 * 42_100, a.Component("medical").Amount);
        // 支援: 18,344.1276 → 18,344; 12,714.5112 → 12,714; Σ 31,058.
        Assert.Equal(31_058, a.Component("support").IncomeLevy);
    }

    [Fact]
    public void Per_component_rounding_floors_the_households_sum_once()
    {
        var rs = FreshCopy("shinjuku", 2022);
        rs.Parameters.Rounding.IncomeLevyPer = IncomeLevyRoundingPer.Component;
        var a = rs.Assess(TwoEarners());
        // 医療: (804,567 + 557,654) = 1,362,221 × 7.16% = 97,535.0236 → 97,535: one yen more than per member.
        Assert.Equal(97_535, a.Component("medical").IncomeLevy);
        // 支援: 1,362,221 × 2.28% = 31,058.6388 → 31,058: here both ways agree.
        Assert.Equal(31_058, a.Component("support").IncomeLevy);
    }

    [Fact]
    public void Without_the_key_the_income_levy_is_rounded_per_component_as_before()
    {
        // adachi/2025 (sealed before the key existed) has no rounding.incomeLevyPer.
        var rs = TestRuleSets.Get("adachi", 2025);
        Assert.Null(rs.Parameters.Rounding.IncomeLevyPer);
        // 医療: 1,362,221 × 7.71% = 105,027.2391 → 105,027 (per member: 62,032.1157 → 62,032 + 42,995.1234 → 42,995 = 105,027).
        // 支援: 1,362,221 × 2.69% = 36,643.7449 → 36,643 (per member: 21,642.8523 + 15,000.8926 → 21,642 + 15,000 = 36,642).
        var a = rs.Assess(Household(Member("P1", "1980-06-15", Income(1_234_567)), Member("P2", "1982-03-03", Income(987_654))));
        Assert.Equal(36_643, a.Component("support").IncomeLevy);
    }

    [Fact]
    public void The_trace_names_each_members_rounded_income_levy()
    {
        var a = Shinjuku.Assess(TwoEarners(), trace: true);
        var step = Assert.Single(a.Trace!, s => s.Item == "incomeLevy" && s.Component == "medical");
        Assert.Contains("世帯員ごとの所得割", step.Text);
        Assert.Contains("P1 57,606円", step.Text);
        Assert.Contains("P2 39,928円", step.Text);
        Assert.Contains("rounding.incomeLevyPer", step.Parameters!.Select(p => p.Path));
    }

    [Fact]
    public void A_former_dependants_exempt_income_levy_is_that_members_own_rounded_income_levy()
    {
        // P2 a 旧被扶養者 (joined 2021-10-01 at 71: window to September 2023, all of FY2022; 所得割 exempt).
        // 所得割 per member as in TwoEarners: medical P1 57,606 + P2 39,928 = 97,534 before reliefs; the 旧被扶養者
        // relief takes P2's own 39,928, and half P2's 均等割 (42,100 → 21,050 charged, floored to 1 yen). No 平等割.
        // 軽減判定 2,222,221 > 43万 + 52万 × 2: none. Support (2.28%): P2's 12,714 and 13,200 → 6,600.
        var household = Household(
            Member("P1", "1980-06-15", Income(1_234_567)),
            Member("P2", "1950-05-05", Income(987_654), acquired: "2021-10-01").AsFormerDependant());
        var a = Shinjuku.Assess(household);
        Assert.Equal("none", a.ReductionClass);
        var medical = a.Component("medical");
        Assert.Equal(97_534, medical.IncomeLevy);
        Assert.Equal(39_928 + 21_050, medical.Relief(Relief.FormerDependant));
        Assert.Equal(57_606 + 42_100 + 21_050, medical.Amount);
        Assert.Equal(12_714 + 6_600, a.Component("support").Relief(Relief.FormerDependant));
    }

    [Fact]
    public void A_relief_on_one_member_is_taken_from_that_members_rounded_income_levy()
    {
        // P1 a 非自発的失業者 with 給与所得 only (separated 2022-03-31, code 11): relief from April 2022 all year.
        // P1 給与所得 1,234,567 deemed 30% = 370,370.1 → 総所得金額等 370,370 (the deemed 給与所得 is floored) − 43万 → 0.
        var household = Household(
            Member("P1", "1980-06-15", Income(1_234_567, salaryRevenue: 2_000_000, salaryIncome: 1_234_567)).Separated("2022-03-31"),
            Member("P2", "1982-03-03", Income(987_654)));
        var a = Shinjuku.Assess(household);
        var medical = a.Component("medical");
        Assert.Equal(97_534, medical.IncomeLevy);                         // before reliefs, as above
        Assert.Equal(57_606, medical.Relief(Relief.InvoluntaryUnemployment)); // P1's own rounded 所得割 removed
    }
}
