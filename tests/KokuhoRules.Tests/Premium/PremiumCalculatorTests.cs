using KokuhoRules.Rules.Catalog;
using KokuhoRules.Rules.Premium;
using KokuhoRules.Rules.Snapshots;
using KokuhoRules.Tests.Support;
using static KokuhoRules.Tests.Support.Households;

namespace KokuhoRules.Tests.Premium;

/// <summary>
/// The statutory rules of premium.md §1.3, §3 and §8 on Amagasaki FY2025 (rates: medical 8.04% /
/// 31,200 / 19,404; support 3.12% / 12,048 / 7,500; care 3.00% / 12,132 / 5,928; 1-yen floors).
/// Expected amounts are worked by hand in each test's comment.
/// </summary>
public sealed class PremiumCalculatorTests
{
    private static readonly PremiumRuleSet Rs = TestRuleSets.Amagasaki2025;

    private static MemberAssessment M(PremiumAssessment a, string id) => a.Members.Single(m => m.Id == id);

    // ---- Months (月割) -------------------------------------------------------------------------

    [Fact]
    public void A_household_joining_mid_year_is_judged_on_its_joining_date_and_charged_from_that_month()
    {
        // Joins 2025-10-15: liable Oct–Mar = 6 months. No member insured on 4月1日, so the reduction
        // is judged on 2025-10-15: no income → 7割.
        // 均等割 gross 31,200 × 6/12 = 15,600; reduced 9,360 × 6/12 = 4,680.
        // 平等割 reduced 19,404 × 0.3 = 5,821.2 → 5,821; × 6/12 = 2,910.5 → 2,910.
        var a = Rs.Assess(Household(Member("P1", "1980-06-15", acquired: "2025-10-15")));
        Assert.Equal(Date("2025-10-15"), a.JudgementDate);
        Assert.Equal("7割", a.ReductionClass);
        Assert.Equal(6, M(a, "P1").InsuredMonths);
        var medical = a.Component("medical");
        Assert.Equal(6, medical.Months);
        Assert.Equal(15_600, medical.PerCapita);
        Assert.Equal(9_702, medical.PerHousehold);
        Assert.Equal(4_680 + 2_910, medical.Amount);
        Assert.Equal(330_000, medical.Cap);
    }

    [Theory]
    [InlineData("2025-10-15", "2025-07-01")]
    [InlineData("2025-07-01", "2025-10-15")]
    public void A_household_whose_members_join_on_different_dates_is_judged_on_the_first_of_them(string headJoins, string wifeJoins)
    {
        // premium.md §3.2 Timing: judged as of the date the household's liability arises — the earliest joining
        // date, whichever member joins it and whichever is listed first: 2025-07-01 here, in both orders.
        var a = Rs.Assess(Household(
            Member("P1", "1980-06-15", acquired: headJoins),
            Member("P2", "1982-06-15", acquired: wifeJoins)));
        Assert.Equal(Date("2025-07-01"), a.JudgementDate);
    }

    [Fact]
    public void A_coverage_that_began_before_the_year_and_ended_before_it_does_not_set_the_judgement_date()
    {
        // The head was insured 2010-04-01 to 2024-12-01 (then employees' insurance) and rejoins on 2025-10-15:
        // not insured on 4月1日, so the household's liability arises on 2025-10-15 and it is judged then
        // (premium.md §3.2 Timing) — not on the acquisition date of a coverage that ended before the year.
        // Liable October–March: 6 months.
        var head = Member("P1", "1980-06-15") with
        {
            Coverage =
            [
                new CoverageJson { Acquired = Date("2010-04-01"), Lost = Date("2024-12-01") },
                new CoverageJson { Acquired = Date("2025-10-15") },
            ],
        };
        var a = Rs.Assess(Household(head));
        Assert.Equal(Date("2025-10-15"), a.JudgementDate);
        Assert.Equal("7割", a.ReductionClass);
        Assert.Equal(6, M(a, "P1").InsuredMonths);
    }

    [Fact]
    public void A_household_joining_on_31_March_is_judged_on_that_day()
    {
        // Joins 2026-03-31, the last day of FY2025: insured at the end of March, so liable for 1 month, and the
        // reduction is judged on 2026-03-31 (no income → 7割).
        // 均等割 31,200 × 0.3 = 9,360 × 1/12 = 780; 平等割 19,404 × 0.3 = 5,821.2 → 5,821 × 1/12 = 485.08 → 485.
        var a = Rs.Assess(Household(Member("P1", "1980-06-15", acquired: "2026-03-31")));
        Assert.Equal(Date("2026-03-31"), a.JudgementDate);
        Assert.Equal("7割", a.ReductionClass);
        Assert.Equal(1, M(a, "P1").InsuredMonths);
        Assert.Equal(780 + 485, a.Component("medical").Amount);
    }

    [Fact]
    public void Joining_and_leaving_in_the_same_month_is_not_charged()
    {
        var a = Rs.Assess(Household(Member("P1", "1980-06-15", acquired: "2025-06-10", lost: "2025-06-25")));
        Assert.Equal(0, M(a, "P1").InsuredMonths);
        Assert.Equal(0, a.AnnualPremium);
    }

    [Theory]
    [InlineData("2025-09-01", 5)] // covered on 31 August: April–August
    [InlineData("2025-08-31", 4)] // the loss date is the first day without coverage: not covered on 31 August
    [InlineData("2025-04-01", 0)]
    [InlineData("2026-04-01", 12)]
    public void The_loss_month_is_not_charged(string lost, int months)
    {
        var a = Rs.Assess(Household(Member("P1", "1980-06-15", lost: lost)));
        Assert.Equal(months, M(a, "P1").InsuredMonths);
        Assert.Equal(months, M(a, "P1").ComponentMonths["medical"]);
    }

    [Fact]
    public void A_whole_year_member_pays_the_annual_rates()
    {
        // Single 45, 算定基礎所得 1,000,000: medical 80,400 + 31,200 + 19,404.
        var a = Rs.Assess(Household(Member("P1", "1980-06-15", Income(1_430_000))));
        Assert.Equal("none", a.ReductionClass);
        Assert.Equal(80_400 + 31_200 + 19_404, a.Component("medical").Amount);
        Assert.Equal(31_200 + 12_048 + 12_132 + 19_404 + 7_500 + 5_928 + 1_000_000 * 1416 / 10_000, a.AnnualPremium);
    }

    // ---- 介護分: 40 and 65 by legal age (the day before the birthday) -------------------------------

    [Theory]
    [InlineData("1985-04-01", 12)] // 40 on 2025-03-31
    [InlineData("1985-04-02", 12)] // 40 on 2025-04-01: liable in April
    [InlineData("1985-06-01", 11)] // 40 on 2025-05-31: from May (born on the 1st: the month before the birthday month)
    [InlineData("1985-06-02", 10)] // 40 on 2025-06-01: from June
    [InlineData("1986-04-01", 1)]  // 40 on 2026-03-31: March only
    [InlineData("1986-04-02", 0)]  // 40 on 2026-04-01: next year
    public void Care_starts_in_the_month_the_40th_legal_birthday_falls(string birthDate, int careMonths)
    {
        var a = Rs.Assess(Household(Member("P1", birthDate)));
        Assert.Equal(careMonths, M(a, "P1").ComponentMonths["care"]);
        Assert.Equal(12, M(a, "P1").ComponentMonths["medical"]);
    }

    [Theory]
    [InlineData("1960-10-15", 6)] // 65 on 2025-10-14: April–September
    [InlineData("1960-10-01", 5)] // 65 on 2025-09-30: April–August (two months before the birthday month)
    [InlineData("1960-04-01", 0)] // 65 on 2025-03-31
    [InlineData("1960-04-02", 0)] // 65 on 2025-04-01: not liable in April
    [InlineData("1960-04-03", 0)] // 65 on 2025-04-02: attained in April, so not liable in April
    [InlineData("1960-05-03", 1)] // 65 on 2025-05-02: April only
    public void Care_ends_the_month_before_the_65th_legal_birthday_falls(string birthDate, int careMonths)
    {
        var a = Rs.Assess(Household(Member("P1", birthDate)));
        Assert.Equal(careMonths, M(a, "P1").ComponentMonths["care"]);
    }

    [Fact]
    public void The_care_component_is_prorated_for_a_member_turning_65()
    {
        // Born 1960-10-15, 算定基礎所得 1,000,000, 6 care months: 30,000 × 6/12 + 12,132 × 6/12 + 5,928 × 6/12.
        var a = Rs.Assess(Household(Member("P1", "1960-10-15", Income(1_430_000))));
        var care = a.Component("care");
        Assert.Equal(6, care.Months);
        Assert.Equal(15_000, care.IncomeLevy);
        Assert.Equal(6_066, care.PerCapita);
        Assert.Equal(2_964, care.PerHousehold);
        Assert.Equal(85_000, care.Cap);
    }

    [Theory]
    [InlineData("1950-11-20", 7)] // 後期 from 2025-11-20: NHI April–October
    [InlineData("1950-11-01", 7)] // 後期 from 2025-11-01: still insured on 31 October
    [InlineData("1950-04-01", 0)] // 75 on 2025-04-01
    [InlineData("1950-04-02", 0)] // 75 on 2025-04-02: not insured at the end of April
    [InlineData("1951-04-01", 12)]
    public void Coverage_ends_at_the_75th_birthday_whatever_the_coverage_says(string birthDate, int months)
    {
        var a = Rs.Assess(Household(Member("P1", birthDate)));
        Assert.Equal(months, M(a, "P1").InsuredMonths);
    }

    // ---- 軽減判定 (§3) -----------------------------------------------------------------------------

    [Fact]
    public void A_nominal_head_counts_for_income_but_not_for_headcount_or_levies()
    {
        // 擬制世帯主 P1 (employees' insurance) earns 3,000,000; the insured son earns nothing.
        // 判定所得 3,000,000 > 2割 line for one person (430,000 + 560,000): no reduction.
        var a = Rs.Assess(Household(
            Uninsured("P1", "1965-05-05", Income(3_000_000)),
            Member("P2", "1995-05-05")));
        Assert.Equal("none", a.ReductionClass);
        Assert.True(M(a, "P1").CountedInReduction);
        Assert.Equal(0, M(a, "P1").InsuredMonths);
        Assert.Equal(0, M(a, "P1").AssessableIncome);
        Assert.Equal(0, a.Component("medical").IncomeLevy);
        Assert.Equal(31_200, a.Component("medical").PerCapita);

        var poorHead = Rs.Assess(Household(Uninsured("P1", "1965-05-05"), Member("P2", "1995-05-05")));
        Assert.Equal("7割", poorHead.ReductionClass);
    }

    [Fact]
    public void A_specified_same_household_member_counts_in_the_reduction_test()
    {
        // Head insured with no income; the wife moved to 後期高齢者医療 and stays: her 500,000 counts and
        // she counts as a person: 500,000 ≤ 430,000 + 305,000 × 2 → 5割. Without the flag: 7割.
        var withFlag = Rs.Assess(Household(
            Member("P1", "1955-05-05"),
            Uninsured("P2", "1949-05-05", Income(500_000), specifiedSameHouseholdSince: "2024-05-05")));
        Assert.Equal("5割", withFlag.ReductionClass);
        Assert.True(M(withFlag, "P2").CountedInReduction);
        Assert.Equal(0, M(withFlag, "P2").InsuredMonths);

        var withoutFlag = Rs.Assess(Household(Member("P1", "1955-05-05"), Uninsured("P2", "1949-05-05", Income(500_000))));
        Assert.Equal("7割", withoutFlag.ReductionClass);
        Assert.False(M(withoutFlag, "P2").CountedInReduction);
    }

    [Theory]
    [InlineData("1960-01-01", "7割")] // 65 on 2024-12-31 (born on or before 昭和35年1月1日): 550,000 − 150,000 = 400,000 ≤ 430,000
    [InlineData("1960-01-02", "5割")] // 65 on 2025-01-01: no deduction, 550,000 ≤ 430,000 + 305,000
    public void The_15man_pension_deduction_applies_from_65_on_31_December(string birthDate, string expected)
    {
        var a = Rs.Assess(Household(Member("P1", birthDate, Income(550_000, pensionRevenue: 1_650_000, pensionIncome: 550_000))));
        Assert.Equal(expected, a.ReductionClass);
    }

    [Fact]
    public void The_15man_pension_deduction_never_exceeds_the_pension_income()
    {
        // premium.md §3.2 (a): from 65 "subtract up to 15万円 from the 公的年金等所得" — at most the pension income.
        // Born 1955 (65+ on 2024-12-31): 公的年金等 revenue 1,150,000 − 公的年金等控除 1,100,000 = 所得 50,000, plus
        // 500,000 of other income: 総所得金額等 550,000. Deduction min(50,000, 150,000) = 50,000 → 判定所得 500,000:
        // > 430,000 (7割 line), ≤ 430,000 + 305,000 × 1 = 735,000 → 5割. (A full 150,000 would give 400,000 → 7割.)
        var a = Rs.Assess(Household(Member("P1", "1955-05-05", Income(550_000, pensionRevenue: 1_150_000, pensionIncome: 50_000))));
        Assert.Equal("5割", a.ReductionClass);
        Assert.Equal(500_000, M(a, "P1").JudgementIncome);
    }

    [Fact]
    public void Family_employee_salary_and_the_transfer_special_deduction_are_added_back()
    {
        // 300,000 alone → 7割; with 専従者給与 200,000 added back → 500,000 → 5割; same with 譲渡特別控除.
        Assert.Equal("7割", Rs.Assess(Household(Member("P1", "1980-06-15", Income(300_000)))).ReductionClass);
        Assert.Equal("5割", Rs.Assess(Household(Member("P1", "1980-06-15", Income(300_000, familyEmployee: 200_000)))).ReductionClass);
        Assert.Equal("5割", Rs.Assess(Household(Member("P1", "1980-06-15", Income(300_000, transfer: 200_000)))).ReductionClass);
        // …but only in the reduction test: the 所得割 base stays 0.
        Assert.Equal(0, Rs.Assess(Household(Member("P1", "1980-06-15", Income(300_000, familyEmployee: 200_000)))).Component("medical").IncomeLevy);
    }

    [Fact]
    public void Each_salary_earner_beyond_the_first_raises_the_base_by_100000()
    {
        // Two members with 給与所得 280,000 + 250,000 = 530,000.
        // Both 給与収入 900,000 (> 550,000): base 530,000 → 7割. The second at 550,000 (not above): base 430,000 → 5割.
        var two = Rs.Assess(Household(
            Member("P1", "1980-06-15", Income(280_000, salaryRevenue: 900_000, salaryIncome: 280_000)),
            Member("P2", "1982-06-15", Income(250_000, salaryRevenue: 900_000, salaryIncome: 250_000))));
        Assert.Equal("7割", two.ReductionClass);
        var one = Rs.Assess(Household(
            Member("P1", "1980-06-15", Income(280_000, salaryRevenue: 900_000, salaryIncome: 280_000)),
            Member("P2", "1982-06-15", Income(250_000, salaryRevenue: 550_000, salaryIncome: 250_000))));
        Assert.Equal("5割", one.ReductionClass);
        Assert.False(M(one, "P2").SalaryEarner);
    }

    [Fact]
    public void Undeclared_income_means_no_reduction_and_names_the_member()
    {
        var a = Rs.Assess(Household(Member("P1", "1980-06-15"), Member("P2", "1982-06-15", Undeclared)));
        Assert.Equal("none", a.ReductionClass);
        Assert.Equal(["P2"], a.UndeclaredIncomeMembers);
        // Her 軽減判定所得 is unknown, not 0 yen: the answer states none for her (the head's is 0).
        Assert.True(M(a, "P2").CountedInReduction);
        Assert.Null(M(a, "P2").JudgementIncome);
        Assert.Equal(0, M(a, "P1").JudgementIncome);
        Assert.Equal(2 * 31_200 + 19_404, a.Component("medical").Amount);
    }

    [Fact]
    public void A_member_who_joins_after_the_judgement_date_is_not_counted_in_it()
    {
        // Judged on 4月1日 with the head alone (no income → 7割); the spouse joining in July with
        // 2,000,000 does not change the class, and pays the reduced 均等割 for 9 months.
        var a = Rs.Assess(Household(
            Member("P1", "1980-06-15"),
            Member("P2", "1982-06-15", Income(2_000_000), acquired: "2025-07-01")));
        Assert.Equal("7割", a.ReductionClass);
        Assert.False(M(a, "P2").CountedInReduction);
        Assert.Equal(9, M(a, "P2").InsuredMonths);
        // 所得割 still takes her income for her months: (2,000,000 − 430,000) × 8.04% × 9/12 = 94,671.
        Assert.Equal(94_671, a.Component("medical").IncomeLevy);
    }

    // ---- 所得割 -----------------------------------------------------------------------------------

    [Theory]
    [InlineData(24_000_000, null, 23_570_000)]
    [InlineData(24_200_000, null, 23_910_000)]      // 基礎控除 290,000
    [InlineData(24_800_000, null, 24_650_000)]      // 150,000
    [InlineData(26_000_000, null, 26_000_000)]      // 0
    [InlineData(24_000_000, 25_100_000L, 24_000_000)] // 合計所得金額 decides the bracket
    public void The_basic_deduction_tapers_by_combined_income(long total, long? combined, long assessable)
    {
        var a = Rs.Assess(Household(Member("P1", "1980-06-15", Income(total, combined: combined))));
        Assert.Equal(assessable, M(a, "P1").AssessableIncome);
    }

    [Fact]
    public void The_cap_is_prorated_by_the_months_of_liability()
    {
        // High income joining on 1 October: 6 months, caps 330,000 / 130,000 / 85,000.
        var a = Rs.Assess(Household(Member("P1", "1980-06-15", Income(30_000_000), acquired: "2025-10-01")));
        Assert.Equal(330_000, a.Component("medical").Amount);
        Assert.Equal(130_000, a.Component("support").Amount);
        Assert.Equal(85_000, a.Component("care").Amount);
    }

    [Fact]
    public void A_rule_set_that_does_not_prorate_the_cap_caps_a_part_year_at_the_whole_cap()
    {
        // proration.capByMonths false: the same household as above (30,000,000 from 1 October, 6 months) is capped at
        // the annual caps. Medical 30,000,000 × 8.04% × 6/12 = 1,206,000 + 15,600 + 9,702 = 1,231,302 → 660,000;
        // support 468,000 + 6,024 + 3,750 → 260,000; care 450,000 + 6,066 + 2,964 → 170,000.
        using var root = new TempRuleSetRoot();
        root.MakeAllDrafts();
        root.EditJson("amagasaki/2025/premium/parameters.json", p => p["proration"]!["capByMonths"]!["value"] = false);
        var rs = root.Premium();
        var a = rs.Assess(Household(Member("P1", "1980-06-15", Income(30_000_000), acquired: "2025-10-01")));
        Assert.Equal(1_231_302, a.Component("medical").BeforeCap);
        Assert.Equal(660_000, a.Component("medical").Cap);
        Assert.Equal(660_000, a.Component("medical").Amount);
        Assert.Equal(260_000, a.Component("support").Amount);
        Assert.Equal(170_000, a.Component("care").Amount);
    }

    /// <summary>Amagasaki FY2025 with <paramref name="extra"/> more components, each a copy of the medical component.</summary>
    private static PremiumRuleSet WithExtraComponents(TempRuleSetRoot root, int extra)
    {
        root.MakeAllDrafts();
        root.EditJson("national/2025/premium/parameters.json", p =>
        {
            for (var k = 1; k <= extra; k++) p["components"]![$"extra{k}"] = p["components"]!["medical"]!.DeepClone();
        });
        root.EditJson("national/2025/premium/workflows.json", w =>
        {
            var workflows = w.AsArray();
            foreach (var prefix in new[] { "Liability.", "PerCapitaWaiver." })
            {
                var medical = workflows.Single(x => (string)x!["WorkflowName"]! == prefix + "medical")!;
                for (var k = 1; k <= extra; k++)
                {
                    var copy = medical.DeepClone();
                    copy["WorkflowName"] = $"{prefix}extra{k}";
                    workflows.Add(copy);
                }
            }
        });
        root.EditJson("amagasaki/2025/premium/parameters.json", p =>
        {
            for (var k = 1; k <= extra; k++) p["rates"]![$"extra{k}"] = p["rates"]!["medical"]!.DeepClone();
        });
        return root.Premium();
    }

    [Fact]
    public void A_rule_set_of_up_to_eight_components_is_assessed_and_one_of_nine_is_refused()
    {
        // Eight components: medical, support, care and five copies of medical. A 45-year-old with 算定基礎所得 1,000,000:
        // medical 80,400 + 31,200 + 19,404 = 131,004 (six times), support 31,200 + 12,048 + 7,500, care 30,000 + 12,132 + 5,928.
        var household = Household(Member("P1", "1980-06-15", Income(1_430_000)));
        using var eight = new TempRuleSetRoot();
        var a = WithExtraComponents(eight, 5).Assess(household);
        Assert.Equal(8, a.Components.Count);
        Assert.Equal(6 * 131_004 + 50_748 + 48_060, a.AnnualPremium);

        using var nine = new TempRuleSetRoot();
        var rs = WithExtraComponents(nine, 6);
        Assert.Equal(9, rs.Components.Count);
        var refused = Assert.Throws<InvalidOperationException>(() => rs.Assess(household));
        Assert.Equal("too many components", refused.Message);
    }

    // ---- The trace ---------------------------------------------------------------------------------

    [Fact]
    public void The_trace_explains_each_amount_with_its_parameters_and_rules()
    {
        var a = Rs.Assess(Household(Member("P1", "1980-06-15", Income(1_430_000))), trace: true);
        var trace = a.Trace!;
        Assert.Equal(Enumerable.Range(1, trace.Count), trace.Select(s => s.Step));
        var reduction = trace.Single(s => s.Item == "reductionClass");
        Assert.Equal("ReductionClass", reduction.Rule!.Workflow);
        Assert.Equal("軽減なし", reduction.Rule.Rule);
        var levy = trace.Single(s => s.Item == "incomeLevy" && s.Component == "medical");
        Assert.Equal(80_400, levy.Yen);
        Assert.Contains(levy.Parameters, p => p.Path == "rates.medical.incomeRate" && p.Value == "0.0804" && p.Reference.Contains("amagasaki"));
        Assert.Contains("8.04%", levy.Text);
        var annual = trace[^1];
        Assert.Equal("annualPremium", annual.Item);
        Assert.Equal(a.AnnualPremium, annual.Yen);
        Assert.DoesNotContain(trace, s => s.Text.Contains("1980"));
    }

    [Fact]
    public void The_last_liable_month_is_the_last_month_any_member_owes_for()
    {
        // Lost 2025-09-01: liable April–August. Of two members the later loss counts, whichever is listed first.
        Assert.Equal(new NodaTime.YearMonth(2025, 8), Rs.Assess(Household(Member("P1", "1980-06-15", lost: "2025-09-01"))).LastLiableMonth);
        Assert.Equal(new NodaTime.YearMonth(2025, 11), Rs.Assess(Household(
            Member("P1", "1980-06-15", lost: "2025-09-01"), Member("P2", "1982-06-15", lost: "2025-12-01"))).LastLiableMonth);
        Assert.Equal(new NodaTime.YearMonth(2025, 11), Rs.Assess(Household(
            Member("P2", "1982-06-15", lost: "2025-12-01"), Member("P1", "1980-06-15", lost: "2025-09-01"))).LastLiableMonth);
        Assert.Equal(new NodaTime.YearMonth(2026, 3), Rs.Assess(Household(Member("P1", "1980-06-15"))).LastLiableMonth);
        Assert.Equal(new NodaTime.YearMonth(2025, 4), Rs.Assess(Household(Member("P1", "1980-06-15", lost: "2025-05-01"))).LastLiableMonth);
        // Joining and leaving in June: never liable.
        Assert.Null(Rs.Assess(Household(Member("P1", "1980-06-15", acquired: "2025-06-10", lost: "2025-06-25"))).LastLiableMonth);
    }

    [Fact]
    public void Each_member_result_says_whether_the_member_is_the_head()
    {
        var household = Household(Member("P1", "1980-06-15", Income(1_430_000)), Member("P2", "1982-06-15", acquired: "2025-10-15"));
        var a = Rs.Assess(household);
        Assert.True(M(a, "P1").Head);
        Assert.False(M(a, "P2").Head);
        // Each member's own months: P1 all year, P2 from October.
        Assert.Equal(12, M(a, "P1").ComponentMonths["care"]);
        Assert.Equal(6, M(a, "P2").ComponentMonths["medical"]);
        Assert.Equal(6, M(a, "P2").ComponentMonths["care"]);
        var b = Rs.Assess(household with { HeadId = "P2" });
        Assert.False(M(b, "P1").Head);
        Assert.True(M(b, "P2").Head);
    }

    [Fact]
    public void The_trace_of_the_per_capita_levy_counts_the_liable_persons_and_their_months()
    {
        // Two members liable all year for the medical component: 31,200 × 24 person-months ÷ 12, 2 persons.
        // The care component: only the 45-year-old (the 30-year-old is under 40): 12 person-months, 1 person.
        var a = Rs.Assess(Household(Member("P1", "1980-06-15", Income(1_430_000)), Member("P2", "1995-06-15")), trace: true);
        var medical = a.Trace!.Single(s => s.Component == "medical" && s.Item == "perCapita");
        Assert.Contains("延べ 24人月 ÷ 12 (2人)", medical.Text);
        Assert.Equal(62_400, medical.Yen);
        var care = a.Trace!.Single(s => s.Component == "care" && s.Item == "perCapita");
        Assert.Contains("延べ 12人月 ÷ 12 (1人)", care.Text);
        // The 30-year-old owes no care 均等割; nobody is a 非自発的失業者, so no deemed income is worked.
        Assert.Equal(0, M(a, "P2").PerCapitaCharges["care"]);
        Assert.Equal(9_705, M(a, "P1").PerCapitaCharges["care"]); // 2割 (1,430,000 ≤ 430,000 + 560,000 × 2): 12,132 × 0.8 = 9,705.6
        Assert.DoesNotContain(a.Trace!, s => s.Item == "assessableIncomeDeemed");
    }

    [Fact]
    public void The_trace_explains_only_the_components_some_member_is_liable_for()
    {
        // A 45-year-old is liable for the care component (40–64); a 30-year-old is not: no care amount to explain.
        var young = Rs.Assess(Household(Member("P1", "1995-06-15", Income(1_430_000))), trace: true);
        Assert.Equal(0, young.Component("care").Months);
        Assert.DoesNotContain(young.Trace!, s => s.Component == "care" && s.Item is "incomeLevy" or "beforeCap" or "amount");
        Assert.Contains(young.Trace!, s => s.Component == "medical" && s.Item == "amount");
        var older = Rs.Assess(Household(Member("P1", "1980-06-15", Income(1_430_000))), trace: true);
        Assert.Contains(older.Trace!, s => s.Component == "care" && s.Item == "amount");
    }

    [Fact]
    public void Without_details_the_amounts_are_the_same_but_no_member_or_relief_is_itemised()
    {
        // The batch's assessment: the same amounts, no per-member results and no itemised reliefs (a 7割 household
        // with a pre-school child, so there are reliefs to leave out).
        var household = Household(Member("P1", "1990-06-15"), Member("P2", "2022-05-01", acquired: "2022-05-01"));
        var detailed = Rs.Assess(household);
        var plain = PremiumCalculator.Assess(Rs, Snapshot(household), trace: null, details: false);
        Assert.NotEmpty(detailed.Members);
        Assert.NotEmpty(detailed.Component("medical").Reliefs);
        Assert.Empty(plain.Members);
        Assert.All(plain.Components, c => Assert.Empty(c.Reliefs));
        Assert.Equal(detailed.AnnualPremium, plain.AnnualPremium);
        Assert.Equal(detailed.Components.Select(c => (c.Amount, c.Reduction, c.BeforeCap)), plain.Components.Select(c => (c.Amount, c.Reduction, c.BeforeCap)));
    }

    [Fact]
    public void Tracing_does_not_change_the_result()
    {
        var household = Household(Member("P1", "1960-10-01", Income(4_000_000)), Member("P2", "2021-01-01", acquired: "2025-08-10"));
        var plain = Rs.Assess(household);
        var traced = Rs.Assess(household, trace: true);
        Assert.Equal(plain.AnnualPremium, traced.AnnualPremium);
        Assert.Equal(plain.Components, traced.Components);
    }
}
