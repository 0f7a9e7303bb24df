using KokuhoRules.Rules.Premium;
using KokuhoRules.Rules.Snapshots;
using KokuhoRules.Rules.Withholding;
using KokuhoRules.Tests.Support;
using NodaTime;
using static KokuhoRules.Tests.Support.Households;

namespace KokuhoRules.Tests.Withholding;

/// <summary>
/// <see cref="WithholdingStopService"/>, the one way a stop request is handled (the API's <c>POST /v1/withholding/stops</c>
/// without its transport): the determination request checked with its fields named under <c>determination.</c>, the change
/// checked field by field, every problem of both reported together, and the stop of <see cref="WithholdingStops"/> answered.
/// </summary>
/// <remarks>
/// The household of <see cref="WithholdingStopTests"/>: head H (72) with a pension of 1,200,000 and 介護保険料 10,000 a
/// payment, wife W (68), both insured; withheld 20,000 last February; this year's premium 132,000 (Amagasaki FY2025).
/// </remarks>
public sealed class WithholdingStopServiceTests
{
    private static readonly WithholdingStopService Service = new(new WithholdingService(TestRuleSets.Catalog));

    private static readonly PensionJson HeadPension = new() { AnnualAmount = 1_200_000, CareInsuranceWithheld = true, CarePremiumPerPayment = 10_000 };

    internal static WithholdingDeterminationRequest Determination(string wifeBirth = "1956-09-15", string? wifeLost = null) => new()
    {
        Insurer = "amagasaki", FiscalYear = 2025,
        Household = Household(Member("H", "1952-06-01") with { Pension = HeadPension }, Member("W", wifeBirth, lost: wifeLost)),
        PreviousYear = new PreviousYearJson { AnnualPremium = 120_000, FebruaryWithheld = 20_000 },
        AnnualPremium = 132_000,
    };

    private static StopChangeJson Change(string? kind, string? date, long? annual = null, long? care = null) =>
        new() { Kind = kind, Date = date is null ? null : Date(date), AnnualPremium = annual, CarePremiumPerPayment = care };

    private static WithholdingStopRequest Request(StopChangeJson? change, WithholdingDeterminationRequest? determination = null) =>
        new() { Determination = determination ?? Determination(), Change = change };

    private static (string Field, string Message)[] Errors(WithholdingStopRequest? request)
    {
        var (response, failure) = Service.Stop(request, trace: false);
        Assert.Null(response);
        Assert.Equal(AssessmentFailureKind.InvalidRequest, failure!.Kind);
        return failure.Errors.Select(e => (e.Field, e.Message)).ToArray();
    }

    // As WithholdingStopTests.HeadChanged_…: a city notice on 2025-07-10, July + 2 = September → October; Apr/Jun/Aug 20,000
    // withheld; (132,000 − 60,000) ÷ 6 = 12,000 in each installment from October (due after 9/30).
    [Fact]
    public void A_change_of_head_is_answered_with_the_stop_month_what_was_withheld_and_the_installments_that_follow()
    {
        var (response, failure) = Service.Stop(Request(Change("headChanged", "2025-07-10")), trace: false);

        Assert.Null(failure);
        var r = response!;
        Assert.Equal(("headChanged", new YearMonth(2025, 10), StopRoute.CityNotice), (r.Kind, r.StopMonth!.Value, r.Route));
        Assert.Equal((60_000L, 132_000L, 132_000L, 72_000L), (r.WithheldTotal, r.PreviousAnnualPremium, r.AnnualPremium, r.OrdinaryTotal));
        Assert.Equal([4, 6, 8], r.Withheld.Select(e => e.Month.Month));
        Assert.Equal([(4, 20_000L), (6, 20_000L), (8, 20_000L), (10, 12_000L), (11, 12_000L), (12, 12_000L), (1, 12_000L), (2, 12_000L), (3, 12_000L)],
            r.Schedule.Select(e => (e.Month.Month, e.Amount)));
        Assert.Equal(new LocalDate(2025, 9, 30), r.InstallmentsDueAfter);
        Assert.Equal(Settlement.None, r.Settlement);
        Assert.Empty(r.Conditions);
        // Nothing was billed ordinarily before (all six months withheld): the installments are the six new ones, Oct–Mar.
        Assert.Equal([12_000L, 12_000L, 12_000L, 12_000L, 12_000L, 12_000L], r.Installments.Select(i => i.Amount));
        Assert.Equal(("withholding", "premium"), (r.Ruleset.Capability, r.PremiumRuleset.Capability));
        Assert.Contains("stops.timing.cityNoticeMonths", r.UnconfirmedParameters);
        Assert.False(r.Trial);
        Assert.Null(r.Trace);
    }

    // Asked for, the trace holds the determination's steps, then the stop's: the change, and the stop month with the
    // parameter that set it.
    [Fact]
    public void The_trace_asked_for_holds_the_determination_and_then_the_stop()
    {
        var (response, _) = Service.Stop(Request(Change("headChanged", "2025-07-10")), trace: true);

        var items = response!.Trace!.Select(s => s.Item).ToList();
        Assert.Contains("halfOfPension", items);
        Assert.True(items.IndexOf("halfOfPension") < items.IndexOf("stopMonth"));
        Assert.Equal("stops.timing.cityNoticeMonths", Assert.Single(response.Trace!, s => s.Item == "stopMonth").Parameters![0].Path);
    }

    // 転出 of the whole household on 2025-08-05 (lost 08-06): the premium becomes 44,000 (April–July); liable only until
    // July, so no installment is left to bill: the 60,000 withheld in Apr/Jun/Aug is 16,000 more than the premium, refunded.
    [Fact]
    public void A_move_out_of_the_household_refunds_what_was_withheld_beyond_the_new_premium()
    {
        var determination = Determination(wifeLost: "2025-08-06") with
        {
            Household = Household(Member("H", "1952-06-01", lost: "2025-08-06") with { Pension = HeadPension }, Member("W", "1956-09-15", lost: "2025-08-06")),
        };
        var (response, failure) = Service.Stop(Request(Change("moveOut", "2025-08-05", 44_000), determination), trace: false);

        Assert.Null(failure);
        Assert.Equal(("moveOut", new YearMonth(2025, 10), 60_000L, 0L), (response!.Kind, response.StopMonth!.Value, response.WithheldTotal, response.OrdinaryTotal));
        Assert.Equal(new Settlement(SettlementKind.Refund, 16_000), response.Settlement);
    }

    [Fact]
    public void No_body_is_the_empty_body_refusal()
    {
        var (response, failure) = Service.Stop(null, trace: false);

        Assert.Null(response);
        Assert.Same(AssessmentFailure.EmptyBody, failure);
    }

    // Neither part given: both are named at once.
    [Fact]
    public void A_request_without_its_determination_and_change_names_both()
    {
        var errors = Errors(new WithholdingStopRequest());

        Assert.Equal(["change", "determination"], errors.Select(e => e.Field));
        Assert.Contains("\"kind\", \"date\"", errors[0].Message);
        Assert.Contains("determination request", errors[1].Message);
    }

    // Every field of the change at fault is named, each with what it must be; the kinds are listed by their request names.
    [Fact]
    public void Each_field_of_the_change_at_fault_is_named_with_what_it_must_be()
    {
        var missing = Errors(Request(Change(null, null)));
        Assert.Equal(["change.kind", "change.date"], missing.Select(e => e.Field));
        Assert.StartsWith("is required: one of headChanged, headLostCoverage, conditionNoLongerHolds, premiumDecreased, premiumIncreased, directDebitRequested, pensionSuspended, death, moveOut", missing[0].Message);
        Assert.StartsWith("is required: the day of the change", missing[1].Message);

        var unknown = Assert.Single(Errors(Request(Change("retired", "2025-07-10"))));
        Assert.Equal("change.kind", unknown.Field);
        Assert.StartsWith("is not a kind of stop: one of headChanged, ", unknown.Message);
        Assert.DoesNotContain("retired", unknown.Message);

        Assert.Equal([("change.annualPremium", "cannot be negative"), ("change.carePremiumPerPayment", "cannot be negative")],
            Errors(Request(Change("death", "2025-07-10", annual: -1, care: -1))));
        Assert.Equal(["change.date"], Errors(Request(Change("death", "1800-01-01"))).Select(e => e.Field));
    }

    // A change with a problem and a determination with a problem: both named, the determination's under determination.
    [Fact]
    public void Problems_of_the_determination_and_of_the_change_are_named_together()
    {
        var determination = Determination() with { PreviousYear = new PreviousYearJson { AnnualPremium = -1, FebruaryWithheld = 20_000 } };

        Assert.Equal(["change.kind", "determination.previousYear.annualPremium"], Errors(Request(Change("retired", "2025-07-10"), determination)).Select(e => e.Field));
        Assert.Equal(["determination.previousYear.annualPremium"], Errors(Request(Change("death", "2025-07-10"), determination)).Select(e => e.Field));
    }

    // A rule set that cannot be used is not the caller's field error: its kind is kept, its field named under determination
    // (FY2026's withholding rule set is a draft and the request is no trial).
    [Fact]
    public void A_draft_rule_set_is_refused_as_such_with_its_field_under_determination()
    {
        var (response, failure) = Service.Stop(Request(Change("death", "2026-07-10"), Determination() with { FiscalYear = 2026 }), trace: false);

        Assert.Null(response);
        Assert.Equal(AssessmentFailureKind.DraftRuleSet, failure!.Kind);
        Assert.All(failure.Errors, e => Assert.StartsWith("determination.", e.Field));
        Assert.Contains("withholding", failure.Detail);
    }

    // The change read well, then checked against the determination: a day outside the fiscal year, a decrease that is none,
    // a household that does not pay through the pension.
    [Fact]
    public void A_change_that_does_not_fit_the_determination_is_refused_naming_the_field()
    {
        Assert.Equal(["change.date"], Errors(Request(Change("death", "2026-04-01"))).Select(e => e.Field));
        Assert.Equal(["change.annualPremium"], Errors(Request(Change("premiumDecreased", "2025-07-10", 140_000))).Select(e => e.Field));
        var notWithheld = Assert.Single(Errors(Request(Change("death", "2025-07-10"), Determination(wifeBirth: "1961-07-07"))));
        Assert.Equal("determination", notWithheld.Field);
        Assert.Contains("ageBand", notWithheld.Message);
    }
}
