namespace KokuhoRules.Engine.RuleSets;

/// <summary>
/// One layer folder of a rule set (<c>national/2025/premium</c>, <c>hyogo/2025/highCost</c>,
/// <c>amagasaki/2025/premium@2025.2</c>) as read from disk: its manifest, its JSON files by name, and
/// the hash of its content.
/// </summary>
public sealed class RuleSetLayer
{
    /// <summary>The file with the layer's parameters.</summary>
    public const string ParametersFileName = "parameters.json";

    /// <summary>The file with the layer's RulesEngine workflows (decisions); optional.</summary>
    public const string WorkflowsFileName = "workflows.json";

    internal RuleSetLayer(string folder, string displayPath, RuleSetManifest manifest, IReadOnlyDictionary<string, JsonSourceFile> files, string contentHash,
        JsonSourceFile manifestFile)
    {
        Folder = folder;
        DisplayPath = displayPath;
        Manifest = manifest;
        ManifestFile = manifestFile;
        Files = files;
        ContentHash = contentHash;
    }

    /// <summary>Absolute folder path.</summary>
    public string Folder { get; }

    /// <summary>Path shown to people, relative to its root, e.g. <c>amagasaki/2025/premium</c>.</summary>
    public string DisplayPath { get; }

    public RuleSetManifest Manifest { get; }

    /// <summary>The manifest as read, to place errors found after reading at their line.</summary>
    public JsonSourceFile ManifestFile { get; }

    /// <summary>Which layer: national, prefecture or municipal.</summary>
    public RuleSetLayerKind Kind => Manifest.Layer;

    /// <summary>The folder name of the layer's owner: <c>national</c>, or the insurer id.</summary>
    public string OwnerId => Manifest.Insurer?.Id ?? RuleSetLoader.NationalFolder;

    /// <summary>The capability the layer is for.</summary>
    public string Capability => Manifest.Capability;

    /// <summary>The layer's version (its manifest's).</summary>
    public string Version => Manifest.Version;

    /// <summary>The JSON files of the layer by file name (parameters.json, workflows.json, …).</summary>
    public IReadOnlyDictionary<string, JsonSourceFile> Files { get; }

    /// <summary>The hash computed from the files now on disk.</summary>
    public string ContentHash { get; }

    public JsonSourceFile? Parameters => Files.GetValueOrDefault(ParametersFileName);

    public JsonSourceFile? Workflows => Files.GetValueOrDefault(WorkflowsFileName);

    public override string ToString() => $"{DisplayPath} {Version}";
}

/// <summary>
/// The layers of one rule set, in order from the national layer down to the insurer's own layer (a
/// municipal layer, or a prefecture's when the capability is served prefecture-wide), all of the same
/// capability and fiscal year: the input of a capability's compiler.
/// </summary>
public sealed class RuleSetSource
{
    /// <summary>Assembles a rule set from its layers, top first; the last is the insurer's.</summary>
    /// <exception cref="ArgumentException">The layers are not national first, in order, of one capability and year: a programming error (the loader assembles them).</exception>
    public RuleSetSource(IReadOnlyList<RuleSetLayer> layers)
    {
        if (layers.Count == 0 || layers[0].Kind != RuleSetLayerKind.National || layers[^1].Kind == RuleSetLayerKind.National)
            throw new ArgumentException("a rule set runs from the national layer down to an insurer's layer", nameof(layers));
        for (var i = 1; i < layers.Count; i++)
            if (layers[i].Kind <= layers[i - 1].Kind || layers[i].Capability != layers[0].Capability || layers[i].Manifest.FiscalYear != layers[0].Manifest.FiscalYear)
                throw new ArgumentException("layers must descend national → prefecture → municipal within one capability and fiscal year", nameof(layers));
        Layers = layers;
        Hash = RuleSets.ContentHash.Combine(layers.Select(l => (l.Kind, l.ContentHash)));
    }

    /// <summary>Convenience for the usual two layers.</summary>
    public RuleSetSource(RuleSetLayer national, RuleSetLayer insurer) : this([national, insurer]) { }

    /// <summary>The layers, national first, the insurer's last.</summary>
    public IReadOnlyList<RuleSetLayer> Layers { get; }

    /// <summary>The national layer.</summary>
    public RuleSetLayer National => Layers[0];

    /// <summary>The prefecture layer, if the rule set has one.</summary>
    public RuleSetLayer? Prefecture => Layers.FirstOrDefault(l => l.Kind == RuleSetLayerKind.Prefecture);

    /// <summary>The insurer's own layer (the last): its manifest names the insurer, the version and the status of the rule set.</summary>
    public RuleSetLayer InsurerLayer => Layers[^1];

    public string Capability => National.Capability;
    public InsurerInfo InsurerInfo => InsurerLayer.Manifest.Insurer!;
    public string Insurer => InsurerInfo.Id;
    public int FiscalYear => InsurerLayer.Manifest.FiscalYear;

    /// <summary>The rule set's version: its insurer layer's.</summary>
    public string Version => InsurerLayer.Version;

    /// <summary>The hash identifying the whole rule set (every layer), computed once (a batch writes it on every row).</summary>
    public string Hash { get; }

    /// <summary>Draft if any layer is a draft.</summary>
    public RuleSetStatus Status => Layers.All(l => l.Manifest.Status == RuleSetStatus.Published) ? RuleSetStatus.Published : RuleSetStatus.Draft;

    /// <summary>From when a published rule set serves calls that name no version: its insurer layer's <see cref="RuleSetManifest.InForceFrom"/>.</summary>
    public NodaTime.LocalDate? InForceFrom => InsurerLayer.Manifest.InForceFrom;

    public override string ToString() => $"{Insurer}/{FiscalYear} {Capability} {Version}";
}
