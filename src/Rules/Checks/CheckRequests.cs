using KokuhoRules.Engine.RuleSets;
using KokuhoRules.Rules.Premium;

namespace KokuhoRules.Rules.Checks;

/// <summary>Request bodies for <c>POST /v1/premium/assessments</c> that reproduce a counterexample under the rule set checked.</summary>
public static class CheckRequests
{
    /// <summary>
    /// The body assessing <paramref name="exhibit"/>'s household under exactly <paramref name="rs"/>: its insurer, year and
    /// version pinned, and <c>"trial": true</c> for a draft (which only a trial may use).
    /// </summary>
    public static AssessmentRequest Body(PremiumRuleSet rs, Exhibit exhibit) => new()
    {
        Insurer = rs.Insurer.Id,
        FiscalYear = rs.FiscalYear,
        RulesetVersion = rs.Version,
        Trial = rs.Status == RuleSetStatus.Draft ? true : null,
        AsOf = exhibit.AsOf,
        Household = exhibit.Household,
    };
}
