using System.ComponentModel.DataAnnotations;
using KokuhoRules.Engine.RuleSets;
using KokuhoRules.Engine.Tracing;
using KokuhoRules.Rules.Catalog;
using KokuhoRules.Rules.Snapshots;
using NodaTime;

namespace KokuhoRules.Rules.Premium;

/// <summary>A request for a household's annual premium (the body of <c>POST /v1/premium/assessments</c>, one line of a batch).</summary>
public sealed record AssessmentRequest
{
    /// <summary>Insurer id, e.g. <c>amagasaki</c>.</summary>
    [Required]
    public string? Insurer { get; init; }

    /// <summary>The fiscal year (年度) by its starting year, e.g. 2025.</summary>
    [Required]
    public int? FiscalYear { get; init; }

    /// <summary>The household as the core system sees it for that year.</summary>
    [Required]
    public HouseholdJson? Household { get; init; }

    /// <summary>True for a trial calculation (試算), the only way to use a draft rule set.</summary>
    public bool? Trial { get; init; }

    /// <summary>
    /// The rule-set version to use (e.g. 2025.1); absent: the published version in force on asOf
    /// (default today), or for a trial the newest version. A draft version only with trial.
    /// </summary>
    public string? RulesetVersion { get; init; }

    /// <summary>
    /// The day the assessment is made (賦課決定日): the premium is spread over the installments due after
    /// it. Absent: the whole schedule of the year (the annual assessment, 本算定).
    /// </summary>
    public LocalDate? AsOf { get; init; }
}

/// <summary>The answer to an <see cref="AssessmentRequest"/> (the contract with the core system).</summary>
/// <param name="AnnualPremium">年間保険料 (yen).</param>
/// <param name="Components">One entry per component (医療分, 支援金分, 介護分, …).</param>
/// <param name="ReductionClass">法定軽減: 7割 | 5割 | 2割 | none.</param>
/// <param name="UndeclaredIncomeMembers">Members whose undeclared income (未申告) prevents a reduction.</param>
/// <param name="Ruleset">The rule set used (insurer, fiscal year, version, hash).</param>
/// <param name="UnconfirmedParameters">Parameters of the rule set that no source confirms yet: the result depends on assumptions listed here.</param>
/// <param name="Trial">True when this is a trial calculation (試算), not an assessment.</param>
/// <param name="Installments">The annual premium spread over the installments (期割) still to fall due.</param>
/// <param name="Settlement">What cannot be spread because no installment is left (an extra bill).</param>
/// <param name="Trace">Every step, in order, with parameters, references and rules; null when not asked for.</param>
public sealed record AssessmentResponse(
    long AnnualPremium,
    IReadOnlyList<ComponentAssessment> Components,
    string ReductionClass,
    LocalDate? JudgementDate,
    IReadOnlyList<string> UndeclaredIncomeMembers,
    IReadOnlyList<MemberAssessment> Members,
    RuleSetStamp Ruleset,
    IReadOnlyList<string> UnconfirmedParameters,
    bool Trial,
    IReadOnlyList<InstallmentBill> Installments,
    Settlement Settlement,
    IReadOnlyList<TraceStep>? Trace);

/// <summary>Why a request could not be assessed.</summary>
public enum AssessmentFailureKind
{
    /// <summary>The request or the household is invalid (see the field errors).</summary>
    InvalidRequest,
    /// <summary>No rule set for that insurer and fiscal year.</summary>
    UnknownRuleSet,
    /// <summary>The rule set is a draft and the request is not a trial.</summary>
    DraftRuleSet,
    /// <summary>The rule set was refused when the rule sets were loaded: the operator's matter, not the caller's.</summary>
    RefusedRuleSet,
}

/// <summary>A refusal of any calculation request (premium, withholding, …): its kind, a sentence saying why, and the fields at fault.</summary>
public sealed record AssessmentFailure(AssessmentFailureKind Kind, string Detail, IReadOnlyList<FieldError> Errors)
{
    /// <summary>The refusal of a request with no body.</summary>
    public static AssessmentFailure EmptyBody { get; } = new(AssessmentFailureKind.InvalidRequest, "The request body is empty.", [new FieldError("$", "is required")]);

    /// <summary>The refusal of a request whose fields are invalid: one sentence for one field, a count for several.</summary>
    public static AssessmentFailure Invalid(IReadOnlyList<FieldError> errors) =>
        new(AssessmentFailureKind.InvalidRequest, errors.Count == 1 ? $"'{errors[0].Field}' {errors[0].Message}." : $"{errors.Count} fields are invalid.", errors);

    /// <summary>The refusal for a rule set the catalog would not give.</summary>
    public static AssessmentFailure From(RuleSetRefusal refusal) => new(refusal.Kind switch
    {
        RuleSetRefusalKind.RefusedAtStartUp => AssessmentFailureKind.RefusedRuleSet,
        RuleSetRefusalKind.Draft => AssessmentFailureKind.DraftRuleSet,
        _ => AssessmentFailureKind.UnknownRuleSet,
    }, refusal.Detail, [new FieldError(refusal.Field, refusal.FieldMessage)]);

    /// <summary>
    /// The checks of the fields every calculation request shares: <c>insurer</c> and <c>fiscalYear</c> required,
    /// <c>asOf</c> in the accepted years, <c>rulesetVersion</c> shaped as a version.
    /// </summary>
    public static void CheckCallFields(string? insurer, int? fiscalYear, LocalDate? asOf, string? rulesetVersion, List<FieldError> errors)
    {
        if (string.IsNullOrWhiteSpace(insurer)) errors.Add(new FieldError("insurer", "is required (e.g. \"amagasaki\")"));
        if (fiscalYear is null) errors.Add(new FieldError("fiscalYear", "is required (e.g. 2025)"));
        if (asOf is { } date) SnapshotReader.DateInRange(date, "asOf", errors);
        if (rulesetVersion is { } v && (v.Length is 0 or > 40 || !v.All(c => char.IsAsciiLetterOrDigit(c) || c is '.' or '-')))
            errors.Add(new FieldError("rulesetVersion", "must be a version such as \"2025.1\" (letters, digits, '.' and '-')"));
    }
}

/// <summary>
/// The one way a premium request is handled, by the API and by the batch alike: check the request,
/// find the rule set, refuse a draft unless it is a trial, read the household, assess.
/// </summary>
public sealed class PremiumService(RuleSetCatalog catalog)
{
    public RuleSetCatalog Catalog { get; } = catalog;

    /// <summary>Assesses a request; exactly one of the result and the failure is non-null.</summary>
    public (AssessmentResponse? Response, AssessmentFailure? Failure) Assess(AssessmentRequest? request, bool trace)
    {
        var (rs, assessment, failure) = Evaluate(request, trace);
        return failure is not null ? (null, failure) : (ToResponse(rs!, assessment!, request!.Trial ?? false, request.AsOf), null);
    }

    /// <summary>The response for an assessment: the rule set's stamp, and the premium spread over the installments due after <paramref name="asOf"/>.</summary>
    public AssessmentResponse ToResponse(PremiumRuleSet rs, PremiumAssessment assessment, bool trial, LocalDate? asOf)
    {
        var slots = InstallmentSchedule.OpenSlots(rs, assessment, asOf);
        var installments = InstallmentSchedule.Spread(assessment.AnnualPremium, slots, rs.Parameters.Installments);
        var settlement = slots.Count == 0 && assessment.AnnualPremium > 0 ? new Settlement(SettlementKind.AdditionalBill, assessment.AnnualPremium) : Settlement.None;
        return new AssessmentResponse(assessment.AnnualPremium, assessment.Components, assessment.ReductionClass, assessment.JudgementDate,
            assessment.UndeclaredIncomeMembers, assessment.Members, rs.Stamp, rs.UnconfirmedParameters, trial, installments, settlement, assessment.Trace);
    }

    /// <summary>Checks a request, finds its rule set and assesses the household.</summary>
    public (PremiumRuleSet? RuleSet, PremiumAssessment? Assessment, AssessmentFailure? Failure) Evaluate(AssessmentRequest? request, bool trace)
    {
        var errors = new List<FieldError>();
        if (request is null) return (null, null, AssessmentFailure.EmptyBody);
        AssessmentFailure.CheckCallFields(request.Insurer, request.FiscalYear, request.AsOf, request.RulesetVersion, errors);
        if (errors.Count > 0) return (null, null, AssessmentFailure.Invalid(errors));

        var (rs, refusal) = Catalog.Resolve<PremiumRuleSet>(request.Insurer!, request.FiscalYear!.Value, request.RulesetVersion, request.AsOf, request.Trial ?? false);
        if (refusal is not null) return (null, null, AssessmentFailure.From(refusal));

        var household = SnapshotReader.Read(request.Household, "household", errors);
        if (household is null) return (null, null, AssessmentFailure.Invalid(errors));

        var t = trace ? new Trace() : null;
        return (rs, PremiumCalculator.Assess(rs!, household, t), null);
    }
}
