using KokuhoRules.Engine.Tracing;
using NodaTime;

namespace KokuhoRules.Rules.Premium;

/// <summary>
/// One component of a household's premium, in yen. <c>perCapita</c> and <c>perHousehold</c>
/// are the amounts before reliefs; <c>reduction</c> is what the reliefs removed from them;
/// <c>beforeCap</c> = 所得割 + 資産割 + 均等割 + 平等割 − reduction (rounded as the rule set says);
/// <c>amount</c> = min(<c>beforeCap</c>, <c>cap</c>).
/// </summary>
/// <param name="Name">medical | support | care (| child from FY2026).</param>
/// <param name="Label">医療分 | 後期高齢者支援金等分 | 介護納付金分 ….</param>
/// <param name="PerCapita">均等割 before reliefs.</param>
/// <param name="PerHousehold">平等割 before reliefs.</param>
/// <param name="Reduction">Amount removed by all reliefs (法定軽減, 未就学児, 産前産後, 特定世帯, 非自発的失業者, 旧被扶養者, waivers); itemised in <c>reliefs</c>.</param>
/// <param name="IncomeLevy">所得割 before reliefs.</param>
/// <param name="BeforeCap">The component before the cap.</param>
/// <param name="Cap">賦課限度額 applied (prorated when the rule set says so).</param>
/// <param name="Amount">The component's premium.</param>
/// <param name="Months">Months of the fiscal year in which some member is liable for the component.</param>
/// <param name="Reliefs">What each relief removed, in the order applied; their sum is <c>reduction</c>.</param>
/// <param name="AssetLevy">資産割 (no relief reduces it); null (left out of the JSON) where the insurer levies none for the component.</param>
public sealed record ComponentAssessment(
    string Name,
    string Label,
    long IncomeLevy,
    long PerCapita,
    long PerHousehold,
    long Reduction,
    long BeforeCap,
    long Cap,
    long Amount,
    int Months,
    IReadOnlyList<ReliefAmount> Reliefs,
    long? AssetLevy = null)
{
    /// <summary>Value equality, the reliefs compared item by item.</summary>
    public bool Equals(ComponentAssessment? other) =>
        other is not null && Name == other.Name && Label == other.Label && IncomeLevy == other.IncomeLevy && PerCapita == other.PerCapita
        && PerHousehold == other.PerHousehold && Reduction == other.Reduction && BeforeCap == other.BeforeCap && Cap == other.Cap
        && Amount == other.Amount && Months == other.Months && Reliefs.SequenceEqual(other.Reliefs) && AssetLevy == other.AssetLevy;

    public override int GetHashCode() => HashCode.Combine(Name, Amount, BeforeCap, Reduction, Months);
}

/// <summary>How a member entered the calculation.</summary>
/// <param name="Head">The member is the 世帯主.</param>
/// <param name="InsuredMonths">Months of the fiscal year in which the member is an NHI insured (by the month-end rule).</param>
/// <param name="ComponentMonths">Months liable, per component name.</param>
/// <param name="AssessableIncome">算定基礎所得 (旧ただし書き所得): 総所得金額等 − 基礎控除, at least 0.</param>
/// <param name="CountedInReduction">The member's income counts in the reduction test (head, insured on the judgement date, or 特定同一世帯所属者).</param>
/// <param name="JudgementIncome">軽減判定所得 of the member, when counted.</param>
/// <param name="PerCapitaCharges">The member's annual 均等割 per component after the waiver, the statutory reduction and the 未就学児 relief (before proration and before month-level reliefs: 旧被扶養者, 産前産後); 0 where not liable.</param>
/// <param name="ReliefMonths">Insured months of the year covered by each member-level relief (産前産後, 非自発的失業者, 旧被扶養者).</param>
public sealed record MemberAssessment(
    string Id,
    bool Head,
    int InsuredMonths,
    IReadOnlyDictionary<string, int> ComponentMonths,
    long AssessableIncome,
    bool IncomeDeclared,
    bool Preschool,
    bool SalaryEarner,
    bool CountedInReduction,
    long? JudgementIncome,
    IReadOnlyDictionary<string, long> PerCapitaCharges,
    IReadOnlyDictionary<Relief, int> ReliefMonths);

/// <summary>The annual premium of a household for a fiscal year, with its parts and how it was reached.</summary>
/// <param name="AnnualPremium">The household's annual premium (yen), the sum of the components' amounts, rounded as the rule set says.</param>
/// <param name="ReductionClass">7割 | 5割 | 2割 | none.</param>
/// <param name="JudgementDate">The date the reduction was judged on (4月1日, or the date liability arose), null when no member is insured in the year.</param>
/// <param name="UndeclaredIncomeMembers">Members whose income counts in the reduction test but is not declared (未申告): the reason a household gets no reduction.</param>
/// <param name="Trace">The steps, when a trace was asked for.</param>
public sealed record PremiumAssessment(
    long AnnualPremium,
    IReadOnlyList<ComponentAssessment> Components,
    string ReductionClass,
    LocalDate? JudgementDate,
    IReadOnlyList<string> UndeclaredIncomeMembers,
    IReadOnlyList<MemberAssessment> Members,
    IReadOnlyList<TraceStep>? Trace)
{
    /// <summary>The last month of the year in which some member is liable for some component; null if none.</summary>
    [System.Text.Json.Serialization.JsonIgnore]
    public YearMonth? LastLiableMonth { get; init; }
}
