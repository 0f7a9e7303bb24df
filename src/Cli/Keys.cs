using System.CommandLine;
using KokuhoRules.Engine.Security;
using NodaTime;

namespace KokuhoRules.Cli;

/// <summary>
/// <c>kokuho keys add|revoke|list</c>: issue API keys to a named holder with roles, revoke them, list
/// them. A key is printed once, when it is issued; the keys file keeps only its SHA-256. The running
/// service re-reads the file within seconds of a change.
/// </summary>
public static class Keys
{
    public static Command Build()
    {
        var command = new Command("keys", "API keys: issue (add), revoke, list. The keys file holds hashes only.");
        var file = new Option<FileInfo>("--file") { Description = "The keys file (the service's Auth:KeysFile).", Required = true };

        var id = new Option<string>("--id") { Description = "The key's id, shown in the audit log (e.g. core-system, staff-tanaka).", Required = true };
        var holder = new Option<string>("--holder") { Description = "Who the key is issued to: a system or a staff member (no shared keys).", Required = true };
        var roles = new Option<string[]>("--role") { Description = $"A role: {string.Join(", ", Roles.All)} (repeatable).", Required = true, AllowMultipleArgumentsPerToken = true };
        var add = new Command("add", "Issue a key; prints it once (store it in the client's secret store).");
        foreach (var o in new Option[] { file, id, holder, roles }) add.Options.Add(o);
        add.SetAction(parse => Add(parse.GetValue(file)!.FullName, parse.GetValue(id)!, parse.GetValue(holder)!, parse.GetValue(roles)!,
            SystemClock.Instance.GetCurrentInstant(), parse.InvocationConfiguration.Output, parse.InvocationConfiguration.Error));
        command.Subcommands.Add(add);

        var revokeId = new Option<string>("--id") { Description = "The key to revoke.", Required = true };
        var revoke = new Command("revoke", "Revoke a key: it is refused from the moment the service re-reads the file (within seconds).");
        revoke.Options.Add(file);
        revoke.Options.Add(revokeId);
        revoke.SetAction(parse => Revoke(parse.GetValue(file)!.FullName, parse.GetValue(revokeId)!, SystemClock.Instance.GetCurrentInstant(),
            parse.InvocationConfiguration.Output, parse.InvocationConfiguration.Error));
        command.Subcommands.Add(revoke);

        var list = new Command("list", "List the keys: id, holder, roles, created, revoked (never the keys).");
        list.Options.Add(file);
        list.SetAction(parse => List(parse.GetValue(file)!.FullName, parse.InvocationConfiguration.Output, parse.InvocationConfiguration.Error));
        command.Subcommands.Add(list);
        return command;
    }

    public static int Add(string path, string id, string holder, IReadOnlyList<string> roles, Instant now, TextWriter output, TextWriter error) =>
        Change(path, error, keys =>
        {
            if (keys.Any(k => k.Id == id)) throw new InvalidDataException($"a key with id '{id}' exists already (revoke it and issue one with a new id)");
            var unknown = roles.Where(r => !Roles.All.Contains(r)).ToArray();
            if (unknown.Length > 0) throw new InvalidDataException($"unknown role {string.Join(", ", unknown)}: use {string.Join(", ", Roles.All)}");
            var key = ApiKeyFile.NewKey();
            var updated = keys.Append(new ApiKeyRecord(id, holder.Trim(), roles.Distinct().ToArray(), ApiKeyFile.Hash(key), now)).ToArray();
            return (updated, () =>
            {
                output.WriteLine(key);
                error.WriteLine($"key '{id}' issued to {holder.Trim()} with roles {string.Join(", ", roles.Distinct())}: the line above is the key; it is not stored and is shown only now.");
            });
        });

    public static int Revoke(string path, string id, Instant now, TextWriter output, TextWriter error) =>
        Change(path, error, keys =>
        {
            var key = keys.FirstOrDefault(k => k.Id == id) ?? throw new InvalidDataException($"no key with id '{id}'");
            if (key.Revoked is not null) throw new InvalidDataException($"key '{id}' was revoked already");
            return (keys.Select(k => k.Id == id ? k with { Revoked = now } : k).ToArray(), () => output.WriteLine($"key '{id}' revoked"));
        });

    public static int List(string path, TextWriter output, TextWriter error)
    {
        try
        {
            foreach (var k in ApiKeyFile.Read(path))
                output.WriteLine($"{k.Id}\t{k.Holder}\t{string.Join(",", k.Roles)}\tcreated {k.Created}\t{(k.Revoked is { } r ? $"revoked {r}" : "active")}");
            return 0;
        }
        catch (InvalidDataException e)
        {
            error.WriteLine(e.Message);
            return 1;
        }
    }

    private static int Change(string path, TextWriter error, Func<IReadOnlyList<ApiKeyRecord>, (IReadOnlyList<ApiKeyRecord> Keys, Action Done)> change)
    {
        try
        {
            var (keys, done) = change(ApiKeyFile.Read(path));
            ApiKeyFile.Write(path, keys);
            done();
            return 0;
        }
        catch (InvalidDataException e)
        {
            error.WriteLine(e.Message);
            return 1;
        }
    }
}
