namespace KokuhoRules.Engine.Requests;

/// <summary>One thing wrong with a request: the field (a JSON path such as <c>household.members[2].birthDate</c>) and what is wrong with it, never its value.</summary>
public sealed record FieldError(string Field, string Message);
