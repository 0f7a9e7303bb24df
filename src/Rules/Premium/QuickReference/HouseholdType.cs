namespace KokuhoRules.Rules.Premium.QuickReference;

/// <summary>
/// A standard household type of a 保険料早見表: an id for the command line (<c>single-under-40</c>), its Japanese
/// label, the revenue it sweeps, and its members (the first is the head and earns the income), every member
/// insured all year, no 固定資産税額.
/// </summary>
public sealed record HouseholdType(string Id, string Label, IncomeKind Income, IReadOnlyList<MemberTemplate> Members)
{
    /// <summary>The default steps of its revenue axis (<see cref="IncomeSteps.Default"/>).</summary>
    public IncomeSteps DefaultSteps => IncomeSteps.Default(Income);
}
