using System.Globalization;
using KokuhoRules.Engine.Money;

namespace KokuhoRules.Tests.Engine;

/// <summary>
/// Worked examples for the edges of the money arithmetic that the premium tests never reach: guards on
/// zero and negative denominators, amounts beyond 64 bits before division, negative differences,
/// 四捨五入 to one yen below the half, 12-place rates, and the display text. Every expectation is
/// worked out by hand in the test's comment.
/// </summary>
public sealed class MoneyExampleTests
{
    private static void AssertValue(Int128 numerator, long denominator, ExactYen actual)
    {
        Assert.True(actual.Denominator > 0, $"denominator {actual.Denominator}");
        Assert.True(actual.Numerator * denominator == numerator * actual.Denominator,
            $"expected {numerator}/{denominator}, got {actual.Numerator}/{actual.Denominator}");
    }

    [Theory]
    [InlineData(0)]
    [InlineData(-3)]
    public void A_fraction_or_division_by_a_non_positive_number_is_refused(long bad)
    {
        Assert.Equal("denominator", Assert.Throws<ArgumentOutOfRangeException>(() => ExactYen.FromFraction(1, bad)).ParamName);
        Assert.Equal("divisor", Assert.Throws<ArgumentOutOfRangeException>(() => ExactYen.FromYen(1).DividedBy(bad)).ParamName);
        Assert.Equal("denominator", Assert.Throws<ArgumentOutOfRangeException>(() => ExactYen.Times(1, 1, bad)).ParamName);
    }

    [Fact]
    public void Sums_of_unlike_fractions_use_the_least_common_denominator()
    {
        // 1/4 + 1/6 = 3/12 + 2/12 = 5/12; 5/6 − 1/4 = 10/12 − 3/12 = 7/12; 1/4 − 5/6 = −7/12.
        var quarter = ExactYen.FromFraction(1, 4);
        var sixth = ExactYen.FromFraction(1, 6);
        var sum = quarter + sixth;
        AssertValue(5, 12, sum);
        Assert.Equal(12, sum.Denominator);
        AssertValue(7, 12, ExactYen.FromFraction(5, 6) - quarter);
        var negative = quarter - ExactYen.FromFraction(5, 6);
        AssertValue(-7, 12, negative);
        Assert.Equal(-1, negative.Floor());
        Assert.Equal(0, negative.Ceiling());
        // Equal denominators add numerators: 3/7 + 2/7 = 5/7.
        AssertValue(5, 7, ExactYen.FromFraction(3, 7) + ExactYen.FromFraction(2, 7));
    }

    [Fact]
    public void Products_and_quotients_are_exact()
    {
        // 31,200 × 7/10 = 21,840; ÷ 12 = 1,820; × 5 = 9,100; Times(31,200, 5, 12) = 13,000.
        var reduced = ExactYen.FromYen(31_200) * new Ratio(7, 10);
        AssertValue(21_840, 1, reduced);
        AssertValue(1_820, 1, reduced.DividedBy(12));
        AssertValue(9_100, 1, reduced.DividedBy(12) * 5);
        AssertValue(13_000, 1, ExactYen.Times(31_200, 5, 12));
        // 7 × 3/4 = 21/4 (5.25); 7 ÷ 4 = 7/4.
        AssertValue(21, 4, ExactYen.FromYen(7) * new Ratio(3, 4));
        AssertValue(7, 4, ExactYen.FromYen(7).DividedBy(4));
        Assert.Equal(ExactYen.FromYen(0), ExactYen.Zero);
    }

    [Fact]
    public void Negative_amounts_floor_down_and_ceil_up()
    {
        // −7/2 = −3.5: floor −4, ceiling −3; −6/3 = −2 exactly: both −2; 7/2: floor 3, ceiling 4.
        Assert.Equal((-4L, -3L), (ExactYen.FromFraction(-7, 2).Floor(), ExactYen.FromFraction(-7, 2).Ceiling()));
        Assert.Equal((-2L, -2L), (ExactYen.FromFraction(-6, 3).Floor(), ExactYen.FromFraction(-6, 3).Ceiling()));
        Assert.Equal((3L, 4L), (ExactYen.FromFraction(7, 2).Floor(), ExactYen.FromFraction(7, 2).Ceiling()));
        Assert.True(ExactYen.FromFraction(-6, 3).IsWhole);
        Assert.False(ExactYen.FromFraction(-7, 2).IsWhole);
    }

    /// <summary>3·10^19 is beyond 64 bits (long.MaxValue ≈ 9.22·10^18); a tenth of it is not.</summary>
    private static readonly Int128 ThreeE19 = (Int128)3_000_000_000_000_000_000L * 10;

    [Fact]
    public void Numerators_beyond_64_bits_round_exactly()
    {
        const long ThreeE18 = 3_000_000_000_000_000_000L;
        // (3·10^19 + 7)/10 = 3·10^18 + 0.7: floor 3·10^18, ceiling 3·10^18 + 1.
        var above = ExactYen.FromFraction(ThreeE19 + 7, 10);
        Assert.Equal((ThreeE18, ThreeE18 + 1), (above.Floor(), above.Ceiling()));
        // 3·10^19/10 = 3·10^18 exactly.
        var whole = ExactYen.FromFraction(ThreeE19, 10);
        Assert.Equal((ThreeE18, ThreeE18), (whole.Floor(), whole.Ceiling()));
        // −(3·10^19 + 7)/10 = −3·10^18 − 0.7: floor −3·10^18 − 1, ceiling −3·10^18.
        var below = ExactYen.FromFraction(-(ThreeE19 + 7), 10);
        Assert.Equal((-ThreeE18 - 1, -ThreeE18), (below.Floor(), below.Ceiling()));
        var negativeWhole = ExactYen.FromFraction(-ThreeE19, 10);
        Assert.Equal((-ThreeE18, -ThreeE18), (negativeWhole.Floor(), negativeWhole.Ceiling()));
    }

    [Fact]
    public void Large_denominators_are_reduced_so_that_further_divisions_do_not_overflow()
    {
        // 6 / (4·10^9) = 3 / (2·10^9) in lowest terms.
        var x = ExactYen.FromFraction(6, 4_000_000_000);
        Assert.Equal((3, 2_000_000_000L), (x.Numerator, x.Denominator));
        // 10^12 yen × 1/10^12 ÷ 10^12 × 10^12 stays exactly 1 yen: unreduced, the denominator would be 10^24.
        var tiny = (ExactYen.FromYen(1_000_000_000_000) * Ratio.FromDecimal(0.000000000001m)).DividedBy(1_000_000_000_000) * 1_000_000_000_000;
        AssertValue(1, 1, tiny);
        Assert.Equal(1, tiny.Floor());
    }

    [Theory]
    [InlineData(233, 4, RoundingMode.HalfUp, 58)]   // 58.25 → 58 (below the half)
    [InlineData(233, 4, RoundingMode.Ceiling, 59)]  // 58.25 → 59
    [InlineData(233, 4, RoundingMode.Floor, 58)]    // 58.25 → 58
    [InlineData(235, 4, RoundingMode.HalfUp, 59)]   // 58.75 → 59
    [InlineData(117, 2, RoundingMode.HalfUp, 59)]   // 58.5 → 59 (the half goes up)
    public void Rounding_to_one_yen(long numerator, long denominator, RoundingMode mode, long expected) =>
        Assert.Equal(expected, new Rounding(1, mode).Apply(ExactYen.FromFraction(numerator, denominator)));

    [Theory]
    [InlineData(16_605, 10, RoundingMode.HalfUp, 16_610)]   // 1,660.5 tens → 1,661 tens
    [InlineData(16_604, 10, RoundingMode.HalfUp, 16_600)]
    [InlineData(16_609, 10, RoundingMode.Floor, 16_600)]
    [InlineData(1_001, 1000, RoundingMode.Ceiling, 2_000)]
    [InlineData(2_000, 1000, RoundingMode.Ceiling, 2_000)]
    [InlineData(1_499, 1000, RoundingMode.HalfUp, 1_000)]
    [InlineData(1_500, 1000, RoundingMode.HalfUp, 2_000)]
    [InlineData(999, 1000, RoundingMode.Floor, 0)]
    [InlineData(7, 1, RoundingMode.HalfUp, 7)]
    public void Rounding_whole_yen_to_a_unit(long yen, long unit, RoundingMode mode, long expected)
    {
        Assert.Equal(expected, new Rounding(unit, mode).Apply(yen));
        Assert.Equal(expected, new Rounding(unit, mode).Apply(ExactYen.FromYen(yen)));
    }

    [Fact]
    public void Fractions_round_to_a_unit_in_the_stated_direction()
    {
        // 53,949.5 to 100 yen: floor 53,900, ceiling 54,000, half up 53,900 (49.5 is below 50).
        var x = ExactYen.FromFraction(107_899, 2);
        Assert.Equal(53_900, new Rounding(100, RoundingMode.Floor).Apply(x));
        Assert.Equal(54_000, new Rounding(100, RoundingMode.Ceiling).Apply(x));
        Assert.Equal(53_900, new Rounding(100, RoundingMode.HalfUp).Apply(x));
        Assert.Equal(53_949, Rounding.FloorYen.Apply(x));
    }

    [Fact]
    public void An_undefined_rounding_mode_is_refused()
    {
        var rounding = new Rounding(100, (RoundingMode)7);
        Assert.Throws<InvalidOperationException>(() => rounding.Apply(ExactYen.FromYen(150)));
    }

    [Fact]
    public void The_allowed_units_are_one_ten_hundred_and_thousand_yen() =>
        Assert.Equal([1L, 10, 100, 1000], Rounding.AllowedUnits);

    [Fact]
    public void Display_text_groups_thousands_and_marks_fractions_as_approximate()
    {
        Assert.Equal("12,345", ExactYen.FromYen(12_345).ToString());
        Assert.Equal("≈12,345.67", ExactYen.FromFraction(1_234_567, 100).ToString());
        Assert.Equal("≈0.33", ExactYen.FromFraction(1, 3).ToString());
        Assert.Equal("2", ExactYen.FromFraction(6, 3).ToString());
    }

    [Theory]
    [InlineData(-1, 1, "numerator")]
    [InlineData(1, 0, "denominator")]
    [InlineData(1, -2, "denominator")]
    public void A_negative_ratio_or_a_non_positive_denominator_is_refused(long numerator, long denominator, string param) =>
        Assert.Equal(param, Assert.Throws<ArgumentOutOfRangeException>(() => new Ratio(numerator, denominator)).ParamName);

    [Fact]
    public void A_ratio_is_reduced_to_lowest_terms()
    {
        Assert.Equal((2L, 3L), (new Ratio(4, 6).Numerator, new Ratio(4, 6).Denominator));
        Assert.Equal((0L, 1L), (new Ratio(0, 5).Numerator, new Ratio(0, 5).Denominator));
        Assert.Equal(new Ratio(1, 1), Ratio.One);
        Assert.Equal(new Ratio(0, 7), Ratio.Zero);
    }

    [Fact]
    public void The_complement_of_a_ratio_is_one_minus_it()
    {
        Assert.Equal(new Ratio(3, 10), new Ratio(7, 10).Complement);
        Assert.Equal(Ratio.Zero, Ratio.One.Complement);
        Assert.Equal(Ratio.One, Ratio.Zero.Complement);
        var e = Assert.Throws<InvalidOperationException>(() => new Ratio(11, 10).Complement);
        Assert.Equal("1.1 is above one", e.Message);
    }

    [Theory]
    [InlineData("0", 0, 1)]
    [InlineData("0.000000000001", 1, 1_000_000_000_000)] // 12 decimal places: the most a rule set may write
    [InlineData("1.25", 5, 4)]
    [InlineData("12", 12, 1)]
    public void Decimals_parse_to_exact_ratios(string text, long numerator, long denominator)
    {
        var r = Ratio.FromDecimal(decimal.Parse(text, CultureInfo.InvariantCulture));
        Assert.Equal((numerator, denominator), (r.Numerator, r.Denominator));
    }

    [Fact]
    public void A_negative_decimal_or_one_with_more_than_12_places_is_refused()
    {
        var negative = Assert.Throws<ArgumentOutOfRangeException>(() => Ratio.FromDecimal(-0.5m));
        Assert.Equal("value", negative.ParamName);
        Assert.StartsWith("A ratio cannot be negative.", negative.Message);
        var tooFine = Assert.Throws<ArgumentOutOfRangeException>(() => Ratio.FromDecimal(0.0000000000001m));
        Assert.Equal("value", tooFine.ParamName);
        Assert.StartsWith("A ratio may have at most 12 decimal places.", tooFine.Message);
    }

    [Fact]
    public void Ratios_compare_by_value()
    {
        // 1/3 < 2/5 (5 < 6); 2/4 = 1/2; 3/4 > 2/3 (9 > 8).
        Assert.True(new Ratio(1, 3).CompareTo(new Ratio(2, 5)) < 0);
        Assert.Equal(0, new Ratio(2, 4).CompareTo(new Ratio(1, 2)));
        Assert.True(new Ratio(3, 4).CompareTo(new Ratio(2, 3)) > 0);
    }

    [Fact]
    public void Ratios_convert_to_decimal_and_percent_text()
    {
        Assert.Equal(0.0804m, Ratio.FromDecimal(0.0804m).ToDecimal());
        Assert.Equal(1.25m, new Ratio(5, 4).ToDecimal());
        Assert.Equal("8.04%", Ratio.FromDecimal(0.0804m).ToPercentString());
        Assert.Equal("0.0804", Ratio.FromDecimal(0.0804m).ToString());
        // 1/3 is shown to the 12 places a rule set may write.
        Assert.Equal("0.333333333333", new Ratio(1, 3).ToString());
        Assert.Equal("33.333333333333%", new Ratio(1, 3).ToPercentString());
    }
    [Fact]
    public void A_denominator_beyond_64_bits_is_an_overflow_never_a_wrapped_amount()
    {
        // 4,000,000,007 × 4,000,000,009 ≈ 1.6 × 10¹⁹ > long.MaxValue ≈ 9.22 × 10¹⁸: product, quotient and common
        // denominator each overflow; unchecked they would wrap to a wrong (negative) denominator.
        var a = ExactYen.FromFraction(1, 4_000_000_007);
        Assert.Throws<OverflowException>(() => a * new Ratio(1, 4_000_000_009));
        Assert.Throws<OverflowException>(() => a.DividedBy(4_000_000_009));
        Assert.Throws<OverflowException>(() => a + ExactYen.FromFraction(1, 4_000_000_009));
    }

    [Theory]
    [InlineData(1, RoundingMode.Floor, "1円未満切捨て")]
    [InlineData(100, RoundingMode.Ceiling, "100円未満切上げ")]
    [InlineData(1000, RoundingMode.HalfUp, "1,000円未満四捨五入")]
    public void A_rounding_is_described_as_a_clerk_says_it(long unit, RoundingMode mode, string said) =>
        Assert.Equal(said, new Rounding(unit, mode).Describe());
}
