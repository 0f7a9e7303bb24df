using KokuhoRules.Engine.RuleSets;
using KokuhoRules.Engine.Tracing;
using static KokuhoRules.Tests.Engine.Kernel.ToyRuleSets;

namespace KokuhoRules.Tests.Engine.Kernel;

/// <summary>
/// The toy capability loaded by the generic catalog with its own compiler (no premium code): its parameters bound
/// across three layers, its RulesEngine decision evaluated, its NRules join fired, and both traced.
/// </summary>
public sealed class ToyCapabilityTests
{
    [Fact]
    public void The_catalog_loads_every_toy_rule_set_with_the_toy_compiler_alone()
    {
        Assert.Empty(Catalog.Failures);
        var compiler = Assert.Single(Catalog.Compilers);
        Assert.Equal("toy", compiler.Capability);
        Assert.Equal(["joins.json", "parameters.json", "workflows.json"], compiler.FileNames.Order(StringComparer.Ordinal));
        Assert.Equal(["amagasaki/2025 toy 2025.1", "amagasaki/2025 toy 2025.2"], Catalog.RuleSets.Select(r => r.ToString()));
        Assert.All(Catalog.RuleSets, r => Assert.IsType<ToyRuleSet>(r));
        Assert.Equal("toy", Catalog.CapabilityOf<ToyRuleSet>());
    }

    [Fact]
    public void Parameters_are_bound_across_the_national_prefecture_and_municipal_layers_with_each_values_layer()
    {
        var rs = Version("2025.1");

        Assert.Equal(["national", "hyogo", "amagasaki"], rs.Source.Layers.Select(l => l.OwnerId));
        Assert.Equal(20, rs.Parameters.Notice.GraceDays);       // the city overrides the national 14
        Assert.Equal(30, rs.Parameters.Notice.MaxGraceDays);    // national, not overridden
        Assert.Equal("尼崎市国保年金課", rs.Parameters.Office.Sender); // the city overrides the prefecture's
        Assert.Equal(10, rs.Parameters.Office.ReplyDays);       // the prefecture's, for all its cities

        var grace = rs.ParameterTable["notice.graceDays"];
        Assert.Equal((RuleSetLayerKind.Municipal, "20", "amagasaki/2025/toy/parameters.json"), (grace.Layer, grace.ValueText, grace.File));
        Assert.Equal((RuleSetLayerKind.National, "14", "national/2025/toy/parameters.json"), (grace.Overrides!.Layer, grace.Overrides.ValueText, grace.Overrides.File));
        var sender = rs.ParameterTable["office.sender"];
        Assert.Equal((RuleSetLayerKind.Municipal, RuleSetLayerKind.Prefecture), (sender.Layer, sender.Overrides!.Layer));
        var reply = rs.ParameterTable["office.replyDays"];
        Assert.Equal((RuleSetLayerKind.Prefecture, "hyogo/2025/toy/parameters.json", null), (reply.Layer, reply.File, reply.Overrides));
        Assert.Equal(RuleSetLayerKind.National, rs.ParameterTable["notice.maxGraceDays"].Layer);

        Assert.Empty(rs.UnconfirmedParameters);
        Assert.Equal(["notice.graceDays"], Version("2025.2").UnconfirmedParameters);
    }

    [Theory]
    [InlineData(0, false, NoticeKind.Reminder)]
    [InlineData(20, false, NoticeKind.Reminder)]  // the city's grace days (20), not the national 14
    [InlineData(21, false, NoticeKind.Final)]
    [InlineData(40, true, NoticeKind.None)]
    public void The_decision_evaluates_with_the_bound_parameters(int daysSinceLoss, bool reacquired, NoticeKind expected)
    {
        var rs = Version("2025.1");

        Assert.Equal(expected, rs.NoticeKind.Decide(new NoticeFacts(daysSinceLoss, reacquired)));
        Assert.Equal(["NoticeKind"], rs.Decisions.Select(d => d.Name));
    }

    [Fact]
    public void The_join_fires_for_a_loss_with_no_acquisition_within_the_grace_days_of_the_version()
    {
        var moves = new object[]
        {
            new Loss("P1", "尼崎市", Day(0)), new Acquisition("P1", "西宮市", Day(22)),  // 22 days later: beyond 20, within 25
            new Loss("P2", "尼崎市", Day(0)), new Acquisition("P2", "尼崎市", Day(5)),   // back within the grace days
        };

        var (_, notices) = Version("2025.1").Assess(new NoticeFacts(22, false), moves);
        var (_, draftNotices) = Version("2025.2").Assess(new NoticeFacts(22, false), moves);

        Assert.Equal([new ContinuityNotice("P1", "尼崎市")], notices);
        Assert.Empty(draftNotices); // the draft's 25 grace days cover the 22
    }

    [Fact]
    public void The_decisions_rule_and_the_join_firing_are_trace_steps_with_names_rendered_from_the_parameters()
    {
        var rs = Version("2025.1");
        var trace = new Trace();

        var (kind, _) = rs.Assess(new NoticeFacts(5, false), [new Loss("P1", "尼崎市", Day(0))], trace);

        Assert.Equal(NoticeKind.Reminder, kind);
        Assert.Equal(2, trace.Steps.Count);
        var decision = trace.Steps[0];
        Assert.Equal(("decision", "noticeKind", "喪失から20日以内", "reminder"), (decision.Kind, decision.Item, decision.Text, decision.Value));
        Assert.Equal(new TraceRule("NoticeKind", "喪失から20日以内", "n.daysSinceLoss <= p.notice.graceDays", "reminder",
            "made up: a reminder within the grace days", "national"), decision.Rule);
        Assert.Equal([new TraceParameter("notice.graceDays", "20", "made up: the city's grace days (version 2025.1)", true, "municipal")], decision.Parameters);

        var join = trace.Steps[1];
        Assert.Equal(("decision", "ContinuityNotice", "喪失から20日以内に再取得がない（loss = Loss #0）"), (join.Kind, join.Item, join.Text));
        Assert.Equal(("national/2025/toy/joins.json", "喪失から20日以内に再取得がない", "national"), (join.Rule!.Workflow, join.Rule.Rule, join.Rule.Layer));
        Assert.StartsWith("made up: a loss with no acquisition", join.Rule.Reference);
        Assert.DoesNotContain(trace.Steps, s => s.Text.Contains("P1", StringComparison.Ordinal)); // facts by position, never their values
    }

    [Fact]
    public void Rule_names_follow_the_parameters_of_each_version()
    {
        Assert.Equal(["資格を再取得した", "喪失から20日以内", "喪失から20日を超えた"], Version("2025.1").NoticeKind.Rules.Select(r => r.Name));
        Assert.Equal(["資格を再取得した", "喪失から25日以内", "喪失から25日を超えた"], Version("2025.2").NoticeKind.Rules.Select(r => r.Name));
        Assert.Equal("喪失から{notice.graceDays}日以内", Version("2025.2").NoticeKind.Rules[1].NameTemplate);
        Assert.Equal("喪失から25日以内に再取得がない", Assert.Single(Version("2025.2").Joins.Rules).Name);
    }
}
