using KokuhoRules.Engine.Money;
using KokuhoRules.Engine.Tracing;
using NodaTime;

namespace KokuhoRules.Rules.HighCost;

/// <summary>Where a claim's care was given.</summary>
public enum CareSetting
{
    /// <summary>入院.</summary>
    Inpatient,
    /// <summary>外来.</summary>
    Outpatient,
}

/// <summary>The table that applies to a member in the care month.</summary>
public enum AgeBand
{
    /// <summary>70歳未満 (区分ア–オ).</summary>
    Under70,
    /// <summary>70–74 (高齢受給者).</summary>
    Age70To74,
}

/// <summary>A month's claim (one レセプト) of a member: the 10割 cost and the co-payment (yen).</summary>
public sealed record Claim(string MemberId, CareSetting Setting, bool Dental, string Institution, long TotalCost, long Copay);

/// <summary>A past care month of the household: what was paid as high-cost benefit (or applied at the window), and whether it was only the 70–74 outpatient benefit.</summary>
/// <param name="Insurer">The city that paid it, when another than the one computing now (a month from another city counts only from <c>manyTimes.carriedAcrossInsurersFrom</c>).</param>
public sealed record BenefitMonth(YearMonth CareMonth, long BenefitPaid, bool OutpatientOnly, string? Insurer = null);

/// <summary>A member of the household as the benefit sees them in the care month.</summary>
/// <param name="LateElderlyMonth">The care month is the month of their 75th birthday (not born on the 1st): their own limits are shared.</param>
public sealed record BenefitMember(string Id, AgeBand Band, bool LateElderlyMonth);

/// <summary>What a month's benefit is computed from (checked by <see cref="HighCostService"/>).</summary>
/// <param name="Under70">The under-70 category (given or decided); null when no member is under 70.</param>
/// <param name="Age70">The 70–74 category; null when no member is 70–74.</param>
public sealed record BenefitInputs(YearMonth CareMonth, IReadOnlyList<BenefitMember> Members, Under70Category? Under70, Age70Category? Age70,
    IReadOnlyList<Claim> Claims, IReadOnlyList<BenefitMonth> History, bool InPrefectureMove);

/// <summary>One step of the order 70–74 outpatient per person → 70–74 household → whole household: what it included (co-payments, yen), its limit and the benefit it gave.</summary>
/// <param name="Level"><c>age70OutpatientPerson</c>, <c>age70Household</c> or <c>household</c>; for a member in their 75th-birthday month the same levels computed for them alone.</param>
/// <param name="MemberId">The member of a per-person step, or of a 75th-birthday month's own steps; null for the household's.</param>
public sealed record BenefitStep(string Level, string? MemberId, long Included, long Limit, long Benefit);

/// <summary>Why the limits of a step were a share of the full ones.</summary>
/// <param name="Reason"><c>inPrefectureMove</c> (県内転居月) or <c>lateElderlyMonth</c> (75歳到達月).</param>
/// <param name="MemberId">The member reaching 75, for <c>lateElderlyMonth</c>.</param>
/// <param name="Share">The share of the limit, e.g. <c>1/2</c>.</param>
public sealed record Halving(string Reason, string? MemberId, string Share);

/// <summary>A month's high-cost benefit.</summary>
/// <param name="Benefit">Σ of every step's benefit (yen).</param>
/// <param name="Category">The household's category: the under-70 one when a member is under 70, else the 70–74 one (its Japanese name).</param>
/// <param name="Limit">The limit of the last household-level step (the whole household's when it has one; yen); 0 when no claim reached one.</param>
/// <param name="OutpatientOnly">Every yen of the benefit came from the 70–74 outpatient per-person step (such a month does not count for 多数回).</param>
public sealed record BenefitResult(long Benefit, string Category, bool ManyTimes, int PriorBenefitMonths, long Limit,
    IReadOnlyList<BenefitStep> Steps, IReadOnlyList<Halving> HalvedBy, bool OutpatientOnly);

/// <summary>
/// A household's high-cost benefit for one care month (§B4–§B6): plain arithmetic over the rule set's tables, integer yen,
/// every rounding named — the 1% term (<c>aggregation.onePercentRounding</c>) and a shared limit or threshold
/// (<c>specialMonths.shareRounding</c>). The order of claims and members never changes the result.
/// </summary>
public static class HighCostBenefit
{
    /// <summary>
    /// Computes the benefit: the 多数回 count of the window; then, for each member in their 75th-birthday month, their own
    /// steps at the shared limits (½, ¼ in an in-prefecture move month); then the household's: 70–74 outpatient per person →
    /// 70–74 household → the whole household (under-70 claims of the threshold or more, and what the 70–74 steps left), each
    /// limit shared by ½ in an in-prefecture move month.
    /// </summary>
    /// <exception cref="InvalidOperationException">No table for the care month or a category missing for a band with claims: the service checks both first.</exception>
    public static BenefitResult Compute(HighCostRuleSet rs, BenefitInputs inputs, Trace? trace)
    {
        var p = rs.Parameters;
        var under70 = rs.Under70TableFor(inputs.CareMonth) ?? throw new InvalidOperationException("no under-70 table for the care month");
        var age70 = rs.Age70TableFor(inputs.CareMonth) ?? throw new InvalidOperationException("no 70–74 table for the care month");
        var prior = ManyTimesCount.PriorBenefitMonths(rs, inputs.CareMonth, inputs.History, trace);
        var manyTimes = prior >= p.ManyTimes.PriorMonths;
        trace?.Add("decision", "household", null, "manyTimes",
            manyTimes ? $"診療月 {inputs.CareMonth:uuuu-MM} 以前の{p.ManyTimes.WindowMonths}か月に支給月が{prior}か月: 多数回該当 ({p.ManyTimes.PriorMonths}か月以上)"
                      : $"診療月 {inputs.CareMonth:uuuu-MM} 以前の{p.ManyTimes.WindowMonths}か月に支給月が{prior}か月: 多数回に該当しない",
            value: prior.ToString(System.Globalization.CultureInfo.InvariantCulture),
            parameters: TraceParameter.Of(rs.ParameterTable, "manyTimes.windowMonths", "manyTimes.priorMonths"));

        var moveShare = inputs.InPrefectureMove ? p.SpecialMonths.InPrefectureMoveShare : Ratio.One;
        var halvings = new List<Halving>();
        if (inputs.InPrefectureMove) halvings.Add(new Halving("inPrefectureMove", null, Fraction(moveShare)));
        var steps = new List<BenefitStep>();
        var tables = new Tables(under70.Table, age70.Table, under70.Path, age70.Path);
        var members = inputs.Members.OrderBy(m => m.Id, StringComparer.Ordinal).ToArray();
        var claims = inputs.Claims.ToLookup(c => c.MemberId, StringComparer.Ordinal);

        foreach (var m in members.Where(m => m.LateElderlyMonth))
        {
            var share = Multiply(moveShare, p.SpecialMonths.LateElderlyMonthShare);
            halvings.Add(new Halving("lateElderlyMonth", m.Id, Fraction(share)));
            Unit(new UnitContext(rs, tables, inputs, claims, share, manyTimes, m.Id, steps, trace), [m]);
        }
        Unit(new UnitContext(rs, tables, inputs, claims, moveShare, manyTimes, null, steps, trace), members.Where(m => !m.LateElderlyMonth).ToArray());
        var last = steps.LastOrDefault(s => s.Level != OutpatientLevel)?.Limit ?? 0;

        var benefit = steps.Sum(s => s.Benefit);
        var outpatientOnly = benefit > 0 && steps.Where(s => s.Benefit > 0).All(s => s.Level == OutpatientLevel);
        var category = inputs.Under70 is { } u && members.Any(m => m.Band == AgeBand.Under70) ? Name(tables.Under70, u)
            : inputs.Age70 is { } a ? Name(tables.Age70, a) : "";
        trace?.Add("calculation", "household", null, "benefit", $"高額療養費 {Yen(benefit)} (各段階の支給額の合計)", benefit);
        return new BenefitResult(benefit, category, manyTimes, prior, last, steps, halvings, outpatientOnly);
    }

    /// <summary>The level of the 70–74 outpatient per-person step.</summary>
    public const string OutpatientLevel = "age70OutpatientPerson";

    /// <summary>The level of the 70–74 household step.</summary>
    public const string Age70HouseholdLevel = "age70Household";

    /// <summary>The level of the whole household's step.</summary>
    public const string HouseholdLevel = "household";

    private sealed record Tables(Under70LimitTable Under70, Age70LimitTable Age70, string Under70Path, string Age70Path);

    /// <summary>What the steps of one unit (the household, or one member in their 75th-birthday month) share.</summary>
    private sealed record UnitContext(HighCostRuleSet Rs, Tables Tables, BenefitInputs Inputs, ILookup<string, Claim> Claims, Ratio Share, bool ManyTimes,
        string? Subject, List<BenefitStep> Steps, Trace? Trace);

    /// <summary>The steps of one unit: the 70–74 ones, then the whole unit's with the under-70 claims that reach the threshold.</summary>
    private static void Unit(UnitContext u, BenefitMember[] members)
    {
        var elderly = members.Where(m => m.Band == AgeBand.Age70To74 && u.Claims[m.Id].Any()).ToArray();
        var (age70Left, age70Cost) = elderly.Length > 0 ? Age70Steps(u, elderly) : (0L, 0L);
        WholeHousehold(u, members.Where(m => m.Band == AgeBand.Under70).Select(m => m.Id), age70Left, age70Cost);
    }

    /// <summary>Steps 1 and 2 of §B4: each 70–74 member's outpatient co-payments above the per-person limit, then the 70–74 household above its limit; returns what is left and the 70–74 claims' 10割 cost.</summary>
    private static (long Left, long Cost) Age70Steps(UnitContext u, BenefitMember[] elderly)
    {
        var category = u.Inputs.Age70 ?? throw new InvalidOperationException("a 70–74 member has claims and no 70–74 category");
        var row = Row(u.Tables.Age70, category);
        var rowPath = $"{u.Tables.Age70Path}.{Key(category)}";
        long household = 0, cost = 0;
        foreach (var m in elderly)
        {
            var mine = u.Claims[m.Id];
            var outpatient = mine.Where(c => c.Setting == CareSetting.Outpatient).Sum(c => c.Copay);
            var inpatient = mine.Where(c => c.Setting == CareSetting.Inpatient).Sum(c => c.Copay);
            cost += mine.Sum(c => c.TotalCost);
            if (row.Outpatient is { } op && outpatient > 0)
            {
                var limit = Share(u.Rs, op, u.Share);
                var benefit = Math.Max(0, outpatient - limit);
                u.Steps.Add(new BenefitStep(OutpatientLevel, m.Id, outpatient, limit, benefit));
                u.Trace?.Add("calculation", m.Id, null, OutpatientLevel,
                    $"{m.Id} の外来 (個人単位, {row.Name}): 自己負担 {Yen(outpatient)} − 限度額 {Yen(limit)}{ShareText(u.Share)} = 支給 {Yen(benefit)}", benefit,
                    parameters: [TraceParameter.Of(u.Rs.ParameterTable, rowPath + ".outpatient")]);
                outpatient -= benefit;
            }
            household += outpatient + inpatient;
        }
        var (hLimit, paths) = HouseholdLimit(u.Rs, row.Household, row.CostThreshold, u.ManyTimes ? row.ManyTimes : null, cost, u.Share,
            rowPath + ".household", rowPath + ".costThreshold", rowPath + ".manyTimes");
        var hBenefit = Math.Max(0, household - hLimit);
        u.Steps.Add(new BenefitStep(Age70HouseholdLevel, u.Subject, household, hLimit, hBenefit));
        u.Trace?.Add("calculation", u.Subject ?? "household", null, Age70HouseholdLevel,
            $"70〜74歳の世帯単位 ({row.Name}{(u.ManyTimes && row.ManyTimes is not null ? ", 多数回" : "")}): 自己負担 {Yen(household)} − 限度額 {Yen(hLimit)}{ShareText(u.Share)} = 支給 {Yen(hBenefit)}", hBenefit,
            parameters: TraceParameter.Of(u.Rs.ParameterTable, paths));
        return (household - hBenefit, cost);
    }

    /// <summary>
    /// Step 3 of §B4: the under-70 claims (per person, institution, setting, medical/dental) of the threshold or more, plus what the
    /// 70–74 steps left, above the under-70 category's limit (1% on the 10割 cost of every claim included); no step when no
    /// under-70 claim reaches the threshold.
    /// </summary>
    private static void WholeHousehold(UnitContext u, IEnumerable<string> young, long age70Left, long age70Cost)
    {
        var threshold = Share(u.Rs, u.Rs.Parameters.Aggregation.ClaimThreshold, u.Share);
        var groups = young.SelectMany(id => u.Claims[id])
            .GroupBy(c => (c.MemberId, c.Institution, c.Setting, c.Dental))
            .Select(g => (g.Key, Copay: g.Sum(c => c.Copay), Cost: g.Sum(c => c.TotalCost)))
            .OrderBy(g => g.Key.MemberId, StringComparer.Ordinal).ThenBy(g => g.Key.Institution, StringComparer.Ordinal)
            .ThenBy(g => g.Key.Setting).ThenBy(g => g.Key.Dental).ToArray();
        foreach (var g in groups.Where(g => g.Copay < threshold))
            u.Trace?.Add("note", g.Key.MemberId, null, "belowThreshold",
                $"{g.Key.MemberId} の{(g.Key.Setting == CareSetting.Inpatient ? "入院" : "外来")}{(g.Key.Dental ? " (歯科)" : "")} 自己負担 {Yen(g.Copay)} は {Yen(threshold)}{ShareText(u.Share)} 未満のため合算しない",
                g.Copay, parameters: [TraceParameter.Of(u.Rs.ParameterTable, "aggregation.claimThreshold")]);
        var included = groups.Where(g => g.Copay >= threshold).ToArray();
        if (included.Length == 0) return;

        var category = u.Inputs.Under70 ?? throw new InvalidOperationException("an under-70 member has claims and no under-70 category");
        var row = Row(u.Tables.Under70, category);
        var rowPath = $"{u.Tables.Under70Path}.{Key(category)}";
        var total = age70Left + included.Sum(g => g.Copay);
        var cost = age70Cost + included.Sum(g => g.Cost);
        var (limit, paths) = HouseholdLimit(u.Rs, row.Base, row.CostThreshold, u.ManyTimes ? row.ManyTimes : null, cost, u.Share,
            rowPath + ".base", rowPath + ".costThreshold", rowPath + ".manyTimes");
        var benefit = Math.Max(0, total - limit);
        u.Steps.Add(new BenefitStep(HouseholdLevel, u.Subject, total, limit, benefit));
        u.Trace?.Add("calculation", u.Subject ?? "household", null, HouseholdLevel,
            $"世帯合算 (区分{row.Name}{(u.ManyTimes ? ", 多数回" : "")}): 自己負担 {Yen(total)} (70〜74歳の残り {Yen(age70Left)} を含む; 総医療費 {Yen(cost)}) − 限度額 {Yen(limit)}{ShareText(u.Share)} = 支給 {Yen(benefit)}",
            benefit, parameters: TraceParameter.Of(u.Rs.ParameterTable, paths));
    }

    /// <summary>
    /// A household limit: the 多数回 amount when it applies, else <c>base + (cost − threshold) × 1%</c> (the term only when the
    /// cost exceeds the threshold, rounded by <c>aggregation.onePercentRounding</c>) or a flat base; base, threshold and
    /// 多数回 amount shared first (<c>specialMonths.shareRounding</c>), the 1% term never.
    /// </summary>
    public static (long Limit, string?[] Paths) HouseholdLimit(HighCostRuleSet rs, long @base, long? threshold, long? manyTimes, long cost, Ratio share,
        string basePath, string thresholdPath, string manyTimesPath)
    {
        var a = rs.Parameters.Aggregation;
        if (manyTimes is { } many) return (Share(rs, many, share), [manyTimesPath]);
        var limit = Share(rs, @base, share);
        if (threshold is not { } t) return (limit, [basePath]);
        var over = cost - Share(rs, t, share);
        var term = over > 0 ? a.OnePercentRounding.Apply(ExactYen.FromYen(over) * a.OnePercent) : 0;
        return (limit + term, [basePath, thresholdPath, "aggregation.onePercent", "aggregation.onePercentRounding"]);
    }

    /// <summary>An amount times a share, rounded by <c>specialMonths.shareRounding</c> (the amount itself when the share is 1).</summary>
    public static long Share(HighCostRuleSet rs, long yen, Ratio share) =>
        share == Ratio.One ? yen : rs.Parameters.SpecialMonths.ShareRounding.Apply(ExactYen.FromYen(yen) * share);

    private static Ratio Multiply(Ratio a, Ratio b) => new(checked(a.Numerator * b.Numerator), checked(a.Denominator * b.Denominator));

    /// <summary>The row of an under-70 category.</summary>
    public static Under70Limit Row(Under70LimitTable t, Under70Category c) => c switch
    {
        Under70Category.A => t.A, Under70Category.I => t.I, Under70Category.U => t.U, Under70Category.E => t.E, _ => t.O,
    };

    /// <summary>The row of a 70–74 category.</summary>
    public static Age70Limit Row(Age70LimitTable t, Age70Category c) => c switch
    {
        Age70Category.GenekiIII => t.GenekiIII, Age70Category.GenekiII => t.GenekiII, Age70Category.GenekiI => t.GenekiI,
        Age70Category.General => t.General, Age70Category.LowIncomeII => t.LowIncomeII, _ => t.LowIncomeI,
    };

    /// <summary>A category's Japanese name in the table in force.</summary>
    public static string Name(Under70LimitTable t, Under70Category c) => Row(t, c).Name;

    /// <inheritdoc cref="Name(Under70LimitTable, Under70Category)"/>
    public static string Name(Age70LimitTable t, Age70Category c) => Row(t, c).Name;

    /// <summary>The parameter key of a category (<c>u</c>, <c>genekiIII</c>).</summary>
    public static string Key<T>(T category) where T : struct, Enum => System.Text.Json.JsonNamingPolicy.CamelCase.ConvertName(category.ToString());

    private static string ShareText(Ratio share) => share == Ratio.One ? "" : $" (× {Fraction(share)})";

    /// <summary>A share as a reduced fraction, <c>1/2</c>.</summary>
    public static string Fraction(Ratio r) => $"{r.Numerator}/{r.Denominator}";

    private static string Yen(long yen) => yen.ToString("N0", System.Globalization.CultureInfo.InvariantCulture) + "円";
}
