using KokuhoRules.Rules.Eligibility;
using NodaTime;
using NodaTime.Text;

namespace KokuhoRules.Tests.Eligibility;

/// <summary>
/// The checks of issue 15 item 3 (NRules rules as data, joined per person): §C7's worked cases, and a case per finding
/// kind with the records joined, the days, the corrected date and the rule with its reference.
/// </summary>
public sealed class EligibilityCheckTests
{
    private static EligibilityRuleSet Rs => EligibilityRuleSetTests.Hyogo2025;

    internal static LocalDate D(string iso) => LocalDatePattern.Iso.Parse(iso).Value;

    private static LocalDate? N(string? iso) => iso is null ? null : D(iso);

    internal static HistoryRecord R(string id, string city, string? qualifiedFrom, string? qualifiedUntil, string appliedFrom, string? appliedUntil,
        string? acquisition, string? loss, string person = "P1") =>
        new(id, person, city, N(qualifiedFrom), N(qualifiedUntil), D(appliedFrom), N(appliedUntil), acquisition, loss);

    private static LifeEvent E(string kind, string date, string person = "P1") => new(person, kind, D(date));

    private static IReadOnlyList<Finding> Check(IReadOnlyCollection<HistoryRecord> records, params LifeEvent[] events) =>
        EligibilityCheck.Run(Rs, records, events, workers: 2).Findings;

    // §C7 case 1: Amagasaki → Nishinomiya, 転入日 2025-09-15, 資格取得日 2019-04-01 kept.
    private static HistoryRecord Amagasaki(string? until = "2025-09-14", string? loss = "moveOutWithinPrefecture") =>
        R("A", "282022", "2019-04-01", null, "2019-04-01", until, "leftOtherInsurance", loss);

    private static HistoryRecord Nishinomiya(string qualifiedFrom = "2019-04-01") =>
        R("N", "282049", qualifiedFrom, null, "2025-09-15", null, "moveInWithinPrefecture", null);

    private static readonly LifeEvent[] MoveEvents = [E("leftOtherInsurance", "2019-04-01"), E("moveInWithinPrefecture", "2025-09-15")];

    [Fact]
    public void C7_1_a_clean_move_within_hyogo_keeps_the_acquisition_date_and_yields_no_finding()
    {
        var result = EligibilityCheck.Run(Rs, [Amagasaki(), Nishinomiya()], MoveEvents, workers: 2);

        Assert.Empty(result.Findings);
        Assert.Equal((1, 2), (result.Persons, result.Records));
        // Amagasaki charges up to August (the month before the 転入日's), Nishinomiya from September.
        var facts = EligibilityCheck.Facts(Rs, [Amagasaki(), Nishinomiya()], []).Cast<RecordFact>().ToArray();
        Assert.Equal(EligibilityDates.MonthIndex(D("2025-09-01")), facts[0].AppliedEndMonth);
        Assert.Equal(EligibilityDates.MonthIndex(D("2025-09-01")), facts[1].AppliedFromMonth);
    }

    [Fact]
    public void A_gap_names_both_records_the_days_and_the_end_date_that_closes_it()
    {
        var f = Assert.Single(Check([Amagasaki(until: "2025-09-10"), Nishinomiya()], MoveEvents));

        Assert.Equal(("gap", "P1", "A,N", (int?)4), (f.Kind, f.PersonKey, string.Join(",", f.Records), f.Days));
        Assert.Equal(new ProposedCorrection("A", "appliedUntil", D("2025-09-14")), f.Proposed);
        Assert.StartsWith("県内異動の空白", f.Rule);
        Assert.Contains("重複・空白期間チェック", f.Reference);
    }

    [Fact]
    public void An_overlap_within_the_month_is_an_overlap_only()
    {
        var f = Assert.Single(Check([Amagasaki(until: "2025-09-20"), Nishinomiya()], MoveEvents));

        Assert.Equal(("overlap", (int?)6), (f.Kind, f.Days));
        Assert.Equal(new ProposedCorrection("A", "appliedUntil", D("2025-09-14")), f.Proposed);
    }

    [Fact]
    public void An_overlap_into_the_next_month_also_has_both_cities_charge_the_move_in_month()
    {
        var findings = Check([Amagasaki(until: "2025-10-02"), Nishinomiya()], MoveEvents);

        Assert.Equal(["overlap", "premiumMonthTwice"], findings.Select(f => f.Kind));
        Assert.Equal(18, findings[0].Days);
        Assert.Equal(["A", "N"], findings[1].Records);
        Assert.Contains("転出確定日", findings[1].Reference);
    }

    [Fact]
    public void A_move_out_with_no_move_in_and_a_move_in_with_no_move_out_are_each_found()
    {
        var outOnly = Assert.Single(Check([Amagasaki()], MoveEvents[0]));
        var inOnly = Assert.Single(Check([Nishinomiya()], MoveEvents[1]));

        Assert.Equal(("moveOutWithoutMoveIn", "A", (ProposedCorrection?)null), (outOnly.Kind, string.Join(",", outOnly.Records), outOnly.Proposed));
        Assert.Equal(("moveInWithoutMoveOut", "N"), (inOnly.Kind, string.Join(",", inOnly.Records)));
    }

    [Fact]
    public void A_move_in_while_the_old_city_still_applies_proposes_the_old_citys_end()
    {
        var f = Assert.Single(Check([Amagasaki(until: null, loss: null), Nishinomiya()], MoveEvents));

        Assert.Equal(("moveInWithoutMoveOut", "N,A"), (f.Kind, string.Join(",", f.Records)));
        Assert.Equal(new ProposedCorrection("A", "appliedUntil", D("2025-09-14")), f.Proposed);
    }

    [Fact]
    public void A_move_in_after_a_record_ended_by_another_reason_is_found()
    {
        var ended = R("A", "282022", "2019-04-01", "2025-09-01", "2019-04-01", "2025-08-31", "leftOtherInsurance", "joinedOtherInsurance");

        var f = Assert.Single(Check([ended, Nishinomiya()], MoveEvents[1], E("joinedOtherInsurance", "2025-08-31")));

        Assert.Equal(("moveInWithoutMoveOut", "N,A", (ProposedCorrection?)null), (f.Kind, string.Join(",", f.Records), f.Proposed));
    }

    [Fact]
    public void A_changed_acquisition_date_across_the_move_proposes_the_carried_over_one()
    {
        var f = Assert.Single(Check([Amagasaki(), Nishinomiya(qualifiedFrom: "2025-09-15")], MoveEvents));

        Assert.Equal(("acquisitionDateChanged", "N,A"), (f.Kind, string.Join(",", f.Records)));
        Assert.Equal(new ProposedCorrection("N", "qualifiedFrom", D("2019-04-01")), f.Proposed);
        Assert.Contains("資格取得日は継続", f.Reference);
    }

    [Fact]
    public void C7_5_death_on_30_november_is_lost_on_1_december_and_coverage_after_it_is_found()
    {
        var died = R("A", "282022", "2019-04-01", "2025-12-01", "2019-04-01", "2025-11-30", "leftOtherInsurance", "death");
        Assert.Empty(Check([died], E("leftOtherInsurance", "2019-04-01"), E("death", "2025-11-30")));

        var open = R("A", "282022", "2019-04-01", null, "2019-04-01", null, "leftOtherInsurance", null);
        var f = Assert.Single(Check([open], E("leftOtherInsurance", "2019-04-01"), E("death", "2025-11-30")));

        Assert.Equal(("coverageAfterDeath", (int?)null), (f.Kind, f.Days));
        Assert.Equal(new ProposedCorrection("A", "appliedUntil", D("2025-11-30")), f.Proposed);
        Assert.Contains("死亡した日の翌日", f.Basis);
    }

    [Fact]
    public void A_city_applying_from_after_the_death_is_found_without_a_proposal()
    {
        var later = R("B", "282049", "2019-04-01", null, "2025-12-10", null, "moveInWithinPrefecture", null);
        var before = Amagasaki(until: "2025-12-09");

        var findings = Check([before, later], E("moveInWithinPrefecture", "2025-12-10"), E("death", "2025-11-30"));

        Assert.Equal([("coverageAfterDeath", "A", true), ("coverageAfterDeath", "B", false)],
            findings.Select(f => (f.Kind, f.Records[0], f.Proposed is not null)).Order());
    }

    [Fact]
    public void Coverage_from_the_75th_birthday_on_is_found()
    {
        var open = R("A", "282022", "2019-04-01", null, "2019-04-01", "2025-10-10", "leftOtherInsurance", "joinedOtherInsurance");

        var f = Assert.Single(Check([open], E("leftOtherInsurance", "2019-04-01"), E("lateElderly", "2025-10-07")));

        Assert.Equal(("coverageAfterLateElderly", (int?)4), (f.Kind, f.Days));
        Assert.Equal(new ProposedCorrection("A", "appliedUntil", D("2025-10-06")), f.Proposed);
    }

    [Fact]
    public void C7_2_a_move_out_of_the_prefecture_and_in_elsewhere_the_same_day_is_lost_that_day()
    {
        LifeEvent[] events = [E("leftOtherInsurance", "2019-04-01"), E("moveOut", "2025-09-15"), E("moveInElsewhere", "2025-09-15")];
        var clean = R("A", "282022", "2019-04-01", "2025-09-15", "2019-04-01", "2025-09-14", "leftOtherInsurance", "moveOut");
        Assert.Empty(Check([clean], events));

        var f = Assert.Single(Check([clean with { QualifiedUntil = D("2025-09-16") }], events));

        Assert.Equal(("dateContradictsEvent", (int?)1), (f.Kind, f.Days));
        Assert.Equal(new ProposedCorrection("A", "qualifiedUntil", D("2025-09-15")), f.Proposed);
        Assert.StartsWith("資格喪失年月日が喪失事由の日付と合わない", f.Rule);
    }

    [Fact]
    public void C7_3_joining_other_insurance_on_1_october_is_lost_on_2_october()
    {
        LifeEvent[] events = [E("leftOtherInsurance", "2019-04-01"), E("joinedOtherInsurance", "2025-10-01")];
        var clean = R("A", "282022", "2019-04-01", "2025-10-02", "2019-04-01", "2025-10-01", "leftOtherInsurance", "joinedOtherInsurance");
        Assert.Empty(Check([clean], events));

        var findings = Check([clean with { QualifiedUntil = D("2025-10-01"), AppliedUntil = D("2025-09-30") }], events);

        Assert.Equal([("qualifiedUntil", -1), ("appliedUntil", -1)], findings.Select(f => (f.Proposed!.Field, f.Days!.Value)));
        Assert.Equal([D("2025-10-02"), D("2025-10-01")], findings.Select(f => f.Proposed!.Date));
    }

    [Fact]
    public void C7_4_a_late_notification_does_not_move_the_acquisition_date()
    {
        var events = new[] { E("leftOtherInsurance", "2025-05-20") };
        Assert.Empty(Check([R("A", "282022", "2025-05-20", null, "2025-05-20", null, "leftOtherInsurance", null)], events));

        var findings = Check([R("A", "282022", "2025-08-10", null, "2025-08-10", null, "leftOtherInsurance", null)], events);

        Assert.Equal([("qualifiedFrom", 82), ("appliedFrom", 82)], findings.Select(f => (f.Proposed!.Field, f.Days!.Value)));
        Assert.All(findings, f => Assert.Equal(D("2025-05-20"), f.Proposed!.Date));
    }

    [Fact]
    public void A_move_in_date_contradicting_the_move_in_event_is_found()
    {
        var f = Assert.Single(Check([Amagasaki(until: "2025-09-16"), Nishinomiya() with { AppliedFrom = D("2025-09-17") }], MoveEvents));

        Assert.Equal(("dateContradictsEvent", new ProposedCorrection("N", "appliedFrom", D("2025-09-15"))), (f.Kind, f.Proposed));
    }

    private static EligibilityRuleSet RuleSet(int year) => year == 2026 ? EligibilityRuleSetTests.Hyogo2026 : Rs;

    // Amagasaki → Nishinomiya (2023-07-10) → Kobe (2025-09-15), given out of order, and another person starting in between.
    private static HistoryRecord[] TwoMoves(string nishinomiyaUntil) =>
    [
        R("K", "281000", "2019-04-01", null, "2025-09-15", null, "moveInWithinPrefecture", null),
        R("A", "282022", "2019-04-01", null, "2019-04-01", "2023-07-09", "leftOtherInsurance", "moveOutWithinPrefecture"),
        R("X", "282022", "2021-01-01", null, "2021-01-01", null, "birth", null, person: "P2"),
        R("N", "282049", "2019-04-01", null, "2023-07-10", nishinomiyaUntil, "moveInWithinPrefecture", "moveOutWithinPrefecture"),
    ];

    private static readonly LifeEvent[] TwoMoveEvents =
        [E("leftOtherInsurance", "2019-04-01"), E("moveInWithinPrefecture", "2023-07-10"), E("moveInWithinPrefecture", "2025-09-15"), E("birth", "2021-01-01", person: "P2")];

    [Fact]
    public void Each_record_is_linked_to_the_start_of_the_persons_record_before_and_after_it_whatever_the_order()
    {
        var links = EligibilityCheck.Facts(Rs, TwoMoves("2025-09-14"), []).Cast<RecordFact>().ToDictionary(r => r.RecordId, r => (r.PreviousAppliedFrom, r.NextAppliedFrom));

        Assert.Equal(((LocalDate?)null, (LocalDate?)D("2023-07-10")), links["A"]);
        Assert.Equal(((LocalDate?)D("2019-04-01"), (LocalDate?)D("2025-09-15")), links["N"]);
        Assert.Equal(((LocalDate?)D("2023-07-10"), (LocalDate?)null), links["K"]);
        Assert.Equal(((LocalDate?)null, (LocalDate?)null), links["X"]);
    }

    [Fact]
    public void Each_event_is_linked_to_the_persons_event_of_the_same_kind_before_and_after_it_only()
    {
        LifeEvent[] events =
        [
            E("leftOtherInsurance", "2025-05-20"), E("joinedOtherInsurance", "2020-10-01"), E("leftOtherInsurance", "2019-04-01"),
            E("leftOtherInsurance", "2021-06-01"), E("leftOtherInsurance", "2020-01-01", person: "P2"),
        ];

        var links = EligibilityCheck.Facts(Rs, [], events).Cast<EventFact>().Select(e => (e.PersonKey, e.Kind, e.Date, e.PreviousDateOfKind, e.NextDateOfKind));

        (string, string, LocalDate, LocalDate?, LocalDate?)[] expected =
        [
            ("P1", "leftOtherInsurance", D("2025-05-20"), D("2021-06-01"), null),
            ("P1", "joinedOtherInsurance", D("2020-10-01"), null, null),       // between two 社保離脱, but of another kind
            ("P1", "leftOtherInsurance", D("2019-04-01"), null, D("2021-06-01")),
            ("P1", "leftOtherInsurance", D("2021-06-01"), D("2019-04-01"), D("2025-05-20")),
            ("P2", "leftOtherInsurance", D("2020-01-01"), null, null),         // another person's
        ];
        Assert.Equal(expected, links);
    }

    [Theory]
    [InlineData(2025)]
    [InlineData(2026)]
    public void A_gap_at_the_second_move_names_the_second_and_third_city(int year)
    {
        Assert.Empty(EligibilityCheck.Run(RuleSet(year), TwoMoves("2025-09-14"), TwoMoveEvents, workers: 2).Findings);

        var f = Assert.Single(EligibilityCheck.Run(RuleSet(year), TwoMoves("2025-09-10"), TwoMoveEvents, workers: 2).Findings);

        // Nishinomiya applies through 10 September, Kobe from the 15th: the 11th to the 14th are applied by no city, 4 days.
        Assert.Equal(("gap", "N,K", (int?)4), (f.Kind, string.Join(",", f.Records), f.Days));
        Assert.Equal(new ProposedCorrection("N", "appliedUntil", D("2025-09-14")), f.Proposed);
    }

    [Fact]
    public void An_overlap_into_the_new_year_has_both_cities_charge_december()
    {
        // Nishinomiya from 20 December 2025; Amagasaki still applies through 5 January 2026, so it charges December too.
        var findings = Check([Amagasaki(until: "2026-01-05"), Nishinomiya() with { AppliedFrom = D("2025-12-20") }],
            E("leftOtherInsurance", "2019-04-01"), E("moveInWithinPrefecture", "2025-12-20"));

        Assert.Equal(["overlap", "premiumMonthTwice"], findings.Select(f => f.Kind));
        Assert.Equal(17, findings[0].Days);  // 20 December to 5 January, both cities
        Assert.All(findings, f => Assert.Equal(new ProposedCorrection("A", "appliedUntil", D("2025-12-19")), f.Proposed));
    }

    [Theory]
    [InlineData(2025, "2025-06-15,2025-06-05,2025-05-01", "2025-06-05", 5)]  // 5 days before and 5 after: the earlier of two as near
    [InlineData(2026, "2025-06-15,2025-06-05,2025-05-01", "2025-06-05", 5)]
    [InlineData(2025, "2025-06-05,2025-06-12,2025-05-01", "2025-06-12", -2)] // 2 days after is nearer than 5 before
    [InlineData(2026, "2025-06-05,2025-06-12,2025-05-01", "2025-06-12", -2)]
    [InlineData(2025, "2025-05-20", "2025-05-20", 21)]                       // the only one, 21 days before
    [InlineData(2026, "2025-05-20", "2025-05-20", 21)]
    public void The_acquisition_dates_are_checked_against_the_event_of_the_reason_nearest_to_the_records_start(int year, string dates, string nearest, int days)
    {
        var record = R("A", "282022", "2025-06-10", null, "2025-06-10", null, "leftOtherInsurance", null);
        var events = dates.Split(',').Select(d => E("leftOtherInsurance", d)).ToArray();

        var findings = EligibilityCheck.Run(RuleSet(year), [record], events, workers: 1).Findings;

        // 社保離脱: acquired (and applied from) the day the other insurance was lost, i.e. the nearest event's day.
        Assert.Equal([("appliedFrom", D(nearest), days), ("qualifiedFrom", D(nearest), days)],
            findings.Select(f => (f.Proposed!.Field, f.Proposed.Date, f.Days!.Value)).OrderBy(t => t.Field, StringComparer.Ordinal));
    }

    [Fact]
    public void A_session_of_no_persons_is_refused_and_only_records_and_events_belong_to_a_person()
    {
        var facts = EligibilityCheck.Facts(Rs, [Amagasaki()], MoveEvents);

        Assert.Throws<ArgumentOutOfRangeException>(() => EligibilityCheck.RunFacts(Rs, facts, workers: 1, personsPerSession: 0));
        var e = Assert.Throws<ArgumentException>(() => EligibilityCheck.PersonKeyOf("P1"));
        Assert.StartsWith("not an eligibility fact: String", e.Message);
        Assert.Equal("fact", e.ParamName);
    }

    [Fact]
    public void Every_kind_a_rule_concludes_is_named_in_the_rule_set()
    {
        var text = File.ReadAllText(Path.Combine(Support.TestRuleSets.BundledRoot, "national", "2025", "eligibility", "joins.json"));
        var kinds = System.Text.RegularExpressions.Regex.Matches(text, "\"kind\": \"\\\\\"(\\w+)\\\\\"\"").Select(m => m.Groups[1].Value).Distinct().ToArray();

        Assert.Equal(Rs.Parameters.FindingKinds.Keys.Order(), kinds.Order());
    }
}
