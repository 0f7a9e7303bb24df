using System.Text.Json;
using KokuhoRules.Rules.Premium;
using KokuhoRules.Rules.Snapshots;
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
    public static readonly ProblemType DraftRuleSet = new("urn:kokuhorules:problem:draft-ruleset", "The rule set is a draft: only a trial calculation may use it", StatusCodes.Status422UnprocessableEntity);

    /// <summary>A problem of a type, with a detail sentence and the fields at fault (extension <c>errors</c>).</summary>
    public static ProblemDetails Create(ProblemType type, string detail, IReadOnlyList<FieldError> errors)
    {
        var problem = new ProblemDetails { Type = type.Type, Title = type.Title, Status = type.Status, Detail = detail };
        if (errors.Count > 0) problem.Extensions["errors"] = errors.Select(e => new { field = e.Field, message = e.Message }).ToArray();
        return problem;
    }

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
