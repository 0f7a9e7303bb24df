using NodaTime;

namespace KokuhoRules.Rules.HighCost.Continuity;

/// <summary>
/// One side of an in-prefecture move (§B7): the household as the move-out city (転出地) or the move-in city (転入地)
/// records it — its city, that city's prefecture, the household id in that city's system, the head and the members,
/// each by a pseudonymous person key shared by both sides (never a 個人番号).
/// </summary>
/// <param name="Insurer">The city (its id, e.g. <c>nishinomiya</c>, or 全国地方公共団体コード), as the prefecture's <c>continuity.municipalities</c> resolves it.</param>
/// <param name="Prefecture">The prefecture the city belongs to (a move to another prefecture resets the count).</param>
/// <param name="HouseholdId">The household's id in the city's system; empty for a household known only by its prefecture (a move out of the prefecture).</param>
/// <param name="HeadKey">The head's person key (世帯主); empty when unknown (a move out of the prefecture).</param>
/// <param name="MemberKeys">The members' person keys (the head among them), distinct.</param>
public sealed record MoveHousehold(string Insurer, string Prefecture, string HouseholdId, string HeadKey, IReadOnlyList<string> MemberKeys);

/// <summary>An event of a person around the move (an <see cref="ContinuityEventKinds"/> key on a date).</summary>
public sealed record PersonEvent(string PersonKey, string Kind, LocalDate Date);

/// <summary>
/// A candidate household (継続候補世帯): a move-out household and the move-in household that shares at least one
/// person with it, with the events of their members. The move-in city judges it (§B7: 転入地の市町村が判定).
/// </summary>
/// <param name="CaseId">Unique within a judgement: the partition key of the NRules sessions.</param>
/// <param name="MoveDate">The move (転入日): the care month it falls in is the last one carried.</param>
public sealed record ContinuityCase(string CaseId, LocalDate MoveDate, MoveHousehold MoveOut, MoveHousehold MoveIn, IReadOnlyList<PersonEvent> Events);

/// <summary>The event kinds a continuity judgement reads (the list: moved, born, died, left or joined other insurance, left or joined a household).</summary>
public static class ContinuityEventKinds
{
    public const string Moved = "moved", Born = "born", Died = "died", LeftOtherInsurance = "leftOtherInsurance", JoinedOtherInsurance = "joinedOtherInsurance",
        LeftHousehold = "leftHousehold", JoinedHousehold = "joinedHousehold";

    /// <summary>Every kind, in the order the documentation lists them.</summary>
    public static IReadOnlyList<string> All { get; } = [Moved, Born, Died, LeftOtherInsurance, JoinedOtherInsurance, LeftHousehold, JoinedHousehold];
}

/// <summary>The sides of a move, as the facts and the answers name them.</summary>
public static class MoveSides
{
    public const string MoveOut = "moveOut", MoveIn = "moveIn";
}

/// <summary>A household as the continuity rules see it (<c>Household</c> in joins.json): one per side of a case.</summary>
public sealed class HouseholdFact
{
    internal HouseholdFact(string caseId, string side, MoveHousehold household)
    {
        CaseId = caseId;
        Side = side;
        Insurer = household.Insurer;
        Prefecture = household.Prefecture;
        HouseholdId = household.HouseholdId;
        HeadKey = household.HeadKey;
        MemberCount = household.MemberKeys.Count;
    }

    public string CaseId { get; }

    /// <summary><c>moveOut</c> or <c>moveIn</c>.</summary>
    public string Side { get; }

    public string Insurer { get; }
    public string Prefecture { get; }
    public string HouseholdId { get; }
    public string HeadKey { get; }
    public int MemberCount { get; }
}

/// <summary>
/// A person of a case as the continuity rules see it (<c>Member</c> in joins.json): one per person in either household,
/// with where they are (move-out household, move-in household, both), whether they were or are the head, and the kinds
/// of their events (so that a <c>not</c> pattern can say "no member changed without an explaining event").
/// </summary>
public sealed class MemberFact
{
    private readonly HashSet<string> _kinds;

    internal MemberFact(string caseId, string personKey, bool inMoveOut, bool inMoveIn, bool wasHead, bool isHead, IEnumerable<string> eventKinds)
    {
        CaseId = caseId;
        PersonKey = personKey;
        InMoveOut = inMoveOut;
        InMoveIn = inMoveIn;
        WasHead = wasHead;
        IsHead = isHead;
        _kinds = new HashSet<string>(eventKinds, StringComparer.Ordinal);
    }

    public string CaseId { get; }
    public string PersonKey { get; }

    /// <summary>A member of the move-out household.</summary>
    public bool InMoveOut { get; }

    /// <summary>A member of the move-in household.</summary>
    public bool InMoveIn { get; }

    /// <summary>The head of the move-out household (the head before the move).</summary>
    public bool WasHead { get; }

    /// <summary>The head of the move-in household (the head after the move).</summary>
    public bool IsHead { get; }

    /// <summary>In the move-in household only.</summary>
    public bool Added => InMoveIn && !InMoveOut;

    /// <summary>In the move-out household only.</summary>
    public bool Lost => InMoveOut && !InMoveIn;

    /// <summary>Whether the person has an event of this kind in the case.</summary>
    public bool Had(string kind) => _kinds.Contains(kind);
}

/// <summary>An event as the continuity rules see it (<c>Event</c> in joins.json), once per case its person is in.</summary>
public sealed class MoveEventFact
{
    internal MoveEventFact(string caseId, PersonEvent e)
    {
        CaseId = caseId;
        PersonKey = e.PersonKey;
        Kind = e.Kind;
        Date = e.Date;
    }

    public string CaseId { get; }
    public string PersonKey { get; }
    public string Kind { get; }
    public LocalDate Date { get; }
}

/// <summary>What a continuity rule concludes (<c>Continuity</c> in joins.json); the rule and its reference come from the firing.</summary>
/// <param name="caseId">The case decided.</param>
/// <param name="criterion">The criterion's key (e.g. <c>addressOnly</c>, <c>otherPrefecture</c>).</param>
/// <param name="continuous">Whether the household is continuous (the 多数回 count carries).</param>
public sealed class ContinuityConclusion(string caseId, string criterion, bool continuous)
{
    public string CaseId { get; } = caseId;
    public string Criterion { get; } = criterion;
    public bool Continuous { get; } = continuous;
}
