using System.CommandLine;
using KokuhoRules.Rules.Catalog;

namespace KokuhoRules.Cli;

/// <summary>The options several commands take, declared once: the rule-set roots and the database.</summary>
internal static class CliOptions
{
    /// <summary><c>--root</c>: rule-set roots, repeatable; none given means the bundled rule sets (<see cref="RootsOf"/>).</summary>
    public static Option<string[]> Roots() =>
        new("--root") { Description = "Rule-set roots (default: the bundled rulesets).", AllowMultipleArgumentsPerToken = true };

    /// <summary>The roots given, or the bundled rule sets when none are.</summary>
    public static string[] RootsOf(ParseResult parse, Option<string[]> roots) => parse.GetValue(roots) is { Length: > 0 } r ? r : [KokuhoRuleSets.BundledRoot];

    /// <summary><c>--db</c>: a PostgreSQL connection string; <paramref name="use"/> says what the command does with it.</summary>
    public static Option<string> Database(string? use = null) =>
        new("--db") { Description = (use is null ? "" : use + " ") + "PostgreSQL connection string (Npgsql format, e.g. \"Host=127.0.0.1;Port=5432;Username=kokuho;Database=kokuho\")." };

    /// <summary>The audit log a command without <c>--db</c> records its run in: the API's local layout, under the current folder.</summary>
    public static readonly string DefaultAuditLog = Path.Combine("var", "audit", "audit-log.jsonl");

    /// <summary><c>--audit-log</c>: the JSON Lines audit log (<see cref="DefaultAuditLog"/> unless given); <paramref name="what"/> says what is recorded.</summary>
    public static Option<string> AuditLog(string what) =>
        new("--audit-log") { Description = $"The audit log (JSON Lines) {what} is recorded in (default {DefaultAuditLog} under the current folder).", DefaultValueFactory = _ => DefaultAuditLog };
}
