using KokuhoRules.Engine.Tracing;
using KokuhoRules.Rules.Catalog;
using KokuhoRules.Rules.HighCost;
using KokuhoRules.Tests.Support;
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
    [Fact]
    public void The_trace_of_the_mixed_household_B10_6_reads_step_by_step_as_a_clerk_explains_it()
    {
        // §B10 example 6: mother's outpatient 30,000 − 18,000 = 12,000; the 70–74 household 70,000 + 18,000 = 88,000 − 57,600 =
        // 30,400; the child's 18,000 outpatient is under 21,000; the whole household 300,000 + 300,000 + 57,600 = 657,600 −
        // (80,100 + (2,500,000 − 267,000) × 1% = 102,430) = 555,170; 597,570 in all.
        var trace = new Trace();
        var r = Compute([Young("HEAD"), Young("CHILD"), Old("FATHER"), Old("MOTHER")],
            [In("HEAD", "HOSP-A", 1000000, 300000), In("CHILD", "HOSP-B", 1000000, 300000), Out("CHILD", "CLINIC-C", 60000, 18000),
             In("FATHER", "HOSP-A", 350000, 70000), Out("MOTHER", "CLINIC-D", 150000, 30000)], trace: trace);

        Assert.Equal(597570, r.Benefit);
        Assert.Collection(trace.Steps,
            s =>
            {
                Assert.Equal(("decision", "household", "manyTimes", "0"), (s.Kind, s.Subject, s.Item, s.Value));
                Assert.Equal("診療月 2025-10 以前の12か月に支給月が0か月: 多数回に該当しない", s.Text);
                Assert.Equal(["manyTimes.windowMonths", "manyTimes.priorMonths"], s.Parameters.Select(p => p.Path));
            },
            s =>
            {
                Assert.Equal(("calculation", "MOTHER", HighCostBenefit.OutpatientLevel, (long?)12000), (s.Kind, s.Subject, s.Item, s.Yen));
                Assert.Equal("MOTHER の外来 (個人単位, 一般): 自己負担 30,000円 − 限度額 18,000円 = 支給 12,000円", s.Text);
                Assert.Equal(["limits.age70To74.2018-08.general.outpatient"], s.Parameters.Select(p => p.Path));
            },
            s =>
            {
                Assert.Equal(("calculation", "household", HighCostBenefit.Age70HouseholdLevel, (long?)30400), (s.Kind, s.Subject, s.Item, s.Yen));
                Assert.Equal("70〜74歳の世帯単位 (一般): 自己負担 88,000円 − 限度額 57,600円 = 支給 30,400円", s.Text);
                Assert.Equal(["limits.age70To74.2018-08.general.household"], s.Parameters.Select(p => p.Path));
            },
            s =>
            {
                Assert.Equal(("note", "CHILD", "belowThreshold", (long?)18000), (s.Kind, s.Subject, s.Item, s.Yen));
                Assert.Equal("CHILD の外来 自己負担 18,000円 は 21,000円 未満のため合算しない", s.Text);
            },
            s =>
            {
                Assert.Equal(("calculation", "household", HighCostBenefit.HouseholdLevel, (long?)555170), (s.Kind, s.Subject, s.Item, s.Yen));
                Assert.Equal("世帯合算 (区分ウ): 自己負担 657,600円 (70〜74歳の残り 57,600円 を含む; 総医療費 2,500,000円) − 限度額 102,430円 = 支給 555,170円", s.Text);
                Assert.Equal(["limits.under70.2015-01.u.base", "limits.under70.2015-01.u.costThreshold", "aggregation.onePercent", "aggregation.onePercentRounding"],
                    s.Parameters.Select(p => p.Path));
            },
            s =>
            {
                Assert.Equal(("calculation", "household", "benefit", (long?)597570), (s.Kind, s.Subject, s.Item, s.Yen));
                Assert.Equal("高額療養費 597,570円 (各段階の支給額の合計)", s.Text);
            });
    }

    [Fact]
    public void The_trace_says_many_times_and_names_the_many_times_amounts_in_every_step_that_has_one()
    {
        // 3 benefit months before October: 多数回. 70–74 一般 60,000 − 44,400 = 15,600; the household 44,400 + 300,000 = 344,400 −
        // ウ's 多数回 44,400 = 300,000; 315,600 in all.
        var history = new[] { new BenefitMonth(new YearMonth(2025, 7), 50000, false), new BenefitMonth(new YearMonth(2025, 8), 50000, false),
            new BenefitMonth(new YearMonth(2025, 9), 50000, false) };
        var trace = new Trace();
        var r = Compute([Young("P1"), Old("P2")], [In("P1", "H1", 1000000, 300000), In("P2", "H2", 300000, 60000)], history: history, trace: trace);

        Assert.Equal((315600L, true, 3), (r.Benefit, r.ManyTimes, r.PriorBenefitMonths));
        var decision = Assert.Single(trace.Steps, s => s.Item == "manyTimes");
        Assert.Equal(("診療月 2025-10 以前の12か月に支給月が3か月: 多数回該当 (3か月以上)", "3"), (decision.Text, decision.Value));
        var age70 = Assert.Single(trace.Steps, s => s.Item == HighCostBenefit.Age70HouseholdLevel);
        Assert.Equal("70〜74歳の世帯単位 (一般, 多数回): 自己負担 60,000円 − 限度額 44,400円 = 支給 15,600円", age70.Text);
        Assert.Equal(["limits.age70To74.2018-08.general.manyTimes"], age70.Parameters.Select(p => p.Path));
        var household = Assert.Single(trace.Steps, s => s.Item == HighCostBenefit.HouseholdLevel);
        Assert.Equal("世帯合算 (区分ウ, 多数回): 自己負担 344,400円 (70〜74歳の残り 44,400円 を含む; 総医療費 1,300,000円) − 限度額 44,400円 = 支給 300,000円", household.Text);
        Assert.Equal(["limits.under70.2015-01.u.manyTimes"], household.Parameters.Select(p => p.Path));
    }

    [Fact]
    public void A_low_income_70_74_step_in_a_many_times_month_is_not_called_many_times()
    {
        // 低所得Ⅱ has no 多数回 amount (§B5): 60,000 − 24,600 = 35,400 with the ordinary limit, and the trace does not say 多数回.
        var history = Enumerable.Range(1, 3).Select(i => new BenefitMonth(October.PlusMonths(-i), 10000, false)).ToArray();
        var trace = new Trace();
        var r = Compute([Old("P1")], [In("P1", "H1", 300000, 60000)], u: null, a: Age70Category.LowIncomeII, history: history, trace: trace);

        Assert.Equal(35400, r.Benefit);
        Assert.Equal("70〜74歳の世帯単位 (低所得Ⅱ): 自己負担 60,000円 − 限度額 24,600円 = 支給 35,400円",
            Assert.Single(trace.Steps, s => s.Item == HighCostBenefit.Age70HouseholdLevel).Text);
    }

    [Fact]
    public void The_trace_of_a_shared_limit_gives_the_share_and_a_claim_below_the_halved_threshold_says_it()
    {
        // Move month and P2's 75th-birthday month: P2's 一般 57,600 × 1/4 = 14,400 → 60,000 − 14,400 = 45,600; P1's dental
        // 10,000 < 10,500 (21,000 × 1/2) is not aggregated, the inpatient 12,000 is: ウ 80,100 × 1/2 = 40,050 (no 1% term:
        // 40,000 < 133,500) → 0.
        var trace = new Trace();
        Compute([Young("P1"), Old("P2", late: true)], [In("P1", "C1", 40000, 12000), Out("P1", "D1", 33000, 10000, dental: true), In("P2", "H1", 300000, 60000)],
            move: true, trace: trace);

        var late = Assert.Single(trace.Steps, s => s.Item == HighCostBenefit.Age70HouseholdLevel);
        Assert.Equal(("P2", "70〜74歳の世帯単位 (一般): 自己負担 60,000円 − 限度額 14,400円 (× 1/4) = 支給 45,600円"), (late.Subject, late.Text));
        var below = Assert.Single(trace.Steps, s => s.Item == "belowThreshold");
        Assert.Equal(("P1", "P1 の外来 (歯科) 自己負担 10,000円 は 10,500円 (× 1/2) 未満のため合算しない"), (below.Subject, below.Text));
        var household = Assert.Single(trace.Steps, s => s.Item == HighCostBenefit.HouseholdLevel);
        Assert.Equal(("household", "世帯合算 (区分ウ): 自己負担 12,000円 (70〜74歳の残り 0円 を含む; 総医療費 40,000円) − 限度額 40,050円 (× 1/2) = 支給 0円"),
            (household.Subject, household.Text));
    }
    [Fact]
    public void A_claim_of_exactly_21000_is_aggregated_and_not_noted_as_below_the_threshold()
    {
        // 21,000 is "21,000 or more" (健保令41条: 二万千円以上): included; ウ 80,100 (no 1% term on 70,000) → no benefit.
        var trace = new Trace();
        var r = Compute([Young("P1")], [Out("P1", "C1", 70000, 21000)], trace: trace);

        Assert.Equal(new BenefitStep(HighCostBenefit.HouseholdLevel, null, 21000, 80100, 0), Assert.Single(r.Steps));
        Assert.DoesNotContain(trace.Steps, s => s.Item == "belowThreshold");
        Assert.False(r.OutpatientOnly);
    }

    [Fact]
    public void Claims_below_the_threshold_are_noted_by_member_institution_setting_and_medical_before_dental_whatever_their_order()
    {
        var trace = new Trace();
        Compute([Young("P2"), Young("P1")],
            [Out("P2", "C1", 50000, 5000), Out("P1", "C2", 40000, 4000), Out("P1", "C1", 30000, 3000, dental: true), Out("P1", "C1", 20000, 2000),
             In("P1", "C1", 10000, 1000)], trace: trace);

        Assert.Equal(
            ["P1 の入院 自己負担 1,000円 は 21,000円 未満のため合算しない", "P1 の外来 自己負担 2,000円 は 21,000円 未満のため合算しない",
             "P1 の外来 (歯科) 自己負担 3,000円 は 21,000円 未満のため合算しない", "P1 の外来 自己負担 4,000円 は 21,000円 未満のため合算しない",
             "P2 の外来 自己負担 5,000円 は 21,000円 未満のため合算しない"],
            trace.Steps.Where(s => s.Item == "belowThreshold").Select(s => s.Text));
        Assert.Equal(["P1", "P1", "P1", "P1", "P2"], trace.Steps.Where(s => s.Item == "belowThreshold").Select(s => s.Subject));
    }

    [Fact]
    public void The_70_74_steps_are_in_member_order_whatever_the_order_given()
    {
        // Two 一般 members' outpatient: A 30,000 − 18,000 = 12,000, B 20,000 − 18,000 = 2,000; the household 18,000 + 18,000 =
        // 36,000 < 57,600.
        var r = Compute([Old("B"), Old("A")], [Out("B", "C1", 100000, 20000), Out("A", "C1", 150000, 30000)], u: null);

        Assert.Equal([new BenefitStep(HighCostBenefit.OutpatientLevel, "A", 30000, 18000, 12000), new BenefitStep(HighCostBenefit.OutpatientLevel, "B", 20000, 18000, 2000),
            new BenefitStep(HighCostBenefit.Age70HouseholdLevel, null, 36000, 57600, 0)], r.Steps);
        Assert.True(r.OutpatientOnly);
    }

    [Fact]
    public void The_1_percent_term_of_a_genekinami_member_is_on_the_cost_of_all_their_claims()
    {
        // 現役並みⅠ: inpatient 600,000 (3割 180,000) + outpatient 400,000 (3割 120,000): 80,100 + (1,000,000 − 267,000) × 1% = 87,430;
        // 300,000 − 87,430 = 212,570.
        var r = Compute([Old("P1")], [In("P1", "H1", 600000, 180000), Out("P1", "C1", 400000, 120000)], u: null, a: Age70Category.GenekiI);

        Assert.Equal(new BenefitStep(HighCostBenefit.Age70HouseholdLevel, null, 300000, 87430, 212570), Assert.Single(r.Steps));
        Assert.Equal(212570, r.Benefit);
    }

    [Fact]
    public void A_month_of_no_benefit_or_of_a_household_benefit_is_not_outpatient_only()
    {
        Assert.False(Compute([Old("P1")], [Out("P1", "C1", 50000, 10000)], u: null).OutpatientOnly);   // 10,000 < 18,000: nothing paid
        // B10-6: the mother's outpatient benefit and the household's.
        Assert.False(Compute([Young("HEAD"), Old("MOTHER")], [In("HEAD", "H1", 1000000, 300000), Out("MOTHER", "C1", 150000, 30000)]).OutpatientOnly);
    }

    [Fact]
    public void A_household_with_no_member_insured_that_month_has_no_category_and_no_benefit()
    {
        var r = Compute([], [], u: null, a: null);

        Assert.Equal(("", 0L, 0L), (r.Category, r.Benefit, r.Limit));
        Assert.Empty(r.Steps);
    }

    [Fact]
    public void A_care_month_before_the_tables_or_a_band_without_its_category_is_refused_as_the_service_checks_first()
    {
        var rs = HighCostRuleSetTests.Hyogo2025;

        Assert.Equal("no under-70 table for the care month", Assert.Throws<InvalidOperationException>(() =>
            HighCostBenefit.Compute(rs, new BenefitInputs(new YearMonth(2014, 12), [Young("P1")], Under70Category.U, null, [], [], false), null)).Message);
        Assert.Equal("a 70–74 member has claims and no 70–74 category", Assert.Throws<InvalidOperationException>(() =>
            Compute([Old("P1")], [In("P1", "H1", 300000, 60000)], u: null, a: null)).Message);
        Assert.Equal("an under-70 member has claims and no under-70 category", Assert.Throws<InvalidOperationException>(() =>
            Compute([Young("P1")], [In("P1", "H1", 300000, 90000)], u: null)).Message);
    }
    private const string NationalLayer = "national/2025/highCost/parameters.json";

    /// <summary>兵庫県 2025 compiled from a copy of the bundled rule sets with one edit to the national layer.</summary>
    private static HighCostRuleSet Edited(Action<System.Text.Json.Nodes.JsonNode> edit)
    {
        using var root = new TempRuleSetRoot();
        root.EditJson(NationalLayer, edit);
        var catalog = KokuhoRuleSets.Load([root.Root]);
        return catalog.Find<HighCostRuleSet>("hyogo", 2025)
            ?? throw new InvalidOperationException(string.Join("; ", catalog.Failures.SelectMany(f => f.Errors).Select(e => e.Message)));
    }

    [Fact]
    public void The_move_share_and_the_75th_birthday_share_multiply_whatever_shares_the_rule_set_gives()
    {
        // A rule set giving the 75th-birthday month 0.6 (3/5): in a move month (½) the member's share is 3/5 × 1/2 = 3/10, and
        // 一般 57,600 × 3/10 = 17,280 → 60,000 − 17,280 = 42,720.
        var rs = Edited(n => n["specialMonths"]!["lateElderlyMonthShare"]!["value"] = 0.6m);

        var r = HighCostBenefit.Compute(rs, new BenefitInputs(October, [Old("P1", late: true)], null, Age70Category.General, [In("P1", "H1", 300000, 60000)], [], true), null);

        Assert.Equal([new Halving("inPrefectureMove", null, "1/2"), new Halving("lateElderlyMonth", "P1", "3/10")], r.HalvedBy);
        Assert.Equal(new BenefitStep(HighCostBenefit.Age70HouseholdLevel, "P1", 60000, 17280, 42720), Assert.Single(r.Steps));
    }

    [Fact]
    public void A_product_of_shares_beyond_64_bits_is_an_overflow_never_a_wrapped_share()
    {
        // 0.000000000001 × 0.000000000001: the denominator 10^24 does not fit in 64 bits.
        var rs = Edited(n =>
        {
            n["specialMonths"]!["lateElderlyMonthShare"]!["value"] = 0.000000000001m;
            n["specialMonths"]!["inPrefectureMoveShare"]!["value"] = 0.000000000001m;
        });

        Assert.Throws<OverflowException>(() =>
            HighCostBenefit.Compute(rs, new BenefitInputs(October, [Old("P1", late: true)], null, Age70Category.General, [In("P1", "H1", 300000, 60000)], [], true), null));
    }

    [Fact]
    public void A_care_month_with_an_under_70_table_but_no_70_74_table_is_refused()
    {
        // A rule set whose 70–74 table starts only in 2017-08: 2016-01 has the under-70 table of 2015-01 and no 70–74 table.
        var rs = Edited(n => n["limits"]!["age70To74"]!.AsObject().Remove("2015-01"));

        Assert.Equal("no 70–74 table for the care month", Assert.Throws<InvalidOperationException>(() =>
            HighCostBenefit.Compute(rs, new BenefitInputs(new YearMonth(2016, 1), [Young("P1")], Under70Category.U, null, [], [], false), null)).Message);
    }
}
