using KokuhoRules.Engine.Tracing;
using KokuhoRules.Rules.HighCost;
using NodaTime;

namespace KokuhoRules.Tests.HighCost;

/// <summary>外来年間合算 (§B3): the year August–July, the counted months only, eligibility on the reference date, the 144,000 cap.</summary>
public sealed class OutpatientAnnualCapTests
{
    private static readonly YearMonth July2025 = new(2025, 7);

    private static OutpatientMonth[] Year(YearMonth last, Func<int, long> borne, Func<int, bool>? counted = null) =>
        Enumerable.Range(0, 12).Select(i => new OutpatientMonth(last.PlusMonths(i - 11), borne(i), counted?.Invoke(i) ?? true)).ToArray();

    [Fact]
    public void Twelve_months_of_18000_give_72000_back_B10_9()
    {
        // §B10 example 9 [I]: 18,000 outpatient in each of 12 months, each already at the monthly 18,000 limit.
        var r = OutpatientAnnualCap.Compute(HighCostRuleSetTests.Hyogo2025, July2025, true, Year(July2025, _ => 18000), null);

        Assert.Equal((new YearMonth(2024, 8), 216000L, 144000L, 72000L), (r.From, r.Borne, r.Cap, r.Benefit));
    }

    [Fact]
    public void Kurumes_year_of_14000_for_8_months_and_8000_for_4_reaches_the_cap_exactly_and_gives_nothing()
    {
        // Kurume [C]: 14,000 × 8 + 8,000 × 4 = 144,000 → no benefit (the 2017–18 year, the first one capped).
        var last = new YearMonth(2018, 7);
        var r = OutpatientAnnualCap.Compute(HighCostRuleSetTests.Hyogo2025, last, true, Year(last, i => i < 8 ? 14000 : 8000), null);

        Assert.Equal((144000L, 0L), (r.Borne, r.Benefit));
    }

    [Fact]
    public void Genekinami_months_are_left_out_and_a_person_not_general_on_the_reference_date_gets_nothing()
    {
        var months = Year(July2025, _ => 18000, i => i >= 2);   // August and September 現役並み
        var rs = HighCostRuleSetTests.Hyogo2025;

        Assert.Equal((180000L, 36000L), (OutpatientAnnualCap.Compute(rs, July2025, true, months, null).Borne, OutpatientAnnualCap.Compute(rs, July2025, true, months, null).Benefit));
        Assert.Equal(0L, OutpatientAnnualCap.Compute(rs, July2025, false, months, null).Benefit);
    }

    [Fact]
    public void A_year_before_the_cap_existed_or_not_ending_in_july_is_refused()
    {
        var rs = HighCostRuleSetTests.Hyogo2025;

        Assert.Throws<ArgumentException>(() => OutpatientAnnualCap.Compute(rs, new YearMonth(2017, 7), true, [], null));
        Assert.Throws<ArgumentException>(() => OutpatientAnnualCap.Compute(rs, new YearMonth(2025, 6), true, [], null));
    }
    [Fact]
    public void One_yen_above_the_cap_is_paid_back_and_missing_months_are_simply_not_borne()
    {
        // 8 months given (the others had no outpatient care): 7 × 18,000 + 18,001 = 144,001 → 1 yen above 144,000.
        var months = Enumerable.Range(0, 8).Select(i => new OutpatientMonth(new YearMonth(2024, 8).PlusMonths(i), i == 0 ? 18001 : 18000, true)).ToArray();

        var r = OutpatientAnnualCap.Compute(HighCostRuleSetTests.Hyogo2025, July2025, true, months, null);

        Assert.Equal((new YearMonth(2024, 8), July2025, 144001L, 144000L, 1L), (r.From, r.Until, r.Borne, r.Cap, r.Benefit));
    }

    [Fact]
    public void A_month_outside_the_august_to_july_year_or_a_month_given_twice_is_refused()
    {
        var rs = HighCostRuleSetTests.Hyogo2025;
        var year = Year(July2025, _ => 10000);

        Assert.Equal("months", Assert.Throws<ArgumentException>(() =>
            OutpatientAnnualCap.Compute(rs, July2025, true, [new OutpatientMonth(new YearMonth(2024, 7), 10000, true)], null)).ParamName);
        Assert.Equal("months", Assert.Throws<ArgumentException>(() =>
            OutpatientAnnualCap.Compute(rs, July2025, true, [new OutpatientMonth(new YearMonth(2025, 8), 10000, true)], null)).ParamName);
        var twice = Assert.Throws<ArgumentException>(() =>
            OutpatientAnnualCap.Compute(rs, July2025, true, [.. year, new OutpatientMonth(new YearMonth(2025, 1), 10000, true)], null));
        Assert.Equal("months", twice.ParamName);
        Assert.StartsWith("each month of the year once", twice.Message, StringComparison.Ordinal);
        // The first and the last month of the year are inside it.
        Assert.Equal(20000L, OutpatientAnnualCap.Compute(rs, July2025, true,
            [new OutpatientMonth(new YearMonth(2024, 8), 10000, true), new OutpatientMonth(July2025, 10000, true)], null).Borne);
    }

    [Fact]
    public void The_refusals_name_the_argument_at_fault()
    {
        var rs = HighCostRuleSetTests.Hyogo2025;

        var before = Assert.Throws<ArgumentException>(() => OutpatientAnnualCap.Compute(rs, new YearMonth(2017, 7), true, [], null));
        Assert.Equal("lastMonth", before.ParamName);
        Assert.StartsWith("the cap applies from outpatientAnnualCap.from", before.Message, StringComparison.Ordinal);
        var notJuly = Assert.Throws<ArgumentException>(() => OutpatientAnnualCap.Compute(rs, new YearMonth(2025, 8), true, [], null));
        Assert.Equal("lastMonth", notJuly.ParamName);
        Assert.StartsWith("the year of the cap ends in the month before outpatientAnnualCap.periodStartMonth", notJuly.Message, StringComparison.Ordinal);
        // The first capped year (2017-08〜2018-07) is accepted.
        Assert.Equal(0L, OutpatientAnnualCap.Compute(rs, new YearMonth(2018, 7), true, [], null).Benefit);
    }

    [Fact]
    public void The_trace_gives_the_year_the_sum_the_cap_and_the_benefit_or_says_the_person_is_not_eligible()
    {
        var rs = HighCostRuleSetTests.Hyogo2025;
        var trace = new Trace();
        OutpatientAnnualCap.Compute(rs, July2025, true, Year(July2025, _ => 18000), trace);
        OutpatientAnnualCap.Compute(rs, July2025, false, Year(July2025, _ => 18000), trace);

        Assert.Collection(trace.Steps,
            s =>
            {
                Assert.Equal(("calculation", "person", (string?)null, "outpatientAnnualCap", (long?)72000), (s.Kind, s.Subject, s.Component, s.Item, s.Yen));
                Assert.Contains("2024-08〜2025-07", s.Text, StringComparison.Ordinal);
                Assert.Contains("216,000円", s.Text, StringComparison.Ordinal);
                Assert.Contains("144,000円", s.Text, StringComparison.Ordinal);
                Assert.Contains("支給 72,000円", s.Text, StringComparison.Ordinal);
                Assert.Equal(["outpatientAnnualCap.amount", "outpatientAnnualCap.periodStartMonth"], s.Parameters.Select(p => p.Path));
            },
            s =>
            {
                Assert.Equal(("calculation", "person", "outpatientAnnualCap", (long?)0), (s.Kind, s.Subject, s.Item, s.Yen));
                Assert.Contains("2024-08〜2025-07", s.Text, StringComparison.Ordinal);
                Assert.Contains("対象外", s.Text, StringComparison.Ordinal);
                Assert.DoesNotContain("支給", s.Text, StringComparison.Ordinal);
                Assert.Equal(["outpatientAnnualCap.amount", "outpatientAnnualCap.periodStartMonth"], s.Parameters.Select(p => p.Path));
            });
    }
}
