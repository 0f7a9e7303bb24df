using KokuhoRules.Rules.Snapshots;

namespace KokuhoRules.Rules.Premium.Impact;

/// <summary>
/// The running sums of an impact run: a household assessed under both rule sets is added once; a worker keeps its own
/// tally and the run merges them. Components are indexed in the report's order (the base's, then the draft's new ones);
/// reduction classes in <see cref="ReductionClasses"/>' order; bands by <see cref="ChangeBands"/>; ages by <see cref="AgeBands"/>.
/// </summary>
public sealed class ImpactTally
{
    /// <summary>The classes as the calculator names them.</summary>
    public static readonly IReadOnlyList<string> ReductionClasses = ["7割", "5割", "2割", "none"];

    public ImpactTally(int components)
    {
        BaseComponents = new long[components];
        DraftComponents = new long[components];
        BaseAtCap = new long[components];
        DraftAtCap = new long[components];
    }

    public long Households { get; private set; }
    public long Refused { get; set; }
    public long BaseAnnual { get; private set; }
    public long DraftAnnual { get; private set; }
    public long[] BaseComponents { get; }
    public long[] DraftComponents { get; }
    public long[] BaseAtCap { get; }
    public long[] DraftAtCap { get; }
    public long[] BandHouseholds { get; } = new long[ChangeBands.Count];
    public long[] BandDifference { get; } = new long[ChangeBands.Count];
    public long[] BaseClassHouseholds { get; } = new long[4];
    public long[] BaseClassTotal { get; } = new long[4];
    public long[] DraftClassHouseholds { get; } = new long[4];
    public long[] DraftClassTotal { get; } = new long[4];
    public long[] AgeHouseholds { get; } = new long[4];
    public long[] AgeBase { get; } = new long[4];
    public long[] AgeDraft { get; } = new long[4];

    /// <summary>Adds a household: its assessment under each side; <paramref name="baseIndex"/> and <paramref name="draftIndex"/> map each side's components to the report's.</summary>
    public void Add(PremiumAssessment b, PremiumAssessment d, int ageBand, int[] baseIndex, int[] draftIndex)
    {
        Households++;
        BaseAnnual += b.AnnualPremium;
        DraftAnnual += d.AnnualPremium;
        AddComponents(b, baseIndex, BaseComponents, BaseAtCap);
        AddComponents(d, draftIndex, DraftComponents, DraftAtCap);
        var difference = d.AnnualPremium - b.AnnualPremium;
        var band = ChangeBands.Of(difference);
        BandHouseholds[band]++;
        BandDifference[band] += difference;
        var bc = ClassIndex(b.ReductionClass);
        BaseClassHouseholds[bc]++;
        BaseClassTotal[bc] += b.AnnualPremium;
        var dc = ClassIndex(d.ReductionClass);
        DraftClassHouseholds[dc]++;
        DraftClassTotal[dc] += d.AnnualPremium;
        AgeHouseholds[ageBand]++;
        AgeBase[ageBand] += b.AnnualPremium;
        AgeDraft[ageBand] += d.AnnualPremium;
    }

    /// <summary>A household at a component's cap: liable some month and its amount before the cap at least the cap (as the batch counts it).</summary>
    public static bool AtCap(ComponentAssessment c) => c.Months > 0 && c.BeforeCap >= c.Cap;

    private static void AddComponents(PremiumAssessment a, int[] index, long[] totals, long[] atCap)
    {
        for (var i = 0; i < a.Components.Count; i++)
        {
            var c = a.Components[i];
            totals[index[i]] += c.Amount;
            if (AtCap(c)) atCap[index[i]]++;
        }
    }

    private static int ClassIndex(string reductionClass)
    {
        for (var i = 0; i < 3; i++) if (ReductionClasses[i] == reductionClass) return i;
        return 3;
    }

    /// <summary>Adds another worker's tally into this one.</summary>
    public void Merge(ImpactTally other)
    {
        Households += other.Households;
        Refused += other.Refused;
        BaseAnnual += other.BaseAnnual;
        DraftAnnual += other.DraftAnnual;
        foreach (var (mine, theirs) in new[]
                 {
                     (BaseComponents, other.BaseComponents), (DraftComponents, other.DraftComponents), (BaseAtCap, other.BaseAtCap), (DraftAtCap, other.DraftAtCap),
                     (BandHouseholds, other.BandHouseholds), (BandDifference, other.BandDifference), (BaseClassHouseholds, other.BaseClassHouseholds),
                     (BaseClassTotal, other.BaseClassTotal), (DraftClassHouseholds, other.DraftClassHouseholds), (DraftClassTotal, other.DraftClassTotal),
                     (AgeHouseholds, other.AgeHouseholds), (AgeBase, other.AgeBase), (AgeDraft, other.AgeDraft),
                 })
            for (var i = 0; i < mine.Length; i++) mine[i] += theirs[i];
    }
}
