using KokuhoRules.Engine.Joins;
using KokuhoRules.Engine.Tracing;
using static KokuhoRules.Tests.Engine.Joins.ContinuityJoins;

namespace KokuhoRules.Tests.Engine.Joins;

/// <summary>
/// Join rules read from <c>joins.json</c> (TestData/joins/continuity) and run by NRules on made-up moves: what they
/// conclude, which facts each firing matched, the trace entries, and one compiled rule set shared by many threads.
/// </summary>
public sealed class JoinRuleExampleTests
{
    [Fact]
    public void A_move_in_more_than_the_tolerated_days_after_the_move_out_is_a_gap_of_the_days_between()
    {
        var moveOut = new MoveOut("A", "尼崎市", Day(0));
        var moveIn = new MoveIn("A", "西宮市", Day(20));

        var result = Compiled.Run([moveOut, moveIn]);

        var firing = Assert.Single(result.Firings);
        Assert.Equal(new Gap("A", 20), firing.Conclusion);
        Assert.Equal("転出から次の転入まで14日を超える空白", firing.Rule.Name);
        Assert.Equal("転出から次の転入まで{continuity.toleranceDays}日を超える空白", firing.Rule.NameTemplate);
        Assert.Equal("国民健康保険法第7条・第8条（資格の取得・喪失の時期）", firing.Rule.Reference);
        Assert.Equal([("moveOut", (object)moveOut, 0), ("moveIn", moveIn, 1)], firing.Facts.Select(f => (f.Name, f.Fact, f.Position)));
    }

    [Fact]
    public void A_move_in_within_the_tolerated_days_is_no_gap_and_the_tolerance_is_the_parameter()
    {
        Assert.Empty(Compiled.Run([new MoveOut("A", "尼崎市", Day(0)), new MoveIn("A", "西宮市", Day(14))]).Firings);
        Assert.Equal([new Gap("A", 15)], Compiled.Run([new MoveOut("A", "尼崎市", Day(0)), new MoveIn("A", "西宮市", Day(15))]).Of<Gap>());

        // The same file with a tolerance of 30 days: 20 days is no gap any more, and the rule's name says 30.
        var parameters = File.ReadAllText(Path.Combine(Folder, "parameters.json")).Replace("\"value\": 14", "\"value\": 30");
        var (bound, table) = Bind(System.Text.Encoding.UTF8.GetBytes(parameters));
        var (rules, errors) = Compile(JoinsText, Vocabulary(bound, table));
        Assert.Empty(errors);
        Assert.Empty(rules!.Run([new MoveOut("A", "尼崎市", Day(0)), new MoveIn("A", "西宮市", Day(20))]).Of<Gap>());
        Assert.Equal("転出から次の転入まで30日を超える空白", rules.Rules[0].Name);
    }

    [Fact]
    public void Only_the_next_move_in_after_a_move_out_is_joined_with_it()
    {
        // A leaves on day 0, arrives on day 30 (a gap), leaves on day 40 and arrives on day 45 (no gap).
        var facts = new object[]
        {
            new MoveIn("A", "西宮市", Day(45)), new MoveOut("A", "尼崎市", Day(0)),
            new MoveOut("A", "西宮市", Day(40)), new MoveIn("A", "西宮市", Day(30)),
        };

        var result = Compiled.Run(facts);

        var firing = Assert.Single(result.Firings);
        Assert.Equal(new Gap("A", 30), firing.Conclusion);
        Assert.Equal([1, 3], firing.Facts.Select(f => f.Position));
    }

    [Fact]
    public void A_move_in_of_another_person_is_never_joined_with_a_move_out()
    {
        var result = Compiled.Run([new MoveOut("A", "尼崎市", Day(0)), new MoveIn("B", "西宮市", Day(20))]);

        Assert.Equal([new Unmatched("A", "尼崎市")], result.Conclusions);
    }

    [Fact]
    public void A_move_out_with_no_later_move_in_is_unmatched_only_in_a_city_of_the_prefecture()
    {
        var result = Compiled.Run([
            new MoveIn("A", "尼崎市", Day(0)), new MoveOut("A", "尼崎市", Day(10)),   // the move-in is earlier: unmatched
            new MoveOut("B", "大阪市", Day(10)),                                        // not a city of the prefecture
            new MoveOut("C", "西宮市", Day(10)), new MoveIn("C", "尼崎市", Day(12)),  // moved in again: matched, no gap
        ]);

        var firing = Assert.Single(result.Firings);
        Assert.Equal(new Unmatched("A", "尼崎市"), firing.Conclusion);
        Assert.Equal("県内の市からの転出で転入がない", firing.Rule.Name);
        Assert.Null(firing.Rule.NameTemplate);
        Assert.False(firing.Rule.Confirmed);
        Assert.Equal([("moveOut", 1)], firing.Facts.Select(f => (f.Name, f.Position))); // a "not" pattern matches no fact
    }

    [Fact]
    public void Two_equal_move_outs_are_two_facts_and_each_fires()
    {
        var result = Compiled.Run([new MoveOut("A", "尼崎市", Day(0)), new MoveOut("A", "尼崎市", Day(0))]);

        Assert.Equal([0, 1], result.Firings.Select(f => f.Facts[0].Position));
    }

    [Fact]
    public void An_exists_pattern_fires_once_however_many_facts_satisfy_it()
    {
        var (rules, errors) = Compile("""
            {
              "rules": [
                {
                  "name": "転出後に他市へ転入した",
                  "reference": "made up for the test",
                  "match": [
                    { "fact": "moveOut", "type": "MoveOut" },
                    { "fact": "elsewhere", "type": "MoveIn", "kind": "exists",
                      "where": "elsewhere.PersonKey == moveOut.PersonKey && elsewhere.City != moveOut.City && elsewhere.AcquisitionDate >= moveOut.LossDate" }
                  ],
                  "then": { "conclude": "Gap", "values": { "personKey": "moveOut.PersonKey", "days": "moveOut.City == \"尼崎市\" ? 1 : iif(moveOut.City == \"西宮市\", 2, 3)" } }
                }
              ]
            }
            """);
        Assert.Empty(errors);

        var result = rules!.Run([
            new MoveOut("A", "尼崎市", Day(0)), new MoveIn("A", "西宮市", Day(3)), new MoveIn("A", "大阪市", Day(9)),
            new MoveOut("B", "西宮市", Day(0)), new MoveIn("B", "西宮市", Day(3)),  // the same city: no
            new MoveOut("C", "大阪市", Day(5)), new MoveIn("C", "尼崎市", Day(1)),  // before the move-out: no
        ]);

        var firing = Assert.Single(result.Firings);
        Assert.Equal(new Gap("A", 1), firing.Conclusion);
        Assert.Equal(["moveOut"], firing.Facts.Select(f => f.Name));
    }

    [Fact]
    public void Firings_become_trace_entries_with_the_rendered_name_the_reference_and_the_matched_facts()
    {
        var result = Compiled.Run([new MoveOut("A", "尼崎市", Day(0)), new MoveIn("A", "西宮市", Day(20)), new MoveOut("B", "西宮市", Day(3))]);
        var trace = new Trace();

        result.AppendTo(trace, f => Person(f.Facts[0].Fact));

        Assert.Collection(trace.Steps,
            gap =>
            {
                Assert.Equal((1, "decision", "A", "Gap"), (gap.Step, gap.Kind, gap.Subject, gap.Item));
                Assert.Equal("転出から次の転入まで14日を超える空白（moveOut = MoveOut #0, moveIn = MoveIn #1）", gap.Text);
                Assert.Equal(("continuity/joins.json", "転出から次の転入まで14日を超える空白", "Gap", "国民健康保険法第7条・第8条（資格の取得・喪失の時期）", "national"),
                    (gap.Rule!.Workflow, gap.Rule.Rule, gap.Rule.Outcome, gap.Rule.Reference, gap.Rule.Layer));
                Assert.Contains("not MoveIn between where between.PersonKey == moveOut.PersonKey", gap.Rule.Expression);
            },
            unmatched =>
            {
                Assert.Equal((2, "B", "Unmatched"), (unmatched.Step, unmatched.Subject, unmatched.Item));
                Assert.Equal("県内の市からの転出で転入がない（moveOut = MoveOut #2）", unmatched.Text);
            });
        // The trace names facts by pattern, type and position, never by their values.
        Assert.DoesNotContain(trace.Steps, s => s.Text.Contains("2025") || s.Text.Contains("西宮市"));
    }

    [Fact]
    public void One_compiled_rule_set_run_from_many_threads_at_once_gives_every_thread_the_same_answers()
    {
        // The conditions hold a nested lambda over a fact (PrefectureCities.Any(c => c == moveOut.City)): the shape
        // that FastExpressionCompiler was measured to get wrong across threads. NRules compiles with Expression.Compile().
        var facts = Enumerable.Range(0, 60).SelectMany(i => new object[]
        {
            new MoveOut($"P{i}", i % 3 == 0 ? "大阪市" : "尼崎市", Day(i)),
            i % 2 == 0 ? new MoveIn($"P{i}", "西宮市", Day(i + (i % 5) * 7)) : new MoveIn($"Q{i}", "西宮市", Day(i)),
        }).ToArray();
        var expected = Describe(Compiled.Run(facts));
        Assert.Contains("Gap", expected);
        Assert.Contains("Unmatched", expected);

        var answers = new System.Collections.Concurrent.ConcurrentBag<string>();
        Parallel.For(0, 64, new ParallelOptions { MaxDegreeOfParallelism = 8 }, i =>
            answers.Add(Describe(i % 2 == 0 ? Compiled.Run(facts) : Compiled.RunPartitioned(facts, Person, 3))));

        Assert.Equal(64, answers.Count);
        Assert.All(answers, a => Assert.Equal(expected, a));
    }

    [Fact]
    public void A_fact_of_a_type_the_rules_do_not_know_or_given_twice_is_refused_by_name_and_position()
    {
        var moveOut = new MoveOut("A", "尼崎市", Day(0));

        Assert.Contains("fact 1 is a String", Assert.Throws<ArgumentException>(() => Compiled.Run([moveOut, "x"])).Message);
        Assert.Contains("fact 1 is the same object as fact 0", Assert.Throws<ArgumentException>(() => Compiled.Run([moveOut, moveOut])).Message);
        Assert.Throws<ArgumentOutOfRangeException>(() => Compiled.RunPartitioned([moveOut], Person, 0));
    }

    [Fact]
    public void A_rule_that_fails_while_it_runs_is_named_with_its_file_and_line_without_the_facts_values()
    {
        var json = JoinsText.Replace("moveIn.PersonKey == moveOut.PersonKey &&", "moveIn.City.Length > 0 && moveIn.PersonKey == moveOut.PersonKey &&");
        var (rules, errors) = Compile(json);
        Assert.Empty(errors);

        var e = Assert.Throws<JoinRunException>(() => rules!.Run([new MoveOut("A", "尼崎市", Day(0)), new MoveIn("A", null!, Day(20))]));

        Assert.StartsWith("continuity/joins.json:5: rule '転出から次の転入まで14日を超える空白': a join rule failed while it ran (NullReferenceException", e.Message);
        Assert.DoesNotContain("尼崎市", e.Message);
    }

    /// <summary>A firing list as text: rule, matched positions, conclusion.</summary>
    internal static string Describe(JoinResult result) =>
        string.Join("\n", result.Firings.Select(f => $"{f.Rule.Index} [{string.Join(",", f.Facts.Select(x => x.Position))}] {f.Conclusion}"));
}
