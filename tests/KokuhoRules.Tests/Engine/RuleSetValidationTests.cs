using KokuhoRules.Engine.RuleSets;
using KokuhoRules.Rules.Catalog;
using KokuhoRules.Rules.Premium;
using KokuhoRules.Tests.Support;

namespace KokuhoRules.Tests.Engine;

/// <summary>
/// A bad rule set is refused with errors naming the file, the JSON path, the line and the problem;
/// the other rule sets keep loading.
/// </summary>
public sealed class RuleSetValidationTests : IDisposable
{
    private readonly TempRuleSetRoot _temp = new();

    public RuleSetValidationTests() => _temp.MakeAllDrafts();

    private string Root => _temp.Root;

    public void Dispose() => _temp.Dispose();

    private string File(string layer, string name) => _temp.PathOf(layer + "/" + name);

    private void EditJson(string path, Action<System.Text.Json.Nodes.JsonNode> edit) => _temp.EditJson(Path.GetRelativePath(Root, path), edit);

    private RuleSetFailure RefusedAmagasaki2025()
    {
        var catalog = KokuhoRuleSets.Load([Root]);
        Assert.NotNull(catalog.Premium("amagasaki", 2024));
        Assert.Null(catalog.Premium("amagasaki", 2025));
        return Assert.Single(catalog.Failures);
    }

    private static int LineOf(string path, string needle)
    {
        var lines = System.IO.File.ReadAllLines(path);
        for (var i = 0; i < lines.Length; i++) if (lines[i].Contains(needle, StringComparison.Ordinal)) return i + 1;
        throw new InvalidOperationException($"'{needle}' not in {path}");
    }

    [Fact]
    public void The_unedited_copy_loads_without_errors()
    {
        var catalog = KokuhoRuleSets.Load([Root]);
        Assert.Empty(catalog.Failures);
        Assert.Equal(3, catalog.All<PremiumRuleSet>().Count());
    }

    [Fact]
    public void A_municipal_cap_above_the_national_maximum_is_refused_at_its_line()
    {
        var path = File("amagasaki/2025/premium", "parameters.json");
        EditJson(path, p => p["rates"]!["medical"]!["cap"]!["value"] = 700000);
        var error = Assert.Single(RefusedAmagasaki2025().Errors);
        Assert.Equal("amagasaki/2025/premium/parameters.json", error.File);
        Assert.Equal("$.rates.medical.cap", error.JsonPath);
        Assert.Contains("national maximum 660,000", error.Message);
        Assert.Equal(LineOf(path, "\"cap\""), error.Line);
    }

    [Fact]
    public void A_municipal_cap_below_the_national_maximum_is_accepted()
    {
        EditJson(File("amagasaki/2025/premium", "parameters.json"), p => p["rates"]!["medical"]!["cap"]!["value"] = 630000);
        var catalog = KokuhoRuleSets.Load([Root]);
        Assert.Empty(catalog.Failures);
        Assert.Equal(630000, catalog.Premium("amagasaki", 2025)!.Components[0].Rates.Cap);
    }

    [Fact]
    public void An_unknown_parameter_is_named()
    {
        EditJson(File("amagasaki/2025/premium", "parameters.json"), p => p["rates"]!["medical"]!.AsObject()["perHouse"] = new System.Text.Json.Nodes.JsonObject { ["value"] = 1, ["reference"] = "x" });
        var error = Assert.Single(RefusedAmagasaki2025().Errors);
        Assert.Equal("$.rates.medical.perHouse", error.JsonPath);
        Assert.Contains("unknown parameter 'rates.medical.perHouse'", error.Message);
        Assert.True(error.Line > 0);
    }

    [Fact]
    public void A_parameter_without_a_reference_is_refused()
    {
        EditJson(File("amagasaki/2025/premium", "parameters.json"), p => p["rates"]!["support"]!["perCapita"]!.AsObject().Remove("reference"));
        var error = Assert.Single(RefusedAmagasaki2025().Errors);
        Assert.Equal("$.rates.support.perCapita", error.JsonPath);
        Assert.Contains("no reference", error.Message);
    }

    [Fact]
    public void A_missing_component_is_refused()
    {
        EditJson(File("amagasaki/2025/premium", "parameters.json"), p => p["rates"]!.AsObject().Remove("care"));
        var error = Assert.Single(RefusedAmagasaki2025().Errors);
        Assert.Contains("no rates for component 'care'", error.Message);
        Assert.Equal("national/2025/premium/parameters.json", error.File);
    }

    [Fact]
    public void A_value_of_the_wrong_type_is_refused()
    {
        EditJson(File("amagasaki/2025/premium", "parameters.json"), p => p["rates"]!["medical"]!["incomeRate"]!["value"] = "8.04%");
        var error = Assert.Single(RefusedAmagasaki2025().Errors);
        Assert.Equal("$.rates.medical.incomeRate.value", error.JsonPath);
        Assert.Contains("decimal number", error.Message);
    }

    [Fact]
    public void A_rate_written_as_a_percentage_is_refused()
    {
        EditJson(File("amagasaki/2025/premium", "parameters.json"), p => p["rates"]!["medical"]!["incomeRate"]!["value"] = 8.04);
        var error = Assert.Single(RefusedAmagasaki2025().Errors);
        Assert.Contains("write 8.04% as 0.0804", error.Message);
    }

    [Fact]
    public void A_parameter_in_the_wrong_layer_is_refused()
    {
        EditJson(File("amagasaki/2025/premium", "parameters.json"), p => p["ages"] = new System.Text.Json.Nodes.JsonObject());
        var error = Assert.Single(RefusedAmagasaki2025().Errors);
        Assert.Contains("'ages' belongs in the national layer", error.Message);
    }

    [Fact]
    public void An_expression_that_does_not_compile_is_refused_with_file_path_and_line()
    {
        var path = File("national/2025/premium", "workflows.json");
        EditJson(path, w => w[7]!["Rules"]![1]!["Expression"] = "h.judgementIncome <= p.reduction.nope");
        var catalog = KokuhoRuleSets.Load([Root]);
        Assert.Null(catalog.Premium("amagasaki", 2025));
        Assert.NotNull(catalog.Premium("amagasaki", 2024));
        var errors = catalog.Failures.SelectMany(f => f.Errors).Where(e => e.File == "national/2025/premium/workflows.json").ToList();
        Assert.NotEmpty(errors);
        var error = errors[0];
        Assert.Equal("$[7].Rules[1].Expression", error.JsonPath);
        Assert.Contains("nope", error.Message);
        Assert.Equal(LineOf(path, "p.reduction.nope"), error.Line);
    }

    [Fact]
    public void A_decision_without_a_fallback_rule_is_refused()
    {
        EditJson(File("national/2025/premium", "workflows.json"), w => w[5]!["Rules"]!.AsArray().RemoveAt(1));
        var errors = KokuhoRuleSets.Load([Root]).Failures.SelectMany(f => f.Errors).ToList();
        Assert.Contains(errors, e => e.Message.Contains("must be the fallback") && e.JsonPath == "$[5].Rules[0]");
    }

    [Fact]
    public void An_unknown_outcome_is_refused()
    {
        EditJson(File("national/2025/premium", "workflows.json"), w => w[7]!["Rules"]![1]!["SuccessEvent"] = "70%");
        var errors = KokuhoRuleSets.Load([Root]).Failures.SelectMany(f => f.Errors).ToList();
        Assert.Contains(errors, e => e.JsonPath == "$[7].Rules[1].SuccessEvent" && e.Message.Contains("\"7割\""));
    }

    [Fact]
    public void A_missing_or_misspelt_workflow_is_refused()
    {
        EditJson(File("national/2025/premium", "workflows.json"), w => w[4]!["WorkflowName"] = "SalaryEarners");
        var messages = KokuhoRuleSets.Load([Root]).Failures.SelectMany(f => f.Errors).Select(e => e.Message).ToList();
        Assert.Contains(messages, m => m.Contains("missing workflow 'SalaryEarner'"));
        Assert.Contains(messages, m => m.Contains("workflow 'SalaryEarners' is not used"));
    }

    [Fact]
    public void A_municipal_workflow_replaces_the_national_one_of_the_same_name()
    {
        // The city decides (hypothetically) that nobody is a 給与所得者等: the +10万 per extra earner never applies.
        System.IO.File.WriteAllText(File("amagasaki/2025/premium", "workflows.json"),
            """[ { "WorkflowName": "SalaryEarner", "Rules": [ { "RuleName": "nobody", "Expression": "true", "SuccessEvent": "false" } ] } ]""");
        var rs = KokuhoRuleSets.Load([Root]).Premium("amagasaki", 2025)!;
        Assert.Equal("municipal", rs.SalaryEarner.Layer);
        Assert.Equal("national", rs.ReductionClass.Layer);
    }

    [Fact]
    public void Invalid_JSON_is_refused_with_its_line()
    {
        var path = File("amagasaki/2025/premium", "parameters.json");
        var lines = System.IO.File.ReadAllLines(path).ToList();
        lines[5] = lines[5] + " ,,";
        System.IO.File.WriteAllLines(path, lines);
        var error = Assert.Single(RefusedLayer("amagasaki/2025/premium"));
        Assert.Equal(6, error.Line);
        Assert.Contains("not valid JSON", error.Message);
    }

    [Fact]
    public void A_published_layer_whose_files_changed_is_refused()
    {
        var root = TestRuleSets.CopyBundledToTemp();
        try
        {
            var path = Path.Combine(root, "amagasaki/2025/premium/parameters.json");
            System.IO.File.AppendAllText(path, " ");
            var failure = Assert.Single(KokuhoRuleSets.Load([root]).Failures);
            var error = Assert.Single(failure.Errors);
            Assert.Equal(("amagasaki/2025/premium/parameters.json", "$"), (error.File, error.JsonPath));
            Assert.Contains("no longer matches the hash sealed in manifest.json", error.Message);
            Assert.True(failure.Concerns("amagasaki", 2025));
        }
        finally
        {
            Directory.Delete(root, recursive: true);
        }
    }

    [Fact]
    public void A_layer_sealed_without_per_file_hashes_is_still_refused_at_its_content_hash_when_a_file_changed()
    {
        var root = TestRuleSets.CopyBundledToTemp();
        try
        {
            var manifest = Path.Combine(root, "amagasaki/2025/premium/manifest.json");
            var node = System.Text.Json.Nodes.JsonNode.Parse(System.IO.File.ReadAllText(manifest))!.AsObject();
            node.Remove("files");
            System.IO.File.WriteAllText(manifest, node.ToJsonString());
            System.IO.File.AppendAllText(Path.Combine(root, "amagasaki/2025/premium/parameters.json"), " ");
            var failure = Assert.Single(KokuhoRuleSets.Load([root]).Failures);
            Assert.Contains(failure.Errors, e => e.JsonPath == "$.contentHash" && e.Message.Contains("no longer match"));
        }
        finally
        {
            Directory.Delete(root, recursive: true);
        }
    }

    [Fact]
    public void A_published_layer_must_carry_its_hash_and_a_valid_local_government_code()
    {
        EditJson(File("amagasaki/2025/premium", "manifest.json"), m =>
        {
            m["status"] = "published";
            m["insurer"]!["localGovernmentCode"] = "282021";
        });
        var errors = RefusedLayer("amagasaki/2025/premium");
        Assert.Contains(errors, e => e.Message.Contains("must carry its contentHash"));
        Assert.Contains(errors, e => e.JsonPath == "$.insurer.localGovernmentCode");
    }

    [Fact]
    public void A_municipal_layer_without_a_national_layer_for_its_year_is_refused()
    {
        Directory.Delete(Path.Combine(Root, "national/2024"), recursive: true);
        var catalog = KokuhoRuleSets.Load([Root]);
        var failure = Assert.Single(catalog.Failures);
        Assert.Contains("no national layer for fiscal year 2024", failure.Errors[0].Message);
        Assert.NotNull(catalog.Premium("amagasaki", 2025));
    }

    [Fact]
    public void An_effective_period_outside_the_fiscal_year_is_refused()
    {
        EditJson(File("amagasaki/2025/premium", "manifest.json"), m => m["effective"]!["until"] = "2026-04-30");
        Assert.Contains(RefusedLayer("amagasaki/2025/premium"), e => e.JsonPath == "$.effective" && e.Message.Contains("within fiscal year 2025"));
    }

    [Fact]
    public void Every_error_is_reported_not_only_the_first()
    {
        EditJson(File("amagasaki/2025/premium", "parameters.json"), p =>
        {
            p["rates"]!["medical"]!["cap"]!["value"] = 700000;
            p["rates"]!["support"]!["cap"]!["value"] = 300000;
        });
        Assert.Equal(2, RefusedAmagasaki2025().Errors.Count);
    }

    private IReadOnlyList<RuleSetError> RefusedLayer(string display) =>
        KokuhoRuleSets.Load([Root]).Failures.Single(f => f.RuleSet == display).Errors;
}
