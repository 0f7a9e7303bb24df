using System.Linq.Expressions;
using KokuhoRules.Engine.RuleSets;
using RulesEngine.ExpressionBuilders;
using RulesEngine.Models;
using ParseException = System.Linq.Dynamic.Core.Exceptions.ParseException;

namespace KokuhoRules.Engine.Joins;

/// <summary>
/// The expression language of join rules: RulesEngine's <see cref="RuleExpressionParser"/> (System.Linq.Dynamic.Core)
/// with the settings <c>WorkflowSet</c> uses for the workflows (case-insensitive names, errors as messages, no
/// FastExpressionCompiler), so a policy officer writes a join's <c>where</c> exactly as a workflow's <c>Expression</c>.
/// </summary>
internal sealed class JoinExpressions
{
    /// <summary>
    /// Words the parser reads as its own (keywords, <c>it</c>/<c>parent</c>/<c>root</c>, the <c>out</c> of an out
    /// variable, the <c>in</c> operator): a fact named so could not be referred to.
    /// </summary>
    internal static readonly HashSet<string> Reserved = new(StringComparer.OrdinalIgnoreCase)
    {
        "it", "parent", "root", "new", "iif", "np", "true", "false", "null", "out", "in", "is", "as", "and", "or", "not", "mod", "var",
    };

    private readonly RuleExpressionParser _parser;
    private readonly ParameterExpression? _parameters;
    private readonly object? _parametersValue;

    public JoinExpressions(JoinVocabulary vocabulary)
    {
        var types = vocabulary.Facts.Values.Concat(vocabulary.Conclusions.Values).Concat(vocabulary.ExpressionTypes);
        if (vocabulary.Parameters is { } p) types = types.Append(p.GetType());
        _parser = Decisions.ExpressionLanguage.Parser(types);
        _parametersValue = vocabulary.Parameters;
        if (vocabulary.Parameters is not null) _parameters = Expression.Parameter(vocabulary.Parameters.GetType(), vocabulary.ParametersName);
    }

    /// <summary>
    /// Parses <paramref name="text"/> over the facts in <paramref name="scope"/> (and the parameters), with the
    /// parameters folded in as a constant so that the result refers to fact parameters only.
    /// </summary>
    /// <param name="type">The type the expression must have (converted where the language allows, e.g. int → long), or null for any.</param>
    /// <returns>The expression, or null after adding the error at <paramref name="path"/>.</returns>
    public Expression? Parse(string? text, IReadOnlyList<ParameterExpression> scope, Type? type, JsonSourceFile file, string path, RuleSetErrors errors)
    {
        if (string.IsNullOrWhiteSpace(text))
        {
            errors.Add(file, path, "the expression is empty");
            return null;
        }
        var all = _parameters is null ? scope.ToArray() : [.. scope, _parameters];
        try
        {
            var parsed = _parser.Parse(text, all, type);
            return _parameters is null ? parsed : new Substitute(_parameters, Expression.Constant(_parametersValue, _parameters.Type)).Visit(parsed);
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

    /// <summary>The parameters of <paramref name="candidates"/> that <paramref name="expression"/> reads, in the candidates' order.</summary>
    public static List<ParameterExpression> Referenced(Expression expression, IEnumerable<ParameterExpression> candidates)
    {
        var finder = new Finder();
        finder.Visit(expression);
        return candidates.Where(finder.Found.Contains).ToList();
    }

    /// <summary>
    /// Cuts a pattern's condition along its top-level <c>&amp;&amp;</c> so that NRules can test what reads the pattern's
    /// own fact alone once per fact (an alpha node, shared by every rule that tests the same), before any join: each
    /// conjunct that reads no earlier fact (only the pattern's own, or the parameters), in the order written, then the conjuncts that read earlier facts
    /// too, kept together and in their order (one join condition, so their <c>&amp;&amp;</c> still guards left to right).
    /// A condition with no such split is returned whole.
    /// </summary>
    public static List<Expression> SplitConditions(Expression condition, IReadOnlyList<ParameterExpression> earlier)
    {
        var conjuncts = new List<Expression>();
        void Flatten(Expression e)
        {
            if (e.NodeType == ExpressionType.AndAlso && e is BinaryExpression { Method: null } and)
            {
                Flatten(and.Left);
                Flatten(and.Right);
            }
            else conjuncts.Add(e);
        }
        Flatten(condition);
        var own = new List<Expression>();
        Expression? joined = null;
        foreach (var c in conjuncts)
        {
            if (Referenced(c, earlier).Count == 0) own.Add(c);
            else joined = joined is null ? c : Expression.AndAlso(joined, c);
        }
        if (joined is not null) own.Add(joined);
        return own;
    }

    private sealed class Substitute(ParameterExpression from, Expression to) : ExpressionVisitor
    {
        protected override Expression VisitParameter(ParameterExpression node) => node == from ? to : node;
    }

    private sealed class Finder : ExpressionVisitor
    {
        public HashSet<ParameterExpression> Found { get; } = [];

        protected override Expression VisitParameter(ParameterExpression node)
        {
            Found.Add(node);
            return node;
        }
    }
}
