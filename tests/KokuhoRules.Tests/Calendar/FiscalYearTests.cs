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

    [Fact]
    public void A_fiscal_year_runs_from_1_april_to_31_march_of_the_next_year()
    {
        var fy = new FiscalYear(2025);

        Assert.Equal(new LocalDate(2025, 4, 1), fy.Start);
        Assert.Equal(new LocalDate(2026, 3, 31), fy.End);
        Assert.Equal("FY2025", fy.ToString());
        Assert.True(fy.Contains(new LocalDate(2025, 4, 1)));
        Assert.True(fy.Contains(new LocalDate(2026, 3, 31)));
        Assert.True(fy.Contains(new LocalDate(2025, 12, 31)));
        Assert.False(fy.Contains(new LocalDate(2025, 3, 31)));
        Assert.False(fy.Contains(new LocalDate(2026, 4, 1)));
    }

    [Theory]
    [InlineData(2025, 3)]   // the March before the year
    [InlineData(2026, 4)]   // the April after it (index 12)
    [InlineData(2024, 12)]
    [InlineData(2027, 1)]
    public void A_month_outside_the_year_has_no_index(int year, int month) =>
        Assert.Equal(-1, new FiscalYear(2025).IndexOf(new YearMonth(year, month)));

    [Theory]
    [InlineData(2026, 3, 31, 2025)]
    [InlineData(2026, 4, 1, 2026)]
    [InlineData(2026, 1, 1, 2025)]
    [InlineData(2025, 12, 31, 2025)]
    public void A_date_falls_in_the_fiscal_year_that_began_on_the_last_1_april(int year, int month, int day, int fiscalYear) =>
        Assert.Equal(new FiscalYear(fiscalYear), FiscalYear.Of(new LocalDate(year, month, day)));
}

/// <summary>
/// Ages as the law counts them (<see cref="Age"/>): the legal age is attained at the start of the day before the
/// birthday (年齢計算ニ関スル法律, 民法第143条), the calendar age on the birthday itself (後期高齢者医療 at 75).
/// </summary>
public sealed class AgeTests
{
    [Theory]
    [InlineData(1960, 4, 2, 2025, 4, 1, 64)]    // the day before the 65th birthday
    [InlineData(1960, 4, 2, 2025, 4, 2, 65)]    // the birthday
    [InlineData(1960, 4, 2, 2025, 3, 31, 64)]   // an earlier month
    [InlineData(1960, 4, 2, 2025, 5, 1, 65)]    // a later month, an earlier day of the month
    [InlineData(1960, 4, 20, 2025, 4, 19, 64)]  // the same month, the day before
    [InlineData(1960, 4, 20, 2025, 4, 21, 65)]  // the same month, a later day
    [InlineData(1960, 12, 31, 2025, 1, 1, 64)]
    [InlineData(2025, 6, 1, 2025, 6, 1, 0)]     // born that day
    [InlineData(2025, 6, 1, 2025, 5, 31, -1)]   // not yet born
    [InlineData(2000, 2, 29, 2025, 2, 28, 24)]  // 29 February: the calendar age turns on 1 March in a common year
    [InlineData(2000, 2, 29, 2025, 3, 1, 25)]
    public void The_calendar_age_counts_completed_years_from_the_birthday_itself(int by, int bm, int bd, int y, int m, int d, int age) =>
        Assert.Equal(age, Age.CalendarAgeOn(new LocalDate(by, bm, bd), new LocalDate(y, m, d)));

    [Theory]
    [InlineData(1960, 4, 2, 2025, 3, 31, 64)]
    [InlineData(1960, 4, 2, 2025, 4, 1, 65)]    // 65 from the day before the birthday
    [InlineData(1960, 4, 1, 2025, 3, 31, 65)]   // born 1 April: 65 on 31 March, in the fiscal year before
    [InlineData(2000, 2, 29, 2025, 2, 27, 24)]
    [InlineData(2000, 2, 29, 2025, 2, 28, 25)]  // 29 February: on 28 February in a common year
    [InlineData(2000, 2, 29, 2024, 2, 28, 24)]  // in a leap year the day before is 28 February too
    [InlineData(2000, 2, 29, 2024, 2, 27, 23)]
    public void The_legal_age_is_attained_on_the_day_before_the_birthday(int by, int bm, int bd, int y, int m, int d, int age) =>
        Assert.Equal(age, Age.LegalAgeOn(new LocalDate(by, bm, bd), new LocalDate(y, m, d)));
}
