using KokuhoRules.Rules.Snapshots;
using KokuhoRules.Rules.Withholding;
using NodaTime;
using static KokuhoRules.Tests.Support.Households;

namespace KokuhoRules.Tests.Withholding;

/// <summary>
/// Eligibility for special withholding (issue 13 item 2): every §A2 condition evaluated and named with its
/// reference, on the household examples of Hayama (§A2) and the ½-test example of Zushi (§A7) as golden cases.
/// Reference date 2025-04-01 (the standard October start), Amagasaki FY2025 draft.
/// </summary>
public sealed class WithholdingEligibilityTests
{
    private static readonly LocalDate April1 = new(2025, 4, 1);

    /// <summary>A pension comfortably above the minimum, 介護保険料 withheld.</summary>
    internal static readonly PensionFacts Pension = new(AnnualAmount: 1_200_000, CareInsuranceWithheld: true, CarePremiumPerPayment: 10_000, Suspended: false, Pledged: false);

    internal static EligibilityOutcome Determine(HouseholdSnapshot household, PensionFacts? pension = null, long annualPremium = 120_000, bool directDebit = false) =>
        WithholdingEligibility.Determine(WithholdingRuleSetTests.Amagasaki2025, household, pension ?? Pension, April1, annualPremium, directDebit);

    private static string[] Failing(EligibilityOutcome o) => o.Conditions.Where(c => !c.Holds).Select(c => c.Name).ToArray();

    // Source for the household examples: Hayama, https://www.town.hayama.lg.jp/soshiki/choumin/10/2/3/1192.html (§A2).
    [Fact]
    public void Hayama_head_72_and_wife_68_both_insured_pay_through_the_pension()
    {
        var o = Determine(Snapshot(Household(Member("H", "1952-06-01"), Member("W", "1956-09-15"))));

        Assert.True(o.Eligible);
        Assert.All(o.Conditions, c => Assert.True(c.Holds, c.Name));
        Assert.Equal(9, o.Conditions.Count);
        Assert.All(o.Conditions, c => Assert.False(string.IsNullOrWhiteSpace(c.Reference), c.Name));
    }

    [Fact]
    public void Hayama_a_child_aged_40_on_employees_insurance_is_ignored()
    {
        var o = Determine(Snapshot(Household(Member("H", "1952-06-01"), Member("W", "1956-09-15"), Uninsured("C", "1985-01-20"))));

        Assert.True(o.Eligible);
    }

    [Theory]
    [InlineData("wife 63", "ageBand")]
    [InlineData("child 40 on NHI", "ageBand")]
    [InlineData("head 78 on 後期", "headInsured")]
    [InlineData("head 72 on 社保", "headInsured")]
    public void Hayama_households_that_do_not_pay_through_the_pension(string case_, string failing)
    {
        var household = case_ switch
        {
            "wife 63" => Household(Member("H", "1952-06-01"), Member("W", "1961-07-07")),
            "child 40 on NHI" => Household(Member("H", "1952-06-01"), Member("W", "1956-09-15"), Member("C", "1985-01-20")),
            "head 78 on 後期" => Household(Uninsured("H", "1946-05-05"), Member("W", "1956-09-15")),
            "head 72 on 社保" => Household(Uninsured("H", "1952-06-01"), Member("W", "1956-09-15")),
            _ => throw new ArgumentOutOfRangeException(nameof(case_)),
        };

        var o = Determine(Snapshot(household));

        Assert.False(o.Eligible);
        Assert.Equal([failing], Failing(o));
    }

    // Source: Zushi, https://www.city.zushi.kanagawa.jp/faq/kurashi/1006966/1013116.html (§A7): pension 792,600 →
    // 132,100 per payment, half 66,050; 介護 15,000 + premium 324,000 ÷ 6 = 54,000 → 69,000 > 66,050.
    [Theory]
    [InlineData(324_000, false)]   // the worked example
    [InlineData(306_300, true)]    // 51,050 + 15,000 = 66,050: exactly half holds
    [InlineData(306_301, false)]   // one yen over half
    public void Zushi_the_half_of_pension_test_is_per_payment(long annualPremium, bool holds)
    {
        var pension = new PensionFacts(792_600, true, 15_000, false, false);

        var o = Determine(Snapshot(Household(Member("H", "1952-06-01"))), pension, annualPremium);

        var half = o.Conditions.Single(c => c.Name == "halfOfPension");
        Assert.Equal(holds, half.Holds);
        Assert.Equal(holds, o.Eligible);
        Assert.Equal(holds ? "国保料と介護保険料の合計が支払回ごとの年金額の0.5以下" : "国保料と介護保険料の合計が支払回ごとの年金額の0.5を超える", half.Rule);
    }

    [Theory]
    [InlineData(180_000, false, false, true, "対象年金が年額180,000円以上")]
    [InlineData(179_999, false, false, false, "対象年金が年額180,000円未満")]
    [InlineData(1_200_000, true, false, false, "対象年金が支給停止")]
    [InlineData(1_200_000, false, true, false, "対象年金が担保に供されている")]
    public void The_pension_minimum_excludes_suspended_and_pledged_pensions(long annual, bool suspended, bool pledged, bool holds, string rule)
    {
        var o = Determine(Snapshot(Household(Member("H", "1952-06-01"))), new PensionFacts(annual, true, 0, suspended, pledged), annualPremium: 0);

        var c = o.Conditions.Single(c => c.Name == "pensionMinimum");
        Assert.Equal((holds, rule), (c.Holds, c.Rule));
        Assert.Contains(suspended || pledged ? "shimonoseki" : "年額18万円以上", c.Reference); // a shortfall cites the 18万円 rule, not the suspension one
        Assert.Equal(holds, o.Eligible);
    }

    [Fact]
    public void A_head_with_no_pension_or_no_care_insurance_withheld_is_not_eligible()
    {
        var household = Snapshot(Household(Member("H", "1952-06-01")));

        Assert.Equal(["pensionMinimum", "careInsuranceWithheld", "halfOfPension", "eachPaymentWithinHalf"],
            Failing(WithholdingEligibility.Determine(WithholdingRuleSetTests.Amagasaki2025, household, null, April1, 120_000, false)));
        Assert.Equal(["careInsuranceWithheld"], Failing(Determine(household, Pension with { CareInsuranceWithheld = false })));
    }

    // Adachi, Mito, Kamo (§A2 row 6): a head turning 75 in the year is out from April, though 74 on April 1.
    [Theory]
    [InlineData("1951-03-31", true)]   // turned 74 … reaches 75 on 2026-03-31: within FY2025
    [InlineData("1950-04-01", true)]   // 75 on 2025-04-01, the year's first day
    [InlineData("1951-04-01", false)]  // 75 on 2026-04-01: the next fiscal year
    public void A_head_reaching_75_in_the_fiscal_year_is_kept_out(string birth, bool reaches)
    {
        var o = Determine(Snapshot(Household(Member("H", birth))));

        Assert.Equal(!reaches, o.Conditions.Single(c => c.Name == "headNotTurning75").Holds);
        Assert.Equal(!reaches, o.Eligible);
    }

    [Fact]
    public void Amagasakis_switches_are_off_so_direct_debit_and_a_head_turning_65_keep_a_household_in()
    {
        // Head 64 on April 1, 65 (legal age) in June: the age band fails anyway; the switch itself holds.
        var turning65 = Determine(Snapshot(Household(Member("H", "1960-06-10"))), directDebit: true);

        Assert.True(turning65.Facts.HeadTurnsAgeFromInYear);
        Assert.True(turning65.Conditions.Single(c => c.Name == "headTurning65KeptOut").Holds);
        Assert.True(turning65.Conditions.Single(c => c.Name == "directDebitKeptOut").Holds);
        Assert.Equal(["ageBand"], Failing(turning65));
    }
}
