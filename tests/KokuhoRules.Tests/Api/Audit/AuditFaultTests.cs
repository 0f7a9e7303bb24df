using System.Net;
using System.Text.Json;
using System.Text.Json.Nodes;
using KokuhoRules.Engine.Audit;
using KokuhoRules.Tests.Support;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using static KokuhoRules.Tests.Api.ApiRequests;

namespace KokuhoRules.Tests.Api.Audit;

/// <summary>
/// The service when its audit log cannot be written (issue 11.1): a disk that fills up is injected under
/// the local audit file (<see cref="FullDisk"/>). A call is answered only once its entry is durable; else it
/// gets a 503 problem saying so, readiness says so, and the log never holds a partial line nor an entry
/// claiming a status that was not sent.
/// </summary>
public sealed class AuditFaultTests
{
    private sealed class Service : KokuhoApiFactory
    {
        public Service() => Disk = new FullDisk(AuditDirectory, 1 << 20);

        public FullDisk Disk { get; }

        public string LogPath => Path.Combine(AuditDirectory, "audit-log.jsonl");

        protected override void Configure(IWebHostBuilder builder) => builder.ConfigureTestServices(services =>
            services.AddSingleton(sp => new AuditLog(new FileAuditStore(LogPath, Disk.Wrap), null, sp.GetRequiredService<ILoggerFactory>().CreateLogger("KokuhoRules.Audit"))));
    }

    private static JsonObject Household(string id)
    {
        var request = A2();
        request["household"]!["id"] = id;
        return request;
    }

    [Fact]
    public async Task A_full_disk_refuses_calls_with_503_until_space_returns_and_the_log_stays_whole_and_true()
    {
        await using var service = new Service();
        var client = service.CreateClient(TestKeys.Calculator);
        var probe = service.CreateClient(key: null);
        for (var i = 0; i < 3; i++) await (await client.PostAssessment(Household($"H-OK-{i}"), "?trace=false")).ReadJson();
        var good = new FileInfo(service.LogPath).Length;

        service.Disk.LeaveFree(200); // less than an entry
        var from = LogCapture.Instance.Next;
        for (var i = 0; i < 3; i++)
        {
            var refused = await client.PostAssessment(Household($"H-FULL-{i}"), "?trace=false");
            var problem = await refused.ReadProblem(HttpStatusCode.ServiceUnavailable, Problems.AuditUnavailable);
            Assert.Contains("audit log cannot be written", problem.GetProperty("detail").GetString());
            Assert.False(problem.TryGetProperty("annualPremium", out _)); // the calculation's answer is not given
        }
        Assert.Equal(good, new FileInfo(service.LogPath).Length); // no partial line
        Assert.Contains(LogCapture.Instance.Since(from), l => l.Text.StartsWith("Critical AUDIT LOG CANNOT BE WRITTEN", StringComparison.Ordinal));

        var notReady = await probe.GetAsync("/health/ready");
        Assert.Equal(HttpStatusCode.ServiceUnavailable, notReady.StatusCode);
        var readiness = await notReady.ReadJson(HttpStatusCode.ServiceUnavailable);
        Assert.Equal(("not-ready", "cannot be written"), (readiness.GetProperty("status").GetString(), readiness.GetProperty("auditLog").GetString()));

        service.Disk.Capacity = 1 << 20; // space is back: readiness finds it without waiting for a call
        var ready = await (await probe.GetAsync("/health/ready")).ReadJson();
        Assert.Equal(("ready", "ok"), (ready.GetProperty("status").GetString(), ready.GetProperty("auditLog").GetString()));
        await (await client.PostAssessment(Household("H-BACK"), "?trace=false")).ReadJson();

        var lines = File.ReadAllText(service.LogPath).Split('\n');
        Assert.Equal("", lines[^1]);
        var entries = lines[..^1].Select(l => JsonSerializer.Deserialize<AuditEntry>(l, FileAuditStore.Json)!).ToArray();
        Assert.Equal(["H-OK-0", "H-OK-1", "H-OK-2", "H-BACK"], entries.Select(e => e.Subjects.Single()));
        Assert.All(entries, e => Assert.Equal((200, "ok"), (e.Status, e.Outcome)));
        var page = await (await service.CreateClient(TestKeys.Auditor).GetAsync("/v1/audit")).ReadJson();
        Assert.Empty(page.GetProperty("damagedLines").EnumerateArray());
    }

    [Fact]
    public async Task A_call_refused_because_its_entry_failed_is_recorded_with_the_503_it_got_once_the_log_takes_it()
    {
        await using var service = new Service();
        var client = service.CreateClient(TestKeys.Calculator);
        await (await client.PostAssessment(Household("H-FIRST"), "?trace=false")).ReadJson();

        service.Disk.FailNextFlushes(1); // the fsync of the call's entry fails; the next one works
        await (await client.PostAssessment(Household("H-FLUSH"), "?trace=false")).ReadProblem(HttpStatusCode.ServiceUnavailable, Problems.AuditUnavailable);

        var entries = File.ReadAllText(service.LogPath).Split('\n', StringSplitOptions.RemoveEmptyEntries)
            .Select(l => JsonSerializer.Deserialize<AuditEntry>(l, FileAuditStore.Json)!).ToArray();
        var entry = Assert.Single(entries, e => e.Subjects.Contains("H-FLUSH"));
        Assert.Equal((503, "unavailable", "AssessPremium"), (entry.Status, entry.Outcome, entry.Endpoint)); // the status sent, not the 200 the calculation produced
    }

    [Fact]
    public async Task A_log_damaged_by_an_older_version_is_still_read_its_damaged_lines_reported()
    {
        await using var service = new Service();
        Directory.CreateDirectory(service.AuditDirectory);
        var whole = JsonSerializer.Serialize(FileAuditStoreTests.Entry(1), FileAuditStore.Json);
        File.WriteAllText(service.LogPath, whole[..120] + whole + "\n{\"id\": not json\n");

        var page = await (await service.CreateClient(TestKeys.Auditor).GetAsync("/v1/audit?limit=1000")).ReadJson();
        Assert.Equal([1L, 2L], page.GetProperty("damagedLines").EnumerateArray().Select(e => e.GetInt64()));
        Assert.Contains(page.GetProperty("entries").EnumerateArray(), e => e.GetProperty("entry").GetProperty("subjects")[0].GetString() == "H-1");
    }

    /// <summary>A real full disk: a 64 KiB tmpfs as the audit folder (needs root and a kernel that lets it mount; skipped otherwise — the injected disk above covers the same promises everywhere).</summary>
    private sealed class TmpfsService(string folder) : KokuhoApiFactory
    {
        protected override void Configure(IWebHostBuilder builder) => builder.UseSetting("Audit:Directory", folder);
    }

    [SkippableFact]
    public async Task On_a_real_64_KiB_tmpfs_every_answer_is_audited_truly_and_the_log_stays_whole()
    {
        var mount = Path.Combine(Path.GetTempPath(), "kokuho-audit-tmpfs-" + Guid.NewGuid().ToString("N")[..8]);
        Directory.CreateDirectory(mount);
        var (code, output) = PostgresFixture.Run("mount", "-t", "tmpfs", "-o", "size=64k,mode=0700", "tmpfs", mount);
        if (code != 0)
        {
            Directory.Delete(mount);
            Skip.If(true, $"cannot mount a tmpfs here ({output.Trim()}); the injected full disk covers the same promises");
        }
        try
        {
            var log = Path.Combine(mount, "audit-log.jsonl");
            await using var service = new TmpfsService(mount);
            var client = service.CreateClient(TestKeys.Calculator);
            var answered = new List<string>();
            var refused = 0;
            for (var i = 0; i < 400 && refused < 3; i++)
            {
                var response = await client.PostAssessment(Household($"H-TMPFS-{i}"), "?trace=false");
                if (response.StatusCode == HttpStatusCode.OK) answered.Add($"H-TMPFS-{i}");
                else
                {
                    await response.ReadProblem(HttpStatusCode.ServiceUnavailable, Problems.AuditUnavailable);
                    refused++;
                }
            }
            Assert.True(refused == 3, "the 64 KiB disk never filled up");
            Assert.Equal(HttpStatusCode.ServiceUnavailable, (await service.CreateClient(key: null).GetAsync("/health/ready")).StatusCode);

            Assert.Equal(0, PostgresFixture.Run("mount", "-o", "remount,size=1m", mount).Code); // space is back
            await (await service.CreateClient(key: null).GetAsync("/health/ready")).ReadJson();
            await (await client.PostAssessment(Household("H-TMPFS-BACK"), "?trace=false")).ReadJson();
            answered.Add("H-TMPFS-BACK");

            var text = File.ReadAllText(log);
            Assert.EndsWith("\n", text);
            var entries = text.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => JsonSerializer.Deserialize<AuditEntry>(l, FileAuditStore.Json)!).ToArray();
            Assert.Equal(answered, entries.Where(e => e.Status == 200).Select(e => e.Subjects.Single()));
            Assert.All(entries, e => Assert.True(e.Status == 200 || (e.Status == 503 && e.Outcome == "unavailable"), $"{e.Subjects.Single()}: {e.Status} {e.Outcome}"));
        }
        finally
        {
            PostgresFixture.Run("umount", mount);
            try { Directory.Delete(mount, recursive: true); } catch (IOException) { }
        }
    }
}
