using FsCheck.Xunit;
using KokuhoRules.Rules.HighCost;
using NodaTime;

namespace KokuhoRules.Tests.HighCost;

/// <summary>
/// Invariants of a month's benefit on generated households (1–5 members of both tables, some in their 75th-birthday month),
/// claims (any setting, institution, medical or dental; co-payment ≤ cost), categories, history and move months: the benefit
/// is never negative nor above the co-payments; the limit never rises with the count; the order of claims and members never
/// changes the answer.
/// </summary>
[Properties(MaxTest = 200)]
public sealed class HighCostPropertyTests
{
    private static readonly YearMonth Month = new(2025, 10);

    private static BenefitInputs Generate(int seed, int priorMonths = -1)
    {
        var random = new Random(seed);
        var members = Enumerable.Range(0, random.Next(1, 6))
            .Select(i => new BenefitMember($"M{i}", random.Next(2) == 0 ? AgeBand.Under70 : AgeBand.Age70To74, random.Next(8) == 0)).ToArray();
        var claims = Enumerable.Range(0, random.Next(0, 9)).Select(_ =>
        {
            var cost = (long)random.Next(0, 3_000_000);
            var copay = (long)(cost * random.Next(0, 4) / 10.0);
            return new Claim(members[random.Next(members.Length)].Id, random.Next(2) == 0 ? CareSetting.Inpatient : CareSetting.Outpatient,
                random.Next(4) == 0, $"I{random.Next(3)}", cost, copay);
        }).ToArray();
        var prior = priorMonths >= 0 ? priorMonths : random.Next(0, 6);
        var history = Enumerable.Range(1, prior).Select(i => new BenefitMonth(Month.PlusMonths(-i), 10000, false)).ToArray();
        return new BenefitInputs(Month, members, Enum.GetValues<Under70Category>()[random.Next(5)], Enum.GetValues<Age70Category>()[random.Next(6)],
            claims, history, random.Next(4) == 0);
    }

    private static BenefitResult Compute(BenefitInputs inputs) => HighCostBenefit.Compute(HighCostRuleSetTests.Hyogo2025, inputs, null);

    [Property]
    public bool The_benefit_is_never_negative_nor_above_the_co_payments(int seed)
    {
        var inputs = Generate(seed);
        var r = Compute(inputs);
        return r.Benefit >= 0 && r.Benefit <= inputs.Claims.Sum(c => c.Copay) && r.Steps.All(s => s.Benefit >= 0 && s.Benefit <= s.Included);
    }

    [Property]
    public bool The_limit_never_rises_with_the_count(int seed, byte fewer)
    {
        var k = fewer % 5;
        var before = Compute(Generate(seed, k));
        var after = Compute(Generate(seed, k + 1));
        return after.Steps.Count == before.Steps.Count
               && after.Steps.Zip(before.Steps).All(p => p.First.Limit <= p.Second.Limit && p.First.Level == p.Second.Level)
               && after.Benefit >= before.Benefit && after.PriorBenefitMonths == k + 1;
    }

    [Property]
    public bool The_order_of_claims_and_members_never_changes_the_answer(int seed, int shuffle)
    {
        var inputs = Generate(seed);
        var random = new Random(shuffle);
        var claims = inputs.Claims.ToArray();
        var members = inputs.Members.ToArray();
        var history = inputs.History.ToArray();
        random.Shuffle(claims);
        random.Shuffle(members);
        random.Shuffle(history);
        var a = Compute(inputs);
        var b = Compute(inputs with { Claims = claims, Members = members, History = history });
        return a.Benefit == b.Benefit && a.Limit == b.Limit && a.Steps.SequenceEqual(b.Steps) && a.HalvedBy.SequenceEqual(b.HalvedBy)
               && a.Category == b.Category && a.ManyTimes == b.ManyTimes;
    }
}
