using System.Text.Json;

namespace KokuhoRules.Engine.RuleSets;

/// <summary>An unconfirmed value (<c>"confirmed": false</c>) published as it is, with the reason staff gave; recorded in the manifest and the audit.</summary>
/// <param name="Parameter">The parameter's path (<c>rates.medical.incomeRate</c>).</param>
/// <param name="Reason">Why it is published unconfirmed: never empty.</param>
public sealed record PublicationWaiver(string Parameter, string Reason);

/// <summary>One reason a layer may not be published.</summary>
/// <param name="Kind">The gate step that refused: <c>immutable</c>, <c>validation</c>, <c>upper-layer</c>, <c>unconfirmed</c>, <c>golden</c>, <c>property</c>.</param>
/// <param name="Location">Where: <c>file:line</c>, a parameter's path, a golden case file.</param>
/// <param name="Message">What is wrong and what to do, for policy staff.</param>
public sealed record PublicationFailure(string Kind, string Location, string Message)
{
    public override string ToString() => $"[{Kind}] {Location}: {Message}";
}

/// <summary>What a gate step found: its failures and what staff must see even when it passes (<c>0 golden cases</c>).</summary>
public sealed record PublicationStepResult(string Step, IReadOnlyList<PublicationFailure> Failures, IReadOnlyList<string> Notes)
{
    public bool Passed => Failures.Count == 0;

    /// <summary>The step had nothing to check (no golden case, no property check registered): it refuses nothing, and is shown as not run, never as a pass.</summary>
    public bool NothingChecked { get; init; }
}

/// <summary>
/// The layer a publication concerns, with everything the gate judges it by: the rule sets built on it (compiled from
/// the files as they are now), the validation failures that concern it, the other versions of its slot, the waivers
/// given, the folder of its golden cases and the catalog the rule sets were compiled in (to run a case as a call would).
/// </summary>
public sealed record PublicationCandidate(
    RuleSetCatalog Catalog,
    RuleSetLayer Layer,
    IReadOnlyList<CompiledRuleSet> RuleSets,
    IReadOnlyList<RuleSetFailure> Failures,
    IReadOnlyList<RuleSetLayer> OtherVersions,
    IReadOnlyList<PublicationWaiver> Waivers,
    string CasesFolder)
{
    /// <summary>The parameters this layer writes (those in effect whose value comes from one of its files), once each, in file order.</summary>
    public IReadOnlyList<ParameterInfo> OwnParameters => field ??= RuleSets.SelectMany(r => r.ParameterTable.All)
        .Where(p => p.File.StartsWith(Layer.DisplayPath + "/", StringComparison.Ordinal))
        .DistinctBy(p => p.Path).ToArray();
}

/// <summary>One check of the publication gate (validation, confirmation, golden cases, property checks…).</summary>
public interface IPublicationStep
{
    /// <summary>The step's name as staff read it (<c>検証 (validation)</c>).</summary>
    string Name { get; }

    PublicationStepResult Check(PublicationCandidate candidate);
}

/// <summary>A rule set's own golden case: a published worked example (its source named) and whether the rule set reproduces it.</summary>
/// <param name="File">The case file, relative to the root (<c>amagasaki/2026/cases/premium/single.json</c>).</param>
/// <param name="Mismatches">Each published figure not reproduced (<c>annualPremium: published 336300, computed 336400</c>), or why the case could not run; empty when it passes.</param>
public sealed record GoldenCaseOutcome(string File, string Name, IReadOnlyList<string> Mismatches)
{
    public bool Passed => Mismatches.Count == 0;
}

/// <summary>Runs one golden case file of a capability against the rule sets of a candidate (the capability knows the case format).</summary>
public delegate GoldenCaseOutcome GoldenCaseRunner(string displayPath, JsonDocument caseFile, PublicationCandidate candidate);

/// <summary>
/// The publication gate (<c>kokuho rulesets publish</c>): a list of steps, each run on the candidate, every failure
/// reported (one line each), none skipped because an earlier one failed. Knows no capability: the capability's steps
/// (its golden cases, its property checks) are given by the caller. <see cref="Standard"/> builds the usual gate.
/// </summary>
public sealed class RuleSetPublication(IReadOnlyList<IPublicationStep> steps)
{
    /// <summary>The steps, in the order they run and are reported.</summary>
    public IReadOnlyList<IPublicationStep> Steps { get; } = steps;

    /// <summary>Runs every step; the layer may be published when none failed.</summary>
    public IReadOnlyList<PublicationStepResult> Check(PublicationCandidate candidate) => Steps.Select(s => s.Check(candidate)).ToArray();

    /// <summary>
    /// The gate of issue 16: not yet published, validation, upper layers published, every unconfirmed value waived,
    /// the golden cases (run by <paramref name="goldenCases"/>, by capability), then the property checks given
    /// (<paramref name="propertyChecks"/>: pluggable; an empty list is reported as "none registered", not as a pass).
    /// </summary>
    public static RuleSetPublication Standard(IReadOnlyDictionary<string, GoldenCaseRunner> goldenCases, IReadOnlyList<IPublicationStep> propertyChecks) =>
        new([new NotYetPublished(), new Validated(), new UpperLayersPublished(), new Confirmed(), new GoldenCases(goldenCases), new PropertyChecks(propertyChecks)]);

    /// <summary>The folder of a layer's golden cases: <c>&lt;root&gt;/&lt;owner&gt;/&lt;year&gt;/cases/&lt;capability&gt;</c>.</summary>
    public static string CasesFolderOf(RuleSetLayer layer) =>
        Path.Combine(Path.GetDirectoryName(Path.GetFullPath(layer.Folder))!, RuleSetLoader.CasesFolder, layer.Capability);

    private static PublicationStepResult Result(string step, IEnumerable<PublicationFailure> failures, params string[] notes) => new(step, failures.ToArray(), notes);

    /// <summary>A published version is immutable: publishing it again is refused; so is a version already published elsewhere.</summary>
    public sealed class NotYetPublished : IPublicationStep
    {
        public string Name => "不変 (immutable)";

        public PublicationStepResult Check(PublicationCandidate c) => Result(Name, c.Layer.Manifest.Status == RuleSetStatus.Published
            ? [new PublicationFailure("immutable", c.Layer.DisplayPath + "/" + ContentHash.ManifestFileName,
                $"version {c.Layer.Version} is already published ({c.Layer.Manifest.ContentHash}): a published version never changes; publish a new version")]
            : []);
    }

    /// <summary>The loader's and the compiler's errors (each at file:line), and a rule set to compile at all.</summary>
    public sealed class Validated : IPublicationStep
    {
        public string Name => "検証 (validation)";

        public PublicationStepResult Check(PublicationCandidate c)
        {
            var failures = c.Failures.SelectMany(f => f.Errors).Distinct()
                .Select(e => new PublicationFailure("validation", e.Line > 0 ? $"{e.File}:{e.Line}" : e.File, $"{e.JsonPath}: {e.Message}")).ToList();
            if (failures.Count == 0 && c.RuleSets.Count == 0)
                failures.Add(new PublicationFailure("validation", c.Layer.DisplayPath, "no rule set is built on this layer, so it cannot be compiled and checked (add the insurer's layer of the year)"));
            var same = c.OtherVersions.FirstOrDefault(o => o.Manifest.Status == RuleSetStatus.Published && o.Manifest.InForceFrom == c.Layer.Manifest.InForceFrom);
            if (same is not null)
                failures.Add(new PublicationFailure("validation", c.Layer.DisplayPath + "/" + ContentHash.ManifestFileName,
                    $"published version {same.Version} is in force from the same day: give this version its own inForceFrom before publishing it"));
            return Result(Name, failures, $"{c.RuleSets.Count} rule set(s) compiled: {string.Join(", ", c.RuleSets.Select(r => r.ToString()))}");
        }
    }

    /// <summary>A layer is published on published layers: a draft above it would keep every rule set built on it a draft.</summary>
    public sealed class UpperLayersPublished : IPublicationStep
    {
        public string Name => "上位の層 (upper layers)";

        public PublicationStepResult Check(PublicationCandidate c) => Result(Name, c.RuleSets
            .SelectMany(r => r.Source.Layers.TakeWhile(l => l != c.Layer && l.Kind < c.Layer.Kind))
            .Where(l => l.Manifest.Status != RuleSetStatus.Published).DistinctBy(l => l.Folder)
            .Select(l => new PublicationFailure("upper-layer", l.DisplayPath, $"version {l.Version} above this layer is a draft: publish it first")));
    }

    /// <summary>Every <c>confirmed: false</c> value of the layer is confirmed, or waived with a reason.</summary>
    public sealed class Confirmed : IPublicationStep
    {
        public string Name => "確認 (confirmed values)";

        public PublicationStepResult Check(PublicationCandidate c)
        {
            var waived = c.Waivers.ToDictionary(w => w.Parameter, StringComparer.Ordinal);
            var unconfirmed = c.OwnParameters.Where(p => !p.Confirmed).ToArray();
            var failures = unconfirmed.Where(p => !waived.TryGetValue(p.Path, out var w) || string.IsNullOrWhiteSpace(w.Reason))
                .Select(p => new PublicationFailure("unconfirmed", $"{p.File}:{p.Line}",
                    $"{p.Path} is confirmed: false{(p.ToConfirm is null ? "" : $" ({p.ToConfirm})")}: confirm it from its source, or waive it: --waive {p.Path}=<reason>"));
            return Result(Name, failures, $"{unconfirmed.Length} unconfirmed value(s), {unconfirmed.Count(p => waived.ContainsKey(p.Path))} waived");
        }
    }

    /// <summary>The layer's own golden cases (<see cref="CasesFolderOf"/>) reproduce; none is reported as <c>0 golden cases</c>, never as a pass.</summary>
    public sealed class GoldenCases(IReadOnlyDictionary<string, GoldenCaseRunner> runners) : IPublicationStep
    {
        public string Name => "ゴールデンケース (golden cases)";

        public PublicationStepResult Check(PublicationCandidate c)
        {
            var files = Directory.Exists(c.CasesFolder) ? Directory.EnumerateFiles(c.CasesFolder, "*.json").Order(StringComparer.Ordinal).ToArray() : [];
            var shown = c.Layer.DisplayPath[..c.Layer.DisplayPath.LastIndexOf('/')] + $"/{RuleSetLoader.CasesFolder}/{c.Layer.Capability}";
            if (files.Length == 0) return Result(Name, [], $"0 golden cases (none in {shown}): nothing was checked against a published figure") with { NothingChecked = true };
            if (!runners.TryGetValue(c.Layer.Capability, out var run))
                return Result(Name, [new PublicationFailure("golden", shown, $"{files.Length} case(s), but no golden-case runner serves capability {c.Layer.Capability}")]);
            var outcomes = files.Select(f => RunOne(run, $"{shown}/{Path.GetFileName(f)}", f, c)).ToArray();
            return Result(Name, outcomes.SelectMany(o => o.Mismatches.Select(m => new PublicationFailure("golden", o.File, $"{o.Name}: {m}"))),
                $"{outcomes.Length} golden case(s), {outcomes.Count(o => o.Passed)} passed");
        }

        private static GoldenCaseOutcome RunOne(GoldenCaseRunner run, string shown, string path, PublicationCandidate candidate)
        {
            try
            {
                using var doc = JsonDocument.Parse(File.ReadAllBytes(path));
                return run(shown, doc, candidate);
            }
            catch (JsonException e)
            {
                return new GoldenCaseOutcome(shown, Path.GetFileName(path), [$"not JSON: {e.Message}"]);
            }
        }
    }

    /// <summary>
    /// The property checks (<c>kokuho rulesets check</c>): pluggable steps the caller supplies. With none registered the
    /// step says so on its own line ("0 property checks registered") — it is not reported as a pass.
    /// </summary>
    public sealed class PropertyChecks(IReadOnlyList<IPublicationStep> checks) : IPublicationStep
    {
        public string Name => "性質の検査 (property checks)";

        public PublicationStepResult Check(PublicationCandidate c)
        {
            if (checks.Count == 0) return Result(Name, [], "0 property checks registered: the invariants were not run against this rule set") with { NothingChecked = true };
            var results = checks.Select(k => k.Check(c)).ToArray();
            return Result(Name, results.SelectMany(r => r.Failures), results.SelectMany(r => r.Notes).ToArray()) with { NothingChecked = results.All(r => r.NothingChecked) };
        }
    }
}
