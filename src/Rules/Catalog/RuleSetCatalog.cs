using KokuhoRules.Engine.RuleSets;
using KokuhoRules.Rules.Premium;

namespace KokuhoRules.Rules.Catalog;

/// <summary>
/// Every rule set found under the configured roots, compiled once at start-up. A rule set that fails
/// validation is kept out (with its errors, for <see cref="Failures"/>) and the others keep serving.
/// Immutable and thread-safe.
/// </summary>
public sealed class RuleSetCatalog
{
    private readonly Dictionary<(string Insurer, int FiscalYear), PremiumRuleSet> _ruleSets;

    private RuleSetCatalog(IReadOnlyList<PremiumRuleSet> ruleSets, IReadOnlyList<RuleSetFailure> failures, IReadOnlyList<string> roots)
    {
        RuleSets = ruleSets.OrderBy(r => r.Insurer.Id, StringComparer.Ordinal).ThenBy(r => r.FiscalYear).ToArray();
        _ruleSets = RuleSets.ToDictionary(r => (r.Insurer.Id, r.FiscalYear));
        Failures = failures;
        Roots = roots;
    }

    /// <summary>The rule sets that compiled, by insurer then fiscal year.</summary>
    public IReadOnlyList<PremiumRuleSet> RuleSets { get; }

    /// <summary>The rule sets (or layers) refused, with every error.</summary>
    public IReadOnlyList<RuleSetFailure> Failures { get; }

    /// <summary>The folders read.</summary>
    public IReadOnlyList<string> Roots { get; }

    /// <summary>Reads and compiles every rule set under the roots (or only those <paramref name="include"/> accepts).</summary>
    public static RuleSetCatalog Load(IEnumerable<string> roots, Func<string, int, bool>? include = null)
    {
        var rootList = roots.Select(Path.GetFullPath).ToArray();
        var scan = RuleSetLoader.Scan(rootList);
        var compiled = new List<PremiumRuleSet>();
        var failures = new List<RuleSetFailure>(scan.Failures);
        foreach (var source in scan.Sources)
        {
            if (include is not null && !include(source.Insurer, source.FiscalYear)) continue;
            try
            {
                compiled.Add(PremiumRuleSetCompiler.Compile(source));
            }
            catch (RuleSetValidationException e)
            {
                failures.Add(new RuleSetFailure(source.ToString(), e.Errors));
            }
        }
        return new RuleSetCatalog(compiled, failures, rootList);
    }

    /// <summary>The rule set of an insurer for a fiscal year, if one compiled.</summary>
    public PremiumRuleSet? Find(string insurer, int fiscalYear) => _ruleSets.GetValueOrDefault((insurer, fiscalYear));

    /// <summary>Whether any rule set (compiled or not) exists for the insurer.</summary>
    public bool KnowsInsurer(string insurer) => RuleSets.Any(r => r.Insurer.Id == insurer);

    /// <summary>The default root: the <c>rulesets</c> folder shipped next to the application.</summary>
    public static string BundledRoot => Path.Combine(AppContext.BaseDirectory, "rulesets");
}
