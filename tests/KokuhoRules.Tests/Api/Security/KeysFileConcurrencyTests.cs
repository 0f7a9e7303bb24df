using KokuhoRules.Cli;
using KokuhoRules.Engine.Security;
using KokuhoRules.Tests.Support;
using NodaTime;

namespace KokuhoRules.Tests.Api.Security;

/// <summary>
/// Concurrent <c>kokuho keys</c> edits (issue 11.3): every add and every revoke that says it succeeded
/// is in the file afterwards — none undoes another — whether the edits run as threads of one process
/// (the same code the command runs) or as separate processes.
/// </summary>
public sealed class KeysFileConcurrencyTests : IDisposable
{
    private readonly string _folder = Path.Combine(Path.GetTempPath(), "kokuho-keys-concurrent-" + Guid.NewGuid().ToString("N"));
    private string KeysFile => Path.Combine(_folder, "keys.json");
    private static readonly Instant Now = Instant.FromUtc(2026, 11, 26, 9, 0);

    private void Issue(string id)
    {
        var (o, e) = (new StringWriter(), new StringWriter());
        Assert.True(Keys.Add(KeysFile, id, "Holder " + id, [Roles.Calculator], Now, o, e) == 0, e.ToString());
    }

    [Fact]
    public async Task Adds_and_revokes_running_at_once_all_take_effect()
    {
        for (var i = 0; i < 10; i++) Issue($"old-{i}");
        var adds = Enumerable.Range(0, 20).Select(i => Task.Run(() =>
        {
            var (o, e) = (new StringWriter(), new StringWriter());
            var code = Keys.Add(KeysFile, $"new-{i}", $"Holder new-{i}", [Roles.Calculator], Now, o, e);
            return (Id: $"new-{i}", Code: code, Key: o.ToString().Trim(), Error: e.ToString());
        })).ToArray();
        var revokes = Enumerable.Range(0, 10).Select(i => Task.Run(() =>
        {
            var (o, e) = (new StringWriter(), new StringWriter());
            var code = Keys.Revoke(KeysFile, $"old-{i}", Now + Duration.FromHours(1), o, e);
            return (Id: $"old-{i}", Code: code, Error: e.ToString());
        })).ToArray();
        await Task.WhenAll(adds.Cast<Task>().Concat(revokes));

        foreach (var r in adds.Select(t => t.Result)) Assert.True(r.Code == 0, $"{r.Id}: {r.Error}");
        foreach (var r in revokes.Select(t => t.Result)) Assert.True(r.Code == 0, $"{r.Id}: {r.Error}");
        var stored = ApiKeyFile.Read(KeysFile).ToDictionary(k => k.Id);
        Assert.Equal(30, stored.Count);
        for (var i = 0; i < 10; i++) Assert.NotNull(stored[$"old-{i}"].Revoked);
        foreach (var (id, _, key, _) in adds.Select(t => t.Result))
        {
            Assert.Null(stored[id].Revoked);
            Assert.Equal(ApiKeyFile.Hash(key), stored[id].Sha256); // the key printed is the key stored
        }
        Assert.Empty(Directory.GetFiles(_folder, "*.tmp-*"));
    }

    [Fact]
    public void Separate_kokuho_processes_editing_at_once_all_take_effect()
    {
        for (var i = 0; i < 3; i++) Issue($"old-{i}");
        var processes = Enumerable.Range(0, 3).Select(i => CliProcess.Start("keys", "add", "--file", KeysFile, "--id", $"new-{i}", "--holder", $"Holder {i}", "--role", "auditor"))
            .Concat(Enumerable.Range(0, 3).Select(i => CliProcess.Start("keys", "revoke", "--file", KeysFile, "--id", $"old-{i}")))
            .ToArray();
        try
        {
            foreach (var p in processes) p.WaitForSuccess(TimeSpan.FromMinutes(2));
        }
        finally
        {
            foreach (var p in processes) p.Dispose();
        }
        var stored = ApiKeyFile.Read(KeysFile).ToDictionary(k => k.Id);
        Assert.Equal(6, stored.Count);
        for (var i = 0; i < 3; i++)
        {
            Assert.NotNull(stored[$"old-{i}"].Revoked);
            Assert.Null(stored[$"new-{i}"].Revoked);
        }
    }

    public void Dispose()
    {
        if (Directory.Exists(_folder)) Directory.Delete(_folder, recursive: true);
    }
}
