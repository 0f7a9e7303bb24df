using KokuhoRules.Engine.RuleSets;
using KokuhoRules.Rules.Income;
using KokuhoRules.Engine.Requests;
using KokuhoRules.Rules.Snapshots;
using NodaTime;

namespace KokuhoRules.Rules.Premium.QuickReference;

/// <summary>
/// 保険料早見表: the annual premium of a standard household type by the head's revenue, under one rule set (a draft
/// included). Each row is the household the API would be sent (<see cref="Household"/>), read by the API's reader and
/// assessed by <see cref="PremiumCalculator"/>: a row is exactly what <c>POST /v1/premium/assessments</c> answers for it.
/// The revenue is converted to 所得 by <see cref="SalaryIncome"/> or <see cref="PublicPensionIncome"/> for the income year
/// (the fiscal year − 1).
/// </summary>
public sealed record QuickReferenceTable(RuleSetStamp RuleSet, HouseholdType Type, IncomeSteps Steps, string IncomeReference, IReadOnlyList<QuickReferenceRow> Rows)
{
    /// <summary>The table of <paramref name="type"/> over <paramref name="steps"/> (default: the type's) under <paramref name="rs"/>.</summary>
    public static QuickReferenceTable Build(PremiumRuleSet rs, HouseholdType type, IncomeSteps? steps = null)
    {
        steps ??= type.DefaultSteps;
        var rows = steps.Values().Select(revenue => Row(rs, type, revenue)).ToArray();
        return new QuickReferenceTable(rs.Stamp, type, steps, type.Income == IncomeKind.Salary ? SalaryIncome.Reference : PublicPensionIncome.Reference, rows);
    }

    /// <summary>One row: the household at <paramref name="revenue"/>, assessed.</summary>
    public static QuickReferenceRow Row(PremiumRuleSet rs, HouseholdType type, long revenue)
    {
        var json = Household(type, rs.FiscalYear, revenue);
        var errors = new List<FieldError>();
        var household = SnapshotReader.Read(json, "household", errors)
                        ?? throw new InvalidOperationException($"the standard household {type.Id} is refused: {string.Join("; ", errors)}");
        var assessment = PremiumCalculator.Assess(rs, household, trace: null);
        var head = assessment.Members.First(m => m.Head);
        var components = assessment.Components.Select(c => new ComponentAmount(c.Name, c.Label, c.Amount, c.BeforeCap > c.Amount)).ToArray();
        return new QuickReferenceRow(revenue, IncomeOf(type, rs.FiscalYear, revenue), head.AssessableIncome, assessment.AnnualPremium, assessment.ReductionClass, components);
    }

    /// <summary>
    /// The household of <paramref name="type"/> in <paramref name="fiscalYear"/> with the head's revenue
    /// <paramref name="revenue"/>, as the API's contract has it (id <c>QR-&lt;type&gt;</c>; members insured from
    /// 1 April of the year before, a child from birth).
    /// </summary>
    public static HouseholdJson Household(HouseholdType type, int fiscalYear, long revenue) => new()
    {
        Id = "QR-" + type.Id,
        HeadId = type.Members[0].Id,
        Members = type.Members.Select(m => Member(m, type, fiscalYear, revenue)).ToArray(),
    };

    /// <summary>The 所得 the head's <paramref name="revenue"/> converts to in the income year of <paramref name="fiscalYear"/>.</summary>
    public static long IncomeOf(HouseholdType type, int fiscalYear, long revenue)
    {
        var head = type.Members[0];
        return type.Income == IncomeKind.Salary
            ? SalaryIncome.FromRevenue(revenue, fiscalYear - 1)
            : PublicPensionIncome.FromRevenue(revenue, head.AgeOnAprilFirst >= 65, fiscalYear - 1);
    }

    private static MemberJson Member(MemberTemplate m, HouseholdType type, int fiscalYear, long revenue)
    {
        var birth = new LocalDate(fiscalYear - m.AgeOnAprilFirst - 1, 10, 1);
        var yearBefore = new LocalDate(fiscalYear - 1, 4, 1);
        return new MemberJson
        {
            Id = m.Id,
            BirthDate = birth,
            Coverage = [new CoverageJson { Acquired = birth > yearBefore ? birth : yearBefore, Lost = null }],
            Income = m.EarnsIncome ? Earned(type, fiscalYear, revenue) : new IncomeJson { Declared = true, TotalIncome = 0 },
        };
    }

    private static IncomeJson Earned(HouseholdType type, int fiscalYear, long revenue)
    {
        var income = IncomeOf(type, fiscalYear, revenue);
        return type.Income == IncomeKind.Salary
            ? new IncomeJson { Declared = true, TotalIncome = income, SalaryRevenue = revenue, SalaryIncome = income }
            : new IncomeJson { Declared = true, TotalIncome = income, PensionRevenue = revenue, PensionIncome = income };
    }
}
