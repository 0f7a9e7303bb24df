using System.Net;
using System.Text;
using KokuhoRules.Tests.Support;
using Microsoft.AspNetCore.Hosting;
using static KokuhoRules.Tests.Api.ApiRequests;

namespace KokuhoRules.Tests.Api;

/// <summary>The body size limit (<c>Limits:MaxBodyBytes</c>): a body over it is refused with 413 before it is parsed.</summary>
public sealed class RequestLimitsTests(RequestLimitsTests.SmallLimit factory) : IClassFixture<RequestLimitsTests.SmallLimit>
{
    /// <summary>The service with a 4 KiB limit, so the tests need not send megabytes.</summary>
    public sealed class SmallLimit : KokuhoApiFactory
    {
        public const int MaxBodyBytes = 4096;

        protected override void Configure(IWebHostBuilder builder) => builder.UseSetting("Limits:MaxBodyBytes", MaxBodyBytes.ToString());
    }

    /// <summary>A valid request padded with spaces to exactly <paramref name="bytes"/> bytes.</summary>
    private static string Padded(int bytes) => A2Body.Insert(1, new string(' ', bytes - Encoding.UTF8.GetByteCount(A2Body)));

    [Fact]
    public async Task A_body_at_the_limit_is_accepted()
    {
        await (await factory.CreateClient().PostRaw(Padded(SmallLimit.MaxBodyBytes), "?trace=false")).ReadJson();
    }

    [Fact]
    public async Task A_body_over_the_limit_is_refused_by_its_declared_length()
    {
        var problem = await (await factory.CreateClient().PostRaw(Padded(SmallLimit.MaxBodyBytes + 1))).ReadProblem(HttpStatusCode.RequestEntityTooLarge, Problems.TooLarge);
        Assert.Contains("4,096 bytes", problem.GetProperty("detail").GetString());
    }

    [Fact]
    public async Task A_chunked_body_over_the_limit_is_refused_as_it_arrives()
    {
        var content = new StreamContent(new MemoryStream(Encoding.UTF8.GetBytes(Padded(SmallLimit.MaxBodyBytes * 3))));
        content.Headers.ContentType = new("application/json");
        var request = new HttpRequestMessage(HttpMethod.Post, AssessmentsPath) { Content = content };
        request.Headers.TransferEncodingChunked = true;
        var response = await factory.CreateClient().SendAsync(request);
        await response.ReadProblem(HttpStatusCode.RequestEntityTooLarge, Problems.TooLarge);
        var log = await File.ReadAllTextAsync(Path.Combine(factory.AuditDirectory, "audit-log.jsonl"));
        Assert.Contains("\"outcome\":\"refused:too-large\"", log);
    }
}
