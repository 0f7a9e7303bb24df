using KokuhoRules.Rules.Catalog;
using KokuhoRules.Rules.Premium;
using KokuhoRules.Rules.Snapshots;
using KokuhoRules.Rules.Withholding;
using KokuhoRules.Tests.Support;
using NodaTime;
using static KokuhoRules.Tests.Support.Households;

namespace KokuhoRules.Tests.Withholding;

/// <summary>
/// Stops of withholding (issue 13 item 3, §A8): one case per trigger, each with the stop month, the withheld total and
/// the new ordinary installments worked out by hand from the rules in the comments.
/// </summary>
/// <remarks>
/// The household of every case (unless the case says otherwise): head H (born 1952-06-01, 72) and wife W (1956-09-15, 68),
/// both insured; the head's pension 1,200,000 a year with 介護保険料 10,000 a payment; withheld last February 20,000;
/// this year's premium 132,000. Amagasaki FY2025 (no leveling), so the determination's schedule is
/// 仮徴収 Apr/Jun/Aug 20,000 each (= February) and 本徴収 (132,000 − 60,000) ÷ 3 = 24,000 in Oct/Dec/Feb.
/// Stops: a city notice takes effect in the first pension month at least 2 months after the change's month
/// (stops.timing.cityNoticeMonths), the pension insurer's own stop 1 month (stops.timing.pensionInsurerMonths), a request by
/// Shimonoseki's deadlines. Amagasaki's ordinary installments: June–March, due at each month's end moved off holidays
/// (6/30, 7/31, 9/1, 9/30, 10/31, 12/1, 1/5, 2/2, 3/2, 3/31), 100-yen units with the remainder on the first.
/// </remarks>
public sealed class WithholdingStopTests
{
    internal static readonly LocalDate April1 = new(2025, 4, 1);

    internal static HouseholdJson Couple(string? headLost = null, string? wifeLost = null, params MemberJson[] more) =>
        Household([Member("H", "1952-06-01", lost: headLost), Member("W", "1956-09-15", lost: wifeLost), .. more]);

    internal static WithholdingInputs Inputs(HouseholdJson household, long annual = 132_000, PreviousYear? previous = null, int? start = null) =>
        new(Snapshot(household), WithholdingEligibilityTests.Pension, previous ?? new PreviousYear(120_000, 20_000), false, annual, start, April1);

    /// <summary>Determines, then stops: the pure functions as the service calls them.</summary>
    internal static (WithholdingDeterminationResult Determination, WithholdingStopResult Stop) Stop(StopChange change, WithholdingInputs? inputs = null, WithholdingRuleSet? rs = null)
    {
        rs ??= WithholdingRuleSetTests.Amagasaki2025Stops;
        inputs ??= Inputs(Couple());
        var premium = TestRuleSets.Amagasaki2025;
        var determination = WithholdingDetermination.Determine(rs, premium, inputs, null);
        Assert.True(determination.Eligible);
        var liability = PremiumCalculator.Assess(premium, inputs.Household, null);
        return (determination, WithholdingStops.Stop(rs, premium, inputs, determination, liability, change, null));
    }

    private static (int Month, PaymentKind Kind, long Amount)[] Rows(IEnumerable<ScheduleEntry> entries) => entries.Select(e => (e.Month.Month, e.Kind, e.Amount)).ToArray();

    private static (int, PaymentKind, long)[] Pension(params (int Month, long Amount)[] months) =>
        months.Select(m => (m.Month, m.Month is 4 or 6 or 8 ? PaymentKind.Provisional : PaymentKind.Definitive, m.Amount)).ToArray();

    private static (int, PaymentKind, long)[] Ordinary(params (int Month, long Amount)[] months) => months.Select(m => (m.Month, PaymentKind.Ordinary, m.Amount)).ToArray();

    private static readonly (int, long)[] AprilToAugust = [(4, 20_000), (6, 20_000), (8, 20_000)];

    private static void AddsUp(WithholdingStopResult r)
    {
        var settlement = r.Settlement.Kind == SettlementKind.Refund ? -r.Settlement.Amount : r.Settlement.Amount;
        Assert.Equal(r.AnnualPremium, r.WithheldTotal + r.OrdinaryTotal + settlement);
    }

    // 世帯主変更 on 2025-07-10 (Aso): July + 2 = September → the first pension month from September is October.
    // Withheld Apr/Jun/Aug = 60,000; due after 9/30 (the day before October): 6 installments (Oct–Mar);
    // (132,000 − 60,000) ÷ 6 = 12,000 each.
    [Fact]
    public void HeadChanged_stops_from_October_and_the_rest_goes_to_the_six_installments_from_October()
    {
        var (_, r) = Stop(new StopChange(StopKind.HeadChanged, new LocalDate(2025, 7, 10)));

        Assert.Equal((new YearMonth(2025, 10), StopRoute.CityNotice, 60_000L), (r.StopMonth!.Value, r.Route, r.WithheldTotal));
        Assert.Equal(new LocalDate(2025, 9, 30), r.InstallmentsDueAfter);
        Assert.Equal([.. Pension(AprilToAugust), .. Ordinary((10, 12_000), (11, 12_000), (12, 12_000), (1, 12_000), (2, 12_000), (3, 12_000))], Rows(r.Schedule));
        Assert.Equal(Settlement.None, r.Settlement);
        Assert.Empty(r.FailingConditions);
        AddsUp(r);
    }

    // 資格喪失 (Tottori): the head joins employees' insurance on 2025-11-15, NHI lost 2025-11-16; the wife stays insured
    // and the premium becomes 110,000. November + 2 = January → February 2026. Withheld Apr–Dec = 60,000 + 24,000 × 2 = 108,000.
    // Due after 2026-01-31: the installments due 2/2, 3/2, 3/31 (Jan, Feb, Mar); 2,000 ÷ 3 = 666 → 600 each, the 200 left on the first.
    [Fact]
    public void HeadLostCoverage_stops_from_February_and_names_the_head_no_longer_insured()
    {
        var change = new StopChange(StopKind.HeadLostCoverage, new LocalDate(2025, 11, 16), AnnualPremium: 110_000);
        var (_, r) = Stop(change, Inputs(Couple(headLost: "2025-11-16")));

        Assert.Equal((new YearMonth(2026, 2), 108_000L), (r.StopMonth!.Value, r.WithheldTotal));
        Assert.Equal([.. Pension([.. AprilToAugust, (10, 24_000), (12, 24_000)]), .. Ordinary((1, 800), (2, 600), (3, 600))], Rows(r.Schedule));
        Assert.Equal(["headInsured"], r.FailingConditions.Select(c => c.Name));
        AddsUp(r);
    }

    // A member under 65 joins (Aso): child C (40) insured from 2025-08-20, the premium becomes 150,000. August + 2 =
    // October. Withheld 60,000; (150,000 − 60,000) ÷ 6 = 15,000 in each installment Oct–Mar.
    [Fact]
    public void ConditionNoLongerHolds_when_a_member_under_65_joins_names_the_age_band()
    {
        var household = Couple(more: Member("C", "1985-01-20", acquired: "2025-08-20"));
        var (_, r) = Stop(new StopChange(StopKind.ConditionNoLongerHolds, new LocalDate(2025, 8, 20), AnnualPremium: 150_000), Inputs(household));

        Assert.Equal((new YearMonth(2025, 10), 60_000L), (r.StopMonth!.Value, r.WithheldTotal));
        Assert.Equal(Ordinary((10, 15_000), (11, 15_000), (12, 15_000), (1, 15_000), (2, 15_000), (3, 15_000)), Rows(r.Schedule.Where(e => e.Kind == PaymentKind.Ordinary)));
        Assert.Equal(["ageBand"], r.FailingConditions.Select(c => c.Name));
        AddsUp(r);
    }

    // Tottori (§A4): the ½ test fails once July's 介護保険料 is set → 普通徴収 from October. 介護保険料 90,000 a payment
    // from 2025-07-15: 24,000 + 90,000 = 114,000 > 1,200,000 ÷ 6 ÷ 2 = 100,000 (and 22,000 + 90,000 for the annual test).
    // July + 2 = September → October, as Tottori says. (132,000 − 60,000) ÷ 6 = 12,000.
    [Fact]
    public void ConditionNoLongerHolds_when_Julys_care_premium_breaks_the_half_test_stops_from_October_as_in_Tottori()
    {
        var (_, r) = Stop(new StopChange(StopKind.ConditionNoLongerHolds, new LocalDate(2025, 7, 15), CarePremiumPerPayment: 90_000));

        Assert.Equal(new YearMonth(2025, 10), r.StopMonth);
        Assert.Equal(["halfOfPension", "eachPaymentWithinHalf"], r.FailingConditions.Select(c => c.Name));
        Assert.Equal(Ordinary((10, 12_000), (11, 12_000), (12, 12_000), (1, 12_000), (2, 12_000), (3, 12_000)), Rows(r.Schedule.Where(e => e.Kind == PaymentKind.Ordinary)));
    }

    // 減額 (Tottori) on 2025-06-20 to 96,000: June + 2 = August. Withheld Apr/Jun = 40,000. Due after 7/31: the installments
    // of Aug (due 9/1) to Mar, 8 of them; 56,000 ÷ 8 = 7,000 each.
    [Fact]
    public void PremiumDecreased_stops_from_August_and_spreads_the_rest_over_eight_installments()
    {
        var (_, r) = Stop(new StopChange(StopKind.PremiumDecreased, new LocalDate(2025, 6, 20), AnnualPremium: 96_000));

        Assert.Equal((new YearMonth(2025, 8), 40_000L, new LocalDate(2025, 7, 31)), (r.StopMonth!.Value, r.WithheldTotal, r.InstallmentsDueAfter));
        Assert.Equal([.. Pension((4, 20_000), (6, 20_000)), .. Ordinary((8, 7_000), (9, 7_000), (10, 7_000), (11, 7_000), (12, 7_000), (1, 7_000), (2, 7_000), (3, 7_000))], Rows(r.Schedule));
        AddsUp(r);
    }

    // 減額 late in the year, 2026-01-10 to 100,000: January + 2 = March → no pension month is left this year (April 2026).
    // All six months were withheld (132,000): 32,000 more than the new premium, refunded.
    [Fact]
    public void PremiumDecreased_after_everything_was_withheld_refunds_the_difference()
    {
        var (_, r) = Stop(new StopChange(StopKind.PremiumDecreased, new LocalDate(2026, 1, 10), AnnualPremium: 100_000));

        Assert.Equal((new YearMonth(2026, 4), 132_000L), (r.StopMonth!.Value, r.WithheldTotal));
        Assert.Equal(new Settlement(SettlementKind.Refund, 32_000), r.Settlement);
        Assert.DoesNotContain(r.Schedule, e => e.Kind == PaymentKind.Ordinary);
        AddsUp(r);
    }

    // 増額 (Yamatotakada: stopped, the increase over the remaining due dates) on 2025-09-10 to 150,000: September + 2 =
    // November → December. Withheld Apr–Oct = 84,000. Due after 11/30: the installments of Nov (due 12/1) to Mar, 5;
    // 66,000 ÷ 5 = 13,200 each.
    [Fact]
    public void PremiumIncreased_stops_from_December_as_in_Yamatotakada()
    {
        var (_, r) = Stop(new StopChange(StopKind.PremiumIncreased, new LocalDate(2025, 9, 10), AnnualPremium: 150_000));

        Assert.Equal((new YearMonth(2025, 12), 84_000L), (r.StopMonth!.Value, r.WithheldTotal));
        Assert.Equal(Ordinary((11, 13_200), (12, 13_200), (1, 13_200), (2, 13_200), (3, 13_200)), Rows(r.Schedule.Where(e => e.Kind == PaymentKind.Ordinary)));
        AddsUp(r);
    }

    // stops.premiumChange.onIncrease = keepWithholding: nothing stops; all six months are withheld (132,000) and the increase of
    // 18,000 goes to the installments due after 2025-09-10 (Sep 9/30 … Mar, 7): 18,000 ÷ 7 = 2,571 → 2,500, the 500 left on the first.
    [Fact]
    public void PremiumIncreased_kept_withheld_where_the_insurer_says_so_bills_the_increase_beside_the_pension()
    {
        var (_, r) = Stop(new StopChange(StopKind.PremiumIncreased, new LocalDate(2025, 9, 10), AnnualPremium: 150_000), rs: KeepWithholding.Value);

        Assert.Equal((null, StopRoute.None, 132_000L), (r.StopMonth, r.Route, r.WithheldTotal));
        Assert.Equal(Ordinary((9, 3_000), (10, 2_500), (11, 2_500), (12, 2_500), (1, 2_500), (2, 2_500), (3, 2_500)), Rows(r.Schedule.Where(e => e.Kind == PaymentKind.Ordinary)));
        AddsUp(r);
    }

    // 口座振替への変更申出 by Shimonoseki's deadlines: by 5/31 stops August (Apr/Jun withheld, 92,000 ÷ 8 = 11,500 from August);
    // on 6/1 the August deadline has passed, so October (by 7/31: 60,000 withheld, 72,000 ÷ 6 = 12,000 from October).
    [Theory]
    [InlineData("2025-05-31", 8, 40_000, 11_500, 8)]
    [InlineData("2025-06-01", 10, 60_000, 12_000, 6)]
    public void DirectDebitRequested_stops_from_the_first_month_whose_deadline_the_request_meets(string date, int stopMonth, long withheld, long each, int installments)
    {
        var (_, r) = Stop(new StopChange(StopKind.DirectDebitRequested, Date(date)));

        Assert.Equal((stopMonth, StopRoute.Request, withheld), (r.StopMonth!.Value.Month, r.Route, r.WithheldTotal));
        var ordinary = r.Schedule.Where(e => e.Kind == PaymentKind.Ordinary).ToArray();
        Assert.Equal(installments, ordinary.Length);
        Assert.All(ordinary, e => Assert.Equal(each, e.Amount));
        AddsUp(r);
    }

    // Shimonoseki's table: June ← end of March (before the year begins), February ← end of November, April ← end of
    // January. A request on 12/15 misses February's deadline: it stops from April 2026, the next year.
    [Fact]
    public void Request_deadlines_are_the_end_of_the_month_the_table_names_before_each_pension_month()
    {
        var p = WithholdingRuleSetTests.Amagasaki2025Stops.Parameters;

        Assert.Equal(new LocalDate(2025, 3, 31), WithholdingStops.RequestDeadline(p, new YearMonth(2025, 6)));
        Assert.Equal(new LocalDate(2025, 11, 30), WithholdingStops.RequestDeadline(p, new YearMonth(2026, 2)));
        Assert.Equal(new LocalDate(2026, 1, 31), WithholdingStops.RequestDeadline(p, new YearMonth(2026, 4)));
        Assert.Equal(new YearMonth(2026, 4), WithholdingStops.StopMonth(p, StopRoute.Request, new LocalDate(2025, 12, 15)));
        Assert.Equal(new YearMonth(2026, 2), WithholdingStops.StopMonth(p, StopRoute.Request, new LocalDate(2025, 11, 30)));
    }

    // 年金の支給停止 on 2025-10-20 (Tottori): the pension insurer's own stop, October + 1 = November → December. Withheld
    // Apr–Oct = 84,000; (132,000 − 84,000) ÷ 5 = 9,600 in the installments of Nov–Mar.
    [Fact]
    public void PensionSuspended_stops_from_the_next_pension_month_the_insurer_can()
    {
        var (_, r) = Stop(new StopChange(StopKind.PensionSuspended, new LocalDate(2025, 10, 20)));

        Assert.Equal((new YearMonth(2025, 12), StopRoute.PensionInsurer, 84_000L), (r.StopMonth!.Value, r.Route, r.WithheldTotal));
        Assert.Equal(Ordinary((11, 9_600), (12, 9_600), (1, 9_600), (2, 9_600), (3, 9_600)), Rows(r.Schedule.Where(e => e.Kind == PaymentKind.Ordinary)));
        AddsUp(r);
    }

    // 死亡 of the head on 2025-12-10 (NHI lost 12-11); the wife stays, premium 120,000. December + 1 = January → February.
    // Withheld Apr–Dec = 108,000; 12,000 ÷ 3 = 4,000 in the installments of Jan–Mar (due 2/2, 3/2, 3/31).
    [Fact]
    public void Death_stops_from_February_and_the_wife_pays_the_rest_in_three_installments()
    {
        var change = new StopChange(StopKind.Death, new LocalDate(2025, 12, 10), AnnualPremium: 120_000);
        var (_, r) = Stop(change, Inputs(Couple(headLost: "2025-12-11")));

        Assert.Equal((new YearMonth(2026, 2), 108_000L), (r.StopMonth!.Value, r.WithheldTotal));
        Assert.Equal(Ordinary((1, 4_000), (2, 4_000), (3, 4_000)), Rows(r.Schedule.Where(e => e.Kind == PaymentKind.Ordinary)));
        AddsUp(r);
    }

    // 転出 of the whole household on 2025-08-05 (lost 08-06): the premium becomes 44,000 (April–July). August + 2 = October:
    // Apr/Jun/Aug withheld 60,000, 16,000 more than the premium → refund, no ordinary installment.
    [Fact]
    public void MoveOut_after_the_August_withholding_refunds_what_was_withheld_beyond_the_premium()
    {
        var change = new StopChange(StopKind.MoveOut, new LocalDate(2025, 8, 5), AnnualPremium: 44_000);
        var (_, r) = Stop(change, Inputs(Couple(headLost: "2025-08-06", wifeLost: "2025-08-06")));

        Assert.Equal((new YearMonth(2025, 10), 60_000L), (r.StopMonth!.Value, r.WithheldTotal));
        Assert.Equal(new Settlement(SettlementKind.Refund, 16_000), r.Settlement);
        Assert.Equal(Pension(AprilToAugust), Rows(r.Schedule));
        AddsUp(r);
    }

    // An October start (not withheld last year, 0 in February): the determination bills Jun–Sep ordinarily, the first 4
    // of the year's 10 installments of 13,200 (132,000 ÷ 10), and 本徴収 (132,000 − 4 × 13,200) ÷ 3 = 26,400 in Oct/Dec/Feb.
    // 世帯主変更 on 2025-10-15: October + 2 = December, so October's 26,400 was withheld. Due after 11/30: Nov–Mar (5);
    // 132,000 − 52,800 − 26,400 = 52,800 ÷ 5 = 10,560 → 10,500 each, the 300 left on the first.
    [Fact]
    public void A_stop_after_an_October_start_keeps_the_ordinary_installments_already_billed()
    {
        var inputs = Inputs(Couple(), previous: new PreviousYear(120_000, 0));
        var (d, r) = Stop(new StopChange(StopKind.HeadChanged, new LocalDate(2025, 10, 15)), inputs);

        Assert.Equal(Ordinary((6, 13_200), (7, 13_200), (8, 13_200), (9, 13_200)), Rows(d.Schedule.Entries.Where(e => e.Kind == PaymentKind.Ordinary)));
        Assert.Equal((new YearMonth(2025, 12), 26_400L), (r.StopMonth!.Value, r.WithheldTotal));
        Assert.Equal([.. Ordinary((6, 13_200), (7, 13_200), (8, 13_200), (9, 13_200)), .. Pension((10, 26_400)), .. Ordinary((11, 10_800), (12, 10_500), (1, 10_500), (2, 10_500), (3, 10_500))],
            Rows(r.Schedule));
        Assert.All(r.Installments.Take(4), i => Assert.Equal(InstallmentStatus.Due, i.Status));
        AddsUp(r);
    }

    [Fact]
    public void Problems_name_the_field_at_fault()
    {
        var rs = WithholdingRuleSetTests.Amagasaki2025Stops;
        var inputs = Inputs(Couple());
        var d = WithholdingDetermination.Determine(rs, TestRuleSets.Amagasaki2025, inputs, null);
        string[] Fields(StopChange c) => WithholdingStops.Problems(rs, inputs, d, c).Select(e => e.Field).ToArray();

        Assert.Empty(Fields(new StopChange(StopKind.Death, new LocalDate(2025, 6, 1))));
        Assert.Equal(["change.date"], Fields(new StopChange(StopKind.Death, new LocalDate(2026, 4, 1))));
        Assert.Equal(["change.annualPremium"], Fields(new StopChange(StopKind.PremiumDecreased, new LocalDate(2025, 6, 1))));
        Assert.Equal(["change.annualPremium"], Fields(new StopChange(StopKind.PremiumDecreased, new LocalDate(2025, 6, 1), 132_000)));
        Assert.Equal(["change.annualPremium"], Fields(new StopChange(StopKind.PremiumIncreased, new LocalDate(2025, 6, 1), 100_000)));
        Assert.Equal(["change.annualPremium"], Fields(new StopChange(StopKind.HeadChanged, new LocalDate(2025, 6, 1), -1)));
        Assert.Equal(["change.kind"], Fields(new StopChange(StopKind.ConditionNoLongerHolds, new LocalDate(2025, 6, 1))));

        var published = NoStops.Value; // a municipal layer without the stops group
        var noStops = WithholdingStops.Problems(published, inputs, WithholdingDetermination.Determine(published, TestRuleSets.Amagasaki2025, inputs, null), new StopChange(StopKind.Death, new LocalDate(2025, 6, 1)));
        Assert.Equal("determination.rulesetVersion", Assert.Single(noStops).Field);

        var notWithheld = Inputs(Household(Member("H", "1952-06-01"), Member("W", "1961-07-07")));
        var ordinary = WithholdingDetermination.Determine(rs, TestRuleSets.Amagasaki2025, notWithheld, null);
        var problem = Assert.Single(WithholdingStops.Problems(rs, notWithheld, ordinary, new StopChange(StopKind.Death, new LocalDate(2025, 6, 1))));
        Assert.Equal("determination", problem.Field);
        Assert.Contains("ageBand", problem.Message);
        var refused = Assert.Throws<ArgumentException>(() => WithholdingStops.Stop(rs, TestRuleSets.Amagasaki2025, notWithheld, ordinary,
            PremiumCalculator.Assess(TestRuleSets.Amagasaki2025, notWithheld.Household, null), new StopChange(StopKind.Death, new LocalDate(2025, 6, 1)), null));
        Assert.StartsWith("determination the household does not pay through the pension (ageBand does not hold)", refused.Message);
    }

    // Each problem with what it says: the fiscal year's days, the direction of a premium change (an equal premium is no
    // change; 0 is a premium below any other), amounts of 0 accepted, a negative premium named once (not also as in the wrong
    // direction), and a condition said to fail checked only once the change itself is sound.
    [Fact]
    public void Problems_say_what_each_field_must_be()
    {
        var rs = WithholdingRuleSetTests.Amagasaki2025Stops;
        var inputs = Inputs(Couple());
        var d = WithholdingDetermination.Determine(rs, TestRuleSets.Amagasaki2025, inputs, null);
        (string, string)[] Problems(StopChange c) => WithholdingStops.Problems(rs, inputs, d, c).Select(e => (e.Field, e.Message)).ToArray();
        var june = new LocalDate(2025, 6, 1);

        Assert.Equal([("change.date", "must lie within fiscal year 2025 (2025-04-01 to 2026-03-31), the year of the determination")],
            Problems(new StopChange(StopKind.Death, new LocalDate(2025, 3, 31))));
        Assert.Empty(Problems(new StopChange(StopKind.Death, new LocalDate(2026, 3, 31))));
        Assert.Equal([("change.annualPremium", "cannot be negative"), ("change.carePremiumPerPayment", "cannot be negative")],
            Problems(new StopChange(StopKind.HeadChanged, june, -1, -1)));
        Assert.Empty(Problems(new StopChange(StopKind.HeadChanged, june, 0, 0)));
        Assert.Equal([("change.annualPremium", "is required for premiumIncreased: the annual premium after the change (yen)")],
            Problems(new StopChange(StopKind.PremiumIncreased, june)));
        Assert.Equal([("change.annualPremium", "must be below the determination's annual premium for premiumDecreased")],
            Problems(new StopChange(StopKind.PremiumDecreased, june, 132_000)));
        Assert.Empty(Problems(new StopChange(StopKind.PremiumDecreased, june, 131_999)));
        Assert.Empty(Problems(new StopChange(StopKind.PremiumDecreased, june, 0)));
        Assert.Equal([("change.annualPremium", "must be above the determination's annual premium for premiumIncreased")],
            Problems(new StopChange(StopKind.PremiumIncreased, june, 132_000)));
        Assert.Equal([("change.annualPremium", "must be above the determination's annual premium for premiumIncreased")],
            Problems(new StopChange(StopKind.PremiumIncreased, june, 0)));
        Assert.Empty(Problems(new StopChange(StopKind.PremiumIncreased, june, 132_001)));
        Assert.Equal([("change.annualPremium", "cannot be negative")], Problems(new StopChange(StopKind.PremiumIncreased, june, -1)));
        Assert.Equal([("change.annualPremium", "cannot be negative")], Problems(new StopChange(StopKind.PremiumDecreased, june, -1)));
        Assert.Equal([("change.kind", "is conditionNoLongerHolds, but every condition still holds on change.date (with the household as given, change.annualPremium and change.carePremiumPerPayment)")],
            Problems(new StopChange(StopKind.ConditionNoLongerHolds, june)));
        Assert.Equal(["change.date"], Problems(new StopChange(StopKind.ConditionNoLongerHolds, new LocalDate(2026, 4, 1))).Select(e => e.Item1));
    }

    // A household not withheld is named with every condition it fails, in the answer's order; a rule set without stops by its version.
    [Fact]
    public void A_determination_that_cannot_be_stopped_says_why()
    {
        var rs = WithholdingRuleSetTests.Amagasaki2025Stops;
        var inputs = Inputs(Household(Member("H", "1952-06-01"), Member("W", "1961-07-07"))) with
        {
            HeadPension = WithholdingEligibilityTests.Pension with { CareInsuranceWithheld = false },
        };
        var d = WithholdingDetermination.Determine(rs, TestRuleSets.Amagasaki2025, inputs, null);
        var problem = Assert.Single(WithholdingStops.Problems(rs, inputs, d, new StopChange(StopKind.Death, new LocalDate(2025, 6, 1))));
        Assert.Equal(("determination", "the household does not pay through the pension (ageBand, careInsuranceWithheld does not hold): there is no withholding to stop"),
            (problem.Field, problem.Message));

        var noStops = NoStops.Value;
        var couple = Inputs(Couple());
        var refused = Assert.Single(WithholdingStops.Problems(noStops, couple, WithholdingDetermination.Determine(noStops, TestRuleSets.Amagasaki2025, couple, null),
            new StopChange(StopKind.Death, new LocalDate(2026, 4, 1), -1)));
        Assert.Equal(("determination.rulesetVersion", "the withholding rule set 2025.1 has no stop rules (parameters 'stops'): name a version that has them"),
            (refused.Field, refused.Message));
    }

    // Who stops: the household's request by its deadline; the pension insurer on a suspension or death; nobody on an
    // increase where the insurer keeps withholding; the city's notice for everything else.
    [Fact]
    public void Each_kind_of_stop_has_its_route()
    {
        var p = WithholdingRuleSetTests.Amagasaki2025Stops.Parameters;

        Assert.Equal([StopRoute.CityNotice, StopRoute.CityNotice, StopRoute.CityNotice, StopRoute.CityNotice, StopRoute.CityNotice,
                StopRoute.Request, StopRoute.PensionInsurer, StopRoute.PensionInsurer, StopRoute.CityNotice],
            Enum.GetValues<StopKind>().Select(k => WithholdingStops.RouteOf(p, k)));
        Assert.Equal(StopRoute.None, WithholdingStops.RouteOf(KeepWithholding.Value.Parameters, StopKind.PremiumIncreased));
        Assert.Equal(StopRoute.CityNotice, WithholdingStops.RouteOf(KeepWithholding.Value.Parameters, StopKind.PremiumDecreased));
        Assert.Null(WithholdingStops.StopMonth(p, StopRoute.None, new LocalDate(2025, 6, 1)));
        Assert.Equal(StopKind.MoveOut, WithholdingStops.Kinds["moveOut"]);
        Assert.False(WithholdingStops.Kinds.ContainsKey("MoveOut"));
        Assert.Equal(["headChanged", "headLostCoverage", "conditionNoLongerHolds", "premiumDecreased", "premiumIncreased", "directDebitRequested", "pensionSuspended", "death", "moveOut"],
            Enum.GetValues<StopKind>().Select(WithholdingStops.NameOf));
    }

    // The ½ test per payment after a change reads the largest month the determination withholds from the pension:
    // (L + 介護) × 6 × 2 ≤ 1,200,000, i.e. L + 介護 ≤ 100,000, while the year's test (132,000 + 介護 × 6) × 2 ≤ 1,200,000 holds
    // up to 介護 78,000. After an April start L = 24,000 (the 本徴収, not the 仮徴収 of 20,000): 介護 77,000 fails, 76,000 holds.
    // After an October start L = 26,400, not the ordinary installments of 13,200: 介護 75,000 fails (101,400), 73,600 holds.
    [Theory]
    [InlineData(20_000L, 76_000L, false)]
    [InlineData(20_000L, 77_000L, true)]
    [InlineData(0L, 73_600L, false)]
    [InlineData(0L, 75_000L, true)]
    public void The_per_payment_test_after_a_change_reads_the_largest_pension_month(long february, long care, bool fails)
    {
        var rs = WithholdingRuleSetTests.Amagasaki2025Stops;
        var inputs = Inputs(Couple(), previous: new PreviousYear(120_000, february));
        var d = WithholdingDetermination.Determine(rs, TestRuleSets.Amagasaki2025, inputs, null);

        var failing = WithholdingStops.FailingConditions(rs, inputs, d, new StopChange(StopKind.ConditionNoLongerHolds, new LocalDate(2025, 7, 15), CarePremiumPerPayment: care));

        Assert.Equal(fails ? ["eachPaymentWithinHalf"] : [], failing.Select(c => c.Name));
    }

    // The new premium counts in the year's ½ test: 200,000 with 介護 70,000 from July, (200,000 + 420,000) × 2 = 1,240,000 >
    // 1,200,000 (with the old 132,000 it would hold; the largest month 24,000 + 70,000 ≤ 100,000 still holds). July + 2 =
    // September → October; withheld 60,000; (200,000 − 60,000) ÷ 6 = 23,333 → 23,300 in 100-yen units, the 200 left on the first.
    [Fact]
    public void ConditionNoLongerHolds_with_a_new_premium_reads_the_half_test_with_it()
    {
        var (_, r) = Stop(new StopChange(StopKind.ConditionNoLongerHolds, new LocalDate(2025, 7, 15), AnnualPremium: 200_000, CarePremiumPerPayment: 70_000));

        Assert.Equal(["halfOfPension"], r.FailingConditions.Select(c => c.Name));
        Assert.Equal((new YearMonth(2025, 10), 132_000L, 200_000L), (r.StopMonth!.Value, r.PreviousAnnualPremium, r.AnnualPremium));
        Assert.Equal(Ordinary((10, 23_500), (11, 23_300), (12, 23_300), (1, 23_300), (2, 23_300), (3, 23_300)), Rows(r.Schedule.Where(e => e.Kind == PaymentKind.Ordinary)));
        AddsUp(r);
    }

    // Kept withholding (no stop), the increase is billed beside the pension months: in October, December and February the
    // 本徴収 comes first, then the month's installment.
    [Fact]
    public void A_month_both_withheld_and_billed_lists_the_pension_month_before_the_installment()
    {
        var (_, r) = Stop(new StopChange(StopKind.PremiumIncreased, new LocalDate(2025, 9, 10), AnnualPremium: 150_000), rs: KeepWithholding.Value);

        Assert.Equal([.. Pension(AprilToAugust), .. Ordinary((9, 3_000)), .. Pension((10, 24_000)), .. Ordinary((10, 2_500), (11, 2_500)), .. Pension((12, 24_000)),
            .. Ordinary((12, 2_500), (1, 2_500)), .. Pension((2, 24_000)), .. Ordinary((2, 2_500), (3, 2_500))], Rows(r.Schedule));
        Assert.Equal(new LocalDate(2025, 9, 10), r.InstallmentsDueAfter);
    }

    /// <summary>The Amagasaki FY2025 withholding rule set without its <c>stops</c> group (a city layer that has none).</summary>
    private static readonly Lazy<WithholdingRuleSet> NoStops = new(() =>
    {
        using var root = new TempRuleSetRoot();
        root.MakeDraft("amagasaki/2025/withholding");
        root.EditJson("amagasaki/2025/withholding/parameters.json", json => json.AsObject().Remove("stops"));
        var catalog = KokuhoRuleSets.Load([root.Root], (insurer, year) => insurer == "amagasaki" && year == 2025);
        return catalog.Find<WithholdingRuleSet>("amagasaki", 2025) ?? throw new InvalidOperationException(string.Join("\n", catalog.Failures.SelectMany(f => f.Errors)));
    });

    /// <summary>The Amagasaki FY2025 withholding rule set with <c>stops.premiumChange.onIncrease</c> = keepWithholding (the only change, on a draft copy).</summary>
    private static readonly Lazy<WithholdingRuleSet> KeepWithholding = new(() =>
    {
        using var root = new TempRuleSetRoot();
        root.MakeDraft("amagasaki/2025/withholding");
        root.ReplaceOnce("amagasaki/2025/withholding/parameters.json", "\"value\": \"stopWithholding\"", "\"value\": \"keepWithholding\"");
        var catalog = KokuhoRuleSets.Load([root.Root], (insurer, year) => insurer == "amagasaki" && year == 2025);
        return catalog.Find<WithholdingRuleSet>("amagasaki", 2025, "2025.1") ?? throw new InvalidOperationException(string.Join("\n", catalog.Failures.SelectMany(f => f.Errors)));
    });
}
