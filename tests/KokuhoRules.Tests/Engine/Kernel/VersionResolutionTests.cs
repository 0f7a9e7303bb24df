using KokuhoRules.Engine.RuleSets;
using KokuhoRules.Rules.Catalog;
using KokuhoRules.Rules.Premium;
using KokuhoRules.Tests.Support;
using NodaTime;
using NodaTime.Testing;

namespace KokuhoRules.Tests.Engine.Kernel;

/// <summary>
/// The catalog's one gate over several versions of a year: a correction <c>2025.2</c> in force from
/// 2025-10-01 beside <c>2025.1</c> — which version a call that names none gets on its date, what a pin gets,
/// and what a refused version does to the calls it would have served.
/// </summary>
public sealed class VersionResolutionTests : IDisposable
{
    private const string Correction = "amagasaki/2025/premium@2025.2";
    private readonly TempRuleSetRoot _root = new();

    public VersionResolutionTests()
    {
        Directory.CreateDirectory(_root.PathOf(Correction));
        foreach (var file in Directory.EnumerateFiles(_root.PathOf("amagasaki/2025/premium")))
            File.Copy(file, Path.Combine(_root.PathOf(Correction), Path.GetFileName(file)));
        _root.EditManifest(Correction, m =>
        {
            m["version"] = "2025.2";
            m["inForceFrom"] = "2025-10-01";
        });
    }

    public void Dispose() => _root.Dispose();

    private RuleSetCatalog Load(string today = "2026-12-01") =>
        KokuhoRuleSets.Load([_root.Root], clock: new FakeClock(Instant.FromUtc(int.Parse(today[..4]), int.Parse(today[5..7]), int.Parse(today[8..]), 3, 0)));

    private static LocalDate D(string iso) => NodaTime.Text.LocalDatePattern.Iso.Parse(iso).Value;

    [Theory]
    [InlineData("2025-04-01", "2025.1")]
    [InlineData("2025-09-30", "2025.1")]
    [InlineData("2025-10-01", "2025.2")]
    [InlineData("2026-12-01", "2025.2")]
    public void A_call_naming_no_version_gets_the_published_version_in_force_on_its_date(string asOf, string version)
    {
        var (rs, refusal) = Load().Resolve<PremiumRuleSet>("amagasaki", 2025, null, D(asOf), trial: false);

        Assert.Null(refusal);
        Assert.Equal(version, rs!.Version);
        Assert.Equal(version, rs.Stamp.Version);
    }

    [Fact]
    public void Without_a_date_the_call_is_dated_today_by_the_catalogs_clock()
    {
        Assert.Equal("2025.1", Load(today: "2025-09-30").Resolve<PremiumRuleSet>("amagasaki", 2025, null, null, false).RuleSet!.Version);
        Assert.Equal("2025.2", Load(today: "2025-10-01").Resolve<PremiumRuleSet>("amagasaki", 2025, null, null, false).RuleSet!.Version);
    }

    [Fact]
    public void A_pinned_version_is_used_whatever_the_date_and_an_unknown_one_is_refused_naming_the_field()
    {
        var catalog = Load();
        Assert.Equal("2025.1", catalog.Resolve<PremiumRuleSet>("amagasaki", 2025, "2025.1", D("2026-01-10"), false).RuleSet!.Version);

        var (rs, refusal) = catalog.Resolve<PremiumRuleSet>("amagasaki", 2025, "2025.9", null, false);
        Assert.Null(rs);
        Assert.Equal((RuleSetRefusalKind.Unknown, "rulesetVersion"), (refusal!.Kind, refusal.Field));
        Assert.Contains("2025.1, 2025.2", refusal.Detail);
    }

    [Fact]
    public void Two_published_versions_in_force_from_the_same_day_are_ambiguous_the_later_is_refused_and_unpinned_calls_too()
    {
        _root.EditManifest(Correction, m => m.Remove("inForceFrom"));

        var catalog = Load();

        var failure = Assert.Single(catalog.Failures);
        Assert.Equal("$.inForceFrom", failure.Errors[0].JsonPath);
        Assert.Contains("published versions 2025.1 and 2025.2 are in force from the same day", failure.Errors[0].Message);
        // Which of the two the policy staff meant is unknown: a call naming none is refused, not served 2025.1 in silence.
        Assert.Equal(RuleSetRefusalKind.RefusedAtStartUp, catalog.Resolve<PremiumRuleSet>("amagasaki", 2025, null, null, false).Refusal!.Kind);
        Assert.Equal("2025.1", catalog.Resolve<PremiumRuleSet>("amagasaki", 2025, "2025.1", null, false).RuleSet!.Version);
    }

    [Fact]
    public void A_refused_correction_refuses_the_calls_it_would_have_served_and_no_others()
    {
        _root.ReplaceOnce(Correction + "/parameters.json", "\"value\": 31200", "\"value\": 31300"); // edited after it was sealed

        var catalog = Load();

        var (after, refusal) = catalog.Resolve<PremiumRuleSet>("amagasaki", 2025, null, D("2025-10-01"), false);
        Assert.Null(after);
        Assert.Equal(RuleSetRefusalKind.RefusedAtStartUp, refusal!.Kind); // never the old rates in silence
        Assert.Equal("2025.1", catalog.Resolve<PremiumRuleSet>("amagasaki", 2025, null, D("2025-09-30"), false).RuleSet!.Version);
        Assert.Equal("2025.1", catalog.Resolve<PremiumRuleSet>("amagasaki", 2025, "2025.1", D("2025-10-01"), false).RuleSet!.Version);
    }

    [Fact]
    public void A_broken_draft_beside_the_published_version_blocks_nothing_and_a_good_draft_serves_trials_only()
    {
        _root.EditManifest(Correction, m =>
        {
            m["status"] = "draft";
            m.Remove("contentHash");
            m.Remove("inForceFrom");
        });
        _root.ReplaceOnce(Correction + "/parameters.json", "\"value\": 31200", "\"value\": \"31200\"");
        var broken = Load();
        Assert.Single(broken.Failures);
        Assert.Equal("2025.1", broken.Resolve<PremiumRuleSet>("amagasaki", 2025, null, null, false).RuleSet!.Version);

        _root.ReplaceOnce(Correction + "/parameters.json", "\"value\": \"31200\"", "\"value\": 31300");
        var draft = Load();
        Assert.Empty(draft.Failures);
        Assert.Equal("2025.1", draft.Resolve<PremiumRuleSet>("amagasaki", 2025, null, null, trial: false).RuleSet!.Version);
        Assert.Equal("2025.2", draft.Resolve<PremiumRuleSet>("amagasaki", 2025, null, null, trial: true).RuleSet!.Version);
        var (pinned, refusal) = draft.Resolve<PremiumRuleSet>("amagasaki", 2025, "2025.2", null, trial: false);
        Assert.Null(pinned);
        Assert.Equal((RuleSetRefusalKind.Draft, "trial"), (refusal!.Kind, refusal.Field));
    }
}
