using KokuhoRules.Engine.Security;
using NodaTime;

namespace KokuhoRules.Api.Security;

/// <summary>How the service authenticates, from configuration (section <c>Auth</c>).</summary>
/// <param name="KeysFile"><c>Auth:KeysFile</c>: the keys file written by <c>kokuho keys add</c>; null when none.</param>
/// <param name="DevelopmentKey">Whether the local development key is accepted (see <see cref="ApiKeyFile.DevelopmentKey"/>).</param>
/// <param name="DevelopmentKeyRefusedBecause">Why the development key is refused, for the 401 answer; null when it is accepted or was turned off.</param>
public sealed record AuthSettings(string? KeysFile, bool DevelopmentKey, string? DevelopmentKeyRefusedBecause)
{
    public const string Section = "Auth";

    /// <summary>
    /// Reads the settings. The development key is on by default in the embedded default, and refused
    /// when a database is configured unless <c>Auth:AllowDevelopmentKey</c> is true.
    /// </summary>
    /// <exception cref="InvalidOperationException">No key at all would be accepted.</exception>
    public static AuthSettings From(IConfiguration configuration, bool databaseConfigured)
    {
        var keysFile = configuration[$"{Section}:KeysFile"] is { Length: > 0 } f ? f : null;
        var wanted = configuration.GetValue($"{Section}:DevelopmentKey", true);
        var allowed = configuration.GetValue($"{Section}:AllowDevelopmentKey", false);
        var refused = wanted && databaseConfigured && !allowed
            ? "the local development key is refused when the service runs with a database (Auth:AllowDevelopmentKey is not set)"
            : null;
        var settings = new AuthSettings(keysFile, wanted && refused is null, refused);
        if (!settings.DevelopmentKey && settings.KeysFile is null)
            throw new InvalidOperationException(refused is not null
                ? "A database is configured but no API keys are: set Auth:KeysFile to a keys file made with 'kokuho keys add' (or, for a local test only, Auth:AllowDevelopmentKey=true)."
                : "No API keys: set Auth:KeysFile to a keys file made with 'kokuho keys add', or leave Auth:DevelopmentKey on for local development.");
        return settings;
    }
}

/// <summary>A key that was recognised, or why a key was refused.</summary>
/// <param name="Key">The key's record (also for a revoked key, so the audit log can name it).</param>
/// <param name="Refusal">Why the key is refused; null when it is accepted.</param>
public readonly record struct KeyLookup(ApiKeyRecord? Key, string? Refusal);

/// <summary>
/// The keys the service accepts: those of the keys file (re-read when the file changes, so adding or
/// revoking a key needs no restart) and, in the embedded default, the local development key.
/// </summary>
public sealed class ApiKeyStore
{
    private static readonly TimeSpan CheckEvery = TimeSpan.FromSeconds(2);

    private readonly AuthSettings _settings;
    private readonly ILogger _logger;
    private readonly IClock _clock;
    private readonly Lock _gate = new();
    private Dictionary<string, ApiKeyRecord> _byHash;
    private DateTime _fileWrittenUtc;
    private long _nextCheck;

    public ApiKeyStore(AuthSettings settings, IClock clock, ILogger<ApiKeyStore> logger)
    {
        _settings = settings;
        _clock = clock;
        _logger = logger;
        // A keys file that cannot be read stops the start-up: serving with no or the wrong keys is worse.
        _byHash = settings.KeysFile is { } file ? Index(ApiKeyFile.Read(file)) : [];
        _fileWrittenUtc = settings.KeysFile is { } f2 && File.Exists(f2) ? File.GetLastWriteTimeUtc(f2) : default;
        _nextCheck = Environment.TickCount64 + (long)CheckEvery.TotalMilliseconds;
    }

    public static ApiKeyRecord DevelopmentKeyRecord { get; } = new(ApiKeyFile.DevelopmentKeyId, "local development key (embedded default; not for production)",
        Roles.All, ApiKeyFile.Hash(ApiKeyFile.DevelopmentKey), Instant.FromUnixTimeSeconds(0));

    public AuthSettings Settings => _settings;

    /// <summary>How many keys of the keys file are active (not revoked).</summary>
    public int ActiveFileKeys
    {
        get { lock (_gate) return _byHash.Values.Count(k => k.Revoked is null); }
    }

    /// <summary>Looks a presented key up by its hash.</summary>
    public KeyLookup Find(string presented)
    {
        if (presented == ApiKeyFile.DevelopmentKey)
            return _settings.DevelopmentKey ? new(DevelopmentKeyRecord, null)
                : new(DevelopmentKeyRecord, _settings.DevelopmentKeyRefusedBecause ?? "the local development key is turned off (Auth:DevelopmentKey=false)");
        ReloadIfChanged();
        ApiKeyRecord? key;
        lock (_gate) _byHash.TryGetValue(ApiKeyFile.Hash(presented), out key);
        if (key is null) return new(null, "the API key is not known");
        if (key.Revoked is { } revoked && revoked <= _clock.GetCurrentInstant()) return new(key, $"the API key '{key.Id}' was revoked");
        return new(key, null);
    }

    private void ReloadIfChanged()
    {
        if (_settings.KeysFile is not { } file) return;
        var now = Environment.TickCount64;
        if (now < Interlocked.Read(ref _nextCheck)) return;
        lock (_gate)
        {
            if (now < _nextCheck) return;
            _nextCheck = now + (long)CheckEvery.TotalMilliseconds;
            var written = File.Exists(file) ? File.GetLastWriteTimeUtc(file) : default;
            if (written == _fileWrittenUtc) return;
            try
            {
                _byHash = Index(ApiKeyFile.Read(file));
                _fileWrittenUtc = written;
                _logger.LogInformation("Keys file re-read: {Count} active keys", _byHash.Values.Count(k => k.Revoked is null));
            }
            catch (Exception e) when (e is InvalidDataException or IOException)
            {
                _logger.LogError("Keys file {File} cannot be read; the keys read before stay in force: {Error}", file, e.Message);
            }
        }
    }

    private static Dictionary<string, ApiKeyRecord> Index(IReadOnlyList<ApiKeyRecord> keys) => keys.ToDictionary(k => k.Sha256, StringComparer.Ordinal);
}
