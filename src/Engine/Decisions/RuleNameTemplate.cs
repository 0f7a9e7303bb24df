using System.Globalization;
using System.Text.Json;
using System.Text.RegularExpressions;
using KokuhoRules.Engine.RuleSets;

namespace KokuhoRules.Engine.Decisions;

/// <summary>
/// A rule name that refers to parameters, so that it cannot lie when a value changes:
/// <c>給与収入が{salaryEarner.salaryRevenueAbove}円を超える</c> is shown as <c>給与収入が550,000円を超える</c>
/// with the rule set's value. A placeholder is a parameter path in braces; whole numbers are shown with
/// thousands separators, other values as written in the rule set.
/// </summary>
public static partial class RuleNameTemplate
{
    [GeneratedRegex(@"\{(?<path>[A-Za-z][A-Za-z0-9]*(\.[A-Za-z0-9]+)*)\}")]
    private static partial Regex Placeholder();

    /// <summary>Whether a name holds at least one placeholder.</summary>
    public static bool HasPlaceholders(string name) => Placeholder().IsMatch(name);

    /// <summary>
    /// The name with every placeholder replaced by its parameter's value. A placeholder naming no parameter
    /// of <paramref name="table"/> is left as it is and returned in <paramref name="unknown"/>.
    /// </summary>
    public static string Render(string name, ParameterTable table, out IReadOnlyList<string> unknown)
    {
        var missing = new List<string>();
        var rendered = Placeholder().Replace(name, m =>
        {
            var path = m.Groups["path"].Value;
            if (table.TryGet(path, out var p)) return Format(p.Value);
            missing.Add(path);
            return m.Value;
        });
        unknown = missing;
        return rendered;
    }

    private static string Format(JsonElement value) => value.ValueKind switch
    {
        JsonValueKind.Number when value.TryGetInt64(out var whole) => whole.ToString("N0", CultureInfo.InvariantCulture),
        JsonValueKind.String => value.GetString()!,
        _ => value.GetRawText(),
    };
}
