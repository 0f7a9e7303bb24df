using NRules.Extensibility;
using NRules.RuleModel;

namespace KokuhoRules.Engine.Joins;

/// <summary>
/// Where the rules' actions put what they conclude, one per session: the compiled actions are shared by every
/// session, so each finds its session's sink through the session's dependency resolver.
/// </summary>
internal sealed class JoinSink(IReadOnlyList<JoinRule> rules, IReadOnlyDictionary<object, int> positions) : IDependencyResolver
{
    private List<JoinFiring> _firings = [];

    /// <summary>The firings recorded since the last call, handed over (the sink starts a new list).</summary>
    public List<JoinFiring> Take()
    {
        var taken = _firings;
        _firings = [];
        return taken;
    }

    /// <summary>Called by the action of rule <paramref name="rule"/> (built by <see cref="JoinRuleReader"/>) when it fires.</summary>
    internal static void Record(IContext context, int rule, object conclusion) =>
        ((JoinSink)context.Resolve(typeof(JoinSink))).Add(rule, context.Match, conclusion);

    private void Add(int index, IMatch match, object conclusion)
    {
        var rule = rules[index];
        var byName = match.Facts.ToDictionary(f => f.Declaration.Name, f => f.Value!, StringComparer.Ordinal);
        var facts = rule.Patterns.Where(p => p.Kind is null)
            .Select(p => new JoinMatchedFact(p.Fact, byName[p.Fact], positions[byName[p.Fact]]))
            .ToArray();
        _firings.Add(new JoinFiring(rule, facts, conclusion));
    }

    public object Resolve(IResolutionContext context, Type serviceType) =>
        serviceType == typeof(JoinSink) ? this : throw new InvalidOperationException($"join rules resolve no {serviceType.Name}");
}
