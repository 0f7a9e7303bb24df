using KokuhoRules.Engine.Tracing;
using NodaTime;

namespace KokuhoRules.Rules.HighCost;

/// <summary>
/// 多数回該当 (§B5): the benefit months of the window (the care month and the months before it, <c>manyTimes.windowMonths</c> in
/// all) before the care month. A month counts when a benefit was paid or applied at the window (多数回 months included),
/// unless it had only the 70–74 outpatient per-person benefit; a month another city paid counts only from
/// <c>manyTimes.carriedAcrossInsurersFrom</c> (2018-04). Whether 低所得Ⅰ/Ⅱ have a 多数回 amount is the table's matter (none).
/// </summary>
public static class ManyTimesCount
{
    /// <summary>The benefit months that count, each month once.</summary>
    public static int PriorBenefitMonths(HighCostRuleSet rs, YearMonth careMonth, IReadOnlyList<BenefitMonth> history, Trace? trace)
    {
        var p = rs.Parameters.ManyTimes;
        var first = careMonth.PlusMonths(-(p.WindowMonths - 1));
        var carriedFrom = HighCostRuleSetCompiler.ParseMonth(p.CarriedAcrossInsurersFrom)!.Value;
        var counted = new SortedSet<YearMonth>();
        foreach (var h in history)
        {
            if (h.CareMonth < first || h.CareMonth >= careMonth || h.BenefitPaid <= 0) continue;
            if (h.OutpatientOnly)
            {
                trace?.Add("note", "household", null, "manyTimesExcluded", $"{h.CareMonth:uuuu-MM} は70〜74歳の外来 (個人単位) の支給のみのため多数回の月数に数えない");
                continue;
            }
            if (h.Insurer is not null && h.CareMonth < carriedFrom)
            {
                trace?.Add("note", "household", null, "manyTimesExcluded", $"{h.CareMonth:uuuu-MM} は他の市町の支給で {p.CarriedAcrossInsurersFrom} より前のため通算しない",
                    parameters: [TraceParameter.Of(rs.ParameterTable, "manyTimes.carriedAcrossInsurersFrom")]);
                continue;
            }
            counted.Add(h.CareMonth);
        }
        return counted.Count;
    }
}
