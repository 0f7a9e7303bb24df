using KokuhoRules.Engine.RuleSets;
using KokuhoRules.Rules.Premium;

namespace KokuhoRules.Rules.Catalog;

/// <summary>
/// The kokuho capabilities on the engine's rule-set kernel: every compiler in this assembly (a class
/// deriving from <see cref="RuleSetCompiler{TRuleSet}"/>, found by reflection, so a new capability is a
/// folder, a compiler class and its rule-set files), and the catalog loaded with them.
/// </summary>
public static class KokuhoRuleSets
{
    /// <summary>One instance of every compiler of the assembly, by capability name.</summary>
    public static IReadOnlyList<IRuleSetCompiler> Compilers { get; } = typeof(KokuhoRuleSets).Assembly.GetTypes()
        .Where(t => t is { IsAbstract: false, IsClass: true } && typeof(IRuleSetCompiler).IsAssignableFrom(t) && t.GetConstructor(Type.EmptyTypes) is not null)
        .Select(t => (IRuleSetCompiler)Activator.CreateInstance(t)!)
        .OrderBy(c => c.Capability, StringComparer.Ordinal)
        .ToArray();

    /// <summary>Reads and compiles every rule set under the roots (or only those <paramref name="include"/> accepts: insurer and fiscal year, any capability).</summary>
    public static RuleSetCatalog Load(IEnumerable<string> roots, Func<string, int, bool>? include = null, NodaTime.IClock? clock = null) =>
        RuleSetCatalog.Load(roots, Compilers, include is null ? null : (_, insurer, year) => include(insurer, year), clock: clock);

    /// <summary>
    /// Reads and compiles the rule sets of one capability only (and of those, only those <paramref name="include"/> accepts:
    /// insurer and fiscal year): what a command that serves one capability loads, so that it does not pay for compiling the others.
    /// </summary>
    public static RuleSetCatalog LoadCapability(IEnumerable<string> roots, string capability, Func<string, int, bool>? include = null) =>
        LoadCapabilities(roots, [capability], include);

    /// <summary>Reads and compiles the rule sets of the <paramref name="capabilities"/> only (e.g. a 本算定 run: the premium's, and the withholding's with <c>--withholding</c>).</summary>
    public static RuleSetCatalog LoadCapabilities(IEnumerable<string> roots, IReadOnlyCollection<string> capabilities, Func<string, int, bool>? include = null) =>
        RuleSetCatalog.Load(roots, Compilers, (c, insurer, year) => capabilities.Contains(c) && (include is null || include(insurer, year)));

    /// <summary>Reads and assembles the rule sets under the roots without compiling them (for tools: hashes, tests of a compiler).</summary>
    public static RuleSetScan Scan(IEnumerable<string> roots) =>
        RuleSetLoader.Scan(roots, Compilers.ToDictionary(c => c.Capability, c => new RuleSetLoader.CapabilityShape(c.InsurerLayers, c.FileNames)));

    /// <summary>The default root: the <c>rulesets</c> folder shipped next to the application.</summary>
    public static string BundledRoot => Path.Combine(AppContext.BaseDirectory, "rulesets");

    /// <summary>The generated schema of every parameter file of every capability, by file name (<c>premium.municipal.parameters.schema.json</c>).</summary>
    public static (string FileName, System.Text.Json.Nodes.JsonObject Schema)[] ParameterSchemas() =>
        PremiumRuleSetCompiler.ParameterSchemas().Concat(global::KokuhoRules.Rules.Withholding.WithholdingRuleSetCompiler.ParameterSchemas())
            .Concat(global::KokuhoRules.Rules.Eligibility.EligibilityRuleSetCompiler.ParameterSchemas()).Concat(global::KokuhoRules.Rules.HighCost.HighCostRuleSetCompiler.ParameterSchemas()).ToArray();

    /// <summary>
    /// The Japanese name of a parameter of <paramref name="capability"/> (the schemas' <c>title</c>, from
    /// <c>[ParameterLabel]</c>), as <c>rulesets diff</c> and the staff pages show it beside the key; null if it has none.
    /// </summary>
    public static Func<string, string?> ParameterLabels(string capability)
    {
        var schemas = ParameterSchemas().Where(s => s.FileName.StartsWith(capability + ".", StringComparison.Ordinal)).Select(s => s.Schema).ToArray();
        return path => ParameterSchema.LabelOf(schemas, path);
    }

    /// <summary>The premium rule set of an insurer for a year (the newest version, or <paramref name="version"/>), if one compiled.</summary>
    public static PremiumRuleSet? Premium(this RuleSetCatalog catalog, string insurer, int fiscalYear, string? version = null) =>
        catalog.Find<PremiumRuleSet>(insurer, fiscalYear, version);
}
