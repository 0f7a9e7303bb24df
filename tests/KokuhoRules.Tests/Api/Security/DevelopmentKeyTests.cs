using System.Net;
using KokuhoRules.Engine.Security;
using KokuhoRules.Tests.Support;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.Logging;
using static KokuhoRules.Tests.Api.ApiRequests;

namespace KokuhoRules.Tests.Api.Security;

/// <summary>
/// The local development key: accepted in the embedded default (no database), printed at start-up,
/// refused when a database is configured unless explicitly allowed.
/// </summary>
public sealed class DevelopmentKeyTests
{
    /// <summary>The service with the given settings, and nothing else of the test factory's (the development key left as configured).</summary>
    private sealed class Service(params (string Key, string? Value)[] settings) : WebApplicationFactory<Program>
    {
        public readonly string AuditDirectory = Path.Combine(Path.GetTempPath(), "kokuho-test-audit-" + Guid.NewGuid().ToString("N"));

        protected override void ConfigureWebHost(IWebHostBuilder builder)
        {
            builder.UseSetting("Audit:Directory", AuditDirectory);
            foreach (var (key, value) in settings) builder.UseSetting(key, value);
            builder.ConfigureLogging(l => l.AddProvider(LogCapture.Instance));
        }

        public HttpClient Client(string? key)
        {
            var client = CreateClient();
            if (key is not null) client.DefaultRequestHeaders.Add("X-Api-Key", key);
            return client;
        }
    }

    /// <summary>A connection string to a port nothing listens on: configured, never reached by these tests.</summary>
    private const string UnreachableDatabase = "Host=127.0.0.1;Port=1;Database=kokuho;Username=kokuho;Timeout=1";

    [Fact]
    public async Task The_embedded_default_accepts_the_development_key_and_prints_it_at_start_up()
    {
        var from = LogCapture.Instance.Next;
        await using var service = new Service();
        var response = await service.Client(ApiKeyFile.DevelopmentKey).PostAssessment(A2(), "?trace=false");
        await response.ReadJson();
        var startup = LogCapture.Instance.Since(from).Select(l => l.Text).ToArray();
        Assert.Contains(startup, l => l.Contains("LOCAL DEVELOPMENT KEY", StringComparison.Ordinal) && l.Contains(ApiKeyFile.DevelopmentKey, StringComparison.Ordinal));
    }

    [Fact]
    public void With_a_database_and_no_keys_file_the_service_does_not_start()
    {
        KeysFileFaultTests.AssertOneLineRefusal(KeysFileFaultTests.StartApi(("ConnectionStrings__Kokuho", UnreachableDatabase)), "set Auth:KeysFile");
    }

    [Fact]
    public async Task With_a_keys_file_and_no_database_the_development_key_is_refused_unless_explicitly_allowed()
    {
        await using (var service = new Service(("Auth:KeysFile", TestKeys.KeysFile)))
        {
            var problem = await (await service.Client(ApiKeyFile.DevelopmentKey).PostAssessment(A2())).ReadProblem(HttpStatusCode.Unauthorized, Problems.Unauthenticated);
            Assert.Contains("refused when the service has a keys file", problem.GetProperty("detail").GetString());
            await (await service.Client(TestKeys.Calculator).PostAssessment(A2(), "?trace=false")).ReadJson();
        }
        await using (var allowed = new Service(("Auth:KeysFile", TestKeys.KeysFile), ("Auth:AllowDevelopmentKey", "true")))
            await (await allowed.Client(ApiKeyFile.DevelopmentKey).PostAssessment(A2(), "?trace=false")).ReadJson();
    }

    [Fact]
    public async Task With_a_database_the_development_key_is_refused_and_keys_of_the_keys_file_work()
    {
        await using var service = new Service(("ConnectionStrings:Kokuho", UnreachableDatabase), ("Auth:KeysFile", TestKeys.KeysFile));
        var refused = await service.Client(ApiKeyFile.DevelopmentKey).PostAssessment(A2());
        var problem = await refused.ReadProblem(HttpStatusCode.Unauthorized, Problems.Unauthenticated);
        Assert.Contains("refused when the service has a keys file", problem.GetProperty("detail").GetString());

        // The calculation itself needs no database; its audit entry waits in the local spool.
        await (await service.Client(TestKeys.Calculator).PostAssessment(A2(), "?trace=false")).ReadJson();
    }

    [Fact]
    public async Task With_a_database_the_development_key_works_only_when_explicitly_allowed()
    {
        await using var service = new Service(("ConnectionStrings:Kokuho", UnreachableDatabase), ("Auth:AllowDevelopmentKey", "true"));
        await (await service.Client(ApiKeyFile.DevelopmentKey).PostAssessment(A2(), "?trace=false")).ReadJson();
    }
}
