using System.Globalization;
using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Nodes;
using NodaTime;
using NodaTime.Text;

namespace KokuhoRules.Engine.RuleSets;

/// <summary>
/// Next year's draft of a layer (<c>kokuho rulesets new</c>): the files of a layer of one fiscal year copied for a
/// later one, whatever the capability. What changes, and nothing else:
/// <list type="bullet">
/// <item>the manifest: <c>fiscalYear</c>, <c>version</c> (<c>&lt;year&gt;.1</c>), <c>status: draft</c>, the <c>effective</c>
/// period moved by the same number of years, a <c>$comment</c> naming the layer it was copied from; the seal
/// (<c>contentHash</c>, <c>files</c>), <c>inForceFrom</c> (a draft is in force nowhere) and <c>basedOn</c> (the upper
/// layers of the new year have their own versions) are left out;</item>
/// <item><c>parameters.json</c>: every parameter gets <c>"confirmed": false</c> and a <c>toConfirm</c> saying where the
/// value comes from (its <c>reference</c> and <c>note</c> are kept), and every date of its value that lies in the
/// fiscal year copied from moves by the same number of years (a date outside it, such as the day a law took
/// effect, stays);</item>
/// <item>every other file (workflows, joins, notes) is copied byte for byte.</item>
/// </list>
/// </summary>
public static class RuleSetDraft
{
    /// <summary>The folder prefix of a draft being written, beside the owners' folders of the root; removed once the draft is in place.</summary>
    public const string PartialFolderPrefix = ".kokuho-new-";

    private static readonly JsonSerializerOptions WriteOptions = new() { WriteIndented = true, Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    /// <summary>The version of the first draft of a fiscal year: <c>2026.1</c>.</summary>
    public static string FirstVersion(int fiscalYear) => fiscalYear.ToString(CultureInfo.InvariantCulture) + ".1";

    /// <summary>The files of the draft of <paramref name="source"/> for fiscal year <paramref name="toYear"/>, by relative path (the manifest included); nothing is written.</summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="toYear"/> is not after the source's fiscal year.</exception>
    public static IReadOnlyList<(string RelativePath, byte[] Bytes)> Files(RuleSetLayer source, int toYear, FiscalCalendar? calendar = null)
    {
        calendar ??= FiscalCalendar.April;
        var fromYear = source.Manifest.FiscalYear;
        if (toYear <= fromYear) throw new ArgumentOutOfRangeException(nameof(toYear), $"the draft's fiscal year {toYear} must come after {fromYear}");
        var files = new List<(string, byte[])> { (ContentHash.ManifestFileName, Manifest(source, toYear)) };
        foreach (var (path, bytes) in ContentHash.FilesOf(source.Folder))
            files.Add((path, path == RuleSetLayer.ParametersFileName ? Parameters(source, bytes, toYear, calendar) : bytes));
        return files;
    }

    /// <summary>
    /// Writes drafts of one owner and fiscal year under <paramref name="root"/> (<c>&lt;owner&gt;/&lt;year&gt;/&lt;capability&gt;/</c>):
    /// every file is first written into a folder beside them (<see cref="PartialFolderPrefix"/>), then each layer folder is
    /// moved into place, so a layer folder is never seen half written.
    /// </summary>
    /// <exception cref="IOException">A layer folder already exists: nothing is overwritten.</exception>
    public static IReadOnlyList<string> Write(string root, string owner, int toYear, IReadOnlyList<(string Capability, IReadOnlyList<(string RelativePath, byte[] Bytes)> Files)> layers)
    {
        var yearFolder = Path.Combine(root, owner, toYear.ToString(CultureInfo.InvariantCulture));
        var targets = layers.Select(l => Path.Combine(yearFolder, l.Capability)).ToArray();
        if (targets.FirstOrDefault(Directory.Exists) is { } existing) throw new IOException($"{existing} already exists");
        var partial = Path.Combine(root, PartialFolderPrefix + Guid.NewGuid().ToString("N")[..12]);
        try
        {
            for (var i = 0; i < layers.Count; i++)
            {
                var folder = Path.Combine(partial, layers[i].Capability);
                Directory.CreateDirectory(folder);
                foreach (var (path, bytes) in layers[i].Files)
                {
                    var file = Path.Combine(folder, path.Replace('/', Path.DirectorySeparatorChar));
                    Directory.CreateDirectory(Path.GetDirectoryName(file)!);
                    File.WriteAllBytes(file, bytes);
                }
            }
            Directory.CreateDirectory(yearFolder);
            for (var i = 0; i < layers.Count; i++) Directory.Move(Path.Combine(partial, layers[i].Capability), targets[i]);
        }
        finally
        {
            if (Directory.Exists(partial)) Directory.Delete(partial, recursive: true);
        }
        return targets;
    }

    private static byte[] Manifest(RuleSetLayer source, int toYear)
    {
        var manifest = JsonNode.Parse(source.ManifestFile.Bytes, documentOptions: new JsonDocumentOptions { CommentHandling = JsonCommentHandling.Skip })!.AsObject();
        var years = toYear - source.Manifest.FiscalYear;
        manifest["$comment"] = $"kokuho rulesets new: {source.DisplayPath} (版 {source.Version}, {Status(source)}) を写した {toYear}年度の下書き。"
                               + "値はすべて確認待ち (confirmed: false、toConfirm)。確かめてから公開すること。";
        manifest["fiscalYear"] = toYear;
        manifest["version"] = FirstVersion(toYear);
        manifest["status"] = "draft";
        manifest["effective"] = new JsonObject
        {
            ["from"] = Iso(source.Manifest.EffectiveFrom.PlusYears(years)),
            ["until"] = Iso(source.Manifest.EffectiveUntil.PlusYears(years)),
        };
        foreach (var sealOrVersion in new[] { "contentHash", RuleSetManifest.FileHashesField, "inForceFrom", "basedOn" }) manifest.Remove(sealOrVersion);
        return Encode(manifest);
    }

    private static byte[] Parameters(RuleSetLayer source, byte[] bytes, int toYear, FiscalCalendar calendar)
    {
        var root = JsonNode.Parse(bytes, documentOptions: new JsonDocumentOptions { CommentHandling = JsonCommentHandling.Skip });
        var fromYear = source.Manifest.FiscalYear;
        var (start, end) = calendar.Bounds(fromYear);
        var copied = $"{fromYear}年度 {source.DisplayPath} (版 {source.Version}, {Status(source)}) の値を写したもの: {toYear}年度の出典で確かめる";
        void Visit(JsonNode? node)
        {
            if (node is JsonArray array)
            {
                foreach (var item in array) Visit(item);
                return;
            }
            if (node is not JsonObject obj) return;
            if (obj.ContainsKey("value") && obj.ContainsKey("reference"))
            {
                var moved = 1;
                if (MovedDate(obj["value"], start, end, toYear - fromYear) is { } date) obj["value"] = date;
                else moved = MoveDates(obj["value"], start, end, toYear - fromYear);
                obj["confirmed"] = false;
                obj["toConfirm"] = moved > 0 ? $"{copied} (この年度の日付 {moved} 件を {toYear - fromYear} 年ずらした)" : copied;
                return;
            }
            foreach (var (key, child) in obj.ToArray())
                if (!ParameterBinder.IsAnnotation(key)) Visit(child);
        }
        Visit(root);
        return Encode(root!);
    }

    /// <summary>Moves every date string of a value that lies in [start, end] by <paramref name="years"/>; returns how many moved.</summary>
    private static int MoveDates(JsonNode? value, LocalDate start, LocalDate end, int years)
    {
        switch (value)
        {
            case JsonArray array:
            {
                var moved = 0;
                for (var i = 0; i < array.Count; i++)
                {
                    if (MovedDate(array[i], start, end, years) is { } date)
                    {
                        array[i] = date;
                        moved++;
                    }
                    else moved += MoveDates(array[i], start, end, years);
                }
                return moved;
            }
            case JsonObject obj:
            {
                var moved = 0;
                foreach (var (key, child) in obj.ToArray())
                {
                    if (MovedDate(child, start, end, years) is { } date)
                    {
                        obj[key] = date;
                        moved++;
                    }
                    else moved += MoveDates(child, start, end, years);
                }
                return moved;
            }
            default:
                return 0;
        }
    }

    private static string? MovedDate(JsonNode? node, LocalDate start, LocalDate end, int years) =>
        node is JsonValue v && v.GetValueKind() == JsonValueKind.String && LocalDatePattern.Iso.Parse(v.GetValue<string>()) is { Success: true } parsed
        && parsed.Value >= start && parsed.Value <= end
            ? Iso(parsed.Value.PlusYears(years))
            : null;

    private static string Iso(LocalDate date) => LocalDatePattern.Iso.Format(date);

    private static string Status(RuleSetLayer layer) => layer.Manifest.Status.ToString().ToLowerInvariant();

    private static byte[] Encode(JsonNode node) => Encoding.UTF8.GetBytes(node.ToJsonString(WriteOptions) + "\n");
}
