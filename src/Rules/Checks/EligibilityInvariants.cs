using FsCheck;
using FsCheck.Fluent;
using KokuhoRules.Engine.RuleSets;
using KokuhoRules.Rules.Eligibility;

namespace KokuhoRules.Rules.Checks;

/// <summary>What a check of an eligibility (資格継続) rule set has at hand: the rule set and the service the API checks with.</summary>
/// <param name="Service">The one way a check request is handled, over a catalog serving <paramref name="RuleSet"/>.</param>
public sealed record EligibilityCheckContext(EligibilityRuleSet RuleSet, EligibilityService Service) : ICheckContext
{
    /// <summary>Where an eligibility counterexample is sent.</summary>
    public const string Endpoint = "POST /v1/eligibility/checks";

    CompiledRuleSet ICheckContext.RuleSet => RuleSet;

    /// <summary>The failing case's request (the histories in the order it sent them).</summary>
    public IReadOnlyList<CounterexampleRequest> Requests(Violation violation, object failing) =>
        violation.Requests.Count > 0 ? violation.Requests
        : failing is HistoryCase c ? [new CounterexampleRequest("request", Endpoint, c.Request(RuleSet))] : [];
}

/// <summary>
/// <paramref name="Persons"/> consistent synthetic histories (<see cref="SyntheticHistories"/> with <paramref name="Seed"/>) and, with
/// <paramref name="Fault"/>, one more person with that fault injected — records and events shuffled by <paramref name="Shuffle"/>.
/// </summary>
public sealed record HistoryCase(int Seed, int Persons, InjectedFault? Fault, int Shuffle)
{
    /// <summary>The people of the case and the finding the fault must give (null without a fault).</summary>
    public (List<PersonHistory> People, ExpectedFinding? Expected) People(EligibilityRuleSet rs)
    {
        var generator = new SyntheticHistories(rs, Seed);
        var people = generator.People(Persons).ToList();
        if (Fault is not { } fault) return (people, null);
        // The fault goes into the first new person whose history allows it (a move, a loss, an open end).
        PersonHistory? faulty = null;
        for (var n = 1_000_000; faulty is null && n < 1_000_200; n++) faulty = generator.Inject(generator.Person(n), fault);
        if (faulty is null) return (people, null);
        people.Insert(Shuffle % (people.Count + 1), faulty);
        return (people, faulty.Fault);
    }

    /// <summary>The body of <c>POST /v1/eligibility/checks</c> with the case's records and events, shuffled.</summary>
    public EligibilityCheckRequest Request(EligibilityRuleSet rs)
    {
        var people = People(rs).People;
        var records = people.SelectMany(p => p.Records).Select(r => new HistoryRecordJson
        {
            RecordId = r.RecordId, PersonKey = r.PersonKey, Insurer = r.Insurer, QualifiedFrom = r.QualifiedFrom, QualifiedUntil = r.QualifiedUntil,
            AppliedFrom = r.AppliedFrom, AppliedUntil = r.AppliedUntil, AcquisitionReason = r.AcquisitionReason, LossReason = r.LossReason,
        }).ToArray();
        var events = people.SelectMany(p => p.Events).Select(e => new LifeEventJson { PersonKey = e.PersonKey, Kind = e.Kind, Date = e.Date }).ToArray();
        var random = new Random(Shuffle);
        random.Shuffle(records);
        random.Shuffle(events);
        return new EligibilityCheckRequest
        {
            Prefecture = rs.Insurer.Id, FiscalYear = rs.FiscalYear, RulesetVersion = rs.Version, Trial = rs.Status == RuleSetStatus.Draft ? true : null,
            Records = records, Events = events,
        };
    }

    public override string ToString() => $"seed {Seed}: {Persons} consistent persons{(Fault is { } f ? $" and one with the fault {f}" : "")}, shuffle {Shuffle}";
}

/// <summary>
/// The catalogue of the eligibility capability's invariants (docs/invariants.md): prefecture histories built from the rule
/// set's own date decisions and end-date convention (<see cref="SyntheticHistories"/>), checked by
/// <see cref="EligibilityService.Check"/> — what the API answers. A rule set whose date rules and check rules disagree
/// fails them.
/// </summary>
public static class EligibilityInvariants
{
    private const string Continuity = "国民健康保険法第7条・第8条 (資格の取得・喪失の時期); 平成30年度以降の都道府県単位化 (県内転居で資格取得年月日を引き継ぐ)";

    private static Gen<HistoryCase> Cases(bool fault) =>
        from seed in Gen.Choose(0, int.MaxValue - 1)
        from persons in Gen.Choose(fault ? 0 : 1, 6)
        from kind in Gen.Elements(Enum.GetValues<InjectedFault>())
        from shuffle in Gen.Choose(0, int.MaxValue - 1)
        select new HistoryCase(seed, persons, fault ? kind : null, shuffle);

    private static IEnumerable<HistoryCase> Shrink(HistoryCase c) => c.Persons > (c.Fault is null ? 1 : 0) ? [c with { Persons = c.Persons - 1 }] : [];

    /// <summary>The findings as <c>kind person record</c>, sorted; or the refusal of a request the contract allows.</summary>
    private static (List<string>? Found, Violation? Refused) Found(EligibilityCheckContext ctx, HistoryCase c)
    {
        var (response, failure) = ctx.Service.Check(c.Request(ctx.RuleSet));
        if (failure is not null)
            return (null, Violation.Refused(failure));
        return (response!.Findings.Select(f => $"{f.Kind} {f.PersonKey} {f.Records[0]}").Order(StringComparer.Ordinal).ToList(), null);
    }

    public static Invariant<EligibilityCheckContext, HistoryCase> ConsistentHistoryNoFinding { get; } = new()
    {
        Id = "consistent-history-no-finding", NameJa = "整合した履歴に指摘はない", NameEn = "a consistent history has no finding", LegalBasis = Continuity,
        Statement = "Histories whose dates follow the rule set's own date rules and end-date convention (a move: the new start the day after the old end) give no finding.",
        Cases = _ => Cases(fault: false), Shrink = Shrink,
        Check = (ctx, c) =>
        {
            var (found, refused) = Found(ctx, c);
            return refused ?? (found!.Count == 0 ? null : new Violation("no finding", $"{found.Count} findings: {string.Join("; ", found.Take(5))}"));
        },
    };

    public static Invariant<EligibilityCheckContext, HistoryCase> FaultFoundOnce { get; } = new()
    {
        Id = "fault-found-once", NameJa = "一つの誤りは一度だけ指摘される", NameEn = "one injected fault is found exactly once", LegalBasis = Continuity,
        Statement = "One gap, overlap, missing move-in or move-out, changed acquisition date, date contradiction or coverage after death or the 75th birthday, among consistent histories in any order, is found once, as its kind, on its record — and nothing else is.",
        Cases = _ => Cases(fault: true), Shrink = Shrink,
        Check = (ctx, c) =>
        {
            var (_, e) = c.People(ctx.RuleSet);
            if (e is null) return null;   // no history of this seed takes the fault
            var expected = new List<string> { $"{e.Kind} {e.PersonKey} {e.RecordId}" };
            if (e.AlsoPremiumMonthTwice) expected.Add($"premiumMonthTwice {e.PersonKey} {e.RecordId}");
            expected.Sort(StringComparer.Ordinal);
            var (found, refused) = Found(ctx, c);
            if (refused is not null) return refused;
            return found!.SequenceEqual(expected) ? null
                : new Violation($"exactly [{string.Join("; ", expected)}] for the fault {e.Fault}", $"[{string.Join("; ", found!.Take(8))}]");
        },
    };

    public static Invariant<EligibilityCheckContext, HistoryCase> OrderIrrelevant { get; } = new()
    {
        Id = "order-irrelevant", NameJa = "記録と異動事由の順序に依らない", NameEn = "the order of records and events is irrelevant",
        Statement = "The same histories sent in another order give the same findings.",
        Cases = _ => Cases(fault: true), Shrink = Shrink,
        Check = (ctx, c) =>
        {
            var (a, refused) = Found(ctx, c);
            if (refused is not null) return refused;
            var other = c with { Shuffle = unchecked(c.Shuffle * 31 + 17) & int.MaxValue };
            var (b, refusedOther) = Found(ctx, other);
            if (refusedOther is not null) return refusedOther;
            return a!.SequenceEqual(b!) ? null
                : new Violation($"the same findings in any order ([{string.Join("; ", a!.Take(5))}])", $"[{string.Join("; ", b!.Take(5))}] in another order")
                {
                    Requests = [new("original", EligibilityCheckContext.Endpoint, c.Request(ctx.RuleSet)), new("reordered", EligibilityCheckContext.Endpoint, other.Request(ctx.RuleSet))],
                };
        },
    };

    /// <summary>Every eligibility invariant, in the order they run.</summary>
    public static IReadOnlyList<Invariant> All { get; } = [ConsistentHistoryNoFinding, FaultFoundOnce, OrderIrrelevant];
}
