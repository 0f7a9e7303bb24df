using System.Linq.Expressions;
using System.Reflection;
using System.Text.Json;
using System.Text.RegularExpressions;
using KokuhoRules.Engine.Decisions;
using KokuhoRules.Engine.RuleSets;
using NRules.RuleModel;
using NRules.RuleModel.Builders;

namespace KokuhoRules.Engine.Joins;

/// <summary>
/// Reads a <c>joins.json</c> and builds each rule with NRules' <see cref="RuleBuilder"/>: a pattern per entry of
/// <c>match</c> whose <c>where</c> becomes its condition lambda (over its own fact and the earlier facts it reads), and
/// an action that builds the conclusion and hands it to the running session's sink. Every problem is added to the
/// errors with its file, JSON path and line; a rule with any problem is left out.
/// </summary>
internal sealed partial class JoinRuleReader(JsonSourceFile file, JoinVocabulary vocabulary, RuleSetErrors errors, string layer)
{
    private static readonly string[] RootKeys = ["$schema", "$comment", "rules"];
    private static readonly string[] RuleKeys = ["$comment", "name", "reference", "confirmed", "match", "then"];
    private static readonly string[] PatternKeys = ["$comment", "fact", "type", "kind", "where"];
    private static readonly string[] ThenKeys = ["$comment", "conclude", "values"];

    private static readonly MethodInfo RecordMethod = typeof(JoinSink).GetMethod(nameof(JoinSink.Record), BindingFlags.Static | BindingFlags.NonPublic)!;

    private readonly JsonSourceFile file = file;
    private readonly RuleSetErrors errors = errors;
    private readonly JoinExpressions _expressions = new(vocabulary);

    [GeneratedRegex("^[A-Za-z_][A-Za-z0-9_]*$")]
    private static partial Regex Identifier();

    /// <summary>The rules read, with their NRules definitions (only rules without problems).</summary>
    public List<(JoinRule Rule, IRuleDefinition Definition)> Read()
    {
        var read = new List<(JoinRule, IRuleDefinition)>();
        var root = file.Root;
        if (root.ValueKind != JsonValueKind.Object)
        {
            errors.Add(file, "$", "a joins file must be a JSON object { \"rules\": [ … ] }");
            return read;
        }
        CheckKeys(root, "$", RootKeys, "the joins file");
        if (!root.TryGetProperty("rules", out var rules) || rules.ValueKind != JsonValueKind.Array)
        {
            errors.Add(file, "$", "a joins file needs \"rules\": an array of join rules");
            return read;
        }
        var names = new Dictionary<string, string>(StringComparer.Ordinal);
        var i = 0;
        foreach (var rule in rules.EnumerateArray())
        {
            var path = $"$.rules[{i}]";
            if (ReadRule(rule, i, path, names) is { } built) read.Add(built);
            i++;
        }
        return read;
    }

    private (JoinRule, IRuleDefinition)? ReadRule(JsonElement rule, int index, string path, Dictionary<string, string> names)
    {
        if (rule.ValueKind != JsonValueKind.Object)
        {
            errors.Add(file, path, "a join rule must be an object { \"name\", \"reference\", \"match\", \"then\" }");
            return null;
        }
        var before = errors.All.Count;
        CheckKeys(rule, path, RuleKeys, "a join rule");
        var name = RequiredString(rule, "name", path, "a join rule needs a name");
        if (name is not null && !names.TryAdd(name, path))
            errors.Add(file, path + ".name", $"rule name '{name}' is used twice (first at {names[name]})");
        var shown = name is null ? "" : DisplayName(name, path + ".name");
        var reference = RequiredString(rule, "reference", path, "a join rule needs a reference: cite the law article or the notice it comes from");
        var confirmed = true;
        if (rule.TryGetProperty("confirmed", out var c))
        {
            if (c.ValueKind is JsonValueKind.True or JsonValueKind.False) confirmed = c.GetBoolean();
            else errors.Add(file, path + ".confirmed", "'confirmed' must be true or false");
        }

        var builder = new RuleBuilder();
        builder.Name(name ?? path);
        var (patterns, positives) = ReadMatch(rule, path, builder.LeftHandSide());
        var conclusion = ReadThen(rule, path, positives, builder, index);
        if (errors.All.Count > before || name is null || reference is null || conclusion is null) return null;
        var info = new JoinRule(index, shown, RuleNameTemplate.HasPlaceholders(name) ? name : null, reference, confirmed, patterns, conclusion,
            file.DisplayName, file.LineOf(path), layer);
        return (info, builder.Build());
    }

    /// <summary>Adds a pattern per entry of <c>match</c>; returns them as written and the facts later expressions may read.</summary>
    private (List<JoinPattern>, List<ParameterExpression>) ReadMatch(JsonElement rule, string path, GroupBuilder lhs)
    {
        var patterns = new List<JoinPattern>();
        var positives = new List<ParameterExpression>();
        if (!rule.TryGetProperty("match", out var match) || match.ValueKind != JsonValueKind.Array || match.GetArrayLength() == 0)
        {
            errors.Add(file, rule.TryGetProperty("match", out _) ? path + ".match" : path, "a join rule needs \"match\": a non-empty array of patterns { \"fact\", \"type\", \"where\" }");
            return (patterns, positives);
        }
        var seen = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        var j = 0;
        foreach (var pattern in match.EnumerateArray())
        {
            var at = $"{path}.match[{j++}]";
            if (ReadPattern(pattern, at, seen, positives, lhs) is { } read) patterns.Add(read);
        }
        if (patterns.Count == match.GetArrayLength() && patterns.All(p => p.Kind is not null))
            errors.Add(file, path + ".match", "a join rule needs at least one pattern without \"kind\": the fact it concludes about");
        return (patterns, positives);
    }

    private JoinPattern? ReadPattern(JsonElement pattern, string at, HashSet<string> seen, List<ParameterExpression> positives, GroupBuilder lhs)
    {
        if (pattern.ValueKind != JsonValueKind.Object)
        {
            errors.Add(file, at, "a pattern must be an object { \"fact\", \"type\", \"where\" }");
            return null;
        }
        CheckKeys(pattern, at, PatternKeys, "a pattern");
        var fact = RequiredString(pattern, "fact", at, "a pattern needs \"fact\": the name expressions give the matched fact");
        if (fact is not null && !CheckFactName(fact, at + ".fact", seen)) fact = null;
        var typeName = RequiredString(pattern, "type", at, $"a pattern needs \"type\", one of: {string.Join(", ", vocabulary.Facts.Keys)}");
        Type? type = null;
        if (typeName is not null && !vocabulary.Facts.TryGetValue(typeName, out type))
            errors.Add(file, at + ".type", $"unknown fact type '{typeName}' (known: {string.Join(", ", vocabulary.Facts.Keys)})");
        string? kind = null;
        if (pattern.TryGetProperty("kind", out var k))
        {
            kind = k.ValueKind == JsonValueKind.String ? k.GetString() : null;
            if (kind is not ("not" or "exists"))
            {
                errors.Add(file, at + ".kind", "\"kind\" must be \"not\" (no such fact) or \"exists\" (at least one); leave it out for a fact the rule matches");
                kind = null;
            }
        }
        string? where = null;
        if (pattern.TryGetProperty("where", out var w))
        {
            if (w.ValueKind == JsonValueKind.String) where = w.GetString();
            else errors.Add(file, at + ".where", "\"where\" must be a string: a condition in the expression language of the workflows");
        }
        if (fact is null || type is null) return null;

        var self = Expression.Parameter(type, fact);
        var builder = kind switch
        {
            "not" => lhs.Not().Pattern(type, fact),
            "exists" => lhs.Exists().Pattern(type, fact),
            _ => lhs.Pattern(type, fact),
        };
        if (where is not null && _expressions.Parse(where, [self, .. positives], typeof(bool), file, at + ".where", errors) is { } condition)
            foreach (var part in JoinExpressions.SplitConditions(condition, positives))
                builder.Condition(Expression.Lambda(part, [self, .. JoinExpressions.Referenced(part, positives)]));
        // A fact under not/exists is not bound: later patterns and the conclusion cannot read it.
        if (kind is null) positives.Add(self);
        return new JoinPattern(fact, typeName!, kind, where);
    }

    private bool CheckFactName(string fact, string path, HashSet<string> seen)
    {
        string? problem = null;
        if (!Identifier().IsMatch(fact)) problem = $"fact name '{fact}' must be an identifier (letters, digits, _)";
        else if (JoinExpressions.Reserved.Contains(fact)) problem = $"fact name '{fact}' is a word of the expression language; choose another (e.g. moveOut)";
        else if (string.Equals(fact, vocabulary.ParametersName, StringComparison.OrdinalIgnoreCase)) problem = $"fact name '{fact}' is the name of the parameters";
        else if (!seen.Add(fact)) problem = $"fact name '{fact}' is used twice in this rule (names are case-insensitive)";
        if (problem is not null) errors.Add(file, path, problem);
        return problem is null;
    }

    /// <summary>Reads <c>then</c> and adds the action that concludes; returns the conclusion type's name, or null.</summary>
    private string? ReadThen(JsonElement rule, string path, List<ParameterExpression> facts, RuleBuilder builder, int index)
    {
        var at = path + ".then";
        if (!rule.TryGetProperty("then", out var then) || then.ValueKind != JsonValueKind.Object)
        {
            errors.Add(file, rule.TryGetProperty("then", out _) ? at : path, "a join rule needs \"then\": { \"conclude\": \"<conclusion type>\", \"values\": { … } }");
            return null;
        }
        CheckKeys(then, at, ThenKeys, "\"then\"");
        var name = RequiredString(then, "conclude", at, $"\"then\" needs \"conclude\", one of: {string.Join(", ", vocabulary.Conclusions.Keys)}");
        if (name is null) return null;
        if (!vocabulary.Conclusions.TryGetValue(name, out var type))
        {
            errors.Add(file, at + ".conclude", $"unknown conclusion type '{name}' (known: {string.Join(", ", vocabulary.Conclusions.Keys)})");
            return null;
        }
        var values = then.TryGetProperty("values", out var v) ? v : default;
        if (values.ValueKind is not (JsonValueKind.Object or JsonValueKind.Undefined))
        {
            errors.Add(file, at + ".values", "\"values\" must be an object: each key a value of the conclusion, each value an expression");
            return null;
        }
        var conclusion = new ConclusionBuilder(this, type, name, values, at, facts).Build();
        if (conclusion is null) return null;
        var context = Expression.Parameter(typeof(IContext), "__context");
        var record = Expression.Call(RecordMethod, context, Expression.Constant(index), Expression.Convert(conclusion, typeof(object)));
        builder.RightHandSide().Action(Expression.Lambda(record, [context, .. facts]), ActionTrigger.Activated);
        return name;
    }

    /// <summary>Builds <c>new T(ctor values…) { property values… }</c> from the expressions of <c>then.values</c>.</summary>
    private sealed class ConclusionBuilder(JoinRuleReader reader, Type type, string name, JsonElement values, string at, List<ParameterExpression> facts)
    {
        public Expression? Build()
        {
            var ctor = type.GetConstructors(BindingFlags.Public | BindingFlags.Instance).OrderByDescending(c => c.GetParameters().Length).FirstOrDefault();
            if (ctor is null)
            {
                reader.errors.Add(reader.file, at + ".conclude", $"conclusion type '{name}' has no public constructor");
                return null;
            }
            var given = values.ValueKind == JsonValueKind.Object
                ? values.EnumerateObject().Where(p => !ParameterBinder.IsAnnotation(p.Name)).ToList()
                : [];
            var used = new HashSet<string>(StringComparer.Ordinal);
            var ok = true;
            var args = new List<Expression>();
            foreach (var parameter in ctor.GetParameters())
            {
                var found = given.FindIndex(g => string.Equals(g.Name, parameter.Name, StringComparison.OrdinalIgnoreCase));
                if (found < 0)
                {
                    if (parameter.HasDefaultValue) args.Add(Expression.Constant(parameter.DefaultValue, parameter.ParameterType));
                    else
                    {
                        reader.errors.Add(reader.file, at + ".values", $"missing value '{Camel(parameter.Name!)}' of conclusion '{name}' (it needs: {Known(ctor)})");
                        ok = false;
                    }
                    continue;
                }
                var value = given[found];
                used.Add(value.Name);
                if (Value(value, parameter.ParameterType) is { } e) args.Add(e);
                else ok = false;
            }
            var bindings = new List<MemberBinding>();
            foreach (var value in given.Where(g => !used.Contains(g.Name)))
            {
                var property = type.GetProperties(BindingFlags.Public | BindingFlags.Instance)
                    .FirstOrDefault(p => p.SetMethod is { IsPublic: true } && string.Equals(p.Name, value.Name, StringComparison.OrdinalIgnoreCase));
                if (property is null)
                {
                    reader.errors.Add(reader.file, $"{at}.values.{value.Name}", $"conclusion '{name}' has no value '{value.Name}' (known: {Known(ctor)})");
                    ok = false;
                    continue;
                }
                if (Value(value, property.PropertyType) is { } e) bindings.Add(Expression.Bind(property, e));
                else ok = false;
            }
            return ok ? Expression.MemberInit(Expression.New(ctor, args), bindings) : null;
        }

        private Expression? Value(JsonProperty value, Type target)
        {
            var path = $"{at}.values.{value.Name}";
            if (value.Value.ValueKind != JsonValueKind.String)
            {
                reader.errors.Add(reader.file, path, "a conclusion value must be a string: an expression over the matched facts and the parameters");
                return null;
            }
            return reader._expressions.Parse(value.Value.GetString(), facts, target, reader.file, path, reader.errors);
        }

        private string Known(ConstructorInfo ctor) =>
            string.Join(", ", ctor.GetParameters().Select(p => Camel(p.Name!))
                .Concat(type.GetProperties(BindingFlags.Public | BindingFlags.Instance)
                    .Where(p => p.SetMethod is { IsPublic: true } && !ctor.GetParameters().Any(c => string.Equals(c.Name, p.Name, StringComparison.OrdinalIgnoreCase)))
                    .Select(p => Camel(p.Name))));

        private static string Camel(string name) => JsonNamingPolicy.CamelCase.ConvertName(name);
    }

    private string? RequiredString(JsonElement element, string key, string path, string problem)
    {
        if (element.TryGetProperty(key, out var value) && value.ValueKind == JsonValueKind.String && !string.IsNullOrWhiteSpace(value.GetString()))
            return value.GetString();
        errors.Add(file, element.TryGetProperty(key, out _) ? $"{path}.{key}" : path, problem);
        return null;
    }

    private void CheckKeys(JsonElement element, string path, string[] allowed, string what)
    {
        foreach (var key in element.EnumerateObject())
            if (!allowed.Contains(key.Name))
                errors.Add(file, $"{path}.{key.Name}", $"unknown key '{key.Name}' in {what} (allowed: {string.Join(", ", allowed.Where(a => a[0] != '$'))})");
    }

    /// <summary>A rule's name with the parameters it refers to rendered; a reference to no parameter is an error at the name.</summary>
    private string DisplayName(string name, string path)
    {
        if (!RuleNameTemplate.HasPlaceholders(name)) return name;
        if (vocabulary.ParameterTable is not { } table)
        {
            errors.Add(file, path, "these join rules' names cannot refer to parameters (the capability gives no parameter table)");
            return name;
        }
        var rendered = RuleNameTemplate.Render(name, table, out var unknown);
        foreach (var u in unknown)
            errors.Add(file, path, $"the rule name refers to '{{{u}}}', which is not a parameter of this rule set");
        return rendered;
    }
}
