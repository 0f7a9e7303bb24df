using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;
using KokuhoRules.Engine.Requests;
using KokuhoRules.Rules.Batch;
using KokuhoRules.Rules.Checks;
using KokuhoRules.Rules.Snapshots;

namespace KokuhoRules.Tests.Batch;

/// <summary>A household line as the core system might send it, perhaps damaged; <see cref="Damage"/> says how.</summary>
public sealed record HouseholdLine(string Text, string Damage)
{
    public bool Damaged => Damage != "none";
    public override string ToString() => $"{Damage}: {Text}";
}

/// <summary>
/// The batch's one-pass reader (<see cref="HouseholdLineReader"/>) against the reference reader it stands in for
/// (<see cref="FileBatchRunner.Check"/>: the individual-number scan, the serializer, <see cref="SnapshotReader"/>), on
/// generated households and the same households damaged in the ways a core system's export goes wrong: a field
/// nulled, dropped, given twice, given the wrong type, an amount out of range or shaped like an individual number, a
/// date impossible or out of order, an unknown field, an escape, a cut line. The one-pass reader never accepts a line
/// the reference refuses, and builds the same household when both accept; it takes every undamaged line.
/// </summary>
[Properties(Arbitrary = [typeof(HouseholdLineArbitraries)], MaxTest = 1500)]
public sealed class HouseholdLineReaderTests
{
    [Property]
    public void The_one_pass_reader_accepts_only_what_the_reference_accepts_and_reads_the_same_household(HouseholdLine line)
    {
        var bytes = Encoding.UTF8.GetBytes(line.Text);
        var errors = new List<FieldError>();
        var reference = FileBatchRunner.Check(bytes, errors, out _);
        if (HouseholdLineReader.TryRead(bytes, out var fast))
        {
            Assert.True(reference is not null, "the one-pass reader accepted a line the reference refuses: " + string.Join("; ", errors.Select(e => $"{e.Field}: {e.Message}")));
            Assert.Equal(Canonical(reference!), Canonical(fast));
        }
        else if (!line.Damaged)
        {
            Assert.Fail("the one-pass reader refused an undamaged line" + (reference is null ? " (the reference refused it too)" : ""));
        }
    }

    [Property(MaxTest = 300)]
    public void A_refused_line_gives_the_reference_messages_through_the_batch_reader(HouseholdLine line)
    {
        var bytes = Encoding.UTF8.GetBytes(line.Text);
        var expected = new List<FieldError>();
        var reference = FileBatchRunner.Check(bytes, expected, out _);
        var errors = new List<FieldError>();
        var read = FileBatchRunner.ReadHousehold(bytes, errors);
        Assert.Equal(reference is null, read is null);
        Assert.Equal(expected, errors);
        if (read is not null) Assert.Equal(Canonical(reference!), Canonical(read));
    }

    [Fact]
    public void The_damage_reaches_both_outcomes_and_the_reference_accepts_some_damaged_lines_the_one_pass_reader_leaves_to_it()
    {
        var sample = Gen.Sample(HouseholdLineArbitraries.Lines, 3000);
        var damaged = sample.Where(l => l.Damaged).ToArray();
        var refusedByBoth = 0;
        var acceptedByBoth = 0;
        var leftToReference = 0;
        foreach (var line in damaged)
        {
            var bytes = Encoding.UTF8.GetBytes(line.Text);
            var reference = FileBatchRunner.Check(bytes, [], out _) is not null;
            var fast = HouseholdLineReader.TryRead(bytes, out _);
            if (reference && fast) acceptedByBoth++;
            else if (!reference && !fast) refusedByBoth++;
            else if (reference) leftToReference++;
        }
        // The generator is worth its name only if damage is often refused and sometimes harmless (a null optional
        // field, a reordering) — and some accepted lines (escapes, an amount the premium does not read out of range) are the reference's to read.
        Assert.True(refusedByBoth > damaged.Length / 3, $"refused by both: {refusedByBoth} of {damaged.Length}");
        Assert.True(acceptedByBoth > damaged.Length / 20, $"accepted by both: {acceptedByBoth} of {damaged.Length}");
        Assert.True(leftToReference > 0, "no damaged line was left to the reference");
    }

    [Theory]
    [InlineData("""{"id":"H1","headId":"P1","members":[{"id":"P1","birthDate":"1980-01-01","coverage":[],"income":{"declared":false}}]}""", true)]
    [InlineData("""{"id":"H1","headId":"P1","members":[{"id":"P1","birthDate":"1980-01-01","coverage":[],"income":{"declared":false}}]} """, true)]
    [InlineData("""{"id":"H1","headId":"P1","members":[{"id":"P1","birthDate":"1980-01-01","coverage":[],"income":{"declared":false}}]}{}""", false)]
    [InlineData("""{"id":"H1","headId":"P1","members":[{"id":"P1","birthDate":"1980-01-01","coverage":[],"income":{"declared":false}}],"id":"H2"}""", false)]
    [InlineData("""{"id":"H1","headId":"P1","members":[{"id":"P1","birthDate":"1980-01-01","coverage":[],"income":{"declared":false,"totalIncome":0}}]}""", false)]
    [InlineData("""{"id":"H1","headId":"P1","members":[{"id":"P1","birthDate":"1980-01-01","coverage":[],"income":{"declared":true,"totalIncome":1.0}}]}""", false)]
    [InlineData("""{"id":"H1","headId":"P1","members":[{"id":"P1","birthDate":"1980-01-01","coverage":[],"income":{"declared":true,"totalIncome":123456789012}}]}""", false)]
    [InlineData("""{"id":"123456789012","headId":"P1","members":[{"id":"P1","birthDate":"1980-01-01","coverage":[],"income":{"declared":false}}]}""", false)]
    [InlineData("""{"id":"H1","headId":"P1","members":[{"id":"P1","birthDate":"1980-02-30","coverage":[],"income":{"declared":false}}]}""", false)]
    [InlineData("""{"id":"H1","headId":"P1","members":[{"id":"P1","birthDate":"1980-01-01","coverage":[{"acquired":"2020-04-01","lost":"2020-04-01"}],"income":{"declared":false}}]}""", false)]
    [InlineData("""{"id":"H1","headId":"P1","members":[{"id":"P1","birthDate":"1980-01-01","coverage":[],"income":{"declared":false},"pension":{"annualAmount":1800000,"careInsuranceWithheld":true,"carePremiumPerPayment":6000}}]}""", true)]
    [InlineData("""{"id":"H1","headId":"P1","members":[{"id":"P1","birthDate":"1980-01-01","coverage":[],"income":{"declared":false}}],"withholding":{"directDebitRequested":true,"previousYear":{"annualPremium":193000,"februaryWithheld":32100},"startMonth":10}}""", true)]
    [InlineData("""{"id":"H1","headId":"P1","members":[{"id":"P1","birthDate":"1980-01-01","coverage":[],"income":{"declared":false}}],"withholding":{"startMonth":4.5}}""", false)]
    [InlineData("""{"id":"H1","headId":"P1","members":[{"id":"P1","birthDate":"1980-01-01","coverage":[],"income":{"declared":false}}],"withholding":{"previousYear":{"annualPremium":-1}}}""", false)]
    [InlineData("""{"id":"H\u0031","headId":"P1","members":[{"id":"P1","birthDate":"1980-01-01","coverage":[],"income":{"declared":false}}]}""", false)]
    public void Edge_lines(string line, bool takenInOnePass)
    {
        var bytes = Encoding.UTF8.GetBytes(line);
        Assert.Equal(takenInOnePass, HouseholdLineReader.TryRead(bytes, out var fast));
        var reference = FileBatchRunner.Check(bytes, [], out _);
        if (fast is not null) Assert.Equal(Canonical(reference!), Canonical(fast));
    }

    private static string Canonical(HouseholdSnapshot snapshot) => JsonSerializer.Serialize(snapshot, KokuhoJson.Options);
}

/// <summary>The generator of <see cref="HouseholdLine"/>s: a generated household, then (most of the time) one damage.</summary>
public static class HouseholdLineArbitraries
{
    public static Arbitrary<HouseholdLine> HouseholdLine() => Arb.From(Lines);

    public static Gen<HouseholdLine> Lines { get; } =
        from fy in Gen.Elements(2024, 2025, 2026)
        from household in HouseholdGenerators.Household(fy)
        from damaged in HouseholdGenerators.Chance(80)
        from seed in Gen.Choose(0, int.MaxValue)
        select Damage(JsonSerializer.Serialize(household, KokuhoJson.Options), damaged ? seed : -1);

    private static readonly JsonNode?[] Replacements =
    [
        null, 0, -1, 100_000_000_001L, 123456789012L, 1.5, JsonValue.Create("123456789012"), JsonValue.Create("1234-5678-9012"),
        JsonValue.Create("x"), JsonValue.Create(""), true, false, JsonValue.Create("2025-02-30"), JsonValue.Create("1889-12-31"),
        JsonValue.Create("2201-01-01"), JsonValue.Create("2025-4-1"), JsonValue.Create("2025-04-01"), JsonValue.Create("1950-01-01"),
        JsonValue.Create("m1"), JsonValue.Create("m2"), JsonValue.Create("1"), 1_000_000, 0L,
    ];

    private static readonly string[] Insertions = ["{", "}", "[", "]", ",", ":", "\"", "\\", " ", "0", "a", "\u00e9", "\t"];

    /// <summary>The line with the damage the seed picks; −1: undamaged.</summary>
    public static HouseholdLine Damage(string line, int seed)
    {
        if (seed < 0) return new HouseholdLine(line, "none");
        var random = new Random(seed);
        return random.Next(10) switch
        {
            < 6 => Structural(line, random),
            _ => Textual(line, random),
        };
    }

    private static HouseholdLine Structural(string line, Random random)
    {
        var root = JsonNode.Parse(line)!;
        var nodes = new List<JsonNode>();
        Collect(root, nodes);
        var node = nodes[random.Next(nodes.Count)];
        string damage;
        switch (random.Next(8))
        {
            case 0 when node.Parent is not null:
                damage = $"{node.GetPath()} replaced";
                Replace(node, Replacements[random.Next(Replacements.Length)]?.DeepClone());
                break;
            case 1 when node.Parent is not null:
                damage = $"{node.GetPath()} removed";
                Remove(node);
                break;
            case 2 when node is JsonObject o:
                var name = new[] { "foo", "myNumber", "Id", "withholding", "pension", "residentTaxExempt", "lost", "multiple" }[random.Next(8)];
                damage = $"{node.GetPath()}.{name} added";
                if (!o.ContainsKey(name))
                    o[name] = name switch
                    {
                        "withholding" => new JsonObject
                        {
                            ["directDebitRequested"] = random.Next(2) == 0,
                            ["previousYear"] = new JsonObject { ["annualPremium"] = 193_000, ["februaryWithheld"] = random.Next(3) == 0 ? 0 : 32_100 },
                            ["startMonth"] = random.Next(3) == 0 ? 4 : 10,
                        },
                        "pension" => new JsonObject { ["annualAmount"] = 1_200_000, ["careInsuranceWithheld"] = false },
                        "residentTaxExempt" or "multiple" => random.Next(2) == 0,
                        "lost" => "2025-10-01",
                        _ => 1,
                    };
                break;
            case 3 when node is JsonArray a && a.Count > 0:
                damage = $"{node.GetPath()}[0] repeated";
                a.Add(a[0]?.DeepClone());
                break;
            case 4 when node is JsonObject o && o.Count > 1:
                damage = $"{node.GetPath()} reordered";
                var properties = o.Select(p => (p.Key, Value: p.Value?.DeepClone())).Reverse().ToArray();
                o.Clear();
                foreach (var (key, value) in properties) o[key] = value;
                break;
            case 5 when node.Parent is not null:
                damage = $"{node.GetPath()} nulled";
                Replace(node, null);
                break;
            case 6 when node is JsonObject o && o.ContainsKey("acquired") && o.ContainsKey("lost"):
                damage = $"{node.GetPath()} acquired and lost swapped";
                (o["acquired"], o["lost"]) = (o["lost"]?.DeepClone(), o["acquired"]?.DeepClone());
                break;
            default:
                damage = "reserialised with spaces";
                return new HouseholdLine(root.ToJsonString(new JsonSerializerOptions { WriteIndented = true }).Replace("\n", " ").Replace("\r", ""), damage);
        }
        return new HouseholdLine(root.ToJsonString(), damage);
    }

    private static HouseholdLine Textual(string line, Random random)
    {
        var at = random.Next(line.Length);
        switch (random.Next(6))
        {
            case 0:
                return new HouseholdLine(line[..at], $"cut at {at}");
            case 1:
                return new HouseholdLine(line.Remove(at, 1), $"byte {at} deleted");
            case 2:
                var insertion = Insertions[random.Next(Insertions.Length)];
                return new HouseholdLine(line.Insert(at, insertion), $"'{insertion}' inserted at {at}");
            case 3:
                // A letter written as a JSON escape: the same text, read by the reference.
                var letter = line.IndexOfAny("abcdefghijklmnopqrstuvwxyzHP".ToCharArray(), at);
                return letter < 0 ? new HouseholdLine(line, "none (no letter to escape)")
                    : new HouseholdLine(line[..letter] + $"\\u{(int)line[letter]:x4}" + line[(letter + 1)..], $"letter at {letter} escaped");
            case 4:
                // A property given twice: its text repeated right after it.
                var quote = line.IndexOf(",\"", at, StringComparison.Ordinal);
                if (quote < 0) return new HouseholdLine(line + " x", "trailing text");
                var end = line.IndexOfAny([',', '}'], quote + 2);
                var next = line.IndexOfAny(['{', '['], quote + 2);
                if (end < 0 || (next >= 0 && next < end)) return new HouseholdLine(line + "{}", "a second value");
                return new HouseholdLine(line[..end] + line[quote..end] + line[end..], $"property at {quote + 1} repeated");
            default:
                return new HouseholdLine(line.Replace("\"declared\"", "\"Declared\""), "a name in another case");
        }
    }

    private static void Collect(JsonNode node, List<JsonNode> nodes)
    {
        nodes.Add(node);
        switch (node)
        {
            case JsonObject o:
                foreach (var (_, value) in o)
                    if (value is not null) Collect(value, nodes);
                break;
            case JsonArray a:
                foreach (var value in a)
                    if (value is not null) Collect(value, nodes);
                break;
        }
    }

    private static void Replace(JsonNode node, JsonNode? value)
    {
        switch (node.Parent)
        {
            case JsonObject o: o[node.GetPropertyName()] = value; break;
            case JsonArray a: a[node.GetElementIndex()] = value; break;
        }
    }

    private static void Remove(JsonNode node)
    {
        switch (node.Parent)
        {
            case JsonObject o: o.Remove(node.GetPropertyName()); break;
            case JsonArray a: a.RemoveAt(node.GetElementIndex()); break;
        }
    }
}
