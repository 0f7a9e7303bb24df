using System.Security.Cryptography;
using System.Text;

namespace KokuhoRules.Engine.RuleSets;

/// <summary>
/// The content hash of a rule-set layer: SHA-256 over every file of the layer folder except
/// <c>manifest.json</c>, taken in ordinal order of their relative paths ('/'-separated), each as
/// <c>path NUL length NUL bytes</c>. Written <c>sha256:&lt;lower-case hex&gt;</c>. A published layer
/// carries it in its manifest and is refused when the files no longer match it.
/// </summary>
public static class ContentHash
{
    public const string ManifestFileName = "manifest.json";

    /// <summary>Hashes the files of a layer folder (the manifest excluded).</summary>
    public static string OfFolder(string folder) => OfFiles(FilesOf(folder));

    /// <summary>The files a layer's hash covers: every file of the folder but the manifest, by '/'-separated relative path, in ordinal order.</summary>
    public static IReadOnlyList<(string RelativePath, byte[] Bytes)> FilesOf(string folder) =>
        Directory.EnumerateFiles(folder, "*", SearchOption.AllDirectories)
            .Select(f => (Relative: Path.GetRelativePath(folder, f).Replace('\\', '/'), Full: f))
            .Where(f => f.Relative != ManifestFileName)
            .OrderBy(f => f.Relative, StringComparer.Ordinal)
            .Select(f => (f.Relative, File.ReadAllBytes(f.Full)))
            .ToArray();

    /// <summary>
    /// The hash of each file of a layer folder (<c>sha256:&lt;hex&gt;</c> of its bytes), sealed beside the
    /// content hash so that a changed published layer can be reported by the file that changed.
    /// </summary>
    public static IReadOnlyDictionary<string, string> PerFile(IEnumerable<(string RelativePath, byte[] Bytes)> files) =>
        files.OrderBy(f => f.RelativePath, StringComparer.Ordinal)
            .ToDictionary(f => f.RelativePath, f => "sha256:" + Convert.ToHexStringLower(SHA256.HashData(f.Bytes)), StringComparer.Ordinal);

    /// <summary>Hashes named file contents the way <see cref="OfFolder"/> does.</summary>
    public static string OfFiles(IEnumerable<(string RelativePath, byte[] Bytes)> files)
    {
        using var sha = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        foreach (var (path, bytes) in files.OrderBy(f => f.RelativePath, StringComparer.Ordinal))
        {
            sha.AppendData(Encoding.UTF8.GetBytes(path));
            sha.AppendData([0]);
            sha.AppendData(Encoding.ASCII.GetBytes(bytes.Length.ToString(System.Globalization.CultureInfo.InvariantCulture)));
            sha.AppendData([0]);
            sha.AppendData(bytes);
        }
        return "sha256:" + Convert.ToHexStringLower(sha.GetHashAndReset());
    }

    /// <summary>The hash that identifies a rule set of a national and a municipal layer.</summary>
    public static string Combine(string nationalHash, string municipalHash) =>
        Combine([(RuleSets.RuleSetLayerKind.National, nationalHash), (RuleSets.RuleSetLayerKind.Municipal, municipalHash)]);

    /// <summary>
    /// The hash that identifies a whole rule set: SHA-256 of one line <c>layer:hash</c> per layer, top first
    /// (<c>national:sha256:…\nprefecture:sha256:…\nmunicipal:sha256:…\n</c>); a two-layer rule set keeps the
    /// hash it had before prefecture layers existed.
    /// </summary>
    public static string Combine(IEnumerable<(RuleSets.RuleSetLayerKind Layer, string Hash)> layers)
    {
        var text = string.Concat(layers.Select(l => $"{l.Layer.ToString().ToLowerInvariant()}:{l.Hash}\n"));
        return "sha256:" + Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(text)));
    }
}
