using System.Collections.Concurrent;
using System.Linq.Expressions;
using System.Runtime.ExceptionServices;
using KokuhoRules.Engine.RuleSets;
using NRules;
using NRules.Extensibility;

namespace KokuhoRules.Engine.Joins;

/// <summary>
/// The join rules of one rule-set version (<c>joins.json</c>), compiled once into one NRules session factory.
/// Rules stay data: each lists fact patterns whose conditions are written in the workflows' expression language and
/// builds a typed conclusion; they are built with NRules' <c>RuleBuilder</c>, never written as fluent C# rules.
/// </summary>
/// <remarks>
/// Thread-safe: the session factory and every delegate in it are shared, and NRules is made to compile them with
/// <c>Expression.Compile()</c> (<see cref="ExpressionTreeCompiler"/>), never FastExpressionCompiler, which was
/// measured returning wrong values across threads (see <c>WorkflowSet</c>). A session is single-threaded: each run
/// (each partition of a partitioned run) has its own.
/// </remarks>
public sealed class JoinRules
{
    private readonly ISessionFactory _factory;
    private readonly Type[] _factTypes;
    private readonly ConcurrentDictionary<Type, bool> _known = new();
    private readonly IReadOnlyDictionary<string, JoinRule> _byCondition;

    private JoinRules(string file, IReadOnlyList<JoinRule> rules, ISessionFactory factory, Type[] factTypes, IReadOnlyDictionary<string, JoinRule> byCondition)
    {
        File = file;
        Rules = rules;
        _factory = factory;
        _factTypes = factTypes;
        _byCondition = byCondition;
    }

    /// <summary>The file the rules were read from, as shown in errors.</summary>
    public string File { get; }

    /// <summary>The rules, in file order.</summary>
    public IReadOnlyList<JoinRule> Rules { get; }

    /// <summary>
    /// Reads and compiles a joins file. Every problem (unknown key, fact type, fact name or conclusion value; an
    /// expression that does not parse or is not a condition; a missing reference; a duplicate rule name…) is added
    /// to <paramref name="errors"/> with the file, JSON path and line, all of them in one pass.
    /// </summary>
    /// <param name="layer">The layer the file belongs to, shown in traces.</param>
    /// <returns>The compiled rules, or null when errors were added.</returns>
    public static JoinRules? Compile(JsonSourceFile file, JoinVocabulary vocabulary, RuleSetErrors errors, string layer = "national")
    {
        ArgumentNullException.ThrowIfNull(file);
        ArgumentNullException.ThrowIfNull(vocabulary);
        ArgumentNullException.ThrowIfNull(errors);
        var before = errors.All.Count;
        var read = new JoinRuleReader(file, vocabulary, errors, layer).Read();
        if (errors.All.Count > before) return null;

        var compiler = new RuleCompiler { ExpressionCompiler = new ExpressionTreeCompiler() };
        // Each object given to a run is one fact, even when two are equal records (two identical moves).
        compiler.FactIdentityComparerRegistry.DefaultFactIdentityComparer = ReferenceEqualityComparer.Instance;
        ISessionFactory factory;
        try
        {
            factory = compiler.Compile(read.Select(r => r.Definition));
        }
        catch (RuleCompilationException e)
        {
            var rule = read.FirstOrDefault(r => r.Definition.Name == e.RuleName).Rule;
            var path = rule is null ? "$" : $"$.rules[{rule.Index}]";
            errors.Add(file, path, $"NRules cannot compile this rule: {e.Message}");
            return null;
        }
        var byCondition = new Dictionary<string, JoinRule>(StringComparer.Ordinal);
        foreach (var (rule, definition) in read)
            foreach (var condition in Conditions(definition))
                byCondition.TryAdd(condition, rule);
        return new JoinRules(file.DisplayName, read.Select(r => r.Rule).ToArray(), factory, vocabulary.Facts.Values.Distinct().ToArray(), byCondition);
    }

    /// <summary>Runs every rule over <paramref name="facts"/> in one session.</summary>
    /// <exception cref="ArgumentException">A fact is null, of a type the vocabulary does not know, or the same object given twice.</exception>
    /// <exception cref="JoinRunException">A rule failed while it ran.</exception>
    public JoinResult Run(IEnumerable<object> facts)
    {
        var (list, positions) = Index(facts);
        return Result([RunSession(list, positions)]);
    }

    /// <summary>
    /// Runs every rule over each partition of <paramref name="facts"/> (the facts with the same key) in a session of
    /// its own, on up to <paramref name="maxDegreeOfParallelism"/> sessions at once. The result, in the same order as
    /// <see cref="Run"/>'s, is the same whatever the degree of parallelism, and the same as one session's when no rule
    /// joins facts of different partitions (a rule whose conditions join on the partition key: household, person).
    /// </summary>
    /// <exception cref="ArgumentException">As <see cref="Run"/>; or <paramref name="maxDegreeOfParallelism"/> is below 1.</exception>
    /// <exception cref="JoinRunException">A rule failed while it ran.</exception>
    public JoinResult RunPartitioned<TKey>(IEnumerable<object> facts, Func<object, TKey> partitionKey, int maxDegreeOfParallelism)
        where TKey : notnull
    {
        ArgumentNullException.ThrowIfNull(partitionKey);
        ArgumentOutOfRangeException.ThrowIfLessThan(maxDegreeOfParallelism, 1);
        var (list, positions) = Index(facts);
        var partitions = new Dictionary<TKey, List<object>>();
        foreach (var fact in list)
        {
            var key = partitionKey(fact);
            if (!partitions.TryGetValue(key, out var partition)) partitions.Add(key, partition = []);
            partition.Add(fact);
        }
        var groups = partitions.Values.ToArray();
        var results = new List<JoinFiring>[groups.Length];
        try
        {
            Parallel.For(0, groups.Length, new ParallelOptions { MaxDegreeOfParallelism = maxDegreeOfParallelism },
                () => new Worker(this, positions),
                (i, _, worker) =>
                {
                    results[i] = worker.Run(groups[i]);
                    return worker;
                },
                _ => { });
        }
        catch (AggregateException e) when (e.InnerExceptions.Count > 0)
        {
            ExceptionDispatchInfo.Capture(e.InnerExceptions[0]).Throw();
        }
        return Result(results);
    }

    private (List<object>, Dictionary<object, int>) Index(IEnumerable<object> facts)
    {
        ArgumentNullException.ThrowIfNull(facts);
        var list = facts.ToList();
        var positions = new Dictionary<object, int>(list.Count, ReferenceEqualityComparer.Instance);
        for (var i = 0; i < list.Count; i++)
        {
            var fact = list[i] ?? throw new ArgumentException($"fact {i} is null", nameof(facts));
            if (!_known.GetOrAdd(fact.GetType(), static (t, types) => types.Any(f => f.IsAssignableFrom(t)), _factTypes))
                throw new ArgumentException($"fact {i} is a {fact.GetType().Name}, which is not a fact type of these join rules", nameof(facts));
            if (!positions.TryAdd(fact, i))
                throw new ArgumentException($"fact {i} is the same object as fact {positions[fact]}: give each fact once", nameof(facts));
        }
        return (list, positions);
    }

    private List<JoinFiring> RunSession(List<object> facts, Dictionary<object, int> positions) => new Worker(this, positions).Run(facts);

    /// <summary>
    /// One thread's runs: each partition (a group of a few persons) in a new session, its facts inserted and the rules
    /// fired. A new session costs less than retracting the facts from a reused one (NRules' retract walks the whole
    /// network again): measured on 1M eligibility records, 4.1 → 3.1 µs of CPU per fact (benchmarks/README.md).
    /// </summary>
    private sealed class Worker(JoinRules rules, Dictionary<object, int> positions)
    {
        private readonly JoinSink _sink = new(rules.Rules, positions);

        public List<JoinFiring> Run(List<object> facts)
        {
            try
            {
                var session = rules._factory.CreateSession();
                session.DependencyResolver = _sink;
                session.InsertAll(facts);
                session.Fire();
            }
            catch (RuleExpressionEvaluationException e)
            {
                throw rules.Failed(e);
            }
            return _sink.Take();
        }
    }

    private JoinRunException Failed(RuleExpressionEvaluationException e)
    {
        var rule = e is RuleRhsExpressionEvaluationException rhs
            ? Rules.FirstOrDefault(r => r.NameTemplate == rhs.RuleName || r.Name == rhs.RuleName)
            : _byCondition.GetValueOrDefault(e.Expression);
        var where = rule is null ? File : $"{rule.File}:{rule.Line}: rule '{rule.Name}'";
        return new JoinRunException($"{where}: a join rule failed while it ran ({e.GetBaseException().GetType().Name} in {e.Expression})", e);
    }

    private static JoinResult Result(IEnumerable<List<JoinFiring>> sessions)
    {
        var all = sessions.SelectMany(s => s).ToList();
        all.Sort(FiringOrder.Instance);
        return new JoinResult(all);
    }

    /// <summary>The text of each condition and action of a rule, as NRules reports it in an evaluation error.</summary>
    private static IEnumerable<string> Conditions(NRules.RuleModel.IRuleDefinition definition)
    {
        var found = new List<string>();
        void Walk(NRules.RuleModel.RuleElement element)
        {
            switch (element)
            {
                case NRules.RuleModel.PatternElement p:
                    found.AddRange(p.Expressions.SelectMany(e => new[] { e.Expression.ToString(), e.Expression.Body.ToString() }));
                    if (p.Source is not null) Walk(p.Source);
                    break;
                case NRules.RuleModel.GroupElement g:
                    foreach (var child in g.ChildElements) Walk(child);
                    break;
                case NRules.RuleModel.NotElement n:
                    Walk(n.Source);
                    break;
                case NRules.RuleModel.ExistsElement x:
                    Walk(x.Source);
                    break;
            }
        }
        Walk(definition.LeftHandSide);
        return found;
    }

    /// <summary>By rule (file order), then by the input positions of the matched facts, pattern by pattern.</summary>
    private sealed class FiringOrder : IComparer<JoinFiring>
    {
        public static readonly FiringOrder Instance = new();

        public int Compare(JoinFiring? x, JoinFiring? y)
        {
            var c = x!.Rule.Index.CompareTo(y!.Rule.Index);
            for (var i = 0; c == 0 && i < Math.Min(x.Facts.Count, y.Facts.Count); i++)
                c = x.Facts[i].Position.CompareTo(y.Facts[i].Position);
            return c != 0 ? c : x.Facts.Count.CompareTo(y.Facts.Count);
        }
    }
}

/// <summary>Compiles NRules' condition and action expressions with <c>Expression.Compile()</c>: one delegate may be run by many threads at once.</summary>
public sealed class ExpressionTreeCompiler : IExpressionCompiler
{
    public TDelegate Compile<TDelegate>(Expression<TDelegate> expression) where TDelegate : Delegate => expression.Compile();
}
