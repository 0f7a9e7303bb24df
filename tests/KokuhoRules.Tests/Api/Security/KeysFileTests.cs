using System.Net;
using KokuhoRules.Cli;
using KokuhoRules.Engine.Security;
using KokuhoRules.Tests.Support;
using Microsoft.AspNetCore.Hosting;
using NodaTime;
using static KokuhoRules.Tests.Api.ApiRequests;

namespace KokuhoRules.Tests.Api.Security;

/// <summary><c>kokuho keys add|revoke|list</c> and the running service picking the changes up.</summary>
public sealed class KeysFileTests : IDisposable
{
    private readonly string _folder = Path.Combine(Path.GetTempPath(), "kokuho-keys-" + Guid.NewGuid().ToString("N"));
    private string KeysFile => Path.Combine(_folder, "keys.json");

    private (int Code, string Output, string Error) Cli(Func<TextWriter, TextWriter, int> run)
    {
        var (output, error) = (new StringWriter(), new StringWriter());
        var code = run(output, error);
        return (code, output.ToString(), error.ToString());
    }

    [Fact]
    public void A_key_is_printed_once_and_only_its_hash_is_stored()
    {
        var (code, output, error) = Cli((o, e) => Keys.Add(KeysFile, "core-system", "尼崎市 基幹系", [Roles.Calculator], Instant.FromUtc(2026, 11, 26, 9, 0), o, e));
        Assert.Equal(0, code);
        var key = output.Trim();
        Assert.StartsWith(ApiKeyFile.Prefix, key);
        Assert.Equal(4 + 43, key.Length);
        Assert.Contains("shown only now", error);

        var text = File.ReadAllText(KeysFile);
        Assert.DoesNotContain(key, text);
        Assert.Contains(ApiKeyFile.Hash(key), text);
        if (!OperatingSystem.IsWindows())
            Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(KeysFile));
        var stored = Assert.Single(ApiKeyFile.Read(KeysFile));
        Assert.Equal(("core-system", "尼崎市 基幹系"), (stored.Id, stored.Holder));

        var (listed, list, _) = Cli((o, e) => Keys.List(KeysFile, o, e));
        Assert.Equal(0, listed);
        Assert.Contains("core-system\t尼崎市 基幹系\tcalculator", list);
        Assert.DoesNotContain(key, list);
    }

    [Fact]
    public void Duplicate_ids_unknown_roles_and_unknown_keys_are_refused_and_the_file_is_left_as_it_was()
    {
        Cli((o, e) => Keys.Add(KeysFile, "staff-a", "Staff A", [Roles.Publisher], Instant.FromUtc(2026, 11, 26, 9, 0), o, e));
        var before = File.ReadAllText(KeysFile);

        var duplicate = Cli((o, e) => Keys.Add(KeysFile, "staff-a", "Someone else", [Roles.Publisher], Instant.FromUtc(2026, 11, 26, 9, 0), o, e));
        Assert.Equal((1, ""), (duplicate.Code, duplicate.Output));
        Assert.Contains("exists already", duplicate.Error);

        var role = Cli((o, e) => Keys.Add(KeysFile, "staff-b", "Staff B", ["admin"], Instant.FromUtc(2026, 11, 26, 9, 0), o, e));
        Assert.Equal(1, role.Code);
        Assert.Contains("--role: must be one or more of calculator, publisher, auditor", role.Error);

        var revoke = Cli((o, e) => Keys.Revoke(KeysFile, "nobody", Instant.FromUtc(2026, 11, 26, 9, 0), o, e));
        Assert.Equal(1, revoke.Code);
        Assert.Contains("no key with id 'nobody'", revoke.Error);

        Assert.Equal(before, File.ReadAllText(KeysFile));
    }

    [Fact]
    public void A_keys_file_with_a_bad_entry_is_refused_with_the_entry_named()
    {
        Directory.CreateDirectory(_folder);
        File.WriteAllText(KeysFile, """{ "keys": [ { "id": "a", "holder": "A", "roles": ["calculator"], "sha256": "abc", "created": "2026-11-26T00:00:00Z" } ] }""");
        var e = Assert.Throws<InvalidDataException>(() => ApiKeyFile.Read(KeysFile));
        Assert.Contains("keys[0].sha256", e.Message);
    }

    [Theory]
    [InlineData("", "Staff C", "--id")]
    [InlineData("Staff C", "Staff C", "--id")]
    [InlineData("staff-c", "", "--holder")]
    [InlineData("staff-c", "   ", "--holder")]
    [InlineData("staff-c", "line\nbreak", "--holder")]
    public void A_key_with_an_empty_or_invalid_field_is_not_issued_and_the_file_stays_usable(string id, string holder, string field)
    {
        Cli((o, e) => Keys.Add(KeysFile, "staff-a", "Staff A", [Roles.Publisher], Instant.FromUtc(2026, 11, 26, 9, 0), o, e));
        var before = File.ReadAllText(KeysFile);

        var refused = Cli((o, e) => Keys.Add(KeysFile, id, holder, [Roles.Calculator], Instant.FromUtc(2026, 11, 26, 9, 0), o, e));
        Assert.Equal((1, ""), (refused.Code, refused.Output)); // no key printed
        Assert.Single(refused.Error.Trim().Split('\n'));
        Assert.StartsWith($"not issued: {field}:", refused.Error);
        Assert.Equal(before, File.ReadAllText(KeysFile));
        // The tool (and so the service) still reads the file, and a revocation still works.
        Assert.Equal(0, Cli((o, e) => Keys.List(KeysFile, o, e)).Code);
        Assert.Equal(0, Cli((o, e) => Keys.Revoke(KeysFile, "staff-a", Instant.FromUtc(2026, 11, 26, 10, 0), o, e)).Code);
    }

    [Fact]
    public void A_keys_file_the_service_would_refuse_is_never_written()
    {
        var bad = new ApiKeyRecord("", "Somebody", [Roles.Calculator], ApiKeyFile.Hash(ApiKeyFile.NewKey()), Instant.FromUtc(2026, 11, 26, 9, 0));
        var e = Assert.Throws<InvalidDataException>(() => ApiKeyFile.Write(KeysFile, [bad]));
        Assert.Contains("keys[0].id", e.Message);
        Assert.False(File.Exists(KeysFile));
        Assert.Empty(Directory.Exists(_folder) ? Directory.GetFiles(_folder) : []); // no temporary file left either
    }

    [Fact]
    public async Task The_service_accepts_a_new_key_and_refuses_a_revoked_one_without_a_restart()
    {
        Cli((o, e) => Keys.Add(KeysFile, "first", "First", [Roles.Calculator], SystemClock.Instance.GetCurrentInstant(), o, e));
        await using var service = new Service(KeysFile);

        var issued = Cli((o, e) => Keys.Add(KeysFile, "core-system", "Core system", [Roles.Calculator], SystemClock.Instance.GetCurrentInstant(), o, e)).Output.Trim();
        var client = service.CreateClient(issued);
        await Eventually.Holds(async () => (await client.PostAssessment(A2(), "?trace=false")).StatusCode == HttpStatusCode.OK, "the service did not accept the new key");

        Cli((o, e) => Keys.Revoke(KeysFile, "core-system", SystemClock.Instance.GetCurrentInstant(), o, e));
        await Eventually.Holds(async () => (await client.PostAssessment(A2(), "?trace=false")).StatusCode == HttpStatusCode.Unauthorized, "the service did not refuse the revoked key");
        var problem = await (await client.PostAssessment(A2())).ReadProblem(HttpStatusCode.Unauthorized, Problems.Unauthenticated);
        Assert.Contains("'core-system' was revoked", problem.GetProperty("detail").GetString());
    }

    private sealed class Service(string keysFile) : KokuhoApiFactory
    {
        protected override void Configure(IWebHostBuilder builder) => builder.UseSetting("Auth:KeysFile", keysFile);
    }

    public void Dispose()
    {
        if (Directory.Exists(_folder)) Directory.Delete(_folder, recursive: true);
    }
}
