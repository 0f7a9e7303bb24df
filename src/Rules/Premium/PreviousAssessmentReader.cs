using System.Globalization;
using KokuhoRules.Engine.RuleSets;
using KokuhoRules.Rules.Snapshots;

namespace KokuhoRules.Rules.Premium;

/// <summary>A previous assessment, checked (every amount between 0 and <see cref="SnapshotReader.MaxYen"/>; the installments and the settlement add up to the annual premium).</summary>
/// <param name="Settled">Yen settled outside the installments before (an extra bill positive, a refund negative).</param>
internal sealed record PreviousAssessment(long AnnualPremium, IReadOnlyList<InstallmentBill> Installments, long Settled,
    IReadOnlyList<PreviousComponentJson>? Components, IReadOnlyList<PreviousMember>? Members, string? ReductionClass, PreviousRuleSetJson? Ruleset);

/// <summary>A member as the previous assessment shows them (its id checked like a household's: never a personal number).</summary>
internal sealed record PreviousMember(string Id, int? InsuredMonths, IReadOnlyDictionary<string, int>? ComponentMonths, long? AssessableIncome, bool? IncomeDeclared);

/// <summary>
/// Reads the <c>previous</c> of a reassessment year (<see cref="PreviousAssessmentJson"/>): adds a field error under
/// its path for every invalid value and returns null then (and when no previous assessment was given).
/// </summary>
internal static class PreviousAssessmentReader
{
    public static PreviousAssessment? Read(PreviousAssessmentJson? json, string path, List<FieldError> errors)
    {
        if (json is null) return null;
        var before = errors.Count;
        if (json.AnnualPremium is not { } annual || annual < 0) errors.Add(new FieldError(path + ".annualPremium", "is required and cannot be negative"));
        else if (annual > SnapshotReader.MaxYen) errors.Add(new FieldError(path + ".annualPremium", TooLarge));
        if (json.Installments is null) errors.Add(new FieldError(path + ".installments", "is required: the installments as billed"));
        var bills = new List<InstallmentBill>();
        var placeOfNumber = new Dictionary<int, int>();
        for (var i = 0; i < (json.Installments?.Count ?? 0); i++)
        {
            var b = json.Installments![i];
            var at = $"{path}.installments[{i}]";
            if (b?.Number is not { } number || number < 1) errors.Add(new FieldError(at + ".number", "is required (1 for 第1期)"));
            else if (b.DueDate is not { } due) errors.Add(new FieldError(at + ".dueDate", "is required"));
            else if (b.Amount is not { } amount || amount < 0) errors.Add(new FieldError(at + ".amount", "is required and cannot be negative"));
            else if (amount > SnapshotReader.MaxYen) errors.Add(new FieldError(at + ".amount", TooLarge));
            else if (!placeOfNumber.TryAdd(number, i)) errors.Add(new FieldError(at + ".number", $"the same installment number as {path}.installments[{placeOfNumber[number]}]: each installment is given once"));
            else bills.Add(new InstallmentBill(number, due, amount));
        }
        long settled = json.Settlement switch
        {
            null => 0,
            { Amount: > SnapshotReader.MaxYen } => Invalid(path + ".settlement.amount", TooLarge),
            { Kind: SettlementKind.AdditionalBill, Amount: >= 0 and var a } => a,
            { Kind: SettlementKind.Refund, Amount: >= 0 and var r } => -r,
            { Kind: SettlementKind.None } => 0,
            { Kind: null } => Invalid(path + ".settlement.kind", "is required: \"additionalBill\", \"refund\" or \"none\""),
            _ => Invalid(path + ".settlement.amount", "is required with an additional bill or a refund and cannot be negative"),
        };
        long Invalid(string field, string message)
        {
            errors.Add(new FieldError(field, message));
            return 0;
        }
        for (var i = 0; i < (json.Components?.Count ?? 0); i++)
            if (json.Components![i]?.Amount is < 0 or > SnapshotReader.MaxYen)
                errors.Add(new FieldError($"{path}.components[{i}].amount", $"must be between 0 and {SnapshotReader.MaxYen:N0} yen"));
        // Every amount is at most MaxYen, so these sums cannot overflow.
        if (errors.Count == before && bills.Sum(b => b.Amount) + settled != json.AnnualPremium)
            errors.Add(new FieldError(path + ".installments", "the installments and the settlement do not add up to the annual premium (annualPremium = the sum of installments[].amount, plus an additional bill or minus a refund)"));
        // Member ids reappear in the trace: they are checked like the household's (never a personal number).
        var members = json.Members is null ? null : new List<PreviousMember>(json.Members.Count);
        for (var i = 0; i < (json.Members?.Count ?? 0); i++)
        {
            if (json.Members![i] is not { } m) errors.Add(new FieldError($"{path}.members[{i}]", "must be an object"));
            else if (SnapshotReader.ReadId(m.Id, $"{path}.members[{i}]", "id", errors) is { } id)
                members!.Add(new PreviousMember(id, m.InsuredMonths, m.ComponentMonths, m.AssessableIncome, m.IncomeDeclared));
        }
        return errors.Count > before
            ? null
            : new PreviousAssessment(json.AnnualPremium!.Value, bills, settled, json.Components?.Where(c => c is not null).Select(c => c!).ToArray(), members, json.ReductionClass, json.Ruleset);
    }

    private static readonly string TooLarge = $"exceeds the largest accepted amount ({SnapshotReader.MaxYen.ToString("N0", CultureInfo.InvariantCulture)} yen)";
}
