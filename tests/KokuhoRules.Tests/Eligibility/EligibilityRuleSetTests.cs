using KokuhoRules.Engine.RuleSets;
using KokuhoRules.Rules.Catalog;
using KokuhoRules.Rules.Eligibility;
using KokuhoRules.Tests.Support;

namespace KokuhoRules.Tests.Eligibility;

/// <summary>
/// The eligibility capability (issue 15 item 1) on the rule-set kernel: served prefecture-wide (兵庫県's layer is the
/// insurer's, over the national one, with no city layer), its reasons, event kinds and finding kinds bound with their
/// Japanese names and references, the unconfirmed conventions marked so, and bad layers refused at file:line.
/// </summary>
public sealed class EligibilityRuleSetTests
{
    private const string National = "national/2025/eligibility/parameters.json";
    private const string Hyogo = "hyogo/2025/eligibility/parameters.json";

    internal static EligibilityRuleSet Hyogo2025 =>
        TestRuleSets.Catalog.Find<EligibilityRuleSet>("hyogo", 2025) ?? throw new InvalidOperationException("no eligibility rule set hyogo/2025");

    /// <summary>The FY2026 draft: its checks find the next and previous record and event by the adjacency the facts carry, not by <c>not</c> patterns.</summary>
    internal static EligibilityRuleSet Hyogo2026 =>
        TestRuleSets.Catalog.Find<EligibilityRuleSet>("hyogo", 2026) ?? throw new InvalidOperationException("no eligibility rule set hyogo/2026");

    [Fact]
    public void The_catalog_compiles_the_prefecture_layer_as_the_insurers_own_over_the_national_one()
    {
        Assert.Contains(KokuhoRuleSets.Compilers, c => c is EligibilityRuleSetCompiler && c.Capability == "eligibility");
        var rs = Hyogo2025;

        Assert.Equal(("hyogo", "兵庫県", "280003"), (rs.Insurer.Id, rs.Insurer.Name, rs.Insurer.LocalGovernmentCode));
        Assert.Equal([RuleSetLayerKind.National, RuleSetLayerKind.Prefecture], rs.Source.Layers.Select(l => l.Kind));
        Assert.Equal(RuleSetStatus.Published, rs.Status);
        Assert.Equal(("eligibility", "2025.1", null), (rs.Stamp.Capability, rs.Stamp.Version, rs.Stamp.PrefectureVersion));
        Assert.DoesNotContain(TestRuleSets.Catalog.Failures, f => f.Capability == "eligibility");
    }

    [Fact]
    public void Reasons_and_event_kinds_are_english_keys_with_japanese_names_and_references()
    {
        var rs = Hyogo2025;
        var p = rs.Parameters;

        Assert.Equal("転入 (県外・国外から)", p.AcquisitionReasons["moveIn"].Name);
        Assert.Equal("社保離脱 (被用者保険の資格喪失)", p.AcquisitionReasons["leftOtherInsurance"].Name);
        Assert.Equal("死亡", p.LossReasons["death"].Name);
        Assert.Equal("後期高齢者 (75歳到達)", p.LossReasons["lateElderly"].Name);
        Assert.StartsWith("空白", p.FindingKinds["gap"].Name);
        Assert.StartsWith("重複", p.FindingKinds["overlap"].Name);
        Assert.Subset(p.EventKinds.Keys.ToHashSet(), p.AcquisitionReasons.Keys.Concat(p.LossReasons.Keys).ToHashSet());
        Assert.Contains("moveInElsewhere", p.EventKinds.Keys);
        Assert.All(rs.ParameterTable.All, i => Assert.False(string.IsNullOrWhiteSpace(i.Reference)));
        Assert.Equal((RuleSetLayerKind.National, National), (rs.ParameterTable["lossReasons.death.name"].Layer, rs.ParameterTable["lossReasons.death.name"].File));
    }

    [Fact]
    public void The_end_date_convention_is_the_prefectures_default_last_day_applied_and_unconfirmed()
    {
        var rs = Hyogo2025;

        Assert.Equal(EndDateConvention.LastDayApplied, rs.Parameters.Continuity.EndDateConvention);
        var convention = rs.ParameterTable["continuity.endDateConvention"];
        Assert.Equal((RuleSetLayerKind.Prefecture, Hyogo, false), (convention.Layer, convention.File, convention.Confirmed));
        Assert.Equal(["findingKinds.premiumMonthTwice.name", "continuity.endDateConvention"], rs.UnconfirmedParameters);
    }

    [Fact]
    public void The_date_decisions_and_the_check_rules_are_compiled_with_their_references()
    {
        var rs = Hyogo2025;

        Assert.Equal(["AcquisitionDate", "LossDate", "ApplicationStart"], rs.Decisions.Select(d => d.Name));
        Assert.All(rs.Decisions.SelectMany(d => d.Rules.SkipLast(1)), r => Assert.False(string.IsNullOrWhiteSpace(r.Reference)));
        Assert.Equal(17, rs.Checks.Rules.Count);
        Assert.All(rs.Checks.Rules, r => Assert.False(string.IsNullOrWhiteSpace(r.Reference)));
    }

    [Fact]
    public void A_reason_that_is_no_event_kind_is_refused_at_its_line()
    {
        using var root = new TempRuleSetRoot();
        root.MakeDraft("national/2025/eligibility");
        root.MakeDraft("hyogo/2025/eligibility");
        root.ReplaceOnce(National, "\"acquisitionReasons\": {", "\"acquisitionReasons\": {\n    \"adoption\": { \"name\": { \"value\": \"養子縁組\", \"reference\": \"民法第809条\" } },");
        var line = root.LineContaining(National, "養子縁組");

        var catalog = KokuhoRuleSets.Load([root.Root]);

        Assert.Null(catalog.Find<EligibilityRuleSet>("hyogo", 2025));
        var failure = Assert.Single(catalog.Failures, f => f.Capability == "eligibility");
        var error = Assert.Single(failure.Errors);
        Assert.Equal((National, "$.acquisitionReasons.adoption.name", line), (error.File, error.JsonPath, error.Line));
        Assert.Contains("not an event kind", error.Message);
    }

    [Fact]
    public void A_city_layer_of_a_prefecture_wide_capability_is_refused_not_ignored()
    {
        using var root = new TempRuleSetRoot();
        root.CopyLayer("hyogo/2025/eligibility", "amagasaki/2025/eligibility");
        root.EditManifest("amagasaki/2025/eligibility", m =>
        {
            m["layer"] = "municipal";
            m["insurer"] = new System.Text.Json.Nodes.JsonObject { ["id"] = "amagasaki", ["name"] = "尼崎市", ["localGovernmentCode"] = "282022" };
        });

        var catalog = KokuhoRuleSets.Load([root.Root]);

        Assert.NotNull(catalog.Find<EligibilityRuleSet>("hyogo", 2025));
        var failure = Assert.Single(catalog.Failures, f => f.Capability == "eligibility");
        Assert.Equal("amagasaki/2025/eligibility", failure.RuleSet);
        Assert.Contains(failure.Errors, e => e.JsonPath == "$.layer" && e.Message.Contains("served prefecture-wide", StringComparison.Ordinal));
    }
}
