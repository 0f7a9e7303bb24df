using KokuhoRules.Api.Security;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace KokuhoRules.Tests.Support;

/// <summary>
/// The service as the tests host it: keys from <see cref="TestKeys"/> (the local development key
/// off), its own audit folder, every log line at every level captured by <see cref="LogCapture"/>,
/// and <see cref="PersonalDataGuard"/> failing any call whose personal data reaches a log line or an
/// error message. <see cref="WebApplicationFactory{TEntryPoint}.CreateClient()"/> gives a client
/// with the every-role key; <see cref="CreateClient(string?)"/> one with another key or none.
/// </summary>
public class KokuhoApiFactory : WebApplicationFactory<Program>
{
    public KokuhoApiFactory() =>
        AuditDirectory = Path.Combine(Path.GetTempPath(), "kokuho-test-audit-" + Guid.NewGuid().ToString("N"));

    /// <summary>The folder of this server's local audit log (<c>audit-log.jsonl</c>) or spool.</summary>
    public string AuditDirectory { get; }

    protected sealed override void ConfigureWebHost(IWebHostBuilder builder)
    {
        builder.UseSetting("Auth:KeysFile", TestKeys.KeysFile);
        builder.UseSetting("Auth:DevelopmentKey", "false");
        builder.UseSetting("Audit:Directory", AuditDirectory);
        builder.ConfigureLogging(logging =>
        {
            logging.SetMinimumLevel(LogLevel.Trace);
            logging.AddProvider(LogCapture.Instance);
        });
        builder.ConfigureServices(services => services.AddSingleton<Microsoft.AspNetCore.Hosting.IStartupFilter, PersonalDataGuard>());
        Configure(builder);
    }

    /// <summary>Further settings of a derived factory (rule-set roots, a database, …).</summary>
    protected virtual void Configure(IWebHostBuilder builder) { }

    protected override void ConfigureClient(HttpClient client)
    {
        base.ConfigureClient(client);
        client.DefaultRequestHeaders.Add(ApiKeyAuthenticationHandler.Header, TestKeys.All);
    }

    /// <summary>A client sending <paramref name="key"/> (none when null).</summary>
    public HttpClient CreateClient(string? key)
    {
        var client = CreateClient();
        client.DefaultRequestHeaders.Remove(ApiKeyAuthenticationHandler.Header);
        if (key is not null) client.DefaultRequestHeaders.Add(ApiKeyAuthenticationHandler.Header, key);
        return client;
    }

    protected override void Dispose(bool disposing)
    {
        base.Dispose(disposing);
        DeleteAudit();
    }

    public override async ValueTask DisposeAsync()
    {
        await base.DisposeAsync();
        DeleteAudit();
    }

    private void DeleteAudit()
    {
        try { if (Directory.Exists(AuditDirectory)) Directory.Delete(AuditDirectory, recursive: true); }
        catch (IOException) { }
    }
}
