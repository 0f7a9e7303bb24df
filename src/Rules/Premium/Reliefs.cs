namespace KokuhoRules.Rules.Premium;

/// <summary>
/// The reliefs (軽減・減免) of the premium, each applied as a stage of the item it reduces, in this
/// order: 所得割 — 非自発的失業者, 旧被扶養者, 産前産後; 均等割 — the component's
/// waiver (FY2026 子ども分 18歳未満), 法定軽減 (or 旧被扶養者 where larger, never both), 未就学児,
/// 産前産後; 平等割 — 特定世帯, 法定軽減 (or 旧被扶養者 where larger). All apply before the cap.
/// </summary>
public enum Relief
{
    InvoluntaryUnemployment,
    FormerDependant,
    Perinatal,
    PerCapitaWaiver,
    StatutoryReduction,
    Preschool,
    SpecifiedHousehold,
}

/// <summary>What one relief removed from one component, and where the law says so.</summary>
/// <param name="Relief">involuntaryUnemployment | formerDependant | perinatal | perCapitaWaiver | statutoryReduction | preschool | specifiedHousehold.</param>
/// <param name="Label">Its Japanese name.</param>
/// <param name="Amount">Yen removed (after the item rounding).</param>
/// <param name="Reference">The legal reference of the relief (from the rule set).</param>
public sealed record ReliefAmount(Relief Relief, string Label, long Amount, string Reference);

/// <summary>Names and the parameter that carries each relief's reference.</summary>
public static class Reliefs
{
    public static string Label(Relief relief) => relief switch
    {
        Relief.InvoluntaryUnemployment => "非自発的失業者の軽減",
        Relief.FormerDependant => "旧被扶養者の減免",
        Relief.Perinatal => "産前産後期間の免除",
        Relief.PerCapitaWaiver => "均等割の全額軽減",
        Relief.StatutoryReduction => "法定軽減",
        Relief.Preschool => "未就学児の均等割軽減",
        Relief.SpecifiedHousehold => "特定世帯・特定継続世帯の平等割軽減",
        _ => relief.ToString(),
    };

    /// <summary>The parameter whose reference cites the relief (null for a waiver, cited by its workflow's rule).</summary>
    public static string? ReferenceParameter(Relief relief) => relief switch
    {
        Relief.InvoluntaryUnemployment => "involuntaryUnemployment.salaryIncomeRatio",
        Relief.FormerDependant => "formerDependant.perCapitaRatio",
        Relief.Perinatal => "perinatal.eligibleBirthsFrom",
        Relief.PerCapitaWaiver => null,
        Relief.StatutoryReduction => "reduction.sevenTenthsRatio",
        Relief.Preschool => "preschool.perCapitaRatio",
        Relief.SpecifiedHousehold => "specifiedHousehold.specifiedRatio",
        _ => null,
    };
}
