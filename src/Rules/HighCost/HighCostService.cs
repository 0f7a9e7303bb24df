using KokuhoRules.Engine.RuleSets;
using KokuhoRules.Engine.Tracing;
using KokuhoRules.Rules.Premium;
using KokuhoRules.Rules.Snapshots;
using NodaTime;

namespace KokuhoRules.Rules.HighCost;

/// <summary>
/// The one way a high-cost benefit request is handled: the city resolved to its prefecture's rule set through the
/// catalog's one gate, the household, claims and history checked field by field (errors name the field, never repeat
/// its value), each member's table and 75th-birthday month from the birth date, the categories given or decided from the
/// income (<see cref="HighCostCategories"/>), then <see cref="HighCostBenefit.Compute"/>.
/// </summary>
public sealed class HighCostService(RuleSetCatalog catalog)
{
    /// <summary>The most claims a request may carry.</summary>
    public const int MaxClaims = 500;

    /// <summary>The most history months a request may carry.</summary>
    public const int MaxHistory = 120;

    public RuleSetCatalog Catalog { get; } = catalog;

    /// <summary>Computes; exactly one of the response and the failure is non-null.</summary>
    public (HighCostBenefitResponse? Response, AssessmentFailure? Failure) Compute(HighCostBenefitRequest? request, bool trace)
    {
        if (request is null) return (null, AssessmentFailure.EmptyBody);
        var errors = new List<FieldError>();
        if (string.IsNullOrWhiteSpace(request.Insurer)) errors.Add(new FieldError("insurer", "is required (e.g. \"amagasaki\")"));
        if (request.CareMonth is null) errors.Add(new FieldError("careMonth", "is required (e.g. \"2025-10\")"));
        AssessmentFailure.CheckCallFields("-", 0, request.AsOf, request.RulesetVersion, errors);   // asOf and rulesetVersion as every calculation checks them
        if (errors.Count > 0) return (null, AssessmentFailure.Invalid(errors));

        var (rs, failure) = Resolve(request.Insurer!, request.CareMonth!.Value, request.RulesetVersion, request.AsOf, request.Trial ?? false);
        if (failure is not null) return (null, failure);
        var (response, _, invalid) = Compute(rs!, request, trace);
        return (response, invalid);
    }

    /// <summary>
    /// Computes under a rule set already resolved for the request's insurer and care month (a batch resolves it once): the
    /// same field checks and the same answer as <see cref="Compute(HighCostBenefitRequest?, bool)"/>, and the result's
    /// <see cref="BenefitResult.OutpatientOnly"/> (what the month's history line records). Exactly one of the response and
    /// the failure is non-null.
    /// </summary>
    public static (HighCostBenefitResponse? Response, BenefitResult? Result, AssessmentFailure? Failure) Compute(HighCostRuleSet rs, HighCostBenefitRequest request, bool trace)
    {
        var errors = new List<FieldError>();
        var t = trace ? new Trace() : null;
        var inputs = Read(rs, request, request.CareMonth!.Value, errors, t);
        if (inputs is null || errors.Count > 0) return (null, null, AssessmentFailure.Invalid(errors));
        var result = HighCostBenefit.Compute(rs, inputs, t);
        return (new HighCostBenefitResponse(result.Benefit, result.Category, result.ManyTimes, result.PriorBenefitMonths, result.Limit,
            result.Steps, result.HalvedBy, rs.Stamp, rs.UnconfirmedParameters, request.Trial ?? false, t?.Steps), result, null);
    }

    /// <summary>The rule set serving a city for the fiscal year of the care month, or the refusal naming the field at fault.</summary>
    public (HighCostRuleSet? RuleSet, AssessmentFailure? Failure) Resolve(string insurer, YearMonth careMonth, string? version, LocalDate? asOf, bool trial)
    {
        var capability = Catalog.CapabilityOf<HighCostRuleSet>();
        if (Catalog.ServingInsurer(capability, insurer) is not { } serving)
            return (null, new AssessmentFailure(AssessmentFailureKind.UnknownRuleSet,
                "No high-cost rule set serves that insurer: name a city by its id or 全国地方公共団体コード (e.g. \"amagasaki\", \"282022\").",
                [new FieldError("insurer", "no rule set serves this insurer")]));
        var year = Calendar.FiscalYear.Of(careMonth.OnDayOfMonth(1)).Year;
        var (rs, refusal) = Catalog.Resolve<HighCostRuleSet>(serving, year, version, asOf, trial);
        if (refusal is null) return (rs, null);
        var field = refusal.Field switch { "insurer" => "insurer", "fiscalYear" => "careMonth", _ => refusal.Field };
        return (null, AssessmentFailure.From(refusal with { Field = field }));
    }

    /// <summary>The inputs of the benefit, every field checked; null (or errors added) when invalid.</summary>
    private static BenefitInputs? Read(HighCostRuleSet rs, HighCostBenefitRequest request, YearMonth careMonth, List<FieldError> errors, Trace? trace)
    {
        if (rs.Under70TableFor(careMonth) is null || rs.Age70TableFor(careMonth) is null)
        {
            errors.Add(new FieldError("careMonth", "is before the first limit table of the rule set"));
            return null;
        }
        var household = SnapshotReader.Read(request.Household, "household", errors);
        var claims = ReadClaims(request.Claims, errors);
        var history = ReadHistory(rs, request.Insurer!, request.History, careMonth, errors);
        if (household is null || claims is null) return null;

        var members = Members(rs, household, careMonth, trace);
        var known = members.ToDictionary(m => m.Id, StringComparer.Ordinal);
        for (var i = 0; i < claims.Count; i++)
        {
            if (!known.ContainsKey(claims[i].MemberId))
                errors.Add(new FieldError($"claims[{i}].memberId",
                    household.Members.Any(m => m.Id == claims[i].MemberId)
                        ? "is a member not insured by NHI in the care month (no coverage that month, or 75 or older: 後期高齢者医療)"
                        : "is not a member of the household"));
        }
        if (errors.Count > 0) return null;
        var (under70, age70) = HighCostCategories.Decide(rs, request.Household!, household, members, request.Category, careMonth, errors, trace);
        if (errors.Count > 0) return null;
        return new BenefitInputs(careMonth, members, under70, age70, claims, history, request.InPrefectureMove ?? false);
    }

    /// <summary>
    /// The members insured in the care month (covered on any day of it), each with the table of their age (70–74 from the month
    /// after the 70th birthday, from that month when born on the 1st) and whether the month is their 75th-birthday month (not
    /// when born on the 1st, who leave NHI on the 1st); a member 75 or older is not insured.
    /// </summary>
    public static List<BenefitMember> Members(HighCostRuleSet rs, HouseholdSnapshot household, YearMonth careMonth, Trace? trace)
    {
        var ages = rs.Parameters.Ages;
        var first = careMonth.OnDayOfMonth(1);
        var last = careMonth.OnDayOfMonth(careMonth.Calendar.GetDaysInMonth(careMonth.Year, careMonth.Month));
        var list = new List<BenefitMember>();
        foreach (var m in household.Members)
        {
            var covered = m.Coverage.Any(c => c.Acquired <= last && (c.Lost is null || c.Lost.Value > first));
            var b75 = m.BirthDate.PlusYears(ages.LateElderly);
            var m75 = new YearMonth(b75.Year, b75.Month);
            var late = careMonth > m75 || (careMonth == m75 && m.BirthDate.Day == 1);
            if (!covered || late) continue;
            var b70 = m.BirthDate.PlusYears(ages.Elderly);
            var from70 = m.BirthDate.Day == 1 ? new YearMonth(b70.Year, b70.Month) : new YearMonth(b70.Year, b70.Month).PlusMonths(1);
            var band = careMonth >= from70 ? AgeBand.Age70To74 : AgeBand.Under70;
            var lateMonth = careMonth == m75;
            list.Add(new BenefitMember(m.Id, band, lateMonth));
            trace?.Add("fact", m.Id, null, "ageBand",
                $"{m.Id}: {(band == AgeBand.Age70To74 ? "70〜74歳の表" : "70歳未満の表")}{(lateMonth ? "、75歳到達月 (限度額は2分の1)" : "")}",
                value: band == AgeBand.Age70To74 ? "age70To74" : "under70",
                parameters: TraceParameter.Of(rs.ParameterTable, "ages.elderly", "ages.lateElderly"));
        }
        return list;
    }

    private static List<Claim>? ReadClaims(IReadOnlyList<ClaimJson?>? claims, List<FieldError> errors)
    {
        if (claims is null)
        {
            errors.Add(new FieldError("claims", "is required (an array of the month's claims; may be empty)"));
            return null;
        }
        if (claims.Count > MaxClaims)
        {
            errors.Add(new FieldError("claims", $"at most {MaxClaims} claims are accepted"));
            return null;
        }
        var read = new List<Claim>(claims.Count);
        for (var i = 0; i < claims.Count; i++)
        {
            var path = $"claims[{i}]";
            if (claims[i] is not { } c)
            {
                errors.Add(new FieldError(path, "is required (a claim object)"));
                continue;
            }
            var before = errors.Count;
            var member = SnapshotReader.ReadId(c.MemberId, path, "memberId", errors);
            var institution = SnapshotReader.ReadId(c.Institution, path, "institution", errors);
            CareSetting? setting = c.Setting switch { "inpatient" => CareSetting.Inpatient, "outpatient" => CareSetting.Outpatient, _ => null };
            if (setting is null) errors.Add(new FieldError($"{path}.setting", c.Setting is null ? "is required (\"inpatient\" or \"outpatient\")" : "must be \"inpatient\" or \"outpatient\""));
            var lazy = LazyPath.Root(path);
            var cost = SnapshotFields.Amount(c.TotalCost, lazy, "totalCost", "is required: the 10割 cost of the claim (yen)", errors);
            var copay = SnapshotFields.Amount(c.Copay, lazy, "copay", "is required: the co-payment of the claim (yen)", errors);
            if (errors.Count == before && copay > cost) errors.Add(new FieldError($"{path}.copay", "must not exceed totalCost (the co-payment is a share of the 10割 cost)"));
            if (errors.Count == before) read.Add(new Claim(member!, setting!.Value, c.Dental ?? false, institution!, cost, copay));
        }
        return read;
    }

    private static List<BenefitMonth> ReadHistory(HighCostRuleSet rs, string insurer, IReadOnlyList<BenefitMonthJson?>? history, YearMonth careMonth, List<FieldError> errors)
    {
        var read = new List<BenefitMonth>();
        if (history is null) return read;
        if (history.Count > MaxHistory)
        {
            errors.Add(new FieldError("history", $"at most {MaxHistory} months are accepted"));
            return read;
        }
        var own = Municipality(rs, insurer);
        var months = new HashSet<YearMonth>();
        for (var i = 0; i < history.Count; i++)
        {
            var path = $"history[{i}]";
            if (history[i] is not { } h)
            {
                errors.Add(new FieldError(path, "is required (a month object)"));
                continue;
            }
            var before = errors.Count;
            if (h.CareMonth is not { } month) errors.Add(new FieldError($"{path}.careMonth", "is required (e.g. \"2025-09\")"));
            else if (month >= careMonth) errors.Add(new FieldError($"{path}.careMonth", "must be before careMonth"));
            else if (!months.Add(month)) errors.Add(new FieldError($"{path}.careMonth", "is the month of an earlier entry: give each month once"));
            var paid = SnapshotFields.Amount(h.BenefitPaid, LazyPath.Root(path), "benefitPaid", "is required: the benefit paid or applied at the window that month (yen; 0 for none)", errors);
            string? other = null;
            if (h.Insurer is { } named)
            {
                var m = Municipality(rs, named);
                if (m is null) errors.Add(new FieldError($"{path}.insurer", "is not a municipality of the rule set's prefecture (a month from another prefecture is not carried over)"));
                else if (m != own) other = m.Id;
            }
            if (errors.Count == before) read.Add(new BenefitMonth(h.CareMonth!.Value, paid, h.OutpatientOnly ?? false, other));
        }
        return read;
    }

    /// <summary>The municipality of the rule set's prefecture with this id or 全国地方公共団体コード; null when there is none.</summary>
    public static Municipality? Municipality(HighCostRuleSet rs, string idOrCode) =>
        rs.Parameters.Continuity.Municipalities.FirstOrDefault(m => m.Id == idOrCode || m.LocalGovernmentCode == idOrCode);
}
