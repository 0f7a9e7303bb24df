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
}
