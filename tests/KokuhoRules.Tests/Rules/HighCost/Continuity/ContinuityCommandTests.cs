using System.Text.Json;
using KokuhoRules.Rules.HighCost;
using KokuhoRules.Rules.HighCost.Continuity;
using KokuhoRules.Tests.Cli;
using NodaTime;
using static KokuhoRules.Tests.Batch.BatchInputs;

namespace KokuhoRules.Tests.HighCost.Continuity;

/// <summary>
/// <c>kokuho high-cost generate-moves</c> and <c>continuity</c> (issue 14 items 5 and 7) as the federation meets them: a
/// generated month of moves is matched into exactly the candidates expected, each decided with its criterion and
/// reference, the history each move-in city takes over is the continuous households' benefit months within reach;
/// refused lines go to errors.jsonl by file, line and field, never a value; a run that cannot go on leaves no folder.
/// </summary>
public sealed class ContinuityCommandTests
{
    private static CliRun Run(string moves, string history, string output, params string[] more) =>
        CliRun.Command(["high-cost", "continuity", "--prefecture", "hyogo", "--month", "2025-10", "--trial", "--threads", "2", "--in", moves, "--history", history, "--out", output, .. more]);

    private static (string Moves, string History, string Expected) Generate(TempFolder folder, int households = 150)
    {
        var (moves, history, expected) = (folder.File("moves.jsonl"), folder.File("history.jsonl"), folder.File("expected.jsonl"));
        var run = CliRun.Command("high-cost", "generate-moves", "--households", households.ToString(System.Globalization.CultureInfo.InvariantCulture), "--seed", "5",
            "--out", moves, "--history", history, "--expected", expected);
        Assert.True(run.ExitCode == 0, run.ToString());
        return (moves, history, expected);
    }

    private static JsonElement[] Lines(string path) => File.ReadAllLines(path).Select(l => JsonDocument.Parse(l).RootElement).ToArray();

    [Fact]
    public void A_generated_month_is_matched_decided_and_handed_over_per_move_in_city()
    {
        using var folder = new TempFolder();
        var (moves, history, expected) = Generate(folder);
        var output = folder.File("result");

        var run = Run(moves, history, output);

        Assert.True(run.ExitCode == 0, run.ToString());
        var want = Lines(expected).Select(e => $"{e.GetProperty("caseId").GetString()} {e.GetProperty("criterion").GetString()} {e.GetProperty("continuous").GetBoolean()}").Order(StringComparer.Ordinal);
        var decisions = Lines(Path.Combine(output, ContinuityFileRun.DecisionsFile));
        Assert.Equal(want, decisions.Select(d => $"{d.GetProperty("caseId").GetString()} {d.GetProperty("criterion").GetString()} {d.GetProperty("continuous").GetBoolean()}").Order(StringComparer.Ordinal));
        Assert.All(decisions, d => Assert.StartsWith("https://", d.GetProperty("reference").GetString()));
        Assert.Equal(decisions.Length, Lines(Path.Combine(output, ContinuityFileRun.CandidatesFile)).Length);
        Assert.Equal(["addressOnly", "headBecameMember", "headChangeWithinHousehold", "membersAdded", "membersAddedAndLost", "membersLost", "newHeadFromAnotherHousehold",
            "otherPrefecture", "splitOrMergeSameHead", "splitWithNewHead"], decisions.Select(d => d.GetProperty("criterion").GetString()!).Distinct().Order(StringComparer.Ordinal));

        // The months handed over: for each continuous household, its benefit months from 2024-11 (the window of 2025-10) to 2025-10.
        var continuous = decisions.Where(d => d.GetProperty("continuous").GetBoolean())
            .ToDictionary(d => (d.GetProperty("moveOutInsurer").GetString()!, d.GetProperty("moveOutHouseholdId").GetString()!), d => d.GetProperty("moveInInsurer").GetString()!);
        var expectedMonths = Lines(history)
            .Where(h => h.GetProperty("benefitPaid").GetInt64() > 0 && string.CompareOrdinal(h.GetProperty("careMonth").GetString(), "2024-11") >= 0)
            .Where(h => continuous.ContainsKey((h.GetProperty("insurer").GetString()!, h.GetProperty("householdId").GetString()!)))
            .Select(h => $"{continuous[(h.GetProperty("insurer").GetString()!, h.GetProperty("householdId").GetString()!)]} {h.GetProperty("householdId").GetString()} {h.GetProperty("careMonth").GetString()}")
            .Order(StringComparer.Ordinal).ToArray();
        var handedOver = Directory.GetFiles(Path.Combine(output, ContinuityFileRun.TakeoverFolder)).SelectMany(f =>
                Lines(f).Select(t => (City: Path.GetFileNameWithoutExtension(f), Line: t)))
            .Select(t => $"{t.City} {t.Line.GetProperty("moveOutHouseholdId").GetString()} {t.Line.GetProperty("careMonth").GetString()}")
            .Order(StringComparer.Ordinal).ToArray();
        Assert.NotEmpty(expectedMonths);
        Assert.Equal(expectedMonths, handedOver);
        Assert.Contains("継続候補世帯", run.Output);
        Assert.False(Directory.Exists(output + ".partial"));
    }

    [Fact]
    public void Refused_lines_are_listed_by_file_line_and_field_and_their_candidates_left_out()
    {
        using var folder = new TempFolder();
        var (moves, history, _) = Generate(folder, households: 15);
        var lines = File.ReadAllLines(moves).ToList();
        var eventLine = lines.FindIndex(l => l.Contains("\"kind\":\"born\"", StringComparison.Ordinal));
        var person = JsonDocument.Parse(lines[eventLine]).RootElement.GetProperty("personKey").GetString()!;
        lines[eventLine] = lines[eventLine].Replace("\"born\"", "\"adopted\"", StringComparison.Ordinal);
        lines.Add("{\"side\":\"moveIn\",\"insurer\":\"atlantis\",\"moveDate\":\"2025-10-03\",\"household\":{\"id\":\"X1\",\"headId\":\"123456789012\",\"members\":[]}}");
        lines.Add("{\"side\":\"moveIn\",\"insurer\":\"kobe\",\"moveDate\":\"2025-11-03\",\"household\":{\"id\":\"X2\",\"headId\":\"Z1\",\"members\":[{\"id\":\"Z1\",\"birthDate\":\"1980-02-03\",\"coverage\":[],\"income\":{\"declared\":false}}]}}");
        File.WriteAllLines(moves, lines);
        File.AppendAllLines(history, ["{\"insurer\":\"kobe\",\"householdId\":\"H1\",\"careMonth\":\"2025-13\",\"benefitPaid\":1000}"]);
        var output = folder.File("result");

        var run = Run(moves, history, output);

        Assert.True(run.ExitCode == 3, run.ToString());
        var errors = Lines(Path.Combine(output, ContinuityFileRun.ErrorsFile));
        Assert.Contains(errors, e => e.GetProperty("file").GetString() == "moves" && e.GetProperty("line").GetInt64() == eventLine + 1
            && e.GetProperty("errors")[0].GetProperty("field").GetString() == "kind");
        Assert.Contains(errors, e => e.GetProperty("line").GetInt64() == lines.Count - 1 && e.GetProperty("errors")[0].GetProperty("message").GetString()!.Contains("個人番号", StringComparison.Ordinal));
        Assert.Contains(errors, e => e.GetProperty("line").GetInt64() == lines.Count && e.GetProperty("errors").EnumerateArray().Any(x => x.GetProperty("field").GetString() == "moveDate"));
        Assert.Contains(errors, e => e.GetProperty("file").GetString() == "history");
        var text = File.ReadAllText(Path.Combine(output, ContinuityFileRun.ErrorsFile));
        Assert.DoesNotContain("123456789012", text);
        Assert.DoesNotContain("1980-02-03", text);
        Assert.DoesNotContain("adopted", text);
        // The candidate with the refused event is listed but not decided.
        Assert.Contains(Lines(Path.Combine(output, ContinuityFileRun.CandidatesFile)), c => c.GetProperty("moveIn").GetProperty("members").EnumerateArray().Any(m => m.GetString() == person));
        Assert.DoesNotContain(Lines(Path.Combine(output, ContinuityFileRun.DecisionsFile)), d => d.GetProperty("facts").EnumerateArray().Any(f => f.TryGetProperty("personKey", out var k) && k.GetString() == person));
        Assert.Matches(@"\s1\s+除外 left out", run.Output);
    }

    [Fact]
    public void A_run_that_cannot_go_on_says_so_in_one_line_and_leaves_no_folder()
    {
        using var folder = new TempFolder();
        var (moves, history, _) = Generate(folder, households: 3);
        var output = folder.File("result");
        File.WriteAllBytes(moves, [0x7B, 0xFF, 0xFE, 0x7D, 0x0A]);

        var run = Run(moves, history, output);

        Assert.Equal(1, run.ExitCode);
        Assert.Contains("not UTF-8", run.Error, StringComparison.Ordinal);
        Assert.DoesNotContain("   at ", run.Error);
        Assert.False(Directory.Exists(output));
        Assert.False(Directory.Exists(output + ".partial"));
        Assert.Equal(2, Run(moves, history, output, "--threads", "0").ExitCode);
        Assert.Equal(2, CliRun.Command("high-cost", "continuity", "--prefecture", "hyogo", "--month", "2025-1", "--trial", "--in", moves, "--history", history, "--out", output).ExitCode);
        Assert.Equal(2, CliRun.Command("high-cost", "continuity", "--prefecture", "hyogo", "--month", "2025-10", "--in", moves, "--history", history, "--out", output).ExitCode);
    }
}
