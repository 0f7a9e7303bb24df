using System.Net;
using System.Text.Json;
using System.Text.Json.Nodes;
using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;
using KokuhoRules.Engine.RuleSets;
using KokuhoRules.Rules.Batch;
using KokuhoRules.Rules.Catalog;
using KokuhoRules.Tests.Cli;
using KokuhoRules.Tests.Support;
using Microsoft.AspNetCore.Hosting;
using NodaTime;
using static KokuhoRules.Tests.Api.ApiRequests;
using static KokuhoRules.Tests.Batch.BatchInputs;

namespace KokuhoRules.Tests.Engine.Kernel;

/// <summary>
/// Amagasaki FY2025 with a corrected version <c>2025.2</c> beside the published <c>2025.1</c>, in a copy of
/// the bundled rule sets: <c>amagasaki/2025/premium@2025.2</c> is <c>amagasaki/2025/premium</c> with the
/// 医療分 所得割率 raised from 8.04% to 8.10% — a draft, or published and in force from 2025-10-01.
/// </summary>
public abstract class CorrectionFactory : KokuhoApiFactory
{
    public const string Correction = "amagasaki/2025/premium@2025.2";
    public const string CorrectedRate = "0.081";

    protected CorrectionFactory(bool published)
    {
        Root.CopyLayer("amagasaki/2025/premium", Correction);
        Root.ReplaceOnce(Correction + "/parameters.json", "\"value\": 0.0804", "\"value\": " + CorrectedRate);
        Root.EditManifest(Correction, m => m["version"] = "2025.2");
        if (published)
        {
            Root.EditManifest(Correction, m => m["inForceFrom"] = "2025-10-01");
            Root.Reseal(Correction);
        }
        else Root.MakeDraft(Correction);
        Catalog = KokuhoRuleSets.Load([Root.Root]);
        Assert.Empty(Catalog.Failures);
    }

    public TempRuleSetRoot Root { get; } = new();

    /// <summary>The rule sets of <see cref="Root"/>, loaded apart from the service (the hashes it must stamp).</summary>
    public RuleSetCatalog Catalog { get; }

    public string HashOf(string version) => Catalog.Versions("premium", "amagasaki", 2025).Single(v => v.Version == version).Hash;

    protected override void Configure(IWebHostBuilder builder) => builder.UseSetting("RuleSets:Roots:0", Root.Root);

    protected override void Dispose(bool disposing)
    {
        base.Dispose(disposing);
        Root.Dispose();
    }

    public override async ValueTask DisposeAsync()
    {
        await base.DisposeAsync();
        Root.Dispose();
    }
}

/// <summary>2025.2 is a draft beside the published 2025.1.</summary>
public sealed class DraftCorrectionFactory() : CorrectionFactory(published: false);

/// <summary>2025.2 is published, in force from 2025-10-01; 2025.1 serves calls dated before.</summary>
public sealed class PublishedCorrectionFactory() : CorrectionFactory(published: true);

/// <summary>
/// Two versions of one rule set served side by side (issue 12 item 3): defaulted, pinned, a draft only for
/// a trial, and the published version in force on the call's date — through the API, the rule-set
/// endpoints and the CLI batch, all through the catalog's one gate.
/// </summary>
public sealed class PremiumVersionTests(DraftCorrectionFactory draft, PublishedCorrectionFactory published)
    : IClassFixture<DraftCorrectionFactory>, IClassFixture<PublishedCorrectionFactory>
{
    /// <summary>A2 under 2025.1 (AmagasakiReferenceCaseTests): 医療分 所得割 2,350,000 × 8.04% = 188,940.</summary>
    private const long A2Premium = 541_224;

    /// <summary>A2 under 2025.2: 医療分 所得割 2,350,000 × 8.10% = 190,350, i.e. 1,410 yen more (the 医療分 stays below its cap).</summary>
    private const long A2CorrectedPremium = A2Premium + 190_350 - 188_940;

    private static JsonObject A2With(Action<JsonObject> edit)
    {
        var request = A2();
        edit(request);
        return request;
    }

    private static async Task<JsonElement> Assessed(HttpClient client, JsonObject request) => await (await client.PostAssessment(request)).ReadJson();

    [Fact]
    public async Task A_call_naming_no_version_gets_the_published_2025_1_and_the_answer_stamps_its_version_and_hash()
    {
        var answer = await Assessed(draft.CreateClient(), A2());

        var stamp = answer.GetProperty("ruleset");
        Assert.Equal(("2025.1", "published"), (stamp.GetProperty("version").GetString(), stamp.GetProperty("status").GetString()));
        Assert.Equal(draft.HashOf("2025.1"), stamp.GetProperty("hash").GetString());
        // 2025.1 is the bundled rule set, untouched: the same layers, the same hash.
        Assert.Equal(TestRuleSets.Amagasaki2025.Hash, stamp.GetProperty("hash").GetString());
        Assert.NotEqual(draft.HashOf("2025.2"), stamp.GetProperty("hash").GetString());
        Assert.Equal(A2Premium, answer.GetProperty("annualPremium").GetInt64());
    }

    [Fact]
    public async Task Pinning_the_draft_without_trial_is_the_draft_problem_naming_trial()
    {
        var response = await draft.CreateClient().PostAssessment(A2With(r => r["rulesetVersion"] = "2025.2"));

        var problem = await response.ReadProblem(HttpStatusCode.UnprocessableEntity, Problems.DraftRuleSet);
        Assert.Equal("trial", problem.FirstErrorField());
        Assert.Contains("version 2025.2", problem.GetProperty("detail").GetString());
    }

    [Fact]
    public async Task Pinning_the_draft_in_a_trial_with_the_publisher_key_gets_2025_2_and_its_premium()
    {
        var answer = await Assessed(draft.CreateClient(TestKeys.Publisher), A2With(r =>
        {
            r["rulesetVersion"] = "2025.2";
            r["trial"] = true;
        }));

        var stamp = answer.GetProperty("ruleset");
        Assert.Equal(("2025.2", "draft"), (stamp.GetProperty("version").GetString(), stamp.GetProperty("status").GetString()));
        Assert.Equal(draft.HashOf("2025.2"), stamp.GetProperty("hash").GetString());
        Assert.True(answer.GetProperty("trial").GetBoolean());
        Assert.Equal(A2CorrectedPremium, answer.GetProperty("annualPremium").GetInt64());
        var medical = answer.GetProperty("components").EnumerateArray().Single(c => c.GetProperty("name").GetString() == "medical");
        Assert.Equal(190_350, medical.GetProperty("incomeLevy").GetInt64());
    }

    [Fact]
    public async Task An_unpinned_trial_gets_the_newest_version_the_draft()
    {
        var answer = await Assessed(draft.CreateClient(TestKeys.Publisher), A2With(r => r["trial"] = true));

        Assert.Equal("2025.2", answer.GetProperty("ruleset").GetProperty("version").GetString());
        Assert.Equal(A2CorrectedPremium, answer.GetProperty("annualPremium").GetInt64());
    }

    [Fact]
    public async Task A_version_that_does_not_exist_is_a_problem_naming_rulesetVersion_and_the_versions_served()
    {
        var response = await draft.CreateClient().PostAssessment(A2With(r => r["rulesetVersion"] = "2099.9"));

        var problem = await response.ReadProblem(HttpStatusCode.NotFound, Problems.UnknownRuleSet);
        Assert.Equal("rulesetVersion", problem.FirstErrorField());
        var detail = problem.GetProperty("detail").GetString()!;
        Assert.Contains("2025.1, 2025.2", detail);
        Assert.DoesNotContain("2099.9", detail);
    }

    [Theory]
    [InlineData("2025-09-30", "2025.1", A2Premium)]
    [InlineData("2025-10-01", "2025.2", A2CorrectedPremium)]
    [InlineData(null, "2025.2", A2CorrectedPremium)] // today (after 2025-10-01)
    public async Task Unpinned_the_published_version_in_force_on_asOf_serves(string? asOf, string version, long premium)
    {
        var answer = await Assessed(published.CreateClient(), A2With(r => { if (asOf is not null) r["asOf"] = asOf; }));

        var stamp = answer.GetProperty("ruleset");
        Assert.Equal((version, "published"), (stamp.GetProperty("version").GetString(), stamp.GetProperty("status").GetString()));
        Assert.Equal(published.HashOf(version), stamp.GetProperty("hash").GetString());
        Assert.Equal(premium, answer.GetProperty("annualPremium").GetInt64());
    }

    [Fact]
    public async Task A_pinned_version_beats_the_date_either_way()
    {
        var before = await Assessed(published.CreateClient(), A2With(r =>
        {
            r["asOf"] = "2025-09-30";
            r["rulesetVersion"] = "2025.2";
        }));
        var after = await Assessed(published.CreateClient(), A2With(r =>
        {
            r["asOf"] = "2025-12-01";
            r["rulesetVersion"] = "2025.1";
        }));

        Assert.Equal(("2025.2", A2CorrectedPremium), (before.GetProperty("ruleset").GetProperty("version").GetString(), before.GetProperty("annualPremium").GetInt64()));
        Assert.Equal(("2025.1", A2Premium), (after.GetProperty("ruleset").GetProperty("version").GetString(), after.GetProperty("annualPremium").GetInt64()));
    }

    /// <summary>
    /// The one gate, over any date, trial flag and pin, draft or published correction: a pin gets its version (a
    /// draft pin only in a trial), an unpinned trial the newest, and an unpinned call 2025.1 until the published
    /// 2025.2's inForceFrom and 2025.2 from that day on — the date matters nowhere else.
    /// </summary>
    [Property(MaxTest = 300)]
    public Property The_version_a_call_gets_depends_on_its_date_only_through_inForceFrom()
    {
        var inForceFrom = new LocalDate(2025, 10, 1);
        var calls = from offset in Gen.Choose(-3650, 3650)
                    from trial in Gen.Elements(false, true)
                    from pin in Gen.Elements<string?>(null, "2025.1", "2025.2")
                    from isPublished in Gen.Elements(false, true)
                    select (AsOf: inForceFrom.PlusDays(offset), Trial: trial, Pin: pin, Published: isPublished);
        return Prop.ForAll(calls.ToArbitrary(), c =>
        {
            var catalog = (c.Published ? (CorrectionFactory)published : draft).Catalog;
            var (rs, refusal) = catalog.Resolve(new RuleSetQuery("premium", "amagasaki", 2025) { AsOf = c.AsOf, Trial = c.Trial, Version = c.Pin });
            if (!c.Published && c.Pin == "2025.2" && !c.Trial)
            {
                Assert.Equal((RuleSetRefusalKind.Draft, "trial"), (refusal!.Kind, refusal.Field));
                return;
            }
            var expected = c.Pin ?? (c.Trial ? "2025.2" : c.Published && c.AsOf >= inForceFrom ? "2025.2" : "2025.1");
            Assert.True(refusal is null, refusal?.Detail);
            Assert.Equal(expected, rs!.Version);
        });
    }

    [Fact]
    public async Task The_rule_set_list_shows_both_versions_and_a_version_can_be_looked_at()
    {
        var client = published.CreateClient();
        var list = await (await client.GetAsync("/v1/rulesets")).ReadJson();

        var amagasaki2025 = list.GetProperty("ruleSets").EnumerateArray()
            .Where(r => r.GetProperty("insurer").GetProperty("id").GetString() == "amagasaki" && r.GetProperty("fiscalYear").GetInt32() == 2025
                        && r.GetProperty("capability").GetString() == "premium")
            .Select(r => (r.GetProperty("version").GetString(), r.GetProperty("status").GetString(), r.GetProperty("hash").GetString(),
                r.TryGetProperty("inForceFrom", out var f) && f.ValueKind == JsonValueKind.String ? f.GetString() : null))
            .ToArray();
        Assert.Equal([("2025.1", "published", published.HashOf("2025.1"), null), ("2025.2", "published", published.HashOf("2025.2"), "2025-10-01")], amagasaki2025);
        Assert.Empty(list.GetProperty("refused").EnumerateArray());

        var shown = await (await client.GetAsync("/v1/rulesets/amagasaki/2025?version=2025.2")).ReadJson();
        Assert.Equal("2025.2", shown.GetProperty("ruleSet").GetProperty("version").GetString());
        var rate = shown.GetProperty("parameters").EnumerateArray().Single(p => p.GetProperty("path").GetString() == "rates.medical.incomeRate");
        Assert.Equal(CorrectionFactory.CorrectedRate, rate.GetProperty("value").GetRawText());
        Assert.Equal(CorrectionFactory.Correction + "/parameters.json", rate.GetProperty("file").GetString());
        var municipal = shown.GetProperty("ruleSet").GetProperty("layers").EnumerateArray().Last();
        Assert.Equal(CorrectionFactory.Correction, municipal.GetProperty("folder").GetString());

        // Naming no version, a look-up shows what a call made today would get.
        var today = await (await client.GetAsync("/v1/rulesets/amagasaki/2025")).ReadJson();
        Assert.Equal("2025.2", today.GetProperty("ruleSet").GetProperty("version").GetString());
        var old = await (await client.GetAsync("/v1/rulesets/amagasaki/2025?version=2025.1")).ReadJson();
        Assert.Equal("0.0804", old.GetProperty("parameters").EnumerateArray().Single(p => p.GetProperty("path").GetString() == "rates.medical.incomeRate").GetProperty("value").GetRawText());
    }

    [Fact]
    public async Task Looking_up_a_version_that_does_not_exist_names_the_version_field()
    {
        var response = await published.CreateClient().GetAsync("/v1/rulesets/amagasaki/2025?version=2099.9");

        var problem = await response.ReadProblem(HttpStatusCode.NotFound, Problems.UnknownRuleSet);
        Assert.Equal("version", problem.FirstErrorField());
        Assert.Contains("2025.1, 2025.2", problem.GetProperty("detail").GetString());
    }

    // ---- the CLI batch pins a version through the same gate ------------------------------------------------

    private static (CliRun Run, JsonElement? Summary) Reassess(CorrectionFactory factory, TempFolder folder, string name, params string[] args)
    {
        var input = folder.File("pop.jsonl");
        if (!File.Exists(input)) WriteJsonLines(input, new SyntheticPopulation(FiscalYear, 7).Households(60));
        var summary = folder.File(name + ".summary.json");
        var run = CliRun.Command(["reassess", "--insurer", Insurer, "--fiscal-year", "2025", "--threads", "1", "--root", factory.Root.Root,
            "--in", input, "--out", folder.File(name + ".jsonl"), "--summary-json", summary, .. args]);
        return (run, File.Exists(summary) ? JsonDocument.Parse(File.ReadAllText(summary)).RootElement.Clone() : null);
    }

    [Fact]
    public void The_cli_batch_pins_a_version_with_ruleset_version_and_stamps_it()
    {
        using var folder = new TempFolder();
        var (old, oldSummary) = Reassess(published, folder, "old", "--ruleset-version", "2025.1");
        var (corrected, correctedSummary) = Reassess(published, folder, "corrected", "--ruleset-version", "2025.2");
        var (unpinned, unpinnedSummary) = Reassess(published, folder, "today");

        Assert.True(old.ExitCode == 0, old.ToString());
        Assert.True(corrected.ExitCode == 0, corrected.ToString());
        Assert.True(unpinned.ExitCode == 0, unpinned.ToString());
        (string?, string?) Stamp(JsonElement? s) => (s!.Value.GetProperty("ruleset").GetProperty("version").GetString(), s.Value.GetProperty("ruleset").GetProperty("hash").GetString());
        Assert.Equal(("2025.1", published.HashOf("2025.1")), Stamp(oldSummary));
        Assert.Equal(("2025.2", published.HashOf("2025.2")), Stamp(correctedSummary));
        Assert.Equal(("2025.2", published.HashOf("2025.2")), Stamp(unpinnedSummary)); // in force today
        // A higher 医療分 所得割率: households below the cap pay more, none pays less.
        Assert.True(correctedSummary!.Value.GetProperty("annualPremium").GetInt64() > oldSummary!.Value.GetProperty("annualPremium").GetInt64());
        Assert.Equal(correctedSummary.Value.GetProperty("annualPremium").GetInt64(), unpinnedSummary!.Value.GetProperty("annualPremium").GetInt64());
    }

    [Fact]
    public void The_cli_batch_refuses_a_pinned_draft_without_trial_in_one_line_and_runs_it_as_a_trial()
    {
        using var folder = new TempFolder();
        var (refused, refusedSummary) = Reassess(draft, folder, "refused", "--ruleset-version", "2025.2");

        Assert.True(refused.ExitCode == KokuhoRules.Cli.Batch.ExitCodes.Failed, refused.ToString());
        Assert.Contains("version 2025.2", refused.Error);
        Assert.Contains("--trial", refused.Error);
        Assert.DoesNotContain("   at ", refused.Error);
        Assert.Null(refusedSummary);
        Assert.False(File.Exists(folder.File("refused.jsonl")));

        var (trial, trialSummary) = Reassess(draft, folder, "trial", "--ruleset-version", "2025.2", "--trial");
        Assert.True(trial.ExitCode == 0, trial.ToString());
        Assert.Equal("2025.2", trialSummary!.Value.GetProperty("ruleset").GetProperty("version").GetString());
        Assert.True(trialSummary.Value.GetProperty("trial").GetBoolean());

        var (unknown, _) = Reassess(draft, folder, "unknown", "--ruleset-version", "2099.9");
        Assert.True(unknown.ExitCode == KokuhoRules.Cli.Batch.ExitCodes.Failed, unknown.ToString());
        Assert.Contains("2025.1, 2025.2", unknown.Error);
    }
}
