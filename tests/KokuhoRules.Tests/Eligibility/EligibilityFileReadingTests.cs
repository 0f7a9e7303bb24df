using System.Text;
using System.Text.Json;
using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;
using KokuhoRules.Rules.Batch;
using KokuhoRules.Rules.Eligibility;
using KokuhoRules.Rules.Snapshots;
using static KokuhoRules.Tests.Batch.BatchInputs;

namespace KokuhoRules.Tests.Eligibility;

/// <summary>
/// The fast paths of the file check (issue 15, speed): a line read by <see cref="EligibilityLineReader"/> is read
/// exactly as the serializer reads it, and never one the individual-number scan would refuse; a file checked in many
/// small chunks on two workers gives the findings of one chunk, written in the order the chunks were read.
/// </summary>
[Properties(MaxTest = 200)]
public sealed class EligibilityFileReadingTests
{
    private static readonly string[] Lines = GeneratedLines(60);

    private static string[] GeneratedLines(int persons) =>
        new SyntheticHistories(EligibilityRuleSetTests.Hyogo2025, seed: 5).People(persons, faultEvery: 3)
            .SelectMany(p => p.Records.Select(r => JsonSerializer.Serialize(r, KokuhoJson.Options)).Concat(p.Events.Select(e => JsonSerializer.Serialize(e, KokuhoJson.Options))))
            .ToArray();

    /// <summary>Ways a line can differ from the generator's: each must be read as the serializer reads it, or left to it.</summary>
    private static readonly Func<string, int, string>[] Mutations =
    [
        (line, _) => line,
        (line, at) => line.Remove(at % line.Length, 1),
        (line, at) => line.Insert(at % line.Length, "\""),
        (line, at) => line.Insert(at % line.Length, " "),
        (line, _) => line.Replace("\"personKey\"", "\"PersonKey\"", StringComparison.Ordinal),
        (line, _) => TwelveDigitInsurer(line),
        (line, _) => line.Replace("\"personKey\":\"P", "\"personKey\":\"1234-5678-9012-P", StringComparison.Ordinal),
        (line, _) => line.Replace("-0", "-1", StringComparison.Ordinal),
        (line, _) => line.Replace("\"2", "\"\\u0032", StringComparison.Ordinal),
        (line, _) => line.Replace("{", "{\"kind\":null,", StringComparison.Ordinal),
        (line, _) => line.Replace("{", "{\"recordId\":\"x\",", StringComparison.Ordinal),
        (line, _) => line.Replace("}", ",\"extra\":1}", StringComparison.Ordinal),
        (line, _) => line + " {}",
        (line, _) => line.Replace("\"appliedFrom\":\"", "\"appliedFrom\":\"x", StringComparison.Ordinal),
        (line, _) => line.Replace(":\"", ":1", StringComparison.Ordinal),
        (line, _) => "null",
    ];

    private static string TwelveDigitInsurer(string line) =>
        System.Text.RegularExpressions.Regex.Replace(line, "\"insurer\":\"[^\"]*\"", "\"insurer\":\"123456789012\"");

    [Property]
    public Property A_line_read_fast_is_read_as_the_serializer_reads_it_and_holds_nothing_the_scan_refuses() =>
        Prop.ForAll(Gen.Choose(0, Lines.Length - 1).ToArbitrary(), Gen.Choose(0, Mutations.Length - 1).ToArbitrary(), Gen.Choose(0, 400).ToArbitrary(), (i, m, at) =>
        {
            var bytes = Encoding.UTF8.GetBytes(Mutations[m](Lines[i], at));
            var fast = EligibilityLineReader.TryRead(bytes);
            if (fast is null) return true;
            var serialized = JsonSerializer.Deserialize<EligibilityLineJson>(bytes, KokuhoJson.Options);
            return fast == serialized && IndividualNumberScan.Find(bytes) is null;
        });

    [Fact]
    public void Every_line_the_generator_writes_is_read_fast_and_one_with_an_individual_number_is_left_to_the_scan()
    {
        Assert.All(Lines, l => Assert.NotNull(EligibilityLineReader.TryRead(Encoding.UTF8.GetBytes(l))));
        var suspicious = TwelveDigitInsurer(Lines[0]);
        Assert.NotEqual(Lines[0], suspicious);
        Assert.Null(EligibilityLineReader.TryRead(Encoding.UTF8.GetBytes(suspicious)));
        Assert.NotNull(IndividualNumberScan.Find(Encoding.UTF8.GetBytes(suspicious)));
    }

    [Fact]
    public void Many_small_chunks_on_two_workers_give_one_chunks_findings_in_the_order_the_chunks_were_read()
    {
        using var folder = new TempFolder();
        var input = folder.File("h.jsonl");
        File.WriteAllLines(input, GeneratedLines(400));
        string Run(int chunk, int workers)
        {
            var output = folder.File($"f-{chunk}-{workers}.jsonl");
            new EligibilityFileCheck(EligibilityRuleSetTests.Hyogo2025).Run(new EligibilityFileOptions(input, output, ResultFormat.Jsonl, workers, PersonsPerChunk: chunk), null, CancellationToken.None);
            return File.ReadAllText(output);
        }

        var oneChunk = Run(100_000, 1);
        var small = Run(7, 2);

        Assert.NotEmpty(oneChunk);
        Assert.Equal(oneChunk.Split('\n').Order(StringComparer.Ordinal), small.Split('\n').Order(StringComparer.Ordinal));
        Assert.Equal(Run(7, 1), small);
        // In read order: each chunk's persons come after the previous chunk's (persons are P000000001… in the file).
        var persons = small.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => JsonDocument.Parse(l).RootElement.GetProperty("personKey").GetString()!).ToList();
        var chunkOf = persons.Select(p => (int.Parse(p[1..], System.Globalization.CultureInfo.InvariantCulture) - 1) / 7).ToList();
        Assert.Equal(chunkOf.Order(), chunkOf);
    }

    [Theory]
    [InlineData(ResultFormat.Jsonl)]
    [InlineData(ResultFormat.Csv)]
    public void The_findings_file_is_byte_identical_whatever_the_chunk_size_and_persons_per_session(ResultFormat format)
    {
        using var folder = new TempFolder();
        var input = folder.File("h.jsonl");
        File.WriteAllLines(input, GeneratedLines(600));
        byte[] Run(int chunk, int perSession)
        {
            var output = folder.File($"f-{chunk}-{perSession}.{(format == ResultFormat.Csv ? "csv" : "jsonl")}");
            new EligibilityFileCheck(EligibilityRuleSetTests.Hyogo2025).Run(
                new EligibilityFileOptions(input, output, format, 2, PersonsPerChunk: chunk, PersonsPerSession: perSession), null, CancellationToken.None);
            return File.ReadAllBytes(output);
        }

        var reference = Run(1024, 4);
        Assert.True(reference.Length > 1000);
        Assert.Equal(reference, Run(8192, 4));
        Assert.Equal(reference, Run(7, 1));
        Assert.Equal(reference, Run(256, 16));
        if (format == ResultFormat.Csv) return;
        // Persons in read order (P000000001… in the file); within a person by rule in joins.json order.
        var persons = Encoding.UTF8.GetString(reference).Split('\n', StringSplitOptions.RemoveEmptyEntries)
            .Select(l => JsonDocument.Parse(l).RootElement.GetProperty("personKey").GetString()!).ToList();
        Assert.Equal(persons.Order(StringComparer.Ordinal), persons);
    }
}
