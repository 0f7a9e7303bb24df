using System.Collections.Concurrent;
using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;
using KokuhoRules.Api.Requests;
using KokuhoRules.Rules.Snapshots;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;

namespace KokuhoRules.Tests.Support;

/// <summary>
/// Test-only middleware in front of every test server: it collects the personal data a call carries
/// (birth dates and other dates of a person, incomes, names, anything that looks like an individual
/// number, in the body or the query), lets the call run, then fails it — status 500 and a
/// "PERSONAL DATA LEAK" body, recorded in <see cref="Violations"/> — when any of those values reached
/// a log line written meanwhile (<see cref="LogCapture"/>, every level) or the problem details
/// answered. Every API test of the run goes through it.
/// </summary>
public sealed partial class PersonalDataGuard : IStartupFilter
{
    public static ConcurrentQueue<string> Violations { get; } = new();

    public Action<IApplicationBuilder> Configure(Action<IApplicationBuilder> next) => app =>
    {
        app.Use(Check);
        next(app);
    };

    private static async Task Check(HttpContext context, RequestDelegate next)
    {
        context.Request.EnableBuffering();
        using var body = new MemoryStream();
        await context.Request.Body.CopyToAsync(body);
        context.Request.Body.Position = 0;
        var sensitive = SensitiveValues(body.ToArray(), context.Request.QueryString.Value ?? "");
        var from = LogCapture.Instance.Next;

        var original = context.Response.Body;
        using var answer = new MemoryStream();
        context.Response.Body = answer;
        try
        {
            await next(context);
        }
        finally
        {
            context.Response.Body = original;
        }

        var leaks = new List<string>();
        if (sensitive.Count > 0)
        {
            foreach (var (_, category, text) in LogCapture.Instance.Since(from))
                foreach (var value in sensitive)
                    if (text.Contains(value, StringComparison.Ordinal)) leaks.Add($"log line of {category} holds '{value}': {text}");
            var isProblem = context.Response.ContentType?.StartsWith("application/problem+json", StringComparison.Ordinal) == true;
            if (isProblem)
            {
                // The traceId is random hex: "…7231000000fd…" once held an income of 1,000,000 by chance (a false leak).
                var problem = TraceId().Replace(Encoding.UTF8.GetString(answer.ToArray()), "\"traceId\":\"\"");
                foreach (var value in sensitive)
                    if (problem.Contains(value, StringComparison.Ordinal)) leaks.Add($"problem details hold '{value}': {problem}");
            }
        }
        if (leaks.Count > 0)
        {
            foreach (var leak in leaks) Violations.Enqueue($"{context.Request.Method} {context.Request.Path}: {leak}");
            context.Response.StatusCode = StatusCodes.Status500InternalServerError;
            context.Response.ContentType = "text/plain";
            await context.Response.WriteAsync("PERSONAL DATA LEAK\n" + string.Join("\n", leaks));
            return;
        }
        answer.Position = 0;
        await answer.CopyToAsync(original);
    }

    /// <summary>The personal values a request carries, as they would appear in text.</summary>
    public static IReadOnlyCollection<string> SensitiveValues(byte[] body, string query)
    {
        var values = new HashSet<string>(StringComparer.Ordinal);
        var text = Encoding.UTF8.GetString(body);
        foreach (Match m in TwelveDigits().Matches(text + " " + Uri.UnescapeDataString(query))) values.Add(m.Value);
        try
        {
            using var document = JsonDocument.Parse(body);
            Collect(document.RootElement, null, inIncome: false, inComponents: false, values);
        }
        catch (Exception e) when (e is JsonException or InvalidOperationException) // malformed, or a string with a lone surrogate
        {
            foreach (Match m in QuotedDate().Matches(text)) values.Add(m.Groups[1].Value);
        }
        return values;
    }

    /// <param name="inComponents">Inside a previous answer's <c>components</c>: their <c>name</c> is a component's (medical…), not a person's.</param>
    private static void Collect(JsonElement element, string? property, bool inIncome, bool inComponents, HashSet<string> values)
    {
        switch (element.ValueKind)
        {
            case JsonValueKind.Object:
                foreach (var p in element.EnumerateObject())
                    Collect(p.Value, p.Name, inIncome || p.Name.Equals("income", StringComparison.OrdinalIgnoreCase),
                        inComponents || p.Name.Equals("components", StringComparison.Ordinal), values);
                break;
            case JsonValueKind.Array:
                foreach (var item in element.EnumerateArray()) Collect(item, property, inIncome, inComponents, values);
                break;
            case JsonValueKind.String:
                var s = element.GetString()!;
                if (property is not null && PersonalField().IsMatch(property) && s.Length >= 4 && !(inComponents && property == "name")) values.Add(s);
                if (IndividualNumberScan.LooksLikeIndividualNumber(Encoding.UTF8.GetBytes(s), JsonTokenType.String)) values.Add(s);
                break;
            case JsonValueKind.Number:
                var raw = element.GetRawText();
                // An income of 5 digits or more is specific enough to find; smaller numbers are everywhere.
                if (inIncome && raw.TrimStart('-').Length >= 5) values.Add(raw);
                break;
        }
    }

    [GeneratedRegex(@"(?<!\d)\d{12}(?!\d)")]
    private static partial Regex TwelveDigits();

    [GeneratedRegex(@"""traceId""\s*:\s*""[0-9a-f-]*""")]
    private static partial Regex TraceId();

    [GeneratedRegex(@"""(\d{4}-\d{2}-\d{2})""")]
    private static partial Regex QuotedDate();

    /// <summary>Fields that hold a person's dates or name.</summary>
    [GeneratedRegex("(?i)birth|^date$|separationDate|since|name|kana|氏名|address|phone")]
    private static partial Regex PersonalField();
}
