using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Nodes;
using NodaTime;
using NodaTime.Text;

namespace KokuhoRules.Engine.RuleSets;

/// <summary>
/// Sealing a layer: its manifest gets the content hash of its files and each file's hash (what <c>kokuho rulesets hash
/// --write</c> writes), and, when it is published (<c>kokuho rulesets publish</c>), <c>"status": "published"</c>, who
/// published it and when, and the waivers of its unconfirmed values. The manifest is the only file that changes, and it
/// is written beside and renamed over the old one: a reader sees the layer as it was or as sealed, never half written.
/// </summary>
public static class RuleSetSeal
{
    private static readonly JsonSerializerOptions WriteOptions = new() { WriteIndented = true, Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    /// <summary>Writes <c>contentHash</c> and <c>files</c> of <paramref name="files"/> into the manifest; returns the content hash.</summary>
    public static string Seal(JsonObject manifest, IReadOnlyList<(string RelativePath, byte[] Bytes)> files)
    {
        var hash = ContentHash.OfFiles(files);
        manifest["contentHash"] = hash;
        var perFile = new JsonObject();
        foreach (var (path, fileHash) in ContentHash.PerFile(files)) perFile[path] = fileHash;
        manifest[RuleSetManifest.FileHashesField] = perFile;
        return hash;
    }

    /// <summary>
    /// The manifest of <paramref name="layer"/> published: sealed over <paramref name="files"/> (the bytes the gate checked),
    /// <c>status</c> published, <c>publishedBy</c>, <c>publishedAt</c> (an ISO instant) and <c>waivers</c> (parameter → reason).
    /// </summary>
    public static byte[] Published(RuleSetLayer layer, IReadOnlyList<(string RelativePath, byte[] Bytes)> files, string by, Instant at, IReadOnlyList<PublicationWaiver> waivers)
    {
        var manifest = JsonNode.Parse(layer.ManifestFile.Bytes, documentOptions: new JsonDocumentOptions { CommentHandling = JsonCommentHandling.Skip })!.AsObject();
        manifest["status"] = "published";
        Seal(manifest, files);
        manifest[RuleSetManifest.PublishedByField] = by;
        manifest[RuleSetManifest.PublishedAtField] = InstantPattern.ExtendedIso.Format(at);
        var recorded = new JsonArray();
        foreach (var w in waivers) recorded.Add(new JsonObject { ["parameter"] = w.Parameter, ["reason"] = w.Reason });
        if (waivers.Count > 0) manifest[RuleSetManifest.WaiversField] = recorded;
        else manifest.Remove(RuleSetManifest.WaiversField);
        return Encode(manifest);
    }

    /// <summary>The manifest as written: indented, Japanese unescaped, a final newline.</summary>
    public static byte[] Encode(JsonObject manifest) => Encoding.UTF8.GetBytes(manifest.ToJsonString(WriteOptions) + "\n");

    /// <summary>
    /// Writes a layer's manifest into a file beside the layer folder (<c>.&lt;folder&gt;.manifest.json.tmp</c> in the year's folder,
    /// where neither the loader nor the content hash looks) and renames it into place.
    /// </summary>
    public static void WriteManifest(string folder, byte[] bytes)
    {
        var full = Path.GetFullPath(folder).TrimEnd(Path.DirectorySeparatorChar);
        var path = Path.Combine(full, ContentHash.ManifestFileName);
        var temp = Path.Combine(Path.GetDirectoryName(full)!, $".{Path.GetFileName(full)}.{ContentHash.ManifestFileName}.tmp");
        File.WriteAllBytes(temp, bytes);
        File.Move(temp, path, overwrite: true);
    }
}
