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

    /// <summary>
    /// <c>keys add</c>: issues a key with <paramref name="roles"/> to <paramref name="holder"/>. Every
    /// field is checked before anything is written; the edit goes through <see cref="ApiKeyFile.Update"/>
    /// (locked, re-read, verified), so it never undoes a concurrent edit. Exit code 0, or 1 with a
    /// one-line reason and the file unchanged.
    /// </summary>
    public static int Add(string path, string id, string holder, IReadOnlyList<string> roles, Instant now, TextWriter output, TextWriter error)
    {
        holder = holder?.Trim() ?? "";
        var distinct = (roles ?? []).Distinct().ToArray();
        var invalid = ApiKeyFile.CheckFields(id, holder, distinct);
        if (invalid.Count > 0)
        {
            error.WriteLine($"not issued: {string.Join("; ", invalid.Select(e => "--" + (e.StartsWith("roles", StringComparison.Ordinal) ? "role" + e[5..] : e)))}");
            return 1;
        }
        var key = ApiKeyFile.NewKey();
        return Change(path, error, keys =>
        {
            if (keys.Any(k => k.Id == id)) throw new InvalidDataException($"a key with id '{id}' exists already (revoke it and issue one with a new id)");
            return keys.Append(new ApiKeyRecord(id, holder, distinct, ApiKeyFile.Hash(key), now)).ToArray();
        }, () =>
        {
            output.WriteLine(key);
            error.WriteLine($"key '{id}' issued to {holder} with roles {string.Join(", ", distinct)}: the line above is the key; it is not stored and is shown only now.");
        });
    }

    /// <summary><c>keys revoke</c>: marks the key revoked (under the same lock as <see cref="Add"/>). Exit code 0, or 1 with a one-line reason.</summary>
    public static int Revoke(string path, string id, Instant now, TextWriter output, TextWriter error) =>
        Change(path, error, keys =>
        {
            var key = keys.FirstOrDefault(k => k.Id == id) ?? throw new InvalidDataException($"no key with id '{id}'");
            if (key.Revoked is not null) throw new InvalidDataException($"key '{id}' was revoked already");
            return keys.Select(k => k.Id == id ? k with { Revoked = now } : k).ToArray();
        }, () => output.WriteLine($"key '{id}' revoked"));

    public static int List(string path, TextWriter output, TextWriter error)
    {
        try
        {
            foreach (var k in ApiKeyFile.Read(path))
                output.WriteLine($"{k.Id}\t{k.Holder}\t{string.Join(",", k.Roles)}\tcreated {k.Created}\t{(k.Revoked is { } r ? $"revoked {r}" : "active")}");
            return 0;
        }
        catch (Exception e) when (e is InvalidDataException or IOException or UnauthorizedAccessException)
        {
            error.WriteLine(e.Message);
            return 1;
        }
    }

    /// <summary>Applies a change through <see cref="ApiKeyFile.Update"/>; <paramref name="done"/> runs only once it is written and verified.</summary>
    private static int Change(string path, TextWriter error, Func<IReadOnlyList<ApiKeyRecord>, IReadOnlyList<ApiKeyRecord>> change, Action done)
    {
        try
        {
            ApiKeyFile.Update(path, change);
            done();
            return 0;
        }
        catch (Exception e) when (e is InvalidDataException or IOException or UnauthorizedAccessException)
        {
            error.WriteLine(e.Message);
            return 1;
        }
    }
}
