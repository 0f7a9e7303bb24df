using KokuhoRules.Engine.RuleSets;

namespace KokuhoRules.Rules.Eligibility;

/// <summary>
/// The parameters of the <c>eligibility</c> capability (資格継続, 国民健康保険法第7条・第8条): the reasons (取得事由 /
/// 喪失事由), event kinds and finding kinds as English keys with their Japanese names (national), and the
/// prefecture's conventions for the municipal application dates (適用開始年月日 / 適用終了年月日).
/// </summary>
public sealed class EligibilityParameters
{
    /// <summary>The acquisition reasons (取得事由) a record may give, by key (national).</summary>
    [FromLayer(RuleSetLayerKind.National)]
    public IReadOnlyDictionary<string, NamedKey> AcquisitionReasons { get; set; } = null!;

    /// <summary>The loss reasons (喪失事由) a record may give, by key (national).</summary>
    [FromLayer(RuleSetLayerKind.National)]
    public IReadOnlyDictionary<string, NamedKey> LossReasons { get; set; } = null!;

    /// <summary>The kinds of life event a check may be given, by key (national); every reason is also an event kind.</summary>
    [FromLayer(RuleSetLayerKind.National)]
    public IReadOnlyDictionary<string, NamedKey> EventKinds { get; set; } = null!;

    /// <summary>The kinds of finding the checks report, by key (national).</summary>
    [FromLayer(RuleSetLayerKind.National)]
    public IReadOnlyDictionary<string, NamedKey> FindingKinds { get; set; } = null!;

    /// <summary>How the prefecture's cities record their application dates (written by the prefecture for all its cities).</summary>
    [FromLayer(RuleSetLayerKind.Municipal)]
    public ContinuityParameters Continuity { get; set; } = new();
}

/// <summary>A key of the rule set (a reason, an event kind, a finding kind) and its Japanese name.</summary>
[ParameterGroup]
public sealed class NamedKey
{
    /// <summary>The Japanese name, e.g. 転入.</summary>
    public string Name { get; set; } = "";
}

/// <summary>What a city's 適用終了年月日 holds.</summary>
public enum EndDateConvention
{
    /// <summary>The last day the city applies the insurance: a clean move has the new start = the old end + 1 day.</summary>
    LastDayApplied,

    /// <summary>The first day the city no longer applies it: a clean move has the new start = the old end.</summary>
    DayAfter,
}

/// <summary>The prefecture's conventions for the municipal application periods (§C2).</summary>
[ParameterGroup]
public sealed class ContinuityParameters
{
    /// <summary>Whether 適用終了年月日 is the last day applied (the default) or the day after.</summary>
    public EndDateConvention EndDateConvention { get; set; }
}
