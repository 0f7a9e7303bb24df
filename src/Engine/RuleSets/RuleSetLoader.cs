namespace KokuhoRules.Engine.RuleSets;

/// <summary>The outcome of reading rule-set folders: the layer pairs that could be read, and the errors of those that could not.</summary>
public sealed record RuleSetScan(IReadOnlyList<RuleSetSource> Sources, IReadOnlyList<RuleSetFailure> Failures);

/// <summary>A rule set (or a lone layer) that was refused, with every error found in it.</summary>
/// <param name="RuleSet">What was refused, as shown to people (<c>amagasaki/2025 2025.1</c>, <c>national/2025</c>).</param>
/// <param name="Insurer">The insurer whose rule set it is (<c>national</c> for a national layer), from the folder when the manifest could not be read; null when unknown.</param>
/// <param name="FiscalYear">Its fiscal year, likewise; null when unknown.</param>
public sealed record RuleSetFailure(string RuleSet, IReadOnlyList<RuleSetError> Errors, string? Insurer = null, int? FiscalYear = null)
{
    /// <summary>Whether this failure is the rule set of <paramref name="insurer"/> for <paramref name="fiscalYear"/>.</summary>
    public bool Concerns(string insurer, int fiscalYear) => Insurer == insurer && FiscalYear == fiscalYear;
}

/// <summary>
/// Finds and reads rule-set layers under one or more roots. A root holds
/// <c>national/&lt;fiscal year&gt;/</c> folders (the statutory layer) and
/// <c>&lt;insurer&gt;/&lt;fiscal year&gt;/</c> folders (municipal layers). Each municipal layer is paired
/// with the national layer of its fiscal year, which may come from any root, so a test or a trial
/// root can add a city on top of the bundled national layers. Reading checks the manifest, the JSON
/// syntax and the content hash; what the parameters and workflows mean is checked by the domain
/// compiler that turns a <see cref="RuleSetSource"/> into something that calculates.
/// </summary>
public static class RuleSetLoader
{
    /// <summary>The folder name reserved for national layers.</summary>
    public const string NationalFolder = "national";

    /// <summary>Reads every layer under the roots.</summary>
    public static RuleSetScan Scan(IEnumerable<string> roots)
    {
        var rootList = roots.ToArray();
        var nationals = new Dictionary<int, RuleSetLayer>();
        var refusedNationals = new Dictionary<int, string>();
        var municipals = new List<RuleSetLayer>();
        var failures = new List<RuleSetFailure>();

        foreach (var root in rootList)
        {
            if (!Directory.Exists(root))
            {
                failures.Add(new RuleSetFailure(root, [new RuleSetError(root, "$", 0, "rule-set root folder does not exist")]));
                continue;
            }
            foreach (var insurerDir in Directory.EnumerateDirectories(root).Order(StringComparer.Ordinal))
            {
                foreach (var yearDir in Directory.EnumerateDirectories(insurerDir).Order(StringComparer.Ordinal))
                {
                    var display = Path.GetRelativePath(root, yearDir).Replace('\\', '/');
                    var folderInsurer = Path.GetFileName(insurerDir);
                    int? folderYear = int.TryParse(Path.GetFileName(yearDir), System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var y) ? y : null;
                    var errors = new RuleSetErrors();
                    var layer = ReadLayer(yearDir, display, errors);
                    if (layer is null)
                    {
                        failures.Add(new RuleSetFailure(display, errors.All, folderInsurer, folderYear));
                        if (folderInsurer == NationalFolder && folderYear is { } refusedYear) refusedNationals.TryAdd(refusedYear, display);
                        continue;
                    }
                    var isNationalFolder = Path.GetFileName(insurerDir) == NationalFolder;
                    var expectedFolder = layer.Manifest.Layer == RuleSetLayerKind.National ? NationalFolder : layer.Manifest.Insurer!.Id;
                    if (isNationalFolder != (layer.Manifest.Layer == RuleSetLayerKind.National) || Path.GetFileName(insurerDir) != expectedFolder
                        || Path.GetFileName(yearDir) != layer.Manifest.FiscalYear.ToString(System.Globalization.CultureInfo.InvariantCulture))
                    {
                        failures.Add(new RuleSetFailure(display, [new RuleSetError(display + "/" + ContentHash.ManifestFileName, "$", 0,
                            $"the folder must be named {expectedFolder}/{layer.Manifest.FiscalYear} after its manifest")], folderInsurer, folderYear));
                        continue;
                    }
                    if (layer.Manifest.Layer == RuleSetLayerKind.National)
                    {
                        if (!nationals.TryAdd(layer.Manifest.FiscalYear, layer))
                            failures.Add(new RuleSetFailure(display, [new RuleSetError(display, "$", 0, $"a national layer for fiscal year {layer.Manifest.FiscalYear} was already read from {nationals[layer.Manifest.FiscalYear].Folder}")],
                                NationalFolder, layer.Manifest.FiscalYear));
                    }
                    else
                    {
                        municipals.Add(layer);
                    }
                }
            }
        }

        var sources = new List<RuleSetSource>();
        foreach (var m in municipals)
        {
            var insurer = m.Manifest.Insurer!.Id;
            var year = m.Manifest.FiscalYear;
            var key = $"{insurer}/{year}";
            if (sources.Any(s => s.Insurer == insurer && s.FiscalYear == year))
            {
                failures.Add(new RuleSetFailure(key, [new RuleSetError(m.DisplayPath, "$", 0, $"rule set {key} is defined in more than one root")], insurer, year));
                continue;
            }
            if (!nationals.TryGetValue(year, out var national))
            {
                var why = refusedNationals.TryGetValue(year, out var refused)
                    ? $"its national layer {refused} was refused (its own errors are listed under {refused})"
                    : $"there is no national layer for fiscal year {year} in the roots read ({string.Join(", ", rootList)}); "
                      + $"expected a folder {NationalFolder}/{year}. The roots given replace the bundled rule sets: to add a city to them, name the bundled root too";
                failures.Add(new RuleSetFailure(key, [new RuleSetError(m.DisplayPath, "$", 0, why)], insurer, year));
                continue;
            }
            sources.Add(new RuleSetSource(national, m));
        }
        return new RuleSetScan(sources, failures);
    }

    /// <summary>Reads one layer folder: manifest, JSON files, hash. Returns null and adds errors when it cannot be used.</summary>
    public static RuleSetLayer? ReadLayer(string folder, string displayPath, RuleSetErrors errors)
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
        var manifest = RuleSetManifest.Read(manifestFile, errors);

        var files = new Dictionary<string, JsonSourceFile>(StringComparer.Ordinal);
        foreach (var path in Directory.EnumerateFiles(folder, "*", SearchOption.AllDirectories).Order(StringComparer.Ordinal))
        {
            var relative = Path.GetRelativePath(folder, path).Replace('\\', '/');
            if (relative == ContentHash.ManifestFileName) continue;
            if (relative is RuleSetLayer.ParametersFileName or RuleSetLayer.WorkflowsFileName)
            {
                var file = JsonSourceFile.Parse(displayPath + "/" + relative, File.ReadAllBytes(path), out var error);
                if (error is not null) errors.Add(error);
                else files[relative] = file;
            }
            else if (!relative.EndsWith(".md", StringComparison.Ordinal))
            {
                errors.Add(new RuleSetError(displayPath + "/" + relative, "$", 0,
                    $"unexpected file: a layer holds {ContentHash.ManifestFileName}, {RuleSetLayer.ParametersFileName}, optionally {RuleSetLayer.WorkflowsFileName}, and notes (*.md)"));
            }
        }
        if (!files.ContainsKey(RuleSetLayer.ParametersFileName) && !errors.Any)
            errors.Add(new RuleSetError(displayPath, "$", 0, $"no {RuleSetLayer.ParametersFileName} in the folder"));

        var hashed = ContentHash.FilesOf(folder);
        var hash = ContentHash.OfFiles(hashed);
        if (manifest is { Status: RuleSetStatus.Published, ContentHash: { } sealedHash } && sealedHash != hash)
            ReportChangedFiles(displayPath, manifestFile, manifest, hashed, hash, errors);

        return errors.Any || manifest is null ? null : new RuleSetLayer(folder, displayPath, manifest, files, hash);
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
