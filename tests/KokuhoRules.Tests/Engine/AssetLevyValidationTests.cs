using System.Text.Json.Nodes;
using KokuhoRules.Engine.RuleSets;
using KokuhoRules.Rules.Catalog;
using KokuhoRules.Tests.Support;

namespace KokuhoRules.Tests.Engine;

/// <summary>The 資産割 and 所得割-rounding parameters are checked like every other, each error at its file and line.</summary>
public sealed class AssetLevyValidationTests : IDisposable
{
    private readonly TempRuleSetRoot _temp = new();

    private const string Layer = "amagasaki/2025/premium/parameters.json";

    public AssetLevyValidationTests() => _temp.MakeAllDrafts();

    public void Dispose() => _temp.Dispose();

    private static JsonNode Leaf(JsonNode value) => new JsonObject { ["value"] = value, ["reference"] = "test" };

    private IReadOnlyList<RuleSetError> Errors(Action<JsonNode> edit)
    {
        _temp.EditJson(Layer, edit);
        var catalog = KokuhoRuleSets.Load([_temp.Root]);
        Assert.Null(catalog.Premium("amagasaki", 2025));
        return Assert.Single(catalog.Failures).Errors;
    }

    private static void WithAssetRounding(JsonNode p) =>
        p["rounding"]!.AsObject()["assetLevy"] = Leaf(new JsonObject { ["unitYen"] = 1, ["mode"] = "floor" });

    [Fact]
    public void An_asset_rate_and_its_rounding_are_accepted_and_levied()
    {
        _temp.EditJson(Layer, p =>
        {
            p["rates"]!["medical"]!.AsObject()["assetRate"] = Leaf(0.192m);
            WithAssetRounding(p);
        });
        var catalog = KokuhoRuleSets.Load([_temp.Root]);
        Assert.Empty(catalog.Failures);
        var rs = catalog.Premium("amagasaki", 2025)!;
        Assert.Equal(0.192m, rs.Components[0].Rates.AssetRate!.Value.ToDecimal());
        Assert.Null(rs.Components[1].Rates.AssetRate);
    }

    [Fact]
    public void An_asset_rate_above_one_is_refused_at_its_line()
    {
        var error = Assert.Single(Errors(p =>
        {
            p["rates"]!["medical"]!.AsObject()["assetRate"] = Leaf(19.2m);
            WithAssetRounding(p);
        }));
        Assert.Equal(("amagasaki/2025/premium/parameters.json", "$.rates.medical.assetRate"), (error.File, error.JsonPath));
        Assert.Contains("between 0 and 1 (write 19.2% as 0.192)", error.Message);
        Assert.Equal(_temp.LineContaining(Layer, "\"assetRate\""), error.Line);
    }

    [Fact]
    public void An_asset_rate_without_its_rounding_is_refused()
    {
        var error = Assert.Single(Errors(p => p["rates"]!["support"]!.AsObject()["assetRate"] = Leaf(0.05m)));
        Assert.Equal("$.rates.support.assetRate", error.JsonPath);
        Assert.Contains("needs rounding.assetLevy", error.Message);
        Assert.Equal(_temp.LineContaining(Layer, "\"assetRate\""), error.Line);
    }

    [Fact]
    public void An_asset_rate_for_a_component_that_does_not_exist_is_refused_at_its_line()
    {
        var errors = Errors(p =>
        {
            WithAssetRounding(p);
            p["rates"]!.AsObject()["medicall"] = new JsonObject
            {
                ["incomeRate"] = Leaf(0.01m), ["perCapita"] = Leaf(0), ["perHousehold"] = Leaf(0), ["cap"] = Leaf(1000), ["assetRate"] = Leaf(0.1m),
            };
        });
        var error = Assert.Single(errors, e => e.JsonPath == "$.rates.medicall.assetRate");
        Assert.Contains("not a component in this fiscal year (components: medical, support, care)", error.Message);
        Assert.Equal(_temp.LineContaining(Layer, "\"assetRate\""), error.Line);
    }

    [Fact]
    public void An_asset_rounding_with_an_odd_unit_is_refused()
    {
        var error = Assert.Single(Errors(p => p["rounding"]!.AsObject()["assetLevy"] = Leaf(new JsonObject { ["unitYen"] = 7, ["mode"] = "floor" })));
        Assert.Equal("$.rounding.assetLevy", error.JsonPath);
        Assert.Contains("rounding unit must be one of 1, 10, 100, 1000", error.Message);
    }

    [Fact]
    public void An_unknown_income_levy_rounding_scope_is_refused_naming_the_choices()
    {
        var error = Assert.Single(Errors(p => p["rounding"]!.AsObject()["incomeLevyPer"] = Leaf("person")));
        Assert.Equal("$.rounding.incomeLevyPer.value", error.JsonPath);
        Assert.Contains("must be one of: component, member", error.Message);
        Assert.Equal(_temp.LineContaining(Layer, "\"incomeLevyPer\"") + 1, error.Line); // the line of its "value"
    }
}
