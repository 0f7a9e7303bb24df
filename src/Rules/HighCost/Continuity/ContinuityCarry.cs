using NodaTime;

namespace KokuhoRules.Rules.HighCost.Continuity;

/// <summary>A month of the move-out city's high-cost history of a household (高額該当情報).</summary>
/// <param name="BenefitPaid">A benefit was paid for the month (多数回 months and benefits applied at the window included).</param>
/// <param name="OutpatientOnly">The month's only benefit was the 70–74 per-person outpatient one (it does not count, §B5; carried all the same).</param>
public sealed record HistoryMonth(YearMonth CareMonth, bool BenefitPaid, bool OutpatientOnly);

/// <summary>
/// Which months of the move-out city's history pass to the move-in city (転出地市区町村高額該当情報, §B7): none unless
/// the household is continuous; else the benefit months from the first month carried across insurers (2018-04,
/// <c>manyTimes.carriedAcrossInsurersFrom</c>) that a 多数回 window of a care month from the move on can still reach
/// (the move's month and the <c>window − 1</c> before it), in care-month order.
/// </summary>
public static class ContinuityCarry
{
    /// <summary>The months carried, oldest first (a month given twice is carried once, as a benefit month if either says so).</summary>
    /// <param name="carriedFrom">The first care month ever carried across insurers.</param>
    /// <param name="windowMonths">The 多数回 window (the care month and the months before it, 12).</param>
    public static IReadOnlyList<HistoryMonth> Carried(bool continuous, LocalDate moveDate, IEnumerable<HistoryMonth> history, YearMonth carriedFrom, int windowMonths)
    {
        ArgumentNullException.ThrowIfNull(history);
        ArgumentOutOfRangeException.ThrowIfLessThan(windowMonths, 1);
        if (!continuous) return [];
        var moveMonth = moveDate.ToYearMonth();
        var earliest = moveMonth.OnDayOfMonth(1).PlusMonths(-(windowMonths - 1)).ToYearMonth();
        if (earliest < carriedFrom) earliest = carriedFrom;
        var byMonth = new SortedDictionary<YearMonth, HistoryMonth>();
        foreach (var m in history)
        {
            if (!m.BenefitPaid || m.CareMonth < earliest || m.CareMonth > moveMonth) continue;
            byMonth[m.CareMonth] = byMonth.TryGetValue(m.CareMonth, out var seen) ? seen with { OutpatientOnly = seen.OutpatientOnly && m.OutpatientOnly } : m;
        }
        return byMonth.Values.ToArray();
    }
}
