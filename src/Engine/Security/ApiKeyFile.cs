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
/// The keys file (<c>Auth:KeysFile</c>): <c>{ "keys": [ ApiKeyRecord, … ] }</c>. Written whole to a
/// temporary file and renamed over the old one, so a reader never sees it half-written.
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
        var errors = new List<string>();
        var ids = new HashSet<string>(StringComparer.Ordinal);
        var hashes = new HashSet<string>(StringComparer.Ordinal);
        for (var i = 0; i < keys.Count; i++)
        {
            var k = keys[i];
            var at = $"keys[{i}]";
            if (k is null) { errors.Add($"{at}: must be an object"); continue; }
            if (k.Id is null || !IdPattern().IsMatch(k.Id)) errors.Add($"{at}.id: must be 1–64 characters of a–z, 0–9, '-', '_' or '.'");
            else if (!ids.Add(k.Id)) errors.Add($"{at}.id: '{k.Id}' appears more than once");
            if (string.IsNullOrWhiteSpace(k.Holder)) errors.Add($"{at}.holder: is required (who the key was issued to)");
            if (k.Roles is not { Count: > 0 } || k.Roles.Any(r => !Roles.All.Contains(r)))
                errors.Add($"{at}.roles: must be one or more of {string.Join(", ", Roles.All)}");
            if (k.Sha256 is null || !HashPattern().IsMatch(k.Sha256)) errors.Add($"{at}.sha256: must be 64 lowercase hex digits");
            else if (!hashes.Add(k.Sha256)) errors.Add($"{at}.sha256: the same key is stored twice");
        }
        if (errors.Count > 0) throw new InvalidDataException($"{path}: {string.Join("; ", errors)}");
        return keys;
    }

    /// <summary>Writes the keys file atomically (temporary file in the same folder, then rename).</summary>
    public static void Write(string path, IReadOnlyList<ApiKeyRecord> keys)
    {
        var full = Path.GetFullPath(path);
        Directory.CreateDirectory(Path.GetDirectoryName(full)!);
        var temp = full + ".tmp-" + Environment.ProcessId;
        try
        {
            using (var stream = new FileStream(temp, FileMode.Create, FileAccess.Write, FileShare.None))
            {
                JsonSerializer.Serialize(stream, new FileJson(keys), Json);
                stream.Flush(flushToDisk: true);
            }
            if (!OperatingSystem.IsWindows()) File.SetUnixFileMode(temp, UnixFileMode.UserRead | UnixFileMode.UserWrite);
            File.Move(temp, full, overwrite: true);
        }
        finally
        {
            if (File.Exists(temp)) File.Delete(temp);
        }
    }

    private static string Base64Url(byte[] bytes) => Convert.ToBase64String(bytes).TrimEnd('=').Replace('+', '-').Replace('/', '_');

    [GeneratedRegex("^[a-z0-9][a-z0-9._-]{0,63}$")]
    private static partial Regex IdPattern();

    [GeneratedRegex("^[0-9a-f]{64}$")]
    private static partial Regex HashPattern();
}
