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

    // §A2 row 2: every insured member 65–74 on the reference date, whoever of them is the oldest. The wife is the
    // oldest here (the head, 72, reaches 75 only in 2027): 75 on 2025-04-01 keeps the household out, 74 does not.
    [Theory]
    [InlineData("1950-04-01", 75, false)]
    [InlineData("1950-04-02", 74, true)]
    public void An_insured_member_of_75_on_the_reference_date_keeps_the_household_out(string wifeBirth, int wifeAge, bool eligible)
    {
        var o = Determine(Snapshot(Household(Member("H", "1952-06-01"), Member("W", wifeBirth))));

        Assert.Equal((2, 72, wifeAge), (o.Facts.InsuredMembers, o.Facts.YoungestInsuredAge, o.Facts.OldestInsuredAge));
        Assert.Equal(eligible ? [] : ["ageBand"], Failing(o));
    }

    // The 65 of §A2 is the legal age (年齢計算ニ関スル法律: attained the day before the birthday, as for 介護保険): a wife
    // whose 65th birthday is 2 April 2025 is 65 on 1 April; one born a day later is 64 and keeps the household out.
    [Theory]
    [InlineData("1960-04-02", 65, true)]
    [InlineData("1960-04-03", 64, false)]
    public void The_youngest_member_is_65_from_the_day_before_the_65th_birthday(string wifeBirth, int wifeAge, bool eligible)
    {
        var o = Determine(Snapshot(Household(Member("H", "1952-06-01"), Member("W", wifeBirth))));

        Assert.Equal((wifeAge, 72), (o.Facts.YoungestInsuredAge, o.Facts.OldestInsuredAge));
        Assert.Equal(eligible ? [] : ["ageBand"], Failing(o));
    }

    [Fact]
    public void A_household_with_no_insured_member_has_ages_of_0_and_fails_the_head_and_age_conditions()
    {
        var o = Determine(Snapshot(Household(Uninsured("H", "1952-06-01"), Uninsured("W", "1956-09-15"))));

        Assert.Equal((false, 0, 0, 0), (o.Facts.HeadInsured, o.Facts.InsuredMembers, o.Facts.YoungestInsuredAge, o.Facts.OldestInsuredAge));
        Assert.Equal(["headInsured", "ageBand"], Failing(o));
    }

    [Fact]
    public void The_head_is_found_wherever_the_household_lists_it()
    {
        var wifeFirst = Household(Member("W", "1956-09-15"), Uninsured("H", "1952-06-01")) with { HeadId = "H" };

        var o = Determine(Snapshot(wifeFirst));

        Assert.False(o.Facts.HeadInsured); // the uninsured head, not the insured wife listed first
        Assert.Equal(["headInsured"], Failing(o));
    }

    [Fact]
    public void A_head_who_is_not_a_member_of_the_snapshot_is_not_insured()
    {
        var o = Determine(Snapshot(Household(Member("H", "1952-06-01"), Member("W", "1956-09-15"))) with { HeadId = "X" });

        Assert.Equal((false, false, false), (o.Facts.HeadInsured, o.Facts.HeadTurnsAgeUntilInYear, o.Facts.HeadTurnsAgeFromInYear));
        Assert.Equal(["headInsured"], Failing(o));
    }

    // A failing fallback cites the rule it stands for, also when that rule is the workflow's first.
    [Fact]
    public void A_head_not_insured_and_a_member_out_of_the_age_band_cite_the_rules_they_fail()
    {
        var o = Determine(Snapshot(Household(Uninsured("H", "1952-06-01"), Member("W", "1961-07-07"))));

        var head = o.Conditions.Single(c => c.Name == "headInsured");
        var age = o.Conditions.Single(c => c.Name == "ageBand");
        Assert.Equal("擬制世帯主 (世帯主が国保の被保険者でない)", head.Rule);
        Assert.Contains("国民健康保険法第76条の3", head.Reference);
        Assert.Equal("65歳未満または75歳以上の被保険者がいる", age.Rule);
        Assert.Contains("国民健康保険法施行令第29条の12", age.Reference);
    }

    [Fact]
    public void A_head_with_no_pension_fails_on_the_minimum_not_on_a_suspension_or_pledge()
    {
        var o = WithholdingEligibility.Determine(WithholdingRuleSetTests.Amagasaki2025, Snapshot(Household(Member("H", "1952-06-01"))), null, April1, 120_000, false);

        Assert.Equal((0L, false, false, false, 0L), (o.Facts.AnnualPension, o.Facts.PensionSuspended, o.Facts.PensionPledged, o.Facts.CareInsuranceWithheld, o.Facts.CarePremiumPerPayment));
        Assert.Equal("対象年金が年額180,000円未満", o.Conditions.Single(c => c.Name == "pensionMinimum").Rule);
    }

    // Before a schedule exists the per-payment test takes the premium ÷ 6 rounded UP: 306,295 ÷ 6 = 51,049.17 → 51,050,
    // + 介護 15,000 = 66,050 > half of 792,590 ÷ 6 (66,049.17). The whole-year test still holds:
    // 306,295 + 6 × 15,000 = 396,295 = 792,590 ÷ 2.
    [Fact]
    public void Without_a_schedule_the_per_payment_premium_is_rounded_up()
    {
        var pension = new PensionFacts(792_590, true, 15_000, false, false);

        var o = Determine(Snapshot(Household(Member("H", "1952-06-01"))), pension, 306_295);

        Assert.Equal(51_050, o.Facts.LargestWithholding);
        Assert.Equal(["eachPaymentWithinHalf"], Failing(o));
    }

    // §A2 row 6 at the year's edges: a head 75 already on 31 March 2025 reached it before FY2025 (the age band keeps
    // the household out, not the 75 rule); the 65 of the switch is the legal age (the day before the birthday):
    // born 1960-04-01 → 65 on 2025-03-31, before the year; 1961-04-01 → 2026-03-31, the year's last day; 1961-04-02 → FY2026.
    [Fact]
    public void A_head_75_before_the_year_is_not_reaching_75_in_it()
    {
        var o = Determine(Snapshot(Household(Member("H", "1950-03-31"))));

        Assert.False(o.Facts.HeadTurnsAgeUntilInYear);
        Assert.Equal(["ageBand"], Failing(o));
    }

    [Theory]
    [InlineData("1960-04-01", false)]
    [InlineData("1961-04-01", true)]
    [InlineData("1961-04-02", false)]
    public void A_head_reaches_65_in_the_fiscal_year_by_the_legal_age(string birth, bool reaches)
    {
        var o = Determine(Snapshot(Household(Member("H", birth))));

        Assert.Equal(reaches, o.Facts.HeadTurnsAgeFromInYear);
    }
}
