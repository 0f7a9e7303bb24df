using System.Text.Json;
using System.Text.Json.Serialization;
using KokuhoRules.Engine.Decisions;

namespace KokuhoRules.Engine.RuleSets;

/// <summary>How a parameter or a rule differs between two rule sets.</summary>
[JsonConverter(typeof(JsonStringEnumConverter<ChangeKind>))]
public enum ChangeKind
{
    /// <summary>Only in the new rule set.</summary>
    Added,
    /// <summary>Only in the old rule set.</summary>
    Removed,
    /// <summary>In both, with another value, reference or confirmation (a rule: another expression, outcome or reference).</summary>
    Changed,
}

/// <summary>A parameter as one side of a comparison has it: value (JSON text), reference, whether a source confirms it, and where it is written.</summary>
public sealed record ParameterSide(string Value, string Reference, bool Confirmed, string Layer, string File, int Line)
{
    internal static ParameterSide Of(ParameterInfo p) =>
        new(Compact(p.Value), p.Reference, p.Confirmed, p.Layer.ToString().ToLowerInvariant(), p.File, p.Line);

    /// <summary>A value as one line of JSON (a list of dates as <c>["2026-04-29","2026-05-03"]</c>), Japanese text as written.</summary>
    private static string Compact(JsonElement value)
    {
        using var buffer = new MemoryStream();
        using (var writer = new Utf8JsonWriter(buffer, new JsonWriterOptions { Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping }))
            value.WriteTo(writer);
        return System.Text.Encoding.UTF8.GetString(buffer.ToArray());
    }
}

/// <summary>One parameter that differs: its path, its label (the name staff know it by, where the capability gives one), and each side.</summary>
public sealed record ParameterChange(string Path, string? Label, ChangeKind Kind, ParameterSide? Old, ParameterSide? New)
{
    /// <summary>Whether the values differ (always, for a parameter added or removed).</summary>
    public bool ValueChanged => Old is null || New is null || !SameJson(Old.Value, New.Value);

    public bool ReferenceChanged => Old?.Reference != New?.Reference;

    public bool ConfirmedChanged => Old?.Confirmed != New?.Confirmed;

    /// <summary>Values compared as JSON, not as text (<c>0.08</c> equals <c>0.080</c>).</summary>
    internal static bool SameJson(string a, string b)
    {
        using var x = JsonDocument.Parse(a);
        using var y = JsonDocument.Parse(b);
        return JsonElement.DeepEquals(x.RootElement, y.RootElement);
    }
}

/// <summary>A rule as one side of a comparison has it.</summary>
public sealed record RuleSide(string Expression, string Outcome, string? Reference, bool Confirmed, string File, int Line)
{
    internal static RuleSide Of(DecisionRule r) => new(r.Expression, r.Outcome, r.Reference, r.Confirmed, r.File, r.Line);
}

/// <summary>One rule that differs: the workflow (decision) it belongs to, its name (as written, before parameters are filled in), and each side.</summary>
public sealed record RuleChange(string Workflow, string Rule, ChangeKind Kind, RuleSide? Old, RuleSide? New)
{
    public bool ExpressionChanged => Old?.Expression != New?.Expression;
}

/// <summary>
/// What differs between two compiled rule sets of one capability — any two: years, versions, insurers — as policy staff
/// compare next year's draft with this year's: every parameter in effect (after the layers are applied) whose value,
/// reference or confirmation differs, those only one has, and every rule of the decisions (the workflows in effect)
/// whose expression, outcome or reference differs, or that only one has. Knows no capability: it compares parameter
/// tables and decisions.
/// </summary>
/// <param name="Old">The rule set compared from.</param>
/// <param name="New">The rule set compared to.</param>
public sealed record RuleSetComparison(RuleSetStamp Old, RuleSetStamp New, IReadOnlyList<ParameterChange> Parameters, IReadOnlyList<RuleChange> Rules)
{
    /// <summary>Compares two rule sets; <paramref name="label"/> gives a parameter path's label (null: none).</summary>
    /// <exception cref="ArgumentException">The rule sets are of different capabilities.</exception>
    public static RuleSetComparison Compare(CompiledRuleSet old, CompiledRuleSet @new, Func<string, string?>? label = null)
    {
        if (old.Capability != @new.Capability)
            throw new ArgumentException($"cannot compare a {old.Capability} rule set with a {@new.Capability} one", nameof(@new));
        label ??= _ => null;
        return new RuleSetComparison(old.Stamp, @new.Stamp, CompareParameters(old.ParameterTable, @new.ParameterTable, label), CompareRules(old.Decisions, @new.Decisions));
    }

    /// <summary>Whether the two rule sets differ in any parameter or rule.</summary>
    public bool Any => Parameters.Count > 0 || Rules.Count > 0;

    private static List<ParameterChange> CompareParameters(ParameterTable old, ParameterTable @new, Func<string, string?> label)
    {
        var changes = new List<ParameterChange>();
        // In the new rule set's order (then the removed ones, in the old one's), so that the list reads like the files.
        foreach (var n in @new.All)
        {
            if (!old.TryGet(n.Path, out var o)) changes.Add(new ParameterChange(n.Path, label(n.Path), ChangeKind.Added, null, ParameterSide.Of(n)));
            else
            {
                var change = new ParameterChange(n.Path, label(n.Path), ChangeKind.Changed, ParameterSide.Of(o), ParameterSide.Of(n));
                if (change.ValueChanged || change.ReferenceChanged || change.ConfirmedChanged) changes.Add(change);
            }
        }
        foreach (var o in old.All.Where(o => !@new.TryGet(o.Path, out _)))
            changes.Add(new ParameterChange(o.Path, label(o.Path), ChangeKind.Removed, ParameterSide.Of(o), null));
        return changes;
    }

    private static List<RuleChange> CompareRules(IEnumerable<Decision> old, IEnumerable<Decision> @new)
    {
        var oldRules = RulesOf(old);
        var newRules = RulesOf(@new);
        var changes = new List<RuleChange>();
        foreach (var ((workflow, rule), n) in newRules)
        {
            if (!oldRules.TryGetValue((workflow, rule), out var o)) changes.Add(new RuleChange(workflow, rule, ChangeKind.Added, null, RuleSide.Of(n)));
            else if (o.Expression != n.Expression || o.Outcome != n.Outcome || o.Reference != n.Reference || o.Confirmed != n.Confirmed)
                changes.Add(new RuleChange(workflow, rule, ChangeKind.Changed, RuleSide.Of(o), RuleSide.Of(n)));
        }
        foreach (var ((workflow, rule), o) in oldRules.Where(r => !newRules.ContainsKey(r.Key)))
            changes.Add(new RuleChange(workflow, rule, ChangeKind.Removed, RuleSide.Of(o), null));
        return changes;
    }

    /// <summary>
    /// Every rule by workflow and name as written (a name that refers to parameters is compared before they are filled
    /// in, so a changed parameter does not make its rule look changed too); a name used twice in a workflow is told
    /// apart by its position (<c>name #2</c>).
    /// </summary>
    private static OrderedDictionary<(string Workflow, string Rule), DecisionRule> RulesOf(IEnumerable<Decision> decisions)
    {
        var rules = new OrderedDictionary<(string, string), DecisionRule>();
        foreach (var decision in decisions)
        {
            var seen = new Dictionary<string, int>(StringComparer.Ordinal);
            foreach (var rule in decision.Rules)
            {
                var name = rule.NameTemplate ?? rule.Name;
                var count = seen[name] = seen.GetValueOrDefault(name) + 1;
                rules.TryAdd((decision.Name, count == 1 ? name : $"{name} #{count}"), rule);
            }
        }
        return rules;
    }
}
