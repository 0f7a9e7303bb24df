using KokuhoRules.Engine.Requests;
using KokuhoRules.Rules.HighCost;
using KokuhoRules.Rules.Snapshots;
using NodaTime;

namespace KokuhoRules.Tests.HighCost;

/// <summary>
/// The household's categories (§B1, §B2) decided from the income through <see cref="HighCostService"/>, as the API decides
/// them, and checked by the limit they give: 基準所得 (総所得金額等 − 住民税基礎控除, summed over the insured members) against
/// 210万/600万/901万, an undeclared member → ア, 住民税非課税世帯 (the head and every insured member) → オ / 低所得Ⅱ, 低所得Ⅰ
/// (every income 0, the pension counted with 80万 deducted), the highest 課税所得 of the 70–74 members against 145万/380万/690万;
/// a category given as on a 限度額適用認定証, and the refusals naming the field.
/// </summary>
public sealed class HighCostCategoriesTests
{
    private static readonly YearMonth October = new(2025, 10);
    private const string Young = "1980-05-05";   // 45 in 2025: the under-70 table
    private const string Old = "1953-05-05";     // 72 in 2025: the 70–74 table
    private const long MaxYen = 100_000_000_000;  // the largest amount a request may carry (SnapshotFields.MaxYen, 1,000億円)

    private sealed record Person(string Id, string Birth, long Total = 0, bool Declared = true, bool? Exempt = null, long? Taxable = null,
        long? Combined = null, long PensionRevenue = 0, long PensionIncome = 0, bool Insured = true);

    private static MemberJson Json(Person p) => new()
    {
        Id = p.Id,
        BirthDate = NodaTime.Text.LocalDatePattern.Iso.Parse(p.Birth).Value,
        Coverage = p.Insured ? [new CoverageJson { Acquired = new LocalDate(2015, 4, 1) }] : [],
        Income = p.Declared
            ? new IncomeJson
            {
                Declared = true, TotalIncome = p.Total, CombinedIncome = p.Combined, PensionRevenue = p.PensionRevenue, PensionIncome = p.PensionIncome,
                ResidentTaxExempt = p.Exempt, ResidentTaxableIncome = p.Taxable,
            }
            : new IncomeJson { Declared = false, ResidentTaxExempt = p.Exempt, ResidentTaxableIncome = p.Taxable },
    };

    /// <summary>One inpatient claim of 総医療費 1,000,000 for <paramref name="patient"/> (3割 300,000 under 70, 2割 200,000 at 70–74).</summary>
    private static (HighCostBenefitResponse? Response, IReadOnlyList<FieldError> Errors) Compute(string patient, Person[] members, string? category = null,
        YearMonth? careMonth = null)
    {
        var copay = members.Single(m => m.Id == patient).Birth == Old ? 200000 : 300000;
        var request = new HighCostBenefitRequest
        {
            Insurer = "amagasaki", CareMonth = careMonth ?? October, Trial = true, Category = category,
            Household = new HouseholdJson { Id = "H1", HeadId = members[0].Id, Members = members.Select(Json).ToArray() },
            Claims = [new ClaimJson { MemberId = patient, Setting = "inpatient", Institution = "HOSP", TotalCost = 1000000, Copay = copay }],
        };
        var (response, _, failure) = HighCostService.Compute(HighCostRuleSetTests.Hyogo2025, request, trace: true);
        return (response, failure?.Errors ?? []);
    }

    private static HighCostBenefitResponse Answer(string patient, Person[] members, string? category = null, YearMonth? careMonth = null)
    {
        var (response, errors) = Compute(patient, members, category, careMonth);
        Assert.True(response is not null, string.Join("; ", errors.Select(e => $"{e.Field}: {e.Message}")));
        return response!;
    }

    private static (string Category, long Limit) CategoryAndLimit(HighCostBenefitResponse r) => (r.Category, r.Limit);

    // Under 70, 総医療費 1,000,000, co-payment 300,000 (§B1):
    //   ア 252,600 + (1,000,000 − 842,000) × 1% = 254,180;  イ 167,400 + (1,000,000 − 558,000) × 1% = 171,820;
    //   ウ 80,100 + (1,000,000 − 267,000) × 1% = 87,430;  エ 57,600;  オ 35,400.
    [Theory]
    [InlineData(9440001L, "ア", 254180L)]   // 基準所得 9,010,001 > 9,010,000
    [InlineData(9440000L, "イ", 171820L)]   // 9,010,000: not above
    [InlineData(6430001L, "イ", 171820L)]   // 6,000,001 > 6,000,000
    [InlineData(6430000L, "ウ", 87430L)]    // 6,000,000
    [InlineData(2530001L, "ウ", 87430L)]    // 2,100,001 > 2,100,000
    [InlineData(2530000L, "エ", 57600L)]    // 2,100,000 → エ
    public void The_under_70_category_is_the_base_income_after_the_430000_basic_deduction_against_the_bounds(long total, string category, long limit)
    {
        var r = Answer("P1", [new Person("P1", Young, total)]);

        Assert.Equal((category, limit, 300000 - limit), (r.Category, r.Limit, r.Benefit));
    }

    [Fact]
    public void The_base_income_is_summed_over_the_insured_members_each_at_least_0_and_the_head_outside_NHI_is_not_counted()
    {
        // 1,500,000 − 430,000 = 1,070,000 and 1,460,001 − 430,000 = 1,030,001: 2,100,001 together → ウ (each alone エ).
        Assert.Equal("ウ", Answer("P1", [new Person("P1", Young, 1500000), new Person("P2", Young, 1460001)]).Category);
        // A member of 100,000 adds 0, not −330,000: 2,530,001 − 430,000 = 2,100,001 stays ウ.
        Assert.Equal("ウ", Answer("P1", [new Person("P1", Young, 2530001), new Person("P2", Young, 100000)]).Category);
        // A head not insured (擬制世帯主) with 9,000,000: his income is not the household's base income → エ.
        Assert.Equal("エ", Answer("P1", [new Person("H", Young, 9000000, Insured: false), new Person("P1", Young, 1000000)]).Category);
    }

    [Fact]
    public void The_basic_deduction_tapers_by_the_combined_income_when_it_is_sent()
    {
        // 合計所得金額 24,600,000 → 基礎控除 150,000: 2,300,000 − 150,000 = 2,150,000 → ウ; by 総所得金額等 alone (430,000) it would be エ.
        Assert.Equal(("ウ", 87430L), CategoryAndLimit(Answer("P1", [new Person("P1", Young, 2300000, Combined: 24600000)])));
        Assert.Equal("エ", Answer("P1", [new Person("P1", Young, 2300000)]).Category);
    }

    [Fact]
    public void An_insured_member_without_declared_income_makes_the_household_a_but_an_uninsured_heads_does_not()
    {
        Assert.Equal(("ア", 254180L), CategoryAndLimit(Answer("P1", [new Person("P1", Young, 1000000), new Person("P2", Young, Declared: false)])));
        Assert.Equal("エ", Answer("P1", [new Person("H", Young, Declared: false, Insured: false), new Person("P1", Young, 1000000)]).Category);
    }

    [Fact]
    public void The_household_is_exempt_only_when_the_head_and_every_insured_member_are()
    {
        Assert.Equal(("オ", 35400L), CategoryAndLimit(Answer("P1", [new Person("P1", Young, Exempt: true), new Person("P2", Young, Exempt: true)])));
        // A head outside NHI still counts for 非課税世帯 …
        Assert.Equal("エ", Answer("P1", [new Person("H", Young, 500000, Insured: false), new Person("P1", Young, Exempt: true)]).Category);
        Assert.Equal("オ", Answer("P1", [new Person("H", Young, Exempt: true, Insured: false), new Person("P1", Young, Exempt: true)]).Category);
        // … a member who is neither insured nor the head does not.
        Assert.Equal("オ", Answer("P1", [new Person("P1", Young, Exempt: true), new Person("X", Young, 500000, Insured: false)]).Category);
        // One insured member taxed: not exempt.
        Assert.Equal("エ", Answer("P1", [new Person("P1", Young, Exempt: true), new Person("P2", Young, 500000)]).Category);
    }

    // 70–74, 総医療費 1,000,000, co-payment 200,000 (§B2, the household limit): 現役並みⅢ 254,180; Ⅱ 171,820; Ⅰ 87,430;
    // 一般 57,600; 低所得Ⅱ 24,600; 低所得Ⅰ 15,000.
    [Theory]
    // The benefit is what the 200,000 exceeds the limit by: 0, 28,180, 112,570, 142,400.
    [InlineData(6900000L, "現役並みⅢ", 254180L, 0L)]
    [InlineData(6899999L, "現役並みⅡ", 171820L, 28180L)]
    [InlineData(3800000L, "現役並みⅡ", 171820L, 28180L)]
    [InlineData(3799999L, "現役並みⅠ", 87430L, 112570L)]
    [InlineData(1450000L, "現役並みⅠ", 87430L, 112570L)]
    [InlineData(1449999L, "一般", 57600L, 142400L)]
    [InlineData(0L, "一般", 57600L, 142400L)]
    public void The_70_74_category_is_the_taxable_income_against_145_380_690_man(long taxable, string category, long limit, long benefit)
    {
        var r = Answer("P1", [new Person("P1", Old, 2000000, Taxable: taxable)]);

        Assert.Equal((category, limit, benefit), (r.Category, r.Limit, r.Benefit));
    }

    [Fact]
    public void The_highest_taxable_income_of_the_70_74_members_decides_and_an_under_70_members_does_not()
    {
        Assert.Equal("現役並みⅠ", Answer("P1", [new Person("P1", Old, 2000000, Taxable: 100000), new Person("P2", Old, 3000000, Taxable: 1450000)]).Category);
        Assert.Equal("現役並みⅠ", Answer("P1", [new Person("P1", Old, 3000000, Taxable: 1450000), new Person("P2", Old, 2000000, Taxable: 100000)]).Category);
        // The under-70 member's 課税所得 7,000,000 is not a 70–74 member's: the 70–74 step is 一般 (57,600).
        var mixed = Answer("P1", [new Person("P1", Old, 2000000, Taxable: 0), new Person("P2", Young, 7430000, Taxable: 7000000)]);
        Assert.Equal(("イ", new BenefitStep(HighCostBenefit.Age70HouseholdLevel, null, 200000, 57600, 142400)), (mixed.Category, mixed.Steps[0]));
    }

    [Fact]
    public void An_exempt_70_74_household_is_low_income_I_only_when_every_income_is_0_with_800000_off_the_pension()
    {
        // 公的年金等収入 800,000 − 800,000 = 0, no other income: 低所得Ⅰ (15,000).
        Assert.Equal(("低所得Ⅰ", 15000L), CategoryAndLimit(Answer("P1", [new Person("P1", Old, 0, Exempt: true, PensionRevenue: 800000)])));
        // 800,001: 1 yen left → 低所得Ⅱ (24,600).
        Assert.Equal(("低所得Ⅱ", 24600L), CategoryAndLimit(Answer("P1", [new Person("P1", Old, 0, Exempt: true, PensionRevenue: 800001)])));
        // 100,000 of other income and a pension of 500,000 (counted as 0, never as −300,000): not 0 → 低所得Ⅱ.
        Assert.Equal("低所得Ⅱ", Answer("P1", [new Person("P1", Old, 100000, Exempt: true, PensionRevenue: 500000)]).Category);
        // 総所得金額等 200,000 that is all 公的年金等所得 (収入 800,000): counted as 800,000 − 800,000 = 0 → 低所得Ⅰ.
        Assert.Equal("低所得Ⅰ", Answer("P1", [new Person("P1", Old, 200000, Exempt: true, PensionRevenue: 800000, PensionIncome: 200000)]).Category);
    }

    [Fact]
    public void Low_income_I_needs_the_heads_income_0_too_and_declared_incomes()
    {
        // The head (not insured) has 500,000: the household is exempt but not every income is 0 → 低所得Ⅱ.
        Assert.Equal("低所得Ⅱ", Answer("P1", [new Person("H", Young, 500000, Exempt: true, Insured: false), new Person("P1", Old, 0, Exempt: true)]).Category);
        Assert.Equal("低所得Ⅰ", Answer("P1", [new Person("H", Young, 0, Exempt: true, Insured: false), new Person("P1", Old, 0, Exempt: true)]).Category);
        // An undeclared income is not an income of 0.
        Assert.Equal("低所得Ⅱ", Answer("P1", [new Person("P1", Old, Declared: false, Exempt: true)]).Category);
        // A member neither insured nor the head does not count.
        Assert.Equal("低所得Ⅰ", Answer("P1", [new Person("P1", Old, 0, Exempt: true), new Person("X", Young, 500000, Insured: false)]).Category);
    }

    [Fact]
    public void A_70_74_members_taxable_income_is_required_unless_exempt_or_the_70_74_category_is_given()
    {
        var (response, errors) = Compute("P1", [new Person("P1", Old, 2000000)]);
        Assert.Null(response);
        var e = Assert.Single(errors);
        Assert.Equal("household.members[0].income.residentTaxableIncome", e.Field);
        Assert.Contains("required", e.Message, StringComparison.Ordinal);

        // residentTaxExempt absent is "not exempt": the taxable income is required then too.
        Assert.Equal("household.members[0].income.residentTaxableIncome", Assert.Single(Compute("P1", [new Person("P1", Old, 2000000, Exempt: false)]).Errors).Field);
        Assert.Equal("低所得Ⅱ", Answer("P1", [new Person("P1", Old, 1000000, Exempt: true)]).Category);
        Assert.Equal(("一般", 57600L), CategoryAndLimit(Answer("P1", [new Person("P1", Old, 2000000)], category: "一般")));
        // An under-70 category given leaves the 70–74 one to decide: the taxable income is still required; asked once when both
        // categories are decided.
        Assert.Equal("household.members[1].income.residentTaxableIncome",
            Assert.Single(Compute("P2", [new Person("P2", Young, 1000000), new Person("P1", Old, 2000000)], category: "ウ").Errors).Field);
        Assert.Equal("household.members[1].income.residentTaxableIncome",
            Assert.Single(Compute("P2", [new Person("P2", Young, 1000000), new Person("P1", Old, 2000000)]).Errors).Field);
    }

    [Theory]
    [InlineData(-1L)]
    [InlineData(MaxYen + 1)]
    public void A_taxable_income_below_0_or_above_the_largest_amount_is_refused_naming_the_field(long taxable)
    {
        var (response, errors) = Compute("P1", [new Person("P2", Young, 1000000), new Person("P1", Old, 2000000, Taxable: taxable)]);

        Assert.Null(response);
        var e = Assert.Single(errors);
        Assert.Equal(("household.members[1].income.residentTaxableIncome", "must be between 0 and the largest accepted amount"), (e.Field, e.Message));
    }

    [Fact]
    public void The_largest_accepted_taxable_income_is_genekinami_III()
    {
        Assert.Equal("現役並みⅢ", Answer("P1", [new Person("P1", Old, 2000000, Taxable: MaxYen)]).Category);
    }

    // Each name of a 限度額適用認定証 (§B1, §B2), given for a household whose income says ウ or 一般, and the limit it gives.
    [Theory]
    [InlineData("ア", Young, 254180L)]
    [InlineData("イ", Young, 171820L)]
    [InlineData("ウ", Young, 87430L)]
    [InlineData("エ", Young, 57600L)]
    [InlineData("オ", Young, 35400L)]
    [InlineData("現役並みⅢ", Old, 254180L)]
    [InlineData("現役並みⅡ", Old, 171820L)]
    [InlineData("現役並みⅠ", Old, 87430L)]
    [InlineData("一般", Old, 57600L)]
    [InlineData("低所得Ⅱ", Old, 24600L)]
    [InlineData("低所得Ⅰ", Old, 15000L)]
    public void Every_category_name_of_the_certificate_is_accepted_and_gives_its_limit(string category, string birth, long limit)
    {
        Assert.Equal((category, limit), CategoryAndLimit(Answer("P1", [new Person("P1", birth, 4000000, Taxable: 0)], category)));
    }

    [Fact]
    public void A_given_category_is_used_as_given_and_the_trace_says_so()
    {
        // The income says ウ; the 限度額適用認定証 says イ: イ's limit 171,820.
        var r = Answer("P1", [new Person("P1", Young, 4000000)], category: "イ");

        Assert.Equal(("イ", 171820L), (r.Category, r.Limit));
        var step = Assert.Single(r.Trace!, s => s.Item == "under70Category");
        Assert.Equal(("decision", "household", "イ"), (step.Kind, step.Subject, step.Value));
        Assert.Contains("区分イ", step.Text, StringComparison.Ordinal);
        Assert.Contains("指定された区分", step.Text, StringComparison.Ordinal);
        Assert.Null(step.Rule);

        var old = Answer("P1", [new Person("P1", Old, 2000000, Taxable: 7000000)], category: "一般");
        Assert.Equal(("一般", 57600L), (old.Category, old.Limit));
        var oldStep = Assert.Single(old.Trace!, s => s.Item == "age70Category");
        Assert.Equal(("decision", "household", "一般"), (oldStep.Kind, oldStep.Subject, oldStep.Value));
        Assert.StartsWith("一般: 指定された区分", oldStep.Text, StringComparison.Ordinal);
    }

    [Fact]
    public void A_decided_category_is_traced_with_the_income_year_the_care_month_judges_and_the_rule()
    {
        // January–July: the year before last (前々年); from August: last year (前年).
        foreach (var (month, year) in new[] { (new YearMonth(2025, 7), "2023年"), (new YearMonth(2025, 8), "2024年") })
        {
            var r = Answer("P1", [new Person("P1", Young, 4000000), new Person("P2", Old, 1000000, Taxable: 0)], careMonth: month);
            var young = Assert.Single(r.Trace!, s => s.Item == "under70Category");
            Assert.Equal(("decision", "household", "u", "Under70Category"), (young.Kind, young.Subject, young.Value, young.Rule!.Workflow));
            Assert.StartsWith($"ウ: {year}の所得から判定", young.Text, StringComparison.Ordinal);
            var old = Assert.Single(r.Trace!, s => s.Item == "age70Category");
            Assert.Equal(("decision", "household", "general", "Age70Category"), (old.Kind, old.Subject, old.Value, old.Rule!.Workflow));
            Assert.StartsWith($"一般: {year}の所得から判定", old.Text, StringComparison.Ordinal);
        }
    }

    [Theory]
    [InlineData("ア", Old, "names an under-70 category, but no member is under 70 in the care month")]
    [InlineData("一般", Young, "names a 70–74 category, but no member is 70–74 in the care month")]
    [InlineData("カ", Young, "must be one of ア, イ, ウ, エ, オ, 現役並みⅢ, 現役並みⅡ, 現役並みⅠ, 一般, 低所得Ⅱ, 低所得Ⅰ")]
    public void A_category_of_a_table_no_member_is_in_or_an_unknown_one_is_refused_naming_the_field(string category, string birth, string message)
    {
        // No 課税所得 is given: the refusal is the category's alone (nothing more is read after it).
        var (response, errors) = Compute("P1", [new Person("P1", birth, 2000000)], category);

        Assert.Null(response);
        Assert.Equal(new FieldError("category", message), Assert.Single(errors));
    }
}
