using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Nodes;
using KokuhoRules.Engine.RuleSets;
using KokuhoRules.Rules.Catalog;
using KokuhoRules.Rules.Premium;

namespace KokuhoRules.Tests.Support;

/// <summary>
/// A temporary copy of the bundled rule sets (or of another root) that a test may break, deleted on dispose. Edits are
/// textual (the rest of each file keeps its lines, so the line numbers errors report can be checked
/// against the file).
/// </summary>
public sealed class TempRuleSetRoot : IDisposable
{
    public TempRuleSetRoot() => Root = TestRuleSets.CopyBundledToTemp();

    /// <summary>A temporary copy of another rule-set root (e.g. test data) instead of the bundled one.</summary>
    public TempRuleSetRoot(string source) => Root = TestRuleSets.CopyToTemp(source);

    /// <summary>The root folder (holds national/&lt;year&gt; and &lt;insurer&gt;/&lt;year&gt;).</summary>
    public string Root { get; }

    /// <summary>The full path of a file or folder under the root, e.g. <c>amagasaki/2025/parameters.json</c>.</summary>
    public string PathOf(string relative) => Path.Combine(Root, relative.Replace('/', Path.DirectorySeparatorChar));

    public string Read(string relative) => File.ReadAllText(PathOf(relative));

    /// <summary>Replaces the single occurrence of <paramref name="oldText"/> in a file; fails the test if it is absent or not unique.</summary>
    public void ReplaceOnce(string relative, string oldText, string newText)
    {
        var text = Read(relative);
        var first = text.IndexOf(oldText, StringComparison.Ordinal);
        Assert.True(first >= 0, $"'{oldText}' not found in {relative}");
        Assert.True(text.IndexOf(oldText, first + 1, StringComparison.Ordinal) < 0, $"'{oldText}' occurs more than once in {relative}");
        File.WriteAllText(PathOf(relative), text[..first] + newText + text[(first + oldText.Length)..]);
    }

    /// <summary>The 1-based number of the only line of a file that contains <paramref name="fragment"/>.</summary>
    public int LineContaining(string relative, string fragment)
    {
        var lines = File.ReadAllLines(PathOf(relative));
        var hits = Enumerable.Range(0, lines.Length).Where(i => lines[i].Contains(fragment, StringComparison.Ordinal)).ToArray();
        Assert.True(hits.Length == 1, $"expected exactly one line of {relative} with '{fragment}', found {hits.Length}");
        return hits[0] + 1;
    }

    /// <summary>Writes a file under the root, creating its folder (a new layer's manifest or parameters).</summary>
    public void Write(string relative, string text)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(PathOf(relative))!);
        File.WriteAllText(PathOf(relative), text);
    }

    /// <summary>
    /// Copies a layer folder to a new one under the root (<c>amagasaki/2025/premium</c> to
    /// <c>amagasaki/2025/premium@2025.2</c>), to be edited into another version of it.
    /// </summary>
    public void CopyLayer(string from, string to)
    {
        Assert.False(Directory.Exists(PathOf(to)), $"{to} exists already");
        Directory.CreateDirectory(PathOf(to));
        foreach (var file in Directory.EnumerateFiles(PathOf(from)))
            File.Copy(file, Path.Combine(PathOf(to), Path.GetFileName(file)));
    }

    /// <summary>Edits a JSON file as a tree and writes it back indented (line numbers then follow the new layout).</summary>
    public void EditJson(string relative, Action<JsonNode> edit)
    {
        var node = JsonNode.Parse(Read(relative))!;
        edit(node);
        File.WriteAllText(PathOf(relative), node.ToJsonString(new JsonSerializerOptions { WriteIndented = true, Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping }));
    }

    /// <summary>Edits a layer's manifest as JSON (the manifest is not part of the content hash).</summary>
    public void EditManifest(string layer, Action<JsonObject> edit) =>
        EditJson(layer + "/" + ContentHash.ManifestFileName, m => edit(m.AsObject()));

    /// <summary>Makes every layer a draft without a hash, so that any edit reaches the compiler's own checks.</summary>
    public void MakeAllDrafts()
    {
        foreach (var manifest in Directory.EnumerateFiles(Root, ContentHash.ManifestFileName, SearchOption.AllDirectories))
            MakeDraft(Path.GetRelativePath(Root, Path.GetDirectoryName(manifest)!).Replace(Path.DirectorySeparatorChar, '/'));
    }

    /// <summary>Turns a layer back into a draft without a content hash, so that its edited files are read and compiled.</summary>
    public void MakeDraft(string layer) => EditManifest(layer, m =>
    {
        m["status"] = "draft";
        m.Remove("contentHash");
    });

    /// <summary>Seals a layer again with the hash of its files as they are now (what <c>kokuho rulesets hash --write</c> does).</summary>
    public string Reseal(string layer)
    {
        var files = ContentHash.FilesOf(PathOf(layer));
        var hash = ContentHash.OfFiles(files);
        EditManifest(layer, m =>
        {
            m["contentHash"] = hash;
            var perFile = new JsonObject();
            foreach (var (path, fileHash) in ContentHash.PerFile(files)) perFile[path] = fileHash;
            m[RuleSetManifest.FileHashesField] = perFile;
        });
        return hash;
    }

    /// <summary>
    /// The premium rule set of <paramref name="insurer"/> and <paramref name="fiscalYear"/> compiled from this root, and
    /// only that one: a test that edits a premium rule set needs no other capability, year or insurer, and compiling
    /// all of them cost about a second per test — for every mutant of a mutation run that reaches the test.
    /// Fails the test with the rule set's errors when it is refused.
    /// </summary>
    public PremiumRuleSet Premium(string insurer = "amagasaki", int fiscalYear = 2025)
    {
        var catalog = KokuhoRuleSets.LoadCapability([Root], PremiumRuleSetCompiler.CapabilityName, (i, y) => i == insurer && y == fiscalYear);
        return catalog.Premium(insurer, fiscalYear)
               ?? throw new Xunit.Sdk.XunitException($"premium {insurer}/{fiscalYear} refused: "
                                                     + string.Join("; ", catalog.Failures.SelectMany(f => f.Errors).Select(e => e.ToString())));
    }

    public void Dispose()
    {
        if (Directory.Exists(Root)) Directory.Delete(Root, recursive: true);
    }
}
