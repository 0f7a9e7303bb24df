using FsCheck;
using FsCheck.Fluent;
using KokuhoRules.Rules.Checks.Premium;

namespace KokuhoRules.Rules.Checks;

/// <summary>
/// The catalogue of the premium capability's invariants (docs/invariants.md), in the order they run: each with its
/// generator over the rule set checked (<see cref="HouseholdGenerators"/>) and its one check, the same the property
/// tests call.
/// </summary>
public static class PremiumInvariants
{
    private const string Caps = "国民健康保険法施行令第29条の7第2項 (基礎賦課額), 第3項 (後期高齢者支援金等賦課額), 第4項 (介護納付金賦課額): 賦課限度額";
    private const string Reduction = "国民健康保険法施行令第29条の7第5項 (法定軽減 7割・5割・2割)";

    private static IEnumerable<HouseholdCase> ShrinkCase(HouseholdCase c) => HouseholdGenerators.Shrink(c);

    public static Invariant<HouseholdCase> CapsHold { get; } = new()
    {
        Id = "caps-hold", NameJa = "賦課限度額を超えない", NameEn = "caps hold", LegalBasis = Caps,
        Statement = "Each component is between 0 and its cap (at most the rule set's 賦課限度額); the annual premium is the annual rounding of their sum.",
        Cases = ctx => HouseholdGenerators.Case(ctx.RuleSet), Shrink = ShrinkCase, Check = (_, c) => Premium.CapsHold.Check(c),
    };

    public static Invariant<HouseholdCase> ComponentArithmetic { get; } = new()
    {
        Id = "component-arithmetic", NameJa = "賦課額の内訳が合う", NameEn = "a component adds up", LegalBasis = "国民健康保険法施行令第29条の7 (所得割・均等割・平等割、軽減、限度額)",
        Statement = "Amount = min(before cap, cap); before cap = component rounding of 所得割 + 均等割 + 平等割 − 軽減; 0 ≤ 軽減 ≤ the levies.",
        Cases = ctx => HouseholdGenerators.Case(ctx.RuleSet), Shrink = ShrinkCase, Check = (_, c) => Premium.ComponentArithmetic.Check(c),
    };

    public static Invariant<HouseholdCase> ReliefsNeverRaise { get; } = new()
    {
        Id = "reliefs-never-raise", NameJa = "軽減・減免は保険料を上げない", NameEn = "reliefs never raise a premium", LegalBasis = Reduction + "; 同第29条の7の2 ほか (未就学児・産前産後・特定世帯・非自発的失業者・旧被扶養者)",
        Statement = "Compared with the same rule set with every relief ratio 0, no premium or component is higher, the class no weaker, the levies equal, the reduction the sum of the reliefs.",
        Cases = ctx => HouseholdGenerators.Case(ctx.RuleSet), Shrink = ShrinkCase, Check = (ctx, c) => Premium.ReliefsNeverRaise.Check(c, ctx.WithoutReliefs.Value),
    };

    public static Invariant<IncomeRaiseCase> MoreIncomeNeverLowers { get; } = new()
    {
        Id = "more-income-never-lowers", NameJa = "所得が増えても保険料は下がらない", NameEn = "more income never lowers the premium",
        Statement = "Raising a member's income never lowers the annual premium or a component, nor strengthens the reduction class — also just across each reduction line.",
        Cases = ctx => from c in HouseholdGenerators.Case(ctx.RuleSet) from pick in Gen.Choose(0, 1000) from delta in HouseholdGenerators.Yen from salary in Gen.Elements(false, true)
                      select new IncomeRaiseCase(c, pick, delta, salary),
        Shrink = r => ShrinkCase(r.Case).Select(c => r with { Case = c }).Concat(r.Delta > 0 ? [r with { Delta = r.Delta / 2 }] : []),
        Check = (_, r) => Premium.MoreIncomeNeverLowers.Check(r),
    };

    public static Invariant<ReductionProbe> ReductionClassMonotone { get; } = new()
    {
        Id = "reduction-class-monotone", NameJa = "所得が低いほど軽減が強い (判定)", NameEn = "a lower income never gets a weaker reduction class", LegalBasis = Reduction,
        Statement = "In the ReductionClass decision a lower 軽減判定所得, one more person or one more salary earner never gives a weaker class.",
        Cases = ctx => HouseholdGenerators.Reduction(ctx.RuleSet), Shrink = Premium.ReductionClassMonotone.Shrink, Check = (_, r) => Premium.ReductionClassMonotone.Check(r),
    };

    public static Invariant<IncomeCutCase> LowerIncomeNeverWeakerReduction { get; } = new()
    {
        Id = "lower-income-never-weaker-reduction", NameJa = "所得が下がっても軽減は弱くならない (世帯)", NameEn = "lowering an income never weakens the household's reduction", LegalBasis = Reduction,
        Statement = "Lowering a counted member's income never raises the household's 軽減判定所得 nor weakens its reduction class.",
        Cases = ctx => from c in HouseholdGenerators.Case(ctx.RuleSet) from pick in Gen.Choose(0, 1000) from cut in HouseholdGenerators.Yen select new IncomeCutCase(c, pick, cut),
        Shrink = r => ShrinkCase(r.Case).Select(c => r with { Case = c }),
        Check = (_, r) => Premium.LowerIncomeNeverWeakerReduction.Check(r),
    };

    public static Invariant<SingleMemberCase> ProrationFullYear { get; } = new()
    {
        Id = "proration-full-year", NameJa = "月割 (通年は12分の12)", NameEn = "a whole year is 12/12",
        Statement = "A single member covered all year pays the annual 所得割, 均等割 and 平等割 each rounded once, under the full cap.",
        Cases = ctx => HouseholdGenerators.Single(ctx.RuleSet), Shrink = s => s.Shrink(), Check = (_, s) => Premium.ProrationFullYear.Check(s),
    };

    public static Invariant<SingleMemberCase> ProrationByMonths { get; } = new()
    {
        Id = "proration-by-months", NameJa = "月割の合計 (途中加入)", NameEn = "proration by months adds up",
        Statement = "Joining in month k, each item is the annual item × months/12 rounded once; the cap prorated when the rule set says so; the sum within the rounding of S₁₂ × m/12.",
        Cases = ctx => HouseholdGenerators.Single(ctx.RuleSet), Shrink = s => s.Shrink(), Check = (_, s) => Premium.ProrationByMonths.Check(s),
    };

    public static Invariant<ShuffleCase> MemberOrder { get; } = new()
    {
        Id = "member-order", NameJa = "世帯員の順序に依らない", NameEn = "member order is irrelevant",
        Statement = "Shuffling the members gives an identical assessment.",
        Cases = ctx => from c in HouseholdGenerators.Case(ctx.RuleSet) from seed in Gen.Choose(0, int.MaxValue - 1) select new ShuffleCase(c, seed),
        Shrink = s => ShrinkCase(s.Case).Select(c => s with { Case = c }),
        Check = (_, s) => Premium.MemberOrder.Check(s),
    };

    public static Invariant<AsOfCase> InstallmentsAddUp { get; } = new()
    {
        Id = "installments-add-up", NameJa = "期割の合計が年間保険料", NameEn = "installments add up to the annual premium",
        Statement = "The installments due after the assessment day, plus the extra bill when none is left, add up to the annual premium; each ≥ 0.",
        Cases = ctx => from c in HouseholdGenerators.Case(ctx.RuleSet) from days in Gen.Choose(0, 400) select new AsOfCase(c, days),
        Shrink = a => ShrinkCase(a.Case).Select(c => a with { Case = c }),
        Check = (ctx, a) => Premium.InstallmentsAddUp.Check(a, ctx.Service),
    };

    public static Invariant<HouseholdCase> SameAsApi { get; } = new()
    {
        Id = "same-as-api", NameJa = "API と同じ答え", NameEn = "the same answer as the API",
        Statement = "The printed request body, read as the API reads it, is accepted and gets exactly the calculator's assessment.",
        Cases = ctx => HouseholdGenerators.Case(ctx.RuleSet), Shrink = ShrinkCase, Check = (ctx, c) => Premium.SameAsApi.Check(c, ctx.Service),
    };

    /// <summary>Every premium invariant, in the order they run.</summary>
    public static IReadOnlyList<Invariant> All { get; } =
    [
        CapsHold, ComponentArithmetic, ReliefsNeverRaise, MoreIncomeNeverLowers, ReductionClassMonotone, LowerIncomeNeverWeakerReduction,
        ProrationFullYear, ProrationByMonths, MemberOrder, InstallmentsAddUp, SameAsApi,
    ];
}
