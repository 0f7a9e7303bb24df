using RulesEngine.ExpressionBuilders;
using RulesEngine.Models;

namespace KokuhoRules.Engine.Decisions;

/// <summary>
/// The one expression language of rule sets — RulesEngine's dynamic-LINQ parser with the same settings for
/// workflows (<see cref="WorkflowSet"/>) and join rules (<c>joins.json</c>): parse errors as messages (to report at
/// file:line), names case-insensitive, and <c>Expression.Compile()</c> rather than FastExpressionCompiler (which
/// returns wrong values across threads when one compiled delegate is shared and a nested lambda captures a scoped
/// parameter).
/// </summary>
public static class ExpressionLanguage
{
    /// <summary>The settings, with the types expressions may name besides the built-in ones.</summary>
    public static ReSettings Settings(IEnumerable<Type>? customTypes = null) => new()
    {
        EnableExceptionAsErrorMessageForRuleExpressionParsing = true,
        IsExpressionCaseSensitive = false,
        UseFastExpressionCompiler = false,
        CustomTypes = customTypes?.Distinct().ToArray(),
    };

    /// <summary>
    /// A parser with those settings: one per thread and set of custom types, made once and kept. A parser keeps its
    /// parsing configuration, and a new configuration's type provider scans every type of every loaded assembly for
    /// <c>[DynamicLinqType]</c> on first use: with a parser per workflow, that scan was 0.53 s of the 1.9 s a premium
    /// rule set took to load at the start of every run (issue 17). A parser is not shared across threads.
    /// </summary>
    public static RuleExpressionParser Parser(IEnumerable<Type>? customTypes = null)
    {
        var settings = Settings(customTypes);
        var key = settings.CustomTypes is { } types ? string.Join('|', types.Select(t => t.AssemblyQualifiedName)) : "";
        var parsers = _parsers ??= new Dictionary<string, RuleExpressionParser>(StringComparer.Ordinal);
        if (!parsers.TryGetValue(key, out var parser)) parsers[key] = parser = new RuleExpressionParser(settings);
        return parser;
    }

    /// <summary>This thread's parsers, by their custom types.</summary>
    [ThreadStatic] private static Dictionary<string, RuleExpressionParser>? _parsers;
}
