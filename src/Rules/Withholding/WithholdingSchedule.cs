using KokuhoRules.Rules.Calendar;
using KokuhoRules.Rules.Premium;
using NodaTime;

namespace KokuhoRules.Rules.Withholding;

/// <summary>How a month's amount is collected.</summary>
public enum PaymentKind
{
    /// <summary>仮徴収 (April, June, August).</summary>
    Provisional,

    /// <summary>本徴収 (October, December, February).</summary>
    Definitive,

    /// <summary>普通徴収: an ordinary installment (期割) before withholding starts.</summary>
    Ordinary,
}

/// <summary>One month of a schedule.</summary>
/// <param name="Month">The pension month, or the month of an ordinary installment's due date.</param>
/// <param name="Amount">Yen.</param>
/// <param name="Installment">For an ordinary installment: its number (期) in the premium rule set; null for a pension month.</param>
/// <param name="DueDate">For an ordinary installment: its due date (納期限, moved off holidays); null for a pension month (the pension insurer's payment day).</param>
public sealed record ScheduleEntry(YearMonth Month, PaymentKind Kind, long Amount, int? Installment = null, LocalDate? DueDate = null);

/// <summary>The previous fiscal year, as far as the provisional amounts need it.</summary>
/// <param name="AnnualPremium">The previous year's annual premium (yen, ≥ 0).</param>
/// <param name="FebruaryWithheld">
/// What was withheld in the previous February: a positive amount for a continuing household, 0 when withholding
/// stopped during the previous year (no 仮徴収 this year), null when the household was not withheld last year at all
/// (a new start: 仮徴収 from the previous premium ÷ 6).
/// </param>
public sealed record PreviousYear(long AnnualPremium, long? FebruaryWithheld);

/// <summary>A household's withholding schedule for the year: every month with its kind and amount, and the totals.</summary>
/// <param name="Overpaid">
/// What the 仮徴収 withheld beyond the annual premium (yen, ≥ 0; then every 本徴収 is 0): the amount to refund, so that
/// provisional + definitive + ordinary − overpaid is always the annual premium.
/// </param>
/// <param name="StartMonth">The calendar month withholding starts; null for a schedule of ordinary installments only.</param>
public sealed record WithholdingScheduleResult(int? StartMonth, long AnnualPremium, IReadOnlyList<ScheduleEntry> Entries, long Overpaid)
{
    public long ProvisionalTotal => Entries.Where(e => e.Kind == PaymentKind.Provisional).Sum(e => e.Amount);
    public long DefinitiveTotal => Entries.Where(e => e.Kind == PaymentKind.Definitive).Sum(e => e.Amount);
    public long OrdinaryTotal => Entries.Where(e => e.Kind == PaymentKind.Ordinary).Sum(e => e.Amount);
}

/// <summary>
/// The withholding schedule of §A4–§A6: 仮徴収 from the start month (the previous February's amount, or the previous
/// premium ÷ 6 for a new start), leveled in June/August where the rule set says so (April starts only), the ordinary
/// installments of the premium rule set that fall before the start month (the premium's own
/// <see cref="InstallmentSchedule"/>: Amagasaki's June–September for an October start), and 本徴収 of what is left,
/// divided by three, floored to the rounding unit, the remainder on the rule set's remainder month.
/// </summary>
public static class WithholdingSchedule
{
    /// <summary>Builds the schedule.</summary>
    /// <param name="premium">The premium rule set of the same insurer and year (its installment months, unit and remainder).</param>
    /// <param name="startMonth">The calendar month withholding starts (one of <c>pensionMonths.startMonths</c>).</param>
    /// <param name="annualPremium">This year's annual premium (yen, ≥ 0).</param>
    /// <exception cref="ArgumentException">A start month that is not a start month, a negative amount, or a start that the previous year does not allow (a continuing household starts in April; one whose withholding stopped last year only in October).</exception>
    public static WithholdingScheduleResult Build(WithholdingRuleSet rs, PremiumRuleSet premium, int startMonth, long annualPremium, PreviousYear previous)
    {
        var p = rs.Parameters;
        Check(p, startMonth, annualPremium, previous);
        var fy = new FiscalYear(rs.FiscalYear);
        var start = FiscalIndex(startMonth);
        var entries = new List<ScheduleEntry>();

        var ordinary = OrdinaryBefore(premium, annualPremium, fy, start);
        entries.AddRange(ordinary);

        var provisionalMonths = p.PensionMonths.Provisional.Where(m => FiscalIndex(m) >= start).ToArray();
        var provisional = Provisional(p, provisionalMonths, annualPremium, previous);
        for (var i = 0; i < provisionalMonths.Length; i++)
            entries.Add(new ScheduleEntry(MonthOf(fy, provisionalMonths[i]), PaymentKind.Provisional, provisional[i]));

        var rest = annualPremium - ordinary.Sum(e => e.Amount) - provisional.Sum();
        var definitive = Definitive(p, Math.Max(rest, 0));
        for (var i = 0; i < definitive.Length; i++)
            entries.Add(new ScheduleEntry(MonthOf(fy, p.PensionMonths.Definitive[i]), PaymentKind.Definitive, definitive[i]));

        entries.Sort((a, b) => a.Month.CompareTo(b.Month));
        return new WithholdingScheduleResult(startMonth, annualPremium, entries, Math.Max(-rest, 0));
    }

    private static void Check(WithholdingParameters p, int startMonth, long annualPremium, PreviousYear previous)
    {
        if (annualPremium < 0) throw new ArgumentException("the annual premium cannot be negative", nameof(annualPremium));
        if (previous.AnnualPremium < 0 || previous.FebruaryWithheld < 0)
            throw new ArgumentException("the previous year's amounts cannot be negative", nameof(previous));
        if (StartMonthProblem(p, startMonth, previous) is { } problem) throw new ArgumentException(problem, nameof(startMonth));
    }

    /// <summary>
    /// Why withholding cannot start in <paramref name="startMonth"/> for a household with this previous year, or null
    /// when it can: the start months are the rule set's; a household withheld last February continues with the 仮徴収 of
    /// the first pension month; one whose withholding stopped last year has no 仮徴収 and starts with the 本徴収.
    /// </summary>
    public static string? StartMonthProblem(WithholdingParameters p, int startMonth, PreviousYear previous)
    {
        if (!p.PensionMonths.StartMonths.Contains(startMonth))
            return $"is not a month withholding can start in: the start months are {string.Join(", ", p.PensionMonths.StartMonths)}";
        var first = p.PensionMonths.Provisional[0];
        if (previous.FebruaryWithheld > 0 && startMonth != first)
            return $"a household withheld last February continues from month {first} (its 仮徴収), not from a later month";
        if (previous.FebruaryWithheld == 0 && p.PensionMonths.Provisional.Contains(startMonth))
            return $"nothing was withheld last February, so there is no 仮徴収: withholding may start with the 本徴収 (month {p.PensionMonths.Definitive[0]}), not in a 仮徴収 month";
        return null;
    }

    /// <summary>
    /// The start month when the request names none: a household withheld last February continues in the first 仮徴収
    /// month; any other starts with the first 本徴収 month (the standard start after the pension insurers' notice on the
    /// 4月1日 status, §A4).
    /// </summary>
    public static int DefaultStartMonth(WithholdingParameters p, PreviousYear previous) =>
        previous.FebruaryWithheld > 0 ? p.PensionMonths.Provisional[0] : p.PensionMonths.Definitive[0];

    /// <summary>
    /// The schedule of a household that does not pay through the pension: the premium's ordinary installments of the
    /// whole year (the same amounts <c>POST /v1/premium/assessments</c> gives for the annual assessment).
    /// </summary>
    public static WithholdingScheduleResult OrdinaryOnly(PremiumRuleSet premium, long annualPremium)
    {
        if (annualPremium < 0) throw new ArgumentException("the annual premium cannot be negative", nameof(annualPremium));
        return new WithholdingScheduleResult(null, annualPremium, OrdinaryBefore(premium, annualPremium, new FiscalYear(premium.FiscalYear), 12), 0);
    }

    /// <summary>The premium's ordinary installments due before the start (every one for a start of 12): the first slots of the whole year's spread.</summary>
    private static List<ScheduleEntry> OrdinaryBefore(PremiumRuleSet premium, long annualPremium, FiscalYear fy, int start)
    {
        var slots = InstallmentSchedule.Slots(premium);
        Span<long> amounts = stackalloc long[slots.Count];
        InstallmentSchedule.SpreadInto(annualPremium, amounts, premium.Parameters.Installments);
        var entries = new List<ScheduleEntry>();
        for (var i = 0; i < slots.Count; i++)
            if (start >= 12 || fy.IndexOf(slots[i].Month) is var k && k >= 0 && k < start)
                entries.Add(new ScheduleEntry(slots[i].Month, PaymentKind.Ordinary, amounts[i], slots[i].Number, slots[i].DueDate));
        return entries;
    }

    /// <summary>The 仮徴収 amounts of the months from the start (§A5), leveled where the rule set says so.</summary>
    private static long[] Provisional(WithholdingParameters p, int[] months, long annualPremium, PreviousYear previous)
    {
        var amounts = new long[months.Length];
        if (months.Length == 0) return amounts;
        var unit = p.Schedule.Rounding;
        var each = previous.FebruaryWithheld is { } february ? february : unit.Apply(previous.AnnualPremium / p.Provisional.NewAprilStartDivisor);
        Array.Fill(amounts, each);
        if (months.Length < 3) return amounts; // leveling adjusts June/August of an April start only
        switch (p.Schedule.LevelingMode)
        {
            case LevelingMode.JuneAndAugust:
                // Yatsushiro: ① = floor(previous annual ÷ 6); ② = floor((① × 3 − April) ÷ 2); June = August = ②.
                var first = unit.Apply(previous.AnnualPremium / p.Provisional.NewAprilStartDivisor);
                amounts[1] = amounts[2] = unit.Apply(Math.Max(first * 3 - amounts[0], 0) / 2);
                break;
            case LevelingMode.AugustOnly:
                // expydoc / Hidaka: August = annual ÷ 2 − April − June, so the 仮徴収 total is half the year's premium.
                amounts[2] = Math.Max(unit.Apply(annualPremium / 2) - amounts[0] - amounts[1], 0);
                break;
        }
        return amounts;
    }

    /// <summary>本徴収 (§A6): R ÷ 3 floored to the unit in each month, the remainder on the remainder month.</summary>
    private static long[] Definitive(WithholdingParameters p, long rest)
    {
        var months = p.PensionMonths.Definitive;
        var each = p.Schedule.Rounding.Apply(rest / months.Count);
        var amounts = new long[months.Count];
        Array.Fill(amounts, each);
        amounts[IndexOf(months, p.Schedule.RemainderMonth)] += rest - each * months.Count;
        return amounts;
    }

    private static int IndexOf(IReadOnlyList<int> list, int value)
    {
        for (var i = 0; i < list.Count; i++) if (list[i] == value) return i;
        return -1;
    }

    /// <summary>April = 0 … March = 11.</summary>
    private static int FiscalIndex(int calendarMonth) => (calendarMonth + 8) % 12;

    private static YearMonth MonthOf(FiscalYear fy, int calendarMonth) => fy.MonthNumbered(calendarMonth);
}
