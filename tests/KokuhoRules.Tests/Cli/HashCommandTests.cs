using System.Text.Json;
using System.Text.RegularExpressions;
using KokuhoRules.Engine.RuleSets;
using KokuhoRules.Tests.Support;

namespace KokuhoRules.Tests.Cli;

/// <summary><c>kokuho rulesets hash [--write]</c>: the content hash that seals a published layer.</summary>
public sealed class HashCommandTests
{
    private static string ManifestHash(string layerFolder)
    {
        using var doc = JsonDocument.Parse(File.ReadAllText(Path.Combine(layerFolder, "manifest.json")));
        return doc.RootElement.GetProperty("contentHash").GetString()!;
    }

    /// <summary>The hash printed on the line named <paramref name="name"/> (<c>layer hash</c> or <c>ruleset hash</c>).</summary>
    private static string Printed(CliRun run, string name) =>
        Regex.Match(Assert.Single(run.OutputLines, l => l.StartsWith(name + " ", StringComparison.Ordinal)), "sha256:[0-9a-f]{64}").Value;

    [Fact]
    public void The_hash_of_a_bundled_published_layer_is_the_one_it_is_sealed_with_and_the_rule_set_hash_is_the_one_the_API_shows()
    {
        var folder = Path.Combine(TestRuleSets.BundledRoot, "amagasaki", "2025", "premium");

        var run = CliRun.Hash(folder, write: false);

        Assert.Equal(0, run.ExitCode);
        Assert.Equal(2, run.OutputLines.Length);
        Assert.Equal(ManifestHash(folder), Printed(run, "layer hash"));
        Assert.Equal(TestRuleSets.Amagasaki2025.Hash, Printed(run, "ruleset hash"));
        Assert.Contains("amagasaki/2025/premium with national/2025/premium", run.OutputLines[1]);
    }

    [Fact]
    public void A_national_layer_has_no_rule_set_hash_of_its_own()
    {
        var run = CliRun.Hash(Path.Combine(TestRuleSets.BundledRoot, "national", "2025", "premium"), write: false);

        Assert.Equal(0, run.ExitCode);
        Assert.Matches("^sha256:[0-9a-f]{64}$", Printed(run, "layer hash"));
        Assert.Contains("one per city of that year", Assert.Single(run.OutputLines, l => l.StartsWith("ruleset hash", StringComparison.Ordinal)));
    }

    [Fact]
    public void Write_seals_an_edited_layer_so_that_validate_accepts_it_as_published()
    {
        using var root = new TempRuleSetRoot();
        var layer = root.PathOf("amagasaki/2025/premium");
        var before = ManifestHash(layer);
        root.ReplaceOnce("amagasaki/2025/premium/parameters.json", "\"value\": 31200", "\"value\": 31300"); // medical 均等割
        var refused = CliRun.Validate(root.Root);
        Assert.True(refused.ExitCode == 1 && refused.Error.Contains("no longer match", StringComparison.Ordinal), refused.ToString());

        var write = CliRun.Hash(layer, write: true);

        Assert.True(write.ExitCode == 0, write.ToString());
        var written = Printed(write, "layer hash");
        Assert.NotEqual(before, written);
        Assert.StartsWith("written to ", write.OutputLines[^1]);
        Assert.Equal(written, ManifestHash(layer));
        Assert.Equal(written, Printed(CliRun.Hash(layer, write: false), "layer hash"));

        var accepted = CliRun.Validate(root.Root);
        Assert.True(accepted.ExitCode == 0, accepted.ToString());
        var line = Assert.Single(accepted.OutputLines, l => l.Contains("amagasaki/2025", StringComparison.Ordinal) && Regex.IsMatch(l, @"\spremium(\s|$)"));
        Assert.Matches(@"^ok\s+amagasaki/2025\s+version 2025\.1\s+published\s", line);
        Assert.Contains(ContentHash.Combine(ManifestHash(root.PathOf("national/2025/premium")), written), line);
        Assert.Contains(Printed(write, "ruleset hash"), line);
    }

    [Fact]
    public void Write_keeps_the_rest_of_the_manifest_readable()
    {
        using var root = new TempRuleSetRoot();
        var layer = root.PathOf("amagasaki/2024/premium");
        var manifestPath = Path.Combine(layer, "manifest.json");
        using var original = JsonDocument.Parse(File.ReadAllText(manifestPath));

        Assert.Equal(0, CliRun.Hash(layer, write: true).ExitCode);

        var text = File.ReadAllText(manifestPath);
        Assert.Contains("尼崎市", text); // not \u-escaped
        using var rewritten = JsonDocument.Parse(text);
        foreach (var property in original.RootElement.EnumerateObject())
            Assert.Equal(property.Value.GetRawText(), rewritten.RootElement.GetProperty(property.Name).GetRawText());
        Assert.Matches("^sha256:[0-9a-f]{64}$", rewritten.RootElement.GetProperty("contentHash").GetString());
        Assert.False(File.Exists(manifestPath + ".tmp"));
        // A draft with a hash is still a draft, and still valid.
        Assert.Equal(0, CliRun.Validate(root.Root).ExitCode);
    }

    [Fact]
    public void The_hash_depends_on_the_content_and_not_on_the_manifest()
    {
        using var root = new TempRuleSetRoot();
        var layer = root.PathOf("amagasaki/2024/premium");
        var first = Printed(CliRun.Hash(layer, write: false), "layer hash");

        root.EditManifest("amagasaki/2024/premium", m => m["description"] = "changed");
        Assert.Equal(first, Printed(CliRun.Hash(layer, write: false), "layer hash"));

        File.AppendAllText(root.PathOf("amagasaki/2024/premium/parameters.json"), "\n");
        Assert.NotEqual(first, Printed(CliRun.Hash(layer, write: false), "layer hash"));
    }

    [Fact]
    public void A_missing_folder_fails()
    {
        var run = CliRun.Hash(Path.Combine(Path.GetTempPath(), "kokuho-missing-" + Guid.NewGuid().ToString("N")), write: false);

        Assert.Equal(1, run.ExitCode);
        Assert.Contains("no such folder", run.Error);
        Assert.Equal("", run.Output);
    }

    [Fact]
    public void Write_without_a_manifest_fails()
    {
        var folder = Directory.CreateTempSubdirectory("kokuho-layer-");
        try
        {
            File.WriteAllText(Path.Combine(folder.FullName, "parameters.json"), "{}");
            var run = CliRun.Hash(folder.FullName, write: true);
            Assert.Equal(1, run.ExitCode);
            Assert.Contains("no manifest.json", run.Error);
            Assert.False(File.Exists(Path.Combine(folder.FullName, "manifest.json")));
        }
        finally
        {
            folder.Delete(recursive: true);
        }
    }
}
