using KokuhoRules.Rules.HighCost;
using KokuhoRules.Rules.HighCost.Continuity;
using NodaTime;
using static KokuhoRules.Tests.HighCost.Continuity.ContinuityCases;
using K = KokuhoRules.Rules.HighCost.Continuity.ContinuityEventKinds;

namespace KokuhoRules.Tests.HighCost.Continuity;

/// <summary>
/// One case per criterion of §B7 (the national 参酌基準 as Tondabayashi quotes them, Matsuyama's restatement, and the
/// move to another prefecture), judged by the bundled continuity rules under 兵庫県's parameters: the criterion that
/// decided, continuous or not, the reference cited and the facts joined. Then the two steps around the judgement:
/// the candidates extracted from a month of move records (継続候補世帯の抽出) and the months carried for a
/// continuous household (from 2018-04 care months, within the 多数回 window).
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

    [Fact]
    public void The_facts_of_a_case_are_both_households_a_member_per_person_of_either_and_only_their_events()
    {
        // P1 head before and after; P2 lost, P3 added (born); X is in neither household, so its event is left out.
        var c = Case("P1", ["P1", "P2"], "P1", ["P1", "P3"], [("P3", K.Born), ("X", K.Died), ("P2", K.Died)]);
        var facts = ContinuityJudgement.Facts([c]);
        Assert.Equal(7, facts.Count);
        var households = facts.OfType<HouseholdFact>().ToArray();
        Assert.Equal(["moveOut", "moveIn"], households.Select(h => h.Side));
        Assert.Equal(["amagasaki", "nishinomiya"], households.Select(h => h.Insurer));
        Assert.Equal(["H-OUT-C1", "H-IN-C1"], households.Select(h => h.HouseholdId));
        var members = facts.OfType<MemberFact>().ToArray();
        Assert.Equal(["P1", "P2", "P3"], members.Select(m => m.PersonKey));
        Assert.Equal([true, true, false], members.Select(m => m.InMoveOut));
        Assert.Equal([true, false, true], members.Select(m => m.InMoveIn));
        Assert.Equal([true, false, false], members.Select(m => m.WasHead));
        Assert.Equal([true, false, false], members.Select(m => m.IsHead));
        Assert.Equal([false, false, true], members.Select(m => m.Added));
        Assert.Equal([false, true, false], members.Select(m => m.Lost));
        Assert.True(members[2].Had(K.Born));
        Assert.True(members[1].Had(K.Died));
        Assert.False(members[0].Had(K.Died));
        Assert.False(members[2].Had(K.Died));
        var events = facts.OfType<MoveEventFact>().ToArray();
        Assert.Equal(["P3 born", "P2 died"], events.Select(e => $"{e.PersonKey} {e.Kind}"));
        Assert.All(facts, f => Assert.Equal("C1", ContinuityJudgement.CaseIdOf(f)));
    }

    [Fact]
    public void The_head_of_the_move_in_household_is_its_own_head_not_the_move_out_one()
    {
        var members = ContinuityJudgement.Facts([Case("P1", ["P1", "P2"], "P2", ["P1", "P2"])]).OfType<MemberFact>().ToArray();
        Assert.Equal([true, false], members.Select(m => m.WasHead));
        Assert.Equal([false, true], members.Select(m => m.IsHead));
    }

    [Fact]
    public void A_fact_of_no_case_has_no_case_id()
    {
        var e = Assert.Throws<ArgumentException>(() => ContinuityJudgement.CaseIdOf("a string"));
        Assert.Equal("fact", e.ParamName);
        Assert.Contains("String", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void The_joined_facts_of_a_decision_are_distinct_and_sorted_by_type_side_person_and_kind()
    {
        // A split with members lost and added (rule 5 joins several members and events).
        var d = Judge(Case("P1", ["P1", "P3", "P2"], "P1", ["P1", "Q2", "Q1"], [("P3", K.LeftHousehold), ("P2", K.LeftHousehold), ("Q2", K.JoinedHousehold), ("Q1", K.JoinedHousehold)]));
        Decided(d, "splitOrMergeSameHead", true, Tondabayashi);
        var sorted = d.Facts.OrderBy(f => f.Type, StringComparer.Ordinal).ThenBy(f => f.Side, StringComparer.Ordinal).ThenBy(f => f.PersonKey, StringComparer.Ordinal)
            .ThenBy(f => f.Kind, StringComparer.Ordinal).ThenBy(f => f.Fact, StringComparer.Ordinal);
        Assert.Equal(sorted, d.Facts);
        Assert.Equal(d.Facts.Count, d.Facts.Distinct().Count());
        Assert.Contains(d.Facts, f => f is { Type: "Household", Side: "moveIn" });
        Assert.True(d.Facts.Select(f => f.Type).Distinct().Count() >= 2, "the rule joins households and members");
        Assert.Equal(d.Rule, d.Firings[0].Rule.Name);
        Assert.NotEmpty(d.Rule);
    }

    [Fact]
    public void The_events_of_one_person_joined_by_the_deciding_rule_are_sorted_by_kind()
    {
        // P3, born, was first insured by a parent's employer insurance and then left it for 国保: both events explain
        // the addition, and the rule joins each of them.
        var d = Judge(Case("P1", ["P1", "P2"], "P1", ["P1", "P2", "P3"], [("P3", K.LeftOtherInsurance), ("P3", K.Born)]));
        Decided(d, "membersAdded", true, Tondabayashi);
        Assert.Equal(["P3 born", "P3 leftOtherInsurance"], d.Facts.Where(f => f.Type == "Event").Select(f => $"{f.PersonKey} {f.Kind}"));
    }

    /// <summary>兵庫県's layer with a joins file of its own (replacing the national one): the given rules of the national file, the last one's patterns optionally replaced.</summary>
    private static KokuhoRules.Engine.Joins.JoinRules PrefectureRules(int[] keep, string? lastMatchJson = null)
    {
        using var root = new KokuhoRules.Tests.Support.TempRuleSetRoot();
        var file = System.Text.Json.Nodes.JsonNode.Parse(root.Read("national/2025/highCost/joins.json"))!.AsObject();
        var rules = file["rules"]!.AsArray();
        var kept = new System.Text.Json.Nodes.JsonArray(keep.Select(i => rules[i]!.DeepClone()).ToArray());
        if (lastMatchJson is not null) kept[^1]!["match"] = System.Text.Json.Nodes.JsonNode.Parse(lastMatchJson);
        file["rules"] = kept;
        root.Write("hyogo/2025/highCost/joins.json", file.ToJsonString());
        var rs = KokuhoRules.Rules.Catalog.KokuhoRuleSets.Load([root.Root], (insurer, year) => insurer == "hyogo" && year == 2025).Find<HighCostRuleSet>("hyogo", 2025);
        return Assert.IsType<KokuhoRules.Engine.Joins.JoinRules>(rs?.ContinuityRules);
    }

    [Fact]
    public void A_fact_joined_under_two_names_is_given_once_per_name_in_the_order_of_the_names()
    {
        // A rule of a prefecture's own that joins the head before the move (h) and the head after it (k): for an
        // address-only move both are P1.
        var rules = PrefectureRules([1], """
            [{"fact": "o", "type": "Household", "where": "o.Side == \"moveOut\""},
             {"fact": "n", "type": "Household", "where": "n.CaseId == o.CaseId && n.Side == \"moveIn\""},
             {"fact": "k", "type": "Member", "where": "k.CaseId == o.CaseId && k.IsHead"},
             {"fact": "h", "type": "Member", "where": "h.CaseId == o.CaseId && h.WasHead"}]
            """);
        var d = Assert.Single(ContinuityJudgement.Decide(rules, [Case("P1", ["P1", "P2"], "P1", ["P1", "P2"])], workers: 1));
        Assert.Equal("addressOnly", d.Criterion);
        Assert.Equal(["h P1 kept", "k P1 kept"], d.Facts.Where(f => f.Type == "Member").Select(f => $"{f.Fact} {f.PersonKey} {f.Kind}"));
    }

    [Fact]
    public void A_case_no_rule_decides_is_the_rule_sets_fault_and_names_the_case()
    {
        // Only the other-prefecture rule: an address-only move within 兵庫県 is decided by none.
        var rules = PrefectureRules([0]);
        var e = Assert.Throws<KokuhoRules.Engine.Joins.JoinRunException>(() => ContinuityJudgement.Decide(rules, [Case("P1", ["P1"], "P1", ["P1"], id: "C7")], workers: 1));
        Assert.Contains("no continuity rule decided case 'C7'", e.Message, StringComparison.Ordinal);
        Assert.Equal("otherPrefecture", Assert.Single(ContinuityJudgement.Decide(rules, [Case("P1", ["P1"], "P1", ["P1"], toPrefecture: "osaka")], workers: 1)).Criterion);
    }

    [Fact]
    public void The_arguments_are_checked()
    {
        var c = Case("P1", ["P1"], "P1", ["P1"]);
        Assert.Equal("rules", Assert.Throws<ArgumentNullException>(() => ContinuityJudgement.Decide(null!, [c], workers: 1)).ParamName);
        Assert.Equal("rules", Assert.Throws<ArgumentNullException>(() => ContinuityJudgement.DecideOneSession(null!, [c])).ParamName);
        Assert.Equal("cases", Assert.Throws<ArgumentNullException>(() => ContinuityJudgement.Decide(ContinuityTestRules.Rules(), null!, workers: 1)).ParamName);
        Assert.Equal("cases", Assert.Throws<ArgumentNullException>(() => ContinuityJudgement.DecideOneSession(ContinuityTestRules.Rules(), null!)).ParamName);
        Assert.Throws<ArgumentOutOfRangeException>(() => ContinuityJudgement.Decide(ContinuityTestRules.Rules(), [c], workers: 1, casesPerSession: 0));
        Assert.Single(ContinuityJudgement.Decide(ContinuityTestRules.Rules(), [c], workers: 1, casesPerSession: 1));
        var twice = Assert.Throws<ArgumentException>(() => ContinuityJudgement.DecideOneSession(ContinuityTestRules.Rules(), [c, Case("P2", ["P2"], "P2", ["P2"], id: "C2"), c]));
        Assert.Equal("cases", twice.ParamName);
        Assert.Contains("case 2 has the id of case 0", twice.Message, StringComparison.Ordinal);
    }

    // ---- 継続候補世帯の抽出 (ContinuityCandidates) ----

    private static readonly LocalDate OutDate = new(2025, 10, 3), InDate = new(2025, 10, 6);

    private static MoveRecord Out(string city, string id, string head, string[] members, string? toPrefecture = null) =>
        new(MoveSides.MoveOut, OutDate, new MoveHousehold(city, "hyogo", id, head, members), toPrefecture);

    private static MoveRecord In(string city, string id, string head, string[] members) =>
        new(MoveSides.MoveIn, InDate, new MoveHousehold(city, "hyogo", id, head, members), null);

    private static PersonEvent Event(string person, string kind) => new(person, kind, InDate.PlusDays(-2));

    [Fact]
    public void A_household_moving_between_two_cities_is_one_candidate_with_its_members_events_on_the_move_in_date()
    {
        var x = Extract([Out("amagasaki", "A1", "P1", ["P1", "P2"]), In("nishinomiya", "N1", "P1", ["P1", "P2", "P3"])],
            [Event("P3", K.Born), Event("Z", K.Died), Event("P1", K.Moved)]);
        var c = Assert.Single(x.Cases);
        Assert.Equal("amagasaki:A1>nishinomiya:N1", c.CaseId);
        Assert.Equal(InDate, c.MoveDate);
        Assert.Equal("A1", c.MoveOut.HouseholdId);
        Assert.Equal("N1", c.MoveIn.HouseholdId);
        // The events of the persons of the pair (the move-out household's, then those added), Z's left out.
        Assert.Equal(["P1 moved", "P3 born"], c.Events.Select(e => $"{e.PersonKey} {e.Kind}"));
        Assert.Equal((0, 0), (x.UnmatchedMoveOuts, x.UnmatchedMoveIns));
    }

    [Fact]
    public void A_person_in_both_households_brings_each_of_their_events_once()
    {
        var c = Assert.Single(Extract([Out("amagasaki", "A1", "P1", ["P1"]), In("nishinomiya", "N1", "P1", ["P1"])], [Event("P1", K.Moved)]).Cases);
        Assert.Single(c.Events);
    }

    [Fact]
    public void A_split_gives_a_candidate_per_part_in_the_order_of_the_move_ins()
    {
        var x = Extract([Out("amagasaki", "A1", "P1", ["P1", "P2", "P3"]), In("kobe", "K1", "P3", ["P3"]), In("nishinomiya", "N1", "P1", ["P1", "P2"])], []);
        Assert.Equal(["amagasaki:A1>kobe:K1", "amagasaki:A1>nishinomiya:N1"], x.Cases.Select(c => c.CaseId));
        Assert.Equal((0, 0), (x.UnmatchedMoveOuts, x.UnmatchedMoveIns));
    }

    [Fact]
    public void A_merge_gives_a_candidate_per_household_merged_in_the_order_of_the_move_outs()
    {
        // The move-in household lists Q1 (from himeji, the second move-out) first: the candidates follow the move-outs.
        var x = Extract([Out("amagasaki", "A1", "P1", ["P1"]), Out("himeji", "M1", "Q1", ["Q1"]), In("nishinomiya", "N1", "P1", ["Q1", "P1"])], []);
        Assert.Equal(["amagasaki:A1>nishinomiya:N1", "himeji:M1>nishinomiya:N1"], x.Cases.Select(c => c.CaseId));
    }

    [Fact]
    public void A_person_in_two_move_outs_of_the_month_pairs_the_move_in_with_both()
    {
        // P1 moved out of amagasaki into himeji, then out of himeji into nishinomiya, in the same month.
        var x = Extract([Out("amagasaki", "A1", "P1", ["P1"]), Out("himeji", "M1", "P1", ["P1"]), In("himeji", "M1", "P1", ["P1"]), In("nishinomiya", "N1", "P1", ["P1"])], []);
        Assert.Equal(["amagasaki:A1>himeji:M1", "amagasaki:A1>nishinomiya:N1", "himeji:M1>nishinomiya:N1"], x.Cases.Select(c => c.CaseId));
        Assert.Equal((0, 0), (x.UnmatchedMoveOuts, x.UnmatchedMoveIns));
    }

    [Fact]
    public void A_move_within_one_city_or_sharing_no_person_is_no_candidate_and_both_records_are_unmatched()
    {
        var x = Extract([Out("amagasaki", "A1", "P1", ["P1"]), In("amagasaki", "A2", "P1", ["P1"]), Out("kobe", "K1", "R1", ["R1"]), In("akashi", "B1", "S1", ["S1"])], []);
        Assert.Empty(x.Cases);
        Assert.Equal((2, 2), (x.UnmatchedMoveOuts, x.UnmatchedMoveIns));
    }

    [Fact]
    public void A_move_to_another_prefecture_is_a_candidate_of_its_own_after_the_others_and_pairs_with_no_move_in()
    {
        var x = Extract([Out("amagasaki", "A9", "P1", ["P1", "P2"], toPrefecture: "osaka"), Out("kobe", "K1", "Q1", ["Q1"]), In("nishinomiya", "N1", "P2", ["P2", "Q1"])],
            [Event("P2", K.Moved)]);
        Assert.Equal(["kobe:K1>nishinomiya:N1", "amagasaki:A9>:"], x.Cases.Select(c => c.CaseId));
        var elsewhere = x.Cases[1];
        Assert.Equal(OutDate, elsewhere.MoveDate);
        Assert.Equal(("", "osaka", "", ""), (elsewhere.MoveIn.Insurer, elsewhere.MoveIn.Prefecture, elsewhere.MoveIn.HouseholdId, elsewhere.MoveIn.HeadKey));
        Assert.Empty(elsewhere.MoveIn.MemberKeys);
        Assert.Equal(["P2"], elsewhere.Events.Select(e => e.PersonKey));
        // The move-in shares P2 with the move-out to osaka, but that one is not an in-prefecture move-out: neither is unmatched.
        Assert.Equal((0, 0), (x.UnmatchedMoveOuts, x.UnmatchedMoveIns));
        Assert.Equal("otherPrefecture", Judge(elsewhere).Criterion);
    }

    [Fact]
    public void Extract_refuses_missing_records_naming_them()
    {
        Assert.Equal("moves", Assert.Throws<ArgumentNullException>(() => ContinuityCandidates.Extract(null!, [])).ParamName);
        Assert.Equal("events", Assert.Throws<ArgumentNullException>(() => ContinuityCandidates.Extract([], null!)).ParamName);
    }

    private static CandidateExtraction Extract(MoveRecord[] moves, PersonEvent[] events) => ContinuityCandidates.Extract(moves, events);

    // ---- 転出地市区町村高額該当情報 (ContinuityCarry) ----

    private static BenefitMonth Month(int year, int month, long paid, bool outpatientOnly = false) => new(new YearMonth(year, month), paid, outpatientOnly, "ignored");

    private static string[] Carry(bool continuous, LocalDate moveDate, IEnumerable<BenefitMonth> history, int window = 12) =>
        ContinuityCarry.Carried(continuous, moveDate, history, "amagasaki", new YearMonth(2018, 4), window)
            .Select(m => $"{m.CareMonth.Year:D4}-{m.CareMonth.Month:D2} {m.BenefitPaid} {(m.OutpatientOnly ? "outpatient" : "all")} {m.Insurer}").ToArray();

    [Fact]
    public void A_household_that_is_not_continuous_carries_nothing()
    {
        Assert.Empty(Carry(false, new LocalDate(2025, 10, 6), [Month(2025, 9, 50_000)]));
    }

    [Fact]
    public void A_continuous_household_carries_the_paid_months_from_the_11_before_the_move_month_to_the_move_month_oldest_first()
    {
        // Move on 2025-10-06, window 12: 2024-11 … 2025-10. 2024-10 is the 13th month back, 2025-11 after the move,
        // 2025-03 paid nothing. Given out of order; each carried as paid by the move-out city.
        var history = new[]
        {
            Month(2025, 10, 40_000), Month(2024, 10, 11_000), Month(2025, 11, 12_000), Month(2024, 11, 30_000, outpatientOnly: true),
            Month(2025, 3, 0), Month(2025, 5, 20_000),
        };
        Assert.Equal(["2024-11 30000 outpatient amagasaki", "2025-05 20000 all amagasaki", "2025-10 40000 all amagasaki"], Carry(true, new LocalDate(2025, 10, 6), history));
    }

    [Fact]
    public void Care_months_before_2018_04_are_never_carried()
    {
        // Move on 2019-01-15: the window would reach back to 2018-02, but carrying starts with 2018-04 care months.
        Assert.Equal(["2018-04 25000 all amagasaki", "2019-01 10000 all amagasaki"],
            Carry(true, new LocalDate(2019, 1, 15), [Month(2018, 2, 30_000), Month(2018, 3, 35_000), Month(2018, 4, 25_000), Month(2019, 1, 10_000)]));
    }

    [Fact]
    public void A_month_given_twice_is_carried_once_with_the_benefits_added_outpatient_only_only_if_both_are()
    {
        var history = new[]
        {
            Month(2025, 5, 30_000, outpatientOnly: true), Month(2025, 5, 20_000),
            Month(2025, 6, 8_000, outpatientOnly: true), Month(2025, 6, 6_000, outpatientOnly: true),
            Month(2025, 7, 7_000), Month(2025, 7, 5_000, outpatientOnly: true),
        };
        Assert.Equal(["2025-05 50000 all amagasaki", "2025-06 14000 outpatient amagasaki", "2025-07 12000 all amagasaki"], Carry(true, new LocalDate(2025, 10, 6), history));
    }

    [Fact]
    public void A_window_of_one_month_carries_the_move_month_only_and_a_window_below_one_is_refused()
    {
        Assert.Equal(["2025-10 40000 all amagasaki"], Carry(true, new LocalDate(2025, 10, 31), [Month(2025, 9, 10_000), Month(2025, 10, 40_000)], window: 1));
        Assert.Throws<ArgumentOutOfRangeException>(() => Carry(true, new LocalDate(2025, 10, 6), [], window: 0));
        Assert.Equal("history", Assert.Throws<ArgumentNullException>(() => Carry(false, new LocalDate(2025, 10, 6), null!)).ParamName);
    }

    // ---- The rules a rule set compiles (ContinuityRules) ----

    [Fact]
    public void The_bundled_rules_come_from_the_national_layer()
    {
        var rules = ContinuityTestRules.Rules();
        Assert.NotEmpty(rules.Rules);
        Assert.All(rules.Rules, r => Assert.Equal("national", r.Layer));
        Assert.Equal("p", ContinuityRules.ParametersName);
    }

    [Fact]
    public void A_prefecture_layer_with_its_own_joins_file_replaces_the_national_rules()
    {
        // 兵庫県's layer given a copy of the national file with the address-only rule renamed: that copy is compiled
        // (the last layer that has the file), and its rules belong to the prefecture layer.
        using var root = new KokuhoRules.Tests.Support.TempRuleSetRoot();
        var national = root.Read("national/2025/highCost/joins.json");
        const string Name = "\"name\": \"住所のみの異動: 世帯主も世帯員の構成も同じ\"";
        Assert.Contains(Name, national, StringComparison.Ordinal);
        root.Write("hyogo/2025/highCost/joins.json", national.Replace(Name, "\"name\": \"住所のみの異動 (兵庫県の層)\"", StringComparison.Ordinal));
        var rs = KokuhoRules.Rules.Catalog.KokuhoRuleSets.Load([root.Root], (insurer, year) => insurer == "hyogo" && year == 2025).Find<HighCostRuleSet>("hyogo", 2025);
        var rules = Assert.IsType<KokuhoRules.Engine.Joins.JoinRules>(rs?.ContinuityRules);
        Assert.All(rules.Rules, r => Assert.Equal("prefecture", r.Layer));
        var d = Assert.Single(ContinuityJudgement.Decide(rules, [Case("P1", ["P1", "P2"], "P1", ["P1", "P2"])], workers: 1));
        Assert.Equal(("addressOnly", "住所のみの異動 (兵庫県の層)"), (d.Criterion, d.Rule));
    }

    [Fact]
    public void A_rule_set_without_a_joins_file_has_no_continuity_rules_and_no_error()
    {
        using var root = new KokuhoRules.Tests.Support.TempRuleSetRoot();
        File.Delete(root.PathOf("national/2025/highCost/joins.json"));
        var rs = KokuhoRules.Rules.Catalog.KokuhoRuleSets.Load([root.Root], (insurer, year) => insurer == "hyogo" && year == 2025).Find<HighCostRuleSet>("hyogo", 2025);
        Assert.NotNull(rs);
        Assert.Null(rs.ContinuityRules);
    }

    [Fact]
    public void Compile_refuses_a_missing_source()
    {
        Assert.Equal("source", Assert.Throws<ArgumentNullException>(() => ContinuityRules.Compile(null!, "joins.json", new object(), null!, new KokuhoRules.Engine.RuleSets.RuleSetErrors())).ParamName);
    }
}
