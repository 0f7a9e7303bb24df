using KokuhoRules.Rules.Catalog;
using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;
using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;
using KokuhoRules.Cli;
using KokuhoRules.Rules.Batch;
using KokuhoRules.Rules.Snapshots;
using KokuhoRules.Tests.Support;
using static KokuhoRules.Tests.Batch.BatchInputs;

namespace KokuhoRules.Tests.Cli;

/// <summary>
/// The batch command line as staff meet it: refusals before anything is written, exit codes, Ctrl-C,
/// standard input and output, the summary, the files it never cuts.
/// </summary>
public sealed class ReassessCommandTests
{
    private static string Population(TempFolder folder, string name, long insured, int seed = 4, int fiscalYear = FiscalYear, bool refused = false)
    {
        var path = folder.File(name);
        var households = refused ? KokuhoRules.Tests.Batch.BatchInputs.Population(insured, seed) : new SyntheticPopulation(fiscalYear, seed).Households(insured).ToList();
        WriteJsonLines(path, households);
        return path;
    }

    private static CliRun Reassess(params string[] args) =>
        CliRun.Command(["reassess", "--insurer", Insurer, "--fiscal-year", "2025", "--threads", "2", .. args]);

    private static void AssertOneLine(CliRun run)
    {
        Assert.DoesNotContain("   at ", run.Error);
        Assert.DoesNotContain("Exception", run.Error);
        Assert.DoesNotContain("Usage:", run.Error);
    }

    // ---- 10.2: never write over the input, never cut a file not yet finished ----------------------------------

    public static TheoryData<string> WhereTheOutputGoes => new() { "out-is-in", "errors-is-in", "state-is-in", "hard-link", "symbolic-link" };

    [Theory]
    [MemberData(nameof(WhereTheOutputGoes))]
    public void An_output_that_is_the_input_is_refused_before_anything_is_written(string how)
    {
        using var folder = new TempFolder();
        var input = Population(folder, "pop.jsonl", 200);
        var before = File.ReadAllBytes(input);
        var output = how switch
        {
            "out-is-in" => input,
            "errors-is-in" => Rename(input, folder.File("r.jsonl.errors.jsonl"), folder.File("r.jsonl")),
            "state-is-in" => Rename(input, folder.File("r.jsonl.run.json"), folder.File("r.jsonl")),
            "hard-link" => Link(input, folder.File("linked.jsonl"), symbolic: false),
            _ => Link(input, folder.File("linked.jsonl"), symbolic: true),
        };
        var realInput = how switch { "errors-is-in" => folder.File("r.jsonl.errors.jsonl"), "state-is-in" => folder.File("r.jsonl.run.json"), _ => input };

        var run = Reassess("--in", realInput, "--out", output);

        Assert.True(run.ExitCode == 1, run.ToString());
        Assert.Contains("choose another --out; nothing was written", run.Error);
        AssertOneLine(run);
        Assert.Equal(before, File.ReadAllBytes(realInput));
        Assert.DoesNotContain("run state", run.Error);
        string[] expected = [Path.GetFileName(realInput), .. how.EndsWith("link", StringComparison.Ordinal) ? new[] { "linked.jsonl" } : []];
        Assert.Equal(expected.Order().ToArray(), Directory.GetFiles(folder.Path).Select(f => Path.GetFileName(f)).Order().ToArray());

        static string Rename(string from, string to, string output)
        {
            File.Move(from, to);
            return output;
        }

        static string Link(string target, string path, bool symbolic)
        {
            if (symbolic) File.CreateSymbolicLink(path, target);
            else Assert.Equal(0, PostgresFixture.Run("ln", target, path).Code);
            return path;
        }
    }

    [Fact]
    public void An_earlier_result_file_stays_whole_until_a_new_run_over_it_is_complete()
    {
        using var folder = new TempFolder();
        var input = Population(folder, "pop.jsonl", 20_000);
        var output = folder.File("out.jsonl");
        var runner = new FileBatchRunner(Service.Value);
        runner.Run(new FileBatchOptions(Insurer, FiscalYear, input, output, ResultFormat.Jsonl, 2, false), null, CancellationToken.None);
        var earlier = File.ReadAllBytes(output);
        var earlierErrors = File.ReadAllBytes(FileBatchRunner.ErrorsPath(output));

        using var cancel = new CancellationTokenSource();
        cancel.Cancel();
        Assert.ThrowsAny<OperationCanceledException>(() => runner.Run(new FileBatchOptions(Insurer, FiscalYear, input, output, ResultFormat.Csv, 2, false), null, cancel.Token));

        Assert.Equal(earlier, File.ReadAllBytes(output));
        Assert.Equal(earlierErrors, File.ReadAllBytes(FileBatchRunner.ErrorsPath(output)));
        Assert.True(File.Exists(output + ".partial"), "the interrupted run writes beside the result, not into it");
        runner.Resume(FileRunState.PathFor(output), 2, null, CancellationToken.None);
        Assert.False(File.Exists(output + ".partial"));
        Assert.Equal("\uFEFFhousehold_id,"u8.ToArray(), File.ReadAllBytes(output)[..16]);
    }

    [Fact]
    public void Generate_writes_beside_its_file_and_leaves_an_existing_one_whole_when_it_cannot_finish()
    {
        using var folder = new TempFolder();
        var path = folder.File("pop.jsonl");
        File.WriteAllText(path, "the earlier population\n");
        Directory.CreateDirectory(path + ".partial"); // where generate writes: it cannot, and must not touch pop.jsonl instead
        var run = CliRun.Command("generate", "--insured", "50", "--out", path);
        Assert.True(run.ExitCode == 1, run.ToString());
        AssertOneLine(run);
        Assert.Equal("the earlier population\n", File.ReadAllText(path));

        Directory.Delete(path + ".partial");
        var again = CliRun.Command("generate", "--insured", "50", "--out", path);
        Assert.True(again.ExitCode == 0, again.ToString());
        Assert.False(File.Exists(path + ".partial"));
        Assert.Equal(50, File.ReadAllLines(path).Sum(l => JsonDocument.Parse(l).RootElement.GetProperty("members").EnumerateArray().Count(m => m.GetProperty("coverage").GetArrayLength() > 0)));
    }

    // ---- 10.11: a byte order mark ---------------------------------------------------------------------------

    [Fact]
    public void Input_that_begins_with_a_utf8_byte_order_mark_is_read_like_any_other()
    {
        using var folder = new TempFolder();
        var plain = Population(folder, "plain.jsonl", 300);
        File.WriteAllBytes(folder.File("bom.jsonl"), [0xEF, 0xBB, 0xBF, .. File.ReadAllBytes(plain)]);
        var runner = new FileBatchRunner(Service.Value);

        var expected = runner.Run(new FileBatchOptions(Insurer, FiscalYear, plain, folder.File("plain.out"), ResultFormat.Jsonl, 2, false), null, CancellationToken.None);
        var withBom = runner.Run(new FileBatchOptions(Insurer, FiscalYear, folder.File("bom.jsonl"), folder.File("bom.out"), ResultFormat.Jsonl, 2, false), null, CancellationToken.None);

        Assert.Equal(0, withBom.Errors);
        Assert.Equal(expected.Households, withBom.Households);
        Assert.Equal(File.ReadAllBytes(folder.File("plain.out")), File.ReadAllBytes(folder.File("bom.out")));
    }

    // ---- 10.9: options, exit codes, Ctrl-C, standard streams --------------------------------------------------

    [Theory]
    [InlineData("generate", "--insured", "-5")]
    [InlineData("generate", "--insured", "0")]
    [InlineData("reassess", "--threads", "0")]
    [InlineData("reassess", "--threads", "-3")]
    [InlineData("reassess", "--chunk-size", "0")]
    public void A_number_that_is_not_positive_is_refused_naming_the_option(string command, string option, string value)
    {
        using var folder = new TempFolder();
        var run = CliRun.Command(command, option, value, command == "generate" ? "--out" : "--in", folder.File("x.jsonl"));
        Assert.True(run.ExitCode == 2, run.ToString());
        Assert.Contains($"{option} must be a positive whole number (not {value})", run.Error);
        AssertOneLine(run);
        Assert.Empty(Directory.GetFiles(folder.Path));
    }

    [Fact]
    public void An_unknown_format_names_the_formats_there_are()
    {
        var run = Reassess("--format", "xml", "--in", "a", "--out", "b");
        Assert.True(run.ExitCode == 2, run.ToString());
        Assert.Contains("--format must be jsonl or csv (not 'xml')", run.Error);
        Assert.DoesNotContain("ResultFormat", run.Error);
        AssertOneLine(run);
    }

    [Fact]
    public void Generate_into_a_folder_that_does_not_exist_is_a_one_line_error()
    {
        var run = CliRun.Command("generate", "--insured", "5", "--out", "/no/such/dir/x.jsonl");
        Assert.True(run.ExitCode == 1, run.ToString());
        Assert.Equal("generate: cannot write /no/such/dir/x.jsonl: the folder /no/such/dir does not exist", run.Error.Trim());
    }

    [Property(MaxTest = 60)]
    public Property Generate_gives_exactly_the_insured_asked_for() =>
        Prop.ForAll(Gen.Choose(1, 500).ToArbitrary(), Gen.Choose(0, 10_000).ToArbitrary(), (insured, seed) =>
        {
            var households = new SyntheticPopulation(FiscalYear, seed).Households(insured).ToList();
            Assert.Equal(insured, households.Sum(h => h.Members!.Count(m => m!.Coverage!.Count > 0)));
            Assert.All(households, h => Assert.Contains(h.Members!, m => m!.Id == h.HeadId));
        });

    [Fact]
    public void A_run_that_cannot_start_says_so_and_nothing_about_a_run_state()
    {
        using var folder = new TempFolder();
        var input = Population(folder, "pop.jsonl", 50);
        var run = CliRun.Command("reassess", "--insurer", "nosuch", "--fiscal-year", "2025", "--in", input, "--out", folder.File("out.jsonl"));
        Assert.True(run.ExitCode == 1, run.ToString());
        Assert.Contains("there is no rule set nosuch/2025", run.Error);
        Assert.DoesNotContain("run state", run.Error);
        Assert.DoesNotContain("resume", run.Error);
        Assert.False(File.Exists(folder.File("out.jsonl.run.json")));

        var missing = CliRun.Command("reassess", "--resume", folder.File("never.jsonl.run.json"));
        Assert.True(missing.ExitCode == 2, missing.ToString());
        Assert.Contains("nothing; start it again", missing.Error);
    }

    [Fact]
    public void A_run_with_refused_households_exits_3_and_writes_its_summary_for_machines()
    {
        using var folder = new TempFolder();
        var input = Population(folder, "pop.jsonl", 400, refused: true);
        var run = Reassess("--in", input, "--out", folder.File("out.jsonl"), "--summary-json", folder.File("summary.json"));

        Assert.True(run.ExitCode == 3, run.ToString());
        var summary = JsonDocument.Parse(File.ReadAllText(folder.File("summary.json"))).RootElement;
        Assert.True(summary.GetProperty("complete").GetBoolean());
        Assert.Equal(Refused.Count, summary.GetProperty("refused").GetInt64());
        var results = File.ReadAllLines(folder.File("out.jsonl"));
        Assert.Equal(results.Length, summary.GetProperty("households").GetInt64());
        Assert.Equal(results.Sum(l => JsonDocument.Parse(l).RootElement.GetProperty("annualPremium").GetInt64()), summary.GetProperty("annualPremium").GetInt64());
        var rs = Service.Value.Catalog.Premium(Insurer, FiscalYear)!;
        Assert.Equal(rs.Hash, summary.GetProperty("ruleset").GetProperty("hash").GetString());
        Assert.False(summary.GetProperty("trial").GetBoolean());

        var clean = Reassess("--in", Population(folder, "clean.jsonl", 100), "--out", folder.File("clean.out"));
        Assert.True(clean.ExitCode == 0, clean.ToString());
    }

    [Fact]
    public void Ctrl_c_during_a_run_says_how_to_resume_and_exits_130()
    {
        using var folder = new TempFolder();
        var input = Population(folder, "pop.jsonl", 300_000);
        var output = folder.File("out.jsonl");
        var state = FileRunState.PathFor(output);
        using (var run = CliProcess.Start("reassess", "--insurer", Insurer, "--fiscal-year", "2025", "--in", input, "--out", output, "--threads", "2"))
        {
            var wait = System.Diagnostics.Stopwatch.StartNew();
            while (!run.Output.Contains("state:", StringComparison.Ordinal) && !run.HasExited && wait.Elapsed < TimeSpan.FromMinutes(1)) Thread.Sleep(10);
            Assert.False(run.HasExited, "the run ended before it could be interrupted:\n" + run.Output);
            run.Interrupt();
            var said = run.WaitForExit(TimeSpan.FromMinutes(1), 130);
            Assert.Contains($"interrupted: resume with --resume {state}", said);
            Assert.DoesNotContain("   at ", said);
        }
        Assert.False(FileBatchRunner.ReadState(state).Completed);
        var resumed = CliRun.Command("reassess", "--resume", state, "--threads", "2");
        Assert.True(resumed.ExitCode == 0, resumed.ToString());
        Assert.Equal(File.ReadAllLines(input).Length, File.ReadAllLines(output).Length);
    }

    [Fact]
    public void A_dash_reads_households_from_standard_input_and_writes_results_to_standard_output()
    {
        using var folder = new TempFolder();
        var input = Population(folder, "pop.jsonl", 2_000, refused: true);
        var file = Reassess("--in", input, "--out", folder.File("file.jsonl"));
        Assert.True(file.ExitCode == 3, file.ToString());

        var kokuho = Path.Combine(AppContext.BaseDirectory, "kokuho.dll");
        var (code, said) = PostgresFixture.Run("bash", "-c",
            $"cd '{folder.Path}' && dotnet '{kokuho}' reassess --insurer {Insurer} --fiscal-year 2025 --in - --out - < pop.jsonl > piped.jsonl 2> piped.err; echo $?");
        Assert.Equal("3", said.Trim());
        Assert.Equal(0, code);
        Assert.Equal(File.ReadAllBytes(folder.File("file.jsonl")), File.ReadAllBytes(folder.File("piped.jsonl")));
        var errors = File.ReadAllText(folder.File("piped.err"));
        foreach (var line in File.ReadAllLines(folder.File("file.jsonl.errors.jsonl"))) Assert.Contains(line, errors);
        Assert.Matches(@"households assessed +[\d,]+\n", errors); // the summary goes to standard error

        var (_, spooled) = PostgresFixture.Run("bash", "-c",
            $"cd '{folder.Path}' && dotnet '{kokuho}' reassess --insurer {Insurer} --fiscal-year 2025 --in - --out stdin.jsonl < pop.jsonl > /dev/null 2>&1; echo $?");
        Assert.Equal("3", spooled.Trim());
        Assert.Equal(File.ReadAllBytes(folder.File("file.jsonl")), File.ReadAllBytes(folder.File("stdin.jsonl")));
    }

    // ---- 10.10: what staff see --------------------------------------------------------------------------------

    [Fact]
    public void The_summary_has_japanese_labels_with_the_english_key_and_right_aligned_figures()
    {
        using var folder = new TempFolder();
        var run = Reassess("--in", Population(folder, "pop.jsonl", 3_000), "--out", folder.File("out.jsonl"));
        Assert.True(run.ExitCode == 0, run.ToString());
        foreach (var label in new[] { "賦課世帯数 households assessed", "年間保険料 annual premium total", "医療分 medical", "後期高齢者支援金分 support", "介護納付金分 care", "軽減 reduction 7割" })
            Assert.Contains(label, run.Output);
        Assert.DoesNotContain("TRIAL", run.Output);
        // Every figure ends in the same display column (a Japanese character is two columns wide).
        var figureLines = run.Output.Split('\n').Where(l => Regex.IsMatch(l, @"\d( |$)") && !l.StartsWith("処理時間", StringComparison.Ordinal)).ToArray();
        Assert.True(figureLines.Length >= 10, run.Output);
        var ends = figureLines.Select(l => DisplayWidth(Regex.Match(l, @"^.*?[\d,]+(?= |$)").Value)).Distinct().ToArray();
        Assert.True(ends.Length == 1, "figures are not aligned:\n" + run.Output);
    }

    private static int DisplayWidth(string text) => text.Sum(c => c > '\u1100' ? 2 : 1);

    [Fact]
    public void A_trial_run_is_marked_in_the_summary_and_in_every_row()
    {
        using var folder = new TempFolder();
        var input = Population(folder, "pop.jsonl", 500, fiscalYear: 2024);
        var run = CliRun.Command("reassess", "--insurer", Insurer, "--fiscal-year", "2024", "--trial", "--in", input, "--out", folder.File("out.jsonl"), "--summary-json", folder.File("s.json"));
        Assert.True(run.ExitCode == 0, run.ToString());
        Assert.StartsWith("試算 TRIAL RUN", run.Output);
        var rows = File.ReadAllLines(folder.File("out.jsonl"));
        Assert.NotEmpty(rows);
        Assert.All(rows, r => Assert.True(JsonDocument.Parse(r).RootElement.GetProperty("trial").GetBoolean()));
        Assert.True(JsonDocument.Parse(File.ReadAllText(folder.File("s.json"))).RootElement.GetProperty("trial").GetBoolean());

        var csv = CliRun.Command("reassess", "--insurer", Insurer, "--fiscal-year", "2024", "--trial", "--format", "csv", "--csv-bom", "false", "--in", input, "--out", folder.File("out.csv"));
        Assert.True(csv.ExitCode == 0, csv.ToString());
        var lines = File.ReadAllLines(folder.File("out.csv"));
        Assert.Equal("household_id,"u8.ToArray(), File.ReadAllBytes(folder.File("out.csv"))[..13]); // no byte order mark when asked
        Assert.Equal("trial", lines[0].Split(',')[^1]);
        Assert.All(lines.Skip(1), l => Assert.EndsWith(",true", l));
    }

    [Fact]
    public void Progress_counts_this_sessions_households_per_second_and_gives_the_eta_as_hours_minutes_seconds()
    {
        // Resumed at half the input with 1,000 households done; 500 more in 10 s, at 60 % of the input.
        var line = ConsoleProgress.Line(new BatchProgress(Households: 1_500, Errors: 0, BytesRead: 60, BytesTotal: 100, Elapsed: TimeSpan.FromSeconds(10), HouseholdsAtStart: 1_000, BytesAtStart: 50));
        Assert.Contains("50/s", line);
        Assert.Contains("ETA  0:00:40", line);
        var long_ = ConsoleProgress.Line(new BatchProgress(10, 0, 1, 100, TimeSpan.FromMinutes(2)));
        Assert.Contains("ETA  3:18:00", long_);
    }
}
