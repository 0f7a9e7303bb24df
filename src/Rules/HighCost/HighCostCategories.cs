using KokuhoRules.Engine.Tracing;
using KokuhoRules.Rules.Premium;
using KokuhoRules.Rules.Snapshots;
using NodaTime;

namespace KokuhoRules.Rules.HighCost;

/// <summary>
/// The household's categories for a care month: as given (a 限度額適用認定証's category) or decided from the income of the year
/// the care month judges by the rule set's workflows (<c>Under70Category</c>, <c>Age70Category</c>); the trace says which.
/// </summary>
public static class HighCostCategories
{
    /// <summary>The names a request may give, by table.</summary>
    public static IReadOnlyDictionary<string, Under70Category> Under70Names { get; } = new Dictionary<string, Under70Category>
    {
        ["ア"] = Under70Category.A, ["イ"] = Under70Category.I, ["ウ"] = Under70Category.U, ["エ"] = Under70Category.E, ["オ"] = Under70Category.O,
    };

    /// <inheritdoc cref="Under70Names"/>
    public static IReadOnlyDictionary<string, Age70Category> Age70Names { get; } = new Dictionary<string, Age70Category>
    {
        ["現役並みⅢ"] = Age70Category.GenekiIII, ["現役並みⅡ"] = Age70Category.GenekiII, ["現役並みⅠ"] = Age70Category.GenekiI,
        ["一般"] = Age70Category.General, ["低所得Ⅱ"] = Age70Category.LowIncomeII, ["低所得Ⅰ"] = Age70Category.LowIncomeI,
    };

    /// <summary>The income year a care month judges: January–July the year before last (前々年), from <c>categories.incomeYearSwitchMonth</c> last year (前年).</summary>
    public static int IncomeYear(HighCostRuleSet rs, YearMonth careMonth) =>
        careMonth.Month >= rs.Parameters.Categories.IncomeYearSwitchMonth ? careMonth.Year - 1 : careMonth.Year - 2;

    /// <summary>The under-70 category (when a member is under 70) and the 70–74 one (when a member is 70–74); errors name the field.</summary>
    public static (Under70Category? Under70, Age70Category? Age70) Decide(HighCostRuleSet rs, HouseholdJson json, HouseholdSnapshot household,
        IReadOnlyList<BenefitMember> members, string? category, YearMonth careMonth, List<FieldError> errors, Trace? trace)
    {
        var hasYoung = members.Any(m => m.Band == AgeBand.Under70);
        var hasOld = members.Any(m => m.Band == AgeBand.Age70To74);
        Under70Category? givenYoung = null;
        Age70Category? givenOld = null;
        if (category is not null)
        {
            if (Under70Names.TryGetValue(category, out var u))
            {
                if (!hasYoung) errors.Add(new FieldError("category", "names an under-70 category, but no member is under 70 in the care month"));
                givenYoung = u;
            }
            else if (Age70Names.TryGetValue(category, out var a))
            {
                if (!hasOld) errors.Add(new FieldError("category", "names a 70–74 category, but no member is 70–74 in the care month"));
                givenOld = a;
            }
            else errors.Add(new FieldError("category", $"must be one of {string.Join(", ", Under70Names.Keys.Concat(Age70Names.Keys))}"));
        }
        if (errors.Count > 0) return (null, null);

        var year = IncomeYear(rs, careMonth);
        CategoryFacts? facts = null;
        CategoryFacts Facts() => facts ??= FactsOf(rs, json, household, members, needTaxable: hasOld && givenOld is null, errors);
        Under70Category? young = null;
        Age70Category? old = null;
        if (hasYoung)
            young = givenYoung ?? DecideFrom(rs.Under70Category, Facts(), year, trace, c => HighCostBenefit.Name(rs.Under70TableFor(careMonth)!.Table, c));
        if (hasOld)
            old = givenOld ?? DecideFrom(rs.Age70Category, Facts(), year, trace, c => HighCostBenefit.Name(rs.Age70TableFor(careMonth)!.Table, c));
        if (givenYoung is { } gy) trace?.Add("decision", "household", null, "under70Category", $"区分{HighCostBenefit.Name(rs.Under70TableFor(careMonth)!.Table, gy)}: 指定された区分 (限度額適用認定証) による", value: category);
        if (givenOld is { } go) trace?.Add("decision", "household", null, "age70Category", $"{HighCostBenefit.Name(rs.Age70TableFor(careMonth)!.Table, go)}: 指定された区分 (限度額適用認定証) による", value: category);
        return (young, old);
    }

    private static T DecideFrom<T>(Engine.Decisions.Decision<CategoryFacts, T> decision, CategoryFacts facts, int year, Trace? trace, Func<T, string> name) where T : struct, Enum
    {
        var i = decision.Match(facts);
        var outcome = decision.OutcomeOf(i);
        trace?.Add("decision", "household", null, decision.Name == HighCostRuleSetCompiler.Under70CategoryWorkflow ? "under70Category" : "age70Category",
            $"{name(outcome)}: {year}年の所得から判定 ({decision.Rules[i].Name})", value: HighCostBenefit.Key(outcome), rule: decision.TraceRuleOf(i));
        return outcome;
    }

    /// <summary>
    /// What the decisions know: every insured member's income declared; 基準所得 = Σ over insured members of 総所得金額等 − 住民税基礎控除
    /// (by 合計所得金額, at least 0 each); 住民税非課税世帯 = the head (insured or not) and every insured member exempt; the highest
    /// 課税所得 of the 70–74 members (required when their category is decided); 低所得Ⅰ = the head's and every insured member's income 0
    /// with the pension deduction of <c>categories.lowIncomeIPensionDeduction</c>.
    /// </summary>
    public static CategoryFacts FactsOf(HighCostRuleSet rs, HouseholdJson json, HouseholdSnapshot household, IReadOnlyList<BenefitMember> members,
        bool needTaxable, List<FieldError> errors)
    {
        var c = rs.Parameters.Categories;
        var insured = members.ToDictionary(m => m.Id, StringComparer.Ordinal);
        bool declared = true, exempt = true, zero = true;
        long baseIncome = 0, taxable = 0;
        for (var i = 0; i < household.Members.Count; i++)
        {
            var m = household.Members[i];
            var income = json.Members![i]!.Income!;
            var isInsured = insured.TryGetValue(m.Id, out var bm);
            if (!isInsured && m.Id != household.HeadId) continue;
            exempt &= income.ResidentTaxExempt ?? false;
            var pensionPart = Math.Max(0, m.Income.PensionRevenue - c.LowIncomeIPensionDeduction);
            zero &= m.Income.Declared && m.Income.TotalIncome - m.Income.PensionIncome + pensionPart <= 0;
            if (!isInsured) continue;
            declared &= m.Income.Declared;
            if (m.Income.Declared)
                baseIncome += Math.Max(0, m.Income.TotalIncome - PremiumCalculator.BasicDeduction(c.BasicDeduction, m.Income.CombinedIncome ?? m.Income.TotalIncome));
            if (bm!.Band != AgeBand.Age70To74) continue;
            var path = $"household.members[{i}].income.residentTaxableIncome";
            if (income.ResidentTaxableIncome is { } t)
            {
                if (t < 0 || t > SnapshotFields.MaxYen) errors.Add(new FieldError(path, "must be between 0 and the largest accepted amount"));
                taxable = Math.Max(taxable, t);
            }
            else if (needTaxable && !(income.ResidentTaxExempt ?? false))
                errors.Add(new FieldError(path, "is required for a 70–74 member when no 70–74 category is given (住民税課税所得 decides 現役並み)"));
        }
        return new CategoryFacts(declared, exempt, baseIncome, taxable, zero);
    }
}
