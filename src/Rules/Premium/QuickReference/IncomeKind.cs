namespace KokuhoRules.Rules.Premium.QuickReference;

/// <summary>Which revenue a 保険料早見表 sweeps: the head's 給与収入 or 公的年金等収入.</summary>
public enum IncomeKind
{
    /// <summary>給与収入, converted to 給与所得 by <see cref="Income.SalaryIncome"/>.</summary>
    Salary,
    /// <summary>公的年金等収入, converted to 公的年金等所得 by <see cref="Income.PublicPensionIncome"/>.</summary>
    Pension,
}
