using BenchmarkDotNet.Attributes;
using KokuhoRules.Engine.Tracing;
using KokuhoRules.Rules.Catalog;
using KokuhoRules.Rules.Premium;
using KokuhoRules.Rules.Snapshots;
using NodaTime;
using RulesEngine.Models;

namespace KokuhoRules.Benchmarks;

/// <summary>
/// One household through the premium calculation (Amagasaki FY2025, the 4-person reference case A2),
/// and one decision compiled vs the same workflow through <c>RulesEngine.ExecuteAllRulesAsync</c>.
/// </summary>
[MemoryDiagnoser]
public class PremiumBenchmarks
{
    private PremiumRuleSet _rs = null!;
    private PremiumRuleSet _throughRulesEngine = null!;
    private HouseholdSnapshot _household = null!;
    private RulesEngine.RulesEngine _native = null!;
    private ReductionFacts _facts;
    private RuleParameter[] _nativeInputs = null!;

    [GlobalSetup]
    public void Setup()
    {
        _rs = KokuhoRuleSets.Load([KokuhoRuleSets.BundledRoot]).Premium("amagasaki", 2025)!;
        _household = ReferenceHousehold();
        _throughRulesEngine = PremiumRuleSetCompiler.Compile(_rs.Source, KokuhoRules.Engine.Decisions.DecisionEvaluation.RulesEngine);
        if (AssessHousehold() != AssessHouseholdThroughRulesEngine()) throw new InvalidOperationException("the two evaluations disagree");
        _native = new RulesEngine.RulesEngine(_rs.Workflows.Workflows.ToArray(), new ReSettings { IsExpressionCaseSensitive = false });
        _facts = new ReductionFacts(3_210_000, 4, 2, 0);
        _nativeInputs = [new RuleParameter("h", _facts), new RuleParameter("p", _rs.Parameters)];
        if (NaiveReductionClass() != CompiledReductionClass()) throw new InvalidOperationException("the two evaluations disagree");
    }

    /// <summary>The naive way: RulesEngine evaluates the workflow for this one input.</summary>
    [Benchmark(Baseline = true)]
    public string NaiveReductionClass() =>
        _native.ExecuteAllRulesAsync("ReductionClass", _nativeInputs).GetAwaiter().GetResult().First(r => r.IsSuccess).Rule.SuccessEvent;

    /// <summary>The same workflow compiled once into a typed delegate.</summary>
    [Benchmark]
    public string CompiledReductionClass() => _rs.ReductionClass.Rules[_rs.ReductionClass.Match(_facts)].Outcome;

    /// <summary>A whole household: every decision (months × members × components) and all the arithmetic.</summary>
    [Benchmark]
    public long AssessHousehold() => PremiumCalculator.Assess(_rs, _household, trace: null, details: false).AnnualPremium;

    /// <summary>The same with each member's details (what the API returns).</summary>
    [Benchmark]
    public long AssessHouseholdWithDetails() => PremiumCalculator.Assess(_rs, _household).AnnualPremium;

    /// <summary>The same household and rule set with every decision made by <c>RulesEngine.ExecuteAllRulesAsync</c> (the naive way).</summary>
    [Benchmark]
    public long AssessHouseholdThroughRulesEngine() => PremiumCalculator.Assess(_throughRulesEngine, _household, trace: null, details: false).AnnualPremium;

    /// <summary>The same with the clerk's trace (what the API returns by default).</summary>
    [Benchmark]
    public long AssessHouseholdWithTrace() => PremiumCalculator.Assess(_rs, _household, new Trace()).AnnualPremium;

    internal static HouseholdSnapshot ReferenceHousehold()
    {
        static MemberSnapshot M(string id, LocalDate birth, long total, long salary) =>
            new(id, birth, [new CoveragePeriod(birth < new LocalDate(2019, 4, 1) ? new LocalDate(2019, 4, 1) : birth, null)],
                new PriorYearIncome(true, total, null, salary, total, 0, 0, 0, 0));
        return new HouseholdSnapshot("H-A2", "P1",
        [
            M("P1", new LocalDate(1983, 5, 10), 2_760_000, 4_000_000),
            M("P2", new LocalDate(1984, 6, 1), 450_000, 1_000_000),
            M("P3", new LocalDate(2015, 1, 20), 0, 0),
            M("P4", new LocalDate(2021, 3, 3), 0, 0),
        ]);
    }
}
