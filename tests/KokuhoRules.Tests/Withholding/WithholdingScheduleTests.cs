using KokuhoRules.Rules.Catalog;
using KokuhoRules.Rules.Premium;
using KokuhoRules.Rules.Withholding;
using KokuhoRules.Tests.Support;
using NodaTime;

namespace KokuhoRules.Tests.Withholding;

/// <summary>
/// The withholding schedule (issue 13 item 3): 仮徴収, 本徴収, leveling (§A5, §A6) and the ordinary installments before
/// a late start, on the worked examples of Yatsushiro (A10-1) and Amagasaki's own installment months.
/// </summary>
public sealed class WithholdingScheduleTests
{
    /// <summary>The Amagasaki FY2025 withholding draft with its leveling mode replaced (the only change).</summary>
    internal static WithholdingRuleSet WithLeveling(LevelingMode mode) => Leveled[mode].Value;

    private static readonly Dictionary<LevelingMode, Lazy<WithholdingRuleSet>> Leveled = Enum.GetValues<LevelingMode>().ToDictionary(m => m, m => new Lazy<WithholdingRuleSet>(() =>
        m == LevelingMode.None
            ? WithholdingRuleSetTests.Amagasaki2025
            : Variant("\"value\": \"none\"", $"\"value\": \"{(m == LevelingMode.AugustOnly ? "augustOnly" : "juneAndAugust")}\"")));

    /// <summary>The Amagasaki FY2025 withholding draft with the remainder of the 本徴収 on February instead of October (the only change).</summary>
    private static readonly Lazy<WithholdingRuleSet> FebruaryRemainder = new(() => Variant("\"remainderMonth\": {\n      \"value\": 10,", "\"remainderMonth\": {\n      \"value\": 2,"));

    /// <summary>The Amagasaki FY2025 withholding draft with one text of its parameters replaced.</summary>
    private static WithholdingRuleSet Variant(string text, string replacement)
    {
        using var root = new TempRuleSetRoot();
        root.MakeDraft("amagasaki/2025/withholding");
        root.ReplaceOnce("amagasaki/2025/withholding/parameters.json", text, replacement);
        var catalog = KokuhoRuleSets.Load([root.Root], (insurer, year) => insurer == "amagasaki" && year == 2025);
        return catalog.Find<WithholdingRuleSet>("amagasaki", 2025, "2025.1") ?? throw new InvalidOperationException(string.Join("\n", catalog.Failures.SelectMany(f => f.Errors)));
    }

    internal static PremiumRuleSet Premium => TestRuleSets.Amagasaki2025;

    private static (int Month, PaymentKind Kind, long Amount)[] Rows(WithholdingScheduleResult r) =>
        r.Entries.Select(e => (e.Month.Month, e.Kind, e.Amount)).ToArray();

    private const PaymentKind P = PaymentKind.Provisional;
    private const PaymentKind D = PaymentKind.Definitive;
    private const PaymentKind O = PaymentKind.Ordinary;

    // A10-1, Yatsushiro https://www.city.yatsushiro.lg.jp/kiji00316783/index.html: FY R5, annual 39,700, 仮徴収 600 each
    // (the previous February) → R = 37,900 → Dec = Feb = 12,600, Oct = 12,700 (100-yen floor, remainder to October).
    [Fact]
    public void A10_1_definitive_amounts_take_the_rest_divided_by_three_with_the_remainder_in_October()
    {
        var r = WithholdingSchedule.Build(WithLeveling(LevelingMode.None), Premium, 4, 39_700, new PreviousYear(20_000, 600));

        Assert.Equal([(4, P, 600L), (6, P, 600L), (8, P, 600L), (10, D, 12_700L), (12, D, 12_600L), (2, D, 12_600L)], Rows(r));
        Assert.Equal((1_800L, 37_900L, 0L, 0L), (r.ProvisionalTotal, r.DefinitiveTotal, r.OrdinaryTotal, r.Overpaid));
        Assert.Equal(new YearMonth(2026, 2), r.Entries[^1].Month);
    }

    // A10-1 FY R5 with the remainder on February: R = 37,900 → 12,600 in October and December, 12,700 in February.
    [Fact]
    public void The_remainder_of_the_definitive_amounts_goes_to_the_rule_sets_remainder_month()
    {
        var r = WithholdingSchedule.Build(FebruaryRemainder.Value, Premium, 4, 39_700, new PreviousYear(20_000, 600));

        Assert.Equal([(10, D, 12_600L), (12, D, 12_600L), (2, D, 12_700L)], Rows(r).Where(x => x.Kind == D));
    }

    // A10-1, FY R6 without leveling: Apr/Jun/Aug = 12,600 (the previous February); R = 1,900 → Oct 700, Dec 600, Feb 600.
    [Fact]
    public void A10_1_without_leveling_the_provisional_months_repeat_February()
    {
        var r = WithholdingSchedule.Build(WithLeveling(LevelingMode.None), Premium, 4, 39_700, new PreviousYear(39_700, 12_600));

        Assert.Equal([(4, P, 12_600L), (6, P, 12_600L), (8, P, 12_600L), (10, D, 700L), (12, D, 600L), (2, D, 600L)], Rows(r));
    }

    // A10-1 with leveling (June and August): ① = floor100(39,700 ÷ 6) = 6,600; ② = floor100((19,800 − 12,600) ÷ 2) = 3,600;
    // R = 39,700 − 19,800 = 19,900 → Oct 6,700, Dec 6,600, Feb 6,600.
    [Fact]
    public void A10_1_leveling_June_and_August_evens_out_the_year()
    {
        var r = WithholdingSchedule.Build(WithLeveling(LevelingMode.JuneAndAugust), Premium, 4, 39_700, new PreviousYear(39_700, 12_600));

        Assert.Equal([(4, P, 12_600L), (6, P, 3_600L), (8, P, 3_600L), (10, D, 6_700L), (12, D, 6_600L), (2, D, 6_600L)], Rows(r));
    }

    // expydoc / Hidaka (§A5): August = annual ÷ 2 − April − June, so the 仮徴収 total is half the annual premium.
    [Fact]
    public void Leveling_August_only_makes_the_provisional_total_half_the_annual_premium()
    {
        var r = WithholdingSchedule.Build(WithLeveling(LevelingMode.AugustOnly), Premium, 4, 120_000, new PreviousYear(90_000, 15_000));

        Assert.Equal([(4, P, 15_000L), (6, P, 15_000L), (8, P, 30_000L), (10, D, 20_000L), (12, D, 20_000L), (2, D, 20_000L)], Rows(r));
    }

    // Mito (§A5): a new April start withholds the previous premium ÷ 6 (floored to 100 yen) in each 仮徴収 month.
    [Fact]
    public void A_new_April_start_withholds_a_sixth_of_the_previous_premium()
    {
        var r = WithholdingSchedule.Build(WithLeveling(LevelingMode.None), Premium, 4, 80_000, new PreviousYear(70_000, null));

        Assert.Equal([(4, P, 11_600L), (6, P, 11_600L), (8, P, 11_600L), (10, D, 15_200L), (12, D, 15_000L), (2, D, 15_000L)], Rows(r));
    }

    // Hayama (§A4): an October start pays the first installments (Amagasaki: June–September) ordinarily, spread as the
    // premium's own installments are; the rest is withheld in October, December and February.
    [Fact]
    public void An_October_start_bills_June_to_September_as_the_premiums_own_installments()
    {
        var annual = 123_456L;
        var r = WithholdingSchedule.Build(WithLeveling(LevelingMode.None), Premium, 10, annual, new PreviousYear(0, null));

        var spread = InstallmentSchedule.Spread(annual, InstallmentSchedule.Slots(Premium), Premium.Parameters.Installments);
        var ordinary = r.Entries.Where(e => e.Kind == O).ToArray();
        Assert.Equal([6, 7, 8, 9], ordinary.Select(e => e.Month.Month));
        Assert.Equal(spread.Take(4).Select(b => b.Amount), ordinary.Select(e => e.Amount));
        var rest = annual - ordinary.Sum(e => e.Amount);
        var each = rest / 3 / 100 * 100;
        Assert.Equal([(10, D, rest - 2 * each), (12, D, each), (2, D, each)], Rows(r).Where(x => x.Kind == D));
        Assert.DoesNotContain(r.Entries, e => e.Kind == P);
    }

    [Theory]
    [InlineData(9, null, "is not a month withholding can start in")]
    [InlineData(10, 5_000L, "continues from month 4 (its 仮徴収)")]
    [InlineData(4, 0L, "nothing was withheld last February")]
    public void A_start_the_rules_do_not_allow_is_refused_with_the_reason(int start, long? february, string message)
    {
        var e = Assert.Throws<ArgumentException>(() => WithholdingSchedule.Build(WithLeveling(LevelingMode.None), Premium, start, 50_000, new PreviousYear(50_000, february)));

        Assert.Contains(message, e.Message);
        Assert.Equal("startMonth", e.ParamName);
    }

    // A June start of a new household (§A4, §A5): 仮徴収 in June and August only, each the previous premium ÷ 6
    // (60,000 ÷ 6 = 10,000); leveling adjusts the months of an April start only, so it changes nothing here.
    // R = 90,000 − 20,000 = 70,000 → floor100(70,000 ÷ 3) = 23,300 in December and February, 23,400 in October.
    [Theory]
    [InlineData(LevelingMode.None)]
    [InlineData(LevelingMode.JuneAndAugust)]
    [InlineData(LevelingMode.AugustOnly)]
    public void A_June_start_withholds_June_and_August_unleveled_and_no_ordinary_installment(LevelingMode mode)
    {
        var r = WithholdingSchedule.Build(WithLeveling(mode), Premium, 6, 90_000, new PreviousYear(60_000, null));

        Assert.Equal([(6, P, 10_000L), (8, P, 10_000L), (10, D, 23_400L), (12, D, 23_300L), (2, D, 23_300L)], Rows(r));
        Assert.Equal((6, 0L), (r.StartMonth!.Value, r.Overpaid));
    }

    // Leveling never withholds a negative amount: ① = floor100(12,000 ÷ 6) = 2,000, ① × 3 − April = 6,000 − 10,000 < 0
    // → June = August = 0; R = 40,000 − 10,000 = 30,000 → 10,000 in each 本徴収 month.
    [Fact]
    public void Leveling_June_and_August_after_a_large_April_withholds_nothing_in_June_and_August()
    {
        var r = WithholdingSchedule.Build(WithLeveling(LevelingMode.JuneAndAugust), Premium, 4, 40_000, new PreviousYear(12_000, 10_000));

        Assert.Equal([(4, P, 10_000L), (6, P, 0L), (8, P, 0L), (10, D, 10_000L), (12, D, 10_000L), (2, D, 10_000L)], Rows(r));
    }

    // August only: half the year is 10,000, already exceeded by April + June (30,000) → August 0; the 仮徴収 exceed the
    // year by 10,000, refunded, and nothing is definitive.
    [Fact]
    public void Leveling_August_only_after_April_and_June_above_half_the_year_withholds_nothing_in_August()
    {
        var r = WithholdingSchedule.Build(WithLeveling(LevelingMode.AugustOnly), Premium, 4, 20_000, new PreviousYear(90_000, 15_000));

        Assert.Equal([(4, P, 15_000L), (6, P, 15_000L), (8, P, 0L), (10, D, 0L), (12, D, 0L), (2, D, 0L)], Rows(r));
        Assert.Equal(10_000L, r.Overpaid);
    }

    [Theory]
    [InlineData(-1L, 0L, null, "annualPremium", "the annual premium cannot be negative")]
    [InlineData(50_000L, -1L, null, "previous", "the previous year's amounts cannot be negative")]
    [InlineData(50_000L, 50_000L, -1L, "previous", "the previous year's amounts cannot be negative")]
    public void A_negative_amount_is_refused_naming_it(long annual, long previousAnnual, long? february, string parameter, string message)
    {
        var e = Assert.Throws<ArgumentException>(() => WithholdingSchedule.Build(WithLeveling(LevelingMode.None), Premium, 10, annual, new PreviousYear(previousAnnual, february)));

        Assert.Equal(parameter, e.ParamName);
        Assert.StartsWith(message, e.Message);
    }

    [Fact]
    public void A_premium_of_nothing_is_a_schedule_of_nothing_not_a_refusal()
    {
        var r = WithholdingSchedule.Build(WithLeveling(LevelingMode.None), Premium, 10, 0, new PreviousYear(0, null));
        var ordinary = WithholdingSchedule.OrdinaryOnly(Premium, 0);

        Assert.Equal([(6, O, 0L), (7, O, 0L), (8, O, 0L), (9, O, 0L), (10, D, 0L), (12, D, 0L), (2, D, 0L)], Rows(r));
        Assert.Equal((0L, 0L), (ordinary.OrdinaryTotal, ordinary.Overpaid));
        Assert.All(ordinary.Entries, e => Assert.Equal(0L, e.Amount));
    }

    [Fact]
    public void A_month_that_is_no_start_month_is_refused_naming_the_start_months()
    {
        var e = Assert.Throws<ArgumentException>(() => WithholdingSchedule.Build(WithLeveling(LevelingMode.None), Premium, 12, 50_000, new PreviousYear(50_000, null)));

        Assert.Contains("the start months are 4, 6, 8, 10", e.Message);
    }

    [Fact]
    public void A_household_not_withheld_has_every_installment_of_the_year_ordinarily()
    {
        var r = WithholdingSchedule.OrdinaryOnly(Premium, 123_456);

        var spread = InstallmentSchedule.Spread(123_456, InstallmentSchedule.Slots(Premium), Premium.Parameters.Installments);
        Assert.Equal(spread.Select(b => b.Amount), r.Entries.Select(e => e.Amount));
        Assert.All(r.Entries, e => Assert.Equal(O, e.Kind));
        Assert.Equal(((int?)null, 123_456L, 0L), (r.StartMonth, r.OrdinaryTotal, r.Overpaid));
        var e = Assert.Throws<ArgumentException>(() => WithholdingSchedule.OrdinaryOnly(Premium, -1));
        Assert.Equal("annualPremium", e.ParamName);
        Assert.StartsWith("the annual premium cannot be negative", e.Message);
    }

    [Fact]
    public void Provisional_amounts_above_the_annual_premium_are_reported_as_overpaid_and_nothing_is_definitive()
    {
        var r = WithholdingSchedule.Build(WithLeveling(LevelingMode.None), Premium, 4, 20_000, new PreviousYear(60_000, 10_000));

        Assert.Equal((30_000L, 0L, 10_000L), (r.ProvisionalTotal, r.DefinitiveTotal, r.Overpaid));
    }
}
