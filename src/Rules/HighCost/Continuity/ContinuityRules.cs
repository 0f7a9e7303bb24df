using KokuhoRules.Engine.Joins;
using KokuhoRules.Engine.RuleSets;
using NodaTime;

namespace KokuhoRules.Rules.HighCost.Continuity;

/// <summary>
/// What the continuity rules (<c>joins.json</c> of the highCost capability) may speak about: the two households of a
/// candidate (<c>Household</c>), the persons of either (<c>Member</c>), their events (<c>Event</c>), the conclusion
/// (<c>Continuity</c>) and the rule set's parameters as <c>p</c>.
/// </summary>
public static class ContinuityRules
{
    /// <summary>The name expressions use for the parameters.</summary>
    public const string ParametersName = "p";

    /// <summary>The vocabulary of the continuity rules over <paramref name="parameters"/> (the capability's bound parameters).</summary>
    public static JoinVocabulary Vocabulary(object parameters, ParameterTable? table) =>
        new JoinVocabulary(parameters, ParametersName, table)
            .Fact<HouseholdFact>("Household")
            .Fact<MemberFact>("Member")
            .Fact<MoveEventFact>("Event")
            .Conclusion<ContinuityConclusion>("Continuity")
            .ExpressionType(typeof(LocalDate));

    /// <summary>
    /// Compiles the continuity rules of the last layer of <paramref name="source"/> that has a <c>joins.json</c>; every
    /// problem is added to <paramref name="errors"/> (file:line:path). Null, without an error, when no layer has one.
    /// </summary>
    public static JoinRules? Compile(RuleSetSource source, string joinsFileName, object parameters, ParameterTable table, RuleSetErrors errors)
    {
        ArgumentNullException.ThrowIfNull(source);
        if (source.Layers.LastOrDefault(l => l.Files.ContainsKey(joinsFileName)) is not { } layer) return null;
        return JoinRules.Compile(layer.Files[joinsFileName], Vocabulary(parameters, table), errors, layer.Kind.ToString().ToLowerInvariant());
    }
}
