using FsCheck;
using FsCheck.Fluent;
using KokuhoRules.Engine.RuleSets;
using KokuhoRules.Rules.Premium;

namespace KokuhoRules.Rules.Checks;

/// <summary>
/// One invariant of the catalogue (docs/invariants.md): its names, what it states, its legal basis where there is
/// one, and how to run it against a rule set — draw cases with a seed, check each, shrink the first that fails.
/// </summary>
public abstract class Invariant
{
    /// <summary>A stable id in kebab case (<c>caps-hold</c>), used in output, JSON and filters.</summary>
    public required string Id { get; init; }

    /// <summary>The name in Japanese, as staff say it.</summary>
    public required string NameJa { get; init; }

    /// <summary>The name in English.</summary>
    public required string NameEn { get; init; }

    /// <summary>What it states, in one sentence.</summary>
    public required string Statement { get; init; }

    /// <summary>The provision it follows from, or null where it is a property of any sound calculation.</summary>
    public string? LegalBasis { get; init; }

    /// <summary>Checks <paramref name="tests"/> cases drawn from <paramref name="seed"/>; the first that fails is shrunk.</summary>
    /// <exception cref="ArgumentException"><paramref name="context"/> is not of the invariant's capability.</exception>
    public abstract InvariantResult Run(ICheckContext context, ulong seed, int tests);
}

/// <summary>
/// What a check of one rule set has at hand besides the case, per capability (<see cref="CheckContext"/> for the premium,
/// <c>HighCostCheckContext</c>, <c>EligibilityCheckContext</c>): the rule set, and how a failing case is sent to the API.
/// </summary>
public interface ICheckContext
{
    /// <summary>The rule set checked.</summary>
    CompiledRuleSet RuleSet { get; }

    /// <summary>The request bodies that reproduce <paramref name="violation"/> of <paramref name="failing"/> under exactly the rule set checked.</summary>
    IReadOnlyList<CounterexampleRequest> Requests(Violation violation, object failing);
}

/// <summary>An invariant over cases of type <typeparamref name="TCase"/> of a capability's <typeparamref name="TContext"/>: a generator, a shrinker and the check.</summary>
public class Invariant<TContext, TCase> : Invariant where TContext : ICheckContext where TCase : notnull
{
    /// <summary>The most shrink steps taken (each a case that still fails).</summary>
    public const int MaxShrinks = 200;

    /// <summary>The cases, for a rule set.</summary>
    public required Func<TContext, Gen<TCase>> Cases { get; init; }

    /// <summary>Simpler cases than a given one (none: not shrunk).</summary>
    public Func<TCase, IEnumerable<TCase>> Shrink { get; init; } = _ => [];

    /// <summary>The check: null when the invariant holds for the case.</summary>
    public required Func<TContext, TCase, Violation?> Check { get; init; }

    /// <inheritdoc />
    public override InvariantResult Run(ICheckContext context, ulong seed, int tests)
    {
        if (context is not TContext typed)
            throw new ArgumentException($"the invariant {Id} checks a {typeof(TContext).Name}, not a {context.GetType().Name}", nameof(context));
        // Each invariant draws from its own stream of the seed, so one invariant's run does not depend on the others'.
        var cases = Gen.Sample(Cases(typed), tests, new Rnd(seed ^ StableHash(Id)), 50);
        for (var i = 0; i < cases.Length; i++)
        {
            if (Safely(typed, cases[i]) is not { } violation) continue;
            var (shrunk, found, steps) = Shrunk(typed, cases[i], violation);
            return new InvariantResult(this, i + 1, new Counterexample(shrunk.ToString()!, found.Expected, found.Got, steps, typed.Requests(found, shrunk)));
        }
        return new InvariantResult(this, cases.Length, null);
    }

    private (TCase Case, Violation Violation, int Steps) Shrunk(TContext context, TCase failing, Violation violation)
    {
        var steps = 0;
        for (var progressed = true; progressed && steps < MaxShrinks;)
        {
            progressed = false;
            foreach (var candidate in Shrink(failing))
            {
                if (Safely(context, candidate) is not { } v) continue;
                (failing, violation, progressed) = (candidate, v, true);
                steps++;
                break;
            }
        }
        return (failing, violation, steps);
    }

    /// <summary>The check, an exception in the calculation counting as a violation (a rule set must never make it throw).</summary>
    private Violation? Safely(TContext context, TCase c)
    {
        try { return Check(context, c); }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            return new Violation("a calculation", $"{e.GetType().Name}: {e.Message}");
        }
    }

    /// <summary>FNV-1a of the id: the same on every run and platform (string.GetHashCode is randomised).</summary>
    private static ulong StableHash(string s)
    {
        var h = 14695981039346656037UL;
        foreach (var ch in s) h = (h ^ ch) * 1099511628211UL;
        return h;
    }
}

/// <summary>A premium invariant (<see cref="PremiumInvariants"/>).</summary>
public sealed class Invariant<TCase> : Invariant<CheckContext, TCase> where TCase : notnull;

/// <summary>What a check of a premium rule set has at hand besides the case.</summary>
/// <param name="RuleSet">The rule set checked.</param>
/// <param name="WithoutReliefs">The same rule set with every relief ratio 0 (<see cref="ReliefFreeRuleSets"/>), built when first asked for.</param>
/// <param name="Service">The one way a request is handled (the API's and the batch's), over a catalog serving <paramref name="RuleSet"/>.</param>
public sealed record CheckContext(PremiumRuleSet RuleSet, Lazy<PremiumRuleSet> WithoutReliefs, PremiumService Service) : ICheckContext
{
    /// <summary>Where a premium counterexample is sent.</summary>
    public const string Endpoint = "POST /v1/premium/assessments";

    CompiledRuleSet ICheckContext.RuleSet => RuleSet;

    /// <summary>The households the violation shows — or, when the calculation threw, the case's household — as assessment requests.</summary>
    public IReadOnlyList<CounterexampleRequest> Requests(Violation violation, object failing) =>
        (violation.Shows.Count > 0 ? violation.Shows : ExhibitOf(failing) is { } shown ? [shown] : [])
        .Select(e => new CounterexampleRequest(e.Label, Endpoint, CheckRequests.Body(RuleSet, e))).ToArray();

    /// <summary>The household of a case, to show with an exception (none for a case without one, such as a reduction probe).</summary>
    private static Exhibit? ExhibitOf(object c) => c switch
    {
        HouseholdCase h => new Exhibit("household", h.Household),
        Premium.IncomeRaiseCase r => ExhibitOf(r.Case),
        Premium.IncomeCutCase r => ExhibitOf(r.Case),
        Premium.ShuffleCase r => ExhibitOf(r.Case),
        Premium.AsOfCase a => new Exhibit("household", a.Case.Household, a.AsOf),
        SingleMemberCase s => new Exhibit("household", s.Joining),
        _ => null,
    };
}

/// <summary>The outcome of one invariant: how many cases were checked and the counterexample, if one failed.</summary>
public sealed record InvariantResult(string Id, string NameJa, string NameEn, string Statement, string? LegalBasis, int Cases, Counterexample? Counterexample)
{
    public InvariantResult(Invariant invariant, int cases, Counterexample? counterexample)
        : this(invariant.Id, invariant.NameJa, invariant.NameEn, invariant.Statement, invariant.LegalBasis, cases, counterexample) { }

    /// <summary>True when no case failed.</summary>
    public bool Holds => Counterexample is null;
}

/// <summary>The shrunk case that fails an invariant, as the case, the numbers and request bodies.</summary>
/// <param name="Case">The case as text (rule set and household JSON).</param>
/// <param name="Shrinks">How many shrink steps led from the drawn case to this one.</param>
/// <param name="Requests">Bodies for the capability's endpoint that reproduce it.</param>
public sealed record Counterexample(string Case, string Expected, string Got, int Shrinks, IReadOnlyList<CounterexampleRequest> Requests);

/// <summary>One request body of a counterexample, labelled (<c>household</c>, <c>before</c>, <c>after</c>…), and the endpoint it is sent to.</summary>
/// <param name="Endpoint">Method and path, e.g. <c>POST /v1/premium/assessments</c>.</param>
/// <param name="Body">The body, as the API reads it (a request of the capability's contract).</param>
public sealed record CounterexampleRequest(string Label, string Endpoint, object Body);
