using KokuhoRules.Rules.Eligibility;
using NodaTime;

namespace KokuhoRules.Tests.Eligibility;

/// <summary>
/// Dates from events (issue 15 item 2, §C1/§C2), decided by the rule set's workflows: one case per event of §C1, the
/// in-prefecture move of §C2, and each date's rule cited with its reference.
/// </summary>
public sealed class EventDateTests
{
    private static EventFact Derive(string kind, LocalDate date, bool sameDayMoveInElsewhere = false) =>
        EventDates.Derive(EligibilityRuleSetTests.Hyogo2025, new LifeEvent("P1", kind, date), sameDayMoveInElsewhere);

    private static readonly LocalDate Day = new(2025, 9, 15);

    [Theory]
    [InlineData("moveIn", 0, "転入した日に取得")]                         // 転入: the day of moving in
    [InlineData("leftOtherInsurance", 0, "被用者保険の資格を失った日に取得")]   // 社保離脱: the day the other insurance is lost
    [InlineData("birth", 0, "生まれた日に取得")]                          // 出生: the date of birth
    [InlineData("publicAssistanceEnded", 0, "保護を受けなくなった日に取得")]  // 生保廃止: the day assistance ends
    [InlineData("leftNhiSociety", 0, "組合の被保険者でなくなった日に取得")]    // 国保組合脱退: that day
    public void An_acquisition_event_sets_the_acquisition_date_and_the_citys_application_start(string kind, int days, string rule)
    {
        var e = Derive(kind, Day);

        Assert.Equal((Day.PlusDays(days), Day.PlusDays(days), (LocalDate?)null), (e.AcquisitionDate, e.ApplicationStart, e.LossDate));
        // The basis is the acquisition date's rule (the event's own), not the application start's "from the acquisition date".
        Assert.Contains(rule, e.Basis);
        Assert.Contains("国民健康保険法第7条", e.Basis);
    }

    [Theory]
    [InlineData("death", 1)]                    // 死亡: the day after death
    [InlineData("joinedOtherInsurance", 1)]     // 社保加入: the day after joining (one day of overlap)
    [InlineData("moveOut", 1)]                  // 転出 (県外): the day after moving out
    [InlineData("publicAssistanceStarted", 0)]  // 生保開始: the day assistance starts (art. 8 para. 2)
    [InlineData("joinedNhiSociety", 0)]         // 国保組合加入: the day of joining
    [InlineData("lateElderly", 0)]              // 75歳到達: the 75th birthday itself
    public void A_loss_event_sets_the_loss_date(string kind, int days)
    {
        var e = Derive(kind, Day);

        Assert.Equal((Day.PlusDays(days), (LocalDate?)null, (LocalDate?)null), (e.LossDate, e.AcquisitionDate, e.ApplicationStart));
        Assert.False(string.IsNullOrWhiteSpace(e.Basis));
    }

    [Fact]
    public void A_move_out_of_the_prefecture_on_the_day_of_a_move_in_elsewhere_is_lost_that_day()
    {
        var e = Derive("moveOut", Day, sameDayMoveInElsewhere: true);

        Assert.Equal(Day, e.LossDate);
        Assert.Contains("転出、転入日が同日の場合は転出した日", e.Basis);
    }

    [Fact]
    public void A_move_within_the_prefecture_keeps_the_acquisition_date_and_starts_only_the_new_citys_application()
    {
        var moveIn = Derive("moveInWithinPrefecture", Day);
        var moveOut = Derive("moveOutWithinPrefecture", Day.PlusDays(-1));

        Assert.Equal(((LocalDate?)null, (LocalDate?)null, (LocalDate?)Day), (moveIn.AcquisitionDate, moveIn.LossDate, moveIn.ApplicationStart));
        // Only the application start is set, so the finding relying on it cites the start's rule: the new city applies from the move-in day.
        Assert.Contains("転入した日から転入先の市町が適用", moveIn.Basis);
        Assert.Equal(((LocalDate?)null, (LocalDate?)null, (LocalDate?)null), (moveOut.AcquisitionDate, moveOut.LossDate, moveOut.ApplicationStart));
        var rs = EligibilityRuleSetTests.Hyogo2025;
        Assert.Equal(EventDateRule.CarriedOver, rs.AcquisitionDate.Decide(new EventFacts("moveInWithinPrefecture", false)));
        Assert.Equal(EventDateRule.CarriedOver, rs.LossDate.Decide(new EventFacts("moveOutWithinPrefecture", false)));
    }

    [Fact]
    public void An_event_that_sets_no_date_falls_through_to_none()
    {
        var e = Derive("moveInElsewhere", Day);

        Assert.Equal(((LocalDate?)null, (LocalDate?)null, (LocalDate?)null, (string?)null), (e.AcquisitionDate, e.LossDate, e.ApplicationStart, e.Basis));
    }

    [Fact]
    public void A_premium_month_is_numbered_year_times_12_plus_month_minus_1_so_december_and_january_are_consecutive()
    {
        // September 2025: 2025 × 12 + 9 − 1 = 24,308, whatever the day; December 2025 is 24,311 and January 2026 24,312.
        Assert.Equal(24_308, EligibilityDates.MonthIndex(new LocalDate(2025, 9, 1)));
        Assert.Equal(24_308, EligibilityDates.MonthIndex(new LocalDate(2025, 9, 30)));
        Assert.Equal((24_311, 24_312), (EligibilityDates.MonthIndex(new LocalDate(2025, 12, 31)), EligibilityDates.MonthIndex(new LocalDate(2026, 1, 1))));
    }

    [Theory]
    [InlineData(EndDateConvention.LastDayApplied, "2025-09-14")]
    [InlineData(EndDateConvention.DayAfter, "2025-09-15")]
    public void The_end_date_convention_decides_what_appliedUntil_holds_for_a_move_in_on_the_15th(EndDateConvention convention, string appliedUntil)
    {
        var until = NodaTime.Text.LocalDatePattern.Iso.Parse(appliedUntil).Value;

        Assert.Equal(until, EligibilityDates.AppliedUntil(Day, convention));
        Assert.Equal(Day, EligibilityDates.EndExclusive(until, convention));
    }
}
