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
    {
        if (m == LevelingMode.None) return WithholdingRuleSetTests.Amagasaki2025;
        using var root = new TempRuleSetRoot();
        var name = m == LevelingMode.AugustOnly ? "augustOnly" : "juneAndAugust";
        root.MakeDraft("amagasaki/2025/withholding");
        root.ReplaceOnce("amagasaki/2025/withholding/parameters.json", "\"value\": \"none\"", $"\"value\": \"{name}\"");
        var catalog = KokuhoRuleSets.Load([root.Root], (insurer, year) => insurer == "amagasaki" && year == 2025);
        return catalog.Find<WithholdingRuleSet>("amagasaki", 2025, "2025.1") ?? throw new InvalidOperationException(string.Join("\n", catalog.Failures.SelectMany(f => f.Errors)));
    }));

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

    [Fact]
    public void Provisional_amounts_above_the_annual_premium_are_reported_as_overpaid_and_nothing_is_definitive()
    {
        var r = WithholdingSchedule.Build(WithLeveling(LevelingMode.None), Premium, 4, 20_000, new PreviousYear(60_000, 10_000));

        Assert.Equal((30_000L, 0L, 10_000L), (r.ProvisionalTotal, r.DefinitiveTotal, r.Overpaid));
    }
}
