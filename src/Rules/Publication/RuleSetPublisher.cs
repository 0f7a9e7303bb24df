using System.Globalization;
using System.Security.Cryptography;
using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.RegularExpressions;
using KokuhoRules.Engine.Audit;
using KokuhoRules.Engine.RuleSets;
using KokuhoRules.Rules.Catalog;
using KokuhoRules.Rules.Storage;
using NodaTime;
using NodaTime.Text;
using Npgsql;

namespace KokuhoRules.Rules.Publication;

/// <summary>
/// 公開 (publish), shared by <c>kokuho rulesets publish &lt;owner/year[@version]&gt; --capability premium --by &lt;who&gt;</c>
/// (src/Cli/RuleSetPublish.cs) and the staff page <c>/staff/publish</c>: the gate
/// (<see cref="RuleSetPublication.Standard"/>: immutable, validation, upper layers, confirmed values or waivers, golden cases,
/// property checks), then the seal (status, contentHash, files, publishedBy, publishedAt, waivers) written beside and renamed,
/// audited (file audit log, or PostgreSQL with <c>--db</c> where the publication is also kept, append-only).
/// </summary>
public static partial class RuleSetPublisher
{
    /// <summary>Exit codes of <c>rulesets publish</c>.</summary>
    public static class ExitCodes
    {
        public const int Published = 0;
        /// <summary>The gate refused (one line per failure, each with its kind), or the publication could not be written: nothing changed.</summary>
        public const int Refused = 1;
        /// <summary>Wrong options: a malformed name, an unknown layer or version, a waiver without a reason or naming no unconfirmed value.</summary>
        public const int Usage = 2;

        public const string Help = "Exit codes: 0 published, 1 refused (each failure on its own line: [immutable] [validation] [upper-layer] [unconfirmed] [golden] [property]; nothing written), 2 wrong options.";
    }

    /// <summary>What <c>rulesets publish</c> is asked to do.</summary>
    public sealed record Args(string Spec, string Capability, string By, IReadOnlyList<string> Waive, string? WaiversFile, IReadOnlyList<string> Roots, string? Db, string AuditLog, bool Json);

    /// <summary>
    /// The property checks of the gate: the invariants of <c>kokuho rulesets check</c> against each premium rule set built on
    /// the layer (<see cref="Rules.Checks.PropertyCheckStep"/>), each counterexample a failure.
    /// </summary>
    public static IReadOnlyList<IPublicationStep> PropertyCheckSteps() => [new Rules.Checks.PropertyCheckStep()];

    /// <summary>The golden-case runner of each capability that has one.</summary>
    public static IReadOnlyDictionary<string, GoldenCaseRunner> GoldenCaseRunners() =>
        new Dictionary<string, GoldenCaseRunner> { ["premium"] = Rules.Premium.PremiumGoldenCases.Run };

    /// <summary>What the gate found for a layer: the exit code (<see cref="ExitCodes.Usage"/> when the options are wrong, then no candidate), the candidate, every step's result.</summary>
    public sealed record GateOutcome(int ExitCode, PublicationCandidate? Candidate, IReadOnlyList<PublicationStepResult> Steps)
    {
        /// <summary>Whether the layer may be published: the options were right and no step failed.</summary>
        public bool Passed => Candidate is not null && Steps.All(s => s.Passed);

        internal RuleSetStore? Store { get; init; }
    }

    /// <summary>
    /// Where a publication from the service is audited: the service's own <see cref="AuditLog"/> (its one writer), with
    /// the key and the request; without it (the CLI) the entry goes to <see cref="Args.AuditLog"/> or, with a database, to PostgreSQL.
    /// </summary>
    public sealed record Via(AuditLog Log, string? KeyId, string Method, string Path, string Endpoint);

    /// <summary>Publishes the layer of <paramref name="args"/> when the gate passes (tests plug a property check step in here); returns the exit code.</summary>
    public static int Publish(Args args, IReadOnlyList<IPublicationStep> propertyChecks, IClock clock, TextWriter output, TextWriter error, Via? via = null)
    {
        var gate = Gate(args, propertyChecks, error);
        if (gate.Candidate is not { } candidate) return gate.ExitCode;
        var steps = gate.Steps.ToList();
        if (!gate.Passed)
        {
            Report(args, candidate, steps, null, output, error);
            error.WriteLine($"rulesets publish: refused: {steps.Sum(s => s.Failures.Count)} failure(s); nothing was written");
            return ExitCodes.Refused;
        }
        return Seal(args, candidate, steps, gate.Store, clock, output, error, via);
    }

    /// <summary>Runs the gate only (nothing is written): the layer named, the waivers read and checked, every step's result; option errors one line each on <paramref name="error"/>.</summary>
    public static GateOutcome Gate(Args args, IReadOnlyList<IPublicationStep> propertyChecks, TextWriter error)
    {
        if (Usage(args, error) is not { } target) return new(ExitCodes.Usage, null, []);
        if (ReadWaivers(args, error) is not { } waivers) return new(ExitCodes.Usage, null, []);
        var scan = KokuhoRuleSets.Scan(args.Roots);
        if (FindLayer(scan, target, args, error) is not { } layer)
            return new(scan.Failures.Any(f => Concerns(f, target, args.Capability)) ? ExitCodes.Refused : ExitCodes.Usage, null, []);
        var catalog = RuleSetCatalog.Load(args.Roots, KokuhoRuleSets.Compilers, (c, _, y) => c == args.Capability && y == target.Year);
        var folder = Path.GetFullPath(layer.Folder);
        var candidate = new PublicationCandidate(catalog, layer,
            catalog.RuleSets.Where(r => r.Source.Layers.Any(l => Path.GetFullPath(l.Folder) == folder)).ToArray(),
            catalog.Failures.Where(f => f.Capability == args.Capability && f.FiscalYear == target.Year && (layer.Kind != RuleSetLayerKind.Municipal || f.Insurer == target.Owner)
                                        && (f.Insurer != target.Owner || f.Version is null || f.Version == layer.Version)).ToArray(),
            scan.Layers.Where(l => l.OwnerId == layer.OwnerId && l.Capability == layer.Capability && l.Manifest.FiscalYear == target.Year && l.Version != layer.Version).ToArray(),
            waivers, RuleSetPublication.CasesFolderOf(layer));
        if (WrongWaiver(candidate, error)) return new(ExitCodes.Usage, null, []);
        var steps = RuleSetPublication.Standard(GoldenCaseRunners(), propertyChecks).Check(candidate).ToList();
        var store = args.Db is null ? null : new RuleSetStore(NpgsqlDataSource.Create(args.Db));
        if (store?.Find(layer.OwnerId, target.Year, layer.Capability, layer.Version) is { } stored)
            steps.Add(new PublicationStepResult("データベース (database)", [new PublicationFailure("immutable", $"ruleset_publications #{stored.Seq}",
                $"version {stored.Version} was published on {InstantPattern.ExtendedIso.Format(stored.PublishedAt)} by {stored.PublishedBy} ({stored.ContentHash}): a published version never changes; publish a new version")], []));
        return new(steps.All(s => s.Passed) ? ExitCodes.Published : ExitCodes.Refused, candidate, steps) { Store = store };
    }

    /// <summary>The layer named, or null after a line saying why (an unknown layer; one refused when read is reported with its errors).</summary>
    private static RuleSetLayer? FindLayer(RuleSetScan scan, (string Owner, int Year, string? Version) target, Args args, TextWriter error)
    {
        var versions = scan.Layers.Where(l => l.OwnerId == target.Owner && l.Manifest.FiscalYear == target.Year && l.Capability == args.Capability)
            .OrderBy(l => l.Version, VersionComparer.Instance).ToArray();
        var layer = target.Version is { } v ? versions.FirstOrDefault(l => l.Version == v)
            : versions.LastOrDefault(l => l.Manifest.Status == RuleSetStatus.Draft) ?? versions.LastOrDefault();
        if (layer is not null) return layer;
        var refused = scan.Failures.Where(f => Concerns(f, target, args.Capability)).ToArray();
        foreach (var e in refused.SelectMany(f => f.Errors)) error.WriteLine($"refused [validation] {(e.Line > 0 ? $"{e.File}:{e.Line}" : e.File)}: {e.JsonPath}: {e.Message}");
        error.WriteLine(refused.Length > 0 ? $"rulesets publish: refused: {target.Owner}/{target.Year}/{args.Capability} cannot be read; nothing was written"
            : versions.Length > 0 ? $"rulesets publish: {target.Owner}/{target.Year}/{args.Capability} has no version {target.Version} (versions: {string.Join(", ", versions.Select(l => l.Version))})"
            : $"rulesets publish: there is no layer {target.Owner}/{target.Year}/{args.Capability} under {string.Join(", ", args.Roots)}");
        return null;
    }

    private static bool Concerns(RuleSetFailure f, (string Owner, int Year, string? Version) target, string capability) =>
        f.Concerns(target.Owner, target.Year, capability) && (target.Version is null || f.Version is null || f.Version == target.Version);

    [GeneratedRegex(@"^(?<owner>[a-z0-9][a-z0-9-]*)/(?<year>[0-9]{4})(@(?<version>\S+))?$")]
    private static partial Regex SpecPattern();

    [GeneratedRegex(@"[0-9０-９]{4}[- ]?[0-9０-９]{4}[- ]?[0-9０-９]{4}")]
    private static partial Regex TwelveDigits();

    /// <summary>The layer named, or null after one line saying what is wrong with the options.</summary>
    private static (string Owner, int Year, string? Version)? Usage(Args args, TextWriter error)
    {
        var m = SpecPattern().Match(args.Spec);
        if (!m.Success)
        {
            error.WriteLine($"rulesets publish: '{args.Spec}' is not a layer: write owner/year or owner/year@version, e.g. amagasaki/2026 or national/2026@2026.1");
            return null;
        }
        if (string.IsNullOrWhiteSpace(args.By) || TwelveDigits().IsMatch(args.By))
        {
            error.WriteLine("rulesets publish: --by must name who publishes (a staff id, never a 個人番号)");
            return null;
        }
        if (!RuleSetManifest.IsCapabilityName(args.Capability))
        {
            error.WriteLine($"rulesets publish: --capability '{args.Capability}' is not a capability name (premium, withholding, highCost, eligibility)");
            return null;
        }
        return (m.Groups["owner"].Value, int.Parse(m.Groups["year"].Value, CultureInfo.InvariantCulture), m.Groups["version"].Success ? m.Groups["version"].Value : null);
    }

    /// <summary>The waivers of <c>--waive</c> and <c>--waivers</c>, or null after one line naming the one at fault.</summary>
    private static IReadOnlyList<PublicationWaiver>? ReadWaivers(Args args, TextWriter error)
    {
        var list = new List<PublicationWaiver>();
        foreach (var w in args.Waive)
        {
            var eq = w.IndexOf('=', StringComparison.Ordinal);
            list.Add(eq > 0 ? new PublicationWaiver(w[..eq].Trim(), w[(eq + 1)..].Trim()) : new PublicationWaiver(w.Trim(), ""));
        }
        if (args.WaiversFile is { } file)
        {
            try
            {
                using var doc = JsonDocument.Parse(File.ReadAllBytes(file));
                if (doc.RootElement.ValueKind != JsonValueKind.Object || doc.RootElement.EnumerateObject().Any(p => p.Value.ValueKind != JsonValueKind.String))
                    throw new JsonException("expected an object { \"<parameter path>\": \"<reason>\", … }");
                list.AddRange(doc.RootElement.EnumerateObject().Select(p => new PublicationWaiver(p.Name, p.Value.GetString()!.Trim())));
            }
            catch (Exception e) when (e is JsonException or IOException or UnauthorizedAccessException)
            {
                error.WriteLine($"rulesets publish: --waivers {file}: {e.Message.ReplaceLineEndings(" ")}");
                return null;
            }
        }
        if (list.FirstOrDefault(w => w.Parameter.Length == 0 || w.Reason.Length == 0) is { } bad)
        {
            error.WriteLine($"rulesets publish: the waiver of '{bad.Parameter}' has no reason: write --waive <path>=<reason>");
            return null;
        }
        if (list.GroupBy(w => w.Parameter).FirstOrDefault(g => g.Count() > 1) is { } twice)
        {
            error.WriteLine($"rulesets publish: '{twice.Key}' is waived twice: give one reason");
            return null;
        }
        return list;
    }

    /// <summary>A waiver naming no unconfirmed value of the layer is an option error (checked once the layer compiled).</summary>
    private static bool WrongWaiver(PublicationCandidate c, TextWriter error)
    {
        if (c.RuleSets.Count == 0) return false;
        foreach (var w in c.Waivers)
        {
            var p = c.OwnParameters.FirstOrDefault(p => p.Path == w.Parameter);
            if (p is not null && !p.Confirmed) continue;
            error.WriteLine(p is null
                ? $"rulesets publish: --waive {w.Parameter}: {c.Layer.DisplayPath} writes no such parameter"
                : $"rulesets publish: --waive {w.Parameter}: it is confirmed ({p.File}:{p.Line}): nothing to waive");
            return true;
        }
        return false;
    }

    /// <summary>Seals the layer (manifest written beside and renamed), audits it (file, or PostgreSQL with the publication), and reports.</summary>
    private static int Seal(Args args, PublicationCandidate c, List<PublicationStepResult> steps, RuleSetStore? store, IClock clock, TextWriter output, TextWriter error, Via? via)
    {
        var layer = c.Layer;
        var files = ContentHash.FilesOf(layer.Folder);
        var hash = ContentHash.OfFiles(files);
        if (hash != layer.ContentHash)
        {
            error.WriteLine($"refused [validation] {layer.DisplayPath}: its files changed while the gate checked them (now {hash}); nothing was written: publish again");
            return ExitCodes.Refused;
        }
        var at = clock.GetCurrentInstant();
        var manifest = RuleSetSeal.Published(layer, files, args.By, at, c.Waivers);
        var ruleSets = c.RuleSets.Select(CommandAudit.Of).ToArray();
        var audit = CommandAudit.Entry(at, at, via?.Path ?? "kokuho rulesets publish", via?.Endpoint ?? "RuleSetPublish",
            [new AuditedRuleSet(layer.OwnerId, layer.Manifest.FiscalYear, layer.Version, hash), .. ruleSets],
            [$"layer:{layer.DisplayPath}@{layer.Version}", .. c.Waivers.Select(w => "waiver:" + w.Parameter)],
            Convert.ToHexStringLower(SHA256.HashData(manifest)), manifest.Length, by: args.By) with { KeyId = via?.KeyId, Method = via?.Method ?? CommandAudit.Method };
        var before = layer.ManifestFile.Bytes.ToArray();
        string where;
        try
        {
            if (store is not null)
            {
                store.Publish(new PublicationRecord(layer, manifest, files, hash, ruleSets, args.By, at, c.Waivers), audit, () => RuleSetSeal.WriteManifest(layer.Folder, manifest));
                where = "PostgreSQL (audit_log, ruleset_publications)";
            }
            else if (via is not null)
            {
                RuleSetSeal.WriteManifest(layer.Folder, manifest);
                via.Log.AppendAsync(audit).GetAwaiter().GetResult();
                where = via.Log.Store.Description;
            }
            else
            {
                RuleSetSeal.WriteManifest(layer.Folder, manifest);
                using var log = new FileAuditStore(args.AuditLog);
                log.AppendAsync([audit], CancellationToken.None).GetAwaiter().GetResult();
                where = log.Path;
            }
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or NpgsqlException)
        {
            RuleSetSeal.WriteManifest(layer.Folder, before); // the manifest as it was: the layer stays a draft
            if (e is PostgresException { SqlState: PostgresErrorCodes.UniqueViolation })
            {
                error.WriteLine($"refused [immutable] {layer.DisplayPath}: version {layer.Version} was published in the database meanwhile; nothing was written");
                return ExitCodes.Refused;
            }
            throw;
        }
        Report(args, c, steps, new Sealed(hash, at, where, audit.Id), output, error);
        return ExitCodes.Published;
    }

    private sealed record Sealed(string ContentHash, Instant At, string AuditStore, Guid AuditId);

    private static readonly JsonSerializerOptions JsonOptions = new()
    {
        WriteIndented = true, PropertyNamingPolicy = JsonNamingPolicy.CamelCase, Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
    };

    /// <summary>Each step with its notes (stdout) and each failure on its own line (stderr); or the whole outcome as JSON.</summary>
    private static void Report(Args args, PublicationCandidate c, IReadOnlyList<PublicationStepResult> steps, Sealed? done, TextWriter output, TextWriter error)
    {
        var layer = c.Layer;
        if (args.Json)
        {
            output.WriteLine(JsonSerializer.Serialize(new
            {
                layer = layer.DisplayPath, owner = layer.OwnerId, fiscalYear = layer.Manifest.FiscalYear, capability = layer.Capability, version = layer.Version,
                published = done is not null, contentHash = done?.ContentHash, publishedBy = done is null ? null : args.By,
                publishedAt = done is null ? null : InstantPattern.ExtendedIso.Format(done.At), waivers = c.Waivers,
                ruleSets = c.RuleSets.Select(r => new { insurer = r.Insurer.Id, fiscalYear = r.FiscalYear, version = r.Version, hash = r.Hash }),
                steps = steps.Select(s => new { step = s.Step, passed = s.Passed, nothingChecked = s.NothingChecked, notes = s.Notes, failures = s.Failures }),
                audit = done is null ? null : new { store = done.AuditStore, id = done.AuditId },
            }, JsonOptions));
        }
        else
        {
            output.WriteLine($"公開 (publish): {layer.DisplayPath} 版 {layer.Version} ({layer.Manifest.Status.ToString().ToLowerInvariant()})");
            foreach (var s in steps)
                output.WriteLine($"  {(!s.Passed ? "REFUSED" : s.NothingChecked ? "NONE   " : "ok     ")}  {s.Step}{(s.Notes.Count > 0 ? ": " + string.Join("; ", s.Notes) : "")}");
            if (done is not null)
            {
                output.WriteLine($"published  {layer.DisplayPath} {layer.Version}  {done.ContentHash}  by {args.By} at {InstantPattern.ExtendedIso.Format(done.At)}  ({c.Waivers.Count} waiver(s) recorded in the manifest)");
                foreach (var r in c.RuleSets) output.WriteLine($"ruleset    {r.Insurer.Id}/{r.FiscalYear} {r.Capability} {r.Version}  {r.Hash}");
                output.WriteLine($"audited    {done.AuditStore}  entry {done.AuditId}");
            }
        }
        foreach (var f in steps.SelectMany(s => s.Failures)) error.WriteLine($"refused {f}");
    }
}
