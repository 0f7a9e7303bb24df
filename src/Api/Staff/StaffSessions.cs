using System.Collections.Concurrent;
using System.Security.Cryptography;
using KokuhoRules.Rules.Premium;
using NodaTime;

namespace KokuhoRules.Api.Staff;

/// <summary>
/// A staff session, held in the server's memory only: its random id (the cookie's value), its CSRF token (every POST
/// form carries it), and once logged in the API key (never written to a page, a URL, a log or the audit log: the
/// audit log gets its id and holder) with the last trial's answer (shown after the POST/redirect/GET).
/// </summary>
public sealed record StaffSession(string Id, string Csrf, Instant Expires)
{
    /// <summary>The key the staff member logged in with; null before login.</summary>
    public string? Key { get; init; }

    /// <summary>The last trial calculation of the session (<c>/staff/trial/result</c>).</summary>
    public StaffTrialResult? LastTrial { get; init; }

    /// <summary>The last impact report of the session (<c>/staff/impact/result</c>).</summary>
    public StaffImpactResult? LastImpact { get; init; }

    /// <summary>The last rate solution of the session (<c>/staff/solve/result</c>).</summary>
    public StaffSolveResult? LastSolve { get; init; }
}

/// <summary>A rate solution kept for the result page with the solved parameters.json, or the sentence saying why there is none.</summary>
public sealed record StaffSolveResult(KokuhoRules.Rules.Premium.Solve.RateSolution? Solution, byte[]? Parameters, string? Problem);

/// <summary>An impact report kept for the result page, or the sentence saying why there is none.</summary>
public sealed record StaffImpactResult(KokuhoRules.Rules.Premium.Impact.ImpactReport? Report, string? Problem);

/// <summary>A trial calculation kept for the result page: the rule set asked for, the household as sent, and the answer or the refusal.</summary>
public sealed record StaffTrialResult(string RuleSet, string HouseholdJson, AssessmentResponse? Response, AssessmentFailure? Failure);

/// <summary>
/// The sessions of <c>/staff</c>: created at the login form (with a CSRF token, no key), replaced by a new id at login
/// (no session fixation), ended at logout or after <see cref="IdleTimeout"/> without a request. At most
/// <see cref="MaxSessions"/> are held: when a session is created and they are full, the expired ones go first, then
/// the login forms not logged in (oldest first: opening the login page over and over cannot lock staff out), then the
/// logged-in sessions nearest their expiry — creating a session never fails.
/// </summary>
public sealed class StaffSessions(IClock clock)
{
    /// <summary>The cookie that carries the session id (HttpOnly, SameSite=Strict, Secure over HTTPS, path /staff).</summary>
    public const string CookieName = "kokuho_staff";

    /// <summary>How long a session lasts without a request.</summary>
    public static readonly Duration IdleTimeout = Duration.FromMinutes(30);

    /// <summary>The most sessions held at once.</summary>
    public const int MaxSessions = 10_000;

    private readonly ConcurrentDictionary<string, StaffSession> _sessions = new(StringComparer.Ordinal);

    /// <summary>A new session without a key (the login form's).</summary>
    public StaffSession Create(string? key = null)
    {
        var now = clock.GetCurrentInstant();
        if (_sessions.Count >= MaxSessions / 2)
            foreach (var expired in _sessions.Values.Where(s => s.Expires <= now).ToArray()) _sessions.TryRemove(expired.Id, out _);
        if (_sessions.Count >= MaxSessions) MakeRoom();
        var session = new StaffSession(Token(), Token(), now + IdleTimeout) { Key = key };
        _sessions[session.Id] = session;
        return session;
    }

    /// <summary>Drops sessions down to below <see cref="MaxSessions"/>: login forms without a key first (oldest first), then those nearest their expiry.</summary>
    private void MakeRoom()
    {
        var excess = _sessions.Count - MaxSessions + 1;
        foreach (var s in _sessions.Values.OrderBy(s => s.Key is not null).ThenBy(s => s.Expires).Take(Math.Max(excess, 0)).ToArray()) _sessions.TryRemove(s.Id, out _);
    }

    /// <summary>The sessions held now.</summary>
    public int Count => _sessions.Count;

    /// <summary>The live session with this id, its expiry moved on; null when there is none or it expired.</summary>
    public StaffSession? Find(string? id)
    {
        if (id is null || !_sessions.TryGetValue(id, out var session)) return null;
        var now = clock.GetCurrentInstant();
        if (session.Expires <= now)
        {
            _sessions.TryRemove(id, out _);
            return null;
        }
        return _sessions[id] = session with { Expires = now + IdleTimeout };
    }

    /// <summary>Replaces the session's state (e.g. its last trial).</summary>
    public void Update(StaffSession session) => _sessions[session.Id] = session;

    /// <summary>Ends a session.</summary>
    public void End(string id) => _sessions.TryRemove(id, out _);

    /// <summary>Whether <paramref name="presented"/> is the session's CSRF token (constant-time comparison).</summary>
    public static bool CsrfMatches(StaffSession session, string? presented) =>
        presented is not null && CryptographicOperations.FixedTimeEquals(System.Text.Encoding.ASCII.GetBytes(session.Csrf), System.Text.Encoding.ASCII.GetBytes(presented));

    private static string Token() => Convert.ToBase64String(RandomNumberGenerator.GetBytes(32)).TrimEnd('=').Replace('+', '-').Replace('/', '_');
}
