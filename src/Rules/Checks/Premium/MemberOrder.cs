using static KokuhoRules.Rules.Checks.Premium.AssessmentFacts;

namespace KokuhoRules.Rules.Checks.Premium;

/// <summary>A household and the seed of a shuffle of its members.</summary>
public sealed record ShuffleCase(HouseholdCase Case, int Seed)
{
    public override string ToString() => $"shuffle {Seed} of {Case}";
}

/// <summary>世帯員の順序に依らない: shuffling the members gives an identical assessment (members compared in id order).</summary>
public static class MemberOrder
{
    public static Violation? Check(ShuffleCase s)
    {
        var c = s.Case;
        var members = c.Household.Members!.ToArray();
        new Random(s.Seed).Shuffle(members);
        var shuffled = c.With(c.Household with { Members = members });
        var a = c.Assess();
        var b = shuffled.Assess();
        Exhibit[] shows = [new("original", c.Household), new("shuffled", shuffled.Household)];
        if (a.AnnualPremium != b.AnnualPremium || a.ReductionClass != b.ReductionClass)
            return Violation.Of($"annual premium {a.AnnualPremium:N0}, class {a.ReductionClass} whatever the order", $"{b.AnnualPremium:N0}, {b.ReductionClass} shuffled", shows);
        return Fingerprint(a) == Fingerprint(b) ? null
            : Violation.Of("the same assessment in every field whatever the order", "an assessment that differs (compare the two answers' components and members)", shows);
    }
}
