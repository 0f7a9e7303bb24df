using KokuhoRules.Engine.Security;
using NodaTime;

namespace KokuhoRules.Api.Security;

/// <summary>
/// The service refuses to start: its configuration cannot be served safely (a configured keys file
/// that is missing or invalid, no key at all). <c>Program</c> prints the one-line message and exits
/// with <see cref="ExitCode"/>, never a stack trace.
/// </summary>
public sealed class StartupRefusedException(string message, Exception? inner = null) : Exception(message, inner)
{
    /// <summary>The exit code of a refused start-up (EX_CONFIG of sysexits.h: a configuration error).</summary>
    public const int ExitCode = 78;
}

/// <summary>How the service authenticates, from configuration (section <c>Auth</c>).</summary>
/// <param name="KeysFile"><c>Auth:KeysFile</c>: the keys file written by <c>kokuho keys add</c>; null when none.</param>
/// <param name="DevelopmentKey">Whether the local development key is accepted (see <see cref="ApiKeyFile.DevelopmentKey"/>).</param>
/// <param name="DevelopmentKeyRefusedBecause">Why the development key is refused, for the 401 answer; null when it is accepted or was turned off.</param>
public sealed record AuthSettings(string? KeysFile, bool DevelopmentKey, string? DevelopmentKeyRefusedBecause)
{
    public const string Section = "Auth";

    /// <summary>
    /// Reads the settings. The development key is on by default in the embedded default (no keys
    /// file, no database), and refused when a keys file or a database is configured unless
    /// <c>Auth:AllowDevelopmentKey</c> is true.
    /// </summary>
    /// <exception cref="StartupRefusedException">No key at all would be accepted, or the configured keys file does not exist.</exception>
    public static AuthSettings From(IConfiguration configuration, bool databaseConfigured)
    {
        var keysFile = configuration[$"{Section}:KeysFile"] is { Length: > 0 } f ? Path.GetFullPath(f) : null;
        if (keysFile is not null && !File.Exists(keysFile))
            throw new StartupRefusedException($"Auth:KeysFile is {keysFile}, which does not exist: check the path, or issue a first key with 'kokuho keys add --file {keysFile} …'.");
        var wanted = configuration.GetValue($"{Section}:DevelopmentKey", true);
        var allowed = configuration.GetValue($"{Section}:AllowDevelopmentKey", false);
        var refused = !wanted || allowed ? null
            : keysFile is not null ? "the local development key is refused when the service has a keys file (Auth:AllowDevelopmentKey is not set)"
            : databaseConfigured ? "the local development key is refused when the service runs with a database (Auth:AllowDevelopmentKey is not set)"
            : null;
        var settings = new AuthSettings(keysFile, wanted && refused is null, refused);
        if (!settings.DevelopmentKey && settings.KeysFile is null)
            throw new StartupRefusedException(refused is not null
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
/// <remarks>
/// A keys file that cannot be read stops the start-up (<see cref="StartupRefusedException"/>). When a
/// running service finds the file changed and invalid, it logs an error, readiness says so, and until
/// a valid file is read: the keys read before stay in force <b>except</b> every key the new file
/// revokes or no longer lists (as far as it can be read: <see cref="ApiKeyFile.ListedUnrevokedHashes"/>;
/// no key at all when it is not even JSON), and no key it adds is accepted. A revocation is never lost,
/// and a mistake in the file never lets in a key that was not let in before.
/// </remarks>
public sealed class ApiKeyStore
{
    private static readonly TimeSpan CheckEvery = TimeSpan.FromSeconds(2);

    private readonly AuthSettings _settings;
    private readonly ILogger _logger;
    private readonly IClock _clock;
    private readonly Lock _gate = new();
    private Dictionary<string, ApiKeyRecord> _byHash;
    private string? _fileProblem;
    private DateTime _fileWrittenUtc;
    private long _nextCheck;

    /// <exception cref="StartupRefusedException">The keys file cannot be read or is invalid.</exception>
    public ApiKeyStore(AuthSettings settings, IClock clock, ILogger<ApiKeyStore> logger)
    {
        _settings = settings;
        _clock = clock;
        _logger = logger;
        _byHash = [];
        if (settings.KeysFile is { } file)
        {
            // Serving with no or the wrong keys is worse than not serving.
            try
            {
                _fileWrittenUtc = File.GetLastWriteTimeUtc(file);
                _byHash = Index(ApiKeyFile.Read(file));
            }
            catch (Exception e) when (e is InvalidDataException or IOException or UnauthorizedAccessException)
            {
                throw new StartupRefusedException($"the keys file (Auth:KeysFile) cannot be used: {OneLine(e.Message)}", e);
            }
        }
        _nextCheck = Environment.TickCount64 + (long)CheckEvery.TotalMilliseconds;
    }

    public static ApiKeyRecord DevelopmentKeyRecord { get; } = new(ApiKeyFile.DevelopmentKeyId, "local development key (embedded default; not for production)",
        Roles.All, ApiKeyFile.Hash(ApiKeyFile.DevelopmentKey), Instant.FromUnixTimeSeconds(0));

    public AuthSettings Settings => _settings;

    /// <summary>How many keys of the keys file are active (not revoked) and accepted.</summary>
    public int ActiveFileKeys
    {
        get { lock (_gate) return _byHash.Values.Count(k => k.Revoked is null); }
    }

    /// <summary>Why the keys file as it stands on disk is not in force (invalid since it was last changed), or null when it is.</summary>
    public string? FileProblem
    {
        get
        {
            ReloadIfChanged();
            lock (_gate) return _fileProblem;
        }
    }

    /// <summary>Looks a presented key up by its hash.</summary>
    public KeyLookup Find(string presented)
    {
        if (presented == ApiKeyFile.DevelopmentKey)
            return _settings.DevelopmentKey ? new(DevelopmentKeyRecord, null)
                : new(DevelopmentKeyRecord, _settings.DevelopmentKeyRefusedBecause ?? "the local development key is turned off (Auth:DevelopmentKey=false)");
        ReloadIfChanged();
        ApiKeyRecord? key;
        string? problem;
        lock (_gate)
        {
            _byHash.TryGetValue(ApiKeyFile.Hash(presented), out key);
            problem = _fileProblem;
        }
        if (key is null)
            return new(null, problem is null ? "the API key is not known"
                : "the API key is not accepted: the service's keys file is being corrected, and until it is only keys accepted before (and not revoked since) are");
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
            _fileWrittenUtc = written;
            try
            {
                if (written == default) throw new IOException($"{file}: the keys file is gone");
                _byHash = Index(ApiKeyFile.Read(file));
                if (_fileProblem is not null) _logger.LogWarning("Keys file {File} is valid again", file);
                _fileProblem = null;
                _logger.LogInformation("Keys file re-read: {Count} active keys", _byHash.Values.Count(k => k.Revoked is null));
            }
            catch (Exception e) when (e is InvalidDataException or IOException or UnauthorizedAccessException)
            {
                KeepWhatTheBadFileStillAllows(file, e);
            }
        }
    }

    /// <summary>The file changed and is invalid: keep the keys accepted before that it still lists unrevoked, no other.</summary>
    private void KeepWhatTheBadFileStillAllows(string file, Exception e)
    {
        var listed = File.Exists(file) ? ApiKeyFile.ListedUnrevokedHashes(file) : null;
        var before = _byHash.Values.Count(k => k.Revoked is null);
        _byHash = _byHash.Values.Where(k => listed is not null && listed.Contains(k.Sha256)).ToDictionary(k => k.Sha256, StringComparer.Ordinal);
        _fileProblem = OneLine(e.Message);
        _logger.LogError("KEYS FILE INVALID: {File} changed and cannot be used ({Error}). Until it is fixed, {Kept} of the {Before} keys accepted before stay in force; " +
            "every key it revokes or no longer lists is refused, and keys it adds are not accepted. Check it with 'kokuho keys list --file {File}'.",
            file, _fileProblem, _byHash.Values.Count(k => k.Revoked is null), before, file);
    }

    private static string OneLine(string message) => message.ReplaceLineEndings(" ");

    private static Dictionary<string, ApiKeyRecord> Index(IReadOnlyList<ApiKeyRecord> keys) => keys.ToDictionary(k => k.Sha256, StringComparer.Ordinal);
}
