using KokuhoRules.Engine.Tracing;
using NodaTime;

namespace KokuhoRules.Rules.HighCost;

/// <summary>A month of a 70–74 person's year for the outpatient annual cap.</summary>
/// <param name="OutpatientBorne">The outpatient co-payments the person bore that month after the month's high-cost benefits (yen).</param>
/// <param name="Counted">The person was 70–74 and 一般 or 低所得Ⅱ/Ⅰ that month (a 現役並み month, or one before the 70–74 table applied, is left out).</param>
public sealed record OutpatientMonth(YearMonth CareMonth, long OutpatientBorne, bool Counted);

/// <summary>The outpatient annual cap of one person's year.</summary>
/// <param name="Borne">Σ of the counted months' outpatient co-payments borne (yen).</param>
/// <param name="Benefit">What the person bore above the cap (yen); 0 when not eligible on the reference date.</param>
public sealed record OutpatientAnnualCapResult(YearMonth From, YearMonth Until, long Borne, long Cap, long Benefit);

/// <summary>
/// 外来年間合算 (§B3): per person, the year from <c>outpatientAnnualCap.periodStartMonth</c> (August) to the month before it
/// (July; the reference date is its last day, or the date of death); only a person 一般 or 低所得Ⅱ/Ⅰ on the reference date;
/// the outpatient co-payments borne in the counted months after the monthly benefits, above <c>outpatientAnnualCap.amount</c>
/// (144,000), are paid back. Not yet answered by an endpoint.
/// </summary>
public static class OutpatientAnnualCap
{
    /// <summary>The cap year that ends with <paramref name="lastMonth"/> (July): its first month (August of the year before).</summary>
    public static YearMonth FirstMonth(HighCostRuleSet rs, YearMonth lastMonth) => lastMonth.PlusMonths(-11);

    /// <summary>Computes a person's annual cap for the year ending with <paramref name="lastMonth"/>.</summary>
    /// <exception cref="ArgumentException"><paramref name="lastMonth"/> is not the month before the period start, the year begins before <c>outpatientAnnualCap.from</c>, or a month lies outside the year or is given twice: the caller checks these first.</exception>
    public static OutpatientAnnualCapResult Compute(HighCostRuleSet rs, YearMonth lastMonth, bool eligibleOnReferenceDate, IReadOnlyList<OutpatientMonth> months, Trace? trace)
    {
        var p = rs.Parameters.OutpatientAnnualCap;
        if (lastMonth.PlusMonths(1).Month != p.PeriodStartMonth) throw new ArgumentException("the year of the cap ends in the month before outpatientAnnualCap.periodStartMonth", nameof(lastMonth));
        var first = FirstMonth(rs, lastMonth);
        if (first < HighCostRuleSetCompiler.ParseMonth(p.From)!.Value) throw new ArgumentException("the cap applies from outpatientAnnualCap.from", nameof(lastMonth));
        if (months.Any(m => m.CareMonth < first || m.CareMonth > lastMonth) || months.Select(m => m.CareMonth).Distinct().Count() != months.Count)
            throw new ArgumentException("each month of the year once", nameof(months));

        var borne = months.Where(m => m.Counted).Sum(m => m.OutpatientBorne);
        var benefit = eligibleOnReferenceDate ? Math.Max(0, borne - p.Amount) : 0;
        trace?.Add("calculation", "person", null, "outpatientAnnualCap",
            eligibleOnReferenceDate
                ? $"外来年間合算 ({first:uuuu-MM}〜{lastMonth:uuuu-MM}): 外来の自己負担 {borne:N0}円 − 年間上限 {p.Amount:N0}円 = 支給 {benefit:N0}円"
                : $"外来年間合算 ({first:uuuu-MM}〜{lastMonth:uuuu-MM}): 基準日に一般・低所得でないため対象外",
            benefit, parameters: TraceParameter.Of(rs.ParameterTable, "outpatientAnnualCap.amount", "outpatientAnnualCap.periodStartMonth"));
        return new OutpatientAnnualCapResult(first, lastMonth, borne, p.Amount, benefit);
    }
}
