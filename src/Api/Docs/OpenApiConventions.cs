using System.ComponentModel.DataAnnotations;
using System.Reflection;
using System.Text.Json;
using System.Text.Json.Serialization;
using System.Text.RegularExpressions;
using KokuhoRules.Api.Http;
using KokuhoRules.Api.Security;
using KokuhoRules.Rules.Premium;
using KokuhoRules.Rules.Snapshots;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc.ModelBinding;
using Microsoft.AspNetCore.OpenApi;
using Microsoft.OpenApi;
using NodaTime;

namespace KokuhoRules.Api.Docs;

/// <summary>
/// Makes the OpenAPI document true to the contract, the one place each rule lives:
/// enums as the strings they are written as; NodaTime values as the strings they are (<c>LocalDate</c> <c>format: date</c>, <c>YearMonth</c>
/// <c>YYYY-MM</c>, <c>Instant</c> <c>format: date-time</c>); the request fields marked
/// <see cref="RequiredAttribute"/> required and not nullable (the request types are nullable in C# only so
/// that a missing field is reported by name), those marked <see cref="RequiredWhenAttribute"/> required by an
/// <c>if</c>/<c>then</c>; the problem schema with its extensions (<c>errors</c>,
/// <c>traceId</c>, <c>requiredRole</c>); a security requirement on each operation that needs a key and
/// none on the public ones (probes, the description); every status each operation can answer, derived
/// from what it is (needs a key → 401, needs a role → 403, reads a JSON body → 400, 413, 415, 422, reads
/// the query → 400); the service's headers on the answers that carry them; descriptions without the line wraps of the XML comments they come from.
/// </summary>
public static partial class OpenApiConventions
{
    /// <summary>The schema every problem answer has (RFC 9457 and the service's extensions).</summary>
    public const string ProblemSchemaName = "ProblemDetails";

    public const string ProblemMediaType = "application/problem+json";

    /// <summary>Types written as JSON strings or as any JSON value: described inline, never as a named schema.</summary>
    private static readonly Dictionary<Type, Action<OpenApiSchema>> Inline = new()
    {
        [typeof(LocalDate)] = s => (s.Type, s.Format, s.Pattern) = (JsonSchemaType.String, "date", null),
        [typeof(YearMonth)] = s => (s.Type, s.Format, s.Pattern, s.Description) = (JsonSchemaType.String, null, @"^\d{4}-\d{2}$", s.Description ?? "A month, YYYY-MM."),
        [typeof(Instant)] = s => (s.Type, s.Format, s.Pattern) = (JsonSchemaType.String, "date-time", null),
        [typeof(JsonElement)] = s => s.Description ??= "Any JSON value (number, string, boolean, array or object).",
    };

    public static void Configure(OpenApiOptions o)
    {
        o.CreateSchemaReferenceId = type => Inline.ContainsKey(Nullable.GetUnderlyingType(type.Type) ?? type.Type) ? null : OpenApiOptions.CreateDefaultSchemaReferenceId(type);
        o.AddSchemaTransformer((schema, context, _) =>
        {
            var type = context.JsonTypeInfo.Type;
            // Enums are written as their names (JsonStringEnumConverter): say they are strings.
            if ((Nullable.GetUnderlyingType(type) ?? type).IsEnum && schema.Enum is { Count: > 0 } && schema.Type is null)
                schema.Type = JsonSchemaType.String;
            if (!Inline.TryGetValue(Nullable.GetUnderlyingType(type) ?? type, out var describe)) return Task.CompletedTask;
            describe(schema);
            // LocalDate? and the like: null stays allowed (a required field loses it in MarkRequiredFields).
            if (Nullable.GetUnderlyingType(type) is not null && schema.Type is { } t) schema.Type = t | JsonSchemaType.Null;
            return Task.CompletedTask;
        });
        o.AddOperationTransformer((operation, context, _) =>
        {
            DescribeAccessAndStatuses(operation, context);
            return Task.CompletedTask;
        });
        o.AddDocumentTransformer((document, _, _) =>
        {
            Describe(document);
            MarkRequiredFields(document);
            document.Components!.Schemas![ProblemSchemaName] = ProblemSchema();
            CleanDescriptions(document);
            return Task.CompletedTask;
        });
    }

    private static void Describe(OpenApiDocument doc)
    {
        doc.Info.Title = "KokuhoRules — 国民健康保険料 計算 API";
        doc.Info.Description = "Premium assessment (保険料賦課) for municipal National Health Insurance, from versioned rule sets. Every amount is integer yen; every result names the rule set (version and hash) it came from. Every call but the health probes and this description needs an API key (header X-Api-Key) holding the endpoint's role: calculator, publisher (trial calculations) or auditor. Every answer carries the header KokuhoRules-Version; a calculation also KokuhoRules-Ruleset-Hash.";
        doc.Components ??= new OpenApiComponents();
        doc.Components.Schemas ??= new Dictionary<string, IOpenApiSchema>();
        doc.Components.SecuritySchemes ??= new Dictionary<string, IOpenApiSecurityScheme>();
        doc.Components.SecuritySchemes[ApiKeyAuthenticationHandler.SchemeName] = new OpenApiSecurityScheme
        {
            Type = SecuritySchemeType.ApiKey,
            In = ParameterLocation.Header,
            Name = ApiKeyAuthenticationHandler.Header,
            Description = "An API key issued with 'kokuho keys add' (the embedded default prints its local development key at start-up).",
        };
        // Security is stated per operation: the probes and the description need none.
        doc.Security = null;
    }

    private static void DescribeAccessAndStatuses(OpenApiOperation operation, OpenApiOperationTransformerContext context)
    {
        var metadata = context.Description.ActionDescriptor.EndpointMetadata;
        operation.Responses ??= new OpenApiResponses();
        if (!metadata.OfType<IAllowAnonymous>().Any())
        {
            operation.Security = [new OpenApiSecurityRequirement { [new OpenApiSecuritySchemeReference(ApiKeyAuthenticationHandler.SchemeName, context.Document)] = [] }];
            AddProblem(operation, context, StatusCodes.Status401Unauthorized, "No API key, or a key that is not accepted (unknown, revoked).");
            if (metadata.OfType<IAuthorizeData>().Any(a => a.Policy is not null || a.Roles is not null))
                AddProblem(operation, context, StatusCodes.Status403Forbidden, "The key does not hold the role this needs (requiredRole names it).");
        }
        var sources = context.Description.ParameterDescriptions.Select(p => p.Source).ToArray();
        if (sources.Contains(BindingSource.Body))
        {
            AddProblem(operation, context, StatusCodes.Status400BadRequest, "The body is not valid JSON for this endpoint, or a query parameter is not valid (errors[].field names it).");
            AddProblem(operation, context, StatusCodes.Status413PayloadTooLarge, "The body is over the size limit (1 MiB by default).");
            AddProblem(operation, context, StatusCodes.Status415UnsupportedMediaType, "The body is not sent as application/json.");
            AddProblem(operation, context, StatusCodes.Status422UnprocessableEntity, "Fields of the request are invalid, or look like an individual number (errors[].field names each).");
        }
        else if (sources.Contains(BindingSource.Query))
            AddProblem(operation, context, StatusCodes.Status400BadRequest, "A query parameter is not valid (errors[].field names it).");
        DescribeHeaders(operation, metadata);
    }

    /// <summary>The headers of <see cref="ServiceHeaders"/>, on the answers that carry them.</summary>
    private static void DescribeHeaders(OpenApiOperation operation, IList<object> metadata)
    {
        static OpenApiHeader Header(string description) => new() { Description = description, Schema = new OpenApiSchema { Type = JsonSchemaType.String } };
        var calculation = metadata.OfType<IAuthorizeData>().Any(a => a.Policy == Policies.Calculate);
        var validated = operation.Responses!.ContainsKey("304");
        foreach (var (status, answer) in operation.Responses!)
        {
            if (answer is not OpenApiResponse response) continue;
            response.Headers ??= new Dictionary<string, IOpenApiHeader>();
            response.Headers[ServiceHeaders.VersionHeader] = Header("The version of the service that answered.");
            if (calculation && status == "200")
                response.Headers[ServiceHeaders.RuleSetHashHeader] = Header("The content hash of the rule set used (one per year, comma-separated, for a reassessment).");
            if (validated && status is "200" or "304")
            {
                response.Headers["ETag"] = Header("The rule set's content hash as a weak tag, W/\"sha256:…\": send it in If-None-Match to get 304 while it is unchanged.");
                response.Headers["Cache-Control"] = Header(ServiceHeaders.RuleSetCacheControl + ": a client may keep the answer but revalidates it each time.");
            }
        }
    }

    /// <summary>Adds a problem answer for a status, or gives the one declared by the endpoint its description.</summary>
    private static void AddProblem(OpenApiOperation operation, OpenApiOperationTransformerContext context, int status, string description)
    {
        var key = status.ToString(System.Globalization.CultureInfo.InvariantCulture);
        if (operation.Responses!.TryGetValue(key, out var declared) && declared is OpenApiResponse response)
        {
            response.Description = description;
            return;
        }
        operation.Responses[key] = new OpenApiResponse
        {
            Description = description,
            Content = new Dictionary<string, OpenApiMediaType>
            {
                [ProblemMediaType] = new() { Schema = new OpenApiSchemaReference(ProblemSchemaName, context.Document) },
            },
        };
    }

    /// <summary>
    /// The request fields the contract requires (<see cref="RequiredAttribute"/> on the request types):
    /// listed in <c>required</c>, and not nullable (null is refused as missing).
    /// </summary>
    private static void MarkRequiredFields(OpenApiDocument doc)
    {
        foreach (var type in typeof(AssessmentRequest).Assembly.GetTypes())
        {
            if (!doc.Components!.Schemas!.TryGetValue(type.Name, out var named) || named is not OpenApiSchema schema || schema.Properties is null) continue;
            foreach (var property in type.GetProperties().Where(p => p.GetCustomAttribute<RequiredAttribute>() is not null))
            {
                var name = JsonName(property);
                if (!schema.Properties.TryGetValue(name, out var field)) continue;
                schema.Required ??= new HashSet<string>();
                schema.Required.Add(name);
                schema.Properties[name] = NotNullable(field);
            }
            foreach (var property in type.GetProperties())
            {
                if (property.GetCustomAttribute<RequiredWhenAttribute>() is not { } when) continue;
                var on = JsonName(type.GetProperty(when.Property)!);
                schema.AllOf ??= new List<IOpenApiSchema>();
                schema.AllOf.Add(new OpenApiSchema
                {
                    If = new OpenApiSchema
                    {
                        Required = new HashSet<string> { on },
                        Properties = new Dictionary<string, IOpenApiSchema> { [on] = new OpenApiSchema { Enum = [System.Text.Json.Nodes.JsonValue.Create(when.Value)] } },
                    },
                    Then = new OpenApiSchema { Required = new HashSet<string> { JsonName(property) } },
                });
            }
        }
    }

    private static string JsonName(PropertyInfo property) =>
        property.GetCustomAttribute<JsonPropertyNameAttribute>()?.Name ?? JsonNamingPolicy.CamelCase.ConvertName(property.Name);

    private static IOpenApiSchema NotNullable(IOpenApiSchema field)
    {
        if (field is not OpenApiSchema s) return field;
        if (s.OneOf is { Count: 2 } oneOf && oneOf.Count(o => o.Type == JsonSchemaType.Null) == 1)
            return oneOf.Single(o => o.Type != JsonSchemaType.Null);
        if (s.Type is { } type) s.Type = type & ~JsonSchemaType.Null;
        return s;
    }

    /// <summary>RFC 9457 with the service's extensions; other extensions may follow (additional properties allowed).</summary>
    private static OpenApiSchema ProblemSchema() => new()
    {
        Type = JsonSchemaType.Object,
        Description = "An RFC 9457 problem. type is urn:kokuhorules:problem: followed by the kind; the detail never repeats a value from the request.",
        Required = new HashSet<string> { "type", "title", "status", "detail" },
        Properties = new Dictionary<string, IOpenApiSchema>
        {
            ["type"] = new OpenApiSchema { Type = JsonSchemaType.String, Description = "urn:kokuhorules:problem: and the kind, e.g. urn:kokuhorules:problem:invalid-request." },
            ["title"] = new OpenApiSchema { Type = JsonSchemaType.String, Description = "The kind of problem, the same for every problem of the type." },
            ["status"] = new OpenApiSchema { Type = JsonSchemaType.Integer, Format = "int32", Description = "The HTTP status." },
            ["detail"] = new OpenApiSchema { Type = JsonSchemaType.String, Description = "What is wrong with this request, and what to do." },
            ["instance"] = new OpenApiSchema { Type = JsonSchemaType.String | JsonSchemaType.Null },
            ["traceId"] = new OpenApiSchema { Type = JsonSchemaType.String, Description = "The W3C trace id of the call, for the service's logs and audit log." },
            ["requiredRole"] = new OpenApiSchema { Type = JsonSchemaType.String, Description = "On a 403: the role the key does not hold (calculator, publisher or auditor)." },
            ["errors"] = new OpenApiSchema
            {
                Type = JsonSchemaType.Array,
                Description = "Each field at fault, with what is wrong with it.",
                Items = new OpenApiSchema
                {
                    Type = JsonSchemaType.Object,
                    Required = new HashSet<string> { "field", "message" },
                    Properties = new Dictionary<string, IOpenApiSchema>
                    {
                        ["field"] = new OpenApiSchema { Type = JsonSchemaType.String, Description = "The field's path in the request, e.g. household.members[0].birthDate; $ for the whole request." },
                        ["message"] = new OpenApiSchema { Type = JsonSchemaType.String, Description = "What is wrong with it (never its value)." },
                    },
                },
            },
        },
        AdditionalPropertiesAllowed = true,
    };

    /// <summary>Joins the line wraps of XML doc comments (a single newline) into spaces; paragraphs stay.</summary>
    private static void CleanDescriptions(OpenApiDocument doc)
    {
        foreach (var schema in doc.Components!.Schemas!.Values) Clean(schema, depth: 0);
        foreach (var operation in doc.Paths.Values.SelectMany(p => p.Operations?.Values.AsEnumerable() ?? []))
        {
            if (operation is null) continue;
            operation.Description = Unwrap(operation.Description);
            operation.Summary = Unwrap(operation.Summary);
        }
    }

    private static void Clean(IOpenApiSchema schema, int depth)
    {
        if (schema is not OpenApiSchema s || depth > 8) return;
        s.Description = Unwrap(s.Description);
        foreach (var child in (s.Properties?.Values ?? []).Concat(s.OneOf ?? []).Concat(s.Items is null ? [] : [s.Items]))
            Clean(child, depth + 1);
    }

    private static string? Unwrap(string? text) => text is null ? null : LineWrap().Replace(text.Trim(), " ");

    [GeneratedRegex(@"(?<!\n)[ \t]*\n[ \t]*(?!\n)")]
    private static partial Regex LineWrap();
}
