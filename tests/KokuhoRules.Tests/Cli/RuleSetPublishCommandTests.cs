using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using KokuhoRules.Cli;
using KokuhoRules.Engine.Audit;
using KokuhoRules.Engine.RuleSets;
using KokuhoRules.Rules.Catalog;
using KokuhoRules.Rules.Publication;
using KokuhoRules.Rules.Premium;
using KokuhoRules.Rules.Snapshots;
using KokuhoRules.Tests.Support;
using NodaTime;
using NodaTime.Text;

namespace KokuhoRules.Tests.Cli;

/// <summary>
/// <c>kokuho rulesets publish</c>: the gate refuses each failure kind on its own line (exit 1) and writes nothing; a layer
/// that passes is sealed (status, hash, who, when, waivers), audited, served by default on a date in its period, refused
/// at load once a file changes, and never published again.
/// </summary>
public sealed class RuleSetPublishCommandTests : IDisposable
{
    private readonly TempRuleSetRoot _root = new();
    private readonly string _audit;

    public RuleSetPublishCommandTests() => _audit = Path.Combine(_root.Root, "..", Path.GetFileName(_root.Root) + "-audit.jsonl");

    public void Dispose()
    {
        _root.Dispose();
        if (File.Exists(_audit)) File.Delete(_audit);
    }

    private CliRun Publish(string layer, params string[] more) =>
        CliRun.Command(["rulesets", "publish", layer, "--by", "staff-tanaka", "--root", _root.Root, "--audit-log", _audit, .. more]);

    /// <summary>A waivers file for every unconfirmed value <paramref name="layer"/> writes (read from the compiled rule sets, not from the code under test).</summary>
    private string WaiversFor(string layer, params string[] roots)
    {
        var catalog = KokuhoRuleSets.Load(roots.Length > 0 ? roots : [_root.Root]);
        var paths = catalog.RuleSets.SelectMany(r => r.ParameterTable.All)
            .Where(p => !p.Confirmed && p.File.StartsWith(layer + "/", StringComparison.Ordinal)).Select(p => p.Path).Distinct().ToArray();
        Assert.NotEmpty(paths);
        var file = Path.Combine(_root.Root, "waivers-" + layer.Replace('/', '-') + ".json"); // a file at the root is no layer: deleted with it
        var waivers = new JsonObject();
        foreach (var p in paths) waivers[p] = "令和8年度の告示前に試行として公開 (試験)";
        File.WriteAllText(file, waivers.ToJsonString());
        return file;
    }

    private static string[] Refusals(CliRun run, string kind) =>
        run.Error.Split('\n', StringSplitOptions.RemoveEmptyEntries).Where(l => l.StartsWith($"refused [{kind}] ", StringComparison.Ordinal)).ToArray();

    private string ManifestText(string layer) => _root.Read(layer + "/manifest.json");

    [Fact]
    public void Amagasaki_2026_published_with_waivers_loads_as_published_with_its_seal_and_serves_a_date_in_its_period_by_default()
    {
        var national = Publish("national/2026", "--waivers", WaiversFor("national/2026/premium"));
        Assert.True(national.ExitCode == 0, national.ToString());
        var city = Publish("amagasaki/2026", "--waivers", WaiversFor("amagasaki/2026/premium"));
        Assert.True(city.ExitCode == 0, city.ToString());

        var folder = _root.PathOf("amagasaki/2026/premium");
        var manifest = JsonNode.Parse(ManifestText("amagasaki/2026/premium"))!.AsObject();
        Assert.Equal("published", manifest["status"]!.GetValue<string>());
        Assert.Equal(ContentHash.OfFolder(folder), manifest["contentHash"]!.GetValue<string>());
        Assert.Equal("staff-tanaka", manifest["publishedBy"]!.GetValue<string>());
        Assert.True(InstantPattern.ExtendedIso.Parse(manifest["publishedAt"]!.GetValue<string>()).Success);
        var waived = manifest["waivers"]!.AsArray();
        Assert.Equal(JsonNode.Parse(File.ReadAllText(WaiversFor("amagasaki/2026/premium")))!.AsObject().Count, waived.Count);
        Assert.All(waived, w => Assert.False(string.IsNullOrWhiteSpace(w!["reason"]!.GetValue<string>())));

        var catalog = KokuhoRuleSets.Load([_root.Root]);
        Assert.DoesNotContain(catalog.Failures, f => f.FiscalYear == 2026 && f.Capability == "premium");
        var (rs, refusal) = catalog.Resolve(new RuleSetQuery("premium", "amagasaki", 2026) { AsOf = new LocalDate(2026, 6, 1) });
        Assert.Null(refusal);
        Assert.Equal(RuleSetStatus.Published, rs!.Status);
        Assert.Equal(manifest["contentHash"]!.GetValue<string>(), rs.Source.InsurerLayer.ContentHash);
        Assert.Contains(city.OutputLines, l => l.StartsWith("ruleset ", StringComparison.Ordinal) && l.EndsWith(rs.Hash, StringComparison.Ordinal));

        // A call that names no version and is no trial is now served by it (before, the draft answered 422 draft-ruleset).
        var request = new AssessmentRequest
        {
            Insurer = "amagasaki", FiscalYear = 2026, AsOf = new LocalDate(2026, 6, 1),
            Household = JsonSerializer.Deserialize<HouseholdJson>("""{ "id": "H-1", "headId": "P1", "members": [ { "id": "P1", "birthDate": "1980-05-01", "coverage": [ { "acquired": "2020-04-01", "lost": null } ], "income": { "declared": true, "totalIncome": 0 } } ] }""", KokuhoJson.Options),
        };
        var (response, failure) = new PremiumService(catalog).Assess(request, trace: false);
        Assert.True(failure is null, failure?.Detail);
        Assert.Equal("published", response!.Ruleset.Status);
        Assert.Equal(rs.Hash, response.Ruleset.Hash);
    }

    [Fact]
    public void Each_publication_is_audited_with_who_the_version_the_hash_and_the_waivers()
    {
        var waivers = WaiversFor("national/2026/premium");
        var run = Publish("national/2026", "--waivers", waivers);
        Assert.True(run.ExitCode == 0, run.ToString());

        using var store = new FileAuditStore(_audit);
        var entry = Assert.Single(store.ReadAll()).Entry;
        Assert.Equal("staff-tanaka", entry.Holder);
        Assert.Equal("kokuho rulesets publish", entry.Path);
        var layerHash = JsonNode.Parse(ManifestText("national/2026/premium"))!["contentHash"]!.GetValue<string>();
        Assert.Contains(entry.RuleSets, r => r.Insurer == "national" && r.FiscalYear == 2026 && r.Version == "2026.1" && r.Hash == layerHash);
        Assert.Contains("layer:national/2026/premium@2026.1", entry.Subjects);
        foreach (var (path, _) in JsonNode.Parse(File.ReadAllText(waivers))!.AsObject()) Assert.Contains("waiver:" + path, entry.Subjects);
        Assert.Equal(Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(File.ReadAllBytes(_root.PathOf("national/2026/premium/manifest.json")))), entry.BodySha256);
    }

    [Fact]
    public void A_published_version_is_not_published_again_and_a_later_edit_of_its_file_is_refused_at_load()
    {
        Assert.Equal(0, Publish("national/2026", "--waivers", WaiversFor("national/2026/premium")).ExitCode);
        var sealedManifest = ManifestText("national/2026/premium");

        var again = Publish("national/2026", "--waivers", WaiversFor("national/2026/premium"));
        Assert.Equal(RuleSetPublisher.ExitCodes.Refused, again.ExitCode);
        Assert.Single(Refusals(again, "immutable"));
        Assert.Equal(sealedManifest, ManifestText("national/2026/premium"));

        _root.ReplaceOnce("national/2026/premium/parameters.json", "\"value\": 670000,", "\"value\": 680000,");
        var catalog = KokuhoRuleSets.Load([_root.Root]);
        var failure = Assert.Single(catalog.Failures, f => f.RuleSet == "national/2026/premium");
        Assert.Contains(failure.Errors, e => e.File == "national/2026/premium/parameters.json" && e.Message.Contains("no longer matches the hash sealed", StringComparison.Ordinal));
        Assert.DoesNotContain(catalog.RuleSets, r => r.FiscalYear == 2026 && r.Capability == "premium");
    }

    [Fact]
    public void Unconfirmed_values_without_a_waiver_are_refused_each_at_its_file_and_line_and_nothing_is_written()
    {
        var before = ManifestText("national/2026/premium");

        var run = Publish("national/2026");

        Assert.Equal(RuleSetPublisher.ExitCodes.Refused, run.ExitCode);
        var lines = Refusals(run, "unconfirmed");
        Assert.Equal(KokuhoRuleSets.Load([_root.Root]).Premium("amagasaki", 2026)!.ParameterTable.All.Count(p => !p.Confirmed && p.File.StartsWith("national/", StringComparison.Ordinal)), lines.Length);
        var line = _root.LineContaining("national/2026/premium/parameters.json", "\"salaryRevenueAbove\"");
        Assert.Contains(lines, l => l.Contains($"national/2026/premium/parameters.json:{line}: salaryEarner.salaryRevenueAbove is confirmed: false", StringComparison.Ordinal));
        Assert.Equal(before, ManifestText("national/2026/premium"));
        Assert.False(File.Exists(_audit));
    }

    [Fact]
    public void A_layer_above_that_is_still_a_draft_is_refused()
    {
        var run = Publish("amagasaki/2026", "--waivers", WaiversFor("amagasaki/2026/premium"));

        Assert.Equal(RuleSetPublisher.ExitCodes.Refused, run.ExitCode);
        Assert.Contains("national/2026/premium: version 2026.1 above this layer is a draft", Assert.Single(Refusals(run, "upper-layer")));
        Assert.Empty(Refusals(run, "unconfirmed"));
    }

    [Fact]
    public void A_validation_error_is_refused_at_its_file_and_line()
    {
        _root.ReplaceOnce("amagasaki/2026/premium/parameters.json", "\"value\": 0.0804,", "\"value\": \"8%\",");
        var line = _root.LineContaining("amagasaki/2026/premium/parameters.json", "\"8%\"");

        var run = Publish("amagasaki/2026");

        Assert.Equal(RuleSetPublisher.ExitCodes.Refused, run.ExitCode);
        Assert.Contains(Refusals(run, "validation"), l => l.Contains($"amagasaki/2026/premium/parameters.json:{line}:", StringComparison.Ordinal));
        Assert.Equal("draft", JsonNode.Parse(ManifestText("amagasaki/2026/premium"))!["status"]!.GetValue<string>());
    }

    [Fact]
    public void With_json_the_outcome_names_each_failure_with_its_kind_and_location()
    {
        var refused = Publish("national/2026", "--json");
        Assert.Equal(RuleSetPublisher.ExitCodes.Refused, refused.ExitCode);
        var doc = JsonNode.Parse(refused.Output)!.AsObject();
        Assert.False(doc["published"]!.GetValue<bool>());
        var failures = doc["steps"]!.AsArray().SelectMany(s => s!["failures"]!.AsArray()).ToArray();
        Assert.Equal(Refusals(refused, "unconfirmed").Length, failures.Length);
        Assert.All(failures, f => Assert.Equal("unconfirmed", f!["kind"]!.GetValue<string>()));
        Assert.Contains(failures, f => f!["location"]!.GetValue<string>() == $"national/2026/premium/parameters.json:{_root.LineContaining("national/2026/premium/parameters.json", "\"salaryRevenueAbove\"")}");

        var published = Publish("national/2026", "--json", "--waivers", WaiversFor("national/2026/premium"));
        Assert.Equal(0, published.ExitCode);
        var done = JsonNode.Parse(published.Output)!.AsObject();
        Assert.True(done["published"]!.GetValue<bool>());
        Assert.Equal(JsonNode.Parse(ManifestText("national/2026/premium"))!["contentHash"]!.GetValue<string>(), done["contentHash"]!.GetValue<string>());
        Assert.Equal(failures.Length, done["waivers"]!.AsArray().Count);
        Assert.Contains(done["steps"]!.AsArray(), s => s!["step"]!.GetValue<string>().Contains("golden", StringComparison.Ordinal) && s["nothingChecked"]!.GetValue<bool>());
    }

    [Fact]
    public void A_publication_record_edited_into_something_else_is_refused_at_load()
    {
        Assert.Equal(0, Publish("national/2026", "--waivers", WaiversFor("national/2026/premium")).ExitCode);
        _root.EditManifest("national/2026/premium", m => m["publishedAt"] = "yesterday");

        var failure = Assert.Single(KokuhoRuleSets.Load([_root.Root]).Failures, f => f.RuleSet == "national/2026/premium");

        Assert.Contains(failure.Errors, e => e.JsonPath == "$.publishedAt" && e.Line > 0);
    }

    [Fact]
    public void No_golden_case_is_shown_as_0_golden_cases_not_as_a_pass_and_the_invariants_run_on_every_rule_set_built_on_the_layer()
    {
        var run = Publish("national/2026", "--waivers", WaiversFor("national/2026/premium"));

        Assert.Equal(0, run.ExitCode);
        Assert.Contains(run.OutputLines, l => Regex.IsMatch(l, @"^NONE\s+ゴールデンケース \(golden cases\): 0 golden cases \(none in national/2026/cases/premium\)"));
        Assert.Contains(run.OutputLines, l => Regex.IsMatch(l, @"性質の検査 \(property checks\).*amagasaki/2026@2026\.1 premium: 11 of 11 invariants hold \(100 cases each, seed \d+\)"));
    }

    /// <summary>Kushima FY2025 (test data) made a draft again, with its published worked examples as its own golden cases.</summary>
    private (TempRuleSetRoot Root, string[] Cases) KushimaWithCases()
    {
        var root = new TempRuleSetRoot(TestRuleSets.TestDataRoot);
        root.MakeDraft("kushima/2025/premium");
        var cases = Directory.EnumerateFiles(TestRuleSets.GoldenRoot, "kushima-*.json").Order(StringComparer.Ordinal).ToArray();
        Assert.NotEmpty(cases);
        foreach (var c in cases) root.Write("kushima/2025/cases/premium/" + Path.GetFileName(c), File.ReadAllText(c));
        return (root, cases);
    }

    private CliRun PublishKushima(TempRuleSetRoot root) =>
        CliRun.Command(["rulesets", "publish", "kushima/2025", "--by", "staff-tanaka", "--root", TestRuleSets.BundledRoot, "--root", root.Root, "--audit-log", _audit,
            "--waivers", WaiversFor("kushima/2025/premium", TestRuleSets.BundledRoot, root.Root)]);

    [Fact]
    public void The_rule_sets_own_golden_cases_are_run_and_a_cases_folder_is_not_read_as_a_layer()
    {
        var (root, cases) = KushimaWithCases();
        using var _ = root;

        Assert.Equal(0, CliRun.Validate(TestRuleSets.BundledRoot, root.Root).ExitCode);
        var run = PublishKushima(root);

        Assert.True(run.ExitCode == 0, run.ToString());
        Assert.Contains(run.OutputLines, l => l.StartsWith("ok", StringComparison.Ordinal) && l.Contains($"{cases.Length} golden case(s), {cases.Length} passed", StringComparison.Ordinal));
    }

    [Fact]
    public void A_golden_case_the_rule_set_does_not_reproduce_is_refused_naming_the_case_and_the_figure()
    {
        var (root, cases) = KushimaWithCases();
        using var _ = root;
        var file = "kushima/2025/cases/premium/" + Path.GetFileName(cases[0]);
        var published = JsonNode.Parse(root.Read(file))!["expected"]!["annualPremium"]!.GetValue<long>();
        root.EditJson(file, c => c["expected"]!["annualPremium"] = published + 100);

        var run = PublishKushima(root);

        Assert.Equal(RuleSetPublisher.ExitCodes.Refused, run.ExitCode);
        Assert.Contains($"refused [golden] {file}: ", Assert.Single(Refusals(run, "golden")));
        Assert.Contains($"annualPremium: published {published + 100}, computed {published}", Assert.Single(Refusals(run, "golden")));
        Assert.Equal("draft", JsonNode.Parse(root.Read("kushima/2025/premium/manifest.json"))!["status"]!.GetValue<string>());
    }

    private sealed class FailingPropertyCheck : IPublicationStep
    {
        public string Name => "test invariant";

        public PublicationStepResult Check(PublicationCandidate candidate) =>
            new(Name, candidate.RuleSets.Select(r => new PublicationFailure("property", r.ToString(), "more income lowered the premium (seed 7)")).ToArray(), []);
    }

    [Fact]
    public void A_failing_property_check_plugged_into_the_gate_refuses()
    {
        var output = new StringWriter();
        var error = new StringWriter();
        var args = new RuleSetPublisher.Args("national/2026", "premium", "staff-tanaka", [], WaiversFor("national/2026/premium"), [_root.Root], null, _audit, false);

        var code = RuleSetPublisher.Publish(args, [new FailingPropertyCheck()], SystemClock.Instance, output, error);

        Assert.Equal(RuleSetPublisher.ExitCodes.Refused, code);
        Assert.Contains("refused [property] amagasaki/2026 2026.1: more income lowered the premium (seed 7)", error.ToString());
        Assert.Equal("draft", JsonNode.Parse(ManifestText("national/2026/premium"))!["status"]!.GetValue<string>());
    }

    [Theory]
    [InlineData("amagasaki-2026", null)]
    [InlineData("amagasaki/2027", null)]
    [InlineData("amagasaki/2026@2026.9", null)]
    [InlineData("national/2026", "components.child.specifiedHouseholdRelief")]
    [InlineData("national/2026", "components.child.specifiedHouseholdRelief=  ")]
    [InlineData("national/2026", "components.medical.nationalCap=確認済みのため")]
    [InlineData("national/2026", "no.such.parameter=理由")]
    public void Wrong_options_are_refused_in_one_line_with_exit_code_2(string layer, string? waiver)
    {
        var run = waiver is null ? Publish(layer) : Publish(layer, "--waive", waiver);

        Assert.Equal(RuleSetPublisher.ExitCodes.Usage, run.ExitCode);
        Assert.Single(run.Error.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        Assert.Equal("draft", JsonNode.Parse(ManifestText("national/2026/premium"))!["status"]!.GetValue<string>());
    }
}
