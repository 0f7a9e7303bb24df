using KokuhoRules.Rules.Catalog;
using System.Text.Json;
using KokuhoRules.Rules.Batch;
using KokuhoRules.Rules.Premium;
using KokuhoRules.Rules.Snapshots;
using KokuhoRules.Rules.Storage;
using KokuhoRules.Tests.Support;
using Npgsql;
using static KokuhoRules.Tests.Batch.BatchInputs;

namespace KokuhoRules.Tests.Batch;

/// <summary>
/// 本算定 of a city with 資産割 (kushima/2025, test data): the member fact <c>fixedAssetTax</c> is read from the
/// JSON lines and from the database, and the results carry the 資産割 (figures worked out in AssetLevyTests).
/// </summary>
[Collection(PostgresCollection.Name)]
public sealed class AssetLevyBatchTests(PostgresFixture server)
{
    private static readonly PremiumService KushimaService = TestRuleSets.Service;

    /// <summary>Line 1: the couple (511,200); line 2: a single person with no income and 固定資産税 50,000 (7割: 31,100); line 3: a negative tax.</summary>
    private static readonly string[] Lines =
    [
        """{"id":"H-K1","headId":"P1","members":[{"id":"P1","birthDate":"1975-06-15","coverage":[{"acquired":"2010-04-01"}],"income":{"declared":true,"totalIncome":3000000},"fixedAssetTax":85300},{"id":"P2","birthDate":"1977-01-10","coverage":[{"acquired":"2010-04-01"}],"income":{"declared":true,"totalIncome":0},"fixedAssetTax":12345}]}""",
        """{"id":"H-K2","headId":"P1","members":[{"id":"P1","birthDate":"1990-06-15","coverage":[{"acquired":"2010-04-01"}],"income":{"declared":true,"totalIncome":0},"fixedAssetTax":50000}]}""",
        """{"id":"H-K3","headId":"P1","members":[{"id":"P1","birthDate":"1990-06-15","coverage":[{"acquired":"2010-04-01"}],"income":{"declared":true,"totalIncome":0},"fixedAssetTax":-1}]}""",
    ];

    [Fact]
    public void A_file_run_reads_the_fixed_asset_tax_of_each_member()
    {
        using var folder = new TempFolder();
        File.WriteAllText(folder.File("in.jsonl"), string.Join("\n", Lines) + "\n");
        var summary = new FileBatchRunner(KushimaService).Run(
            new FileBatchOptions("kushima", 2025, folder.File("in.jsonl"), folder.File("out.jsonl"), ResultFormat.Jsonl, 1, Trial: false), null, CancellationToken.None);

        var results = File.ReadAllLines(folder.File("out.jsonl")).Select(l => JsonDocument.Parse(l).RootElement).ToDictionary(r => r.GetProperty("householdId").GetString()!);
        Assert.Equal(511_200, results["H-K1"].GetProperty("annualPremium").GetInt64());
        Assert.Equal(340_800, results["H-K1"].GetProperty("components").GetProperty("medical").GetProperty("amount").GetInt64());
        Assert.Equal(31_100, results["H-K2"].GetProperty("annualPremium").GetInt64());
        Assert.Equal(542_300, summary.AnnualPremium);
        Assert.Equal(1, summary.Errors);
        var error = JsonDocument.Parse(File.ReadAllLines(folder.File("out.jsonl.errors.jsonl")).Single()).RootElement;
        Assert.Contains("household.members[0].fixedAssetTax", error.GetRawText());
        Assert.DoesNotContain("-1", error.GetProperty("errors").GetRawText());
    }

    [SkippableFact]
    public async Task A_database_run_stores_and_reads_back_the_fixed_asset_tax()
    {
        server.RequireServer();
        var connectionString = server.CreateDatabase();
        await using var source = NpgsqlDataSource.Create(connectionString);
        var store = new PremiumStore(source);
        await store.MigrateAsync();
        var rs = KushimaService.Catalog.Premium("kushima", 2025)!;
        var households = Lines.Take(2).Select(l => JsonSerializer.Deserialize<HouseholdJson>(l, KokuhoJson.Options)!).ToList();
        await store.LoadAsync(rs.Insurer, 2025, households);

        var (_, summary, _, _, _) = await new DbBatchRunner(KushimaService, store).RunAsync("kushima", 2025, false, 10, new DbWorkOptions(1, TimeSpan.FromMinutes(5)), "test", null, CancellationToken.None);
        Assert.Equal(511_200 + 31_100, summary.AnnualPremium);
    }
}
