using KokuhoRules.Rules.Catalog;
using System.Text.Json;
using KokuhoRules.Rules.Batch;
using KokuhoRules.Rules.Snapshots;
using KokuhoRules.Rules.Withholding;
using static KokuhoRules.Tests.Batch.BatchInputs;

namespace KokuhoRules.Tests.Withholding;

/// <summary>
/// The one reader of a household's withholding fields (<see cref="WithholdingService.ReadFields"/>): the API's top-level
/// fields and a batch line's <c>household.withholding</c> are read by the same checks, each problem naming its own
/// field; the API refuses <c>household.withholding</c>.
/// </summary>
public sealed class WithholdingFieldsReaderTests
{
    private static readonly WithholdingService Service = new(KokuhoRules.Tests.Batch.BatchInputs.Service.Value.Catalog);

    private const string Head = """{"id":"P1","birthDate":"1955-06-10","coverage":[{"acquired":"2015-06-10"}],"income":{"declared":true,"totalIncome":0},"pension":{"annualAmount":1800000,"careInsuranceWithheld":true,"carePremiumPerPayment":6000}}""";

    private static HouseholdJson Household(string withholding = "") =>
        JsonSerializer.Deserialize<HouseholdJson>($$"""{"id":"H1","headId":"P1","members":[{{Head}}]{{withholding}}}""", KokuhoJson.Options)!;

    private static WithholdingDeterminationRequest Request(HouseholdJson household) =>
        new() { Insurer = Insurer, FiscalYear = FiscalYear, Trial = true, Household = household };

    [Fact]
    public void The_api_refuses_household_withholding_and_says_to_use_the_top_level_fields()
    {
        var (_, failure) = Service.Prepare(Request(Household(""","withholding":{"startMonth":10}""")));
        var error = Assert.Single(failure!.Errors);
        Assert.Equal("household.withholding", error.Field);
        Assert.Contains("top-level fields", error.Message);

        var (call, none) = Service.Prepare(Request(Household()) with { StartMonth = 10 });
        Assert.Null(none);
        Assert.Equal(10, call!.StartMonth);
    }

    public static TheoryData<string, string, string> SameProblems => new()
    {
        { "previousYear", """{"februaryWithheld":1000}""", "previousYear.annualPremium" },
        { "previousYear", """{"annualPremium":-3}""", "previousYear.annualPremium" },
        { "startMonth", "7", "startMonth" },
        { "startMonth", "6", "startMonth" }, // with a previous February: a continuing household starts in April
    };

    [Theory]
    [MemberData(nameof(SameProblems))]
    public void A_batch_line_and_a_request_get_the_same_problem_each_at_its_own_field(string field, string value, string path)
    {
        var previous = field == "startMonth" && value == "6" ? "\"previousYear\":{\"annualPremium\":60000,\"februaryWithheld\":10000}," : "";
        var line = Household($$""","withholding":{{{previous}}"{{field}}":{{value}}}""");
        var rs = Service.Catalog.Resolve<WithholdingRuleSet>(Insurer, FiscalYear, null, null, trial: true).RuleSet!;
        var batchErrors = new List<FieldError>();
        new BatchWithholding(rs, KokuhoRules.Tests.Batch.BatchInputs.Service.Value.Catalog.Premium(Insurer, FiscalYear)!).Read(line, batchErrors);

        var request = Request(line with { Withholding = null }) with
        {
            PreviousYear = line.Withholding!.PreviousYear, StartMonth = line.Withholding.StartMonth,
        };
        var (_, failure) = Service.Prepare(request);

        var batch = Assert.Single(batchErrors);
        var api = Assert.Single(failure!.Errors);
        Assert.Equal(path, api.Field);
        Assert.Equal("household.withholding." + path, batch.Field);
        Assert.Equal(api.Message, batch.Message);
    }
}
