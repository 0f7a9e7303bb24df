using KokuhoRules.Engine.Joins;
using KokuhoRules.Engine.RuleSets;
using KokuhoRules.Rules.Catalog;
using KokuhoRules.Rules.HighCost.Continuity;
using NodaTime;

namespace KokuhoRules.Tests.HighCost.Continuity;

/// <summary>Candidate households for the continuity tests, written as "head; members" on each side.</summary>
public static class ContinuityCases
{
    public static readonly LocalDate MoveDate = new(2025, 10, 6);

    /// <summary>A case: the move-out household in amagasaki, the move-in household in nishinomiya (both 兵庫県 unless <paramref name="toPrefecture"/>).</summary>
    public static ContinuityCase Case(string outHead, string[] outMembers, string inHead, string[] inMembers, (string Person, string Kind)[]? events = null,
        string toPrefecture = "hyogo", string id = "C1") =>
        new(id, MoveDate,
            new MoveHousehold("amagasaki", "hyogo", "H-OUT-" + id, outHead, outMembers),
            new MoveHousehold("nishinomiya", toPrefecture, "H-IN-" + id, inHead, inMembers),
            (events ?? []).Select((e, i) => new PersonEvent(e.Person, e.Kind, MoveDate.PlusDays(-10 + i))).ToArray());
}
