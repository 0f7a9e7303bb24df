using KokuhoRules.Rules.Catalog;
using KokuhoRules.Rules.Premium;
using KokuhoRules.Rules.Snapshots;
using KokuhoRules.Rules.Withholding;
using KokuhoRules.Tests.Support;
using NodaTime;
using static KokuhoRules.Tests.Support.Households;

namespace KokuhoRules.Tests.Withholding;

/// <summary>
/// <see cref="WithholdingService"/>, the one way a determination request is handled (the API's
/// <c>POST /v1/withholding/determinations</c> and the batch without their transport): the request checked, the withholding
/// and premium rule sets found, the household and the head's pension read, the premium taken as given or assessed.
/// </summary>
/// <remarks>
/// The household of <see cref="WithholdingStopTests"/>: head H (born 1952-06-01, 72) with a pension of 1,200,000 and
/// 介護保険料 10,000 a payment, wife W (1956-09-15, 68), both insured; withheld 20,000 last February; premium 132,000
/// (Amagasaki FY2025): 仮徴収 20,000 in April, June and August, 本徴収 (132,000 − 60,000) ÷ 3 = 24,000 in October, December
/// and February.
/// </remarks>
public sealed class WithholdingServiceTests
{
    private static readonly WithholdingService Service = new(TestRuleSets.Catalog);

    private static WithholdingParameters Parameters => WithholdingRuleSetTests.Amagasaki2025.Parameters;

    private static PensionJson Pension(long annual = 1_200_000, bool? withheld = true, long? care = 10_000) =>
        new() { AnnualAmount = annual, CareInsuranceWithheld = withheld, CarePremiumPerPayment = care };

    private static WithholdingDeterminationRequest Request(long? annualPremium = 132_000, PreviousYearJson? previous = null) => new()
    {
        Insurer = "amagasaki", FiscalYear = 2025,
        Household = Household(Member("H", "1952-06-01") with { Pension = Pension() }, Member("W", "1956-09-15")),
        PreviousYear = previous ?? new PreviousYearJson { AnnualPremium = 120_000, FebruaryWithheld = 20_000 },
        AnnualPremium = annualPremium,
    };

    private static string[] Fields(WithholdingDeterminationRequest request)
    {
        var (call, failure) = Service.Prepare(request);
        Assert.Null(call);
        Assert.Equal(AssessmentFailureKind.InvalidRequest, failure!.Kind);
        return failure.Errors.Select(e => e.Field).ToArray();
    }

    [Fact]
    public void A_continuing_household_is_answered_with_its_conditions_schedule_and_totals()
    {
        var (response, failure) = Service.Determine(Request(), trace: false);

        Assert.Null(failure);
        var r = response!;
        Assert.True(r.Eligible);
        Assert.Equal(9, r.Conditions.Count);
        Assert.All(r.Conditions, c => Assert.True(c.Holds, c.Name));
        Assert.Equal((4, 132_000L, false), (r.StartMonth, r.AnnualPremium, r.AnnualPremiumAssessed));
        Assert.Equal([(4, 20_000L), (6, 20_000L), (8, 20_000L), (10, 24_000L), (12, 24_000L), (2, 24_000L)], r.Schedule.Select(e => (e.Month.Month, e.Amount)));
        Assert.Equal((60_000L, 72_000L, 0L, 0L), (r.ProvisionalTotal, r.DefinitiveTotal, r.OrdinaryTotal, r.Overpaid));
        Assert.Equal(("withholding", "premium"), (r.Ruleset.Capability, r.PremiumRuleset.Capability));
        Assert.Contains("schedule.levelingMode", r.UnconfirmedParameters);
        Assert.False(r.Trial);
        Assert.Null(r.Trace);
    }

    // No premium given: the service assesses it with the premium rule set (the premium capability's own answer for the
    // household) and says so, in the answer and in the trace.
    [Fact]
    public void Without_an_annual_premium_the_service_assesses_it_and_says_so()
    {
        var request = Request(annualPremium: null);
        var (response, _) = Service.Determine(request, trace: true);

        var premium = PremiumCalculator.Assess(TestRuleSets.Amagasaki2025, Snapshot(request.Household!), null).AnnualPremium;
        Assert.True(premium > 0);
        Assert.Equal((premium, true), (response!.AnnualPremium, response.AnnualPremiumAssessed));
        Assert.Equal(premium, response.ProvisionalTotal + response.DefinitiveTotal + response.OrdinaryTotal - response.Overpaid);
        Assert.Contains(response.Trace!, s => s.Item == "annualPremiumAssessed");
        Assert.Contains(response.Trace!, s => s.Item == "halfOfPension");
    }

    [Fact]
    public void No_body_is_the_empty_body_refusal()
    {
        Assert.Same(AssessmentFailure.EmptyBody, Service.Determine(null, trace: false).Failure);
        Assert.Same(AssessmentFailure.EmptyBody, Service.Prepare(null).Failure);
    }

    // The fields every call shares and the premium are checked together, before any rule set is looked for.
    [Fact]
    public void The_call_fields_and_the_premium_are_named_together()
    {
        Assert.Equal(["insurer", "fiscalYear", "annualPremium"], Fields(Request(annualPremium: -5) with { Insurer = null, FiscalYear = null }));
        Assert.Equal(["annualPremium"], Fields(Request(annualPremium: -5)));
    }

    [Fact]
    public void An_insurer_with_no_withholding_rule_set_is_an_unknown_rule_set()
    {
        var (call, failure) = Service.Prepare(Request() with { Insurer = "adachi" });

        Assert.Null(call);
        Assert.Equal(AssessmentFailureKind.UnknownRuleSet, failure!.Kind);
    }

    // The withholding rule set is found, but the premium rule set of the year is a draft and the request no trial: the
    // premium's refusal, naming the insurer (the caller did not name a premium version).
    [Fact]
    public void A_premium_rule_set_that_cannot_be_used_is_refused_naming_the_insurer()
    {
        using var root = new TempRuleSetRoot();
        root.MakeDraft("amagasaki/2025/premium");
        var catalog = KokuhoRuleSets.Load([root.Root], (insurer, year) => insurer == "amagasaki" && year == 2025);

        var (call, failure) = new WithholdingService(catalog).Prepare(Request());

        Assert.Null(call);
        Assert.Equal(AssessmentFailureKind.DraftRuleSet, failure!.Kind);
        Assert.Equal("insurer", Assert.Single(failure.Errors).Field);
        Assert.Contains("premium", failure.Detail);
    }

    [Fact]
    public void A_household_missing_is_named()
    {
        Assert.Contains("household", Fields(Request() with { Household = null }));
    }

    // The reference date is asOf, or 1 April of the fiscal year (the date of the pension insurers' notice).
    [Fact]
    public void The_reference_date_is_asOf_or_the_first_day_of_the_fiscal_year()
    {
        var (call, _) = Service.Prepare(Request());
        Assert.Equal(new LocalDate(2025, 4, 1), call!.ReferenceDate);
        Assert.Equal((false, 132_000L, (int?)null), (call.Trial, call.AnnualPremium!.Value, call.StartMonth));

        var (asOf, _) = Service.Prepare(Request() with { AsOf = new LocalDate(2025, 9, 1), Trial = true, StartMonth = 4 });
        Assert.Equal((new LocalDate(2025, 9, 1), true, (int?)4), (asOf!.ReferenceDate, asOf.Trial, asOf.StartMonth));
        Assert.Equal(new LocalDate(2025, 9, 1), asOf.Inputs(null).Inputs.ReferenceDate);
    }

    // A request with no previous year: not withheld last year, its premium unknown (0), no February amount.
    [Fact]
    public void No_previous_year_is_a_household_not_withheld_last_year()
    {
        var errors = new List<FieldError>();
        var fields = WithholdingService.ReadFields(Parameters, Request().Household, null, at: null, errors);

        Assert.Empty(errors);
        Assert.Equal(new PreviousYear(0, null), fields.Previous);
        Assert.False(fields.DirectDebit);
        Assert.Null(fields.StartMonth);
    }

    [Fact]
    public void The_previous_year_direct_debit_and_start_month_are_read_as_given()
    {
        var errors = new List<FieldError>();
        var given = new WithholdingHouseholdJson
        {
            PreviousYear = new PreviousYearJson { AnnualPremium = 120_000, FebruaryWithheld = 20_000 }, DirectDebitRequested = true, StartMonth = 4,
        };
        var fields = WithholdingService.ReadFields(Parameters, Request().Household, given, at: null, errors);

        Assert.Empty(errors);
        Assert.Equal((new PreviousYear(120_000, 20_000), true, (int?)4), (fields.Previous, fields.DirectDebit, fields.StartMonth));
        var noFebruary = WithholdingService.ReadFields(Parameters, null, new WithholdingHouseholdJson { PreviousYear = new PreviousYearJson { AnnualPremium = 90_000 } }, null, errors);
        Assert.Equal(new PreviousYear(90_000, null), noFebruary.Previous);
        Assert.Empty(errors);
    }

    // A batch line's fields are named under where they are (household.withholding).
    [Fact]
    public void A_batch_lines_fields_are_named_under_household_withholding()
    {
        var errors = new List<FieldError>();
        var given = new WithholdingHouseholdJson { PreviousYear = new PreviousYearJson { AnnualPremium = -1, FebruaryWithheld = -2 }, StartMonth = 5 };
        WithholdingService.ReadFields(Parameters, null, given, at: "household.withholding", errors);

        Assert.Equal(["household.withholding.previousYear.annualPremium", "household.withholding.previousYear.februaryWithheld", "household.withholding.startMonth"],
            errors.Select(e => e.Field));
        errors.Clear();
        WithholdingService.ReadFields(Parameters, null, new WithholdingHouseholdJson { PreviousYear = new PreviousYearJson { FebruaryWithheld = 100 } }, null, errors);
        Assert.Equal([("previousYear.annualPremium", "is required: the previous fiscal year's annual premium (yen)")], errors.Select(e => (e.Field, e.Message)));
    }

    // The head's pension is the head's, wherever the head is listed; a pension on another insured member is checked too.
    [Fact]
    public void The_head_pension_is_read_from_the_head_and_every_members_pension_is_checked()
    {
        var household = Household(Member("W", "1956-09-15") with { Pension = Pension(600_000, care: null) },
            Member("H", "1952-06-01") with { Pension = new PensionJson { AnnualAmount = 1_200_000, CareInsuranceWithheld = true, CarePremiumPerPayment = 10_000, Suspended = true, Pledged = true } }) with { HeadId = "H" };
        var errors = new List<FieldError>();
        var fields = WithholdingService.ReadFields(Parameters, household, null, null, errors);

        Assert.Equal(new PensionFacts(1_200_000, true, 10_000, true, true), fields.HeadPension);
        var error = Assert.Single(errors);
        Assert.Equal("household.members[0].pension.carePremiumPerPayment", error.Field);
        Assert.StartsWith("is required when careInsuranceWithheld is true", error.Message);
    }

    // Not withheld: the 介護保険料 per payment may be left out (0); neither suspended nor pledged unless it says so.
    [Fact]
    public void A_pension_whose_care_premium_is_not_withheld_needs_no_care_amount()
    {
        var household = Household(Member("H", "1952-06-01") with { Pension = Pension(withheld: false, care: null) });
        var errors = new List<FieldError>();

        Assert.Equal(new PensionFacts(1_200_000, false, 0, false, false), WithholdingService.ReadFields(Parameters, household, null, null, errors).HeadPension);
        Assert.Empty(errors);
    }

    [Fact]
    public void A_pension_without_its_care_insurance_flag_or_amount_is_named_by_field()
    {
        var household = Household(Member("H", "1952-06-01") with { Pension = new PensionJson { CarePremiumPerPayment = 10_000 } });
        var errors = new List<FieldError>();
        var fields = WithholdingService.ReadFields(Parameters, household, null, null, errors);

        Assert.Equal([("household.members[0].pension.annualAmount", "is required: the pension's annual amount (yen)"),
                ("household.members[0].pension.careInsuranceWithheld", "is required: whether the member's 介護保険料 is withheld from this pension")],
            errors.Select(e => (e.Field, e.Message)));
        Assert.Equal((0L, false), (fields.HeadPension!.AnnualAmount, fields.HeadPension.CareInsuranceWithheld));
    }

    // Only an insured member's pension can be withheld from: a pension on a member with no coverage is refused, and is
    // no head pension (a 擬制世帯主 pays by 普通徴収).
    [Fact]
    public void A_pension_on_a_member_with_no_coverage_is_refused_and_is_no_head_pension()
    {
        var household = Household(Uninsured("H", "1952-06-01") with { Pension = Pension() }, Member("W", "1956-09-15"));
        var errors = new List<FieldError>();
        var fields = WithholdingService.ReadFields(Parameters, household, null, null, errors);

        Assert.Null(fields.HeadPension);
        var error = Assert.Single(errors);
        Assert.Equal("household.members[0].pension", error.Field);
        Assert.Contains("no NHI coverage", error.Message);
    }

    [Fact]
    public void A_household_without_members_has_no_head_pension()
    {
        var errors = new List<FieldError>();

        Assert.Null(WithholdingService.ReadFields(Parameters, new HouseholdJson { Id = "H", HeadId = "H" }, null, null, errors).HeadPension);
        Assert.Null(WithholdingService.ReadFields(Parameters, Household(Member("H", "1952-06-01")), null, null, errors).HeadPension);
        Assert.Empty(errors);
    }
}
