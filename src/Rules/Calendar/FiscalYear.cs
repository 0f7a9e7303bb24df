using NodaTime;

namespace KokuhoRules.Rules.Calendar;

/// <summary>
/// A Japanese fiscal year (年度): April 1 of <see cref="Year"/> to March 31 of the next year.
/// Months are numbered 0 (April) to 11 (March) where a calculation keeps one bit per month.
/// </summary>
public readonly record struct FiscalYear(int Year)
{
    public LocalDate Start => new(Year, 4, 1);
    public LocalDate End => new(Year + 1, 3, 31);

    /// <summary>The month at index 0 (April) … 11 (March).</summary>
    public YearMonth Month(int index) => index < 9 ? new YearMonth(Year, index + 4) : new YearMonth(Year + 1, index - 8);

    /// <summary>The month of this year with calendar number <paramref name="calendarMonth"/> (1–12): April–December of <see cref="Year"/>, January–March of the next.</summary>
    public YearMonth MonthNumbered(int calendarMonth) => new(calendarMonth >= 4 ? Year : Year + 1, calendarMonth);

    /// <summary>The index of a month within the year, or -1 if it is outside.</summary>
    public int IndexOf(YearMonth month)
    {
        var index = (month.Year - Year) * 12 + month.Month - 4;
        return index is >= 0 and < 12 ? index : -1;
    }

    public bool Contains(LocalDate date) => date >= Start && date <= End;

    /// <summary>The fiscal year a date falls in.</summary>
    public static FiscalYear Of(LocalDate date) => new(date.Month >= 4 ? date.Year : date.Year - 1);

    public override string ToString() => $"FY{Year}";
}

/// <summary>
/// Ages as Japanese law counts them. Under 年齢計算ニ関スル法律 and 民法143条 a person attains an age at
/// the start of the day before the birthday (for 29 February births, on 28 February in common years);
/// the premium's 40/65 rules and the "as of 31 December / 31 March" tests use this legal age.
/// Entry into 後期高齢者医療 at 75 happens on the birthday itself and uses the calendar age.
/// </summary>
public static class Age
{
    /// <summary>Completed years on <paramref name="date"/>, counting a birthday from the birthday itself (−1 before birth).</summary>
    public static int CalendarAgeOn(LocalDate birthDate, LocalDate date)
    {
        if (date < birthDate) return -1;
        var years = date.Year - birthDate.Year;
        if (date.Month < birthDate.Month || (date.Month == birthDate.Month && date.Day < birthDate.Day)) years--;
        return years;
    }

    /// <summary>The legal age on <paramref name="date"/>: the age attained on the day before each birthday.</summary>
    public static int LegalAgeOn(LocalDate birthDate, LocalDate date) => CalendarAgeOn(birthDate, date.PlusDays(1));
}
