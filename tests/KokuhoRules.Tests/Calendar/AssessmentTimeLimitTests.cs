using FsCheck;
using FsCheck.Xunit;
using KokuhoRules.Rules.Calendar;
using NodaTime;

namespace KokuhoRules.Tests.Calendar;

/// <summary>
/// 国民健康保険法第110条の2 (<see cref="AssessmentTimeLimit"/>), on the days at its edges. The example is FY2023 with
/// its first due date on 2023-06-30, the national periods (2 years; 5 years for 第2項): the period counts from
/// 2023-07-01, no change from 2025-07-01, a reduction not caused by the insured until 2028-06-30.
/// </summary>
public sealed class AssessmentTimeLimitTests
{
    private static readonly AssessmentTimeLimit National = new(2, 5);
    private static readonly LocalDate FirstDue = new(2023, 6, 30);
    private static readonly LocalDate BarredFrom = new(2025, 7, 1);
    private static readonly LocalDate ExceptionEnds = new(2028, 7, 1);

    private static TimeLimitCheck Check(long previous, long now, LocalDate asOf, bool claimed = false, LocalDate? chargeableOn = null) =>
        National.Check(2023, FirstDue, chargeableOn, previous, now, claimed, asOf);

    [Fact]
    public void The_period_counts_from_the_day_after_the_first_due_date_and_bars_a_change_from_its_anniversary()
    {
        var open = Check(100_000, 150_000, BarredFrom.PlusDays(-1));
        Assert.Equal(FirstDue, open.Limit.FirstDueDate);
        Assert.Equal(new LocalDate(2023, 7, 1), open.Limit.CountedFrom);
        Assert.Equal(BarredFrom, open.Limit.BarredFrom);
        Assert.False(open.Limit.TimeBarred);
        Assert.False(open.Limit.ExceptionApplied);
        Assert.False(open.ReductionException);
        Assert.Equal("2025-07-01 より前のため変更できます (国民健康保険法第110条の2)。", open.Limit.Reason);

        var barred = Check(100_000, 150_000, BarredFrom);
        Assert.True(barred.Limit.TimeBarred);
        Assert.False(barred.Limit.ExceptionApplied);
        Assert.Equal("2023年度の保険料は、最初の納期 2023-06-30 の翌日から2年を経過した 2025-07-01 以後は賦課決定・変更ができません (国民健康保険法第110条の2)。",
            barred.Limit.Reason);
    }

    [Fact]
    public void A_barred_reduction_names_the_exception_that_could_allow_it()
    {
        var barred = Check(150_000, 100_000, BarredFrom);
        Assert.True(barred.Limit.TimeBarred);
        Assert.False(barred.ReductionException);
        Assert.Equal("2023年度の保険料は、最初の納期 2023-06-30 の翌日から2年を経過した 2025-07-01 以後は賦課決定・変更ができません (国民健康保険法第110条の2)。"
            + " 被保険者の責めに帰さない事由による減額であれば reductionNotCausedByInsured を指定してください。", barred.Limit.Reason);
    }

    [Fact]
    public void A_reduction_not_caused_by_the_insured_is_allowed_past_the_limit_until_the_exception_period_ends()
    {
        var allowed = Check(150_000, 100_000, ExceptionEnds.PlusDays(-1), claimed: true);
        Assert.False(allowed.Limit.TimeBarred);
        Assert.True(allowed.Limit.ExceptionApplied);
        Assert.True(allowed.ReductionException);
        Assert.Equal("期間制限 (2025-07-01) を過ぎていますが、被保険者の責めに帰さない事由による減額のため変更できます (国民健康保険法第110条の2第2項; 2028-07-01 まで)。",
            allowed.Limit.Reason);

        var late = Check(150_000, 100_000, ExceptionEnds, claimed: true);
        Assert.True(late.Limit.TimeBarred);
        Assert.False(late.Limit.ExceptionApplied);
        Assert.False(late.ReductionException);
    }

    [Fact]
    public void Before_the_limit_a_claimed_reduction_holds_the_exception_without_needing_it()
    {
        var r = Check(150_000, 100_000, BarredFrom.PlusDays(-1), claimed: true);
        Assert.False(r.Limit.TimeBarred);
        Assert.True(r.ReductionException);
        Assert.False(r.Limit.ExceptionApplied);
        Assert.Equal("2025-07-01 より前のため変更できます (国民健康保険法第110条の2)。", r.Limit.Reason);
    }

    [Fact]
    public void The_exception_is_for_reductions_only_and_only_when_claimed()
    {
        var increase = Check(100_000, 150_000, BarredFrom, claimed: true);
        Assert.True(increase.Limit.TimeBarred);
        Assert.False(increase.ReductionException);
        var unclaimed = Check(150_000, 100_000, BarredFrom, claimed: false);
        Assert.True(unclaimed.Limit.TimeBarred);
        Assert.False(unclaimed.ReductionException);
    }

    [Theory]
    [InlineData(2025, 6, 30)] // before the limit
    [InlineData(2026, 7, 1)]  // past the limit, within the 第2項 period
    [InlineData(2031, 7, 1)]  // past both
    public void An_unchanged_amount_is_never_barred_and_is_no_reduction(int year, int month, int day)
    {
        var unchanged = Check(120_000, 120_000, new LocalDate(year, month, day), claimed: true);
        Assert.False(unchanged.Limit.TimeBarred);
        Assert.False(unchanged.Limit.ExceptionApplied);
        Assert.False(unchanged.ReductionException);
    }

    [Fact]
    public void On_the_barred_from_day_itself_a_claimed_reduction_uses_the_exception()
    {
        var r = Check(150_000, 100_000, BarredFrom, claimed: true);
        Assert.False(r.Limit.TimeBarred);
        Assert.True(r.Limit.ExceptionApplied);
        Assert.True(r.ReductionException);
        Assert.StartsWith("期間制限 (2025-07-01) を過ぎていますが", r.Limit.Reason);
    }

    [Fact]
    public void A_later_chargeable_day_moves_the_period_and_is_named_in_the_reason()
    {
        var chargeable = new LocalDate(2023, 9, 15);
        var open = Check(100_000, 150_000, new LocalDate(2025, 9, 15), chargeableOn: chargeable);
        Assert.Equal(FirstDue, open.Limit.FirstDueDate);
        Assert.Equal(new LocalDate(2023, 9, 16), open.Limit.CountedFrom);
        Assert.Equal(new LocalDate(2025, 9, 16), open.Limit.BarredFrom);
        Assert.False(open.Limit.TimeBarred);

        var barred = Check(100_000, 150_000, new LocalDate(2025, 9, 16), chargeableOn: chargeable);
        Assert.True(barred.Limit.TimeBarred);
        Assert.Equal("2023年度の保険料は、賦課できることとなった日 2023-09-15 の翌日から2年を経過した 2025-09-16 以後は賦課決定・変更ができません (国民健康保険法第110条の2)。",
            barred.Limit.Reason);
    }

    [Theory]
    [InlineData(2023, 6, 30)] // the first due date itself
    [InlineData(2023, 4, 1)]  // earlier (the 4月1日 judgement date)
    public void A_chargeable_day_not_after_the_first_due_date_changes_nothing(int year, int month, int day)
    {
        var r = Check(100_000, 150_000, BarredFrom, chargeableOn: new LocalDate(year, month, day));
        Assert.Equal(new LocalDate(2023, 7, 1), r.Limit.CountedFrom);
        Assert.Equal(BarredFrom, r.Limit.BarredFrom);
        Assert.StartsWith("2023年度の保険料は、最初の納期 2023-06-30 の翌日から", r.Limit.Reason);
    }

    [Fact]
    public void Other_periods_are_parameters()
    {
        var limit = new AssessmentTimeLimit(3, 3);
        Assert.Equal(3, limit.Years);
        Assert.Equal(3, limit.ReductionExceptionYears);
        var r = limit.Check(2023, FirstDue, null, 150_000, 100_000, true, new LocalDate(2026, 7, 1));
        Assert.Equal(new LocalDate(2026, 7, 1), r.Limit.BarredFrom);
        Assert.True(r.Limit.TimeBarred);
        Assert.Contains("の翌日から3年を経過した 2026-07-01 以後", r.Limit.Reason);
        Assert.Equal(5, National.ReductionExceptionYears);
        Assert.Equal(2, National.Years);
    }

    [Theory]
    [InlineData(0, 5)]
    [InlineData(-1, 5)]
    [InlineData(2, 1)]
    public void Periods_that_the_article_cannot_mean_are_refused(int years, int reductionExceptionYears)
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => new AssessmentTimeLimit(years, reductionExceptionYears));
    }

    [Fact]
    public void The_shortest_periods_are_accepted()
    {
        var limit = new AssessmentTimeLimit(1, 1);
        Assert.Equal(1, limit.Years);
        Assert.Equal(1, limit.ReductionExceptionYears);
    }
}

/// <summary>Invariants of <see cref="AssessmentTimeLimit"/> over generated periods, days and amounts.</summary>
[Properties(MaxTest = 300)]
public sealed class AssessmentTimeLimitPropertyTests
{
    private static readonly LocalDate Epoch = new(2015, 4, 1);

    private static TimeLimitCheck Check(int years, int extra, int firstDueOffset, int? chargeableOffset, long previous, long now, bool claimed, int asOfOffset) =>
        new AssessmentTimeLimit(years, years + extra).Check(2015, Epoch.PlusDays(firstDueOffset),
            chargeableOffset is { } c ? Epoch.PlusDays(c) : null, previous, now, claimed, Epoch.PlusDays(asOfOffset));

    [Property]
    public bool An_unchanged_amount_is_never_barred(byte years, byte extra, ushort firstDue, ushort? chargeable, NonNegativeInt amount, bool claimed, ushort asOf) =>
        !Check(years % 5 + 1, extra % 5, firstDue, chargeable, amount.Get, amount.Get, claimed, asOf * 3).Limit.TimeBarred;

    [Property]
    public bool Once_barred_a_change_stays_barred(byte years, byte extra, ushort firstDue, ushort? chargeable, NonNegativeInt previous, NonNegativeInt now, bool claimed, ushort asOf, ushort later)
    {
        var y = years % 5 + 1;
        var before = Check(y, extra % 5, firstDue, chargeable, previous.Get, now.Get, claimed, asOf * 3);
        var after = Check(y, extra % 5, firstDue, chargeable, previous.Get, now.Get, claimed, asOf * 3 + later);
        return !before.Limit.TimeBarred || after.Limit.TimeBarred;
    }

    [Property]
    public bool The_exception_never_bars_what_the_ordinary_period_allows(byte years, byte extra, ushort firstDue, ushort? chargeable, NonNegativeInt previous, NonNegativeInt now, ushort asOf)
    {
        var y = years % 5 + 1;
        var claimed = Check(y, extra % 5, firstDue, chargeable, previous.Get, now.Get, true, asOf * 3);
        var ordinary = Check(y, extra % 5, firstDue, chargeable, previous.Get, now.Get, false, asOf * 3);
        return !claimed.Limit.TimeBarred || ordinary.Limit.TimeBarred;
    }

    [Property]
    public bool The_period_counts_from_after_the_first_due_date_and_after_the_chargeable_day(byte years, ushort firstDue, ushort? chargeable, ushort asOf)
    {
        var l = Check(years % 5 + 1, 0, firstDue, chargeable, 1, 2, false, asOf * 3).Limit;
        var chargeableDay = chargeable is { } c ? Epoch.PlusDays(c) : l.FirstDueDate;
        return l.CountedFrom > l.FirstDueDate && l.CountedFrom > chargeableDay
            && (l.CountedFrom == l.FirstDueDate.PlusDays(1) || l.CountedFrom == chargeableDay.PlusDays(1))
            && l.BarredFrom == l.CountedFrom.PlusYears(years % 5 + 1);
    }
}
