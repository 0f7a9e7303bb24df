using System.Text.Json;
using KokuhoRules.Rules.Premium;
using KokuhoRules.Rules.Snapshots;

namespace KokuhoRules.Rules.Checks.Premium;

/// <summary>What the premium invariants read off an assessment: the strength of a reduction class, one component, a fingerprint.</summary>
public static class AssessmentFacts
{
    private static readonly string[] ClassOrder = ["none", "2割", "5割", "7割"];

    /// <summary>Strength of a reduction class: none 0 &lt; 2割 1 &lt; 5割 2 &lt; 7割 3; an unknown class throws (a rule set's fault, reported as a violation).</summary>
    public static int Strength(string reductionClass)
    {
        var i = Array.IndexOf(ClassOrder, reductionClass);
        return i >= 0 ? i : throw new InvalidOperationException($"unknown reduction class '{reductionClass}'");
    }

    /// <summary>The component named <paramref name="name"/>.</summary>
    public static ComponentAssessment Of(PremiumAssessment a, string name) => a.Components.Single(c => c.Name == name);

    /// <summary>The whole assessment as JSON, members and undeclared members in id order.</summary>
    public static string Fingerprint(PremiumAssessment a) =>
        JsonSerializer.Serialize(a with
        {
            Members = a.Members.OrderBy(m => m.Id, StringComparer.Ordinal).ToArray(),
            UndeclaredIncomeMembers = a.UndeclaredIncomeMembers.Order(StringComparer.Ordinal).ToArray(),
        }, KokuhoJson.Options);
}
