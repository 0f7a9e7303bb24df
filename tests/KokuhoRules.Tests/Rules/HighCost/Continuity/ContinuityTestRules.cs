using KokuhoRules.Engine.Joins;
using KokuhoRules.Rules.Catalog;
using KokuhoRules.Rules.HighCost;
using KokuhoRules.Tests.Support;

namespace KokuhoRules.Tests.HighCost.Continuity;

/// <summary>
/// The bundled continuity rules (rulesets/national/2025/highCost/joins.json) as 兵庫県's rule set compiles them, and
/// with either of its two criteria parameters turned to false (a copy of the bundled rule sets with that value changed).
/// </summary>
public static class ContinuityTestRules
{
    private const string HyogoParameters = "hyogo/2025/highCost/parameters.json";

    private static readonly Dictionary<(bool, bool), JoinRules> Compiled = [];

    public static HighCostRuleSet Hyogo2025 => HighCostRuleSetTests.Hyogo2025;

    public static JoinRules Rules(bool headChangeContinues = true, bool splitWithSameHeadContinues = true)
    {
        if (headChangeContinues && splitWithSameHeadContinues) return Hyogo2025.ContinuityRules ?? throw new InvalidOperationException("hyogo/2025 highCost has no continuity rules");
        lock (Compiled)
        {
            if (Compiled.TryGetValue((headChangeContinues, splitWithSameHeadContinues), out var rules)) return rules;
            using var root = new TempRuleSetRoot();
            if (!headChangeContinues) SetFalse(root, "headChangeWithinHouseholdContinues");
            if (!splitWithSameHeadContinues) SetFalse(root, "splitWithSameHeadContinues");
            var rs = KokuhoRuleSets.Load([root.Root], (insurer, year) => insurer == "hyogo" && year == 2025).Find<HighCostRuleSet>("hyogo", 2025)
                ?? throw new InvalidOperationException("the variant did not compile");
            Assert.Equal(headChangeContinues, rs.Parameters.Continuity.HeadChangeWithinHouseholdContinues);
            Assert.Equal(splitWithSameHeadContinues, rs.Parameters.Continuity.SplitWithSameHeadContinues);
            Compiled.Add((headChangeContinues, splitWithSameHeadContinues), rules = rs.ContinuityRules!);
            return rules;
        }
    }

    private static void SetFalse(TempRuleSetRoot root, string parameter) =>
        root.ReplaceOnce(HyogoParameters, $"\"{parameter}\": {{\n      \"value\": true", $"\"{parameter}\": {{\n      \"value\": false");
}
