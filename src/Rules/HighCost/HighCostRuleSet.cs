using KokuhoRules.Engine.Decisions;
using KokuhoRules.Engine.RuleSets;
using NodaTime;

namespace KokuhoRules.Rules.HighCost;

/// <summary>A dated version of a limit table: the first care month it applies to and its path in the rule set.</summary>
public sealed record DatedTable<T>(YearMonth From, string Path, T Table);

/// <summary>
/// A high-cost rule set compiled once: the parameters bound and validated, the limit tables ordered by the care month
/// they apply from, and the category decisions (RulesEngine workflows over <see cref="CategoryFacts"/>). Immutable and
/// thread-safe. Built by <see cref="HighCostRuleSetCompiler"/>; its insurer is a prefecture, whose municipalities it serves.
/// </summary>
public sealed class HighCostRuleSet : CompiledRuleSet
{
    internal HighCostRuleSet(RuleSetSource source, HighCostParameters parameters, ParameterTable table,
        IReadOnlyList<DatedTable<Under70LimitTable>> under70, IReadOnlyList<DatedTable<Age70LimitTable>> age70,
        Decision<CategoryFacts, Under70Category> under70Category, Decision<CategoryFacts, Age70Category> age70Category)
        : base(source, table)
    {
        Parameters = parameters;
        Under70Tables = under70;
        Age70Tables = age70;
        Under70Category = under70Category;
        Age70Category = age70Category;
    }

    public HighCostParameters Parameters { get; }

    /// <summary>The under-70 tables, oldest first.</summary>
    public IReadOnlyList<DatedTable<Under70LimitTable>> Under70Tables { get; }

    /// <summary>The 70–74 tables, oldest first.</summary>
    public IReadOnlyList<DatedTable<Age70LimitTable>> Age70Tables { get; }

    /// <summary>区分ア–オ from the household's income (§B1).</summary>
    public Decision<CategoryFacts, Under70Category> Under70Category { get; }

    /// <summary>The 70–74 category from the household's income (§B2).</summary>
    public Decision<CategoryFacts, Age70Category> Age70Category { get; }

    public override IEnumerable<Decision> Decisions => [Under70Category, Age70Category];

    /// <summary>The household-continuity rules (joins.json, §B7), or null when no layer has them.</summary>
    public Engine.Joins.JoinRules? ContinuityRules { get; internal init; }

    /// <summary>The prefecture's municipalities: the cities this rule set serves without a layer of their own.</summary>
    public override IEnumerable<InsurerInfo> ServedInsurers =>
        Parameters.Continuity.Municipalities.Select(m => new InsurerInfo(m.Id, m.Name, m.LocalGovernmentCode));

    /// <summary>The under-70 table in force for a care month; null before the first.</summary>
    public DatedTable<Under70LimitTable>? Under70TableFor(YearMonth careMonth) => InForce(Under70Tables, careMonth);

    /// <summary>The 70–74 table in force for a care month; null before the first.</summary>
    public DatedTable<Age70LimitTable>? Age70TableFor(YearMonth careMonth) => InForce(Age70Tables, careMonth);

    private static DatedTable<T>? InForce<T>(IReadOnlyList<DatedTable<T>> tables, YearMonth careMonth) =>
        tables.LastOrDefault(t => t.From <= careMonth);
}
