using System.Text;
using System.Text.Json;
using KokuhoRules.Rules.Batch;
using KokuhoRules.Rules.Catalog;
using KokuhoRules.Rules.Premium;
using KokuhoRules.Rules.Snapshots;

namespace KokuhoRules.Tests.Batch;

/// <summary>Populations for the batch tests: synthetic households, plus households a run must refuse.</summary>
public static class BatchInputs
{
    public const string Insurer = "amagasaki";
    public const int FiscalYear = 2025;

    /// <summary>The bundled rule sets (Amagasaki FY2025 is published, so no run here is a trial).</summary>
    public static readonly Lazy<PremiumService> Service = new(() => new PremiumService(KokuhoRuleSets.Load([KokuhoRuleSets.BundledRoot])));

    /// <summary>
    /// Households that parse but that a run must refuse, each with the field its error names. They can be
    /// loaded into the database (which stores households as sent) and are refused when assessed.
    /// </summary>
    public static IReadOnlyList<(HouseholdJson Household, string Field)> Refused { get; } =
    [
        (Household("H-BAD-COVERAGE", """{"id":"P1","birthDate":"1970-01-01","coverage":[{"acquired":"2025-06-01","lost":"2025-05-01"}],"income":{"declared":true,"totalIncome":0}}"""),
            "household.members[0].coverage[0].lost"),
        (Household("H-NO-BIRTH", """{"id":"P1","coverage":[{"acquired":"2019-04-01"}],"income":{"declared":true,"totalIncome":0}}"""),
            "household.members[0].birthDate"),
        (Household("H-NEGATIVE-INCOME", """{"id":"P1","birthDate":"1960-03-03","coverage":[{"acquired":"2019-04-01"}],"income":{"declared":true,"totalIncome":-5}}"""),
            "household.members[0].income.totalIncome"),
    ];

    private static HouseholdJson Household(string id, string member) =>
        JsonSerializer.Deserialize<HouseholdJson>($$"""{"id":"{{id}}","headId":"P1","members":[{{member}}]}""", KokuhoJson.Options)!;

    /// <summary>A synthetic population with the refused households spread through it.</summary>
    public static List<HouseholdJson> Population(long insured, int seed)
    {
        var households = new SyntheticPopulation(FiscalYear, seed).Households(insured).ToList();
        for (var i = 0; i < Refused.Count; i++) households.Insert((i + 1) * households.Count / (Refused.Count + 1), Refused[i].Household);
        return households;
    }

    /// <summary>Writes households as JSON Lines (one per line, as the core system exports them).</summary>
    public static void WriteJsonLines(string path, IEnumerable<HouseholdJson> households)
    {
        using var writer = new StreamWriter(path, append: false, new UTF8Encoding(false));
        foreach (var h in households) writer.Write(JsonSerializer.Serialize(h, KokuhoJson.Options) + "\n");
    }

    /// <summary>What the service (the API's calculation) gives for a household, or the fields it refuses.</summary>
    public static (AssessmentResponse? Response, AssessmentFailure? Failure) Expected(HouseholdJson household) =>
        Service.Value.Assess(new AssessmentRequest { Insurer = Insurer, FiscalYear = FiscalYear, Household = household }, trace: false);

    /// <summary>A scratch folder, deleted with its content on dispose.</summary>
    public sealed class TempFolder : IDisposable
    {
        public string Path { get; } = Directory.CreateTempSubdirectory("kokuho-batch-").FullName;

        public string File(string name) => System.IO.Path.Combine(Path, name);

        public void Dispose()
        {
            try { Directory.Delete(Path, recursive: true); }
            catch (IOException) { }
        }
    }
}
