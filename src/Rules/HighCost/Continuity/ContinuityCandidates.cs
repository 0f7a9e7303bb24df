using NodaTime;

namespace KokuhoRules.Rules.HighCost.Continuity;

/// <summary>A move record of a city (転出 or 転入 of a household), as the federation receives it.</summary>
/// <param name="ToPrefecture">For a move-out: the prefecture moved to, when the city knows it is another one (県外転出); null otherwise.</param>
/// <param name="Line">The line of the input it was read from (0 when not from a file).</param>
public sealed record MoveRecord(string Side, LocalDate MoveDate, MoveHousehold Household, string? ToPrefecture, long Line = 0);

/// <summary>What the extraction found besides the candidates.</summary>
/// <param name="UnmatchedMoveOuts">Move-outs within the prefecture that share no person with any move-in of another city.</param>
/// <param name="UnmatchedMoveIns">Move-ins that share no person with any move-out of another city (from outside the prefecture, or its move-out is missing).</param>
public sealed record CandidateExtraction(IReadOnlyList<ContinuityCase> Cases, int UnmatchedMoveOuts, int UnmatchedMoveIns);

/// <summary>
/// 継続候補世帯の抽出 (§B7, the federation's 高額該当回数の引継業務): from a prefecture's month of move records, each
/// move-out household paired with every move-in household of another city of the prefecture that shares at least one
/// person with it (a split gives a candidate per part, a merge one per household merged), and each move-out to
/// another prefecture as a candidate of its own (its count resets). The events of the persons of a pair go with it.
/// </summary>
public static class ContinuityCandidates
{
    /// <summary>The id of the candidate of two households: <c>out-city:household&gt;in-city:household</c> (stable, the same in every run).</summary>
    public static string CaseId(MoveHousehold moveOut, MoveHousehold moveIn) => $"{moveOut.Insurer}:{moveOut.HouseholdId}>{moveIn.Insurer}:{moveIn.HouseholdId}";

    /// <summary>The candidates, ordered by move-in (then move-out) as the records came; move-outs to another prefecture after them in their order.</summary>
    public static CandidateExtraction Extract(IReadOnlyList<MoveRecord> moves, IReadOnlyList<PersonEvent> events)
    {
        ArgumentNullException.ThrowIfNull(moves);
        ArgumentNullException.ThrowIfNull(events);
        var outs = moves.Where(m => m.Side == MoveSides.MoveOut).ToList();
        var ins = moves.Where(m => m.Side == MoveSides.MoveIn).ToList();
        var outsByPerson = new Dictionary<string, List<int>>(StringComparer.Ordinal);
        for (var i = 0; i < outs.Count; i++)
            if (outs[i].ToPrefecture is null)
                foreach (var key in outs[i].Household.MemberKeys)
                {
                    if (!outsByPerson.TryGetValue(key, out var list)) outsByPerson.Add(key, list = []);
                    if (list.Count == 0 || list[^1] != i) list.Add(i);
                }
        var eventsByPerson = events.ToLookup(e => e.PersonKey, StringComparer.Ordinal);
        var matchedOuts = new bool[outs.Count];
        var cases = new List<ContinuityCase>();
        var unmatchedIns = 0;
        foreach (var moveIn in ins)
        {
            var pairs = new SortedSet<int>();
            foreach (var key in moveIn.Household.MemberKeys)
                if (outsByPerson.TryGetValue(key, out var found))
                    foreach (var i in found)
                        if (outs[i].Household.Insurer != moveIn.Household.Insurer) pairs.Add(i);
            if (pairs.Count == 0) unmatchedIns++;
            foreach (var i in pairs)
            {
                matchedOuts[i] = true;
                cases.Add(Case(outs[i].Household, moveIn.Household, moveIn.MoveDate, eventsByPerson));
            }
        }
        foreach (var moveOut in outs.Where(o => o.ToPrefecture is not null))
        {
            var elsewhere = new MoveHousehold("", moveOut.ToPrefecture!, "", "", []);
            cases.Add(Case(moveOut.Household, elsewhere, moveOut.MoveDate, eventsByPerson));
        }
        var unmatchedOuts = outs.Where((o, i) => o.ToPrefecture is null && !matchedOuts[i]).Count();
        return new CandidateExtraction(cases, unmatchedOuts, unmatchedIns);
    }

    private static ContinuityCase Case(MoveHousehold moveOut, MoveHousehold moveIn, LocalDate moveDate, ILookup<string, PersonEvent> events)
    {
        var persons = moveOut.MemberKeys.Concat(moveIn.MemberKeys).Distinct(StringComparer.Ordinal);
        return new ContinuityCase(CaseId(moveOut, moveIn), moveDate, moveOut, moveIn, persons.SelectMany(p => events[p]).ToArray());
    }
}
