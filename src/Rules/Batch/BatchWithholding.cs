using System.Globalization;
using KokuhoRules.Rules.Premium;
using KokuhoRules.Rules.Snapshots;
using KokuhoRules.Rules.Withholding;
using NodaTime;

namespace KokuhoRules.Rules.Batch;

/// <summary>
/// The withholding determination (特別徴収) of a batch run (<c>kokuho reassess --withholding</c>), for the file and the
/// database runner alike: a line's withholding fields read by the API's reader (<see cref="WithholdingService.ReadFields"/>,
/// at <c>household.withholding</c>), then, with the premium the batch just assessed as the annual premium,
/// <see cref="WithholdingDetermination.Determine"/> on the reference date the API uses by default (4月1日 of the fiscal year).
/// What is the same for the whole run (the six pension months, the installment slots) is worked out once. Thread-safe.
/// </summary>
public sealed class BatchWithholding
{
    /// <summary>Where a batch line's withholding fields are.</summary>
    public const string FieldsPath = "household.withholding";

    private readonly Dictionary<int, int> _slotOfInstallment;

    public BatchWithholding(WithholdingRuleSet rs, PremiumRuleSet premium)
    {
        if (rs.FiscalYear != premium.FiscalYear || rs.Insurer.Id != premium.Insurer.Id)
            throw new ArgumentException("the withholding and premium rule sets must be of the same insurer and fiscal year", nameof(rs));
        RuleSet = rs;
        Premium = premium;
        var fy = new Calendar.FiscalYear(rs.FiscalYear);
        ReferenceDate = fy.Start;
        var months = new List<(YearMonth Month, PaymentKind Kind)>();
        foreach (var m in rs.Parameters.PensionMonths.Provisional) months.Add((fy.MonthNumbered(m), PaymentKind.Provisional));
        foreach (var m in rs.Parameters.PensionMonths.Definitive) months.Add((fy.MonthNumbered(m), PaymentKind.Definitive));
        months.Sort((a, b) => a.Month.CompareTo(b.Month));
        PensionMonths = months;
        Slots = InstallmentSchedule.Slots(premium);
        _slotOfInstallment = Slots.Select((s, i) => (s.Number, i)).ToDictionary(x => x.Number, x => x.i);
    }

    public WithholdingRuleSet RuleSet { get; }

    public PremiumRuleSet Premium { get; }

    /// <summary>The date eligibility is judged on: 4月1日 of the fiscal year (the API's default).</summary>
    public LocalDate ReferenceDate { get; }

    /// <summary>The pension months of the year in month order (April … February), each with its kind.</summary>
    public IReadOnlyList<(YearMonth Month, PaymentKind Kind)> PensionMonths { get; }

    /// <summary>The premium rule set's installment slots: where the ordinary installments of a schedule fall.</summary>
    public IReadOnlyList<InstallmentSlot> Slots { get; }

    /// <summary>Reads and checks a line's withholding fields and its members' pensions; problems go to <paramref name="errors"/>.</summary>
    public WithholdingService.HouseholdWithholding Read(HouseholdJson household, List<FieldError> errors) =>
        WithholdingService.ReadFields(RuleSet.Parameters, household, household.Withholding, FieldsPath, errors);

    /// <summary>Determines a household whose fields were read without error, on the premium the run assessed for it.</summary>
    public BatchWithholdingResult Determine(HouseholdSnapshot household, WithholdingService.HouseholdWithholding fields, long annualPremium)
    {
        var result = WithholdingDetermination.Determine(RuleSet, Premium,
            new WithholdingInputs(household, fields.HeadPension, fields.Previous, fields.DirectDebit, annualPremium, fields.StartMonth, ReferenceDate), trace: null);
        var pension = new long[PensionMonths.Count];
        var ordinary = new long[Slots.Count];
        var entries = result.Schedule.Entries;
        for (var k = 0; k < entries.Count; k++) // by index: no enumerator per household
        {
            var e = entries[k];
            if (e.Kind == PaymentKind.Ordinary)
            {
                if (e.Installment is { } n && _slotOfInstallment.TryGetValue(n, out var slot)) ordinary[slot] += e.Amount;
                continue;
            }
            for (var i = 0; i < PensionMonths.Count; i++)
                if (PensionMonths[i].Month == e.Month) pension[i] += e.Amount;
        }
        var status = Eligible;
        var conditions = result.Eligibility.Conditions;
        if (!result.Eligible)
            for (var k = 0; k < conditions.Count; k++)
                if (!conditions[k].Holds)
                {
                    status = conditions[k].Name;
                    break;
                }
        var s = result.Schedule;
        return new BatchWithholdingResult(result.Eligible, status, s.StartMonth, pension, ordinary, s.ProvisionalTotal, s.DefinitiveTotal, s.OrdinaryTotal, s.Overpaid);
    }

    /// <summary>The status of an eligible household (otherwise the status is the name of the first condition that does not hold).</summary>
    public const string Eligible = "eligible";

    /// <summary>A pension month as results and summaries name it (<c>2025-04</c>).</summary>
    public static string MonthText(YearMonth month) => month.ToString("uuuu-MM", CultureInfo.InvariantCulture);
}

/// <summary>A household's withholding in a batch run.</summary>
/// <param name="Status"><c>eligible</c>, or the name of the first §A2 condition that does not hold (e.g. <c>ageBand</c>).</param>
/// <param name="StartMonth">The calendar month withholding starts; null when not eligible.</param>
/// <param name="PensionAmounts">What is withheld in each of the six pension months (<see cref="BatchWithholding.PensionMonths"/>' order; 0 when nothing).</param>
/// <param name="OrdinaryAmounts">The ordinary installments (普通徴収) per installment slot of the premium rule set (0 when not billed).</param>
/// <param name="Overpaid">What the 仮徴収 withheld beyond the annual premium (a refund).</param>
public sealed record BatchWithholdingResult(bool Eligible, string Status, int? StartMonth, long[] PensionAmounts, long[] OrdinaryAmounts,
    long ProvisionalTotal, long DefinitiveTotal, long OrdinaryTotal, long Overpaid);
