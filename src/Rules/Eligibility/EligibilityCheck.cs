using KokuhoRules.Engine.Decisions;
using KokuhoRules.Engine.Joins;
using NodaTime;

namespace KokuhoRules.Rules.Eligibility;

/// <summary>A date a finding proposes for a record (the carry-over the federation sends back).</summary>
/// <param name="Field">The record's field: <c>appliedUntil</c> (in the prefecture's end-date convention), <c>appliedFrom</c>, <c>qualifiedFrom</c> or <c>qualifiedUntil</c>.</param>
public sealed record ProposedCorrection(string RecordId, string Field, LocalDate Date);

/// <summary>
/// One finding of a check: its kind, the person, the records the rule joined (the one the finding is about first),
/// the days of the gap, overlap or difference, the corrected date where the rules determine it, and the rule that fired
/// with its reference (and, where it relies on an event, the date rule of that event).
/// </summary>
public sealed record Finding(string Kind, string PersonKey, IReadOnlyList<string> Records, int? Days, ProposedCorrection? Proposed, string Rule, string Reference)
{
    /// <summary>The date rule of the event the finding relies on, with its reference; null when none.</summary>
    public string? Basis { get; init; }
}

/// <summary>What a check found, and how much it checked.</summary>
public sealed record EligibilityCheckResult(IReadOnlyList<Finding> Findings, int Persons, int Records);

/// <summary>
/// The eligibility checks (資格継続, §C1/§C2) of a prefecture's records: each event's dates from the date decisions,
/// each record made convention-free, then the check rules of the rule set joined per person. A pure function of its
/// inputs: the same findings whatever the order of the records and events and whatever the partitioning.
/// </summary>
public static class EligibilityCheck
{
    /// <summary>
    /// Persons checked together in an NRules session by default: a session's joins compare every fact with every other
    /// (NRules does not index joins), so few; but each group's new session has a cost of its own, which a few
    /// persons share. Measured on 1M records: best at 4 under the workstation GC, at 8 under the server GC the CLI runs on
    /// (13.9 GB allocated instead of 16.3; benchmarks/README.md, session 9).
    /// </summary>
    public const int DefaultPersonsPerSession = 8;

    /// <summary>
    /// Checks the records and events partitioned by person — <paramref name="personsPerSession"/> persons to a session,
    /// never a person split across two — on up to <paramref name="workers"/> sessions at once. The findings are the same
    /// whatever the partitioning (every rule joins on the person).
    /// </summary>
    /// <exception cref="JoinRunException">A rule failed while it ran (the rule set's fault).</exception>
    public static EligibilityCheckResult Run(EligibilityRuleSet rs, IReadOnlyCollection<HistoryRecord> records, IReadOnlyCollection<LifeEvent> events, int workers,
        int personsPerSession = DefaultPersonsPerSession) =>
        Result(rs, RunFacts(rs, Facts(rs, records, events), workers, personsPerSession), records);

    /// <summary>Runs the check rules over facts built by <see cref="Facts"/>, <paramref name="personsPerSession"/> persons to a session.</summary>
    public static JoinResult RunFacts(EligibilityRuleSet rs, List<object> facts, int workers, int personsPerSession = DefaultPersonsPerSession)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(personsPerSession, 1);
        var index = new Dictionary<string, int>(StringComparer.Ordinal);
        int Session(object fact)
        {
            var person = PersonKeyOf(fact);
            if (!index.TryGetValue(person, out var i)) index.Add(person, i = index.Count);
            return i / personsPerSession;
        }
        return rs.Checks.RunPartitioned(facts, Session, workers);
    }

    /// <summary>Checks the records and events in one NRules session (the reference a partitioned run must equal).</summary>
    public static EligibilityCheckResult RunOneSession(EligibilityRuleSet rs, IReadOnlyCollection<HistoryRecord> records, IReadOnlyCollection<LifeEvent> events)
    {
        var result = rs.Checks.Run(Facts(rs, records, events));
        return Result(rs, result, records);
    }

    /// <summary>The person a fact belongs to: the partition key of a run.</summary>
    public static string PersonKeyOf(object fact) => fact switch
    {
        RecordFact r => r.PersonKey,
        EventFact e => e.PersonKey,
        _ => throw new ArgumentException($"not an eligibility fact: {fact.GetType().Name}", nameof(fact)),
    };

    /// <summary>
    /// The facts the check rules join: every record (convention-free, linked to the person's previous and next record:
    /// <see cref="RecordFact.NextAppliedFrom"/>) and every event with the dates it sets (linked to the person's previous
    /// and next event of its kind: <see cref="EventFact.PreviousDateOfKind"/>).
    /// </summary>
    public static List<object> Facts(EligibilityRuleSet rs, IEnumerable<HistoryRecord> records, IEnumerable<LifeEvent> events)
    {
        var convention = rs.Parameters.Continuity.EndDateConvention;
        var facts = new List<object>();
        var persons = new Dictionary<string, List<RecordFact>>(StringComparer.Ordinal);
        foreach (var r in records)
        {
            var fact = new RecordFact(r, convention);
            facts.Add(fact);
            if (!persons.TryGetValue(r.PersonKey, out var person)) persons.Add(r.PersonKey, person = []);
            person.Add(fact);
        }
        foreach (var person in persons.Values) RecordFact.Link(person);
        var eventList = events as IReadOnlyCollection<LifeEvent> ?? events.ToList();
        var elsewhere = eventList.Where(e => e.Kind == EligibilityRuleSetCompiler.MoveInElsewhere).Select(e => (e.PersonKey, e.Date)).ToHashSet();
        var eventsOf = new Dictionary<string, List<EventFact>>(StringComparer.Ordinal);
        foreach (var e in eventList)
        {
            var fact = EventDates.Derive(rs, e, elsewhere.Contains((e.PersonKey, e.Date)));
            facts.Add(fact);
            if (!eventsOf.TryGetValue(e.PersonKey, out var person)) eventsOf.Add(e.PersonKey, person = []);
            person.Add(fact);
        }
        foreach (var person in eventsOf.Values) EventFact.Link(person);
        return facts;
    }

    /// <summary>The findings of a run's firings, in the run's order, with appliedUntil proposals in the prefecture's convention.</summary>
    public static List<Finding> Findings(EligibilityRuleSet rs, JoinResult result)
    {
        var convention = rs.Parameters.Continuity.EndDateConvention;
        var findings = new List<Finding>(result.Firings.Count);
        foreach (var firing in result.Firings)
        {
            var c = (FindingConclusion)firing.Conclusion;
            var records = c.OtherRecord is null ? new[] { c.Record } : [c.Record, c.OtherRecord];
            ProposedCorrection? proposed = null;
            if (c is { ProposedRecord: { } record, ProposedField: { } field, ProposedDate: { } date })
                proposed = new ProposedCorrection(record, field, field == "appliedUntil" ? EligibilityDates.AppliedUntil(date, convention) : date);
            findings.Add(new Finding(c.Kind, c.PersonKey, records, c.Days, proposed, firing.Rule.Name, firing.Rule.Reference) { Basis = c.Basis });
        }
        return findings;
    }

    private static EligibilityCheckResult Result(EligibilityRuleSet rs, JoinResult result, IReadOnlyCollection<HistoryRecord> records) =>
        new(Findings(rs, result), records.Select(r => r.PersonKey).Distinct(StringComparer.Ordinal).Count(), records.Count);
}

/// <summary>The dates an event sets (§C1/§C2), decided by the rule set's workflows <c>AcquisitionDate</c>, <c>LossDate</c> and <c>ApplicationStart</c>.</summary>
public static class EventDates
{
    /// <summary>The event with the 資格取得・喪失年月日 and 適用開始年月日 it sets.</summary>
    /// <param name="sameDayMoveInElsewhere">The person moved in elsewhere (<c>moveInElsewhere</c>) on the event's day.</param>
    public static EventFact Derive(EligibilityRuleSet rs, LifeEvent e, bool sameDayMoveInElsewhere)
    {
        var rules = rs.EventDateRules.GetOrAdd(new EventFacts(e.Kind, sameDayMoveInElsewhere), Decide, rs);
        var acquisition = DateOf(rules.Acquisition, e.Date, null);
        var loss = DateOf(rules.Loss, e.Date, null);
        var start = DateOf(rules.Start, e.Date, acquisition);
        var basis = loss is not null ? rules.LossBasis : acquisition is not null ? rules.AcquisitionBasis : start is not null ? rules.StartBasis : null;
        return new EventFact(e, acquisition, loss, start, basis);
    }

    /// <summary>
    /// What the three date decisions say of an event's facts (its kind; a same-day move-in elsewhere): the decisions read
    /// nothing else, so their answer is decided once per rule set and kind (<see cref="EligibilityRuleSet.EventDateRules"/>).
    /// </summary>
    internal sealed record DateRules(EventDateRule Acquisition, EventDateRule Loss, EventDateRule Start, string AcquisitionBasis, string LossBasis, string StartBasis);

    private static DateRules Decide(EventFacts facts, EligibilityRuleSet rs)
    {
        static (EventDateRule, string) Of(Decision<EventFacts, EventDateRule> decision, EventFacts facts)
        {
            var index = decision.Match(facts);
            var rule = decision.Rules[index];
            return (decision.OutcomeOf(index), $"{rule.Name} ({rule.Reference})");
        }
        var (acquisition, acquisitionBasis) = Of(rs.AcquisitionDate, facts);
        var (loss, lossBasis) = Of(rs.LossDate, facts);
        var (start, startBasis) = Of(rs.ApplicationStart, facts);
        return new DateRules(acquisition, loss, start, acquisitionBasis, lossBasis, startBasis);
    }

    private static LocalDate? DateOf(EventDateRule rule, LocalDate date, LocalDate? acquisition) => rule switch
    {
        EventDateRule.EventDay => date,
        EventDateRule.DayAfter => date.PlusDays(1),
        EventDateRule.AcquisitionDate => acquisition,
        _ => null,
    };
}
