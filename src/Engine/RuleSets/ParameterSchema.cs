using System.Reflection;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Xml.Linq;
using KokuhoRules.Engine.Money;
using NodaTime;

namespace KokuhoRules.Engine.RuleSets;

/// <summary>
/// The JSON Schema (draft 2020-12) of a layer's <c>parameters.json</c>, generated from the same parameter
/// model <see cref="ParameterBinder"/> binds, so that the schema an editor checks a file with and the
/// validator the service runs cannot drift apart: the same groups per layer, the same required
/// parameters, every leaf written <c>{ "value", "reference", "confirmed"?, "note"? }</c>, the same value
/// types. Descriptions come from the model's XML documentation. The validator still checks what a
/// schema cannot say (a cap above the national one, sound rounding units…).
/// </summary>
public static class ParameterSchema
{
    private const string Draft = "https://json-schema.org/draft/2020-12/schema";

    /// <summary>The schema of the parameters a layer of kind <paramref name="layer"/> supplies to model <typeparamref name="T"/>.</summary>
    /// <param name="id">The schema's <c>$id</c> (its file name).</param>
    public static JsonObject For<T>(RuleSetLayerKind layer, string id, string title)
    {
        var docs = Documentation.For(typeof(T).Assembly);
        var properties = Annotations();
        var required = new JsonArray();
        foreach (var (name, prop) in ParameterBinder.GroupProperties(typeof(T)))
        {
            var owner = ParameterBinder.LayerOf(prop);
            if (owner == layer || (owner == RuleSetLayerKind.Municipal && layer == RuleSetLayerKind.Prefecture))
            {
                // The layer supplies the group (a prefecture may supply its cities' groups): written whole.
                properties[name] = Titled(Node(prop.PropertyType, docs.Of(prop), docs), prop);
                if (owner == layer && !ParameterBinder.IsOptional(prop)) required.Add(name);
            }
            else if (owner < layer)
            {
                // An upper layer's group: a lower layer may only override the leaves it marks overridable, so any subset.
                properties[name] = Titled(Node(prop.PropertyType, docs.Of(prop), docs, overrides: true), prop);
            }
        }
        return new JsonObject
        {
            ["$schema"] = Draft,
            ["$id"] = id,
            ["title"] = title,
            ["type"] = "object",
            ["properties"] = properties,
            ["required"] = required,
            ["additionalProperties"] = false,
        };
    }

    /// <summary>Writes a schema as the files under <c>rulesets/schema/</c> are written (indented, UTF-8 unescaped, final newline).</summary>
    public static string ToText(JsonObject schema) =>
        schema.ToJsonString(new JsonSerializerOptions { WriteIndented = true, Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping }) + "\n";

    /// <summary>
    /// The reference of every parameter the schemas describe, as Markdown: per file, one row per parameter
    /// with its path, whether it is required, the type and allowed values of its <c>value</c>, and its meaning.
    /// </summary>
    public static string ToMarkdown(string title, IEnumerable<(string FileName, JsonObject Schema)> schemas)
    {
        var text = new System.Text.StringBuilder();
        text.Append("# ").AppendLine(title).AppendLine()
            .AppendLine("Generated from the parameter model by `kokuho rulesets schema --write` (do not edit by hand). Every parameter is")
            .AppendLine("written `{ \"value\": …, \"reference\": \"…\", \"confirmed\": false, \"note\": \"…\", \"toConfirm\": \"…\", \"overridable\": true }` (`confirmed`, `note`, `toConfirm` — with `confirmed: false` only — and `overridable` optional);")
            .AppendLine("`<name>` stands for a key the file chooses (a component name such as `medical`).").AppendLine();
        foreach (var (fileName, schema) in schemas)
        {
            text.Append("## ").AppendLine(schema["title"]?.GetValue<string>() ?? fileName).AppendLine()
                .Append("Schema: [`").Append(fileName).Append("`](").Append(fileName).AppendLine(")").AppendLine()
                .AppendLine("| Parameter | Required | Value | Meaning |").AppendLine("|---|---|---|---|");
            Rows(text, schema, "", required: true);
            text.AppendLine();
        }
        return text.ToString();
    }

    private static void Rows(System.Text.StringBuilder text, JsonObject node, string path, bool required)
    {
        if (node["properties"] is JsonObject { } props && props["value"] is JsonObject value && props["reference"] is not null)
        {
            text.Append("| `").Append(path).Append('`').Append(node["title"]?.GetValue<string>() is { } title ? " " + Cell(title) : "").Append(" | ").Append(required ? "yes" : "no").Append(" | ").Append(Describe(value))
                .Append(" | ").Append(Cell(node["description"]?.GetValue<string>())).AppendLine(" |");
            return;
        }
        var requiredNames = (node["required"] as JsonArray)?.Select(n => n!.GetValue<string>()).ToHashSet() ?? [];
        if (node["properties"] is JsonObject properties)
            foreach (var (name, child) in properties)
                if (name[0] != '$' && child is JsonObject c) Rows(text, c, path.Length == 0 ? name : path + "." + name, required && requiredNames.Contains(name));
        if (node["additionalProperties"] is JsonObject keyed) Rows(text, keyed, path + ".<name>", required);
    }

    private static string Describe(JsonObject value)
    {
        if (value["enum"] is JsonArray values) return string.Join(" \\| ", values.Select(v => $"`{v}`"));
        var type = value["type"] switch
        {
            JsonArray types => string.Join(" or ", types.Select(t => t!.GetValue<string>())),
            JsonNode t => t.GetValue<string>(),
            _ => "",
        };
        if (type == "array" && value["items"] is JsonObject items) return "list of " + Describe(items);
        if (type == "object" && value["properties"] is JsonObject members)
            return "{ " + string.Join(", ", members.Select(m => $"`{m.Key}`: {Describe((JsonObject)m.Value!)}")) + " }";
        if (value["pattern"]?.GetValue<string>() == "^[0-9]{4}-[0-9]{2}-[0-9]{2}$") return "date `YYYY-MM-DD`";
        if (type == "number" && value["minimum"] is not null) return "decimal ≥ 0";
        return type;
    }

    private static string Cell(string? text) => (text ?? "").Replace("|", "\\|", StringComparison.Ordinal);

    private static JsonObject Annotations() => new()
    {
        ["$schema"] = new JsonObject { ["type"] = "string", ["description"] = "The JSON Schema of this file, for editors." },
        ["$comment"] = new JsonObject { ["type"] = "string", ["description"] = "A note; ignored." },
    };

    /// <param name="overrides">The node of an upper layer's group written by a lower layer to override some leaves: nothing is required.</param>
    private static JsonObject Node(Type type, string? description, Documentation docs, bool overrides = false)
    {
        JsonObject node;
        if (ParameterBinder.DictionaryValueType(type) is { } valueType && ParameterBinder.IsGroup(valueType))
        {
            node = new JsonObject
            {
                ["type"] = "object",
                ["description"] = "Keyed by name, in order.",
                ["properties"] = new JsonObject { ["$comment"] = new JsonObject { ["type"] = "string" } },
                ["additionalProperties"] = Node(valueType, docs.Of(valueType), docs, overrides),
            };
            if (overrides) node["minProperties"] = 1;
        }
        else if (ParameterBinder.IsGroup(type))
        {
            var properties = Annotations();
            properties.Remove("$schema");
            var required = new JsonArray();
            foreach (var (name, prop) in ParameterBinder.GroupProperties(type))
            {
                properties[name] = Titled(Node(prop.PropertyType, docs.Of(prop), docs, overrides), prop);
                if (!overrides && !ParameterBinder.IsOptional(prop)) required.Add(name);
            }
            node = new JsonObject { ["type"] = "object", ["properties"] = properties, ["required"] = required, ["additionalProperties"] = false };
            // An override writes at least one value: an empty group overrides nothing. Which values an upper layer
            // lets a lower one override is in the upper layer's data ("overridable": true), so only the validator checks it.
            if (overrides) node["minProperties"] = 1;
        }
        else
        {
            node = new JsonObject
            {
                ["type"] = "object",
                ["properties"] = new JsonObject
                {
                    ["value"] = Value(Nullable.GetUnderlyingType(type) ?? type, docs),
                    ["reference"] = new JsonObject { ["type"] = "string", ["pattern"] = "\\S", ["description"] = "The law article, or the URL of the notice, the value comes from." },
                    ["confirmed"] = new JsonObject { ["type"] = "boolean", ["description"] = "false when no source confirms the value (default true)." },
                    ["note"] = new JsonObject { ["type"] = "string" },
                    ["toConfirm"] = new JsonObject { ["type"] = "string", ["pattern"] = "\\S", ["description"] = "What is to be confirmed, with \"confirmed\": false (written by 'kokuho rulesets new' on every value copied from the year before)." },
                    ["overridable"] = new JsonObject { ["type"] = "boolean", ["description"] = "true lets a lower layer (prefecture, municipal) override this value (default false)." },
                    ["$comment"] = new JsonObject { ["type"] = "string" },
                },
                ["required"] = new JsonArray("value", "reference"),
                ["additionalProperties"] = false,
            };
        }
        if (description is not null) node["description"] = description;
        return node;
    }

    /// <summary>The schema of a leaf's value, as <see cref="ParameterBinder"/> converts it.</summary>
    private static JsonObject Value(Type type, Documentation docs)
    {
        if (type == typeof(long) || type == typeof(int)) return new JsonObject { ["type"] = "integer" };
        if (type == typeof(bool)) return new JsonObject { ["type"] = "boolean" };
        if (type == typeof(string)) return new JsonObject { ["type"] = "string" };
        if (type == typeof(Ratio)) return new JsonObject { ["type"] = "number", ["minimum"] = 0, ["description"] = "A decimal ratio: 0.0804 for 8.04%." };
        if (type == typeof(LocalDate)) return Date();
        if (type.IsEnum) return new JsonObject { ["type"] = "string", ["enum"] = new JsonArray(Enum.GetNames(type).Where(n => n != "None" || type != typeof(IsoDayOfWeek)).Select(n => (JsonNode)JsonNamingPolicy.CamelCase.ConvertName(n)).ToArray()) };
        if (ListItemType(type) is { } item) return new JsonObject { ["type"] = "array", ["items"] = Value(Nullable.GetUnderlyingType(item) ?? item, docs) };
        // A record read with System.Text.Json: its constructor's parameters, camelCase, none other allowed.
        var ctor = type.GetConstructors().OrderByDescending(c => c.GetParameters().Length).First();
        var properties = new JsonObject();
        var required = new JsonArray();
        foreach (var p in ctor.GetParameters())
        {
            var name = JsonNamingPolicy.CamelCase.ConvertName(p.Name!);
            var underlying = Nullable.GetUnderlyingType(p.ParameterType);
            var schema = Value(underlying ?? p.ParameterType, docs);
            if (underlying is not null) schema["type"] = new JsonArray(schema["type"]!.GetValue<string>(), "null");
            properties[name] = schema;
            if (!p.HasDefaultValue) required.Add(name); // System.Text.Json here requires every constructor parameter, null or not
        }
        var node = new JsonObject { ["type"] = "object", ["properties"] = properties, ["required"] = required, ["additionalProperties"] = false };
        if (docs.Of(type) is { } d) node["description"] = d;
        return node;
    }

    /// <summary>A property's <see cref="ParameterLabelAttribute"/> as its node's <c>title</c> (first, for editors that show it).</summary>
    private static JsonObject Titled(JsonObject node, PropertyInfo prop)
    {
        if (prop.GetCustomAttribute<ParameterLabelAttribute>() is not { } label) return node;
        var titled = new JsonObject { ["title"] = label.Label };
        foreach (var (key, value) in node.ToArray())
        {
            node.Remove(key);
            titled[key] = value;
        }
        return titled;
    }

    /// <summary>
    /// The label (<c>title</c>) of the parameter at a dot-separated path, from the first of the schemas that describes
    /// it (a key of a keyed group matches any name); null when none describes it or it has no label.
    /// </summary>
    public static string? LabelOf(IEnumerable<JsonObject> schemas, string path)
    {
        foreach (var schema in schemas)
        {
            JsonObject? node = schema;
            foreach (var segment in path.Split('.'))
            {
                node = node["properties"]?[segment] as JsonObject ?? node["additionalProperties"] as JsonObject;
                if (node is null) break;
            }
            if (node is not null) return node["title"]?.GetValue<string>();
        }
        return null;
    }

    private static JsonObject Date() => new() { ["type"] = "string", ["pattern"] = "^[0-9]{4}-[0-9]{2}-[0-9]{2}$", ["description"] = "A date YYYY-MM-DD." };

    private static Type? ListItemType(Type t) =>
        t.IsGenericType && t.GetGenericTypeDefinition() == typeof(IReadOnlyList<>) ? t.GetGenericArguments()[0] : null;

    /// <summary>The <c>summary</c> of each documented type and property, read from the assembly's XML documentation file.</summary>
    private sealed class Documentation
    {
        private readonly Dictionary<string, string> _summaries;

        private Documentation(Dictionary<string, string> summaries) => _summaries = summaries;

        public static Documentation For(Assembly assembly)
        {
            var path = Path.ChangeExtension(assembly.Location, ".xml");
            var summaries = new Dictionary<string, string>(StringComparer.Ordinal);
            if (File.Exists(path))
                foreach (var member in XDocument.Load(path).Descendants("member"))
                    if (member.Attribute("name")?.Value is { } name && member.Element("summary") is { } summary)
                        summaries[name] = string.Join(" ", Text(summary).Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries));
            return new Documentation(summaries);
        }

        /// <summary>The text of a doc comment element; a <c>see cref</c> reads as the name it refers to.</summary>
        private static string Text(XElement element) => string.Concat(element.Nodes().Select(n => n switch
        {
            XText t => t.Value,
            XElement { Name.LocalName: "see" } see when see.Attribute("cref")?.Value is { } cref => cref[(cref.LastIndexOfAny([':', '.']) + 1)..],
            XElement e => Text(e),
            _ => "",
        }));

        public string? Of(PropertyInfo p) => _summaries.GetValueOrDefault($"P:{p.DeclaringType!.FullName}.{p.Name}");

        public string? Of(Type t) => _summaries.GetValueOrDefault($"T:{t.FullName}");
    }
}
