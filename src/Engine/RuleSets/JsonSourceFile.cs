using System.Text;
using System.Text.Json;

namespace KokuhoRules.Engine.RuleSets;

/// <summary>
/// A JSON file of a rule set, parsed once, with a map from every JSON path
/// (<c>$.rates.medical.cap.value</c>, <c>$[0].Rules[2].Expression</c>) to the line it starts on,
/// so that an error can name the line policy staff must edit.
/// </summary>
public sealed class JsonSourceFile
{
    private readonly Dictionary<string, int> _lines;

    private JsonSourceFile(string displayName, byte[] bytes, JsonDocument document, Dictionary<string, int> lines)
    {
        DisplayName = displayName;
        Bytes = bytes;
        Document = document;
        _lines = lines;
    }

    /// <summary>The path shown in errors, relative to the rule-set root (e.g. <c>amagasaki/2025/parameters.json</c>).</summary>
    public string DisplayName { get; }

    /// <summary>The raw bytes, as hashed.</summary>
    public byte[] Bytes { get; }

    public JsonDocument Document { get; }

    public JsonElement Root => Document.RootElement;

    /// <summary>The 1-based line where the value at <paramref name="jsonPath"/> starts, or of its nearest parent; 0 if unknown.</summary>
    public int LineOf(string jsonPath)
    {
        var path = jsonPath;
        while (true)
        {
            if (_lines.TryGetValue(path, out var line)) return line;
            var cut = Math.Max(path.LastIndexOf('.'), path.LastIndexOf('['));
            if (cut <= 0) return 0;
            path = path[..cut];
        }
    }

    /// <summary>Parses a file, or returns the syntax error with its line.</summary>
    public static JsonSourceFile Parse(string displayName, byte[] bytes, out RuleSetError? error)
    {
        error = null;
        var options = new JsonDocumentOptions { AllowTrailingCommas = false, CommentHandling = JsonCommentHandling.Skip, MaxDepth = 64 };
        try
        {
            var document = JsonDocument.Parse(bytes, options);
            return new JsonSourceFile(displayName, bytes, document, MapLines(bytes));
        }
        catch (JsonException e)
        {
            error = new RuleSetError(displayName, e.Path ?? "$", (int)(e.LineNumber ?? -1) + 1, "not valid JSON: " + FirstSentence(e.Message));
            return new JsonSourceFile(displayName, bytes, JsonDocument.Parse("null"), []);
        }
    }

    private static string FirstSentence(string message)
    {
        var cut = message.IndexOf(" Path:", StringComparison.Ordinal);
        return cut > 0 ? message[..cut] : message;
    }

    private static Dictionary<string, int> MapLines(byte[] bytes)
    {
        var newlines = new List<long>();
        for (var i = 0; i < bytes.Length; i++) if (bytes[i] == (byte)'\n') newlines.Add(i);
        int LineAt(long offset)
        {
            var index = newlines.BinarySearch(offset);
            return (index < 0 ? ~index : index) + 1;
        }

        var lines = new Dictionary<string, int>(StringComparer.Ordinal);
        var reader = new Utf8JsonReader(bytes, new JsonReaderOptions { CommentHandling = JsonCommentHandling.Skip });
        // Each frame: the path of a container and, for arrays, the index of the next element.
        var stack = new Stack<(string Path, bool IsArray, int NextIndex)>();
        string? pendingProperty = null;
        string NextPath()
        {
            if (stack.Count == 0) return "$";
            var top = stack.Pop();
            string path;
            if (top.IsArray)
            {
                path = $"{top.Path}[{top.NextIndex}]";
                top.NextIndex++;
            }
            else
            {
                path = top.Path + "." + pendingProperty;
            }
            stack.Push(top);
            return path;
        }

        while (reader.Read())
        {
            switch (reader.TokenType)
            {
                case JsonTokenType.PropertyName:
                    pendingProperty = reader.GetString();
                    lines.TryAdd(stack.Peek().Path + "." + pendingProperty, LineAt(reader.TokenStartIndex));
                    break;
                case JsonTokenType.StartObject:
                case JsonTokenType.StartArray:
                {
                    var path = NextPath();
                    lines.TryAdd(path, LineAt(reader.TokenStartIndex));
                    stack.Push((path, reader.TokenType == JsonTokenType.StartArray, 0));
                    break;
                }
                case JsonTokenType.EndObject:
                case JsonTokenType.EndArray:
                    stack.Pop();
                    break;
                default:
                {
                    var path = NextPath();
                    lines.TryAdd(path, LineAt(reader.TokenStartIndex));
                    break;
                }
            }
        }
        return lines;
    }

    /// <summary>Reads a file's text (UTF-8), for display.</summary>
    public string Text => Encoding.UTF8.GetString(Bytes);
}
