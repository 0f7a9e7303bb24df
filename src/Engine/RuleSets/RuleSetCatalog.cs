using System.Globalization;
using NodaTime;

namespace KokuhoRules.Engine.RuleSets;

/// <summary>Why a rule set cannot be used.</summary>
public enum RuleSetRefusalKind
{
    /// <summary>No rule set (or no such version) for that capability, insurer and fiscal year.</summary>
    Unknown,
    /// <summary>The rule set exists but failed validation when the rule sets were loaded.</summary>
    RefusedAtStartUp,
    /// <summary>The rule set is a draft and the use is not a trial.</summary>
    Draft,
}

/// <summary>A refusal by <see cref="RuleSetCatalog.Resolve"/>: its kind, a sentence saying why, and the request field it concerns.</summary>
public sealed record RuleSetRefusal(RuleSetRefusalKind Kind, string Detail, string Field, string FieldMessage);

/// <summary>
/// Which rule set a call asks for: a capability, an insurer and a fiscal year, and optionally a version
/// (pinned), the call's date (which published version was in force) and whether it is a trial.
/// </summary>
public sealed record RuleSetQuery(string Capability, string Insurer, int FiscalYear)
{
    /// <summary>The version pinned (<c>"rulesetVersion": "2025.1"</c>); null: the one in force on <see cref="AsOf"/>.</summary>
    public string? Version { get; init; }

    /// <summary>The call's date; null: today in the catalog's time zone.</summary>
    public LocalDate? AsOf { get; init; }

    /// <summary>A trial calculation (試算): may use a draft; unpinned, it gets the newest version, draft or not.</summary>
    public bool Trial { get; init; }
}

/// <summary>
/// Every rule set of every capability found under the configured roots, compiled once at start-up by its
/// capability's compiler. A rule set that fails validation is kept out (with its errors, for
/// <see cref="Failures"/>) and the others keep serving. Several versions of a capability × insurer × year
/// may be served at once. <see cref="Resolve"/> is the one gate every use goes through. Immutable and thread-safe.
/// </summary>
public sealed class RuleSetCatalog
{
    private readonly Dictionary<(string Capability, string Insurer, int FiscalYear), CompiledRuleSet[]> _versions;
    private readonly Dictionary<Type, IRuleSetCompiler> _byType;
    private readonly DateTimeZone _zone;
    private readonly IClock _clock;

    private RuleSetCatalog(IReadOnlyList<CompiledRuleSet> ruleSets, IReadOnlyList<RuleSetFailure> failures, IReadOnlyList<string> roots,
        IReadOnlyList<IRuleSetCompiler> compilers, IClock clock, DateTimeZone zone)
    {
        RuleSets = ruleSets.OrderBy(r => r.Capability, StringComparer.Ordinal).ThenBy(r => r.Insurer.Id, StringComparer.Ordinal)
            .ThenBy(r => r.FiscalYear).ThenBy(r => r.Version, VersionComparer.Instance).ToArray();
        _versions = RuleSets.GroupBy(r => (r.Capability, r.Insurer.Id, r.FiscalYear)).ToDictionary(g => g.Key, g => g.ToArray());
        Failures = failures;
        Roots = roots;
        Compilers = compilers;
        _byType = compilers.ToDictionary(c => c.RuleSetType);
        _clock = clock;
        _zone = zone;
    }

    /// <summary>The rule sets that compiled, by capability, insurer, fiscal year and version.</summary>
    public IReadOnlyList<CompiledRuleSet> RuleSets { get; }

    /// <summary>The rule sets (or layers) refused, with every error.</summary>
    public IReadOnlyList<RuleSetFailure> Failures { get; }

    /// <summary>The folders read.</summary>
    public IReadOnlyList<string> Roots { get; }

    /// <summary>The capabilities' compilers.</summary>
    public IReadOnlyList<IRuleSetCompiler> Compilers { get; }

    /// <summary>
    /// Reads the roots and compiles every rule set (or only those <paramref name="include"/> accepts: capability, insurer, fiscal year)
    /// with the compiler of its capability.
    /// </summary>
    /// <param name="clock">Today's date for calls that give none (default: the system clock).</param>
    /// <param name="zone">The zone "today" is taken in (default: Asia/Tokyo).</param>
    public static RuleSetCatalog Load(IEnumerable<string> roots, IEnumerable<IRuleSetCompiler> compilers, Func<string, string, int, bool>? include = null,
        FiscalCalendar? calendar = null, IClock? clock = null, DateTimeZone? zone = null)
    {
        var compilerList = compilers.ToArray();
        var rootList = roots.Select(Path.GetFullPath).ToArray();
        var shapes = compilerList.ToDictionary(c => c.Capability, c => new RuleSetLoader.CapabilityShape(c.InsurerLayers, c.FileNames));
        var scan = RuleSetLoader.Scan(rootList, shapes, calendar);
        var compiled = new List<CompiledRuleSet>();
        var failures = new List<RuleSetFailure>(scan.Failures);
        foreach (var source in scan.Sources)
        {
            if (include is not null && !include(source.Capability, source.Insurer, source.FiscalYear)) continue;
            try
            {
                compiled.Add(compilerList.Single(c => c.Capability == source.Capability).Compile(source));
            }
            catch (RuleSetValidationException e)
            {
                failures.Add(RuleSetFailure.Of(source, e.Errors));
            }
        }
        RefuseAmbiguousVersions(compiled, failures);
        return new RuleSetCatalog(compiled, failures, rootList, compilerList, clock ?? SystemClock.Instance, zone ?? DateTimeZoneProviders.Tzdb["Asia/Tokyo"]);
    }

    /// <summary>Two published versions in force from the same day cannot both serve: the later version is refused.</summary>
    private static void RefuseAmbiguousVersions(List<CompiledRuleSet> compiled, List<RuleSetFailure> failures)
    {
        foreach (var group in compiled.Where(r => r.Status == RuleSetStatus.Published).GroupBy(r => (r.Capability, r.Insurer.Id, r.FiscalYear, r.InForceFrom)).ToArray())
        foreach (var later in group.OrderBy(r => r.Version, VersionComparer.Instance).Skip(1))
        {
            compiled.Remove(later);
            var manifest = later.Source.InsurerLayer;
            failures.Add(RuleSetFailure.Of(later.Source, [new RuleSetError(manifest.DisplayPath + "/" + ContentHash.ManifestFileName, "$.inForceFrom", 0,
                $"published versions {string.Join(" and ", group.Select(r => r.Version))} are in force from the same day ({(later.InForceFrom is { } d ? d.ToString("uuuu-MM-dd", CultureInfo.InvariantCulture) : "the start")}): give the correction its own inForceFrom")]));
        }
    }

    /// <summary>The compiler of rule sets of type <typeparamref name="T"/>.</summary>
    /// <exception cref="InvalidOperationException">No compiler makes <typeparamref name="T"/>: a programming error.</exception>
    public string CapabilityOf<T>() where T : CompiledRuleSet =>
        _byType.TryGetValue(typeof(T), out var c) ? c.Capability : throw new InvalidOperationException($"no compiler makes {typeof(T).Name}");

    /// <summary>The compiled rule sets of type <typeparamref name="T"/> (one capability).</summary>
    public IEnumerable<T> All<T>() where T : CompiledRuleSet => RuleSets.OfType<T>();

    /// <summary>The versions of a capability × insurer × year that compiled, oldest first.</summary>
    public IReadOnlyList<CompiledRuleSet> Versions(string capability, string insurer, int fiscalYear) =>
        _versions.GetValueOrDefault((capability, insurer, fiscalYear)) ?? [];

    /// <summary>A rule set by capability type, insurer, year and version (null: the newest version, draft or not); null if none compiled.</summary>
    public T? Find<T>(string insurer, int fiscalYear, string? version = null) where T : CompiledRuleSet
    {
        var versions = Versions(CapabilityOf<T>(), insurer, fiscalYear);
        return (T?)(version is null ? versions.LastOrDefault() : versions.FirstOrDefault(v => v.Version == version));
    }

    /// <summary>The failures of a capability × insurer × year, any version.</summary>
    public IEnumerable<RuleSetFailure> RefusedAtStartUp(string capability, string insurer, int fiscalYear) =>
        Failures.Where(f => f.Concerns(insurer, fiscalYear, capability));

    /// <summary>Whether any rule set of a capability compiled for the insurer.</summary>
    public bool KnowsInsurer(string capability, string insurer) => RuleSets.Any(r => r.Capability == capability && r.Insurer.Id == insurer);

    /// <summary>
    /// Whose rule sets of <paramref name="capability"/> serve an insurer named by its id or its 全国地方公共団体コード: the
    /// insurer itself when it has rule sets of the capability; else, for a capability served prefecture-wide, the
    /// prefecture whose rule set lists it among its <see cref="CompiledRuleSet.ServedInsurers"/>, or whose code has the same
    /// two first digits as the code of the city known from any layer of any capability (尼崎市 282022 → 兵庫県 280003).
    /// Null when none does (the caller refuses naming its field; the value is never echoed).
    /// </summary>
    public string? ServingInsurer(string capability, string insurer)
    {
        var own = RuleSets.Where(r => r.Capability == capability).ToArray();
        if (own.FirstOrDefault(r => r.Insurer.Id == insurer || r.Insurer.LocalGovernmentCode == insurer) is { } direct) return direct.Insurer.Id;
        if (own.FirstOrDefault(r => r.ServedInsurers.Any(m => m.Id == insurer || m.LocalGovernmentCode == insurer)) is { } listing) return listing.Insurer.Id;
        var city = RuleSets.SelectMany(r => r.Source.Layers).Select(l => l.Manifest.Insurer)
            .FirstOrDefault(i => i is not null && (i.Id == insurer || i.LocalGovernmentCode == insurer));
        if (city is null) return null;
        return own.Where(r => r.Source.InsurerLayer.Kind == RuleSetLayerKind.Prefecture && r.Insurer.PrefectureCode == city.PrefectureCode)
            .Select(r => r.Insurer.Id).FirstOrDefault();
    }

    /// <summary>Today, in the catalog's zone: the date of a call that gives none.</summary>
    public LocalDate Today => _clock.GetCurrentInstant().InZone(_zone).Date;

    /// <summary><see cref="Resolve"/> typed to a capability's rule sets.</summary>
    public (T? RuleSet, RuleSetRefusal? Refusal) Resolve<T>(string insurer, int fiscalYear, string? version, LocalDate? asOf, bool trial) where T : CompiledRuleSet
    {
        var (rs, refusal) = Resolve(new RuleSetQuery(CapabilityOf<T>(), insurer, fiscalYear) { Version = version, AsOf = asOf, Trial = trial });
        return ((T?)rs, refusal);
    }

    /// <summary>
    /// <see cref="Resolve"/> for an operator's run (the batch): the rule set, or an <see cref="InvalidOperationException"/>
    /// whose message names the rule set asked for (the operator typed it; a request's values are never echoed).
    /// </summary>
    public T ForRun<T>(string insurer, int fiscalYear, string? version, LocalDate? asOf, bool trial) where T : CompiledRuleSet
    {
        var (rs, refusal) = Resolve<T>(insurer, fiscalYear, version, asOf, trial);
        if (rs is not null) return rs;
        throw new InvalidOperationException(refusal!.Kind == RuleSetRefusalKind.Unknown && Versions(CapabilityOf<T>(), insurer, fiscalYear).Count == 0
            ? $"there is no rule set {insurer}/{fiscalYear} ({CapabilityOf<T>()}) under {string.Join(", ", Roots)}"
            : refusal.Detail);
    }

    /// <summary>
    /// The one gate every use of a rule set goes through (the API, the file and the database batch, the CLI):
    /// the version pinned, or (unpinned) the published version in force on the call's date — or, for a
    /// trial, the newest version, draft or not — or why none can be used: there is none, the version asked
    /// for (or the one that would be in force) was refused at start-up (the operator's matter, not the
    /// caller's), or it is a draft and the use is not a trial. Messages never repeat an insurer id the
    /// catalog does not know.
    /// </summary>
    public (CompiledRuleSet? RuleSet, RuleSetRefusal? Refusal) Resolve(RuleSetQuery query)
    {
        var versions = Versions(query.Capability, query.Insurer, query.FiscalYear);
        var refused = RefusedAtStartUp(query.Capability, query.Insurer, query.FiscalYear).ToArray();
        if (versions.Count == 0)
            return (null, refused.Length > 0 ? Refused(query, refused) : Unknown(query));
        if (query.Version is { } pinned)
        {
            var match = versions.FirstOrDefault(v => v.Version == pinned);
            if (match is null)
                return (null, refused.Any(f => f.Version == pinned)
                    ? Refused(query, refused.Where(f => f.Version == pinned).ToArray())
                    : new RuleSetRefusal(RuleSetRefusalKind.Unknown,
                        $"Rule set {query.Insurer}/{query.FiscalYear} ({query.Capability}) has no version by that name; it serves versions {string.Join(", ", versions.Select(v => v.Version))}.",
                        "rulesetVersion", "no such version"));
            return match.Status == RuleSetStatus.Draft && !query.Trial ? (null, Draft(match)) : (match, null);
        }
        if (query.Trial) return (versions[^1], null);

        var asOf = query.AsOf ?? Today;
        var inForce = versions.Where(v => v.Status == RuleSetStatus.Published && (v.InForceFrom ?? LocalDate.MinIsoValue) <= asOf)
            .MaxBy(v => v.InForceFrom ?? LocalDate.MinIsoValue);
        var since = inForce?.InForceFrom ?? LocalDate.MinIsoValue;
        var newerRefused = refused.Where(f => f.Published != false && (f.InForceFrom ?? LocalDate.MinIsoValue) <= asOf
                                              && (inForce is null || (f.InForceFrom ?? LocalDate.MinIsoValue) >= since)).ToArray();
        if (newerRefused.Length > 0) return (null, Refused(query, newerRefused));
        if (inForce is not null) return (inForce, null);
        var published = versions.Where(v => v.Status == RuleSetStatus.Published).ToArray();
        if (published.Length == 0) return (null, Draft(versions[^1]));
        return (null, new RuleSetRefusal(RuleSetRefusalKind.Unknown,
            $"No published version of rule set {query.Insurer}/{query.FiscalYear} ({query.Capability}) was in force on that date; the first is in force from {published.Min(v => v.InForceFrom)!.Value.ToString("uuuu-MM-dd", CultureInfo.InvariantCulture)}.",
            "asOf", "no version of the rule set was in force on this date"));
    }

    /// <summary>
    /// The rule set a look-up shows (<c>GET /v1/rulesets/…</c>, <c>kokuho rulesets diff</c>): the version asked for, draft
    /// or not; else the one a call made today that names none gets (<see cref="Resolve"/>); else, when there are only
    /// drafts, the newest; or why none (no such rule set or version, or refused at start-up).
    /// </summary>
    public (CompiledRuleSet? RuleSet, RuleSetRefusal? Refusal) ResolveShown(string capability, string insurer, int fiscalYear, string? version)
    {
        var (rs, refusal) = Resolve(new RuleSetQuery(capability, insurer, fiscalYear) { Version = version, Trial = version is not null });
        return refusal?.Kind == RuleSetRefusalKind.Draft ? (Versions(capability, insurer, fiscalYear)[^1], null) : (rs, refusal);
    }

    private static RuleSetRefusal Refused(RuleSetQuery query, RuleSetFailure[] refused) =>
        new(RuleSetRefusalKind.RefusedAtStartUp,
            $"The rule set {query.Insurer}/{query.FiscalYear}{(refused[0].Version is { } v && query.Version is not null ? $" (version {v})" : "")} was refused when the rule sets were loaded: {refused.Sum(f => f.Errors.Count)} error(s) in its files. "
            + "This is not a fault of the request: the operator finds every error, with file and line, under 'refused' in GET /v1/rulesets, "
            + "in the service log, and with 'kokuho rulesets validate'.",
            "fiscalYear", "its rule set was refused at start-up");

    private static RuleSetRefusal Draft(CompiledRuleSet rs) =>
        new(RuleSetRefusalKind.Draft,
            $"Rule set {rs.Insurer.Id}/{rs.FiscalYear} ({rs.Capability}, version {rs.Version}) is a draft: {rs.UnconfirmedParameters.Count} of its parameters are not confirmed by a source and it is not published. Only a trial calculation may use it: send \"trial\": true (on the command line: --trial).",
            "trial", "must be true to use a draft rule set");

    private RuleSetRefusal Unknown(RuleSetQuery query)
    {
        var known = RuleSets.Where(r => r.Capability == query.Capability && r.Insurer.Id == query.Insurer)
            .Select(r => r.FiscalYear.ToString(CultureInfo.InvariantCulture)).Distinct().ToArray();
        return known.Length > 0
            ? new RuleSetRefusal(RuleSetRefusalKind.Unknown,
                $"There is no rule set for insurer '{query.Insurer}' and that fiscal year; its rule sets cover fiscal years {string.Join(", ", known)}.", "fiscalYear", "no such rule set")
            : new RuleSetRefusal(RuleSetRefusalKind.Unknown,
                $"There is no rule set for that insurer. Known insurers: {string.Join(", ", RuleSets.Where(r => r.Capability == query.Capability).Select(r => r.Insurer.Id).Distinct())}.", "insurer", "no such rule set");
    }
}

/// <summary>Orders versions by their dot-separated parts, numerically where both parts are numbers (<c>2025.2</c> &lt; <c>2025.10</c>), else ordinally.</summary>
public sealed class VersionComparer : IComparer<string>
{
    public static VersionComparer Instance { get; } = new();

    public int Compare(string? x, string? y)
    {
        var a = (x ?? "").Split('.');
        var b = (y ?? "").Split('.');
        for (var i = 0; i < Math.Min(a.Length, b.Length); i++)
        {
            var c = long.TryParse(a[i], NumberStyles.None, CultureInfo.InvariantCulture, out var m) && long.TryParse(b[i], NumberStyles.None, CultureInfo.InvariantCulture, out var n)
                ? m.CompareTo(n)
                : string.CompareOrdinal(a[i], b[i]);
            if (c != 0) return c;
        }
        return a.Length.CompareTo(b.Length);
    }
}
