using KokuhoRules.Rules.Calendar;
using NodaTime;

namespace KokuhoRules.Tests.Calendar;

/// <summary>The fiscal year (年度, April–March): a calendar month number names one month of it.</summary>
public sealed class FiscalYearTests
{
    [Theory]
    [InlineData(4, 2025, 0)]
    [InlineData(12, 2025, 8)]
    [InlineData(1, 2026, 9)]
    [InlineData(3, 2026, 11)]
    public void A_calendar_month_number_names_the_month_of_the_fiscal_year(int calendarMonth, int year, int index)
    {
        var fy = new FiscalYear(2025);

        Assert.Equal(new YearMonth(year, calendarMonth), fy.MonthNumbered(calendarMonth));
        Assert.Equal(index, fy.IndexOf(fy.MonthNumbered(calendarMonth)));
        Assert.Equal(fy.Month(index), fy.MonthNumbered(calendarMonth));
    }
}
