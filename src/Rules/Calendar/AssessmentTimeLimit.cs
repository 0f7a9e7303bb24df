using NodaTime;

namespace KokuhoRules.Rules.Calendar;

/// <summary>
/// 国民健康保険法第110条の2 (賦課決定の期間制限): the period within which a fiscal year's assessment may be made or
/// changed. It counts from the day after the year's first due date (最初の納期), or from the day after the day the
/// premium became chargeable (賦課することができることとなった日) when that is later — the first day is not counted —
/// and ends after <see cref="Years"/> years: from <see cref="TimeLimit.BarredFrom"/> on, the assessment can no
/// longer be made or changed. Under 第2項 a reduction for a reason the insured is not responsible for may still be
/// made until <see cref="ReductionExceptionYears"/> years from the same day.
/// </summary>
/// <remarks>
/// Shared by every capability that changes what it assessed before (premium, withholding, high-cost,
/// eligibility): each passes its own first due date and chargeable day; the two periods are rule-set parameters
/// (<c>assessmentTimeLimit.years</c>, <c>assessmentTimeLimit.reductionExceptionYears</c>).
/// </remarks>
public sealed record AssessmentTimeLimit
{
    /// <summary>The two periods of the article, in years.</summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="years"/> is not positive, or <paramref name="reductionExceptionYears"/> is shorter than it.</exception>
    public AssessmentTimeLimit(int years, int reductionExceptionYears)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(years);
        ArgumentOutOfRangeException.ThrowIfLessThan(reductionExceptionYears, years);
        Years = years;
        ReductionExceptionYears = reductionExceptionYears;
    }

    /// <summary>Years after which the assessment can no longer be made or changed (第1項; 2).</summary>
    public int Years { get; }

    /// <summary>Years within which a reduction not caused by the insured may still be made (第2項; 5).</summary>
    public int ReductionExceptionYears { get; }

    /// <summary>
    /// Whether the assessment of <paramref name="fiscalYear"/> may be changed on <paramref name="asOf"/> from
    /// <paramref name="previousAnnual"/> to <paramref name="newAnnual"/> yen. An unchanged amount is never barred;
    /// a change on or after the barred-from day is barred unless it is a reduction, claimed as not caused by the
    /// insured (<paramref name="reductionNotCausedByInsured"/>), made before the 第2項 period ends.
    /// </summary>
    /// <param name="firstDueDate">The year's 最初の納期.</param>
    /// <param name="chargeableOn">The day the premium became chargeable, if known: counts only when later than the first due date.</param>
    /// <returns>The time limit as the answer states it (with its reason in Japanese), and whether the 第2項 exception holds for this change.</returns>
    public TimeLimitCheck Check(int fiscalYear, LocalDate firstDueDate, LocalDate? chargeableOn, long previousAnnual, long newAnnual,
        bool reductionNotCausedByInsured, LocalDate asOf)
    {
        var chargeableFrom = chargeableOn is { } day ? LocalDate.Max(day, firstDueDate) : firstDueDate;
        var countedFrom = chargeableFrom.PlusDays(1);
        var barredFrom = countedFrom.PlusYears(Years);
        var exceptionEnds = countedFrom.PlusYears(ReductionExceptionYears);
        var isReduction = newAnnual < previousAnnual;
        var exception = reductionNotCausedByInsured && isReduction && asOf < exceptionEnds;
        var barred = asOf >= barredFrom && !exception && newAnnual != previousAnnual;
        var reason = barred
            ? $"{fiscalYear}年度の保険料は、{(chargeableFrom == firstDueDate ? $"最初の納期 {firstDueDate:uuuu-MM-dd}" : $"賦課できることとなった日 {chargeableFrom:uuuu-MM-dd}")} の翌日から{Years}年を経過した {barredFrom:uuuu-MM-dd} 以後は賦課決定・変更ができません (国民健康保険法第110条の2)。"
              + (isReduction ? " 被保険者の責めに帰さない事由による減額であれば reductionNotCausedByInsured を指定してください。" : "")
            : exception && asOf >= barredFrom
                ? $"期間制限 ({barredFrom:uuuu-MM-dd}) を過ぎていますが、被保険者の責めに帰さない事由による減額のため変更できます (国民健康保険法第110条の2第2項; {exceptionEnds:uuuu-MM-dd} まで)。"
                : $"{barredFrom:uuuu-MM-dd} より前のため変更できます (国民健康保険法第110条の2)。";
        return new TimeLimitCheck(new TimeLimit(firstDueDate, countedFrom, barredFrom, barred, exception && asOf >= barredFrom, reason), exception);
    }
}

/// <summary>The outcome of <see cref="AssessmentTimeLimit.Check"/>.</summary>
/// <param name="Limit">The time limit as the answer states it.</param>
/// <param name="ReductionException">True when the change is a reduction not caused by the insured made within the 第2項 period (whether or not the ordinary period has passed): the trace then cites <c>reductionExceptionYears</c>.</param>
public readonly record struct TimeLimitCheck(TimeLimit Limit, bool ReductionException);

/// <summary>Whether a year's assessment may still be made or changed (国保法110条の2), and why.</summary>
/// <param name="FirstDueDate">最初の納期 of the year.</param>
/// <param name="CountedFrom">The day the period counts from: the day after the first due date, or after the day the premium became chargeable if later.</param>
/// <param name="BarredFrom">From this day the assessment can no longer be made or changed.</param>
/// <param name="TimeBarred">True when the change cannot be made.</param>
/// <param name="ExceptionApplied">True when a reduction not caused by the insured was allowed past <c>barredFrom</c>.</param>
public sealed record TimeLimit(LocalDate FirstDueDate, LocalDate CountedFrom, LocalDate BarredFrom, bool TimeBarred, bool ExceptionApplied, string Reason);
