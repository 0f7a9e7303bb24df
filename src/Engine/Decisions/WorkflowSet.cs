using System.Linq.Expressions;
using System.Text.Json;
using System.Text.Json.Serialization;
using KokuhoRules.Engine.RuleSets;
using RulesEngine.ExpressionBuilders;
using RulesEngine.Models;
using ParseException = System.Linq.Dynamic.Core.Exceptions.ParseException;

namespace KokuhoRules.Engine.Decisions;

/// <summary>
/// The RulesEngine workflows of a rule set (the national layer's, with any municipal workflow of the
/// same name replacing it), and the compiler that turns one into a typed <see cref="Decision{TFacts,TOutcome}"/>.
/// </summary>
/// <remarks>
/// The files stay in Microsoft RulesEngine's own JSON format (an array of <c>Workflow</c>), so the same
/// file can be run by <c>RulesEngine.ExecuteAllRulesAsync</c>; the benchmarks do exactly that to measure
/// the naive way. Here each expression is parsed once with RulesEngine's <see cref="RuleExpressionParser"/>
/// against typed parameters (the facts and the bound parameter model), GlobalParams and LocalParams become
/// block variables, nested rules are joined with their Operator, and the whole first-match chain becomes
/// one <c>Func&lt;TFacts,int&gt;</c> compiled with <c>Expression.Compile()</c>. FastExpressionCompiler is
/// not used: it was measured here returning wrong values across threads when one compiled delegate is
/// shared and a nested lambda captures a scoped parameter, and a rule set's delegates are shared by every
/// request and batch worker. Actions and WorkflowsToInject are refused: a decision yields its outcome
/// through SuccessEvent only.
/// </remarks>
public sealed class WorkflowSet
{
    private static readonly JsonSerializerOptions WorkflowJson = new()
    {
        UnmappedMemberHandling = JsonUnmappedMemberHandling.Disallow,
        PropertyNameCaseInsensitive = false,
    };

    private readonly Dictionary<string, (Workflow Workflow, int Index, JsonSourceFile File, RuleSetLayerKind Layer)> _workflows = new(StringComparer.Ordinal);
    private readonly HashSet<string> _used = new(StringComparer.Ordinal);

    /// <summary>Workflow names, in the order read.</summary>
    public IEnumerable<string> Names => _workflows.Keys;

    /// <summary>The workflows as read (for publishing them back, e.g. on the API or to RulesEngine itself).</summary>
    public IEnumerable<Workflow> Workflows => _workflows.Values.Select(w => w.Workflow);

    /// <summary>Reads the workflows of every layer, top first; a lower layer's workflow replaces an upper one of the same name.</summary>
    public static WorkflowSet Read(RuleSetSource source, RuleSetErrors errors)
    {
        var set = new WorkflowSet();
        foreach (var (layer, kind) in source.Layers.Select(l => (l, l.Kind)))
        {
            if (layer.Workflows is not { } file) continue;
            Workflow[]? workflows;
            try
            {
                workflows = file.Root.Deserialize<Workflow[]>(WorkflowJson);
            }
            catch (JsonException e)
            {
                var path = e.Path ?? "$";
                errors.Add(file, path, "not a RulesEngine workflow array: " + e.Message.Split(" Path:")[0]);
                continue;
            }
            if (workflows is null)
            {
                errors.Add(file, "$", "the workflows file must be a JSON array of RulesEngine workflows");
                continue;
            }
            var seen = new HashSet<string>(StringComparer.Ordinal);
            for (var i = 0; i < workflows.Length; i++)
            {
                var w = workflows[i];
                if (string.IsNullOrWhiteSpace(w.WorkflowName))
                {
                    errors.Add(file, $"$[{i}].WorkflowName", "a workflow needs a WorkflowName");
                    continue;
                }
                if (!seen.Add(w.WorkflowName))
                {
                    errors.Add(file, $"$[{i}].WorkflowName", $"workflow '{w.WorkflowName}' is defined twice in this file");
                    continue;
                }
                set._workflows[w.WorkflowName] = (w, i, file, kind);
            }
        }
        return set;
    }

    /// <summary>Reports workflows that no calculation asked for (usually a misspelt name).</summary>
    public void ReportUnused(RuleSetErrors errors)
    {
        foreach (var (name, w) in _workflows)
            if (!_used.Contains(name))
                errors.Add(w.File, $"$[{w.Index}].WorkflowName", $"workflow '{name}' is not used by any calculation (expected names: {string.Join(", ", _used.Order())})");
    }

    /// <summary>
    /// Compiles the workflow <paramref name="name"/> into a decision over <typeparamref name="TFacts"/>.
    /// Expressions name the facts <paramref name="factsName"/> and the bound parameters <paramref name="parametersName"/>.
    /// </summary>
    /// <param name="outcomes">The SuccessEvent values allowed, and what each means.</param>
    /// <param name="evaluation">How the decision is evaluated: compiled (always, in service), or through RulesEngine itself (the reference the benchmarks and tests compare with).</param>
    /// <returns>The decision, or null after adding errors (missing workflow, expression that does not compile, unknown outcome, no fallback…).</returns>
    public Decision<TFacts, TOutcome>? Compile<TFacts, TOutcome>(
        string name, string factsName, object parameters, string parametersName,
        IReadOnlyDictionary<string, TOutcome> outcomes, RuleSetErrors errors, JsonSourceFile fallbackFile,
        DecisionEvaluation evaluation = DecisionEvaluation.Compiled, ParameterTable? parameterTable = null)
    {
        _used.Add(name);
        if (!_workflows.TryGetValue(name, out var entry))
        {
            errors.Add(fallbackFile, "$", $"missing workflow '{name}': the decision it makes has no rules");
            return null;
        }
        var (workflow, index, file, layer) = entry;
        var before = errors.All.Count;
        var at = $"$[{index}]";
        if (workflow.WorkflowsToInject?.Any() == true)
            errors.Add(file, at + ".WorkflowsToInject", "WorkflowsToInject is not supported: write the rules of the decision in the workflow itself");
        if (workflow.RuleExpressionType != RuleExpressionType.LambdaExpression)
            errors.Add(file, at + ".RuleExpressionType", "only LambdaExpression rules are supported");

        var parser = ExpressionLanguage.Parser();
        var factsParam = Expression.Parameter(typeof(TFacts), factsName);
        var parametersParam = Expression.Parameter(parameters.GetType(), parametersName);
        var scope = new List<ParameterExpression> { factsParam, parametersParam };
        var prologue = new List<Expression> { Expression.Assign(parametersParam, Expression.Constant(parameters)) };
        var globals = new List<ParameterExpression>();

        var g = 0;
        foreach (var gp in workflow.GlobalParams ?? [])
        {
            var path = $"{at}.GlobalParams[{g++}]";
            var value = ParseOrReport(parser, gp.Expression, scope, null, file, path + ".Expression", errors);
            if (value is null) continue;
            if (string.IsNullOrWhiteSpace(gp.Name) || scope.Any(s => string.Equals(s.Name, gp.Name, StringComparison.OrdinalIgnoreCase)))
            {
                errors.Add(file, path + ".Name", $"GlobalParam name '{gp.Name}' is empty or already used");
                continue;
            }
            var variable = Expression.Variable(value.Type, gp.Name);
            prologue.Add(Expression.Assign(variable, value));
            scope.Add(variable);
            globals.Add(variable);
        }

        var rules = (workflow.Rules ?? []).Select((r, i) => (Rule: r, Path: $"{at}.Rules[{i}]")).Where(r => r.Rule.Enabled).ToList();
        if (rules.Count == 0)
            errors.Add(file, at, $"workflow '{name}' has no enabled rules");
        var names = new HashSet<string>(StringComparer.Ordinal);
        var conditions = new List<Expression>();
        var published = new List<DecisionRule>();
        var outcomeValues = new List<TOutcome>();
        foreach (var (rule, path) in rules)
        {
            if (string.IsNullOrWhiteSpace(rule.RuleName)) errors.Add(file, path + ".RuleName", "a rule needs a RuleName");
            else if (!names.Add(rule.RuleName)) errors.Add(file, path + ".RuleName", $"rule name '{rule.RuleName}' is used twice in workflow '{name}'");
            if (rule.SuccessEvent is null || !outcomes.TryGetValue(rule.SuccessEvent, out var outcome))
            {
                errors.Add(file, path + ".SuccessEvent", $"SuccessEvent must give the decision's outcome, one of: {string.Join(", ", outcomes.Keys.Select(k => $"\"{k}\""))}");
                outcome = default!;
            }
            var condition = BuildRule(parser, rule, scope, file, path, errors);
            if (condition is not null) conditions.Add(condition);
            outcomeValues.Add(outcome);
            published.Add(new DecisionRule(DisplayName(rule.RuleName ?? "", parameterTable, file, path, errors), Describe(rule), rule.SuccessEvent ?? "", PropertyString(rule, "reference"),
                PropertyString(rule, "confirmed") != "false", file.DisplayName, file.LineOf(path),
                rule.RuleName is { } raw && RuleNameTemplate.HasPlaceholders(raw) ? raw : null));
        }
        if (rules.Count > 0)
        {
            var (last, lastPath) = rules[^1];
            if (last.Rules?.Any() == true || !string.Equals(last.Expression?.Trim(), "true", StringComparison.OrdinalIgnoreCase))
                errors.Add(file, lastPath, $"the last rule of workflow '{name}' must be the fallback, with Expression \"true\", so that every case has an outcome");
        }
        if (errors.All.Count > before) return null;

        Expression chain = Expression.Constant(-1);
        for (var i = conditions.Count - 1; i >= 0; i--)
            chain = Expression.Condition(conditions[i], Expression.Constant(i), chain);
        // The parameters never change once bound: fold every parameter read (p.a.b.c) into a constant, so
        // the compiled delegate compares the facts with literals instead of walking the parameter objects.
        var folded = new ParameterFolder(parametersParam, parameters).Visit(Expression.Block(scope.Skip(1), prologue.Append(chain)));
        var match = evaluation == DecisionEvaluation.Compiled
            ? Expression.Lambda<Func<TFacts, int>>(folded, factsParam).Compile()
            : ThroughRulesEngine<TFacts>(workflow, rules.Select(r => r.Rule.RuleName).ToArray(), factsName, parameters, parametersName);

        var intermediatesBody = Expression.Block(scope.Skip(1),
            prologue.Append(Expression.NewArrayInit(typeof(object), globals.Select(v => Expression.Convert(v, typeof(object))))));
        var intermediates = Expression.Lambda<Func<TFacts, object?[]>>(intermediatesBody, factsParam).Compile();

        return new Decision<TFacts, TOutcome>(name, layer.ToString().ToLowerInvariant(), file.DisplayName, published, outcomeValues.ToArray(),
            match, globals.Select(v => v.Name!).ToArray(), intermediates);
    }

    /// <summary>
    /// The naive evaluation: one <c>RulesEngine.ExecuteAllRulesAsync</c> call on the workflow for each
    /// decision, the first rule that succeeds deciding. Slow by design (it is what the compiled delegate
    /// replaces); kept as the reference semantics that tests and benchmarks compare the compiled delegate with.
    /// </summary>
    private static Func<TFacts, int> ThroughRulesEngine<TFacts>(Workflow workflow, string[] ruleNames, string factsName, object parameters, string parametersName)
    {
        var engine = new RulesEngine.RulesEngine([workflow], new ReSettings { IsExpressionCaseSensitive = false, UseFastExpressionCompiler = false });
        var index = ruleNames.Select((n, i) => (n, i)).ToDictionary(x => x.n, x => x.i, StringComparer.Ordinal);
        var name = workflow.WorkflowName;
        return facts =>
        {
            var results = engine.ExecuteAllRulesAsync(name, new RuleParameter(factsName, facts), new RuleParameter(parametersName, parameters)).GetAwaiter().GetResult();
            foreach (var r in results)
                if (r.IsSuccess) return index[r.Rule.RuleName];
            var failed = results.FirstOrDefault(r => !string.IsNullOrEmpty(r.ExceptionMessage));
            throw new InvalidOperationException($"RulesEngine found no rule of workflow '{name}' that holds{(failed is null ? "" : ": " + failed.ExceptionMessage)}");
        };
    }

    /// <summary>Replaces reads of the bound parameter model by the values read, as constants.</summary>
    private sealed class ParameterFolder(ParameterExpression parameters, object value) : ExpressionVisitor
    {
        protected override Expression VisitMember(MemberExpression node)
        {
            if (!IsRootedAtParameters(node)) return base.VisitMember(node);
            var result = Evaluate(node);
            return result is null || node.Type.IsPrimitive || node.Type.IsEnum || node.Type == typeof(string) || node.Type.IsValueType
                ? Expression.Constant(result, node.Type)
                : Expression.Constant(result, node.Type);
        }

        protected override Expression VisitBinary(BinaryExpression node) =>
            // The prologue's "p = <constant>" stays; everything else is folded.
            node.NodeType == ExpressionType.Assign && node.Left == parameters ? node : base.VisitBinary(node);

        private bool IsRootedAtParameters(Expression? e)
        {
            while (e is MemberExpression m) e = m.Expression;
            return e == parameters;
        }

        private object? Evaluate(MemberExpression node)
        {
            var chain = new Stack<System.Reflection.MemberInfo>();
            Expression? e = node;
            while (e is MemberExpression m)
            {
                chain.Push(m.Member);
                e = m.Expression;
            }
            var current = value;
            foreach (var member in chain)
            {
                if (current is null) return null;
                current = member switch
                {
                    System.Reflection.PropertyInfo p => p.GetValue(current),
                    System.Reflection.FieldInfo f => f.GetValue(current),
                    _ => throw new NotSupportedException(member.ToString()),
                };
            }
            return current;
        }
    }

    private static Expression? BuildRule(RuleExpressionParser parser, Rule rule, List<ParameterExpression> outerScope, JsonSourceFile file, string path, RuleSetErrors errors)
    {
        if (rule.Actions is not null) errors.Add(file, path + ".Actions", "Actions are not supported: a decision gives its outcome through SuccessEvent");
        if (rule.WorkflowsToInject?.Any() == true) errors.Add(file, path + ".WorkflowsToInject", "WorkflowsToInject is not supported");
        if (rule.RuleExpressionType != RuleExpressionType.LambdaExpression) errors.Add(file, path + ".RuleExpressionType", "only LambdaExpression rules are supported");

        var scope = new List<ParameterExpression>(outerScope);
        var locals = new List<ParameterExpression>();
        var assigns = new List<Expression>();
        var l = 0;
        foreach (var lp in rule.LocalParams ?? [])
        {
            var lpPath = $"{path}.LocalParams[{l++}]";
            var value = ParseOrReport(parser, lp.Expression, scope, null, file, lpPath + ".Expression", errors);
            if (value is null) continue;
            if (string.IsNullOrWhiteSpace(lp.Name) || scope.Any(s => string.Equals(s.Name, lp.Name, StringComparison.OrdinalIgnoreCase)))
            {
                errors.Add(file, lpPath + ".Name", $"LocalParam name '{lp.Name}' is empty or already used");
                continue;
            }
            var variable = Expression.Variable(value.Type, lp.Name);
            assigns.Add(Expression.Assign(variable, value));
            scope.Add(variable);
            locals.Add(variable);
        }

        Expression? condition;
        var children = rule.Rules?.ToList() ?? [];
        if (children.Count > 0)
        {
            if (!string.IsNullOrWhiteSpace(rule.Expression))
                errors.Add(file, path + ".Expression", "a rule with nested Rules takes its condition from them: remove Expression or the nested rules");
            var isOr = rule.Operator?.Trim().ToLowerInvariant() switch
            {
                "and" or "andalso" => false,
                "or" or "orelse" => true,
                _ => (bool?)null,
            };
            if (isOr is null)
            {
                errors.Add(file, path + ".Operator", "a rule with nested Rules needs Operator \"And\" or \"Or\"");
                return null;
            }
            var parts = children.Where(c => c.Enabled).Select((c, i) => BuildRule(parser, c, scope, file, $"{path}.Rules[{i}]", errors)).ToList();
            if (parts.Any(p => p is null)) return null;
            condition = parts.Aggregate((a, b) => isOr.Value ? Expression.OrElse(a!, b!) : Expression.AndAlso(a!, b!));
        }
        else
        {
            condition = ParseOrReport(parser, rule.Expression, scope, typeof(bool), file, path + ".Expression", errors);
        }
        if (condition is null) return null;
        return locals.Count == 0 ? condition : Expression.Block(typeof(bool), locals, assigns.Append(condition));
    }

    private static Expression? ParseOrReport(RuleExpressionParser parser, string? text, List<ParameterExpression> scope, Type? returnType, JsonSourceFile file, string path, RuleSetErrors errors)
    {
        if (string.IsNullOrWhiteSpace(text))
        {
            errors.Add(file, path, "the expression is empty");
            return null;
        }
        try
        {
            return parser.Parse(text, scope.ToArray(), returnType);
        }
        catch (ParseException e)
        {
            errors.Add(file, path, $"expression does not compile: {e.Message} (at character {e.Position + 1} of \"{text}\")");
        }
        catch (Exception e) when (e is InvalidOperationException or ArgumentException)
        {
            errors.Add(file, path, $"expression does not compile: {e.Message} (\"{text}\")");
        }
        return null;
    }

    /// <summary>A rule's name with the parameters it refers to rendered; a reference to no parameter is an error at the name.</summary>
    private static string DisplayName(string name, ParameterTable? table, JsonSourceFile file, string path, RuleSetErrors errors)
    {
        if (!RuleNameTemplate.HasPlaceholders(name)) return name;
        if (table is null)
        {
            errors.Add(file, path + ".RuleName", "this decision's rule names cannot refer to parameters");
            return name;
        }
        var rendered = RuleNameTemplate.Render(name, table, out var unknown);
        foreach (var u in unknown)
            errors.Add(file, path + ".RuleName", $"the rule name refers to '{{{u}}}', which is not a parameter of this rule set");
        return rendered;
    }

    private static string Describe(Rule rule)
    {
        var children = rule.Rules?.Where(r => r.Enabled).ToList() ?? [];
        if (children.Count == 0) return rule.Expression ?? "";
        var op = rule.Operator?.Trim().ToLowerInvariant() is "or" or "orelse" ? " || " : " && ";
        return string.Join(op, children.Select(c => "(" + Describe(c) + ")"));
    }

    private static string? PropertyString(Rule rule, string key)
    {
        if (rule.Properties is null || !rule.Properties.TryGetValue(key, out var value)) return null;
        return value switch
        {
            JsonElement { ValueKind: JsonValueKind.String } e => e.GetString(),
            JsonElement e => e.GetRawText(),
            null => null,
            _ => value.ToString(),
        };
    }
}
