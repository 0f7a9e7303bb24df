using System.Reflection;
using Microsoft.Net.Http.Headers;

namespace KokuhoRules.Api.Http;

/// <summary>
/// The headers the service adds to its answers: the service version on every answer, the hashes of
/// the rule sets a calculation used, and the validators of rule-set answers (an <c>ETag</c> that is
/// the rule set's content hash, <c>Cache-Control</c>, and 304 for a matching <c>If-None-Match</c>).
/// </summary>
public static class ServiceHeaders
{
    /// <summary>On every answer: the version of the service that gave it.</summary>
    public const string VersionHeader = "KokuhoRules-Version";

    /// <summary>On every calculation answer: the content hash of the rule set used (several, comma-separated, in year order, for a reassessment).</summary>
    public const string RuleSetHashHeader = "KokuhoRules-Ruleset-Hash";

    /// <summary>
    /// Rule-set answers may be kept by the client (never by a shared cache: they need a key) but must be
    /// revalidated each time: the same URL serves another rule set after an operator replaces it.
    /// </summary>
    public const string RuleSetCacheControl = "private, no-cache";

    /// <summary>The service's version: the API assembly's informational version (<c>1.0.0+&lt;commit&gt;</c>).</summary>
    public static string ServiceVersion { get; } =
        typeof(ServiceHeaders).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion
        ?? typeof(ServiceHeaders).Assembly.GetName().Version?.ToString() ?? "unknown";

    /// <summary>
    /// Adds <see cref="VersionHeader"/> to every answer, problems and probes included: set as the answer
    /// starts, so that an error handler clearing the headers does not lose it.
    /// </summary>
    public static IApplicationBuilder UseServiceVersionHeader(this IApplicationBuilder app) => app.Use((context, next) =>
    {
        var response = context.Response;
        response.OnStarting(() =>
        {
            response.Headers[VersionHeader] = ServiceVersion;
            return Task.CompletedTask;
        });
        return next(context);
    });

    /// <summary>Names the rule sets (by content hash) a calculation answer came from, each once, in order.</summary>
    public static void StampRuleSets(HttpContext context, IEnumerable<string> hashes) =>
        context.Response.Headers[RuleSetHashHeader] = string.Join(", ", hashes.Distinct(StringComparer.Ordinal));

    /// <summary>
    /// The entity tag of an answer about a rule set: its content hash, as a weak tag (<c>W/"sha256:…"</c>)
    /// because the answer is the same rule set whatever its encoding (identity, gzip, br).
    /// </summary>
    public static EntityTagHeaderValue EntityTagOf(string contentHash) => new($"\"{contentHash}\"", isWeak: true);

    /// <summary>
    /// Sets the validators of an answer about a rule set (<c>ETag</c>, <c>Cache-Control</c>) and
    /// returns true when the request's <c>If-None-Match</c> already names it (weak comparison, or
    /// <c>*</c>): the caller then answers 304 Not Modified without a body.
    /// </summary>
    public static bool NotModified(HttpContext context, string contentHash)
    {
        var tag = EntityTagOf(contentHash);
        context.Response.Headers.ETag = tag.ToString();
        context.Response.Headers.CacheControl = RuleSetCacheControl;
        var ifNoneMatch = context.Request.Headers.IfNoneMatch;
        if (ifNoneMatch.Count == 0 || !EntityTagHeaderValue.TryParseList(ifNoneMatch, out var tags)) return false;
        return tags.Any(t => t.Equals(EntityTagHeaderValue.Any) || t.Compare(tag, useStrongComparison: false));
    }
}
