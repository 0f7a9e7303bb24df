using System.ComponentModel.DataAnnotations;
using System.Text.Json.Serialization;
using KokuhoRules.Engine.Tracing;
using KokuhoRules.Rules.Calendar;
using KokuhoRules.Rules.Snapshots;
using NodaTime;

namespace KokuhoRules.Rules.Premium;

// The contract of POST /v1/premium/reassessments (更正): the request, the previous assessment it carries, and the answer.

/// <summary>
/// A change to a household, to be reflected in its premium (更正): the household as it now is, for
/// every fiscal year the change reaches, with what was assessed and billed before
/// (the body of <c>POST /v1/premium/reassessments</c>).
/// </summary>
public sealed record ReassessmentRequest
{
    /// <summary>Insurer id, e.g. <c>amagasaki</c>.</summary>
    [Required]
    public string? Insurer { get; init; }

    /// <summary>What changed and from when.</summary>
    [Required]
    public ChangeJson? Change { get; init; }

    /// <summary>The day the recalculation is made (処理日): installments due on or before it are not altered. Default: today in Japan.</summary>
    public LocalDate? AsOf { get; init; }

    /// <summary>
    /// Every fiscal year the change affects, each assessed under its own rule set: the year of the
    /// effective date, and each later year up to that of <c>asOf</c> that the change reaches (a
    /// change of membership reaches them all; a corrected income only the year it is the prior-year income of).
    /// </summary>
    [Required]
    public IReadOnlyList<ReassessmentYearJson?>? Years { get; init; }

    /// <summary>True for a trial (試算), the only way to use a draft rule set.</summary>
    public bool? Trial { get; init; }
}

/// <summary>The change: from when it takes effect, in words, and whether the 110条の2第2項 exception applies.</summary>
public sealed record ChangeJson
{
    /// <summary>The day the change takes effect (異動日), e.g. a 資格取得日 or the day after a death.</summary>
    [Required]
    public LocalDate? EffectiveDate { get; init; }

    /// <summary>A short description for the trace (no personal data): e.g. "P3 加入", "所得更正".</summary>
    public string? Description { get; init; }

    /// <summary>
    /// The change reduces the premium for a reason the insured is not responsible for (e.g. retroactive
    /// enrolment in employees' insurance by the employer): 国保法110条の2第2項 lets it be made after the
    /// ordinary time limit.
    /// </summary>
    public bool? ReductionNotCausedByInsured { get; init; }
}

/// <summary>One fiscal year of a reassessment: the household for that year and what was assessed before.</summary>
public sealed record ReassessmentYearJson
{
    [Required]
    public int? FiscalYear { get; init; }

    /// <summary>The household as it now is for that year (that year's prior-year incomes).</summary>
    [Required]
    public HouseholdJson? Household { get; init; }

    /// <summary>The assessment as previously returned (its other fields are ignored); null if none was made.</summary>
    public PreviousAssessmentJson? Previous { get; init; }
}

/// <summary>
/// The previous assessment. The whole response of an earlier assessment or reassessment year may be
/// sent as it is; only these fields are read.
/// </summary>
[JsonUnmappedMemberHandling(JsonUnmappedMemberHandling.Skip)]
public sealed record PreviousAssessmentJson
{
    [Required]
    public long? AnnualPremium { get; init; }

    /// <summary>The installments as billed (required): amounts already due are never altered.</summary>
    [Required]
    public IReadOnlyList<PreviousInstallmentJson?>? Installments { get; init; }

    public IReadOnlyList<PreviousComponentJson?>? Components { get; init; }

    public IReadOnlyList<PreviousMemberJson?>? Members { get; init; }

    public string? ReductionClass { get; init; }

    public PreviousRuleSetJson? Ruleset { get; init; }

    /// <summary>An extra bill or refund settled outside the installments, if the previous assessment had one.</summary>
    public PreviousSettlementJson? Settlement { get; init; }
}

[JsonUnmappedMemberHandling(JsonUnmappedMemberHandling.Skip)]
public sealed record PreviousSettlementJson
{
    [Required]
    public SettlementKind? Kind { get; init; }
    public long? Amount { get; init; }
}

[JsonUnmappedMemberHandling(JsonUnmappedMemberHandling.Skip)]
public sealed record PreviousInstallmentJson
{
    [Required]
    public int? Number { get; init; }
    [Required]
    public LocalDate? DueDate { get; init; }
    [Required]
    public long? Amount { get; init; }
}

[JsonUnmappedMemberHandling(JsonUnmappedMemberHandling.Skip)]
public sealed record PreviousComponentJson
{
    public string? Name { get; init; }
    public long? Amount { get; init; }
}

[JsonUnmappedMemberHandling(JsonUnmappedMemberHandling.Skip)]
public sealed record PreviousMemberJson
{
    [Required]
    public string? Id { get; init; }
    public int? InsuredMonths { get; init; }
    public IReadOnlyDictionary<string, int>? ComponentMonths { get; init; }
    public long? AssessableIncome { get; init; }
    public bool? IncomeDeclared { get; init; }
}

[JsonUnmappedMemberHandling(JsonUnmappedMemberHandling.Skip)]
public sealed record PreviousRuleSetJson
{
    public string? Version { get; init; }
    public string? Hash { get; init; }
}


/// <summary>A component before and after.</summary>
public sealed record ComponentChange(string Name, string Label, long? PreviousAmount, long Amount, long? Difference);

/// <summary>How an installment is affected.</summary>
[JsonConverter(typeof(JsonStringEnumConverter<InstallmentStatus>))]
public enum InstallmentStatus
{
    /// <summary>Already due on the processing day: left as billed.</summary>
    Due,
    /// <summary>Not yet due: carries the new amount.</summary>
    Remaining,
}

/// <summary>An installment before and after.</summary>
public sealed record InstallmentChange(int Number, LocalDate DueDate, long PreviousAmount, long Amount, InstallmentStatus Status);

/// <summary>The reassessment of one fiscal year.</summary>
/// <param name="Kind"><c>currentYear</c>, or <c>pastYear</c> (過年度) when the year ended before the processing day.</param>
/// <param name="Applied">False when the change could not be made (time-barred): the previous premium stands.</param>
/// <param name="Assessment">The new assessment of the year under that year's rule set (informative when not applied).</param>
/// <param name="Trace">The steps of the reassessment: what changed, from which month, and its effect.</param>
public sealed record YearReassessment(
    int FiscalYear,
    string Kind,
    bool Applied,
    long PreviousAnnualPremium,
    long AnnualPremium,
    long Difference,
    TimeLimit TimeLimit,
    IReadOnlyList<ComponentChange> Components,
    IReadOnlyList<InstallmentChange> Installments,
    Settlement Settlement,
    AssessmentResponse Assessment,
    IReadOnlyList<TraceStep>? Trace);

/// <summary>The answer to a <see cref="ReassessmentRequest"/>: each fiscal year the change reaches, separately.</summary>
public sealed record ReassessmentResponse(string Insurer, LocalDate AsOf, LocalDate EffectiveDate, bool Trial, IReadOnlyList<YearReassessment> Years);
