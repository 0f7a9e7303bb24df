using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;
using KokuhoRules.Rules.Catalog;
using KokuhoRules.Rules.Eligibility;
using KokuhoRules.Tests.Support;

namespace KokuhoRules.Tests.Eligibility;

/// <summary>
/// Invariants of the eligibility checks (issue 15 item 3) on generated prefecture histories, under both end-date
/// conventions: a consistent history yields no finding; a single injected gap, overlap, missing move-in or move-out,
/// changed acquisition date, date contradiction or coverage after death or the 75th birthday is found exactly once —
/// whatever the order of the records and events, and whether the persons are checked in one NRules session or
/// partitioned (1 to 5 persons to a session, 1 to 4 sessions at once).
/// </summary>
[Properties(MaxTest = 60)]
public sealed class EligibilityPropertyTests
{
    private static readonly Lazy<EligibilityRuleSet> DayAfterRuleSet = new(() =>
    {
        using var root = new TempRuleSetRoot();
        root.MakeDraft("hyogo/2025/eligibility");
        root.ReplaceOnce("hyogo/2025/eligibility/parameters.json", "\"value\": \"lastDayApplied\"", "\"value\": \"dayAfter\"");
        return KokuhoRuleSets.Load([root.Root]).Find<EligibilityRuleSet>("hyogo", 2025) ?? throw new InvalidOperationException("the dayAfter variant did not compile");
    });

    private static EligibilityRuleSet RuleSet(bool dayAfter) => dayAfter ? DayAfterRuleSet.Value : EligibilityRuleSetTests.Hyogo2025;

    private static (List<HistoryRecord> Records, List<LifeEvent> Events) Shuffled(IEnumerable<PersonHistory> people, int seed)
    {
        var list = people.ToList();
        var records = list.SelectMany(p => p.Records).ToArray();
        var events = list.SelectMany(p => p.Events).ToArray();
        var random = new Random(seed);
        random.Shuffle(records);
        random.Shuffle(events);
        return (records.ToList(), events.ToList());
    }

    private static List<string> Found(IEnumerable<Finding> findings) =>
        findings.Select(f => $"{f.Kind} {f.PersonKey} {f.Records[0]}").Order(StringComparer.Ordinal).ToList();

    private static string Describe(EligibilityCheckResult result) =>
        string.Join("\n", result.Findings.Select(f => $"{f.Kind} {f.PersonKey} {string.Join(' ', f.Records)} {f.Days} {f.Proposed} {f.Rule} {f.Basis}"));

    /// <summary>The findings described line by line, in a fixed order (by text).</summary>
    private static string Sorted(EligibilityCheckResult result) => string.Join("\n", Describe(result).Split('\n').Order(StringComparer.Ordinal));

    /// <summary>
    /// The FY2026 draft's checks find a move's next and previous record by the adjacency the facts carry
    /// (<c>Record.NextAppliedFrom</c> / <c>PreviousAppliedFrom</c>) and the first or nearest event of a kind by the
    /// event's neighbours of its kind (<c>Event.PreviousDateOfKind</c> / <c>NextDateOfKind</c>); FY2025's by
    /// <c>not</c> patterns over the person's records and events. Both must find the same on any history — every injected
    /// fault kind among them (the order within a rule follows its first pattern, which FY2026 changed for four rules).
    /// </summary>
    [Property(MaxTest = 40)]
    public bool The_rules_linked_by_adjacency_find_what_the_rules_with_not_patterns_find(int seed, byte persons, byte faultEvery)
    {
        var (records, events) = Shuffled(new SyntheticHistories(EligibilityRuleSetTests.Hyogo2025, seed).People(1 + persons % 60, 1 + faultEvery % 3), seed);

        var withNot = EligibilityCheck.Run(EligibilityRuleSetTests.Hyogo2025, records, events, 2);
        var linked = EligibilityCheck.Run(EligibilityRuleSetTests.Hyogo2026, records, events, 2);

        return Sorted(withNot) == Sorted(linked) && EligibilityRuleSetTests.Hyogo2026.Checks.Rules.SelectMany(r => r.Patterns).All(p => p.Kind != "not");
    }

    /// <summary>
    /// The first and the nearest event of a kind, where a person has several (and two as near): FY2026 finds them by
    /// the event's neighbours of its kind, FY2025 by a <c>not</c> pattern over every event. One record of a person who
    /// left other insurance and later joined it again, with 1–6 events of each kind on dates around the record's start
    /// and end (some on the same day, some as near on either side, some on the record's first day): both rule sets must find the same contradictions.
    /// </summary>
    [Property(MaxTest = 200)]
    public bool The_first_and_the_nearest_event_of_a_kind_are_the_same_by_neighbours_as_by_not_patterns(int seed, byte starts, byte ends)
    {
        var random = new Random(seed);
        var start = new NodaTime.LocalDate(2025, 6, 10);
        var end = new NodaTime.LocalDate(2025, 11, 20);
        // Offsets from a small set, so that equal dates and equal distances on both sides occur often.
        int[] offsets = [-9, -9, -5, -1, 0, 0, 1, 5, 9, 9, 30];
        var events = new List<LifeEvent>();
        for (var i = 0; i <= starts % 6; i++) events.Add(new LifeEvent("P1", "leftOtherInsurance", start.PlusDays(offsets[random.Next(offsets.Length)])));
        // Loss events around the end, and some around the start (the first since the record started: one on its first day).
        for (var i = 0; i <= ends % 6; i++)
            events.Add(new LifeEvent("P1", "joinedOtherInsurance", (random.Next(3) == 0 ? start : end).PlusDays(offsets[random.Next(offsets.Length)])));
        var record = new HistoryRecord("R1", "P1", "280003", start, end, start, end.PlusDays(-1), "leftOtherInsurance", "joinedOtherInsurance");
        random.Shuffle(System.Runtime.InteropServices.CollectionsMarshal.AsSpan(events));

        var withNot = EligibilityCheck.Run(EligibilityRuleSetTests.Hyogo2025, [record], events, 1);
        var linked = EligibilityCheck.Run(EligibilityRuleSetTests.Hyogo2026, [record], events, 1);

        return Sorted(withNot) == Sorted(linked);
    }

    [Property]
    public bool A_consistent_generated_history_yields_no_finding(int seed, bool dayAfter, byte persons, byte workers)
    {
        var rs = RuleSet(dayAfter);
        var (records, events) = Shuffled(new SyntheticHistories(rs, seed).People(1 + persons % 40), seed);

        var partitioned = EligibilityCheck.Run(rs, records, events, 1 + workers % 4, personsPerSession: 1 + workers / 4 % 5);
        var oneSession = EligibilityCheck.RunOneSession(rs, records, events);

        return partitioned.Findings.Count == 0 && oneSession.Findings.Count == 0 && partitioned.Records == records.Count;
    }

    [Property]
    public Property A_single_injected_fault_is_found_exactly_once_whatever_the_order_and_partitioning(int seed, bool dayAfter, byte others, byte workers)
    {
        var faults = Enum.GetValues<InjectedFault>();
        return Prop.ForAll(Gen.Elements(faults).ToArbitrary(), fault =>
        {
            var rs = RuleSet(dayAfter);
            var generator = new SyntheticHistories(rs, seed);
            var people = generator.People(1 + others % 10).ToList();
            // The fault goes into the first history that allows it (a new person until one does: a move, a loss, an open end).
            PersonHistory? faulty = null;
            for (var n = 1_000_000; faulty is null; n++) faulty = generator.Inject(generator.Person(n), fault);
            people.Insert(others % (people.Count + 1), faulty);
            var (records, events) = Shuffled(people, seed ^ 0x5bd1e995);
            var e = faulty.Fault!;
            var expected = new List<string> { $"{e.Kind} {e.PersonKey} {e.RecordId}" };
            if (e.AlsoPremiumMonthTwice) expected.Add($"premiumMonthTwice {e.PersonKey} {e.RecordId}");
            expected.Sort(StringComparer.Ordinal);

            var partitioned = Found(EligibilityCheck.Run(rs, records, events, 1 + workers % 4, personsPerSession: 1 + workers / 4 % 5).Findings);
            var oneSession = Found(EligibilityCheck.RunOneSession(rs, records, events).Findings);

            return (partitioned.SequenceEqual(expected) && oneSession.SequenceEqual(expected))
                .Label($"{fault}: expected [{string.Join("; ", expected)}], partitioned [{string.Join("; ", partitioned)}], one session [{string.Join("; ", oneSession)}]");
        });
    }
}
