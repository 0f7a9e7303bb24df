using System.Text.Json;
using KokuhoRules.Rules.Premium;
using KokuhoRules.Rules.Snapshots;
using KokuhoRules.Tests.Support;
using NodaTime;
using NodaTime.Testing;
using static KokuhoRules.Tests.Support.Households;

namespace KokuhoRules.Tests.Premium;

/// <summary>
/// 期割 and 更正 (premium.md §8.3; withholding-highcost-eligibility.md §C3, §C5), on Amagasaki's
/// schedule: 10 installments June–March, due at each month's end, 100-yen units with the remainder on
/// the first (unconfirmed parameters, see the rule set). Amounts are worked by hand.
/// </summary>
public sealed class ReassessmentTests
{
    private static readonly ReassessmentService Service = new(TestRuleSets.Service, new FakeClock(Instant.FromUtc(2025, 11, 20, 3, 0)));

    private static AssessmentResponse Assess(HouseholdJson household, int fiscalYear = 2025, string? asOf = null, bool trial = false)
    {
        var (response, failure) = TestRuleSets.Service.Assess(new AssessmentRequest
        {
            Insurer = "amagasaki", FiscalYear = fiscalYear, Household = household, AsOf = asOf is null ? null : Date(asOf), Trial = trial ? true : null,
        }, trace: false);
        Assert.True(failure is null, failure?.Detail);
        return response!;
    }

    /// <summary>The previous assessment as the core system would post it back: the API's own JSON.</summary>
    private static PreviousAssessmentJson Previous(AssessmentResponse response) =>
        JsonSerializer.Deserialize<PreviousAssessmentJson>(JsonSerializer.Serialize(response, KokuhoJson.Options), KokuhoJson.Options)!;

    private static ReassessmentResponse Reassess(string effective, string? asOf, bool trial = false, bool notCausedByInsured = false,
        params (int FiscalYear, HouseholdJson Household, AssessmentResponse? Previous)[] years)
    {
        var (response, failure) = Service.Reassess(new ReassessmentRequest
        {
            Insurer = "amagasaki",
            Change = new ChangeJson { EffectiveDate = Date(effective), Description = "test", ReductionNotCausedByInsured = notCausedByInsured ? true : null },
            AsOf = asOf is null ? null : Date(asOf),
            Years = years.Select(y => (ReassessmentYearJson?)new ReassessmentYearJson { FiscalYear = y.FiscalYear, Household = y.Household, Previous = y.Previous is null ? null : Previous(y.Previous) }).ToArray(),
            Trial = trial ? true : null,
        }, trace: true);
        Assert.True(failure is null, failure?.Detail + " " + string.Join("; ", failure?.Errors.Select(e => $"{e.Field}: {e.Message}") ?? []));
        return response!;
    }

    private static HouseholdJson Couple(string? spouseLost = null, long spouseIncome = 450_000) => Household(
        Member("P1", "1983-05-10", Income(2_760_000, salaryRevenue: 4_000_000, salaryIncome: 2_760_000)),
        Member("P2", "1984-06-01", Income(spouseIncome, salaryRevenue: spouseIncome + 550_000, salaryIncome: spouseIncome), lost: spouseLost));

    [Fact]
    public void The_annual_premium_is_spread_over_ten_installments_in_100_yen_units_remainder_first()
    {
        // 476,352 ÷ 10 = 47,635 → 47,600 each; the remainder 352 goes to the first: 47,952.
        var a = Assess(Couple());
        Assert.Equal(476_352, a.AnnualPremium);
        Assert.Equal([47_952, 47_600, 47_600, 47_600, 47_600, 47_600, 47_600, 47_600, 47_600, 47_600], a.Installments.Select(i => i.Amount));
        Assert.Equal(Enumerable.Range(1, 10), a.Installments.Select(i => i.Number));
        Assert.Equal(Date("2025-06-30"), a.Installments[0].DueDate);
        Assert.Equal(Date("2026-03-31"), a.Installments[^1].DueDate);
        Assert.Equal(a.AnnualPremium, a.Installments.Sum(i => i.Amount));
    }

    [Fact]
    public void A_household_joining_mid_year_pays_over_the_installments_still_to_fall_due()
    {
        // Joins 2025-10-15, 7割: medical 7,590 + support 2,932 + care 2,708 = 13,230, assessed on 2025-11-05:
        // November–March, 5 installments: 2,600 each, 2,830 for the first.
        var a = Assess(Household(Member("P1", "1980-06-15", acquired: "2025-10-15")), asOf: "2025-11-05");
        Assert.Equal(13_230, a.AnnualPremium);
        Assert.Equal([6, 7, 8, 9, 10], a.Installments.Select(i => i.Number));
        Assert.Equal([2_830, 2_600, 2_600, 2_600, 2_600], a.Installments.Select(i => i.Amount));
    }

    [Fact]
    public void A_household_leaving_at_75_pays_only_in_the_installments_of_its_liable_months()
    {
        // Alone, 75 on 2025-12-07: NHI April–November; installments June–November (6), as in Kamo.
        var a = Assess(Household(Member("P1", "1950-12-07", Income(2_000_000))));
        Assert.Equal([1, 2, 3, 4, 5, 6], a.Installments.Select(i => i.Number));
        Assert.Equal(a.AnnualPremium, a.Installments.Sum(i => i.Amount));
    }

    [Fact]
    public void Turning_40_on_the_1st_is_assessed_in_advance_with_care_from_the_month_before()
    {
        // Born 1985-11-01: 40 on 2025-10-31, care October–March (6 months) already in the annual
        // assessment, spread over all ten installments: nothing to recalculate when the birthday comes.
        var household = Household(Member("P1", "1985-11-01", Income(3_000_000)));
        var a = Assess(household);
        Assert.Equal(6, a.Components.Single(c => c.Name == "care").Months);
        Assert.Equal(10, a.Installments.Count);
        Assert.Equal(a.AnnualPremium, a.Installments.Sum(i => i.Amount));
        var r = Reassess("2025-10-31", "2025-11-05", years: (2025, household, a)).Years.Single();
        Assert.Equal(0, r.Difference);
    }

    [Fact]
    public void A_member_leaving_mid_year_lowers_the_remaining_installments_only()
    {
        // P2 joins employees' insurance; NHI lost 2025-10-16 (April–September). Processed 2025-11-20:
        // June–October (5) are due and stay; 447,246 − 238,352 = 208,894 over November–March.
        var before = Assess(Couple());
        var r = Reassess("2025-10-16", "2025-11-20", years: (2025, Couple(spouseLost: "2025-10-16"), before)).Years.Single();
        Assert.True(r.Applied);
        Assert.Equal(447_246 - 476_352, r.Difference);
        Assert.Equal(before.Installments.Take(5).Select(i => i.Amount), r.Installments.Take(5).Select(i => i.Amount));
        Assert.All(r.Installments.Take(5), i => Assert.Equal(InstallmentStatus.Due, i.Status));
        Assert.Equal([42_094, 41_700, 41_700, 41_700, 41_700], r.Installments.Skip(5).Select(i => i.Amount));
        Assert.Equal(447_246, r.Installments.Sum(i => i.Amount));
        Assert.Equal(SettlementKind.None, r.Settlement.Kind);
        Assert.Contains(r.Trace!, s => s.Item == "insuredMonths" && s.Subject == "P2" && s.Text.Contains("12か月 → 6か月"));
        Assert.Contains(r.Trace!, s => s.Item == "componentChange" && s.Component == "medical" && s.Text.Contains("270,744円 → 254,340円"));
    }

    [Fact]
    public void After_a_death_what_is_left_is_billed_in_the_next_installment_and_none_after()
    {
        // Alone, dies 2025-11-30 (lost 2025-12-01): April–November. Processed 2025-12-10: June–November
        // (6) are due and stay; no installment falls in the liable months any more, so the rest goes to
        // the next one (第7期, December) and the later ones are cancelled.
        var alive = Household(Member("P1", "1980-06-15", Income(3_000_000)));
        var before = Assess(alive);
        var died = Household(Member("P1", "1980-06-15", Income(3_000_000), lost: "2025-12-01"));
        var r = Reassess("2025-12-01", "2025-12-10", years: (2025, died, before)).Years.Single();
        var due = before.Installments.Take(6).Sum(i => i.Amount);
        Assert.Equal(r.AnnualPremium - due, r.Installments.Single(i => i.Number == 7).Amount);
        Assert.All(r.Installments.Where(i => i.Number > 7), i => Assert.Equal(0, i.Amount));
        Assert.Equal(SettlementKind.None, r.Settlement.Kind);
        Assert.Equal(r.AnnualPremium, r.Installments.Sum(i => i.Amount));
    }

    [Fact]
    public void Liability_ending_before_the_first_installment_is_billed_in_the_first()
    {
        // 75 on 2025-05-01: NHI in April only; the whole premium falls on 第1期 (June).
        var a = Assess(Household(Member("P1", "1950-05-01", Income(2_000_000))));
        var bill = Assert.Single(a.Installments);
        Assert.Equal(1, bill.Number);
        Assert.Equal(a.AnnualPremium, bill.Amount);
    }

    [Fact]
    public void A_retroactive_join_across_the_fiscal_year_boundary_is_assessed_year_by_year()
    {
        // P2 reports on 2025-06-20 that she joined NHI on 2025-02-10 (FY2024, a draft rule set: trial).
        // FY2024 is a past year: February–March are billed as an extra (過年度分). FY2025 is re-spread over all 10.
        var fy2024Before = Household(Member("P1", "1983-05-10", Income(2_760_000, salaryRevenue: 4_000_000, salaryIncome: 2_760_000)));
        var fy2024After = Household(
            Member("P1", "1983-05-10", Income(2_760_000, salaryRevenue: 4_000_000, salaryIncome: 2_760_000)),
            Member("P2", "1984-06-01", Income(450_000, salaryRevenue: 1_000_000, salaryIncome: 450_000), acquired: "2025-02-10"));
        var fy2025Before = fy2024Before;
        var fy2025After = fy2024After;
        var r = Reassess("2025-02-10", "2025-06-20", trial: true,
            years: [(2024, fy2024After, Assess(fy2024Before, 2024, trial: true)), (2025, fy2025After, Assess(fy2025Before))]);
        var past = r.Years.Single(y => y.FiscalYear == 2024);
        Assert.Equal("pastYear", past.Kind);
        Assert.Equal("amagasaki", past.Assessment.Ruleset.Insurer);
        Assert.Equal(2024, past.Assessment.Ruleset.FiscalYear);
        Assert.True(past.Difference > 0);
        Assert.Equal(new Settlement(SettlementKind.AdditionalBill, past.Difference), past.Settlement);
        Assert.Equal(2, past.Assessment.Members.Single(m => m.Id == "P2").InsuredMonths);
        var current = r.Years.Single(y => y.FiscalYear == 2025);
        Assert.Equal("currentYear", current.Kind);
        Assert.All(current.Installments, i => Assert.Equal(InstallmentStatus.Remaining, i.Status));
        Assert.Equal(current.AnnualPremium, current.Installments.Sum(i => i.Amount));
    }

    [Fact]
    public void A_change_reaching_an_earlier_year_must_include_that_year()
    {
        var (_, failure) = Service.Reassess(new ReassessmentRequest
        {
            Insurer = "amagasaki",
            Change = new ChangeJson { EffectiveDate = Date("2025-02-10") },
            AsOf = Date("2025-06-20"),
            Years = [new ReassessmentYearJson { FiscalYear = 2025, Household = Couple() }],
        }, trace: false);
        Assert.NotNull(failure);
        Assert.Equal("years", failure!.Errors[0].Field);
        Assert.Contains("the fiscal year the change takes effect in", failure.Errors[0].Message);
        Assert.Contains("must be included", failure.Errors[0].Message);
        Assert.DoesNotContain("2025-02-10", failure.Errors[0].Message); // never the request's dates
    }

    [Fact]
    public void A_year_before_the_change_or_not_yet_started_is_refused()
    {
        var (_, failure) = Service.Reassess(new ReassessmentRequest
        {
            Insurer = "amagasaki",
            Change = new ChangeJson { EffectiveDate = Date("2025-05-10") },
            AsOf = Date("2025-06-20"),
            Years = [new ReassessmentYearJson { FiscalYear = 2024, Household = Couple() }, new ReassessmentYearJson { FiscalYear = 2026, Household = Couple() }],
        }, trace: false);
        Assert.NotNull(failure);
        Assert.Contains(failure!.Errors, e => e.Field == "years[0].fiscalYear" && e.Message.Contains("not affected"));
        Assert.Contains(failure.Errors, e => e.Field == "years[1].fiscalYear" && e.Message.Contains("has not started"));
    }

    [Fact]
    public void Recalculating_an_unchanged_household_changes_nothing()
    {
        var before = Assess(Couple());
        var r = Reassess("2025-09-01", "2025-09-15", years: (2025, Couple(), before)).Years.Single();
        Assert.Equal(0, r.Difference);
        Assert.Equal(before.Installments.Select(i => i.Amount), r.Installments.Select(i => i.Amount));
        Assert.Equal(SettlementKind.None, r.Settlement.Kind);
    }

    [Fact]
    public void The_processing_day_defaults_to_today_in_Japan()
    {
        // The clock says 2025-11-20 12:00 JST.
        var before = Assess(Couple());
        var (response, failure) = Service.Reassess(new ReassessmentRequest
        {
            Insurer = "amagasaki", Change = new ChangeJson { EffectiveDate = Date("2025-10-16") },
            Years = [new ReassessmentYearJson { FiscalYear = 2025, Household = Couple(spouseLost: "2025-10-16"), Previous = Previous(before) }],
        }, trace: false);
        Assert.Null(failure);
        Assert.Equal(Date("2025-11-20"), response!.AsOf);
        Assert.Equal(5, response.Years[0].Installments.Count(i => i.Status == InstallmentStatus.Due));
    }

    // ---- the previous assessment (期割の再配分) ---------------------------------------------------------------------

    /// <summary>P2 leaves on 2025-10-16 (447,246 instead of 476,352), with the previous assessment given as JSON.</summary>
    private static (ReassessmentResponse? Response, AssessmentFailure? Failure) ReassessWithPrevious(string previousJson, string asOf = "2025-11-20") =>
        Service.Reassess(new ReassessmentRequest
        {
            Insurer = "amagasaki", Change = new ChangeJson { EffectiveDate = Date("2025-10-16") }, AsOf = Date(asOf),
            Years = [new ReassessmentYearJson { FiscalYear = 2025, Household = Couple(spouseLost: "2025-10-16"), Previous = JsonSerializer.Deserialize<PreviousAssessmentJson>(previousJson, KokuhoJson.Options) }],
        }, trace: false);

    private const string TooLarge = "exceeds the largest accepted amount (100,000,000,000 yen)";
    private const string Bill = """{ "number": 1, "dueDate": "2025-06-30", "amount": 100 }""";

    [Theory]
    [InlineData("""{ "installments": [] }""", ".annualPremium", "is required and cannot be negative")]
    [InlineData("""{ "annualPremium": -1, "installments": [] }""", ".annualPremium", "is required and cannot be negative")]
    [InlineData("""{ "annualPremium": 100000000001, "installments": [] }""", ".annualPremium", TooLarge)]
    [InlineData("""{ "annualPremium": 0 }""", ".installments", "is required: the installments as billed")]
    [InlineData("""{ "annualPremium": 0, "installments": [ null ] }""", ".installments[0].number", "is required (1 for 第1期)")]
    [InlineData("""{ "annualPremium": 0, "installments": [ { "dueDate": "2025-06-30", "amount": 0 } ] }""", ".installments[0].number", "is required (1 for 第1期)")]
    [InlineData("""{ "annualPremium": 0, "installments": [ { "number": 0, "dueDate": "2025-06-30", "amount": 0 } ] }""", ".installments[0].number", "is required (1 for 第1期)")]
    [InlineData("""{ "annualPremium": 0, "installments": [ { "number": 1, "amount": 0 } ] }""", ".installments[0].dueDate", "is required")]
    [InlineData("""{ "annualPremium": 0, "installments": [ { "number": 1, "dueDate": "2025-06-30" } ] }""", ".installments[0].amount", "is required and cannot be negative")]
    [InlineData("""{ "annualPremium": 0, "installments": [ { "number": 1, "dueDate": "2025-06-30", "amount": -1 } ] }""", ".installments[0].amount", "is required and cannot be negative")]
    [InlineData("""{ "annualPremium": 0, "installments": [ { "number": 1, "dueDate": "2025-06-30", "amount": 100000000001 } ] }""", ".installments[0].amount", TooLarge)]
    [InlineData("""{ "annualPremium": 200, "installments": [ { "number": 1, "dueDate": "2025-06-30", "amount": 100 }, { "number": 1, "dueDate": "2025-07-31", "amount": 100 } ] }""",
        ".installments[1].number", "the same installment number as years[0].previous.installments[0]: each installment is given once")]
    [InlineData("""{ "annualPremium": 0, "installments": [], "settlement": { "kind": "refund", "amount": 100000000001 } }""", ".settlement.amount", TooLarge)]
    [InlineData("""{ "annualPremium": 100, "installments": [], "settlement": { "amount": 100 } }""", ".settlement.kind", "is required: \"additionalBill\", \"refund\" or \"none\"")]
    [InlineData("""{ "annualPremium": 0, "installments": [], "settlement": { "kind": "additionalBill", "amount": -1 } }""", ".settlement.amount", "is required with an additional bill or a refund and cannot be negative")]
    [InlineData("""{ "annualPremium": 0, "installments": [], "settlement": { "kind": "refund" } }""", ".settlement.amount", "is required with an additional bill or a refund and cannot be negative")]
    [InlineData("""{ "annualPremium": 1000, "installments": [ { "number": 1, "dueDate": "2025-06-30", "amount": 900 } ] }""", ".installments",
        "the installments and the settlement do not add up to the annual premium (annualPremium = the sum of installments[].amount, plus an additional bill or minus a refund)")]
    [InlineData("""{ "annualPremium": 1000, "installments": [ { "number": 1, "dueDate": "2025-06-30", "amount": 900 } ], "settlement": { "kind": "refund", "amount": 100 } }""", ".installments",
        "the installments and the settlement do not add up to the annual premium (annualPremium = the sum of installments[].amount, plus an additional bill or minus a refund)")]
    [InlineData("""{ "annualPremium": 0, "installments": [], "members": [ null ] }""", ".members[0]", "must be an object")]
    [InlineData("""{ "annualPremium": 0, "installments": [], "members": [ { "id": "P 1" } ] }""", ".members[0].id", "must be 1–64 characters of A–Z, a–z, 0–9, '-', '_' or '.'")]
    public void A_bad_previous_assessment_is_refused_with_one_error_naming_the_field(string previous, string field, string message)
    {
        var (response, failure) = ReassessWithPrevious(previous);
        Assert.Null(response);
        var error = Assert.Single(failure!.Errors);
        Assert.Equal("years[0].previous" + field, error.Field);
        Assert.Equal(message, error.Message);
    }

    [Theory]
    [InlineData(-1)]
    [InlineData(100_000_000_001)]
    public void A_previous_component_amount_outside_0_to_100_billion_yen_is_refused(long amount)
    {
        var (_, failure) = ReassessWithPrevious($$"""{ "annualPremium": 0, "installments": [], "components": [ { "name": "medical", "amount": 0 }, { "name": "care", "amount": {{amount}} } ] }""");
        var error = Assert.Single(failure!.Errors);
        Assert.Equal("years[0].previous.components[1].amount", error.Field);
        Assert.StartsWith("must be between 0 and ", error.Message);
    }

    [Theory]
    // The edges of every amount are accepted: 0 and 100,000,000,000 yen, installment 第1期.
    [InlineData("""{ "annualPremium": 0, "installments": [], "components": [ { "name": "medical", "amount": 0 }, { "name": "care", "amount": 100000000000 } ] }""")]
    [InlineData("""{ "annualPremium": 0, "installments": [ { "number": 1, "dueDate": "2025-06-30", "amount": 0 } ], "settlement": { "kind": "additionalBill", "amount": 0 } }""")]
    [InlineData("""{ "annualPremium": 0, "installments": [], "settlement": { "kind": "refund", "amount": 0 } }""")]
    [InlineData("""{ "annualPremium": 0, "installments": [], "settlement": { "kind": "none" }, "members": [ { "id": "P1" } ] }""")]
    public void A_previous_assessment_of_nothing_billed_leaves_the_whole_new_premium_to_the_installments_to_come(string previous)
    {
        // Nothing was billed: 447,246 over November–March (5): 89,449.2 → 89,400 each, the remainder 246 on the first.
        var (response, failure) = ReassessWithPrevious(previous);
        Assert.True(failure is null, string.Join("; ", failure?.Errors.Select(e => $"{e.Field}: {e.Message}") ?? []));
        var year = response!.Years.Single();
        Assert.Equal(0, year.PreviousAnnualPremium);
        Assert.Equal(447_246, year.Difference);
        Assert.Equal([89_646, 89_400, 89_400, 89_400, 89_400], year.Installments.Where(i => i.Number >= 6).Select(i => i.Amount));
        Assert.All(year.Installments.Where(i => i.Number < 6), i => Assert.Equal(0, i.Amount));
        Assert.Equal(SettlementKind.None, year.Settlement.Kind);
    }

    [Fact]
    public void A_previous_bill_of_100_billion_yen_is_accepted_and_refunded_down_to_the_new_premium()
    {
        // The largest accepted amount, billed in June and due: 100,000,000,000 − 447,246 = 99,999,552,754 is refunded.
        var (response, failure) = ReassessWithPrevious("""{ "annualPremium": 100000000000, "installments": [ { "number": 1, "dueDate": "2025-06-30", "amount": 100000000000 } ] }""");
        Assert.Null(failure);
        var year = response!.Years.Single();
        Assert.Equal(new Settlement(SettlementKind.Refund, 99_999_552_754), year.Settlement);
        Assert.Equal(100_000_000_000, year.Installments.Single(i => i.Number == 1).Amount);
    }

    [Fact]
    public void What_was_settled_outside_the_installments_stays_settled_and_only_the_rest_is_spread()
    {
        // Billed before: the ten installments of 476,352 plus an extra bill of 100 (annual 476,452). Due by 2025-11-20:
        // 第1–5期, 47,952 + 4 × 47,600 = 238,352, and the 100: 238,452 stays. 447,246 − 238,452 = 208,794 over
        // November–March: 41,758 → 41,700 each, the remainder 294 on the first (41,994).
        var billed = Assess(Couple());
        var previous = Previous(billed) with { AnnualPremium = 476_452, Settlement = new PreviousSettlementJson { Kind = SettlementKind.AdditionalBill, Amount = 100 } };
        var year = ReassessWithPrevious(JsonSerializer.Serialize(previous, KokuhoJson.Options)).Response!.Years.Single();
        Assert.Equal(476_452, year.PreviousAnnualPremium);
        Assert.Equal([41_994, 41_700, 41_700, 41_700, 41_700], year.Installments.Skip(5).Select(i => i.Amount));
        Assert.Equal(SettlementKind.None, year.Settlement.Kind);
        // A refund of 100 before (annual 476,252): 238,252 stays, 208,994 is spread: 41,798 → 41,700, the remainder 494 first.
        previous = previous with { AnnualPremium = 476_252, Settlement = new PreviousSettlementJson { Kind = SettlementKind.Refund, Amount = 100 } };
        year = ReassessWithPrevious(JsonSerializer.Serialize(previous, KokuhoJson.Options)).Response!.Years.Single();
        Assert.Equal([42_194, 41_700, 41_700, 41_700, 41_700], year.Installments.Skip(5).Select(i => i.Amount));
    }

    [Fact]
    public void A_reduction_found_after_the_last_installment_is_refunded_and_an_increase_billed_at_once()
    {
        // Processed on 2026-04-10, after 第10期 (2026-03-31): every installment is due and stays as billed.
        // P2 left on 2025-10-16: 476,352 billed, 447,246 owed, 29,106 refunded.
        var full = Assess(Couple());
        var r = Reassess("2025-10-16", "2026-04-10", years: (2025, Couple(spouseLost: "2025-10-16"), full)).Years.Single();
        Assert.Equal("pastYear", r.Kind);
        Assert.Equal(new Settlement(SettlementKind.Refund, 29_106), r.Settlement);
        Assert.Equal(full.Installments.Select(i => i.Amount), r.Installments.Select(i => i.Amount));
        Assert.All(r.Installments, i => Assert.Equal(InstallmentStatus.Due, i.Status));
        // The other way round (the loss withdrawn): 29,106 more is owed and no installment is left, so it is billed at once.
        var left = Assess(Couple(spouseLost: "2025-10-16"));
        r = Reassess("2025-10-16", "2026-04-10", years: (2025, Couple(), left)).Years.Single();
        Assert.Equal(new Settlement(SettlementKind.AdditionalBill, 29_106), r.Settlement);
        Assert.Equal(left.Installments.Select(i => i.Amount), r.Installments.Select(i => i.Amount));
    }

    [Fact]
    public void An_installment_due_on_the_processing_day_itself_stays_as_billed()
    {
        // 第5期 falls due on Friday 2025-10-31, the processing day: June–October (5) stay, as on 2025-11-20.
        var before = Assess(Couple());
        Assert.Equal(Date("2025-10-31"), before.Installments[4].DueDate);
        var r = Reassess("2025-10-16", "2025-10-31", years: (2025, Couple(spouseLost: "2025-10-16"), before)).Years.Single();
        Assert.Equal(InstallmentStatus.Due, r.Installments[4].Status);
        Assert.Equal(InstallmentStatus.Remaining, r.Installments[5].Status);
        Assert.Equal([47_952, 47_600, 47_600, 47_600, 47_600, 42_094, 41_700, 41_700, 41_700, 41_700], r.Installments.Select(i => i.Amount));
        // The installments still to come show what they were billed before.
        Assert.Equal(Enumerable.Repeat(47_600L, 5), r.Installments.Skip(5).Select(i => i.PreviousAmount));
    }

    [Fact]
    public void An_unchanged_annual_premium_leaves_the_bills_as_they_were_even_when_a_new_spread_would_differ()
    {
        // The core system billed 476,352 with the remainder 352 on 第10期. Nothing changed on 2025-09-15 (第1–3期 due):
        // the bills stand. Spread anew, 333,552 over 第4–10期 would give 47,952 to 第4期 instead.
        var billed = Assess(Couple());
        var previous = Previous(billed) with
        {
            Installments = billed.Installments.Select((b, i) => (PreviousInstallmentJson?)new PreviousInstallmentJson { Number = b.Number, DueDate = b.DueDate, Amount = i == 9 ? 47_952 : 47_600 }).ToArray(),
        };
        var (response, failure) = Service.Reassess(new ReassessmentRequest
        {
            Insurer = "amagasaki", Change = new ChangeJson { EffectiveDate = Date("2025-09-01") }, AsOf = Date("2025-09-15"),
            Years = [new ReassessmentYearJson { FiscalYear = 2025, Household = Couple(), Previous = previous }],
        }, trace: false);
        Assert.Null(failure);
        var r = response!.Years.Single();
        Assert.Equal(0, r.Difference);
        Assert.Equal([47_600, 47_600, 47_600, 47_600, 47_600, 47_600, 47_600, 47_600, 47_600, 47_952], r.Installments.Select(i => i.Amount));
        Assert.Equal(r.Installments.Select(i => i.Amount), r.Installments.Select(i => i.PreviousAmount));
    }

    [Fact]
    public void Without_a_previous_assessment_the_whole_premium_goes_to_the_installments_to_come_and_no_trace_unless_asked()
    {
        // No previous assessment: nothing is due, 447,246 over November–March as for a previous of nothing billed.
        var (response, failure) = ReassessWithPrevious("null");
        Assert.Null(failure);
        var year = response!.Years.Single();
        Assert.Equal([89_646, 89_400, 89_400, 89_400, 89_400], year.Installments.Select(i => i.Amount));
        Assert.All(year.Installments, i => Assert.Equal(0, i.PreviousAmount));
        Assert.Null(year.Trace);
        // The components against the previous ones given: a component the previous assessment did not show has no difference.
        (response, _) = ReassessWithPrevious("""{ "annualPremium": 0, "installments": [], "components": [ { "name": "medical", "amount": 1000 } ] }""");
        var components = response!.Years.Single().Components;
        var medical = components.Single(c => c.Name == "medical");
        Assert.Equal(1000, medical.PreviousAmount);
        Assert.Equal(medical.Amount - 1000, medical.Difference);
        Assert.All(components.Where(c => c.Name != "medical"), c => Assert.Null(c.Difference));
    }

    [Fact]
    public void A_settlement_of_100_billion_yen_is_accepted()
    {
        var (response, failure) = ReassessWithPrevious("""{ "annualPremium": 100000000000, "installments": [], "settlement": { "kind": "additionalBill", "amount": 100000000000 } }""");
        Assert.Null(failure);
        Assert.Equal(new Settlement(SettlementKind.Refund, 99_999_552_754), response!.Years.Single().Settlement);
    }

    [Fact]
    public void A_processing_day_of_31_March_is_still_in_the_current_year()
    {
        var r = Reassess("2025-10-16", "2026-03-31", years: (2025, Couple(spouseLost: "2025-10-16"), Assess(Couple()))).Years.Single();
        Assert.Equal("currentYear", r.Kind);
        Assert.Equal(new Settlement(SettlementKind.Refund, 29_106), r.Settlement);
    }

    [Fact]
    public void An_unchanged_annual_premium_on_a_due_day_keeps_that_days_installment_due()
    {
        var billed = Assess(Couple());
        var (response, failure) = Service.Reassess(new ReassessmentRequest
        {
            Insurer = "amagasaki", Change = new ChangeJson { EffectiveDate = Date("2025-09-01") }, AsOf = Date("2025-10-31"),
            Years = [new ReassessmentYearJson { FiscalYear = 2025, Household = Couple(), Previous = Previous(billed) }],
        }, trace: false);
        Assert.Null(failure);
        var r = response!.Years.Single();
        Assert.Equal(Enumerable.Repeat(InstallmentStatus.Due, 5).Concat(Enumerable.Repeat(InstallmentStatus.Remaining, 5)), r.Installments.Select(i => i.Status));
        Assert.Equal(billed.Installments.Select(i => i.Amount), r.Installments.Select(i => i.Amount));
    }

    [Fact]
    public void A_new_premium_equal_to_what_is_already_due_leaves_nothing_to_the_installments_to_come_and_nothing_to_settle()
    {
        // Billed before: 第1–5期 (due by 2025-11-20) 89,446 + 4 × 89,450 = 447,246, 第6–10期 5,000 each (472,246). The new
        // premium 447,246 is all due already: 第6–10期 become 0, with no refund and no extra bill.
        var billed = Assess(Couple());
        var previous = Previous(billed) with
        {
            AnnualPremium = 472_246,
            Installments = billed.Installments.Select((b, i) => (PreviousInstallmentJson?)new PreviousInstallmentJson { Number = b.Number, DueDate = b.DueDate, Amount = i == 0 ? 89_446 : i < 5 ? 89_450 : 5_000 }).ToArray(),
        };
        var year = ReassessWithPrevious(JsonSerializer.Serialize(previous, KokuhoJson.Options)).Response!.Years.Single();
        Assert.Equal(Settlement.None, year.Settlement);
        Assert.All(year.Installments.Skip(5), i => Assert.Equal(0, i.Amount));
    }

    // ---- 国保法110条の2 -----------------------------------------------------------------------------

    private static readonly ReassessmentService Shimonoseki = new(TestRuleSets.Service, new FakeClock(Instant.FromUtc(2025, 8, 1, 0, 0)));

    private static YearReassessment CorrectShimonoseki2023(long newIncome, string asOf, bool notCausedByInsured)
    {
        HouseholdJson H(long income) => Household(Member("P1", "1963-01-10", Income(income, salaryRevenue: income + 830_000, salaryIncome: income)));
        var (before, f1) = TestRuleSets.Service.Assess(new AssessmentRequest { Insurer = "shimonoseki", FiscalYear = 2023, Household = H(1_670_000) }, false);
        Assert.Null(f1);
        var (response, failure) = Shimonoseki.Reassess(new ReassessmentRequest
        {
            Insurer = "shimonoseki",
            Change = new ChangeJson { EffectiveDate = Date("2023-04-01"), Description = "所得更正", ReductionNotCausedByInsured = notCausedByInsured ? true : null },
            AsOf = Date(asOf),
            // The corrected 2022 income is the prior-year income of FY2023 only.
            Years = [new ReassessmentYearJson { FiscalYear = 2023, Household = H(newIncome), Previous = Previous(before!) }],
        }, trace: true);
        Assert.True(failure is null, failure?.Detail + string.Join("; ", failure?.Errors.Select(e => e.Field + " " + e.Message) ?? []));
        return response!.Years.Single(y => y.FiscalYear == 2023);
    }

    [Fact]
    public void A_correction_two_years_after_the_day_after_the_first_due_date_is_time_barred()
    {
        // FY2023's first due date 2023-06-30: no assessment or change from 2025-07-01.
        var r = CorrectShimonoseki2023(newIncome: 3_000_000, asOf: "2025-08-01", notCausedByInsured: false);
        Assert.False(r.Applied);
        Assert.True(r.TimeLimit.TimeBarred);
        Assert.Equal(Date("2025-07-01"), r.TimeLimit.BarredFrom);
        Assert.Equal(0, r.Difference);
        Assert.Equal(r.PreviousAnnualPremium, r.AnnualPremium);
        Assert.Contains("第110条の2", r.TimeLimit.Reason);
    }

    [Fact]
    public void A_correction_before_the_limit_is_made()
    {
        var r = CorrectShimonoseki2023(newIncome: 3_000_000, asOf: "2025-06-30", notCausedByInsured: false);
        Assert.True(r.Applied);
        Assert.True(r.Difference > 0);
        Assert.Equal(new Settlement(SettlementKind.AdditionalBill, r.Difference), r.Settlement);
    }

    [Fact]
    public void A_reduction_not_caused_by_the_insured_may_still_be_made_after_the_limit()
    {
        var barred = CorrectShimonoseki2023(newIncome: 500_000, asOf: "2025-08-01", notCausedByInsured: false);
        Assert.False(barred.Applied);
        var excepted = CorrectShimonoseki2023(newIncome: 500_000, asOf: "2025-08-01", notCausedByInsured: true);
        Assert.True(excepted.Applied);
        Assert.True(excepted.TimeLimit.ExceptionApplied);
        Assert.True(excepted.Difference < 0);
        Assert.Equal(new Settlement(SettlementKind.Refund, -excepted.Difference), excepted.Settlement);
    }
}
