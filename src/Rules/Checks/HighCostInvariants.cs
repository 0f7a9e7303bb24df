using System.Text.Json;
using FsCheck;
using FsCheck.Fluent;
using KokuhoRules.Engine.RuleSets;
using KokuhoRules.Rules.HighCost;
using KokuhoRules.Rules.Premium;
using KokuhoRules.Rules.Snapshots;
using NodaTime;

namespace KokuhoRules.Rules.Checks;

/// <summary>What a check of a high-cost (高額療養費) rule set has at hand: the rule set; a case is a request body itself.</summary>
public sealed record HighCostCheckContext(HighCostRuleSet RuleSet) : ICheckContext
{
    /// <summary>Where a high-cost counterexample is sent.</summary>
    public const string Endpoint = "POST /v1/high-cost/benefits";

    CompiledRuleSet ICheckContext.RuleSet => RuleSet;

    /// <summary>The violation's own requests, else the failing case's.</summary>
    public IReadOnlyList<CounterexampleRequest> Requests(Violation violation, object failing) =>
        violation.Requests.Count > 0 ? violation.Requests
        : failing is BenefitCase c ? [new CounterexampleRequest("request", Endpoint, c.Request)]
        : failing is BenefitPairCase p ? [new CounterexampleRequest("request", Endpoint, p.Case.Request)] : [];
}

/// <summary>A household's month of claims and its history, as the body of <c>POST /v1/high-cost/benefits</c> under the rule set checked.</summary>
public sealed record BenefitCase(HighCostBenefitRequest Request)
{
    public override string ToString() =>
        $"{Request.Insurer} {Request.CareMonth:uuuu-MM}: {Request.Household!.Members!.Count} members, {Request.Claims!.Count} claims, co-payments "
        + $"{Request.Claims.Sum(c => c!.Copay ?? 0):N0} yen, {Request.History?.Count ?? 0} earlier months{(Request.Category is { } k ? ", category " + k : "")}"
        + $"{(Request.InPrefectureMove == true ? ", 県内転居月" : "")}";
}

/// <summary>A case and a number that varies it (a month added to the history, a shuffle's seed).</summary>
public sealed record BenefitPairCase(BenefitCase Case, int Seed)
{
    public override string ToString() => $"{Case} (variation {Seed})";
}

/// <summary>
/// The catalogue of the high-cost capability's invariants (docs/invariants.md): households of the synthetic city
/// (<see cref="SyntheticClaims"/>: under 70 and 70–74, the 75th-birthday month, the in-prefecture move month, a category as
/// on a 限度額適用認定証, 多数回 histories) in any care month of the rule set's year, each answered by
/// <see cref="HighCostService.Compute(HighCostRuleSet, HighCostBenefitRequest, bool)"/> — what the API answers.
/// </summary>
public static class HighCostInvariants
{
    private const string Benefit = "国民健康保険法第57条の2 (高額療養費); 同法施行令第29条の2 (高額療養費の額)";
    private const string ManyTimes = "国民健康保険法施行令第29条の3 (多数回該当: 12月以内に3回以上支給を受けた世帯の4回目以降)";

    /// <summary>
    /// One of the first 60 households of the synthetic city (each kind it represents in turn) in a care month of the rule
    /// set's fiscal year, in one of its cities, with 0–3 more earlier benefit months in the window than the city gave it (so
    /// that every count, and the step into 多数回, occurs).
    /// </summary>
    public static Gen<BenefitCase> Cases(HighCostCheckContext context)
    {
        var rs = context.RuleSet;
        var cities = rs.Parameters.Continuity.Municipalities.Select(m => m.Id).ToArray();
        return from seed in Gen.Choose(0, int.MaxValue - 1)
               from month in Gen.Choose(0, 11)
               from pick in Gen.Choose(0, 59)
               from extra in Gen.Choose(0, 3)
               from city in Gen.Choose(0, Math.Max(0, cities.Length - 1))
               select Case(rs, new YearMonth(rs.FiscalYear, 4).PlusMonths(month), seed, pick, extra, cities.Length > 0 ? cities[city] : rs.Insurer.Id);
    }

    private static BenefitCase Case(HighCostRuleSet rs, YearMonth careMonth, int seed, int pick, int extra, string insurer)
    {
        var household = new SyntheticClaims(rs, careMonth, seed, insurer).Households(200).Take(pick + 1).Last();
        var history = household.History.Select(h => (BenefitMonthJson?)new BenefitMonthJson { CareMonth = h.CareMonth, BenefitPaid = h.BenefitPaid, OutpatientOnly = h.OutpatientOnly, Insurer = h.Insurer }).ToList();
        var random = new Random(seed);
        for (var i = 0; i < extra; i++)
        {
            var month = careMonth.PlusMonths(-random.Next(1, 12));
            if (history.All(h => h!.CareMonth != month)) history.Add(new BenefitMonthJson { CareMonth = month, BenefitPaid = random.Next(1, 200) * 1_000L });
        }
        return new BenefitCase(household.Line with
        {
            Insurer = insurer, CareMonth = careMonth, RulesetVersion = rs.Version, Trial = rs.Status == RuleSetStatus.Draft ? true : null, History = history,
        });
    }

    /// <summary>The answer, or a violation saying the generated request was refused (a rule set must take every request the contract allows).</summary>
    private static (HighCostBenefitResponse? Response, Violation? Refused) Answer(HighCostCheckContext context, BenefitCase c)
    {
        var (response, _, failure) = HighCostService.Compute(context.RuleSet, c.Request, trace: false);
        return failure is null ? (response, null)
            : (null, Violation.Refused(failure));
    }

    /// <summary>Simpler cases: the last claim dropped, the first earlier month dropped, a last member without claims dropped.</summary>
    private static IEnumerable<BenefitCase> Shrink(BenefitCase c)
    {
        var claims = c.Request.Claims!;
        if (claims.Count > 0) yield return c with { Request = c.Request with { Claims = claims.Take(claims.Count - 1).ToArray() } };
        if ((c.Request.History?.Count ?? 0) > 0) yield return c with { Request = c.Request with { History = c.Request.History!.Skip(1).ToArray() } };
        if (c.Request.Household!.Members!.Count > 1 && c.Request.Claims!.All(x => x!.MemberId != c.Request.Household.Members[^1]!.Id))
            yield return c with { Request = c.Request with { Household = c.Request.Household with { Members = c.Request.Household.Members.Take(c.Request.Household.Members.Count - 1).ToArray() } } };
    }

    public static Invariant<HighCostCheckContext, BenefitCase> BenefitWithinCopayments { get; } = new()
    {
        Id = "benefit-within-copayments", NameJa = "高額療養費は一部負担金を超えない", NameEn = "the benefit never exceeds the co-payments", LegalBasis = Benefit,
        Statement = "The month's benefit is between 0 and the sum of the claims' co-payments; each step's benefit between 0 and what it included.",
        Cases = Cases, Shrink = Shrink,
        Check = (ctx, c) =>
        {
            var (r, refused) = Answer(ctx, c);
            if (refused is not null) return refused;
            var copay = c.Request.Claims!.Sum(x => x!.Copay ?? 0);
            if (r!.Benefit < 0 || r.Benefit > copay) return new Violation($"0 ≤ benefit ≤ {copay:N0} yen (the co-payments)", $"{r.Benefit:N0} yen");
            return r.Steps.FirstOrDefault(s => s.Benefit < 0 || s.Benefit > s.Included) is { } step
                ? new Violation($"0 ≤ the {step.Level} step's benefit ≤ {step.Included:N0} yen (what it included)", $"{step.Benefit:N0} yen") : null;
        },
    };

    public static Invariant<HighCostCheckContext, BenefitPairCase> CountNeverRaisesLimit { get; } = new()
    {
        Id = "count-never-raises-limit", NameJa = "多数回で限度額は上がらない", NameEn = "one more benefit month never raises a limit", LegalBasis = ManyTimes,
        Statement = "Adding one more earlier benefit month within the window never raises a step's limit nor lowers the benefit; the steps stay the same.",
        Cases = ctx => from c in Cases(ctx) from back in Gen.Choose(1, 11) select new BenefitPairCase(c, back),
        Shrink = p => Shrink(p.Case).Select(c => p with { Case = c }),
        Check = (ctx, p) =>
        {
            var month = p.Case.Request.CareMonth!.Value.PlusMonths(-p.Seed);
            var history = p.Case.Request.History ?? [];
            if (history.Any(h => h!.CareMonth == month)) return null;   // already a benefit month: nothing to add
            var more = new BenefitCase(p.Case.Request with { History = [.. history, new BenefitMonthJson { CareMonth = month, BenefitPaid = 10_000 }] });
            var (before, refused) = Answer(ctx, p.Case);
            if (refused is not null) return refused;
            var (after, refusedAfter) = Answer(ctx, more);
            if (refusedAfter is not null) return refusedAfter;
            var shows = new[] { new CounterexampleRequest("before", HighCostCheckContext.Endpoint, p.Case.Request), new CounterexampleRequest("after", HighCostCheckContext.Endpoint, more.Request) };
            if (after!.Steps.Count != before!.Steps.Count || after.Steps.Zip(before.Steps).Any(s => s.First.Level != s.Second.Level || s.First.MemberId != s.Second.MemberId))
                return new Violation("the same steps with one more benefit month", $"{after.Steps.Count} steps instead of {before.Steps.Count}") { Requests = shows };
            if (after.Steps.Zip(before.Steps).FirstOrDefault(s => s.First.Limit > s.Second.Limit) is { First: not null } raised)
                return new Violation($"the {raised.Second.Level} limit at most {raised.Second.Limit:N0} yen with {after.PriorBenefitMonths} benefit months", $"{raised.First.Limit:N0} yen") { Requests = shows };
            return after.Benefit < before.Benefit
                ? new Violation($"a benefit of at least {before.Benefit:N0} yen with one more benefit month", $"{after.Benefit:N0} yen") { Requests = shows } : null;
        },
    };

    public static Invariant<HighCostCheckContext, BenefitPairCase> MoreIncomeNeverLowersLimit { get; } = new()
    {
        Id = "more-income-never-lowers-limit", NameJa = "所得が増えても限度額は下がらない", NameEn = "more income never lowers a limit",
        LegalBasis = "国民健康保険法施行令第29条の3 (所得区分: 上位所得ほど高い自己負担限度額)",
        Statement = "Raising a declared member's income (and 住民税課税所得) never lowers a step's limit nor raises the benefit, where the income decides the category.",
        Cases = ctx => from c in Cases(ctx) from delta in Gen.Choose(1, 2_000) select new BenefitPairCase(c, delta * 5_000),
        Shrink = p => Shrink(p.Case).Select(c => p with { Case = c }).Concat(p.Seed > 5_000 ? [p with { Seed = p.Seed / 2 }] : []),
        Check = (ctx, p) =>
        {
            var household = p.Case.Request.Household!;
            var pick = household.Members!.Select((m, i) => (m, i)).FirstOrDefault(x => x.m!.Income is { Declared: true, TotalIncome: not null });
            if (p.Case.Request.Category is not null || pick.m is null) return null;   // the category given, or no declared income to raise
            var income = pick.m.Income!;
            var raised = income with
            {
                TotalIncome = income.TotalIncome + p.Seed, CombinedIncome = income.CombinedIncome + p.Seed,
                ResidentTaxableIncome = income.ResidentTaxableIncome + p.Seed,
            };
            var members = household.Members!.ToArray();
            members[pick.i] = pick.m with { Income = raised };
            var richer = new BenefitCase(p.Case.Request with { Household = household with { Members = members } });
            var (before, refused) = Answer(ctx, p.Case);
            if (refused is not null) return refused;
            var (after, refusedAfter) = Answer(ctx, richer);
            if (refusedAfter is not null) return refusedAfter;
            var shows = new[] { new CounterexampleRequest("before", HighCostCheckContext.Endpoint, p.Case.Request), new CounterexampleRequest("after", HighCostCheckContext.Endpoint, richer.Request) };
            if (after!.Limit < before!.Limit)
                return new Violation($"a limit of at least {before.Limit:N0} yen ({before.Category}) with {p.Seed:N0} yen more income", $"{after.Limit:N0} yen ({after.Category})") { Requests = shows };
            return after.Benefit > before.Benefit
                ? new Violation($"a benefit of at most {before.Benefit:N0} yen with {p.Seed:N0} yen more income", $"{after.Benefit:N0} yen") { Requests = shows } : null;
        },
    };

    public static Invariant<HighCostCheckContext, BenefitPairCase> OrderIrrelevant { get; } = new()
    {
        Id = "order-irrelevant", NameJa = "レセプト・世帯員・履歴の順序に依らない", NameEn = "the order of claims, members and history is irrelevant",
        Statement = "Shuffling the claims, the members and the earlier months gives an identical answer.",
        Cases = ctx => from c in Cases(ctx) from seed in Gen.Choose(0, int.MaxValue - 1) select new BenefitPairCase(c, seed),
        Shrink = p => Shrink(p.Case).Select(c => p with { Case = c }),
        Check = (ctx, p) =>
        {
            var random = new Random(p.Seed);
            var (claims, members, history) = (p.Case.Request.Claims!.ToArray(), p.Case.Request.Household!.Members!.ToArray(), (p.Case.Request.History ?? []).ToArray());
            random.Shuffle(claims);
            random.Shuffle(members);
            random.Shuffle(history);
            var shuffled = new BenefitCase(p.Case.Request with { Claims = claims, History = history, Household = p.Case.Request.Household with { Members = members } });
            var (a, refused) = Answer(ctx, p.Case);
            if (refused is not null) return refused;
            var (b, refusedShuffled) = Answer(ctx, shuffled);
            if (refusedShuffled is not null) return refusedShuffled;
            return Fingerprint(a!) == Fingerprint(b!) ? null
                : new Violation($"the same answer whatever the order (benefit {a!.Benefit:N0} yen, limit {a.Limit:N0})", $"benefit {b!.Benefit:N0} yen, limit {b.Limit:N0} shuffled")
                {
                    Requests = [new("original", HighCostCheckContext.Endpoint, p.Case.Request), new("shuffled", HighCostCheckContext.Endpoint, shuffled.Request)],
                };
        },
    };

    /// <summary>Everything the answer says of the month (its steps and halvings in the order given).</summary>
    private static string Fingerprint(HighCostBenefitResponse r) => JsonSerializer.Serialize(new { r.Benefit, r.Category, r.ManyTimes, r.PriorBenefitMonths, r.Limit, r.Steps, r.HalvedBy });

    /// <summary>Every high-cost invariant, in the order they run.</summary>
    public static IReadOnlyList<Invariant> All { get; } = [BenefitWithinCopayments, CountNeverRaisesLimit, MoreIncomeNeverLowersLimit, OrderIrrelevant];
}
