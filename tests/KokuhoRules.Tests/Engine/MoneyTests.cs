using KokuhoRules.Engine.Money;

namespace KokuhoRules.Tests.Engine;

public sealed class MoneyTests
{
    [Theory]
    [InlineData("0.0804", 201, 2500)]
    [InlineData("0.7", 7, 10)]
    [InlineData("0.30", 3, 10)]
    [InlineData("0.003", 3, 1000)]
    public void Ratios_are_parsed_exactly_from_decimal_text(string text, long numerator, long denominator)
    {
        var r = Ratio.FromDecimal(decimal.Parse(text, System.Globalization.CultureInfo.InvariantCulture));
        Assert.Equal((numerator, denominator), (r.Numerator, r.Denominator));
    }

    [Fact]
    public void Income_times_rate_times_months_is_exact_before_rounding()
    {
        // 1,250 × 8.04% × 7/12 = 58.625 and 1,250 × 8.04% × 12/12 = 100.5 exactly.
        var sevenMonths = (ExactYen.FromYen(1_250 * 7L) * Ratio.FromDecimal(0.0804m)).DividedBy(12);
        Assert.Equal(58, new Rounding(1, RoundingMode.Floor).Apply(sevenMonths));
        Assert.Equal(59, new Rounding(1, RoundingMode.Ceiling).Apply(sevenMonths));
        var year = (ExactYen.FromYen(1_250 * 12L) * Ratio.FromDecimal(0.0804m)).DividedBy(12);
        Assert.Equal(100, new Rounding(1, RoundingMode.Floor).Apply(year));
        Assert.Equal(101, new Rounding(1, RoundingMode.HalfUp).Apply(year));
        Assert.Equal(101, new Rounding(1, RoundingMode.Ceiling).Apply(year));
    }

    [Fact]
    public void Twelfths_that_add_up_to_a_whole_yen_stay_whole()
    {
        // 1/12 + 11/12 must be exactly 1, which decimal arithmetic would make 0.9999….
        var sum = ExactYen.FromYen(1).DividedBy(12) + ExactYen.FromYen(11).DividedBy(12);
        Assert.True(sum.IsWhole);
        Assert.Equal(1, sum.Floor());
    }

    [Theory]
    [InlineData(53_940, 100, RoundingMode.Floor, 53_900)]
    [InlineData(16_604, 10, RoundingMode.Ceiling, 16_610)]
    [InlineData(16_610, 10, RoundingMode.Ceiling, 16_610)]
    [InlineData(22_260, 100, RoundingMode.Floor, 22_200)]
    [InlineData(1_049, 100, RoundingMode.HalfUp, 1_000)]
    [InlineData(1_050, 100, RoundingMode.HalfUp, 1_100)]
    public void Rounding_to_a_unit(long yen, long unit, RoundingMode mode, long expected) =>
        Assert.Equal(expected, new Rounding(unit, mode).Apply(yen));

    [Fact]
    public void Large_incomes_do_not_overflow()
    {
        // The validator accepts incomes up to 10^11 yen; × 12 months × a 6-decimal rate stays exact.
        var amount = (ExactYen.FromYen(100_000_000_000L * 12) * Ratio.FromDecimal(0.123456m)).DividedBy(12);
        Assert.Equal(12_345_600_000, Rounding.FloorYen.Apply(amount));
    }
}
