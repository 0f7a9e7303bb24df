using KokuhoRules.Rules.Checks;

namespace KokuhoRules.Tests.Support;

/// <summary>Asserting the checks of the invariant catalogue (src/Rules/Checks) in a test.</summary>
public static class InvariantAssert
{
    /// <summary>Fails with what was expected, what was got and the households that show it, unless <paramref name="violation"/> is null.</summary>
    public static void Holds(Violation? violation) =>
        Assert.True(violation is null, violation is null ? "" : $"{violation}\n" + string.Join("\n", violation.Shows.Select(e => $"{e.Label}: {System.Text.Json.JsonSerializer.Serialize(e.Household, Rules.Snapshots.KokuhoJson.Options)}")));
}
