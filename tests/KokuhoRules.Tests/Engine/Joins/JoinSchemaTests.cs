using System.Text.Json;
using System.Text.Json.Nodes;
using Json.Schema;
using KokuhoRules.Tests.Support;
using static KokuhoRules.Tests.Engine.Joins.ContinuityJoins;

namespace KokuhoRules.Tests.Engine.Joins;

/// <summary>
/// <c>rulesets/schema/joins.schema.json</c>, which editors check a joins file with, against the validator
/// (<c>JoinRules.Compile</c>): both accept the test capability's file, and both refuse each broken shape. What only
/// the capability knows (its fact and conclusion types, the expressions) the validator alone checks.
/// </summary>
public sealed class JoinSchemaTests
{
    // Read through the one cache: JsonSchema.Net refuses a second registration of the same $id (RuleSetSchemaTests reads it too).
    private static readonly Lazy<JsonSchema> Schema = new(() => RuleSetSchemaTests.Schema("joins.schema.json"));

    private static (bool Valid, string Errors) Check(string json)
    {
        using var document = JsonDocument.Parse(json);
        var result = Schema.Value.Evaluate(document.RootElement, new EvaluationOptions { OutputFormat = OutputFormat.List });
        var errors = string.Join("; ", (result.Details ?? []).Where(d => d.Errors is not null).SelectMany(d => d.Errors!.Select(e => $"{d.InstanceLocation}: {e.Value}")));
        return (result.IsValid, errors);
    }

    [Fact]
    public void The_test_capabilitys_file_passes_the_schema_and_the_validator_and_names_its_schema()
    {
        var (valid, errors) = Check(JoinsText);
        var (rules, problems) = Compile(JoinsText);

        Assert.True(valid, errors);
        Assert.True(rules is not null, string.Join("\n", problems));
        var schema = JsonNode.Parse(JoinsText)!["$schema"]!.GetValue<string>();
        Assert.EndsWith("rulesets/schema/joins.schema.json", schema);
        // Relative to the file's folder in the source tree, it is the committed schema.
        var folder = Path.Combine("/repo", "tests", "KokuhoRules.Tests", "TestData", "joins", "continuity");
        Assert.Equal("/repo/rulesets/schema/joins.schema.json", Path.GetFullPath(Path.Combine(folder, schema)));
    }

    /// <summary>
    /// Edits of TestData/joins/continuity/joins.json whose shape is wrong: a JSON path (names and [indices]) and the
    /// value to put there, or null to remove the key. The validator refuses each, so must the schema.
    /// </summary>
    public static TheoryData<string, string, string?> BrokenShapes => new()
    {
        { "an unknown key at the root", "rulez", "[]" },
        { "rules that are not an array", "rules", "{}" },
        { "an unknown key in a rule", "rules[1].confirmd", "false" },
        { "an unknown key in a pattern", "rules[0].match[0].when", "\"true\"" },
        { "an unknown key in then", "rules[0].then.emit", "true" },
        { "a missing reference", "rules[1].reference", null },
        { "an empty reference", "rules[1].reference", "\" \"" },
        { "a missing name", "rules[1].name", null },
        { "confirmed as text", "rules[1].confirmed", "\"no\"" },
        { "a missing match", "rules[1].match", null },
        { "an empty match", "rules[1].match", "[]" },
        { "a pattern that is not an object", "rules[1].match[1]", "\"later\"" },
        { "a pattern without type", "rules[0].match[0].type", null },
        { "a pattern without fact", "rules[0].match[0].fact", null },
        { "a fact name that is not an identifier", "rules[1].match[1].fact", "\"later on\"" },
        { "a fact named with a word of the language", "rules[1].match[1].fact", "\"Out\"" },
        { "an unknown kind", "rules[1].match[1].kind", "\"none\"" },
        { "every pattern under not or exists", "rules[1].match[0].kind", "\"exists\"" },
        { "a where that is not text", "rules[1].match[0].where", "true" },
        { "an empty where", "rules[1].match[0].where", "\" \"" },
        { "a missing then", "rules[0].then", null },
        { "a then without conclude", "rules[1].then.conclude", null },
        { "values that are not an object", "rules[1].then.values", "[]" },
        { "a conclusion value that is not text", "rules[1].then.values.city", "1" },
    };

    [Theory]
    [MemberData(nameof(BrokenShapes))]
    public void A_shape_the_validator_refuses_is_refused_by_the_schema_too(string what, string path, string? value)
    {
        var broken = Edit(path, value);

        var (rules, problems) = Compile(broken);
        var (valid, _) = Check(broken);

        Assert.True(rules is null && problems.Count > 0, $"the validator accepts {what}");
        Assert.False(valid, $"the schema accepts {what}");
    }

    [Fact]
    public void An_edit_that_keeps_the_shape_is_accepted_by_both()
    {
        // The control for the theory above: its edits, not the rewriting of the file, are what is refused.
        var edited = Edit("rules[1].match[0].$comment", "\"a note\"");

        Assert.Contains("a note", edited);
        Assert.True(Check(edited).Valid, Check(edited).Errors);
        Assert.Empty(Compile(edited).Errors);
    }

    /// <summary>The test file with the value at <paramref name="path"/> replaced (null: the key removed), re-indented.</summary>
    private static string Edit(string path, string? value)
    {
        var root = JsonNode.Parse(JoinsText)!;
        var segments = System.Text.RegularExpressions.Regex.Matches(path, @"[^.\[\]]+").Select(m => m.Value).ToArray();
        var parent = segments[..^1].Aggregate(root, (node, s) => int.TryParse(s, out var i) ? node[i]! : node[s]!);
        var last = segments[^1];
        if (int.TryParse(last, out var index)) parent[index] = JsonNode.Parse(value!);
        else if (value is null) Assert.True(parent.AsObject().Remove(last), $"{path} is not in the test file");
        else parent[last] = JsonNode.Parse(value);
        return root.ToJsonString(new JsonSerializerOptions { WriteIndented = true, Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping });
    }
}
