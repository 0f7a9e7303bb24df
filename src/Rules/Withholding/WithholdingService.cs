using KokuhoRules.Engine.RuleSets;
using KokuhoRules.Engine.Tracing;
using KokuhoRules.Rules.Premium;
using KokuhoRules.Rules.Snapshots;

namespace KokuhoRules.Rules.Withholding;

/// <summary>
/// The one way a withholding determination is handled, by the API and the batch alike: check the request, find the
/// withholding and premium rule sets of the insurer and year, read the household and the head's pension, take the
/// annual premium given or assess it, and determine.
/// </summary>
public sealed class WithholdingService(RuleSetCatalog catalog)
{
    public RuleSetCatalog Catalog { get; } = catalog;

    /// <summary>Determines; exactly one of the response and the failure is non-null.</summary>
    public (WithholdingDeterminationResponse? Response, AssessmentFailure? Failure) Determine(WithholdingDeterminationRequest? request, bool trace)
    {
        var (call, failure) = Prepare(request);
        if (failure is not null) return (null, failure);
        var t = trace ? new Trace() : null;
        var (inputs, assessed) = call!.Inputs(t);
        var result = WithholdingDetermination.Determine(call.RuleSet, call.Premium, inputs, t);
        return (ToResponse(call, result, assessed, t), null);
    }

    /// <summary>A household's withholding fields, checked (<see cref="ReadFields"/>).</summary>
    /// <param name="HeadPension">The head's pension, or null when the head has none.</param>
    /// <param name="StartMonth">The start month asked for; null: the default (<see cref="WithholdingSchedule.DefaultStartMonth"/>).</param>
    public sealed record HouseholdWithholding(PensionFacts? HeadPension, PreviousYear Previous, bool DirectDebit, int? StartMonth);

    /// <summary>A checked request: its rule sets and what it says of the household, ready to determine.</summary>
    public sealed record Call(WithholdingRuleSet RuleSet, PremiumRuleSet Premium, HouseholdSnapshot Household, PensionFacts? HeadPension,
        PreviousYear Previous, bool DirectDebit, long? AnnualPremium, int? StartMonth, NodaTime.LocalDate ReferenceDate, bool Trial)
    {
        /// <summary>The inputs of the determination: the annual premium as given, or assessed now (its steps added to the trace).</summary>
        public (WithholdingInputs Inputs, bool Assessed) Inputs(Trace? trace)
        {
            var assessed = AnnualPremium is null;
            var annual = AnnualPremium ?? Assess(trace);
            return (new WithholdingInputs(Household, HeadPension, Previous, DirectDebit, annual, StartMonth, ReferenceDate), assessed);
        }

        private long Assess(Trace? trace)
        {
            trace?.Add("note", "household", null, "annualPremiumAssessed",
                $"年間保険料の指定がないため、保険料の規則 {Premium.Stamp.Version} (hash {Premium.Stamp.Hash}) で計算します。");
            return PremiumCalculator.Assess(Premium, Household, trace).AnnualPremium;
        }
    }

    /// <summary>Checks a request and finds its rule sets: a call ready to determine, or the failure naming every field at fault.</summary>
    public (Call? Call, AssessmentFailure? Failure) Prepare(WithholdingDeterminationRequest? request)
    {
        if (request is null) return (null, AssessmentFailure.EmptyBody);
        var errors = new List<FieldError>();
        AssessmentFailure.CheckCallFields(request.Insurer, request.FiscalYear, request.AsOf, request.RulesetVersion, errors);
        var annual = SnapshotFields.OptionalAmount(request.AnnualPremium, "annualPremium", errors);
        if (errors.Count > 0) return (null, AssessmentFailure.Invalid(errors));

        var trial = request.Trial ?? false;
        var (rs, refusal) = Catalog.Resolve<WithholdingRuleSet>(request.Insurer!, request.FiscalYear!.Value, request.RulesetVersion, request.AsOf, trial);
        if (refusal is not null) return (null, AssessmentFailure.From(refusal));
        var (premium, premiumRefusal) = Catalog.Resolve<PremiumRuleSet>(request.Insurer!, request.FiscalYear!.Value, null, request.AsOf, trial);
        if (premiumRefusal is not null) return (null, AssessmentFailure.From(premiumRefusal with { Field = "insurer" }));

        var household = SnapshotReader.Read(request.Household, "household", errors);
        if (request.Household?.Withholding is not null)
            errors.Add(new FieldError("household.withholding",
                "is read only from a batch's household lines: in a request, give previousYear, directDebitRequested and startMonth as the request's top-level fields"));
        var fields = ReadFields(rs!.Parameters, request.Household,
            new WithholdingHouseholdJson { PreviousYear = request.PreviousYear, DirectDebitRequested = request.DirectDebitRequested, StartMonth = request.StartMonth },
            at: null, errors);
        if (household is null || errors.Count > 0) return (null, AssessmentFailure.Invalid(errors));

        var referenceDate = request.AsOf ?? new Calendar.FiscalYear(rs!.FiscalYear).Start;
        return (new Call(rs!, premium!, household, fields.HeadPension, fields.Previous, fields.DirectDebit, annual, fields.StartMonth, referenceDate, trial), null);
    }

    /// <summary>
    /// The one reader of a household's withholding fields, for the API and the batch alike: the head's pension (and a
    /// check of every member's), the previous year, direct debit and the start month (one of the rule set's, agreeing
    /// with the previous year). <paramref name="at"/> is where the fields are: null for the top level of a request
    /// (<c>previousYear</c>, <c>startMonth</c>), <c>household.withholding</c> for a batch line. Each problem is added to
    /// <paramref name="errors"/> naming its field, never repeating its value.
    /// </summary>
    public static HouseholdWithholding ReadFields(WithholdingParameters p, HouseholdJson? household, WithholdingHouseholdJson? fields, string? at, List<FieldError> errors)
    {
        var previous = ReadPreviousYear(fields?.PreviousYear, at is null ? LazyPath.Root("previousYear") : new LazyPath(at, "previousYear"), errors);
        var pension = ReadHeadPension(household, errors);
        if (fields?.StartMonth is { } start && WithholdingSchedule.StartMonthProblem(p, start, previous) is { } problem)
            errors.Add(new FieldError(at is null ? "startMonth" : at + ".startMonth", problem));
        return new HouseholdWithholding(pension, previous, fields?.DirectDebitRequested ?? false, fields?.StartMonth);
    }

    /// <summary>The answer for a determination.</summary>
    public static WithholdingDeterminationResponse ToResponse(Call call, WithholdingDeterminationResult result, bool assessed, Trace? trace)
    {
        var s = result.Schedule;
        return new WithholdingDeterminationResponse(result.Eligible, result.Eligibility.Conditions, s.StartMonth, s.AnnualPremium, assessed,
            s.Entries, s.ProvisionalTotal, s.DefinitiveTotal, s.OrdinaryTotal, s.Overpaid, call.RuleSet.Stamp, call.Premium.Stamp,
            call.RuleSet.UnconfirmedParameters, call.Trial, trace?.Steps);
    }

    /// <summary>The previous year: absent means not withheld last year, previous premium unknown (0).</summary>
    private static PreviousYear ReadPreviousYear(PreviousYearJson? json, LazyPath path, List<FieldError> errors)
    {
        if (json is null) return new PreviousYear(0, null);
        var annual = SnapshotFields.Amount(json.AnnualPremium, path, "annualPremium", "is required: the previous fiscal year's annual premium (yen)", errors);
        long? february = json.FebruaryWithheld is null ? null : SnapshotFields.Amount(json.FebruaryWithheld, path, "februaryWithheld", null, errors);
        return new PreviousYear(annual, february);
    }

    /// <summary>
    /// The head's pension, and a check of every member's: only a member with NHI coverage may carry one (a pension on a
    /// member who is not insured cannot be withheld from for this premium), amounts in range, the 介護保険料 per payment
    /// given when it is withheld.
    /// </summary>
    private static PensionFacts? ReadHeadPension(HouseholdJson? household, List<FieldError> errors)
    {
        PensionFacts? head = null;
        var members = household?.Members;
        if (members is null) return null;
        for (var i = 0; i < members.Count; i++)
        {
            var json = members[i]?.Pension;
            if (json is null) continue;
            var path = new LazyPath(new LazyPath("household", i), "pension");
            if (members[i]!.Coverage is not { Count: > 0 })
            {
                errors.Add(new FieldError(path, "is given for a member with no NHI coverage: only an insured member's pension can be withheld from (a 擬制世帯主 pays by 普通徴収)"));
                continue;
            }
            var annual = SnapshotFields.Amount(json.AnnualAmount, path, "annualAmount", "is required: the pension's annual amount (yen)", errors);
            if (json.CareInsuranceWithheld is null) errors.Add(new FieldError(path + ".careInsuranceWithheld", "is required: whether the member's 介護保険料 is withheld from this pension"));
            var withheld = json.CareInsuranceWithheld ?? false;
            var care = SnapshotFields.Amount(json.CarePremiumPerPayment, path, "carePremiumPerPayment",
                withheld ? "is required when careInsuranceWithheld is true: the 介護保険料 withheld per payment (yen)" : null, errors);
            if (members[i]!.Id is { } id && id == household!.HeadId)
                head = new PensionFacts(annual, withheld, care, json.Suspended ?? false, json.Pledged ?? false);
        }
        return head;
    }
}
