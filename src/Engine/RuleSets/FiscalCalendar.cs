using NodaTime;

namespace KokuhoRules.Engine.RuleSets;

/// <summary>
/// The fiscal-year calendar rule sets are dated in: a fiscal year is named by the year it starts in
/// and starts on the first day of <see cref="StartMonth"/>. The engine takes it as a parameter; Japanese
/// public finance (会計年度, 地方自治法第208条) starts in April, <see cref="April"/>.
/// </summary>
public sealed record FiscalCalendar
{
    /// <summary>The calendar month (1–12) the fiscal year starts in.</summary>
    public int StartMonth { get; init; }

    /// <summary>April to March (地方自治法第208条第1項: 普通地方公共団体の会計年度は、毎年四月一日に始まり、翌年三月三十一日に終わる).</summary>
    public static FiscalCalendar April { get; } = new() { StartMonth = 4 };

    /// <summary>The first and last day of fiscal year <paramref name="fiscalYear"/>.</summary>
    public (LocalDate Start, LocalDate End) Bounds(int fiscalYear)
    {
        var start = new LocalDate(fiscalYear, StartMonth, 1);
        return (start, start.PlusYears(1).PlusDays(-1));
    }

    /// <summary>The fiscal year a date falls in.</summary>
    public int YearOf(LocalDate date) => date.Month >= StartMonth ? date.Year : date.Year - 1;
}
