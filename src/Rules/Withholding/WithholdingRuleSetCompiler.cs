using KokuhoRules.Engine.Money;
using KokuhoRules.Engine.RuleSets;

namespace KokuhoRules.Rules.Withholding;

/// <summary>
/// Compiles a <see cref="RuleSetSource"/> into a <see cref="WithholdingRuleSet"/>: binds the parameters of the
/// layers, checks them (pension months, ages, the ½ ratio, the rounding unit, the remainder month), and
/// compiles one workflow per eligibility condition. All problems are reported together at file:line:path.
/// </summary>
public sealed class WithholdingRuleSetCompiler : RuleSetCompiler<WithholdingRuleSet>
{
    /// <summary>The capability's name in manifests and folders.</summary>
    public const string CapabilityName = "withholding";

    /// <summary>The name expressions use for the household facts.</summary>
    public const string FactsName = "h";

    /// <summary>The name expressions use for the parameters.</summary>
    public const string ParametersName = "p";

    /// <summary>The conditions of §A2: answer name and workflow name, in answer order.</summary>
    public static IReadOnlyList<(string Name, string Workflow)> ConditionWorkflows { get; } =
    [
        ("headInsured", "HeadInsured"),
        ("ageBand", "AgeBand"),
        ("headNotTurning75", "HeadNotTurning75"),
        ("pensionMinimum", "PensionMinimum"),
        ("careInsuranceWithheld", "CareInsuranceWithheld"),
        ("halfOfPension", "HalfOfPension"),
        ("eachPaymentWithinHalf", "EachPaymentWithinHalf"),
        ("directDebitKeptOut", "DirectDebitKeptOut"),
        ("headTurning65KeptOut", "HeadTurning65KeptOut"),
    ];

    /// <summary>The schema file of a national layer's withholding parameters.</summary>
    public const string NationalParametersSchema = "withholding.national.parameters.schema.json";

    /// <summary>The schema file of a municipal layer's withholding parameters.</summary>
    public const string MunicipalParametersSchema = "withholding.municipal.parameters.schema.json";

    /// <summary>
    /// The JSON Schemas of the withholding parameter files, generated from <see cref="WithholdingParameters"/> (the
    /// model the compiler binds), by file name under <c>rulesets/schema/</c>.
    /// </summary>
    public static IReadOnlyList<(string FileName, System.Text.Json.Nodes.JsonObject Schema)> ParameterSchemas() =>
    [
        (NationalParametersSchema, ParameterSchema.For<WithholdingParameters>(RuleSetLayerKind.National, NationalParametersSchema,
            "KokuhoRules withholding parameters, national layer (rulesets/national/<year>/withholding/parameters.json)")),
        (MunicipalParametersSchema, ParameterSchema.For<WithholdingParameters>(RuleSetLayerKind.Municipal, MunicipalParametersSchema,
            "KokuhoRules withholding parameters, municipal layer (rulesets/<insurer>/<year>/withholding/parameters.json)")),
    ];

    private static readonly IReadOnlyDictionary<string, bool> Boolean = new Dictionary<string, bool> { ["true"] = true, ["false"] = false };

    public override string Capability => CapabilityName;

    public override WithholdingRuleSet CompileRuleSet(RuleSetSource source)
    {
        var errors = new RuleSetErrors();
        var files = ParameterFiles(source, errors);
        errors.ThrowIfAny(source.ToString());
        var parameters = ParameterBinder.Bind<WithholdingParameters>(files, errors, out var table);
        errors.ThrowIfAny(source.ToString());
        var p = parameters!;
        Validate(p, table, errors);
        errors.ThrowIfAny(source.ToString());

        var workflows = Engine.Decisions.WorkflowSet.Read(source, errors);
        var anchor = source.National.Workflows ?? source.National.Parameters!;
        var conditions = new List<WithholdingCondition>();
        foreach (var (name, workflow) in ConditionWorkflows)
            if (workflows.Compile<WithholdingFacts, bool>(workflow, FactsName, p, ParametersName, Boolean, errors, anchor, parameterTable: table) is { } decision)
                conditions.Add(new WithholdingCondition(name, decision));
        workflows.ReportUnused(errors);
        errors.ThrowIfAny(source.ToString());
        return new WithholdingRuleSet(source, p, table, conditions);
    }

    private static void Validate(WithholdingParameters p, ParameterTable table, RuleSetErrors errors)
    {
        void Error(string path, string message) => errors.Add(table.ErrorAt(path, message));

        var e = p.Eligibility;
        if (e.MinimumAnnualPension <= 0) Error("eligibility.minimumAnnualPension", "must be a positive amount of yen");
        if (e.AgeFrom <= 0 || e.AgeFrom >= e.AgeUntil) Error("eligibility.ageFrom", "ages must satisfy 0 < ageFrom < ageUntil");
        if (e.CapRatio.Numerator <= 0 || e.CapRatio.Numerator > e.CapRatio.Denominator) Error("eligibility.capRatio", $"a ratio between 0 (excluded) and 1, not {e.CapRatio}");
        if (e.PaymentsPerYear is < 1 or > 12 || 12 % e.PaymentsPerYear != 0) Error("eligibility.paymentsPerYear", "must divide 12 (6 for payments in even months)");

        var m = p.PensionMonths;
        foreach (var (path, months) in new[] { ("pensionMonths.provisional", m.Provisional), ("pensionMonths.definitive", m.Definitive), ("pensionMonths.startMonths", m.StartMonths) })
            if (months.Count == 0 || months.Any(x => x is < 1 or > 12) || months.Distinct().Count() != months.Count)
                Error(path, "must list distinct calendar months (1–12)");
        var payments = m.Provisional.Concat(m.Definitive).ToArray();
        if (payments.Length != e.PaymentsPerYear || payments.Distinct().Count() != payments.Length)
            Error("pensionMonths.definitive", $"the 仮徴収 and 本徴収 months must be the {e.PaymentsPerYear} distinct pension months (eligibility.paymentsPerYear)");
        if (m.StartMonths.FirstOrDefault(x => !payments.Contains(x)) is var start and not 0)
            Error("pensionMonths.startMonths", $"{start} is not a pension month ({string.Join(", ", payments)})");
        if (p.Provisional.NewAprilStartDivisor <= 0) Error("provisional.newAprilStartDivisor", "must be positive");

        var s = p.Schedule;
        if (!Rounding.AllowedUnits.Contains(s.Rounding.UnitYen))
            Error("schedule.rounding", $"the rounding unit must be one of {string.Join(", ", Rounding.AllowedUnits)} yen, not {s.Rounding.UnitYen}");
        if (s.Rounding.Mode != RoundingMode.Floor)
            Error("schedule.rounding", "withheld amounts are floored to the unit and the remainder is added to schedule.remainderMonth: the mode must be floor");
        if (!m.Definitive.Contains(s.RemainderMonth))
            Error("schedule.remainderMonth", $"{s.RemainderMonth} is not a 本徴収 month ({string.Join(", ", m.Definitive)})");

        // The deadlines are checked against the pension months only once those are right (not twice for one mistake).
        var monthsRight = payments.Length == e.PaymentsPerYear && payments.Distinct().Count() == payments.Length && payments.All(x => x is >= 1 and <= 12);
        ValidateStops(p, monthsRight ? payments : null, Error);
    }

    /// <summary>The stop parameters (§A8), when the rule set has them: lead times of at most a year; one request deadline per pension month, before it.</summary>
    private static void ValidateStops(WithholdingParameters p, int[]? payments, Action<string, string> error)
    {
        if (p.Stops is not { } stops) return;
        if (stops.Timing.CityNoticeMonths is < 0 or > 12) error("stops.timing.cityNoticeMonths", "must be between 0 and 12 months");
        if (stops.Timing.PensionInsurerMonths is < 0 or > 12) error("stops.timing.pensionInsurerMonths", "must be between 0 and 12 months");
        if (payments is null) return;
        var deadlines = stops.DirectDebitRequest.Deadlines;
        const string path = "stops.directDebitRequest.deadlines";
        foreach (var d in deadlines)
        {
            if (!payments.Contains(d.PensionMonth)) error(path, $"{d.PensionMonth} is not a pension month ({string.Join(", ", payments)})");
            if (d.ApplyByEndOf is < 1 or > 12 || d.ApplyByEndOf == d.PensionMonth)
                error(path, $"the deadline for month {d.PensionMonth} must be the end of another calendar month (1–12), before the pension month");
        }
        if (deadlines.Select(d => d.PensionMonth).Distinct().Count() != deadlines.Count) error(path, "each pension month is listed once");
        if (payments.FirstOrDefault(x => deadlines.All(d => d.PensionMonth != x)) is var missing and not 0)
            error(path, $"pension month {missing} has no deadline: every pension month needs one");
    }
}
