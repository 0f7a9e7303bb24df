using System.Text.Json;
using FsCheck;
using FsCheck.Fluent;
using KokuhoRules.Engine.RuleSets;
using KokuhoRules.Rules.Batch;
using KokuhoRules.Rules.Calendar;
using KokuhoRules.Rules.Snapshots;
using KokuhoRules.Rules.Withholding;

namespace KokuhoRules.Rules.Checks;

/// <summary>What a check of a withholding (特別徴収) rule set has at hand: the rule set and the service the API determines with.</summary>
/// <param name="Service">The one way a determination request is handled, over a catalog serving <paramref name="RuleSet"/> and its premium rule set.</param>
public sealed record WithholdingCheckContext(WithholdingRuleSet RuleSet, WithholdingService Service) : ICheckContext
{
    /// <summary>Where a withholding counterexample is sent.</summary>
    public const string Endpoint = "POST /v1/withholding/determinations";

    CompiledRuleSet ICheckContext.RuleSet => RuleSet;

    /// <summary>The violation's own requests, else the failing case's.</summary>
    public IReadOnlyList<CounterexampleRequest> Requests(Violation violation, object failing) =>
        violation.Requests.Count > 0 ? violation.Requests
        : failing is DeterminationCase c ? [new CounterexampleRequest("request", Endpoint, c.Request)]
        : failing is DeterminationPairCase p ? [new CounterexampleRequest("request", Endpoint, p.Case.Request)] : [];
}

/// <summary>A household's determination request, as the body of <c>POST /v1/withholding/determinations</c> under the rule set checked.</summary>
public sealed record DeterminationCase(WithholdingDeterminationRequest Request)
{
    public override string ToString()
    {
        var head = Request.Household!.Members!.First(m => m!.Id == Request.Household.HeadId)!;
        return $"{Request.Insurer} {Request.FiscalYear}: {Request.Household.Members!.Count} members, head born {head.BirthDate:uuuu-MM-dd}, pension "
               + $"{head.Pension?.AnnualAmount:N0} yen, annual premium {(Request.AnnualPremium is { } a ? a.ToString("N0", null) + " yen" : "assessed")}"
               + $"{(Request.PreviousYear is { } p ? $", last year {p.AnnualPremium:N0} yen (February {p.FebruaryWithheld?.ToString("N0", null) ?? "not withheld"})" : "")}"
               + $"{(Request.StartMonth is { } s ? $", start month {s}" : "")}";
    }
}

/// <summary>A case and a number that varies it (a shuffle's seed).</summary>
public sealed record DeterminationPairCase(DeterminationCase Case, int Seed)
{
    public override string ToString() => $"{Case} (variation {Seed})";
}

/// <summary>
/// The catalogue of the withholding capability's invariants (docs/invariants.md): households of the synthetic population
/// whose head draws a pension (65–74 heads, most with last year's withholding, some asking for 口座振替), with the annual
/// premium given or left to the service to assess, each determined by <see cref="WithholdingService.Determine"/> — what the
/// API answers. The ages, the pension threshold and the half-pension cap are stated as the law states them, not read
/// from the rule set: a rule set that moves them fails.
/// </summary>
public static class WithholdingInvariants
{
    private const string Conditions = "国民健康保険法第76条の3; 同法施行令第29条の12 (特別徴収の対象: 世帯内の被保険者全員が65歳以上75歳未満、年額18万円以上の年金、国保料と介護保険料の合計が年金額の2分の1以下)";

    /// <summary>One of the first 40 households with a pensioned head of a synthetic population of the rule set's year.</summary>
    public static Gen<DeterminationCase> Cases(WithholdingCheckContext context)
    {
        var rs = context.RuleSet;
        return from seed in Gen.Choose(0, int.MaxValue - 1)
               from pick in Gen.Choose(0, 39)
               from given in Gen.Elements(true, false)
               from annual in Gen.Choose(0, 60_000)
               select Case(rs, seed, pick, given ? annual * 10L + annual % 7 : null);
    }

    private static DeterminationCase Case(WithholdingRuleSet rs, int seed, int pick, long? annualPremium)
    {
        var household = new SyntheticPopulation(rs.FiscalYear, seed).Households(2_000).Where(h => h.Members!.Any(m => m!.Pension is not null)).Take(pick + 1).Last();
        var fields = household.Withholding;
        return new DeterminationCase(new WithholdingDeterminationRequest
        {
            Insurer = rs.Insurer.Id, FiscalYear = rs.FiscalYear, RulesetVersion = rs.Version, Trial = rs.Status == RuleSetStatus.Draft ? true : null,
            Household = household with { Withholding = null }, PreviousYear = fields?.PreviousYear, DirectDebitRequested = fields?.DirectDebitRequested,
            StartMonth = fields?.StartMonth, AnnualPremium = annualPremium,
        });
    }

    /// <summary>The answer, or a violation saying the generated request was refused.</summary>
    private static (WithholdingDeterminationResponse? Response, Violation? Refused) Answer(WithholdingCheckContext ctx, WithholdingDeterminationRequest request)
    {
        var (response, failure) = ctx.Service.Determine(request, trace: false);
        return failure is null ? (response, null)
            : (null, Violation.Refused(failure));
    }

    private static IEnumerable<DeterminationCase> Shrink(DeterminationCase c)
    {
        if (c.Request.AnnualPremium is > 10 and var a) yield return c with { Request = c.Request with { AnnualPremium = a / 2 } };
        if (c.Request.PreviousYear is not null) yield return c with { Request = c.Request with { PreviousYear = null } };
    }

    public static Invariant<WithholdingCheckContext, DeterminationCase> ScheduleAddsUp { get; } = new()
    {
        Id = "schedule-adds-up", NameJa = "仮徴収・本徴収・普通徴収の合計が年間保険料", NameEn = "the schedule adds up to the annual premium",
        LegalBasis = "国民健康保険法第76条の3・第76条の4 (介護保険法第135条・第140条の準用: 仮徴収・本徴収)",
        Statement = "Provisional + definitive + ordinary − overpaid is the annual premium; each total is the sum of its entries; every amount ≥ 0; the months in order; a refund only when nothing is left to withhold.",
        Cases = Cases, Shrink = Shrink,
        Check = (ctx, c) =>
        {
            var (r, refused) = Answer(ctx, c.Request);
            if (refused is not null) return refused;
            long Sum(PaymentKind k) => r!.Schedule.Where(e => e.Kind == k).Sum(e => e.Amount);
            if (r!.ProvisionalTotal + r.DefinitiveTotal + r.OrdinaryTotal - r.Overpaid != r.AnnualPremium)
                return new Violation($"provisional + definitive + ordinary − overpaid = {r.AnnualPremium:N0} yen",
                    $"{r.ProvisionalTotal:N0} + {r.DefinitiveTotal:N0} + {r.OrdinaryTotal:N0} − {r.Overpaid:N0}");
            if ((Sum(PaymentKind.Provisional), Sum(PaymentKind.Definitive), Sum(PaymentKind.Ordinary)) != (r.ProvisionalTotal, r.DefinitiveTotal, r.OrdinaryTotal))
                return new Violation("each total the sum of its entries", $"entries {Sum(PaymentKind.Provisional):N0}/{Sum(PaymentKind.Definitive):N0}/{Sum(PaymentKind.Ordinary):N0}, totals {r.ProvisionalTotal:N0}/{r.DefinitiveTotal:N0}/{r.OrdinaryTotal:N0}");
            if (r.Schedule.FirstOrDefault(e => e.Amount < 0) is { } negative) return new Violation("every amount ≥ 0", $"{negative.Month:uuuu-MM} {negative.Kind} {negative.Amount:N0} yen");
            if (!r.Schedule.Select(e => e.Month).SequenceEqual(r.Schedule.Select(e => e.Month).Order())) return new Violation("the months in order", "a schedule out of month order");
            return r.Overpaid > 0 && r.DefinitiveTotal > 0 ? new Violation("a refund only when nothing is left to withhold", $"overpaid {r.Overpaid:N0} yen with {r.DefinitiveTotal:N0} yen definitive") : null;
        },
    };

    public static Invariant<WithholdingCheckContext, DeterminationCase> OnlyWhereTheLawAllows { get; } = new()
    {
        Id = "only-where-the-law-allows", NameJa = "対象外の世帯は特別徴収しない", NameEn = "withholding only where the law allows it", LegalBasis = Conditions,
        Statement = "An eligible household has every insured member aged 65–74 on the reference date and a head's pension of at least 180,000 yen a year, and no withheld payment with the 介護保険料 exceeds half of one payment of the pension.",
        Cases = Cases, Shrink = Shrink,
        Check = (ctx, c) =>
        {
            var (r, refused) = Answer(ctx, c.Request);
            if (refused is not null) return refused;
            if (!r!.Eligible) return r.Schedule.All(e => e.Kind == PaymentKind.Ordinary) ? null : new Violation("only ordinary payments when not eligible", "a withheld payment");
            var reference = c.Request.AsOf ?? new FiscalYear(ctx.RuleSet.FiscalYear).Start;
            var snapshot = SnapshotReader.Read(c.Request.Household!, "household", []);
            if (snapshot is null) return null;
            var outside = snapshot.Members.FirstOrDefault(m => m.IsCoveredOn(reference) && (Age.LegalAgeOn(m.BirthDate, reference) < 65 || Age.CalendarAgeOn(m.BirthDate, reference) >= 75));
            if (outside is not null)
                return new Violation("no withholding with an insured member under 65 or 75 or over on the reference date", $"eligible, with {outside.Id} born {outside.BirthDate:uuuu-MM-dd}");
            var pension = c.Request.Household!.Members!.First(m => m!.Id == c.Request.Household.HeadId)!.Pension;
            if (pension?.AnnualAmount is not { } annual || annual < 180_000) return new Violation("a head's pension of at least 180,000 yen a year", $"eligible with {pension?.AnnualAmount:N0}");
            var care = pension.CarePremiumPerPayment ?? 0;
            var over = r.Schedule.FirstOrDefault(e => e.Kind != PaymentKind.Ordinary && (e.Amount + care) * 12 > annual);
            return over is null ? null
                : new Violation($"each withheld payment with the 介護保険料 at most half of one payment ({annual:N0} ÷ 6 ÷ 2 yen)", $"{over.Month:uuuu-MM} {over.Amount:N0} + {care:N0} yen");
        },
    };

    public static Invariant<WithholdingCheckContext, DeterminationPairCase> MemberOrder { get; } = new()
    {
        Id = "member-order", NameJa = "世帯員の順序に依らない", NameEn = "member order is irrelevant",
        Statement = "Shuffling the members gives an identical determination.",
        Cases = ctx => from c in Cases(ctx) from seed in Gen.Choose(0, int.MaxValue - 1) select new DeterminationPairCase(c, seed),
        Shrink = p => Shrink(p.Case).Select(c => p with { Case = c }),
        Check = (ctx, p) =>
        {
            var members = p.Case.Request.Household!.Members!.ToArray();
            new Random(p.Seed).Shuffle(members);
            var shuffled = p.Case.Request with { Household = p.Case.Request.Household with { Members = members } };
            var (a, refused) = Answer(ctx, p.Case.Request);
            if (refused is not null) return refused;
            var (b, refusedShuffled) = Answer(ctx, shuffled);
            if (refusedShuffled is not null) return refusedShuffled;
            return Fingerprint(a!) == Fingerprint(b!) ? null
                : new Violation($"the same determination whatever the order (eligible {a!.Eligible}, {a.DefinitiveTotal:N0} yen definitive)", $"eligible {b!.Eligible}, {b.DefinitiveTotal:N0} yen shuffled")
                {
                    Requests = [new("original", WithholdingCheckContext.Endpoint, p.Case.Request), new("shuffled", WithholdingCheckContext.Endpoint, shuffled)],
                };
        },
    };

    private static string Fingerprint(WithholdingDeterminationResponse r) =>
        JsonSerializer.Serialize(new { r.Eligible, r.Conditions, r.StartMonth, r.AnnualPremium, r.Schedule, r.ProvisionalTotal, r.DefinitiveTotal, r.OrdinaryTotal, r.Overpaid });

    /// <summary>Every withholding invariant, in the order they run.</summary>
    public static IReadOnlyList<Invariant> All { get; } = [ScheduleAddsUp, OnlyWhereTheLawAllows, MemberOrder];
}
