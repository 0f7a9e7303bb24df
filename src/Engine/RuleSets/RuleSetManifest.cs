using System.Text.Json;
using System.Text.Json.Serialization;
using NodaTime;
using NodaTime.Text;

namespace KokuhoRules.Engine.RuleSets;

/// <summary>Whether a rule-set layer may be used for real assessments.</summary>
[JsonConverter(typeof(JsonStringEnumConverter<RuleSetStatus>))]
public enum RuleSetStatus
{
    /// <summary>Being prepared; only trial calculations may use it.</summary>
    Draft,
    /// <summary>Published: immutable, sealed by its content hash.</summary>
    Published,
}

/// <summary>
/// The layers a rule set is made of, from the top: each lower layer refines the ones above it. The
/// numeric order is the order of application (a lower layer is applied after, and may override only
/// what an upper layer allows).
/// </summary>
public enum RuleSetLayerKind
{
    /// <summary>The national statutory layer for a fiscal year (法・政令).</summary>
    National = 0,
    /// <summary>The prefecture's layer (都道府県: the insurer together with its cities since FY2018; its rules are prefecture-wide).</summary>
    Prefecture = 1,
    /// <summary>A city's own layer (条例・告示): rates, caps, rounding, installments.</summary>
    Municipal = 2,
}

/// <summary>The insurer a prefecture or municipal layer belongs to.</summary>
/// <param name="Id">Short id used in URLs and requests, e.g. <c>amagasaki</c>, <c>hyogo</c>.</param>
/// <param name="Name">Official name, e.g. 尼崎市, 兵庫県.</param>
/// <param name="LocalGovernmentCode">全国地方公共団体コード (6 digits with check digit), e.g. <c>282022</c>; its first two digits are the prefecture (28 = 兵庫県, whose own code is <c>280003</c>).</param>
public sealed record InsurerInfo(string Id, string Name, string LocalGovernmentCode)
{
    /// <summary>The two-digit prefecture code (都道府県コード) the local government belongs to.</summary>
    public string PrefectureCode => LocalGovernmentCode[..2];
}

/// <summary>
/// <c>manifest.json</c> of a layer: what it is, which capability, fiscal year and version, whether it is
/// published, the period it is effective for, from when a published version is in force, which versions
/// of the upper layers it builds on, and (once published) the hash of its other files.
/// </summary>
public sealed record RuleSetManifest(
    RuleSetLayerKind Layer,
    InsurerInfo? Insurer,
    int FiscalYear,
    string Version,
    RuleSetStatus Status,
    LocalDate EffectiveFrom,
    LocalDate EffectiveUntil,
    string? ContentHash,
    string? Description,
    IReadOnlyDictionary<string, string>? FileHashes = null)
{
    /// <summary>The manifest field holding the hash of each sealed file (written with the content hash).</summary>
    public const string FileHashesField = "files";

    /// <summary>The manifest fields <c>kokuho rulesets publish</c> writes beside the seal: who published, when (an ISO instant), and the waived unconfirmed values.</summary>
    public const string PublishedByField = "publishedBy", PublishedAtField = "publishedAt", WaiversField = "waivers";

    /// <summary>The capability the layer's rules are for (<c>premium</c>, <c>withholding</c>, <c>highCost</c>, <c>eligibility</c>…).</summary>
    public string Capability { get; init; } = "";

    /// <summary>
    /// The first day calls are served by this published version when they name none (a corrected
    /// <c>2025.2</c> in force from the day it was published, beside <c>2025.1</c> for calls dated before).
    /// Null: in force from the start (the only version, or the first).
    /// </summary>
    public LocalDate? InForceFrom { get; init; }

    /// <summary>The version of each upper layer this layer builds on, when an upper layer has several (<c>"basedOn": { "national": "2025.2" }</c>).</summary>
    public IReadOnlyDictionary<RuleSetLayerKind, string> BasedOn { get; init; } = new Dictionary<RuleSetLayerKind, string>();

    /// <summary>Reads and checks a manifest against the fiscal-year calendar; every problem is added to <paramref name="errors"/>.</summary>
    public static RuleSetManifest? Read(JsonSourceFile file, RuleSetErrors errors, FiscalCalendar? calendar = null)
    {
        calendar ??= FiscalCalendar.April;
        var root = file.Root;
        if (root.ValueKind != JsonValueKind.Object)
        {
            errors.Add(file, "$", "a manifest must be a JSON object");
            return null;
        }
        var known = new HashSet<string> { "layer", "capability", "insurer", "inForceFrom", "basedOn", "fiscalYear", "version", "status", "effective", "contentHash", FileHashesField, "description", "$comment", "$schema",
            PublishedByField, PublishedAtField, WaiversField };
        foreach (var p in root.EnumerateObject())
            if (!known.Contains(p.Name)) errors.Add(file, "$." + p.Name, $"unknown manifest field '{p.Name}' (known: {string.Join(", ", known.Where(k => k[0] != '$'))})");

        var before = errors.All.Count;
        var layerText = RequiredString(file, root, "layer", errors);
        RuleSetLayerKind layer = RuleSetLayerKind.National;
        if (layerText is not null && !Enum.TryParse(layerText, ignoreCase: true, out layer))
            errors.Add(file, "$.layer", $"layer must be 'national', 'prefecture' or 'municipal', not '{layerText}'");

        var capability = RequiredString(file, root, "capability", errors);
        if (capability is not null && !IsCapabilityName(capability))
            errors.Add(file, "$.capability", $"capability '{capability}' must be a camelCase name such as 'premium' or 'highCost'");

        InsurerInfo? insurer = null;
        if (root.TryGetProperty("insurer", out var ins))
        {
            if (layer == RuleSetLayerKind.National) errors.Add(file, "$.insurer", "a national layer has no insurer");
            else if (ins.ValueKind != JsonValueKind.Object) errors.Add(file, "$.insurer", "insurer must be an object with id, name and localGovernmentCode");
            else
            {
                var id = RequiredString(file, ins, "id", errors, "$.insurer");
                var name = RequiredString(file, ins, "name", errors, "$.insurer");
                var code = RequiredString(file, ins, "localGovernmentCode", errors, "$.insurer");
                if (id is not null && !IsSlug(id)) errors.Add(file, "$.insurer.id", $"insurer id '{id}' must be lower-case letters, digits and '-'");
                if (code is not null && !IsLocalGovernmentCode(code))
                    errors.Add(file, "$.insurer.localGovernmentCode", $"'{code}' is not a valid 全国地方公共団体コード (6 digits with a correct check digit)");
                if (id is not null && name is not null && code is not null) insurer = new InsurerInfo(id, name, code);
            }
        }
        else if (layer != RuleSetLayerKind.National)
        {
            errors.Add(file, "$", $"a {layer.ToString().ToLowerInvariant()} layer must name its insurer (id, name, localGovernmentCode)");
        }
        if (insurer is not null && layer == RuleSetLayerKind.Prefecture && insurer.LocalGovernmentCode[2..5] != "000")
            errors.Add(file, "$.insurer.localGovernmentCode", $"'{insurer.LocalGovernmentCode}' is a city's code: a prefecture's code is its two digits, 000 and the check digit (兵庫県 280003)");

        var fiscalYear = 0;
        if (!root.TryGetProperty("fiscalYear", out var fy) || fy.ValueKind != JsonValueKind.Number || !fy.TryGetInt32(out fiscalYear) || fiscalYear is < 2000 or > 2100)
            errors.Add(file, "$.fiscalYear", "fiscalYear must be a year number such as 2025 (the year the fiscal year starts in April)");

        var version = RequiredString(file, root, "version", errors);
        var statusText = RequiredString(file, root, "status", errors);
        var status = RuleSetStatus.Draft;
        if (statusText is not null && !Enum.TryParse(statusText, ignoreCase: true, out status))
            errors.Add(file, "$.status", $"status must be 'draft' or 'published', not '{statusText}'");

        LocalDate from = default, until = default;
        if (!root.TryGetProperty("effective", out var eff) || eff.ValueKind != JsonValueKind.Object)
            errors.Add(file, "$.effective", "effective must be an object { \"from\": \"YYYY-04-01\", \"until\": \"YYYY-03-31\" }");
        else
        {
            from = RequiredDate(file, eff, "from", errors, "$.effective");
            until = RequiredDate(file, eff, "until", errors, "$.effective");
            if (fiscalYear != 0 && from != default && until != default)
            {
                var (fyStart, fyEnd) = calendar.Bounds(fiscalYear);
                if (from < fyStart || until > fyEnd || until < from)
                    errors.Add(file, "$.effective", $"the effective period {from:uuuu-MM-dd}..{until:uuuu-MM-dd} must lie within fiscal year {fiscalYear} ({fyStart:uuuu-MM-dd}..{fyEnd:uuuu-MM-dd})");
            }
        }

        string? hash = null;
        if (root.TryGetProperty("contentHash", out var h))
        {
            if (h.ValueKind != JsonValueKind.String || !(h.GetString() ?? "").StartsWith("sha256:", StringComparison.Ordinal))
                errors.Add(file, "$.contentHash", "contentHash must be a string 'sha256:<hex>'");
            else hash = h.GetString();
        }
        else if (status == RuleSetStatus.Published)
        {
            errors.Add(file, "$", "a published layer must carry its contentHash (run 'kokuho rulesets hash <folder>')");
        }
        var description = root.TryGetProperty("description", out var d) && d.ValueKind == JsonValueKind.String ? d.GetString() : null;

        Dictionary<string, string>? fileHashes = null;
        if (root.TryGetProperty(FileHashesField, out var files))
        {
            if (files.ValueKind != JsonValueKind.Object || files.EnumerateObject().Any(f => f.Value.ValueKind != JsonValueKind.String || !(f.Value.GetString() ?? "").StartsWith("sha256:", StringComparison.Ordinal)))
                errors.Add(file, "$." + FileHashesField, "files must be an object { \"parameters.json\": \"sha256:<hex>\", … } (written by 'kokuho rulesets hash --write')");
            else fileHashes = files.EnumerateObject().ToDictionary(f => f.Name, f => f.Value.GetString()!, StringComparer.Ordinal);
        }

        CheckPublication(file, root, errors);

        LocalDate? inForceFrom = null;
        if (root.TryGetProperty("inForceFrom", out _))
        {
            inForceFrom = RequiredDate(file, root, "inForceFrom", errors, "$");
            if (status != RuleSetStatus.Published) errors.Add(file, "$.inForceFrom", "only a published version is in force; a draft is used by trial calculations alone");
        }

        var basedOn = new Dictionary<RuleSetLayerKind, string>();
        if (root.TryGetProperty("basedOn", out var based))
        {
            if (based.ValueKind != JsonValueKind.Object) errors.Add(file, "$.basedOn", "basedOn must be an object { \"national\": \"2025.1\" }");
            else
                foreach (var b in based.EnumerateObject())
                {
                    if (!Enum.TryParse<RuleSetLayerKind>(b.Name, ignoreCase: true, out var upper) || b.Name != b.Name.ToLowerInvariant() || upper >= layer)
                        errors.Add(file, "$.basedOn." + b.Name, $"'{b.Name}' is not a layer above this {layer.ToString().ToLowerInvariant()} layer");
                    else if (b.Value.ValueKind != JsonValueKind.String || string.IsNullOrWhiteSpace(b.Value.GetString()))
                        errors.Add(file, "$.basedOn." + b.Name, "the version of the upper layer must be a non-empty string such as \"2025.1\"");
                    else basedOn[upper] = b.Value.GetString()!;
                }
        }

        return errors.All.Count > before || version is null || capability is null
            ? null
            : new RuleSetManifest(layer, insurer, fiscalYear, version, status, from, until, hash, description, fileHashes)
            {
                Capability = capability, InForceFrom = inForceFrom, BasedOn = basedOn,
            };
    }

    /// <summary>The fields <c>kokuho rulesets publish</c> writes, when present: who (a non-empty string), when (an ISO instant), the waivers (each a parameter and a reason).</summary>
    private static void CheckPublication(JsonSourceFile file, JsonElement root, RuleSetErrors errors)
    {
        if (root.TryGetProperty(PublishedByField, out var by) && (by.ValueKind != JsonValueKind.String || string.IsNullOrWhiteSpace(by.GetString())))
            errors.Add(file, "$." + PublishedByField, $"{PublishedByField} must be a non-empty string: who published the layer");
        if (root.TryGetProperty(PublishedAtField, out var at) && (at.ValueKind != JsonValueKind.String || !InstantPattern.ExtendedIso.Parse(at.GetString()!).Success))
            errors.Add(file, "$." + PublishedAtField, $"{PublishedAtField} must be an ISO instant such as \"2026-03-20T01:02:03Z\"");
        if (!root.TryGetProperty(WaiversField, out var waivers)) return;
        if (waivers.ValueKind != JsonValueKind.Array
            || waivers.EnumerateArray().Any(w => w.ValueKind != JsonValueKind.Object || !NonEmpty(w, "parameter") || !NonEmpty(w, "reason")))
            errors.Add(file, "$." + WaiversField, $"{WaiversField} must be an array of {{ \"parameter\": \"<path>\", \"reason\": \"<why>\" }}, each reason non-empty");

        static bool NonEmpty(JsonElement o, string name) =>
            o.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.String && !string.IsNullOrWhiteSpace(v.GetString());
    }

    /// <summary>A capability name: a camelCase identifier (<c>premium</c>, <c>highCost</c>).</summary>
    public static bool IsCapabilityName(string s) =>
        s.Length is > 0 and <= 40 && s[0] is >= 'a' and <= 'z' && s.All(char.IsAsciiLetterOrDigit);

    private static string? RequiredString(JsonSourceFile file, JsonElement obj, string name, RuleSetErrors errors, string parent = "$")
    {
        if (obj.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.String && !string.IsNullOrWhiteSpace(v.GetString()))
            return v.GetString();
        errors.Add(file, $"{parent}.{name}", $"'{name}' is required and must be a non-empty string");
        return null;
    }

    private static LocalDate RequiredDate(JsonSourceFile file, JsonElement obj, string name, RuleSetErrors errors, string parent)
    {
        if (obj.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.String)
        {
            var parsed = LocalDatePattern.Iso.Parse(v.GetString()!);
            if (parsed.Success) return parsed.Value;
        }
        errors.Add(file, $"{parent}.{name}", $"'{name}' must be a date 'YYYY-MM-DD'");
        return default;
    }

    /// <summary>Lower-case slug used for insurer ids.</summary>
    public static bool IsSlug(string s) =>
        s.Length is > 0 and <= 40 && s.All(c => c is (>= 'a' and <= 'z') or (>= '0' and <= '9') or '-') && s[0] != '-';

    /// <summary>
    /// Checks a 全国地方公共団体コード: five digits and a check digit (11 minus the weighted sum of the
    /// digits with weights 6,5,4,3,2, modulo 11, taking the last digit; e.g. 28202 → 282022 for Amagasaki).
    /// </summary>
    public static bool IsLocalGovernmentCode(string code)
    {
        if (code.Length != 6 || !code.All(char.IsAsciiDigit)) return false;
        var sum = 0;
        for (var i = 0; i < 5; i++) sum += (code[i] - '0') * (6 - i);
        var remainder = sum % 11;
        var check = remainder == 0 ? 1 : (11 - remainder) % 10;
        return code[5] - '0' == check;
    }
}
