using System.Text.Json;
using System.Text.RegularExpressions;
using KokuhoRules.Rules.Premium;
using KokuhoRules.Rules.Snapshots;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;

namespace KokuhoRules.Api.Problems;

/// <summary>The problem types (RFC 9457) the API answers with, and how they are built.</summary>
public static partial class ProblemTypes
{
    public sealed record ProblemType(string Type, string Title, int Status);

    public static readonly ProblemType MalformedRequest = new("urn:kokuhorules:problem:malformed-request", "The request is not valid JSON for this endpoint", StatusCodes.Status400BadRequest);
    public static readonly ProblemType BadRequest = new("urn:kokuhorules:problem:bad-request", "The request cannot be read", StatusCodes.Status400BadRequest);
    public static readonly ProblemType UnsupportedMediaType = new("urn:kokuhorules:problem:unsupported-media-type", "The request body must be JSON (Content-Type: application/json)", StatusCodes.Status415UnsupportedMediaType);
    public static readonly ProblemType InvalidHousehold = new("urn:kokuhorules:problem:invalid-request", "Some fields of the request are invalid", StatusCodes.Status422UnprocessableEntity);
    public static readonly ProblemType UnknownRuleSet = new("urn:kokuhorules:problem:unknown-ruleset", "No rule set for that insurer and fiscal year", StatusCodes.Status404NotFound);
    public static readonly ProblemType Unauthenticated401 = new("urn:kokuhorules:problem:unauthenticated", "A valid API key is needed", StatusCodes.Status401Unauthorized);
    public static readonly ProblemType AmbiguousKey = new("urn:kokuhorules:problem:ambiguous-key", "The request carries more than one API key", StatusCodes.Status400BadRequest);
    public static readonly ProblemType Forbidden403 = new("urn:kokuhorules:problem:forbidden", "The API key does not hold the role this needs", StatusCodes.Status403Forbidden);
    public static readonly ProblemType IndividualNumber = new("urn:kokuhorules:problem:individual-number", "Individual numbers (個人番号) are not accepted", StatusCodes.Status422UnprocessableEntity);
    public static readonly ProblemType TooLarge = new("urn:kokuhorules:problem:too-large", "The request body is too large", StatusCodes.Status413PayloadTooLarge);
    public static readonly ProblemType AuditUnwritable = new("urn:kokuhorules:problem:audit-unavailable", "The audit log cannot be written", StatusCodes.Status503ServiceUnavailable);
    public static readonly ProblemType Unavailable = new("urn:kokuhorules:problem:unavailable", "A service this needs is unavailable", StatusCodes.Status503ServiceUnavailable);
    public static readonly ProblemType DraftRuleSet = new("urn:kokuhorules:problem:draft-ruleset", "The rule set is a draft: only a trial calculation may use it", StatusCodes.Status422UnprocessableEntity);
    public static readonly ProblemType RefusedRuleSet = new("urn:kokuhorules:problem:refused-ruleset", "The rule set was refused when the service loaded it", StatusCodes.Status503ServiceUnavailable);
    public static readonly ProblemType InvalidQuery = new("urn:kokuhorules:problem:invalid-query", "A query parameter is not valid", StatusCodes.Status400BadRequest);
    public static readonly ProblemType UnknownParameter = new("urn:kokuhorules:problem:unknown-parameter", "The rule set has no parameter at that path", StatusCodes.Status404NotFound);
    public static readonly ProblemType NotFound = new("urn:kokuhorules:problem:not-found", "There is no endpoint at this path", StatusCodes.Status404NotFound);
    public static readonly ProblemType MethodNotAllowed = new("urn:kokuhorules:problem:method-not-allowed", "The endpoint does not take this HTTP method", StatusCodes.Status405MethodNotAllowed);
    public static readonly ProblemType InternalError = new("urn:kokuhorules:problem:internal-error", "Internal error", StatusCodes.Status500InternalServerError);

    /// <summary>The one scheme of every problem <c>type</c> the API answers with: <c>urn:kokuhorules:problem:&lt;kind&gt;</c>.</summary>
    public const string TypePrefix = "urn:kokuhorules:problem:";

    /// <summary>What a 415 says, whichever part of the pipeline refuses the body.</summary>
    public const string JsonContentTypeRequired = "the body must be sent as UTF-8 JSON with Content-Type: application/json";

    /// <summary>
    /// Completes the problems the framework writes itself, which have no detail and an RFC 9110 link
    /// for a type: a body that is not sent as JSON (415, refused by routing before the endpoint runs),
    /// an unknown path (404), a method the endpoint does not take (405), a request the server could not
    /// read (400), an unexpected error (500). Every problem the API answers with then has a type of the
    /// one scheme (<see cref="TypePrefix"/>), a title and a detail; a 415 is the service's own
    /// <see cref="UnsupportedMediaType"/>. Problems the service built itself are left as they are.
    /// </summary>
    public static void CompleteFrameworkProblem(ProblemDetailsContext context)
    {
        var problem = context.ProblemDetails;
        if (problem.Type?.StartsWith(TypePrefix, StringComparison.Ordinal) == true) return;
        var known = problem.Status switch
        {
            StatusCodes.Status400BadRequest => BadRequest,
            StatusCodes.Status404NotFound => NotFound,
            StatusCodes.Status405MethodNotAllowed => MethodNotAllowed,
            StatusCodes.Status413PayloadTooLarge => TooLarge,
            StatusCodes.Status415UnsupportedMediaType => UnsupportedMediaType,
            >= StatusCodes.Status500InternalServerError => InternalError,
            _ => null,
        };
        problem.Type = known?.Type ?? TypePrefix + "http-" + (problem.Status ?? StatusCodes.Status500InternalServerError).ToString(System.Globalization.CultureInfo.InvariantCulture);
        problem.Title = known?.Title ?? problem.Title;
        problem.Detail ??= problem.Status switch
        {
            StatusCodes.Status415UnsupportedMediaType => JsonContentTypeRequired,
            StatusCodes.Status404NotFound => "There is no endpoint at this path (the API reference is at /docs).",
            StatusCodes.Status405MethodNotAllowed => "The endpoint at this path does not take this HTTP method (the API reference is at /docs).",
            >= StatusCodes.Status500InternalServerError => "The service failed to handle the request; the traceId identifies the failure in its logs.",
            _ => problem.Title ?? "The request cannot be handled.",
        };
        if (problem.Status == StatusCodes.Status415UnsupportedMediaType && !problem.Extensions.ContainsKey("errors"))
            problem.Extensions["errors"] = new[] { new { field = "$", message = JsonContentTypeRequired } };
    }

    /// <summary>A problem of a type, with a detail sentence and the fields at fault (extension <c>errors</c>).</summary>
    public static ProblemDetails Create(ProblemType type, string detail, IReadOnlyList<FieldError> errors)
    {
        var problem = new ProblemDetails { Type = type.Type, Title = type.Title, Status = type.Status, Detail = detail };
        if (errors.Count > 0) problem.Extensions["errors"] = errors.Select(e => new { field = e.Field, message = e.Message }).ToArray();
        return problem;
    }

    /// <summary>401: no key, or a key that is not accepted (the detail says which, never echoing the key).</summary>
    public static ProblemHttpResult Unauthenticated(string detail) => TypedResults.Problem(Create(Unauthenticated401, detail, []));

    /// <summary>403: the key is valid but does not hold <paramref name="role"/> (extension <c>requiredRole</c>).</summary>
    public static ProblemHttpResult Forbidden(HttpContext context, string role, string detail)
    {
        var problem = Create(Forbidden403, detail + $" The key '{context.User.FindFirst(System.Security.Claims.ClaimTypes.NameIdentifier)?.Value}' does not hold it.", []);
        problem.Extensions["requiredRole"] = role;
        return TypedResults.Problem(problem);
    }

    /// <summary>503: a dependency (the database) is down; the detail says which and that the call may be retried.</summary>
    public static ProblemHttpResult ServiceUnavailable(string detail) => TypedResults.Problem(Create(Unavailable, detail, []));

    /// <summary>The problem for a refused calculation (premium, eligibility…), its outcome recorded in the call's audit entry.</summary>
    public static ProblemHttpResult Refused(Audit.AuditRecord? audit, AssessmentFailure failure)
    {
        audit?.Refused(Audit.AuditOutcomes.Of(failure.Kind));
        return TypedResults.Problem(For(failure));
    }

    /// <summary>The problem for a refused assessment.</summary>
    public static ProblemDetails For(AssessmentFailure failure) => Create(failure.Kind switch
    {
        AssessmentFailureKind.UnknownRuleSet => UnknownRuleSet,
        AssessmentFailureKind.DraftRuleSet => DraftRuleSet,
        AssessmentFailureKind.RefusedRuleSet => RefusedRuleSet,
        _ => InvalidHousehold,
    }, failure.Detail, failure.Errors);
}
