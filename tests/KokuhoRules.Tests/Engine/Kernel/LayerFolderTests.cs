using KokuhoRules.Engine.RuleSets;
using KokuhoRules.Rules.Catalog;
using KokuhoRules.Rules.Premium;
using KokuhoRules.Tests.Support;

namespace KokuhoRules.Tests.Engine.Kernel;

/// <summary>Where the loader expects a layer (owner/year/capability[@version]) and what it says when a folder is elsewhere.</summary>
public sealed class LayerFolderTests
{
    [Fact]
    public void A_layer_left_directly_in_its_year_folder_is_refused_and_told_to_move_into_its_capability_folder()
    {
        using var root = new TempRuleSetRoot();
        foreach (var file in Directory.EnumerateFiles(root.PathOf("amagasaki/2024/premium")))
            File.Move(file, Path.Combine(root.PathOf("amagasaki/2024"), Path.GetFileName(file)));
        Directory.Delete(root.PathOf("amagasaki/2024/premium"));

        var catalog = KokuhoRuleSets.Load([root.Root]);

        var failure = Assert.Single(catalog.Failures);
        Assert.Equal("amagasaki/2024", failure.RuleSet);
        Assert.Contains("move the files of amagasaki/2024 into amagasaki/2024/<capability>/ (eligibility, highCost, premium, withholding)", failure.Errors[0].Message);
        Assert.NotNull(catalog.Premium("amagasaki", 2025));
    }

    [Fact]
    public void A_version_folder_must_carry_the_version_its_manifest_names()
    {
        using var root = new TempRuleSetRoot();
        CopyFolder(root.PathOf("amagasaki/2026/premium"), root.PathOf("amagasaki/2026/premium@2026.3"));
        root.EditManifest("amagasaki/2026/premium@2026.3", m => m["version"] = "2026.2");

        var failure = Assert.Single(KokuhoRuleSets.Load([root.Root]).Failures);

        Assert.Equal("amagasaki/2026/premium@2026.3", failure.RuleSet);
        Assert.Contains("must be named amagasaki/2026/premium (or amagasaki/2026/premium@2026.2)", failure.Errors[0].Message);
    }

    [Fact]
    public void A_second_version_in_its_own_folder_is_served_beside_the_first_and_each_can_be_found()
    {
        using var root = new TempRuleSetRoot();
        CopyFolder(root.PathOf("amagasaki/2026/premium"), root.PathOf("amagasaki/2026/premium@2026.2"));
        root.EditManifest("amagasaki/2026/premium@2026.2", m => m["version"] = "2026.2");

        var catalog = KokuhoRuleSets.Load([root.Root]);

        Assert.Empty(catalog.Failures);
        Assert.Equal(["2026.1", "2026.2"], catalog.Versions(PremiumRuleSetCompiler.CapabilityName, "amagasaki", 2026).Select(v => v.Version));
        Assert.Equal("2026.2", catalog.Premium("amagasaki", 2026)!.Version);
        Assert.Equal("2026.1", catalog.Premium("amagasaki", 2026, "2026.1")!.Version);
    }

    [Fact]
    public void A_layer_of_a_capability_no_compiler_serves_is_refused_naming_the_known_capabilities()
    {
        using var root = new TempRuleSetRoot();
        CopyFolder(root.PathOf("amagasaki/2026/premium"), root.PathOf("amagasaki/2026/nosuch"));
        root.EditManifest("amagasaki/2026/nosuch", m => m["capability"] = "nosuch");

        var failure = Assert.Single(KokuhoRuleSets.Load([root.Root]).Failures);

        Assert.Equal("$.capability", failure.Errors[0].JsonPath);
        Assert.Contains("no compiler serves capability 'nosuch' (known: eligibility, highCost, premium", failure.Errors[0].Message);
    }

    [Fact]
    public void A_manifest_without_a_capability_is_refused_at_the_field()
    {
        using var root = new TempRuleSetRoot();
        root.EditManifest("amagasaki/2026/premium", m => m.Remove("capability"));

        var failure = Assert.Single(KokuhoRuleSets.Load([root.Root]).Failures);

        Assert.Contains(failure.Errors, e => e.JsonPath == "$.capability" && e.Message.Contains("'capability' is required"));
    }

    [Fact]
    public void The_hash_of_a_two_layer_rule_set_is_the_one_it_had_before_layers_were_generalised()
    {
        var rs = TestRuleSets.Amagasaki2025;
        var expected = ContentHash.Combine(rs.Source.National.ContentHash, rs.Source.InsurerLayer.ContentHash);
        var text = $"national:{rs.Source.National.ContentHash}\nmunicipal:{rs.Source.InsurerLayer.ContentHash}\n";

        Assert.Equal(expected, rs.Hash);
        Assert.Equal("sha256:" + Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(text))), rs.Hash);
    }

    private static void CopyFolder(string from, string to)
    {
        Directory.CreateDirectory(to);
        foreach (var file in Directory.EnumerateFiles(from)) File.Copy(file, Path.Combine(to, Path.GetFileName(file)));
    }
}
