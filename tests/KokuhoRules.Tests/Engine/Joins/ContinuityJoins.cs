using KokuhoRules.Engine.Joins;
using KokuhoRules.Engine.RuleSets;
using NodaTime;

namespace KokuhoRules.Tests.Engine.Joins;

/// <summary>A person's loss of coverage in a city (転出).</summary>
public sealed record MoveOut(string PersonKey, string City, LocalDate LossDate);

/// <summary>A person's acquisition of coverage in a city (転入).</summary>
public sealed record MoveIn(string PersonKey, string City, LocalDate AcquisitionDate);

/// <summary>Concluded: more days than tolerated between a loss and the next acquisition.</summary>
public sealed record Gap(string PersonKey, int Days);

/// <summary>Concluded: a loss in a city of the prefecture with no later acquisition.</summary>
public sealed record Unmatched(string PersonKey, string City);

/// <summary>The made-up capability's parameters (TestData/joins/continuity/parameters.json).</summary>
public sealed class ContinuityParameters
{
    [FromLayer(RuleSetLayerKind.National)]
    public ContinuityGroup Continuity { get; set; } = new();
}

[ParameterGroup]
public sealed class ContinuityGroup
{
    public int ToleranceDays { get; set; }

    public IReadOnlyList<string> PrefectureCities { get; set; } = [];
}

/// <summary>
/// A small made-up capability for the join-rule tests, with no premium code: moves out and in, a gap rule and a
/// "no later move-in" rule (TestData/joins/continuity/), its parameters bound with <see cref="ParameterBinder"/>.
/// </summary>
public static class ContinuityJoins
{
    public const string DisplayName = "continuity/joins.json";

    public static string Folder => Path.Combine(AppContext.BaseDirectory, "TestData", "joins", "continuity");

    public static string JoinsText => File.ReadAllText(Path.Combine(Folder, "joins.json"));

    public static readonly (ContinuityParameters Parameters, ParameterTable Table) Bound = Bind(File.ReadAllBytes(Path.Combine(Folder, "parameters.json")));

    /// <summary>The rules of the bundled test file, compiled once (as a rule-set version would be).</summary>
    public static readonly JoinRules Compiled = CompileOrThrow(JoinsText);

    public static (ContinuityParameters, ParameterTable) Bind(byte[] parametersJson)
    {
        var file = JsonSourceFile.Parse("continuity/parameters.json", parametersJson, out var syntax);
        Assert.Null(syntax);
        var errors = new RuleSetErrors();
        var parameters = ParameterBinder.Bind<ContinuityParameters>(new Dictionary<RuleSetLayerKind, JsonSourceFile> { [RuleSetLayerKind.National] = file }, errors, out var table);
        Assert.True(parameters is not null, string.Join("\n", errors.All));
        return (parameters!, table);
    }

    public static JoinVocabulary Vocabulary(ContinuityParameters? parameters = null, ParameterTable? table = null) =>
        new JoinVocabulary(parameters ?? Bound.Parameters, "p", table ?? Bound.Table)
            .Fact<MoveOut>()
            .Fact<MoveIn>()
            .Conclusion<Gap>()
            .Conclusion<Unmatched>()
            .ExpressionType(typeof(LocalDate))
            .ExpressionType(typeof(Period))
            .ExpressionType(typeof(PeriodUnits));

    /// <summary>Compiles joins text with the continuity vocabulary; the rules, or null and the errors.</summary>
    public static (JoinRules? Rules, IReadOnlyList<RuleSetError> Errors) Compile(string json, JoinVocabulary? vocabulary = null)
    {
        var errors = new RuleSetErrors();
        var file = JsonSourceFile.Parse(DisplayName, System.Text.Encoding.UTF8.GetBytes(json), out var syntax);
        if (syntax is not null) errors.Add(syntax);
        var rules = syntax is null ? JoinRules.Compile(file, vocabulary ?? Vocabulary(), errors) : null;
        return (rules, errors.All);
    }

    private static JoinRules CompileOrThrow(string json)
    {
        var (rules, errors) = Compile(json);
        return rules ?? throw new InvalidOperationException(string.Join("\n", errors));
    }

    /// <summary>The partition key of the continuity facts: the person.</summary>
    public static string Person(object fact) => fact switch
    {
        MoveOut o => o.PersonKey,
        MoveIn i => i.PersonKey,
        _ => throw new ArgumentException(fact.GetType().Name),
    };

    public static LocalDate Day(int offset) => new LocalDate(2025, 4, 1).PlusDays(offset);
}
