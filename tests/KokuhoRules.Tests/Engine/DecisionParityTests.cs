using System.Text.Json;
using KokuhoRules.Engine.Decisions;
using KokuhoRules.Engine.Tracing;
using KokuhoRules.Rules.Batch;
using KokuhoRules.Rules.Catalog;
using KokuhoRules.Rules.Premium;
using KokuhoRules.Rules.Snapshots;
using KokuhoRules.Tests.Support;
using RulesEngine.Models;

namespace KokuhoRules.Tests.Engine;

/// <summary>
/// The workflows stay Microsoft RulesEngine data: run by RulesEngine itself
/// (<c>ExecuteAllRulesAsync</c>, first successful rule), they decide exactly what the compiled
/// delegates decide.
/// </summary>
public sealed class DecisionParityTests
{
    private static readonly PremiumRuleSet Rs = TestRuleSets.Amagasaki2025;

    private static readonly RulesEngine.RulesEngine Native = new(Rs.Workflows.Workflows.ToArray(),
        new ReSettings { IsExpressionCaseSensitive = false, EnableExceptionAsErrorMessageForRuleExpressionParsing = true });

    private static string NativeOutcome(string workflow, string factsName, object facts)
    {
        var results = Native.ExecuteAllRulesAsync(workflow, new RuleParameter(factsName, facts), new RuleParameter("p", Rs.Parameters)).GetAwaiter().GetResult();
        Assert.All(results, r => Assert.True(string.IsNullOrEmpty(r.ExceptionMessage), r.ExceptionMessage));
        return results.First(r => r.IsSuccess).Rule.SuccessEvent;
    }

    [Fact]
    public void Reduction_class_matches_RulesEngine_on_a_grid_of_households()
    {
        var checkedCases = 0;
        foreach (var income in new long[] { 0, 430_000, 430_001, 530_000, 735_000, 735_001, 1_040_000, 1_500_000, 2_770_000, 2_770_001, 9_000_000 })
        foreach (var persons in new[] { 0, 1, 2, 4, 7 })
        foreach (var earners in new[] { 0, 1, 2, 3 })
        foreach (var undeclared in new[] { 0, 1 })
        {
            var facts = new ReductionFacts(income, persons, earners, undeclared);
            Assert.Equal(NativeOutcome("ReductionClass", "h", facts), Rs.ReductionClass.Rules[Rs.ReductionClass.Match(facts)].Outcome);
            checkedCases++;
        }
        Assert.Equal(11 * 5 * 4 * 2, checkedCases);
    }

    [Fact]
    public void Member_decisions_match_RulesEngine()
    {
        foreach (var age in new[] { -1, 0, 5, 6, 39, 40, 64, 65, 74, 75, 80 })
        foreach (var salary in new long[] { 0, 550_000, 550_001 })
        foreach (var pension in new long[] { 0, 600_001, 1_250_001 })
        {
            var year = new MemberYearFacts(age, age, true, salary, pension, pension / 2);
            Assert.Equal(NativeOutcome("SalaryEarner", "m", year), Rs.SalaryEarner.Rules[Rs.SalaryEarner.Match(year)].Outcome);
            Assert.Equal(NativeOutcome("ElderlyPensionDeduction", "m", year), Rs.ElderlyPensionDeduction.Rules[Rs.ElderlyPensionDeduction.Match(year)].Outcome);
            Assert.Equal(NativeOutcome("Preschool", "m", year), Rs.Preschool.Rules[Rs.Preschool.Match(year)].Outcome);
            foreach (var covered in new[] { false, true })
            {
                var date = new MemberDateFacts(covered, age, age, false);
                var insured = Rs.Insured.Decide(date);
                Assert.Equal(NativeOutcome("Insured", "m", date), insured ? "true" : "false");
                foreach (var c in Rs.Components)
                    Assert.Equal(NativeOutcome(c.Liability.Name, "m", date with { Insured = insured }), c.Liability.Decide(date with { Insured = insured }) ? "true" : "false");
            }
        }
    }

    public static TheoryData<string, int> BundledRuleSets()
    {
        var data = new TheoryData<string, int>();
        foreach (var rs in KokuhoRuleSets.Load([KokuhoRuleSets.BundledRoot]).All<PremiumRuleSet>()) data.Add(rs.Insurer.Id, rs.FiscalYear);
        return data;
    }

    /// <summary>
    /// Whole households: the same rule set with every decision evaluated by RulesEngine itself gives the
    /// same assessment, rule for rule (the trace names the rule that decided each step).
    /// </summary>
    [Theory]
    [MemberData(nameof(BundledRuleSets))]
    public void Whole_households_assessed_through_RulesEngine_come_to_the_same_assessment_and_trace(string insurer, int fiscalYear)
    {
        var compiled = KokuhoRuleSets.Load([KokuhoRuleSets.BundledRoot], (i, fy) => i == insurer && fy == fiscalYear).Premium(insurer, fiscalYear)!;
        var naive = PremiumRuleSetCompiler.Compile(compiled.Source, DecisionEvaluation.RulesEngine);
        var assessed = 0;
        foreach (var json in new SyntheticPopulation(fiscalYear, seed: fiscalYear).Households(400))
        {
            var household = SnapshotReader.Read(json, "household", [])!;
            Trace traceCompiled = new(), traceNaive = new();
            var a = PremiumCalculator.Assess(compiled, household, traceCompiled);
            var b = PremiumCalculator.Assess(naive, household, traceNaive);
            Assert.Equal(JsonSerializer.Serialize(a, KokuhoJson.Options), JsonSerializer.Serialize(b, KokuhoJson.Options));
            Assert.Equal(JsonSerializer.Serialize(traceCompiled.Steps, KokuhoJson.Options), JsonSerializer.Serialize(traceNaive.Steps, KokuhoJson.Options));
            assessed++;
        }
        Assert.True(assessed > 100);
    }
}
