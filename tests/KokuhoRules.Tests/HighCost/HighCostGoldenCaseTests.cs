using System.Text.Json;
using System.Text.Json.Nodes;
using KokuhoRules.Rules.HighCost;
using KokuhoRules.Rules.Snapshots;
using KokuhoRules.Tests.Support;

namespace KokuhoRules.Tests.HighCost;

/// <summary>
/// The worked examples of §B10 (and Chiba's halved move month, §B6) as golden cases: one JSON file each in
/// TestData/high-cost with its source, the request as a city would send it and only the figures the source gives.
/// Each runs through the same <see cref="HighCostService"/> the API uses, on the bundled 兵庫県 rule set.
/// </summary>
public sealed class HighCostGoldenCaseTests
{
    private static string Folder => Path.Combine(AppContext.BaseDirectory, "TestData", "high-cost");

    public static TheoryData<string> Cases()
    {
        var data = new TheoryData<string>();
        foreach (var file in Directory.EnumerateFiles(Folder, "*.json").Order(StringComparer.Ordinal)) data.Add(Path.GetFileName(file));
        return data;
    }

    [Fact]
    public void The_worked_examples_of_the_reference_are_all_there() =>
        Assert.Equal(["B10-1", "B10-3", "B10-4", "B10-6", "B10-7", "B6-chiba"],
            Directory.EnumerateFiles(Folder, "*.json").Select(f => string.Join('-', Path.GetFileName(f).Split('-')[..2])).Order(StringComparer.Ordinal));

    [Theory]
    [MemberData(nameof(Cases))]
    public void Published_figures_are_reproduced(string file)
    {
        var doc = JsonNode.Parse(File.ReadAllText(Path.Combine(Folder, file)))!.AsObject();
        Assert.False(string.IsNullOrWhiteSpace(doc["source"]?["url"]?.GetValue<string>()), "a golden case must name its source");
        var request = doc["request"].Deserialize<HighCostBenefitRequest>(KokuhoJson.Options)!;

        var (response, failure) = new HighCostService(TestRuleSets.Catalog).Compute(request, trace: true);

        Assert.True(failure is null, failure?.Detail + string.Concat(failure?.Errors.Select(e => $" {e.Field}: {e.Message}") ?? []));
        var actual = JsonSerializer.SerializeToNode(response, KokuhoJson.Options)!.AsObject();
        foreach (var (key, expected) in doc["expected"]!.AsObject())
            Assert.True(JsonNode.DeepEquals(WithoutNulls(expected), actual[key]), $"{key}: expected {expected?.ToJsonString()}, got {actual[key]?.ToJsonString()}");
    }

    /// <summary>The answer leaves null fields out; a case writes them as null for the reader.</summary>
    private static JsonNode? WithoutNulls(JsonNode? node) => node switch
    {
        JsonObject o => new JsonObject(o.Where(p => p.Value is not null).Select(p => KeyValuePair.Create(p.Key, WithoutNulls(p.Value)))),
        JsonArray a => new JsonArray(a.Select(WithoutNulls).ToArray()),
        null => null,
        _ => node.DeepClone(),
    };
}
