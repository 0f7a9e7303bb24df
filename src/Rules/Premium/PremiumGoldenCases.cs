using System.Text.Json;
using System.Text.Json.Nodes;
using KokuhoRules.Engine.RuleSets;
using KokuhoRules.Rules.Snapshots;

namespace KokuhoRules.Rules.Premium;

/// <summary>
/// Premium golden cases: a published worked example (a city page, council minutes, a 広報) as one JSON file —
/// <c>name</c>, <c>source.url</c>, the <c>request</c> as the core system would send it, and the <c>expected</c> figures
/// the source publishes (<c>annualPremium</c>, <c>reductionClass</c>, <c>components.&lt;name&gt;.&lt;field&gt;</c>,
/// <c>members.&lt;id&gt;.&lt;field&gt;</c>, any other answer field). Only those figures are compared. The format of
/// tests/KokuhoRules.Tests/TestData/golden and of a rule set's own cases (<c>&lt;owner&gt;/&lt;year&gt;/cases/premium/</c>).
/// </summary>
public static class PremiumGoldenCases
{
    /// <summary>
    /// For the publication gate: runs a case through <see cref="PremiumService"/> on the candidate's rule set of the
    /// request's insurer and year (its version pinned, as a trial: the candidate is a draft).
    /// </summary>
    public static GoldenCaseOutcome Run(string displayPath, JsonDocument caseFile, PublicationCandidate candidate)
    {
        var doc = JsonNode.Parse(caseFile.RootElement.GetRawText())!.AsObject();
        var name = doc["name"]?.GetValue<string>() ?? Path.GetFileNameWithoutExtension(displayPath);
        if (string.IsNullOrWhiteSpace(doc["source"]?["url"]?.GetValue<string>()))
            return new GoldenCaseOutcome(displayPath, name, ["a golden case must name its source (source.url)"]);
        if (doc["request"] is not JsonObject || doc["expected"] is not JsonObject expected)
            return new GoldenCaseOutcome(displayPath, name, ["a golden case has a request and the expected figures (request, expected)"]);
        AssessmentRequest? request;
        try
        {
            request = doc["request"].Deserialize<AssessmentRequest>(KokuhoJson.Options);
        }
        catch (JsonException e)
        {
            return new GoldenCaseOutcome(displayPath, name, [$"request: {e.Message}"]);
        }
        var rs = candidate.RuleSets.OfType<PremiumRuleSet>().FirstOrDefault(r => r.Insurer.Id == request?.Insurer && r.FiscalYear == request.FiscalYear);
        if (rs is null)
            return new GoldenCaseOutcome(displayPath, name, [$"the request names {request?.Insurer}/{request?.FiscalYear}, which is not a rule set built on {candidate.Layer.DisplayPath}"]);
        var (response, failure) = new PremiumService(candidate.Catalog).Assess(request! with { RulesetVersion = rs.Version, Trial = true }, trace: false);
        if (failure is not null) return new GoldenCaseOutcome(displayPath, name, [$"refused: {failure.Detail}"]);
        return new GoldenCaseOutcome(displayPath, name, Mismatches(expected, JsonSerializer.SerializeToNode(response, KokuhoJson.Options)!.AsObject()));
    }

    /// <summary>Each expected figure the answer does not reproduce (<c>annualPremium: published 336300, computed 336400</c>).</summary>
    public static IReadOnlyList<string> Mismatches(JsonObject expected, JsonObject actual)
    {
        var mismatches = new List<string>();
        foreach (var (key, value) in expected)
        {
            switch (key)
            {
                case "components":
                    ByKey("components", "name", value!.AsObject(), actual, mismatches);
                    break;
                case "members":
                    ByKey("members", "id", value!.AsObject(), actual, mismatches);
                    break;
                default:
                    Compare(key, value!, actual[key], mismatches);
                    break;
            }
        }
        return mismatches;
    }

    private static void ByKey(string list, string keyField, JsonObject expected, JsonObject actual, List<string> mismatches)
    {
        foreach (var (id, fields) in expected)
        {
            var item = actual[list]?.AsArray().SingleOrDefault(c => c?[keyField]?.GetValue<string>() == id);
            if (item is null) mismatches.Add($"no {list[..^1]} {id}");
            else Compare($"{list}.{id}", fields!, item, mismatches);
        }
    }

    private static void Compare(string path, JsonNode expected, JsonNode? actual, List<string> mismatches)
    {
        if (expected is JsonObject obj)
        {
            foreach (var (key, value) in obj) Compare($"{path}.{key}", value!, actual?[key], mismatches);
            return;
        }
        if (!JsonNode.DeepEquals(expected, actual))
            mismatches.Add($"{path}: published {expected.ToJsonString()}, computed {actual?.ToJsonString() ?? "nothing"}");
    }
}
