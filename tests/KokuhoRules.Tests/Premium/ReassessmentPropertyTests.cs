using System.Text.Json;
using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;
using KokuhoRules.Rules.Premium;
using KokuhoRules.Rules.Snapshots;
using KokuhoRules.Rules.Checks;
using KokuhoRules.Rules.Checks.Premium;
using KokuhoRules.Tests.Support;
using NodaTime;
using NodaTime.Testing;

namespace KokuhoRules.Tests.Premium;

/// <summary>
/// Properties of 期割 and 更正 on generated households under every rule set of the property pool:
/// installments add up, an unchanged household changes nothing, installments already due are never altered.
/// </summary>
[Properties(Arbitrary = [typeof(HouseholdArbitraries), typeof(ReassessmentArbitraries)], MaxTest = 150)]
public sealed class ReassessmentPropertyTests
{
    private static readonly PremiumService Premiums = new(PropertyRuleSets.Catalog);
    private static readonly ReassessmentService Reassessments = new(Premiums, new FakeClock(Instant.FromUtc(2030, 1, 1, 0, 0)));

    [Property(MaxTest = 1000)]
    public void Spreading_an_amount_gives_installments_that_add_up_to_it_all_but_one_a_multiple_of_the_unit(SpreadCase c)
    {
        var slots = Enumerable.Range(1, c.Count).Select(i => new InstallmentSlot(i, new LocalDate(2025, 4, 30).PlusMonths(i))).ToArray();
        var p = new InstallmentParameters { Months = [], UnitYen = c.Unit, RemainderTo = c.Last ? InstallmentRemainder.Last : InstallmentRemainder.First };
        var bills = InstallmentSchedule.Spread(c.Amount, slots, p);
        Assert.Equal(c.Amount, bills.Sum(b => b.Amount));
        Assert.All(bills, b => Assert.True(b.Amount >= 0));
        Assert.True(bills.Count(b => b.Amount % c.Unit != 0) <= 1);
        var remainderAt = c.Last ? bills.Count - 1 : 0;
        Assert.All(bills.Where((_, i) => i != remainderAt), b => Assert.Equal(bills.First(x => x != bills[remainderAt] || bills.Count == 1).Amount, b.Amount));
    }

    [Property]
    public void An_assessments_installments_and_extra_bill_add_up_to_the_annual_premium(HouseholdCase c, AsOfOffset asOf) =>
        InvariantAssert.Holds(InstallmentsAddUp.Check(new AsOfCase(c, asOf.Days), Premiums));

    [Property]
    public void Recalculating_with_an_unchanged_household_changes_nothing(HouseholdCase c, AsOfOffset asOf)
    {
        var before = Assess(c, null);
        var year = Reassess(c, c.Household, before, asOf.DateIn(c.FiscalYear));
        Assert.True(year.Applied);
        Assert.Equal(0, year.Difference);
        Assert.Equal(before.AnnualPremium, year.AnnualPremium);
        Assert.Equal(SettlementKind.None, year.Settlement.Kind);
        Assert.Equal(before.Installments.Select(i => (i.Number, i.Amount)), year.Installments.Select(i => (i.Number, i.Amount)));
        Assert.All(year.Components, comp => Assert.Equal(0, comp.Difference));
    }

    [Property]
    public void Installments_already_due_are_never_altered_and_everything_adds_up(HouseholdCase c, HouseholdCase other, AsOfOffset asOf)
    {
        // The "change": the household becomes another generated household of the same year (a new income,
        // members joining or leaving, reliefs granted…), keeping its id.
        if (other.FiscalYear != c.FiscalYear || other.Insurer != c.Insurer) return;
        var before = Assess(c, null);
        var when = asOf.DateIn(c.FiscalYear);
        var year = Reassess(c, other.Household with { Id = c.Household.Id }, before, when);
        foreach (var bill in before.Installments.Where(b => b.DueDate <= when))
        {
            var now = year.Installments.Single(i => i.Number == bill.Number);
            Assert.Equal(InstallmentStatus.Due, now.Status);
            Assert.Equal(bill.Amount, now.Amount);
        }
        var settled = year.Settlement.Kind switch
        {
            SettlementKind.AdditionalBill => year.Settlement.Amount,
            SettlementKind.Refund => -year.Settlement.Amount,
            _ => 0,
        };
        Assert.Equal(year.AnnualPremium, year.Installments.Sum(i => i.Amount) + settled);
        Assert.Equal(year.AnnualPremium - year.PreviousAnnualPremium, year.Difference);
        Assert.All(year.Installments, i => Assert.True(i.Amount >= 0));
    }

    private static AssessmentResponse Assess(HouseholdCase c, LocalDate? asOf)
    {
        var (response, failure) = Premiums.Assess(new AssessmentRequest { Insurer = c.Insurer, FiscalYear = c.FiscalYear, Household = c.Household, Trial = true, AsOf = asOf }, false);
        Assert.True(failure is null, failure?.Detail);
        return response!;
    }

    private static YearReassessment Reassess(HouseholdCase c, HouseholdJson household, AssessmentResponse before, LocalDate asOf)
    {
        var previous = JsonSerializer.Deserialize<PreviousAssessmentJson>(JsonSerializer.Serialize(before, KokuhoJson.Options), KokuhoJson.Options);
        var effective = new LocalDate(c.FiscalYear, 4, 1);
        var (response, failure) = Reassessments.Reassess(new ReassessmentRequest
        {
            Insurer = c.Insurer,
            Change = new ChangeJson { EffectiveDate = effective },
            AsOf = asOf,
            Years = [new ReassessmentYearJson { FiscalYear = c.FiscalYear, Household = household, Previous = previous }],
            Trial = true,
        }, false);
        Assert.True(failure is null, failure?.Detail + string.Join("; ", failure?.Errors.Select(e => e.Field + " " + e.Message) ?? []));
        return response!.Years.Single();
    }
}

/// <summary>An amount spread over 1–12 installments in a unit, the remainder first or last.</summary>
public sealed record SpreadCase(long Amount, int Count, long Unit, bool Last);

/// <summary>A processing day, as days from the 1st of April of the household's fiscal year (0 … 400: a change is processed once the year has started).</summary>
public sealed record AsOfOffset(int Days)
{
    public LocalDate DateIn(int fiscalYear) => new LocalDate(fiscalYear, 4, 1).PlusDays(Days);
}

public static class ReassessmentArbitraries
{
    public static Arbitrary<SpreadCase> SpreadCase() => Arb.From(
        from amount in Gen.Frequency((1, Gen.Constant(0L)), (6, Gen.Choose(0, 2_000_000).Select(x => (long)x)), (1, Gen.Choose(0, 1_000_000).Select(x => x * 1000L)))
        from count in Gen.Choose(1, 12)
        from unit in Gen.Elements(1L, 10L, 100L, 1000L)
        from last in Gen.Elements(false, true)
        select new SpreadCase(amount, count, unit, last));

    public static Arbitrary<AsOfOffset> AsOfOffset() => Arb.From(Gen.Choose(0, 400).Select(d => new AsOfOffset(d)));
}
