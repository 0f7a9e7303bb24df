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
/// runs — against rule sets: by default every bundled premium rule set; with <c>KOKUHO_CHECK_RULESET=insurer/year[@version]</c>
/// the one named (under <c>KOKUHO_CHECK_ROOT</c>, default the bundled root), with <c>KOKUHO_CHECK_SEED</c> and
/// <c>KOKUHO_CHECK_TESTS</c>. Run alone with <c>dotnet test tests/KokuhoRules.Tests --filter Category=Invariants</c>.
/// </summary>
[Trait("Category", "Invariants")]
public sealed class RuleSetInvariantTests
{
    private static string? Env(string name) => Environment.GetEnvironmentVariable(name) is { Length: > 0 } v ? v : null;

    private static string[] Roots => Env("KOKUHO_CHECK_ROOT")?.Split(Path.PathSeparator) ?? [KokuhoRuleSets.BundledRoot];

    private static readonly Lazy<RuleSetCatalog> Catalog = new(() => KokuhoRuleSets.Load(Roots));

    /// <summary>The rule sets checked: the one named by <c>KOKUHO_CHECK_RULESET</c>, else every premium rule set of the root(s).</summary>
    public static TheoryData<string> RuleSets()
    {
        var data = new TheoryData<string>();
        if (Env("KOKUHO_CHECK_RULESET") is { } named) data.Add(named);
        else
            foreach (var rs in Catalog.Value.All<PremiumRuleSet>().OrderBy(r => r.Insurer.Id, StringComparer.Ordinal).ThenBy(r => r.FiscalYear))
                data.Add($"{rs.Insurer.Id}/{rs.FiscalYear}@{rs.Version}");
        return data;
    }

    private static PremiumRuleSet Find(RuleSetCatalog catalog, string spec)
    {
        var at = spec.Split('@', 2);
        var parts = at[0].Split('/');
        var (rs, refusal) = catalog.ResolveShown(PremiumRuleSetCompiler.CapabilityName, parts[0], int.Parse(parts[1], System.Globalization.CultureInfo.InvariantCulture), at.Length == 2 ? at[1] : null);
        Assert.True(rs is PremiumRuleSet, $"{spec}: {refusal?.Detail}");
        return (PremiumRuleSet)rs!;
    }

    private static string Report(RuleSetCheckResult result) =>
        string.Join("\n", result.Invariants.Where(i => !i.Holds).Select(i =>
            $"{i.Id} {i.NameJa}: expected {i.Counterexample!.Expected}; got {i.Counterexample.Got}\n  {i.Counterexample.Case}"));

    [Theory]
    [MemberData(nameof(RuleSets))]
    public void Every_invariant_of_the_catalogue_holds(string ruleSet)
    {
        var seed = ulong.Parse(Env("KOKUHO_CHECK_SEED") ?? "20250401", System.Globalization.CultureInfo.InvariantCulture);
        var tests = int.Parse(Env("KOKUHO_CHECK_TESTS") ?? "25", System.Globalization.CultureInfo.InvariantCulture);
        var result = RuleSetChecks.Run(Catalog.Value, Find(Catalog.Value, ruleSet), seed, tests);
        Assert.Equal(PremiumInvariants.All.Select(i => i.Id), result.Invariants.Select(i => i.Id));
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
}
