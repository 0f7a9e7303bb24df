namespace KokuhoRules.Api.Audit;

/// <summary>
/// The outcomes an audit entry can record — a small, closed set, documented in docs/security.md. A
/// refusal says its kind (<c>refused:…</c>), so an auditor can tell a caller's mistake from an attack
/// without the request's data.
/// </summary>
public static class AuditOutcomes
{
    /// <summary>Answered (2xx, 3xx).</summary>
    public const string Ok = "ok";
    /// <summary>401: no key, an unknown key, a revoked key.</summary>
    public const string Unauthenticated = "unauthenticated";
    /// <summary>403: the key lacks the role.</summary>
    public const string Forbidden = "forbidden";
    /// <summary>404: no endpoint at this path.</summary>
    public const string NoSuchEndpoint = "no-such-endpoint";
    /// <summary>400 or 422: the request or a field of it is invalid (malformed JSON, a wrong value, a bad query).</summary>
    public const string InvalidRequest = "refused:invalid-request";
    /// <summary>400: the request carries two different API keys.</summary>
    public const string AmbiguousKey = "refused:ambiguous-key";
    /// <summary>422: a value that looks like an individual number (個人番号).</summary>
    public const string IndividualNumber = "refused:individual-number";
    /// <summary>404 from an endpoint: no rule set for that insurer and year.</summary>
    public const string UnknownRuleSet = "refused:unknown-ruleset";
    /// <summary>422: a draft rule set without <c>"trial": true</c>.</summary>
    public const string DraftRuleSet = "refused:draft-ruleset";
    /// <summary>503: the rule set asked for was refused when the service loaded it (an operator's fault, not the caller's).</summary>
    public const string RefusedRuleSet = "refused:refused-ruleset";
    /// <summary>404 from an endpoint other than for a rule set (nothing at that address).</summary>
    public const string NotFound = "refused:not-found";
    /// <summary>405: the endpoint does not take this method.</summary>
    public const string MethodNotAllowed = "refused:method-not-allowed";
    /// <summary>413: the body is over the limit.</summary>
    public const string TooLarge = "refused:too-large";
    /// <summary>415: the body is not JSON.</summary>
    public const string UnsupportedMediaType = "refused:unsupported-media-type";
    /// <summary>Any other 4xx (e.g. 406, 411): the status says which.</summary>
    public const string OtherRefusal = "refused:other";
    /// <summary>The publication gate refused the layer (<c>/staff/publish</c>): nothing was written.</summary>
    public const string PublicationRefused = "refused:publication";
    /// <summary>The client went away before the answer (status 499).</summary>
    public const string ClientClosed = "client-closed";
    /// <summary>503: a service the call needs is unavailable (the database for reading the log, the audit log itself).</summary>
    public const string Unavailable = "unavailable";
    /// <summary>500 and other 5xx: the service failed.</summary>
    public const string Error = "error";

    /// <summary>
    /// The outcome of an answer with <paramref name="status"/>, when no part of the pipeline said more
    /// (<see cref="AuditRecord.Refused"/>, which wins for a 4xx or a 503; the status alone decides
    /// <see cref="Ok"/>, <see cref="ClientClosed"/> and <see cref="Error"/>).
    /// </summary>
    /// <param name="matchedEndpoint">Whether an endpoint of the API took the call (a 404 without one is <see cref="NoSuchEndpoint"/>).</param>
    public static string ForStatus(int status, bool matchedEndpoint) => status switch
    {
        AuditMiddleware.ClientClosedRequest => ClientClosed,
        < 400 => Ok,
        400 or 422 => InvalidRequest,
        401 => Unauthenticated,
        403 => Forbidden,
        404 => matchedEndpoint ? NotFound : NoSuchEndpoint,
        405 => MethodNotAllowed,
        413 => TooLarge,
        415 => UnsupportedMediaType,
        503 => Unavailable,
        >= 500 => Error,
        _ => OtherRefusal,
    };

    /// <summary>The outcome of a calculation refused for <paramref name="kind"/> (premium, eligibility…).</summary>
    public static string Of(KokuhoRules.Rules.Premium.AssessmentFailureKind kind) => kind switch
    {
        KokuhoRules.Rules.Premium.AssessmentFailureKind.UnknownRuleSet => UnknownRuleSet,
        KokuhoRules.Rules.Premium.AssessmentFailureKind.DraftRuleSet => DraftRuleSet,
        KokuhoRules.Rules.Premium.AssessmentFailureKind.RefusedRuleSet => RefusedRuleSet,
        _ => InvalidRequest,
    };
}
