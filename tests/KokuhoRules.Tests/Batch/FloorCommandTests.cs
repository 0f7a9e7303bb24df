using System.Text;
using KokuhoRules.Benchmarks;
using static KokuhoRules.Tests.Batch.BatchInputs;

namespace KokuhoRules.Tests.Batch;

/// <summary>The benchmarks' <c>floor</c> mode (benchmarks/batch.sh's file floor): what it reads, writes and refuses — never how fast.</summary>
public sealed class FloorCommandTests
{
    private static (int Code, string Output, string Error) Floor(params string[] args)
    {
        var output = new StringWriter();
        var error = new StringWriter();
        var code = FloorCommand.Run(args, output, error);
        return (code, output.ToString(), error.ToString());
    }

    [Fact]
    public void Writes_one_line_of_the_given_length_per_household_and_parses_every_token()
    {
        using var folder = new TempFolder();
        var households = Population(insured: 80, seed: 3);
        WriteJsonLines(folder.File("in.jsonl"), households);

        var (code, output, error) = Floor("--in", folder.File("in.jsonl"), "--out", folder.File("out.txt"), "--line-bytes", "157", "--threads", "2");

        Assert.Equal(0, code);
        Assert.Equal("", error);
        var written = File.ReadAllBytes(folder.File("out.txt"));
        Assert.Equal(households.Count * 157, written.Length);
        var lines = Encoding.ASCII.GetString(written).Split('\n')[..^1];
        Assert.Equal(households.Count, lines.Length);
        Assert.All(lines, l => Assert.Equal(156, l.Length));
        Assert.Contains($"households={households.Count} ", output);
        // Every token: the count equals what a full read of each line with Utf8JsonReader finds.
        var tokens = File.ReadLines(folder.File("in.jsonl")).Sum(l =>
        {
            var reader = new System.Text.Json.Utf8JsonReader(Encoding.UTF8.GetBytes(l));
            long n = 0;
            while (reader.Read()) n++;
            return n;
        });
        Assert.Contains($"tokens={tokens} ", output);
        Assert.False(File.Exists(folder.File("out.txt.partial")));
    }

    [Fact]
    public void A_household_longer_than_a_read_block_and_blank_lines_are_read_whole()
    {
        using var folder = new TempFolder();
        var big = "{\"id\":\"" + new string('x', 3 << 20) + "\",\"members\":[]}";
        File.WriteAllText(folder.File("in.jsonl"), "{\"id\":\"H1\"}\n\n" + big + "\n{\"id\":\"H3\",\"n\":[1,2]}");

        var (code, output, _) = Floor("--in", folder.File("in.jsonl"), "--out", folder.File("out.txt"), "--line-bytes", "10", "--threads", "3");

        Assert.Equal(0, code);
        Assert.Equal(30, new FileInfo(folder.File("out.txt")).Length);
        Assert.Contains("households=3 tokens=20 ", output);
    }

    [Fact]
    public void A_line_that_is_not_json_is_named_by_file_and_line_without_its_content_and_leaves_the_output_alone()
    {
        using var folder = new TempFolder();
        File.WriteAllText(folder.File("in.jsonl"), "{\"id\":\"H1\"}\n{\"id\":\"H2\"}\n{\"id\":\"SECRET-1960-01-01\" \"x\"}\n{\"id\":\"H4\"}\n");
        File.WriteAllText(folder.File("out.txt"), "earlier");

        var (code, output, error) = Floor("--in", folder.File("in.jsonl"), "--out", folder.File("out.txt"), "--line-bytes", "10");

        Assert.Equal(1, code);
        Assert.Equal("", output);
        Assert.StartsWith($"{folder.File("in.jsonl")}:3: not JSON (byte ", error);
        Assert.DoesNotContain("SECRET", error);
        Assert.DoesNotContain("1960", error);
        Assert.Equal("earlier", File.ReadAllText(folder.File("out.txt")));
        Assert.False(File.Exists(folder.File("out.txt.partial")));
    }

    [Theory]
    [InlineData("--line-bytes is required", "--in", "a", "--out", "b")]
    [InlineData("--line-bytes must be a whole number from 1 to 65536", "--in", "a", "--out", "b", "--line-bytes", "0")]
    [InlineData("--threads must be a whole number from 1 to 256", "--in", "a", "--out", "b", "--line-bytes", "9", "--threads", "x")]
    [InlineData("unknown option --fast", "--fast", "yes")]
    [InlineData("--in needs a value", "--in")]
    public void Wrong_options_exit_2_with_the_reason(string reason, params string[] args)
    {
        var (code, _, error) = Floor(args);

        Assert.Equal(2, code);
        Assert.StartsWith($"floor: {reason}\n", error.ReplaceLineEndings("\n"));
    }
}
