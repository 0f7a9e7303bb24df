namespace KokuhoRules.Rules.Premium.QuickReference;

/// <summary>
/// A member of a standard household: its id, its age on 4月1日 of the fiscal year (born on 1 October, so the age is
/// the same on 31 December of the income year and moves up by one in October of the fiscal year), and whether it
/// earns the income the table sweeps (the others have none, declared).
/// </summary>
public sealed record MemberTemplate(string Id, int AgeOnAprilFirst, bool EarnsIncome);
