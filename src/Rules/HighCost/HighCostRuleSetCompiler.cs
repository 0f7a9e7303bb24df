using KokuhoRules.Engine.Money;
using KokuhoRules.Engine.RuleSets;
using NodaTime;
using NodaTime.Text;

namespace KokuhoRules.Rules.HighCost;

/// <summary>
/// Compiles a <see cref="RuleSetSource"/> into a <see cref="HighCostRuleSet"/>: binds the parameters of the layers (national,
/// then the prefecture's: the capability is served prefecture-wide), checks them (dated table keys, limits that never rise
/// with the count, thresholds in order, shares, the municipalities), and compiles the category workflows once. All
/// problems are reported together at file:line:path. <c>joins.json</c> (the continuity rules) is allowed and optional here.
/// </summary>
public sealed class HighCostRuleSetCompiler : RuleSetCompiler<HighCostRuleSet>
{
    /// <summary>The capability's name in manifests and folders.</summary>
    public const string CapabilityName = "highCost";

    /// <summary>The file of the household-continuity rules (optional for the benefit).</summary>
    public const string JoinsFileName = "joins.json";

    /// <summary>The name the category workflows use for the household facts.</summary>
    public const string FactsName = "h";

    /// <summary>The name expressions use for the parameters.</summary>
    public const string ParametersName = "p";

    /// <summary>The workflows of the category decisions.</summary>
    public const string Under70CategoryWorkflow = "Under70Category", Age70CategoryWorkflow = "Age70Category";

    /// <summary>The schema file of a national layer's high-cost parameters.</summary>
    public const string NationalParametersSchema = "highCost.national.parameters.schema.json";

    /// <summary>The schema file of a prefecture layer's high-cost parameters.</summary>
    public const string PrefectureParametersSchema = "highCost.prefecture.parameters.schema.json";

    /// <summary>The JSON Schemas of the high-cost parameter files, generated from <see cref="HighCostParameters"/>, by file name under <c>rulesets/schema/</c>.</summary>
    public static IReadOnlyList<(string FileName, System.Text.Json.Nodes.JsonObject Schema)> ParameterSchemas() =>
    [
        (NationalParametersSchema, ParameterSchema.For<HighCostParameters>(RuleSetLayerKind.National, NationalParametersSchema,
            "KokuhoRules high-cost (高額療養費) parameters, national layer (rulesets/national/<year>/highCost/parameters.json)")),
        (PrefectureParametersSchema, ParameterSchema.For<HighCostParameters>(RuleSetLayerKind.Prefecture, PrefectureParametersSchema,
            "KokuhoRules high-cost (高額療養費) parameters, prefecture layer (rulesets/<prefecture>/<year>/highCost/parameters.json)")),
    ];

    private static readonly IReadOnlyDictionary<string, Under70Category> Under70Outcomes =
        Enum.GetValues<Under70Category>().ToDictionary(c => System.Text.Json.JsonNamingPolicy.CamelCase.ConvertName(c.ToString()), c => c);

    private static readonly IReadOnlyDictionary<string, Age70Category> Age70Outcomes =
        Enum.GetValues<Age70Category>().ToDictionary(c => System.Text.Json.JsonNamingPolicy.CamelCase.ConvertName(c.ToString()), c => c);

    public override string Capability => CapabilityName;

    public override IReadOnlySet<RuleSetLayerKind> InsurerLayers { get; } = new HashSet<RuleSetLayerKind> { RuleSetLayerKind.Prefecture };

    public override IReadOnlySet<string> FileNames { get; } =
        new HashSet<string> { RuleSetLayer.ParametersFileName, RuleSetLayer.WorkflowsFileName, JoinsFileName };

    public override HighCostRuleSet CompileRuleSet(RuleSetSource source)
    {
        var errors = new RuleSetErrors();
        var files = ParameterFiles(source, errors);
        errors.ThrowIfAny(source.ToString());
        var parameters = ParameterBinder.Bind<HighCostParameters>(files, errors, out var table);
        errors.ThrowIfAny(source.ToString());
        var p = parameters!;
        var under70 = Dated(p.Limits.Under70, "limits.under70", table, errors);
        var age70 = Dated(p.Limits.Age70To74, "limits.age70To74", table, errors);
        Validate(p, source.InsurerInfo, table, errors);

        var workflows = Engine.Decisions.WorkflowSet.Read(source, errors);
        var anchor = source.National.Workflows ?? source.National.Parameters!;
        var under70Category = workflows.Compile<CategoryFacts, Under70Category>(Under70CategoryWorkflow, FactsName, p, ParametersName, Under70Outcomes, errors, anchor, parameterTable: table);
        var age70Category = workflows.Compile<CategoryFacts, Age70Category>(Age70CategoryWorkflow, FactsName, p, ParametersName, Age70Outcomes, errors, anchor, parameterTable: table);
        workflows.ReportUnused(errors);
        var continuity = Continuity.ContinuityRules.Compile(source, JoinsFileName, p, table, errors);
        errors.ThrowIfAny(source.ToString());
        return new HighCostRuleSet(source, p, table, under70, age70, under70Category!, age70Category!) { ContinuityRules = continuity };
    }

    /// <summary>Reads a care month written <c>YYYY-MM</c>; null if it is not one.</summary>
    public static YearMonth? ParseMonth(string text) =>
        YearMonthPattern.Iso.Parse(text) is { Success: true } r && text.Length == 7 ? r.Value : null;

    /// <summary>The dated versions of a table, oldest first; each key must be a care month <c>YYYY-MM</c>.</summary>
    private static List<DatedTable<T>> Dated<T>(IReadOnlyDictionary<string, T> versions, string path, ParameterTable table, RuleSetErrors errors)
    {
        var dated = new List<DatedTable<T>>();
        foreach (var (key, value) in versions)
        {
            if (ParseMonth(key) is { } from) dated.Add(new DatedTable<T>(from, $"{path}.{key}", value));
            else errors.Add(ErrorUnder(table, $"{path}.{key}", $"'{key}' is not a care month: key each version by the first care month it applies to, 'YYYY-MM'"));
        }
        if (versions.Count == 0) errors.Add(table.ErrorAt(path, "must hold at least one version")); 
        return dated.OrderBy(d => d.From).ToList();
    }

    /// <summary>An error at the first parameter under a group's path (groups have no line of their own).</summary>
    private static RuleSetError ErrorUnder(ParameterTable table, string path, string message) =>
        table.All.FirstOrDefault(i => i.Path.StartsWith(path + ".", StringComparison.Ordinal)) is { } first
            ? table.ErrorAt(first.Path, message)
            : table.ErrorAt(path, message);

    private static void Validate(HighCostParameters p, InsurerInfo insurer, ParameterTable table, RuleSetErrors errors)
    {
        void Error(string path, string message) => errors.Add(table.ErrorAt(path, message));
        ValidateLimits(p, Error);

        var c = p.Categories;
        if (!(c.Under70.UAbove < c.Under70.IAbove && c.Under70.IAbove < c.Under70.AAbove) || c.Under70.UAbove < 0)
            Error("categories.under70.uAbove", "the thresholds must rise: 0 ≤ uAbove < iAbove < aAbove");
        if (!(c.Age70To74.GenekiIFrom < c.Age70To74.GenekiIIFrom && c.Age70To74.GenekiIIFrom < c.Age70To74.GenekiIIIFrom) || c.Age70To74.GenekiIFrom <= 0)
            Error("categories.age70To74.genekiIFrom", "the thresholds must rise: 0 < genekiIFrom < genekiIIFrom < genekiIIIFrom");
        if (c.IncomeYearSwitchMonth is < 1 or > 12) Error("categories.incomeYearSwitchMonth", "must be a calendar month (1–12)");
        if (p.Ages.Elderly <= 0 || p.Ages.Elderly >= p.Ages.LateElderly) Error("ages.elderly", "ages must satisfy 0 < elderly < lateElderly");

        var a = p.Aggregation;
        if (a.ClaimThreshold < 0) Error("aggregation.claimThreshold", "must not be negative");
        if (a.OnePercent.CompareTo(Ratio.One) > 0) Error("aggregation.onePercent", "a share of the cost between 0 and 1");
        foreach (var (path, rounding) in new[] { ("aggregation.onePercentRounding", a.OnePercentRounding), ("specialMonths.shareRounding", p.SpecialMonths.ShareRounding) })
            if (rounding.UnitYen != 1) Error(path, "limits are in whole yen: the rounding unit must be 1");

        var m = p.ManyTimes;
        if (m.WindowMonths is < 2 or > 24) Error("manyTimes.windowMonths", "must be between 2 and 24 months");
        if (m.PriorMonths < 1 || m.PriorMonths >= m.WindowMonths) Error("manyTimes.priorMonths", "must be at least 1 and fewer than windowMonths");
        if (ParseMonth(m.CarriedAcrossInsurersFrom) is null) Error("manyTimes.carriedAcrossInsurersFrom", "must be a care month 'YYYY-MM'");

        var o = p.OutpatientAnnualCap;
        if (ParseMonth(o.From) is null) Error("outpatientAnnualCap.from", "must be a care month 'YYYY-MM'");
        if (o.Amount <= 0) Error("outpatientAnnualCap.amount", "must be a positive amount of yen");
        if (o.PeriodStartMonth is < 1 or > 12) Error("outpatientAnnualCap.periodStartMonth", "must be a calendar month (1–12)");

        foreach (var (path, share) in new[] { ("specialMonths.lateElderlyMonthShare", p.SpecialMonths.LateElderlyMonthShare), ("specialMonths.inPrefectureMoveShare", p.SpecialMonths.InPrefectureMoveShare) })
            if (share.Numerator <= 0 || share.CompareTo(Ratio.One) > 0) Error(path, "a share between 0 (excluded) and 1");

        ValidateMunicipalities(p.Continuity.Municipalities, insurer, Error);
    }

    /// <summary>Every limit positive and never higher from the 4th time (多数回 ≤ the base, so the limit never rises with the count).</summary>
    private static void ValidateLimits(HighCostParameters p, Action<string, string> error)
    {
        foreach (var (key, t) in p.Limits.Under70)
            foreach (var (name, l) in new[] { ("a", t.A), ("i", t.I), ("u", t.U), ("e", t.E), ("o", t.O) })
            {
                var path = $"limits.under70.{key}.{name}";
                if (string.IsNullOrWhiteSpace(l.Name)) error($"{path}.name", "the category's name must not be empty");
                if (l.Base <= 0) error($"{path}.base", "must be a positive amount of yen");
                if (l.CostThreshold is <= 0) error($"{path}.costThreshold", "must be a positive amount of yen");
                if (l.ManyTimes <= 0 || l.ManyTimes > l.Base) error($"{path}.manyTimes", "must be positive and not above base: the limit never rises with the count");
            }
        foreach (var (key, t) in p.Limits.Age70To74)
            foreach (var (name, l) in new[] { ("genekiIII", t.GenekiIII), ("genekiII", t.GenekiII), ("genekiI", t.GenekiI), ("general", t.General), ("lowIncomeII", t.LowIncomeII), ("lowIncomeI", t.LowIncomeI) })
            {
                var path = $"limits.age70To74.{key}.{name}";
                if (string.IsNullOrWhiteSpace(l.Name)) error($"{path}.name", "the category's name must not be empty");
                if (l.Household <= 0) error($"{path}.household", "must be a positive amount of yen");
                if (l.Outpatient is { } op && (op <= 0 || op > l.Household)) error($"{path}.outpatient", "must be positive and not above the household limit");
                if (l.CostThreshold is <= 0) error($"{path}.costThreshold", "must be a positive amount of yen");
                if (l.ManyTimes is { } mt && (mt <= 0 || mt > l.Household)) error($"{path}.manyTimes", "must be positive and not above household: the limit never rises with the count");
            }
    }

    private static void ValidateMunicipalities(IReadOnlyList<Municipality> municipalities, InsurerInfo insurer, Action<string, string> error)
    {
        const string path = "continuity.municipalities";
        if (municipalities.Count == 0) error(path, "must list the prefecture's municipalities");
        foreach (var m in municipalities)
        {
            if (!RuleSetManifest.IsSlug(m.Id)) error(path, $"'{m.Id}' is not an id (lower-case letters, digits and '-')");
            if (string.IsNullOrWhiteSpace(m.Name)) error(path, $"'{m.Id}' has no name");
            if (!RuleSetManifest.IsLocalGovernmentCode(m.LocalGovernmentCode))
                error(path, $"'{m.Id}': '{m.LocalGovernmentCode}' is not a valid 全国地方公共団体コード (6 digits with a correct check digit)");
            else if (m.LocalGovernmentCode[..2] != insurer.PrefectureCode)
                error(path, $"'{m.Id}': {m.LocalGovernmentCode} is not a municipality of the prefecture {insurer.LocalGovernmentCode}");
        }
        foreach (var id in municipalities.GroupBy(m => m.Id).Where(g => g.Count() > 1).Select(g => g.Key)) error(path, $"'{id}' is listed twice");
        foreach (var code in municipalities.GroupBy(m => m.LocalGovernmentCode).Where(g => g.Count() > 1).Select(g => g.Key)) error(path, $"{code} is listed twice");
    }
}
