using System.Text.Json;
using FsCheck;
using FsCheck.Xunit;
using KokuhoRules.Engine.Money;
using KokuhoRules.Rules.Checks;
using KokuhoRules.Rules.Checks.Premium;
using static KokuhoRules.Rules.Checks.Premium.AssessmentFacts;
using KokuhoRules.Rules.Premium;
using KokuhoRules.Rules.Snapshots;
using KokuhoRules.Tests.Support;
using NodaTime;

namespace KokuhoRules.Tests.Premium;

/// <summary>
/// Properties of the premium calculation that hold for every valid household, checked on generated
/// households (<see cref="HouseholdGenerators"/>) under amagasaki/2025 and the other cities' rule sets
/// with different rounding (kainan/2025: reduction amount to 100 yen; kyoto-26207/2024: reduction
/// amount rounded up to 10 yen; shimonoseki/2023: components to 100 yen), plus a synthetic variant
/// whose roundings use every mode (<see cref="PropertyRuleSets.RoundingVariant"/>). Each test name
/// states its invariant.
/// </summary>
[Properties(Arbitrary = [typeof(HouseholdArbitraries)], MaxTest = 200)]
public sealed class PremiumPropertyTests
{
    private static readonly string[] ClassOrder = ["none", "2割", "5割", "7割"];

    // ---- 0. The generator ------------------------------------------------------------------------------

    [Property(MaxTest = 500)]
    public void Generated_households_are_accepted_by_the_snapshot_reader(HouseholdCase c)
    {
        var errors = new List<FieldError>();
        var snapshot = SnapshotReader.Read(c.Household, "household", errors);
        Assert.True(snapshot is not null, string.Join("; ", errors.Select(e => $"{e.Field}: {e.Message}")));
        Assert.InRange(snapshot!.Members.Count, 1, 6);
        Assert.True(snapshot.HeadIndex >= 0);
        Assert.All(snapshot.Members.Where(m => m.SpecifiedSameHouseholdMember), m => Assert.Empty(m.Coverage));
    }

    [Fact]
    public void The_household_generator_reaches_the_edge_cases_the_properties_are_about()
    {
        var sample = FsCheck.Fluent.Gen.Sample(PropertyGenerators.Case, 2000);
        var members = sample.SelectMany(c => c.Household.Members!.Select(m => (c, m: m!))).ToArray();
        bool Any(Func<HouseholdCase, MemberJson, bool> f) => members.Any(x => f(x.c, x.m));
        var seen = new Dictionary<string, bool>
        {
            ["6 members"] = sample.Any(c => c.Household.Members!.Count == 6),
            ["擬制世帯主 (head without coverage)"] = sample.Any(c => c.Household.Members!.Single(m => m!.Id == c.Household.HeadId)!.Coverage!.Count == 0),
            ["特定同一世帯所属者"] = Any((_, m) => m.SpecifiedSameHouseholdMember == true),
            ["undeclared income"] = Any((_, m) => m.Income!.Declared == false),
            ["income over 24,000,000"] = Any((_, m) => m.Income!.TotalIncome > 24_000_000),
            ["income 0"] = Any((_, m) => m.Income!.Declared == true && m.Income.TotalIncome == 0),
            ["born on 29 February"] = Any((_, m) => m.BirthDate!.Value is { Month: 2, Day: 29 }),
            ["born on 1 April"] = Any((_, m) => m.BirthDate!.Value is { Month: 4, Day: 1 }),
            ["born on 2 April"] = Any((_, m) => m.BirthDate!.Value is { Month: 4, Day: 2 }),
            ["born on the 1st of another month"] = Any((_, m) => m.BirthDate!.Value.Day == 1 && m.BirthDate.Value.Month != 4),
            ["born during the year"] = Any((c, m) => m.BirthDate >= new LocalDate(c.FiscalYear, 4, 1)),
            ["aged 90"] = Any((c, m) => m.BirthDate <= new LocalDate(c.FiscalYear - 90, 4, 1)),
            ["joins in the year"] = Any((c, m) => m.Coverage!.Any(p => p!.Acquired > new LocalDate(c.FiscalYear, 4, 1) && p.Acquired <= new LocalDate(c.FiscalYear + 1, 3, 31))),
            ["leaves in the year"] = Any((c, m) => m.Coverage!.Any(p => p!.Lost > new LocalDate(c.FiscalYear, 4, 1) && p.Lost <= new LocalDate(c.FiscalYear + 1, 3, 31))),
            ["two coverage periods"] = Any((_, m) => m.Coverage!.Count == 2),
            ["kainan/2025"] = sample.Any(c => c.Insurer == "kainan"),
            ["kyoto-26207/2024"] = sample.Any(c => c.Insurer == "kyoto-26207"),
            ["shimonoseki/2023"] = sample.Any(c => c.Insurer == "shimonoseki"),
        };
        // …and, assessed, households in every reduction class, at a cap, with a 未就学児 and a 介護分 payer.
        var assessed = sample.Select(c => c.Assess()).ToArray();
        foreach (var cls in ClassOrder) seen[$"reduction class {cls}"] = assessed.Any(a => a.ReductionClass == cls && a.JudgementDate is not null);
        seen["a component at its cap"] = assessed.Any(a => a.Components.Any(x => x.BeforeCap > x.Cap && x.Months > 0));
        seen["a part-year component"] = assessed.Any(a => a.Components.Any(x => x.Months is > 0 and < 12));
        seen["a preschool child"] = assessed.Any(a => a.Members.Any(m => m.Preschool && m.InsuredMonths > 0));
        seen["a 介護分 payer"] = assessed.Any(a => a.Members.Any(m => m.ComponentMonths["care"] > 0));
        seen["a judgement date after 1 April"] = assessed.Zip(sample).Any(x => x.First.JudgementDate > new LocalDate(x.Second.FiscalYear, 4, 1));
        seen["no insured member in the year"] = assessed.Any(a => a.JudgementDate is null);
        Assert.Empty(seen.Where(kv => !kv.Value).Select(kv => kv.Key));
    }

    // ---- 1, 2. Bounds and the arithmetic of a component -------------------------------------------

    [Property(MaxTest = 300)]
    public void Every_component_is_between_0_and_its_cap_and_the_annual_premium_is_the_annual_rounding_of_their_sum(HouseholdCase c)
    {
        InvariantAssert.Holds(CapsHold.Check(c));
    }

    [Property(MaxTest = 300)]
    public void Amount_is_min_of_before_cap_and_cap_and_before_cap_is_income_levy_plus_per_capita_plus_per_household_minus_reduction_within_the_component_rounding_unit(HouseholdCase c)
    {
        InvariantAssert.Holds(ComponentArithmetic.Check(c));
    }

    // ---- 3. Reliefs never raise the premium -------------------------------------------------------

    [Property]
    public void Reliefs_never_raise_the_premium_compared_with_the_same_rule_set_with_all_relief_ratios_0(HouseholdCase c)
    {
        InvariantAssert.Holds(ReliefsNeverRaise.Check(c, PropertyRuleSets.GetWithoutReliefs(c.Insurer, c.FiscalYear)));
    }

    // ---- 4. More income never lowers the premium --------------------------------------------------

    /// <summary>
    /// Checked at the drawn raise and, where the premium is most likely to drop, just across every
    /// reduction line the raise can reach: the smallest raise that weakens the reduction class (found by
    /// bisection) must not cost less than one yen less of a raise.
    /// </summary>
    [Property]
    public void Raising_a_members_income_never_lowers_the_annual_premium_or_any_component(HouseholdCase c, NonNegativeInt pick, YenAmount delta, bool alsoSalary)
    {
        InvariantAssert.Holds(MoreIncomeNeverLowers.Check(new IncomeRaiseCase(c, pick.Get, delta.Value, alsoSalary)));
    }

    // ---- 5. Proration by months ---------------------------------------------------------------------

    [Property]
    public void A_single_member_covered_all_year_pays_the_12_of_12_annual_amounts_rounded_by_the_item_roundings(SingleMemberCase s)
    {
        InvariantAssert.Holds(ProrationFullYear.Check(s));
    }

    /// <summary>
    /// What <see cref="PremiumCalculator"/> guarantees for a part year: every item is the annual item ×
    /// months/12, rounded once by the item's rounding (no rounding of the annual item first); the charge
    /// per person and household after reliefs is the same as for the full year; the cap is cap × m/12
    /// (rounded by proratedCap) when the rule set prorates caps. With 1-yen floor items that gives, for
    /// the net sum S = 所得割 + 均等割 + 平等割 − 軽減: m·S₁₂ − 36 &lt; 12·S_m ≤ m·S₁₂ + m − 1, i.e. S_m is
    /// S₁₂ × m/12 to within 3 yen below and under 1 yen above.
    /// </summary>
    [Property]
    public void A_member_joining_in_month_k_pays_each_item_as_the_annual_item_times_months_over_12_rounded_once(SingleMemberCase s)
    {
        InvariantAssert.Holds(ProrationByMonths.Check(s));
    }

    // ---- 6. Order of members ------------------------------------------------------------------------

    [Property]
    public void Shuffling_the_members_gives_an_identical_assessment(HouseholdCase c, int seed)
    {
        InvariantAssert.Holds(MemberOrder.Check(new ShuffleCase(c, seed)));
    }

    // ---- 7. Months per member -----------------------------------------------------------------------

    [Property(MaxTest = 300)]
    public void Component_months_are_at_most_insured_months_at_most_12_care_only_at_legal_ages_40_to_64_and_uncovered_members_have_nothing(HouseholdCase c)
    {
        var rs = c.RuleSet;
        var ages = rs.Parameters.Ages;
        var a = c.Assess();
        var snapshot = c.Snapshot();
        var monthEnds = MonthEnds(c.FiscalYear);
        foreach (var (member, result) in snapshot.Members.Zip(a.Members))
        {
            Assert.Equal(member.Id, result.Id);
            Assert.InRange(result.InsuredMonths, 0, 12);
            var coveredMonthEnds = monthEnds.Count(member.IsCoveredOn);
            Assert.True(result.InsuredMonths <= coveredMonthEnds, $"{member.Id}: insured {result.InsuredMonths} months but covered at only {coveredMonthEnds} month ends");
            foreach (var (name, months) in result.ComponentMonths)
            {
                Assert.InRange(months, 0, result.InsuredMonths);
                Assert.InRange(months, 0, Of(a, name).Months);
            }
            if (result.ComponentMonths.TryGetValue("care", out var care))
            {
                var careAgeMonths = monthEnds.Count(d => member.IsCoveredOn(d) && LegalAge(member.BirthDate, d) >= ages.CareFrom && LegalAge(member.BirthDate, d) < ages.CareUntil);
                Assert.True(care <= careAgeMonths, $"{member.Id}: care {care} months but only {careAgeMonths} covered month ends at legal age {ages.CareFrom}–{ages.CareUntil - 1}");
            }
            if (member.Coverage.Count == 0 || coveredMonthEnds == 0)
            {
                Assert.Equal(0, result.InsuredMonths);
                Assert.All(result.ComponentMonths.Values, v => Assert.Equal(0, v));
                Assert.All(result.PerCapitaCharges.Values, v => Assert.Equal(0, v));
                Assert.Equal(0, result.AssessableIncome);
            }
        }
        foreach (var comp in a.Components)
            Assert.InRange(comp.Months, a.Members.Select(x => x.ComponentMonths[comp.Name]).DefaultIfEmpty(0).Max(), Math.Min(12, a.Members.Sum(x => x.ComponentMonths[comp.Name])));
    }

    /// <summary>
    /// The month-end rule as the domain states it (premium.md §1.3, §8.1): a member is insured in a month
    /// when covered on its last day and not yet 75 (calendar age: 後期高齢者医療 from the birthday); liable
    /// for 医療分 and 支援金分 in every insured month, for 介護分 in insured months whose last day falls at
    /// legal age 40–64 (an age is attained the day before the birthday).
    /// </summary>
    [Property(MaxTest = 300)]
    public void Months_follow_the_month_end_rule_the_75th_birthday_and_the_legal_ages_40_to_64(HouseholdCase c)
    {
        var ages = c.RuleSet.Parameters.Ages;
        var a = c.Assess();
        var monthEnds = MonthEnds(c.FiscalYear);
        foreach (var (member, result) in c.Snapshot().Members.Zip(a.Members))
        {
            var insured = monthEnds.Where(d => member.IsCoveredOn(d) && CalendarAge(member.BirthDate, d) < ages.LateElderly).ToArray();
            Assert.Equal(insured.Length, result.InsuredMonths);
            Assert.Equal(insured.Length, result.ComponentMonths["medical"]);
            Assert.Equal(insured.Length, result.ComponentMonths["support"]);
            Assert.Equal(insured.Count(d => LegalAge(member.BirthDate, d) >= ages.CareFrom && LegalAge(member.BirthDate, d) < ages.CareUntil), result.ComponentMonths["care"]);
        }
    }

    private static LocalDate[] MonthEnds(int fy) =>
        Enumerable.Range(0, 12).Select(k => new LocalDate(fy, 4, 1).PlusMonths(k + 1).PlusDays(-1)).ToArray();

    /// <summary>Completed years, a birthday counting from the birthday itself (29 February: from 1 March in common years).</summary>
    private static int CalendarAge(LocalDate birth, LocalDate date)
    {
        var years = date.Year - birth.Year;
        return (date.Month, date.Day).CompareTo((birth.Month, birth.Day)) < 0 ? years - 1 : years;
    }

    /// <summary>年齢計算ニ関スル法律: an age is attained at the start of the day before the birthday.</summary>
    private static int LegalAge(LocalDate birth, LocalDate date) => CalendarAge(birth, date.PlusDays(1));

    // ---- 8. Reduction class is monotone in income -------------------------------------------------

    [Property(MaxTest = 1000)]
    public void A_lower_judgement_income_with_the_same_persons_and_earners_never_gives_a_weaker_reduction_class(ReductionProbe r)
    {
        InvariantAssert.Holds(ReductionClassMonotone.Check(r));
    }

    [Property]
    public void Lowering_a_counted_members_income_never_gives_the_household_a_weaker_reduction_class(HouseholdCase c, NonNegativeInt pick, YenAmount cut)
    {
        InvariantAssert.Holds(LowerIncomeNeverWeakerReduction.Check(new IncomeCutCase(c, pick.Get, cut.Value)));
    }

    // ---- 9. Undeclared income ----------------------------------------------------------------------

    [Property]
    public void An_undeclared_income_of_any_counted_member_means_no_reduction_and_the_member_is_listed(HouseholdCase c, NonNegativeInt pick)
    {
        var before = c.Assess();
        var counted = before.Members.Select((m, i) => (m, i)).Where(x => x.m.CountedInReduction).Select(x => x.i).ToArray();
        if (counted.Length == 0)
        {
            Assert.Null(before.JudgementDate);
            Assert.Equal("none", before.ReductionClass);
            Assert.Empty(before.UndeclaredIncomeMembers);
            return;
        }
        var index = counted[pick.Get % counted.Length];
        var after = c.WithMember(index, m => m with { Income = Households.Undeclared }).Assess();
        Assert.Equal("none", after.ReductionClass);
        Assert.Contains(before.Members[index].Id, after.UndeclaredIncomeMembers);
        // The list is exactly the counted members whose income is undeclared.
        Assert.Equal(after.Members.Where(m => m.CountedInReduction && !m.IncomeDeclared).Select(m => m.Id).Order(StringComparer.Ordinal),
            after.UndeclaredIncomeMembers.Order(StringComparer.Ordinal));
        Assert.Equal(before.Members.Select(m => m.CountedInReduction), after.Members.Select(m => m.CountedInReduction));
    }

    // ---- 10. Determinism under parallel use ---------------------------------------------------------

    [Property(MaxTest = 5)]
    public void Assessing_200_households_in_parallel_gives_the_same_results_as_sequentially(HouseholdBatch batch)
    {
        var inputs = batch.Cases.Select(c => (c.RuleSet, Snapshot: c.Snapshot())).ToArray();
        string Run(int i, bool trace)
        {
            var (rs, snapshot) = inputs[i];
            return Fingerprint(PremiumCalculator.Assess(rs, snapshot, trace ? new global::KokuhoRules.Engine.Tracing.Trace() : null));
        }
        var sequential = Enumerable.Range(0, inputs.Length).Select(i => Run(i, trace: (i & 1) == 0)).ToArray();
        var parallel = new string[inputs.Length * 4];
        Parallel.For(0, parallel.Length, new ParallelOptions { MaxDegreeOfParallelism = Math.Max(4, Environment.ProcessorCount) }, j =>
        {
            var i = j % inputs.Length;
            parallel[j] = Run(i, trace: (i & 1) == 0);
        });
        for (var j = 0; j < parallel.Length; j++)
            Assert.True(sequential[j % inputs.Length] == parallel[j], $"household {batch.Cases[j % inputs.Length]} differs when assessed in parallel");
    }

    [Property]
    public void Assessing_with_a_trace_gives_the_same_result_as_without(HouseholdCase c)
    {
        var snapshot = c.Snapshot();
        var plain = PremiumCalculator.Assess(c.RuleSet, snapshot);
        var traced = PremiumCalculator.Assess(c.RuleSet, snapshot, new global::KokuhoRules.Engine.Tracing.Trace());
        Assert.NotNull(traced.Trace);
        Assert.Equal(Fingerprint(plain), Fingerprint(traced with { Trace = null }));
    }

    // ---- 11. Relieve -------------------------------------------------------------------------------

    [Property(MaxTest = 2000)]
    public void Relieve_with_floor_rounding_charges_between_0_and_the_amount(ReliefCase r)
    {
        var floor = r with { Mode = RoundingMode.Floor };
        var charged = PremiumCalculator.Relieve(floor.Yen, floor.Ratio, floor.Rounding);
        Assert.InRange(charged, 0, floor.Yen);
    }

    [Property(MaxTest = 2000)]
    public void Relieve_with_statutory_ratios_on_amounts_of_at_least_10_rounding_units_charges_between_0_and_the_amount_in_every_mode(ReliefCase r)
    {
        // 1割–7割 (the 7/5/2割 reductions and the 未就学児 5割) on an amount of at least ten rounding units.
        var numerator = Math.Clamp(r.RatioNumerator * 10 / r.RatioDenominator, 1, 7);
        var yen = Math.Max(r.Yen, 10 * r.UnitYen);
        var charged = PremiumCalculator.Relieve(yen, new Ratio(numerator, 10), r.Rounding);
        Assert.InRange(charged, 0, yen);
    }

    [Property(MaxTest = 2000)]
    public void Relieve_never_charges_more_than_the_amount_nor_less_than_0_for_every_target_unit_and_mode(ReliefCase r)
    {
        var charged = PremiumCalculator.Relieve(r.Yen, r.Ratio, r.Rounding);
        Assert.InRange(charged, 0, r.Yen);
    }
}
