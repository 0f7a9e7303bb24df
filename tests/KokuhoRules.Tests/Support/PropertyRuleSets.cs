using KokuhoRules.Engine.RuleSets;
using System.Text.Json;
using System.Text.Json.Nodes;
using KokuhoRules.Rules.Catalog;
using KokuhoRules.Rules.Checks;
using KokuhoRules.Rules.Premium;

namespace KokuhoRules.Tests.Support;

/// <summary>
/// The rule sets the property tests run on, each compiled once for the whole run:
/// <list type="bullet">
/// <item><see cref="Catalog"/>: every bundled and test-data rule set, plus one synthetic variant
///   (<see cref="RoundingVariant"/>, built from amagasaki/2025) whose rounding points use every mode and
///   larger units, so the properties also meet roundings no published city here uses;</item>
/// <item><see cref="NoReliefCatalog"/>: the same rule sets with the national layers' relief ratios
///   (7割・5割・2割 and 未就学児) set to 0, so a household can be assessed "as if no relief existed".</item>
/// </list>
/// </summary>
public static class PropertyRuleSets
{
    /// <summary>The synthetic insurer id of the rounding variant (amagasaki/2025 rates, other roundings).</summary>
    public const string RoundingVariant = "zz-rounding-variant";

    /// <summary>The rule sets household properties are drawn from, with weights: the target city first, then cities with other roundings.</summary>
    public static IReadOnlyList<(int Weight, string Insurer, int FiscalYear)> Pool { get; } =
    [
        (6, "amagasaki", 2025),
        (3, "kainan", 2025),          // reduction amount truncated to 100 yen
        (3, "kyoto-26207", 2024),     // reduction amount rounded up to 10 yen
        (3, "shimonoseki", 2023),     // component truncated to 100 yen
        (3, RoundingVariant, 2025),   // ceiling / half-up / 10–100 yen units, cap not prorated, annual to 100 yen
        (1, "amagasaki", 2024),
        (1, "osaka-city", 2022),
        (1, "niiza", 2025),
        (1, "adachi", 2025),
        (1, "chuo-yamanashi", 2024),
    ];

    private static readonly Lazy<string> LazyVariantRoot = new(BuildVariantRoot);

    private static readonly Lazy<RuleSetCatalog> LazyCatalog = new(() =>
        Checked(KokuhoRuleSets.Load([TestRuleSets.BundledRoot, TestRuleSets.TestDataRoot, LazyVariantRoot.Value]), "property rule sets"));

    private static readonly Lazy<RuleSetCatalog> LazyNoRelief = new(BuildNoReliefCatalog);

    /// <summary>Bundled, test-data and variant rule sets.</summary>
    public static RuleSetCatalog Catalog => LazyCatalog.Value;

    /// <summary>The same rule sets with every relief ratio set to 0.</summary>
    public static RuleSetCatalog NoReliefCatalog => LazyNoRelief.Value;

    public static PremiumRuleSet Get(string insurer, int fiscalYear) =>
        Catalog.Premium(insurer, fiscalYear) ?? throw new InvalidOperationException($"no rule set {insurer}/{fiscalYear}");

    /// <summary>A household of <paramref name="insurer"/>/<paramref name="fiscalYear"/>.</summary>
    public static HouseholdCase Case(string insurer, int fiscalYear, Rules.Snapshots.HouseholdJson household) => new(Get(insurer, fiscalYear), household);

    public static PremiumRuleSet GetWithoutReliefs(string insurer, int fiscalYear) =>
        NoReliefCatalog.Premium(insurer, fiscalYear) ?? throw new InvalidOperationException($"no relief-free rule set {insurer}/{fiscalYear}");

    private static RuleSetCatalog Checked(RuleSetCatalog catalog, string what)
    {
        if (catalog.Failures.Count > 0)
            throw new InvalidOperationException($"{what} are invalid:\n" + string.Join("\n", catalog.Failures.SelectMany(f => f.Errors)));
        return catalog;
    }

    private static string NewTempRoot(string name)
    {
        var root = Path.Combine(Path.GetTempPath(), $"kokuho-props-{name}-{Guid.NewGuid():N}");
        Directory.CreateDirectory(root);
        return root;
    }

    private static void CopyTree(string from, string to)
    {
        foreach (var file in Directory.EnumerateFiles(from, "*", SearchOption.AllDirectories))
        {
            var dest = Path.Combine(to, Path.GetRelativePath(from, file));
            Directory.CreateDirectory(Path.GetDirectoryName(dest)!);
            File.Copy(file, dest, overwrite: false);
        }
    }

    private static JsonObject ReadJson(string path) => JsonNode.Parse(File.ReadAllText(path))!.AsObject();

    private static void WriteJson(string path, JsonNode node) =>
        File.WriteAllText(path, node.ToJsonString(new JsonSerializerOptions { WriteIndented = true }));

    /// <summary>Turns a manifest into an unsealed draft so its files may be edited.</summary>
    private static void MakeDraft(string manifestPath, Action<JsonObject>? edit = null)
    {
        var manifest = ReadJson(manifestPath);
        manifest["status"] = "draft";
        manifest.Remove("contentHash");
        edit?.Invoke(manifest);
        WriteJson(manifestPath, manifest);
    }

    /// <summary>
    /// A root holding only the municipal layer <c>zz-rounding-variant/2025</c>: amagasaki/2025's rates with
    /// the reduction amount rounded up to 10 yen, the child half rounded half-up to 100 yen, items to 10
    /// yen (floor / half-up / ceiling), the component and the annual premium truncated to 100 yen, and the
    /// cap not prorated. The national layer comes from the bundled root.
    /// </summary>
    private static string BuildVariantRoot()
    {
        var root = NewTempRoot("variant");
        AppDomain.CurrentDomain.ProcessExit += (_, _) => TryDelete(root);
        var target = Path.Combine(root, RoundingVariant, "2025", "premium");
        CopyTree(Path.Combine(TestRuleSets.BundledRoot, "amagasaki", "2025", "premium"), target);
        MakeDraft(Path.Combine(target, "manifest.json"), m =>
        {
            m["insurer"] = new JsonObject { ["id"] = RoundingVariant, ["name"] = "property-test rounding variant", ["localGovernmentCode"] = "282022" };
            m["version"] = "2025.props";
        });
        var parametersPath = Path.Combine(target, "parameters.json");
        var p = ReadJson(parametersPath);
        var rounding = p["rounding"]!.AsObject();
        void Set(JsonObject group, string name, JsonObject value) => group[name]!.AsObject()["value"] = value;
        JsonObject R(long unit, string mode, string? target = null)
        {
            var o = new JsonObject();
            if (target is not null) o["target"] = target;
            o["unitYen"] = unit;
            o["mode"] = mode;
            return o;
        }
        Set(rounding, "reduction", R(10, "ceiling", "reductionAmount"));
        Set(rounding, "preschool", R(100, "halfUp", "reducedCharge"));
        Set(rounding, "incomeLevy", R(10, "floor"));
        Set(rounding, "perCapita", R(10, "halfUp"));
        Set(rounding, "perHousehold", R(10, "ceiling"));
        Set(rounding, "component", R(100, "floor"));
        Set(rounding, "annual", R(100, "floor"));
        var proration = p["proration"]!.AsObject();
        proration["capByMonths"]!.AsObject()["value"] = false;
        Set(proration, "proratedCap", R(100, "floor"));
        WriteJson(parametersPath, p);
        return root;
    }

    /// <summary>The same rule sets with the national layers' reliefs switched off (<see cref="ReliefFreeRuleSets"/>).</summary>
    private static RuleSetCatalog BuildNoReliefCatalog()
    {
        var catalog = ReliefFreeRuleSets.Build(Catalog.All<PremiumRuleSet>());
        if (catalog.All<PremiumRuleSet>().Count() != Catalog.All<PremiumRuleSet>().Count())
            throw new InvalidOperationException("the relief-free catalog must hold the same rule sets as the property catalog");
        return catalog;
    }

    private static void TryDelete(string root)
    {
        try { Directory.Delete(root, recursive: true); }
        catch (IOException) { }
        catch (UnauthorizedAccessException) { }
    }
}
