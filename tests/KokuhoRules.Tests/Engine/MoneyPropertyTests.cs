using FsCheck;
using FsCheck.Xunit;
using KokuhoRules.Engine.Money;

namespace KokuhoRules.Tests.Engine;

/// <summary>
/// Invariants of the money arithmetic (src/Engine/Money). Expectations are stated with independent
/// integer arithmetic (cross-multiplication in 128 bits), never with the code under test: a rounding
/// down never exceeds the exact amount and is within one unit of it, a rounding up never falls below it
/// and is within one unit, 四捨五入 is within half a unit and takes the half up, and the exact
/// operations (sum, difference, ratio, multiple, division) have exactly the value of the fraction they state.
/// </summary>
[Properties(MaxTest = 300)]
public sealed class MoneyPropertyTests
{
    private static readonly long[] Units = [1, 10, 100, 1000];

    /// <summary>True when <paramref name="x"/> has exactly the value n/d (d &gt; 0).</summary>
    private static bool HasValue(ExactYen x, Int128 n, long d) => x.Denominator > 0 && x.Numerator * d == n * x.Denominator;

    [Property]
    public bool Rounding_down_never_exceeds_the_exact_amount_and_is_within_one_unit(NonNegativeInt numerator, PositiveInt denominator, byte unitPick)
    {
        var unit = Units[unitPick % Units.Length];
        var n = (long)numerator.Get * 37; // amounts up to ~80 billion twelfths: the size of real premiums
        var d = (long)denominator.Get;
        var r = new Rounding(unit, RoundingMode.Floor).Apply(ExactYen.FromFraction(n, d));
        // r·d ≤ n < (r + unit)·d, and r is a multiple of the unit.
        return r % unit == 0 && (Int128)r * d <= n && n < ((Int128)r + unit) * d;
    }

    [Property]
    public bool Rounding_up_never_falls_below_the_exact_amount_and_is_within_one_unit(NonNegativeInt numerator, PositiveInt denominator, byte unitPick)
    {
        var unit = Units[unitPick % Units.Length];
        var n = (long)numerator.Get * 37;
        var d = (long)denominator.Get;
        var r = new Rounding(unit, RoundingMode.Ceiling).Apply(ExactYen.FromFraction(n, d));
        // (r − unit)·d < n ≤ r·d, and r is a multiple of the unit.
        return r % unit == 0 && (Int128)r * d >= n && ((Int128)r - unit) * d < n;
    }

    [Property]
    public bool Half_up_is_within_half_a_unit_and_takes_the_half_up(NonNegativeInt numerator, PositiveInt denominator, byte unitPick)
    {
        var unit = Units[unitPick % Units.Length];
        var n = (long)numerator.Get * 37;
        var d = (long)denominator.Get;
        var r = new Rounding(unit, RoundingMode.HalfUp).Apply(ExactYen.FromFraction(n, d));
        // r − unit/2 ≤ n/d < r + unit/2, i.e. 2r·d − unit·d ≤ 2n < 2r·d + unit·d.
        Int128 twiceR = (Int128)r * 2 * d, width = (Int128)unit * d, twiceN = (Int128)n * 2;
        return r % unit == 0 && twiceR - width <= twiceN && twiceN < twiceR + width;
    }

    [Property]
    public bool Whole_yen_round_to_the_same_unit_as_the_exact_amount(NonNegativeInt yen, byte unitPick, byte modePick)
    {
        var rounding = new Rounding(Units[unitPick % Units.Length], (RoundingMode)(modePick % 3));
        return rounding.Apply((long)yen.Get) == rounding.Apply(ExactYen.FromYen(yen.Get));
    }

    [Property]
    public bool Floor_and_ceiling_bracket_any_fraction_of_either_sign(long numerator, PositiveInt denominator)
    {
        var d = (long)denominator.Get;
        var x = ExactYen.FromFraction(numerator, d);
        long floor = x.Floor(), ceiling = x.Ceiling();
        var whole = numerator % d == 0;
        return (Int128)floor * d <= numerator && numerator < ((Int128)floor + 1) * d
            && (Int128)ceiling * d >= numerator && ((Int128)ceiling - 1) * d < numerator
            && ceiling - floor == (whole ? 0 : 1) && x.IsWhole == whole;
    }

    [Property]
    public bool Sums_and_differences_are_exact(int a, PositiveInt b, int c, PositiveInt d)
    {
        var x = ExactYen.FromFraction(a, b.Get);
        var y = ExactYen.FromFraction(c, d.Get);
        Int128 bd = (Int128)b.Get * d.Get;
        return HasValue(x + y, (Int128)a * d.Get + (Int128)c * b.Get, (long)bd)
            && HasValue(x - y, (Int128)a * d.Get - (Int128)c * b.Get, (long)bd)
            && HasValue(x - y + y, a, b.Get);
    }

    [Property]
    public bool Ratio_products_multiples_and_divisions_are_exact(int yen, NonNegativeInt p, PositiveInt q, short factor, PositiveInt divisor)
    {
        var ratio = new Ratio(p.Get, q.Get);
        var x = ExactYen.FromYen(yen);
        return HasValue(x * ratio, (Int128)yen * p.Get, q.Get)
            && HasValue(ExactYen.Times(yen, p.Get, q.Get), (Int128)yen * p.Get, q.Get)
            && HasValue(x * factor, (Int128)yen * factor, 1)
            && HasValue(x.DividedBy(divisor.Get), yen, divisor.Get)
            && HasValue(x.DividedBy(divisor.Get) * divisor.Get, yen, 1);
    }

    [Property]
    public bool Ratios_are_in_lowest_terms_and_compare_by_value(NonNegativeInt a, PositiveInt b, NonNegativeInt c, PositiveInt d)
    {
        var x = new Ratio(a.Get, b.Get);
        var y = new Ratio(c.Get, d.Get);
        var expected = ((long)a.Get * d.Get).CompareTo((long)c.Get * b.Get);
        return (long)x.Numerator * b.Get == (long)a.Get * x.Denominator
            && System.Numerics.BigInteger.GreatestCommonDivisor(x.Numerator, x.Denominator) == 1
            && Math.Sign(x.CompareTo(y)) == expected;
    }
}
