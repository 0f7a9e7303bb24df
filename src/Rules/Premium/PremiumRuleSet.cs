using KokuhoRules.Engine.Decisions;
using KokuhoRules.Engine.RuleSets;

namespace KokuhoRules.Rules.Premium;

/// <summary>One component of a compiled rule set: its parameters and the decision of who is liable for it in a month.</summary>
public sealed record PremiumComponent(
    string Name,
    string Label,
    long NationalCap,
    bool SpecifiedHouseholdRelief,
    ComponentRates Rates,
    Decision<MemberDateFacts, bool> Liability,
    Decision<MemberYearFacts, bool> PerCapitaWaiver);

/// <summary>
/// A premium rule set compiled once: parameters bound and validated, every workflow compiled to a
/// typed delegate. Immutable and thread-safe; one instance serves every request and batch worker.
/// Built by <see cref="PremiumRuleSetCompiler"/>.
/// </summary>
public sealed class PremiumRuleSet : CompiledRuleSet
{
    internal PremiumRuleSet(RuleSetSource source, PremiumParameters parameters, ParameterTable table, WorkflowSet workflows,
        IReadOnlyList<PremiumComponent> components,
        Decision<MemberDateFacts, bool> insured,
        Decision<MemberYearFacts, bool> salaryEarner,
        Decision<MemberYearFacts, bool> elderlyPensionDeduction,
        Decision<MemberYearFacts, bool> preschool,
        Decision<ReductionFacts, ReductionClass> reductionClass,
        Decision<BirthFacts, PerinatalPeriod> perinatal,
        Decision<SeparationFacts, bool> involuntaryUnemployment,
        Decision<FormerDependantFacts, bool> formerDependant,
        Decision<SpecifiedHouseholdFacts, SpecifiedHouseholdStatus> specifiedHousehold)
        : base(source, table)
    {
        Perinatal = perinatal;
        InvoluntaryUnemployment = involuntaryUnemployment;
        FormerDependant = formerDependant;
        SpecifiedHousehold = specifiedHousehold;
        Parameters = parameters;
        Workflows = workflows;
        Components = components;
        Insured = insured;
        SalaryEarner = salaryEarner;
        ElderlyPensionDeduction = elderlyPensionDeduction;
        Preschool = preschool;
        ReductionClass = reductionClass;
        var fy = new Calendar.FiscalYear(source.FiscalYear);
        MonthEnds = Enumerable.Range(0, 12).Select(k => fy.Month(k).OnDayOfMonth(fy.Month(k).Calendar.GetDaysInMonth(fy.Month(k).Year, fy.Month(k).Month))).ToArray();
        var nextDays = MonthEnds.Select(d => d.PlusDays(1)).ToArray();
        MonthEndYears = MonthEnds.Select(d => d.Year).ToArray();
        MonthEndMonthDays = MonthEnds.Select(d => d.Month * 100 + d.Day).ToArray();
        NextDayYears = nextDays.Select(d => d.Year).ToArray();
        NextDayMonthDays = nextDays.Select(d => d.Month * 100 + d.Day).ToArray();
        PriorDecember31 = new NodaTime.LocalDate(fy.Year - 1, 12, 31);
        InstallmentSlots = InstallmentSchedule.BuildSlots(fy, parameters.Installments, parameters.Holidays);
        March31BeforeYear = new NodaTime.LocalDate(fy.Year, 3, 31);
    }

    // The dates the calculation reads ages on, as integers (year; month × 100 + day), computed once.
    internal int[] MonthEndYears { get; }
    internal int[] MonthEndMonthDays { get; }
    internal int[] NextDayYears { get; }
    internal int[] NextDayMonthDays { get; }

    /// <summary>31 December of the income year: the date of the 65+ tests.</summary>
    internal NodaTime.LocalDate PriorDecember31 { get; }

    /// <summary>The 31 March before the fiscal year: the date of the 未就学児 / 18歳 tests.</summary>
    internal NodaTime.LocalDate March31BeforeYear { get; }

    /// <summary>The year's installment slots with their due dates, moved off holidays (期割の納期).</summary>
    internal InstallmentSlot[] InstallmentSlots { get; }

    /// <summary>The last day of each month of the fiscal year (April first): the month-end rule's dates.</summary>
    internal NodaTime.LocalDate[] MonthEnds { get; }

    public PremiumParameters Parameters { get; }
    public WorkflowSet Workflows { get; }
    public IReadOnlyList<PremiumComponent> Components { get; }

    /// <summary>Workflow <c>Insured</c>: is the member an NHI insured on a date.</summary>
    public Decision<MemberDateFacts, bool> Insured { get; }

    /// <summary>Workflow <c>SalaryEarner</c>: is the member a 給与所得者等.</summary>
    public Decision<MemberYearFacts, bool> SalaryEarner { get; }

    /// <summary>Workflow <c>ElderlyPensionDeduction</c>: does the 15万円 pension deduction apply in the reduction test.</summary>
    public Decision<MemberYearFacts, bool> ElderlyPensionDeduction { get; }

    /// <summary>Workflow <c>Preschool</c>: is the member a 未就学児 this fiscal year.</summary>
    public Decision<MemberYearFacts, bool> Preschool { get; }

    /// <summary>Workflow <c>ReductionClass</c>: the household's 法定軽減.</summary>
    public Decision<ReductionFacts, ReductionClass> ReductionClass { get; }

    /// <summary>Workflow <c>PerinatalExemption</c>: which 産前産後 period a birth gives.</summary>
    public Decision<BirthFacts, PerinatalPeriod> Perinatal { get; }

    /// <summary>Workflow <c>InvoluntaryUnemployment</c>: does a separation qualify as 非自発的失業.</summary>
    public Decision<SeparationFacts, bool> InvoluntaryUnemployment { get; }

    /// <summary>Workflow <c>FormerDependant</c>: does a 旧被扶養者 acquisition qualify.</summary>
    public Decision<FormerDependantFacts, bool> FormerDependant { get; }

    /// <summary>Workflow <c>SpecifiedHousehold</c>: the household's 特定世帯 status in a month.</summary>
    public Decision<SpecifiedHouseholdFacts, SpecifiedHouseholdStatus> SpecifiedHousehold { get; }

    /// <summary>Every compiled decision, in the order the calculation uses them.</summary>
    public override IEnumerable<Decision> Decisions =>
        new Decision[] { Insured }.Concat(Components.Select(c => c.Liability))
            .Concat([SalaryEarner, ElderlyPensionDeduction, Preschool])
            .Concat(Components.Select(c => c.PerCapitaWaiver))
            .Concat([Perinatal, InvoluntaryUnemployment, FormerDependant, ReductionClass, SpecifiedHousehold]);

    public override string ToString() => $"{Insurer.Id}/{FiscalYear} {Version}";
}
