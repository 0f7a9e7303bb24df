using System.Text.Json;
using System.Text.Json.Nodes;
using KokuhoRules.Rules.Premium;
using KokuhoRules.Rules.Snapshots;
using KokuhoRules.Tests.Support;

namespace KokuhoRules.Tests.Premium;

/// <summary>
/// Golden cases: published worked examples (city pages, council minutes, 広報), one JSON file each in
/// TestData/golden with its source URL, the request as the core system would send it, and the
/// published figures. Only the figures the source publishes are asserted. Each case runs through the
/// same <see cref="PremiumService"/> the API uses, on the city's rule set kept as test data.
/// </summary>
public sealed class GoldenCaseTests
{
    public static TheoryData<string> Cases()
    {
        var data = new TheoryData<string>();
        foreach (var file in Directory.EnumerateFiles(TestRuleSets.GoldenRoot, "*.json").Order(StringComparer.Ordinal))
            data.Add(Path.GetFileName(file));
        return data;
    }

    [Fact]
    public void There_are_golden_cases_for_every_city_kept_as_test_data()
    {
        var insurers = Directory.EnumerateFiles(TestRuleSets.GoldenRoot, "*.json")
            .Select(f => JsonNode.Parse(File.ReadAllText(f))!["request"]!["insurer"]!.GetValue<string>()).ToHashSet();
        foreach (var dir in Directory.EnumerateDirectories(TestRuleSets.TestDataRoot))
            Assert.Contains(Path.GetFileName(dir), insurers);
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void Published_figures_are_reproduced(string file)
    {
        var doc = JsonNode.Parse(File.ReadAllText(Path.Combine(TestRuleSets.GoldenRoot, file)))!.AsObject();
        Assert.False(string.IsNullOrWhiteSpace(doc["source"]?["url"]?.GetValue<string>()), "a golden case must name its source");
        var request = doc["request"].Deserialize<AssessmentRequest>(KokuhoJson.Options)!;
        var (response, failure) = TestRuleSets.Service.Assess(request, trace: false);
        Assert.True(failure is null, failure?.Detail);
        var actual = JsonSerializer.SerializeToNode(response, KokuhoJson.Options)!.AsObject();
        var expected = doc["expected"]!.AsObject();

        var mismatches = PremiumGoldenCases.Mismatches(expected, actual);
        Assert.True(mismatches.Count == 0, $"{doc["name"]} ({doc["source"]!["url"]}):\n" + string.Join("\n", mismatches));
    }
}
