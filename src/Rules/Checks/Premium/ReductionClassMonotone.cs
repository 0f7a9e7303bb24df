using KokuhoRules.Rules.Premium;

namespace KokuhoRules.Rules.Checks.Premium;

/// <summary>
/// 所得が低いほど軽減は強い (判定): in the rule set's <c>ReductionClass</c> decision, a lower 軽減判定所得 with the same persons
/// and salary earners never gives a weaker class, nor does one more person or one more salary earner.
/// </summary>
public static class ReductionClassMonotone
{
    public static Violation? Check(ReductionProbe r)
    {
        var decision = r.RuleSet.ReductionClass;
        var lower = decision.Decide(new ReductionFacts(r.Lower, r.Persons, r.SalaryEarners, 0));
        var higher = decision.Decide(new ReductionFacts(r.Higher, r.Persons, r.SalaryEarners, 0));
        var facts = $"{r.Persons} persons, {r.SalaryEarners} salary earners";
        if (lower < higher)
            return new Violation($"{facts}: {r.Lower:N0} yen at least as strong a class as {r.Higher:N0} yen ({Outcomes.Name(higher)})", $"{Outcomes.Name(lower)} at {r.Lower:N0} yen");
        if (decision.Decide(new ReductionFacts(r.Higher, r.Persons + 1, r.SalaryEarners, 0)) is var morePersons && morePersons < higher)
            return new Violation($"{facts}, {r.Higher:N0} yen: one more person at least {Outcomes.Name(higher)}", Outcomes.Name(morePersons));
        if (decision.Decide(new ReductionFacts(r.Higher, r.Persons, r.SalaryEarners + 1, 0)) is var moreEarners && moreEarners < higher)
            return new Violation($"{facts}, {r.Higher:N0} yen: one more salary earner at least {Outcomes.Name(higher)}", Outcomes.Name(moreEarners));
        return null;
    }

    /// <summary>Smaller probes: fewer persons and earners, lower incomes.</summary>
    public static IEnumerable<ReductionProbe> Shrink(ReductionProbe r)
    {
        if (r.Persons > 1) yield return r with { Persons = r.Persons - 1, SalaryEarners = Math.Min(r.SalaryEarners, r.Persons) };
        if (r.SalaryEarners > 0) yield return r with { SalaryEarners = r.SalaryEarners - 1 };
        if (r.Lower > 0) yield return r with { Lower = r.Lower / 2 };
        if (r.Higher > r.Lower) yield return r with { Higher = r.Lower + (r.Higher - r.Lower) / 2 };
    }
}
