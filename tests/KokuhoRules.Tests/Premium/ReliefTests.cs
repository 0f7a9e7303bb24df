using KokuhoRules.Rules.Catalog;
using KokuhoRules.Rules.Premium;
using KokuhoRules.Rules.Snapshots;
using KokuhoRules.Tests.Support;
using static KokuhoRules.Tests.Support.Households;

namespace KokuhoRules.Tests.Premium;

/// <summary>
/// The statutory reliefs of premium.md §4–§7 and the FY2026 component of §1.5, each worked by hand on
/// Amagasaki FY2025 (medical 8.04% / 31,200 / 19,404; support 3.12% / 12,048 / 7,500; care 3.00% /
/// 12,132 / 5,928; 1-yen floors) unless stated. No source publishes worked amounts for these reliefs;
/// the expectations follow the rules as the sources state them.
/// </summary>
public sealed class ReliefTests
{
    private static readonly PremiumRuleSet Rs = TestRuleSets.Amagasaki2025;

    private static MemberAssessment M(PremiumAssessment a, string id) => a.Members.Single(m => m.Id == id);

    private static MemberJson Mother(long income = 2_000_000, string acquired = "2010-04-01") =>
        Member("P1", "1995-05-05", Income(income, salaryRevenue: income + 800_000, salaryIncome: income), acquired: acquired);

    // ---- Names (what a clerk reads in the answer) ---------------------------------------------------

    [Fact]
    public void Each_relief_in_the_answer_carries_its_Japanese_name_and_its_legal_reference()
    {
        // A mother giving birth in a 7割 household with a pre-school child: 法定軽減, 未就学児 and 産前産後 at once.
        var a = Rs.Assess(Household(Mother(income: 0).GivingBirth("2025-08-10"), Member("P2", "2022-05-01", NoIncome, acquired: "2022-05-01")));
        var medical = a.Component("medical");

        var names = medical.Reliefs.ToDictionary(r => r.Relief, r => r.Label);
        Assert.Equal("法定軽減", names[Relief.StatutoryReduction]);
        Assert.Equal("未就学児の均等割軽減", names[Relief.Preschool]);
        Assert.Equal("産前産後期間の免除", names[Relief.Perinatal]);
        Assert.All(medical.Reliefs, r => Assert.False(string.IsNullOrWhiteSpace(r.Reference)));
        Assert.Contains("国民健康保険法施行令", medical.Reliefs.Single(r => r.Relief == Relief.StatutoryReduction).Reference);
        Assert.Equal("非自発的失業者の軽減", Reliefs.Label(Relief.InvoluntaryUnemployment));
        Assert.Equal("旧被扶養者の減免", Reliefs.Label(Relief.FormerDependant));
        Assert.Equal("特定世帯・特定継続世帯の平等割軽減", Reliefs.Label(Relief.SpecifiedHousehold));
        Assert.Equal("均等割の全額軽減", Reliefs.Label(Relief.PerCapitaWaiver));
    }

    // ---- 産前産後 (§5) ------------------------------------------------------------------------------

    [Fact]
    public void Perinatal_exempts_the_mothers_income_levy_and_per_capita_for_four_months()
    {
        // Due 2025-08-10: July–October. 所得割 1,570,000 × 8.04% = 126,228 → × 8/12 = 84,152 (42,076 removed);
        // 均等割 31,200 → × 8/12 = 20,800 (10,400 removed); the 平等割 is untouched.
        var a = Rs.Assess(Household(Mother().GivingBirth("2025-08-10")));
        var medical = a.Component("medical");
        Assert.Equal(126_228, medical.IncomeLevy);
        Assert.Equal(42_076 + 10_400, medical.Relief(Relief.Perinatal));
        Assert.Equal(84_152 + 20_800 + 19_404, medical.BeforeCap);
        Assert.Equal(16_328 + 4_016, a.Component("support").Relief(Relief.Perinatal));
        Assert.Equal(4, M(a, "P1").ReliefMonths[Relief.Perinatal]);
        Assert.Equal(medical.Reduction, medical.Reliefs.Sum(r => r.Amount));
    }

    [Theory]
    [InlineData("2025-06-15", true, 5)]   // multiple: March–August; March 2025 belongs to FY2024
    [InlineData("2025-06-15", false, 4)]  // single: May–August
    [InlineData("2026-04-10", false, 1)]  // March 2026 only; April–June belong to FY2026
    [InlineData("2025-01-20", false, 0)]  // December 2024–March 2025: all in FY2024
    [InlineData("2025-02-10", false, 1)]  // January–April 2025: April in FY2025
    public void Perinatal_months_are_split_by_fiscal_year(string due, bool multiple, int months)
    {
        var a = Rs.Assess(Household(Mother().GivingBirth(due, multiple)));
        Assert.Equal(months, M(a, "P1").ReliefMonths.GetValueOrDefault(Relief.Perinatal));
    }

    [Fact]
    public void A_birth_before_the_eligible_date_exempts_nothing_and_the_months_follow_the_rule_sets_counts()
    {
        // With perinatal.eligibleBirthsFrom moved to 2025-09-01, a birth due 2025-08-10 is not eligible, though its
        // months (July–October) are in the year and after the first exempt month; one due 2025-09-10 exempts August–November.
        using var root = new TempRuleSetRoot();
        root.MakeAllDrafts();
        root.EditJson("national/2025/premium/parameters.json", p => p["perinatal"]!["eligibleBirthsFrom"]!["value"] = "2025-09-01");
        var rs = root.Premium();
        var before = rs.Assess(Household(Mother().GivingBirth("2025-08-10")));
        Assert.False(M(before, "P1").ReliefMonths.ContainsKey(Relief.Perinatal));
        Assert.Equal(0, before.Component("medical").Relief(Relief.Perinatal));
        Assert.Equal(4, M(rs.Assess(Household(Mother().GivingBirth("2025-09-10"))), "P1").ReliefMonths[Relief.Perinatal]);

        // perinatal.monthsBefore 0: a single birth due 2025-08-10 exempts August–October (3 months):
        // 所得割 126,228 × 3/12 = 31,557 and 均等割 31,200 × 3/12 = 7,800.
        using var noneBefore = new TempRuleSetRoot();
        noneBefore.MakeAllDrafts();
        noneBefore.EditJson("national/2025/premium/parameters.json", p => p["perinatal"]!["monthsBefore"]!["value"] = 0);
        var a = noneBefore.Premium().Assess(Household(Mother().GivingBirth("2025-08-10")));
        Assert.Equal(3, M(a, "P1").ReliefMonths[Relief.Perinatal]);
        Assert.Equal(31_557 + 7_800, a.Component("medical").Relief(Relief.Perinatal));
    }

    [Fact]
    public void A_birth_given_twice_exempts_its_months_once_and_two_births_the_union_of_their_months()
    {
        var twice = Mother() with { Childbirths = [new ChildbirthJson { Date = Date("2025-08-10") }, new ChildbirthJson { Date = Date("2025-08-10") }] };
        Assert.Equal(4, M(Rs.Assess(Household(twice)), "P1").ReliefMonths[Relief.Perinatal]);
        // Due 2025-06-15 (May–August) and 2025-08-10 (July–October): May–October, 6 months.
        var two = Mother() with { Childbirths = [new ChildbirthJson { Date = Date("2025-06-15") }, new ChildbirthJson { Date = Date("2025-08-10") }] };
        Assert.Equal(6, M(Rs.Assess(Household(two)), "P1").ReliefMonths[Relief.Perinatal]);
    }

    [Fact]
    public void Perinatal_counts_only_months_the_mother_is_insured()
    {
        // Due 2025-08-20 (July–October), insured from September: September and October.
        var a = Rs.Assess(Household(Mother(acquired: "2025-09-01").GivingBirth("2025-08-20")));
        Assert.Equal(2, M(a, "P1").ReliefMonths[Relief.Perinatal]);
        // 均等割 for 7 months: 18,200; exempt 2 of them: 5,200.
        Assert.Equal(18_200, a.Component("medical").PerCapita);
        Assert.Equal(1_570_000L * 2 * 804 / 10_000 / 12 + 5_200, a.Component("medical").Relief(Relief.Perinatal));
    }

    [Fact]
    public void Perinatal_applies_before_the_cap_so_a_capped_household_pays_the_same()
    {
        var withBirth = Rs.Assess(Household(Mother(income: 20_000_000).GivingBirth("2025-08-10")));
        var without = Rs.Assess(Household(Mother(income: 20_000_000)));
        Assert.True(withBirth.Component("medical").Relief(Relief.Perinatal) > 0);
        Assert.Equal(660_000, withBirth.Component("medical").Amount);
        Assert.Equal(without.AnnualPremium, withBirth.AnnualPremium);
    }

    [Theory]
    [InlineData("2023-11-20", 1)] // October 2023–January 2024: only January 2024 (the FY2023 transition)
    [InlineData("2023-10-31", 0)] // before 2023-11-01: not eligible
    [InlineData("2024-02-10", 3)] // January–April 2024: January–March in FY2023
    public void Perinatal_in_fiscal_2023_starts_with_January_2024(string due, int months)
    {
        var a = TestRuleSets.Get("shimonoseki", 2023).Assess(Household(Mother().GivingBirth(due)));
        Assert.Equal(months, M(a, "P1").ReliefMonths.GetValueOrDefault(Relief.Perinatal));
    }

    // ---- 特定世帯 / 特定継続世帯 (§6) ---------------------------------------------------------------

    private static HouseholdJson Elderly(string since, long headIncome = 3_000_000, params MemberJson[] more) =>
        Household([Member("P1", "1955-06-01", Income(headIncome)), Uninsured("P2", "1949-05-05", specifiedSameHouseholdSince: since), .. more]);

    [Theory]
    [InlineData("2023-06-10", 9_702, 3_750)]   // 22 months before April 2025: 特定世帯, 1/2
    [InlineData("2020-09-15", 9_702, 3_750)]   // 5 years end in August 2025: 特定世帯 to the year's end
    [InlineData("2020-03-15", 4_851, 1_875)]   // 61 months: 特定継続世帯, 1/4 (19,404 × 3/4 = 14,553)
    [InlineData("2017-05-01", 4_851, 1_875)]   // 8 years end in April 2025: 特定継続世帯 to the year's end
    [InlineData("2017-03-01", 0, 0)]           // 97 months: over
    public void The_specified_household_relief_halves_then_quarters_the_per_household_levy(string since, long medical, long support)
    {
        var a = Rs.Assess(Elderly(since));
        Assert.Equal("none", a.ReductionClass);
        Assert.Equal(medical, a.Component("medical").Relief(Relief.SpecifiedHousehold));
        Assert.Equal(support, a.Component("support").Relief(Relief.SpecifiedHousehold));
        Assert.Equal(0, a.Component("care").Relief(Relief.SpecifiedHousehold));
    }

    [Fact]
    public void The_specified_household_relief_starts_the_month_the_household_is_left_with_one_insured()
    {
        // The wife turns 75 on 2025-10-05 and stays: 特定世帯 from October (6 months): 9,702 × 6/12.
        var a = Rs.Assess(Household(
            Member("P1", "1955-06-01", Income(3_000_000)),
            Member("P2", "1950-10-05", specifiedSameHouseholdSince: "2025-10-05")));
        Assert.Equal(4_851, a.Component("medical").Relief(Relief.SpecifiedHousehold));
        Assert.Equal(6, M(a, "P2").InsuredMonths);
    }

    [Theory]
    [InlineData("2017-03-01", "2023-06-10")]
    [InlineData("2023-06-10", "2017-03-01")]
    public void Of_two_members_moved_to_the_elderly_scheme_the_later_move_decides_the_specified_household(string first, string second)
    {
        // Two 特定同一世帯所属者: one moved 2017-03-01 (97 months before April 2025: over), one 2023-06-10 (22 months:
        // 特定世帯 for the whole year). The household is a 特定世帯 through the later move, whichever is listed first:
        // 平等割 19,404 → 9,702 (medical), 7,500 → 3,750 (support).
        var a = Rs.Assess(Household(
            Member("P1", "1955-06-01", Income(3_000_000)),
            Uninsured("P2", first == "2017-03-01" ? "1942-03-01" : "1948-06-10", specifiedSameHouseholdSince: first),
            Uninsured("P3", second == "2017-03-01" ? "1942-03-01" : "1948-06-10", specifiedSameHouseholdSince: second)));
        Assert.Equal("none", a.ReductionClass);
        Assert.Equal(9_702, a.Component("medical").Relief(Relief.SpecifiedHousehold));
        Assert.Equal(3_750, a.Component("support").Relief(Relief.SpecifiedHousehold));
    }

    [Fact]
    public void The_specified_household_relief_leaves_the_care_per_household_levy_whole()
    {
        // A head of 45 (liable for care) left alone when the wife moved 2023-06-10: medical 19,404 → 9,702 and
        // support 7,500 → 3,750 (特定世帯), care 5,928 untouched (施行令第29条の7第2項 halves only 医療分 and 支援金分).
        var a = Rs.Assess(Household(Member("P1", "1980-06-15", Income(3_000_000)), Uninsured("P2", "1948-06-10", specifiedSameHouseholdSince: "2023-06-10")),
            trace: true);
        Assert.Equal(9_702, a.Component("medical").Relief(Relief.SpecifiedHousehold));
        Assert.Equal(0, a.Component("care").Relief(Relief.SpecifiedHousehold));
        Assert.Equal(5_928, a.Component("care").PerHousehold);
        var step = a.Trace!.Single(s => s.Kind == "decision" && s.Item == "specifiedHousehold");
        Assert.Equal("特定世帯", step.Value);
        Assert.Equal("SpecifiedHousehold", step.Rule!.Workflow);
        Assert.Equal("特定世帯", step.Rule.Outcome);   // April's deciding rule: 22 months since the move, under 60
    }

    [Fact]
    public void No_specified_household_relief_with_two_insured()
    {
        var a = Rs.Assess(Elderly("2023-06-10", 3_000_000, Member("P3", "1990-01-01")));
        Assert.Equal(0, a.Component("medical").Relief(Relief.SpecifiedHousehold));
    }

    [Fact]
    public void A_household_without_a_specified_member_is_told_so_and_its_month_counts_read_as_before_a_move()
    {
        // A head alone, insured all year, with no 特定同一世帯所属者: no 特定世帯 decision in the trace, and none
        // whichever of the workflow's guards decides it. With the month rule edited away, only h.hasSpecifiedMember
        // (false) stops the 特定世帯 rule (h.monthsSinceSpecifiedAtYearStart < 60 would hold for −1); with the
        // hasSpecifiedMember rule edited away, the month counts (SpecifiedHouseholdFacts.NoSpecifiedMember, −1) read as
        // a month before a move. Either way the 平等割 (19,404 medical, 7,500 support) is not reduced.
        var alone = Household(Member("P1", "1955-06-01", Income(3_000_000)));
        Assert.DoesNotContain(Rs.Assess(alone, trace: true).Trace!, s => s.Item == "specifiedHousehold");
        foreach (var (rule, expression) in new[] { ("後期高齢者医療へ移行した月より前", "h.monthsSinceSpecified < 0"), ("特定同一世帯所属者がいない", "!h.hasSpecifiedMember") })
        {
            using var root = new TempRuleSetRoot();
            root.MakeAllDrafts();
            root.ReplaceOnce("national/2025/premium/workflows.json", $"\"Expression\": \"{expression}\"", "\"Expression\": \"false\"");
            var a = root.Premium().Assess(alone);
            Assert.True(0 == a.Component("medical").Relief(Relief.SpecifiedHousehold), rule);
            Assert.True(0 == a.Component("support").Relief(Relief.SpecifiedHousehold), rule);
        }
    }

    [Fact]
    public void The_statutory_reduction_applies_to_the_already_halved_per_household_levy()
    {
        // No income: 7割. 平等割 19,404 → 9,702 (特定世帯) → 2,910 (7割 of 9,702 = 6,791.4, charged 2,910.6 → 2,910).
        var a = Rs.Assess(Elderly("2023-06-10", headIncome: 0));
        Assert.Equal("7割", a.ReductionClass);
        var medical = a.Component("medical");
        Assert.Equal(9_702, medical.Relief(Relief.SpecifiedHousehold));
        Assert.Equal(31_200 - 9_360 + (9_702 - 2_910), medical.Relief(Relief.StatutoryReduction));
        Assert.Equal(9_360 + 2_910, medical.Amount);
    }

    // ---- 非自発的失業者 (§7.1) ----------------------------------------------------------------------

    private static MemberJson Laid0ff(string birth = "1985-06-15") =>
        Member("P1", birth, Income(3_000_000, salaryRevenue: 4_400_000, salaryIncome: 3_000_000));

    [Fact]
    public void Involuntary_unemployment_deems_the_salary_income_at_30_percent_in_the_levy_and_the_reduction_test()
    {
        // Separated 2024-09-30 (code 11): October 2024 to March 2026, the whole of FY2025.
        // Deemed 給与所得 900,000 → 算定基礎所得 470,000; 判定所得 900,000 ≤ 990,000 → 2割.
        var a = Rs.Assess(Household(Laid0ff().Separated("2024-09-30")));
        Assert.Equal("2割", a.ReductionClass);
        var medical = a.Component("medical");
        Assert.Equal(206_628, medical.IncomeLevy);
        Assert.Equal(206_628 - 37_788, medical.Relief(Relief.InvoluntaryUnemployment));
        Assert.Equal(6_240 + 3_881, medical.Relief(Relief.StatutoryReduction));
        Assert.Equal(37_788 + 24_960 + 15_523, medical.Amount);
        // Care from June (40 on 2025-06-14): 10 months. 2,570,000 × 3% × 10/12 − 470,000 × 3% × 10/12.
        Assert.Equal(64_250 - 11_750, a.Component("care").Relief(Relief.InvoluntaryUnemployment));
        Assert.Equal(12, M(a, "P1").ReliefMonths[Relief.InvoluntaryUnemployment]);
    }

    [Fact]
    public void Involuntary_unemployment_in_part_of_the_year_is_counted_month_by_month()
    {
        // Separated 2025-09-30: October–March. (2,570,000 × 6 + 470,000 × 6) / 12 × 8.04% = 122,208.
        var a = Rs.Assess(Household(Laid0ff().Separated("2025-09-30")));
        Assert.Equal(206_628 - 122_208, a.Component("medical").Relief(Relief.InvoluntaryUnemployment));
        Assert.Equal(6, M(a, "P1").ReliefMonths[Relief.InvoluntaryUnemployment]);
        Assert.Equal("2割", a.ReductionClass);
    }

    [Fact]
    public void The_deemed_income_of_a_high_earner_takes_the_basic_deduction_of_the_deemed_combined_income()
    {
        // 給与所得 30,000,000 (合計所得金額 above 25,000,000: no 基礎控除), separated 2024-09-30: the whole of FY2025 deemed.
        // Deemed 給与所得 9,000,000 is also the deemed 合計所得金額: 基礎控除 430,000, 算定基礎所得 8,570,000.
        // Medical 所得割 30,000,000 × 8.04% = 2,412,000, deemed 8,570,000 × 8.04% = 689,028.
        var a = Rs.Assess(Household(Member("P1", "1985-06-15", Income(30_000_000, salaryRevenue: 31_950_000, salaryIncome: 30_000_000))
            .Separated("2024-09-30")));
        Assert.Equal(30_000_000, M(a, "P1").AssessableIncome);
        var medical = a.Component("medical");
        Assert.Equal(2_412_000, medical.IncomeLevy);
        Assert.Equal(2_412_000 - 689_028, medical.Relief(Relief.InvoluntaryUnemployment));
        // Support: 936,000 − 8,570,000 × 3.12% = 936,000 − 267,384.
        Assert.Equal(936_000 - 267_384, a.Component("support").Relief(Relief.InvoluntaryUnemployment));
        // No other relief is listed (none applies; a relief of 0 yen is not listed).
        Assert.Equal([Relief.InvoluntaryUnemployment], medical.Reliefs.Select(r => r.Relief));

        // 給与所得 9,000,000 with a 合計所得金額 of 32,000,000 (no 基礎控除): deemed 給与所得 2,700,000 lowers the
        // 合計所得金額 to 25,700,000, still above 25,000,000: no 基礎控除 either way. 所得割 9,000,000 × 8.04% = 723,600,
        // deemed 2,700,000 × 8.04% = 217,080.
        var b = Rs.Assess(Household(Member("P1", "1985-06-15", Income(9_000_000, salaryRevenue: 10_950_000, salaryIncome: 9_000_000, combined: 32_000_000))
            .Separated("2024-09-30")));
        Assert.Equal(9_000_000, M(b, "P1").AssessableIncome);
        Assert.Equal(723_600 - 217_080, b.Component("medical").Relief(Relief.InvoluntaryUnemployment));
    }

    [Theory]
    [InlineData("1959-06-15", "11")] // 65 on the separation date
    [InlineData("1985-06-15", "45")] // not an involuntary reason
    public void Involuntary_unemployment_needs_a_qualifying_separation(string birth, string code)
    {
        var a = Rs.Assess(Household(Laid0ff(birth).Separated("2024-09-30", code)));
        Assert.Equal(0, a.Component("medical").Relief(Relief.InvoluntaryUnemployment));
        Assert.Equal("none", a.ReductionClass);
    }

    [Fact]
    public void Whether_the_reduction_test_uses_the_deemed_income_is_the_insurers_practice()
    {
        using var root = new TempRuleSetRoot();
        root.MakeAllDrafts();
        root.EditJson("amagasaki/2025/premium/parameters.json", p => p["practice"]!["involuntaryUnemploymentInReductionTest"]!["value"] = false);
        var rs = root.Premium();
        var a = rs.Assess(Household(Laid0ff().Separated("2024-09-30")));
        Assert.Equal("none", a.ReductionClass);
        Assert.Equal(206_628 - 37_788, a.Component("medical").Relief(Relief.InvoluntaryUnemployment));
    }

    // ---- 旧被扶養者 (§7.2) --------------------------------------------------------------------------

    private static MemberJson Dependant(string acquired, long pensionIncome = 2_000_000, string birth = "1955-07-01") =>
        Member("P1", birth, Income(pensionIncome, pensionRevenue: pensionIncome + 1_100_000, pensionIncome: pensionIncome), acquired: acquired).AsFormerDependant();

    [Fact]
    public void A_former_dependant_pays_no_income_levy_and_half_the_per_capita_and_per_household_levies()
    {
        // Joined 2024-10-01 at 69: window to September 2026. 判定所得 2,000,000 − 150,000: no reduction.
        var a = Rs.Assess(Household(Dependant("2024-10-01")));
        Assert.Equal("none", a.ReductionClass);
        var medical = a.Component("medical");
        Assert.Equal(126_228 + 15_600 + 9_702, medical.Relief(Relief.FormerDependant));
        Assert.Equal(15_600 + 9_702, medical.Amount);
    }

    [Fact]
    public void The_former_dependant_window_ends_two_years_after_the_acquisition_month()
    {
        // Joined 2023-09-01: window to August 2025. 均等割 (15,600 × 5 + 31,200 × 7) / 12 = 24,700;
        // 平等割 (9,702 × 5 + 19,404 × 7) / 12 = 15,361.5 → 15,361. The 所得割 stays exempt.
        var a = Rs.Assess(Household(Dependant("2023-09-01", birth: "1955-07-01")));
        var medical = a.Component("medical");
        Assert.Equal(126_228 + (31_200 - 24_700) + (19_404 - 15_361), medical.Relief(Relief.FormerDependant));
        // The relief months are those with any 旧被扶養者 relief: the 所得割 exemption lasts the whole year.
        Assert.Equal(12, M(a, "P1").ReliefMonths[Relief.FormerDependant]);
    }

    [Fact]
    public void The_former_dependant_relief_months_are_only_the_months_insured()
    {
        // Joined 2025-07-10 at 70 and lost the coverage 2025-12-01: liable July–November (5 months); the relief
        // (to June 2027) counts only those. 所得割 1,570,000 × 8.04% × 5/12 = 52,595 exempt; 均等割 13,000 → 6,500;
        // 平等割 8,085 → 9,702 × 5/12 = 4,042.5 → 4,042.
        var a = Rs.Assess(Household(Member("P1", "1955-07-01", Income(2_000_000, pensionRevenue: 3_100_000, pensionIncome: 2_000_000),
            acquired: "2025-07-10", lost: "2025-12-01").AsFormerDependant()));
        Assert.Equal(5, M(a, "P1").InsuredMonths);
        Assert.Equal(5, M(a, "P1").ReliefMonths[Relief.FormerDependant]);
        var medical = a.Component("medical");
        Assert.Equal(52_595 + (13_000 - 6_500) + (8_085 - 4_042), medical.Relief(Relief.FormerDependant));
        Assert.Equal(6_500 + 4_042, medical.Amount);
    }

    [Fact]
    public void A_former_dependant_joining_in_the_year_is_relieved_from_the_acquisition_month()
    {
        // Joined 2025-07-10 at 70: liable July–March (9 months), all within the window (to June 2027).
        // 所得割 1,570,000 × 8.04% × 9/12 = 94,671, all exempt; 均等割 31,200 × 9/12 = 23,400 → 15,600 × 9/12 = 11,700;
        // 平等割 19,404 × 9/12 = 14,553 → 9,702 × 9/12 = 7,276.5 → 7,276.
        var a = Rs.Assess(Household(Dependant("2025-07-10")));
        Assert.Equal(9, M(a, "P1").ReliefMonths[Relief.FormerDependant]);
        var medical = a.Component("medical");
        Assert.Equal(94_671, medical.IncomeLevy);
        Assert.Equal(94_671 + (23_400 - 11_700) + (14_553 - 7_276), medical.Relief(Relief.FormerDependant));
        Assert.Equal(11_700 + 7_276, medical.Amount);
    }

    [Fact]
    public void The_larger_of_the_former_dependant_half_and_the_statutory_reduction_applies_never_both()
    {
        // 判定所得 1,000,000 − 150,000 = 850,000: 2割. The half (5割) is larger: 31,200 → 15,600, of which
        // 6,240 is the 2割 and 9,360 the extra the 旧被扶養者 relief gives.
        var twoTenths = Rs.Assess(Household(Dependant("2024-10-01", pensionIncome: 1_000_000)));
        Assert.Equal("2割", twoTenths.ReductionClass);
        Assert.Equal(6_240 + 3_881, twoTenths.Component("medical").Relief(Relief.StatutoryReduction));
        Assert.Equal(1_000_000 - 430_000, M(twoTenths, "P1").AssessableIncome);
        Assert.Equal(45_828 + 9_360 + (15_523 - 9_702), twoTenths.Component("medical").Relief(Relief.FormerDependant));

        // No income: 7割 is larger; the 旧被扶養者 relief adds nothing to the 均等割 and 平等割.
        var sevenTenths = Rs.Assess(Household(Dependant("2024-10-01", pensionIncome: 0)));
        Assert.Equal("7割", sevenTenths.ReductionClass);
        Assert.Equal(0, sevenTenths.Component("medical").Relief(Relief.FormerDependant));
    }

    [Fact]
    public void The_per_household_half_applies_in_the_months_every_insured_member_is_a_former_dependant()
    {
        // A 旧被扶養者 alone April–September, joined by a member who is not one on 2025-10-15 (not counted in the
        // reduction test of 4月1日: no reduction). 平等割 (9,702 × 6 + 19,404 × 6) / 12 = 14,553: 4,851 off.
        // With it the 所得割 126,228 and half the 均等割 15,600 of the 旧被扶養者.
        var a = Rs.Assess(Household(Dependant("2024-10-01"), Member("P2", "1958-01-01", Income(2_000_000), acquired: "2025-10-15")));
        Assert.Equal("none", a.ReductionClass);
        var medical = a.Component("medical");
        Assert.Equal(126_228 + 15_600 + 4_851, medical.Relief(Relief.FormerDependant));
    }

    [Fact]
    public void When_the_statutory_reduction_equals_the_former_dependant_half_the_statutory_reduction_applies()
    {
        // 5割 (判定所得 800,000 − 150,000 = 650,000 ≤ 735,000) equals the 旧被扶養者 half: the statutory reduction
        // applies, with its own rounding (1 yen), not the 旧被扶養者 rounding (set here to 1,000 yen, which would
        // charge 15,000 and 9,000): 均等割 15,600, 平等割 9,702; the 所得割 (370,000 × 8.04% = 29,748) stays exempt.
        using var root = new TempRuleSetRoot();
        root.MakeAllDrafts();
        root.EditJson("amagasaki/2025/premium/parameters.json", p => p["rounding"]!["formerDependant"]!["value"]!["unitYen"] = 1000);
        var rs = root.Premium();
        var a = rs.Assess(Household(Dependant("2024-10-01", pensionIncome: 800_000)));
        Assert.Equal("5割", a.ReductionClass);
        var medical = a.Component("medical");
        Assert.Equal(15_600 + 9_702, medical.Relief(Relief.StatutoryReduction));
        Assert.Equal(29_748, medical.Relief(Relief.FormerDependant));
        Assert.Equal(15_600 + 9_702, medical.Amount);
    }

    [Fact]
    public void The_per_household_half_needs_every_insured_member_to_be_a_former_dependant()
    {
        var a = Rs.Assess(Household(Dependant("2024-10-01"), Member("P2", "1958-01-01", Income(2_000_000))));
        var medical = a.Component("medical");
        Assert.Equal(126_228 + 15_600, medical.Relief(Relief.FormerDependant));
    }

    [Fact]
    public void A_former_dependant_must_be_65_to_74_at_acquisition()
    {
        var a = Rs.Assess(Household(Dependant("2024-10-01", birth: "1960-10-15")));
        Assert.Equal(0, a.Component("medical").Relief(Relief.FormerDependant));
    }

    // ---- FY2026 子ども・子育て支援納付金分 (§1.5) ------------------------------------------------------

    private static readonly PremiumRuleSet Rs2026 = TestRuleSets.Get("amagasaki", 2026);

    [Fact]
    public void The_child_component_waives_the_per_capita_levy_under_18_and_adds_the_adult_levy()
    {
        // Draft placeholders: 0.3% / 1,800 / adults + 100 / no 平等割 / cap 30,000.
        var a = Rs2026.Assess(Household(
            Member("P1", "1985-06-15", Income(3_000_000, salaryRevenue: 4_400_000, salaryIncome: 3_000_000)),
            Member("P2", "2015-06-15", acquired: "2015-06-15")));
        var child = a.Component("child");
        Assert.Equal(2_570_000 * 3 / 1000, child.IncomeLevy);
        Assert.Equal(1_900 + 1_800, child.PerCapita);
        Assert.Equal(1_800, child.Relief(Relief.PerCapitaWaiver));
        Assert.Equal(7_710 + 1_900, child.Amount);
        Assert.Equal(0, M(a, "P2").PerCapitaCharges["child"]);
        Assert.Equal(1_900, M(a, "P1").PerCapitaCharges["child"]);
        Assert.Equal(["medical", "support", "care", "child"], a.Components.Select(c => c.Name));
        // The waiver cites the rule of the component's waiver workflow that waived it.
        Assert.StartsWith("子ども・子育て支援納付金分の18歳未満の均等割は10割軽減", child.Reliefs.Single(r => r.Relief == Relief.PerCapitaWaiver).Reference);
    }

    [Fact]
    public void The_trace_names_each_members_waiver_decision()
    {
        var a = Rs2026.Assess(Household(Member("P1", "1985-06-15", Income(3_000_000)), Member("P2", "2015-06-15", acquired: "2015-06-15")), trace: true);
        // The child's waiver is a decision of the member, citing the rule that waived it.
        Assert.Contains(a.Trace!, s => s.Item == "perCapitaWaiver" && s.Component == "child" && s.Subject == "P2"
                                       && s.Text.Contains("18歳に達する日以後の最初の3月31日以前"));
    }

    [Theory]
    [InlineData("2008-04-02", 0)]     // 18 on 2026-04-01: the first 31 March after is 2027-03-31
    [InlineData("2008-04-01", 1_900)] // 18 on 2026-03-31
    public void The_child_waiver_lasts_until_the_first_31_March_after_turning_18(string birth, long charge)
    {
        var a = Rs2026.Assess(Household(Member("P1", "1980-01-01", Income(3_000_000)), Member("P2", birth)));
        Assert.Equal(charge, M(a, "P2").PerCapitaCharges["child"]);
    }

    [Fact]
    public void The_child_component_is_capped_at_30000_and_reduced_with_the_others()
    {
        Assert.Equal(30_000, Rs2026.Assess(Household(Member("P1", "1980-01-01", Income(50_000_000)))).Component("child").Amount);
        var poor = Rs2026.Assess(Household(Member("P1", "1980-01-01"), Member("P2", "2015-06-15", acquired: "2015-06-15")));
        Assert.Equal("7割", poor.ReductionClass);
        Assert.Equal(570, M(poor, "P1").PerCapitaCharges["child"]);
    }
}
