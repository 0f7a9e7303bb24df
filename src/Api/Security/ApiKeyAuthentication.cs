using System.Security.Claims;
using System.Text.Encodings.Web;
using KokuhoRules.Api.Audit;
using KokuhoRules.Api.Problems;
using KokuhoRules.Engine.Security;
using KokuhoRules.Rules.Snapshots;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Authorization.Infrastructure;
using Microsoft.AspNetCore.Authorization.Policy;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.Options;

namespace KokuhoRules.Api.Security;

/// <summary>
/// API keys: <c>X-Api-Key: krk_…</c> or <c>Authorization: ApiKey krk_…</c>. A key names its holder
/// (claim <see cref="ClaimTypes.NameIdentifier"/> = key id) and carries its roles.
/// </summary>
public sealed class ApiKeyAuthenticationHandler(IOptionsMonitor<AuthenticationSchemeOptions> options, ILoggerFactory logger, UrlEncoder encoder, ApiKeyStore keys)
    : AuthenticationHandler<AuthenticationSchemeOptions>(options, logger, encoder)
{
    public const string SchemeName = "ApiKey";
    public const string Header = ApiKeyFile.HeaderName;

    /// <summary>Why the key presented was refused, for the 401 answer (<see cref="ProblemAuthorizationResultHandler"/>).</summary>
    public static string? FailureOf(HttpContext context) => context.Items[FailureKey] as string;

    private static readonly object FailureKey = new();

    private Task<AuthenticateResult> Fail(string reason)
    {
        Context.Items[FailureKey] = reason;
        return Task.FromResult(AuthenticateResult.Fail(reason));
    }

    /// <summary>Whether the call was refused because it carried two different keys (answered 400, not 401).</summary>
    public static bool CarriedDifferentKeys(HttpContext context) => context.Items.ContainsKey(AmbiguousKey);

    private static readonly object AmbiguousKey = new();

    protected override Task<AuthenticateResult> HandleAuthenticateAsync()
    {
        var presented = new List<string>();
        if (Request.Headers.TryGetValue(Header, out var header))
            presented.AddRange(header.Select(v => v?.Trim() ?? "").Where(v => v.Length > 0));
        if (Request.Headers.Authorization.ToString() is { Length: > 0 } authorization)
        {
            if (authorization.StartsWith(SchemeName + " ", StringComparison.OrdinalIgnoreCase))
                presented.Add(authorization[(SchemeName.Length + 1)..].Trim());
            else if (presented.Count == 0)
                return Fail($"the Authorization header must be '{SchemeName} <key>' (or send the key in {Header})");
        }
        if (presented.Count == 0) return Task.FromResult(AuthenticateResult.NoResult());
        // Two different keys (X-Api-Key and Authorization, or X-Api-Key twice): the service does not pick one.
        if (presented.Distinct(StringComparer.Ordinal).Count() > 1)
        {
            Context.Items[AmbiguousKey] = true;
            return Fail($"the request carries different API keys (in {Header} and Authorization, or {Header} more than once): send one key");
        }

        var (key, refusal) = keys.Find(presented[0]);
        if (refusal is not null)
        {
            if (key is not null) Context.Audit()?.Identify(key.Id, key.Holder);
            return Fail(refusal);
        }
        var claims = new List<Claim> { new(ClaimTypes.NameIdentifier, key!.Id), new(ClaimTypes.Name, key.Holder) };
        claims.AddRange(key.Roles.Select(r => new Claim(ClaimTypes.Role, r)));
        var principal = new ClaimsPrincipal(new ClaimsIdentity(claims, SchemeName));
        Context.Audit()?.Identify(key.Id, key.Holder);
        return Task.FromResult(AuthenticateResult.Success(new AuthenticationTicket(principal, SchemeName)));
    }
}

/// <summary>The authorization policies of the endpoints, by role.</summary>
public static class Policies
{
    /// <summary>The calculation endpoints: a calculator (assessment) or a publisher (trial); the handler checks which the request needs.</summary>
    public const string Calculate = "calculate";
    /// <summary>Reading the audit log.</summary>
    public const string Audit = "audit";
    /// <summary>What policy staff do to the rule sets served (reading them again after a publication).</summary>
    public const string Publish = "publish";

    public static void Add(AuthorizationOptions options)
    {
        options.AddPolicy(Calculate, p => p.RequireRole(Roles.Calculator, Roles.Publisher));
        options.AddPolicy(Audit, p => p.RequireRole(Roles.Auditor));
        options.AddPolicy(Publish, p => p.RequireRole(Roles.Publisher));
        // Every endpoint not marked otherwise (only the health probes and the API description are) needs a key.
        options.FallbackPolicy = new AuthorizationPolicyBuilder().RequireAuthenticatedUser().Build();
    }

    /// <summary>
    /// A calculation needs the calculator role, a trial calculation (試算, <c>"trial": true</c>) the
    /// publisher role; null when the caller has it, else the 403 problem to answer.
    /// </summary>
    public static ProblemHttpResult? RequireCalculationRole(HttpContext context, bool trial)
    {
        var role = trial ? Roles.Publisher : Roles.Calculator;
        if (context.User.IsInRole(role)) return null;
        context.Audit()?.Refused(AuditOutcomes.Forbidden);
        return ProblemTypes.Forbidden(context, role,
            trial ? "A trial calculation (\"trial\": true) needs the publisher role." : "An assessment needs the calculator role (a publisher may only send trial calculations).");
    }
}

/// <summary>Answers a refused call with a problem (RFC 9457) that says what was missing, instead of an empty 401 or 403.</summary>
public sealed class ProblemAuthorizationResultHandler : IAuthorizationMiddlewareResultHandler
{
    private readonly AuthorizationMiddlewareResultHandler _default = new();

    public async Task HandleAsync(RequestDelegate next, HttpContext context, AuthorizationPolicy policy, PolicyAuthorizationResult result)
    {
        if (result.Challenged)
        {
            var failure = ApiKeyAuthenticationHandler.FailureOf(context);
            if (ApiKeyAuthenticationHandler.CarriedDifferentKeys(context))
            {
                context.Audit()?.Refused(AuditOutcomes.AmbiguousKey);
                await TypedResults.Problem(ProblemTypes.Create(ProblemTypes.AmbiguousKey, failure!, [new FieldError(ApiKeyAuthenticationHandler.Header, "differs from another key the request carries")])).ExecuteAsync(context);
                return;
            }
            context.Audit()?.Refused(AuditOutcomes.Unauthenticated);
            context.Response.Headers.WWWAuthenticate = $"{ApiKeyAuthenticationHandler.SchemeName} header=\"{ApiKeyAuthenticationHandler.Header}\"";
            await ProblemTypes.Unauthenticated(failure ?? $"This endpoint needs an API key: send it in the {ApiKeyAuthenticationHandler.Header} header.").ExecuteAsync(context);
            return;
        }
        if (result.Forbidden)
        {
            var roles = policy.Requirements.OfType<RolesAuthorizationRequirement>().SelectMany(r => r.AllowedRoles).Distinct().ToArray();
            context.Audit()?.Refused(AuditOutcomes.Forbidden);
            await ProblemTypes.Forbidden(context, string.Join(" or ", roles), $"This endpoint needs the {string.Join(" or ", roles)} role.").ExecuteAsync(context);
            return;
        }
        await _default.HandleAsync(next, context, policy, result);
    }
}
