using FsCheck.Xunit;
using KokuhoRules.Engine.RuleSets;
using KokuhoRules.Tests.Support;
using NodaTime;
using static KokuhoRules.Tests.Engine.Kernel.ToyRuleSets;

namespace KokuhoRules.Tests.Engine.Kernel;

/// <summary>
/// Two versions of the toy's municipal layer served side by side (toy: 2025.1 published, in force from 2025-04-01;
/// toy@2025.2: a draft) through the one gate, <see cref="RuleSetCatalog.Resolve"/>: defaulted by the call's date,
/// pinned, the newest for a trial, a draft refused without one, an unknown version refused naming its field.
/// </summary>
public sealed class ToyVersionTests(ToyVersionTests.BothPublished bothPublished) : IClassFixture<ToyVersionTests.BothPublished>
{
    private static (CompiledRuleSet? RuleSet, RuleSetRefusal? Refusal) Resolve(RuleSetCatalog catalog, string? version = null, LocalDate? asOf = null, bool trial = false) =>
        catalog.Resolve(new RuleSetQuery("toy", "amagasaki", 2025) { Version = version, AsOf = asOf, Trial = trial });

    [Fact]
    public void Both_versions_are_served_each_with_its_own_stamp()
    {
        var versions = Catalog.Versions("toy", "amagasaki", 2025);

        Assert.Equal([("2025.1", RuleSetStatus.Published), ("2025.2", RuleSetStatus.Draft)], versions.Select(v => (v.Version, v.Status)));
        var (published, draft) = (versions[0].Stamp, versions[1].Stamp);
        Assert.Equal(("toy", "amagasaki", 2025, "2025.1", "2025.1", "published", "2025.1"),
            (published.Capability, published.Insurer, published.FiscalYear, published.Version, published.NationalVersion, published.Status, published.PrefectureVersion));
        Assert.Equal(("2025.2", "draft"), (draft.Version, draft.Status));
        Assert.Matches("^sha256:[0-9a-f]{64}$", published.Hash);
        Assert.NotEqual(published.Hash, draft.Hash);
    }

    [Fact]
    public void Unpinned_the_published_version_in_force_on_the_calls_date_serves_and_today_is_the_default()
    {
        Assert.Equal("2025.1", Resolve(Catalog).RuleSet!.Version);                                   // today: 2025-06-01
        Assert.Equal("2025.1", Resolve(Catalog, asOf: new LocalDate(2025, 4, 1)).RuleSet!.Version);

        var (none, refusal) = Resolve(Catalog, asOf: new LocalDate(2025, 3, 31));
        Assert.Null(none);
        Assert.Equal((RuleSetRefusalKind.Unknown, "asOf"), (refusal!.Kind, refusal.Field));
        Assert.Contains("2025-04-01", refusal.Detail);

        var (early, earlyRefusal) = Resolve(Load(Root, today: new LocalDate(2025, 3, 31)));
        Assert.Null(early);
        Assert.Equal("asOf", earlyRefusal!.Field);
    }

    [Fact]
    public void A_pinned_version_serves_and_a_draft_only_for_a_trial()
    {
        Assert.Equal("2025.1", Resolve(Catalog, version: "2025.1").RuleSet!.Version);
        Assert.Equal("2025.1", Resolve(Catalog, version: "2025.1", trial: true).RuleSet!.Version);
        Assert.Equal(25, ((ToyRuleSet)Resolve(Catalog, version: "2025.2", trial: true).RuleSet!).Parameters.Notice.GraceDays);

        var (none, refusal) = Resolve(Catalog, version: "2025.2");
        Assert.Null(none);
        Assert.Equal((RuleSetRefusalKind.Draft, "trial"), (refusal!.Kind, refusal.Field));
        Assert.Contains("version 2025.2", refusal.Detail);
        Assert.Contains("1 of its parameters are not confirmed", refusal.Detail);
    }

    [Fact]
    public void Unpinned_a_trial_gets_the_newest_version_draft_or_not()
    {
        var (rs, refusal) = Resolve(Catalog, trial: true);

        Assert.Null(refusal);
        Assert.Equal(("2025.2", RuleSetStatus.Draft), (rs!.Version, rs.Status));
        Assert.Equal("2025.2", Catalog.Find<ToyRuleSet>("amagasaki", 2025)!.Version);
    }

    [Fact]
    public void An_unknown_version_is_refused_naming_the_field_rulesetVersion_and_the_versions_served()
    {
        var (none, refusal) = Resolve(Catalog, version: "2025.9", trial: true);

        Assert.Null(none);
        Assert.Equal((RuleSetRefusalKind.Unknown, "rulesetVersion"), (refusal!.Kind, refusal.Field));
        Assert.Contains("2025.1, 2025.2", refusal.Detail);
        Assert.DoesNotContain("2025.9", refusal.Detail);
    }

    [Fact]
    public void ForRun_the_operators_gate_names_the_toy_rule_set_asked_for()
    {
        Assert.Equal("2025.1", Catalog.ForRun<ToyRuleSet>("amagasaki", 2025, null, null, trial: false).Version);
        var e = Assert.Throws<InvalidOperationException>(() => Catalog.ForRun<ToyRuleSet>("amagasaki", 2025, "2025.2", null, trial: false));
        Assert.Contains("is a draft", e.Message);
        var unknown = Assert.Throws<InvalidOperationException>(() => Catalog.ForRun<ToyRuleSet>("kobe", 2025, null, null, trial: false));
        Assert.Contains("no rule set kobe/2025 (toy)", unknown.Message);
    }

    [Fact]
    public void Two_published_versions_are_served_each_from_the_day_it_is_in_force()
    {
        var catalog = bothPublished.Catalog;

        Assert.Empty(catalog.Failures);
        Assert.Equal("2025.1", Resolve(catalog, asOf: new LocalDate(2025, 9, 30)).RuleSet!.Version);
        Assert.Equal("2025.2", Resolve(catalog, asOf: new LocalDate(2025, 10, 1)).RuleSet!.Version);
        Assert.Equal("2025.2", Resolve(catalog).RuleSet!.Version);                              // today: 2025-12-01
        Assert.Equal("2025.1", Resolve(catalog, version: "2025.1").RuleSet!.Version);          // pinned, after 2025.2 is in force
        Assert.Equal(RuleSetStatus.Published, Resolve(catalog, version: "2025.2").RuleSet!.Status); // no trial needed any more
    }

    /// <summary>Whatever the date of the fiscal year, the version served is the one in force on it, and it decides with its own grace days.</summary>
    [Property]
    public bool The_version_served_unpinned_is_the_one_in_force_on_the_date(ushort day)
    {
        var asOf = new LocalDate(2025, 4, 1).PlusDays(day % 365); // 2025-04-01 … 2026-03-31
        var (rs, refusal) = Resolve(bothPublished.Catalog, asOf: asOf);
        var expected = asOf >= new LocalDate(2025, 10, 1) ? "2025.2" : "2025.1";
        return refusal is null && rs!.Version == expected
               && ((ToyRuleSet)rs).NoticeKind.Decide(new NoticeFacts(22, false)) == (expected == "2025.2" ? NoticeKind.Reminder : NoticeKind.Final);
    }

    /// <summary>A copy of the toy rule sets with 2025.2 published too, in force from 2025-10-01 (the corrected version beside the first); "today" 2025-12-01.</summary>
    public sealed class BothPublished : IDisposable
    {
        private readonly TempRuleSetRoot _root = new(Root);

        public BothPublished()
        {
            _root.EditManifest("amagasaki/2025/toy@2025.2", m =>
            {
                m["status"] = "published";
                m["inForceFrom"] = "2025-10-01";
            });
            _root.ReplaceOnce("amagasaki/2025/toy@2025.2/parameters.json", ", \"confirmed\": false", "");
            _root.Reseal("amagasaki/2025/toy@2025.2");
            Catalog = Load(_root.Root, today: new LocalDate(2025, 12, 1));
        }

        public RuleSetCatalog Catalog { get; }

        public void Dispose() => _root.Dispose();
    }
}
