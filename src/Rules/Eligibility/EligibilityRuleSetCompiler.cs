using KokuhoRules.Engine.Joins;
using KokuhoRules.Engine.RuleSets;
using NodaTime;

namespace KokuhoRules.Rules.Eligibility;

/// <summary>
/// Compiles a <see cref="RuleSetSource"/> into an <see cref="EligibilityRuleSet"/>: binds the parameters of the
/// layers (national, then the prefecture's: the capability is served prefecture-wide), checks the keys, compiles the
/// three date workflows and the check rules of <c>joins.json</c>. All problems are reported together at file:line:path.
/// </summary>
public sealed class EligibilityRuleSetCompiler : RuleSetCompiler<EligibilityRuleSet>
{
    /// <summary>The capability's name in manifests and folders.</summary>
    public const string CapabilityName = "eligibility";

    /// <summary>The file of the check rules.</summary>
    public const string JoinsFileName = "joins.json";

    /// <summary>The name the date workflows use for the event facts.</summary>
    public const string FactsName = "e";

    /// <summary>The name expressions use for the parameters.</summary>
    public const string ParametersName = "p";

    /// <summary>The event kind that tells a move out of the prefecture ended on the day of a move-in elsewhere.</summary>
    public const string MoveInElsewhere = "moveInElsewhere";

    /// <summary>The workflows of the date decisions.</summary>
    public const string AcquisitionDateWorkflow = "AcquisitionDate", LossDateWorkflow = "LossDate", ApplicationStartWorkflow = "ApplicationStart";

    /// <summary>The schema file of a national layer's eligibility parameters.</summary>
    public const string NationalParametersSchema = "eligibility.national.parameters.schema.json";

    /// <summary>The schema file of a prefecture layer's eligibility parameters.</summary>
    public const string PrefectureParametersSchema = "eligibility.prefecture.parameters.schema.json";

    /// <summary>The JSON Schemas of the eligibility parameter files, generated from <see cref="EligibilityParameters"/>, by file name under <c>rulesets/schema/</c>.</summary>
    public static IReadOnlyList<(string FileName, System.Text.Json.Nodes.JsonObject Schema)> ParameterSchemas() =>
    [
        (NationalParametersSchema, ParameterSchema.For<EligibilityParameters>(RuleSetLayerKind.National, NationalParametersSchema,
            "KokuhoRules eligibility parameters, national layer (rulesets/national/<year>/eligibility/parameters.json)")),
        (PrefectureParametersSchema, ParameterSchema.For<EligibilityParameters>(RuleSetLayerKind.Prefecture, PrefectureParametersSchema,
            "KokuhoRules eligibility parameters, prefecture layer (rulesets/<prefecture>/<year>/eligibility/parameters.json)")),
    ];

    private static readonly IReadOnlyDictionary<string, EventDateRule> Outcomes = new Dictionary<string, EventDateRule>
    {
        ["none"] = EventDateRule.None,
        ["eventDay"] = EventDateRule.EventDay,
        ["dayAfter"] = EventDateRule.DayAfter,
        ["carriedOver"] = EventDateRule.CarriedOver,
        ["acquisitionDate"] = EventDateRule.AcquisitionDate,
    };

    public override string Capability => CapabilityName;

    public override IReadOnlySet<RuleSetLayerKind> InsurerLayers { get; } = new HashSet<RuleSetLayerKind> { RuleSetLayerKind.Prefecture };

    public override IReadOnlySet<string> FileNames { get; } =
        new HashSet<string> { RuleSetLayer.ParametersFileName, RuleSetLayer.WorkflowsFileName, JoinsFileName };

    public override EligibilityRuleSet CompileRuleSet(RuleSetSource source)
    {
        var errors = new RuleSetErrors();
        var files = ParameterFiles(source, errors);
        errors.ThrowIfAny(source.ToString());
        var parameters = ParameterBinder.Bind<EligibilityParameters>(files, errors, out var table);
        errors.ThrowIfAny(source.ToString());
        var p = parameters!;
        Validate(p, table, errors);

        var workflows = Engine.Decisions.WorkflowSet.Read(source, errors);
        var anchor = source.National.Workflows ?? source.National.Parameters!;
        Engine.Decisions.Decision<EventFacts, EventDateRule>? Compile(string name) =>
            workflows.Compile<EventFacts, EventDateRule>(name, FactsName, p, ParametersName, Outcomes, errors, anchor, parameterTable: table);
        var acquisition = Compile(AcquisitionDateWorkflow);
        var loss = Compile(LossDateWorkflow);
        var start = Compile(ApplicationStartWorkflow);
        workflows.ReportUnused(errors);

        JoinRules? checks = null;
        if (source.Layers.LastOrDefault(l => l.Files.ContainsKey(JoinsFileName)) is not { } joinsLayer)
            errors.Add(new RuleSetError(source.National.DisplayPath, "$", 0, $"no {JoinsFileName} in any layer: the eligibility checks are missing"));
        else
            checks = JoinRules.Compile(joinsLayer.Files[JoinsFileName], Vocabulary(p, table), errors, joinsLayer.Kind.ToString().ToLowerInvariant());
        errors.ThrowIfAny(source.ToString());
        return new EligibilityRuleSet(source, p, table, acquisition!, loss!, start!, checks!);
    }

    /// <summary>What the check rules may speak about: records and events of a person, findings, NodaTime dates and <see cref="EligibilityDates"/>.</summary>
    public static JoinVocabulary Vocabulary(EligibilityParameters parameters, ParameterTable table) =>
        new JoinVocabulary(parameters, ParametersName, table)
            .Fact<RecordFact>("Record")
            .Fact<EventFact>("Event")
            .Conclusion<FindingConclusion>("Finding")
            .ExpressionType(typeof(LocalDate))
            .ExpressionType(typeof(Period))
            .ExpressionType(typeof(PeriodUnits))
            .ExpressionType(typeof(EligibilityDates));

    private static void Validate(EligibilityParameters p, ParameterTable table, RuleSetErrors errors)
    {
        foreach (var (group, keys) in new[] { ("acquisitionReasons", p.AcquisitionReasons), ("lossReasons", p.LossReasons), ("eventKinds", p.EventKinds), ("findingKinds", p.FindingKinds) })
        {
            if (keys.Count == 0) errors.Add(table.ErrorAt(group, "must list at least one key"));
            foreach (var (key, named) in keys)
                if (string.IsNullOrWhiteSpace(named.Name)) errors.Add(table.ErrorAt($"{group}.{key}.name", "the Japanese name must not be empty"));
        }
        foreach (var (group, reasons) in new[] { ("acquisitionReasons", p.AcquisitionReasons), ("lossReasons", p.LossReasons) })
            foreach (var key in reasons.Keys.Where(k => !p.EventKinds.ContainsKey(k)))
                errors.Add(table.ErrorAt($"{group}.{key}.name", $"the reason '{key}' is not an event kind: add eventKinds.{key}, the event whose date the reason's date follows"));
        if (!p.EventKinds.ContainsKey(MoveInElsewhere) && p.EventKinds.Keys.FirstOrDefault() is { } first)
            errors.Add(table.ErrorAt($"eventKinds.{first}.name", $"eventKinds must include '{MoveInElsewhere}' (転出先での転入: a move out of the prefecture on the day of a move-in elsewhere is lost that day)"));
    }
}
