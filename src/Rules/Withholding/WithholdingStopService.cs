using KokuhoRules.Engine.Tracing;
using KokuhoRules.Rules.Premium;
using KokuhoRules.Rules.Snapshots;

namespace KokuhoRules.Rules.Withholding;

/// <summary>
/// The one way a stop is handled: the determination request checked and determined by <see cref="WithholdingService"/>
/// (its fields named under <c>determination.</c>), the change checked, and <see cref="WithholdingStops.Stop"/>.
/// </summary>
public sealed class WithholdingStopService(WithholdingService withholding)
{
    /// <summary>Stops; exactly one of the response and the failure is non-null.</summary>
    public (WithholdingStopResponse? Response, AssessmentFailure? Failure) Stop(WithholdingStopRequest? request, bool trace)
    {
        if (request is null) return (null, AssessmentFailure.EmptyBody);
        var errors = new List<FieldError>();
        var change = ReadChange(request.Change, errors);
        WithholdingService.Call? call = null;
        if (request.Determination is null)
            errors.Add(new FieldError("determination", "is required: the household's determination request (insurer, fiscalYear, household, …)"));
        else
        {
            var (prepared, failure) = withholding.Prepare(request.Determination);
            if (failure is { Kind: not AssessmentFailureKind.InvalidRequest }) return (null, Under(failure));
            if (failure is not null) errors.AddRange(Under(failure).Errors);
            call = prepared;
        }
        if (errors.Count > 0 || call is null || change is null) return (null, AssessmentFailure.Invalid(errors));

        var t = trace ? new Trace() : null;
        var (inputs, _) = call.Inputs(t);
        var determination = WithholdingDetermination.Determine(call.RuleSet, call.Premium, inputs, t);
        var problems = WithholdingStops.Problems(call.RuleSet, inputs, determination, change);
        if (problems.Count > 0) return (null, AssessmentFailure.Invalid(problems));

        // The household's liable months bound the installments still to come, as in a reassessment.
        var liability = PremiumCalculator.Assess(call.Premium, call.Household, null);
        var r = WithholdingStops.Stop(call.RuleSet, call.Premium, inputs, determination, liability, change, t);
        return (new WithholdingStopResponse(WithholdingStops.NameOf(change.Kind), r.StopMonth, r.Route, r.Withheld, r.WithheldTotal,
            r.PreviousAnnualPremium, r.AnnualPremium, r.Schedule, r.OrdinaryTotal, r.Installments, r.InstallmentsDueAfter, r.Settlement,
            r.FailingConditions, call.RuleSet.Stamp, call.Premium.Stamp, call.RuleSet.UnconfirmedParameters, call.Trial, t?.Steps), null);
    }

    /// <summary>The change: a known kind, a date, amounts in range (the rest is checked against the determination).</summary>
    private static StopChange? ReadChange(StopChangeJson? json, List<FieldError> errors)
    {
        if (json is null)
        {
            errors.Add(new FieldError("change", "is required: { \"kind\", \"date\", \"annualPremium\"? }"));
            return null;
        }
        var before = errors.Count;
        StopKind kind = default;
        if (json.Kind is null) errors.Add(new FieldError("change.kind", $"is required: one of {string.Join(", ", WithholdingStops.Kinds.Keys)}"));
        else if (!WithholdingStops.Kinds.TryGetValue(json.Kind, out kind))
            errors.Add(new FieldError("change.kind", $"is not a kind of stop: one of {string.Join(", ", WithholdingStops.Kinds.Keys)}"));
        if (json.Date is { } date) SnapshotReader.DateInRange(date, "change.date", errors);
        else errors.Add(new FieldError("change.date", "is required: the day of the change (for a request, the day it is made)"));
        var annual = SnapshotFields.OptionalAmount(json.AnnualPremium, "change.annualPremium", errors);
        var care = SnapshotFields.OptionalAmount(json.CarePremiumPerPayment, "change.carePremiumPerPayment", errors);
        return errors.Count > before ? null : new StopChange(kind, json.Date!.Value, annual, care);
    }

    /// <summary>A failure of the determination request with its fields named under <c>determination</c>.</summary>
    private static AssessmentFailure Under(AssessmentFailure failure)
    {
        var errors = failure.Errors.Select(e => e with { Field = e.Field == "$" ? "determination" : "determination." + e.Field }).ToArray();
        return failure.Kind == AssessmentFailureKind.InvalidRequest ? AssessmentFailure.Invalid(errors) : failure with { Errors = errors };
    }
}
