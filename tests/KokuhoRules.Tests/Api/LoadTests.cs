using System.Collections.Concurrent;
using System.Net;
using System.Text.Json;
using KokuhoRules.Benchmarks;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http.Features;
using KokuhoRules.Tests.Support;
using Microsoft.Extensions.DependencyInjection;

namespace KokuhoRules.Tests.Api;

/// <summary>
/// The API as the tests host it (<see cref="KokuhoApiFactory"/>: keys, audit log, personal-data guard)
/// on real Kestrel, listening on a loopback port the kernel picks (127.0.0.1:0), logging at Warning
/// (capturing every debug line would dominate a load). Started on first use of <see cref="BaseAddress"/>.
/// The one place the load tests get their server and API key from.
/// </summary>
public class LoopbackApiFactory : KokuhoApiFactory
{
    public LoopbackApiFactory() => UseKestrel(kestrel => kestrel.Listen(IPAddress.Loopback, 0));

    /// <summary>The key the load sends in <see cref="LoadDriver.ApiKeyHeader"/>: the core system's role.</summary>
    public string ApiKey => TestKeys.Calculator;

    /// <summary>The address Kestrel listens on, e.g. <c>http://127.0.0.1:40123</c> (starts the server).</summary>
    public Uri BaseAddress
    {
        get
        {
            StartServer();
            var addresses = Services.GetRequiredService<IServer>().Features.GetRequiredFeature<IServerAddressesFeature>().Addresses;
            return new Uri(addresses.Single());
        }
    }

    protected override void Configure(IWebHostBuilder builder) =>
        builder.UseSetting("Logging:LogLevel:Default", "Warning");

    /// <summary>How many assessments the audit log holds for <see cref="ApiKey"/>.</summary>
    public int AuditedAssessments()
    {
        StartServer(); // the audit log is opened when the server starts
        using var stream = new FileStream(Path.Combine(AuditDirectory, "audit-log.jsonl"), FileMode.Open, FileAccess.Read, FileShare.ReadWrite);
        using var reader = new StreamReader(stream);
        return reader.ReadToEnd().Split('\n', StringSplitOptions.RemoveEmptyEntries)
            .Count(l => l.Contains("\"keyId\":\"test-calculator\"", StringComparison.Ordinal) && l.Contains("\"endpoint\":\"AssessPremium\"", StringComparison.Ordinal)
                        && l.Contains("\"status\":200", StringComparison.Ordinal));
    }
}

/// <summary>
/// <c>POST /v1/premium/assessments</c> under load, over real sockets: synthetic households (the batch's
/// population) sent one at a time first, then by <see cref="Clients"/> concurrent clients, each body many
/// times over. Every request must get a 200, and every answer under load must be byte for byte the answer
/// the same request got alone — the rule sets' compiled delegates, memo tables and traces are shared by
/// the threads serving the requests. A bounded number of requests; speed is measured in
/// <c>benchmarks/load.sh</c>, never asserted here.
/// </summary>
public sealed class LoadTests(LoopbackApiFactory api) : IClassFixture<LoopbackApiFactory>
{
    private const int Households = 200;
    private const int Clients = 32;
    private const int Requests = 2_400;

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task Concurrent_clients_get_exactly_the_answers_each_request_gets_alone(bool trace)
    {
        var pool = LoadRequest.Synthetic("amagasaki", 2025, Households, seed: 11);
        var auditedBefore = api.AuditedAssessments();
        var alone = new LoadOptions
        {
            BaseAddress = api.BaseAddress, ApiKey = api.ApiKey, Trace = trace, Warmup = TimeSpan.Zero, Clients = 1, Requests = pool.Count,
        };

        // Each body once, one at a time: the reference answers.
        var expected = new byte[pool.Count][];
        var sequential = await new LoadDriver(alone, pool).RunAsync((i, _, body) => expected[i] = body);
        Assert.True(sequential.Succeeded, Failures(sequential));
        var premiums = expected.Select(b => JsonDocument.Parse(b).RootElement.GetProperty("annualPremium").GetInt64()).ToArray();
        Assert.True(premiums.Distinct().Count() > Households / 2, "the households should not all come to a few amounts");

        // The same bodies round robin under load: the same answers.
        var mismatches = new ConcurrentQueue<string>();
        var answers = new int[pool.Count];
        var load = await new LoadDriver(alone with { Clients = Clients, Requests = Requests }, pool).RunAsync((i, status, body) =>
        {
            Interlocked.Increment(ref answers[i]);
            if (status == HttpStatusCode.OK && !body.AsSpan().SequenceEqual(expected[i])) mismatches.Enqueue(Mismatch(pool[i], expected[i], body));
        });

        Assert.True(load.Succeeded, Failures(load));
        Assert.Equal(Requests, load.Requests);
        Assert.Equal(Requests, load.StatusCounts.GetValueOrDefault(200));
        Assert.All(answers, n => Assert.Equal(Requests / Households, n));
        Assert.True(mismatches.IsEmpty, $"{mismatches.Count} answers under load differ from the same request alone:\n{string.Join("\n", mismatches.Take(5))}");
        // Every call was audited before it was answered: none is missing once the load is over.
        Assert.Equal(pool.Count + Requests, api.AuditedAssessments() - auditedBefore);
    }

    [Theory]
    [InlineData("http://127.0.0.1:5080", true)]
    [InlineData("http://127.0.0.2:5080", true)]
    [InlineData("http://localhost:5080", true)]
    [InlineData("https://LOCALHOST", true)]
    [InlineData("http://[::1]:5080", true)]
    [InlineData("http://10.0.0.5:5080", false)]
    [InlineData("http://0.0.0.0:5080", false)]
    [InlineData("http://localhost.example.com", false)]
    [InlineData("https://example.com", false)]
    [InlineData("ftp://127.0.0.1", false)]
    public void The_driver_talks_to_loopback_addresses_only(string url, bool allowed)
    {
        Assert.Equal(allowed, LoadDriver.LoopbackProblem(new Uri(url)) is null);
        var options = new LoadOptions { BaseAddress = new Uri(url), Requests = 1 };
        if (allowed) Assert.Empty(options.Validate());
        else Assert.Throws<ArgumentException>(() => new LoadDriver(options, LoadRequest.Synthetic("amagasaki", 2025, 1)));
    }

    [Fact]
    public async Task The_load_command_refuses_a_remote_url_before_sending_anything()
    {
        var (output, error) = (new StringWriter(), new StringWriter());

        var exit = await LoadCommand.RunAsync(["--url", "http://192.0.2.1:5080", "--requests", "10"], output, error);

        Assert.Equal(2, exit);
        Assert.Contains("loopback only", error.ToString(), StringComparison.Ordinal);
        Assert.Empty(output.ToString());
    }

    private static string Failures(LoadReport report) =>
        $"{report.Failures} of {report.Requests} requests failed:\n{string.Join("\n", report.FailureSamples)}";

    /// <summary>The household, and the premium and components of each answer (or where the bodies part, if those agree).</summary>
    private static string Mismatch(LoadRequest request, byte[] alone, byte[] underLoad)
    {
        static string Figures(byte[] body)
        {
            try
            {
                var root = JsonDocument.Parse(body).RootElement;
                var components = root.GetProperty("components").EnumerateArray()
                    .Select(c => $"{c.GetProperty("name").GetString()} {c.GetProperty("amount").GetInt64()}");
                return $"{root.GetProperty("annualPremium").GetInt64()} yen ({string.Join(", ", components)})";
            }
            catch (Exception e) when (e is JsonException or KeyNotFoundException or InvalidOperationException)
            {
                return $"not an assessment ({e.Message})";
            }
        }
        var at = alone.AsSpan().CommonPrefixLength(underLoad);
        return $"{request.HouseholdId}: alone {Figures(alone)}, under load {Figures(underLoad)}; the bodies part at byte {at}: " +
               $"…{System.Text.Encoding.UTF8.GetString(underLoad.AsSpan(Math.Max(0, at - 40), Math.Min(80, underLoad.Length - Math.Max(0, at - 40))))}…";
    }
}
