namespace KokuhoRules.Engine.RuleSets;

/// <summary>The outcome of reading rule-set folders: the rule sets whose layers could be read and assembled, and the errors of those that could not.</summary>
public sealed record RuleSetScan(IReadOnlyList<RuleSetSource> Sources, IReadOnlyList<RuleSetFailure> Failures)
{
    /// <summary>Every layer that could be read (one per capability, owner, year and version), whether or not a rule set was assembled on it.</summary>
    public IReadOnlyList<RuleSetLayer> Layers { get; init; } = [];
}

/// <summary>A rule set (or a lone layer) that was refused, with every error found in it.</summary>
/// <param name="RuleSet">What was refused, as shown to people (<c>amagasaki/2025 premium 2025.1</c>, <c>national/2025/premium</c>).</param>
/// <param name="Insurer">The insurer whose rule set it is (<c>national</c> for a national layer), from the folder when the manifest could not be read; null when unknown.</param>
/// <param name="FiscalYear">Its fiscal year, likewise; null when unknown.</param>
public sealed record RuleSetFailure(string RuleSet, IReadOnlyList<RuleSetError> Errors, string? Insurer = null, int? FiscalYear = null)
{
    /// <summary>The capability, from the folder when the manifest could not be read; null when unknown.</summary>
    public string? Capability { get; init; }

    /// <summary>The version refused, when its manifest could be read.</summary>
    public string? Version { get; init; }

    /// <summary>Whether the refused rule set would have been published (null: its manifest could not be read, so it may be).</summary>
    public bool? Published { get; init; }

    /// <summary>From when the refused version would have been in force (<see cref="RuleSetManifest.InForceFrom"/>).</summary>
    public NodaTime.LocalDate? InForceFrom { get; init; }

    /// <summary>Whether this failure is the rule set of <paramref name="insurer"/> for <paramref name="fiscalYear"/> (of <paramref name="capability"/>, when given).</summary>
    public bool Concerns(string insurer, int fiscalYear, string? capability = null) =>
        Insurer == insurer && FiscalYear == fiscalYear && (capability is null || Capability is null || Capability == capability);

    /// <summary>The failure of a rule set assembled from its layers.</summary>
    public static RuleSetFailure Of(RuleSetSource source, IReadOnlyList<RuleSetError> errors) =>
        new(source.ToString(), errors, source.Insurer, source.FiscalYear)
        {
            Capability = source.Capability, Version = source.Version, Published = source.Status == RuleSetStatus.Published, InForceFrom = source.InForceFrom,
        };

    /// <summary>The failure of one layer (its rule sets cannot be assembled).</summary>
    internal static RuleSetFailure Of(RuleSetLayer layer, IReadOnlyList<RuleSetError> errors) =>
        new(layer.DisplayPath, errors, layer.OwnerId, layer.Manifest.FiscalYear)
        {
            Capability = layer.Capability, Version = layer.Version, Published = layer.Manifest.Status == RuleSetStatus.Published, InForceFrom = layer.Manifest.InForceFrom,
        };
}

/// <summary>
/// Finds and reads rule-set layers under one or more roots and assembles them into rule sets. A root
/// holds <c>&lt;owner&gt;/&lt;fiscal year&gt;/&lt;capability&gt;/</c> folders: the owner is <c>national</c>
/// (the statutory layer), a prefecture or a city (its insurer id); a capability folder named
/// <c>&lt;capability&gt;@&lt;version&gt;</c> holds a further version beside the one in <c>&lt;capability&gt;</c>.
/// A rule set is an insurer's layer (municipal, or prefecture where the capability allows it) with the
/// layers above it of the same capability and year — its prefecture's (by the first two digits of the
/// local government code, optional) and the national one — which may come from any root, so a test or
/// a trial root can add a city on top of the bundled layers. Where an upper layer has several versions,
/// the lower layer's manifest names the one it builds on (<c>basedOn</c>). Reading checks the manifest,
/// the JSON syntax and the content hash; what the files mean is checked by the capability's compiler.
/// </summary>
public static class RuleSetLoader
{
    /// <summary>The folder name reserved for national layers.</summary>
    public const string NationalFolder = "national";

    /// <summary>
    /// The folder beside the capability folders of a year that holds the rule set's own golden cases
    /// (<c>&lt;owner&gt;/&lt;year&gt;/cases/&lt;capability&gt;/*.json</c>, see <see cref="RuleSetPublication"/>): not a layer, never read as one.
    /// </summary>
    public const string CasesFolder = "cases";

    /// <summary>What the loader needs to know of a capability: the layers that may be an insurer's own, and the JSON files a layer may hold.</summary>
    public sealed record CapabilityShape(IReadOnlySet<RuleSetLayerKind> InsurerLayers, IReadOnlySet<string> FileNames);

    /// <summary>Reads every layer under the roots and assembles the rule sets of the known capabilities.</summary>
    public static RuleSetScan Scan(IEnumerable<string> roots, IReadOnlyDictionary<string, CapabilityShape> capabilities, FiscalCalendar? calendar = null)
    {
        var rootList = roots.ToArray();
        var failures = new List<RuleSetFailure>();
        var layers = new List<RuleSetLayer>();
        var refused = new Dictionary<(string Capability, string Owner, int Year), string>();
        foreach (var root in rootList)
        {
            if (!Directory.Exists(root))
            {
                failures.Add(new RuleSetFailure(root, [new RuleSetError(root, "$", 0, "rule-set root folder does not exist")]));
                continue;
            }
            foreach (var ownerDir in Directory.EnumerateDirectories(root).Order(StringComparer.Ordinal))
            foreach (var yearDir in Directory.EnumerateDirectories(ownerDir).Order(StringComparer.Ordinal))
            {
                if (File.Exists(Path.Combine(yearDir, ContentHash.ManifestFileName)))
                {
                    var display = Path.GetRelativePath(root, yearDir).Replace('\\', '/');
                    failures.Add(new RuleSetFailure(display, [new RuleSetError(display + "/" + ContentHash.ManifestFileName, "$", 0,
                        $"a layer lives in a capability folder: move the files of {display} into {display}/<capability>/ ({string.Join(", ", capabilities.Keys.Order(StringComparer.Ordinal))}), the capability its manifest names")], Path.GetFileName(ownerDir), YearOf(yearDir)));
                    continue;
                }
                foreach (var capabilityDir in Directory.EnumerateDirectories(yearDir).Order(StringComparer.Ordinal).Where(d => Path.GetFileName(d) != CasesFolder))
                    if (ReadPlaced(root, ownerDir, yearDir, capabilityDir, capabilities, calendar, failures, refused) is { } layer) layers.Add(layer);
            }
        }
        var unique = DropDuplicates(layers, failures);
        return new RuleSetScan(Assemble(unique, capabilities, refused, rootList, failures), failures) { Layers = unique };
    }

    private static int? YearOf(string yearDir) =>
        int.TryParse(Path.GetFileName(yearDir), System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var y) ? y : null;

    /// <summary>Reads a layer and checks that its folder is named after its manifest and that its capability and files are known.</summary>
    private static RuleSetLayer? ReadPlaced(string root, string ownerDir, string yearDir, string capabilityDir, IReadOnlyDictionary<string, CapabilityShape> capabilities,
        FiscalCalendar? calendar, List<RuleSetFailure> failures, Dictionary<(string, string, int), string> refused)
    {
        var display = Path.GetRelativePath(root, capabilityDir).Replace('\\', '/');
        var owner = Path.GetFileName(ownerDir);
        var year = YearOf(yearDir);
        var folderName = Path.GetFileName(capabilityDir);
        var folderCapability = folderName.Split('@')[0];
        var errors = new RuleSetErrors();
        var layer = ReadLayer(capabilityDir, display, errors, calendar);
        if (layer is null)
        {
            // What the manifest says, when it can be read, tells which calls this refused layer would have served.
            var manifest = File.Exists(Path.Combine(capabilityDir, ContentHash.ManifestFileName))
                ? RuleSetManifest.Read(JsonSourceFile.Parse(display, File.ReadAllBytes(Path.Combine(capabilityDir, ContentHash.ManifestFileName)), out _), new RuleSetErrors(), calendar)
                : null;
            failures.Add(new RuleSetFailure(display, errors.All, owner, year)
            {
                Capability = manifest?.Capability ?? folderCapability, Version = manifest?.Version,
                Published = manifest is null ? null : manifest.Status == RuleSetStatus.Published, InForceFrom = manifest?.InForceFrom,
            });
            if (year is { } y) refused.TryAdd((folderCapability, owner, y), display);
            return null;
        }
        var m = layer.Manifest;
        var expected = $"{layer.OwnerId}/{m.FiscalYear}/{m.Capability}";
        var placed = owner == layer.OwnerId && year == m.FiscalYear
                     && (folderName == m.Capability || folderName == $"{m.Capability}@{m.Version}");
        if (!placed)
            errors.Add(new RuleSetError(display + "/" + ContentHash.ManifestFileName, "$", 0,
                $"the folder must be named {expected} (or {expected}@{m.Version}) after its manifest"));
        else if (!capabilities.TryGetValue(m.Capability, out var shape))
            errors.Add(new RuleSetError(layer.ManifestFile.DisplayName, "$.capability", layer.ManifestFile.LineOf("$.capability"),
                $"no compiler serves capability '{m.Capability}' (known: {string.Join(", ", capabilities.Keys.Order(StringComparer.Ordinal))})"));
        else if (layer.Kind == RuleSetLayerKind.Municipal && !shape.InsurerLayers.Contains(RuleSetLayerKind.Municipal))
            errors.Add(new RuleSetError(layer.ManifestFile.DisplayName, "$.layer", layer.ManifestFile.LineOf("$.layer"),
                $"capability '{m.Capability}' is served prefecture-wide: it has no municipal layer (write the values in the prefecture's layer)"));
        else
            foreach (var name in layer.Files.Keys.Where(n => !shape.FileNames.Contains(n)))
                errors.Add(new RuleSetError(display + "/" + name, "$", 0,
                    $"unexpected file: a {m.Capability} layer holds {ContentHash.ManifestFileName}, {string.Join(", ", shape.FileNames.Order(StringComparer.Ordinal))} and notes (*.md)"));
        if (!errors.Any) return layer;
        failures.Add(RuleSetFailure.Of(layer, errors.All));
        refused.TryAdd((m.Capability, layer.OwnerId, m.FiscalYear), display);
        return null;
    }

    /// <summary>
    /// Keeps the first of layers that are the same capability, owner, year and version (from two roots or two folders). A later
    /// copy with the same content hash is the same layer (a published layer exported from the database, and the folder it was
    /// sealed in) and is dropped quietly; a copy with other content is refused, naming both hashes.
    /// </summary>
    private static List<RuleSetLayer> DropDuplicates(List<RuleSetLayer> layers, List<RuleSetFailure> failures)
    {
        var kept = new List<RuleSetLayer>();
        foreach (var layer in layers)
        {
            if (kept.FirstOrDefault(k => SameSlot(k, layer) && k.Version == layer.Version) is { } first)
            {
                if (first.ContentHash != layer.ContentHash)
                    failures.Add(RuleSetFailure.Of(layer, [new RuleSetError(layer.DisplayPath, "$", 0,
                        $"version {layer.Version} of {first.OwnerId}/{first.Manifest.FiscalYear}/{first.Capability} was already read from {first.Folder} ({first.ContentHash}), and this copy's content differs ({layer.ContentHash}): a version has one content; give the changed one a new version")]));
                continue;
            }
            kept.Add(layer);
        }
        return kept;
    }

    private static bool SameSlot(RuleSetLayer a, RuleSetLayer b) =>
        a.Capability == b.Capability && a.OwnerId == b.OwnerId && a.Manifest.FiscalYear == b.Manifest.FiscalYear && a.Kind == b.Kind;

    /// <summary>Each insurer layer with the upper layers it builds on.</summary>
    private static List<RuleSetSource> Assemble(List<RuleSetLayer> layers, IReadOnlyDictionary<string, CapabilityShape> capabilities,
        Dictionary<(string, string, int), string> refused, string[] roots, List<RuleSetFailure> failures)
    {
        var sources = new List<RuleSetSource>();
        foreach (var insurer in layers.Where(l => l.Kind != RuleSetLayerKind.National && capabilities[l.Capability].InsurerLayers.Contains(l.Kind)))
        {
            var errors = new List<RuleSetError>();
            var chain = new List<RuleSetLayer> { insurer };
            if (insurer.Kind == RuleSetLayerKind.Municipal
                && Upper(insurer, RuleSetLayerKind.Prefecture, layers, refused, roots, errors, optional: true) is { } prefecture)
                chain.Insert(0, prefecture);
            if (Upper(insurer, RuleSetLayerKind.National, layers, refused, roots, errors, optional: false) is { } national)
                chain.Insert(0, national);
            if (errors.Count == 0) CheckBasedOn(chain, errors);
            if (errors.Count > 0) failures.Add(RuleSetFailure.Of(insurer, errors));
            else sources.Add(new RuleSetSource(chain));
        }
        return sources;
    }

    /// <summary>
    /// Every layer of a rule set builds on the versions of the upper layers it names (<c>basedOn</c>): the insurer's
    /// layer chose them, so a prefecture layer naming another version of the national layer is an error, not ignored.
    /// </summary>
    private static void CheckBasedOn(List<RuleSetLayer> chain, List<RuleSetError> errors)
    {
        foreach (var layer in chain)
        foreach (var (kind, version) in layer.Manifest.BasedOn)
            if (chain.FirstOrDefault(l => l.Kind == kind) is { } upper && upper.Version != version)
                errors.Add(new RuleSetError(layer.DisplayPath + "/" + ContentHash.ManifestFileName, "$.basedOn." + kind.ToString().ToLowerInvariant(), 0,
                    $"this layer builds on version {version} of {upper.OwnerId}/{upper.Manifest.FiscalYear}/{upper.Capability}, but {chain[^1].DisplayPath} builds on version {upper.Version}: name the same version in both"));
    }

    /// <summary>The upper layer of <paramref name="kind"/> an insurer layer builds on, or null (adding an error unless it is optional and absent).</summary>
    private static RuleSetLayer? Upper(RuleSetLayer lower, RuleSetLayerKind kind, List<RuleSetLayer> layers,
        Dictionary<(string, string, int), string> refused, string[] roots, List<RuleSetError> errors, bool optional)
    {
        var m = lower.Manifest;
        var at = lower.DisplayPath + "/" + ContentHash.ManifestFileName;
        var candidates = layers.Where(l => l.Kind == kind && l.Capability == m.Capability && l.Manifest.FiscalYear == m.FiscalYear
                                           && (kind == RuleSetLayerKind.National || l.Manifest.Insurer!.PrefectureCode == m.Insurer!.PrefectureCode)).ToList();
        var kindName = kind.ToString().ToLowerInvariant();
        m.BasedOn.TryGetValue(kind, out var named);
        if (candidates.Count == 0)
        {
            var owner = kind == RuleSetLayerKind.National ? NationalFolder : null;
            var refusedFolder = refused.FirstOrDefault(r => r.Key.Item1 == m.Capability && r.Key.Item3 == m.FiscalYear && (owner is null || r.Key.Item2 == owner)).Value;
            if (kind == RuleSetLayerKind.National && refusedFolder is not null)
                errors.Add(new RuleSetError(lower.DisplayPath, "$", 0, $"its national layer {refusedFolder} was refused (its own errors are listed under {refusedFolder})"));
            else if (!optional || named is not null)
                errors.Add(new RuleSetError(at, named is null ? "$" : "$.basedOn." + kindName, 0,
                    $"there is no {kindName} layer for fiscal year {m.FiscalYear} in the roots read ({string.Join(", ", roots)}) for capability {m.Capability}; "
                    + (kind == RuleSetLayerKind.National ? $"expected a folder {NationalFolder}/{m.FiscalYear}/{m.Capability}. The roots given replace the bundled rule sets: to add a city to them, name the bundled root too" : "remove basedOn." + kindName)));
            return null;
        }
        if (candidates.Select(c => c.OwnerId).Distinct().Count() > 1)
        {
            errors.Add(new RuleSetError(at, "$", 0, $"more than one {kindName} layer claims prefecture code {m.Insurer!.PrefectureCode}: {string.Join(", ", candidates.Select(c => c.DisplayPath))}"));
            return null;
        }
        if (named is not null)
        {
            var match = candidates.FirstOrDefault(c => c.Version == named);
            if (match is null)
                errors.Add(new RuleSetError(at, "$.basedOn." + kindName, 0,
                    $"there is no version {named} of {candidates[0].OwnerId}/{m.FiscalYear}/{m.Capability} (versions: {string.Join(", ", candidates.Select(c => c.Version))})"));
            return match;
        }
        if (candidates.Count == 1) return candidates[0];
        errors.Add(new RuleSetError(at, "$", 0,
            $"{candidates[0].OwnerId}/{m.FiscalYear}/{m.Capability} has versions {string.Join(", ", candidates.Select(c => c.Version))}: name the one this layer builds on in \"basedOn\": {{ \"{kindName}\": \"…\" }}"));
        return null;
    }

    /// <summary>Reads one layer folder: manifest, JSON files, hash. Returns null and adds errors when it cannot be used.</summary>
    public static RuleSetLayer? ReadLayer(string folder, string displayPath, RuleSetErrors errors, FiscalCalendar? calendar = null)
    {
        var manifestPath = Path.Combine(folder, ContentHash.ManifestFileName);
        if (!File.Exists(manifestPath))
        {
            errors.Add(new RuleSetError(displayPath, "$", 0, $"no {ContentHash.ManifestFileName} in the folder"));
            return null;
        }
        var manifestFile = JsonSourceFile.Parse(displayPath + "/" + ContentHash.ManifestFileName, File.ReadAllBytes(manifestPath), out var syntax);
        if (syntax is not null)
        {
            errors.Add(syntax);
            return null;
        }
        var manifest = RuleSetManifest.Read(manifestFile, errors, calendar);

        var files = new Dictionary<string, JsonSourceFile>(StringComparer.Ordinal);
        foreach (var path in Directory.EnumerateFiles(folder, "*", SearchOption.AllDirectories).Order(StringComparer.Ordinal))
        {
            var relative = Path.GetRelativePath(folder, path).Replace('\\', '/');
            if (relative == ContentHash.ManifestFileName) continue;
            if (relative.EndsWith(".json", StringComparison.Ordinal) && !relative.Contains('/'))
            {
                var file = JsonSourceFile.Parse(displayPath + "/" + relative, File.ReadAllBytes(path), out var error);
                if (error is not null) errors.Add(error);
                else files[relative] = file;
            }
            else if (!relative.EndsWith(".md", StringComparison.Ordinal))
            {
                errors.Add(new RuleSetError(displayPath + "/" + relative, "$", 0,
                    $"unexpected file: a layer holds {ContentHash.ManifestFileName}, the JSON files of its capability and notes (*.md), with no sub-folders"));
            }
        }

        var hashed = ContentHash.FilesOf(folder);
        var hash = ContentHash.OfFiles(hashed);
        if (manifest is { Status: RuleSetStatus.Published, ContentHash: { } sealedHash } && sealedHash != hash)
            ReportChangedFiles(displayPath, manifestFile, manifest, hashed, hash, errors);

        return errors.Any || manifest is null ? null : new RuleSetLayer(folder, displayPath, manifest, files, hash, manifestFile);
    }

    /// <summary>
    /// A published layer whose files no longer match its seal: each file that changed, appeared or
    /// disappeared is named (from the per-file hashes sealed beside the content hash); a manifest sealed
    /// before those existed can only say that some file changed.
    /// </summary>
    private static void ReportChangedFiles(string displayPath, JsonSourceFile manifestFile, RuleSetManifest manifest,
        IReadOnlyList<(string RelativePath, byte[] Bytes)> files, string hash, RuleSetErrors errors)
    {
        const string Rule = "a published layer cannot change: publish a new version";
        if (manifest.FileHashes is not { } sealedFiles)
        {
            errors.Add(new RuleSetError(manifestFile.DisplayName, "$.contentHash", manifestFile.LineOf("$.contentHash"),
                $"the files no longer match the published content hash (now {hash}); {Rule}"));
            return;
        }
        var now = ContentHash.PerFile(files);
        var before = errors.All.Count;
        foreach (var (path, fileHash) in now)
        {
            if (!sealedFiles.TryGetValue(path, out var sealedHash))
                errors.Add(new RuleSetError($"{displayPath}/{path}", "$", 0, $"this file was added after the layer was published; {Rule}"));
            else if (sealedHash != fileHash)
                errors.Add(new RuleSetError($"{displayPath}/{path}", "$", 0, $"this file no longer matches the hash sealed in {ContentHash.ManifestFileName} when the layer was published; {Rule}"));
        }
        foreach (var path in sealedFiles.Keys.Where(p => !now.ContainsKey(p)))
            errors.Add(new RuleSetError($"{displayPath}/{path}", "$", 0, $"this file was removed after the layer was published; {Rule}"));
        if (errors.All.Count == before)
            errors.Add(new RuleSetError(manifestFile.DisplayName, "$.contentHash", manifestFile.LineOf("$.contentHash"),
                $"the content hash does not match the files (now {hash}) although every file matches its sealed hash: the manifest was edited; {Rule}"));
    }
}
