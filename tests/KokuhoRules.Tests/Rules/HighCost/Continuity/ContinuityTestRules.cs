using KokuhoRules.Engine.Joins;
using KokuhoRules.Engine.RuleSets;
using KokuhoRules.Rules.Catalog;
using KokuhoRules.Rules.HighCost.Continuity;

namespace KokuhoRules.Tests.HighCost.Continuity;

/// <summary>The bundled continuity rules (rulesets/national/2025/highCost/joins.json), compiled with each setting of the two parameters.</summary>
public static class ContinuityTestRules
{
    /// <summary>Stand-in parameters until the highCost capability binds them.</summary>
    public sealed class StandIn
    {
        public StandInContinuity Continuity { get; set; } = new();
    }

    public sealed class StandInContinuity
    {
        public bool HeadChangeWithinHouseholdContinues { get; set; }
        public bool SplitWithSameHeadContinues { get; set; }
    }

    private static readonly Dictionary<(bool, bool), JoinRules> Compiled = [];

    public static JoinRules Rules(bool headChangeContinues = true, bool splitWithSameHeadContinues = true)
    {
        lock (Compiled)
        {
            if (Compiled.TryGetValue((headChangeContinues, splitWithSameHeadContinues), out var rules)) return rules;
            var path = Path.Combine(KokuhoRuleSets.BundledRoot, "national", "2025", "highCost", "joins.json");
            var file = JsonSourceFile.Parse("national/2025/highCost/joins.json", File.ReadAllBytes(path), out var syntax);
            Assert.Null(syntax);
            var errors = new RuleSetErrors();
            var parameters = new StandIn { Continuity = { HeadChangeWithinHouseholdContinues = headChangeContinues, SplitWithSameHeadContinues = splitWithSameHeadContinues } };
            rules = JoinRules.Compile(file, ContinuityRules.Vocabulary(parameters, null), errors);
            Assert.True(rules is not null, string.Join("\n", errors.All));
            Compiled.Add((headChangeContinues, splitWithSameHeadContinues), rules!);
            return rules!;
        }
    }
}
