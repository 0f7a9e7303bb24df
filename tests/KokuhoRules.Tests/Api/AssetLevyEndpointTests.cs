using System.Net;
using System.Text.Json.Nodes;
using KokuhoRules.Tests.Support;
using Microsoft.AspNetCore.Hosting;
using static KokuhoRules.Tests.Api.ApiRequests;

namespace KokuhoRules.Tests.Api;

/// <summary>The service on the bundled rule sets and the test data (kushima/2025 with 資産割, shinjuku/2022 with 所得割 per member).</summary>
public sealed class TestDataApiFactory : KokuhoApiFactory
{
    protected override void Configure(IWebHostBuilder builder)
    {
        builder.UseSetting("RuleSets:Roots:0", TestRuleSets.BundledRoot);
        builder.UseSetting("RuleSets:Roots:1", TestRuleSets.TestDataRoot);
    }
}

/// <summary>資産割 (member fact <c>fixedAssetTax</c>) and the 所得割 rounded per member through <c>POST /v1/premium/assessments</c>.</summary>
public sealed class AssetLevyEndpointTests(TestDataApiFactory factory) : IClassFixture<TestDataApiFactory>
{
    private readonly HttpClient _client = factory.CreateClient();

    /// <summary>The couple of AssetLevyTests: P1 49 所得 300万 固定資産税 85,300; P2 48 所得 0 固定資産税 12,345.</summary>
    private static JsonObject KushimaCouple() => JsonNode.Parse("""
        {"insurer":"kushima","fiscalYear":2025,"household":{"id":"H-K1","headId":"P1","members":[
          {"id":"P1","birthDate":"1975-06-15","coverage":[{"acquired":"2010-04-01"}],"income":{"declared":true,"totalIncome":3000000},"fixedAssetTax":85300},
          {"id":"P2","birthDate":"1977-01-10","coverage":[{"acquired":"2010-04-01"}],"income":{"declared":true,"totalIncome":0},"fixedAssetTax":12345}]}}
        """)!.AsObject();

    [Fact]
    public async Task The_asset_levy_is_in_each_components_breakdown_and_in_the_trace()
    {
        var body = await (await _client.PostAssessment(KushimaCouple())).ReadJson();
        Assert.Equal(511_200, body.GetProperty("annualPremium").GetInt64());
        var components = body.GetProperty("components").EnumerateArray().ToDictionary(c => c.GetProperty("name").GetString()!);
        // 97,645 × 19.2% / 5% / 2.6%, floored (worked out in AssetLevyTests).
        Assert.Equal(18_747, components["medical"].GetProperty("assetLevy").GetInt64());
        Assert.Equal(4_882, components["support"].GetProperty("assetLevy").GetInt64());
        Assert.Equal(2_538, components["care"].GetProperty("assetLevy").GetInt64());
        Assert.Equal(340_800, components["medical"].GetProperty("amount").GetInt64());
        var steps = body.GetProperty("trace").EnumerateArray().Where(s => s.GetProperty("item").GetString() == "assetLevy").ToList();
        Assert.Equal(3, steps.Count);
        Assert.Contains(steps, s => s.GetProperty("component").GetString() == "medical" && s.GetProperty("yen").GetInt64() == 18_747);
    }

    [Fact]
    public async Task A_city_without_asset_levy_leaves_the_field_out_and_ignores_the_fact()
    {
        var plain = await (await _client.PostAssessment(A2())).ReadJson();
        var request = A2();
        request.Member(0)["fixedAssetTax"] = 250_000;
        var withTax = await (await _client.PostAssessment(request)).ReadJson();
        Assert.All(withTax.GetProperty("components").EnumerateArray(), c => Assert.False(c.TryGetProperty("assetLevy", out _)));
        Assert.Equal(plain.GetProperty("annualPremium").GetInt64(), withTax.GetProperty("annualPremium").GetInt64());
    }

    [Fact]
    public async Task A_ward_rounds_each_members_income_levy()
    {
        var request = JsonNode.Parse("""
            {"insurer":"shinjuku","fiscalYear":2022,"household":{"id":"H-S1","headId":"P1","members":[
              {"id":"P1","birthDate":"1980-06-15","coverage":[{"acquired":"2010-04-01"}],"income":{"declared":true,"totalIncome":1234567}},
              {"id":"P2","birthDate":"1982-03-03","coverage":[{"acquired":"2010-04-01"}],"income":{"declared":true,"totalIncome":987654}}]}}
            """)!;
        var body = await (await _client.PostAssessment(request)).ReadJson();
        var medical = body.GetProperty("components").EnumerateArray().Single(c => c.GetProperty("name").GetString() == "medical");
        Assert.Equal(97_534, medical.GetProperty("incomeLevy").GetInt64()); // 57,606 + 39,928 (per member), not 97,535
        Assert.Contains("rounding.incomeLevyPer", body.GetProperty("unconfirmedParameters").EnumerateArray().Select(p => p.GetString()));
    }

    [Theory]
    [InlineData(-1, "cannot be negative")]
    [InlineData(1_000_000_000_000, "exceeds the largest accepted amount")] // 13 digits: 12 above the range are refused as an individual number, as for every amount
    public async Task A_fixed_asset_tax_out_of_range_is_refused_naming_the_field(long tax, string message)
    {
        var request = KushimaCouple();
        request.Member(1)["fixedAssetTax"] = tax;
        var problem = await (await _client.PostAssessment(request)).ReadProblem(HttpStatusCode.UnprocessableEntity, "urn:kokuhorules:problem:invalid-request");
        var error = Assert.Single(problem.Errors());
        Assert.Equal("household.members[1].fixedAssetTax", error.Field);
        Assert.Contains(message, error.Message);
        // The value is not repeated (the detail and the message; the problem's trace id is random and may hold any digits).
        Assert.DoesNotContain(tax.ToString(System.Globalization.CultureInfo.InvariantCulture), error.Message);
        Assert.DoesNotContain(tax.ToString(System.Globalization.CultureInfo.InvariantCulture), problem.GetProperty("detail").GetString());
    }

    [Fact]
    public async Task A_twelve_digit_fixed_asset_tax_within_the_range_is_an_amount_not_an_individual_number()
    {
        var request = KushimaCouple();
        request.Member(0)["fixedAssetTax"] = 100_000_000_000;
        var body = await (await _client.PostAssessment(request, "?trace=false")).ReadJson();
        var medical = body.GetProperty("components").EnumerateArray().Single(c => c.GetProperty("name").GetString() == "medical");
        Assert.Equal(660_000, medical.GetProperty("amount").GetInt64()); // capped
        Assert.Equal(19_200_002_370, medical.GetProperty("assetLevy").GetInt64()); // (100,000,000,000 + 12,345) × 19.2% = 19,200,002,370.24
    }
}
