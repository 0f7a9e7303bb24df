using KokuhoRules.Engine.Tracing;

namespace KokuhoRules.Engine.Joins;

/// <summary>One pattern of a join rule as written: the name it gives its fact, the fact type, its kind and its condition.</summary>
/// <param name="Kind">Null for a fact the rule matches; <c>not</c> (no such fact) or <c>exists</c> (at least one).</param>
/// <param name="Where">The condition as written, or null when the pattern takes every fact of its type.</param>
public sealed record JoinPattern(string Fact, string Type, string? Kind, string? Where);

/// <summary>One join rule as published (on <c>/v1/rulesets</c>, in traces).</summary>
/// <param name="Index">0-based position in the file; firings are ordered by it.</param>
/// <param name="Name">The name as shown, with every <c>{group.leaf}</c> rendered with the rule set's value.</param>
/// <param name="NameTemplate">The name as written when it refers to parameters; null otherwise.</param>
/// <param name="Conclusion">The name of the conclusion type the rule builds.</param>
/// <param name="Line">The line the rule starts on in <paramref name="File"/>.</param>
public sealed record JoinRule(
    int Index,
    string Name,
    string? NameTemplate,
    string Reference,
    bool Confirmed,
    IReadOnlyList<JoinPattern> Patterns,
    string Conclusion,
    string File,
    int Line,
    string Layer);

/// <summary>A fact a firing matched: the pattern's name for it, the fact, and its 0-based position in the facts given to the run.</summary>
public sealed record JoinMatchedFact(string Name, object Fact, int Position);

/// <summary>A rule that fired: the rule, the facts it matched (in pattern order; <c>not</c>/<c>exists</c> patterns match none), and what it concluded.</summary>
public sealed record JoinFiring(JoinRule Rule, IReadOnlyList<JoinMatchedFact> Facts, object Conclusion);

/// <summary>
/// What a run of join rules concluded. Firings are in a fixed order that depends on neither the engine's agenda
/// nor the partitioning: by rule (file order), then by the positions of the matched facts in the input, compared
/// pattern by pattern.
/// </summary>
public sealed class JoinResult
{
    internal JoinResult(IReadOnlyList<JoinFiring> firings)
    {
        Firings = firings;
        Conclusions = firings.Select(f => f.Conclusion).ToArray();
    }

    public IReadOnlyList<JoinFiring> Firings { get; }

    /// <summary>The conclusions, one per firing, in the firings' order.</summary>
    public IReadOnlyList<object> Conclusions { get; }

    /// <summary>The conclusions of one type, in order.</summary>
    public IEnumerable<T> Of<T>() => Conclusions.OfType<T>();

    /// <summary>
    /// Adds one <c>decision</c> step per firing: the rule's rendered name, the facts it matched by pattern name, type
    /// and input position (never their values: a fact may hold personal data), and the rule with its reference.
    /// </summary>
    /// <param name="subject">The step's subject for a firing (the household, or a member id).</param>
    public void AppendTo(Trace trace, Func<JoinFiring, string> subject)
    {
        ArgumentNullException.ThrowIfNull(trace);
        ArgumentNullException.ThrowIfNull(subject);
        foreach (var firing in Firings)
        {
            var rule = firing.Rule;
            var facts = string.Join(", ", firing.Facts.Select(f => $"{f.Name} = {rule.Patterns.First(p => p.Fact == f.Name).Type} #{f.Position}"));
            var expression = string.Join(" ; ", rule.Patterns.Select(p => $"{(p.Kind is null ? "" : p.Kind + " ")}{p.Type} {p.Fact}{(p.Where is null ? "" : " where " + p.Where)}"));
            trace.Add("decision", subject(firing), null, rule.Conclusion, $"{rule.Name}（{facts}）",
                rule: new TraceRule(rule.File, rule.Name, expression, rule.Conclusion, rule.Reference, rule.Layer));
        }
    }
}

/// <summary>A join rule failed while it ran (e.g. an expression read a member of a missing value): the rule set's fault, named by its rule and line.</summary>
public sealed class JoinRunException(string message, Exception inner) : Exception(message, inner);
