namespace KokuhoRules.Rules.HighCost;

/// <summary>The under-70 categories (区分ア–オ, §B1), as on a 限度額適用認定証.</summary>
public enum Under70Category
{
    /// <summary>ア.</summary>
    A,
    /// <summary>イ.</summary>
    I,
    /// <summary>ウ.</summary>
    U,
    /// <summary>エ.</summary>
    E,
    /// <summary>オ (住民税非課税世帯).</summary>
    O,
}

/// <summary>The 70–74 categories (§B2).</summary>
public enum Age70Category
{
    /// <summary>現役並みⅢ.</summary>
    GenekiIII,
    /// <summary>現役並みⅡ.</summary>
    GenekiII,
    /// <summary>現役並みⅠ.</summary>
    GenekiI,
    /// <summary>一般.</summary>
    General,
    /// <summary>低所得Ⅱ.</summary>
    LowIncomeII,
    /// <summary>低所得Ⅰ.</summary>
    LowIncomeI,
}

/// <summary>
/// What the category decisions (workflows <c>Under70Category</c>, <c>Age70Category</c>; expressions name it <c>h</c>) know of a
/// household, for the income year the care month judges.
/// </summary>
/// <param name="IncomeDeclared">Every NHI member's income of that year is declared (an undeclared one → ア).</param>
/// <param name="ResidentTaxExempt">The head and every NHI member are exempt from resident tax (住民税非課税世帯).</param>
/// <param name="BaseIncome">基準所得: Σ over the NHI members of 総所得金額等 − 住民税基礎控除, floored at 0 each (yen).</param>
/// <param name="TaxableIncome">The highest 住民税課税所得 among the household's 70–74 members (yen).</param>
/// <param name="AllIncomeZero">Every member's income is 0 (the public-pension deduction counted as 800,000): 低所得Ⅰ.</param>
public readonly record struct CategoryFacts(bool IncomeDeclared, bool ResidentTaxExempt, long BaseIncome, long TaxableIncome, bool AllIncomeZero);
