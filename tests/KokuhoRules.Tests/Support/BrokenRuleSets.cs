namespace KokuhoRules.Tests.Support;

/// <summary>Deliberately wrong rule sets, for showing that the invariant checks catch them.</summary>
public static class BrokenRuleSets
{
    /// <summary>
    /// A copy of the bundled rule sets whose FY2025 national <c>ReductionClass</c> gives 7割 to a household whose
    /// 軽減判定所得 is more than 3,000,000 yen above the 7割 line instead of at or below it (the comparison turned
    /// round — a slip an editor can make): a higher income then gets a stronger reduction. The layer becomes an
    /// unsealed draft, so the rule set loads as a draft (trial only).
    /// </summary>
    public static TempRuleSetRoot InvertedSevenTenths()
    {
        var root = new TempRuleSetRoot();
        root.ReplaceOnce("national/2025/premium/workflows.json", "\"Expression\": \"h.judgementIncome <= sevenTenthsLine\"",
            "\"Expression\": \"h.judgementIncome > sevenTenthsLine + 3000000\"");
        root.MakeDraft("national/2025/premium");
        root.EditManifest("national/2025/premium", m => m.Remove("inForceFrom"));
        return root;
    }

    /// <summary>
    /// A copy whose FY2025 national <c>Under70Category</c> gives ウ to a 基準総所得 at or below the ウ line instead of above it
    /// (the comparison turned round): incomes up to 2.1M get ウ's 80,100 yen limit and those just above it エ's 57,600 — a
    /// higher income, a lower limit. (A base limit below its 多数回 limit, the other slip a table can have, is refused by
    /// validation.)
    /// </summary>
    public static TempRuleSetRoot InvertedULine()
    {
        var root = new TempRuleSetRoot();
        root.ReplaceOnce("national/2025/highCost/workflows.json", "\"Expression\": \"h.baseIncome > p.categories.under70.uAbove\"",
            "\"Expression\": \"h.baseIncome <= p.categories.under70.uAbove\"");
        root.MakeDraft("national/2025/highCost");
        return root;
    }

    /// <summary>
    /// A copy whose FY2025 national 空白 (gap) rule fires when the move-in starts on the day after the move-out's last day
    /// (<c>&gt;=</c> for <c>&gt;</c>): every clean move within the prefecture becomes a gap of 0 days.
    /// </summary>
    public static TempRuleSetRoot GapOnCleanMove()
    {
        var root = new TempRuleSetRoot();
        root.ReplaceOnce("national/2025/eligibility/joins.json", "n.AppliedFrom > o.AppliedFrom && n.AppliedFrom > o.AppliedEnd.Value",
            "n.AppliedFrom > o.AppliedFrom && n.AppliedFrom >= o.AppliedEnd.Value");
        root.MakeDraft("national/2025/eligibility");
        return root;
    }

    /// <summary>
    /// A copy whose FY2025 national withholding layer starts 特別徴収 at 60 instead of 65 (a value an editor can mistype):
    /// a couple with a 62-year-old spouse becomes eligible, which the law does not allow.
    /// </summary>
    public static TempRuleSetRoot WithholdingFrom60()
    {
        var root = new TempRuleSetRoot();
        root.ReplaceOnce("national/2025/withholding/parameters.json", "\"ageFrom\": {\n      \"value\": 65", "\"ageFrom\": {\n      \"value\": 60");
        root.MakeDraft("national/2025/withholding");
        return root;
    }
}
