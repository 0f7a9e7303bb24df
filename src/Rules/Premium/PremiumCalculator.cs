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
/// insured and liable in each month, who is a 給与所得者等, the reduction class, which reliefs apply…)
/// come from the rule set's workflows; the arithmetic below is the same every year and takes every
/// number from the rule set's parameters. Order of application (premium.md §3.3, §5–§8):
/// <list type="number">
/// <item>each member's liability per month and component (month-end rule; 40/65 legal ages; 75th birthday),
///   and the months of each member-level relief (産前産後, 非自発的失業者, 旧被扶養者);</item>
/// <item>the 軽減判定 on the judgement date (4月1日, or the day liability arose for a household joining later);</item>
/// <item>the household's 特定世帯 status per month;</item>
/// <item>per component, each item summed over member-months with its reliefs applied as ordered stages
///   (<see cref="Relief"/>): 所得割 = Σ 算定基礎所得 × rate ÷ 12; 均等割 and 平等割 per person or household,
///   each relief rounded as the rule set says, then ÷ 12;</item>
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

    // Stages of each item, in the order reliefs apply; stage 0 is the gross amount.
    private static readonly Relief[] IncomeLevyStages = [Relief.InvoluntaryUnemployment, Relief.FormerDependant, Relief.Perinatal];
    private static readonly Relief[] PerCapitaStages = [Relief.PerCapitaWaiver, Relief.StatutoryReduction, Relief.FormerDependant, Relief.Preschool, Relief.Perinatal];
    private static readonly Relief[] PerHouseholdStages = [Relief.SpecifiedHousehold, Relief.StatutoryReduction, Relief.FormerDependant];
    private static readonly Relief[] AllReliefs = Enum.GetValues<Relief>();

    /// <summary>Assesses a household; pass a <see cref="Trace"/> to have every step explained.</summary>
    /// <param name="details">
    /// False for the batch: the same amounts, but no per-member results and no itemised reliefs
    /// (<see cref="PremiumAssessment.Members"/> and each component's reliefs are left empty).
    /// </param>
    public static PremiumAssessment Assess(PremiumRuleSet rs, HouseholdSnapshot household, Trace? trace = null, bool details = true)
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
            var birthYear = member.BirthDate.Year;
            var birthMonthDay = member.BirthDate.Month * 100 + member.BirthDate.Day;
            var coveredMask = CoveredMonthEnds(member, monthEnds);
            var previous = default(MemberDateFacts);
            var previousOutcomes = 0; // bit 0: insured; bit c+1: liable for component c
            int[]? ruleByMonth = trace is null ? null : new int[MonthsPerYear * (nc + 1)];
            for (var k = 0; k < MonthsPerYear; k++)
            {
                var facts = new MemberDateFacts((coveredMask & (1 << k)) != 0,
                    AgeOn(birthYear, birthMonthDay, rs.MonthEndYears[k], rs.MonthEndMonthDays[k]),
                    AgeOn(birthYear, birthMonthDay, rs.NextDayYears[k], rs.NextDayMonthDays[k]), false);
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

        // 2. Member facts for the year, year-level decisions, and the months of member-level reliefs.
        var yearFacts = new MemberYearFacts[n];
        var preschool = new bool[n];
        var waived = new bool[n * nc];
        Span<int> perinatalMasks = stackalloc int[n];
        Span<int> unemploymentMasks = stackalloc int[n];
        Span<int> formerDependantIncomeMasks = stackalloc int[n];
        Span<int> formerDependantWindowMasks = stackalloc int[n];
        for (var i = 0; i < n; i++)
        {
            var m = members[i];
            yearFacts[i] = YearFacts(m, rs);
            preschool[i] = Decide(rs.Preschool, yearFacts[i], trace, m.Id, null, "preschool", "未就学児", "未就学児ではない");
            for (var c = 0; c < nc; c++)
                waived[i * nc + c] = trace is null
                    ? components[c].PerCapitaWaiver.Decide(yearFacts[i])
                    : Decide(components[c].PerCapitaWaiver, yearFacts[i], trace, m.Id, components[c].Name, "perCapitaWaiver",
                        $"{components[c].Label}の均等割は全額軽減", $"{components[c].Label}の均等割の全額軽減なし", onlyWhenTrue: true);
            perinatalMasks[i] = PerinatalMonths(rs, fy, m, trace);
            unemploymentMasks[i] = InvoluntaryUnemploymentMonths(rs, fy, m, trace);
            (formerDependantIncomeMasks[i], formerDependantWindowMasks[i]) = FormerDependantMonths(rs, fy, m, trace);
        }

        // 3. The reduction test on the judgement date.
        var judgementDate = JudgementDate(rs, members, fy);
        var counted = new bool[n];
        var salaryEarner = new bool[n];
        var judgementIncome = new long?[n];
        var reductionClass = ReductionClass.None;
        var undeclared = new List<string>();
        if (judgementDate is { } jd)
        {
            trace?.Add("fact", "household", null, "judgementDate",
                jd == fy.Start
                    ? $"軽減判定日は {jd:uuuu-MM-dd} (賦課期日 4月1日) です。"
                    : $"4月1日に被保険者がいないため、資格を取得した {jd:uuuu-MM-dd} を軽減判定日とします。",
                value: jd.ToString("uuuu-MM-dd", CultureInfo.InvariantCulture));
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
                salaryEarner[i] = Decide(rs.SalaryEarner, yearFacts[i], trace, m.Id, null, "salaryEarner", "給与所得者等", "給与所得者等ではない");
                if (salaryEarner[i]) earners++;
                var elderly = Decide(rs.ElderlyPensionDeduction, yearFacts[i], trace, m.Id, null, "elderlyPensionDeduction",
                    "65歳以上の公的年金等所得から特別控除を差し引く", "年金特別控除なし");
                var deemed = p.Practice.InvoluntaryUnemploymentInReductionTest && unemploymentMasks[i] != 0;
                var income = JudgementIncomeOf(m.Income, elderly, deemed, p, out var pensionDeduction, out var salaryReduction);
                judgementIncome[i] = income;
                totalJudgementIncome += income;
                trace?.Add("calculation", m.Id, null, "judgementIncome",
                    $"{m.Id} の軽減判定所得 {Yen(income)} = 総所得金額等 {Yen(m.Income.TotalIncome)} + 専従者給与 {Yen(m.Income.FamilyEmployeeSalaryDeduction)} + 譲渡所得特別控除 {Yen(m.Income.TransferIncomeSpecialDeduction)} − 年金特別控除 {Yen(pensionDeduction)}"
                    + (deemed ? $" − 非自発的失業者の給与所得の減額 {Yen(salaryReduction)}" : "")
                    + (insuredOnDate ? "" : i == headIndex ? " (世帯主: 被保険者でなくても所得を含めます)" : " (特定同一世帯所属者)"),
                    yen: income,
                    parameters: Params(rs, elderly ? "reduction.elderlyPensionDeduction" : null,
                        deemed ? "involuntaryUnemployment.salaryIncomeRatio" : null, deemed ? "practice.involuntaryUnemploymentInReductionTest" : null));
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
                    parameters: Params(rs, "reduction.basicAllowance", "reduction.perAdditionalSalaryEarner", "reduction.fiveTenthsPerPerson", "reduction.twoTenthsPerPerson"),
                    rule: Rule(rs.ReductionClass, rule));
            }
        }
        else
        {
            trace?.Add("note", "household", null, "judgementDate", "この年度に被保険者である世帯員がいないため、保険料はかかりません。");
        }

        // 4. The household's 特定世帯 status per month.
        Span<SpecifiedHouseholdStatus> specified = stackalloc SpecifiedHouseholdStatus[MonthsPerYear];
        SpecifiedHouseholdMonths(rs, fy, members, insuredMasks, specified, trace);

        // 5. Assessable income (算定基礎所得) per member, and the deemed one for 非自発的失業者 months.
        var assessable = new long[n];
        var assessableDeemed = new long[n];
        for (var i = 0; i < n; i++)
        {
            var income = members[i].Income;
            if (!income.Declared || insuredMasks[i] == 0) continue;
            var deduction = BasicDeduction(p.IncomeLevy.BasicDeduction, income.CombinedIncome ?? income.TotalIncome);
            assessable[i] = Math.Max(0, income.TotalIncome - deduction);
            assessableDeemed[i] = assessable[i];
            trace?.Add("calculation", members[i].Id, null, "assessableIncome",
                $"{members[i].Id} の算定基礎所得 {Yen(assessable[i])} = 総所得金額等 {Yen(income.TotalIncome)} − 基礎控除 {Yen(deduction)}"
                + (income.CombinedIncome is null ? " (合計所得金額の送信がないため総所得金額等で基礎控除を判定)" : $" (合計所得金額 {Yen(income.CombinedIncome.Value)})"),
                yen: assessable[i], parameters: Params(rs, "incomeLevy.basicDeduction"));
            if (unemploymentMasks[i] == 0) continue;
            var reduction = DeemedSalaryReduction(income, p);
            var deemedTotal = income.TotalIncome - reduction;
            var deemedDeduction = BasicDeduction(p.IncomeLevy.BasicDeduction, (income.CombinedIncome ?? income.TotalIncome) - reduction);
            assessableDeemed[i] = Math.Max(0, deemedTotal - deemedDeduction);
            trace?.Add("calculation", members[i].Id, null, "assessableIncomeDeemed",
                $"{members[i].Id} の非自発的失業者の期間 ({Ranges(fy, unemploymentMasks[i])}) の算定基礎所得 {Yen(assessableDeemed[i])} = 給与所得 {Yen(income.SalaryIncome)} を {p.InvoluntaryUnemployment.SalaryIncomeRatio.ToPercentString()} とみなした総所得金額等 {Yen(deemedTotal)} − 基礎控除 {Yen(deemedDeduction)}",
                yen: assessableDeemed[i], parameters: Params(rs, "involuntaryUnemployment.salaryIncomeRatio", "incomeLevy.basicDeduction"));
        }

        // 6. Components.
        var classRatio = reductionClass switch
        {
            ReductionClass.SevenTenths => p.Reduction.SevenTenthsRatio,
            ReductionClass.FiveTenths => p.Reduction.FiveTenthsRatio,
            ReductionClass.TwoTenths => p.Reduction.TwoTenthsRatio,
            _ => Ratio.Zero,
        };
        var classPath = reductionClass switch
        {
            ReductionClass.SevenTenths => "reduction.sevenTenthsRatio",
            ReductionClass.FiveTenths => "reduction.fiveTenthsRatio",
            ReductionClass.TwoTenths => "reduction.twoTenthsRatio",
            _ => null,
        };
        var results = new ComponentAssessment[nc];
        var perCapitaCharges = new long[n * nc];
        Span<long> incomeStages = stackalloc long[IncomeLevyStages.Length + 1];
        Span<long> capitaStages = stackalloc long[PerCapitaStages.Length + 1];
        Span<long> householdStages = stackalloc long[PerHouseholdStages.Length + 1];
        Span<long> units = stackalloc long[PerCapitaStages.Length + 1];
        Span<long> windowUnits = stackalloc long[PerCapitaStages.Length + 1];
        Span<long> householdUnits = stackalloc long[PerHouseholdStages.Length + 1];
        Span<int> insuredCount = stackalloc int[MonthsPerYear];
        Span<int> formerDependantCount = stackalloc int[MonthsPerYear];
        Span<long> reliefTotals = stackalloc long[AllReliefs.Length];
        long annualSum = 0;
        for (var c = 0; c < nc; c++)
        {
            var component = components[c];
            var rates = component.Rates;
            incomeStages.Clear();
            capitaStages.Clear();
            householdStages.Clear();
            var householdMask = 0;
            var liablePersons = 0;
            insuredCount.Clear();
            formerDependantCount.Clear();
            var anyFormerDependant = false;
            for (var i = 0; i < n; i++)
            {
                var mask = liableMasks[i * nc + c];
                if (mask == 0) continue;
                liablePersons++;
                householdMask |= mask;
                var isWaived = waived[i * nc + c];
                var gross = rates.PerCapita + (isWaived ? 0 : rates.AdultPerCapitaAddOn ?? 0);
                // 均等割: the member's stages without (and, in the 旧被扶養者 window, with) that relief;
                // months are counted by which reliefs apply rather than one by one.
                PerCapitaUnits(gross, isWaived, classRatio, preschool[i], formerDependant: false, p, units);
                perCapitaCharges[i * nc + c] = units[PerCapitaStages.Length - 1];
                var window = formerDependantWindowMasks[i] & mask;
                var perinatal = perinatalMasks[i] & mask;
                var outside = mask & ~window;
                AddMonths(capitaStages, units, BitOperations.PopCount((uint)outside), BitOperations.PopCount((uint)(outside & perinatal)));
                if (window != 0)
                {
                    anyFormerDependant = true;
                    PerCapitaUnits(gross, isWaived, classRatio, preschool[i], formerDependant: true, p, windowUnits);
                    AddMonths(capitaStages, windowUnits, BitOperations.PopCount((uint)window), BitOperations.PopCount((uint)(window & perinatal)));
                }

                // 所得割: Σ 算定基礎所得 × months, stage by stage.
                var unemployment = unemploymentMasks[i] & mask;
                var exempt = formerDependantIncomeMasks[i] & mask;
                var months = BitOperations.PopCount((uint)mask);
                var deemedMonths = BitOperations.PopCount((uint)unemployment);
                incomeStages[0] += assessable[i] * months;
                incomeStages[1] += assessable[i] * (months - deemedMonths) + assessableDeemed[i] * deemedMonths;
                incomeStages[2] += assessable[i] * BitOperations.PopCount((uint)(mask & ~unemployment & ~exempt))
                                   + assessableDeemed[i] * BitOperations.PopCount((uint)(unemployment & ~exempt));
                incomeStages[3] += assessable[i] * BitOperations.PopCount((uint)(mask & ~unemployment & ~exempt & ~perinatal))
                                   + assessableDeemed[i] * BitOperations.PopCount((uint)(unemployment & ~exempt & ~perinatal));
            }
            if (anyFormerDependant)
            {
                for (var i = 0; i < n; i++)
                {
                    var mask = liableMasks[i * nc + c];
                    for (var bits = (uint)mask; bits != 0; bits &= bits - 1)
                    {
                        var k = BitOperations.TrailingZeroCount(bits);
                        insuredCount[k]++;
                        if ((formerDependantWindowMasks[i] & (1 << k)) != 0) formerDependantCount[k]++;
                    }
                }
            }
            var householdMonths = BitOperations.PopCount((uint)householdMask);
            var unitsKey = -1;
            for (var bits = (uint)householdMask; bits != 0; bits &= bits - 1)
            {
                var k = BitOperations.TrailingZeroCount(bits);
                var allFormerDependants = anyFormerDependant && formerDependantCount[k] == insuredCount[k];
                var status = component.SpecifiedHouseholdRelief ? specified[k] : SpecifiedHouseholdStatus.None;
                var key = (int)status * 2 + (allFormerDependants ? 1 : 0);
                if (key != unitsKey)
                {
                    PerHouseholdUnits(rates.PerHousehold, status, classRatio, allFormerDependants, p, householdUnits);
                    unitsKey = key;
                }
                for (var s = 0; s < householdStages.Length; s++) householdStages[s] += householdUnits[s];
            }

            // Round each stage of each item; a relief's amount is the drop from the stage before.
            reliefTotals.Clear();
            var incomeLevyGross = RoundTwelfths(incomeStages[0], rates.IncomeRate, p.Rounding.IncomeLevy);
            var incomeLevyNet = Stages(IncomeLevyStages, incomeStages, rates.IncomeRate, p.Rounding.IncomeLevy, reliefTotals);
            var perCapitaGross = RoundTwelfths(capitaStages[0], Ratio.One, p.Rounding.PerCapita);
            var perCapitaNet = Stages(PerCapitaStages, capitaStages, Ratio.One, p.Rounding.PerCapita, reliefTotals);
            var perHouseholdGross = RoundTwelfths(householdStages[0], Ratio.One, p.Rounding.PerHousehold);
            var perHouseholdNet = Stages(PerHouseholdStages, householdStages, Ratio.One, p.Rounding.PerHousehold, reliefTotals);

            var reduction = incomeLevyGross - incomeLevyNet + (perCapitaGross - perCapitaNet) + (perHouseholdGross - perHouseholdNet);
            var beforeCap = p.Rounding.Component.Apply(incomeLevyNet + perCapitaNet + perHouseholdNet);
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
            results[c] = new ComponentAssessment(component.Name, component.Label, incomeLevyGross, perCapitaGross, perHouseholdGross, reduction,
                beforeCap, cap, amount, householdMonths, reliefs);
            annualSum += amount;

            if (trace is not null && householdMonths > 0)
                TraceComponent(trace, rs, component, members, liableMasks, c, assessable, incomeLevyGross, perCapitaGross, perHouseholdGross,
                    reliefs, classPath, reductionClass, incomeLevyNet, perCapitaNet, perHouseholdNet, reduction, beforeCap, cap, amount, householdMonths, liablePersons);
        }
        var annual = p.Rounding.Annual.Apply(annualSum);
        trace?.Add("calculation", "household", null, "annualPremium",
            $"年間保険料 {Yen(annual)} = " + string.Join(" + ", results.Select(r => $"{r.Label} {Yen(r.Amount)}")) + $" ({p.Rounding.Annual.Describe()})",
            yen: annual, parameters: Params(rs, "rounding.annual"));

        var memberResults = new MemberAssessment[details ? n : 0];
        for (var i = 0; i < memberResults.Length; i++)
        {
            var months = new Dictionary<string, int>(nc);
            var charges = new Dictionary<string, long>(nc);
            for (var c = 0; c < nc; c++)
            {
                months[components[c].Name] = BitOperations.PopCount((uint)liableMasks[i * nc + c]);
                charges[components[c].Name] = perCapitaCharges[i * nc + c];
            }
            var reliefMonths = new Dictionary<Relief, int>();
            AddMonths(reliefMonths, Relief.Perinatal, perinatalMasks[i] & insuredMasks[i]);
            AddMonths(reliefMonths, Relief.InvoluntaryUnemployment, unemploymentMasks[i] & insuredMasks[i]);
            AddMonths(reliefMonths, Relief.FormerDependant, (formerDependantIncomeMasks[i] | formerDependantWindowMasks[i]) & insuredMasks[i]);
            memberResults[i] = new MemberAssessment(members[i].Id, i == headIndex, BitOperations.PopCount((uint)insuredMasks[i]), months,
                assessable[i], members[i].Income.Declared, preschool[i], salaryEarner[i], counted[i], judgementIncome[i], charges, reliefMonths);
        }
        var anyLiable = 0;
        foreach (var mask in liableMasks) anyLiable |= mask;
        return new PremiumAssessment(annual, results, Outcomes.Name(reductionClass), judgementDate, undeclared, memberResults, trace?.Steps)
        {
            LastLiableMonth = anyLiable == 0 ? null : fy.Month(31 - BitOperations.LeadingZeroCount((uint)anyLiable)),
        };
    }

    /// <summary>The months whose last day the member is covered on (bit 0 = April).</summary>
    private static int CoveredMonthEnds(MemberSnapshot member, LocalDate[] monthEnds)
    {
        var mask = 0;
        var coverage = member.Coverage;
        for (var p = 0; p < coverage.Count; p++)
        {
            var period = coverage[p];
            for (var k = 0; k < MonthsPerYear; k++)
                if (period.Contains(monthEnds[k])) mask |= 1 << k;
        }
        return mask;
    }

    /// <summary>Calendar age from a birth year and month×100+day on a date given the same way (as <see cref="Age.CalendarAgeOn"/>, in integers).</summary>
    private static int AgeOn(int birthYear, int birthMonthDay, int year, int monthDay)
    {
        var years = year - birthYear;
        if (monthDay < birthMonthDay) years--;
        return years < 0 ? -1 : years;
    }

    /// <summary>Facts about a member on a date.</summary>
    public static MemberDateFacts DateFacts(MemberSnapshot member, LocalDate date) =>
        new(member.IsCoveredOn(date), Age.CalendarAgeOn(member.BirthDate, date), Age.LegalAgeOn(member.BirthDate, date), false);

    /// <summary>Facts about a member for the fiscal year.</summary>
    public static MemberYearFacts YearFacts(MemberSnapshot member, PremiumRuleSet rs) =>
        new(Age.LegalAgeOn(member.BirthDate, rs.PriorDecember31),
            Age.LegalAgeOn(member.BirthDate, rs.March31BeforeYear),
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
    /// the elderly pension deduction from 公的年金等所得 where it applies, less the 非自発的失業者 reduction of
    /// the 給与所得 where <paramref name="deemedSalary"/>; never below 0.
    /// </summary>
    public static long JudgementIncomeOf(PriorYearIncome income, bool elderlyPensionDeduction, bool deemedSalary, PremiumParameters p,
        out long pensionDeduction, out long salaryReduction)
    {
        pensionDeduction = elderlyPensionDeduction ? Math.Min(income.PensionIncome, p.Reduction.ElderlyPensionDeduction) : 0;
        salaryReduction = deemedSalary ? DeemedSalaryReduction(income, p) : 0;
        return Math.Max(0, income.TotalIncome + income.FamilyEmployeeSalaryDeduction + income.TransferIncomeSpecialDeduction - pensionDeduction - salaryReduction);
    }

    /// <summary>How much less income a 非自発的失業者 has: 給与所得 − floor(給与所得 × 30/100).</summary>
    public static long DeemedSalaryReduction(PriorYearIncome income, PremiumParameters p) =>
        income.SalaryIncome - Rounding.FloorYen.Apply(ExactYen.FromYen(income.SalaryIncome) * p.InvoluntaryUnemployment.SalaryIncomeRatio);

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

    /// <summary>A sum of yen-months × rate ÷ 12, rounded: an item of a component.</summary>
    private static long RoundTwelfths(long yenMonths, Ratio rate, Rounding rounding) =>
        rounding.Apply(ExactYen.Times(yenMonths, rate.Numerator, rate.Denominator * MonthsPerYear));

    /// <summary>The months of the year exempted by 産前産後 for a member (before coverage is considered).</summary>
    private static int PerinatalMonths(PremiumRuleSet rs, FiscalYear fy, MemberSnapshot m, Trace? trace)
    {
        if (m.Childbirths is null) return 0;
        var p = rs.Parameters.Perinatal;
        var firstExempt = YearMonth(p.FirstExemptMonth);
        var mask = 0;
        foreach (var birth in m.Childbirths)
        {
            var facts = new BirthFacts(birth.Date, birth.Multiple);
            var rule = rs.Perinatal.Match(facts);
            var period = rs.Perinatal.OutcomeOf(rule);
            var birthMonth = YearMonth(birth.Date);
            var before = period switch { PerinatalPeriod.Single => p.MonthsBefore, PerinatalPeriod.Multiple => p.MonthsBeforeMultiple, _ => -1 };
            var months = 0;
            if (before >= 0)
            {
                for (var offset = -before; offset <= p.MonthsAfter; offset++)
                {
                    var month = birthMonth.PlusMonths(offset);
                    var index = fy.IndexOf(month);
                    if (index >= 0 && month.CompareTo(firstExempt) >= 0) months |= 1 << index;
                }
            }
            mask |= months;
            trace?.Add("decision", m.Id, null, "perinatal",
                $"{m.Id} の出産(予定)日 {birth.Date:uuuu-MM-dd}{(birth.Multiple ? " (多胎)" : "")}: {(period == PerinatalPeriod.None ? "産前産後の免除の対象外" : $"産前産後期間のうちこの年度の月 {Ranges(fy, months)}")} (規則 「{rs.Perinatal.Rules[rule].Name}」)",
                value: Outcomes.Perinatal.First(o => o.Value == period).Key,
                parameters: Params(rs, "perinatal.eligibleBirthsFrom", "perinatal.firstExemptMonth", "perinatal.monthsBefore", "perinatal.monthsBeforeMultiple", "perinatal.monthsAfter"),
                rule: Rule(rs.Perinatal, rule));
        }
        return mask;
    }

    /// <summary>The months of the year in which a 非自発的失業者's 給与所得 is deemed at 30/100.</summary>
    private static int InvoluntaryUnemploymentMonths(PremiumRuleSet rs, FiscalYear fy, MemberSnapshot m, Trace? trace)
    {
        if (m.InvoluntaryUnemployment is not { } separation) return 0;
        var p = rs.Parameters.InvoluntaryUnemployment;
        var facts = new SeparationFacts(Age.LegalAgeOn(m.BirthDate, separation.Date), separation.ReasonCode);
        var rule = rs.InvoluntaryUnemployment.Match(facts);
        var eligible = rs.InvoluntaryUnemployment.OutcomeOf(rule);
        var mask = 0;
        if (eligible)
        {
            var start = separation.Date.PlusDays(1);
            var end = new LocalDate(FiscalYear.Of(start).Year + p.FollowingFiscalYears + 1, 3, 31);
            for (var k = 0; k < MonthsPerYear; k++)
            {
                var month = fy.Month(k);
                if (month.CompareTo(YearMonth(start)) >= 0 && month.CompareTo(YearMonth(end)) <= 0) mask |= 1 << k;
            }
        }
        trace?.Add("decision", m.Id, null, "involuntaryUnemployment",
            $"{m.Id} の離職 ({separation.Date:uuuu-MM-dd}、離職理由コード {separation.ReasonCode}): "
            + (eligible ? $"非自発的失業者の軽減の対象。この年度の対象月 {Ranges(fy, mask)}" : "非自発的失業者の軽減の対象外")
            + $" (規則 「{rs.InvoluntaryUnemployment.Rules[rule].Name}」)",
            value: eligible ? "true" : "false",
            parameters: Params(rs, "involuntaryUnemployment.reasonCodes", "involuntaryUnemployment.ageLimit", "involuntaryUnemployment.followingFiscalYears"),
            rule: Rule(rs.InvoluntaryUnemployment, rule));
        return mask;
    }

    /// <summary>A 旧被扶養者's months: those with the 所得割 exempt, and those within the 均等割/平等割 window.</summary>
    private static (int IncomeMask, int WindowMask) FormerDependantMonths(PremiumRuleSet rs, FiscalYear fy, MemberSnapshot m, Trace? trace)
    {
        if (m.FormerDependantSince is not { } acquired) return (0, 0);
        var p = rs.Parameters.FormerDependant;
        var facts = new FormerDependantFacts(Age.LegalAgeOn(m.BirthDate, acquired));
        var rule = rs.FormerDependant.Match(facts);
        var eligible = rs.FormerDependant.OutcomeOf(rule);
        int incomeMask = 0, windowMask = 0;
        if (eligible)
        {
            var first = YearMonth(acquired);
            var lastInWindow = first.PlusMonths(p.WindowMonths - 1);
            for (var k = 0; k < MonthsPerYear; k++)
            {
                var month = fy.Month(k);
                if (month.CompareTo(first) < 0) continue;
                if (p.IncomeLevyExempt) incomeMask |= 1 << k;
                if (month.CompareTo(lastInWindow) <= 0) windowMask |= 1 << k;
            }
        }
        trace?.Add("decision", m.Id, null, "formerDependant",
            $"{m.Id} の旧被扶養者としての資格取得 ({acquired:uuuu-MM-dd}): "
            + (eligible ? $"所得割の免除 {Ranges(fy, incomeMask)}、均等割 (と世帯全員が旧被扶養者の月の平等割) の減額 {Ranges(fy, windowMask)}" : "旧被扶養者の減免の対象外")
            + $" (規則 「{rs.FormerDependant.Rules[rule].Name}」)",
            value: eligible ? "true" : "false",
            parameters: Params(rs, "formerDependant.ageFrom", "formerDependant.ageUntil", "formerDependant.incomeLevyExempt", "formerDependant.windowMonths"),
            rule: Rule(rs.FormerDependant, rule));
        return (incomeMask, windowMask);
    }

    /// <summary>The household's 特定世帯 status in each month of the year.</summary>
    private static void SpecifiedHouseholdMonths(PremiumRuleSet rs, FiscalYear fy, IReadOnlyList<MemberSnapshot> members, ReadOnlySpan<int> insuredMasks,
        Span<SpecifiedHouseholdStatus> statuses, Trace? trace)
    {
        LocalDate? since = null;
        foreach (var m in members)
            if (m.SpecifiedSameHouseholdSince is { } s && (since is null || s > since)) since = s;
        var sinceIndex = since is { } d ? (YearMonth(d).Year - fy.Year) * 12 + YearMonth(d).Month - 4 : 0;
        var rules = trace is null ? null : new int[MonthsPerYear];
        var previous = default(SpecifiedHouseholdFacts);
        var previousStatus = SpecifiedHouseholdStatus.None;
        for (var k = 0; k < MonthsPerYear; k++)
        {
            var insured = 0;
            foreach (var mask in insuredMasks) if ((mask & (1 << k)) != 0) insured++;
            var facts = since is null
                ? new SpecifiedHouseholdFacts(insured, false, -1, -1)
                : new SpecifiedHouseholdFacts(insured, true, k - sinceIndex, -sinceIndex);
            if (k > 0 && facts == previous && rules is null)
            {
                statuses[k] = previousStatus;
                continue;
            }
            var rule = rs.SpecifiedHousehold.Match(facts);
            statuses[k] = rs.SpecifiedHousehold.OutcomeOf(rule);
            if (rules is not null) rules[k] = rule;
            previous = facts;
            previousStatus = statuses[k];
        }
        if (trace is null || since is null) return;
        var specifiedMask = 0;
        var continuedMask = 0;
        for (var k = 0; k < MonthsPerYear; k++)
        {
            if (statuses[k] == SpecifiedHouseholdStatus.Specified) specifiedMask |= 1 << k;
            if (statuses[k] == SpecifiedHouseholdStatus.Continued) continuedMask |= 1 << k;
        }
        trace.Add("decision", "household", null, "specifiedHousehold",
            $"特定同一世帯所属者の後期高齢者医療への移行 {since:uuuu-MM-dd}: 特定世帯の月 {Ranges(fy, specifiedMask)}、特定継続世帯の月 {Ranges(fy, continuedMask)} ({RuleRanges(fy, rs.SpecifiedHousehold, rules!, 0)})",
            value: specifiedMask != 0 ? "特定世帯" : continuedMask != 0 ? "特定継続世帯" : "none",
            parameters: Params(rs, "specifiedHousehold.specifiedMonths", "specifiedHousehold.continuedMonths"),
            rule: Rule(rs.SpecifiedHousehold, rules![0]));
    }

    private static YearMonth YearMonth(LocalDate date) => new(date.Year, date.Month);

    /// <summary>Adds a member's 均等割 stages for <paramref name="months"/> months, the last (産前産後) stage without the exempt ones.</summary>
    private static void AddMonths(Span<long> stages, ReadOnlySpan<long> units, int months, int perinatalMonths)
    {
        if (months == 0) return;
        var last = PerCapitaStages.Length;
        for (var s = 0; s < last; s++) stages[s] += units[s] * months;
        stages[last] += units[last - 1] * (months - perinatalMonths);
    }

    private static void AddMonths(Dictionary<Relief, int> months, Relief relief, int mask)
    {
        if (mask != 0) months[relief] = BitOperations.PopCount((uint)mask);
    }

    private static string ReliefReference(PremiumRuleSet rs, PremiumComponent component, Relief relief) =>
        relief == Relief.PerCapitaWaiver
            ? component.PerCapitaWaiver.Rules.Select(r => r.Reference).FirstOrDefault(r => r is not null) ?? component.PerCapitaWaiver.Name
            : rs.ParameterTable[Reliefs.ReferenceParameter(relief)!].Reference;

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

    private static void TraceComponent(Trace trace, PremiumRuleSet rs, PremiumComponent component, IReadOnlyList<MemberSnapshot> members, ReadOnlySpan<int> liableMasks, int c,
        long[] assessable, long incomeLevy, long perCapita, long perHousehold, List<ReliefAmount> reliefs, string? classPath, ReductionClass reductionClass,
        long incomeLevyNet, long perCapitaNet, long perHouseholdNet, long reduction, long beforeCap, long cap, long amount, int householdMonths, int liablePersons)
    {
        var p = rs.Parameters;
        var name = component.Name;
        var label = component.Label;
        var rates = component.Rates;
        var nc = rs.Components.Count;
        var terms = new List<string>();
        var personMonths = 0;
        for (var i = 0; i < members.Count; i++)
        {
            var months = BitOperations.PopCount((uint)liableMasks[i * nc + c]);
            if (months == 0) continue;
            terms.Add($"{Yen(assessable[i])}×{months}/12");
            personMonths += months;
        }
        trace.Add("calculation", "household", name, "incomeLevy",
            $"{label} 所得割 {Yen(incomeLevy)} = 算定基礎所得 ({string.Join(" + ", terms)}) × {rates.IncomeRate.ToPercentString()} ({p.Rounding.IncomeLevy.Describe()})",
            yen: incomeLevy, parameters: Params(rs, $"rates.{name}.incomeRate", "rounding.incomeLevy"));
        trace.Add("calculation", "household", name, "perCapita",
            $"{label} 均等割 {Yen(perCapita)} = {Yen(rates.PerCapita)}"
            + (rates.AdultPerCapitaAddOn is > 0 ? $" (全額軽減でない者は {Yen(rates.AdultPerCapitaAddOn.Value)} を加算)" : "")
            + $" × 延べ {personMonths}人月 ÷ 12 ({liablePersons}人)",
            yen: perCapita, parameters: Params(rs, $"rates.{name}.perCapita", rates.AdultPerCapitaAddOn is null ? null : $"rates.{name}.adultPerCapitaAddOn", "rounding.perCapita"));
        trace.Add("calculation", "household", name, "perHousehold",
            $"{label} 平等割 {Yen(perHousehold)} = {Yen(rates.PerHousehold)} × {householdMonths}/12",
            yen: perHousehold, parameters: Params(rs, $"rates.{name}.perHousehold", "rounding.perHousehold"));
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
                Relief.StatutoryReduction => Params(rs, classPath, "rounding.reduction"),
                Relief.Preschool => Params(rs, "preschool.perCapitaRatio", "rounding.preschool"),
                Relief.FormerDependant => Params(rs, "formerDependant.perCapitaRatio", "formerDependant.perHouseholdRatio", "rounding.formerDependant"),
                Relief.SpecifiedHousehold => Params(rs, "specifiedHousehold.specifiedRatio", "specifiedHousehold.continuedRatio", "rounding.specifiedHousehold"),
                Relief.Perinatal => Params(rs, "perinatal.eligibleBirthsFrom", "perinatal.monthsBefore", "perinatal.monthsAfter"),
                Relief.InvoluntaryUnemployment => Params(rs, "involuntaryUnemployment.salaryIncomeRatio"),
                _ => [],
            };
            trace.Add("relief", "household", name, RelieftItem(relief.Relief),
                $"{label} {relief.Label}: {Yen(relief.Amount)} を減額 ({detail})。根拠: {relief.Reference}",
                yen: relief.Amount, parameters: parameters);
        }
        trace.Add("calculation", "household", name, "beforeCap",
            $"{label} {Yen(beforeCap)} = 所得割 {Yen(incomeLevyNet)} + 均等割 {Yen(perCapitaNet)} + 平等割 {Yen(perHouseholdNet)} (軽減額 計 {Yen(reduction)}; {p.Rounding.Component.Describe()})",
            yen: beforeCap, parameters: Params(rs, "rounding.component"));
        trace.Add("cap", "household", name, "amount",
            beforeCap > cap
                ? $"{label} は賦課限度額 {Yen(cap)} を超えるため {Yen(amount)} とします。"
                : $"{label} は賦課限度額 {Yen(cap)} 以下のため {Yen(amount)} です。",
            yen: amount,
            parameters: p.Proration.CapByMonths && householdMonths < MonthsPerYear
                ? Params(rs, $"rates.{name}.cap", "proration.capByMonths", "proration.proratedCap")
                : Params(rs, $"rates.{name}.cap"));
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

    private static string RuleRanges<TFacts, TOutcome>(FiscalYear fy, Decision<TFacts, TOutcome> decision, int[] ruleByMonth, int offset)
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

    private static TraceParameter[] Params(PremiumRuleSet rs, params string?[] paths) =>
        paths.Where(path => path is not null).Select(path =>
        {
            var info = rs.ParameterTable[path!];
            return new TraceParameter(path!, info.ValueText, info.Reference, info.Confirmed);
        }).ToArray();

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
