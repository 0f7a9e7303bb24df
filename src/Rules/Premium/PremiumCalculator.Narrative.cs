using System.Globalization;
using System.Numerics;
using KokuhoRules.Engine.Decisions;
using KokuhoRules.Engine.Money;
using KokuhoRules.Engine.Tracing;
using KokuhoRules.Rules.Calendar;
using KokuhoRules.Rules.Snapshots;
using NodaTime;

namespace KokuhoRules.Rules.Premium;

// The narrative: every text of the clerk's trace, and the decisions that explain themselves when traced.
// Each Trace… method writes the steps of one point of the calculation; none decides or computes an amount.
public static partial class PremiumCalculator
{
    private static void TraceRuleSet(Trace trace, PremiumRuleSet rs, FiscalYear fy, HouseholdSnapshot household) =>
        trace.Add("fact", "household", null, "ruleset",
            $"{fy.Year}年度 ({fy.Start:uuuu-MM-dd}〜{fy.End:uuuu-MM-dd}) の保険料を {rs.Insurer.Name} のルールセット {rs.Version} (国の層 {rs.NationalVersion}) で計算します。世帯主は {household.HeadId}。",
            value: rs.Hash);

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

    // ---- Relief periods ---------------------------------------------------------------------------

    private static bool DecidePreschool(PremiumRuleSet rs, MemberYearFacts facts, Trace? trace, string memberId) =>
        Decide(rs.Preschool, facts, trace, memberId, null, "preschool", "未就学児", "未就学児ではない");

    private static bool DecideWaiver(PremiumComponent component, MemberYearFacts facts, Trace? trace, string memberId) =>
        Decide(component.PerCapitaWaiver, facts, trace, memberId, component.Name, "perCapitaWaiver",
            $"{component.Label}の均等割は全額軽減", $"{component.Label}の均等割の全額軽減なし", onlyWhenTrue: true);

    private static void TracePerinatal(Trace trace, PremiumRuleSet rs, FiscalYear fy, MemberSnapshot m, Childbirth birth, PerinatalPeriod period, int rule, int months) =>
        trace.Add("decision", m.Id, null, "perinatal",
            $"{m.Id} の出産(予定)日 {birth.Date:uuuu-MM-dd}{(birth.Multiple ? " (多胎)" : "")}: {(period == PerinatalPeriod.None ? "産前産後の免除の対象外" : $"産前産後期間のうちこの年度の月 {Ranges(fy, months)}")} (規則 「{rs.Perinatal.Rules[rule].Name}」)",
            value: Outcomes.Perinatal.First(o => o.Value == period).Key,
            parameters: Params(rs, "perinatal.eligibleBirthsFrom", "perinatal.firstExemptMonth", "perinatal.monthsBefore", "perinatal.monthsBeforeMultiple", "perinatal.monthsAfter"),
            rule: Rule(rs.Perinatal, rule));

    private static void TraceInvoluntaryUnemployment(Trace trace, PremiumRuleSet rs, FiscalYear fy, MemberSnapshot m, Separation separation, bool eligible, int rule, int mask) =>
        trace.Add("decision", m.Id, null, "involuntaryUnemployment",
            $"{m.Id} の離職 ({separation.Date:uuuu-MM-dd}、離職理由コード {separation.ReasonCode}): "
            + (eligible ? $"非自発的失業者の軽減の対象。この年度の対象月 {Ranges(fy, mask)}" : "非自発的失業者の軽減の対象外")
            + $" (規則 「{rs.InvoluntaryUnemployment.Rules[rule].Name}」)",
            value: eligible ? "true" : "false",
            parameters: Params(rs, "involuntaryUnemployment.reasonCodes", "involuntaryUnemployment.ageLimit", "involuntaryUnemployment.followingFiscalYears"),
            rule: Rule(rs.InvoluntaryUnemployment, rule));

    private static void TraceFormerDependant(Trace trace, PremiumRuleSet rs, FiscalYear fy, MemberSnapshot m, LocalDate acquired, bool eligible, int rule,
        int incomeMask, int windowMask) =>
        trace.Add("decision", m.Id, null, "formerDependant",
            $"{m.Id} の旧被扶養者としての資格取得 ({acquired:uuuu-MM-dd}): "
            + (eligible ? $"所得割の免除 {Ranges(fy, incomeMask)}、均等割 (と世帯全員が旧被扶養者の月の平等割) の減額 {Ranges(fy, windowMask)}" : "旧被扶養者の減免の対象外")
            + $" (規則 「{rs.FormerDependant.Rules[rule].Name}」)",
            value: eligible ? "true" : "false",
            parameters: Params(rs, "formerDependant.ageFrom", "formerDependant.ageUntil", "formerDependant.incomeLevyExempt", "formerDependant.windowMonths"),
            rule: Rule(rs.FormerDependant, rule));

    private static void TraceSpecifiedHousehold(Trace trace, PremiumRuleSet rs, FiscalYear fy, LocalDate since, ReadOnlySpan<SpecifiedHouseholdStatus> statuses, ReadOnlySpan<int> rules)
    {
        var specifiedMask = 0;
        var continuedMask = 0;
        for (var k = 0; k < MonthsPerYear; k++)
        {
            if (statuses[k] == SpecifiedHouseholdStatus.Specified) specifiedMask |= 1 << k;
            if (statuses[k] == SpecifiedHouseholdStatus.Continued) continuedMask |= 1 << k;
        }
        trace.Add("decision", "household", null, "specifiedHousehold",
            $"特定同一世帯所属者の後期高齢者医療への移行 {since:uuuu-MM-dd}: 特定世帯の月 {Ranges(fy, specifiedMask)}、特定継続世帯の月 {Ranges(fy, continuedMask)} ({RuleRanges(fy, rs.SpecifiedHousehold, rules, 0)})",
            value: specifiedMask != 0 ? "特定世帯" : continuedMask != 0 ? "特定継続世帯" : "none",
            parameters: Params(rs, "specifiedHousehold.specifiedMonths", "specifiedHousehold.continuedMonths"),
            rule: Rule(rs.SpecifiedHousehold, rules[0]));
    }

    // ---- The reduction test -----------------------------------------------------------------------

    private static void TraceJudgementDate(Trace trace, FiscalYear fy, LocalDate jd) =>
        trace.Add("fact", "household", null, "judgementDate",
            jd == fy.Start
                ? $"軽減判定日は {jd:uuuu-MM-dd} (賦課期日 4月1日) です。"
                : $"4月1日に被保険者がいないため、資格を取得した {jd:uuuu-MM-dd} を軽減判定日とします。",
            value: jd.ToString("uuuu-MM-dd", CultureInfo.InvariantCulture));

    private static void TraceNoJudgementDate(Trace trace) =>
        trace.Add("note", "household", null, "judgementDate", "この年度に被保険者である世帯員がいないため、保険料はかかりません。");

    private static void TraceUndeclared(Trace trace, MemberSnapshot m) =>
        trace.Add("fact", m.Id, null, "incomeUndeclared",
            $"{m.Id} の所得が未申告です。所得が判明しない世帯員がいるため法定軽減は適用できません。", value: "undeclared");

    private static bool DecideSalaryEarner(PremiumRuleSet rs, MemberYearFacts facts, Trace? trace, string memberId) =>
        Decide(rs.SalaryEarner, facts, trace, memberId, null, "salaryEarner", "給与所得者等", "給与所得者等ではない");

    private static bool DecideElderlyPensionDeduction(PremiumRuleSet rs, MemberYearFacts facts, Trace? trace, string memberId) =>
        Decide(rs.ElderlyPensionDeduction, facts, trace, memberId, null, "elderlyPensionDeduction",
            "65歳以上の公的年金等所得から特別控除を差し引く", "年金特別控除なし");

    private static void TraceJudgementIncome(Trace trace, PremiumRuleSet rs, MemberSnapshot m, long income, long pensionDeduction, long salaryReduction,
        bool elderly, bool deemed, bool insuredOnDate, bool head) =>
        trace.Add("calculation", m.Id, null, "judgementIncome",
            $"{m.Id} の軽減判定所得 {Yen(income)} = 総所得金額等 {Yen(m.Income.TotalIncome)} + 専従者給与 {Yen(m.Income.FamilyEmployeeSalaryDeduction)} + 譲渡所得特別控除 {Yen(m.Income.TransferIncomeSpecialDeduction)} − 年金特別控除 {Yen(pensionDeduction)}"
            + (deemed ? $" − 非自発的失業者の給与所得の減額 {Yen(salaryReduction)}" : "")
            + (insuredOnDate ? "" : head ? " (世帯主: 被保険者でなくても所得を含めます)" : " (特定同一世帯所属者)"),
            yen: income,
            parameters: Params(rs, elderly ? "reduction.elderlyPensionDeduction" : null,
                deemed ? "involuntaryUnemployment.salaryIncomeRatio" : null, deemed ? "practice.involuntaryUnemploymentInReductionTest" : null));

    private static void TraceReductionClass(Trace trace, PremiumRuleSet rs, ReductionFacts facts, int rule, ReductionClass reductionClass)
    {
        var intermediates = rs.ReductionClass.Intermediates(facts);
        var shown = string.Join("、", rs.ReductionClass.IntermediateNames.Select((name, x) => $"{name} = {Format(intermediates[x])}"));
        trace.Add("decision", "household", null, "reductionClass",
            $"軽減判定: 判定所得の合計 {Yen(facts.JudgementIncome)}、被保険者等 {facts.Persons}人、給与所得者等 {facts.SalaryEarners}人、未申告 {facts.UndeclaredPersons}人"
            + (shown.Length > 0 ? $" ({shown})" : "") + $" → {Describe(reductionClass)}",
            value: Outcomes.Name(reductionClass),
            parameters: Params(rs, "reduction.basicAllowance", "reduction.perAdditionalSalaryEarner", "reduction.fiveTenthsPerPerson", "reduction.twoTenthsPerPerson"),
            rule: Rule(rs.ReductionClass, rule));
    }

    // ---- The levy ---------------------------------------------------------------------------------

    private static void TraceAssessableIncome(Trace trace, PremiumRuleSet rs, MemberSnapshot member, long assessable, long deduction)
    {
        var income = member.Income;
        trace.Add("calculation", member.Id, null, "assessableIncome",
            $"{member.Id} の算定基礎所得 {Yen(assessable)} = 総所得金額等 {Yen(income.TotalIncome)} − 基礎控除 {Yen(deduction)}"
            + (income.CombinedIncome is null ? " (合計所得金額の送信がないため総所得金額等で基礎控除を判定)" : $" (合計所得金額 {Yen(income.CombinedIncome.Value)})"),
            yen: assessable, parameters: Params(rs, "incomeLevy.basicDeduction"));
    }

    private static void TraceAssessableIncomeDeemed(Trace trace, PremiumRuleSet rs, FiscalYear fy, MemberSnapshot member, int unemploymentMask,
        long assessableDeemed, long deemedTotal, long deemedDeduction)
    {
        var p = rs.Parameters;
        trace.Add("calculation", member.Id, null, "assessableIncomeDeemed",
            $"{member.Id} の非自発的失業者の期間 ({Ranges(fy, unemploymentMask)}) の算定基礎所得 {Yen(assessableDeemed)} = 給与所得 {Yen(member.Income.SalaryIncome)} を {p.InvoluntaryUnemployment.SalaryIncomeRatio.ToPercentString()} とみなした総所得金額等 {Yen(deemedTotal)} − 基礎控除 {Yen(deemedDeduction)}",
            yen: assessableDeemed, parameters: Params(rs, "involuntaryUnemployment.salaryIncomeRatio", "incomeLevy.basicDeduction"));
    }
    /// <summary>A component's items, its reliefs, the sum before the cap and the cap.</summary>
    private static void TraceComponent(Trace trace, PremiumRuleSet rs, LevyInputs levy, int c, ComponentAssessment result,
        long incomeLevyNet, long perCapitaNet, long perHouseholdNet, int liablePersons)
    {
        TraceItems(trace, rs, levy, c, result, liablePersons);
        TraceReliefs(trace, rs, rs.Components[c], result.Reliefs, levy.ReductionClass);
        var p = rs.Parameters;
        var name = result.Name;
        var label = result.Label;
        trace.Add("calculation", "household", name, "beforeCap",
            $"{label} {Yen(result.BeforeCap)} = 所得割 {Yen(incomeLevyNet)}"
            + (result.AssetLevy is { } assetLevy ? $" + 資産割 {Yen(assetLevy)}" : "")
            + $" + 均等割 {Yen(perCapitaNet)} + 平等割 {Yen(perHouseholdNet)} (軽減額 計 {Yen(result.Reduction)}; {p.Rounding.Component.Describe()})",
            yen: result.BeforeCap, parameters: Params(rs, "rounding.component"));
        trace.Add("cap", "household", name, "amount",
            result.BeforeCap > result.Cap
                ? $"{label} は賦課限度額 {Yen(result.Cap)} を超えるため {Yen(result.Amount)} とします。"
                : $"{label} は賦課限度額 {Yen(result.Cap)} 以下のため {Yen(result.Amount)} です。",
            yen: result.Amount,
            parameters: p.Proration.CapByMonths && result.Months < MonthsPerYear
                ? Params(rs, $"rates.{name}.cap", "proration.capByMonths", "proration.proratedCap")
                : Params(rs, $"rates.{name}.cap"));
    }

    /// <summary>A component's 所得割, 均等割 and 平等割 before reliefs, with the member-months they are summed over.</summary>
    private static void TraceItems(Trace trace, PremiumRuleSet rs, LevyInputs levy, int c, ComponentAssessment result, int liablePersons)
    {
        var p = rs.Parameters;
        var name = result.Name;
        var label = result.Label;
        var rates = rs.Components[c].Rates;
        var nc = rs.Components.Count;
        var perMember = p.Rounding.IncomeLevyPer == IncomeLevyRoundingPer.Member;
        var terms = new List<string>();
        var assetTerms = result.AssetLevy is null ? null : new List<string>(); // only where the city levies 資産割
        var personMonths = 0;
        for (var i = 0; i < levy.Members.Count; i++)
        {
            var months = BitOperations.PopCount((uint)levy.LiableMasks[i * nc + c]);
            if (months == 0) continue;
            terms.Add(perMember
                ? $"{levy.Members[i].Id} {Yen(RoundTwelfths(levy.Assessable[i] * months, rates.IncomeRate, p.Rounding.IncomeLevy))} ({Yen(levy.Assessable[i])}×{months}/12)"
                : $"{Yen(levy.Assessable[i])}×{months}/12");
            assetTerms?.Add($"{Yen(levy.Members[i].FixedAssetTax)}×{months}/12");
            personMonths += months;
        }
        var incomeParameters = p.Rounding.IncomeLevyPer is null
            ? Params(rs, $"rates.{name}.incomeRate", "rounding.incomeLevy")
            : Params(rs, $"rates.{name}.incomeRate", "rounding.incomeLevy", "rounding.incomeLevyPer");
        trace.Add("calculation", "household", name, "incomeLevy",
            perMember
                ? $"{label} 所得割 {Yen(result.IncomeLevy)} = 世帯員ごとの所得割 (算定基礎所得 × {rates.IncomeRate.ToPercentString()}、{p.Rounding.IncomeLevy.Describe()}) の合計: {string.Join(" + ", terms)}"
                : $"{label} 所得割 {Yen(result.IncomeLevy)} = 算定基礎所得 ({string.Join(" + ", terms)}) × {rates.IncomeRate.ToPercentString()} ({p.Rounding.IncomeLevy.Describe()})",
            yen: result.IncomeLevy, parameters: incomeParameters);
        if (result.AssetLevy is { } assetLevy && rates.AssetRate is { } assetRate)
            trace.Add("calculation", "household", name, "assetLevy",
                $"{label} 資産割 {Yen(assetLevy)} = 固定資産税額 ({string.Join(" + ", assetTerms!)}) × {assetRate.ToPercentString()} ({p.Rounding.AssetLevy!.Describe()}; 法定軽減その他の軽減の対象外)",
                yen: assetLevy, parameters: Params(rs, $"rates.{name}.assetRate", "rounding.assetLevy"));
        trace.Add("calculation", "household", name, "perCapita",
            $"{label} 均等割 {Yen(result.PerCapita)} = {Yen(rates.PerCapita)}"
            + (rates.AdultPerCapitaAddOn is > 0 ? $" (全額軽減でない者は {Yen(rates.AdultPerCapitaAddOn.Value)} を加算)" : "")
            + $" × 延べ {personMonths}人月 ÷ 12 ({liablePersons}人)",
            yen: result.PerCapita, parameters: Params(rs, $"rates.{name}.perCapita", rates.AdultPerCapitaAddOn is null ? null : $"rates.{name}.adultPerCapitaAddOn", "rounding.perCapita"));
        trace.Add("calculation", "household", name, "perHousehold",
            $"{label} 平等割 {Yen(result.PerHousehold)} = {Yen(rates.PerHousehold)} × {result.Months}/12",
            yen: result.PerHousehold, parameters: Params(rs, $"rates.{name}.perHousehold", "rounding.perHousehold"));
    }

    /// <summary>What each relief removed from a component, how it was rounded, and where the law says so.</summary>
    private static void TraceReliefs(Trace trace, PremiumRuleSet rs, PremiumComponent component, IReadOnlyList<ReliefAmount> reliefs, ReductionClass reductionClass)
    {
        var p = rs.Parameters;
        foreach (var relief in reliefs)
        {
            var detail = relief.Relief switch
            {
                Relief.StatutoryReduction => $"{Describe(reductionClass)} ({DescribeRelief(p.Rounding.Reduction)})",
                Relief.Preschool => DescribeRelief(p.Rounding.Preschool),
                Relief.FormerDependant => DescribeRelief(p.Rounding.FormerDependant),
                Relief.SpecifiedHousehold => DescribeRelief(p.Rounding.SpecifiedHousehold),
                Relief.Perinatal => "出産する被保険者の産前産後期間の所得割・均等割",
                Relief.InvoluntaryUnemployment => $"給与所得を {p.InvoluntaryUnemployment.SalaryIncomeRatio.ToPercentString()} とみなす",
                _ => "",
            };
            var parameters = relief.Relief switch
            {
                Relief.StatutoryReduction => Params(rs, ClassPath(reductionClass), "rounding.reduction"),
                Relief.Preschool => Params(rs, "preschool.perCapitaRatio", "rounding.preschool"),
                Relief.FormerDependant => Params(rs, "formerDependant.perCapitaRatio", "formerDependant.perHouseholdRatio", "rounding.formerDependant"),
                Relief.SpecifiedHousehold => Params(rs, "specifiedHousehold.specifiedRatio", "specifiedHousehold.continuedRatio", "rounding.specifiedHousehold"),
                Relief.Perinatal => Params(rs, "perinatal.eligibleBirthsFrom", "perinatal.monthsBefore", "perinatal.monthsAfter"),
                Relief.InvoluntaryUnemployment => Params(rs, "involuntaryUnemployment.salaryIncomeRatio"),
                _ => [],
            };
            trace.Add("relief", "household", component.Name, RelieftItem(relief.Relief),
                $"{component.Label} {relief.Label}: {Yen(relief.Amount)} を減額 ({detail})。根拠: {relief.Reference}",
                yen: relief.Amount, parameters: parameters);
        }
    }

    private static void TraceAnnual(Trace trace, PremiumRuleSet rs, ComponentAssessment[] results, long annual) =>
        trace.Add("calculation", "household", null, "annualPremium",
            $"年間保険料 {Yen(annual)} = " + string.Join(" + ", results.Select(r => $"{r.Label} {Yen(r.Amount)}")) + $" ({rs.Parameters.Rounding.Annual.Describe()})",
            yen: annual, parameters: Params(rs, "rounding.annual"));

    // ---- Helpers of the texts ---------------------------------------------------------------------

    /// <summary>The statutory reduction's ratio parameter for a class; null for none.</summary>
    private static string? ClassPath(ReductionClass reductionClass) => reductionClass switch
    {
        ReductionClass.SevenTenths => "reduction.sevenTenthsRatio",
        ReductionClass.FiveTenths => "reduction.fiveTenthsRatio",
        ReductionClass.TwoTenths => "reduction.twoTenthsRatio",
        _ => null,
    };

    /// <summary>A year-level member decision; traced (when <paramref name="trace"/> is given) with its yes/no text, unless false and <paramref name="onlyWhenTrue"/>.</summary>
    private static bool Decide(Decision<MemberYearFacts, bool> decision, MemberYearFacts facts, Trace? trace, string memberId, string? component,
        string item, string yes, string no, bool onlyWhenTrue = false)
    {
        if (trace is null) return decision.Decide(facts);
        var rule = decision.Match(facts);
        var outcome = decision.OutcomeOf(rule);
        if (outcome || !onlyWhenTrue)
            trace.Add("decision", memberId, component, item, $"{memberId}: {(outcome ? yes : no)} (規則 「{decision.Rules[rule].Name}」)",
                value: outcome ? "true" : "false", rule: Rule(decision, rule));
        return outcome;
    }

    private static string RelieftItem(Relief relief) => JsonName(relief.ToString());

    private static string JsonName(string name) => char.ToLowerInvariant(name[0]) + name[1..];

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

    private static string RuleRanges<TFacts, TOutcome>(FiscalYear fy, Decision<TFacts, TOutcome> decision, ReadOnlySpan<int> ruleByMonth, int offset)
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

    private static TraceRule Rule(Decision decision, int index) => decision.TraceRuleOf(index);

    private static TraceParameter[] Params(PremiumRuleSet rs, params string?[] paths) =>
        TraceParameter.Of(rs.ParameterTable, paths);

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
