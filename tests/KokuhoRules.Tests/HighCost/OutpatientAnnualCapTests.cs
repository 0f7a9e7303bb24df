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
}
