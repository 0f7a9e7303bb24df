using KokuhoRules.Rules.Snapshots;
using NodaTime;
using K = KokuhoRules.Rules.HighCost.Continuity.ContinuityEventKinds;

namespace KokuhoRules.Rules.HighCost.Continuity;

/// <summary>The kinds of move <see cref="SyntheticMoves"/> generates, one per criterion and counter-case of §B7 (a split to two cities gives two candidates).</summary>
public enum MoveScenario
{
    AddressOnly, Born, LeftOtherInsurance, Died, JoinedOtherInsurance, BornAndDied, SplitSameHead, MergeSameHead, HeadDied, HeadHandover,
    HeadBecameMember, NewHeadFromAnotherHousehold, SplitWithNewHead, OtherPrefecture, SplitToTwoCities,
}

/// <summary>A decision a generated move must get (under parameters that carry a change of head and a split with the same head, as 兵庫県's do).</summary>
public sealed record ExpectedDecision(string CaseId, string Criterion, bool Continuous);

/// <summary>One generated household's move: the lines of the moves file, the move-out city's history lines, and the decisions expected.</summary>
public sealed record GeneratedMove(MoveScenario Scenario, IReadOnlyList<MoveLineJson> Lines, IReadOnlyList<HistoryLineJson> History, IReadOnlyList<ExpectedDecision> Expected);

/// <summary>
/// A prefecture's synthetic month of moves for tests and benchmarks: household <c>n</c> moves from one city of the
/// prefecture to another (or out of it) in the scenario <c>n mod 15</c>, so that every criterion and counter-case of
/// §B7 is represented; each has 18 months of the move-out city's history (benefit months at random). Person keys
/// are <c>P</c>/<c>Q</c> + digits + a letter (never 12 digits); no real person's data. Deterministic for a seed.
/// </summary>
public sealed class SyntheticMoves(IReadOnlyList<string> cities, YearMonth month, int seed)
{
    private readonly Random _random = new(seed);

    /// <summary><paramref name="households"/> moves, household numbers from 1.</summary>
    public IEnumerable<GeneratedMove> Moves(int households)
    {
        if (cities.Count < 3) throw new ArgumentException("at least three cities are needed (a split goes to two)", nameof(cities));
        var scenarios = Enum.GetValues<MoveScenario>();
        for (var n = 1; n <= households; n++) yield return Move(n, scenarios[(n - 1) % scenarios.Length]);
    }

    private GeneratedMove Move(int n, MoveScenario scenario)
    {
        var fromIndex = _random.Next(cities.Count);
        var from = cities[fromIndex];
        var to = cities[(fromIndex + 1 + _random.Next(cities.Count - 1)) % cities.Count];
        var other = cities.First(c => c != from && c != to);
        var day = month.OnDayOfMonth(1 + _random.Next(month.ToDateInterval().Length));
        string P(int i) => $"P{n:D7}{(char)('a' + i)}";
        string Q(int i) => $"Q{n:D7}{(char)('a' + i)}";
        string outId = $"H{n:D7}", inId = $"N{n:D7}";
        var lines = new List<MoveLineJson>();
        var expected = new List<ExpectedDecision>();
        void Out(string head, params string[] members) => lines.Add(Line(MoveSides.MoveOut, from, day, outId, head, members));
        void In(string city, string id, string head, params string[] members) => lines.Add(Line(MoveSides.MoveIn, city, day, id, head, members));
        void Event(string person, string kind) => lines.Add(new MoveLineJson { PersonKey = person, Kind = kind, Date = day.PlusDays(-_random.Next(1, 20)) });
        void Expect(string city, string id, string criterion, bool continuous) =>
            expected.Add(new ExpectedDecision($"{from}:{outId}>{city}:{id}", criterion, continuous));

        switch (scenario)
        {
            case MoveScenario.AddressOnly:
                Out(P(0), P(0), P(1)); In(to, inId, P(0), P(0), P(1)); Event(P(0), K.Moved); Expect(to, inId, "addressOnly", true); break;
            case MoveScenario.Born:
                Out(P(0), P(0), P(1)); In(to, inId, P(0), P(0), P(1), P(2)); Event(P(2), K.Born); Expect(to, inId, "membersAdded", true); break;
            case MoveScenario.LeftOtherInsurance:
                Out(P(0), P(0)); In(to, inId, P(0), P(0), P(1)); Event(P(1), K.LeftOtherInsurance); Expect(to, inId, "membersAdded", true); break;
            case MoveScenario.Died:
                Out(P(0), P(0), P(1), P(2)); In(to, inId, P(0), P(0), P(1)); Event(P(2), K.Died); Expect(to, inId, "membersLost", true); break;
            case MoveScenario.JoinedOtherInsurance:
                Out(P(0), P(0), P(1)); In(to, inId, P(0), P(0)); Event(P(1), K.JoinedOtherInsurance); Expect(to, inId, "membersLost", true); break;
            case MoveScenario.BornAndDied:
                Out(P(0), P(0), P(1), P(2)); In(to, inId, P(0), P(0), P(1), P(3)); Event(P(2), K.Died); Event(P(3), K.Born); Expect(to, inId, "membersAddedAndLost", true); break;
            case MoveScenario.SplitSameHead:
                Out(P(0), P(0), P(1), P(2)); In(to, inId, P(0), P(0), P(1)); Event(P(2), K.LeftHousehold); Expect(to, inId, "splitOrMergeSameHead", true); break;
            case MoveScenario.MergeSameHead:
                Out(P(0), P(0)); In(to, inId, P(0), P(0), Q(0)); Event(Q(0), K.JoinedHousehold); Expect(to, inId, "splitOrMergeSameHead", true); break;
            case MoveScenario.HeadDied:
                Out(P(0), P(0), P(1)); In(to, inId, P(1), P(1)); Event(P(0), K.Died); Expect(to, inId, "headChangeWithinHousehold", true); break;
            case MoveScenario.HeadHandover:
                Out(P(0), P(0), P(1)); In(to, inId, P(1), P(0), P(1)); Expect(to, inId, "headChangeWithinHousehold", true); break;
            case MoveScenario.HeadBecameMember:
                Out(P(0), P(0), P(1)); In(to, inId, Q(0), Q(0), P(0), P(1)); Event(P(0), K.JoinedHousehold); Event(P(1), K.JoinedHousehold);
                Expect(to, inId, "headBecameMember", false); break;
            case MoveScenario.NewHeadFromAnotherHousehold:
                Out(P(0), P(0), P(1)); In(to, inId, Q(0), Q(0), P(1)); Event(P(1), K.JoinedHousehold); Expect(to, inId, "newHeadFromAnotherHousehold", false); break;
            case MoveScenario.SplitWithNewHead:
                Out(P(0), P(0), P(1), P(2)); In(to, inId, P(1), P(1), P(2)); Event(P(0), K.LeftHousehold); Expect(to, inId, "splitWithNewHead", false); break;
            case MoveScenario.OtherPrefecture:
                lines.Add(Line(MoveSides.MoveOut, from, day, outId, P(0), [P(0), P(1)]) with { ToPrefecture = "osaka" });
                expected.Add(new ExpectedDecision($"{from}:{outId}>:", "otherPrefecture", false)); break;
            case MoveScenario.SplitToTwoCities:
                Out(P(0), P(0), P(1), P(2)); In(to, inId, P(0), P(0), P(1)); In(other, $"M{n:D7}", P(2), P(2)); Event(P(2), K.LeftHousehold);
                Expect(to, inId, "splitOrMergeSameHead", true); Expect(other, $"M{n:D7}", "splitWithNewHead", false); break;
        }
        return new GeneratedMove(scenario, lines, History(from, outId), expected);
    }

    private List<HistoryLineJson> History(string city, string household)
    {
        var history = new List<HistoryLineJson>();
        for (var back = 17; back >= 0; back--)
        {
            var care = month.OnDayOfMonth(1).PlusMonths(-back).ToYearMonth();
            var roll = _random.Next(6);
            if (roll < 2) history.Add(new HistoryLineJson { Insurer = city, HouseholdId = household, CareMonth = care, BenefitPaid = 1_000 * _random.Next(1, 300), OutpatientOnly = roll == 1 });
            else if (roll == 2) history.Add(new HistoryLineJson { Insurer = city, HouseholdId = household, CareMonth = care, BenefitPaid = 0 });
        }
        return history;
    }

    private MemberJson Member(string id, LocalDate moveDay)
    {
        var birth = new LocalDate(1951, 1, 1).PlusDays(_random.Next(365 * 74));
        if (birth > moveDay) birth = moveDay.PlusDays(-1);
        var acquired = birth > new LocalDate(2019, 4, 1) ? birth : new LocalDate(2019, 4, 1);
        return new MemberJson { Id = id, BirthDate = birth, Coverage = [new CoverageJson { Acquired = acquired }], Income = new IncomeJson { Declared = false } };
    }

    private MoveLineJson Line(string side, string city, LocalDate day, string household, string head, string[] members) => new()
    {
        Side = side,
        Insurer = city,
        MoveDate = day,
        Household = new HouseholdJson
        {
            Id = household,
            HeadId = head,
            Members = members.Select(m => (MemberJson?)Member(m, day)).ToArray(),
        },
    };
}
