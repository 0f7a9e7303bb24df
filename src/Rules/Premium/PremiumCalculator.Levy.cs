using System.Numerics;
using KokuhoRules.Engine.Money;
using KokuhoRules.Engine.Tracing;
using KokuhoRules.Rules.Calendar;
using KokuhoRules.Rules.Snapshots;

namespace KokuhoRules.Rules.Premium;

// The levy arithmetic: 算定基礎所得, and per component the 所得割/均等割/平等割 summed over member-months
// stage by stage (each relief a stage, see Relief), each stage rounded, the component rounded and capped.
// The 所得割 is rounded on the component's sum, or member by member where rounding.incomeLevyPer says so;
// the 資産割 (固定資産税額 × months × rate ÷ 12 summed over the liable members) has no relief stage and is
// rounded once per component, as 地方税法第703条の4 levies it on the household (世帯主).
public static partial class PremiumCalculator
{
    // Stages of each item, in the order reliefs apply; stage 0 is the gross amount.
    private static readonly Relief[] IncomeLevyStages = [Relief.InvoluntaryUnemployment, Relief.FormerDependant, Relief.Perinatal];
    private static readonly Relief[] PerCapitaStages = [Relief.PerCapitaWaiver, Relief.StatutoryReduction, Relief.FormerDependant, Relief.Preschool, Relief.Perinatal];
    private static readonly Relief[] PerHouseholdStages = [Relief.SpecifiedHousehold, Relief.StatutoryReduction, Relief.FormerDependant];
    private static readonly Relief[] AllReliefs = Enum.GetValues<Relief>();

    /// <summary>What the levy reads of the earlier steps; arrays and spans indexed by member (liable masks by member × component).</summary>
    private readonly ref struct LevyInputs(IReadOnlyList<MemberSnapshot> members, ReadOnlySpan<int> liableMasks, ReliefPeriods reliefs,
        ReadOnlySpan<SpecifiedHouseholdStatus> specified, long[] assessable, long[] assessableDeemed, ReductionClass reductionClass)
    {
        public IReadOnlyList<MemberSnapshot> Members { get; } = members;
        public ReadOnlySpan<int> LiableMasks { get; } = liableMasks;
        public ReliefPeriods Reliefs { get; } = reliefs;
        /// <summary>The household's 特定世帯 status per month.</summary>
        public ReadOnlySpan<SpecifiedHouseholdStatus> Specified { get; } = specified;
        /// <summary>算定基礎所得 per member (0 when undeclared or never insured).</summary>
        public long[] Assessable { get; } = assessable;
        /// <summary>算定基礎所得 in the member's 非自発的失業者 months.</summary>
        public long[] AssessableDeemed { get; } = assessableDeemed;
        public ReductionClass ReductionClass { get; } = reductionClass;
    }

    /// <summary>Per-component working sums (yen-months per stage) and per-month counts, cleared for each component.</summary>
    private readonly ref struct LevySums(Span<long> incomeStages, Span<long> incomeRounded, Span<long> assetYenMonths, Span<long> capitaStages,
        Span<long> householdStages, Span<long> units, Span<long> windowUnits, Span<long> householdUnits, Span<int> insuredCount,
        Span<int> formerDependantCount, Span<long> reliefTotals)
    {
        public Span<long> IncomeStages { get; } = incomeStages;
        /// <summary>Per 所得割 stage, the sum of each member's rounded amount (used where rounding.incomeLevyPer is member).</summary>
        public Span<long> IncomeRounded { get; } = incomeRounded;
        /// <summary>[0]: Σ 固定資産税額 × liable months of the component's members.</summary>
        public Span<long> AssetYenMonths { get; } = assetYenMonths;
        public Span<long> CapitaStages { get; } = capitaStages;
        public Span<long> HouseholdStages { get; } = householdStages;
        public Span<long> Units { get; } = units;
        public Span<long> WindowUnits { get; } = windowUnits;
        public Span<long> HouseholdUnits { get; } = householdUnits;
        public Span<int> InsuredCount { get; } = insuredCount;
        public Span<int> FormerDependantCount { get; } = formerDependantCount;
        public Span<long> ReliefTotals { get; } = reliefTotals;

        public void Clear()
        {
            IncomeStages.Clear();
            IncomeRounded.Clear();
            AssetYenMonths.Clear();
            CapitaStages.Clear();
            HouseholdStages.Clear();
            InsuredCount.Clear();
            FormerDependantCount.Clear();
            ReliefTotals.Clear();
        }
    }

    /// <summary>Who of the members liable for a component in some month, and whether a 旧被扶養者 window touches it.</summary>
    private readonly record struct ComponentLiability(int HouseholdMask, int LiablePersons, bool AnyFormerDependant);

    /// <summary>Assesses every component into <paramref name="results"/>; returns the sum of their amounts (before the annual rounding).</summary>
    private static long Levy(PremiumRuleSet rs, LevyInputs levy, ComponentAssessment[] results, long[] perCapitaCharges, Trace? trace, bool details)
    {
        var p = rs.Parameters;
        var classRatio = levy.ReductionClass switch
        {
            ReductionClass.SevenTenths => p.Reduction.SevenTenthsRatio,
            ReductionClass.FiveTenths => p.Reduction.FiveTenthsRatio,
            ReductionClass.TwoTenths => p.Reduction.TwoTenthsRatio,
            _ => Ratio.Zero,
        };
        var sums = new LevySums(stackalloc long[IncomeLevyStages.Length + 1], stackalloc long[IncomeLevyStages.Length + 1], stackalloc long[1],
            stackalloc long[PerCapitaStages.Length + 1],
            stackalloc long[PerHouseholdStages.Length + 1], stackalloc long[PerCapitaStages.Length + 1], stackalloc long[PerCapitaStages.Length + 1],
            stackalloc long[PerHouseholdStages.Length + 1], stackalloc int[MonthsPerYear], stackalloc int[MonthsPerYear], stackalloc long[AllReliefs.Length]);
        long annualSum = 0;
        for (var c = 0; c < results.Length; c++)
        {
            sums.Clear();
            var liability = SumMemberStages(rs, levy, c, classRatio, sums, perCapitaCharges);
            SumHouseholdStages(rs, levy, c, classRatio, liability, sums);
            results[c] = Settle(rs, levy, c, liability, sums, trace, details);
            annualSum += results[c].Amount;
        }
        return annualSum;
    }

    /// <summary>
    /// Sums component <paramref name="c"/>'s 所得割 and 均等割 stages over the member-months; writes each liable
    /// member's annual 均等割 after the waiver, the statutory reduction and the 未就学児 relief into <paramref name="perCapitaCharges"/>.
    /// </summary>
    private static ComponentLiability SumMemberStages(PremiumRuleSet rs, LevyInputs levy, int c, Ratio classRatio, LevySums sums, long[] perCapitaCharges)
    {
        var p = rs.Parameters;
        var rates = rs.Components[c].Rates;
        var nc = rs.Components.Count;
        var reliefs = levy.Reliefs;
        var incomeStages = sums.IncomeStages;
        var capitaStages = sums.CapitaStages;
        var units = sums.Units;
        var householdMask = 0;
        var liablePersons = 0;
        var anyFormerDependant = false;
        var perMember = p.Rounding.IncomeLevyPer == IncomeLevyRoundingPer.Member;
        for (var i = 0; i < levy.Members.Count; i++)
        {
            var mask = levy.LiableMasks[i * nc + c];
            if (mask == 0) continue;
            liablePersons++;
            householdMask |= mask;
            var isWaived = reliefs.Waived[i * nc + c];
            var gross = rates.PerCapita + (isWaived ? 0 : rates.AdultPerCapitaAddOn ?? 0);
            // 均等割: the member's stages without (and, in the 旧被扶養者 window, with) that relief;
            // months are counted by which reliefs apply rather than one by one.
            PerCapitaUnits(gross, isWaived, classRatio, reliefs.Preschool[i], formerDependant: false, p, units);
            perCapitaCharges[i * nc + c] = units[PerCapitaStages.Length - 1];
            var window = reliefs.FormerDependantWindow[i] & mask;
            var perinatal = reliefs.Perinatal[i] & mask;
            var outside = mask & ~window;
            AddMonths(capitaStages, units, BitOperations.PopCount((uint)outside), BitOperations.PopCount((uint)(outside & perinatal)));
            if (window != 0)
            {
                anyFormerDependant = true;
                PerCapitaUnits(gross, isWaived, classRatio, reliefs.Preschool[i], formerDependant: true, p, sums.WindowUnits);
                AddMonths(capitaStages, sums.WindowUnits, BitOperations.PopCount((uint)window), BitOperations.PopCount((uint)(window & perinatal)));
            }

            // 所得割: Σ 算定基礎所得 × months, stage by stage.
            var assessable = levy.Assessable[i];
            var deemed = levy.AssessableDeemed[i];
            var unemployment = reliefs.Unemployment[i] & mask;
            var exempt = reliefs.FormerDependantIncome[i] & mask;
            var months = BitOperations.PopCount((uint)mask);
            var deemedMonths = BitOperations.PopCount((uint)unemployment);
            var incomeGross = assessable * months;
            var afterUnemployment = assessable * (months - deemedMonths) + deemed * deemedMonths;
            var afterExemption = assessable * BitOperations.PopCount((uint)(mask & ~unemployment & ~exempt))
                                 + deemed * BitOperations.PopCount((uint)(unemployment & ~exempt));
            var afterPerinatal = assessable * BitOperations.PopCount((uint)(mask & ~unemployment & ~exempt & ~perinatal))
                                 + deemed * BitOperations.PopCount((uint)(unemployment & ~exempt & ~perinatal));
            incomeStages[0] += incomeGross;
            incomeStages[1] += afterUnemployment;
            incomeStages[2] += afterExemption;
            incomeStages[3] += afterPerinatal;
            if (perMember)
            {
                // Each member's 所得割 rounded on its own, stage by stage (rounding.incomeLevyPer: member).
                var rounded = sums.IncomeRounded;
                rounded[0] += RoundTwelfths(incomeGross, rates.IncomeRate, p.Rounding.IncomeLevy);
                rounded[1] += RoundTwelfths(afterUnemployment, rates.IncomeRate, p.Rounding.IncomeLevy);
                rounded[2] += RoundTwelfths(afterExemption, rates.IncomeRate, p.Rounding.IncomeLevy);
                rounded[3] += RoundTwelfths(afterPerinatal, rates.IncomeRate, p.Rounding.IncomeLevy);
            }

            // 資産割: Σ 固定資産税額 × months; no relief reduces it.
            if (rates.AssetRate is not null) sums.AssetYenMonths[0] += levy.Members[i].FixedAssetTax * months;
        }
        return new ComponentLiability(householdMask, liablePersons, anyFormerDependant);
    }

    /// <summary>
    /// Sums component <paramref name="c"/>'s 平等割 stages over the months some member is liable: each month's
    /// 特定世帯 status, and whether every liable member is then in a 旧被扶養者 window.
    /// </summary>
    private static void SumHouseholdStages(PremiumRuleSet rs, LevyInputs levy, int c, Ratio classRatio, ComponentLiability liability, LevySums sums)
    {
        var component = rs.Components[c];
        var nc = rs.Components.Count;
        var insuredCount = sums.InsuredCount;
        var formerDependantCount = sums.FormerDependantCount;
        if (liability.AnyFormerDependant)
        {
            for (var i = 0; i < levy.Members.Count; i++)
            {
                var mask = levy.LiableMasks[i * nc + c];
                for (var bits = (uint)mask; bits != 0; bits &= bits - 1)
                {
                    var k = BitOperations.TrailingZeroCount(bits);
                    insuredCount[k]++;
                    if ((levy.Reliefs.FormerDependantWindow[i] & (1 << k)) != 0) formerDependantCount[k]++;
                }
            }
        }
        var householdStages = sums.HouseholdStages;
        var householdUnits = sums.HouseholdUnits;
        var unitsKey = -1;
        for (var bits = (uint)liability.HouseholdMask; bits != 0; bits &= bits - 1)
        {
            var k = BitOperations.TrailingZeroCount(bits);
            var allFormerDependants = liability.AnyFormerDependant && formerDependantCount[k] == insuredCount[k];
            var status = component.SpecifiedHouseholdRelief ? levy.Specified[k] : SpecifiedHouseholdStatus.None;
            var key = (int)status * 2 + (allFormerDependants ? 1 : 0);
            if (key != unitsKey)
            {
                PerHouseholdUnits(component.Rates.PerHousehold, status, classRatio, allFormerDependants, rs.Parameters, householdUnits);
                unitsKey = key;
            }
            for (var s = 0; s < householdStages.Length; s++) householdStages[s] += householdUnits[s];
        }
    }

    /// <summary>
    /// Rounds each stage of each item (a relief's amount is the drop from the stage before), rounds the
    /// component and caps it (prorated by months where the rule set says so).
    /// </summary>
    private static ComponentAssessment Settle(PremiumRuleSet rs, LevyInputs levy, int c, ComponentLiability liability, LevySums sums, Trace? trace, bool details)
    {
        var p = rs.Parameters;
        var component = rs.Components[c];
        var rates = component.Rates;
        var reliefTotals = sums.ReliefTotals;
        var householdMonths = BitOperations.PopCount((uint)liability.HouseholdMask);
        var perMember = p.Rounding.IncomeLevyPer == IncomeLevyRoundingPer.Member;
        var incomeLevyGross = perMember ? sums.IncomeRounded[0] : RoundTwelfths(sums.IncomeStages[0], rates.IncomeRate, p.Rounding.IncomeLevy);
        var incomeLevyNet = perMember
            ? RoundedStages(IncomeLevyStages, sums.IncomeRounded, reliefTotals)
            : Stages(IncomeLevyStages, sums.IncomeStages, rates.IncomeRate, p.Rounding.IncomeLevy, reliefTotals);
        long? assetLevy = rates.AssetRate is { } assetRate ? RoundTwelfths(sums.AssetYenMonths[0], assetRate, p.Rounding.AssetLevy!) : null;
        var perCapitaGross = RoundTwelfths(sums.CapitaStages[0], Ratio.One, p.Rounding.PerCapita);
        var perCapitaNet = Stages(PerCapitaStages, sums.CapitaStages, Ratio.One, p.Rounding.PerCapita, reliefTotals);
        var perHouseholdGross = RoundTwelfths(sums.HouseholdStages[0], Ratio.One, p.Rounding.PerHousehold);
        var perHouseholdNet = Stages(PerHouseholdStages, sums.HouseholdStages, Ratio.One, p.Rounding.PerHousehold, reliefTotals);

        var reduction = incomeLevyGross - incomeLevyNet + (perCapitaGross - perCapitaNet) + (perHouseholdGross - perHouseholdNet);
        var beforeCap = p.Rounding.Component.Apply(incomeLevyNet + (assetLevy ?? 0) + perCapitaNet + perHouseholdNet);
        var cap = p.Proration.CapByMonths && householdMonths < MonthsPerYear
            ? p.Proration.ProratedCap.Apply(ExactYen.FromYen(rates.Cap * householdMonths).DividedBy(MonthsPerYear))
            : rates.Cap;
        var amount = Math.Min(beforeCap, cap);
        var reliefs = new List<ReliefAmount>(details ? 4 : 0);
        if (details)
            foreach (var relief in AllReliefs)
            {
                if (reliefTotals[(int)relief] == 0) continue;
                reliefs.Add(new ReliefAmount(relief, Reliefs.Label(relief), reliefTotals[(int)relief], ReliefReference(rs, component, relief)));
            }
        var result = new ComponentAssessment(component.Name, component.Label, incomeLevyGross, perCapitaGross, perHouseholdGross, reduction,
            beforeCap, cap, amount, householdMonths, reliefs, assetLevy);
        if (trace is not null && householdMonths > 0)
            TraceComponent(trace, rs, levy, c, result, incomeLevyNet, perCapitaNet, perHouseholdNet, liability.LiablePersons);
        return result;
    }

    /// <summary>
    /// 算定基礎所得 (総所得金額等 − 基礎控除, at least 0) of each member with declared income who is insured in
    /// some month, and for a 非自発的失業者 the same with the 給与所得 deemed reduced.
    /// </summary>
    private static void AssessableIncome(PremiumRuleSet rs, FiscalYear fy, IReadOnlyList<MemberSnapshot> members, ReadOnlySpan<int> insuredMasks,
        ReadOnlySpan<int> unemploymentMasks, long[] assessable, long[] assessableDeemed, Trace? trace)
    {
        var p = rs.Parameters;
        for (var i = 0; i < members.Count; i++)
        {
            var income = members[i].Income;
            if (!income.Declared || insuredMasks[i] == 0) continue;
            var deduction = BasicDeduction(p.IncomeLevy.BasicDeduction, income.CombinedIncome ?? income.TotalIncome);
            assessable[i] = Math.Max(0, income.TotalIncome - deduction);
            assessableDeemed[i] = assessable[i];
            if (trace is not null) TraceAssessableIncome(trace, rs, members[i], assessable[i], deduction);
            if (unemploymentMasks[i] == 0) continue;
            var reduction = DeemedSalaryReduction(income, p);
            var deemedTotal = income.TotalIncome - reduction;
            var deemedDeduction = BasicDeduction(p.IncomeLevy.BasicDeduction, (income.CombinedIncome ?? income.TotalIncome) - reduction);
            assessableDeemed[i] = Math.Max(0, deemedTotal - deemedDeduction);
            if (trace is not null) TraceAssessableIncomeDeemed(trace, rs, fy, members[i], unemploymentMasks[i], assessableDeemed[i], deemedTotal, deemedDeduction);
        }
    }

    /// <summary>The 基礎控除 for a 合計所得金額, from the taper brackets.</summary>
    public static long BasicDeduction(IReadOnlyList<DeductionBracket> brackets, long combinedIncome)
    {
        // Indexed, not foreach: an interface enumerator would be allocated on the hot path.
        for (var i = 0; i < brackets.Count; i++)
        {
            var b = brackets[i];
            if (b.CombinedIncomeUpTo is null || combinedIncome <= b.CombinedIncomeUpTo) return b.Deduction;
        }
        return 0;
    }

    /// <summary>
    /// Applies a relief that removes <paramref name="ratio"/> of <paramref name="yen"/>, rounding either the
    /// amount removed or the amount still charged, as the rule set says. Returns the amount still charged,
    /// between 0 and <paramref name="yen"/>.
    /// </summary>
    public static long Relieve(long yen, Ratio ratio, ReliefRounding rounding)
    {
        if (ratio.Numerator == 0) return yen;
        var charge = rounding.Target == ReliefRoundingTarget.ReductionAmount
            ? yen - rounding.Rounding.Apply(ExactYen.Times(yen, ratio.Numerator, ratio.Denominator))
            : rounding.Rounding.Apply(ExactYen.Times(yen, ratio.Denominator - ratio.Numerator, ratio.Denominator));
        // Rounding up (a removed amount, or a charge, to a coarse unit) can overshoot: a relief never
        // charges less than nothing nor more than the amount it relieves.
        return Math.Clamp(charge, 0, yen);
    }

    /// <summary>
    /// A member's 均等割 per month after each stage of <see cref="PerCapitaStages"/> (index 0 gross), before
    /// the 産前産後 stage, which zeroes whole months. The 旧被扶養者 half replaces the statutory reduction
    /// when it is larger (never both).
    /// </summary>
    private static void PerCapitaUnits(long gross, bool waived, Ratio classRatio, bool preschool, bool formerDependant, PremiumParameters p, Span<long> units)
    {
        units[0] = gross;
        var afterWaiver = waived ? 0 : gross;
        units[1] = afterWaiver;
        var afterStatutory = Relieve(afterWaiver, classRatio, p.Rounding.Reduction);
        units[2] = afterStatutory;
        var fdRatio = p.FormerDependant.PerCapitaRatio;
        var afterFormerDependant = formerDependant && fdRatio.CompareTo(classRatio) > 0 ? Relieve(afterWaiver, fdRatio, p.Rounding.FormerDependant) : afterStatutory;
        units[3] = afterFormerDependant;
        units[4] = preschool ? Relieve(afterFormerDependant, p.Preschool.PerCapitaRatio, p.Rounding.Preschool) : afterFormerDependant;
    }

    /// <summary>The household's 平等割 for a month after each stage of <see cref="PerHouseholdStages"/> (index 0 gross).</summary>
    private static void PerHouseholdUnits(long gross, SpecifiedHouseholdStatus status, Ratio classRatio, bool allFormerDependants, PremiumParameters p, Span<long> units)
    {
        units[0] = gross;
        var afterSpecified = status switch
        {
            SpecifiedHouseholdStatus.Specified => Relieve(gross, p.SpecifiedHousehold.SpecifiedRatio, p.Rounding.SpecifiedHousehold),
            SpecifiedHouseholdStatus.Continued => Relieve(gross, p.SpecifiedHousehold.ContinuedRatio, p.Rounding.SpecifiedHousehold),
            _ => gross,
        };
        units[1] = afterSpecified;
        var afterStatutory = Relieve(afterSpecified, classRatio, p.Rounding.Reduction);
        units[2] = afterStatutory;
        var fdRatio = p.FormerDependant.PerHouseholdRatio;
        units[3] = allFormerDependants && fdRatio.CompareTo(classRatio) > 0 ? Relieve(afterSpecified, fdRatio, p.Rounding.FormerDependant) : afterStatutory;
    }

    /// <summary>Adds a member's 均等割 stages for <paramref name="months"/> months, the last (産前産後) stage without the exempt ones.</summary>
    private static void AddMonths(Span<long> stages, ReadOnlySpan<long> units, int months, int perinatalMonths)
    {
        if (months == 0) return;
        var last = PerCapitaStages.Length;
        for (var s = 0; s < last; s++) stages[s] += units[s] * months;
        stages[last] += units[last - 1] * (months - perinatalMonths);
    }

    /// <summary>
    /// Rounds every stage of an item (each a sum of yen-months, × <paramref name="rate"/> ÷ 12); records
    /// each relief's drop in <paramref name="totals"/>; returns the last stage.
    /// </summary>
    private static long Stages(Relief[] reliefs, ReadOnlySpan<long> sums, Ratio rate, Rounding rounding, Span<long> totals)
    {
        var previous = RoundTwelfths(sums[0], rate, rounding);
        for (var s = 0; s < reliefs.Length; s++)
        {
            var current = sums[s + 1] == sums[s] ? previous : RoundTwelfths(sums[s + 1], rate, rounding);
            totals[(int)reliefs[s]] += previous - current;
            previous = current;
        }
        return previous;
    }

    /// <summary>
    /// The same as <see cref="Stages"/> for stages already rounded (each the sum of the members' rounded
    /// amounts): records each relief's drop in <paramref name="totals"/>; returns the last stage.
    /// </summary>
    private static long RoundedStages(Relief[] reliefs, ReadOnlySpan<long> rounded, Span<long> totals)
    {
        for (var s = 0; s < reliefs.Length; s++) totals[(int)reliefs[s]] += rounded[s] - rounded[s + 1];
        return rounded[reliefs.Length];
    }

    /// <summary>A sum of yen-months × rate ÷ 12, rounded: an item of a component.</summary>
    private static long RoundTwelfths(long yenMonths, Ratio rate, Rounding rounding) =>
        rounding.Apply(ExactYen.Times(yenMonths, rate.Numerator, rate.Denominator * MonthsPerYear));

    private static string ReliefReference(PremiumRuleSet rs, PremiumComponent component, Relief relief) =>
        relief == Relief.PerCapitaWaiver
            ? component.PerCapitaWaiver.Rules.Select(r => r.Reference).FirstOrDefault(r => r is not null) ?? component.PerCapitaWaiver.Name
            : rs.ParameterTable[Reliefs.ReferenceParameter(relief)!].Reference;
}
