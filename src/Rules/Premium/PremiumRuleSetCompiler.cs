using KokuhoRules.Engine.Decisions;
using KokuhoRules.Engine.Money;
using KokuhoRules.Engine.RuleSets;

namespace KokuhoRules.Rules.Premium;

/// <summary>
/// Compiles a <see cref="RuleSetSource"/> into a <see cref="PremiumRuleSet"/>: binds the parameters of
/// both layers, checks what the law and the format require (a municipal cap never above the national
/// one, rates for exactly the year's components, sound rounding units…), and compiles every workflow
/// once. All problems are reported together, each with file, JSON path and line.
/// </summary>
public sealed class PremiumRuleSetCompiler : RuleSetCompiler<PremiumRuleSet>
{
    /// <summary>The capability's name in manifests and folders.</summary>
    public const string CapabilityName = "premium";

    public override string Capability => CapabilityName;

    public override PremiumRuleSet CompileRuleSet(RuleSetSource source) => Compile(source);

    /// <summary>Workflow names (the decisions the calculation asks the rule set for).</summary>
    public static class WorkflowNames
    {
        public const string Insured = "Insured";
        public const string LiabilityPrefix = "Liability.";
        public const string SalaryEarner = "SalaryEarner";
        public const string ElderlyPensionDeduction = "ElderlyPensionDeduction";
        public const string Preschool = "Preschool";
        public const string ReductionClass = "ReductionClass";
        public const string PerCapitaWaiverPrefix = "PerCapitaWaiver.";
        public const string Perinatal = "PerinatalExemption";
        public const string InvoluntaryUnemployment = "InvoluntaryUnemployment";
        public const string FormerDependant = "FormerDependant";
        public const string SpecifiedHousehold = "SpecifiedHousehold";
    }

    /// <summary>The name expressions use for the member facts.</summary>
    public const string MemberFactsName = "m";

    /// <summary>The name expressions use for the household facts.</summary>
    public const string HouseholdFactsName = "h";

    /// <summary>The name expressions use for the parameters.</summary>
    public const string ParametersName = "p";

    /// <summary>
    /// The JSON Schemas of the premium parameter files, generated from <see cref="PremiumParameters"/> (the
    /// model the compiler binds), by file name under <c>rulesets/schema/</c>.
    /// </summary>
    public static IReadOnlyList<(string FileName, System.Text.Json.Nodes.JsonObject Schema)> ParameterSchemas() =>
    [
        (NationalParametersSchema, ParameterSchema.For<PremiumParameters>(RuleSetLayerKind.National, NationalParametersSchema,
            "KokuhoRules premium parameters, national layer (rulesets/national/<year>/premium/parameters.json)")),
        (PrefectureParametersSchema, ParameterSchema.For<PremiumParameters>(RuleSetLayerKind.Prefecture, PrefectureParametersSchema,
            "KokuhoRules premium parameters, prefecture layer (rulesets/<prefecture>/<year>/premium/parameters.json)")),
        (MunicipalParametersSchema, ParameterSchema.For<PremiumParameters>(RuleSetLayerKind.Municipal, MunicipalParametersSchema,
            "KokuhoRules premium parameters, municipal layer (rulesets/<insurer>/<year>/premium/parameters.json)")),
    ];

    /// <summary>The schema file of a prefecture layer's premium parameters.</summary>
    public const string PrefectureParametersSchema = "premium.prefecture.parameters.schema.json";

    /// <summary>The schema file of a national layer's premium parameters.</summary>
    public const string NationalParametersSchema = "premium.national.parameters.schema.json";

    /// <summary>The schema file of a municipal layer's premium parameters.</summary>
    public const string MunicipalParametersSchema = "premium.municipal.parameters.schema.json";

    /// <summary>Compiles, or throws <see cref="RuleSetValidationException"/> with every error found.</summary>
    /// <param name="evaluation">Compiled delegates (the default, and the only mode the service uses), or every decision through RulesEngine (the naive reference).</param>
    public static PremiumRuleSet Compile(RuleSetSource source, DecisionEvaluation evaluation = DecisionEvaluation.Compiled)
    {
        var errors = new RuleSetErrors();
        var layers = ParameterFiles(source, errors);
        errors.ThrowIfAny(source.ToString());
        var parameters = ParameterBinder.Bind<PremiumParameters>(layers, errors, out var table);
        errors.ThrowIfAny(source.ToString());
        Validate(parameters!, table, source.FiscalYear, errors);
        errors.ThrowIfAny(source.ToString());
        var p = parameters!;

        var workflows = WorkflowSet.Read(source, errors);
        var anchor = source.National.Workflows ?? source.National.Parameters!;
        Decision<TFacts, TOut>? Compile<TFacts, TOut>(string name, string factsName, IReadOnlyDictionary<string, TOut> outcomes) =>
            workflows.Compile<TFacts, TOut>(name, factsName, p, ParametersName, outcomes, errors, anchor, evaluation, table);

        var insured = Compile<MemberDateFacts, bool>(WorkflowNames.Insured, MemberFactsName, Outcomes.Boolean);
        var components = new List<PremiumComponent>();
        foreach (var (name, national) in p.Components)
        {
            var liability = Compile<MemberDateFacts, bool>(WorkflowNames.LiabilityPrefix + name, MemberFactsName, Outcomes.Boolean);
            var waiver = Compile<MemberYearFacts, bool>(WorkflowNames.PerCapitaWaiverPrefix + name, MemberFactsName, Outcomes.Boolean);
            if (liability is not null && waiver is not null && p.Rates.TryGetValue(name, out var rates))
                components.Add(new PremiumComponent(name, national.Label, national.NationalCap, national.SpecifiedHouseholdRelief, rates, liability, waiver));
        }
        var salaryEarner = Compile<MemberYearFacts, bool>(WorkflowNames.SalaryEarner, MemberFactsName, Outcomes.Boolean);
        var elderly = Compile<MemberYearFacts, bool>(WorkflowNames.ElderlyPensionDeduction, MemberFactsName, Outcomes.Boolean);
        var preschool = Compile<MemberYearFacts, bool>(WorkflowNames.Preschool, MemberFactsName, Outcomes.Boolean);
        var reduction = Compile<ReductionFacts, ReductionClass>(WorkflowNames.ReductionClass, HouseholdFactsName, Outcomes.Reduction);
        var perinatal = Compile<BirthFacts, PerinatalPeriod>(WorkflowNames.Perinatal, MemberFactsName, Outcomes.Perinatal);
        var unemployment = Compile<SeparationFacts, bool>(WorkflowNames.InvoluntaryUnemployment, MemberFactsName, Outcomes.Boolean);
        var formerDependant = Compile<FormerDependantFacts, bool>(WorkflowNames.FormerDependant, MemberFactsName, Outcomes.Boolean);
        var specified = Compile<SpecifiedHouseholdFacts, SpecifiedHouseholdStatus>(WorkflowNames.SpecifiedHousehold, HouseholdFactsName, Outcomes.SpecifiedHousehold);
        workflows.ReportUnused(errors);
        errors.ThrowIfAny(source.ToString());

        return new PremiumRuleSet(source, p, table, workflows, components, insured!, salaryEarner!, elderly!, preschool!, reduction!,
            perinatal!, unemployment!, formerDependant!, specified!);
    }

    private static void Validate(PremiumParameters p, ParameterTable table, int fiscalYear, RuleSetErrors errors)
    {
        void Error(string path, string message) => errors.Add(table.ErrorAt(path, message));

        if (p.Components.Count == 0) Error("components", "a fiscal year needs at least one component");
        foreach (var (name, national) in p.Components)
        {
            if (!p.Rates.TryGetValue(name, out var rates))
            {
                Error($"components.{name}.label", $"the municipal layer has no rates for component '{name}' (add rates.{name})");
                continue;
            }
            if (rates.Cap > national.NationalCap)
                Error($"rates.{name}.cap", $"the cap {rates.Cap:N0} is above the national maximum {national.NationalCap:N0} for {national.Label} (components.{name}.nationalCap); a city may set a lower cap, never a higher one");
            if (rates.Cap <= 0) Error($"rates.{name}.cap", "the cap must be positive");
            if (rates.IncomeRate.Numerator > rates.IncomeRate.Denominator)
                Error($"rates.{name}.incomeRate", $"a rate is a ratio between 0 and 1 (write 8.04% as 0.0804), not {rates.IncomeRate}");
            if (rates.PerCapita < 0) Error($"rates.{name}.perCapita", "cannot be negative");
            if (rates.PerHousehold < 0) Error($"rates.{name}.perHousehold", "cannot be negative");
            if (rates.AdultPerCapitaAddOn < 0) Error($"rates.{name}.adultPerCapitaAddOn", "cannot be negative");
            if (rates.AssetRate is { } assetRate && assetRate.Numerator > assetRate.Denominator)
                Error($"rates.{name}.assetRate", $"a rate is a ratio between 0 and 1 (write 19.2% as 0.192), not {assetRate}");
            if (rates.AssetRate is not null && p.Rounding.AssetLevy is null)
                Error($"rates.{name}.assetRate", "a component with a 資産割 needs rounding.assetLevy (how the 資産割 is rounded, e.g. { \"unitYen\": 1, \"mode\": \"floor\" })");
        }
        foreach (var (name, rates) in p.Rates.Where(r => !p.Components.ContainsKey(r.Key)))
        {
            var components = string.Join(", ", p.Components.Keys);
            Error($"rates.{name}.incomeRate", $"'{name}' is not a component in this fiscal year (components: {components})");
            if (rates.AssetRate is not null)
                Error($"rates.{name}.assetRate", $"a 資産割 rate for '{name}', which is not a component in this fiscal year (components: {components})");
        }

        foreach (var (path, ratio) in new[]
                 {
                     ("reduction.sevenTenthsRatio", p.Reduction.SevenTenthsRatio), ("reduction.fiveTenthsRatio", p.Reduction.FiveTenthsRatio),
                     ("reduction.twoTenthsRatio", p.Reduction.TwoTenthsRatio), ("preschool.perCapitaRatio", p.Preschool.PerCapitaRatio),
                     ("specifiedHousehold.specifiedRatio", p.SpecifiedHousehold.SpecifiedRatio), ("specifiedHousehold.continuedRatio", p.SpecifiedHousehold.ContinuedRatio),
                     ("involuntaryUnemployment.salaryIncomeRatio", p.InvoluntaryUnemployment.SalaryIncomeRatio),
                     ("formerDependant.perCapitaRatio", p.FormerDependant.PerCapitaRatio), ("formerDependant.perHouseholdRatio", p.FormerDependant.PerHouseholdRatio),
                 })
            if (ratio.Numerator > ratio.Denominator) Error(path, $"a ratio must be between 0 and 1, not {ratio}");

        var brackets = p.IncomeLevy.BasicDeduction;
        if (brackets.Count == 0 || brackets[^1].CombinedIncomeUpTo is not null)
            Error("incomeLevy.basicDeduction", "the brackets must end with one without an upper bound (combinedIncomeUpTo: null)");
        for (var i = 0; i < brackets.Count; i++)
        {
            if (brackets[i].Deduction < 0) Error("incomeLevy.basicDeduction", $"bracket {i + 1}: the deduction cannot be negative");
            if (i < brackets.Count - 1 && brackets[i].CombinedIncomeUpTo is null) Error("incomeLevy.basicDeduction", $"bracket {i + 1}: only the last bracket may be without an upper bound");
            if (i > 0 && brackets[i - 1].CombinedIncomeUpTo is { } prev && brackets[i].CombinedIncomeUpTo is { } cur && cur <= prev)
                Error("incomeLevy.basicDeduction", $"bracket {i + 1}: the bounds must rise");
        }

        var roundings = new (string Path, Rounding Value)[]
        {
            ("rounding.reduction", p.Rounding.Reduction.Rounding), ("rounding.preschool", p.Rounding.Preschool.Rounding),
            ("rounding.formerDependant", p.Rounding.FormerDependant.Rounding), ("rounding.specifiedHousehold", p.Rounding.SpecifiedHousehold.Rounding),
            ("rounding.incomeLevy", p.Rounding.IncomeLevy), ("rounding.perCapita", p.Rounding.PerCapita), ("rounding.perHousehold", p.Rounding.PerHousehold),
            ("rounding.component", p.Rounding.Component), ("rounding.annual", p.Rounding.Annual), ("proration.proratedCap", p.Proration.ProratedCap),
            ("rounding.assetLevy", p.Rounding.AssetLevy ?? Rounding.FloorYen),
        };
        foreach (var (path, r) in roundings)
            if (!Rounding.AllowedUnits.Contains(r.UnitYen)) Error(path, $"the rounding unit must be one of {string.Join(", ", Rounding.AllowedUnits)} yen, not {r.UnitYen}");

        if (p.Ages.CareFrom <= 0 || p.Ages.CareFrom >= p.Ages.CareUntil || p.Ages.CareUntil > p.Ages.LateElderly)
            Error("ages.careFrom", "ages must satisfy 0 < careFrom < careUntil ≤ lateElderly");

        foreach (var (path, value) in new[]
                 {
                     ("perinatal.monthsBefore", p.Perinatal.MonthsBefore), ("perinatal.monthsBeforeMultiple", p.Perinatal.MonthsBeforeMultiple),
                     ("perinatal.monthsAfter", p.Perinatal.MonthsAfter), ("specifiedHousehold.specifiedMonths", p.SpecifiedHousehold.SpecifiedMonths),
                     ("specifiedHousehold.continuedMonths", p.SpecifiedHousehold.ContinuedMonths), ("formerDependant.windowMonths", p.FormerDependant.WindowMonths),
                     ("involuntaryUnemployment.followingFiscalYears", p.InvoluntaryUnemployment.FollowingFiscalYears),
                 })
            if (value is < 0 or > 240) Error(path, $"must be between 0 and 240, not {value}");

        var months = p.Installments.Months;
        if (months.Count is 0 or > 12 || months.Any(m => m is < 1 or > 12) || months.Distinct().Count() != months.Count)
            Error("installments.months", "installment months must be 1 to 12 distinct calendar months (1–12)");
        if (p.Installments.DueDayOfMonth is < 0 or > 28)
            Error("installments.dueDayOfMonth", "the due day must be 1 to 28, or 0 for the month's last day");
        if (p.AssessmentTimeLimit.Years <= 0 || p.AssessmentTimeLimit.ReductionExceptionYears < p.AssessmentTimeLimit.Years)
            Error("assessmentTimeLimit.years", "the time limit must be positive, and the reduction exception at least as long");
        var fy = new Calendar.FiscalYear(fiscalYear);
        if (p.Holidays.NationalHolidays.FirstOrDefault(d => !fy.Contains(d)) is { } outside && outside != default)
            Error("holidays.nationalHolidays", $"{outside:uuuu-MM-dd} is not in fiscal year {fiscalYear} ({fy.Start:uuuu-MM-dd}..{fy.End:uuuu-MM-dd}): list the holidays of this year");
        if (p.Holidays.NationalHolidays.Distinct().Count() != p.Holidays.NationalHolidays.Count)
            Error("holidays.nationalHolidays", "a holiday is listed twice");
        if (p.Holidays.WeeklyHolidays.Any(d => d == NodaTime.IsoDayOfWeek.None))
            Error("holidays.weeklyHolidays", "the days must be monday … sunday");
        foreach (var d in p.Installments.YearEndHolidays)
            if (d.Month is < 1 or > 12 || d.Day < 1 || d.Day > NodaTime.CalendarSystem.Iso.GetDaysInMonth(2024, d.Month))
                Error("installments.yearEndHolidays", $"month {d.Month}, day {d.Day} is not a day of the year");
        if (!Rounding.AllowedUnits.Contains(p.Installments.UnitYen))
            Error("installments.unitYen", $"the unit must be one of {string.Join(", ", Rounding.AllowedUnits)} yen");
    }
}
