using System.Globalization;

namespace KokuhoRules.Engine.RuleSets;

/// <summary>
/// A rule set named as staff write it: <c>insurer/year[@version]</c> (<c>amagasaki/2025</c>, <c>amagasaki/2026@2026.1</c>),
/// as <c>kokuho rulesets diff</c> takes it and the staff pages' selections send it.
/// </summary>
public sealed record RuleSetSpec(string Insurer, int FiscalYear, string? Version)
{
    /// <summary>The spec, or null when <paramref name="text"/> is not <c>insurer/year[@version]</c>.</summary>
    public static RuleSetSpec? Parse(string? text)
    {
        if (text is null) return null;
        var at = text.Split('@', 2);
        var parts = at[0].Split('/');
        if (parts.Length != 2 || !RuleSetManifest.IsSlug(parts[0]) || !int.TryParse(parts[1], NumberStyles.None, CultureInfo.InvariantCulture, out var year)
            || (at.Length == 2 && string.IsNullOrWhiteSpace(at[1])))
            return null;
        return new RuleSetSpec(parts[0], year, at.Length == 2 ? at[1] : null);
    }

    /// <summary>The spec naming exactly this rule set's version.</summary>
    public static RuleSetSpec Of(CompiledRuleSet rs) => new(rs.Insurer.Id, rs.FiscalYear, rs.Version);

    /// <summary><c>insurer/year</c> or <c>insurer/year@version</c>.</summary>
    public override string ToString() => $"{Insurer}/{FiscalYear.ToString(CultureInfo.InvariantCulture)}" + (Version is null ? "" : "@" + Version);
}
