using KokuhoRules.Engine.Joins;

namespace KokuhoRules.Rules.HighCost.Continuity;

/// <summary>A fact a deciding rule joined, as an answer shows it: the rule's name for it, its type and what identifies it — never a date or any other value of a person.</summary>
/// <param name="Side">For a household: <c>moveOut</c> or <c>moveIn</c>.</param>
/// <param name="Insurer">For a household: its city.</param>
/// <param name="HouseholdId">For a household: its id in the city's system.</param>
/// <param name="PersonKey">For a member or an event: the person.</param>
/// <param name="Kind">For an event: its kind; for a member: <c>kept</c>, <c>added</c> or <c>lost</c>.</param>
public sealed record JoinedFact(string Fact, string Type, string? Side = null, string? Insurer = null, string? HouseholdId = null, string? PersonKey = null, string? Kind = null);

/// <summary>
/// The decision on one candidate household (継続世帯確定): continuous or not, the criterion that decided it, the rule
/// with its reference and whether a source confirms it, and the facts the rule joined (sorted, so that they do not
/// depend on the order of members or events).
/// </summary>
public sealed record ContinuityDecision(string CaseId, bool Continuous, string Criterion, string Rule, string Reference, bool Confirmed, IReadOnlyList<JoinedFact> Facts)
{
    /// <summary>Every firing of the case, deciding or not, in the rules' order: what the trace shows.</summary>
    public IReadOnlyList<JoinFiring> Firings { get; init; } = [];
}

/// <summary>
/// The continuity judgement (世帯の継続性, §B7): each candidate household turned into facts (its two households, a
/// member fact per person of either, its events), the rule set's continuity rules (<c>joins.json</c>) run over them
/// in NRules sessions partitioned by case, and per case the first rule in the file's order that fired decides. A pure
/// function of its inputs: the same decisions whatever the order of the cases, their members and events, and whatever
/// the partitioning.
/// </summary>
public static class ContinuityJudgement
{
    /// <summary>Cases judged in one NRules session by default: the joins compare every fact of a session with the others, so few; a session per case costs more than the joins of a few.</summary>
    public const int DefaultCasesPerSession = 8;

    /// <summary>
    /// Judges the cases, <paramref name="casesPerSession"/> to a session (never a case split across two), on up to
    /// <paramref name="workers"/> sessions at once; the decisions in the cases' order.
    /// </summary>
    /// <exception cref="ArgumentException">Two cases have the same id.</exception>
    /// <exception cref="JoinRunException">A rule failed while it ran, or no rule decided a case (the rule set's fault).</exception>
    public static IReadOnlyList<ContinuityDecision> Decide(JoinRules rules, IReadOnlyList<ContinuityCase> cases, int workers, int casesPerSession = DefaultCasesPerSession)
    {
        return DecideWithResult(rules, cases, workers, casesPerSession).Decisions;
    }

    /// <summary><see cref="Decide"/>, with the run's firings (for a trace).</summary>
    public static (IReadOnlyList<ContinuityDecision> Decisions, JoinResult Result) DecideWithResult(JoinRules rules, IReadOnlyList<ContinuityCase> cases, int workers,
        int casesPerSession = DefaultCasesPerSession)
    {
        ArgumentNullException.ThrowIfNull(rules);
        ArgumentOutOfRangeException.ThrowIfLessThan(casesPerSession, 1);
        var index = CaseIndex(cases);
        var result = rules.RunPartitioned(Facts(cases), f => index[CaseIdOf(f)] / casesPerSession, workers);
        return (Decisions(rules, cases, result), result);
    }

    /// <summary>Judges every case in one NRules session (the reference a partitioned run must equal).</summary>
    public static IReadOnlyList<ContinuityDecision> DecideOneSession(JoinRules rules, IReadOnlyList<ContinuityCase> cases)
    {
        ArgumentNullException.ThrowIfNull(rules);
        CaseIndex(cases);
        return Decisions(rules, cases, rules.Run(Facts(cases)));
    }

    /// <summary>The facts of the cases, case by case: both households, a member per person of either, each event of those persons.</summary>
    public static List<object> Facts(IEnumerable<ContinuityCase> cases)
    {
        var facts = new List<object>();
        foreach (var c in cases) AddFacts(c, facts);
        return facts;
    }

    private static void AddFacts(ContinuityCase c, List<object> facts)
    {
        facts.Add(new HouseholdFact(c.CaseId, MoveSides.MoveOut, c.MoveOut));
        facts.Add(new HouseholdFact(c.CaseId, MoveSides.MoveIn, c.MoveIn));
        var inOut = new HashSet<string>(c.MoveOut.MemberKeys, StringComparer.Ordinal);
        var inIn = new HashSet<string>(c.MoveIn.MemberKeys, StringComparer.Ordinal);
        var persons = new List<string>(c.MoveOut.MemberKeys);
        persons.AddRange(c.MoveIn.MemberKeys.Where(k => !inOut.Contains(k)));
        var kinds = c.Events.Where(e => inOut.Contains(e.PersonKey) || inIn.Contains(e.PersonKey)).ToLookup(e => e.PersonKey, e => e.Kind, StringComparer.Ordinal);
        foreach (var person in persons)
            facts.Add(new MemberFact(c.CaseId, person, inOut.Contains(person), inIn.Contains(person), person == c.MoveOut.HeadKey, person == c.MoveIn.HeadKey, kinds[person]));
        foreach (var e in c.Events)
            if (inOut.Contains(e.PersonKey) || inIn.Contains(e.PersonKey)) facts.Add(new MoveEventFact(c.CaseId, e));
    }

    /// <summary>The case a fact belongs to: the partition key of a run.</summary>
    public static string CaseIdOf(object fact) => fact switch
    {
        HouseholdFact h => h.CaseId,
        MemberFact m => m.CaseId,
        MoveEventFact e => e.CaseId,
        _ => throw new ArgumentException($"not a continuity fact: {fact.GetType().Name}", nameof(fact)),
    };

    private static Dictionary<string, int> CaseIndex(IReadOnlyList<ContinuityCase> cases)
    {
        ArgumentNullException.ThrowIfNull(cases);
        var index = new Dictionary<string, int>(cases.Count, StringComparer.Ordinal);
        for (var i = 0; i < cases.Count; i++)
            if (!index.TryAdd(cases[i].CaseId, i)) throw new ArgumentException($"case {i} has the id of case {index[cases[i].CaseId]}: each case needs its own id", nameof(cases));
        return index;
    }

    private static List<ContinuityDecision> Decisions(JoinRules rules, IReadOnlyList<ContinuityCase> cases, JoinResult result)
    {
        var byCase = new Dictionary<string, List<JoinFiring>>(StringComparer.Ordinal);
        foreach (var firing in result.Firings)
        {
            var id = ((ContinuityConclusion)firing.Conclusion).CaseId;
            if (!byCase.TryGetValue(id, out var list)) byCase.Add(id, list = []);
            list.Add(firing);
        }
        var decisions = new List<ContinuityDecision>(cases.Count);
        foreach (var c in cases)
        {
            if (!byCase.TryGetValue(c.CaseId, out var firings))
                throw new JoinRunException($"{rules.File}: no continuity rule decided case '{c.CaseId}': the rules must decide every candidate household (end them with a rule that always holds)", new InvalidOperationException(c.CaseId));
            decisions.Add(DecideCase(firings));
        }
        return decisions;
    }

    /// <summary>The first rule that fired decides (firings are in the file's order); the facts are those of every firing of that rule, deduplicated and sorted.</summary>
    private static ContinuityDecision DecideCase(List<JoinFiring> firings)
    {
        var first = firings[0];
        var conclusion = (ContinuityConclusion)first.Conclusion;
        var facts = firings.Where(f => f.Rule.Index == first.Rule.Index)
            .SelectMany(f => f.Facts)
            .Select(Describe)
            .Distinct()
            .OrderBy(f => f.Type, StringComparer.Ordinal).ThenBy(f => f.Side, StringComparer.Ordinal).ThenBy(f => f.PersonKey, StringComparer.Ordinal)
            .ThenBy(f => f.Kind, StringComparer.Ordinal).ThenBy(f => f.Fact, StringComparer.Ordinal)
            .ToArray();
        return new ContinuityDecision(conclusion.CaseId, conclusion.Continuous, conclusion.Criterion, first.Rule.Name, first.Rule.Reference, first.Rule.Confirmed, facts)
        {
            Firings = firings,
        };
    }

    private static JoinedFact Describe(JoinMatchedFact f) => f.Fact switch
    {
        HouseholdFact h => new JoinedFact(f.Name, "Household", h.Side, h.Insurer, h.HouseholdId),
        MemberFact m => new JoinedFact(f.Name, "Member", PersonKey: m.PersonKey, Kind: m.Added ? "added" : m.Lost ? "lost" : "kept"),
        MoveEventFact e => new JoinedFact(f.Name, "Event", PersonKey: e.PersonKey, Kind: e.Kind),
        _ => new JoinedFact(f.Name, f.Fact.GetType().Name),
    };
}
