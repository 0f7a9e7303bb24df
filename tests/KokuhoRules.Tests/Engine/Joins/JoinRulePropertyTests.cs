using FsCheck;
using FsCheck.Xunit;
using KokuhoRules.Engine.Joins;
using NodaTime;
using static KokuhoRules.Tests.Engine.Joins.ContinuityJoins;

namespace KokuhoRules.Tests.Engine.Joins;

/// <summary>
/// Invariants of join rules run by NRules, on moves of four people across three cities generated from bytes: the
/// conclusions are those of the rules stated plainly in LINQ; they do not depend on the order of the facts; a run
/// partitioned by person gives the same firings, in the same order, on 1, 2 or 4 sessions as one session does; and a
/// rule that joins on the person never fires for the facts of two people.
/// </summary>
[Properties(MaxTest = 100)]
public sealed class JoinRulePropertyTests
{
    private static readonly string[] Cities = ["尼崎市", "西宮市", "大阪市"];

    private static object[] Facts(byte[] outs, byte[] ins) =>
        outs.Select(b => (object)new MoveOut($"P{b % 4}", Cities[b / 4 % 3], Day(b / 4)))
            .Concat(ins.Select(b => (object)new MoveIn($"P{b % 4}", Cities[b / 4 % 3], Day(b / 4))))
            .ToArray();

    /// <summary>What the two rules of TestData/joins/continuity/joins.json say, written directly.</summary>
    private static List<string> Expected(object[] facts)
    {
        var (p, _) = Bound;
        var outs = facts.OfType<MoveOut>().ToList();
        var ins = facts.OfType<MoveIn>().ToList();
        var gaps =
            from o in outs
            from i in ins
            where i.PersonKey == o.PersonKey && i.AcquisitionDate > o.LossDate.PlusDays(p.Continuity.ToleranceDays)
            where !ins.Any(j => j.PersonKey == o.PersonKey && j.AcquisitionDate >= o.LossDate && j.AcquisitionDate < i.AcquisitionDate)
            select new Gap(o.PersonKey, Period.Between(o.LossDate, i.AcquisitionDate, PeriodUnits.Days).Days).ToString();
        var unmatched =
            from o in outs
            where p.Continuity.PrefectureCities.Contains(o.City)
            where !ins.Any(i => i.PersonKey == o.PersonKey && i.AcquisitionDate >= o.LossDate)
            select new Unmatched(o.PersonKey, o.City).ToString();
        return gaps.Concat(unmatched).Order(StringComparer.Ordinal).ToList();
    }

    private static List<string> Concluded(JoinResult result) => result.Conclusions.Select(c => c.ToString()!).Order(StringComparer.Ordinal).ToList();

    [Property]
    public bool The_conclusions_are_those_of_the_rules_stated_plainly(byte[] outs, byte[] ins)
    {
        var facts = Facts(outs, ins);
        return Concluded(Compiled.Run(facts)).SequenceEqual(Expected(facts));
    }

    [Property]
    public bool The_order_of_the_facts_never_changes_what_fires_on_which_facts(byte[] outs, byte[] ins, int seed)
    {
        var facts = Facts(outs, ins);
        var shuffled = facts.ToArray();
        new Random(seed).Shuffle(shuffled);

        // Each firing as its rule, the facts it matched (by their place in the unshuffled list) and its conclusion.
        var place = facts.Select((f, i) => (f, i)).ToDictionary(x => x.f, x => x.i, ReferenceEqualityComparer.Instance);
        List<string> Firings(JoinResult r) => r.Firings
            .Select(f => $"{f.Rule.Index} [{string.Join(",", f.Facts.Select(x => place[x.Fact]))}] {f.Conclusion}")
            .Order(StringComparer.Ordinal).ToList();

        return Firings(Compiled.Run(facts)).SequenceEqual(Firings(Compiled.Run(shuffled)));
    }

    [Property]
    public bool A_run_partitioned_by_person_is_one_session_whatever_the_number_of_workers(byte[] outs, byte[] ins)
    {
        var facts = Facts(outs, ins);
        var one = JoinRuleExampleTests.Describe(Compiled.Run(facts));
        return new[] { 1, 2, 4 }.All(workers => JoinRuleExampleTests.Describe(Compiled.RunPartitioned(facts, Person, workers)) == one);
    }

    [Property]
    public bool A_rule_joining_on_the_person_never_fires_for_the_facts_of_two_people(byte[] outs, byte[] ins)
    {
        var result = Compiled.Run(Facts(outs, ins));
        return result.Firings.All(f => f.Facts.Select(x => Person(x.Fact)).Distinct().Count() == 1
            && f.Conclusion switch { Gap g => g.PersonKey == Person(f.Facts[0].Fact), Unmatched u => u.PersonKey == Person(f.Facts[0].Fact), _ => false });
    }

    [Fact]
    public void The_generated_moves_do_reach_both_rules_and_cross_people()
    {
        // Guards the generator above: moves of several people, gaps and unmatched move-outs all occur.
        var facts = Facts([0, 1, 2, 5, 9, 200, 252], [4, 90, 101, 250]);
        var result = Compiled.Run(facts);
        Assert.True(facts.Select(Person).Distinct().Count() >= 3);
        Assert.NotEmpty(result.Of<Gap>());
        Assert.NotEmpty(result.Of<Unmatched>());
    }
}
