using KokuhoRules.Rules.HighCost.Continuity;
using static KokuhoRules.Tests.HighCost.Continuity.ContinuityCases;
using K = KokuhoRules.Rules.HighCost.Continuity.ContinuityEventKinds;

namespace KokuhoRules.Tests.HighCost.Continuity;

/// <summary>
/// One case per criterion of §B7 (the national 参酌基準 as Tondabayashi quotes them, Matsuyama's restatement, and the
/// move to another prefecture), judged by the bundled continuity rules under 兵庫県's parameters: the criterion that
/// decided, continuous or not, the reference cited and the facts joined.
/// </summary>
public sealed class ContinuityRuleTests
{
    private static ContinuityDecision Judge(ContinuityCase c, bool headChangeContinues = true, bool splitWithSameHeadContinues = true) =>
        Assert.Single(ContinuityJudgement.Decide(ContinuityTestRules.Rules(headChangeContinues, splitWithSameHeadContinues), [c], workers: 1));

    private static void Decided(ContinuityDecision d, string criterion, bool continuous, string referenceContains)
    {
        Assert.Equal(criterion, d.Criterion);
        Assert.Equal(continuous, d.Continuous);
        Assert.Contains(referenceContains, d.Reference, StringComparison.Ordinal);
    }

    private const string Tondabayashi = "tondabayashi", Matsuyama = "matsuyama", OtherPrefecture = "soeda";

    [Fact]
    public void B7_1_an_address_only_move_is_continuous()
    {
        var d = Judge(Case("P1", ["P1", "P2"], "P1", ["P2", "P1"]));
        Decided(d, "addressOnly", true, Tondabayashi);
        Assert.True(d.Confirmed);
        Assert.Equal(["moveIn", "moveOut"], d.Facts.Where(f => f.Type == "Household").Select(f => f.Side!));
        Assert.Contains(d.Facts, f => f is { Side: "moveOut", Insurer: "amagasaki", HouseholdId: "H-OUT-C1" });
    }

    [Fact]
    public void B7_2_the_head_dies_and_the_spouse_takes_over_within_the_household_continuous_in_hyogo()
    {
        var d = Judge(Case("P1", ["P1", "P2"], "P2", ["P2"], [("P1", K.Died)]));
        Decided(d, "headChangeWithinHousehold", true, Tondabayashi);
        Assert.False(d.Confirmed);
        Assert.Contains(d.Facts, f => f is { Type: "Member", PersonKey: "P1", Kind: "lost" });
        Assert.Contains(d.Facts, f => f is { Type: "Member", PersonKey: "P2", Kind: "kept" });
    }

    [Fact]
    public void B7_2_a_handover_of_the_head_to_a_member_who_stays_in_the_household()
    {
        Decided(Judge(Case("P1", ["P1", "P2"], "P2", ["P1", "P2"])), "headChangeWithinHousehold", true, Tondabayashi);
    }

    [Fact]
    public void B7_2_Niigata_may_reset_a_change_of_head_is_a_parameter()
    {
        var d = Judge(Case("P1", ["P1", "P2"], "P2", ["P2"], [("P1", K.Died)]), headChangeContinues: false);
        Decided(d, "headChangeWithinHousehold", false, "niigata");
    }

    [Theory]
    [InlineData(K.Born)]
    [InlineData(K.LeftOtherInsurance)]
    public void B7_3_members_added_by_birth_or_by_leaving_another_insurance(string kind)
    {
        var d = Judge(Case("P1", ["P1", "P2"], "P1", ["P1", "P2", "P3"], [("P3", kind)]));
        Decided(d, "membersAdded", true, Tondabayashi);
        Assert.Contains(d.Facts, f => f is { Type: "Event", PersonKey: "P3" } && f.Kind == kind);
        Assert.Contains(d.Facts, f => f is { Type: "Member", PersonKey: "P3", Kind: "added" });
    }

    [Theory]
    [InlineData(K.Died)]
    [InlineData(K.JoinedOtherInsurance)]
    public void B7_4_members_lost_by_death_or_by_joining_another_insurance(string kind)
    {
        var d = Judge(Case("P1", ["P1", "P2", "P3"], "P1", ["P1", "P2"], [("P3", kind)]));
        Decided(d, "membersLost", true, Tondabayashi);
        Assert.Contains(d.Facts, f => f is { Type: "Event", PersonKey: "P3" } && f.Kind == kind);
    }

    [Fact]
    public void B7_3_and_4_a_birth_and_a_death_in_the_same_move()
    {
        Decided(Judge(Case("P1", ["P1", "P2", "P3"], "P1", ["P1", "P2", "P4"], [("P3", K.Died), ("P4", K.Born)])), "membersAddedAndLost", true, Tondabayashi);
    }

    [Fact]
    public void B7_5_a_split_where_the_moving_household_keeps_its_head_is_continuous()
    {
        var d = Judge(Case("P1", ["P1", "P2", "P3"], "P1", ["P1", "P2"], [("P3", K.LeftHousehold)]));
        Decided(d, "splitOrMergeSameHead", true, Tondabayashi);
        Assert.Contains(d.Facts, f => f is { Type: "Member", PersonKey: "P3", Kind: "lost" });
    }

    [Fact]
    public void B7_5_a_merge_into_the_household_of_the_same_head_is_continuous()
    {
        Decided(Judge(Case("P1", ["P1"], "P1", ["P1", "Q2"], [("Q2", K.JoinedHousehold)])), "splitOrMergeSameHead", true, Tondabayashi);
    }

    [Fact]
    public void B7_5_a_member_who_appears_without_any_event_counts_as_joining_from_another_household()
    {
        Decided(Judge(Case("P1", ["P1"], "P1", ["P1", "Q2"])), "splitOrMergeSameHead", true, Tondabayashi);
    }

    [Fact]
    public void B7_5_Niigata_part_of_the_household_moving_may_reset_is_a_parameter()
    {
        Decided(Judge(Case("P1", ["P1", "P2", "P3"], "P1", ["P1", "P2"], [("P3", K.LeftHousehold)]), splitWithSameHeadContinues: false), "splitOrMergeSameHead", false, "niigata");
    }

    [Fact]
    public void B7_5_a_split_whose_moving_part_has_a_new_head_is_not_continuous()
    {
        // P1 stays behind in amagasaki; P2 and P3 move with P2 as head: the post-move head was not the head before.
        var d = Judge(Case("P1", ["P1", "P2", "P3"], "P2", ["P2", "P3"], [("P1", K.LeftHousehold)]));
        Decided(d, "splitWithNewHead", false, Tondabayashi);
    }

    [Fact]
    public void Counter_case_the_head_joins_another_household_as_a_member_is_not_continuous()
    {
        var d = Judge(Case("P1", ["P1", "P2"], "Q1", ["Q1", "P1", "P2"], [("P1", K.JoinedHousehold), ("P2", K.JoinedHousehold)]));
        Decided(d, "headBecameMember", false, Matsuyama);
        Assert.Contains(d.Facts, f => f is { Type: "Member", PersonKey: "P1", Kind: "kept" });
        Assert.Contains(d.Facts, f => f is { Type: "Member", PersonKey: "Q1", Kind: "added" });
    }

    [Fact]
    public void B7_5_a_member_moving_into_a_household_headed_by_someone_from_outside_is_not_continuous()
    {
        Decided(Judge(Case("P1", ["P1", "P2"], "Q1", ["Q1", "P2"], [("P2", K.JoinedHousehold)])), "newHeadFromAnotherHousehold", false, Tondabayashi);
    }

    [Fact]
    public void A_head_change_together_with_a_split_is_not_continuous()
    {
        // The head dies (rule 2 would carry) but P3 also leaves for another household: rule 5 decides.
        Decided(Judge(Case("P1", ["P1", "P2", "P3"], "P2", ["P2"], [("P1", K.Died), ("P3", K.LeftHousehold)])), "splitWithNewHead", false, Tondabayashi);
    }

    [Fact]
    public void Counter_case_a_move_to_another_prefecture_resets_the_count()
    {
        var d = Judge(Case("P1", ["P1", "P2"], "P1", ["P1", "P2"], toPrefecture: "osaka"));
        Decided(d, "otherPrefecture", false, OtherPrefecture);
    }

    [Fact]
    public void Every_case_gets_exactly_one_decision_in_the_cases_order_whatever_the_sessions()
    {
        var cases = new[]
        {
            Case("P1", ["P1"], "P1", ["P1"], id: "A"),
            Case("P1", ["P1", "P2"], "Q1", ["Q1", "P1", "P2"], id: "B"),
            Case("P1", ["P1", "P2"], "P1", ["P1", "P2"], toPrefecture: "osaka", id: "C"),
        };
        var one = ContinuityJudgement.DecideOneSession(ContinuityTestRules.Rules(), cases);
        var split = ContinuityJudgement.Decide(ContinuityTestRules.Rules(), cases, workers: 2, casesPerSession: 1);
        Assert.Equal(["A addressOnly", "B headBecameMember", "C otherPrefecture"], one.Select(d => $"{d.CaseId} {d.Criterion}"));
        Assert.Equal(one.Select(d => (d.CaseId, d.Criterion, d.Continuous, d.Facts.Count)), split.Select(d => (d.CaseId, d.Criterion, d.Continuous, d.Facts.Count)));
    }

    [Fact]
    public void Two_cases_with_one_id_are_refused()
    {
        var c = Case("P1", ["P1"], "P1", ["P1"]);
        Assert.Throws<ArgumentException>(() => ContinuityJudgement.Decide(ContinuityTestRules.Rules(), [c, c with { }], workers: 1));
    }
}
