using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;
using KokuhoRules.Engine.Money;
using KokuhoRules.Rules.Premium;
using KokuhoRules.Rules.Snapshots;
using KokuhoRules.Rules.Checks;
using KokuhoRules.Tests.Support;

namespace KokuhoRules.Tests.Premium;

/// <summary>A generated household with a 固定資産税額 per member, and one member whose tax grows by <see cref="Extra"/>.</summary>
public sealed record AssetCase(HouseholdJson Household, long[] Taxes, int Member, long Extra)
{
    public HouseholdJson WithTaxes(long extraOnMember = 0) => Household with
    {
        Members = Household.Members!.Select((m, i) => m! with { FixedAssetTax = Taxes[i] + (i == Member ? extraOnMember : 0) }).ToArray(),
    };

    public override string ToString() =>
        $"taxes [{string.Join(", ", Taxes)}], +{Extra} on member {Member}: {System.Text.Json.JsonSerializer.Serialize(WithTaxes(), KokuhoJson.Options)}";
}

public static class AssetArbitraries
{
    /// <summary>固定資産税額: often 0, mostly a few thousand to a few hundred thousand yen, a tail to 50,000,000.</summary>
    private static readonly Gen<long> Tax = Gen.Frequency(
        (3, Gen.Constant(0L)),
        (6, HouseholdGenerators.LongBetween(1, 300_000)),
        (2, HouseholdGenerators.LongBetween(300_001, 5_000_000)),
        (1, HouseholdGenerators.LongBetween(5_000_001, 50_000_000)));

    public static Arbitrary<AssetCase> AssetCase() => Arb.From(
        from household in HouseholdGenerators.Household(2025)
        from taxes in Gen.ArrayOf(Tax, household.Members!.Count)
        from member in Gen.Choose(0, household.Members!.Count - 1)
        from extra in Tax
        select new AssetCase(household, taxes, member, extra));

    public static Arbitrary<Fy2022Household> Fy2022Household() =>
        Arb.From(HouseholdGenerators.Household(2022).Select(h => new Fy2022Household(h)));
}

/// <summary>A generated household for FY2022 (shinjuku/2022's year).</summary>
public sealed record Fy2022Household(HouseholdJson Household)
{
    public override string ToString() => System.Text.Json.JsonSerializer.Serialize(Household, KokuhoJson.Options);
}

/// <summary>
/// Invariants of the 資産割 (on kushima/2025, 串間市) and of the 所得割 rounded per member (shinjuku/2022 against
/// the same rule set rounded per component), on generated households.
/// </summary>
[Properties(Arbitrary = [typeof(AssetArbitraries)], MaxTest = 200)]
public sealed class AssetLevyPropertyTests
{
    private static PremiumRuleSet Kushima => PropertyRuleSets.Get("kushima", 2025);

    private static PremiumAssessment Assess(PremiumRuleSet rs, HouseholdJson json) => PremiumCalculator.Assess(rs, Households.Snapshot(json));

    [Property]
    public void The_asset_levy_is_never_negative_and_never_falls_when_a_members_tax_rises(AssetCase c)
    {
        var before = Assess(Kushima, c.WithTaxes());
        var after = Assess(Kushima, c.WithTaxes(c.Extra));
        for (var k = 0; k < before.Components.Count; k++)
        {
            Assert.True(before.Components[k].AssetLevy >= 0, $"{before.Components[k].Name}: {before.Components[k].AssetLevy}");
            Assert.True(after.Components[k].AssetLevy >= before.Components[k].AssetLevy,
                $"{before.Components[k].Name}: {before.Components[k].AssetLevy} → {after.Components[k].AssetLevy}");
            Assert.True(after.Components[k].BeforeCap >= before.Components[k].BeforeCap, before.Components[k].Name);
        }
    }

    [Property]
    public void A_components_amount_with_the_asset_levy_is_never_above_its_cap(AssetCase c)
    {
        var a = Assess(Kushima, c.WithTaxes(c.Extra));
        Assert.All(a.Components, x => Assert.True(x.Amount <= x.Cap && x.Amount <= x.BeforeCap, $"{x.Name}: amount {x.Amount}, cap {x.Cap}, before cap {x.BeforeCap}"));
    }

    [Property]
    public void No_relief_touches_the_asset_levy(AssetCase c)
    {
        // The same household on kushima/2025 with every national relief ratio at 0 (PropertyRuleSets.NoReliefCatalog).
        var json = c.WithTaxes();
        var with = Assess(Kushima, json);
        var without = Assess(PropertyRuleSets.GetWithoutReliefs("kushima", 2025), json);
        Assert.Equal(without.Components.Select(x => x.AssetLevy), with.Components.Select(x => x.AssetLevy));
        Assert.All(with.Components, x => Assert.True(x.Reliefs.Sum(r => r.Amount) == x.Reduction));
    }

    private static readonly Lazy<(PremiumRuleSet Member, PremiumRuleSet Component)[]> RoundingPairs = new(() =>
    {
        PremiumRuleSet Copy(IncomeLevyRoundingPer per, Rounding? rounding)
        {
            var rs = AssetLevyTests.FreshCopy("shinjuku", 2022);
            rs.Parameters.Rounding.IncomeLevyPer = per;
            if (rounding is not null) rs.Parameters.Rounding.IncomeLevy = rounding;
            return rs;
        }
        return
        [
            (Copy(IncomeLevyRoundingPer.Member, null), Copy(IncomeLevyRoundingPer.Component, null)),
            (Copy(IncomeLevyRoundingPer.Member, new Rounding(10, RoundingMode.HalfUp)), Copy(IncomeLevyRoundingPer.Component, new Rounding(10, RoundingMode.HalfUp))),
            (Copy(IncomeLevyRoundingPer.Member, new Rounding(100, RoundingMode.Ceiling)), Copy(IncomeLevyRoundingPer.Component, new Rounding(100, RoundingMode.Ceiling))),
        ];
    });

    [Property]
    public void Per_member_rounding_differs_from_per_component_rounding_by_at_most_one_unit_less_than_the_members(Fy2022Household c)
    {
        var household = c.Household;
        var n = household.Members!.Count;
        foreach (var (member, component) in RoundingPairs.Value)
        {
            var unit = member.Parameters.Rounding.IncomeLevy.UnitYen;
            var a = Assess(member, household);
            var b = Assess(component, household);
            for (var k = 0; k < a.Components.Count; k++)
            {
                var difference = Math.Abs(a.Components[k].IncomeLevy - b.Components[k].IncomeLevy);
                Assert.True(difference <= (n - 1) * unit,
                    $"{a.Components[k].Name}, {n} members, unit {unit}: per member {a.Components[k].IncomeLevy}, per component {b.Components[k].IncomeLevy}");
                Assert.Equal(a.Components[k].PerCapita, b.Components[k].PerCapita);
            }
            if (n == 1) Assert.Equal(b.AnnualPremium, a.AnnualPremium);
        }
    }
}
