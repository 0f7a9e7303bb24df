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

    /// <summary>A parser with those settings.</summary>
    public static RuleExpressionParser Parser(IEnumerable<Type>? customTypes = null) => new(Settings(customTypes));
}
