using NodaTime;

namespace KokuhoRules.Rules.Eligibility;

/// <summary>A fault <see cref="SyntheticHistories"/> can inject into one person's history.</summary>
public enum InjectedFault
{
    /// <summary>The move-out city ends its application days before the move-in (空白).</summary>
    Gap,

    /// <summary>The move-out city applies days past the move-in (重複).</summary>
    Overlap,

    /// <summary>The move-in city's record of the last move is missing.</summary>
    MissingMoveIn,

    /// <summary>The first city's record (the move-out of the first move) is missing.</summary>
    MissingMoveOut,

    /// <summary>The last city records a 資格取得年月日 other than the one carried over.</summary>
    AcquisitionDateChanged,

    /// <summary>The 資格喪失年月日 of the last record differs from the one its loss event sets.</summary>
    LossDateContradiction,

    /// <summary>Every record carries a 資格取得年月日 other than the one the acquisition event sets.</summary>
    AcquisitionDateContradiction,

    /// <summary>A death within the last, still open application.</summary>
    CoverageAfterDeath,

    /// <summary>A 75th birthday within the last, still open application.</summary>
    CoverageAfterLateElderly,
}

/// <summary>What a fault injected into a history must be found as: the finding kind, the person and the record it is about.</summary>
/// <param name="AlsoPremiumMonthTwice">An overlap that runs into a later month also has the move-out city charge the move-in month.</param>
public sealed record ExpectedFinding(InjectedFault Fault, string Kind, string PersonKey, string RecordId, bool AlsoPremiumMonthTwice = false);

/// <summary>One person's synthetic history: the records of every city, the events, and the fault injected, if any.</summary>
public sealed record PersonHistory(string PersonKey, IReadOnlyList<HistoryRecord> Records, IReadOnlyList<LifeEvent> Events, ExpectedFinding? Fault);

/// <summary>
/// Synthetic prefecture histories for tests and benchmarks: each person acquires eligibility by an event of §C1,
/// moves 0–3 times between cities of the prefecture (at least 30 days apart), and either stays or loses eligibility by
/// an event of §C1. The dates follow the rule set's own date decisions (<see cref="EventDates"/>) and its end-date
/// convention, so a history without a fault yields no finding. Deterministic for a seed; no real person's data.
/// </summary>
public sealed class SyntheticHistories(EligibilityRuleSet rs, int seed)
{
    /// <summary>Cities of 兵庫県 by 全国地方公共団体コード (神戸市, 姫路市, 尼崎市, 明石市, 西宮市, 洲本市).</summary>
    public static IReadOnlyList<string> Cities { get; } = ["281000", "282014", "282022", "282031", "282049", "282057"];

    private static readonly string[] AcquisitionKinds = ["moveIn", "leftOtherInsurance", "birth", "publicAssistanceEnded", "leftNhiSociety"];
    private static readonly string[] LossKinds = ["death", "joinedOtherInsurance", "moveOut", "lateElderly", "publicAssistanceStarted", "joinedNhiSociety"];
    private static readonly LocalDate Earliest = new(2019, 4, 1);

    private readonly Random _random = new(seed);
    private readonly EndDateConvention _convention = rs.Parameters.Continuity.EndDateConvention;

    /// <summary>
    /// <paramref name="persons"/> histories (person keys <c>P</c> + 9 digits); every <paramref name="faultEvery"/>-th person
    /// (0: none) gets one fault, cycling through the kinds that person's history allows.
    /// </summary>
    public IEnumerable<PersonHistory> People(int persons, int faultEvery = 0)
    {
        var next = 0;
        for (var n = 1; n <= persons; n++)
        {
            var history = Person(n);
            if (faultEvery > 0 && n % faultEvery == 0)
            {
                var faults = Enum.GetValues<InjectedFault>();
                for (var tries = 0; tries < faults.Length; tries++)
                {
                    var fault = faults[next++ % faults.Length];
                    if (Inject(history, fault) is { } faulty) { history = faulty; break; }
                }
            }
            yield return history;
        }
    }

    /// <summary>A consistent history of person <paramref name="n"/>.</summary>
    public PersonHistory Person(int n)
    {
        var key = "P" + n.ToString("D9", System.Globalization.CultureInfo.InvariantCulture);
        var acquisitionKind = AcquisitionKinds[_random.Next(AcquisitionKinds.Length)];
        var acquired = Earliest.PlusDays(_random.Next(6 * 365));
        var events = new List<LifeEvent> { new(key, acquisitionKind, acquired) };
        var qualifiedFrom = EventDates.Derive(rs, events[0], false).AcquisitionDate!.Value;

        var starts = new List<LocalDate> { qualifiedFrom };
        for (var moves = _random.Next(4); moves > 0; moves--)
            starts.Add(starts[^1].PlusDays(30 + _random.Next(400)));
        foreach (var move in starts.Skip(1)) events.Add(new LifeEvent(key, "moveInWithinPrefecture", move));

        LocalDate? lost = null;
        string? lossKind = null;
        if (_random.Next(2) == 0)
        {
            lossKind = LossKinds[_random.Next(LossKinds.Length)];
            var date = starts[^1].PlusDays(30 + _random.Next(400));
            var sameDay = lossKind == "moveOut" && _random.Next(2) == 0;
            var loss = new LifeEvent(key, lossKind, date);
            events.Add(loss);
            if (sameDay) events.Add(new LifeEvent(key, EligibilityRuleSetCompiler.MoveInElsewhere, date));
            lost = EventDates.Derive(rs, loss, sameDay).LossDate!.Value;
        }

        var records = new List<HistoryRecord>();
        var city = _random.Next(Cities.Count);
        for (var i = 0; i < starts.Count; i++)
        {
            if (i > 0) city = (city + 1 + _random.Next(Cities.Count - 1)) % Cities.Count;
            var last = i == starts.Count - 1;
            LocalDate? end = last ? lost : starts[i + 1];
            records.Add(new HistoryRecord($"{key}-{i + 1}", key, Cities[city], qualifiedFrom, last ? lost : null, starts[i],
                end is { } e ? EligibilityDates.AppliedUntil(e, _convention) : null,
                i == 0 ? acquisitionKind : "moveInWithinPrefecture", last ? lossKind : "moveOutWithinPrefecture"));
        }
        return new PersonHistory(key, records, events, null);
    }

    /// <summary>The history with <paramref name="fault"/> injected, or null when the history does not allow it (no move, no loss…).</summary>
    public PersonHistory? Inject(PersonHistory h, InjectedFault fault)
    {
        var records = h.Records.ToList();
        var events = h.Events.ToList();
        var k = 1 + _random.Next(20);
        var lastLoss = records[^1].LossReason;
        ExpectedFinding Expect(string kind, HistoryRecord record, bool alsoMonth = false) => new(fault, kind, h.PersonKey, record.RecordId, alsoMonth);
        ExpectedFinding expected;
        switch (fault)
        {
            case InjectedFault.Gap or InjectedFault.Overlap when records.Count > 1:
            {
                var i = _random.Next(records.Count - 1);
                var moveIn = records[i + 1].AppliedFrom;
                var end = fault == InjectedFault.Gap ? moveIn.PlusDays(-k) : moveIn.PlusDays(k);
                records[i] = records[i] with { AppliedUntil = EligibilityDates.AppliedUntil(end, _convention) };
                expected = fault == InjectedFault.Gap
                    ? Expect("gap", records[i])
                    : Expect("overlap", records[i], EligibilityDates.MonthIndex(moveIn) < EligibilityDates.MonthIndex(end));
                break;
            }
            case InjectedFault.MissingMoveIn when records.Count > 1:
                records.RemoveAt(records.Count - 1);
                expected = Expect("moveOutWithoutMoveIn", records[^1]);
                break;
            case InjectedFault.MissingMoveOut when records.Count > 1:
                records.RemoveAt(0);
                expected = Expect("moveInWithoutMoveOut", records[0]);
                break;
            case InjectedFault.AcquisitionDateChanged when records.Count > 1:
                records[^1] = records[^1] with { QualifiedFrom = records[^1].QualifiedFrom!.Value.PlusDays(_random.Next(2) == 0 ? -k : k) };
                expected = Expect("acquisitionDateChanged", records[^1]);
                break;
            case InjectedFault.LossDateContradiction when records[^1].QualifiedUntil is { } until:
                records[^1] = records[^1] with { QualifiedUntil = until.PlusDays(_random.Next(2) == 0 ? -k : k) };
                expected = Expect("dateContradictsEvent", records[^1]);
                break;
            case InjectedFault.AcquisitionDateContradiction:
                var shift = _random.Next(2) == 0 ? -k : k;
                for (var i = 0; i < records.Count; i++) records[i] = records[i] with { QualifiedFrom = records[i].QualifiedFrom!.Value.PlusDays(shift) };
                expected = Expect("dateContradictsEvent", records[0]);
                break;
            case InjectedFault.CoverageAfterDeath or InjectedFault.CoverageAfterLateElderly when lastLoss is null:
                events.Add(new LifeEvent(h.PersonKey, fault == InjectedFault.CoverageAfterDeath ? "death" : "lateElderly", records[^1].AppliedFrom.PlusDays(k)));
                expected = Expect(fault == InjectedFault.CoverageAfterDeath ? "coverageAfterDeath" : "coverageAfterLateElderly", records[^1]);
                break;
            default:
                return null;
        }
        return h with { Records = records, Events = events, Fault = expected };
    }
}
