using KokuhoRules.Engine.RuleSets;
using KokuhoRules.Tests.Support;
using static KokuhoRules.Tests.Engine.Kernel.ToyRuleSets;

namespace KokuhoRules.Tests.Engine.Kernel;

/// <summary>
/// Broken toy rule sets are refused at load with every error at file:line and JSON path, and the others keep
/// serving: a bad expression in workflows.json and in joins.json, a file the capability does not know, a layer of a
/// capability no compiler serves, and a city's value the layer above does not allow.
/// </summary>
public sealed class ToyRefusalTests : IDisposable
{
    private readonly TempRuleSetRoot _root = new(Root);

    public void Dispose() => _root.Dispose();

    private RuleSetFailure FailureOf(RuleSetCatalog catalog, string ruleSet) =>
        Assert.Single(catalog.Failures, f => f.RuleSet == ruleSet);

    [Fact]
    public void A_bad_expression_in_workflows_json_refuses_each_rule_set_at_its_file_line_and_path()
    {
        const string Workflows = "national/2025/toy/workflows.json";
        _root.MakeDraft("national/2025/toy");
        _root.ReplaceOnce(Workflows, "n.daysSinceLoss <= p.notice.graceDays", "n.daysSinceLoss <= p.notice.graceDayz");
        var line = _root.LineContaining(Workflows, "graceDayz");

        var catalog = Load(_root.Root);

        Assert.Empty(catalog.RuleSets);
        foreach (var version in new[] { "2025.1", "2025.2" })
        {
            var error = Assert.Single(FailureOf(catalog, $"amagasaki/2025 toy {version}").Errors);
            Assert.Equal((Workflows, "$[0].Rules[1].Expression", line), (error.File, error.JsonPath, error.Line));
            Assert.StartsWith($"{Workflows}:{line}: $[0].Rules[1].Expression: expression does not compile:", error.ToString());
            Assert.Contains("graceDayz", error.Message);
        }
        var (rs, refusal) = catalog.Resolve(new RuleSetQuery("toy", "amagasaki", 2025));
        Assert.Null(rs);
        Assert.Equal(RuleSetRefusalKind.RefusedAtStartUp, refusal!.Kind);
    }

    [Fact]
    public void A_bad_expression_in_joins_json_refuses_each_rule_set_at_its_file_line_and_path()
    {
        const string Joins = "national/2025/toy/joins.json";
        _root.MakeDraft("national/2025/toy");
        _root.ReplaceOnce(Joins, "loss.Date.PlusDays(p.Notice.GraceDays)", "loss.Date.PlusDays(p.Notice.GraceDays) &&");
        var line = _root.LineContaining(Joins, "\"where\"");

        var catalog = Load(_root.Root);

        Assert.Empty(catalog.RuleSets);
        var error = Assert.Single(FailureOf(catalog, "amagasaki/2025 toy 2025.1").Errors);
        Assert.Equal((Joins, "$.rules[0].match[1].where", line), (error.File, error.JsonPath, error.Line));
        Assert.StartsWith($"{Joins}:{line}: $.rules[0].match[1].where: ", error.ToString());
        Assert.Single(FailureOf(catalog, "amagasaki/2025 toy 2025.2").Errors, e => e.File == Joins && e.Line == line);
    }

    [Fact]
    public void A_file_the_toy_capability_does_not_know_refuses_its_layer_and_the_other_version_keeps_serving()
    {
        File.WriteAllText(_root.PathOf("amagasaki/2025/toy@2025.2/notices.json"), "{}");

        var catalog = Load(_root.Root);

        var error = Assert.Single(FailureOf(catalog, "amagasaki/2025/toy@2025.2").Errors);
        Assert.Equal(("amagasaki/2025/toy@2025.2/notices.json", "$"), (error.File, error.JsonPath));
        Assert.Equal("unexpected file: a toy layer holds manifest.json, joins.json, parameters.json, workflows.json and notes (*.md)", error.Message);
        Assert.Equal(["2025.1"], catalog.Versions("toy", "amagasaki", 2025).Select(v => v.Version));
        var (rs, refusal) = catalog.Resolve(new RuleSetQuery("toy", "amagasaki", 2025) { Version = "2025.2", Trial = true });
        Assert.Null(rs);
        Assert.Equal(RuleSetRefusalKind.RefusedAtStartUp, refusal!.Kind);
    }

    [Fact]
    public void A_layer_of_a_capability_no_compiler_serves_is_refused_naming_the_known_ones()
    {
        Directory.CreateDirectory(_root.PathOf("national/2025/other"));
        File.WriteAllText(_root.PathOf("national/2025/other/manifest.json"),
            _root.Read("national/2025/toy/manifest.json").Replace("\"capability\": \"toy\"", "\"capability\": \"other\""));
        _root.MakeDraft("national/2025/other");
        var line = _root.LineContaining("national/2025/other/manifest.json", "\"capability\"");

        var catalog = Load(_root.Root);

        var error = Assert.Single(FailureOf(catalog, "national/2025/other").Errors);
        Assert.Equal(("national/2025/other/manifest.json", "$.capability", line), (error.File, error.JsonPath, error.Line));
        Assert.Equal("no compiler serves capability 'other' (known: toy)", error.Message);
        Assert.Equal(2, catalog.RuleSets.Count); // the toy rule sets keep serving
    }

    [Fact]
    public void A_citys_value_the_prefecture_does_not_let_it_change_is_refused_at_the_citys_line()
    {
        const string Draft = "amagasaki/2025/toy@2025.2/parameters.json";
        _root.ReplaceOnce(Draft, "  \"office\": {\n", "  \"office\": {\n    \"replyDays\": { \"value\": 5, \"reference\": \"made up\" },\n");

        var catalog = Load(_root.Root);

        var error = Assert.Single(FailureOf(catalog, "amagasaki/2025 toy 2025.2").Errors);
        Assert.Equal((Draft, "$.office.replyDays", _root.LineContaining(Draft, "replyDays")), (error.File, error.JsonPath, error.Line));
        Assert.Contains("set by the prefecture layer (hyogo/2025/toy/parameters.json:", error.Message);
        Assert.Equal(["2025.1"], catalog.Versions("toy", "amagasaki", 2025).Select(v => v.Version));
    }

    [Fact]
    public void Grace_days_above_the_national_maximum_are_refused_by_the_toy_compiler_at_the_citys_line()
    {
        const string Draft = "amagasaki/2025/toy@2025.2/parameters.json";
        _root.ReplaceOnce(Draft, "\"value\": 25", "\"value\": 31");

        var error = Assert.Single(FailureOf(Load(_root.Root), "amagasaki/2025 toy 2025.2").Errors);

        Assert.Equal((Draft, "$.notice.graceDays", _root.LineContaining(Draft, "\"value\": 31")), (error.File, error.JsonPath, error.Line));
        Assert.Equal("the grace days must be between 0 and the national maximum 30 (notice.maxGraceDays), not 31", error.Message);
    }
}
