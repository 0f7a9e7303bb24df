using KokuhoRules.Engine.RuleSets;
using KokuhoRules.Rules.Premium;

namespace KokuhoRules.Rules.Checks;

/// <summary>
/// The publish gate's property checks (<c>property</c>): the catalogue of invariants (<see cref="RuleSetChecks"/>, what
/// <c>kokuho rulesets check</c> runs) against every rule set built on the layer whose capability has one (premium, highCost,
/// eligibility), as its files are now. The seed
/// is taken from the layer's content hash, so the gate of the same files always draws the same cases and a refusal
/// can be repeated with <c>rulesets check --seed</c>; each invariant that fails is one failure, naming the rule set,
/// what was expected and what was got.
/// </summary>
public sealed class PropertyCheckStep(int tests = RuleSetChecks.DefaultTests) : IPublicationStep
{
    public string Name => "性質の検査 (property checks)";

    public PublicationStepResult Check(PublicationCandidate candidate)
    {
        ArgumentNullException.ThrowIfNull(candidate);
        var checkable = candidate.RuleSets.Where(r => RuleSetChecks.Catalogue(r.Capability).Count > 0).ToArray();
        if (checkable.Length == 0)
            return new PublicationStepResult(Name, [], [$"0 property checks: no rule set with invariants ({string.Join(", ", RuleSetChecks.Capabilities)}) is built on {candidate.Layer.DisplayPath}"]) { NothingChecked = true };
        var seed = SeedOf(candidate.Layer.ContentHash);
        var (failures, notes) = (new List<PublicationFailure>(), new List<string>());
        foreach (var rs in checkable)
        {
            var result = RuleSetChecks.Run(candidate.Catalog, rs, seed, tests);
            var name = $"{rs.Insurer.Id}/{rs.FiscalYear}@{rs.Version}";
            foreach (var failed in result.Invariants.Where(i => !i.Holds))
                failures.Add(new PublicationFailure("property", name,
                    $"{failed.NameJa} ({failed.Id}) does not hold: expected {failed.Counterexample!.Expected}, got {failed.Counterexample.Got}; "
                    + $"see the case with: kokuho rulesets check {name}{RuleSetChecks.CapabilityOption(rs.Capability)} --seed {seed} --tests {tests} --invariant {failed.Id}"));
            notes.Add($"{name} {rs.Capability}: {result.Invariants.Count(i => i.Holds)} of {result.Invariants.Count} invariants hold ({tests} cases each, seed {seed})");
        }
        return new PublicationStepResult(Name, failures, notes);
    }

    /// <summary>A seed from a content hash (<c>sha256:…</c>): its first 8 bytes, kept positive.</summary>
    public static ulong SeedOf(string contentHash)
    {
        ArgumentNullException.ThrowIfNull(contentHash);
        var hex = contentHash.StartsWith("sha256:", StringComparison.Ordinal) ? contentHash[7..] : contentHash;
        return hex.Length >= 16 && ulong.TryParse(hex.AsSpan(0, 16), System.Globalization.NumberStyles.HexNumber, null, out var v) ? (v & 0x7FFF_FFFF) + 1 : 1;
    }
}
