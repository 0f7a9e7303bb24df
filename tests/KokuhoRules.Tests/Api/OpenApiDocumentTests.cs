using System.Net;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using KokuhoRules.Tests.Support;
using Microsoft.OpenApi;
using static KokuhoRules.Tests.Api.ApiRequests;

namespace KokuhoRules.Tests.Api;

/// <summary>
/// The OpenAPI document read by a real reader (Microsoft.OpenApi, OpenAPI 3.1), checked against the
/// contract, and its <c>required</c> lists checked against what the service actually refuses.
/// </summary>
public sealed class OpenApiDocumentTests(KokuhoApiFactory factory) : IClassFixture<KokuhoApiFactory>
{
    /// <summary>The README's example request (its assessment).</summary>
    public const string ReadmeExample =
        """
        { "insurer": "amagasaki", "fiscalYear": 2025,
          "household": { "id": "H-0001", "headId": "P1", "members": [
            { "id": "P1", "birthDate": "1982-07-02", "coverage": [ { "acquired": "2019-04-01", "lost": null } ],
              "income": { "declared": true, "totalIncome": 2760000, "salaryRevenue": 4000000, "salaryIncome": 2760000 } },
            { "id": "P2", "birthDate": "1990-01-15", "coverage": [], "income": { "declared": true, "totalIncome": 0 } } ] } }
        """;

    private async Task<string> DocumentText()
    {
        var response = await factory.CreateClient(key: null).GetAsync("/openapi/v1.json");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return await response.Content.ReadAsStringAsync();
    }

    private async Task<JsonObject> Document() => JsonNode.Parse(await DocumentText())!.AsObject();

    [Fact]
    public async Task A_real_reader_reads_the_document_as_valid_openapi_3_1()
    {
        var text = await DocumentText();
        var read = OpenApiDocument.Parse(text, OpenApiConstants.Json);

        Assert.NotNull(read.Document);
        Assert.Empty(read.Diagnostic?.Errors ?? []);
        Assert.Equal(OpenApiSpecVersion.OpenApi3_1, read.Diagnostic!.SpecificationVersion);
        var errors = read.Document!.Validate(Microsoft.OpenApi.ValidationRuleSet.GetDefaultRuleSet())?.ToArray() ?? [];
        Assert.True(errors.Length == 0, string.Join("; ", errors.Select(e => $"{e.Pointer}: {e.Message}")));
        Assert.Contains("/v1/rulesets/{insurer}/{fiscalYear}/parameters/{path}", read.Document.Paths.Keys);
    }

    [Fact]
    public async Task Dates_and_instants_are_strings_of_their_format()
    {
        var schemas = (await Document())["components"]!["schemas"]!;
        Assert.Equal(("string", "date"), TypeAndFormat(schemas["MemberJson"]!["properties"]!["birthDate"]!));
        Assert.Equal(("string", "date"), TypeAndFormat(schemas["InstallmentBill"]!["properties"]!["dueDate"]!));
        Assert.Equal(("string", "date-time"), TypeAndFormat(schemas["AuditEntry"]!["properties"]!["at"]!));
        // An optional date may be null (a coverage still running has "lost": null); a required one may not.
        Assert.Equal("""["null","string"]""", schemas["CoverageJson"]!["properties"]!["lost"]!["type"]!.ToJsonString());
        Assert.Equal("date", schemas["CoverageJson"]!["properties"]!["lost"]!["format"]!.GetValue<string>());
        foreach (var name in new[] { "LocalDate", "Instant", "YearMonth", "JsonElement" })
            Assert.False(schemas.AsObject().ContainsKey(name), $"{name} is a .NET type, not a schema of the contract");
    }

    private static (string, string) TypeAndFormat(JsonNode schema) => (schema["type"]!.GetValue<string>(), schema["format"]!.GetValue<string>());

    [Fact]
    public async Task The_problem_schema_has_the_extensions_the_service_sends()
    {
        var problem = (await Document())["components"]!["schemas"]!["ProblemDetails"]!;
        var properties = problem["properties"]!.AsObject();
        foreach (var name in new[] { "type", "title", "status", "detail", "traceId", "requiredRole", "errors" })
            Assert.True(properties.ContainsKey(name), $"problem schema lacks {name}");
        Assert.Equal(["field", "message"], properties["errors"]!["items"]!["properties"]!.AsObject().Select(p => p.Key));
        Assert.NotEqual(false, problem["additionalProperties"]?.GetValue<bool>());
        Assert.Equal(["detail", "status", "title", "type"], problem["required"]!.AsArray().Select(r => r!.GetValue<string>()).Order());

        // A real problem fits it: every property the service sent is described.
        var sent = await (await factory.CreateClient().PostRaw("""{"insurer":"amagasaki","fiscalYear":1999,"household":{}}""")).ReadJson(HttpStatusCode.NotFound);
        foreach (var field in sent.EnumerateObject()) Assert.True(properties.ContainsKey(field.Name), $"the problem sent {field.Name}, the schema does not describe it");
    }

    [Fact]
    public async Task The_probes_and_only_they_are_public_and_each_operation_lists_the_statuses_it_answers()
    {
        var paths = (await Document())["paths"]!.AsObject();
        foreach (var (path, item) in paths)
        foreach (var (method, operation) in item!.AsObject())
        {
            var isPublic = path.StartsWith("/health", StringComparison.Ordinal);
            var security = operation!["security"]?.AsArray();
            Assert.True(isPublic == (security is null), $"{method} {path}: security {security?.ToJsonString() ?? "none"}");
            var statuses = operation["responses"]!.AsObject().Select(r => r.Key).ToHashSet();
            if (!isPublic) Assert.Contains("401", statuses);
            if (operation["requestBody"] is not null)
                foreach (var status in new[] { "400", "401", "403", "413", "415", "422" })
                    Assert.True(statuses.Contains(status), $"{method} {path} does not document {status}");
        }
        Assert.Equal(["200", "503"], paths["/health/ready"]!["get"]!["responses"]!.AsObject().Select(r => r.Key));
        Assert.Contains("304", paths["/v1/rulesets/{insurer}/{fiscalYear}"]!["get"]!["responses"]!.AsObject().Select(r => r.Key));
        Assert.Contains("403", paths["/v1/audit"]!["get"]!["responses"]!.AsObject().Select(r => r.Key));

        // The headers: the version on every answer, the rule-set hash on a calculation, the validators on a rule set.
        var assessed = paths["/v1/premium/assessments"]!["post"]!["responses"]!["200"]!["headers"]!.AsObject();
        Assert.True(assessed.ContainsKey("KokuhoRules-Version") && assessed.ContainsKey("KokuhoRules-Ruleset-Hash"), assessed.ToJsonString());
        Assert.True(paths["/v1/premium/assessments"]!["post"]!["responses"]!["422"]!["headers"]!.AsObject().ContainsKey("KokuhoRules-Version"));
        var ruleSet = paths["/v1/rulesets/{insurer}/{fiscalYear}"]!["get"]!["responses"]!["304"]!["headers"]!.AsObject();
        Assert.True(ruleSet.ContainsKey("ETag") && ruleSet.ContainsKey("Cache-Control"), ruleSet.ToJsonString());
    }

    [Fact]
    public async Task Names_and_descriptions_carry_no_dotnet_or_doc_comment_artefacts()
    {
        var document = await Document();
        foreach (var name in document["components"]!["schemas"]!.AsObject().Select(s => s.Key))
            Assert.Matches("^[A-Z][A-Za-z]+$", name);
        foreach (var (where, text) in Descriptions(document, "$"))
        {
            Assert.DoesNotMatch(@"<|&lt;|cref|IReadOnlyList|\bbool\?|\blong [A-Z]|[A-Z]\w+\.[A-Z]\w+|premium\.md|§", text);
            Assert.False(text.Contains('\n') && !text.Contains("\n\n"), $"{where}: a line wrap of an XML comment: {text}");
        }
    }

    private static IEnumerable<(string Where, string Text)> Descriptions(JsonNode? node, string where)
    {
        switch (node)
        {
            case JsonObject o:
                foreach (var (key, value) in o)
                    if (key is "description" or "summary" && value is JsonValue v && v.TryGetValue<string>(out var text)) yield return (where + "." + key, text);
                    else foreach (var d in Descriptions(value, where + "." + key)) yield return d;
                break;
            case JsonArray a:
                for (var i = 0; i < a.Count; i++) foreach (var d in Descriptions(a[i], $"{where}[{i}]")) yield return d;
                break;
        }
    }

    /// <summary>
    /// Every field of the README's example, removed in turn: the service refuses the request naming the
    /// field (or, for a missing object, a field in it) exactly when the document lists it as required, and
    /// a required field sent as null likewise.
    /// </summary>
    [Fact]
    public async Task The_required_lists_are_what_the_assessment_endpoint_refuses()
    {
        var checkedFields = await CheckRequiredFields(AssessmentsPath, JsonNode.Parse(ReadmeExample)!);
        Assert.True(checkedFields >= 15, $"only {checkedFields} fields checked");
    }

    /// <summary>The same for a reassessment whose previous assessment is the service's own answer, posted back as it is.</summary>
    [Fact]
    public async Task The_required_lists_are_what_the_reassessment_endpoint_refuses()
    {
        var previous = await (await factory.CreateClient().PostRaw(ReadmeExample, "?trace=false")).ReadJson();
        var body = new JsonObject
        {
            ["insurer"] = "amagasaki",
            ["change"] = new JsonObject { ["effectiveDate"] = "2025-09-01", ["description"] = "所得更正", ["reductionNotCausedByInsured"] = false },
            ["asOf"] = "2025-10-10",
            ["trial"] = false,
            ["years"] = new JsonArray(new JsonObject
            {
                ["fiscalYear"] = 2025,
                ["household"] = JsonNode.Parse(ReadmeExample)!["household"]!.DeepClone(),
                ["previous"] = JsonNode.Parse(previous.GetRawText()),
            }),
        };
        var checkedFields = await CheckRequiredFields("/v1/premium/reassessments", body);
        Assert.True(checkedFields >= 30, $"only {checkedFields} fields checked");
    }

    private async Task<int> CheckRequiredFields(string endpoint, JsonNode body)
    {
        var document = await Document();
        var client = factory.CreateClient();
        var request = document["paths"]![endpoint]!["post"]!["requestBody"]!["content"]!["application/json"]!["schema"]!;
        var checkedFields = 0;
        foreach (var (field, required) in Fields(document, request, body, ""))
        {
            foreach (var asNull in new[] { false, true })
            {
                var edited = Without(body, field, asNull);
                var response = await client.PostAsync(endpoint + "?trace=false", new StringContent(edited.ToJsonString(), Encoding.UTF8, "application/json"));
                var answer = JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement;
                var named = response.StatusCode is HttpStatusCode.BadRequest or HttpStatusCode.UnprocessableEntity && answer.Errors().Any(e => e.Field == field || e.Field.StartsWith(field + ".", StringComparison.Ordinal));
                Assert.True(required == named, $"{field} {(asNull ? "sent as null" : "left out")}: required in the document: {required}; answer {(int)response.StatusCode} {answer.GetRawText()[..Math.Min(300, answer.GetRawText().Length)]}");
            }
            checkedFields++;
        }
        return checkedFields;
    }

    /// <summary>The fields present in <paramref name="value"/>, by API path, each with whether the schema requires it.</summary>
    private static IEnumerable<(string Field, bool Required)> Fields(JsonObject document, JsonNode schema, JsonNode value, string path)
    {
        schema = Resolve(document, schema);
        if (value is JsonObject o && schema["properties"] is JsonObject properties)
        {
            var required = schema["required"]?.AsArray().Select(r => r!.GetValue<string>()).ToHashSet() ?? [];
            // if/then: required when another field has a value (totalIncome when declared is true).
            foreach (var rule in schema["allOf"]?.AsArray() ?? [])
            {
                var condition = rule!["if"]!["properties"]!.AsObject();
                if (condition.All(c => o[c.Key] is { } v && c.Value!["enum"]!.AsArray().Any(e => JsonNode.DeepEquals(e, v))))
                    required.UnionWith(rule["then"]!["required"]!.AsArray().Select(r => r!.GetValue<string>()));
            }
            foreach (var (name, child) in o)
            {
                // A field the schema does not list (the rest of a previous answer posted back) is not read.
                if (!properties.ContainsKey(name)) continue;
                var field = path.Length == 0 ? name : path + "." + name;
                yield return (field, required.Contains(name));
                if (child is not null) foreach (var f in Fields(document, properties[name]!, child, field)) yield return f;
            }
        }
        else if (value is JsonArray a && a.Count > 0 && schema["items"] is { } items)
            foreach (var f in Fields(document, items, a[0]!, path + "[0]")) yield return f;
    }

    private static JsonNode Resolve(JsonObject document, JsonNode schema)
    {
        if (schema["$ref"]?.GetValue<string>() is { } reference) return Resolve(document, document["components"]!["schemas"]![reference.Split('/')[^1]]!);
        if (schema["oneOf"] is JsonArray oneOf) return Resolve(document, oneOf.Single(s => s!["type"]?.GetValue<string>() != "null")!);
        return schema;
    }

    private static JsonNode Without(JsonNode body, string field, bool asNull)
    {
        var copy = body.DeepClone();
        JsonNode parent = copy;
        var steps = field.Replace("[0]", ".0").Split('.');
        foreach (var step in steps[..^1]) parent = int.TryParse(step, out var i) ? parent[i]! : parent[step]!;
        if (asNull) parent[steps[^1]] = null;
        else parent.AsObject().Remove(steps[^1]);
        return copy;
    }
}
