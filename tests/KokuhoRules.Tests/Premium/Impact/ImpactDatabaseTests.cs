using System.Text.Json;
using KokuhoRules.Rules.Batch;
using KokuhoRules.Rules.Premium.Impact;
using KokuhoRules.Tests.Cli;
using KokuhoRules.Tests.Support;
using static KokuhoRules.Tests.Batch.BatchInputs;

namespace KokuhoRules.Tests.Premium.Impact;

/// <summary><c>rulesets impact --db</c>: the population the store holds gives the report the same population from a file gives.</summary>
[Collection(PostgresCollection.Name)]
public sealed class ImpactDatabaseTests(PostgresFixture server) : IDisposable
{
    private readonly TempFolder _folder = new();

    public void Dispose() => _folder.Dispose();

    private ImpactReport Report(params string[] population)
    {
        var path = _folder.File(Guid.NewGuid().ToString("N") + ".json");
        var run = CliRun.Command(["rulesets", "impact", "--insurer", Insurer, "--base", "2025", "--draft", "2026", "--threads", "2", "--out", path,
            "--audit-log", _folder.File("audit.jsonl"), .. population]);
        Assert.True(run.ExitCode == 0, run.ToString());
        return JsonSerializer.Deserialize<ImpactReport>(File.ReadAllBytes(path), KokuhoRules.Cli.RuleSetImpact.JsonOptions)!;
    }

    [SkippableFact]
    public void The_store_and_the_file_of_the_same_population_give_the_same_report()
    {
        var database = server.CreateDatabase();
        var file = _folder.File("pop.jsonl");
        WriteJsonLines(file, new SyntheticPopulation(2025, 12).Households(800));
        var loaded = CliRun.Command(["generate", "--insured", "800", "--seed", "12", "--fiscal-year", "2025", "--db", database, "--insurer", Insurer]);
        Assert.True(loaded.ExitCode == 0, loaded.ToString());

        var fromFile = Report("--in", file);
        var fromDb = Report("--db", database);
        Assert.Equal(fromFile.Input.Households, fromDb.Input.Households);
        Assert.Equal(fromFile.Base.AnnualPremium, fromDb.Base.AnnualPremium);
        Assert.Equal(fromFile.Draft.AnnualPremium, fromDb.Draft.AnnualPremium);
        Assert.Equal(fromFile.Components, fromDb.Components);
        Assert.Equal(fromFile.Changes, fromDb.Changes);
        Assert.Equal(fromFile.ReductionClasses, fromDb.ReductionClasses);
        Assert.Equal(fromFile.AgeBands, fromDb.AgeBands);
        Assert.StartsWith("postgresql households amagasaki/2025", fromDb.Input.Source);

        var empty = CliRun.Command(["rulesets", "impact", "--insurer", Insurer, "--base", "2025", "--draft", "2026", "--db", database, "--population-year", "2024",
            "--audit-log", _folder.File("audit.jsonl")]);
        Assert.Equal(2, empty.ExitCode);
        Assert.Contains("holds no households of amagasaki/2024", empty.Error);
    }
}
