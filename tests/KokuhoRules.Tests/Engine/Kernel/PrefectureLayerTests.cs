using System.Net;
using System.Text.Json;
using System.Text.Json.Nodes;
using KokuhoRules.Engine.RuleSets;
using KokuhoRules.Rules.Catalog;
using KokuhoRules.Rules.Premium;
using KokuhoRules.Rules.Snapshots;
using KokuhoRules.Tests.Support;
using Microsoft.AspNetCore.Hosting;
using static KokuhoRules.Tests.Api.ApiRequests;
using static KokuhoRules.Tests.Support.Households;

namespace KokuhoRules.Tests.Engine.Kernel;

/// <summary>
/// Builds prefecture layers and national versions in a <see cref="TempRuleSetRoot"/>: 兵庫県
/// (<c>hyogo</c>, 280003) pairs with 尼崎市 (282022) by the first two digits of their codes.
/// </summary>
public static class HyogoLayer
{
    public const string Folder = "hyogo/2025/premium";
    public const string Parameters = Folder + "/parameters.json";
    public const string National = "national/2025/premium";
    public const string NationalParameters = National + "/parameters.json";
    public const string Amagasaki = "amagasaki/2025/premium";

    /// <summary>A prefecture layer's manifest (published; <see cref="Add"/> seals it), built on <paramref name="nationalVersion"/> when given (basedOn).</summary>
    public static string Manifest(string? nationalVersion = null) => $$"""
        {
          "layer": "prefecture",
          "capability": "premium",
          "insurer": { "id": "hyogo", "name": "兵庫県", "localGovernmentCode": "280003" },
          "fiscalYear": 2025,
          "version": "2025.1",
          "status": "published",
          "effective": { "from": "2025-04-01", "until": "2026-03-31" },{{(nationalVersion is null ? "" : $"\n  \"basedOn\": {{ \"national\": \"{nationalVersion}\" }},")}}
          "description": "兵庫県 令和7年度 (試験用の層 test data): 県内の市町に共通の値。"
        }
        """;

    /// <summary>The prefecture's 未就学児 均等割 ratio 0.7 (the national layer's is 0.5) as the whole of its parameters.</summary>
    public const string PreschoolSevenTenths = """
        {
          "$comment": "兵庫県 (試験用): 未就学児の均等割の減額割合を県内一律に 7割 とする。",
          "preschool": {
            "perCapitaRatio": {
              "value": 0.7,
              "reference": "試験用の県の値 (test data): 国民健康保険法施行令第29条の7第5項の割合を上書き"
            }
          }
        }
        """;

    /// <summary>Adds <see cref="Folder"/> with these parameters, published and sealed.</summary>
    public static void Add(TempRuleSetRoot root, string parameters, string? nationalVersion = null)
    {
        root.Write(Folder + "/" + ContentHash.ManifestFileName, Manifest(nationalVersion));
        root.Write(Parameters, parameters);
        root.Reseal(Folder);
    }

    /// <summary>Marks the national leaf <c>preschool.perCapitaRatio</c> <c>"overridable": true</c> and seals the national layer again.</summary>
    public static void AllowPreschoolOverride(TempRuleSetRoot root, string national = National)
    {
        root.EditJson(national + "/parameters.json", p => p["preschool"]!["perCapitaRatio"]!["overridable"] = true);
        root.Reseal(national);
    }

    /// <summary>The 1-based line of the key <c>preschool.perCapitaRatio</c> in a parameters file (it also occurs under formerDependant).</summary>
    public static int PreschoolRatioLine(TempRuleSetRoot root, string file)
    {
        var lines = File.ReadAllLines(root.PathOf(file));
        var group = Array.FindIndex(lines, l => l.Contains("\"preschool\":", StringComparison.Ordinal));
        return Array.FindIndex(lines, group, l => l.Contains("\"perCapitaRatio\":", StringComparison.Ordinal)) + 1;
    }

    /// <summary>Amagasaki reference case A2 (AmagasakiReferenceCaseTests): two earners, a 10-year-old and a preschool child.</summary>
    public static HouseholdJson A2 => Household(
        Member("P1", "1983-05-10", Income(2_760_000, salaryRevenue: 4_000_000, salaryIncome: 2_760_000)),
        Member("P2", "1984-06-01", Income(450_000, salaryRevenue: 1_000_000, salaryIncome: 450_000)),
        Member("P3", "2015-01-20", acquired: "2015-01-20"),
        Member("P4", "2021-03-03", acquired: "2021-03-03"));

    /// <summary>
    /// A2 with a 7割 未就学児 reduction instead of 5割, by hand: P4's 均等割 is 31,200 × 0.3 = 9,360 (医療分, 15,600
    /// at 5割) and 12,048 × 0.3 = 3,614.4 → 3,614 floored (支援金分, 6,024 at 5割); 介護分 unchanged. 541,224 − 6,240 − 2,410.
    /// </summary>
    public const long A2SevenTenthsPremium = 532_574;

    /// <summary>A2 under the bundled rule set (AmagasakiReferenceCaseTests).</summary>
    public const long A2Premium = 541_224;

    /// <summary>The refusals of Amagasaki FY2025, one line each (<c>file:line: path: message</c>).</summary>
    public static string[] Amagasaki2025Errors(RuleSetCatalog catalog)
    {
        Assert.Null(catalog.Premium("amagasaki", 2025));
        var failure = Assert.Single(catalog.Failures);
        Assert.True(failure.Concerns("amagasaki", 2025, "premium"), failure.RuleSet);
        // The other years keep serving.
        Assert.NotNull(catalog.Premium("amagasaki", 2024));
        return failure.Errors.Select(e => e.ToString()).ToArray();
    }
}

/// <summary>
/// The bundled rule sets with <c>preschool.perCapitaRatio</c> marked overridable in the national FY2025 layer,
/// and 兵庫県's prefecture layer setting it to 0.7 for its cities.
/// </summary>
public sealed class HyogoFactory : KokuhoApiFactory
{
    private readonly TempRuleSetRoot _root = new();

    public HyogoFactory()
    {
        HyogoLayer.AllowPreschoolOverride(_root);
        HashWithoutPrefecture = KokuhoRuleSets.Load([_root.Root]).Premium("amagasaki", 2025)!.Hash;
        HyogoLayer.Add(_root, HyogoLayer.PreschoolSevenTenths);
        PrefectureLine = _root.LineContaining(HyogoLayer.Parameters, "\"perCapitaRatio\"");
        NationalLine = HyogoLayer.PreschoolRatioLine(_root, HyogoLayer.NationalParameters);
    }

    /// <summary>Amagasaki FY2025's hash on the same root before the prefecture layer was added.</summary>
    public string HashWithoutPrefecture { get; }

    public int PrefectureLine { get; }
    public int NationalLine { get; }

    protected override void Configure(IWebHostBuilder builder) => builder.UseSetting("RuleSets:Roots:0", _root.Root);

    protected override void Dispose(bool disposing)
    {
        base.Dispose(disposing);
        _root.Dispose();
    }

    public override async ValueTask DisposeAsync()
    {
        await base.DisposeAsync();
        _root.Dispose();
    }
}

/// <summary>
/// Three layers (issue 12 item 2): a prefecture layer between the national and the municipal one, overriding
/// a national parameter only where the national layer allows it, supplying a municipal group for its cities
/// under the national caps, and the choice among national versions (basedOn).
/// </summary>
public sealed class PrefectureLayerTests(HyogoFactory hyogo) : IClassFixture<HyogoFactory>
{
    [Fact]
    public async Task The_prefecture_overrides_an_overridable_national_ratio_and_the_premium_follows()
    {
        var answer = await (await hyogo.CreateClient().PostAssessment(A2())).ReadJson();

        Assert.Equal(HyogoLayer.A2SevenTenthsPremium, answer.GetProperty("annualPremium").GetInt64());
        var stamp = answer.GetProperty("ruleset");
        Assert.Equal("2025.1", stamp.GetProperty("prefectureVersion").GetString());
        Assert.NotEqual(hyogo.HashWithoutPrefecture, stamp.GetProperty("hash").GetString());
        Assert.NotEqual(TestRuleSets.Amagasaki2025.Hash, stamp.GetProperty("hash").GetString());
    }

    [Fact]
    public async Task The_rule_set_shows_the_value_from_the_prefecture_layer_and_the_national_value_it_overrides()
    {
        var shown = await (await hyogo.CreateClient().GetAsync("/v1/rulesets/amagasaki/2025")).ReadJson();

        var ratio = shown.GetProperty("parameters").EnumerateArray().Single(p => p.GetProperty("path").GetString() == "preschool.perCapitaRatio");
        Assert.Equal(("prefecture", "0.7", HyogoLayer.Parameters, hyogo.PrefectureLine),
            (ratio.GetProperty("layer").GetString(), ratio.GetProperty("value").GetRawText(), ratio.GetProperty("file").GetString(), ratio.GetProperty("line").GetInt32()));
        var overrides = ratio.GetProperty("overrides");
        Assert.Equal(("national", "0.5", HyogoLayer.NationalParameters, hyogo.NationalLine, true),
            (overrides.GetProperty("layer").GetString(), overrides.GetProperty("value").GetRawText(), overrides.GetProperty("file").GetString(),
                overrides.GetProperty("line").GetInt32(), overrides.GetProperty("overridable").GetBoolean()));

        var layers = shown.GetProperty("ruleSet").GetProperty("layers").EnumerateArray()
            .Select(l => (l.GetProperty("layer").GetString(), l.GetProperty("owner").GetString(), l.GetProperty("folder").GetString())).ToArray();
        Assert.Equal([("national", "national", HyogoLayer.National), ("prefecture", "hyogo", HyogoLayer.Folder), ("municipal", "amagasaki", HyogoLayer.Amagasaki)], layers);
        // A value nobody overrode says so.
        var schoolAge = shown.GetProperty("parameters").EnumerateArray().Single(p => p.GetProperty("path").GetString() == "preschool.schoolAge");
        Assert.Equal("national", schoolAge.GetProperty("layer").GetString());
        Assert.True(!schoolAge.TryGetProperty("overrides", out var none) || none.ValueKind == JsonValueKind.Null);
    }

    [Fact]
    public void The_rule_set_hash_changes_with_the_prefecture_layer_alone()
    {
        using var root = new TempRuleSetRoot();
        HyogoLayer.AllowPreschoolOverride(root);
        HyogoLayer.Add(root, HyogoLayer.PreschoolSevenTenths);
        var rs = KokuhoRuleSets.Load([root.Root]).Premium("amagasaki", 2025)!;
        var first = rs.Hash;

        // The prefecture's value changes, nothing else: a new hash (and the premium follows).
        root.ReplaceOnce(HyogoLayer.Parameters, "\"value\": 0.7", "\"value\": 0.6");
        root.Reseal(HyogoLayer.Folder);
        var changed = KokuhoRuleSets.Load([root.Root]).Premium("amagasaki", 2025)!;

        Assert.Equal(3, rs.Source.Layers.Count);
        Assert.NotEqual(first, changed.Hash);
        Assert.Equal(rs.Source.National.ContentHash, changed.Source.National.ContentHash);
        Assert.Equal(rs.Source.InsurerLayer.ContentHash, changed.Source.InsurerLayer.ContentHash);
        Assert.Equal(HyogoLayer.A2SevenTenthsPremium, rs.Assess(HyogoLayer.A2).AnnualPremium);
        // 6割: 31,200 × 0.4 = 12,480 (医療分) and 12,048 × 0.4 = 4,819.2 → 4,819 (支援金分).
        Assert.Equal(HyogoLayer.A2Premium - (15_600 - 12_480) - (6_024 - 4_819), changed.Assess(HyogoLayer.A2).AnnualPremium);
    }

    public static TheoryData<bool, string, string> NotOverridable => new()
    {
        // No leaf of the group may be overridden: the refusal is at the group.
        { false, "$.preschool", "none of its values may be overridden" },
        // Another leaf of the group may be, this one may not: the refusal is at the leaf, naming where the national value is.
        { true, "$.preschool.schoolAge", $"is set by the national layer ({HyogoLayer.NationalParameters}:" },
    };

    [Theory]
    [MemberData(nameof(NotOverridable))]
    public void A_prefecture_value_for_a_leaf_the_national_layer_does_not_let_it_change_is_refused_at_the_prefecture_file_and_line(
        bool siblingOverridable, string path, string message)
    {
        using var root = new TempRuleSetRoot();
        if (siblingOverridable) HyogoLayer.AllowPreschoolOverride(root);
        HyogoLayer.Add(root, """
            {
              "preschool": {
                "schoolAge": {
                  "value": 7,
                  "reference": "試験用の県の値 (test data)"
                }
              }
            }
            """);

        var errors = HyogoLayer.Amagasaki2025Errors(KokuhoRuleSets.Load([root.Root]));

        var key = path.Split('.')[^1];
        var line = root.LineContaining(HyogoLayer.Parameters, $"\"{key}\":");
        var error = Assert.Single(errors);
        Assert.StartsWith($"{HyogoLayer.Parameters}:{line}: {path}: ", error);
        Assert.Contains(message, error);
    }

    /// <summary>The prefecture supplies <c>rates</c> for its cities (Amagasaki's own layer leaves it out), with the 医療分 cap set to <paramref name="medicalCap"/>.</summary>
    private static (TempRuleSetRoot Root, int CapLine) PrefectureRates(long medicalCap)
    {
        var root = new TempRuleSetRoot();
        JsonNode? rates = null;
        root.EditJson(HyogoLayer.Amagasaki + "/parameters.json", p =>
        {
            rates = p["rates"]!.DeepClone();
            p.AsObject().Remove("rates");
        });
        root.Reseal(HyogoLayer.Amagasaki);
        rates!["medical"]!["cap"]!["value"] = medicalCap;
        var parameters = new JsonObject { ["rates"] = rates };
        HyogoLayer.Add(root, parameters.ToJsonString(new JsonSerializerOptions { WriteIndented = true, Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping }));
        var valueLine = root.LineContaining(HyogoLayer.Parameters, $"\"value\": {medicalCap}");
        var lines = File.ReadAllLines(root.PathOf(HyogoLayer.Parameters));
        var capLine = Enumerable.Range(1, valueLine).Reverse().First(n => lines[n - 1].Contains("\"cap\":", StringComparison.Ordinal));
        return (root, capLine);
    }

    [Fact]
    public void A_prefecture_may_supply_the_rates_of_its_cities()
    {
        var (root, capLine) = PrefectureRates(660_000);
        using var _ = root;

        var catalog = KokuhoRuleSets.Load([root.Root]);

        Assert.True(catalog.Failures.Count == 0, string.Join("\n", catalog.Failures.SelectMany(f => f.Errors)));
        var rs = catalog.Premium("amagasaki", 2025)!;
        var cap = rs.ParameterTable["rates.medical.cap"];
        Assert.Equal((RuleSetLayerKind.Prefecture, HyogoLayer.Parameters, capLine), (cap.Layer, cap.File, cap.Line));
        Assert.Null(cap.Overrides);
        // The same values as Amagasaki's own: the same premium.
        Assert.Equal(HyogoLayer.A2Premium, rs.Assess(HyogoLayer.A2).AnnualPremium);
    }

    [Fact]
    public void A_prefecture_cap_above_the_national_maximum_is_refused_by_the_cap_check_at_the_prefecture_file_and_line()
    {
        var (root, capLine) = PrefectureRates(700_000);
        using var _ = root;

        var errors = HyogoLayer.Amagasaki2025Errors(KokuhoRuleSets.Load([root.Root]));

        var error = Assert.Single(errors);
        Assert.StartsWith($"{HyogoLayer.Parameters}:{capLine}: $.rates.medical.cap: ", error);
        Assert.Contains("700,000 is above the national maximum 660,000", error);
    }

    /// <summary>A second national FY2025 version, 2025.2, whose 未就学児 ratio is 0.7 (so the premium shows which one a city builds on).</summary>
    private static TempRuleSetRoot TwoNationalVersions()
    {
        var root = new TempRuleSetRoot();
        root.CopyLayer(HyogoLayer.National, HyogoLayer.National + "@2025.2");
        root.EditManifest(HyogoLayer.National + "@2025.2", m => m["version"] = "2025.2");
        root.EditJson(HyogoLayer.National + "@2025.2/parameters.json", p => p["preschool"]!["perCapitaRatio"]!["value"] = 0.7m);
        root.Reseal(HyogoLayer.National + "@2025.2");
        return root;
    }

    [Fact]
    public void With_two_national_versions_a_city_that_names_neither_is_refused_and_asked_for_basedOn()
    {
        using var root = TwoNationalVersions();

        var errors = HyogoLayer.Amagasaki2025Errors(KokuhoRuleSets.Load([root.Root]));

        var error = Assert.Single(errors);
        Assert.StartsWith($"{HyogoLayer.Amagasaki}/manifest.json: $: ", error);
        Assert.Contains("national/2025/premium has versions 2025.1, 2025.2", error);
        Assert.Contains("\"basedOn\": { \"national\": \"…\" }", error);
    }

    [Theory]
    [InlineData("2025.1", HyogoLayer.A2Premium)]
    [InlineData("2025.2", HyogoLayer.A2SevenTenthsPremium)]
    public void With_two_national_versions_a_city_naming_one_in_basedOn_builds_on_it(string national, long premium)
    {
        using var root = TwoNationalVersions();
        root.EditManifest(HyogoLayer.Amagasaki, m => m["basedOn"] = new JsonObject { ["national"] = national });

        var catalog = KokuhoRuleSets.Load([root.Root]);

        Assert.Empty(catalog.Failures);
        var rs = catalog.Premium("amagasaki", 2025)!;
        Assert.Equal((national, national), (rs.NationalVersion, rs.Stamp.NationalVersion));
        Assert.Equal(premium, rs.Assess(HyogoLayer.A2).AnnualPremium);
        // The other years have one national version each and need no basedOn.
        Assert.NotNull(catalog.Premium("amagasaki", 2026));
    }

    [Theory]
    [InlineData("2025.2", null)]
    [InlineData("2025.1", "this layer builds on version 2025.1 of national/2025/premium, but amagasaki/2025/premium builds on version 2025.2")]
    public void A_prefecture_layer_naming_another_national_version_than_its_city_is_refused_not_ignored(string prefectureNational, string? refusal)
    {
        using var root = TwoNationalVersions();
        HyogoLayer.Add(root, """{ "$comment": "兵庫県 (試験用): 県の値なし" }""", nationalVersion: prefectureNational);
        root.EditManifest(HyogoLayer.Amagasaki, m => m["basedOn"] = new JsonObject { ["national"] = "2025.2" });

        var catalog = KokuhoRuleSets.Load([root.Root]);

        if (refusal is null)
        {
            Assert.Empty(catalog.Failures);
            Assert.Equal(("2025.2", "2025.1"), (catalog.Premium("amagasaki", 2025)!.NationalVersion, catalog.Premium("amagasaki", 2025)!.Stamp.PrefectureVersion));
            return;
        }
        var error = Assert.Single(HyogoLayer.Amagasaki2025Errors(catalog));
        Assert.StartsWith($"{HyogoLayer.Folder}/manifest.json: $.basedOn.national: ", error);
        Assert.Contains(refusal, error);
    }
}
