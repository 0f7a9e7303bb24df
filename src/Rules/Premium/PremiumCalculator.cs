using System.Globalization;
using System.Numerics;
using KokuhoRules.Engine.Decisions;
using KokuhoRules.Engine.Money;
using KokuhoRules.Engine.Tracing;
using KokuhoRules.Rules.Calendar;
using KokuhoRules.Rules.Snapshots;
using NodaTime;

namespace KokuhoRules.Rules.Premium;

/// <summary>
/// Assesses a household's annual premium (保険料賦課) under a compiled rule set. The decisions (who is
/// insured and liable in each month, who is a 給与所得者等, the reduction class, …) come from the rule
/// set's workflows; the arithmetic below is the same every year and takes every number from the
/// rule set's parameters. Order of application (premium.md §3.3, §8):
/// <list type="number">
/// <item>each member's liability per month and component (month-end rule; 40/65 legal ages; 75th birthday);</item>
/// <item>the 軽減判定 on the judgement date (4月1日, or the day liability arose for a household joining later);</item>
/// <item>per component: 所得割 = Σ 算定基礎所得 × months ÷ 12 × rate; 均等割 and 平等割 reduced by 7/5/2割
///   (then 未就学児 ½ on the reduced 均等割) per person or household, then × months ÷ 12;</item>
/// <item>each item rounded, the component rounded, then capped (cap prorated by months where the rule set says so);</item>
/// <item>the annual premium = Σ components, rounded.</item>
/// </list>
/// Amounts stay exact (<see cref="ExactYen"/>) between the rounding points the rule set names.
/// Stateless and thread-safe.
/// </summary>
public static class PremiumCalculator
{
    private const int MonthsPerYear = 12;
    private const int MaxComponents = 8;

    /// <summary>Assesses a household; pass a <see cref="Trace"/> to have every step explained.</summary>
    public static PremiumAssessment Assess(PremiumRuleSet rs, HouseholdSnapshot household, Trace? trace = null)
    {
        var p = rs.Parameters;
        var fy = new FiscalYear(rs.FiscalYear);
        var members = household.Members;
        var n = members.Count;
        var components = rs.Components;
        var nc = components.Count;
        if (nc > MaxComponents) throw new InvalidOperationException("too many components");
        var headIndex = household.HeadIndex;

        trace?.Add("fact", "household", null, "ruleset",
            $"{fy.Year}年度 ({fy.Start:uuuu-MM-dd}〜{fy.End:uuuu-MM-dd}) の保険料を {rs.Insurer.Name} のルールセット {rs.Version} (国の層 {rs.NationalVersion}) で計算します。世帯主は {household.HeadId}。",
            value: rs.Hash);

        // 1. Liability per member, month and component: one bit per month (bit 0 = April).
        Span<int> insuredMasks = stackalloc int[n];
        Span<int> liableMasks = stackalloc int[n * nc];
        var monthEnds = rs.MonthEnds;
        for (var i = 0; i < n; i++)
        {
            var member = members[i];
            var previous = default(MemberDateFacts);
            var previousOutcomes = 0; // bit 0: insured; bit c+1: liable for component c
            int[]? ruleByMonth = trace is null ? null : new int[MonthsPerYear * (nc + 1)];
            for (var k = 0; k < MonthsPerYear; k++)
            {
                var facts = DateFacts(member, monthEnds[k]);
                int outcomes;
                if (k > 0 && facts == previous && ruleByMonth is null)
                {
                    outcomes = previousOutcomes;
                }
                else
                {
                    var insuredRule = rs.Insured.Match(facts);
                    var insured = rs.Insured.OutcomeOf(insuredRule);
                    var withInsured = facts with { Insured = insured };
                    outcomes = insured ? 1 : 0;
                    if (ruleByMonth is not null) ruleByMonth[k] = insuredRule;
                    for (var c = 0; c < nc; c++)
                    {
                        var rule = components[c].Liability.Match(withInsured);
                        if (components[c].Liability.OutcomeOf(rule)) outcomes |= 1 << (c + 1);
                        if (ruleByMonth is not null) ruleByMonth[(c + 1) * MonthsPerYear + k] = rule;
                    }
                }
                if ((outcomes & 1) != 0) insuredMasks[i] |= 1 << k;
                for (var c = 0; c < nc; c++)
                    if ((outcomes & (1 << (c + 1))) != 0) liableMasks[i * nc + c] |= 1 << k;
                previous = facts;
                previousOutcomes = outcomes;
            }
            if (trace is not null) TraceMonths(trace, rs, fy, member, ruleByMonth!, insuredMasks[i], liableMasks.Slice(i * nc, nc));
        }

        // 2. Member facts for the year, and the reduction test on the judgement date.
        var yearFacts = new MemberYearFacts[n];
        var preschool = new bool[n];
        var salaryEarner = new bool[n];
        for (var i = 0; i < n; i++)
        {
            yearFacts[i] = YearFacts(members[i], fy);
            preschool[i] = Decide(rs.Preschool, yearFacts[i], trace, members[i].Id, "preschool",
                "未就学児", "未就学児ではない");
        }

        var judgementDate = JudgementDate(rs, members, fy);
        var counted = new bool[n];
        var judgementIncome = new long?[n];
        var reductionClass = ReductionClass.None;
        var undeclared = new List<string>();
        if (judgementDate is { } jd)
        {
            trace?.Add("fact", "household", null, "judgementDate",
                jd == fy.Start
                    ? $"軽減判定日は {jd:uuuu-MM-dd} (賦課期日 4月1日) です。"
                    : $"4月1日に被保険者がいないため、資格を取得した {jd:uuuu-MM-dd} を軽減判定日とします。",
                value: jd.ToString("uuuu-MM-dd", CultureInfo.InvariantCulture),
                parameters: []);
            long totalJudgementIncome = 0;
            var persons = 0;
            var earners = 0;
            for (var i = 0; i < n; i++)
            {
                var m = members[i];
                var insuredOnDate = rs.Insured.Decide(DateFacts(m, jd));
                var isCounted = i == headIndex || insuredOnDate || m.SpecifiedSameHouseholdMember;
                if (!isCounted) continue;
                counted[i] = true;
                if (insuredOnDate || m.SpecifiedSameHouseholdMember) persons++;
                if (!m.Income.Declared)
                {
                    undeclared.Add(m.Id);
                    trace?.Add("fact", m.Id, null, "incomeUndeclared",
                        $"{m.Id} の所得が未申告です。所得が判明しない世帯員がいるため法定軽減は適用できません。", value: "undeclared");
                    continue;
                }
                salaryEarner[i] = Decide(rs.SalaryEarner, yearFacts[i], trace, m.Id, "salaryEarner", "給与所得者等", "給与所得者等ではない");
                if (salaryEarner[i]) earners++;
                var elderly = Decide(rs.ElderlyPensionDeduction, yearFacts[i], trace, m.Id, "elderlyPensionDeduction",
                    "65歳以上の公的年金等所得から特別控除を差し引く", "年金特別控除なし");
                var income = JudgementIncomeOf(m.Income, elderly, p, out var pensionDeduction);
                judgementIncome[i] = income;
                totalJudgementIncome += income;
                trace?.Add("calculation", m.Id, null, "judgementIncome",
                    $"{m.Id} の軽減判定所得 {Yen(income)} = 総所得金額等 {Yen(m.Income.TotalIncome)} + 専従者給与 {Yen(m.Income.FamilyEmployeeSalaryDeduction)} + 譲渡所得特別控除 {Yen(m.Income.TransferIncomeSpecialDeduction)} − 年金特別控除 {Yen(pensionDeduction)}"
                    + (insuredOnDate ? "" : i == headIndex ? " (世帯主: 被保険者でなくても所得を含めます)" : " (特定同一世帯所属者)"),
                    yen: income,
                    parameters: elderly ? [Param(rs, "reduction.elderlyPensionDeduction")] : []);
            }
            var facts = new ReductionFacts(totalJudgementIncome, persons, earners, undeclared.Count);
            var rule = rs.ReductionClass.Match(facts);
            reductionClass = rs.ReductionClass.OutcomeOf(rule);
            if (trace is not null)
            {
                var intermediates = rs.ReductionClass.Intermediates(facts);
                var shown = string.Join("、", rs.ReductionClass.IntermediateNames.Select((name, x) => $"{name} = {Format(intermediates[x])}"));
                trace.Add("decision", "household", null, "reductionClass",
                    $"軽減判定: 判定所得の合計 {Yen(totalJudgementIncome)}、被保険者等 {persons}人、給与所得者等 {earners}人、未申告 {undeclared.Count}人"
                    + (shown.Length > 0 ? $" ({shown})" : "") + $" → {Describe(reductionClass)}",
                    value: Outcomes.Name(reductionClass),
                    parameters: [Param(rs, "reduction.basicAllowance"), Param(rs, "reduction.perAdditionalSalaryEarner"), Param(rs, "reduction.fiveTenthsPerPerson"), Param(rs, "reduction.twoTenthsPerPerson")],
                    rule: Rule(rs.ReductionClass, rule));
            }
        }
        else
        {
            trace?.Add("note", "household", null, "judgementDate", "この年度に被保険者である世帯員がいないため、保険料はかかりません。");
        }

        // 3. Assessable income (算定基礎所得) per member.
        var assessable = new long[n];
        for (var i = 0; i < n; i++)
        {
            var income = members[i].Income;
            if (!income.Declared || insuredMasks[i] == 0) continue;
            var deduction = BasicDeduction(p.IncomeLevy.BasicDeduction, income.CombinedIncome ?? income.TotalIncome);
            assessable[i] = Math.Max(0, income.TotalIncome - deduction);
            trace?.Add("calculation", members[i].Id, null, "assessableIncome",
                $"{members[i].Id} の算定基礎所得 {Yen(assessable[i])} = 総所得金額等 {Yen(income.TotalIncome)} − 基礎控除 {Yen(deduction)}"
                + (income.CombinedIncome is null ? " (合計所得金額の送信がないため総所得金額等で基礎控除を判定)" : $" (合計所得金額 {Yen(income.CombinedIncome.Value)})"),
                yen: assessable[i], parameters: [Param(rs, "incomeLevy.basicDeduction")]);
        }

        // 4. Components.
        var results = new ComponentAssessment[nc];
        var perCapitaCharges = new long[n * nc];
        var reductionRatio = reductionClass switch
        {
            ReductionClass.SevenTenths => p.Reduction.SevenTenthsRatio,
            ReductionClass.FiveTenths => p.Reduction.FiveTenthsRatio,
            ReductionClass.TwoTenths => p.Reduction.TwoTenthsRatio,
            _ => Ratio.Zero,
        };
        var reductionPath = reductionClass switch
        {
            ReductionClass.SevenTenths => "reduction.sevenTenthsRatio",
            ReductionClass.FiveTenths => "reduction.fiveTenthsRatio",
            ReductionClass.TwoTenths => "reduction.twoTenthsRatio",
            _ => null,
        };
        long annualSum = 0;
        for (var c = 0; c < nc; c++)
        {
            var component = components[c];
            var rates = component.Rates;
            var name = component.Name;
            var householdMask = 0;
            long incomeMonths = 0;
            long grossCapitaMonths = 0;
            var netCapita = ExactYen.Zero;
            var perCapitaReduced = Relieve(rates.PerCapita, reductionRatio, p.Rounding.Reduction);
            var perCapitaPreschool = Relieve(perCapitaReduced, p.Preschool.PerCapitaRatio, p.Rounding.Preschool);
            var liablePersons = 0;
            for (var i = 0; i < n; i++)
            {
                var mask = liableMasks[i * nc + c];
                if (mask == 0) continue;
                liablePersons++;
                householdMask |= mask;
                var months = BitOperations.PopCount((uint)mask);
                incomeMonths += assessable[i] * months;
                grossCapitaMonths += months;
                perCapitaCharges[i * nc + c] = preschool[i] ? perCapitaPreschool : perCapitaReduced;
                netCapita += ExactYen.FromYen(perCapitaCharges[i * nc + c] * months);
            }
            var householdMonths = BitOperations.PopCount((uint)householdMask);

            var incomeLevy = p.Rounding.IncomeLevy.Apply((ExactYen.FromYen(incomeMonths) * rates.IncomeRate).DividedBy(MonthsPerYear));
            var perCapitaGross = p.Rounding.PerCapita.Apply(ExactYen.FromYen(rates.PerCapita * grossCapitaMonths).DividedBy(MonthsPerYear));
            var perCapitaNet = p.Rounding.PerCapita.Apply(netCapita.DividedBy(MonthsPerYear));
            var perHouseholdReduced = Relieve(rates.PerHousehold, reductionRatio, p.Rounding.Reduction);
            var perHouseholdGross = p.Rounding.PerHousehold.Apply(ExactYen.FromYen(rates.PerHousehold * householdMonths).DividedBy(MonthsPerYear));
            var perHouseholdNet = p.Rounding.PerHousehold.Apply(ExactYen.FromYen(perHouseholdReduced * householdMonths).DividedBy(MonthsPerYear));
            var reduction = perCapitaGross - perCapitaNet + (perHouseholdGross - perHouseholdNet);
            var beforeCap = p.Rounding.Component.Apply(incomeLevy + perCapitaNet + perHouseholdNet);
            var cap = p.Proration.CapByMonths && householdMonths < MonthsPerYear
                ? p.Proration.ProratedCap.Apply(ExactYen.FromYen(rates.Cap * householdMonths).DividedBy(MonthsPerYear))
                : rates.Cap;
            var amount = Math.Min(beforeCap, cap);
            results[c] = new ComponentAssessment(name, component.Label, incomeLevy, perCapitaGross, perHouseholdGross, reduction, beforeCap, cap, amount, householdMonths);
            annualSum += amount;

            if (trace is not null && householdMonths > 0)
            {
                var label = component.Label;
                var terms = new List<string>();
                for (var i = 0; i < n; i++)
                    if (liableMasks[i * nc + c] != 0) terms.Add($"{Yen(assessable[i])}×{BitOperations.PopCount((uint)liableMasks[i * nc + c])}/12");
                var parts = string.Join(" + ", terms);
                trace.Add("calculation", "household", name, "incomeLevy",
                    $"{label} 所得割 {Yen(incomeLevy)} = 算定基礎所得 ({parts}) × {rates.IncomeRate.ToPercentString()} ({p.Rounding.IncomeLevy.Describe()})",
                    yen: incomeLevy, parameters: [Param(rs, $"rates.{name}.incomeRate"), Param(rs, "rounding.incomeLevy")]);
                trace.Add("calculation", "household", name, "perCapita",
                    $"{label} 均等割 {Yen(perCapitaGross)} = {Yen(rates.PerCapita)} × 延べ {grossCapitaMonths}人月 ÷ 12 ({liablePersons}人)",
                    yen: perCapitaGross, parameters: [Param(rs, $"rates.{name}.perCapita"), Param(rs, "rounding.perCapita")]);
                trace.Add("calculation", "household", name, "perHousehold",
                    $"{label} 平等割 {Yen(perHouseholdGross)} = {Yen(rates.PerHousehold)} × {householdMonths}/12",
                    yen: perHouseholdGross, parameters: [Param(rs, $"rates.{name}.perHousehold"), Param(rs, "rounding.perHousehold")]);
                if (reductionPath is not null)
                    trace.Add("calculation", "household", name, "statutoryReduction",
                        $"{label} 法定軽減 {Describe(reductionClass)}: 均等割 1人 {Yen(rates.PerCapita)} → {Yen(perCapitaReduced)}、平等割 {Yen(rates.PerHousehold)} → {Yen(perHouseholdReduced)} ({DescribeRelief(p.Rounding.Reduction)})",
                        yen: rates.PerCapita - perCapitaReduced,
                        parameters: [Param(rs, reductionPath), Param(rs, "rounding.reduction")]);
                for (var i = 0; i < n; i++)
                {
                    if (!preschool[i] || liableMasks[i * nc + c] == 0) continue;
                    trace.Add("calculation", members[i].Id, name, "preschoolReduction",
                        $"{label} 未就学児の均等割軽減 ({members[i].Id}): {Yen(perCapitaReduced)} → {Yen(perCapitaPreschool)} ({DescribeRelief(p.Rounding.Preschool)})",
                        yen: perCapitaReduced - perCapitaPreschool,
                        parameters: [Param(rs, "preschool.perCapitaRatio"), Param(rs, "rounding.preschool")]);
                }
                trace.Add("calculation", "household", name, "beforeCap",
                    $"{label} {Yen(beforeCap)} = 所得割 {Yen(incomeLevy)} + 均等割 {Yen(perCapitaNet)} + 平等割 {Yen(perHouseholdNet)} (軽減額 {Yen(reduction)}; {p.Rounding.Component.Describe()})",
                    yen: beforeCap, parameters: [Param(rs, "rounding.component")]);
                trace.Add("cap", "household", name, "amount",
                    beforeCap > cap
                        ? $"{label} は賦課限度額 {Yen(cap)} を超えるため {Yen(amount)} とします。"
                        : $"{label} は賦課限度額 {Yen(cap)} 以下のため {Yen(amount)} です。",
                    yen: amount,
                    parameters: p.Proration.CapByMonths && householdMonths < MonthsPerYear
                        ? [Param(rs, $"rates.{name}.cap"), Param(rs, "proration.capByMonths"), Param(rs, "proration.proratedCap")]
                        : [Param(rs, $"rates.{name}.cap")]);
            }
        }
        var annual = p.Rounding.Annual.Apply(annualSum);
        trace?.Add("calculation", "household", null, "annualPremium",
            $"年間保険料 {Yen(annual)} = " + string.Join(" + ", results.Select(r => $"{r.Label} {Yen(r.Amount)}")) + $" ({p.Rounding.Annual.Describe()})",
            yen: annual, parameters: [Param(rs, "rounding.annual")]);

        var memberResults = new MemberAssessment[n];
        for (var i = 0; i < n; i++)
        {
            var months = new Dictionary<string, int>(nc);
            var charges = new Dictionary<string, long>(nc);
            for (var c = 0; c < nc; c++)
            {
                months[components[c].Name] = BitOperations.PopCount((uint)liableMasks[i * nc + c]);
                charges[components[c].Name] = perCapitaCharges[i * nc + c];
            }
            memberResults[i] = new MemberAssessment(members[i].Id, i == headIndex, BitOperations.PopCount((uint)insuredMasks[i]), months,
                assessable[i], members[i].Income.Declared, preschool[i], salaryEarner[i], counted[i], judgementIncome[i], charges);
        }
        return new PremiumAssessment(annual, results, Outcomes.Name(reductionClass), judgementDate, undeclared, memberResults, trace?.Steps);
    }

    /// <summary>Facts about a member on a date.</summary>
    public static MemberDateFacts DateFacts(MemberSnapshot member, LocalDate date) =>
        new(member.IsCoveredOn(date), Age.CalendarAgeOn(member.BirthDate, date), Age.LegalAgeOn(member.BirthDate, date), false);

    /// <summary>Facts about a member for the fiscal year.</summary>
    public static MemberYearFacts YearFacts(MemberSnapshot member, FiscalYear fy) =>
        new(Age.LegalAgeOn(member.BirthDate, new LocalDate(fy.Year - 1, 12, 31)),
            Age.LegalAgeOn(member.BirthDate, new LocalDate(fy.Year, 3, 31)),
            member.Income.Declared,
            member.Income.SalaryRevenue,
            member.Income.PensionRevenue,
            member.Income.PensionIncome);

    /// <summary>
    /// The date the reduction is judged on: 4月1日 if any member is insured then; otherwise the first
    /// date in the year on which a member becomes insured (a household whose liability arises later);
    /// null if no member is insured at any time in the year.
    /// </summary>
    public static LocalDate? JudgementDate(PremiumRuleSet rs, IReadOnlyList<MemberSnapshot> members, FiscalYear fy)
    {
        LocalDate? first = null;
        foreach (var m in members)
        {
            if (rs.Insured.Decide(DateFacts(m, fy.Start))) return fy.Start;
            foreach (var period in m.Coverage)
            {
                if (period.Acquired <= fy.Start || period.Acquired > fy.End) continue;
                if ((first is null || period.Acquired < first) && rs.Insured.Decide(DateFacts(m, period.Acquired))) first = period.Acquired;
            }
        }
        return first;
    }

    /// <summary>
    /// 軽減判定所得 of a member: 総所得金額等 with the 専従者給与 and 譲渡所得特別控除 added back, less up to
    /// the elderly pension deduction from 公的年金等所得 where it applies; never below 0.
    /// </summary>
    public static long JudgementIncomeOf(PriorYearIncome income, bool elderlyPensionDeduction, PremiumParameters p, out long pensionDeduction)
    {
        pensionDeduction = elderlyPensionDeduction ? Math.Min(income.PensionIncome, p.Reduction.ElderlyPensionDeduction) : 0;
        return Math.Max(0, income.TotalIncome + income.FamilyEmployeeSalaryDeduction + income.TransferIncomeSpecialDeduction - pensionDeduction);
    }

    /// <summary>The 基礎控除 for a 合計所得金額, from the taper brackets.</summary>
    public static long BasicDeduction(IReadOnlyList<DeductionBracket> brackets, long combinedIncome)
    {
        foreach (var b in brackets)
            if (b.CombinedIncomeUpTo is null || combinedIncome <= b.CombinedIncomeUpTo) return b.Deduction;
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
            ? yen - rounding.Rounding.Apply(ExactYen.FromYen(yen) * ratio)
            : rounding.Rounding.Apply(ExactYen.FromYen(yen) * ratio.Complement);
        // Rounding up (a removed amount, or a charge, to a coarse unit) can overshoot: a relief never
        // charges less than nothing nor more than the amount it relieves.
        return Math.Clamp(charge, 0, yen);
    }

    private static bool Decide(Decision<MemberYearFacts, bool> decision, MemberYearFacts facts, Trace? trace, string memberId, string item, string yes, string no)
    {
        if (trace is null) return decision.Decide(facts);
        var rule = decision.Match(facts);
        var outcome = decision.OutcomeOf(rule);
        trace.Add("decision", memberId, null, item, $"{memberId}: {(outcome ? yes : no)} (規則 「{decision.Rules[rule].Name}」)",
            value: outcome ? "true" : "false", rule: Rule(decision, rule));
        return outcome;
    }

    private static void TraceMonths(Trace trace, PremiumRuleSet rs, FiscalYear fy, MemberSnapshot member, int[] ruleByMonth, int insuredMask, ReadOnlySpan<int> liable)
    {
        trace.Add("decision", member.Id, null, "insuredMonths",
            $"{member.Id} の被保険者の月: {Ranges(fy, insuredMask)} ({BitOperations.PopCount((uint)insuredMask)}か月)。{RuleRanges(fy, rs.Insured, ruleByMonth, 0)}",
            value: BitOperations.PopCount((uint)insuredMask).ToString(CultureInfo.InvariantCulture),
            rule: Rule(rs.Insured, ruleByMonth[0]));
        for (var c = 0; c < rs.Components.Count; c++)
        {
            var component = rs.Components[c];
            trace.Add("decision", member.Id, component.Name, "liableMonths",
                $"{member.Id} の{component.Label}の賦課月: {Ranges(fy, liable[c])} ({BitOperations.PopCount((uint)liable[c])}か月)。{RuleRanges(fy, component.Liability, ruleByMonth, (c + 1) * MonthsPerYear)}",
                value: BitOperations.PopCount((uint)liable[c]).ToString(CultureInfo.InvariantCulture),
                rule: Rule(component.Liability, ruleByMonth[(c + 1) * MonthsPerYear]));
        }
    }

    private static string Ranges(FiscalYear fy, int mask)
    {
        if (mask == 0) return "なし";
        var parts = new List<string>();
        for (var k = 0; k < MonthsPerYear; k++)
        {
            if ((mask & (1 << k)) == 0) continue;
            var end = k;
            while (end + 1 < MonthsPerYear && (mask & (1 << (end + 1))) != 0) end++;
            parts.Add(end == k ? Month(fy, k) : $"{Month(fy, k)}〜{Month(fy, end)}");
            k = end;
        }
        return string.Join("、", parts);
    }

    private static string RuleRanges<TFacts>(FiscalYear fy, Decision<TFacts, bool> decision, int[] ruleByMonth, int offset)
    {
        var parts = new List<string>();
        for (var k = 0; k < MonthsPerYear; k++)
        {
            var rule = ruleByMonth[offset + k];
            var end = k;
            while (end + 1 < MonthsPerYear && ruleByMonth[offset + end + 1] == rule) end++;
            var span = end == k ? Month(fy, k) : $"{Month(fy, k)}〜{Month(fy, end)}";
            parts.Add($"{span}: 規則 「{decision.Rules[rule].Name}」");
            k = end;
        }
        return string.Join("、", parts);
    }

    private static string Month(FiscalYear fy, int index) => fy.Month(index).ToString("uuuu-MM", CultureInfo.InvariantCulture);

    private static TraceRule Rule<TFacts, TOutcome>(Decision<TFacts, TOutcome> decision, int index)
    {
        var rule = decision.Rules[index];
        return new TraceRule(decision.Name, rule.Name, rule.Expression, rule.Outcome, rule.Reference, decision.Layer);
    }

    private static TraceParameter Param(PremiumRuleSet rs, string path)
    {
        var info = rs.ParameterTable[path];
        return new TraceParameter(path, info.ValueText, info.Reference, info.Confirmed);
    }

    private static string Describe(ReductionClass c) => c == ReductionClass.None ? "軽減なし" : Outcomes.Name(c) + "軽減";

    private static string DescribeRelief(ReliefRounding r) =>
        (r.Target == ReliefRoundingTarget.ReductionAmount ? "減額分を" : "軽減後の額を") + r.Rounding.Describe();

    private static string Yen(long yen) => yen.ToString("N0", CultureInfo.InvariantCulture) + "円";

    private static string Format(object? value) => value switch
    {
        long l => l.ToString("N0", CultureInfo.InvariantCulture),
        int i => i.ToString(CultureInfo.InvariantCulture),
        null => "null",
        _ => Convert.ToString(value, CultureInfo.InvariantCulture) ?? "",
    };
}
