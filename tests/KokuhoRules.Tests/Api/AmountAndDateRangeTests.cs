using System.Net;
using System.Text;
using System.Text.Json.Nodes;
using KokuhoRules.Tests.Support;
using static KokuhoRules.Tests.Api.ApiRequests;

namespace KokuhoRules.Tests.Api;

/// <summary>
/// The individual-number guard is for identifiers and strings: a yen amount of the contract up to the
/// documented 100,000,000,000 (12 digits) is an amount. Dates of a request, <c>asOf</c> too, are within
/// the documented years 1890–2200.
/// </summary>
public sealed class AmountAndDateRangeTests(KokuhoApiFactory factory) : IClassFixture<KokuhoApiFactory>
{
    private readonly HttpClient _client = factory.CreateClient();

    [Theory]
    [InlineData("totalIncome")]
    [InlineData("salaryRevenue")]
    [InlineData("combinedIncome")]
    public async Task A_twelve_digit_amount_within_the_documented_range_is_assessed(string field)
    {
        var request = A2();
        var income = request.Member(0)["income"]!.AsObject();
        income[field] = 100_000_000_000;
        if (field == "salaryRevenue") income["salaryIncome"] = 99_999_000_000;
        var body = await (await _client.PostAssessment(request, "?trace=false")).ReadJson();
        Assert.True(body.GetProperty("annualPremium").GetInt64() > 0);
    }

    [Fact]
    public async Task Twelve_digits_elsewhere_are_still_refused_as_an_individual_number()
    {
        // Above the amount range, in a field that is not an amount, or as a string in an amount's field.
        foreach (var change in new Action<JsonObject>[]
                 {
                     r => r.Member(0)["income"]!["totalIncome"] = 100_000_000_001,
                     r => r["fiscalYear"] = 202_520_252_025,
                     r => r.Member(0)["income"]!["totalIncome"] = "100000000000",
                 })
        {
            var request = A2();
            change(request);
            var problem = await (await _client.PostAssessment(request)).ReadProblem(HttpStatusCode.UnprocessableEntity, Problems.IndividualNumber);
            Assert.DoesNotContain("10000000000", problem.GetRawText());
        }
    }

    [Theory]
    [InlineData("0001-01-01")]
    [InlineData("1889-12-31")]
    [InlineData("2201-01-01")]
    [InlineData("9999-12-31")]
    public async Task An_asof_outside_the_documented_years_is_refused_naming_the_field(string asOf)
    {
        var request = A2();
        request["asOf"] = asOf;
        var problem = await (await _client.PostAssessment(request)).ReadProblem(HttpStatusCode.UnprocessableEntity, Problems.InvalidRequest);
        Assert.Equal([("asOf", "must be a date in the years 1890–2200")], problem.Errors());
        Assert.DoesNotContain(asOf, problem.GetRawText());

        var reassessment = new JsonObject
        {
            ["insurer"] = "amagasaki", ["asOf"] = asOf,
            ["change"] = new JsonObject { ["effectiveDate"] = "2025-09-01" },
            ["years"] = new JsonArray(new JsonObject { ["fiscalYear"] = 2025, ["household"] = A2()["household"]!.DeepClone() }),
        };
        var response = await _client.PostAsync("/v1/premium/reassessments", new StringContent(reassessment.ToJsonString(), Encoding.UTF8, "application/json"));
        var refused = await response.ReadProblem(HttpStatusCode.UnprocessableEntity, Problems.InvalidRequest);
        Assert.Contains(("asOf", "must be a date in the years 1890–2200"), refused.Errors());
    }

    [Fact]
    public async Task The_first_and_last_documented_days_are_accepted_as_asof()
    {
        foreach (var asOf in new[] { "1890-01-01", "2200-12-31" })
        {
            var request = A2();
            request["asOf"] = asOf;
            await (await _client.PostAssessment(request, "?trace=false")).ReadJson();
        }
    }
}
