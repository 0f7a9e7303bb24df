using KokuhoRules.Engine.Decisions;
using KokuhoRules.Engine.Joins;
using KokuhoRules.Engine.RuleSets;
using KokuhoRules.Engine.Tracing;
using NodaTime;

// A made-up capability ("toy": a continuity notice, 資格継続のお知らせ) written on the rule-set kernel alone, to
// prove the kernel is general (issue 12 item 6). This file may use src/Engine, NodaTime and the framework only:
// ToyAssemblyTests compiles it against exactly those and fails if it names anything else (KokuhoRules.Rules…).
namespace KokuhoRules.Tests.Engine.Kernel;

/// <summary>The toy's parameters: a national group every layer below may refine, and the insurer's office group.</summary>
public sealed class ToyParameters
{
    [FromLayer(RuleSetLayerKind.National)]
    public NoticeGroup Notice { get; set; } = new();

    /// <summary>Written by the prefecture for all its cities, or by the city.</summary>
    [FromLayer(RuleSetLayerKind.Municipal)]
    public OfficeGroup Office { get; set; } = new();
}

[ParameterGroup]
public sealed class NoticeGroup
{
    /// <summary>Days after a loss of coverage within which a reminder, not a final notice, is sent.</summary>
    public int GraceDays { get; set; }

    /// <summary>No layer may grant more grace days than this.</summary>
    public int MaxGraceDays { get; set; }
}

[ParameterGroup]
public sealed class OfficeGroup
{
    public string Sender { get; set; } = "";

    public int ReplyDays { get; set; }
}

/// <summary>The facts the <c>NoticeKind</c> decision reads (named <c>n</c> in expressions).</summary>
public sealed record NoticeFacts(int DaysSinceLoss, bool Reacquired);

/// <summary>What the <c>NoticeKind</c> decision yields.</summary>
public enum NoticeKind
{
    None,
    Reminder,
    Final,
}

/// <summary>A join fact: a person lost coverage in a city.</summary>
public sealed record Loss(string PersonKey, string City, LocalDate Date);

/// <summary>A join fact: a person acquired coverage in a city.</summary>
public sealed record Acquisition(string PersonKey, string City, LocalDate Date);

/// <summary>A join conclusion: the person is sent a continuity notice.</summary>
public sealed record ContinuityNotice(string PersonKey, string City);

/// <summary>A compiled toy rule set: parameters, the one decision and the join rules. Immutable and thread-safe.</summary>
public sealed class ToyRuleSet : CompiledRuleSet
{
    internal ToyRuleSet(RuleSetSource source, ToyParameters parameters, ParameterTable table, Decision<NoticeFacts, NoticeKind> noticeKind, JoinRules joins)
        : base(source, table)
    {
        Parameters = parameters;
        NoticeKind = noticeKind;
        Joins = joins;
    }

    public ToyParameters Parameters { get; }

    public Decision<NoticeFacts, NoticeKind> NoticeKind { get; }

    public JoinRules Joins { get; }

    public override IEnumerable<Decision> Decisions => [NoticeKind];

    /// <summary>
    /// The toy calculation: the kind of notice for one case, and the people of <paramref name="moves"/> who are sent a
    /// continuity notice. With a trace, the decision's rule and each join firing become steps.
    /// </summary>
    public (NoticeKind Kind, IReadOnlyList<ContinuityNotice> Notices) Assess(NoticeFacts facts, IEnumerable<object> moves, Trace? trace = null)
    {
        var rule = NoticeKind.Match(facts);
        var kind = NoticeKind.OutcomeOf(rule);
        var joined = Joins.Run(moves);
        if (trace is not null)
        {
            trace.Add("decision", "person", null, "noticeKind", NoticeKind.Rules[rule].Name, value: NoticeKind.Rules[rule].Outcome,
                parameters: [TraceParameter.Of(ParameterTable, "notice.graceDays")], rule: NoticeKind.TraceRuleOf(rule));
            joined.AppendTo(trace, _ => "household");
        }
        return (kind, joined.Of<ContinuityNotice>().ToArray());
    }
}

/// <summary>
/// The toy capability's compiler: binds the parameters of every layer, checks the grace days against the national
/// maximum, compiles the <c>NoticeKind</c> workflow and the join rules of <c>joins.json</c> (the lowest layer's that
/// has one). Every problem is reported at once with file, line and JSON path.
/// </summary>
public sealed class ToyCompiler : RuleSetCompiler<ToyRuleSet>
{
    public const string CapabilityName = "toy";

    public const string JoinsFileName = "joins.json";

    public const string NoticeKindWorkflow = "NoticeKind";

    private static readonly IReadOnlyDictionary<string, NoticeKind> Outcomes = new Dictionary<string, NoticeKind>
    {
        ["none"] = NoticeKind.None,
        ["reminder"] = NoticeKind.Reminder,
        ["final"] = NoticeKind.Final,
    };

    public override string Capability => CapabilityName;

    public override IReadOnlySet<string> FileNames { get; } =
        new HashSet<string> { RuleSetLayer.ParametersFileName, RuleSetLayer.WorkflowsFileName, JoinsFileName };

    public override ToyRuleSet CompileRuleSet(RuleSetSource source)
    {
        var errors = new RuleSetErrors();
        var files = ParameterFiles(source, errors);
        errors.ThrowIfAny(source.ToString());
        var parameters = ParameterBinder.Bind<ToyParameters>(files, errors, out var table);
        errors.ThrowIfAny(source.ToString());
        var p = parameters!;
        if (p.Notice.GraceDays < 0 || p.Notice.GraceDays > p.Notice.MaxGraceDays)
            errors.Add(table.ErrorAt("notice.graceDays", $"the grace days must be between 0 and the national maximum {p.Notice.MaxGraceDays} (notice.maxGraceDays), not {p.Notice.GraceDays}"));

        var workflows = WorkflowSet.Read(source, errors);
        var noticeKind = workflows.Compile<NoticeFacts, NoticeKind>(NoticeKindWorkflow, "n", p, "p", Outcomes, errors,
            source.National.Workflows ?? source.National.Parameters!, parameterTable: table);
        workflows.ReportUnused(errors);

        JoinRules? joins = null;
        if (source.Layers.LastOrDefault(l => l.Files.ContainsKey(JoinsFileName)) is not { } joinsLayer)
            errors.Add(new RuleSetError(source.National.DisplayPath, "$", 0, $"no {JoinsFileName} in any layer: the toy capability's join rules are missing"));
        else
            joins = JoinRules.Compile(joinsLayer.Files[JoinsFileName], Vocabulary(p, table), errors, joinsLayer.Kind.ToString().ToLowerInvariant());
        errors.ThrowIfAny(source.ToString());
        return new ToyRuleSet(source, p, table, noticeKind!, joins!);
    }

    /// <summary>What the toy's join rules may speak about.</summary>
    public static JoinVocabulary Vocabulary(ToyParameters parameters, ParameterTable table) =>
        new JoinVocabulary(parameters, "p", table)
            .Fact<Loss>()
            .Fact<Acquisition>()
            .Conclusion<ContinuityNotice>()
            .ExpressionType(typeof(LocalDate));
}
