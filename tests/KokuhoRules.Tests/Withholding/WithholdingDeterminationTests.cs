using KokuhoRules.Engine.Tracing;
using KokuhoRules.Rules.Withholding;
using KokuhoRules.Tests.Support;

namespace KokuhoRules.Tests.Withholding;

/// <summary>
/// The determination as one function (§A2 with §A4–§A6): the start month, the per-payment ½ test on the largest month
/// the schedule would withhold, and the schedule the household gets. The household and amounts of
/// <see cref="WithholdingStopTests"/> (head 72 and wife 68, both insured; premium 132,000; previous year 120,000),
/// 介護保険料 10,000 a payment; Amagasaki FY2025, reference date 2025-04-01. Amounts worked out by hand in the comments.
/// </summary>
public sealed class WithholdingDeterminationTests
{
    private static WithholdingInputs Inputs(long annualPension, long? februaryWithheld, int? start = null) =>
        WithholdingStopTests.Inputs(WithholdingStopTests.Couple(), previous: new PreviousYear(120_000, februaryWithheld), start: start) with
        {
            HeadPension = new PensionFacts(annualPension, true, 10_000, false, false),
        };

    private static WithholdingDeterminationResult Determine(WithholdingInputs inputs) =>
        WithholdingDetermination.Determine(WithholdingRuleSetTests.Amagasaki2025, TestRuleSets.Amagasaki2025, inputs, null);

    private static (int Month, PaymentKind Kind, long Amount)[] Rows(WithholdingDeterminationResult r) =>
        r.Schedule.Entries.Select(e => (e.Month.Month, e.Kind, e.Amount)).ToArray();

    private static string[] Failing(WithholdingDeterminationResult r) => r.Eligibility.Conditions.Where(c => !c.Holds).Select(c => c.Name).ToArray();

    private const PaymentKind P = PaymentKind.Provisional;
    private const PaymentKind D = PaymentKind.Definitive;
    private const PaymentKind O = PaymentKind.Ordinary;

    // Withheld last February (20,000): the April start, 仮徴収 20,000 in April, June and August, 本徴収
    // (132,000 − 60,000) ÷ 3 = 24,000 in October, December and February. The largest month, 24,000 + 介護 10,000 = 34,000,
    // must be at most half a payment: 408,000 ÷ 6 = 68,000 → 34,000 holds; 407,999 ÷ 6 = 67,999.83 → half 33,999.92 fails,
    // though the year as a whole holds (132,000 + 60,000 = 192,000 ≤ 203,999.5) and the 仮徴収 months (30,000) would too.
    [Fact]
    public void The_per_payment_test_reads_the_largest_month_the_schedule_withholds()
    {
        var withheld = Determine(Inputs(408_000, 20_000));
        var over = Determine(Inputs(407_999, 20_000));

        Assert.True(withheld.Eligible);
        Assert.Equal(24_000, withheld.Eligibility.Facts.LargestWithholding);
        Assert.Equal([(4, P, 20_000L), (6, P, 20_000L), (8, P, 20_000L), (10, D, 24_000L), (12, D, 24_000L), (2, D, 24_000L)], Rows(withheld));

        Assert.False(over.Eligible);
        Assert.Equal(["eachPaymentWithinHalf"], Failing(over));
        // Not withheld: the premium's 10 ordinary installments, June–March, 132,000 ÷ 10 = 13,200 each.
        Assert.Equal([(6, O, 13_200L), (7, O, 13_200L), (8, O, 13_200L), (9, O, 13_200L), (10, O, 13_200L), (11, O, 13_200L),
            (12, O, 13_200L), (1, O, 13_200L), (2, O, 13_200L), (3, O, 13_200L)], Rows(over));
        Assert.Null(over.Schedule.StartMonth);
    }

    // Nothing withheld last February: the October start (§A4), the ordinary installments of June–September first
    // (13,200 each, the first 4 of the year's 10), then (132,000 − 52,800) ÷ 3 = 26,400 in October, December and February.
    // The ordinary months are not withheld from the pension, so the ½ test reads 26,400 + 10,000 = 36,400:
    // 436,800 ÷ 12 = 36,400 holds, 436,799 fails.
    [Fact]
    public void A_new_household_starts_in_october_and_the_half_test_ignores_its_ordinary_installments()
    {
        var withheld = Determine(Inputs(436_800, null));
        var over = Determine(Inputs(436_799, null));

        Assert.True(withheld.Eligible);
        Assert.Equal(10, withheld.Schedule.StartMonth);
        Assert.Equal([(6, O, 13_200L), (7, O, 13_200L), (8, O, 13_200L), (9, O, 13_200L), (10, D, 26_400L), (12, D, 26_400L), (2, D, 26_400L)], Rows(withheld));
        Assert.Equal(["eachPaymentWithinHalf"], Failing(over));
    }

    // Asked to start in June (a new household, §A4–§A5): 仮徴収 in June and August of 120,000 ÷ 6 = 20,000;
    // R = 132,000 − 40,000 = 92,000 → floor₁₀₀(92,000 ÷ 3) = 30,600 in December and February, 92,000 − 61,200 = 30,800
    // in October (the remainder month).
    [Fact]
    public void The_start_month_asked_for_is_the_one_used()
    {
        var r = Determine(Inputs(1_200_000, null, start: 6));

        Assert.True(r.Eligible);
        Assert.Equal([(6, P, 20_000L), (8, P, 20_000L), (10, D, 30_800L), (12, D, 30_600L), (2, D, 30_600L)], Rows(r));
        Assert.Equal(30_800, r.Eligibility.Facts.LargestWithholding);
    }

    // The trace names the start month and whether it was asked for or the default (§A4: withheld last February → the
    // 仮徴収 of April continues).
    [Fact]
    public void The_trace_names_the_start_month_and_why()
    {
        string StartStep(WithholdingInputs inputs)
        {
            var trace = new Trace();
            WithholdingDetermination.Determine(WithholdingRuleSetTests.Amagasaki2025, TestRuleSets.Amagasaki2025, inputs, trace);
            return trace.Steps.Single(s => s.Item == "startMonth").Text;
        }

        Assert.Equal("開始月 4月 (指定なし: 前年度2月に特別徴収があり仮徴収から継続)", StartStep(Inputs(1_200_000, 20_000)));
        Assert.Equal("開始月 6月 (指定)", StartStep(Inputs(1_200_000, null, start: 6)));
    }
}
