using KokuhoRules.Engine.Money;

namespace KokuhoRules.Rules.Income;

/// <summary>
/// 給与所得 from 給与収入: the salary revenue less the 給与所得控除 (所得税法第28条第2項・第3項), for a revenue under
/// 6,600,000 yen as 所得税法別表第五 gives it (同条第4項: the table, not the formula). The one conversion of
/// the project: the premium contract takes 所得 (<c>salaryIncome</c>), and a caller that has only 収入 (the
/// 保険料早見表, <see cref="Premium.QuickReference.QuickReferenceTable"/>) converts here.
/// </summary>
/// <remarks>
/// Income years 2020 (令和2年分) onward: the minimum deduction 550,000 yen (令和2年度税制改正); from 2025
/// (令和7年分, 令和7年度税制改正) the minimum 650,000 yen for a revenue up to 1,900,000 yen. 別表第五 below
/// 6,600,000: below the minimum + 1,000 nothing, then up to 1,618,999 the revenue less the minimum; 1,619,000–1,627,999 the table's four steps; from
/// 1,628,000 A = the revenue ÷ 4, 1,000 yen and below dropped, and A × 2.4 + 100,000 (to 1,799,999),
/// A × 2.8 − 80,000 (to 3,599,999), A × 3.2 − 440,000 (to 6,599,999) — 国税庁 タックスアンサー No.1410.
/// From 6,600,000: revenue × 90% − 1,100,000 (to 8,500,000), revenue − 1,950,000 above; a fraction of a yen
/// is dropped (1円未満切捨て). Not applied: 所得金額調整控除 (租税特別措置法第41条の3の3), which needs facts
/// (a dependant under 23, a disability, pension income) a revenue alone does not give.
/// </remarks>
public static class SalaryIncome
{
    /// <summary>The first income year (暦年) this conversion knows: 令和2年分.</summary>
    public const int FirstIncomeYear = 2020;

    /// <summary>The legal reference shown beside a converted amount.</summary>
    public const string Reference = "所得税法第28条第2項・第3項・別表第五 (給与所得控除; 令和7年分以降は最低65万円)";

    /// <summary>給与所得 (yen, never negative) of <paramref name="revenue"/> earned in <paramref name="incomeYear"/>.</summary>
    /// <exception cref="ArgumentOutOfRangeException">A negative revenue, or an income year before <see cref="FirstIncomeYear"/>.</exception>
    public static long FromRevenue(long revenue, int incomeYear)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(revenue);
        ArgumentOutOfRangeException.ThrowIfLessThan(incomeYear, FirstIncomeYear);
        var minimum = MinimumDeduction(incomeYear);
        if (revenue >= 6_600_000) return AboveTable(revenue);
        if (revenue < minimum + 1_000) return 0; // 別表第五: 551,000円 (令和7年分から651,000円) 未満は0
        if (revenue < MinimumDeductionBelow(incomeYear)) return revenue - minimum;
        if (revenue < 1_628_000) return TableSteps(revenue);
        var a = revenue / 4 / 1000 * 1000;
        var row = 0;
        while (revenue >= FormulaRows[row].RevenueBelow) row++; // below 6,600,000 here: the last row always ends it
        return a * FormulaRows[row].TimesTenths / 10 + FormulaRows[row].PlusYen;
    }

    /// <summary>The minimum 給与所得控除 of an income year: 550,000 yen to 2024, 650,000 yen from 2025.</summary>
    public static long MinimumDeduction(int incomeYear) => incomeYear >= 2025 ? 650_000 : 550_000;

    /// <summary>
    /// The revenue below which the deduction is the minimum: 1,619,000 yen to 2024 (別表第五's rows begin there),
    /// 1,900,000 yen from 2025 (令和7年度税制改正: 650,000 yen up to 1,900,000, and above it the rows were unchanged).
    /// </summary>
    private static long MinimumDeductionBelow(int incomeYear) => incomeYear >= 2025 ? 1_900_000 : 1_619_000;

    /// <summary>別表第五 from 1,619,000 to 1,627,999 yen (令和2年分〜令和6年分), rows of 1,000, 2,000, 2,000 and 4,000 yen.</summary>
    private static long TableSteps(long revenue) => revenue switch
    {
        < 1_620_000 => 1_069_000,
        < 1_622_000 => 1_070_000,
        < 1_624_000 => 1_072_000,
        _ => 1_074_000,
    };

    /// <summary>
    /// A row of 別表第五's formula (from 1,628,000 yen): a revenue below <see cref="RevenueBelow"/> (and from the row
    /// before's) gives A × <see cref="TimesTenths"/> ÷ 10 + <see cref="PlusYen"/>, A the revenue ÷ 4 with 1,000 yen and
    /// below dropped. The rows meet: at a row's first yen its amount equals the row before's formula there.
    /// </summary>
    private readonly record struct FormulaRow(long RevenueBelow, long TimesTenths, long PlusYen);

    private static readonly FormulaRow[] FormulaRows =
    [
        new(1_800_000, 24, 100_000),
        new(3_600_000, 28, -80_000),
        new(6_600_000, 32, -440_000),
    ];

    /// <summary>
    /// From 6,600,000 yen (第28条第3項第4号・第5号): the deduction is 10% of the revenue + 1,100,000 yen, at most
    /// 1,950,000 yen (from 8,500,000 yen) — so the income is the larger of 90% − 1,100,000 (a fraction of a yen
    /// dropped) and the revenue − 1,950,000.
    /// </summary>
    private static long AboveTable(long revenue) =>
        Math.Max(Rounding.FloorYen.Apply(ExactYen.Times(revenue, 9, 10)) - 1_100_000, revenue - 1_950_000);
}
