using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;
using KokuhoRules.Rules.HighCost.Continuity;
using NodaTime;

namespace KokuhoRules.Tests.HighCost.Continuity;

/// <summary>
/// Invariants of the continuity judgement (issue 14 item 4) on generated months of moves (every criterion and
/// counter-case of §B7): each candidate gets the decision its scenario must get; the decision — criterion, continuous,
/// facts — does not depend on the order of the members of either household or of the events; and the decisions of a
/// partitioned run (1 to 6 candidates to a session, 1 to 4 sessions at once) are those of one NRules session.
/// </summary>
[Properties(MaxTest = 40)]
public sealed class ContinuityPropertyTests
{
    public static readonly string[] Cities = ["amagasaki", "nishinomiya", "kobe", "himeji", "akashi"];
    public static readonly YearMonth Month = new(2025, 10);

    /// <summary>The move records and events of generated moves, as the batch reads them (ids only).</summary>
    public static (List<MoveRecord> Moves, List<PersonEvent> Events) Records(IEnumerable<GeneratedMove> generated)
    {
        var moves = new List<MoveRecord>();
        var events = new List<PersonEvent>();
        foreach (var line in generated.SelectMany(g => g.Lines))
        {
            if (line.Side is null)
            {
                events.Add(new PersonEvent(line.PersonKey!, line.Kind!, line.Date!.Value));
                continue;
            }
            var h = line.Household!;
            moves.Add(new MoveRecord(line.Side, line.MoveDate!.Value, new MoveHousehold(line.Insurer!, "hyogo", h.Id!, h.HeadId!, h.Members!.Select(m => m!.Id!).ToArray()), line.ToPrefecture));
        }
        return (moves, events);
    }

    private static string Key(ContinuityDecision d) =>
        $"{d.CaseId} {d.Criterion} {d.Continuous} [{string.Join(' ', d.Facts.Select(f => $"{f.Type}:{f.Side}:{f.PersonKey}:{f.Kind}"))}]";

    [Property]
    public bool Every_generated_candidate_gets_the_decision_of_its_scenario(int seed, byte households)
    {
        var generated = new SyntheticMoves(Cities, Month, seed).Moves(1 + households % 45).ToList();
        var (moves, events) = Records(generated);
        var cases = ContinuityCandidates.Extract(moves, events).Cases;
        var decided = ContinuityJudgement.Decide(ContinuityTestRules.Rules(), cases, workers: 2);
        var expected = generated.SelectMany(g => g.Expected).Select(e => $"{e.CaseId} {e.Criterion} {e.Continuous}").Order(StringComparer.Ordinal);
        return decided.Select(d => $"{d.CaseId} {d.Criterion} {d.Continuous}").Order(StringComparer.Ordinal).SequenceEqual(expected);
    }

    [Property]
    public bool Continuity_does_not_depend_on_the_order_of_members_or_events(int seed, int shuffle)
    {
        var generated = new SyntheticMoves(Cities, Month, seed).Moves(Enum.GetValues<MoveScenario>().Length).ToList();
        var (moves, events) = Records(generated);
        var cases = ContinuityCandidates.Extract(moves, events).Cases;
        var random = new Random(shuffle);
        MoveHousehold Shuffled(MoveHousehold h)
        {
            var members = h.MemberKeys.ToArray();
            random.Shuffle(members);
            return h with { MemberKeys = members };
        }
        var reordered = cases.Select(c =>
        {
            var e = c.Events.ToArray();
            random.Shuffle(e);
            return c with { MoveOut = Shuffled(c.MoveOut), MoveIn = Shuffled(c.MoveIn), Events = e };
        }).ToArray();
        var rules = ContinuityTestRules.Rules();
        return ContinuityJudgement.Decide(rules, cases, 1).Select(Key).SequenceEqual(ContinuityJudgement.Decide(rules, reordered, 1).Select(Key));
    }

    [Property]
    public Property A_partitioned_run_decides_as_one_session_whatever_the_partitioning_and_the_order_of_cases()
    {
        return Prop.ForAll(Gen.Choose(1, 6).ToArbitrary(), Gen.Choose(1, 4).ToArbitrary(), ArbMap.Default.ArbFor<int>(), (perSession, workers, seed) =>
        {
            var generated = new SyntheticMoves(Cities, Month, seed).Moves(40).ToList();
            var (moves, events) = Records(generated);
            var cases = ContinuityCandidates.Extract(moves, events).Cases.ToArray();
            new Random(seed).Shuffle(cases);
            var rules = ContinuityTestRules.Rules();
            var one = ContinuityJudgement.DecideOneSession(rules, cases).Select(Key);
            var partitioned = ContinuityJudgement.Decide(rules, cases, workers, perSession).Select(Key);
            return one.SequenceEqual(partitioned);
        });
    }
}
