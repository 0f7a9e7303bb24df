using KokuhoRules.Rules.Catalog;
using KokuhoRules.Rules.Premium;
using KokuhoRules.Tests.Support;
using NodaTime;

namespace KokuhoRules.Tests.Premium;

/// <summary>
/// 納期限 and holidays: a due date that falls on a day the offices are closed (土日, 国民の祝日, the city's
/// 年末年始) moves to the next business day (地方自治法第4条の2第4項), with the holidays as rule-set data.
/// </summary>
public sealed class InstallmentDueDateTests
{
    private static LocalDate Date(string iso) => NodaTime.Text.LocalDatePattern.Iso.Parse(iso).Value;

    [Fact]
    public void Amagasaki_2025_month_end_due_dates_on_weekends_and_at_the_year_end_move_to_the_next_business_day()
    {
        var slots = InstallmentSchedule.Slots(TestRuleSets.Amagasaki2025);

        Assert.Equal(
        [
            "2025-06-30", // Monday
            "2025-07-31", // Thursday
            "2025-09-01", // 31 August is a Sunday
            "2025-09-30",
            "2025-10-31",
            "2025-12-01", // 30 November is a Sunday
            "2026-01-05", // 31 December is a year-end holiday, 1 January a national one, 2–3 January year-end, 4 January a Sunday
            "2026-02-02", // 31 January is a Saturday
            "2026-03-02", // 28 February is a Saturday
            "2026-03-31",
        ], slots.Select(s => s.DueDate.ToString("uuuu-MM-dd", null)));
    }

    [Fact]
    public void A_moved_due_date_still_belongs_to_its_installment_month()
    {
        var december = InstallmentSchedule.Slots(TestRuleSets.Amagasaki2025)[6];

        Assert.Equal(7, december.Number);
        Assert.Equal(new YearMonth(2025, 12), december.Month);
        Assert.Equal(Date("2026-01-05"), december.DueDate);
    }

    [Fact]
    public void A_household_liable_until_December_is_billed_the_December_installment_even_though_it_falls_due_in_January()
    {
        // Turns 75 on 2026-01-10: insured up to December (liable for the month-ends April–December).
        var household = Households.Household(Households.Member("P1", "1951-01-10", Households.Income(1_200_000, pensionRevenue: 2_300_000, pensionIncome: 1_200_000)));
        var (response, failure) = TestRuleSets.Service.Assess(new AssessmentRequest { Insurer = "amagasaki", FiscalYear = 2025, Household = household }, trace: false);

        Assert.Null(failure);
        Assert.Equal(7, response!.Installments.Count); // June–December
        Assert.Equal(Date("2026-01-05"), response.Installments[^1].DueDate);
        Assert.Equal(response.AnnualPremium, response.Installments.Sum(i => i.Amount));
    }

    [Fact]
    public void In_every_rule_set_each_due_date_is_a_business_day_and_every_day_it_skipped_is_a_holiday()
    {
        foreach (var rs in TestRuleSets.Catalog.All<PremiumRuleSet>())
        {
            var p = rs.Parameters;
            var national = new HashSet<LocalDate>(p.Holidays.NationalHolidays);
            bool Closed(LocalDate d) => InstallmentSchedule.IsHoliday(d, national, p.Holidays.WeeklyHolidays, p.Installments.YearEndHolidays);
            foreach (var slot in InstallmentSchedule.Slots(rs))
            {
                var month = slot.Month;
                var scheduled = month.OnDayOfMonth(p.Installments.DueDayOfMonth == 0 ? month.Calendar.GetDaysInMonth(month.Year, month.Month) : p.Installments.DueDayOfMonth);
                Assert.True(slot.DueDate >= scheduled, $"{rs}: installment {slot.Number} is due before its day");
                Assert.False(Closed(slot.DueDate), $"{rs}: installment {slot.Number} is due on a holiday ({slot.DueDate:uuuu-MM-dd})");
                for (var d = scheduled; d < slot.DueDate; d = d.PlusDays(1))
                    Assert.True(Closed(d), $"{rs}: installment {slot.Number} skipped {d:uuuu-MM-dd}, a business day");
            }
        }
    }

    [Fact]
    public void The_first_due_date_that_starts_the_110_jo_no_2_time_limit_is_the_moved_one()
    {
        // FY2024: 30 June 2024 is a Sunday, so the first 納期 is 1 July 2024 (amagasaki/2024 is a draft: trial).
        var first = InstallmentSchedule.FirstDueDate(TestRuleSets.Get("amagasaki", 2024));
        Assert.Equal(Date("2024-07-01"), first);
    }
}

/// <summary>The installment schedule's own rules: the year of each month, a fixed due day, the amounts it accepts.</summary>
public sealed class InstallmentScheduleRuleTests
{
    private static IReadOnlyList<InstallmentSlot> SlotsWith(Action<TempRuleSetRoot> edit)
    {
        using var root = new TempRuleSetRoot();
        edit(root);
        root.MakeAllDrafts();
        return InstallmentSchedule.Slots(root.Premium());
    }

    [Fact]
    public void An_April_installment_falls_in_the_April_that_starts_the_fiscal_year_and_a_March_one_in_the_next_calendar_year()
    {
        var slots = SlotsWith(r => r.EditJson("amagasaki/2025/premium/parameters.json", p =>
            p["installments"]!["months"]!["value"] = new System.Text.Json.Nodes.JsonArray(4, 5, 3)));

        Assert.Equal(["2025-04-30", "2025-06-02", "2026-03-31"], slots.Select(s => s.DueDate.ToString("uuuu-MM-dd", null))); // 31 May 2025 is a Saturday
        Assert.Equal([new YearMonth(2025, 4), new YearMonth(2025, 5), new YearMonth(2026, 3)], slots.Select(s => s.Month));
    }

    [Fact]
    public void A_fixed_due_day_is_kept_and_moved_only_off_a_holiday()
    {
        var slots = SlotsWith(r => r.EditJson("amagasaki/2025/premium/parameters.json", p => p["installments"]!["dueDayOfMonth"]!["value"] = 25));

        // 25 June 2025 is a Wednesday; 25 October a Saturday → 27 October; 25 January 2026 a Sunday → 26 January.
        Assert.Equal(new LocalDate(2025, 6, 25), slots[0].DueDate);
        Assert.Equal(new LocalDate(2025, 10, 27), slots[4].DueDate);
        Assert.Equal(new LocalDate(2026, 1, 26), slots[7].DueDate);
    }

    [Fact]
    public void With_due_dates_left_on_holidays_the_month_end_stays_even_on_a_Sunday()
    {
        var slots = SlotsWith(r => r.ReplaceOnce("national/2025/premium/parameters.json", "\"value\": \"nextBusinessDay\"", "\"value\": \"unchanged\""));

        Assert.Equal(new LocalDate(2025, 8, 31), slots[2].DueDate);
        Assert.Equal(new LocalDate(2025, 12, 31), slots[6].DueDate);
    }

    [Fact]
    public void A_negative_amount_cannot_be_spread()
    {
        var slots = InstallmentSchedule.Slots(TestRuleSets.Amagasaki2025);

        Assert.Throws<ArgumentOutOfRangeException>(() => InstallmentSchedule.Spread(-1, slots, TestRuleSets.Amagasaki2025.Parameters.Installments));
        Assert.Empty(InstallmentSchedule.Spread(1_000, [], TestRuleSets.Amagasaki2025.Parameters.Installments));
    }
}
