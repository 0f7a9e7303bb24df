using System.Globalization;

namespace KokuhoRules.Engine.Money;

/// <summary>
/// An exact, non-negative rational number such as a levy rate (8.04% = 804/10000) or a reduction
/// ratio (7割 = 7/10). Parsed from the decimal text a rule set is written in, so no binary floating
/// point ever enters a money calculation.
/// </summary>
public readonly record struct Ratio : IComparable<Ratio>
{
    /// <summary>Creates a ratio, reduced to lowest terms.</summary>
    /// <exception cref="ArgumentOutOfRangeException">The denominator is not positive or the numerator is negative.</exception>
    public Ratio(long numerator, long denominator)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(numerator);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(denominator);
        var gcd = Gcd(numerator, denominator);
        Numerator = numerator / gcd;
        Denominator = denominator / gcd;
    }

    /// <summary>Greatest common divisor of two non-negative numbers (1 when both are 0).</summary>
    internal static long Gcd(long a, long b)
    {
        while (b != 0) (a, b) = (b, a % b);
        return a == 0 ? 1 : a;
    }

    public long Numerator { get; }
    public long Denominator { get; }

    public static Ratio Zero { get; } = new(0, 1);
    public static Ratio One { get; } = new(1, 1);

    /// <summary>The ratio 1 − this; defined for ratios not above one.</summary>
    public Ratio Complement => Numerator > Denominator
        ? throw new InvalidOperationException($"{this} is above one")
        : new Ratio(Denominator - Numerator, Denominator);

    /// <summary>Parses an exact decimal such as <c>0.0804</c>.</summary>
    public static Ratio FromDecimal(decimal value)
    {
        if (value < 0) throw new ArgumentOutOfRangeException(nameof(value), "A ratio cannot be negative.");
        var scale = value.Scale;
        if (scale > 12) throw new ArgumentOutOfRangeException(nameof(value), "A ratio may have at most 12 decimal places.");
        var denominator = (long)Math.Pow(10, scale);
        var numerator = decimal.ToInt64(value * denominator);
        return new Ratio(numerator, denominator);
    }

    /// <summary>Compares exactly (by cross-multiplication).</summary>
    public int CompareTo(Ratio other) => ((Int128)Numerator * other.Denominator).CompareTo((Int128)other.Numerator * Denominator);

    /// <summary>The value as a decimal (exact when the denominator is a power of ten).</summary>
    public decimal ToDecimal() => (decimal)Numerator / Denominator;

    /// <summary>Percent text, e.g. <c>8.04%</c>.</summary>
    public string ToPercentString() => (ToDecimal() * 100m).ToString("0.############", CultureInfo.InvariantCulture) + "%";

    public override string ToString() => ToDecimal().ToString("0.############", CultureInfo.InvariantCulture);
}
