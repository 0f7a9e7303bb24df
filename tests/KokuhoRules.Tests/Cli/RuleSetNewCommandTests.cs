using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using KokuhoRules.Engine.RuleSets;
using KokuhoRules.Tests.Support;
using NodaTime;
using NodaTime.Text;

namespace KokuhoRules.Tests.Cli;

/// <summary>
/// <c>kokuho rulesets new</c>: next year's draft of every capability of an owner, copied from the published year —
/// it loads and validates as a draft, and its files differ from the year copied only where the command says.
/// </summary>
public sealed class RuleSetNewCommandTests : IDisposable
{
    private readonly DirectoryInfo _out = Directory.CreateTempSubdirectory("kokuho-new-");

    public void Dispose() => _out.Delete(recursive: true);

    private CliRun New(string owner, params string[] more) =>
        CliRun.Command(["rulesets", "new", "--insurer", owner, "--from", "2025", "--to", "2026", "--root", TestRuleSets.BundledRoot, "--out", _out.FullName, .. more]);

    [Fact]
    public void Drafts_of_2026_from_2025_validate_and_differ_only_where_stated()
    {
        var national = New("national");
        var city = New("amagasaki");

        Assert.True(national.ExitCode == 0, national.ToString());
        Assert.True(city.ExitCode == 0, city.ToString());
        var validate = CliRun.Validate(_out.FullName);
        Assert.True(validate.ExitCode == 0, validate.ToString());
        Assert.Contains(validate.OutputLines, l => Regex.IsMatch(l, @"^ok\s+amagasaki/2026\s+version 2026\.1\s+draft\s+sha256:[0-9a-f]{64}\s+premium\s+\(\d+ parameters not confirmed"));
        Assert.Contains(validate.OutputLines, l => Regex.IsMatch(l, @"^ok\s+amagasaki/2026\s+version 2026\.1\s+draft\s+sha256:[0-9a-f]{64}\s+withholding\b"));

        // Every capability each owner has in 2025, and nothing else.
        string[] Capabilities(string root, string owner, int year) =>
            Directory.EnumerateDirectories(Path.Combine(root, owner, year.ToString())).Select(Path.GetFileName).Order().ToArray()!;
        Assert.Equal(Capabilities(TestRuleSets.BundledRoot, "national", 2025), Capabilities(_out.FullName, "national", 2026));
        Assert.Equal(Capabilities(TestRuleSets.BundledRoot, "amagasaki", 2025), Capabilities(_out.FullName, "amagasaki", 2026));
        Assert.DoesNotContain(Directory.EnumerateDirectories(_out.FullName), d => Path.GetFileName(d).StartsWith('.'));

        foreach (var owner in new[] { "national", "amagasaki" })
        foreach (var capability in Capabilities(TestRuleSets.BundledRoot, owner, 2025))
            AssertDraftOf(Path.Combine(TestRuleSets.BundledRoot, owner, "2025", capability), Path.Combine(_out.FullName, owner, "2026", capability));
    }

    /// <summary>The manifest, parameters and other files of a draft against the layer it was copied from.</summary>
    private static void AssertDraftOf(string source, string draft)
    {
        var sourceFiles = Directory.EnumerateFiles(source).Select(Path.GetFileName).Order().ToArray();
        Assert.Equal(sourceFiles, Directory.EnumerateFiles(draft).Select(Path.GetFileName).Order().ToArray());
        foreach (var name in sourceFiles.Where(n => n is not ("manifest.json" or "parameters.json")))
            Assert.True(File.ReadAllBytes(Path.Combine(source, name!)).AsSpan().SequenceEqual(File.ReadAllBytes(Path.Combine(draft, name!))), $"{draft}/{name} is not a copy");

        var before = Json(source, "manifest.json");
        var after = Json(draft, "manifest.json");
        Assert.Equal(2026, (int)after["fiscalYear"]!);
        Assert.Equal("2026.1", (string)after["version"]!);
        Assert.Equal("draft", (string)after["status"]!);
        Assert.Equal(Shifted((string)before["effective"]!["from"]!), (string)after["effective"]!["from"]!);
        Assert.Equal(Shifted((string)before["effective"]!["until"]!), (string)after["effective"]!["until"]!);
        Assert.Contains(Path.GetRelativePath(Path.GetFullPath(Path.Combine(source, "..", "..", "..")), source).Replace('\\', '/'), (string)after["$comment"]!);
        string[] dropped = ["contentHash", "files", "inForceFrom", "basedOn"];
        string[] changed = ["fiscalYear", "version", "status", "effective", "$comment"];
        Assert.Equal(before.Select(p => p.Key).Where(k => !dropped.Contains(k)).Union(["$comment"]).Order(), after.Select(p => p.Key).Order());
        foreach (var (key, value) in after.Where(p => !changed.Contains(p.Key)))
            Assert.True(JsonNode.DeepEquals(before[key], value), $"{draft}/manifest.json: {key} changed");

        if (File.Exists(Path.Combine(source, "parameters.json")))
        {
            var leaves = 0;
            AssertParameters(Json(source, "parameters.json"), Json(draft, "parameters.json"), "$", ref leaves);
            Assert.True(leaves > 0);
        }
    }

    /// <summary>Same groups and keys; on every parameter: same reference, note and overridable, confirmed false, a toConfirm, the value the same but for dates of FY2025 moved one year.</summary>
    private static void AssertParameters(JsonNode? before, JsonNode? after, string path, ref int leaves)
    {
        if (before is JsonObject b && b.ContainsKey("value") && b.ContainsKey("reference"))
        {
            var a = Assert.IsType<JsonObject>(after);
            leaves++;
            Assert.Equal(b.Select(p => p.Key).Union(["confirmed", "toConfirm"]).Order(), a.Select(p => p.Key).Order());
            foreach (var key in new[] { "reference", "note", "overridable" })
                Assert.True(JsonNode.DeepEquals(b[key], a[key]), $"{path}.{key} changed");
            Assert.False((bool)a["confirmed"]!, path);
            Assert.Contains("2025", (string)a["toConfirm"]!);
            AssertValue(b["value"], a["value"], path + ".value");
            return;
        }
        if (before is JsonObject group)
        {
            var a = Assert.IsType<JsonObject>(after);
            Assert.Equal(group.Select(p => p.Key), a.Select(p => p.Key));
            foreach (var (key, child) in group)
                if (key.StartsWith('$')) Assert.True(JsonNode.DeepEquals(child, a[key]), $"{path}.{key} changed");
                else AssertParameters(child, a[key], path + "." + key, ref leaves);
            return;
        }
        Assert.True(JsonNode.DeepEquals(before, after), $"{path} changed");
    }

    private static void AssertValue(JsonNode? before, JsonNode? after, string path)
    {
        switch (before)
        {
            case JsonArray items:
                var a = Assert.IsType<JsonArray>(after);
                Assert.Equal(items.Count, a.Count);
                for (var i = 0; i < items.Count; i++) AssertValue(items[i], a[i], $"{path}[{i}]");
                return;
            case JsonObject record:
                var o = Assert.IsType<JsonObject>(after);
                Assert.Equal(record.Select(p => p.Key), o.Select(p => p.Key));
                foreach (var (key, child) in record) AssertValue(child, o[key], path + "." + key);
                return;
            case JsonValue v when v.TryGetValue<string>(out var text) && LocalDatePattern.Iso.Parse(text) is { Success: true } date:
                var inYear = date.Value >= new LocalDate(2025, 4, 1) && date.Value <= new LocalDate(2026, 3, 31);
                Assert.Equal(inYear ? Shifted(text) : text, (string)after!);
                return;
            default:
                Assert.True(JsonNode.DeepEquals(before, after), $"{path} changed");
                return;
        }
    }

    private static string Shifted(string date) => LocalDatePattern.Iso.Format(LocalDatePattern.Iso.Parse(date).Value.PlusYears(1));

    private static JsonObject Json(string folder, string file) => JsonNode.Parse(File.ReadAllText(Path.Combine(folder, file)))!.AsObject();

    [Fact]
    public void An_existing_folder_is_never_overwritten()
    {
        Assert.Equal(0, New("amagasaki", "--capability", "premium").ExitCode);
        var folder = Path.Combine(_out.FullName, "amagasaki", "2026", "premium");
        File.AppendAllText(Path.Combine(folder, "parameters.json"), " ");
        var hash = ContentHash.OfFolder(folder);

        var again = New("amagasaki");

        Assert.Equal(1, again.ExitCode);
        var line = Assert.Single(again.Error.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        Assert.Contains("amagasaki/2026/premium already exists", line.Replace('\\', '/'));
        Assert.Equal(hash, ContentHash.OfFolder(folder));
        // Refused before anything was written: not even the capability whose folder did not exist yet.
        Assert.False(Directory.Exists(Path.Combine(_out.FullName, "amagasaki", "2026", "withholding")));
        Assert.DoesNotContain(Directory.EnumerateDirectories(_out.FullName), d => Path.GetFileName(d).StartsWith('.'));
    }

    [Fact]
    public void Only_the_capabilities_named_are_copied()
    {
        var run = New("amagasaki", "--capability", "withholding");

        Assert.True(run.ExitCode == 0, run.ToString());
        Assert.Equal(["withholding"], Directory.EnumerateDirectories(Path.Combine(_out.FullName, "amagasaki", "2026")).Select(Path.GetFileName));
    }

    [Theory]
    [InlineData("nowhere", new string[0], "there is no layer nowhere/2025")]
    [InlineData("amagasaki", new[] { "--capability", "highCost" }, "amagasaki/2025 has no capability 'highCost' (it has: premium, withholding)")]
    public void Wrong_options_get_one_line_and_exit_code_2(string owner, string[] more, string message)
    {
        var run = New(owner, more);

        Assert.Equal(2, run.ExitCode);
        Assert.StartsWith(message, Assert.Single(run.Error.Split('\n', StringSplitOptions.RemoveEmptyEntries)));
        Assert.Empty(Directory.EnumerateFileSystemEntries(_out.FullName));
    }

    [Fact]
    public void A_year_not_after_the_year_copied_is_refused()
    {
        var run = CliRun.Command("rulesets", "new", "--insurer", "amagasaki", "--from", "2025", "--to", "2025", "--out", _out.FullName);

        Assert.Equal(2, run.ExitCode);
        Assert.Equal("--to 2025 must be a fiscal year after --from 2025", run.Error.Trim());
    }

    [Fact]
    public void A_toConfirm_note_on_a_confirmed_value_is_refused_at_its_line()
    {
        using var root = new TempRuleSetRoot();
        const string parameters = "amagasaki/2025/premium/parameters.json";
        root.ReplaceOnce(parameters, "\"value\": 0.0804,", "\"value\": 0.0804, \"toConfirm\": \"令和8年度の料率で確かめる\",");
        root.MakeDraft("amagasaki/2025/premium");
        var line = root.LineContaining(parameters, "toConfirm");

        var run = CliRun.Validate(root.Root);

        Assert.Equal(1, run.ExitCode);
        Assert.Contains($"{parameters}:{line}: $.rates.medical.incomeRate.toConfirm: parameter 'rates.medical.incomeRate' says what is to be confirmed (toConfirm) but not \"confirmed\": false", run.Error);
    }
}
