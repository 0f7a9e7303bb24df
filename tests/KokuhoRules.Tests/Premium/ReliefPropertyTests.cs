using System.Text.Json;
using System.Text.Json.Nodes;
using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;
using KokuhoRules.Engine.Money;
using KokuhoRules.Rules.Catalog;
using KokuhoRules.Rules.Checks;
using KokuhoRules.Rules.Premium;
using KokuhoRules.Rules.Snapshots;
using KokuhoRules.Tests.Support;
using NodaTime;

namespace KokuhoRules.Tests.Premium;

/// <summary>
/// Properties of the reliefs (premium.md §1.5, §5–§7): 産前産後, the FY2026 子ども分 waiver of the
/// under-18 均等割, 旧被扶養者, 非自発的失業者, 特定世帯 / 特定継続世帯, and how the reliefs of a component are
/// itemised. Households come from <see cref="HouseholdGenerators"/> (which already draws births,
/// separations, 旧被扶養者 status and 特定同一世帯所属者) under the rule sets of
/// <see cref="PropertyRuleSets.Pool"/> plus the amagasaki/2026 draft, assessed with
/// <see cref="PremiumCalculator"/> directly. Each test name states its invariant; where a bound has a
/// slack, the slack is derived from the rule set's rounding parameters in the test's summary.
/// </summary>
[Properties(Arbitrary = [typeof(HouseholdArbitraries), typeof(ReliefArbitraries)], MaxTest = 200)]
public sealed class ReliefPropertyTests
{
    private static readonly LocalDate PerinatalEligibleFrom = new(2023, 11, 1); // 令和5年11月1日以後の出産(予定)
    private static readonly LocalDate PerinatalFirstExemptMonth = new(2024, 1, 1); // 令和6年1月分から
    private const int LateElderlyAge = 75;
    private const int ChildWaiverUntil = 18;

    private static readonly string[] ClassOrder = ["none", "2割", "5割", "7割"];

    private static int Strength(string reductionClass)
    {
        var i = Array.IndexOf(ClassOrder, reductionClass);
        Assert.True(i >= 0, $"unknown reduction class '{reductionClass}'");
        return i;
    }

    private static ComponentAssessment Of(PremiumAssessment a, string name) => a.Components.Single(c => c.Name == name);

    private static long ReliefOf(ComponentAssessment c, Relief relief) => c.Reliefs.Where(r => r.Relief == relief).Sum(r => r.Amount);

    private static int Sign(ExactYen x) => Int128.Sign(x.Numerator) * Math.Sign(x.Denominator);

    /// <summary>−unit &lt; x &lt; unit.</summary>
    private static bool WithinOneUnit(ExactYen x, long unit) => Sign(x - ExactYen.FromYen(unit)) < 0 && Sign(x + ExactYen.FromYen(unit)) > 0;

    private static ExactYen Months12(ExactYen yearly, int months) => (yearly * months).DividedBy(12);

    private static LocalDate MonthEnd(int fy, int k) => new LocalDate(fy, 4, 1).PlusMonths(k + 1).PlusDays(-1);

    private static int CalendarAge(LocalDate birth, LocalDate date)
    {
        var years = date.Year - birth.Year;
        return (date.Month, date.Day).CompareTo((birth.Month, birth.Day)) < 0 ? years - 1 : years;
    }

    /// <summary>年齢計算ニ関スル法律: an age is attained at the start of the day before the birthday.</summary>
    private static int LegalAge(LocalDate birth, LocalDate date) => CalendarAge(birth, date.PlusDays(1));

    /// <summary>The month-end rule: insured in month k when covered on its last day and not yet 75.</summary>
    private static bool InsuredAtMonthEnd(MemberSnapshot m, int fy, int k) =>
        m.IsCoveredOn(MonthEnd(fy, k)) && CalendarAge(m.BirthDate, MonthEnd(fy, k)) < LateElderlyAge;

    private static Ratio ClassRatio(PremiumParameters p, string reductionClass) => reductionClass switch
    {
        "7割" => p.Reduction.SevenTenthsRatio,
        "5割" => p.Reduction.FiveTenthsRatio,
        "2割" => p.Reduction.TwoTenthsRatio,
        _ => Ratio.Zero,
    };

    // ---- 1. 産前産後: what a birth removes ---------------------------------------------------------

    /// <summary>
    /// Adding a birth B to member M (keeping her other births) can only lower the premium, by no more
    /// than M's own share over the months B newly exempts: with Δ = her 産前産後 months after − before
    /// (insured months only) and, per component c, m_c = min(Δ, her liable months for c),
    /// share = Σ_c (算定基礎所得 × rate_c × m_c / 12 + 均等割 charge_c × m_c / 12), the charge being
    /// <see cref="MemberAssessment.PerCapitaCharges"/> (after waiver, 法定軽減, 未就学児; the 旧被扶養者 window
    /// and the 非自発的失業者 deeming only make the exempted amount smaller). The exact drop of each item
    /// is at most its part of the share; rounding the 所得割 item, the 均等割 item, the component and
    /// the annual premium each moves a difference by strictly less than its unit, and the cap (a min)
    /// never widens one, so:
    /// 0 ≤ premium_before − premium_after &lt; share + Σ_c (incomeLevy.unitYen + perCapita.unitYen + component.unitYen) + annual.unitYen.
    /// Per component, the 産前産後 relief grows by ≥ 0 and &lt; share_c + incomeLevy.unitYen + perCapita.unitYen.
    /// The birth changes nothing else: the 平等割 and every other relief (so every 平等割-stage relief:
    /// 特定世帯, 法定軽減, 旧被扶養者), gross items, caps, months, the reduction class, every member's
    /// 均等割 charges and the other members' relief months stay the same.
    /// </summary>
    [Property(MaxTest = 300)]
    public void A_birth_lowers_the_premium_by_at_least_0_and_less_than_the_mothers_share_over_the_new_exempt_months_plus_one_rounding_unit_per_rounding_point_and_touches_nothing_else(BirthCase b)
    {
        var c = b.Case;
        var rs = c.RuleSet;
        var p = rs.Parameters;
        var r = p.Rounding;
        var index = b.Index;
        var before = c.Assess();
        var after = c.WithMember(index, m => m with
        {
            Childbirths = [.. m.Childbirths ?? [], new ChildbirthJson { Date = b.Date, Multiple = b.Multiple ? true : null }],
        }).Assess();

        var mother = after.Members[index];
        Assert.Equal(b.MemberId, mother.Id);
        var delta = mother.ReliefMonths.GetValueOrDefault(Relief.Perinatal) - before.Members[index].ReliefMonths.GetValueOrDefault(Relief.Perinatal);
        Assert.InRange(delta, 0, b.Multiple ? 6 : 4);

        Assert.Equal(before.ReductionClass, after.ReductionClass);
        Assert.Equal(before.JudgementDate, after.JudgementDate);
        for (var i = 0; i < before.Members.Count; i++)
        {
            var x = before.Members[i];
            var y = after.Members[i];
            Assert.Equal(x.InsuredMonths, y.InsuredMonths);
            Assert.Equal(x.ComponentMonths, y.ComponentMonths);
            Assert.Equal(x.PerCapitaCharges, y.PerCapitaCharges);
            if (i != index) Assert.Equal(x.ReliefMonths, y.ReliefMonths);
        }

        var share = ExactYen.Zero;
        var slack = r.Annual.UnitYen;
        foreach (var comp in rs.Components)
        {
            var x = Of(before, comp.Name);
            var y = Of(after, comp.Name);
            var months = Math.Min(delta, mother.ComponentMonths[comp.Name]);
            var shareC = Months12(ExactYen.FromYen(mother.AssessableIncome) * comp.Rates.IncomeRate, months)
                         + Months12(ExactYen.FromYen(mother.PerCapitaCharges[comp.Name]), months);
            share += shareC;
            slack += r.IncomeLevy.UnitYen + r.PerCapita.UnitYen + r.Component.UnitYen;

            Assert.Equal((x.IncomeLevy, x.PerCapita, x.PerHousehold, x.Cap, x.Months), (y.IncomeLevy, y.PerCapita, y.PerHousehold, y.Cap, y.Months));
            Assert.Equal(x.Reliefs.Where(z => z.Relief != Relief.Perinatal), y.Reliefs.Where(z => z.Relief != Relief.Perinatal));
            var grown = ReliefOf(y, Relief.Perinatal) - ReliefOf(x, Relief.Perinatal);
            Assert.Equal(grown, y.Reduction - x.Reduction);
            Assert.True(grown >= 0, $"{comp.Name}: 産前産後 relief fell by {-grown}");
            Assert.True(Sign(ExactYen.FromYen(grown) - shareC - ExactYen.FromYen(r.IncomeLevy.UnitYen + r.PerCapita.UnitYen)) < 0,
                $"{comp.Name}: 産前産後 relief grew by {grown}, not below her share {shareC} + {r.IncomeLevy.UnitYen + r.PerCapita.UnitYen}");
            Assert.True(y.BeforeCap <= x.BeforeCap && y.Amount <= x.Amount, $"{comp.Name}: {x.Amount} → {y.Amount} (before cap {x.BeforeCap} → {y.BeforeCap})");
        }
        var drop = before.AnnualPremium - after.AnnualPremium;
        Assert.True(drop >= 0, $"the birth raised the premium from {before.AnnualPremium} to {after.AnnualPremium}");
        Assert.True(Sign(ExactYen.FromYen(drop) - share - ExactYen.FromYen(slack)) < 0,
            $"the birth lowered the premium by {drop}: not below her share over {delta} month(s) {share} + slack {slack}");
    }

    // ---- 2. 産前産後: which months --------------------------------------------------------------------

    /// <summary>
    /// The months of the fiscal year from (birth month − 1, or − 3 for a multiple birth) to (birth month
    /// + 2) in which she is insured (covered at the month end, not yet 75), from 2024-01 on, for a birth
    /// from 2023-11-01 — so at most 4 (single) or 6 (multiple), at most her insured months, 0 for a
    /// birth before 2023-11-01, and in FY2023 (shimonoseki/2023) only 2024-01〜2024-03 can count.
    /// </summary>
    [Property(MaxTest = 300)]
    public void Perinatal_months_are_the_insured_months_from_the_month_before_or_3_before_to_2_after_the_birth_from_2024_01_so_at_most_4_or_6(BirthCase b)
    {
        var c = b.Case;
        var withBirth = c.WithMember(b.Index, m => m with { Childbirths = [new ChildbirthJson { Date = b.Date, Multiple = b.Multiple ? true : null }] });
        var a = withBirth.Assess();
        var member = a.Members[b.Index];
        var months = member.ReliefMonths.GetValueOrDefault(Relief.Perinatal);
        var snapshot = withBirth.Snapshot().Members[b.Index];
        Assert.Equal(ExpectedPerinatalMonths(snapshot, c.FiscalYear, b.Date, b.Multiple, PerinatalFirstExemptMonth), months);
        Assert.InRange(months, 0, b.Multiple ? 6 : 4);
        Assert.InRange(months, 0, member.InsuredMonths);
        if (b.Date < PerinatalEligibleFrom) Assert.Equal(0, months);
        if (c.FiscalYear == 2023) Assert.InRange(months, 0, 3); // 2024-01〜03 only
        Assert.DoesNotContain(0, member.ReliefMonths.Values); // a relief with no month is not listed
    }

    /// <summary>
    /// With the FY2023 first exempt month moved back to 2023-04 (a variant of the national layer, so
    /// the 2024-01 transition no longer hides it), a birth before 2023-11-01 still exempts nothing,
    /// and one from 2023-11-01 exempts its insured months from 2023-10 (single) / 2023-08 (multiple).
    /// </summary>
    [Property(MaxTest = 200)]
    public void A_birth_before_2023_11_01_exempts_no_month_even_when_the_first_exempt_month_is_moved_back_to_April_2023(Fy2023BirthCase b)
    {
        var withBirth = b.Case.WithMember(b.Index, m => m with { Childbirths = [new ChildbirthJson { Date = b.Date, Multiple = b.Multiple ? true : null }] });
        var snapshot = withBirth.Snapshot();
        var a = PremiumCalculator.Assess(ReliefRuleSets.PerinatalFromApril2023, snapshot);
        var months = a.Members[b.Index].ReliefMonths.GetValueOrDefault(Relief.Perinatal);
        Assert.Equal(ExpectedPerinatalMonths(snapshot.Members[b.Index], 2023, b.Date, b.Multiple, new LocalDate(2023, 4, 1)), months);
        if (b.Date < PerinatalEligibleFrom) Assert.Equal(0, months);
    }

    private static int ExpectedPerinatalMonths(MemberSnapshot m, int fy, LocalDate birth, bool multiple, LocalDate firstExemptMonth)
    {
        if (birth < PerinatalEligibleFrom) return 0;
        var birthMonth = birth.Year * 12 + birth.Month - 1;
        var first = firstExemptMonth.Year * 12 + firstExemptMonth.Month - 1;
        var count = 0;
        for (var k = 0; k < 12; k++)
        {
            var start = new LocalDate(fy, 4, 1).PlusMonths(k);
            var month = start.Year * 12 + start.Month - 1;
            var offset = month - birthMonth;
            if (offset >= (multiple ? -3 : -1) && offset <= 2 && month >= first && InsuredAtMonthEnd(m, fy, k)) count++;
        }
        return count;
    }

    // ---- 3. FY2026 子ども・子育て支援納付金分 ---------------------------------------------------------

    /// <summary>
    /// amagasaki/2026 (draft): a member under 18 (legal age) on 2026-03-31 pays no 子ども分 均等割; a
    /// liable adult pays between 0 and perCapita + adultPerCapitaAddOn (exactly that without a
    /// reduction class); a member not liable pays 0; the component is within its 30,000 yen cap; and
    /// the perCapitaWaiver relief is Σ over waived liable members of perCapita × months / 12 to within
    /// one perCapita rounding unit (the item is rounded with and without the waiver: a difference of two
    /// roundings is off by less than one unit). No other component carries a perCapitaWaiver.
    /// </summary>
    [Property(MaxTest = 300)]
    public void Fy2026_child_component_waives_the_under_18_per_capita_charges_adults_pay_at_most_per_capita_plus_add_on_within_the_30000_cap_and_the_waiver_is_the_waived_per_capita_months(Fy2026Case f)
    {
        var c = f.Case;
        var rs = c.RuleSet;
        Assert.Equal(2026, rs.FiscalYear);
        var rates = rs.Parameters.Rates["child"];
        Assert.Equal(1800, rates.PerCapita);
        Assert.Equal(100, rates.AdultPerCapitaAddOn);
        var a = PremiumCalculator.Assess(rs, c.Snapshot());
        var child = Of(a, "child");
        Assert.InRange(child.Cap, 0, 30_000);
        Assert.InRange(child.Amount, 0, 30_000);

        var waivedExact = ExactYen.Zero;
        foreach (var (member, result) in c.Snapshot().Members.Zip(a.Members))
        {
            var months = result.ComponentMonths["child"];
            var charge = result.PerCapitaCharges["child"];
            var minor = LegalAge(member.BirthDate, new LocalDate(2026, 3, 31)) < ChildWaiverUntil;
            if (months == 0) Assert.Equal(0, charge);
            else if (minor)
            {
                Assert.True(charge == 0, $"{member.Id} (born {member.BirthDate:uuuu-MM-dd}, under 18 on 2026-03-31) pays a 子ども分 均等割 of {charge}");
                waivedExact += Months12(ExactYen.FromYen(rates.PerCapita), months);
            }
            else
            {
                Assert.InRange(charge, 0, rates.PerCapita + rates.AdultPerCapitaAddOn!.Value);
                if (a.ReductionClass == "none") Assert.Equal(rates.PerCapita + rates.AdultPerCapitaAddOn.Value, charge);
            }
        }
        var waiver = ReliefOf(child, Relief.PerCapitaWaiver);
        Assert.True(WithinOneUnit(ExactYen.FromYen(waiver) - waivedExact, rs.Parameters.Rounding.PerCapita.UnitYen),
            $"perCapitaWaiver {waiver} vs Σ perCapita × months/12 of waived members = {waivedExact}");
        foreach (var other in a.Components.Where(x => x.Name != "child"))
            Assert.DoesNotContain(other.Reliefs, x => x.Relief == Relief.PerCapitaWaiver);
    }

    // ---- 4. Order of members -------------------------------------------------------------------------

    /// <summary>
    /// Shuffling the members (the head's id unchanged) of a household carrying at least one relief field
    /// (a birth, a separation, 旧被扶養者 status or a 特定同一世帯所属者, forced when the draw has none)
    /// gives equal component assessments, reliefs included (<see cref="ComponentAssessment"/> compares
    /// them item by item), and the same relief months and 均等割 charges per member id.
    /// </summary>
    [Property(MaxTest = 300)]
    public void Shuffling_the_members_of_a_household_with_reliefs_gives_equal_components_including_their_reliefs(ReliefHouseholdCase r, int seed)
    {
        var c = r.Case;
        var members = c.Household.Members!.ToArray();
        new Random(seed).Shuffle(members);
        var shuffled = c.With(c.Household with { Members = members });
        Assert.Equal(c.Household.HeadId, shuffled.Household.HeadId);
        var a = c.Assess();
        var b = shuffled.Assess();
        Assert.Equal(a.AnnualPremium, b.AnnualPremium);
        Assert.Equal(a.ReductionClass, b.ReductionClass);
        Assert.True(a.Components.SequenceEqual(b.Components),
            $"components differ:\n{string.Join("\n", a.Components)}\nvs\n{string.Join("\n", b.Components)}");
        foreach (var x in a.Members)
        {
            var y = b.Members.Single(m => m.Id == x.Id);
            Assert.Equal(x.ReliefMonths, y.ReliefMonths);
            Assert.Equal(x.PerCapitaCharges, y.PerCapitaCharges);
            Assert.Equal(x.Head, y.Head);
        }
    }

    // ---- 5. How reliefs are itemised ---------------------------------------------------------------

    /// <summary>
    /// In every component: Reduction = Σ reliefs; each listed relief removed more than 0 yen; the
    /// reliefs are in the order of <see cref="Relief"/> with no relief twice; each carries its label and a
    /// reference; a 特定世帯 relief only on a component the law gives it to (医療分, 支援金分) and a
    /// perCapitaWaiver only on the 子ども分.
    /// </summary>
    [Property(MaxTest = 300)]
    public void Each_components_reduction_is_the_sum_of_its_reliefs_each_positive_listed_once_in_relief_enum_order(ReliefHouseholdCase r)
    {
        var rs = r.Case.RuleSet;
        var a = r.Case.Assess();
        foreach (var comp in a.Components)
        {
            Assert.Equal(comp.Reduction, comp.Reliefs.Sum(x => x.Amount));
            Assert.All(comp.Reliefs, x => Assert.True(x.Amount > 0, $"{comp.Name}: {x.Relief} of {x.Amount}"));
            for (var i = 1; i < comp.Reliefs.Count; i++)
                Assert.True(comp.Reliefs[i - 1].Relief < comp.Reliefs[i].Relief,
                    $"{comp.Name}: {comp.Reliefs[i - 1].Relief} listed before {comp.Reliefs[i].Relief}");
            Assert.All(comp.Reliefs, x =>
            {
                Assert.Equal(Reliefs.Label(x.Relief), x.Label);
                Assert.False(string.IsNullOrWhiteSpace(x.Reference), $"{comp.Name}: {x.Relief} has no reference");
            });
            var definition = rs.Components.Single(x => x.Name == comp.Name);
            if (!definition.SpecifiedHouseholdRelief) Assert.DoesNotContain(comp.Reliefs, x => x.Relief == Relief.SpecifiedHousehold);
            if (comp.Name is "medical" or "support") Assert.True(definition.SpecifiedHouseholdRelief);
            if (comp.Name != "child") Assert.DoesNotContain(comp.Reliefs, x => x.Relief == Relief.PerCapitaWaiver);
        }
    }

    // ---- 6. 旧被扶養者 ------------------------------------------------------------------------------

    /// <summary>
    /// A single insured 旧被扶養者 (65–74 at acquisition, covered all year, never 75 in it) pays no
    /// 所得割: in each component liable all year, the 旧被扶養者 relief is exactly the 所得割 left after the
    /// 非自発的失業者 stage (IncomeLevy − that relief) plus its 均等割 and 平等割 parts, which exist only in
    /// months of the 24-month window and only where ½ beats the reduction class (none or 2割):
    /// ⌊…⌉pc(12·u₂/12) − ⌊…⌉pc((w·u₃ + (12−w)·u₂)/12) with u₂ the charge after 法定軽減 and u₃ after the ½
    /// (each by <see cref="PremiumCalculator.Relieve"/> with the rule set's relief roundings), and the same
    /// for the 平等割 (the member is the whole household). Hence BeforeCap = component rounding of
    /// (PerCapita + PerHousehold − the reliefs on those two items) — no 所得割 part.
    /// </summary>
    [Property(MaxTest = 300)]
    public void A_whole_year_single_insured_former_dependant_pays_no_income_levy_before_cap_is_the_rounded_per_capita_plus_per_household_net_of_their_reliefs(FormerDependantCase f)
    {
        var rs = f.RuleSet;
        var p = rs.Parameters;
        var r = p.Rounding;
        var a = rs.Assess(f.Household);
        var member = a.Members.Single();
        Assert.Equal(12, member.InsuredMonths);
        Assert.Equal(12, member.ReliefMonths.GetValueOrDefault(Relief.FormerDependant));
        Assert.DoesNotContain(a.Components, x => x.Reliefs.Any(z => z.Relief == Relief.Perinatal || z.Relief == Relief.Preschool || z.Relief == Relief.SpecifiedHousehold));

        // Months of the fiscal year within the window (the acquisition month and the 23 after it).
        var firstMonth = f.Acquired.Year * 12 + f.Acquired.Month - 1;
        var w = Enumerable.Range(0, 12).Count(k =>
        {
            var d = new LocalDate(f.FiscalYear, 4, 1).PlusMonths(k);
            var month = d.Year * 12 + d.Month - 1;
            return month >= firstMonth && month <= firstMonth + p.FormerDependant.WindowMonths - 1;
        });
        var classRatio = ClassRatio(p, a.ReductionClass);

        long WindowDrop(long gross, Ratio fdRatio, Rounding item)
        {
            var statutory = PremiumCalculator.Relieve(gross, classRatio, r.Reduction);
            var half = fdRatio.CompareTo(classRatio) > 0 ? PremiumCalculator.Relieve(gross, fdRatio, r.FormerDependant) : statutory;
            return item.Apply(ExactYen.FromYen(statutory))
                   - item.Apply((ExactYen.FromYen(half) * w + ExactYen.FromYen(statutory) * (12 - w)).DividedBy(12));
        }

        foreach (var comp in a.Components)
        {
            var months = member.ComponentMonths[comp.Name];
            if (comp.Name == "care") Assert.Equal(0, months); // 65 and over: 介護保険第1号被保険者
            if (months == 0)
            {
                Assert.Equal(0, comp.Amount);
                continue;
            }
            Assert.Equal(12, months);
            var rates = p.Rates[comp.Name];
            var capitaPart = WindowDrop(rates.PerCapita + (rates.AdultPerCapitaAddOn ?? 0), p.FormerDependant.PerCapitaRatio, r.PerCapita);
            var householdPart = WindowDrop(rates.PerHousehold, p.FormerDependant.PerHouseholdRatio, r.PerHousehold);
            var unemployment = ReliefOf(comp, Relief.InvoluntaryUnemployment);
            var formerDependant = ReliefOf(comp, Relief.FormerDependant);
            Assert.True(comp.IncomeLevy - unemployment + capitaPart + householdPart == formerDependant,
                $"{comp.Name}: 旧被扶養者 relief {formerDependant} ≠ 所得割 {comp.IncomeLevy} − 非自発的失業者 {unemployment} + 均等割 part {capitaPart} + 平等割 part {householdPart} (window months {w}, class {a.ReductionClass})");
            var otherItemReliefs = ReliefOf(comp, Relief.StatutoryReduction) + ReliefOf(comp, Relief.PerCapitaWaiver) + capitaPart + householdPart;
            Assert.Equal(r.Component.Apply(comp.PerCapita + comp.PerHousehold - otherItemReliefs), comp.BeforeCap);
        }
    }

    // ---- 7. 非自発的失業者 ----------------------------------------------------------------------------

    /// <summary>
    /// Giving a member under 65 a separation with reason code 11 (特定受給資格者) — instead of none — never
    /// raises the annual premium or any component (before or after the cap) and never weakens the
    /// reduction class (the 給与所得 is only ever deemed lower).
    /// </summary>
    [Property(MaxTest = 300)]
    public void A_qualifying_separation_never_raises_the_premium_or_any_component_and_never_weakens_the_reduction_class(SeparationCase s)
    {
        if (s.Index < 0) return; // no member of working age on the drawn date
        var without = s.Case.WithMember(s.Index, m => m with { InvoluntaryUnemployment = null }).Assess();
        var withSeparation = s.Case.WithMember(s.Index, m => m with
        {
            InvoluntaryUnemployment = new InvoluntaryUnemploymentJson { SeparationDate = s.Date, ReasonCode = "11" },
        }).Assess();
        Assert.True(withSeparation.AnnualPremium <= without.AnnualPremium, $"premium rose from {without.AnnualPremium} to {withSeparation.AnnualPremium}");
        Assert.True(Strength(withSeparation.ReductionClass) >= Strength(without.ReductionClass),
            $"reduction weakened from {without.ReductionClass} to {withSeparation.ReductionClass}");
        foreach (var x in without.Components)
        {
            var y = Of(withSeparation, x.Name);
            Assert.True(y.BeforeCap <= x.BeforeCap && y.Amount <= x.Amount, $"{x.Name}: {x.Amount} → {y.Amount} (before cap {x.BeforeCap} → {y.BeforeCap})");
        }
    }

    // ---- 8. 特定世帯 / 特定継続世帯 ---------------------------------------------------------------------

    /// <summary>
    /// One member insured all year and a 特定同一世帯所属者 who moved n months before the year's start: for
    /// n &lt; 60 (特定世帯) 医療分 and 支援金分 each carry a specifiedHousehold relief of ½ of the gross
    /// 平等割 item (the stage before it), for 60 ≤ n &lt; 96 (特定継続世帯) ¼, after that none; 介護分 (and 子ども分)
    /// never. Slack: the relieved 平等割 is off the exact by less than specifiedHousehold.unitYen, the two
    /// item roundings by less than perHousehold.unitYen each, so |relief − PerHousehold × ratio| &lt;
    /// specifiedHousehold.unitYen + 2 × perHousehold.unitYen.
    /// </summary>
    [Property(MaxTest = 300)]
    public void With_one_insured_member_all_year_medical_and_support_carry_a_specified_household_relief_of_half_the_per_household_within_60_months_a_quarter_within_96_and_care_never(SpecifiedCase s)
    {
        var rs = s.RuleSet;
        var p = rs.Parameters;
        var a = rs.Assess(s.Household);
        Assert.Equal(1, a.Members.Count(m => m.InsuredMonths > 0));
        Assert.Equal(12, a.Members.Max(m => m.InsuredMonths));
        var ratio = s.MonthsBeforeYear < p.SpecifiedHousehold.SpecifiedMonths ? p.SpecifiedHousehold.SpecifiedRatio
            : s.MonthsBeforeYear < p.SpecifiedHousehold.SpecifiedMonths + p.SpecifiedHousehold.ContinuedMonths ? p.SpecifiedHousehold.ContinuedRatio
            : Ratio.Zero;
        var slack = p.Rounding.SpecifiedHousehold.UnitYen + 2 * p.Rounding.PerHousehold.UnitYen;
        foreach (var comp in a.Components)
        {
            var relief = ReliefOf(comp, Relief.SpecifiedHousehold);
            if (comp.Name is "medical" or "support")
            {
                Assert.Equal(12, comp.Months);
                Assert.True(WithinOneUnit(ExactYen.FromYen(relief) - ExactYen.FromYen(comp.PerHousehold) * ratio, slack),
                    $"{comp.Name}: 特定世帯 relief {relief} vs 平等割 {comp.PerHousehold} × {ratio} (slack {slack})");
                if (ratio.Numerator == 0) Assert.Equal(0, relief);
            }
            else Assert.Equal(0, relief);
        }
    }

    // ---- The generators reach what the properties are about ---------------------------------------

    [Fact]
    public void The_relief_generators_reach_every_relief_and_the_edge_cases_the_properties_are_about()
    {
        var seen = new Dictionary<string, bool>();
        var forced = Gen.Sample(ReliefGenerators.WithReliefs, 1500).Select(r => (r.Case, A: r.Case.Assess())).ToArray();
        foreach (var relief in Enum.GetValues<Relief>())
            seen[$"relief {relief}"] = forced.Any(x => x.A.Components.Any(c => c.Reliefs.Any(z => z.Relief == relief)));
        seen["FY2026 household"] = forced.Any(x => x.Case.FiscalYear == 2026);

        var births = Gen.Sample(ReliefGenerators.Birth, 1500);
        seen["a birth exempting a month"] = births.Any(b => b.Case.WithMember(b.Index, m => m with { Childbirths = [new ChildbirthJson { Date = b.Date, Multiple = b.Multiple ? true : null }] })
            .Assess().Members[b.Index].ReliefMonths.ContainsKey(Relief.Perinatal));
        seen["FY2023 birth from 2023-11-01"] = births.Any(b => b.Case.FiscalYear == 2023 && b.Date >= PerinatalEligibleFrom);
        seen["a multiple birth"] = births.Any(b => b.Multiple);

        var fy2023 = Gen.Sample(ReliefGenerators.Fy2023Birth, 500);
        seen["FY2023 variant: birth 2023-10-31"] = fy2023.Any(b => b.Date == new LocalDate(2023, 10, 31));
        seen["FY2023 variant: birth 2023-11-01"] = fy2023.Any(b => b.Date == PerinatalEligibleFrom);

        var fd = Gen.Sample(ReliefGenerators.FormerDependant, 4000).Select(f => (f, A: f.RuleSet.Assess(f.Household))).ToArray();
        seen["旧被扶養者 window over the whole year"] = fd.Any(x => x.f.Acquired >= new LocalDate(x.f.FiscalYear - 1, 4, 1));
        seen["旧被扶養者 window ended before the year"] = fd.Any(x => x.f.Acquired < new LocalDate(x.f.FiscalYear - 2, 5, 1));
        seen["旧被扶養者 window over part of the year"] = fd.Any(x => x.f.Acquired >= new LocalDate(x.f.FiscalYear - 2, 5, 1) && x.f.Acquired < new LocalDate(x.f.FiscalYear - 1, 4, 1));
        seen["旧被扶養者 with a 均等割 part (class none or 2割)"] = fd.Any(x => x.A.ReductionClass is "none" or "2割" && x.f.Acquired >= new LocalDate(x.f.FiscalYear - 2, 5, 1));
        seen["旧被扶養者 in a 5割 or 7割 household"] = fd.Any(x => x.A.ReductionClass is "5割" or "7割");
        seen["旧被扶養者 with a 非自発的失業者 relief"] = fd.Any(x => x.A.Components.Any(c => c.Reliefs.Any(z => z.Relief == Relief.InvoluntaryUnemployment)));

        var specified = Gen.Sample(ReliefGenerators.Specified, 1000);
        seen["特定世帯 at 59 months"] = specified.Any(x => x.MonthsBeforeYear == 59);
        seen["特定継続世帯 at 60 months"] = specified.Any(x => x.MonthsBeforeYear == 60);
        seen["period over at 96 months"] = specified.Any(x => x.MonthsBeforeYear >= 96);
        seen["特定世帯 with a 介護分 payer"] = specified.Any(x => x.RuleSet.Assess(x.Household).Members.Any(m => m.ComponentMonths["care"] > 0));

        var separations = Gen.Sample(ReliefGenerators.Separation, 1000)
            .Where(x => x.Index >= 0)
            .Select(x => x.Case.WithMember(x.Index, m => m with { InvoluntaryUnemployment = new InvoluntaryUnemploymentJson { SeparationDate = x.Date, ReasonCode = "11" } }).Assess())
            .ToArray();
        seen["a separation giving a relief"] = separations.Any(a => a.Members.Any(m => m.ReliefMonths.ContainsKey(Relief.InvoluntaryUnemployment)));

        var fy2026 = Gen.Sample(ReliefGenerators.Fy2026, 500).Select(f => PremiumCalculator.Assess(f.Case.RuleSet, f.Case.Snapshot())).ToArray();
        seen["FY2026 waiver"] = fy2026.Any(a => Of(a, "child").Reliefs.Any(z => z.Relief == Relief.PerCapitaWaiver));
        seen["FY2026 adult in a reduced household"] = fy2026.Any(a => a.ReductionClass != "none" && a.Members.Any(m => m.PerCapitaCharges["child"] > 0));
        seen["FY2026 child component at its cap"] = fy2026.Any(a => Of(a, "child").BeforeCap > Of(a, "child").Cap);

        Assert.Empty(seen.Where(kv => !kv.Value).Select(kv => kv.Key));
    }
}

/// <summary>A household, a member of it (by index and id) and a birth to give her.</summary>
public sealed record BirthCase(HouseholdCase Case, int Index, LocalDate Date, bool Multiple)
{
    public string MemberId => Case.Household.Members![Index]!.Id!;
    public override string ToString() => $"birth {Date:uuuu-MM-dd}{(Multiple ? " (multiple)" : "")} to {MemberId} in {Case}";
}

/// <summary>A shimonoseki/2023 household and a birth around the 2023-11-01 boundary.</summary>
public sealed record Fy2023BirthCase(HouseholdCase Case, int Index, LocalDate Date, bool Multiple)
{
    public override string ToString() => $"birth {Date:uuuu-MM-dd}{(Multiple ? " (multiple)" : "")} to {Case.Household.Members![Index]!.Id} in {Case}";
}

/// <summary>An amagasaki/2026 (draft) household.</summary>
public sealed record Fy2026Case(HouseholdCase Case)
{
    public override string ToString() => Case.ToString();
}

/// <summary>A household with at least one relief field (birth, separation, 旧被扶養者, 特定同一世帯所属者).</summary>
public sealed record ReliefHouseholdCase(HouseholdCase Case)
{
    public override string ToString() => Case.ToString();
}

/// <summary>A household, a member under 65 on <see cref="Date"/> (index −1: none) and a separation date.</summary>
public sealed record SeparationCase(HouseholdCase Case, int Index, LocalDate Date)
{
    public override string ToString() => $"separation {Date:uuuu-MM-dd} (code 11) for {(Index < 0 ? "nobody" : Case.Household.Members![Index]!.Id)} in {Case}";
}

/// <summary>A single insured 旧被扶養者, 65–74 on acquisition (on or before 1 April), never 75 in the year.</summary>
public sealed record FormerDependantCase(string Insurer, int FiscalYear, LocalDate BirthDate, LocalDate Acquired, IncomeJson Income, LocalDate? Separation)
{
    public PremiumRuleSet RuleSet => PropertyRuleSets.Get(Insurer, FiscalYear);

    public HouseholdJson Household => new()
    {
        Id = "H-FD",
        HeadId = "m1",
        Members =
        [
            new MemberJson
            {
                Id = "m1", BirthDate = BirthDate, Income = Income,
                Coverage = [new CoverageJson { Acquired = Acquired }],
                FormerDependant = new FormerDependantJson { Acquired = Acquired },
                InvoluntaryUnemployment = Separation is { } d ? new InvoluntaryUnemploymentJson { SeparationDate = d, ReasonCode = "11" } : null,
            },
        ],
    };

    public override string ToString() => $"{Insurer}/{FiscalYear} {JsonSerializer.Serialize(Household, KokuhoJson.Options)}";
}

/// <summary>
/// One member insured all year (the head, or with a 擬制世帯主), and a 特定同一世帯所属者 who moved to
/// 後期高齢者医療 <see cref="MonthsBeforeYear"/> months before the fiscal year's first month.
/// </summary>
public sealed record SpecifiedCase(string Insurer, int FiscalYear, HouseholdJson Household, int MonthsBeforeYear)
{
    public PremiumRuleSet RuleSet => PropertyRuleSets.Get(Insurer, FiscalYear);

    public override string ToString() => $"{Insurer}/{FiscalYear} moved {MonthsBeforeYear} months before the year {JsonSerializer.Serialize(Household, KokuhoJson.Options)}";
}

/// <summary>Generators for the relief properties, built on <see cref="HouseholdGenerators"/>.</summary>
public static class ReliefGenerators
{
    private static Gen<bool> Chance(int percent) => Gen.Choose(1, 100).Select(x => x <= percent);

    /// <summary>The property pool and amagasaki/2026 (draft).</summary>
    private static readonly (int Weight, string Insurer, int FiscalYear)[] Keys = [.. PropertyRuleSets.Pool, (5, "amagasaki", 2026)];

    private static Gen<(string Insurer, int FiscalYear)> Key { get; } = Gen.Frequency(Keys.Select(k => (k.Weight, Gen.Constant((k.Insurer, k.FiscalYear)))));

    /// <summary>Any household of the pool, or of amagasaki/2026.</summary>
    public static Gen<HouseholdCase> AnyCase { get; } =
        from key in Key
        from household in HouseholdGenerators.Household(key.FiscalYear)
        select PropertyRuleSets.Case(key.Insurer, key.FiscalYear, household);

    /// <summary>A day from 4 months before to 2 months after the fiscal year (day 1–28), or a boundary.</summary>
    private static Gen<LocalDate> BirthAround(int fy) => Gen.Frequency(
        (8, from month in Gen.Choose(-4, 14) from day in Gen.Choose(1, 28) select new LocalDate(fy, 4, day).PlusMonths(month)),
        (2, Gen.Elements(new LocalDate(fy, 4, 1), new LocalDate(fy, 5, 31), new LocalDate(fy + 1, 3, 31), new LocalDate(fy + 1, 5, 1), new LocalDate(fy, 2, 28),
            new LocalDate(2023, 10, 31), new LocalDate(2023, 11, 1), new LocalDate(2023, 12, 31), new LocalDate(2024, 1, 1), new LocalDate(2024, 2, 15))));

    /// <summary>An index among the members with coverage (any member when none has).</summary>
    private static Gen<int> CoveredMember(HouseholdJson h)
    {
        var covered = h.Members!.Select((m, i) => (m, i)).Where(x => x.m!.Coverage!.Count > 0).Select(x => x.i).ToArray();
        return covered.Length > 0 ? Gen.Elements(covered) : Gen.Choose(0, h.Members!.Count - 1);
    }

    public static Gen<BirthCase> Birth { get; } =
        from c in Gen.Frequency(
            (5, AnyCase),
            (2, HouseholdGenerators.Household(2023).Select(h => PropertyRuleSets.Case("shimonoseki", 2023, h))))
        from index in CoveredMember(c.Household)
        from date in BirthAround(c.FiscalYear)
        from multiple in Chance(25)
        select new BirthCase(c, index, date, multiple);

    public static Gen<Fy2023BirthCase> Fy2023Birth { get; } =
        from h in HouseholdGenerators.Household(2023)
        from index in CoveredMember(h)
        from date in Gen.Frequency(
            (3, from month in Gen.Choose(0, 11) from day in Gen.Choose(1, 28) select new LocalDate(2023, 3, day).PlusMonths(month)),
            (2, Gen.Elements(new LocalDate(2023, 10, 31), new LocalDate(2023, 11, 1), new LocalDate(2023, 10, 1), new LocalDate(2023, 11, 30))))
        from multiple in Chance(30)
        select new Fy2023BirthCase(PropertyRuleSets.Case("shimonoseki", 2023, h), index, date, multiple);

    /// <summary>An amagasaki/2026 household, half the time with an extra insured member born on an 18 (or 6) boundary.</summary>
    public static Gen<Fy2026Case> Fy2026 { get; } =
        from h in HouseholdGenerators.Household(2026)
        from add in Chance(50)
        from birth in Gen.Elements(
            new LocalDate(2008, 4, 1), new LocalDate(2008, 4, 2), new LocalDate(2008, 3, 31), new LocalDate(2008, 2, 29),
            new LocalDate(2007, 4, 2), new LocalDate(2009, 4, 1), new LocalDate(2020, 4, 1), new LocalDate(2020, 4, 2))
        from yearsBefore in Gen.Choose(0, 10)
        let boundary = new MemberJson
        {
            Id = "k1", BirthDate = birth, Income = Households.NoIncome,
            Coverage = [new CoverageJson { Acquired = Max(birth, new LocalDate(2026 - yearsBefore, 4, 1)) }],
        }
        select new Fy2026Case(PropertyRuleSets.Case("amagasaki", 2026, add ? h with { Members = [.. h.Members!, boundary] } : h));

    private static bool HasReliefField(MemberJson m) =>
        m.Childbirths is { Count: > 0 } || m.InvoluntaryUnemployment is not null || m.FormerDependant is not null || m.SpecifiedSameHouseholdMember == true;

    /// <summary>
    /// A household of <see cref="AnyCase"/>, given one relief field when the draw has none, and sometimes one
    /// or two more 特定同一世帯所属者 who moved at other dates (the latest move decides the 特定世帯 status).
    /// </summary>
    public static Gen<ReliefHouseholdCase> WithReliefs { get; } =
        from c in AnyCase
        from kind in Gen.Choose(0, 3)
        from pick in Gen.Choose(0, 5)
        from date in BirthAround(c.FiscalYear)
        from monthsBack in Gen.Choose(0, 100)
        from extra in Gen.Frequency((4, Gen.Constant(0)), (1, Gen.Constant(1)), (1, Gen.Constant(2)))
        from extraMonthsBack in Gen.ArrayOf(Gen.Choose(0, 110), 2)
        let forced = Force(c, kind, pick, date, monthsBack)
        select new ReliefHouseholdCase(forced.With(forced.Household with
        {
            Members = [.. forced.Household.Members!, .. Enumerable.Range(0, extra).Select(i => Moved($"s{i + 2}", new LocalDate(c.FiscalYear, 4, 1 + 9 * i).PlusMonths(-extraMonthsBack[i])))],
        }));

    /// <summary>A 特定同一世帯所属者 who moved to 後期高齢者医療 at 75 on <paramref name="since"/>.</summary>
    private static MemberJson Moved(string id, LocalDate since) => new()
    {
        Id = id, BirthDate = since.PlusYears(-75), Coverage = [], Income = Households.Income(1_200_000, pensionRevenue: 2_000_000, pensionIncome: 1_200_000),
        SpecifiedSameHouseholdMember = true, SpecifiedSameHouseholdSince = since,
    };

    private static HouseholdCase Force(HouseholdCase c, int kind, int pick, LocalDate date, int monthsBack)
    {
        var members = c.Household.Members!.Select(m => m!).ToArray();
        if (members.Any(HasReliefField)) return c;
        var fyStart = new LocalDate(c.FiscalYear, 4, 1);
        var covered = members.Select((m, i) => (m, i)).Where(x => x.m.Coverage!.Count > 0).Select(x => x.i).ToArray();
        if (kind == 3 || covered.Length == 0)
        {
            // A 特定同一世帯所属者 who moved to 後期高齢者医療 at 75.
            return c.With(c.Household with { Members = [.. members, Moved("s1", fyStart.PlusMonths(-monthsBack).PlusDays(pick * 3))] });
        }
        var index = covered[pick % covered.Length];
        return kind switch
        {
            0 => c.WithMember(index, m => m with { Childbirths = [new ChildbirthJson { Date = date }] }),
            1 => c.WithMember(index, m => m with { InvoluntaryUnemployment = new InvoluntaryUnemploymentJson { SeparationDate = date.PlusMonths(-6), ReasonCode = "11" } }),
            _ => c.WithMember(index, m => m with { FormerDependant = new FormerDependantJson { Acquired = m.Coverage![0]!.Acquired } }),
        };
    }

    public static Gen<SeparationCase> Separation { get; } =
        from c in AnyCase
        from monthsBack in Gen.Choose(-11, 26)
        from day in Gen.Choose(1, 28)
        let date = new LocalDate(c.FiscalYear, 4, day).PlusMonths(-monthsBack)
        let working = c.Household.Members!.Select((m, i) => (m, i))
            .Where(x => LegalAge(x.m!.BirthDate!.Value, date) is >= 15 and < 65).Select(x => x.i).ToArray()
        from index in working.Length > 0 ? Gen.Elements(working) : Gen.Constant(-1)
        select new SeparationCase(c, index, date);

    public static Gen<FormerDependantCase> FormerDependant { get; } =
        from key in Key
        let fyStart = new LocalDate(key.FiscalYear, 4, 1)
        from ageAtStart in Gen.Choose(65, 73)
        from daysOlder in Gen.Frequency((3, Gen.Choose(0, 364)), (1, Gen.Elements(0, 1, 364)))
        let birth = fyStart.PlusYears(-ageAtStart).PlusDays(-daysOlder)
        let sixtyFive = birth.PlusYears(65) // legal age 65 (on the birthday at the latest: 29 February counts from 28 February)
        from monthsBefore in Gen.Frequency((4, Gen.Choose(0, 11)), (4, Gen.Choose(12, 24)), (3, Gen.Choose(25, 60)), (1, Gen.Elements(0, 11, 12, 13, 23, 24)))
        from day in Gen.Frequency((2, Gen.Constant(1)), (3, Gen.Choose(1, 28)))
        let drawn = fyStart.PlusMonths(-monthsBefore).PlusDays(day - 1)
        let acquired = drawn > fyStart ? fyStart : drawn < sixtyFive ? sixtyFive : drawn
        from income in HouseholdGenerators.Income(birth, key.FiscalYear)
        from separated in Gen.Frequency((2, Gen.Constant(false)), (1, Gen.Constant(true)))
        from daysBefore65 in Gen.Choose(2, 400)
        // Before the 65th birthday (so it may qualify) and before the year; it gives months in the year only for those 65–66.
        let separation = birth.PlusYears(65).PlusDays(-daysBefore65) is var d && d < fyStart ? d : fyStart.PlusDays(-1)
        select new FormerDependantCase(key.Insurer, key.FiscalYear, birth, acquired, income, separated ? separation : null);

    public static Gen<SpecifiedCase> Specified { get; } =
        from key in Key
        let fy = key.FiscalYear
        let fyStart = new LocalDate(fy, 4, 1)
        from age in Gen.Frequency((1, Gen.Choose(1, 17)), (2, Gen.Choose(18, 39)), (3, Gen.Choose(40, 64)), (2, Gen.Choose(65, 73)))
        from daysOlder in Gen.Choose(0, 364)
        let birth = fyStart.PlusYears(-age).PlusDays(-daysOlder)
        from income in HouseholdGenerators.Income(birth, fy)
        from monthsBefore in Gen.Frequency((6, Gen.Choose(0, 59)), (2, Gen.Elements(0, 59, 60, 95, 96)), (3, Gen.Choose(60, 110)))
        from day in Gen.Choose(1, 28)
        let since = new LocalDate(fy, 4, 1).PlusMonths(-monthsBefore).PlusDays(day - 1)
        from movedAgeDays in Gen.Choose(0, 3000)
        from spouseIncome in HouseholdGenerators.Income(since.PlusYears(-75), fy)
        from fictitiousHead in Chance(20)
        from acquiredYearsBefore in Gen.Choose(0, 15)
        let insured = new MemberJson
        {
            Id = "m1", BirthDate = birth, Income = income,
            Coverage = [new CoverageJson { Acquired = Max(birth, fyStart.PlusYears(-acquiredYearsBefore)) }],
        }
        let moved = new MemberJson
        {
            Id = "m2", BirthDate = since.PlusYears(-75).PlusDays(-movedAgeDays), Coverage = [], Income = spouseIncome,
            SpecifiedSameHouseholdMember = true, SpecifiedSameHouseholdSince = since,
        }
        let head = new MemberJson { Id = "h0", BirthDate = birth.PlusYears(-3), Coverage = [], Income = Households.Income(4_000_000, salaryRevenue: 5_500_000, salaryIncome: 3_960_000) }
        select new SpecifiedCase(key.Insurer, fy, new HouseholdJson
        {
            Id = "H-SPECIFIED",
            HeadId = fictitiousHead ? "h0" : "m1",
            Members = fictitiousHead ? [head, insured, moved] : [insured, moved],
        }, monthsBefore);

    private static LocalDate Max(LocalDate a, LocalDate b) => a > b ? a : b;

    /// <summary>年齢計算ニ関スル法律: the age attained by the end of <paramref name="date"/>.</summary>
    private static int LegalAge(LocalDate birth, LocalDate date)
    {
        var d = date.PlusDays(1);
        var years = d.Year - birth.Year;
        return (d.Month, d.Day).CompareTo((birth.Month, birth.Day)) < 0 ? years - 1 : years;
    }
}

/// <summary>The arbitraries of <see cref="ReliefPropertyTests"/>; households shrink as <see cref="HouseholdGenerators.Shrink"/> does.</summary>
public static class ReliefArbitraries
{
    /// <summary>Shrinks of a case that keep member <paramref name="id"/>, with its new index.</summary>
    private static IEnumerable<(HouseholdCase Case, int Index)> ShrinkKeeping(HouseholdCase c, string id) =>
        HouseholdGenerators.Shrink(c)
            .Select(s => (s, Index: s.Household.Members!.Select(m => m!.Id).ToList().IndexOf(id)))
            .Where(x => x.Index >= 0);

    public static Arbitrary<BirthCase> BirthCase() => Arb.From(ReliefGenerators.Birth, b =>
        (b.Multiple ? [b with { Multiple = false }] : Enumerable.Empty<BirthCase>())
        .Concat(ShrinkKeeping(b.Case, b.MemberId).Select(x => b with { Case = x.Case, Index = x.Index })));

    public static Arbitrary<Fy2023BirthCase> Fy2023BirthCase() => Arb.From(ReliefGenerators.Fy2023Birth, b =>
        ShrinkKeeping(b.Case, b.Case.Household.Members![b.Index]!.Id!).Select(x => b with { Case = x.Case, Index = x.Index }));

    public static Arbitrary<Fy2026Case> Fy2026Case() => Arb.From(ReliefGenerators.Fy2026, f => HouseholdGenerators.Shrink(f.Case).Select(c => new Fy2026Case(c)));

    public static Arbitrary<ReliefHouseholdCase> ReliefHouseholdCase() => Arb.From(ReliefGenerators.WithReliefs, r =>
        HouseholdGenerators.Shrink(r.Case)
            .Where(c => c.Household.Members!.Any(m => m!.Childbirths is { Count: > 0 } || m.InvoluntaryUnemployment is not null || m.FormerDependant is not null || m.SpecifiedSameHouseholdMember == true))
            .Select(c => new ReliefHouseholdCase(c)));

    public static Arbitrary<SeparationCase> SeparationCase() => Arb.From(ReliefGenerators.Separation, s =>
        s.Index < 0 ? Enumerable.Empty<SeparationCase>()
            : ShrinkKeeping(s.Case, s.Case.Household.Members![s.Index]!.Id!).Select(x => s with { Case = x.Case, Index = x.Index }));

    public static Arbitrary<FormerDependantCase> FormerDependantCase() => Arb.From(ReliefGenerators.FormerDependant, f =>
        f.Income.Declared == true && f.Income.TotalIncome != 0 ? [f with { Income = Households.NoIncome }] : Enumerable.Empty<FormerDependantCase>());

    public static Arbitrary<SpecifiedCase> SpecifiedCase() => Arb.From(ReliefGenerators.Specified);
}

/// <summary>
/// A variant of the FY2023 national layer whose 産前産後 first exempt month is 2023-04 instead of the
/// 2024-01 transition (so the 2023-11-01 eligibility of the birth is what decides), with shimonoseki/2023
/// on top, compiled once in a separate catalog.
/// </summary>
public static class ReliefRuleSets
{
    private static readonly Lazy<PremiumRuleSet> LazyPerinatal = new(BuildPerinatalFromApril2023);

    public static PremiumRuleSet PerinatalFromApril2023 => LazyPerinatal.Value;

    private static PremiumRuleSet BuildPerinatalFromApril2023()
    {
        var root = Path.Combine(Path.GetTempPath(), $"kokuho-relief-props-{Guid.NewGuid():N}");
        try
        {
            Copy(Path.Combine(TestRuleSets.BundledRoot, "national", "2023"), Path.Combine(root, "national", "2023"));
            Copy(Path.Combine(TestRuleSets.TestDataRoot, "shimonoseki", "2023"), Path.Combine(root, "shimonoseki", "2023"));
            var manifestPath = Path.Combine(root, "national", "2023", "premium", "manifest.json");
            var manifest = JsonNode.Parse(File.ReadAllText(manifestPath))!.AsObject();
            manifest["status"] = "draft";
            manifest.Remove("contentHash");
            File.WriteAllText(manifestPath, manifest.ToJsonString());
            var parametersPath = Path.Combine(root, "national", "2023", "premium", "parameters.json");
            var parameters = JsonNode.Parse(File.ReadAllText(parametersPath))!.AsObject();
            parameters["perinatal"]!["firstExemptMonth"]!.AsObject()["value"] = "2023-04-01";
            File.WriteAllText(parametersPath, parameters.ToJsonString());
            var catalog = KokuhoRuleSets.Load([root]);
            if (catalog.Failures.Count > 0)
                throw new InvalidOperationException("perinatal variant is invalid:\n" + string.Join("\n", catalog.Failures.SelectMany(f => f.Errors)));
            var rs = catalog.Premium("shimonoseki", 2023) ?? throw new InvalidOperationException("no shimonoseki/2023 in the perinatal variant");
            if (rs.Parameters.Perinatal.FirstExemptMonth != new LocalDate(2023, 4, 1)) throw new InvalidOperationException("variant not applied");
            return rs;
        }
        finally
        {
            try { Directory.Delete(root, recursive: true); }
            catch (IOException) { }
            catch (UnauthorizedAccessException) { }
        }
    }

    private static void Copy(string from, string to)
    {
        foreach (var file in Directory.EnumerateFiles(from, "*", SearchOption.AllDirectories))
        {
            var dest = Path.Combine(to, Path.GetRelativePath(from, file));
            Directory.CreateDirectory(Path.GetDirectoryName(dest)!);
            File.Copy(file, dest);
        }
    }
}
