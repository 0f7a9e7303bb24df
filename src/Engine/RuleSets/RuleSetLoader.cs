namespace KokuhoRules.Engine.RuleSets;

/// <summary>The outcome of reading rule-set folders: the layer pairs that could be read, and the errors of those that could not.</summary>
public sealed record RuleSetScan(IReadOnlyList<RuleSetSource> Sources, IReadOnlyList<RuleSetFailure> Failures);

/// <summary>A rule set (or a lone layer) that was refused, with every error found in it.</summary>
public sealed record RuleSetFailure(string RuleSet, IReadOnlyList<RuleSetError> Errors);

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
        var nationals = new Dictionary<int, RuleSetLayer>();
        var municipals = new List<RuleSetLayer>();
        var failures = new List<RuleSetFailure>();

        foreach (var root in roots)
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
                    var errors = new RuleSetErrors();
                    var layer = ReadLayer(yearDir, display, errors);
                    if (layer is null)
                    {
                        failures.Add(new RuleSetFailure(display, errors.All));
                        continue;
                    }
                    var isNationalFolder = Path.GetFileName(insurerDir) == NationalFolder;
                    var expectedFolder = layer.Manifest.Layer == RuleSetLayerKind.National ? NationalFolder : layer.Manifest.Insurer!.Id;
                    if (isNationalFolder != (layer.Manifest.Layer == RuleSetLayerKind.National) || Path.GetFileName(insurerDir) != expectedFolder
                        || Path.GetFileName(yearDir) != layer.Manifest.FiscalYear.ToString(System.Globalization.CultureInfo.InvariantCulture))
                    {
                        failures.Add(new RuleSetFailure(display, [new RuleSetError(display + "/" + ContentHash.ManifestFileName, "$", 0,
                            $"the folder must be named {expectedFolder}/{layer.Manifest.FiscalYear} after its manifest")]));
                        continue;
                    }
                    if (layer.Manifest.Layer == RuleSetLayerKind.National)
                    {
                        if (!nationals.TryAdd(layer.Manifest.FiscalYear, layer))
                            failures.Add(new RuleSetFailure(display, [new RuleSetError(display, "$", 0, $"a national layer for fiscal year {layer.Manifest.FiscalYear} was already read from {nationals[layer.Manifest.FiscalYear].Folder}")]));
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
            var key = $"{m.Manifest.Insurer!.Id}/{m.Manifest.FiscalYear}";
            if (sources.Any(s => s.Insurer == m.Manifest.Insurer.Id && s.FiscalYear == m.Manifest.FiscalYear))
            {
                failures.Add(new RuleSetFailure(key, [new RuleSetError(m.DisplayPath, "$", 0, $"rule set {key} is defined in more than one root")]));
                continue;
            }
            if (!nationals.TryGetValue(m.Manifest.FiscalYear, out var national))
            {
                failures.Add(new RuleSetFailure(key, [new RuleSetError(m.DisplayPath, "$", 0, $"there is no national layer for fiscal year {m.Manifest.FiscalYear} (expected a folder {NationalFolder}/{m.Manifest.FiscalYear})")]));
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

        var hash = ContentHash.OfFolder(folder);
        if (manifest is { Status: RuleSetStatus.Published, ContentHash: { } sealedHash } && sealedHash != hash)
            errors.Add(new RuleSetError(manifestFile.DisplayName, "$.contentHash", manifestFile.LineOf("$.contentHash"),
                $"the files no longer match the published content hash (now {hash}); a published layer cannot change: publish a new version"));

        return errors.Any || manifest is null ? null : new RuleSetLayer(folder, displayPath, manifest, files, hash);
    }
}
