using System.Text.Json;
using System.Text.Json.Nodes;
using Json.Schema;
using KokuhoRules.Engine.RuleSets;
using KokuhoRules.Rules.Catalog;
using KokuhoRules.Rules.Premium;
using KokuhoRules.Tests.Support;

namespace KokuhoRules.Tests.Engine;

/// <summary>
/// The JSON Schemas under <c>rulesets/schema/</c> that editors check rule-set files with, against the
/// validator the service runs: the parameter schemas are generated from the parameter model and must be
/// committed as generated; every bundled and test-data file passes its schema; a broken file is refused
/// by the schema and by the validator alike.
/// </summary>
public sealed class RuleSetSchemaTests
{
    private static readonly string SchemaFolder = Path.Combine(TestRuleSets.BundledRoot, "schema");

    // Each schema is read once: JsonSchema.Net registers a schema under its $id and refuses a second registration.
    private static readonly System.Collections.Concurrent.ConcurrentDictionary<string, JsonSchema> Schemas = new();

    /// <summary>A schema of rulesets/schema/ by file name, read once for every test class (joins.schema.json too).</summary>
    internal static JsonSchema Schema(string fileName) =>
        Schemas.GetOrAdd(fileName, name => JsonSchema.FromText(File.ReadAllText(Path.Combine(SchemaFolder, name))));

    private static (bool Valid, string Errors) Check(JsonSchema schema, string json)
    {
        using var document = JsonDocument.Parse(json);
        var result = schema.Evaluate(document.RootElement, new EvaluationOptions { OutputFormat = OutputFormat.List });
        var errors = string.Join("; ", (result.Details ?? []).Where(d => d.Errors is not null).SelectMany(d => d.Errors!.Select(e => $"{d.InstanceLocation}: {e.Value}")));
        return (result.IsValid, errors);
    }

    private static IEnumerable<string> LayerFolders() =>
        new[] { TestRuleSets.BundledRoot, TestRuleSets.TestDataRoot }
            .SelectMany(root => Directory.EnumerateFiles(root, ContentHash.ManifestFileName, SearchOption.AllDirectories))
            .Select(Path.GetDirectoryName)!;

    [Fact]
    public void The_committed_parameter_schemas_and_their_reference_are_the_ones_generated_from_the_parameter_model()
    {
        var output = new StringWriter();
        var error = new StringWriter();

        var code = KokuhoRules.Cli.KokuhoCommand.Schemas(new DirectoryInfo(SchemaFolder), write: false, output, error);

        Assert.True(code == 0, error.ToString());
        Assert.Equal(10, output.ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries).Count(l => l.StartsWith("up to date", StringComparison.Ordinal))); // premium national, prefecture and municipal parameters, withholding national and municipal, eligibility national and prefecture, highCost national and prefecture, and the reference
    }

    [Fact]
    public void The_schema_check_fails_when_a_schema_is_out_of_date()
    {
        var folder = Directory.CreateTempSubdirectory("kokuho-schema-");
        try
        {
            foreach (var file in Directory.EnumerateFiles(SchemaFolder)) File.Copy(file, Path.Combine(folder.FullName, Path.GetFileName(file)));
            File.AppendAllText(Path.Combine(folder.FullName, PremiumRuleSetCompiler.MunicipalParametersSchema), " ");
            var error = new StringWriter();

            Assert.Equal(1, KokuhoRules.Cli.KokuhoCommand.Schemas(folder, write: false, new StringWriter(), error));
            Assert.Contains("out of date", error.ToString());
            Assert.Equal(0, KokuhoRules.Cli.KokuhoCommand.Schemas(folder, write: true, new StringWriter(), new StringWriter()));
            Assert.Equal(0, KokuhoRules.Cli.KokuhoCommand.Schemas(folder, write: false, new StringWriter(), new StringWriter()));
        }
        finally
        {
            folder.Delete(recursive: true);
        }
    }

    [Fact]
    public void Every_bundled_and_test_data_file_passes_its_schema_and_names_it()
    {
        var checkedFiles = 0;
        foreach (var folder in LayerFolders())
        {
            // The layer kind its manifest names picks the parameter schema (a prefecture layer has its own).
            var layer = JsonNode.Parse(File.ReadAllText(Path.Combine(folder!, "manifest.json")))!["layer"]!.GetValue<string>();
            var capability = Path.GetFileName(folder)!.Split('@')[0];
            foreach (var (file, schemaName) in new[]
                     {
                         ("manifest.json", "manifest.schema.json"),
                         ("parameters.json", $"{capability}.{layer}.parameters.schema.json"),
                         ("workflows.json", "workflows.schema.json"),
                         ("joins.json", "joins.schema.json"),
                     })
            {
                var path = Path.Combine(folder!, file);
                if (!File.Exists(path)) continue;
                var text = File.ReadAllText(path);
                var (valid, errors) = Check(Schema(schemaName), text);
                Assert.True(valid, $"{path}: {errors}");
                if (file != "workflows.json") // an array cannot name its schema: .vscode/settings.json maps it
                    Assert.EndsWith("schema/" + schemaName, JsonNode.Parse(text)!["$schema"]!.GetValue<string>());
                checkedFiles++;
            }
        }
        Assert.True(checkedFiles >= 30, $"only {checkedFiles} files checked");
    }

    /// <summary>Edits of amagasaki/2025 (or national/2025) that the validator refuses; the schema must refuse each too.</summary>
    public static TheoryData<string, string, string> BrokenFiles => new()
    {
        { "amagasaki/2025/premium/parameters.json", "an unknown group", """{ "ratez": {} }""" },
        { "amagasaki/2025/premium/parameters.json", "an unknown parameter", """{ "rates": { "medical": { "incomeRatio": { "value": 0.1, "reference": "x" } } } }""" },
        { "amagasaki/2025/premium/parameters.json", "a parameter without reference", """{ "installments": { "unitYen": { "value": 100, "reference": null } } }""" },
        { "amagasaki/2025/premium/parameters.json", "an empty reference", """{ "installments": { "unitYen": { "value": 100, "reference": " " } } }""" },
        { "amagasaki/2025/premium/parameters.json", "a value of the wrong type", """{ "installments": { "unitYen": { "value": "100", "reference": "x" } } }""" },
        { "amagasaki/2025/premium/parameters.json", "an unknown field on a parameter", """{ "installments": { "unitYen": { "value": 100, "reference": "x", "source": "y" } } }""" },
        { "amagasaki/2025/premium/parameters.json", "an enum value in another case", """{ "installments": { "remainderTo": { "value": "First", "reference": "x" } } }""" },
        { "amagasaki/2025/premium/parameters.json", "a national group in a city's layer", """{ "reduction": {} }""" },
        { "amagasaki/2025/premium/parameters.json", "a record with an unknown member", """{ "rounding": { "annual": { "value": { "unitYen": 1, "mode": "floor", "units": 2 }, "reference": "x" } } }""" },
        { "national/2025/premium/parameters.json", "a negative ratio", """{ "reduction": { "sevenTenthsRatio": { "value": -0.7, "reference": "x" } } }""" },
        { "national/2025/premium/parameters.json", "a holiday that is not a date", """{ "holidays": { "nationalHolidays": { "value": ["2025-4-29"], "reference": "x" } } }""" },
        { "amagasaki/2025/premium/manifest.json", "an unknown manifest field", """{ "owner": "x" }""" },
        { "amagasaki/2025/premium/manifest.json", "a status that does not exist", """{ "status": "final" }""" },
        { "amagasaki/2025/premium/manifest.json", "a fiscal year as text", """{ "fiscalYear": "2025" }""" },
    };

    [Theory]
    [MemberData(nameof(BrokenFiles))]
    public void A_file_the_validator_refuses_is_refused_by_its_schema_too(string file, string what, string patch)
    {
        using var root = new TempRuleSetRoot();
        root.EditJson(file, node => Merge(node.AsObject(), JsonNode.Parse(patch)!.AsObject()));
        var layer = string.Join('/', file.Split('/')[..3]);
        if (!file.EndsWith("manifest.json", StringComparison.Ordinal)) root.MakeDraft(layer);

        var refused = KokuhoRuleSets.Load([root.Root]).Failures;
        var schemaName = file switch
        {
            _ when file.EndsWith("manifest.json", StringComparison.Ordinal) => "manifest.schema.json",
            _ when file.StartsWith("national/", StringComparison.Ordinal) => PremiumRuleSetCompiler.NationalParametersSchema,
            _ => PremiumRuleSetCompiler.MunicipalParametersSchema,
        };
        var (valid, _) = Check(Schema(schemaName), root.Read(file));

        Assert.True(refused.Count > 0, $"the validator accepts {what}");
        Assert.False(valid, $"the schema accepts {what}");
    }

    [Fact]
    public void A_workflow_rule_with_a_misspelt_key_is_refused_by_the_schema_and_the_validator()
    {
        using var root = new TempRuleSetRoot();
        root.ReplaceOnce("national/2025/premium/workflows.json", "\"SuccessEvent\": \"7割\"", "\"SucessEvent\": \"7割\"");
        root.MakeAllDrafts();

        Assert.NotEmpty(KokuhoRuleSets.Load([root.Root]).Failures);
        Assert.False(Check(Schema("workflows.schema.json"), root.Read("national/2025/premium/workflows.json")).Valid);
    }

    /// <summary>Writes every leaf of <paramref name="patch"/> into <paramref name="target"/>, replacing what is there.</summary>
    private static void Merge(JsonObject target, JsonObject patch)
    {
        foreach (var (key, value) in patch.ToArray())
        {
            if (value is JsonObject child && target[key] is JsonObject existing && child.Count > 0) Merge(existing, child);
            else target[key] = value?.DeepClone();
        }
    }
}
