using System.Text.Json;
using System.Text.Json.Nodes;
using KokuhoRules.Engine.RuleSets;
using KokuhoRules.Rules.Catalog;
using KokuhoRules.Rules.Premium;

namespace KokuhoRules.Rules.Checks;

/// <summary>
/// The same rule sets "as if no relief existed", for the invariant that reliefs never raise a premium: their layers
/// copied into a temporary root, the national layers' reliefs switched off (7割・5割・2割 and 未就学児 ratios 0, 特定世帯 and
/// 旧被扶養者 ratios 0 and no 所得割 exemption, 非自発的失業者 deeming 100%, 産前産後 only for births from 2199, the 子ども分 18歳未満 均等割 waiver for nobody) and made
/// unsealed drafts; the other layers copied unchanged. The root is deleted once the copies are compiled.
/// </summary>
public static class ReliefFreeRuleSets
{
    /// <summary>A catalog holding, for each rule set given, its relief-free copy (same insurer, year and version).</summary>
    /// <exception cref="InvalidOperationException">A copy is refused (a national layer without one of the relief parameters).</exception>
    public static RuleSetCatalog Build(IEnumerable<PremiumRuleSet> ruleSets)
    {
        var root = Path.Combine(Path.GetTempPath(), $"kokuho-relief-free-{Guid.NewGuid():N}");
        try
        {
            foreach (var layer in ruleSets.SelectMany(rs => rs.Source.Layers).Distinct())
                Copy(layer, root);
            foreach (var manifest in Directory.EnumerateFiles(Path.Combine(root, RuleSetLoader.NationalFolder), ContentHash.ManifestFileName, SearchOption.AllDirectories))
                SwitchOff(Path.GetDirectoryName(manifest)!);
            var catalog = KokuhoRuleSets.Load([root]);
            if (catalog.Failures.Count > 0)
                throw new InvalidOperationException("the relief-free copies are refused:\n" + string.Join("\n", catalog.Failures.SelectMany(f => f.Errors)));
            return catalog;
        }
        finally
        {
            try { Directory.Delete(root, recursive: true); }
            catch (IOException) { }
            catch (UnauthorizedAccessException) { }
        }
    }

    /// <summary>The relief-free copy of one rule set.</summary>
    public static PremiumRuleSet Of(PremiumRuleSet rs) =>
        Build([rs]).Premium(rs.Insurer.Id, rs.FiscalYear, rs.Version) ?? throw new InvalidOperationException($"no relief-free copy of {rs}");

    private static void Copy(RuleSetLayer layer, string root)
    {
        var target = Path.Combine(root, layer.OwnerId, layer.Manifest.FiscalYear.ToString(System.Globalization.CultureInfo.InvariantCulture), Path.GetFileName(layer.Folder));
        if (Directory.Exists(target)) return;
        Directory.CreateDirectory(target);
        foreach (var file in Directory.EnumerateFiles(layer.Folder))
            File.Copy(file, Path.Combine(target, Path.GetFileName(file)));
    }

    private static void SwitchOff(string folder)
    {
        Edit(Path.Combine(folder, ContentHash.ManifestFileName), m =>
        {
            m["status"] = "draft";
            m.Remove("contentHash");
            m.Remove(RuleSetManifest.FileHashesField);
            m.Remove("inForceFrom");
        });
        Edit(Path.Combine(folder, RuleSetLayer.ParametersFileName), p =>
        {
            void Set(string group, string name, JsonNode value)
            {
                if (p[group]?[name] is JsonObject leaf) leaf["value"] = value;
                else throw new InvalidOperationException($"{folder}: no parameter {group}.{name} to switch off");
            }
            foreach (var name in new[] { "sevenTenthsRatio", "fiveTenthsRatio", "twoTenthsRatio" }) Set("reduction", name, 0);
            Set("preschool", "perCapitaRatio", 0);
            Set("specifiedHousehold", "specifiedRatio", 0);
            Set("specifiedHousehold", "continuedRatio", 0);
            Set("formerDependant", "perCapitaRatio", 0);
            Set("formerDependant", "perHouseholdRatio", 0);
            Set("formerDependant", "incomeLevyExempt", false);
            Set("involuntaryUnemployment", "salaryIncomeRatio", 1);
            Set("perinatal", "eligibleBirthsFrom", "2199-01-01");
            // 子ども分 (from FY2026): the 18歳未満 均等割 waiver, where the year has it.
            if (p["ages"]?["childSupportWaiverUntil"] is JsonObject) Set("ages", "childSupportWaiverUntil", -1000); // no age is below it (a baby born in the year is below 0)
        });
    }

    private static void Edit(string path, Action<JsonObject> edit)
    {
        var node = JsonNode.Parse(File.ReadAllText(path))!.AsObject();
        edit(node);
        File.WriteAllText(path, node.ToJsonString(new JsonSerializerOptions { WriteIndented = true }));
    }
}
