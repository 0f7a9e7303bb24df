namespace KokuhoRules.Rules.Premium.QuickReference;

/// <summary>The standard household types of the 保険料早見表, as cities publish them.</summary>
public static class StandardHouseholds
{
    /// <summary>単身 39歳以下 (no 介護分), 給与収入.</summary>
    public static HouseholdType SingleUnder40 { get; } = new("single-under-40", "単身 (39歳以下)", IncomeKind.Salary, [new("P1", 30, true)]);

    /// <summary>単身 40〜64歳 (介護分 included), 給与収入.</summary>
    public static HouseholdType Single40To64 { get; } = new("single-40-64", "単身 (40〜64歳)", IncomeKind.Salary, [new("P1", 50, true)]);

    /// <summary>夫婦 40〜64歳, the head earns, 給与収入.</summary>
    public static HouseholdType Couple40To64 { get; } = new("couple-40-64", "夫婦 (40〜64歳・配偶者収入なし)", IncomeKind.Salary, [new("P1", 45, true), new("P2", 43, false)]);

    /// <summary>夫婦と未就学児 (39歳以下の夫婦と3歳の子), the head earns, 給与収入.</summary>
    public static HouseholdType CoupleWithPreschoolChild { get; } = new("couple-preschool-child", "夫婦と未就学児 (39歳以下・子3歳)", IncomeKind.Salary,
        [new("P1", 35, true), new("P2", 33, false), new("P3", 3, false)]);

    /// <summary>単身 65〜74歳, 年金収入.</summary>
    public static HouseholdType Single65To74Pension { get; } = new("single-65-74-pension", "単身 (65〜74歳・年金)", IncomeKind.Pension, [new("P1", 70, true)]);

    /// <summary>夫婦 65〜74歳, the head's 年金収入, the spouse none.</summary>
    public static HouseholdType Couple65To74Pension { get; } = new("couple-65-74-pension", "夫婦 (65〜74歳・年金・配偶者収入なし)", IncomeKind.Pension,
        [new("P1", 70, true), new("P2", 68, false)]);

    /// <summary>Every standard type, in the order a table lists them.</summary>
    public static IReadOnlyList<HouseholdType> All { get; } =
        [SingleUnder40, Single40To64, Couple40To64, CoupleWithPreschoolChild, Single65To74Pension, Couple65To74Pension];

    /// <summary>The type with this id, or null.</summary>
    public static HouseholdType? Find(string id) => All.FirstOrDefault(t => t.Id == id);
}
