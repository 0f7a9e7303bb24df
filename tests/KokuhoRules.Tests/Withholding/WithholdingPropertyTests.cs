using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;
using KokuhoRules.Rules.Snapshots;
using KokuhoRules.Rules.Withholding;
using static KokuhoRules.Tests.Support.Households;

namespace KokuhoRules.Tests.Withholding;

/// <summary>
/// Invariants of issue 13: every schedule adds up to the annual premium; leveling never changes the annual total (and
/// only moves June and August); a household with an insured member under 65 or over 74 is never eligible; member order
/// does not matter.
/// </summary>
public sealed class WithholdingPropertyTests
{
    /// <summary>A start the rules allow, with the previous year it needs.</summary>
    private static Gen<(int Start, PreviousYear Previous)> Starts =>
        Gen.OneOf(
            Gen.Choose(1, 30_000).Select(feb => (4, new PreviousYear(0, (long?)feb * 10))),
            Gen.Zip(Gen.Elements(4, 6, 8, 10), Gen.Choose(0, 90_000)).Select(t => (t.Item1, new PreviousYear(t.Item2 * 10L, null))),
            Gen.Choose(0, 90_000).Select(prev => (10, new PreviousYear(prev * 10L, (long?)0))));

    private static Gen<long> Annual => Gen.Choose(0, 110_000).Select(x => x * 10L + x % 7);

    [Property(MaxTest = 300)]
    public Property Withheld_plus_ordinary_minus_overpaid_is_the_annual_premium_in_every_schedule() =>
        Prop.ForAll(Gen.Zip(Starts, Gen.Zip(Annual, Gen.Elements(Enum.GetValues<LevelingMode>()))).ToArbitrary(), t =>
        {
            var ((start, previous), (annual, mode)) = t;
            var r = WithholdingSchedule.Build(WithholdingScheduleTests.WithLeveling(mode), WithholdingScheduleTests.Premium, start, annual, previous);

            Assert.Equal(annual, r.ProvisionalTotal + r.DefinitiveTotal + r.OrdinaryTotal - r.Overpaid);
            Assert.All(r.Entries, e => Assert.True(e.Amount >= 0, $"{e.Month} {e.Kind} {e.Amount}"));
            Assert.True(r.Overpaid == 0 || r.DefinitiveTotal == 0);
            Assert.Equal(r.Entries.OrderBy(e => e.Month).Select(e => e.Month), r.Entries.Select(e => e.Month));
        });

    [Property(MaxTest = 300)]
    public Property Leveling_never_changes_the_annual_total_and_moves_only_June_and_August() =>
        Prop.ForAll(Gen.Zip(Starts, Annual).ToArbitrary(), t =>
        {
            var ((start, previous), annual) = t;
            var plain = WithholdingSchedule.Build(WithholdingScheduleTests.WithLeveling(LevelingMode.None), WithholdingScheduleTests.Premium, start, annual, previous);
            foreach (var mode in new[] { LevelingMode.AugustOnly, LevelingMode.JuneAndAugust })
            {
                var leveled = WithholdingSchedule.Build(WithholdingScheduleTests.WithLeveling(mode), WithholdingScheduleTests.Premium, start, annual, previous);
                Assert.Equal(plain.ProvisionalTotal + plain.DefinitiveTotal - plain.Overpaid, leveled.ProvisionalTotal + leveled.DefinitiveTotal - leveled.Overpaid);
                Assert.Equal(plain.Entries.Where(e => e.Kind != PaymentKind.Definitive && e.Month.Month is not (6 or 8)),
                    leveled.Entries.Where(e => e.Kind != PaymentKind.Definitive && e.Month.Month is not (6 or 8)));
            }
        });

    /// <summary>Birth dates of insured members, ages 0–74 on 2025-04-01 in NHI terms.</summary>
    private static Gen<string> Birth(int minAge, int maxAge) =>
        Gen.Zip(Gen.Choose(minAge, maxAge), Gen.Choose(0, 364)).Select(t => new NodaTime.LocalDate(2025 - t.Item1, 4, 2).PlusDays(-t.Item2 - 1).ToString("uuuu-MM-dd", null));

    private static Gen<MemberJson[]> Members =>
        Gen.Zip(Gen.Choose(1, 4), Gen.Choose(0, 1000)).SelectMany(t =>
            Gen.Zip(Birth(60, 76), Gen.Choose(0, 4)).ArrayOf(t.Item1).Select(ms =>
                ms.Select((m, i) => m.Item2 == 0 ? Uninsured("M" + i, m.Item1) : Member("M" + i, m.Item1)).ToArray()));

    [Property(MaxTest = 300)]
    public Property A_household_with_an_insured_member_under_65_or_over_74_is_never_eligible_and_order_does_not_matter() =>
        Prop.ForAll(Gen.Zip(Members, Gen.Choose(0, 1000)).ToArbitrary(), t =>
        {
            var (members, seed) = t;
            var household = Snapshot(Household(members));
            var o = WithholdingEligibilityTests.Determine(household, annualPremium: 0);
            var april1 = new NodaTime.LocalDate(2025, 4, 1);
            var insured = household.Members.Where(m => m.IsCoveredOn(april1)).ToArray();
            if (insured.Any(m => Rules.Calendar.Age.LegalAgeOn(m.BirthDate, april1) < 65 || Rules.Calendar.Age.CalendarAgeOn(m.BirthDate, april1) >= 75))
                Assert.False(o.Eligible);

            var shuffled = members.OrderBy(_ => new Random(seed).Next()).ToArray();
            var reordered = WithholdingEligibilityTests.Determine(Snapshot(Household(shuffled) with { HeadId = members[0].Id }), annualPremium: 0);
            Assert.Equal(o.Conditions, reordered.Conditions);
            Assert.Equal(o.Eligible, reordered.Eligible);
        });

    /// <summary>A head-and-spouse household aged 65–74, the head's pension and its 介護保険料, and this year's premium.</summary>
    private static Gen<(long Pension, long Care, long Annual, int Start, PreviousYear Previous)> Determinations =>
        Gen.Zip(Gen.Zip(Gen.Choose(0, 400_000).Select(x => x * 10L), Gen.Choose(0, 3_000).Select(x => x * 10L)), Gen.Zip(Annual, Starts))
            .Select(t => (t.Item1.Item1, t.Item1.Item2, t.Item2.Item1, t.Item2.Item2.Start, t.Item2.Item2.Previous));

    [Property(MaxTest = 300)]
    public Property No_withheld_month_exceeds_half_of_that_months_pension_with_the_care_premium_and_every_answer_adds_up() =>
        Prop.ForAll(Determinations.ToArbitrary(), t =>
        {
            var (pension, care, annual, start, previous) = t;
            var household = Snapshot(Household(Member("H", "1952-06-01"), Member("W", "1956-09-15")));
            var inputs = new WithholdingInputs(household, new PensionFacts(pension, true, care, false, false), previous, false, annual, start, new NodaTime.LocalDate(2025, 4, 1));
            var r = WithholdingDetermination.Determine(WithholdingRuleSetTests.Amagasaki2025, WithholdingScheduleTests.Premium, inputs, null);

            // Half of one payment of the pension (paid six times a year), compared without rounding: amount + care ≤ pension ÷ 6 ÷ 2.
            if (r.Eligible)
                Assert.All(r.Schedule.Entries.Where(e => e.Kind != PaymentKind.Ordinary), e => Assert.True((e.Amount + care) * 12 <= pension, $"{e.Month}: {e.Amount} + {care} > ½ of {pension} ÷ 6"));
            else
                Assert.All(r.Schedule.Entries, e => Assert.Equal(PaymentKind.Ordinary, e.Kind));
            Assert.Equal(annual, r.Schedule.ProvisionalTotal + r.Schedule.DefinitiveTotal + r.Schedule.OrdinaryTotal - r.Schedule.Overpaid);
            Assert.Equal(r.Eligible, r.Eligibility.Conditions.All(c => c.Holds));
        });
}
