using System.Text.Json.Serialization;
using KokuhoRules.Rules.Calendar;
using NodaTime;

namespace KokuhoRules.Rules.Premium;

/// <summary>One installment (期) of 普通徴収: its number in the year's schedule, its due date (納期限) and amount.</summary>
/// <param name="Number">1 for the first installment of the schedule (第1期), and so on.</param>
/// <param name="DueDate">納期限, moved off holidays where the rule set says so.</param>
public sealed record InstallmentBill(int Number, LocalDate DueDate, long Amount);

/// <summary>A slot of the year's installment schedule, before an amount is put in it.</summary>
/// <param name="Number">1 for the first installment of the schedule (第1期), and so on.</param>
/// <param name="DueDate">納期限: the scheduled day, moved off holidays where the rule set says so.</param>
/// <param name="Scheduled">The month the installment belongs to (its 期の月); null: the month of the due date.</param>
public readonly record struct InstallmentSlot(int Number, LocalDate DueDate, YearMonth? Scheduled = null)
{
    /// <summary>The month the installment belongs to, even when its due date moved into the next month (12月31日 → 1月5日).</summary>
    public YearMonth Month => Scheduled ?? new YearMonth(DueDate.Year, DueDate.Month);
}

/// <summary>
/// 期割: the installment schedule of a fiscal year and how an amount is spread over it. Every
/// installment is a multiple of the rule set's unit except the one that takes the remainder (the
/// first or the last, as the rule set says), so the installments always add up to the amount.
/// </summary>
public static class InstallmentSchedule
{
    /// <summary>The year's installment slots (e.g. June–March), numbered from 1, with their due dates (computed once per rule set).</summary>
    public static IReadOnlyList<InstallmentSlot> Slots(PremiumRuleSet rs) => rs.InstallmentSlots;

    /// <summary>
    /// Builds the slots: each installment month of the year on the rule set's due day (0: the month's last
    /// day), then, where the national layer says so (地方自治法第4条の2第4項), moved to the next day that is
    /// not a weekly holiday, a national holiday or one of the insurer's year-end holidays.
    /// </summary>
    internal static InstallmentSlot[] BuildSlots(FiscalYear fy, InstallmentParameters p, HolidayParameters holidays)
    {
        var closed = new HashSet<LocalDate>(holidays.NationalHolidays);
        var slots = new InstallmentSlot[p.Months.Count];
        for (var i = 0; i < slots.Length; i++)
        {
            var month = p.Months[i];
            var yearMonth = fy.MonthNumbered(month);
            var day = p.DueDayOfMonth == 0 ? CalendarSystem.Iso.GetDaysInMonth(yearMonth.Year, yearMonth.Month) : p.DueDayOfMonth;
            var due = yearMonth.OnDayOfMonth(day);
            if (holidays.DueDateOnHoliday == DueDateOnHoliday.NextBusinessDay)
                while (IsHoliday(due, closed, holidays.WeeklyHolidays, p.YearEndHolidays)) due = due.PlusDays(1);
            slots[i] = new InstallmentSlot(i + 1, due, yearMonth);
        }
        return slots;
    }

    /// <summary>Whether the offices are closed on a date: a weekly holiday, a national holiday or a year-end holiday of the insurer.</summary>
    public static bool IsHoliday(LocalDate date, IReadOnlySet<LocalDate> nationalHolidays, IReadOnlyList<IsoDayOfWeek> weekly, IReadOnlyList<MonthDay> yearEnd)
    {
        if (nationalHolidays.Contains(date)) return true;
        for (var i = 0; i < weekly.Count; i++) if (weekly[i] == date.DayOfWeek) return true;
        for (var i = 0; i < yearEnd.Count; i++) if (yearEnd[i].Month == date.Month && yearEnd[i].Day == date.Day) return true;
        return false;
    }

    /// <summary>The due date of the year's first installment (最初の納期), which starts the 110条の2 time limit.</summary>
    public static LocalDate FirstDueDate(PremiumRuleSet rs) => Slots(rs)[0].DueDate;

    /// <summary>
    /// Spreads a non-negative amount over slots: each a multiple of <c>unitYen</c>, the remainder on the
    /// first or last slot. Returns no installments when there are no slots.
    /// </summary>
    public static IReadOnlyList<InstallmentBill> Spread(long amount, IReadOnlyList<InstallmentSlot> slots, InstallmentParameters p)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(amount);
        if (slots.Count == 0) return [];
        Span<long> amounts = stackalloc long[slots.Count];
        SpreadInto(amount, amounts, p);
        var bills = new InstallmentBill[slots.Count];
        for (var i = 0; i < slots.Count; i++) bills[i] = new InstallmentBill(slots[i].Number, slots[i].DueDate, amounts[i]);
        return bills;
    }

    /// <summary>The amounts of <see cref="Spread"/>, into <paramref name="amounts"/> (one per slot; a batch spreads millions without allocating).</summary>
    public static void SpreadInto(long amount, Span<long> amounts, InstallmentParameters p)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(amount);
        if (amounts.Length == 0) return;
        var each = amount / amounts.Length / p.UnitYen * p.UnitYen;
        var remainder = amount - each * amounts.Length;
        amounts.Fill(each);
        amounts[p.RemainderTo == InstallmentRemainder.First ? 0 : amounts.Length - 1] += remainder;
    }

    /// <summary>
    /// The slots an amount assessed on <paramref name="asOf"/> is spread over: those not yet due (due
    /// after <paramref name="asOf"/>; all of them when it is null) and, where the rule set says so, not after
    /// the household's last liable month — but at least the first slot not yet due.
    /// </summary>
    public static IReadOnlyList<InstallmentSlot> OpenSlots(PremiumRuleSet rs, PremiumAssessment assessment, LocalDate? asOf)
    {
        var slots = Slots(rs);
        Span<int> open = stackalloc int[slots.Count];
        var count = OpenSlots(rs, slots, assessment, asOf, open);
        var result = new InstallmentSlot[count];
        for (var i = 0; i < count; i++) result[i] = slots[open[i]];
        return result;
    }

    /// <summary>
    /// <see cref="OpenSlots(PremiumRuleSet, PremiumAssessment, LocalDate?)"/> without allocating (a batch): the
    /// places among the rule set's <paramref name="slots"/> (computed once) of the open slots, into
    /// <paramref name="open"/> (as long as <paramref name="slots"/>); returns how many there are.
    /// </summary>
    public static int OpenSlots(PremiumRuleSet rs, IReadOnlyList<InstallmentSlot> slots, PremiumAssessment assessment, LocalDate? asOf, Span<int> open)
    {
        var count = 0;
        for (var i = 0; i < slots.Count; i++)
            if (asOf is null || slots[i].DueDate > asOf.Value) open[count++] = i;
        var last = assessment.LastLiableMonth;
        if (count == 0 || !rs.Parameters.Installments.OnlyWhileLiable || last is null) return count;
        var whileLiable = 0;
        for (var i = 0; i < count; i++)
            if (slots[open[i]].Month.CompareTo(last.Value) <= 0) open[whileLiable++] = open[i];
        // Liability that ends before the next installment (e.g. April only) is billed in that installment.
        return whileLiable > 0 ? whileLiable : 1;
    }
}

/// <summary>What is left to settle outside the installments: an extra bill, or a refund.</summary>
[JsonConverter(typeof(JsonStringEnumConverter<SettlementKind>))]
public enum SettlementKind
{
    None,
    /// <summary>追加の納付: more is owed and no installment is left to carry it.</summary>
    AdditionalBill,
    /// <summary>還付: more was billed (and due) than is owed.</summary>
    Refund,
}

/// <summary>An extra bill or a refund, in yen (always ≥ 0; the kind gives the direction).</summary>
public sealed record Settlement(SettlementKind Kind, long Amount)
{
    public static Settlement None { get; } = new(SettlementKind.None, 0);
}
