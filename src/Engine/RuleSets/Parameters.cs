using System.Collections;
using System.Reflection;
using System.Text.Json;
using System.Text.Json.Serialization;
using KokuhoRules.Engine.Money;
using NodaTime;
using NodaTime.Text;

namespace KokuhoRules.Engine.RuleSets;

/// <summary>Marks a class as a group of parameters: each property is a parameter or a nested group.</summary>
[AttributeUsage(AttributeTargets.Class)]
public sealed class ParameterGroupAttribute : Attribute;

/// <summary>
/// On a property of the root parameter class: which layer of the rule set supplies it. A group of the
/// national layer is written there; a group of the <see cref="RuleSetLayerKind.Municipal"/> (the
/// insurer's own) layer is written by the first of the prefecture and municipal layers that has it
/// (a prefecture may set it for all its cities). A lower layer may then override a leaf only where the
/// layer that wrote it allows it (<c>"overridable": true</c>).
/// </summary>
[AttributeUsage(AttributeTargets.Property)]
public sealed class FromLayerAttribute(RuleSetLayerKind layer) : Attribute
{
    public RuleSetLayerKind Layer { get; } = layer;
}

/// <summary>
/// One parameter as published: its path (<c>rates.medical.incomeRate</c>), value, the law article or
/// notice it comes from, whether a source confirms it, and where it is written.
/// </summary>
/// <param name="Layer">The layer whose value is in effect (the one that wrote it, or the lowest that overrode it).</param>
public sealed record ParameterInfo(
    string Path,
    RuleSetLayerKind Layer,
    JsonElement Value,
    string Reference,
    bool Confirmed,
    string? Note,
    string File,
    int Line)
{
    /// <summary>The value as JSON text, e.g. <c>0.0804</c>.</summary>
    public string ValueText => Value.GetRawText();

    /// <summary>Whether the layer that wrote it lets a lower layer override it (<c>"overridable": true</c>).</summary>
    public bool Overridable { get; init; }

    /// <summary>The value this one replaced, when a lower layer overrode an upper layer's (its layer, file and line say where it was).</summary>
    public ParameterInfo? Overrides { get; init; }

    /// <summary>
    /// Why the value must be confirmed again (<c>"toConfirm": "…"</c>, only beside <c>"confirmed": false</c>), e.g. written by
    /// <c>kokuho rulesets new</c> on every value it copied from the year before; null when the file gives none.
    /// </summary>
    public string? ToConfirm { get; init; }
}

/// <summary>Every parameter of a rule set, in file order, by path.</summary>
public sealed class ParameterTable
{
    private readonly Dictionary<string, ParameterInfo> _byPath;

    internal ParameterTable(IReadOnlyList<ParameterInfo> all)
    {
        All = all;
        _byPath = all.ToDictionary(p => p.Path, StringComparer.Ordinal);
    }

    public IReadOnlyList<ParameterInfo> All { get; }

    /// <summary>The parameter at a path.</summary>
    /// <exception cref="KeyNotFoundException">No such parameter: a programming error, since paths come from the bound schema.</exception>
    public ParameterInfo this[string path] => _byPath.TryGetValue(path, out var p) ? p : throw new KeyNotFoundException($"no parameter '{path}'");

    public bool TryGet(string path, out ParameterInfo info) => _byPath.TryGetValue(path, out info!);

    /// <summary>An error located at a parameter, for validation that runs after binding.</summary>
    public RuleSetError ErrorAt(string path, string message)
    {
        var p = _byPath.GetValueOrDefault(path);
        return new RuleSetError(p?.File ?? "?", "$." + path, p?.Line ?? 0, message);
    }
}

/// <summary>
/// Binds the parameters of a rule set's two layers onto a typed C# model, OpenFisca-style: every leaf
/// is written <c>{ "value": …, "reference": "…", "confirmed": false, "note": "…", "toConfirm": "…" }</c> ("confirmed"
/// defaults to true, "note" is optional, "toConfirm" says what is to be confirmed and goes only with <c>"confirmed": false</c>); groups are JSON objects whose keys are the camel-cased
/// property names. The root type's properties say which layer supplies them
/// (<see cref="FromLayerAttribute"/>). Unknown keys, missing parameters, missing references and values
/// of the wrong type are all reported with file, JSON path and line.
/// </summary>
/// <remarks>
/// Leaf types: <c>long</c> (yen), <c>int</c>, <c>bool</c>, <c>string</c>, enums (by name),
/// <see cref="Ratio"/> (a decimal number such as 0.0804, never a float), <see cref="LocalDate"/>
/// (<c>"YYYY-MM-DD"</c>) and lists of them, and any record or list read with System.Text.Json (camelCase, unknown
/// members refused). A property typed <c>IReadOnlyDictionary&lt;string, TGroup&gt;</c> is a group whose
/// keys are names (e.g. component names), kept in file order. Nullable properties are optional.
/// </remarks>
public static class ParameterBinder
{
    private static readonly JsonSerializerOptions ValueOptions = new()
    {
        PropertyNamingPolicy = JsonNamingPolicy.CamelCase,
        UnmappedMemberHandling = JsonUnmappedMemberHandling.Disallow,
        Converters = { new JsonStringEnumConverter(JsonNamingPolicy.CamelCase, allowIntegerValues: false) },
        RespectRequiredConstructorParameters = true,
        RespectNullableAnnotations = true,
    };

    private static readonly NullabilityInfoContext Nullability = new();

    /// <summary>Binds <typeparamref name="T"/> from the parameter files of two or more layers keyed by kind.</summary>
    /// <returns>The bound model, or null when errors were added.</returns>
    public static T? Bind<T>(IReadOnlyDictionary<RuleSetLayerKind, JsonSourceFile> layers, RuleSetErrors errors, out ParameterTable table)
        where T : class, new() =>
        Bind<T>(layers.OrderBy(l => l.Key).Select(l => (l.Key, l.Value)).ToArray(), errors, out table);

    /// <summary>
    /// Binds <typeparamref name="T"/> from the parameter files of the layers, top (national) first. Each
    /// group is read from the layer that supplies it (<see cref="FromLayerAttribute"/>); each lower layer
    /// that writes a leaf of it overrides that leaf, which the upper layer must allow (<c>"overridable": true</c>).
    /// </summary>
    /// <returns>The bound model, or null when errors were added.</returns>
    public static T? Bind<T>(IReadOnlyList<(RuleSetLayerKind Kind, JsonSourceFile File)> layers, RuleSetErrors errors, out ParameterTable table)
        where T : class, new()
    {
        var infos = new List<ParameterInfo>();
        var before = errors.All.Count;
        var root = new T();
        var props = GroupProperties(typeof(T));
        foreach (var (layerKind, file) in layers)
        {
            if (file.Root.ValueKind != JsonValueKind.Object)
            {
                errors.Add(file, "$", "the parameters file must be a JSON object");
                continue;
            }
            foreach (var key in file.Root.EnumerateObject())
            {
                if (IsAnnotation(key.Name)) continue;
                var prop = props.FirstOrDefault(p => p.Key == key.Name).Value;
                if (prop is null)
                    errors.Add(file, "$." + key.Name, $"unknown parameter group '{key.Name}' (this layer has: {string.Join(", ", props.Where(p => MaySupply(LayerOf(p.Value), layerKind)).Select(p => p.Key))})");
                else if (LayerOf(prop) > layerKind && !MaySupply(LayerOf(prop), layerKind))
                    errors.Add(file, "$." + key.Name, $"'{key.Name}' belongs in the {LayerOf(prop).ToString().ToLowerInvariant()} layer, not the {layerKind.ToString().ToLowerInvariant()} layer");
            }
        }
        if (errors.All.Count > before)
        {
            table = new ParameterTable(infos);
            return null;
        }
        foreach (var (name, prop) in props)
            BindGroup(root, name, prop, layers, errors, infos);
        table = new ParameterTable(infos);
        return errors.All.Count > before ? null : root;
    }

    /// <summary>Whether a layer of <paramref name="kind"/> supplies (rather than overrides) a group of <paramref name="owner"/>.</summary>
    private static bool MaySupply(RuleSetLayerKind owner, RuleSetLayerKind kind) =>
        owner == RuleSetLayerKind.National ? kind == RuleSetLayerKind.National : kind != RuleSetLayerKind.National;

    /// <summary>Reads one root group from the layer that supplies it, then applies the overrides of the layers below.</summary>
    private static void BindGroup(object root, string name, PropertyInfo prop, IReadOnlyList<(RuleSetLayerKind Kind, JsonSourceFile File)> layers,
        RuleSetErrors errors, List<ParameterInfo> infos)
    {
        var owner = LayerOf(prop);
        var supplier = -1;
        for (var i = 0; i < layers.Count && supplier < 0; i++)
            if (MaySupply(owner, layers[i].Kind) && layers[i].File.Root.TryGetProperty(name, out _)) supplier = i;
        if (supplier < 0)
        {
            var expectedIn = owner == RuleSetLayerKind.National ? layers.FirstOrDefault(l => l.Kind == RuleSetLayerKind.National) : layers[^1];
            if (!IsOptional(prop) && expectedIn.File is not null) errors.Add(expectedIn.File, "$", $"missing parameter group '{name}'");
            return;
        }
        var (supplierKind, supplierFile) = layers[supplier];
        var value = ReadNode(prop.PropertyType, supplierFile.Root.GetProperty(name), name, supplierKind, supplierFile, errors, infos);
        if (value is null) return;
        var anyOverridable = infos.Any(i => (i.Path == name || i.Path.StartsWith(name + ".", StringComparison.Ordinal)) && i.Overridable);
        for (var i = supplier + 1; i < layers.Count; i++)
        {
            if (!layers[i].File.Root.TryGetProperty(name, out var lower)) continue;
            if (!anyOverridable)
                errors.Add(layers[i].File, "$." + name, $"'{name}' belongs in the {supplierKind.ToString().ToLowerInvariant()} layer, not the {layers[i].Kind.ToString().ToLowerInvariant()} layer: none of its values may be overridden by a lower layer");
            else value = Override(prop.PropertyType, value, lower, name, layers[i].Kind, layers[i].File, errors, infos);
        }
        prop.SetValue(root, value);
    }

    /// <summary>
    /// Applies a lower layer's values over a bound node: groups and named groups are walked key by key
    /// (a key the upper layer does not have is refused), and each leaf replaces the upper one if that one is
    /// overridable. Returns the node (a new leaf value, or the same group mutated).
    /// </summary>
    private static object Override(Type type, object current, JsonElement lower, string path, RuleSetLayerKind layer, JsonSourceFile file,
        RuleSetErrors errors, List<ParameterInfo> infos)
    {
        var jsonPath = "$." + path;
        var isLeaf = !IsGroup(type) && !(DictionaryValueType(type) is { } vt && IsGroup(vt));
        if (isLeaf)
        {
            var upper = infos.FindIndex(p => p.Path == path);
            if (upper < 0) return current;
            if (!infos[upper].Overridable)
            {
                errors.Add(file, jsonPath, $"'{path}' is set by the {infos[upper].Layer.ToString().ToLowerInvariant()} layer ({infos[upper].File}:{infos[upper].Line}), which does not allow a lower layer to change it (it would say \"overridable\": true)");
                return current;
            }
            var scratch = new List<ParameterInfo>();
            var replaced = ReadLeaf(type, lower, path, layer, file, errors, scratch);
            if (replaced is null) return current;
            infos[upper] = scratch[0] with { Overrides = infos[upper] };
            return replaced;
        }
        if (lower.ValueKind != JsonValueKind.Object)
        {
            errors.Add(file, jsonPath, $"'{path}' must be an object, as in the layer above");
            return current;
        }
        if (DictionaryValueType(type) is { } valueType)
        {
            var dict = (IDictionary)current;
            foreach (var entry in lower.EnumerateObject().Where(e => !IsAnnotation(e.Name)))
            {
                if (!dict.Contains(entry.Name))
                    errors.Add(file, jsonPath + "." + entry.Name, $"'{path}.{entry.Name}' is not in the layer above: a lower layer may change values, not add entries");
                else dict[entry.Name] = Override(valueType, dict[entry.Name]!, entry.Value, path + "." + entry.Name, layer, file, errors, infos);
            }
            return current;
        }
        var props = GroupProperties(type);
        foreach (var key in lower.EnumerateObject().Where(k => !IsAnnotation(k.Name)))
        {
            var prop = props.FirstOrDefault(p => p.Key == key.Name).Value;
            if (prop is null)
            {
                errors.Add(file, jsonPath + "." + key.Name, $"unknown parameter '{path}.{key.Name}' (known here: {string.Join(", ", props.Select(p => p.Key))})");
                continue;
            }
            var child = prop.GetValue(current);
            if (child is null)
            {
                errors.Add(file, jsonPath + "." + key.Name, $"'{path}.{key.Name}' is not set by the layer above: a lower layer may change values, not add them");
                continue;
            }
            prop.SetValue(current, Override(prop.PropertyType, child, key.Value, path + "." + key.Name, layer, file, errors, infos));
        }
        return current;
    }

    /// <summary>Keys that annotate a file rather than hold a parameter: <c>$comment</c> (a note) and <c>$schema</c> (the file's JSON Schema, for editors).</summary>
    internal static bool IsAnnotation(string key) => key is "$comment" or "$schema";

    internal static RuleSetLayerKind LayerOf(PropertyInfo p) =>
        p.GetCustomAttribute<FromLayerAttribute>()?.Layer
        ?? throw new InvalidOperationException($"{p.DeclaringType!.Name}.{p.Name} has no [FromLayer]");

    internal static List<KeyValuePair<string, PropertyInfo>> GroupProperties(Type type) =>
        type.GetProperties(BindingFlags.Public | BindingFlags.Instance)
            .Where(p => p.CanWrite)
            .Select(p => KeyValuePair.Create(JsonNamingPolicy.CamelCase.ConvertName(p.Name), p))
            .ToList();

    internal static bool IsOptional(PropertyInfo p) =>
        Nullable.GetUnderlyingType(p.PropertyType) is not null || Nullability.Create(p).WriteState == NullabilityState.Nullable;

    internal static bool IsGroup(Type t) => t.GetCustomAttribute<ParameterGroupAttribute>() is not null;

    internal static Type? DictionaryValueType(Type t) =>
        t.IsGenericType && t.GetGenericTypeDefinition() == typeof(IReadOnlyDictionary<,>) && t.GetGenericArguments()[0] == typeof(string)
            ? t.GetGenericArguments()[1]
            : null;

    private static object? ReadNode(Type type, JsonElement element, string path, RuleSetLayerKind layer, JsonSourceFile file, RuleSetErrors errors, List<ParameterInfo> infos)
    {
        var jsonPath = "$." + path;
        if (DictionaryValueType(type) is { } valueType && IsGroup(valueType))
        {
            if (element.ValueKind != JsonValueKind.Object)
            {
                errors.Add(file, jsonPath, $"'{path}' must be an object keyed by name");
                return null;
            }
            var dict = (IDictionary)Activator.CreateInstance(typeof(OrderedDictionary<,>).MakeGenericType(typeof(string), valueType))!;
            foreach (var entry in element.EnumerateObject())
            {
                if (IsAnnotation(entry.Name)) continue;
                var child = ReadNode(valueType, entry.Value, path + "." + entry.Name, layer, file, errors, infos);
                if (child is not null) dict[entry.Name] = child;
            }
            return dict;
        }
        if (IsGroup(type))
        {
            if (element.ValueKind != JsonValueKind.Object)
            {
                errors.Add(file, jsonPath, $"'{path}' must be an object (a group of parameters)");
                return null;
            }
            var group = Activator.CreateInstance(type)!;
            var props = GroupProperties(type);
            foreach (var key in element.EnumerateObject())
            {
                if (IsAnnotation(key.Name)) continue;
                if (props.All(p => p.Key != key.Name))
                    errors.Add(file, jsonPath + "." + key.Name, $"unknown parameter '{path}.{key.Name}' (known here: {string.Join(", ", props.Select(p => p.Key))})");
            }
            foreach (var (name, prop) in props)
            {
                if (!element.TryGetProperty(name, out var child))
                {
                    if (!IsOptional(prop)) errors.Add(file, jsonPath, $"missing parameter '{path}.{name}'");
                    continue;
                }
                var value = ReadNode(prop.PropertyType, child, path + "." + name, layer, file, errors, infos);
                if (value is not null) prop.SetValue(group, value);
            }
            return group;
        }
        return ReadLeaf(type, element, path, layer, file, errors, infos);
    }

    private static object? ReadLeaf(Type type, JsonElement element, string path, RuleSetLayerKind layer, JsonSourceFile file, RuleSetErrors errors, List<ParameterInfo> infos)
    {
        var jsonPath = "$." + path;
        if (element.ValueKind != JsonValueKind.Object || !element.TryGetProperty("value", out var value))
        {
            errors.Add(file, jsonPath, $"parameter '{path}' must be written {{ \"value\": …, \"reference\": \"…\" }}");
            return null;
        }
        var ok = true;
        foreach (var key in element.EnumerateObject())
        {
            if (key.Name is not ("value" or "reference" or "confirmed" or "note" or "toConfirm" or "overridable" or "$comment"))
            {
                errors.Add(file, jsonPath + "." + key.Name, $"unknown field '{key.Name}' on parameter '{path}' (allowed: value, reference, confirmed, note, toConfirm, overridable)");
                ok = false;
            }
        }
        if (!element.TryGetProperty("reference", out var reference) || reference.ValueKind != JsonValueKind.String || string.IsNullOrWhiteSpace(reference.GetString()))
        {
            errors.Add(file, jsonPath, $"parameter '{path}' has no reference: cite the law article or the notice URL it comes from");
            ok = false;
        }
        var confirmed = true;
        if (element.TryGetProperty("confirmed", out var c))
        {
            if (c.ValueKind is JsonValueKind.True or JsonValueKind.False) confirmed = c.GetBoolean();
            else
            {
                errors.Add(file, jsonPath + ".confirmed", "'confirmed' must be true or false");
                ok = false;
            }
        }
        var note = element.TryGetProperty("note", out var n) && n.ValueKind == JsonValueKind.String ? n.GetString() : null;
        string? toConfirm = null;
        if (element.TryGetProperty("toConfirm", out var t))
        {
            if (t.ValueKind != JsonValueKind.String || string.IsNullOrWhiteSpace(t.GetString()))
            {
                errors.Add(file, jsonPath + ".toConfirm", "'toConfirm' must be a sentence saying what is to be confirmed");
                ok = false;
            }
            else if (confirmed)
            {
                errors.Add(file, jsonPath + ".toConfirm", $"parameter '{path}' says what is to be confirmed (toConfirm) but not \"confirmed\": false: once a source confirms it, remove toConfirm");
                ok = false;
            }
            else toConfirm = t.GetString();
        }
        var overridable = false;
        if (element.TryGetProperty("overridable", out var o))
        {
            if (o.ValueKind is JsonValueKind.True or JsonValueKind.False) overridable = o.GetBoolean();
            else
            {
                errors.Add(file, jsonPath + ".overridable", "'overridable' must be true or false");
                ok = false;
            }
        }

        var underlying = Nullable.GetUnderlyingType(type) ?? type;
        var result = ConvertValue(underlying, value, out var problem);
        if (problem is not null)
        {
            errors.Add(file, jsonPath + ".value", $"parameter '{path}': {problem}");
            return null;
        }
        if (!ok) return null;
        infos.Add(new ParameterInfo(path, layer, value.Clone(), reference.GetString()!, confirmed, note, file.DisplayName, file.LineOf(jsonPath)) { Overridable = overridable, ToConfirm = toConfirm });
        return result;
    }

    private static object? ConvertValue(Type type, JsonElement value, out string? problem)
    {
        problem = null;
        if (type == typeof(long))
        {
            if (value.ValueKind == JsonValueKind.Number && value.TryGetInt64(out var l)) return l;
            problem = "must be a whole number (yen or a count)";
            return null;
        }
        if (type == typeof(int))
        {
            if (value.ValueKind == JsonValueKind.Number && value.TryGetInt32(out var i)) return i;
            problem = "must be a whole number";
            return null;
        }
        if (type == typeof(bool))
        {
            if (value.ValueKind is JsonValueKind.True or JsonValueKind.False) return value.GetBoolean();
            problem = "must be true or false";
            return null;
        }
        if (type == typeof(string))
        {
            if (value.ValueKind == JsonValueKind.String) return value.GetString();
            problem = "must be a string";
            return null;
        }
        if (type == typeof(Ratio))
        {
            if (value.ValueKind == JsonValueKind.Number && value.TryGetDecimal(out var d) && d >= 0)
            {
                try { return Ratio.FromDecimal(d); }
                catch (ArgumentOutOfRangeException e) { problem = e.Message.Split(" (")[0]; return null; }
            }
            problem = "must be a non-negative decimal number such as 0.0804 (for 8.04%)";
            return null;
        }
        if (type == typeof(LocalDate))
        {
            if (value.ValueKind == JsonValueKind.String && LocalDatePattern.Iso.Parse(value.GetString()!) is { Success: true } parsed) return parsed.Value;
            problem = "must be a date 'YYYY-MM-DD'";
            return null;
        }
        if (type == typeof(IReadOnlyList<LocalDate>))
        {
            if (value.ValueKind == JsonValueKind.Array && value.EnumerateArray().All(d => d.ValueKind == JsonValueKind.String && LocalDatePattern.Iso.Parse(d.GetString()!).Success))
                return value.EnumerateArray().Select(d => LocalDatePattern.Iso.Parse(d.GetString()!).Value).ToArray();
            problem = "must be a list of dates 'YYYY-MM-DD'";
            return null;
        }
        if (type.IsEnum)
        {
            // Exactly the camelCase name, as the rule-set schemas say (no other case, no number).
            if (value.ValueKind == JsonValueKind.String && Enum.GetNames(type).FirstOrDefault(n => JsonNamingPolicy.CamelCase.ConvertName(n) == value.GetString()) is { } name)
                return Enum.Parse(type, name);
            problem = $"must be one of: {string.Join(", ", Enum.GetNames(type).Select(JsonNamingPolicy.CamelCase.ConvertName))}";
            return null;
        }
        try
        {
            return value.Deserialize(type, ValueOptions) ?? throw new JsonException("value is null");
        }
        catch (JsonException e)
        {
            problem = "has the wrong shape: " + e.Message.Split(" Path:")[0];
            return null;
        }
    }
}

/// <summary>
/// The name policy staff know a parameter or group by (<c>[ParameterLabel("所得割率")]</c>): written as the <c>title</c> of its
/// node in the generated JSON Schema and shown beside the key by <c>kokuho rulesets diff</c>.
/// </summary>
[AttributeUsage(AttributeTargets.Property)]
public sealed class ParameterLabelAttribute(string label) : Attribute
{
    public string Label { get; } = label;
}
