using KokuhoRules.Engine.Tracing;
using KokuhoRules.Rules.HighCost;
using NodaTime;

namespace KokuhoRules.Tests.HighCost;

/// <summary>
/// The month's benefit (§B4–§B6) and the 多数回 count (§B5) computed directly, one rule at a time: the 21,000 threshold per
/// person, institution, setting and medical/dental; the 1% term; the shares of the move month and the 75th-birthday month; the
/// window and what it does not count.
/// </summary>
public sealed class HighCostBenefitTests
{
    private static readonly YearMonth October = new(2025, 10);

    private static BenefitResult Compute(IReadOnlyList<BenefitMember> members, IReadOnlyList<Claim> claims, Under70Category? u = Under70Category.U,
        Age70Category? a = Age70Category.General, IReadOnlyList<BenefitMonth>? history = null, bool move = false, Trace? trace = null) =>
        HighCostBenefit.Compute(HighCostRuleSetTests.Hyogo2025, new BenefitInputs(October, members, u, a, claims, history ?? [], move), trace);

    private static BenefitMember Young(string id) => new(id, AgeBand.Under70, false);
    private static BenefitMember Old(string id, bool late = false) => new(id, AgeBand.Age70To74, late);
    private static Claim In(string m, string inst, long cost, long copay, bool dental = false) => new(m, CareSetting.Inpatient, dental, inst, cost, copay);
    private static Claim Out(string m, string inst, long cost, long copay, bool dental = false) => new(m, CareSetting.Outpatient, dental, inst, cost, copay);

    [Fact]
    public void Under_70_claims_below_21000_are_not_aggregated_but_two_lines_of_one_institution_and_setting_are_added_up()
    {
        // 12,000 + 10,000 at one clinic's outpatient = 22,000 ≥ 21,000: counted; 20,000 dental elsewhere: not.
        var r = Compute([Young("P1")], [Out("P1", "C1", 40000, 12000), Out("P1", "C1", 33000, 10000), Out("P1", "D1", 66000, 20000, dental: true),
            In("P1", "H1", 1000000, 300000)]);

        var step = Assert.Single(r.Steps);
        Assert.Equal(322000, step.Included);
        Assert.Equal(80100 + 8060, step.Limit);   // the 1% term on the included claims' cost only: (1,000,000 + 73,000 − 267,000) × 1%
    }

    [Fact]
    public void Medical_and_dental_at_one_institution_are_separate_claims_for_the_threshold()
    {
        var r = Compute([Young("P1")], [Out("P1", "C1", 50000, 15000), Out("P1", "C1", 50000, 15000, dental: true)]);

        Assert.Empty(r.Steps);
        Assert.Equal(0, r.Benefit);
    }

    [Theory]
    [InlineData(267000L, 80100L)]       // no term at the threshold
    [InlineData(267049L, 80100L)]       // 0.49 yen → 0 (half-up to the yen)
    [InlineData(267050L, 80101L)]       // 0.50 yen → 1
    [InlineData(1000000L, 87430L)]
    public void The_1_percent_term_is_rounded_half_up_to_the_yen(long cost, long limit)
    {
        var r = Compute([Young("P1")], [In("P1", "H1", cost, 250000)]);

        Assert.Equal(limit, r.Limit);
    }

    [Fact]
    public void The_move_month_halves_the_limits_and_the_threshold_and_a_75th_birthday_member_then_has_a_quarter()
    {
        var r = Compute([Young("P1"), Old("P2", late: true)], [Out("P1", "C1", 40000, 12000), In("P2", "H1", 300000, 60000)], move: true);

        // P1's 12,000 ≥ 10,500 (the halved threshold) is aggregated; P2 alone, 一般 ¼: 57,600 / 4 = 14,400.
        Assert.Equal([new BenefitStep("age70Household", "P2", 60000, 14400, 45600), new BenefitStep("household", null, 12000, 40050, 0)], r.Steps);
        Assert.Equal([new Halving("inPrefectureMove", null, "1/2"), new Halving("lateElderlyMonth", "P2", "1/4")], r.HalvedBy);
        Assert.Equal(45600, r.Benefit);
    }

    [Fact]
    public void A_70_74_member_in_a_genekinami_household_has_no_outpatient_step()
    {
        var r = Compute([Old("P1")], [Out("P1", "C1", 300000, 90000)], u: null, a: Age70Category.GenekiI);

        var step = Assert.Single(r.Steps);
        Assert.Equal(("age70Household", 80100 + 330), (step.Level, step.Limit));
    }

    [Fact]
    public void A_month_with_only_the_outpatient_benefit_says_so()
    {
        var r = Compute([Old("P1")], [Out("P1", "C1", 150000, 30000)], u: null);

        Assert.True(r.OutpatientOnly);
        Assert.Equal(12000, r.Benefit);
    }

    [Fact]
    public void The_window_counts_the_11_months_before_the_care_month_each_once_not_outpatient_only_nor_zero_months()
    {
        var history = new[]
        {
            new BenefitMonth(new YearMonth(2024, 10), 50000, false),   // 12 months before: outside
            new BenefitMonth(new YearMonth(2024, 11), 50000, false),   // first month of the window
            new BenefitMonth(new YearMonth(2025, 1), 12000, true),     // outpatient only: not counted
            new BenefitMonth(new YearMonth(2025, 3), 0, false),        // nothing paid
            new BenefitMonth(new YearMonth(2025, 9), 44400, false),    // a 多数回 month counts too
        };
        var trace = new Trace();

        Assert.Equal(2, ManyTimesCount.PriorBenefitMonths(HighCostRuleSetTests.Hyogo2025, October, history, trace));
        Assert.Contains(trace.Steps, s => s.Item == "manyTimesExcluded" && s.Text.StartsWith("2025-01", StringComparison.Ordinal));
    }

    [Fact]
    public void The_care_month_itself_and_later_months_never_count_for_its_own_many_times()
    {
        // 多数回 counts the months *before* the care month (§B5): a benefit of the care month itself (or a later one, e.g.
        // a history read back after a rerun) is not one of them. Mutation testing found no test of this bound.
        var history = new[]
        {
            new BenefitMonth(new YearMonth(2025, 7), 50000, false),
            new BenefitMonth(new YearMonth(2025, 8), 50000, false),
            new BenefitMonth(October, 50000, false),
            new BenefitMonth(new YearMonth(2025, 11), 50000, false),
        };

        Assert.Equal(2, ManyTimesCount.PriorBenefitMonths(HighCostRuleSetTests.Hyogo2025, October, history, null));
    }

    [Fact]
    public void Another_citys_month_before_2018_04_is_not_carried_over_but_the_citys_own_is()
    {
        var rs = HighCostRuleSetTests.Hyogo2025;
        var march = new YearMonth(2018, 3);
        var april = new YearMonth(2018, 4);

        Assert.Equal(1, ManyTimesCount.PriorBenefitMonths(rs, april, [new BenefitMonth(march, 50000, false)], null));
        Assert.Equal(0, ManyTimesCount.PriorBenefitMonths(rs, april, [new BenefitMonth(march, 50000, false, "nishinomiya")], null));
        Assert.Equal(1, ManyTimesCount.PriorBenefitMonths(rs, new YearMonth(2018, 5), [new BenefitMonth(april, 50000, false, "nishinomiya")], null));
    }

    [Fact]
    public void Each_month_left_out_of_the_count_is_noted_in_the_trace_with_its_reason_and_only_those()
    {
        // What a clerk reads in the API's trace: the month, why it does not count (§B5: only the 70–74 outpatient benefit;
        // §B7: another city's month before 2018-04) and, for the second, the parameter that sets 2018-04.
        var history = new[]
        {
            new BenefitMonth(new YearMonth(2018, 2), 12000, true),                   // only the 70–74 outpatient benefit
            new BenefitMonth(new YearMonth(2018, 3), 50000, false, "nishinomiya"),  // another city, before 2018-04
            new BenefitMonth(new YearMonth(2018, 4), 50000, false, "nishinomiya"),  // another city from 2018-04: counts
            new BenefitMonth(new YearMonth(2018, 5), 50000, false),                  // this city's: counts
        };
        var trace = new Trace();

        Assert.Equal(2, ManyTimesCount.PriorBenefitMonths(HighCostRuleSetTests.Hyogo2025, new YearMonth(2018, 6), history, trace));
        Assert.Collection(trace.Steps,
            s =>
            {
                Assert.Equal(("note", "household", (string?)null, "manyTimesExcluded"), (s.Kind, s.Subject, s.Component, s.Item));
                Assert.StartsWith("2018-02 ", s.Text, StringComparison.Ordinal);
                Assert.Contains("70〜74歳の外来", s.Text, StringComparison.Ordinal);
                Assert.Contains("数えない", s.Text, StringComparison.Ordinal);
                Assert.Empty(s.Parameters);
            },
            s =>
            {
                Assert.Equal(("note", "household", (string?)null, "manyTimesExcluded"), (s.Kind, s.Subject, s.Component, s.Item));
                Assert.StartsWith("2018-03 ", s.Text, StringComparison.Ordinal);
                Assert.Contains("他の市町", s.Text, StringComparison.Ordinal);
                Assert.Contains("2018-04 より前", s.Text, StringComparison.Ordinal);
                Assert.Contains("通算しない", s.Text, StringComparison.Ordinal);
                var parameter = Assert.Single(s.Parameters);
                Assert.Equal("manyTimes.carriedAcrossInsurersFrom", parameter.Path);
                Assert.Contains("2018-04", parameter.Value, StringComparison.Ordinal);
            });
    }

    [Fact]
    public void Months_outside_the_window_the_care_month_and_unpaid_months_are_not_noted_as_excluded()
    {
        // Only a month inside the window with a benefit paid can be "left out for a reason"; the others are simply not
        // benefit months of the window (a 13th month back, the care month itself, a month with 0 yen): no note.
        var history = new[]
        {
            new BenefitMonth(new YearMonth(2024, 10), 12000, true),   // the 13th month back (care month included): outside
            new BenefitMonth(October, 12000, true),                   // the care month itself
            new BenefitMonth(new YearMonth(2025, 3), 0, true),        // nothing paid
            new BenefitMonth(new YearMonth(2024, 11), 12000, true),   // the 12th month: inside, outpatient only → noted
        };
        var trace = new Trace();

        Assert.Equal(0, ManyTimesCount.PriorBenefitMonths(HighCostRuleSetTests.Hyogo2025, October, history, trace));
        var note = Assert.Single(trace.Steps);
        Assert.StartsWith("2024-11 ", note.Text, StringComparison.Ordinal);
    }

    [Fact]
    public void Low_income_70_74_households_have_no_many_times_limit()
    {
        var history = Enumerable.Range(1, 3).Select(i => new BenefitMonth(October.PlusMonths(-i), 10000, false)).ToArray();

        var r = Compute([Old("P1")], [In("P1", "H1", 300000, 60000)], u: null, a: Age70Category.LowIncomeII, history: history);

        Assert.True(r.ManyTimes);
        Assert.Equal(24600, r.Limit);
    }

    [Fact]
    public void The_trace_names_each_step_and_the_parameters_it_used()
    {
        var trace = new Trace();
        Compute([Young("P1")], [In("P1", "H1", 1000000, 300000), Out("P1", "C1", 10000, 3000)], trace: trace);

        Assert.Contains(trace.Steps, s => s.Item == "belowThreshold" && s.Parameters.Any(p => p.Path == "aggregation.claimThreshold"));
        var household = Assert.Single(trace.Steps, s => s.Item == "household");
        Assert.Contains(household.Parameters, p => p.Path == "aggregation.onePercentRounding" && !p.Confirmed);
        Assert.Contains(household.Parameters, p => p.Path == "limits.under70.2015-01.u.base");
    }
}
