using System.Security.Cryptography;
using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Serialization;
using System.Text.RegularExpressions;
using KokuhoRules.Engine.Json;
using NodaTime;

namespace KokuhoRules.Engine.Security;

/// <summary>The roles a key may hold. A key holds one or more; an endpoint names the role it needs.</summary>
public static class Roles
{
    /// <summary>The core system (基幹系): the calculation endpoints on published rule sets.</summary>
    public const string Calculator = "calculator";
    /// <summary>Policy staff: trial calculations (試算), including on draft rule sets.</summary>
    public const string Publisher = "publisher";
    /// <summary>Auditors: read the audit log.</summary>
    public const string Auditor = "auditor";

    public static IReadOnlyList<string> All { get; } = [Calculator, Publisher, Auditor];
}

/// <summary>
/// An API key as stored: who holds it, its roles and the SHA-256 of the key — never the key itself.
/// </summary>
/// <remarks>
/// Keys are 256 random bits, so an unsalted SHA-256 is enough: there is nothing to guess that a salt
/// or a slow hash would protect (those defend low-entropy passwords).
/// </remarks>
/// <param name="Id">Names the key in the audit log and in logs (e.g. <c>core-system</c>, <c>staff-tanaka</c>).</param>
/// <param name="Holder">The system or staff member the key was issued to: no shared keys.</param>
/// <param name="Sha256">Lowercase hex SHA-256 of the key's UTF-8 bytes.</param>
/// <param name="Revoked">When the key was revoked; a revoked key is refused.</param>
public sealed record ApiKeyRecord(string Id, string Holder, IReadOnlyList<string> Roles, string Sha256, Instant Created, Instant? Revoked = null);

/// <summary>
/// The keys file (<c>Auth:KeysFile</c>): <c>{ "keys": [ ApiKeyRecord, … ] }</c>. Changed only through
/// <see cref="Update"/> (under a lock, re-read, checked, written whole to a temporary file and renamed
/// over the old one, read back), so a reader never sees it half-written and concurrent edits never
/// undo each other.
/// </summary>
public static partial class ApiKeyFile
{
    /// <summary>The header a key is sent in (or <c>Authorization: ApiKey …</c>).</summary>
    public const string HeaderName = "X-Api-Key";

    /// <summary>Every key starts with this, so a key pasted where it should not be is easy to find (secret scanners).</summary>
    public const string Prefix = "krk_";

    /// <summary>
    /// The local development key of the embedded default: public, printed at start-up, and refused
    /// whenever the service runs with a database unless explicitly allowed.
    /// </summary>
    public const string DevelopmentKey = "krk_dev_local_development_only";

    /// <summary>The id the development key appears under in the audit log.</summary>
    public const string DevelopmentKeyId = "local-development-key";

    private static readonly JsonSerializerOptions Json = new()
    {
        PropertyNamingPolicy = JsonNamingPolicy.CamelCase,
        WriteIndented = true,
        Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
        UnmappedMemberHandling = JsonUnmappedMemberHandling.Disallow,
        Converters = { new IsoInstantConverter() },
    };

    private sealed record FileJson(IReadOnlyList<ApiKeyRecord>? Keys);

    /// <summary>A new key: <c>krk_</c> and 43 base64url characters (256 random bits).</summary>
    public static string NewKey() => Prefix + Base64Url(RandomNumberGenerator.GetBytes(32));

    /// <summary>The stored form of a key.</summary>
    public static string Hash(string key) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(key)));

    /// <summary>How long an edit waits for another edit of the same keys file to finish.</summary>
    public static readonly TimeSpan LockTimeout = TimeSpan.FromSeconds(30);

    /// <summary>Reads and checks a keys file; a missing file is an empty list.</summary>
    /// <exception cref="InvalidDataException">The file is not a valid keys file; the message names the key and field at fault.</exception>
    public static IReadOnlyList<ApiKeyRecord> Read(string path)
    {
        if (!File.Exists(path)) return [];
        FileJson? file;
        try
        {
            file = JsonSerializer.Deserialize<FileJson>(File.ReadAllBytes(path), Json);
        }
        catch (JsonException e)
        {
            throw new InvalidDataException($"{path}: not a valid keys file at {e.Path ?? "$"} (line {(e.LineNumber ?? 0) + 1}): {e.Message.Split(" Path:")[0]}");
        }
        var keys = file?.Keys ?? throw new InvalidDataException($"{path}: expected {{ \"keys\": [ … ] }}");
        var errors = Check(keys);
        if (errors.Count > 0) throw new InvalidDataException($"{path}: {string.Join("; ", errors)}");
        return keys;
    }

    /// <summary>
    /// Every problem of a list of keys, each naming the key and field (<c>keys[2].holder: is required …</c>);
    /// empty when the list is a valid keys file. <see cref="Read"/> and <see cref="Write"/> both check with it.
    /// </summary>
    public static IReadOnlyList<string> Check(IReadOnlyList<ApiKeyRecord?> keys)
    {
        var errors = new List<string>();
        var ids = new HashSet<string>(StringComparer.Ordinal);
        var hashes = new HashSet<string>(StringComparer.Ordinal);
        for (var i = 0; i < keys.Count; i++)
        {
            var k = keys[i];
            var at = $"keys[{i}]";
            if (k is null) { errors.Add($"{at}: must be an object"); continue; }
            errors.AddRange(CheckFields(k.Id, k.Holder, k.Roles).Select(e => $"{at}.{e}"));
            if (k.Id is not null && IdPattern().IsMatch(k.Id) && !ids.Add(k.Id)) errors.Add($"{at}.id: '{k.Id}' appears more than once");
            if (k.Sha256 is null || !HashPattern().IsMatch(k.Sha256)) errors.Add($"{at}.sha256: must be 64 lowercase hex digits");
            else if (!hashes.Add(k.Sha256)) errors.Add($"{at}.sha256: the same key is stored twice");
        }
        return errors;
    }

    /// <summary>
    /// The problems of a key's id, holder and roles as given (before a key is issued), each starting
    /// with the field's name (<c>id: …</c>, <c>holder: …</c>, <c>roles: …</c>); empty when they are valid.
    /// </summary>
    public static IReadOnlyList<string> CheckFields(string? id, string? holder, IReadOnlyList<string?>? roles)
    {
        var errors = new List<string>();
        if (id is null || !IdPattern().IsMatch(id)) errors.Add("id: must be 1–64 characters of a–z, 0–9, '-', '_' or '.', starting with a letter or digit");
        if (string.IsNullOrWhiteSpace(holder)) errors.Add("holder: is required (who the key was issued to)");
        else if (holder.Length > 200 || holder.Any(char.IsControl)) errors.Add("holder: must be at most 200 characters, without control characters");
        if (roles is not { Count: > 0 } || roles.Any(r => r is null || !Roles.All.Contains(r)))
            errors.Add($"roles: must be one or more of {string.Join(", ", Roles.All)}");
        return errors;
    }

    /// <summary>
    /// Writes the keys file atomically (temporary file in the same folder, fsync, then rename), after
    /// checking every key with <see cref="Check"/>: a file the service would refuse is never written.
    /// </summary>
    /// <returns>The bytes written.</returns>
    /// <exception cref="InvalidDataException">A key is invalid; nothing was written.</exception>
    public static byte[] Write(string path, IReadOnlyList<ApiKeyRecord> keys)
    {
        var errors = Check(keys);
        if (errors.Count > 0) throw new InvalidDataException($"not written, the keys file would be invalid: {string.Join("; ", errors)}");
        var bytes = JsonSerializer.SerializeToUtf8Bytes(new FileJson(keys), Json);
        var full = Path.GetFullPath(path);
        Directory.CreateDirectory(Path.GetDirectoryName(full)!);
        var temp = $"{full}.tmp-{Environment.ProcessId}-{Guid.NewGuid():N}";
        try
        {
            using (var stream = new FileStream(temp, FileMode.CreateNew, FileAccess.Write, FileShare.None))
            {
                stream.Write(bytes);
                stream.Flush(flushToDisk: true);
            }
            if (!OperatingSystem.IsWindows()) File.SetUnixFileMode(temp, UnixFileMode.UserRead | UnixFileMode.UserWrite);
            File.Move(temp, full, overwrite: true);
        }
        finally
        {
            if (File.Exists(temp)) File.Delete(temp);
        }
        return bytes;
    }

    /// <summary>
    /// The one way to change a keys file: under an exclusive lock on <c>&lt;file&gt;.lock</c> (an
    /// advisory lock held for the whole read-modify-write, so concurrent edits — two operators, two
    /// scripts — queue instead of undoing each other), re-reads the file, applies
    /// <paramref name="change"/>, writes the result atomically and reads it back to verify that the
    /// file holds exactly what was written.
    /// </summary>
    /// <param name="change">Gets the keys as they are now; returns the keys to write. It may throw
    /// <see cref="InvalidDataException"/> to refuse the change (nothing is written).</param>
    /// <exception cref="InvalidDataException">The file is invalid, the change was refused, or the file did not read back as written.</exception>
    /// <exception cref="IOException">The lock could not be taken within <see cref="LockTimeout"/>, or the file could not be written.</exception>
    public static IReadOnlyList<ApiKeyRecord> Update(string path, Func<IReadOnlyList<ApiKeyRecord>, IReadOnlyList<ApiKeyRecord>> change)
    {
        var full = Path.GetFullPath(path);
        Directory.CreateDirectory(Path.GetDirectoryName(full)!);
        using var gate = Lock(full + ".lock");
        var updated = change(Read(full));
        var written = Write(full, updated);
        if (!File.ReadAllBytes(full).AsSpan().SequenceEqual(written))
            throw new InvalidDataException($"{full}: the file did not read back as written (changed by something that does not take {full}.lock?): check it with 'kokuho keys list'");
        return updated;
    }

    /// <summary>
    /// Takes the edit lock: the lock file opened with <see cref="FileShare.None"/>, which .NET backs
    /// with an exclusive <c>flock</c> on Unix (per open file, so it also excludes threads of one process).
    /// </summary>
    private static FileStream Lock(string lockPath)
    {
        var options = new FileStreamOptions { Mode = FileMode.OpenOrCreate, Access = FileAccess.ReadWrite, Share = FileShare.None };
        if (!OperatingSystem.IsWindows()) options.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
        var deadline = Environment.TickCount64 + (long)LockTimeout.TotalMilliseconds;
        var wait = 5;
        while (true)
        {
            try
            {
                return new FileStream(lockPath, options);
            }
            catch (IOException) when (Environment.TickCount64 < deadline && File.Exists(lockPath))
            {
                Thread.Sleep(Random.Shared.Next(wait));
                wait = Math.Min(wait * 2, 100);
            }
            catch (IOException e) when (File.Exists(lockPath))
            {
                throw new IOException($"{lockPath}: another edit of the keys file did not finish within {LockTimeout.TotalSeconds:0} s; nothing was changed", e);
            }
        }
    }

    /// <summary>
    /// What can still be read of a keys file that <see cref="Read"/> refuses, so that a running service
    /// never loses a revocation: the hashes of the entries that are listed and not revoked. Null when
    /// the file is not even JSON with a <c>keys</c> array (nothing can be told from it).
    /// </summary>
    public static IReadOnlySet<string>? ListedUnrevokedHashes(string path)
    {
        try
        {
            using var doc = JsonDocument.Parse(File.ReadAllBytes(path));
            if (doc.RootElement.ValueKind != JsonValueKind.Object || !doc.RootElement.TryGetProperty("keys", out var keys) || keys.ValueKind != JsonValueKind.Array)
                return null;
            var revokedIds = new HashSet<string>(StringComparer.Ordinal);
            var listed = new List<(string? Id, string Hash)>();
            foreach (var k in keys.EnumerateArray())
            {
                if (k.ValueKind != JsonValueKind.Object) continue;
                var id = k.TryGetProperty("id", out var i) && i.ValueKind == JsonValueKind.String ? i.GetString() : null;
                var revoked = k.TryGetProperty("revoked", out var r) && r.ValueKind != JsonValueKind.Null;
                if (revoked) { if (id is not null) revokedIds.Add(id); continue; }
                if (k.TryGetProperty("sha256", out var h) && h.ValueKind == JsonValueKind.String && h.GetString() is { } hash) listed.Add((id, hash));
            }
            return listed.Where(l => l.Id is null || !revokedIds.Contains(l.Id)).Select(l => l.Hash).ToHashSet(StringComparer.Ordinal);
        }
        catch (Exception e) when (e is JsonException or IOException or UnauthorizedAccessException)
        {
            return null;
        }
    }

    private static string Base64Url(byte[] bytes) => Convert.ToBase64String(bytes).TrimEnd('=').Replace('+', '-').Replace('/', '_');

    [GeneratedRegex("^[a-z0-9][a-z0-9._-]{0,63}$")]
    private static partial Regex IdPattern();

    [GeneratedRegex("^[0-9a-f]{64}$")]
    private static partial Regex HashPattern();
}
