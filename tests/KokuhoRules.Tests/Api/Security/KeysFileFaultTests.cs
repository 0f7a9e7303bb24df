using System.Net;
using KokuhoRules.Api.Security;
using KokuhoRules.Engine.Security;
using KokuhoRules.Tests.Support;
using Microsoft.AspNetCore.Hosting;
using NodaTime;
using static KokuhoRules.Tests.Api.ApiRequests;

namespace KokuhoRules.Tests.Api.Security;

/// <summary>
/// A keys file that cannot be used (issue 10.3, 10.5): the service does not start — one line, exit code
/// 78, no stack trace; a running service that finds it changed and invalid says so loudly (error log,
/// readiness) and keeps the keys it accepted before, except every key the file revokes or drops.
/// </summary>
public sealed class KeysFileFaultTests : IDisposable
{
    private readonly string _folder = Path.Combine(Path.GetTempPath(), "kokuho-keys-fault-" + Guid.NewGuid().ToString("N"));
    private string KeysFile => Path.Combine(_folder, "keys.json");
    private static readonly Instant Created = Instant.FromUtc(2026, 4, 1, 0, 0);

    private (string Key, ApiKeyRecord Record) NewKey(string id)
    {
        var key = ApiKeyFile.NewKey();
        return (key, new ApiKeyRecord(id, "Holder " + id, [Roles.Calculator], ApiKeyFile.Hash(key), Created));
    }

    /// <summary>Runs the API as a real process with <paramref name="environment"/>; it must refuse to start.</summary>
    internal static (int Code, string Output) StartApi(params (string Name, string Value)[] environment)
    {
        var env = new Dictionary<string, string?>
        {
            ["ASPNETCORE_URLS"] = "http://127.0.0.1:0",
            ["Audit__Directory"] = Path.Combine(Path.GetTempPath(), "kokuho-audit-start-" + Guid.NewGuid().ToString("N")),
            ["Logging__LogLevel__Default"] = "Warning",
        };
        foreach (var (name, value) in environment) env[name] = value;
        using var api = CliProcess.StartProgram("KokuhoRules.Api.dll", env);
        var code = api.WaitForExit(TimeSpan.FromMinutes(1));
        return (code, api.Output.Trim());
    }

    internal static void AssertOneLineRefusal((int Code, string Output) run, string expected)
    {
        Assert.True(run.Code == StartupRefusedException.ExitCode, $"exit {run.Code}:\n{run.Output}");
        var line = Assert.Single(run.Output.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        Assert.StartsWith("KokuhoRules API not started: ", line);
        Assert.Contains(expected, line);
        Assert.DoesNotContain("Exception", line);
    }

    [Fact]
    public void A_configured_keys_file_that_does_not_exist_stops_the_start_up_with_one_line()
    {
        var missing = Path.Combine(_folder, "kyes.json");
        AssertOneLineRefusal(StartApi(("Auth__KeysFile", missing)), $"Auth:KeysFile is {missing}, which does not exist");
    }

    [Fact]
    public void A_keys_file_with_an_empty_id_stops_the_start_up_with_one_line_naming_the_entry()
    {
        Directory.CreateDirectory(_folder);
        var (_, record) = NewKey("ok");
        File.WriteAllText(KeysFile, $$"""{ "keys": [ { "id": "", "holder": "x", "roles": ["calculator"], "sha256": "{{record.Sha256}}", "created": "2026-04-01T00:00:00Z" } ] }""");
        AssertOneLineRefusal(StartApi(("Auth__KeysFile", KeysFile)), "keys[0].id");
    }

    [Fact]
    public void A_keys_file_that_is_not_json_stops_the_start_up_with_one_line()
    {
        Directory.CreateDirectory(_folder);
        File.WriteAllText(KeysFile, "{ \"keys\": [ { \"id\": ");
        AssertOneLineRefusal(StartApi(("Auth__KeysFile", KeysFile)), "not a valid keys file");
    }

    private sealed class Service(string keysFile) : KokuhoApiFactory
    {
        protected override void Configure(IWebHostBuilder builder) => builder.UseSetting("Auth:KeysFile", keysFile);
    }

    private static async Task<string> KeysFileState(Service service) =>
        (await (await service.CreateClient(key: null).GetAsync("/health/ready")).Content.ReadAsStringAsync()) is var text && text.Contains("\"keysFile\":\"invalid\"") ? "invalid"
        : text.Contains("\"keysFile\":\"ok\"") ? "ok" : text;

    [Fact]
    public async Task A_running_service_that_finds_the_keys_file_invalid_keeps_the_old_keys_but_loses_no_revocation()
    {
        var (kept, keptRecord) = NewKey("kept");
        var (revoked, revokedRecord) = NewKey("revoked");
        var (dropped, droppedRecord) = NewKey("dropped");
        var (added, addedRecord) = NewKey("added");
        ApiKeyFile.Write(KeysFile, [keptRecord, revokedRecord, droppedRecord]);
        await using var service = new Service(KeysFile);
        foreach (var key in new[] { kept, revoked, dropped })
            await (await service.CreateClient(key).PostAssessment(A2(), "?trace=false")).ReadJson();

        // A hand edit gone wrong: 'revoked' revoked, 'dropped' removed, 'added' added — and an entry with an empty holder.
        var from = LogCapture.Instance.Next;
        File.WriteAllText(KeysFile, $$"""
            { "keys": [
              { "id": "kept", "holder": "Holder kept", "roles": ["calculator"], "sha256": "{{keptRecord.Sha256}}", "created": "2026-04-01T00:00:00Z" },
              { "id": "revoked", "holder": "Holder revoked", "roles": ["calculator"], "sha256": "{{revokedRecord.Sha256}}", "created": "2026-04-01T00:00:00Z", "revoked": "2026-11-26T00:00:00Z" },
              { "id": "added", "holder": "", "roles": ["calculator"], "sha256": "{{addedRecord.Sha256}}", "created": "2026-04-01T00:00:00Z" }
            ] }
            """);
        await Eventually.Holds(async () => await KeysFileState(service) == "invalid", "readiness did not report the invalid keys file");
        Assert.Contains(LogCapture.Instance.Since(from), l => l.Text.StartsWith("Error KEYS FILE INVALID", StringComparison.Ordinal) && l.Text.Contains("keys[2].holder", StringComparison.Ordinal));
        var ready = await (await service.CreateClient(key: null).GetAsync("/health/ready")).ReadJson();
        Assert.Equal("degraded", ready.GetProperty("status").GetString());

        await (await service.CreateClient(kept).PostAssessment(A2(), "?trace=false")).ReadJson();
        foreach (var key in new[] { revoked, dropped, added })
            Assert.Equal(HttpStatusCode.Unauthorized, (await service.CreateClient(key).PostAssessment(A2(), "?trace=false")).StatusCode);

        // Fixed: the file is in force again, the added key too.
        ApiKeyFile.Write(KeysFile, [keptRecord, revokedRecord with { Revoked = Created }, addedRecord]);
        await Eventually.Holds(async () => await KeysFileState(service) == "ok", "readiness did not report the keys file fixed");
        await (await service.CreateClient(added).PostAssessment(A2(), "?trace=false")).ReadJson();
        Assert.Equal(HttpStatusCode.Unauthorized, (await service.CreateClient(revoked).PostAssessment(A2(), "?trace=false")).StatusCode);
    }

    [Fact]
    public async Task A_running_service_whose_keys_file_is_no_longer_json_accepts_none_of_its_keys_and_is_not_ready()
    {
        var (key, record) = NewKey("only");
        ApiKeyFile.Write(KeysFile, [record]);
        await using var service = new Service(KeysFile);
        await (await service.CreateClient(key).PostAssessment(A2(), "?trace=false")).ReadJson();

        File.WriteAllText(KeysFile, "{ \"keys\": [ { \"id\": \"only\", "); // cut short: nothing can be told from it, not even a revocation
        await Eventually.Holds(async () => await KeysFileState(service) == "invalid", "readiness did not report the invalid keys file");
        var refused = await (await service.CreateClient(key).PostAssessment(A2())).ReadProblem(HttpStatusCode.Unauthorized, Problems.Unauthenticated);
        Assert.Contains("keys file", refused.GetProperty("detail").GetString());
        var ready = await service.CreateClient(key: null).GetAsync("/health/ready");
        Assert.Equal(HttpStatusCode.ServiceUnavailable, ready.StatusCode);
    }

    public void Dispose()
    {
        if (Directory.Exists(_folder)) Directory.Delete(_folder, recursive: true);
    }
}
