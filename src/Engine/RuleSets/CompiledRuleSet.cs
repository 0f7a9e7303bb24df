using KokuhoRules.Engine.Decisions;

namespace KokuhoRules.Engine.RuleSets;

/// <summary>
/// What every compiled rule set has, whatever its capability: the layers it was compiled from, its
/// stamp, its parameter table and decisions, and the parameters no source confirms. A capability's
/// compiler derives from it and adds the typed parameters and decisions its calculation uses.
/// Immutable and thread-safe: one instance serves every request and batch worker.
/// </summary>
public abstract class CompiledRuleSet(RuleSetSource source, ParameterTable parameterTable)
{
    /// <summary>The layers the rule set was compiled from.</summary>
    public RuleSetSource Source { get; } = source;

    /// <summary>Every parameter with its value, layer, reference and line.</summary>
    public ParameterTable ParameterTable { get; } = parameterTable;

    public string Capability => Source.Capability;
    public InsurerInfo Insurer => Source.InsurerInfo;
    public int FiscalYear => Source.FiscalYear;

    /// <summary>The rule set's version: its insurer layer's.</summary>
    public string Version => Source.Version;

    /// <summary>The version of the national layer it builds on.</summary>
    public string NationalVersion => Source.National.Version;

    public RuleSetStatus Status => Source.Status;

    /// <summary>The hash identifying the rule set (every layer's files).</summary>
    public string Hash => Source.Hash;

    /// <summary>From when this version serves calls that name none (null: from the start).</summary>
    public NodaTime.LocalDate? InForceFrom => Source.InForceFrom;

    /// <summary>What a result computed with this rule set carries to be reproduced.</summary>
    public RuleSetStamp Stamp => field ??= RuleSetStamp.Of(this);

    /// <summary>Every compiled RulesEngine decision, in the order the calculation uses them.</summary>
    public abstract IEnumerable<Decision> Decisions { get; }

    /// <summary>
    /// The other insurers this rule set serves without a layer of their own (a prefecture-wide rule set's cities, as its
    /// parameters list them); none by default. <see cref="RuleSetCatalog.ServingInsurer"/> finds the rule set of such a city.
    /// </summary>
    public virtual IEnumerable<InsurerInfo> ServedInsurers => [];

    /// <summary>Paths of the parameters no source confirms (marked <c>confirmed: false</c>).</summary>
    public IReadOnlyList<string> UnconfirmedParameters => field ??= ParameterTable.All.Where(p => !p.Confirmed).Select(p => p.Path).ToArray();

    public override string ToString() => $"{Insurer.Id}/{FiscalYear} {Capability} {Version}";
}

/// <summary>The rule set a result was computed with: enough to reproduce it.</summary>
/// <param name="Insurer">The insurer's id.</param>
/// <param name="FiscalYear">The fiscal year.</param>
/// <param name="Version">The rule set's version (its insurer layer's).</param>
/// <param name="NationalVersion">The version of the national layer it builds on.</param>
/// <param name="Status"><c>published</c> or <c>draft</c>.</param>
/// <param name="Hash">The hash of every layer's files.</param>
public sealed record RuleSetStamp(string Insurer, int FiscalYear, string Version, string NationalVersion, string Status, string Hash)
{
    /// <summary>The capability (<c>premium</c>…); absent on stamps written before capabilities existed.</summary>
    public string? Capability { get; init; }

    /// <summary>The version of the prefecture layer it builds on, when it has one.</summary>
    [System.Text.Json.Serialization.JsonIgnore(Condition = System.Text.Json.Serialization.JsonIgnoreCondition.WhenWritingNull)]
    public string? PrefectureVersion { get; init; }

    public static RuleSetStamp Of(CompiledRuleSet rs) =>
        new(rs.Insurer.Id, rs.FiscalYear, rs.Version, rs.NationalVersion, rs.Status.ToString().ToLowerInvariant(), rs.Hash)
        {
            Capability = rs.Capability, PrefectureVersion = rs.Source.Prefecture is { } p && p != rs.Source.InsurerLayer ? p.Version : null,
        };
}

/// <summary>
/// A capability's compiler: turns the layers of a rule set into a <see cref="CompiledRuleSet"/>, or
/// throws <see cref="RuleSetValidationException"/> with every error, each with file, JSON path and line.
/// The catalog finds compilers, so a new capability is a compiler class and its rule-set files.
/// </summary>
public interface IRuleSetCompiler
{
    /// <summary>The capability's name, as in manifests and folders (<c>premium</c>).</summary>
    string Capability { get; }

    /// <summary>The type of the rule sets it compiles.</summary>
    Type RuleSetType { get; }

    /// <summary>The layer kinds that may be an insurer's own (municipal; prefecture too where the capability is served prefecture-wide).</summary>
    IReadOnlySet<RuleSetLayerKind> InsurerLayers { get; }

    /// <summary>The JSON files a layer of the capability may hold.</summary>
    IReadOnlySet<string> FileNames { get; }

    /// <summary>Compiles, or throws <see cref="RuleSetValidationException"/>.</summary>
    CompiledRuleSet Compile(RuleSetSource source);
}

/// <summary>The usual base of a compiler: typed, municipal insurers, parameters and workflows.</summary>
public abstract class RuleSetCompiler<TRuleSet> : IRuleSetCompiler where TRuleSet : CompiledRuleSet
{
    public abstract string Capability { get; }
    public Type RuleSetType => typeof(TRuleSet);
    public virtual IReadOnlySet<RuleSetLayerKind> InsurerLayers { get; } = new HashSet<RuleSetLayerKind> { RuleSetLayerKind.Municipal };
    public virtual IReadOnlySet<string> FileNames { get; } = new HashSet<string> { RuleSetLayer.ParametersFileName, RuleSetLayer.WorkflowsFileName };

    /// <summary>Compiles, or throws <see cref="RuleSetValidationException"/>.</summary>
    public abstract TRuleSet CompileRuleSet(RuleSetSource source);

    CompiledRuleSet IRuleSetCompiler.Compile(RuleSetSource source) => CompileRuleSet(source);

    /// <summary>
    /// The parameter files of the layers, top first, for <see cref="ParameterBinder"/>; a missing file in a
    /// layer that must have one (the national and the insurer's) is an error.
    /// </summary>
    protected static IReadOnlyList<(RuleSetLayerKind Kind, JsonSourceFile File)> ParameterFiles(RuleSetSource source, RuleSetErrors errors, bool insurerLayerRequired = true)
    {
        var files = new List<(RuleSetLayerKind, JsonSourceFile)>();
        foreach (var layer in source.Layers)
        {
            if (layer.Parameters is { } file) files.Add((layer.Kind, file));
            else if (layer.Kind == RuleSetLayerKind.National || (insurerLayerRequired && layer == source.InsurerLayer))
                errors.Add(new RuleSetError(layer.DisplayPath, "$", 0, $"no {RuleSetLayer.ParametersFileName} in the folder"));
        }
        return files;
    }
}
