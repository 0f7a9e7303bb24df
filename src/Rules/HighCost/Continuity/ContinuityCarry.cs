using NodaTime;

namespace KokuhoRules.Rules.HighCost.Continuity;

/// <summary>
/// Which months of the move-out city's history pass to the move-in city (転出地市区町村高額該当情報, §B7): none unless
/// the household is continuous; else the benefit months from the first month carried across insurers (2018-04,
/// <c>manyTimes.carriedAcrossInsurersFrom</c>) that a 多数回 window of a care month from the move on can still reach
/// (the move's month and the <c>window − 1</c> before it), in care-month order.
/// </summary>
public static class ContinuityCarry
{
    /// <summary>
    /// The months carried, oldest first, each as a history month of <c>POST /v1/high-cost/benefits</c> paid by the move-out
    /// city (<see cref="BenefitMonth.Insurer"/>); a month given twice is carried once with the benefits added (outpatient-only if both are).
    /// </summary>
    /// <param name="moveOutCity">The city whose history it is.</param>
    /// <param name="carriedFrom">The first care month ever carried across insurers.</param>
    /// <param name="windowMonths">The 多数回 window (the care month and the months before it, 12).</param>
    public static IReadOnlyList<BenefitMonth> Carried(bool continuous, LocalDate moveDate, IEnumerable<BenefitMonth> history, string moveOutCity, YearMonth carriedFrom, int windowMonths)
    {
        ArgumentNullException.ThrowIfNull(history);
        ArgumentOutOfRangeException.ThrowIfLessThan(windowMonths, 1);
        if (!continuous) return [];
        var moveMonth = moveDate.ToYearMonth();
        var earliest = moveMonth.OnDayOfMonth(1).PlusMonths(-(windowMonths - 1)).ToYearMonth();
        if (earliest < carriedFrom) earliest = carriedFrom;
        var byMonth = new SortedDictionary<YearMonth, BenefitMonth>();
        foreach (var m in history)
        {
            if (m.BenefitPaid <= 0 || m.CareMonth < earliest || m.CareMonth > moveMonth) continue;
            byMonth[m.CareMonth] = byMonth.TryGetValue(m.CareMonth, out var seen)
                ? seen with { BenefitPaid = seen.BenefitPaid + m.BenefitPaid, OutpatientOnly = seen.OutpatientOnly && m.OutpatientOnly }
                : m with { Insurer = moveOutCity };
        }
        return byMonth.Values.ToArray();
    }
}
