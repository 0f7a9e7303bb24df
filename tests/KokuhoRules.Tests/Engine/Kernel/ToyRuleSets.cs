using KokuhoRules.Engine.RuleSets;
using NodaTime;
using NodaTime.Testing;

namespace KokuhoRules.Tests.Engine.Kernel;

/// <summary>
/// The toy capability's rule sets (TestData/kernel/rulesets): national/2025/toy (parameters, the NoticeKind workflow,
/// joins.json), hyogo/2025/toy (the prefecture's office group) and amagasaki/2025/toy (2025.1, published, in force from
/// 2025-04-01) beside amagasaki/2025/toy@2025.2 (a draft). Loaded with the toy compiler alone: no premium code.
/// </summary>
public static class ToyRuleSets
{
    public static string Root => Path.Combine(AppContext.BaseDirectory, "TestData", "kernel", "rulesets");

    /// <summary>The catalog's "today" in these tests, unless a test gives another.</summary>
    public static readonly LocalDate Today = new(2025, 6, 1);

    /// <summary>Loads roots with the toy compiler only, "today" being <paramref name="today"/> (default <see cref="Today"/>) in Tokyo.</summary>
    public static RuleSetCatalog Load(string root, LocalDate? today = null) =>
        RuleSetCatalog.Load([root], [new ToyCompiler()],
            clock: new FakeClock((today ?? Today).AtStartOfDayInZone(DateTimeZoneProviders.Tzdb["Asia/Tokyo"]).ToInstant()));

    private static readonly Lazy<RuleSetCatalog> LazyCatalog = new(() =>
    {
        var catalog = Load(Root);
        if (catalog.Failures.Count > 0)
            throw new InvalidOperationException("toy rule sets are invalid:\n" + string.Join("\n", catalog.Failures.SelectMany(f => f.Errors)));
        return catalog;
    });

    /// <summary>The test data, loaded once.</summary>
    public static RuleSetCatalog Catalog => LazyCatalog.Value;

    public static ToyRuleSet Version(string version) =>
        Catalog.Find<ToyRuleSet>("amagasaki", 2025, version) ?? throw new InvalidOperationException($"no toy rule set amagasaki/2025 {version}");

    public static LocalDate Day(int offset) => new LocalDate(2025, 5, 1).PlusDays(offset);
}
