using KokuhoRules.Engine.RuleSets;
using KokuhoRules.Rules.Premium;

namespace KokuhoRules.Rules.Catalog;

/// <summary>Why a rule set cannot be used.</summary>
public enum RuleSetRefusalKind
{
    /// <summary>No rule set for that insurer and fiscal year.</summary>
    Unknown,
    /// <summary>The rule set exists but failed validation when the rule sets were loaded.</summary>
    RefusedAtStartUp,
    /// <summary>The rule set is a draft and the use is not a trial.</summary>
    Draft,
}

/// <summary>A refusal by <see cref="RuleSetCatalog.Resolve"/>: its kind, a sentence saying why, and the request field it concerns.</summary>
public sealed record RuleSetRefusal(RuleSetRefusalKind Kind, string Detail, string Field, string FieldMessage);

/// <summary>
/// Every rule set found under the configured roots, compiled once at start-up. A rule set that fails
/// validation is kept out (with its errors, for <see cref="Failures"/>) and the others keep serving.
/// Immutable and thread-safe.
/// </summary>
public sealed class RuleSetCatalog
{
    private readonly Dictionary<(string Insurer, int FiscalYear), PremiumRuleSet> _ruleSets;

    private RuleSetCatalog(IReadOnlyList<PremiumRuleSet> ruleSets, IReadOnlyList<RuleSetFailure> failures, IReadOnlyList<string> roots)
    {
        RuleSets = ruleSets.OrderBy(r => r.Insurer.Id, StringComparer.Ordinal).ThenBy(r => r.FiscalYear).ToArray();
        _ruleSets = RuleSets.ToDictionary(r => (r.Insurer.Id, r.FiscalYear));
        Failures = failures;
        Roots = roots;
    }

    /// <summary>The rule sets that compiled, by insurer then fiscal year.</summary>
    public IReadOnlyList<PremiumRuleSet> RuleSets { get; }

    /// <summary>The rule sets (or layers) refused, with every error.</summary>
    public IReadOnlyList<RuleSetFailure> Failures { get; }

    /// <summary>The folders read.</summary>
    public IReadOnlyList<string> Roots { get; }

    /// <summary>Reads and compiles every rule set under the roots (or only those <paramref name="include"/> accepts).</summary>
    public static RuleSetCatalog Load(IEnumerable<string> roots, Func<string, int, bool>? include = null)
    {
        var rootList = roots.Select(Path.GetFullPath).ToArray();
        var scan = RuleSetLoader.Scan(rootList);
        var compiled = new List<PremiumRuleSet>();
        var failures = new List<RuleSetFailure>(scan.Failures);
        foreach (var source in scan.Sources)
        {
            if (include is not null && !include(source.Insurer, source.FiscalYear)) continue;
            try
            {
                compiled.Add(PremiumRuleSetCompiler.Compile(source));
            }
            catch (RuleSetValidationException e)
            {
                failures.Add(new RuleSetFailure(source.ToString(), e.Errors, source.Insurer, source.FiscalYear));
            }
        }
        return new RuleSetCatalog(compiled, failures, rootList);
    }

    /// <summary>The rule set of an insurer for a fiscal year, if one compiled.</summary>
    public PremiumRuleSet? Find(string insurer, int fiscalYear) => _ruleSets.GetValueOrDefault((insurer, fiscalYear));

    /// <summary>
    /// <see cref="Resolve"/> for an operator's run (the batch): the rule set, or an <see cref="InvalidOperationException"/>
    /// whose message names the rule set asked for (the operator typed it; a request's values are never echoed).
    /// </summary>
    public PremiumRuleSet RuleSetForRun(string insurer, int fiscalYear, bool trial)
    {
        var (rs, refusal) = Resolve(insurer, fiscalYear, trial);
        if (rs is not null) return rs;
        throw new InvalidOperationException(refusal!.Kind == RuleSetRefusalKind.Unknown
            ? $"there is no rule set {insurer}/{fiscalYear} under {string.Join(", ", Roots)}"
            : refusal.Detail);
    }

    /// <summary>The failure that kept the rule set of an insurer for a fiscal year out at start-up, if it was refused.</summary>
    public RuleSetFailure? RefusedAtStartUp(string insurer, int fiscalYear) => Failures.FirstOrDefault(f => f.Concerns(insurer, fiscalYear));

    /// <summary>
    /// The one gate every use of a rule set goes through (the API, the file and the database batch): the
    /// rule set of <paramref name="insurer"/> for <paramref name="fiscalYear"/>, or why it cannot be used —
    /// there is none, it was refused at start-up (the operator's matter, not the caller's), or it is a draft
    /// and the use is not a trial. Messages never repeat an insurer id the catalog does not know.
    /// </summary>
    public (PremiumRuleSet? RuleSet, RuleSetRefusal? Refusal) Resolve(string insurer, int fiscalYear, bool trial)
    {
        var rs = Find(insurer, fiscalYear);
        if (rs is null)
        {
            if (RefusedAtStartUp(insurer, fiscalYear) is { } refused)
                return (null, new RuleSetRefusal(RuleSetRefusalKind.RefusedAtStartUp,
                    $"The rule set {insurer}/{fiscalYear} was refused when the rule sets were loaded: {refused.Errors.Count} error(s) in its files. "
                    + "This is not a fault of the request: the operator finds every error, with file and line, under 'refused' in GET /v1/rulesets, "
                    + "in the service log, and with 'kokuho rulesets validate'.",
                    "fiscalYear", "its rule set was refused at start-up"));
            var known = RuleSets.Where(r => r.Insurer.Id == insurer).Select(r => r.FiscalYear.ToString(System.Globalization.CultureInfo.InvariantCulture)).ToArray();
            return (null, known.Length > 0
                ? new RuleSetRefusal(RuleSetRefusalKind.Unknown,
                    $"There is no rule set for insurer '{insurer}' and that fiscal year; its rule sets cover fiscal years {string.Join(", ", known)}.", "fiscalYear", "no such rule set")
                : new RuleSetRefusal(RuleSetRefusalKind.Unknown,
                    $"There is no rule set for that insurer. Known insurers: {string.Join(", ", RuleSets.Select(r => r.Insurer.Id).Distinct())}.", "insurer", "no such rule set"));
        }
        if (rs.Status == RuleSetStatus.Draft && !trial)
            return (null, new RuleSetRefusal(RuleSetRefusalKind.Draft,
                $"Rule set {rs.Insurer.Id}/{rs.FiscalYear} (version {rs.Version}) is a draft: {rs.UnconfirmedParameters.Count} of its parameters are not confirmed by a source and it is not published. Only a trial calculation may use it: send \"trial\": true (on the command line: --trial).",
                "trial", "must be true to use a draft rule set"));
        return (rs, null);
    }

    /// <summary>Whether any rule set (compiled or not) exists for the insurer.</summary>
    public bool KnowsInsurer(string insurer) => RuleSets.Any(r => r.Insurer.Id == insurer);

    /// <summary>The default root: the <c>rulesets</c> folder shipped next to the application.</summary>
    public static string BundledRoot => Path.Combine(AppContext.BaseDirectory, "rulesets");
}
