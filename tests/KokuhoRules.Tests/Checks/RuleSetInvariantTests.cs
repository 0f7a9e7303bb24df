using System.Text.Json;
using KokuhoRules.Engine.RuleSets;
using KokuhoRules.Rules.Catalog;
using KokuhoRules.Rules.Checks;
using KokuhoRules.Rules.Premium;
using KokuhoRules.Rules.Snapshots;
using KokuhoRules.Tests.Support;

namespace KokuhoRules.Tests.Checks;

/// <summary>
/// The catalogue of invariants (docs/invariants.md) run by <see cref="RuleSetChecks.Run"/> — what <c>kokuho rulesets check</c>
/// runs — against rule sets: by default every bundled rule set of a capability with a catalogue (premium, highCost,
/// eligibility); with <c>KOKUHO_CHECK_RULESET=insurer/year[@version]</c> the one named (of <c>KOKUHO_CHECK_CAPABILITY</c>,
/// default premium; under <c>KOKUHO_CHECK_ROOT</c>, default the bundled root), with <c>KOKUHO_CHECK_SEED</c> and
/// <c>KOKUHO_CHECK_TESTS</c>. Run alone with <c>dotnet test tests/KokuhoRules.Tests --filter Category=Invariants</c>.
/// </summary>
[Trait("Category", "Invariants")]
public sealed class RuleSetInvariantTests
{
    private static string? Env(string name) => Environment.GetEnvironmentVariable(name) is { Length: > 0 } v ? v : null;

    private static string[] Roots => Env("KOKUHO_CHECK_ROOT")?.Split(Path.PathSeparator) ?? [KokuhoRuleSets.BundledRoot];

    private static readonly Lazy<RuleSetCatalog> Catalog = new(() => KokuhoRuleSets.Load(Roots));

    /// <summary>
    /// The rule sets checked, as <c>capability insurer/year@version</c>: the one named by <c>KOKUHO_CHECK_RULESET</c>, else every
    /// rule set of the root(s) whose capability has a catalogue.
    /// </summary>
    public static TheoryData<string, string> RuleSets()
    {
        var data = new TheoryData<string, string>();
        if (Env("KOKUHO_CHECK_RULESET") is { } named) data.Add(Env("KOKUHO_CHECK_CAPABILITY") ?? PremiumRuleSetCompiler.CapabilityName, named);
        else
            foreach (var capability in RuleSetChecks.Capabilities)
                foreach (var rs in Catalog.Value.All<CompiledRuleSet>().Where(r => r.Capability == capability).OrderBy(r => r.Insurer.Id, StringComparer.Ordinal).ThenBy(r => r.FiscalYear).ThenBy(r => r.Version, StringComparer.Ordinal))
                    data.Add(capability, $"{rs.Insurer.Id}/{rs.FiscalYear}@{rs.Version}");
        return data;
    }

    private static PremiumRuleSet Find(RuleSetCatalog catalog, string spec) => (PremiumRuleSet)Find(catalog, PremiumRuleSetCompiler.CapabilityName, spec);

    private static CompiledRuleSet Find(RuleSetCatalog catalog, string capability, string spec)
    {
        var at = spec.Split('@', 2);
        var parts = at[0].Split('/');
        var (rs, refusal) = catalog.ResolveShown(capability, parts[0], int.Parse(parts[1], System.Globalization.CultureInfo.InvariantCulture), at.Length == 2 ? at[1] : null);
        Assert.True(rs is not null && rs.Capability == capability, $"{capability} {spec}: {refusal?.Detail}");
        return rs!;
    }

    private static string Report(RuleSetCheckResult result) =>
        string.Join("\n", result.Invariants.Where(i => !i.Holds).Select(i =>
            $"{i.Id} {i.NameJa}: expected {i.Counterexample!.Expected}; got {i.Counterexample.Got}\n  {i.Counterexample.Case}"));

    [Theory]
    [MemberData(nameof(RuleSets))]
    public void Every_invariant_of_the_catalogue_holds(string capability, string ruleSet)
    {
        var seed = ulong.Parse(Env("KOKUHO_CHECK_SEED") ?? "20250401", System.Globalization.CultureInfo.InvariantCulture);
        var tests = int.Parse(Env("KOKUHO_CHECK_TESTS") ?? "25", System.Globalization.CultureInfo.InvariantCulture);
        var result = RuleSetChecks.Run(Catalog.Value, Find(Catalog.Value, capability, ruleSet), seed, tests);
        Assert.Equal(RuleSetChecks.Catalogue(capability).Select(i => i.Id), result.Invariants.Select(i => i.Id));
        Assert.All(result.Invariants, i => Assert.Equal(tests, i.Cases));
        Assert.True(result.Holds, Report(result));
    }

    [Fact]
    public void A_rule_set_giving_7_tenths_to_higher_incomes_is_caught_with_a_counterexample_the_rule_set_itself_confirms()
    {
        using var broken = BrokenRuleSets.InvertedSevenTenths();
        var catalog = KokuhoRuleSets.Load([broken.Root]);
        var rs = Find(catalog, "amagasaki/2025");
        var result = RuleSetChecks.Run(catalog, rs, seed: 7, tests: 30, only: ["reduction-class-monotone", "caps-hold"]);
        Assert.False(result.Holds);
        Assert.True(result.Invariants.Single(i => i.Id == "caps-hold").Holds, Report(result));
        var failed = result.Invariants.Single(i => i.Id == "reduction-class-monotone");
        Assert.False(failed.Holds);
        // The counterexample, read back from its text, is one the broken decision really gets wrong, and the bundled one right.
        Assert.Contains("judgement incomes", failed.Counterexample!.Case);
        var good = TestRuleSets.Amagasaki2025.ReductionClass;
        var incomes = System.Text.RegularExpressions.Regex.Match(failed.Counterexample.Case, @"persons (\d+), salary earners (\d+), judgement incomes ([\d,]+) ≤ ([\d,]+)");
        Assert.True(incomes.Success, failed.Counterexample.Case);
        long N(int g) => long.Parse(incomes.Groups[g].Value.Replace(",", ""), System.Globalization.CultureInfo.InvariantCulture);
        var (persons, earners) = ((int)N(1), (int)N(2));
        Assert.True(rs.ReductionClass.Decide(new ReductionFacts(N(3), persons, earners, 0)) < rs.ReductionClass.Decide(new ReductionFacts(N(4), persons, earners, 0)));
        Assert.True(good.Decide(new ReductionFacts(N(3), persons, earners, 0)) >= good.Decide(new ReductionFacts(N(4), persons, earners, 0)));
    }

    [Fact]
    public void The_same_seed_gives_the_same_run_and_another_seed_other_cases()
    {
        var rs = TestRuleSets.Amagasaki2025;
        string Run(ulong seed) => JsonSerializer.Serialize(RuleSetChecks.Run(TestRuleSets.Catalog, rs, seed, 5, only: ["member-order"]), KokuhoJson.Options);
        Assert.Equal(Run(11), Run(11));
        var a = FsCheck.Fluent.Gen.Sample(HouseholdGenerators.Case(rs), 5, new FsCheck.Rnd(1), 50).Select(c => c.ToString());
        var b = FsCheck.Fluent.Gen.Sample(HouseholdGenerators.Case(rs), 5, new FsCheck.Rnd(1), 50).Select(c => c.ToString());
        var other = FsCheck.Fluent.Gen.Sample(HouseholdGenerators.Case(rs), 5, new FsCheck.Rnd(2), 50).Select(c => c.ToString());
        Assert.Equal(a, b);
        Assert.NotEqual(a, other);
    }

    [Fact]
    public void A_category_decision_giving_lower_incomes_a_higher_limit_is_caught_with_requests_that_show_the_limit_fall()
    {
        using var broken = BrokenRuleSets.InvertedULine();
        var catalog = KokuhoRuleSets.Load([broken.Root]);
        var rs = (Rules.HighCost.HighCostRuleSet)Find(catalog, Rules.HighCost.HighCostRuleSetCompiler.CapabilityName, "hyogo/2025");
        var result = RuleSetChecks.Run(catalog, rs, seed: 3, tests: 200);

        Assert.True(result.Invariants.Where(i => i.Id != "more-income-never-lowers-limit").All(i => i.Holds), Report(result));
        var failed = result.Invariants.Single(i => i.Id == "more-income-never-lowers-limit");
        Assert.False(failed.Holds);
        // The two requests printed, answered by the broken rule set, show the limit falling as the income rises; the bundled rule set's does not.
        var requests = failed.Counterexample!.Requests;
        Assert.Equal(["before", "after"], requests.Select(r => r.Label));
        Assert.All(requests, r => Assert.Equal("POST /v1/high-cost/benefits", r.Endpoint));
        var (before, after) = ((Rules.HighCost.HighCostBenefitRequest)requests[0].Body, (Rules.HighCost.HighCostBenefitRequest)requests[1].Body);
        Assert.Equal(true, before.Trial);
        static long Limit(Rules.HighCost.HighCostRuleSet r, Rules.HighCost.HighCostBenefitRequest q) => Rules.HighCost.HighCostService.Compute(r, q, false).Response!.Limit;
        Assert.True(Limit(rs, after) < Limit(rs, before), failed.Counterexample.Case);
        var bundled = TestRuleSets.Catalog.Find<Rules.HighCost.HighCostRuleSet>("hyogo", 2025)!;
        Assert.True(Limit(bundled, after with { RulesetVersion = bundled.Version }) >= Limit(bundled, before with { RulesetVersion = bundled.Version }));
    }

    [Fact]
    public void A_gap_rule_that_fires_on_a_clean_move_is_caught_by_a_consistent_history_with_a_request_that_shows_the_finding()
    {
        using var broken = BrokenRuleSets.GapOnCleanMove();
        var catalog = KokuhoRuleSets.Load([broken.Root]);
        var rs = Find(catalog, Rules.Eligibility.EligibilityRuleSetCompiler.CapabilityName, "hyogo/2025");
        var result = RuleSetChecks.Run(catalog, rs, seed: 3, tests: 40, only: ["consistent-history-no-finding"]);

        var failed = Assert.Single(result.Invariants);
        Assert.False(failed.Holds);
        Assert.Contains("gap", failed.Counterexample!.Got);
        var request = Assert.Single(failed.Counterexample.Requests);
        Assert.Equal("POST /v1/eligibility/checks", request.Endpoint);
        var body = (Rules.Eligibility.EligibilityCheckRequest)request.Body;
        Assert.Equal(true, body.Trial);
        var (response, _) = new Rules.Eligibility.EligibilityService(catalog).Check(body);
        Assert.Contains(response!.Findings, f => f.Kind == "gap" && f.Days == 0);
        // The bundled rule set finds nothing in the same histories.
        var (good, _) = new Rules.Eligibility.EligibilityService(TestRuleSets.Catalog).Check(body with { RulesetVersion = null, Trial = null });
        Assert.Empty(good!.Findings);
    }

    [Fact]
    public void A_withholding_rule_set_starting_at_60_is_caught_with_a_request_the_api_answers_as_eligible()
    {
        using var broken = BrokenRuleSets.WithholdingFrom60();
        var catalog = KokuhoRuleSets.Load([broken.Root]);
        var rs = Find(catalog, Rules.Withholding.WithholdingRuleSetCompiler.CapabilityName, "amagasaki/2025");
        var result = RuleSetChecks.Run(catalog, rs, seed: 3, tests: 200);

        Assert.True(result.Invariants.Where(i => i.Id != "only-where-the-law-allows").All(i => i.Holds), Report(result));
        var failed = result.Invariants.Single(i => i.Id == "only-where-the-law-allows");
        Assert.False(failed.Holds);
        Assert.Contains("under 65", failed.Counterexample!.Expected);
        var request = Assert.Single(failed.Counterexample.Requests);
        Assert.Equal("POST /v1/withholding/determinations", request.Endpoint);
        var body = (Rules.Withholding.WithholdingDeterminationRequest)request.Body;
        Assert.True(new Rules.Withholding.WithholdingService(catalog).Determine(body, false).Response!.Eligible);
        // The bundled rule set does not withhold from that household.
        Assert.False(new Rules.Withholding.WithholdingService(TestRuleSets.Catalog).Determine(body with { RulesetVersion = null, Trial = null }, false).Response!.Eligible);
    }
}
