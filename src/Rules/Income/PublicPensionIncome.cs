using KokuhoRules.Engine.Money;

namespace KokuhoRules.Rules.Income;

/// <summary>
/// 公的年金等に係る雑所得 from 公的年金等の収入金額: the revenue less the 公的年金等控除額 (所得税法第35条第4項;
/// 65歳以上: 租税特別措置法第41条の15の3第1項), for a person whose other income (公的年金等に係る雑所得以外の
/// 合計所得金額) is at most 10,000,000 yen. The one conversion of the project (see <see cref="SalaryIncome"/>).
/// </summary>
/// <remarks>
/// Income years 2020 (令和2年分) onward, 国税庁 タックスアンサー No.1600. Under 65 (on 31 December of the income
/// year): up to 1,299,999 the revenue − 600,000; to 4,099,999 × 75% − 275,000; to 7,699,999 × 85% − 685,000;
/// to 9,999,999 × 95% − 1,455,000; from 10,000,000 − 1,955,000. 65 and over: up to 3,299,999 − 1,100,000, then
/// as under 65. Never below zero; a fraction of a yen is dropped (1円未満切捨て).
/// </remarks>
public static class PublicPensionIncome
{
    /// <summary>The first income year (暦年) this conversion knows: 令和2年分.</summary>
    public const int FirstIncomeYear = 2020;

    /// <summary>The legal reference shown beside a converted amount.</summary>
    public const string Reference = "所得税法第35条第4項, 租税特別措置法第41条の15の3第1項 (公的年金等控除; 他の所得1,000万円以下)";

    /// <summary>公的年金等 所得 (yen, never negative) of <paramref name="revenue"/>; <paramref name="aged65OrOver"/> on 31 December of <paramref name="incomeYear"/>.</summary>
    /// <exception cref="ArgumentOutOfRangeException">A negative revenue, or an income year before <see cref="FirstIncomeYear"/>.</exception>
    public static long FromRevenue(long revenue, bool aged65OrOver, int incomeYear)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(revenue);
        ArgumentOutOfRangeException.ThrowIfLessThan(incomeYear, FirstIncomeYear);
        var rows = aged65OrOver ? From65 : Under65;
        var row = 0;
        while (revenue > rows[row].RevenueUpTo) row++;
        return Math.Max(0, Rounding.FloorYen.Apply(ExactYen.Times(revenue, rows[row].Percent, 100)) - rows[row].LessYen);
    }

    /// <summary>
    /// One row of the table (国税庁 タックスアンサー No.1600): a revenue up to <see cref="RevenueUpTo"/> yen (and above
    /// the row before) gives revenue × <see cref="Percent"/>% − <see cref="LessYen"/>. The rows meet: each row's amount
    /// at its first yen equals the row before's at its last, so the income never jumps.
    /// </summary>
    private readonly record struct Row(long RevenueUpTo, long Percent, long LessYen);

    /// <summary>Under 65: 公的年金等控除額 600,000 yen up to 1,299,999, then 25% + 275,000, 15% + 685,000, 5% + 1,455,000, 1,955,000.</summary>
    private static readonly Row[] Under65 =
    [
        new(1_299_999, 100, 600_000),
        new(4_099_999, 75, 275_000),
        new(7_699_999, 85, 685_000),
        new(9_999_999, 95, 1_455_000),
        new(long.MaxValue, 100, 1_955_000),
    ];

    /// <summary>65 and over: 1,100,000 yen up to 3,299,999 (租税特別措置法第41条の15の3第1項), then as under 65.</summary>
    private static readonly Row[] From65 = [new(3_299_999, 100, 1_100_000), .. Under65[1..]];
}
