using System.Globalization;

namespace KokuhoRules.Rules.Premium.Impact;

/// <summary>
/// The bands of a household's premium change (draft − base, yen) a budget meeting reads: unchanged (±0), and each way
/// 1–999, 1,000–4,999, 5,000–9,999, 10,000–49,999 and ≥ 50,000 yen. Band 0 is the largest fall, <see cref="Unchanged"/>
/// the middle, <see cref="Count"/> − 1 the largest rise; every difference falls in exactly one band.
/// </summary>
public static class ChangeBands
{
    /// <summary>The lower bounds (yen, of the change's size) of the bands above 1–999.</summary>
    public static readonly IReadOnlyList<long> Thresholds = [1_000, 5_000, 10_000, 50_000];

    /// <summary>Bands in all: each way one per threshold and 1–999, and unchanged.</summary>
    public static int Count => 2 * (Thresholds.Count + 1) + 1;

    /// <summary>The index of the unchanged band.</summary>
    public static int Unchanged => Thresholds.Count + 1;

    /// <summary>The band of a change of <paramref name="difference"/> yen.</summary>
    public static int Of(long difference)
    {
        if (difference == 0) return Unchanged;
        var size = difference == long.MinValue ? long.MaxValue : Math.Abs(difference);
        var k = 1;
        for (var i = 0; i < Thresholds.Count; i++) if (size >= Thresholds[i]) k = i + 2;
        return difference > 0 ? Unchanged + k : Unchanged - k;
    }

    /// <summary>The band's smallest and largest change (yen; null: unbounded).</summary>
    public static (long? From, long? To) Range(int band)
    {
        if (band == Unchanged) return (0, 0);
        var k = Math.Abs(band - Unchanged);
        long low = k == 1 ? 1 : Thresholds[k - 2];
        long? high = k - 1 < Thresholds.Count ? Thresholds[k - 1] - 1 : null;
        return band > Unchanged ? (low, high) : (high is null ? null : -high, -low);
    }

    /// <summary>The band as staff read it: <c>増 1,000〜4,999円</c>, <c>減 50,000円以上</c>, <c>変化なし (±0)</c>.</summary>
    public static string Label(int band)
    {
        if (band == Unchanged) return "変化なし (±0)";
        var k = Math.Abs(band - Unchanged);
        var low = k == 1 ? 1 : Thresholds[k - 2];
        var text = k - 1 < Thresholds.Count
            ? string.Create(CultureInfo.InvariantCulture, $"{low:N0}〜{Thresholds[k - 1] - 1:N0}円")
            : string.Create(CultureInfo.InvariantCulture, $"{low:N0}円以上");
        return (band > Unchanged ? "増 " : "減 ") + text;
    }
}
