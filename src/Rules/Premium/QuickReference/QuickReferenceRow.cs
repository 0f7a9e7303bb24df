namespace KokuhoRules.Rules.Premium.QuickReference;

/// <summary>One component's amount in a row (医療分, 支援金分, 介護分, 子ども分).</summary>
public sealed record ComponentAmount(string Name, string Label, long Amount, bool AtCap);

/// <summary>
/// One row of a 保険料早見表: the head's revenue (収入), the 所得 it converts to, the 算定基礎所得, the annual premium,
/// the reduction class (7割 | 5割 | 2割 | none) and each component.
/// </summary>
public sealed record QuickReferenceRow(long Revenue, long Income, long AssessableIncome, long AnnualPremium, string ReductionClass, IReadOnlyList<ComponentAmount> Components)
{
    /// <summary>Whether some component is held at its 賦課限度額.</summary>
    public bool AtCap => Components.Any(c => c.AtCap);
}
