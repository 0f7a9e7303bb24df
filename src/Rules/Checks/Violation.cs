using KokuhoRules.Rules.Snapshots;
using NodaTime;

namespace KokuhoRules.Rules.Checks;

/// <summary>
/// What a check found wrong with one case: what the invariant expected and what the calculation gave, and what shows
/// it — premium households (<see cref="Shows"/>, each made a body for <c>POST /v1/premium/assessments</c>) or, for the
/// other capabilities, the request bodies themselves (<see cref="Requests"/>).
/// </summary>
/// <param name="Expected">What the invariant states for this case, in words and numbers.</param>
/// <param name="Got">What the rule set gave instead.</param>
public sealed record Violation(string Expected, string Got)
{
    /// <summary>The households to send to reproduce it (one, or a pair such as before and after a raise of income).</summary>
    public IReadOnlyList<Exhibit> Shows { get; init; } = [];

    /// <summary>The requests to send to reproduce it, as the API reads them (a capability whose cases are request bodies).</summary>
    public IReadOnlyList<CounterexampleRequest> Requests { get; init; } = [];

    /// <summary>A generated request the rule set refused: a rule set must take every request the contract allows.</summary>
    public static Violation Refused(Rules.Premium.AssessmentFailure failure) =>
        new("the request accepted", $"refused: {failure.Detail} {string.Join("; ", failure.Errors.Select(e => $"{e.Field} {e.Message}"))}");

    /// <summary>A violation shown by the given households.</summary>
    public static Violation Of(string expected, string got, params Exhibit[] shows) => new(expected, got) { Shows = shows };

    public override string ToString() => $"expected {Expected}; got {Got}";
}

/// <summary>A household that shows a violation, with the assessment day where it matters (<c>asOf</c>).</summary>
/// <param name="Label">What the household is in the case, e.g. <c>before</c> or <c>after</c>.</param>
public sealed record Exhibit(string Label, HouseholdJson Household, LocalDate? AsOf = null);
