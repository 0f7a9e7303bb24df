using NodaTime;

namespace KokuhoRules.Rules.Eligibility;

/// <summary>
/// One city's eligibility record of a person (資格履歴), as the prefecture's cities send it: the prefecture-level
/// 資格取得 / 喪失年月日 and the city's own 適用開始 / 終了年月日, with their reasons.
/// </summary>
/// <param name="RecordId">The record's id in the sender's system (unique in a check).</param>
/// <param name="PersonKey">A pseudonymous key of the person (never a 個人番号).</param>
/// <param name="Insurer">The city applying the insurance (its id or 全国地方公共団体コード).</param>
/// <param name="QualifiedFrom">資格取得年月日 (prefecture level): carried over unchanged by a move within the prefecture.</param>
/// <param name="QualifiedUntil">資格喪失年月日 (the first day without eligibility), or null while eligible.</param>
/// <param name="AppliedFrom">適用開始年月日: the first day this city applies the insurance.</param>
/// <param name="AppliedUntil">適用終了年月日, in the prefecture's end-date convention (<c>continuity.endDateConvention</c>), or null while applied.</param>
/// <param name="AcquisitionReason">Why the city started applying it (an <c>acquisitionReasons</c> key), or null.</param>
/// <param name="LossReason">Why it stopped (a <c>lossReasons</c> key), or null while applied.</param>
public sealed record HistoryRecord(
    string RecordId,
    string PersonKey,
    string Insurer,
    LocalDate? QualifiedFrom,
    LocalDate? QualifiedUntil,
    LocalDate AppliedFrom,
    LocalDate? AppliedUntil,
    string? AcquisitionReason,
    string? LossReason);

/// <summary>A life event of a person (an <c>eventKinds</c> key on a date): what the dates of the records must follow.</summary>
public sealed record LifeEvent(string PersonKey, string Kind, LocalDate Date);

/// <summary>What the date decisions (<c>AcquisitionDate</c>, <c>LossDate</c>, <c>ApplicationStart</c>) read of an event, as <c>e</c>.</summary>
/// <param name="Kind">The event kind (key).</param>
/// <param name="SameDayMoveInElsewhere">The person moved in elsewhere (another prefecture, <c>moveInElsewhere</c>) on the day of this event.</param>
public readonly record struct EventFacts(string Kind, bool SameDayMoveInElsewhere);

/// <summary>What a date decision says about the date an event sets.</summary>
public enum EventDateRule
{
    /// <summary>The event sets no such date.</summary>
    None,

    /// <summary>The day of the event.</summary>
    EventDay,

    /// <summary>The day after the event.</summary>
    DayAfter,

    /// <summary>The prefecture-level date is carried over unchanged (a move within the prefecture, §C2).</summary>
    CarriedOver,

    /// <summary>The same as the prefecture-level acquisition date the event sets.</summary>
    AcquisitionDate,
}

/// <summary>
/// A record as the join rules see it (<c>Record</c>): the record's values, with the application end made
/// convention-free (<see cref="AppliedEnd"/>: the first day no longer applied) and the months premium is charged by.
/// </summary>
public sealed class RecordFact
{
    internal RecordFact(HistoryRecord record, EndDateConvention convention)
    {
        Source = record;
        RecordId = record.RecordId;
        PersonKey = record.PersonKey;
        Insurer = record.Insurer;
        QualifiedFrom = record.QualifiedFrom;
        QualifiedUntil = record.QualifiedUntil;
        AppliedFrom = record.AppliedFrom;
        AcquisitionReason = record.AcquisitionReason;
        LossReason = record.LossReason;
        AppliedEnd = record.AppliedUntil is { } until ? EligibilityDates.EndExclusive(until, convention) : null;
        AppliedEndOrMax = AppliedEnd ?? LocalDate.MaxIsoValue;
        AppliedFromMonth = EligibilityDates.MonthIndex(AppliedFrom);
        AppliedEndMonth = AppliedEnd is { } end ? EligibilityDates.MonthIndex(end) : int.MaxValue;
    }

    /// <summary>The record as sent.</summary>
    public HistoryRecord Source { get; }

    public string RecordId { get; }
    public string PersonKey { get; }
    public string Insurer { get; }
    public LocalDate? QualifiedFrom { get; }
    public LocalDate? QualifiedUntil { get; }
    public LocalDate AppliedFrom { get; }
    public string? AcquisitionReason { get; }
    public string? LossReason { get; }

    /// <summary>The first day the city no longer applies the insurance (whatever the convention), or null while applied.</summary>
    public LocalDate? AppliedEnd { get; }

    /// <summary><see cref="AppliedEnd"/>, or the largest date while applied.</summary>
    public LocalDate AppliedEndOrMax { get; }

    /// <summary>The month of <see cref="AppliedFrom"/> as year × 12 + month: the city charges premium from it (§C3).</summary>
    public int AppliedFromMonth { get; }

    /// <summary>The month of <see cref="AppliedEnd"/> (year × 12 + month; the largest int while applied): the city charges up to the month before it (§C2, §C3).</summary>
    public int AppliedEndMonth { get; }

    /// <summary>
    /// The <see cref="AppliedFrom"/> of the person's next record: the earliest among the person's records (those given to
    /// the same check) that start after this one; null when none does. A rule finds the record after a move-out with
    /// <c>n.AppliedFrom == o.NextAppliedFrom.Value</c> — the same as "none starts between them", without a <c>not</c>
    /// pattern over every record (set by <see cref="EligibilityCheck.Facts"/>).
    /// </summary>
    public LocalDate? NextAppliedFrom { get; private set; }

    /// <summary>The <see cref="AppliedFrom"/> of the person's previous record: the latest among the person's records that start before this one; null when none does.</summary>
    public LocalDate? PreviousAppliedFrom { get; private set; }

    /// <summary>Sets <see cref="NextAppliedFrom"/> and <see cref="PreviousAppliedFrom"/> of one person's records (any order).</summary>
    internal static void Link(List<RecordFact> person) =>
        EligibilityDates.LinkNeighbours(person, r => r.AppliedFrom, static (_, _) => true, static (r, previous, next) => (r.PreviousAppliedFrom, r.NextAppliedFrom) = (previous, next));
}

/// <summary>An event as the join rules see it (<c>Event</c>): with the dates the date decisions derive from it.</summary>
public sealed class EventFact
{
    internal EventFact(LifeEvent e, LocalDate? acquisitionDate, LocalDate? lossDate, LocalDate? applicationStart, string? basis)
    {
        Source = e;
        PersonKey = e.PersonKey;
        Kind = e.Kind;
        Date = e.Date;
        AcquisitionDate = acquisitionDate;
        LossDate = lossDate;
        ApplicationStart = applicationStart;
        Basis = basis;
    }

    /// <summary>The event as sent.</summary>
    public LifeEvent Source { get; }

    public string PersonKey { get; }
    public string Kind { get; }
    public LocalDate Date { get; }

    /// <summary>The 資格取得年月日 the event sets (§C1), or null when it sets none (or carries it over).</summary>
    public LocalDate? AcquisitionDate { get; }

    /// <summary>The 資格喪失年月日 the event sets (§C1), or null.</summary>
    public LocalDate? LossDate { get; }

    /// <summary>The 適用開始年月日 the event sets at the city (§C2), or null.</summary>
    public LocalDate? ApplicationStart { get; }

    /// <summary>The date rule that set the dates, with its reference, as a sentence (for findings).</summary>
    public string? Basis { get; }

    /// <summary>
    /// The latest date before this event's on which the person has another event of the same kind (among the events
    /// given to the same check); null when none. A rule finds "the first event of the kind since the record started"
    /// with <c>e.PreviousDateOfKind == null || e.PreviousDateOfKind.Value &lt; r.AppliedFrom</c> — the same as a
    /// <c>not</c> pattern over every event of the kind, without one (set by <see cref="EligibilityCheck.Facts"/>).
    /// </summary>
    public LocalDate? PreviousDateOfKind { get; private set; }

    /// <summary>
    /// The earliest date after this event's on which the person has another event of the same kind; null when none.
    /// With <see cref="PreviousDateOfKind"/>, "the event of the kind nearest to a date": the distance to a date falls,
    /// then rises along the dates, so the nearest event is the one nearer than both its neighbours
    /// (<see cref="EligibilityDates.NearerIfAny"/>).
    /// </summary>
    public LocalDate? NextDateOfKind { get; private set; }

    /// <summary>Sets <see cref="PreviousDateOfKind"/> and <see cref="NextDateOfKind"/> of one person's events (any order).</summary>
    internal static void Link(List<EventFact> person) =>
        EligibilityDates.LinkNeighbours(person, e => e.Date, static (a, b) => string.Equals(a.Kind, b.Kind, StringComparison.Ordinal),
            static (e, previous, next) => (e.PreviousDateOfKind, e.NextDateOfKind) = (previous, next));
}

/// <summary>What a check rule concludes (<c>Finding</c> in joins.json); the rule and its reference come from the firing.</summary>
/// <param name="kind">A <c>findingKinds</c> key (<c>gap</c>, <c>overlap</c>…).</param>
/// <param name="personKey">The person.</param>
/// <param name="record">The record the finding is about.</param>
public sealed class FindingConclusion(string kind, string personKey, string record)
{
    public string Kind { get; } = kind;
    public string PersonKey { get; } = personKey;
    public string Record { get; } = record;

    /// <summary>The other record joined (the move-in of a move-out…), if any.</summary>
    public string? OtherRecord { get; set; }

    /// <summary>The days of the gap, overlap or difference, if the rule counts any.</summary>
    public int? Days { get; set; }

    /// <summary>The record whose date the rule proposes to correct, if it determines one.</summary>
    public string? ProposedRecord { get; set; }

    /// <summary>The field corrected (<c>appliedUntil</c>, <c>qualifiedFrom</c>…).</summary>
    public string? ProposedField { get; set; }

    /// <summary>The corrected date; for <c>appliedUntil</c>, the first day no longer applied (shown in the prefecture's convention).</summary>
    public LocalDate? ProposedDate { get; set; }

    /// <summary>The date rule the finding relies on (an event's), if any.</summary>
    public string? Basis { get; set; }
}

/// <summary>Date arithmetic the rules and the checks share: one place for the end-date convention and the premium month.</summary>
public static class EligibilityDates
{
    /// <summary>The first day no longer applied, from a 適用終了年月日 in <paramref name="convention"/>.</summary>
    public static LocalDate EndExclusive(LocalDate appliedUntil, EndDateConvention convention) =>
        convention == EndDateConvention.LastDayApplied ? appliedUntil.PlusDays(1) : appliedUntil;

    /// <summary>The 適用終了年月日 in <paramref name="convention"/> for an application ending before <paramref name="endExclusive"/>.</summary>
    public static LocalDate AppliedUntil(LocalDate endExclusive, EndDateConvention convention) =>
        convention == EndDateConvention.LastDayApplied ? endExclusive.PlusDays(-1) : endExclusive;

    /// <summary>A month as year × 12 + month − 1, so that consecutive months differ by 1.</summary>
    public static int MonthIndex(LocalDate date) => date.Year * 12 + date.Month - 1;

    /// <summary>Days from <paramref name="from"/> to <paramref name="to"/> (negative when <paramref name="to"/> is earlier).</summary>
    public static int Days(LocalDate from, LocalDate to) => Period.Between(from, to, PeriodUnits.Days).Days;

    /// <summary>
    /// Whether <paramref name="a"/> is nearer to <paramref name="to"/> than <paramref name="b"/> is, the earlier of two
    /// as near counting as nearer: with a <c>not</c> pattern, "the event nearest to the record's start".
    /// </summary>
    public static bool Nearer(LocalDate a, LocalDate b, LocalDate to)
    {
        var (da, db) = (Math.Abs(Days(a, to)), Math.Abs(Days(b, to)));
        return da < db || (da == db && a < b);
    }

    /// <summary>
    /// Whether <paramref name="a"/> is given and is <see cref="Nearer"/> to <paramref name="to"/> than <paramref name="b"/>:
    /// an event is the nearest of its kind to a date when neither neighbour (<see cref="EventFact.PreviousDateOfKind"/>,
    /// <see cref="EventFact.NextDateOfKind"/>) is nearer.
    /// </summary>
    public static bool NearerIfAny(LocalDate? a, LocalDate b, LocalDate to) => a is { } date && Nearer(date, b, to);

    /// <summary>
    /// For each of one person's facts, the nearest date before its own and the nearest after it among the facts
    /// <paramref name="together"/> with it (null where there is none), handed to <paramref name="set"/>: the adjacency
    /// the rules read instead of a <c>not</c> pattern. Quadratic in a person's facts, which are few.
    /// </summary>
    internal static void LinkNeighbours<T>(List<T> person, Func<T, LocalDate> date, Func<T, T, bool> together, Action<T, LocalDate?, LocalDate?> set)
    {
        foreach (var fact in person)
        {
            var own = date(fact);
            LocalDate? previous = null, next = null;
            foreach (var other in person)
            {
                if (!together(fact, other)) continue;
                var d = date(other);
                if (d > own && (next is null || d < next.Value)) next = d;
                if (d < own && (previous is null || d > previous.Value)) previous = d;
            }
            set(fact, previous, next);
        }
    }

    /// <summary>Whether two optional dates are the same (both absent, or equal).</summary>
    public static bool Same(LocalDate? a, LocalDate? b) => a == b;

    /// <summary><see cref="Days"/>, or null when <paramref name="to"/> is unknown (an application still running).</summary>
    public static int? DaysOrNull(LocalDate from, LocalDate? to) => to is { } t ? Days(from, t) : null;
}
