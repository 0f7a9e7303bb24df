using System.Text.Json;
using KokuhoRules.Rules.Premium;
using KokuhoRules.Rules.Snapshots;
using NodaTime;

namespace KokuhoRules.Rules.Checks;

/// <summary>
/// A generated household (as the JSON the core system sends) together with the rule set it is assessed under.
/// Printed as the rule set and the household JSON, so a failing property shows a counterexample that can be
/// pasted into a request.
/// </summary>
public sealed record HouseholdCase(PremiumRuleSet RuleSet, HouseholdJson Household)
{
    public string Insurer => RuleSet.Insurer.Id;
    public int FiscalYear => RuleSet.FiscalYear;

    /// <summary>The household as the calculator sees it; throws (naming the fields) if the reader refuses it.</summary>
    public HouseholdSnapshot Snapshot() => CheckCases.Snapshot(Household);

    public PremiumAssessment Assess() => PremiumCalculator.Assess(RuleSet, Snapshot());

    public HouseholdCase With(HouseholdJson household) => this with { Household = household };

    /// <summary>Replaces member <paramref name="index"/>.</summary>
    public HouseholdCase WithMember(int index, Func<MemberJson, MemberJson> change)
    {
        var members = Household.Members!.ToArray();
        members[index] = change(members[index]!);
        return With(Household with { Members = members });
    }

    public override string ToString() => $"{Insurer}/{FiscalYear} {JsonSerializer.Serialize(Household, KokuhoJson.Options)}";
}

/// <summary>
/// One member alone in a household, aged 0–73 on 1 April (so never 75 within the year) and born before
/// the year: <see cref="FullYear"/> covers the whole year, <see cref="Joining"/> the same person joining
/// on <see cref="JoinDay"/> of month <see cref="JoinMonth"/> (0 = April … 11 = March).
/// </summary>
public sealed record SingleMemberCase(PremiumRuleSet RuleSet, LocalDate BirthDate, IncomeJson Income, int JoinMonth, int JoinDay)
{
    public string Insurer => RuleSet.Insurer.Id;
    public int FiscalYear => RuleSet.FiscalYear;

    public LocalDate JoinDate => new LocalDate(FiscalYear, 4, 1).PlusMonths(JoinMonth).PlusDays(JoinDay - 1);

    public HouseholdJson FullYear => Make(new LocalDate(FiscalYear, 4, 1).PlusYears(-3) is var d && d < BirthDate ? BirthDate : d);

    public HouseholdJson Joining => Make(JoinDate);

    private HouseholdJson Make(LocalDate acquired) => new()
    {
        Id = "H-SINGLE",
        HeadId = "m1",
        Members = [new MemberJson { Id = "m1", BirthDate = BirthDate, Coverage = [new CoverageJson { Acquired = acquired }], Income = Income }],
    };

    /// <summary>The same case with no income (the only shrink: incomes are what makes a case hard to read).</summary>
    public IEnumerable<SingleMemberCase> Shrink() =>
        Income.Declared == true && Income.TotalIncome != 0 ? [this with { Income = Incomes.None }] : [];

    public override string ToString() =>
        $"{Insurer}/{FiscalYear} born {BirthDate:uuuu-MM-dd} joining {JoinDate:uuuu-MM-dd} income {JsonSerializer.Serialize(Income, KokuhoJson.Options)}";
}

/// <summary>Facts for the reduction decision: a fixed composition and two judgement incomes, <see cref="Lower"/> ≤ <see cref="Higher"/>.</summary>
public sealed record ReductionProbe(PremiumRuleSet RuleSet, int Persons, int SalaryEarners, long Lower, long Higher)
{
    public override string ToString() => $"{RuleSet.Insurer.Id}/{RuleSet.FiscalYear} persons {Persons}, salary earners {SalaryEarners}, judgement incomes {Lower:N0} ≤ {Higher:N0}";
}

/// <summary>Reading household JSON for the checks.</summary>
public static class CheckCases
{
    /// <summary>Reads household JSON into a snapshot; throws naming the fields when the reader refuses it (a generator's fault).</summary>
    public static HouseholdSnapshot Snapshot(HouseholdJson json)
    {
        var errors = new List<FieldError>();
        return SnapshotReader.Read(json, "household", errors)
               ?? throw new InvalidOperationException("a generated household is refused: " + string.Join("; ", errors.Select(e => $"{e.Field}: {e.Message}")));
    }

    /// <summary>Assesses household JSON under a rule set (no trace).</summary>
    public static PremiumAssessment Assess(PremiumRuleSet rs, HouseholdJson json) => PremiumCalculator.Assess(rs, Snapshot(json));
}
