using System.Globalization;
using System.Text.Json;
using System.Text;
using KokuhoRules.Engine.Storage;
using KokuhoRules.Rules.Batch;
using KokuhoRules.Rules.HighCost.Continuity;
using KokuhoRules.Rules.Premium;
using KokuhoRules.Rules.Snapshots;
using NodaTime;

namespace KokuhoRules.Rules.HighCost;

/// <summary>
/// One line of a benefit-month history file (<c>--history</c>, and the <c>&lt;out&gt;.history.jsonl</c> a run writes): a
/// history entry of <c>POST /v1/high-cost/benefits</c> (<see cref="BenefitMonthJson"/>) with the household it belongs to.
/// </summary>
public sealed record HighCostHistoryLineJson
{
    /// <summary>The household (its <c>household.id</c> in the claims file).</summary>
    public string? HouseholdId { get; init; }

    /// <summary>The care month, <c>YYYY-MM</c>, before the run's.</summary>
    public YearMonth? CareMonth { get; init; }

    /// <summary>The benefit paid or applied at the window that month (yen; 0 for none).</summary>
    public long? BenefitPaid { get; init; }

    /// <summary>Only the 70–74 outpatient per-person benefit that month (not counted for 多数回). Default false.</summary>
    public bool? OutpatientOnly { get; init; }

    /// <summary>The city of the prefecture that paid it, when the month was carried over from a move (転出地の高額該当); absent: the run's city.</summary>
    public string? Insurer { get; init; }
}

/// <summary>What a city's month of benefits is asked to do.</summary>
/// <param name="Insurer">The city (id or code), as the API's <c>insurer</c>.</param>
/// <param name="Claims">JSON Lines, one household per line (the API's body without insurer, careMonth and history), sorted by <c>household.id</c> (ordinal), each household once.</param>
/// <param name="History">JSON Lines of <see cref="HighCostHistoryLineJson"/>, sorted by <c>householdId</c> (ordinal; a household's months in any order).</param>
/// <param name="Output">The results, written as <c>&lt;out&gt;.partial</c> and renamed when complete; beside it <c>&lt;out&gt;.history.jsonl</c> and <c>&lt;out&gt;.errors.jsonl</c>.</param>
/// <param name="Workers">Chunks computed at once while the next is read.</param>
/// <param name="HouseholdsPerChunk">Households read before they are computed: at most <paramref name="Workers"/> + 1 chunks are held.</param>
public sealed record HighCostBenefitsOptions(string Insurer, YearMonth CareMonth, string Claims, string History, string Output, ResultFormat Format, bool Trial,
    int Workers, bool CsvBom = true, int HouseholdsPerChunk = 2048)
{
    /// <summary>The updated history written beside <see cref="Output"/>.</summary>
    public string HistoryOutput => Output + ".history.jsonl";

    /// <summary>The refused lines written beside <see cref="Output"/>.</summary>
    public string ErrorsOutput => Output + ".errors.jsonl";
}

/// <summary>The households, benefit months and yen of one category (its Japanese name).</summary>
public sealed record HighCostCategoryTotal(long Households, long WithBenefit, long Benefit);

/// <summary>What a month's run read and computed: the summary the CLI prints.</summary>
/// <param name="Households">Households computed (a refused line is not one).</param>
/// <param name="NewHistoryMonths">This month's benefit months added to the history.</param>
public sealed record HighCostBenefitsSummary(long Households, long Claims, long HistoryLines, long RefusedLines, long WithBenefit, long ManyTimes, long TotalBenefit,
    long NewHistoryMonths, IReadOnlyDictionary<string, HighCostCategoryTotal> ByCategory);

/// <summary>A line of the results (JSON Lines): what the API answers for the household, without the trace.</summary>
public sealed record HighCostBenefitLine(string HouseholdId, long Benefit, string Category, bool ManyTimes, int PriorBenefitMonths, long Limit,
    IReadOnlyList<BenefitStep> Steps, IReadOnlyList<Halving> HalvedBy, RuleSetVersionLine Ruleset, bool Trial);

/// <summary>The rule set of a result line.</summary>
public sealed record RuleSetVersionLine(string Version, string Hash);

/// <summary>
/// A city's month of high-cost benefits (高額療養費), file to file. Each claims line is read by the API's own contract
/// (<see cref="HighCostBenefitRequest"/>) and computed by <see cref="HighCostService.Compute(HighCostRuleSet, HighCostBenefitRequest, bool)"/>, so
/// a household gets exactly what <c>POST /v1/high-cost/benefits</c> gives it. The history is joined by merging: both files
/// sorted by household id, the history is read only as far as the household being read, so neither file is held in memory
/// (a line out of order stops the run, naming the line). Households are computed in chunks by workers and written in the
/// order read. The updated history (input history plus this month's benefit months) lets next month's run count 多数回.
/// Refused lines go to the errors file by file, line and field, never values; a household with a refused line is left
/// out (its history lines that were read are kept in the updated history).
/// </summary>
public sealed class HighCostFileRun(HighCostRuleSet rs)
{
    /// <summary>The CSV columns, in order.</summary>
    public const string CsvHeader = "household_id,benefit,category,many_times,prior_benefit_months,limit,steps,halved_by,ruleset_version,ruleset_hash,trial";

    /// <param name="benefitMonth">Called, in input order, with each benefit month the run adds to the history (the line it writes to <see cref="HighCostBenefitsOptions.HistoryOutput"/>): how <c>--db</c> stores them.</param>
    /// <exception cref="InvalidDataException">An input is not sorted by household, or not UTF-8 (the message names the file and line).</exception>
    /// <exception cref="OperationCanceledException">Cancelled: nothing is left but the inputs.</exception>
    public HighCostBenefitsSummary Run(HighCostBenefitsOptions options, IProgress<BatchProgress>? progress, CancellationToken cancel, Action<HighCostHistoryLineJson>? benefitMonth = null)
    {
        string[] targets = [options.Output, options.HistoryOutput, options.ErrorsOutput];
        var partials = targets.Select(AtomicFiles.PartialOf).ToArray();
        try
        {
            HighCostBenefitsSummary summary;
            using (var claims = new FileStream(options.Claims, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 20))
            using (var history = new FileStream(options.History, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 20))
            using (var output = new FileStream(partials[0], FileMode.Create, FileAccess.Write, FileShare.None, 1 << 20))
            using (var historyOut = new FileStream(partials[1], FileMode.Create, FileAccess.Write, FileShare.None, 1 << 20))
            using (var errors = new FileStream(partials[2], FileMode.Create, FileAccess.Write, FileShare.None, 1 << 16))
            {
                var run = new HighCostRunState(rs, options, claims, new HistoryCursor(options, history), new HighCostRunWriter(rs, options, output, historyOut, errors, benefitMonth), progress, cancel);
                try
                {
                    summary = run.Execute();
                }
                catch
                {
                    run.Abandon();
                    throw;
                }
                foreach (var s in new[] { output, historyOut, errors }) s.Flush(flushToDisk: true);
            }
            for (var i = 0; i < targets.Length; i++) File.Move(partials[i], targets[i], overwrite: true);
            return summary;
        }
        catch
        {
            foreach (var p in partials) File.Delete(p);
            throw;
        }
    }
}

/// <summary>One household of a chunk: its claims line read, its history lines, and once computed its answer or its refusal.</summary>
internal sealed class HighCostItem
{
    public long Line { get; init; }
    public string? HouseholdId { get; init; }
    public byte[]? Bytes { get; set; }
    public HighCostBenefitRequest? Request { get; set; }
    public List<FieldError>? Problems { get; set; }
    public List<HistoryEntry> History { get; init; } = [];
    public bool PassThrough { get; init; }
    public HighCostBenefitResponse? Response { get; set; }
    public BenefitResult? Result { get; set; }
    public List<ErrorLine> HistoryErrors { get; } = [];
}

/// <summary>A history line read: its line number, its text as read (copied to the updated history) and its fields.</summary>
internal sealed record HistoryEntry(long Line, string Text, HighCostHistoryLineJson Json);

/// <summary>
/// Reads the history file in step with the claims: <see cref="Take"/> returns the lines of the households before the one
/// asked (to be copied through) and that household's lines. The file must be sorted by <c>householdId</c>.
/// </summary>
internal sealed class HistoryCursor(HighCostBenefitsOptions options, FileStream input)
{
    private readonly StreamReader _reader = new(input, new UTF8Encoding(false, throwOnInvalidBytes: true), false, 1 << 16);
    private HistoryEntry? _next;
    private string? _last;
    private long _line, _lastLine;
    private bool _done;

    /// <summary>History lines read (refused ones included).</summary>
    public long Lines { get; private set; }

    /// <summary>Lines refused (the error to write, with the household when the line names one safely).</summary>
    public List<(string? HouseholdId, ErrorLine Error)> Refused { get; } = [];

    /// <summary>The lines of households ordered before <paramref name="householdId"/> (null: all the rest), grouped per household, then that household's lines.</summary>
    public (List<List<HistoryEntry>> Before, List<HistoryEntry> Own) Take(string? householdId)
    {
        var before = new List<List<HistoryEntry>>();
        var own = new List<HistoryEntry>();
        while (Peek() is { } e)
        {
            var c = householdId is null ? -1 : string.CompareOrdinal(e.Json.HouseholdId, householdId);
            if (c > 0) break;
            _next = null;
            if (c == 0) own.Add(e);
            else if (before.Count > 0 && before[^1][0].Json.HouseholdId == e.Json.HouseholdId) before[^1].Add(e);
            else before.Add([e]);
        }
        return (before, own);
    }

    private HistoryEntry? Peek()
    {
        while (_next is null && !_done)
        {
            if (_reader.ReadLine() is not { } text)
            {
                _done = true;
                break;
            }
            _line++;
            if (text.Length == 0) continue;
            Lines++;
            _next = Read(text);
        }
        return _next;
    }

    private HistoryEntry? Read(string text)
    {
        var bytes = Encoding.UTF8.GetBytes(text);
        if (IndividualNumberScan.Find(bytes) is { } found) return Refuse(null, [found]);
        HighCostHistoryLineJson? json;
        try
        {
            json = JsonSerializer.Deserialize<HighCostHistoryLineJson>(bytes, KokuhoJson.Options);
        }
        catch (JsonException e)
        {
            return Refuse(SnapshotReader.SafeIdOf(bytes, "householdId"u8), [JsonErrors.For(e)]);
        }
        if (json is null) return Refuse(null, [new FieldError("$", "is not an object")]);
        var errors = new List<FieldError>();
        var id = SnapshotReader.ReadId(json.HouseholdId, "$", "householdId", errors);
        if (id is null) return Refuse(null, errors);
        if (_last is not null && string.CompareOrdinal(id, _last) < 0)
            throw new InvalidDataException($"{options.History}:{_line}: this household comes before that of line {_lastLine}: the history must be sorted by householdId (ordinal)");
        (_last, _lastLine) = (id, _line);
        return new HistoryEntry(_line, text, json);
    }

    private HistoryEntry? Refuse(string? householdId, IReadOnlyList<FieldError> problems)
    {
        Refused.Add((householdId, HighCostRunWriter.Error("history", _line, problems)));
        return null;
    }
}

/// <summary>
/// Reads the claims, joins each household's history, hands chunks to workers and writes the chunks done in the order read.
/// </summary>
internal sealed class HighCostRunState(HighCostRuleSet rs, HighCostBenefitsOptions options, FileStream input, HistoryCursor history, HighCostRunWriter writer,
    IProgress<BatchProgress>? progress, CancellationToken cancel)
{
    private readonly System.Diagnostics.Stopwatch _clock = System.Diagnostics.Stopwatch.StartNew();
    private readonly Queue<Task<List<HighCostItem>>> _pending = new();
    private List<HighCostItem> _chunk = [];
    private readonly List<(string? HouseholdId, ErrorLine Error)> _waiting = [];
    private string? _last;
    private long _lastLine, _households;

    public HighCostBenefitsSummary Execute()
    {
        writer.Begin();
        using var reader = new StreamReader(input, new UTF8Encoding(false, throwOnInvalidBytes: true), false, 1 << 16);
        long line = 0;
        while (reader.ReadLine() is { } text)
        {
            line++;
            if (text.Length == 0) continue;
            var item = Read(text, line);
            _chunk.Add(item);
            if (!item.PassThrough) _households++;
            if (_households % options.HouseholdsPerChunk == 0) Flush(0);
        }
        var end = new HighCostItem { Line = line + 1, PassThrough = true };
        Join(end, null);
        _chunk.Add(end);
        Flush(-1);
        return writer.Summary(history.Lines);
    }

    /// <summary>
    /// A claims line joined to its history by its household id (found without reading the whole line; a worker reads it,
    /// <see cref="Parse"/>); the history of households before it goes first in the chunk.
    /// </summary>
    private HighCostItem Read(string text, long line)
    {
        var bytes = Encoding.UTF8.GetBytes(text);
        var id = SnapshotReader.SafeIdOf(SnapshotReader.TopLevelValue(bytes, "household"u8));
        if (id is not null)
        {
            if (_last is not null && string.CompareOrdinal(id, _last) <= 0)
                throw new InvalidDataException($"{options.Claims}:{line}: this household comes {(id == _last ? "again after" : "before that of")} line {_lastLine}: the claims must be sorted by household.id (ordinal), each household once");
            (_last, _lastLine) = (id, line);
        }
        var item = new HighCostItem { Line = line, HouseholdId = id, Bytes = bytes };
        Join(item, id);
        return item;
    }

    /// <summary>The claims line read by the API's contract (on a worker): the request, or the problems refusing the line.</summary>
    private (HighCostBenefitRequest?, List<FieldError>?) Parse(byte[] bytes)
    {
        if (IndividualNumberScan.Find(bytes) is { } found) return (null, [found]);
        try
        {
            return JsonSerializer.Deserialize<HighCostBenefitRequest>(bytes, KokuhoJson.Options) is { } request
                ? (request, LineFields(request))
                : (null, [new FieldError("$", "is not an object")]);
        }
        catch (JsonException e)
        {
            return (null, [JsonErrors.For(e)]);
        }
    }

    /// <summary>What a claims line must leave to the command: the run's insurer, care month and options, the history file.</summary>
    private List<FieldError>? LineFields(HighCostBenefitRequest r)
    {
        var errors = new List<FieldError>();
        if (r.Insurer is not null && r.Insurer != options.Insurer) errors.Add(new FieldError("insurer", "is not the run's --insurer (leave it out of a claims line)"));
        if (r.CareMonth is { } m && m != options.CareMonth) errors.Add(new FieldError("careMonth", "is not the run's --care-month (leave it out of a claims line)"));
        if (r.History is not null) errors.Add(new FieldError("history", "comes from --history (leave it out of a claims line)"));
        if (r.Trial is not null || r.RulesetVersion is not null || r.AsOf is not null)
            errors.Add(new FieldError(r.Trial is not null ? "trial" : r.RulesetVersion is not null ? "rulesetVersion" : "asOf", "is set for the whole run by the command's options (leave it out of a claims line)"));
        return errors.Count > 0 ? errors : null;
    }

    /// <summary>The history of the households before <paramref name="id"/> (copied through) and of <paramref name="id"/>; refused history lines of that household refuse it.</summary>
    private void Join(HighCostItem item, string? id)
    {
        var (before, own) = item.PassThrough || id is not null ? history.Take(id) : ([], []);
        foreach (var group in before) _chunk.Add(new HighCostItem { Line = group[0].Line, HouseholdId = group[0].Json.HouseholdId, PassThrough = true, History = group });
        item.History.AddRange(own);
        _waiting.AddRange(history.Refused);
        history.Refused.Clear();
        for (var i = 0; i < _waiting.Count; i++)
        {
            var (hid, error) = _waiting[i];
            // A line naming no household is written now; one naming a household waits for it (the end of the input takes all).
            var c = hid is null || (id is null && item.PassThrough) ? -1 : id is null ? 1 : string.CompareOrdinal(hid, id);
            if (c > 0) continue;
            item.HistoryErrors.Add(error);
            if (c == 0 && !item.PassThrough)
                (item.Problems ??= []).Add(new FieldError("history", $"a history line of this household was refused (history line {error.Line})"));
            _waiting.RemoveAt(i--);
        }
    }

    /// <summary>Hands the chunk to a worker; writes the chunks done in order, keeping <see cref="HighCostBenefitsOptions.Workers"/> at work (<paramref name="keep"/> 0) or none (−1).</summary>
    private void Flush(int keep)
    {
        cancel.ThrowIfCancellationRequested();
        if (_chunk.Count > 0)
        {
            var chunk = _chunk;
            _chunk = [];
            _pending.Enqueue(Task.Run(() => Compute(chunk), cancel));
        }
        while (_pending.Count > (keep < 0 ? 0 : options.Workers))
        {
            foreach (var item in _pending.Dequeue().GetAwaiter().GetResult()) writer.Write(item);
            progress?.Report(new BatchProgress(_households, writer.Refused, input.Position, input.Length, _clock.Elapsed));
        }
    }

    private List<HighCostItem> Compute(List<HighCostItem> chunk)
    {
        foreach (var item in chunk)
        {
            if (item.PassThrough) continue;
            var (read, problems) = Parse(item.Bytes!);
            item.Bytes = null;
            item.Request = read;
            if (problems is not null) item.Problems = [.. problems, .. item.Problems ?? []];
            if (item.Problems is not null || read is null) continue;
            var request = read with
            {
                Insurer = options.Insurer, CareMonth = options.CareMonth, Trial = options.Trial,
                History = item.History.Select(h => new BenefitMonthJson { CareMonth = h.Json.CareMonth, BenefitPaid = h.Json.BenefitPaid, OutpatientOnly = h.Json.OutpatientOnly, Insurer = h.Json.Insurer }).ToArray(),
            };
            var (response, result, failure) = HighCostService.Compute(rs, request, trace: false);
            if (failure is not null) item.Problems = [.. failure.Errors];
            (item.Response, item.Result) = (response, result);
        }
        return chunk;
    }

    /// <summary>Waits for the chunks still being computed when the run stops early (their results are not written).</summary>
    public void Abandon()
    {
        foreach (var task in _pending)
            try { task.Wait(); }
            catch (AggregateException) { /* the run failed or was cancelled already */ }
    }
}

/// <summary>Writes a run's three files in the order read, and counts what the summary says.</summary>
internal sealed class HighCostRunWriter(HighCostRuleSet rs, HighCostBenefitsOptions options, Stream output, Stream history, Stream errors, Action<HighCostHistoryLineJson>? benefitMonth)
{
    // Japanese category names as they are, not \u escapes: the files are read by staff.
    private static readonly JsonSerializerOptions Json = new(KokuhoJson.Options) { Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping };
    private static readonly byte[] NewLine = "\n"u8.ToArray();
    private readonly RuleSetVersionLine _ruleset = new(rs.Version, rs.Hash);
    private readonly Dictionary<string, HighCostCategoryTotal> _byCategory = new(StringComparer.Ordinal);
    private long _households, _claims, _withBenefit, _manyTimes, _total, _newMonths;

    /// <summary>Lines refused so far (both files).</summary>
    public long Refused { get; private set; }

    /// <summary>The CSV header (and byte order mark) when the results are CSV.</summary>
    public void Begin()
    {
        if (options.Format != ResultFormat.Csv) return;
        if (options.CsvBom) output.Write("\uFEFF"u8);
        output.Write(Encoding.UTF8.GetBytes(HighCostFileRun.CsvHeader + "\n"));
    }

    /// <summary>An error line of <paramref name="file"/> (<c>claims</c> or <c>history</c>): fields and messages, never values.</summary>
    public static ErrorLine Error(string file, long line, IEnumerable<FieldError> problems) =>
        new(file, line, problems.Select(p => new FieldError(p.Field.StartsWith("$.", StringComparison.Ordinal) ? p.Field[2..] : p.Field, p.Message)).ToArray());

    public void Write(HighCostItem item)
    {
        foreach (var e in item.HistoryErrors) Refuse(e);
        if (item.Problems is not null) RefuseItem(item);
        else if (item.Response is { } r) WriteResult(item, r);
        foreach (var h in item.History)
        {
            history.Write(Encoding.UTF8.GetBytes(h.Text));
            history.Write(NewLine);
        }
        if (item.Result is { Benefit: > 0 } result)
        {
            var month = new HighCostHistoryLineJson { HouseholdId = item.HouseholdId, CareMonth = options.CareMonth, BenefitPaid = result.Benefit, OutpatientOnly = result.OutpatientOnly };
            Serialize(history, month);
            benefitMonth?.Invoke(month);
            _newMonths++;
        }
    }

    /// <summary>The household's problems, each on the line it is about: <c>history[i]…</c> on the history line of the i-th month given.</summary>
    private void RefuseItem(HighCostItem item)
    {
        var claims = new List<FieldError>();
        foreach (var p in item.Problems!)
        {
            if (HistoryIndex(p.Field) is ({ } i, var rest) && i < item.History.Count) Refuse(Error("history", item.History[i].Line, [new FieldError(rest, p.Message)]));
            else claims.Add(p);
        }
        if (claims.Count > 0) Refuse(Error("claims", item.Line, claims));
    }

    private static (int?, string) HistoryIndex(string field)
    {
        var close = field.IndexOf(']');
        if (!field.StartsWith("history[", StringComparison.Ordinal) || close < 0
            || !int.TryParse(field.AsSpan(8, close - 8), NumberStyles.None, CultureInfo.InvariantCulture, out var i)) return (null, field);
        var rest = close + 2 <= field.Length ? field[(close + 2)..] : "";
        return (i, rest.Length > 0 ? rest : "$");
    }

    private void Refuse(ErrorLine e)
    {
        Refused++;
        Serialize(errors, e);
    }

    private void WriteResult(HighCostItem item, HighCostBenefitResponse r)
    {
        _households++;
        _claims += item.Request!.Claims?.Count ?? 0;
        var with = r.Benefit > 0 ? 1 : 0;
        if (r.ManyTimes) _manyTimes++;
        _withBenefit += with;
        _total += r.Benefit;
        var c = _byCategory.GetValueOrDefault(r.Category) ?? new HighCostCategoryTotal(0, 0, 0);
        _byCategory[r.Category] = new HighCostCategoryTotal(c.Households + 1, c.WithBenefit + with, c.Benefit + r.Benefit);
        if (options.Format == ResultFormat.Jsonl)
        {
            Serialize(output, new HighCostBenefitLine(item.HouseholdId!, r.Benefit, r.Category, r.ManyTimes, r.PriorBenefitMonths, r.Limit, r.Steps, r.HalvedBy, _ruleset, r.Trial));
            return;
        }
        var steps = string.Join(' ', r.Steps.Select(s => $"{s.Level}{(s.MemberId is null ? "" : "/" + s.MemberId)}:{s.Benefit.ToString(CultureInfo.InvariantCulture)}"));
        var halved = string.Join(' ', r.HalvedBy.Select(h => $"{h.Reason}{(h.MemberId is null ? "" : "/" + h.MemberId)}:{h.Share}"));
        output.Write(Encoding.UTF8.GetBytes(string.Join(',', item.HouseholdId, r.Benefit.ToString(CultureInfo.InvariantCulture), r.Category, r.ManyTimes ? "true" : "false",
            r.PriorBenefitMonths.ToString(CultureInfo.InvariantCulture), r.Limit.ToString(CultureInfo.InvariantCulture), steps, halved, rs.Version, rs.Hash, r.Trial ? "true" : "false") + "\n"));
    }

    private static void Serialize<T>(Stream stream, T value)
    {
        stream.Write(JsonSerializer.SerializeToUtf8Bytes(value, Json));
        stream.Write(NewLine);
    }

    public HighCostBenefitsSummary Summary(long historyLines) =>
        new(_households, _claims, historyLines, Refused, _withBenefit, _manyTimes, _total, _newMonths, _byCategory);
}
