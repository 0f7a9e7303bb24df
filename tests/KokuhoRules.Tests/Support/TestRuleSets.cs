using KokuhoRules.Engine.RuleSets;
using KokuhoRules.Rules.Catalog;
using KokuhoRules.Rules.Premium;

namespace KokuhoRules.Tests.Support;

/// <summary>
/// The rule sets the tests run on: the bundled ones (copied next to the test assembly) plus the
/// other cities' rule sets kept as test data (TestData/rulesets), which reuse the bundled national
/// layers — adding a city is adding files.
/// </summary>
public static class TestRuleSets
{
    public static string BundledRoot => KokuhoRuleSets.BundledRoot;

    public static string TestDataRoot => Path.Combine(AppContext.BaseDirectory, "TestData", "rulesets");

    public static string GoldenRoot => Path.Combine(AppContext.BaseDirectory, "TestData", "golden");

    private static readonly Lazy<RuleSetCatalog> LazyCatalog = new(() =>
    {
        var catalog = KokuhoRuleSets.Load([BundledRoot, TestDataRoot]);
        if (catalog.Failures.Count > 0)
            throw new InvalidOperationException("test rule sets are invalid:\n" + string.Join("\n", catalog.Failures.SelectMany(f => f.Errors)));
        return catalog;
    });

    /// <summary>Bundled and test-data rule sets, compiled once for the whole test run.</summary>
    public static RuleSetCatalog Catalog => LazyCatalog.Value;

    public static PremiumService Service { get; } = new(Catalog);

    public static PremiumRuleSet Get(string insurer, int fiscalYear) =>
        Catalog.Premium(insurer, fiscalYear) ?? throw new InvalidOperationException($"no rule set {insurer}/{fiscalYear}");

    public static PremiumRuleSet Amagasaki2025 => Get("amagasaki", 2025);

    /// <summary>Copies the bundled rule sets into a fresh temporary folder a test may break.</summary>
    public static string CopyBundledToTemp() => CopyToTemp(BundledRoot);

    /// <summary>Copies a rule-set root (e.g. test data) into a fresh temporary folder a test may break.</summary>
    public static string CopyToTemp(string root)
    {
        var target = Path.Combine(Path.GetTempPath(), "kokuho-rulesets-" + Guid.NewGuid().ToString("N"));
        foreach (var file in Directory.EnumerateFiles(root, "*", SearchOption.AllDirectories))
        {
            var dest = Path.Combine(target, Path.GetRelativePath(root, file));
            Directory.CreateDirectory(Path.GetDirectoryName(dest)!);
            File.Copy(file, dest);
        }
        return target;
    }

    /// <summary>Reads a layer as the loader does, for tests of the compiler.</summary>
    public static RuleSetSource Source(string root, string insurer, int fiscalYear)
    {
        var scan = KokuhoRuleSets.Scan([root]);
        return scan.Sources.Single(s => s.Insurer == insurer && s.FiscalYear == fiscalYear);
    }
}
