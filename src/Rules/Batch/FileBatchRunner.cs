using System.Buffers;
using System.Diagnostics;
using System.Text.Json;
using System.Threading.Channels;
using KokuhoRules.Engine.Storage;
using KokuhoRules.Rules.Premium;
using KokuhoRules.Rules.Snapshots;
using KokuhoRules.Rules.Withholding;

namespace KokuhoRules.Rules.Batch;

/// <summary>What a file run is asked to do.</summary>
/// <param name="Input">JSON Lines: one household (the API's <c>household</c> object) per line.</param>
/// <param name="Output">The result file (JSON Lines or CSV); refused households go to <c>&lt;output&gt;.errors.jsonl</c>.</param>
/// <param name="Threads">Worker threads computing premiums (the reader and writer run beside them).</param>
/// <param name="Trial">Allows a draft rule set (a trial run); every result row says so.</param>
/// <param name="CsvBom">A CSV result begins with a UTF-8 byte order mark (so that Excel on Japanese Windows reads it as UTF-8, not Shift_JIS).</param>
/// <param name="RulesetVersion">The rule-set version pinned; null: the published version in force on <paramref name="AsOf"/> (or, for a trial, the newest).</param>
/// <param name="AsOf">The day of the run for choosing the version in force; null: today.</param>
/// <param name="Withholding">Also determine each household's special withholding (特別徴収) with the insurer's withholding rule set in force (a draft only with <paramref name="Trial"/>).</param>
public sealed record FileBatchOptions(string Insurer, int FiscalYear, string Input, string Output, ResultFormat Format, int Threads, bool Trial, bool CsvBom = true,
    string? RulesetVersion = null, NodaTime.LocalDate? AsOf = null, bool Withholding = false);

/// <summary>Progress of a run, as often as the writer commits (a few times a second).</summary>
/// <param name="Households">Households assessed in the whole run (earlier sessions of a resumed run included).</param>
/// <param name="Elapsed">Time since this session started.</param>
/// <param name="HouseholdsAtStart">Households the run had assessed when this session started (so that a rate counts this session only).</param>
/// <param name="BytesAtStart">Where this session started reading (so that the ETA is this session's pace).</param>
public sealed record BatchProgress(long Households, long Errors, long BytesRead, long BytesTotal, TimeSpan Elapsed, long HouseholdsAtStart = 0, long BytesAtStart = 0);

/// <summary>
/// The state of a file run, saved next to its output (<c>&lt;output&gt;.run.json</c>) each time results are
/// committed: the input offset read up to and the output and error-file lengths written up to. A run
/// killed at any point resumes from its last state: the files are cut back to the recorded lengths and
/// reading restarts at the recorded offset, so every household is in the output exactly once.
/// </summary>
public sealed record FileRunState
{
    public required string RunId { get; init; }
    public required string Insurer { get; init; }
    public required int FiscalYear { get; init; }
    public required string RulesetVersion { get; init; }
    public required string RulesetHash { get; init; }
    public required string Input { get; init; }
    public required long InputLength { get; init; }
    public required string Output { get; init; }
    public required ResultFormat Format { get; init; }
    public required bool Trial { get; init; }
    public long InputOffset { get; init; }
    public long InputLines { get; init; }
    public long OutputLength { get; init; }
    public long ErrorsLength { get; init; }
    public bool Completed { get; init; }

    /// <summary>The withholding rule set of a run with <c>--withholding</c> (kept by a resume); null otherwise.</summary>
    public string? WithholdingRulesetVersion { get; init; }
    public string? WithholdingRulesetHash { get; init; }
    public BatchSummary Summary { get; init; } = new();

    public static string PathFor(string output) => output + ".run.json";
}

/// <summary>
/// 本算定 from files: reads households (JSON Lines), assesses them on all cores with the rule set
/// compiled once, and writes results in input order. Invalid households are reported with their line
/// and reasons and skipped; they never stop the run nor leave a partial line.
/// </summary>
public sealed class FileBatchRunner(PremiumService premiums)
{
    private const int LinesPerBatch = 512;
    private static ReadOnlySpan<byte> Utf8Bom => [0xEF, 0xBB, 0xBF];
    private static readonly TimeSpan CommitInterval = TimeSpan.FromMilliseconds(500);

    /// <summary>
    /// Starts a new run. Refuses, before anything is opened for writing, an output whose result, error or
    /// state file is the input (by path or, through a link, by inode). The results and errors are written
    /// to <c>.partial</c> files beside their final names and renamed once the run is complete, so an
    /// earlier result file is never cut before the new one is finished.
    /// </summary>
    /// <param name="started">Told the run's state once it is saved (the run can be resumed from then on).</param>
    public BatchSummary Run(FileBatchOptions options, IProgress<BatchProgress>? progress, CancellationToken cancel, Action<FileRunState>? started = null)
    {
        var input = Path.GetFullPath(options.Input);
        var output = Path.GetFullPath(options.Output);
        if (!File.Exists(input)) throw new FileNotFoundException($"the input {input} does not exist", input);
        foreach (var written in FilesWritten(output))
            if (FileIdentity.Same(input, written))
                throw new InvalidOperationException($"the input {input} is also {(written == output ? "the output" : "a file the run writes (" + written + ")")}: choose another --out; nothing was written");
        var rs = premiums.Catalog.ForRun<PremiumRuleSet>(options.Insurer, options.FiscalYear, options.RulesetVersion, options.AsOf, options.Trial);
        var withholding = options.Withholding
            ? new BatchWithholding(premiums.Catalog.ForRun<WithholdingRuleSet>(options.Insurer, options.FiscalYear, null, options.AsOf, options.Trial), rs)
            : null;
        var state = new FileRunState
        {
            RunId = Guid.NewGuid().ToString("N")[..12],
            Insurer = options.Insurer, FiscalYear = options.FiscalYear, RulesetVersion = rs.Version, RulesetHash = rs.Hash,
            Input = input, InputLength = new FileInfo(input).Length, Output = output, Format = options.Format, Trial = options.Trial,
            WithholdingRulesetVersion = withholding?.RuleSet.Version, WithholdingRulesetHash = withholding?.RuleSet.Hash,
        };
        var header = options.Format == ResultFormat.Csv
            ? [.. options.CsvBom ? Utf8Bom : [], .. System.Text.Encoding.UTF8.GetBytes(new BatchResults(rs, ResultFormat.Csv, options.Trial, withholding).CsvHeader())]
            : Array.Empty<byte>();
        File.WriteAllBytes(Partial(output), header);
        File.WriteAllBytes(Partial(ErrorsPath(output)), []);
        state = state with { OutputLength = header.Length };
        SaveState(state);
        started?.Invoke(state);
        return Continue(state, rs, withholding, options.Threads, progress, cancel);
    }

    /// <summary>Every file a run with this output writes: results, errors, state, and their temporary files.</summary>
    public static IReadOnlyList<string> FilesWritten(string output)
    {
        var state = FileRunState.PathFor(output);
        return [output, Partial(output), ErrorsPath(output), Partial(ErrorsPath(output)), state, state + ".tmp"];
    }

    /// <summary>Reads a run's state file.</summary>
    public static FileRunState ReadState(string statePath)
    {
        try
        {
            return JsonSerializer.Deserialize<FileRunState>(File.ReadAllBytes(statePath), KokuhoJson.Options)
                   ?? throw new InvalidDataException($"{statePath} is not a run state");
        }
        catch (JsonException)
        {
            throw new InvalidDataException($"{statePath} is not a run state (not the JSON a run writes)");
        }
    }

    /// <summary>Resumes a run from its state file.</summary>
    public BatchSummary Resume(string statePath, int threads, IProgress<BatchProgress>? progress, CancellationToken cancel)
    {
        var state = ReadState(statePath);
        if (state.Completed) return state.Summary;
        var rs = premiums.Catalog.ForRun<PremiumRuleSet>(state.Insurer, state.FiscalYear, state.RulesetVersion, null, state.Trial);
        if (rs.Hash != state.RulesetHash)
            throw new InvalidOperationException($"the rule set {state.Insurer}/{state.FiscalYear} changed since run {state.RunId} started (was {state.RulesetHash}, now {rs.Hash}): start a new run");
        BatchWithholding? withholding = null;
        if (state.WithholdingRulesetVersion is { } version)
        {
            var w = premiums.Catalog.ForRun<WithholdingRuleSet>(state.Insurer, state.FiscalYear, version, null, state.Trial);
            if (w.Hash != state.WithholdingRulesetHash)
                throw new InvalidOperationException($"the withholding rule set {state.Insurer}/{state.FiscalYear} changed since run {state.RunId} started (was {state.WithholdingRulesetHash}, now {w.Hash}): start a new run");
            withholding = new BatchWithholding(w, rs);
        }
        if (!File.Exists(state.Input) || new FileInfo(state.Input).Length != state.InputLength)
            throw new InvalidOperationException($"the input {state.Input} changed since run {state.RunId} started: start a new run");
        if (!File.Exists(Partial(state.Output)))
        {
            // Killed while renaming the finished files: finish the renaming.
            if (state.InputOffset == state.InputLength && File.Exists(state.Output)) return Finish(state).Summary;
            throw new InvalidOperationException($"the results being written ({Partial(state.Output)}) are gone since run {state.RunId} started: start a new run");
        }
        return Continue(state, rs, withholding, threads, progress, cancel);
    }

    /// <summary>The file of refused households beside a result file.</summary>
    public static string ErrorsPath(string output) => output + ".errors.jsonl";

    /// <summary>Where a file is written until the run is complete.</summary>
    private static string Partial(string path) => AtomicFiles.PartialOf(path);

    /// <summary>Renames the finished results and errors to their final names, then records the run as complete (safe to repeat).</summary>
    private static FileRunState Finish(FileRunState state)
    {
        foreach (var path in new[] { state.Output, ErrorsPath(state.Output) })
            if (File.Exists(Partial(path))) File.Move(Partial(path), path, overwrite: true);
        state = state with { Completed = true };
        SaveState(state);
        return state;
    }

    /// <summary>
    /// Lines of the input, numbered in reading order, copied into a pooled buffer (given back once the
    /// batch is assessed); the offset and line count the input is read up to after them.
    /// </summary>
    private sealed record Batch(long Number, PooledBuffer Bytes, List<(long Line, int Start, int Length)> Lines, long EndOffset, long EndLine);

    /// <summary>A batch's result and error lines, ready to append (the buffers are pooled and given back once written).</summary>
    private sealed record Done(long Number, PooledBuffer Results, PooledBuffer Errors, BatchSummary Summary, long EndOffset, long EndLine);

    private BatchSummary Continue(FileRunState state, PremiumRuleSet rs, BatchWithholding? withholding, int threads, IProgress<BatchProgress>? progress, CancellationToken cancel)
    {
        var output = new FileStream(Partial(state.Output), FileMode.Open, FileAccess.Write, FileShare.Read);
        var errors = new FileStream(Partial(ErrorsPath(state.Output)), FileMode.OpenOrCreate, FileAccess.Write, FileShare.Read);
        try
        {
            return Continue(state, rs, withholding, threads, output, errors, progress, cancel);
        }
        finally
        {
            output.Dispose();
            errors.Dispose();
        }
    }

    private BatchSummary Continue(FileRunState state, PremiumRuleSet rs, BatchWithholding? withholding, int threads, FileStream output, FileStream errors,
        IProgress<BatchProgress>? progress, CancellationToken cancel)
    {
        var clock = Stopwatch.StartNew();
        output.SetLength(state.OutputLength);
        output.Position = state.OutputLength;
        errors.SetLength(state.ErrorsLength);
        errors.Position = state.ErrorsLength;

        var batches = Channel.CreateBounded<Batch>(new BoundedChannelOptions(Math.Max(4, threads * 4)) { SingleWriter = true });
        var done = Channel.CreateBounded<Done>(new BoundedChannelOptions(Math.Max(4, threads * 4)) { SingleReader = true });
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancel);

        var rows = new BatchResults(rs, state.Format, state.Trial, withholding);
        var reader = Task.Run(() => Read(state, batches.Writer, stop.Token));
        var workers = Enumerable.Range(0, Math.Max(1, threads))
            .Select(_ => Task.Run(() => Work(rs, withholding, rows, batches.Reader, done.Writer, stop.Token))).ToArray();
        var closer = Task.WhenAll(workers).ContinueWith(t => done.Writer.TryComplete(t.Exception), TaskScheduler.Default);

        var summary = state.Summary;
        var householdsAtStart = summary.Households;
        var bytesAtStart = state.InputOffset;
        var pending = new SortedDictionary<long, Done>();
        long next = 0; // batch numbers restart at 0 on every continue
        var sinceCommit = Stopwatch.StartNew();
        try
        {
            foreach (var item in done.Reader.ReadAllAsync(stop.Token).ToBlockingEnumerable(stop.Token))
            {
                pending[item.Number] = item;
                while (pending.Remove(next, out var ready))
                {
                    output.Write(ready.Results.WrittenSpan);
                    errors.Write(ready.Errors.WrittenSpan);
                    ready.Results.Dispose();
                    ready.Errors.Dispose();
                    summary.Merge(ready.Summary);
                    state = state with { InputOffset = ready.EndOffset, InputLines = ready.EndLine };
                    next++;
                    if (sinceCommit.Elapsed >= CommitInterval)
                    {
                        state = Commit(state, output, errors, summary);
                        progress?.Report(new BatchProgress(summary.Households, summary.Errors, state.InputOffset, state.InputLength, clock.Elapsed, householdsAtStart, bytesAtStart));
                        sinceCommit.Restart();
                    }
                }
            }
            reader.GetAwaiter().GetResult();
            closer.GetAwaiter().GetResult();
            Task.WhenAll(workers).GetAwaiter().GetResult();
        }
        catch
        {
            stop.Cancel();
            throw;
        }
        state = Commit(state, output, errors, summary);
        output.Dispose();
        errors.Dispose();
        state = Finish(state);
        progress?.Report(new BatchProgress(summary.Households, summary.Errors, state.InputOffset, state.InputLength, clock.Elapsed, householdsAtStart, bytesAtStart));
        return summary;
    }

    /// <summary>Makes the written results durable, then records how far they go.</summary>
    private static FileRunState Commit(FileRunState state, FileStream output, FileStream errors, BatchSummary summary)
    {
        output.Flush(flushToDisk: true);
        errors.Flush(flushToDisk: true);
        state = state with { OutputLength = output.Position, ErrorsLength = errors.Position, Summary = summary };
        SaveState(state);
        return state;
    }

    private static void SaveState(FileRunState state)
    {
        var path = FileRunState.PathFor(state.Output);
        var temp = path + ".tmp";
        File.WriteAllBytes(temp, JsonSerializer.SerializeToUtf8Bytes(state, KokuhoJson.Options));
        File.Move(temp, path, overwrite: true);
    }

    /// <summary>Reads lines from the recorded offset into numbered batches.</summary>
    private static async Task Read(FileRunState state, ChannelWriter<Batch> batches, CancellationToken cancel)
    {
        try
        {
            await using var input = new FileStream(state.Input, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 16, FileOptions.SequentialScan);
            input.Position = state.InputOffset;
            var offset = state.InputOffset;
            var line = state.InputLines;
            var buffer = new byte[1 << 20];
            var carry = 0;
            long number = 0;
            var atStart = state.InputOffset == 0;
            var batch = new PooledBuffer(LinesPerBatch * 400);
            var lines = new List<(long, int, int)>(LinesPerBatch);
            while (true)
            {
                var read = await input.ReadAsync(buffer.AsMemory(carry), cancel);
                var filled = carry + read;
                var start = 0;
                if (atStart && filled >= 3 && buffer.AsSpan(0, 3).SequenceEqual(Utf8Bom))
                {
                    // A UTF-8 byte order mark (as the API accepts one): not part of the first line.
                    start = 3;
                    offset += 3;
                }
                atStart &= filled < 3 && read > 0;
                while (true)
                {
                    var nl = Array.IndexOf(buffer, (byte)'\n', start, filled - start);
                    if (nl < 0) break;
                    line++;
                    var length = nl - start;
                    if (length > 0 && buffer[nl - 1] == (byte)'\r') length--;
                    if (length > 0)
                    {
                        lines.Add((line, batch.WrittenCount, length));
                        batch.Write(buffer.AsSpan(start, length));
                    }
                    offset += nl - start + 1;
                    start = nl + 1;
                    if (lines.Count == LinesPerBatch)
                    {
                        await batches.WriteAsync(new Batch(number++, batch, lines, offset, line), cancel);
                        batch = new PooledBuffer(LinesPerBatch * 400);
                        lines = new List<(long, int, int)>(LinesPerBatch);
                    }
                }
                carry = filled - start;
                if (read == 0)
                {
                    if (carry > 0)
                    {
                        line++;
                        lines.Add((line, batch.WrittenCount, carry));
                        batch.Write(buffer.AsSpan(start, carry));
                        offset += carry;
                    }
                    break;
                }
                if (carry == buffer.Length) throw new InvalidDataException($"line {line + 1} is longer than {buffer.Length} bytes");
                Buffer.BlockCopy(buffer, start, buffer, 0, carry);
            }
            // A final batch, even an empty one, carries the end offset.
            await batches.WriteAsync(new Batch(number, batch, lines, offset, line), cancel);
            batches.Complete();
        }
        catch (Exception e)
        {
            batches.TryComplete(e);
            throw;
        }
    }

    /// <summary>
    /// Reads and checks one line as the API reads a request's household, through the same code: the
    /// individual-number scan, the JSON reader's errors said as the API says them, the snapshot checks.
    /// Null (and at least one error) when the household is refused.
    /// </summary>
    public static HouseholdSnapshot? Check(ReadOnlySpan<byte> line, List<FieldError> errors, out HouseholdJson? household)
    {
        household = null;
        if (IndividualNumberScan.Find(line, "household") is { } found)
        {
            errors.Add(found);
            return null;
        }
        try
        {
            household = JsonSerializer.Deserialize<HouseholdJson>(line, KokuhoJson.Options);
        }
        catch (JsonException e)
        {
            errors.Add(JsonErrors.For(e, "household"));
            return null;
        }
        var snapshot = SnapshotReader.Read(household, "household", errors);
        if (snapshot is null && errors.Count == 0) errors.Add(new FieldError("household", "is required: a household object, not null"));
        return snapshot;
    }

    /// <summary>
    /// Reads a line as <see cref="Check"/> does, in one pass when <see cref="HouseholdLineReader"/> takes it (the
    /// same household) and otherwise through <see cref="Check"/> (the same messages): <see cref="ReadForRun"/> for a
    /// run without withholding. Null (and at least one error) when the household is refused.
    /// </summary>
    public static HouseholdSnapshot? ReadHousehold(ReadOnlySpan<byte> line, List<FieldError> errors) =>
        ReadForRun(line, withholding: null, errors, out _, out _);

    /// <summary>
    /// Reads a household of a run — a file's line, or a stored household's document (<c>reassess --db</c>) — and, for a
    /// run with <paramref name="withholding"/>, its withholding fields. In one pass (<see cref="HouseholdLineReader"/>)
    /// when the run has no withholding and that reader takes the line; otherwise through <see cref="Check"/>, which gives
    /// a refusal's messages. Null when refused: <paramref name="errors"/> say why, and <paramref name="refusedId"/> names
    /// the household when its id would be accepted.
    /// </summary>
    internal static HouseholdSnapshot? ReadForRun(ReadOnlySpan<byte> line, BatchWithholding? withholding, List<FieldError> errors,
        out WithholdingService.HouseholdWithholding? fields, out string? refusedId)
    {
        fields = null;
        refusedId = null;
        if (withholding is null && HouseholdLineReader.TryRead(line, out var read)) return read;
        var snapshot = Check(line, errors, out var household);
        if (withholding is not null && household is not null) fields = withholding.Read(household, errors);
        if (snapshot is not null && errors.Count == 0) return snapshot;
        refusedId = SnapshotReader.SafeId(household?.Id) ?? SnapshotReader.SafeIdOf(line);
        return null;
    }

    /// <summary>Parses, checks and assesses the households of batches; writes their result and error lines.</summary>
    private static async Task Work(PremiumRuleSet rs, BatchWithholding? withholding, BatchResults rows, ChannelReader<Batch> batches, ChannelWriter<Done> done, CancellationToken cancel)
    {
        var json = new Utf8JsonWriter(new ArrayBufferWriter<byte>());
        var fieldErrors = new List<FieldError>();
        await foreach (var batch in batches.ReadAllAsync(cancel))
        {
            var results = new PooledBuffer(batch.Lines.Count * 256 + 1);
            var errors = new PooledBuffer(1024);
            var summary = new BatchSummary { Withholding = withholding is null ? null : new WithholdingSummary() };
            foreach (var (line, start, length) in batch.Lines)
            {
                var bytes = batch.Bytes.WrittenMemory.Slice(start, length);
                fieldErrors.Clear();
                if (ReadForRun(bytes.Span, withholding, fieldErrors, out var fields, out var refusedId) is not { } snapshot)
                {
                    summary.Errors++;
                    BatchResults.WriteError(errors, line, refusedId, fieldErrors, json);
                    continue;
                }
                var assessment = PremiumCalculator.Assess(rs, snapshot, trace: null, details: false);
                summary.Add(assessment);
                var determined = fields is null ? null : withholding!.Determine(snapshot, fields, assessment.AnnualPremium);
                if (determined is not null) summary.Withholding!.Add(determined, withholding!.PensionMonths);
                rows.Write(results, snapshot.Id, assessment, determined);
            }
            batch.Bytes.Dispose();
            await done.WriteAsync(new Done(batch.Number, results, errors, summary, batch.EndOffset, batch.EndLine), cancel);
        }
    }
}
