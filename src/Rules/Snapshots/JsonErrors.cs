using System.Text.Json;
using System.Text.RegularExpressions;

namespace KokuhoRules.Rules.Snapshots;

/// <summary>
/// How a JSON reading error is said, the same by the API (its problems) and the batch (its errors
/// file): the field by its path (never a field name that is not an identifier), and a reader's message
/// without .NET type names and without the text the reader stumbled on.
/// </summary>
public static partial class JsonErrors
{
    /// <summary>
    /// <c>$.household.members[0].birthDate</c> → <c>household.members[0].birthDate</c>. A field name is
    /// client input too: a name that is not an identifier (<c>$['2025-04-01']</c>, <c>$.household['山田']</c>)
    /// is not repeated — the path stops at the object holding it, marked <c>(a field with an unexpected name)</c>.
    /// </summary>
    public static string FieldName(string jsonPath)
    {
        var path = new System.Text.StringBuilder();
        foreach (Match m in PathSegment().Matches(jsonPath))
        {
            if (m.Groups["index"].Success) path.Append('[').Append(m.Groups["index"].Value).Append(']');
            else if (m.Groups["name"].Success && IsIdentifier(m.Groups["name"].Value))
                path.Append(path.Length > 0 ? "." : "").Append(m.Groups["name"].Value);
            else
                return (path.Length > 0 ? path + " " : "") + UnexpectedName;
        }
        return path.Length > 0 ? path.ToString() : "$";
    }

    [GeneratedRegex(@"\.(?<name>[^.\[]+)|\[(?<index>\d+)\]|\['(?<quoted>(?:[^']|'')*)'\]")]
    private static partial Regex PathSegment();

    /// <summary>What stands in a field path for a field whose name is not repeated.</summary>
    public const string UnexpectedName = "(a field with an unexpected name)";

    /// <summary>Whether a field name may be repeated in a problem: an identifier of at most 64 characters.</summary>
    public static bool IsIdentifier(string name) => Identifier().IsMatch(name);

    [GeneratedRegex("^[A-Za-z][A-Za-z0-9_]{0,63}$")]
    private static partial Regex Identifier();

    /// <summary>A reader's message for a JSON error, without .NET type names.</summary>
    public static string Explain(JsonException e)
    {
        var message = e.Message;
        var cut = message.IndexOf(" Path:", StringComparison.Ordinal);
        if (cut >= 0) message = message[..cut];
        if (message.StartsWith("The JSON property", StringComparison.Ordinal) && message.Contains("could not be mapped", StringComparison.Ordinal))
            return "unknown field (not part of the contract)";
        if (message.StartsWith("The JSON value could not be converted to", StringComparison.Ordinal))
        {
            var target = message["The JSON value could not be converted to".Length..];
            return target.Contains("Int64", StringComparison.Ordinal) || target.Contains("Int32", StringComparison.Ordinal) ? "expected a whole number within range"
                : target.Contains("Boolean", StringComparison.Ordinal) ? "expected true or false"
                : target.Contains("String", StringComparison.Ordinal) ? "expected a string"
                : target.Contains("IReadOnlyList", StringComparison.Ordinal) ? "expected an array"
                : "expected an object or a value of another type";
        }
        if (message.Contains("maximum configured depth", StringComparison.Ordinal)) return "the JSON is nested too deeply";
        if (message.Contains("Duplicate", StringComparison.OrdinalIgnoreCase)) return "the field is given more than once";
        // Syntax errors come from the reader (an internal JsonException subtype); a converter's own
        // message (e.g. an impossible date) is about the value, not the JSON.
        if ((e.GetType() != typeof(JsonException) || e.InnerException is JsonException) && e.LineNumber is { } line)
            return $"not valid JSON at line {line + 1}, byte {e.BytePositionInLine + 1}: {WithoutQuotedText(message).TrimEnd('.')}";
        return message;
    }

    /// <summary>
    /// The reader quotes the text it stumbled on (<c>'te":"2021-03-03","cov' is an invalid JSON literal</c>),
    /// which may be a person's data: quoted text longer than one character is dropped, but for the
    /// literals it names (<c>'true'</c>, <c>'false'</c>, <c>'null'</c>).
    /// </summary>
    private static string WithoutQuotedText(string message) => QuotedText().Replace(message, m =>
        m.Groups[1].Value.Length <= 1 || m.Groups[1].Value is "true" or "false" or "null" ? m.Value : "the text there");

    [GeneratedRegex("'([^']*)'")]
    private static partial Regex QuotedText();

    /// <summary>The field error for a document that could not be read: its path under <paramref name="root"/> (e.g. <c>household</c> for a batch line) and <see cref="Explain"/>.</summary>
    public static FieldError For(JsonException e, string? root = null)
    {
        var field = e.Path is { } path ? FieldName(path) : "$";
        if (root is not null) field = field == "$" ? root : field.StartsWith('(') ? root + " " + field : root + "." + field;
        return new FieldError(field, Explain(e));
    }
}
