using System.Globalization;
using System.Numerics;

namespace KokuhoRules.Engine.Money;

/// <summary>
/// An exact amount of yen that may carry a fraction (for example 31,200 × 7/10 × 5/12) until a
/// stated rounding point turns it into whole yen with a <see cref="Rounding"/>. The numerator is a
/// 128-bit integer so that income × rate × months never overflows for any income the validators
/// accept.
/// </summary>
public readonly record struct ExactYen
{
    private ExactYen(Int128 numerator, long denominator)
    {
        Numerator = numerator;
        Denominator = denominator;
    }

    public Int128 Numerator { get; }
    public long Denominator { get; }

    public static ExactYen Zero => new(0, 1);

    public static ExactYen FromYen(long yen) => new(yen, 1);

    /// <summary>The exact amount <paramref name="numerator"/> / <paramref name="denominator"/> yen.</summary>
    public static ExactYen FromFraction(Int128 numerator, long denominator)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(denominator);
        return Normalize(numerator, denominator);
    }

    /// <summary>yen × numerator / denominator, exactly (e.g. an amount times a relief's remaining part).</summary>
    public static ExactYen Times(long yen, long numerator, long denominator) => FromFraction((Int128)yen * numerator, denominator);

    public bool IsWhole => Numerator % Denominator == 0;

    public static ExactYen operator +(ExactYen a, ExactYen b)
    {
        if (a.Denominator == b.Denominator) return new ExactYen(a.Numerator + b.Numerator, a.Denominator);
        var lcm = Lcm(a.Denominator, b.Denominator);
        return Normalize(a.Numerator * (lcm / a.Denominator) + b.Numerator * (lcm / b.Denominator), lcm);
    }

    public static ExactYen operator -(ExactYen a, ExactYen b) => a + new ExactYen(-b.Numerator, b.Denominator);

    public static ExactYen operator *(ExactYen a, Ratio r) => Normalize(a.Numerator * r.Numerator, checked(a.Denominator * r.Denominator));

    public static ExactYen operator *(ExactYen a, long factor) => new(a.Numerator * factor, a.Denominator);

    /// <summary>Divides exactly, e.g. by 12 for a monthly proration.</summary>
    public ExactYen DividedBy(long divisor)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(divisor);
        return Normalize(Numerator, checked(Denominator * divisor));
    }

    /// <summary>The largest whole number of yen not above this amount.</summary>
    public long Floor()
    {
        if (Numerator >= long.MinValue && Numerator <= long.MaxValue)
        {
            // The common case, in 64-bit arithmetic (128-bit division is a software routine).
            var n = (long)Numerator;
            var (quotient, remainder) = Math.DivRem(n, Denominator);
            return quotient - (remainder < 0 ? 1 : 0);
        }
        var q = Int128.DivRem(Numerator, Denominator);
        var floor = q.Quotient - (q.Remainder < 0 ? 1 : 0);
        return (long)floor;
    }

    /// <summary>The smallest whole number of yen not below this amount.</summary>
    public long Ceiling()
    {
        if (Numerator >= long.MinValue && Numerator <= long.MaxValue)
        {
            var n = (long)Numerator;
            var (quotient, remainder) = Math.DivRem(n, Denominator);
            return quotient + (remainder > 0 ? 1 : 0);
        }
        var q = Int128.DivRem(Numerator, Denominator);
        var ceiling = q.Quotient + (q.Remainder > 0 ? 1 : 0);
        return (long)ceiling;
    }

    private static ExactYen Normalize(Int128 numerator, long denominator)
    {
        if (denominator <= 1_000_000_000) return new ExactYen(numerator, denominator);
        var gcd = (long)BigInteger.GreatestCommonDivisor((BigInteger)numerator, denominator);
        return gcd <= 1 ? new ExactYen(numerator, denominator) : new ExactYen(numerator / gcd, denominator / gcd);
    }

    private static long Lcm(long a, long b) => checked(a / Ratio.Gcd(a, b) * b);

    /// <summary>Display text: whole yen as <c>12,345</c>, a fraction as <c>≈12,345.67</c>.</summary>
    public override string ToString()
    {
        if (IsWhole) return ((long)(Numerator / Denominator)).ToString("N0", CultureInfo.InvariantCulture);
        var value = (decimal)Numerator / Denominator;
        return "≈" + value.ToString("#,0.00", CultureInfo.InvariantCulture);
    }
}
