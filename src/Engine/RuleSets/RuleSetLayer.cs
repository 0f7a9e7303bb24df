namespace KokuhoRules.Engine.RuleSets;

/// <summary>
/// One layer folder of a rule set (<c>national/2025</c> or <c>amagasaki/2025</c>) as read from disk:
/// its manifest, its JSON files by name, and the hash of its content.
/// </summary>
public sealed class RuleSetLayer
{
    /// <summary>The file with the layer's parameters.</summary>
    public const string ParametersFileName = "parameters.json";

    /// <summary>The file with the layer's RulesEngine workflows (decisions); optional.</summary>
    public const string WorkflowsFileName = "workflows.json";

    internal RuleSetLayer(string folder, string displayPath, RuleSetManifest manifest, IReadOnlyDictionary<string, JsonSourceFile> files, string contentHash)
    {
        Folder = folder;
        DisplayPath = displayPath;
        Manifest = manifest;
        Files = files;
        ContentHash = contentHash;
    }

    /// <summary>Absolute folder path.</summary>
    public string Folder { get; }

    /// <summary>Path shown to people, relative to its root, e.g. <c>amagasaki/2025</c>.</summary>
    public string DisplayPath { get; }

    public RuleSetManifest Manifest { get; }

    /// <summary>The JSON files of the layer by file name (parameters.json, workflows.json).</summary>
    public IReadOnlyDictionary<string, JsonSourceFile> Files { get; }

    /// <summary>The hash computed from the files now on disk.</summary>
    public string ContentHash { get; }

    public JsonSourceFile? Parameters => Files.GetValueOrDefault(ParametersFileName);

    public JsonSourceFile? Workflows => Files.GetValueOrDefault(WorkflowsFileName);
}

/// <summary>A municipal layer paired with the national layer of the same fiscal year: the input of a domain compiler.</summary>
public sealed record RuleSetSource(RuleSetLayer National, RuleSetLayer Municipal)
{
    public string Insurer => Municipal.Manifest.Insurer!.Id;
    public int FiscalYear => Municipal.Manifest.FiscalYear;

    /// <summary>The hash identifying the whole rule set (both layers), computed once (a batch writes it on every row).</summary>
    public string Hash { get; } = RuleSets.ContentHash.Combine(National.ContentHash, Municipal.ContentHash);

    /// <summary>Draft if either layer is a draft.</summary>
    public RuleSetStatus Status =>
        National.Manifest.Status == RuleSetStatus.Published && Municipal.Manifest.Status == RuleSetStatus.Published
            ? RuleSetStatus.Published
            : RuleSetStatus.Draft;

    public override string ToString() => $"{Insurer}/{FiscalYear} {Municipal.Manifest.Version}";
}
