using KokuhoRules.Rules.Premium;
using KokuhoRules.Rules.Snapshots;
using KokuhoRules.Tests.Support;
using static KokuhoRules.Tests.Support.Households;

namespace KokuhoRules.Tests.Premium;

/// <summary>
/// <see cref="MonthlyLiability"/> on Amagasaki FY2025 (April 2025 – March 2026; bit 0 = April). The
/// expected months come from the rules: a month counts when the member is insured on its last day; the
/// 介護分 is owed from the month of the legal 40th birthday (attained the day before the birthday) until
/// the month before the legal 65th; 後期高齢者医療 begins on the 75th birthday itself, so NHI ends with the
/// month before the birthday month.
/// </summary>
public sealed class MonthlyLiabilityTests
{
    private static readonly PremiumRuleSet Rs = TestRuleSets.Amagasaki2025;

    private const int WholeYear = 0b1111_1111_1111;

    private static int ComponentIndex(string name) =>
        Rs.Components.Select((c, i) => (c, i)).Single(x => x.c.Name == name).i;

    private static (int Insured, int[] Liable) Decide(string birthDate, string acquired = "2010-04-01", string? lost = null)
    {
        var member = Snapshot(Household(Member("P1", birthDate, acquired: acquired, lost: lost))).Members[0];
        var liable = new int[Rs.Components.Count];
        var insured = MonthlyLiability.Of(Rs, member, liable);
        return (insured, liable);
    }

    [Theory]
    [InlineData("1985-05-01", WholeYear)]        // legal age 40 on 30 April 2025: liable from April
    [InlineData("1985-05-02", WholeYear & ~0b1)] // legal age 40 on 1 May 2025: liable from May
    [InlineData("1986-04-01", 0b1000_0000_0000)] // legal age 40 on 31 March 2026: March only
    [InlineData("1986-04-02", 0)]                // 40 only in the next fiscal year
    [InlineData("1960-05-02", 0b1)]              // legal age 65 on 1 May 2025: April only
    [InlineData("1960-05-01", 0)]                // legal age 65 on 30 April 2025: not even April
    public void The_care_levy_follows_the_legal_ages_40_and_65(string birthDate, int careMonths)
    {
        var (insured, liable) = Decide(birthDate);
        Assert.Equal(WholeYear, insured);
        Assert.Equal(careMonths, liable[ComponentIndex("care")]);
        Assert.Equal(WholeYear, liable[ComponentIndex("medical")]);
    }

    [Theory]
    [InlineData("1950-08-15")] // 75 on 15 August 2025
    [InlineData("1950-08-01")] // 75 on 1 August 2025: the legal age is reached on 31 July, but 後期高齢者医療 starts on the birthday
    [InlineData("1950-08-31")] // 75 on 31 August 2025, the month's last day
    public void Turning_75_ends_liability_with_the_month_before_the_birthday_month(string birthDate)
    {
        var (insured, liable) = Decide(birthDate);
        const int aprilToJuly = 0b1111;
        Assert.Equal(aprilToJuly, insured);
        Assert.Equal(aprilToJuly, liable[ComponentIndex("medical")]);
        Assert.Equal(aprilToJuly, liable[ComponentIndex("support")]);
        Assert.Equal(0, liable[ComponentIndex("care")]); // 65 and over: 介護保険第1号被保険者
    }

    [Fact]
    public void A_month_counts_when_the_member_is_insured_on_its_last_day()
    {
        // Acquired 10 June, lost 30 November (the loss date is the first day without coverage):
        // insured on 30 June … 31 October, not on 30 November.
        var (insured, liable) = Decide("1980-06-15", acquired: "2025-06-10", lost: "2025-11-30");
        const int juneToOctober = 0b111_1100;
        Assert.Equal(juneToOctober, insured);
        Assert.Equal(juneToOctober, liable[ComponentIndex("medical")]);
        Assert.Equal(juneToOctober, liable[ComponentIndex("care")]);
    }

    [Fact]
    public void Recording_the_deciding_rules_gives_the_same_months_and_names_the_rule_of_each_month()
    {
        var member = Snapshot(Household(Member("P1", "1950-08-15"))).Members[0];
        var plain = new int[Rs.Components.Count];
        var recorded = new int[Rs.Components.Count];
        var rules = new int[MonthlyLiability.MonthsPerYear * (Rs.Components.Count + 1)];
        Assert.Equal(MonthlyLiability.Of(Rs, member, plain), MonthlyLiability.Of(Rs, member, recorded, rules));
        Assert.Equal(plain, recorded);
        Assert.Equal("資格あり", Rs.Insured.Rules[rules[3]].Name);           // July
        Assert.Contains("後期高齢者医療", Rs.Insured.Rules[rules[4]].Name);  // August
    }

    [Fact]
    public void Too_few_masks_for_the_components_is_refused()
    {
        var member = Snapshot(Household(Member("P1", "1980-06-15"))).Members[0];
        var error = Assert.Throws<ArgumentException>(() => MonthlyLiability.Of(Rs, member, new int[Rs.Components.Count - 1]));
        Assert.Equal("liable", error.ParamName);
    }

    [Fact]
    public void Recording_the_deciding_rules_fills_the_slot_of_every_month_and_component_even_when_the_facts_repeat()
    {
        // 75 on 2025-08-15: April–July the same facts (insured, 74), August–March the same (75): every slot is still written.
        var member = Snapshot(Household(Member("P1", "1950-08-15"))).Members[0];
        var nc = Rs.Components.Count;
        var rules = Enumerable.Repeat(-1, MonthlyLiability.MonthsPerYear * (nc + 1)).ToArray();
        MonthlyLiability.Of(Rs, member, new int[nc], rules);
        Assert.DoesNotContain(-1, rules);
        Assert.All(rules[..4], r => Assert.Equal("資格あり", Rs.Insured.Rules[r].Name));
        Assert.All(rules[4..12], r => Assert.Contains("後期高齢者医療", Rs.Insured.Rules[r].Name));
    }

    [Fact]
    public void The_masks_given_are_overwritten_not_added_to()
    {
        // Masks left over from another member (every bit set) are cleared first: the member leaving on 2025-11-30 is
        // liable June–October only.
        var member = Snapshot(Household(Member("P1", "1980-06-15", acquired: "2025-06-10", lost: "2025-11-30"))).Members[0];
        var liable = Enumerable.Repeat(-1, Rs.Components.Count).ToArray();
        Assert.Equal(0b111_1100, MonthlyLiability.Of(Rs, member, liable));
        Assert.All(liable, mask => Assert.Equal(0b111_1100, mask));
    }

    [Fact]
    public void Too_few_slots_for_the_deciding_rules_is_refused()
    {
        var member = Snapshot(Household(Member("P1", "1980-06-15"))).Members[0];
        var nc = Rs.Components.Count;
        var error = Assert.Throws<ArgumentException>(() => MonthlyLiability.Of(Rs, member, new int[nc], new int[MonthlyLiability.MonthsPerYear * (nc + 1) - 1]));
        Assert.Equal("ruleByMonth", error.ParamName);
        Assert.StartsWith($"{MonthlyLiability.MonthsPerYear * (nc + 1)} slots are needed", error.Message);
    }
}
