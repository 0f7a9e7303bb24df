using System.Text.Json;
using KokuhoRules.Rules.Premium;
using KokuhoRules.Rules.Snapshots;
using static KokuhoRules.Rules.Checks.Premium.AssessmentFacts;

namespace KokuhoRules.Rules.Checks.Premium;

/// <summary>
/// API と同じ答え: the household sent as the request body the check prints (JSON, read back as the API reads it, through
/// <see cref="PremiumService"/>: the one way the API and the batch handle a request) is accepted and gets exactly the
/// assessment the calculator gives — so a printed counterexample reproduces on the API.
/// </summary>
public static class SameAsApi
{
    public static Violation? Check(HouseholdCase c, PremiumService service)
    {
        var shows = new Exhibit("household", c.Household);
        var json = JsonSerializer.Serialize(CheckRequests.Body(c.RuleSet, shows), KokuhoJson.Options);
        var request = JsonSerializer.Deserialize<AssessmentRequest>(json, KokuhoJson.Options);
        var (rs, assessment, failure) = service.Evaluate(request, trace: false);
        if (failure is not null) return Violation.Of("the request accepted", $"{failure.Kind}: {failure.Detail}", shows);
        if (rs!.Hash != c.RuleSet.Hash) return Violation.Of($"the rule set {c.RuleSet.Hash}", $"{rs.Version} {rs.Hash}", shows);
        var direct = c.Assess();
        return Fingerprint(direct) == Fingerprint(assessment!) ? null
            : Violation.Of($"the calculator's assessment (annual premium {direct.AnnualPremium:N0})", $"the API's (annual premium {assessment!.AnnualPremium:N0}) differs", shows);
    }
}
