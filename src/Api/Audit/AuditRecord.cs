using KokuhoRules.Engine.RuleSets;
using KokuhoRules.Engine.Audit;
using KokuhoRules.Rules.Premium;

namespace KokuhoRules.Api.Audit;

/// <summary>
/// What the audit log will say about the current call, filled in as the call goes: the key (by the
/// authentication handler), the body's hash (by <see cref="Requests.RequestBodyGuard"/>), the rule
/// sets and households (by the endpoint). Written once, when the answer starts (<see cref="AuditMiddleware"/>).
/// </summary>
public sealed class AuditRecord
{
    private readonly List<AuditedRuleSet> _ruleSets = [];
    private readonly List<string> _subjects = [];

    public string? KeyId { get; private set; }
    public string? Holder { get; private set; }
    public string? Outcome { get; private set; }
    public string? BodySha256 { get; private set; }
    public long? BodyBytes { get; private set; }
    public IReadOnlyList<AuditedRuleSet> RuleSets => _ruleSets;
    public IReadOnlyList<string> Subjects => _subjects;

    /// <summary>The key that made the call (also a refused one, e.g. revoked).</summary>
    public void Identify(string keyId, string holder) => (KeyId, Holder) = (keyId, holder);

    /// <summary>Why the call was refused (<c>unauthenticated</c>, <c>forbidden</c>, <c>refused:…</c>).</summary>
    public void Refused(string outcome) => Outcome ??= outcome;

    public void Body(string sha256, long bytes) => (BodySha256, BodyBytes) = (sha256, bytes);

    /// <summary>A rule set the answer came from.</summary>
    public void Used(RuleSetStamp ruleSet)
    {
        var audited = new AuditedRuleSet(ruleSet.Insurer, ruleSet.FiscalYear, ruleSet.Version, ruleSet.Hash);
        if (!_ruleSets.Contains(audited)) _ruleSets.Add(audited);
    }

    /// <summary>A household the call was about (the core system's id).</summary>
    public void About(string? householdId)
    {
        if (householdId is not null && !_subjects.Contains(householdId)) _subjects.Add(householdId);
    }
}

public static class AuditRecordExtensions
{
    /// <summary>The audit record of the call, or null for a call that is not audited (health probes, the API description).</summary>
    public static AuditRecord? Audit(this HttpContext context) => context.Features.Get<AuditRecord>();
}
