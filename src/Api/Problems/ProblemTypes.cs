using System.Text.Json;
using KokuhoRules.Rules.Premium;
using KokuhoRules.Rules.Snapshots;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;

namespace KokuhoRules.Api.Problems;

/// <summary>The problem types (RFC 9457) the API answers with, and how they are built.</summary>
public static class ProblemTypes
{
    public sealed record ProblemType(string Type, string Title, int Status);

    public static readonly ProblemType MalformedRequest = new("urn:kokuhorules:problem:malformed-request", "The request is not valid JSON for this endpoint", StatusCodes.Status400BadRequest);
    public static readonly ProblemType BadRequest = new("urn:kokuhorules:problem:bad-request", "The request cannot be read", StatusCodes.Status400BadRequest);
    public static readonly ProblemType UnsupportedMediaType = new("urn:kokuhorules:problem:unsupported-media-type", "The request body must be JSON (Content-Type: application/json)", StatusCodes.Status415UnsupportedMediaType);
    public static readonly ProblemType InvalidHousehold = new("urn:kokuhorules:problem:invalid-request", "Some fields of the request are invalid", StatusCodes.Status422UnprocessableEntity);
    public static readonly ProblemType UnknownRuleSet = new("urn:kokuhorules:problem:unknown-ruleset", "No rule set for that insurer and fiscal year", StatusCodes.Status404NotFound);
    public static readonly ProblemType Unauthenticated401 = new("urn:kokuhorules:problem:unauthenticated", "A valid API key is needed", StatusCodes.Status401Unauthorized);
    public static readonly ProblemType Forbidden403 = new("urn:kokuhorules:problem:forbidden", "The API key does not hold the role this needs", StatusCodes.Status403Forbidden);
    public static readonly ProblemType IndividualNumber = new("urn:kokuhorules:problem:individual-number", "Individual numbers (個人番号) are not accepted", StatusCodes.Status422UnprocessableEntity);
    public static readonly ProblemType TooLarge = new("urn:kokuhorules:problem:too-large", "The request body is too large", StatusCodes.Status413PayloadTooLarge);
    public static readonly ProblemType Unavailable = new("urn:kokuhorules:problem:unavailable", "A service this needs is unavailable", StatusCodes.Status503ServiceUnavailable);
    public static readonly ProblemType DraftRuleSet = new("urn:kokuhorules:problem:draft-ruleset", "The rule set is a draft: only a trial calculation may use it", StatusCodes.Status422UnprocessableEntity);

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

    /// <summary>The problem for a refused assessment.</summary>
    public static ProblemDetails For(AssessmentFailure failure) => Create(failure.Kind switch
    {
        AssessmentFailureKind.UnknownRuleSet => UnknownRuleSet,
        AssessmentFailureKind.DraftRuleSet => DraftRuleSet,
        _ => InvalidHousehold,
    }, failure.Detail, failure.Errors);

    /// <summary><c>$.household.members[0].birthDate</c> → <c>household.members[0].birthDate</c>.</summary>
    public static string FieldName(string jsonPath) => jsonPath.StartsWith("$.", StringComparison.Ordinal) ? jsonPath[2..] : jsonPath;

    /// <summary>A reader's message for a JSON error, without .NET type names.</summary>
    public static string Explain(JsonException e)
    {
        var message = e.Message;
        var cut = message.IndexOf(" Path:", StringComparison.Ordinal);
        if (cut >= 0) message = message[..cut];
        if (message.StartsWith("The JSON property", StringComparison.Ordinal) && message.Contains("could not be mapped", StringComparison.Ordinal))
            return "unknown field (not part of the contract)";
        if (message.StartsWith("The JSON value could not be converted to", StringComparison.Ordinal))
        {
            var target = message["The JSON value could not be converted to".Length..];
            return target.Contains("Int64", StringComparison.Ordinal) || target.Contains("Int32", StringComparison.Ordinal) ? "expected a whole number within range"
                : target.Contains("Boolean", StringComparison.Ordinal) ? "expected true or false"
                : target.Contains("String", StringComparison.Ordinal) ? "expected a string"
                : target.Contains("IReadOnlyList", StringComparison.Ordinal) ? "expected an array"
                : "expected an object or a value of another type";
        }
        if (message.Contains("maximum configured depth", StringComparison.Ordinal)) return "the JSON is nested too deeply";
        if (message.Contains("Duplicate", StringComparison.OrdinalIgnoreCase)) return "the field is given more than once";
        // Syntax errors come from the reader (an internal JsonException subtype); a converter's own
        // message (e.g. an impossible date) is about the value, not the JSON.
        if ((e.GetType() != typeof(JsonException) || e.InnerException is JsonException) && e.LineNumber is { } line)
            return $"not valid JSON at line {line + 1}, byte {e.BytePositionInLine + 1}: {message.TrimEnd('.')}";
        return message;
    }
}
