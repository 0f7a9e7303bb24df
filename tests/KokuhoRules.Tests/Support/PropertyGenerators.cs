using FsCheck;
using FsCheck.Fluent;
using KokuhoRules.Engine.Money;
using KokuhoRules.Rules.Checks;
using KokuhoRules.Rules.Premium;

namespace KokuhoRules.Tests.Support;

/// <summary>An arguments record for <see cref="PremiumCalculator.Relieve"/>.</summary>
public sealed record ReliefCase(long Yen, long RatioNumerator, long RatioDenominator, ReliefRoundingTarget Target, long UnitYen, RoundingMode Mode)
{
    public Ratio Ratio => new(RatioNumerator, RatioDenominator);
    public ReliefRounding Rounding => new(Target, UnitYen, Mode);
}

/// <summary>A batch of households (for the parallel-assessment property).</summary>
public sealed record HouseholdBatch(HouseholdCase[] Cases)
{
    public override string ToString() => $"{Cases.Length} households";
}

/// <summary>A non-negative amount of yen drawn like incomes are (many small amounts, a long tail).</summary>
public readonly record struct YenAmount(long Value)
{
    public override string ToString() => Value.ToString("N0", System.Globalization.CultureInfo.InvariantCulture) + " yen";
}

/// <summary>
/// The property tests' cases: the generators of <see cref="HouseholdGenerators"/> (src/Rules/Checks, the ones
/// <c>kokuho rulesets check</c> draws from for one rule set) over the rule sets of <see cref="PropertyRuleSets.Pool"/>,
/// drawn by weight, plus what only the tests need (batches, <see cref="PremiumCalculator.Relieve"/> arguments).
/// </summary>
public static class PropertyGenerators
{
    // Static initializers run in textual order: the generators others are built from come first.
    private static Gen<PremiumRuleSet> RuleSet { get; } =
        Gen.Frequency(PropertyRuleSets.Pool.Select(p => (p.Weight, Gen.Constant(p)))).Select(p => PropertyRuleSets.Get(p.Insurer, p.FiscalYear));

    /// <summary>A rule set from <see cref="PropertyRuleSets.Pool"/> and a household for its fiscal year.</summary>
    public static Gen<HouseholdCase> Case { get; } = RuleSet.SelectMany(HouseholdGenerators.Case);

    /// <summary>A single member, full year or joining in month k.</summary>
    public static Gen<SingleMemberCase> Single { get; } = RuleSet.SelectMany(HouseholdGenerators.Single);

    /// <summary>Reduction facts under a rule set of the pool.</summary>
    public static Gen<ReductionProbe> Reduction { get; } = RuleSet.SelectMany(HouseholdGenerators.Reduction);

    /// <summary>200 households.</summary>
    public static Gen<HouseholdBatch> Batch { get; } = Gen.ArrayOf(Case, 200).Select(cases => new HouseholdBatch(cases));

    /// <summary>Arguments for <see cref="PremiumCalculator.Relieve"/>: yen from 0 (many small), ratios n/d with d in {10, 100, 1000, 10000}.</summary>
    public static Gen<ReliefCase> Relief { get; } =
        from yen in Gen.Frequency((3, HouseholdGenerators.LongBetween(0, 2_000)), (4, HouseholdGenerators.LongBetween(0, 100_000)), (2, HouseholdGenerators.LongBetween(0, 10_000_000)), (1, Gen.Elements(0L, 1L, 999L, 19_404L, 23_720L, 31_200L)))
        from d in Gen.Elements(10L, 100L, 1000L, 10000L)
        from n in Gen.Frequency((4, HouseholdGenerators.LongBetween(0, d)), (1, Gen.Elements(0L, d)))
        from target in Gen.Elements(ReliefRoundingTarget.ReducedCharge, ReliefRoundingTarget.ReductionAmount)
        from unit in Gen.Elements(Rounding.AllowedUnits.ToArray())
        from mode in Gen.Elements(RoundingMode.Floor, RoundingMode.Ceiling, RoundingMode.HalfUp)
        select new ReliefCase(yen, n, d, target, unit, mode);
}

/// <summary>The arbitraries the property tests register with <c>[Property(Arbitrary = …)]</c>.</summary>
public static class HouseholdArbitraries
{
    public static Arbitrary<HouseholdCase> HouseholdCase() => Arb.From(PropertyGenerators.Case, HouseholdGenerators.Shrink);

    public static Arbitrary<SingleMemberCase> SingleMemberCase() => Arb.From(PropertyGenerators.Single, s => s.Shrink());

    public static Arbitrary<ReductionProbe> ReductionProbe() => Arb.From(PropertyGenerators.Reduction, KokuhoRules.Rules.Checks.Premium.ReductionClassMonotone.Shrink);

    public static Arbitrary<HouseholdBatch> HouseholdBatch() => Arb.From(PropertyGenerators.Batch);

    public static Arbitrary<ReliefCase> ReliefCase() => Arb.From(PropertyGenerators.Relief, ShrinkRelief);

    public static Arbitrary<YenAmount> YenAmount() =>
        Arb.From(HouseholdGenerators.Yen.Select(y => new YenAmount(y)),
            y => y.Value == 0 ? Enumerable.Empty<YenAmount>() : new[] { new YenAmount(0), new YenAmount(y.Value / 2) }.Distinct());

    private static IEnumerable<ReliefCase> ShrinkRelief(ReliefCase r)
    {
        if (r.Yen > 0) yield return r with { Yen = r.Yen / 2 };
        if (r.Yen > 0) yield return r with { Yen = r.Yen - 1 };
        if (r.RatioDenominator > 10 && r.RatioNumerator % 10 == 0) yield return r with { RatioNumerator = r.RatioNumerator / 10, RatioDenominator = r.RatioDenominator / 10 };
    }
}
