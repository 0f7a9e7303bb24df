using System.Text.Json;
using System.Text;
using KokuhoRules.Engine.Joins;
using KokuhoRules.Engine.Storage;
using KokuhoRules.Rules.Batch;
using KokuhoRules.Rules.Snapshots;
using NodaTime;

namespace KokuhoRules.Rules.HighCost.Continuity;

/// <summary>What a continuity judgement needs of the prefecture's rule set.</summary>
/// <param name="Prefecture">The prefecture's id (the rule set's insurer).</param>
/// <param name="Rules">The continuity rules.</param>
/// <param name="ResolveCity">A municipality of the prefecture by id, name or code → its id; null when it is none.</param>
/// <param name="CarriedFrom">The first care month carried across insurers (2018-04).</param>
/// <param name="WindowMonths">The 多数回 window (12).</param>
public sealed record ContinuitySettings(string Prefecture, JoinRules Rules, Func<string, string?> ResolveCity, YearMonth CarriedFrom, int WindowMonths)
{
    /// <summary>The settings of a high-cost rule set: its continuity rules, its municipalities (by id, name or code), <c>manyTimes.carriedAcrossInsurersFrom</c> and <c>manyTimes.windowMonths</c>.</summary>
    /// <exception cref="InvalidOperationException">The rule set has no continuity rules.</exception>
    public static ContinuitySettings From(HighCostRuleSet rs)
    {
        ArgumentNullException.ThrowIfNull(rs);
        var cities = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        foreach (var m in rs.Parameters.Continuity.Municipalities)
        {
            cities.TryAdd(m.Id, m.Id);
            cities.TryAdd(m.Name, m.Id);
            cities.TryAdd(m.LocalGovernmentCode, m.Id);
        }
        var rules = rs.ContinuityRules ?? throw new InvalidOperationException($"the rule set {rs.Insurer.Id}/{rs.FiscalYear} has no continuity rules");
        var from = HighCostRuleSetCompiler.ParseMonth(rs.Parameters.ManyTimes.CarriedAcrossInsurersFrom)!.Value;
        return new ContinuitySettings(rs.Insurer.Id, rules, city => cities.GetValueOrDefault(city.Trim()), from, rs.Parameters.ManyTimes.WindowMonths);
    }
}

/// <summary>One line of a moves file: a move record (with <c>side</c>) or an event (<c>personKey</c>, <c>kind</c>, <c>date</c>).</summary>
public sealed record MoveLineJson
{
    /// <summary><c>moveOut</c> (転出) or <c>moveIn</c> (転入).</summary>
    public string? Side { get; init; }

    /// <summary>The city recording the move (id, name or 全国地方公共団体コード of one of the prefecture's municipalities).</summary>
    public string? Insurer { get; init; }

    /// <summary>The day of the move (転出日 / 転入日), within the batch's month.</summary>
    public LocalDate? MoveDate { get; init; }

    /// <summary>For a move-out to another prefecture (県外転出): that prefecture.</summary>
    public string? ToPrefecture { get; init; }

    /// <summary>The household as the city records it (the household contract).</summary>
    public HouseholdJson? Household { get; init; }

    public string? PersonKey { get; init; }
    public string? Kind { get; init; }
    public LocalDate? Date { get; init; }
}

/// <summary>One line of a history file: a month of the move-out city's high-cost history of one of its households.</summary>
public sealed record HistoryLineJson
{
    public string? Insurer { get; init; }
    public string? HouseholdId { get; init; }
    public YearMonth? CareMonth { get; init; }
    /// <summary>The benefit paid or applied at the window that month (yen; 0 for none).</summary>
    public long? BenefitPaid { get; init; }
    public bool? OutpatientOnly { get; init; }
}

/// <summary>What a prefecture's month batch is asked to do.</summary>
/// <param name="Output">The folder written: built as <c>&lt;out&gt;.partial</c> and renamed when complete (an older folder of that name is replaced only then).</param>
/// <param name="CasesPerChunk">Candidates judged per round (on <paramref name="Workers"/> sessions at once) before their decisions are written.</param>
/// <param name="CasesPerSession">Candidates judged in one NRules session.</param>
public sealed record ContinuityBatchOptions(YearMonth Month, string Moves, string History, string Output, int Workers, int CasesPerChunk = 8192,
    int CasesPerSession = ContinuityJudgement.DefaultCasesPerSession);

/// <summary>What a batch read, decided and handed over: the summary the CLI prints (and <c>summary.json</c>).</summary>
public sealed record ContinuityBatchSummary(long MoveRecords, long Events, long HistoryLines, long RefusedLines, long Candidates, long Continuous, long NotContinuous,
    long LeftOut, long UnmatchedMoveOuts, long UnmatchedMoveIns, long MonthsHandedOver, IReadOnlyDictionary<string, long> ByCriterion, IReadOnlyDictionary<string, long> HandedOverByCity);

/// <summary>
/// The prefecture's month (the federation's 高額該当回数の引継業務, §B7): reads the cities' move records and events,
/// extracts the candidate households (継続候補世帯リスト, <c>candidates.jsonl</c>), decides each with the continuity
/// rules in partitioned NRules sessions (継続世帯確定リスト, <c>decisions.jsonl</c>: criterion, rule and reference), then
/// streams the move-out cities' history and writes, per move-in city, the months to take over
/// (転出地市区町村高額該当情報, <c>takeover/&lt;city&gt;.jsonl</c>). Refused lines go to <c>errors.jsonl</c> by file, line
/// and field, never their values; a candidate with a person whose event line was refused is left out (its decision
/// could be wrong). The move records are held compactly (ids only; no birth date or income is kept); the history is
/// streamed. Everything is written in <c>&lt;out&gt;.partial</c>, renamed when complete.
/// </summary>
public sealed class ContinuityFileRun(ContinuitySettings settings)
{
    public const string CandidatesFile = "candidates.jsonl", DecisionsFile = "decisions.jsonl", TakeoverFolder = "takeover", ErrorsFile = "errors.jsonl", SummaryFile = "summary.json";

    /// <exception cref="OperationCanceledException">Cancelled: nothing is left but the inputs.</exception>
    /// <exception cref="InvalidDataException">An input is not UTF-8.</exception>
    /// <param name="results">Called, in the order written, with each decision and each month handed over: how <c>--db</c> stores them.</param>
    public ContinuityBatchSummary Run(ContinuityBatchOptions options, IProgress<BatchProgress>? progress, CancellationToken cancel, ContinuityResultSinks? results = null)
    {
        var partial = AtomicFiles.PartialOf(options.Output.TrimEnd(Path.DirectorySeparatorChar, '/'));
        if (Directory.Exists(partial)) Directory.Delete(partial, recursive: true);
        Directory.CreateDirectory(partial);
        try
        {
            var summary = new Run_(settings, options, partial, progress, cancel, results).Execute();
            ReplaceFolder(partial, options.Output);
            return summary;
        }
        catch
        {
            if (Directory.Exists(partial)) Directory.Delete(partial, recursive: true);
            throw;
        }
    }

    /// <summary>Puts the complete folder <paramref name="complete"/> in the place of <paramref name="target"/> (an older folder there is deleted first).</summary>
    public static void ReplaceFolder(string complete, string target)
    {
        target = target.TrimEnd(Path.DirectorySeparatorChar, '/');
        if (Directory.Exists(target)) Directory.Delete(target, recursive: true);
        Directory.Move(complete, target);
    }

    private sealed class Run_(ContinuitySettings settings, ContinuityBatchOptions options, string folder, IProgress<BatchProgress>? progress, CancellationToken cancel,
        ContinuityResultSinks? results)
    {
        private readonly System.Diagnostics.Stopwatch _clock = System.Diagnostics.Stopwatch.StartNew();
        private readonly List<MoveRecord> _moves = [];
        private readonly List<PersonEvent> _events = [];
        private readonly HashSet<string> _refusedPersons = new(StringComparer.Ordinal);
        private readonly HashSet<(string, string, string)> _households = [];
        private readonly Dictionary<string, long> _byCriterion = new(StringComparer.Ordinal);
        private readonly Dictionary<string, long> _byCity = new(StringComparer.Ordinal);
        // Japanese rule names and references as they are, not \u escapes: the lists are read by staff.
        private readonly Utf8JsonWriter _json = new(Stream.Null, new JsonWriterOptions { Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping });
        private readonly System.Buffers.ArrayBufferWriter<byte> _line = new(1 << 12);
        private long _historyLines, _refused, _continuous, _notContinuous, _leftOut, _handedOver;
        private Stream _errors = Stream.Null;

        public ContinuityBatchSummary Execute()
        {
            using var errors = Create(ErrorsFile);
            _errors = errors;
            ReadMoves();
            var extraction = ContinuityCandidates.Extract(_moves, _events);
            var carry = Decide(extraction.Cases);
            HandOver(carry);
            var summary = new ContinuityBatchSummary(_moves.Count, _events.Count, _historyLines, _refused, extraction.Cases.Count, _continuous, _notContinuous, _leftOut,
                extraction.UnmatchedMoveOuts, extraction.UnmatchedMoveIns, _handedOver, _byCriterion, _byCity);
            using (var s = Create(SummaryFile))
                JsonSerializer.Serialize(s, summary, new JsonSerializerOptions(KokuhoJson.Options) { WriteIndented = true, Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping });
            errors.Flush();
            return summary;
        }

        private FileStream Create(string name) => new(Path.Combine(folder, name), FileMode.CreateNew, FileAccess.Write, FileShare.None, 1 << 16);

        private void ReadMoves() =>
            ParallelLines.ForEach(options.Moves, options.Workers, ParseMoveLine, ApplyMoveLine, cancel,
                input => progress?.Report(new BatchProgress(_moves.Count + _events.Count, _refused, input.Position, input.Length, _clock.Elapsed)));

        /// <summary>A move file's line as read: its problems (and the safe key of an event line's person), or the event or move it holds.</summary>
        private sealed record MoveLine(IReadOnlyList<FieldError>? Problems, string? RefusedPerson = null, PersonEvent? Event = null, MoveRecord? Move = null);

        /// <summary>Reads one line of the moves file (no state: lines are parsed in parallel).</summary>
        private MoveLine ParseMoveLine(string text, long line)
        {
            var bytes = Encoding.UTF8.GetBytes(text);
            if (IndividualNumberScan.Find(bytes) is { } found) return new MoveLine([found]);
            MoveLineJson? json;
            try
            {
                json = JsonSerializer.Deserialize<MoveLineJson>(bytes, KokuhoJson.Options);
            }
            catch (JsonException e)
            {
                return new MoveLine([JsonErrors.For(e)]);
            }
            if (json is null) return new MoveLine([new FieldError("$", "is not an object")]);
            var errors = new List<FieldError>();
            var (ev, move) = json.Side is null && json.Kind is not null ? (ReadEventLine(json, errors), null) : ((PersonEvent?)null, ReadMoveRecord(json, line, errors));
            if (errors.Count == 0) return new MoveLine(null, Event: ev, Move: move);
            // A refused line without a side names a person whose other lines are then left out, when its key is safe to keep.
            return new MoveLine(errors, json is { Side: null, PersonKey: { } key } ? SnapshotReader.SafeId(key) : null);
        }

        /// <summary>Takes a parsed line in file order: refuses it, or adds its event or move (a household sent twice by a side is refused here).</summary>
        private void ApplyMoveLine(MoveLine read, long line)
        {
            if (read.Move is { } move && !_households.Add((move.Side, move.Household.Insurer, move.Household.HouseholdId)))
                read = new MoveLine([new FieldError("household.id", $"the city already sent a {move.Side} of this household this month: each household once per side")]);
            if (read.Problems is { } problems)
            {
                if (read.RefusedPerson is { } person) _refusedPersons.Add(person);
                Refuse("moves", line, problems);
                return;
            }
            if (read.Event is { } e) _events.Add(e);
            if (read.Move is { } m) _moves.Add(m);
        }

        private static PersonEvent? ReadEventLine(MoveLineJson json, List<FieldError> errors)
        {
            if (json.Insurer is not null || json.MoveDate is not null || json.ToPrefecture is not null || json.Household is not null)
                errors.Add(new FieldError("kind", "an event line (with a kind) takes personKey, kind and date only"));
            return ContinuityReader.ReadEvent(new PersonEventJson { PersonKey = json.PersonKey, Kind = json.Kind, Date = json.Date }, "$", errors);
        }

        private MoveRecord? ReadMoveRecord(MoveLineJson json, long line, List<FieldError> errors)
        {
            if (json.PersonKey is not null || json.Kind is not null || json.Date is not null)
                errors.Add(new FieldError("side", "a move line (with a side) takes side, insurer, moveDate, toPrefecture and household only"));
            if (json.Side is not (MoveSides.MoveOut or MoveSides.MoveIn)) errors.Add(new FieldError("side", "is required: \"moveOut\" (転出) or \"moveIn\" (転入)"));
            var insurer = ContinuityReader.ReadInsurer(json.Insurer, true, settings.ResolveCity, "insurer", errors);
            if (json.MoveDate is not { } date) errors.Add(new FieldError("moveDate", "is required"));
            else if (date.ToYearMonth() != options.Month) errors.Add(new FieldError("moveDate", "is not in the month of the batch (--month)"));
            string? toPrefecture = null;
            if (json.ToPrefecture is not null)
            {
                if (json.Side != MoveSides.MoveOut) errors.Add(new FieldError("toPrefecture", "is for a move-out only (県外転出)"));
                toPrefecture = ContinuityReader.ReadPrefecture(json.ToPrefecture, settings.Prefecture, "toPrefecture", errors);
                if (toPrefecture == settings.Prefecture) toPrefecture = null;
            }
            var household = ContinuityReader.ReadHousehold(json.Household, insurer ?? "", settings.Prefecture, "household", errors);
            return errors.Count > 0 ? null : new MoveRecord(json.Side!, json.MoveDate!.Value, household!, toPrefecture, line);
        }

        /// <summary>Decides the candidates chunk by chunk; returns the continuous ones by move-out household (city, id).</summary>
        /// <summary>
        /// Decides the candidates chunk by chunk, the next chunk decided on the workers while this thread writes the chunk
        /// before it; returns the continuous ones by move-out household (city, id).
        /// </summary>
        private Dictionary<(string, string), List<(ContinuityCase Case, List<BenefitMonth> Months)>> Decide(IReadOnlyList<ContinuityCase> cases)
        {
            var carry = new Dictionary<(string, string), List<(ContinuityCase, List<BenefitMonth>)>>();
            using var candidates = Create(CandidatesFile);
            using var decisions = Create(DecisionsFile);
            (int Start, int End, List<ContinuityCase> Chunk, Task<IReadOnlyList<ContinuityDecision>> Decided)? pending = null;
            try
            {
                for (var start = 0; start < cases.Count; start += options.CasesPerChunk)
                {
                    cancel.ThrowIfCancellationRequested();
                    var end = Math.Min(cases.Count, start + options.CasesPerChunk);
                    var chunk = new List<ContinuityCase>(end - start);
                    for (var i = start; i < end; i++)
                    {
                        if (cases[i].MoveOut.MemberKeys.Concat(cases[i].MoveIn.MemberKeys).Any(_refusedPersons.Contains)) _leftOut++;
                        else chunk.Add(cases[i]);
                    }
                    var next = (start, end, chunk, Task.Run(() => ContinuityJudgement.Decide(settings.Rules, chunk, options.Workers, options.CasesPerSession), cancel));
                    if (pending is { } done) WriteChunk(cases, done.Start, done.End, done.Chunk, done.Decided.GetAwaiter().GetResult(), candidates, decisions, carry);
                    pending = next;
                }
                if (pending is { } last) WriteChunk(cases, last.Start, last.End, last.Chunk, last.Decided.GetAwaiter().GetResult(), candidates, decisions, carry);
                pending = null;
            }
            finally
            {
                // Stopped early: the chunk still being decided is waited for, its decisions not written.
                try { pending?.Decided.Wait(); }
                catch (AggregateException) { /* the run failed or was cancelled already */ }
            }
            return carry;
        }

        /// <summary>Writes a chunk's candidates (those left out included) and decisions in case order, and counts and gathers the continuous ones.</summary>
        private void WriteChunk(IReadOnlyList<ContinuityCase> cases, int start, int end, List<ContinuityCase> chunk, IReadOnlyList<ContinuityDecision> decided, Stream candidates,
            Stream decisions, Dictionary<(string, string), List<(ContinuityCase, List<BenefitMonth>)>> carry)
        {
            for (var i = start; i < end; i++)
            {
                var c = cases[i];
                Write(candidates, new CandidateLine(c.CaseId, c.MoveDate, Side(c.MoveOut), Side(c.MoveIn), c.Events.Select(e => new EventKindLine(e.PersonKey, e.Kind)).ToArray()));
            }
            for (var i = 0; i < chunk.Count; i++)
            {
                var (c, d) = (chunk[i], decided[i]);
                var decision = new DecisionLine(c.CaseId, c.MoveOut.Insurer, c.MoveOut.HouseholdId, c.MoveIn.Prefecture, c.MoveIn.Insurer, c.MoveIn.HouseholdId,
                    d.Continuous, d.Criterion, d.Rule, d.Reference, d.Confirmed, d.Facts);
                Write(decisions, decision);
                results?.Decision(decision);
                _byCriterion[d.Criterion] = _byCriterion.GetValueOrDefault(d.Criterion) + 1;
                if (!d.Continuous)
                {
                    _notContinuous++;
                    continue;
                }
                _continuous++;
                var key = (c.MoveOut.Insurer, c.MoveOut.HouseholdId);
                if (!carry.TryGetValue(key, out var list)) carry.Add(key, list = []);
                list.Add((c, []));
            }
            progress?.Report(new BatchProgress(end, _refused, 0, 0, _clock.Elapsed));
        }

        private static CandidateSide Side(MoveHousehold h) => new(h.Prefecture, h.Insurer, h.HouseholdId, h.HeadKey, h.MemberKeys);

        /// <summary>Streams the history; gathers the months of continuous households; writes them per move-in city.</summary>
        private void HandOver(Dictionary<(string, string), List<(ContinuityCase Case, List<BenefitMonth> Months)>> carry)
        {
            ParallelLines.ForEach(options.History, options.Workers, ParseHistoryLine, (read, line) =>
            {
                _historyLines++;
                if (read.Problems is { } problems) Refuse("history", line, problems);
                else if (carry.TryGetValue(read.Household, out var targets))
                    foreach (var (_, months) in targets) months.Add(read.Month!);
            }, cancel);
            Directory.CreateDirectory(Path.Combine(folder, TakeoverFolder));
            var writers = new Dictionary<string, FileStream>(StringComparer.Ordinal);
            try
            {
                foreach (var (c, months) in carry.Values.SelectMany(v => v).OrderBy(t => t.Case.MoveIn.Insurer, StringComparer.Ordinal).ThenBy(t => t.Case.CaseId, StringComparer.Ordinal))
                {
                    var carried = ContinuityCarry.Carried(true, c.MoveDate, months, c.MoveOut.Insurer, settings.CarriedFrom, settings.WindowMonths);
                    if (carried.Count == 0) continue;
                    var city = c.MoveIn.Insurer;
                    if (!writers.TryGetValue(city, out var w)) writers.Add(city, w = Create(Path.Combine(TakeoverFolder, city + ".jsonl")));
                    foreach (var m in carried)
                    {
                        var takeover = new TakeoverLine(c.CaseId, city, c.MoveIn.HouseholdId, c.MoveOut.Insurer, c.MoveOut.HouseholdId, m.CareMonth, m.BenefitPaid, m.OutpatientOnly);
                        Write(w, takeover);
                        results?.Takeover(takeover);
                    }
                    _handedOver += carried.Count;
                    _byCity[city] = _byCity.GetValueOrDefault(city) + carried.Count;
                }
            }
            finally
            {
                foreach (var w in writers.Values) w.Dispose();
            }
        }

        /// <summary>A history line as read: the household (city, id) and its benefit month, or the line's problems.</summary>
        private readonly record struct HistoryLine((string, string) Household, BenefitMonth? Month, IReadOnlyList<FieldError>? Problems);

        /// <summary>Reads one line of the history file (no state: lines are parsed in parallel).</summary>
        private HistoryLine ParseHistoryLine(string text, long line)
        {
            var bytes = Encoding.UTF8.GetBytes(text);
            if (IndividualNumberScan.Find(bytes) is { } found) return new HistoryLine(default, null, [found]);
            HistoryLineJson? json;
            try
            {
                json = JsonSerializer.Deserialize<HistoryLineJson>(bytes, KokuhoJson.Options);
            }
            catch (JsonException e)
            {
                return new HistoryLine(default, null, [JsonErrors.For(e)]);
            }
            if (json is null) return new HistoryLine(default, null, [new FieldError("$", "is not an object")]);
            var errors = new List<FieldError>();
            var insurer = ContinuityReader.ReadInsurer(json.Insurer, true, settings.ResolveCity, "insurer", errors);
            var household = SnapshotReader.ReadId(json.HouseholdId, "$", "householdId", errors);
            var month = ContinuityReader.ReadHistoryMonth(new BenefitMonthJson { CareMonth = json.CareMonth, BenefitPaid = json.BenefitPaid, OutpatientOnly = json.OutpatientOnly }, "$",
                insurer ?? "", settings.ResolveCity, errors);
            return errors.Count > 0 ? new HistoryLine(default, null, errors) : new HistoryLine((insurer!, household!), month, null);
        }

        private void Refuse(string file, long line, IReadOnlyList<FieldError> problems)
        {
            _refused++;
            Write(_errors, new ErrorLine(file, line, problems.Select(p => new FieldError(p.Field.StartsWith("$.", StringComparison.Ordinal) ? p.Field[2..] : p.Field, p.Message)).ToArray()));
        }

        private void Write<T>(Stream output, T value)
        {
            _line.ResetWrittenCount();
            _json.Reset(_line);
            JsonSerializer.Serialize(_json, value, KokuhoJson.Options);
            _json.Flush();
            System.Buffers.BuffersExtensions.Write(_line, "\n"u8);
            output.Write(_line.WrittenSpan);
        }
    }
}

/// <summary>Where a continuity run hands each decision and each month taken over, besides its files (<c>--db</c>).</summary>
public sealed record ContinuityResultSinks(Action<DecisionLine> Decision, Action<TakeoverLine> Takeover);

/// <summary>A line of <c>candidates.jsonl</c> (継続候補世帯リスト): the two households of a candidate and its persons' events (kinds only).</summary>
public sealed record CandidateLine(string CaseId, LocalDate MoveDate, CandidateSide MoveOut, CandidateSide MoveIn, IReadOnlyList<EventKindLine> Events);

/// <summary>A household of a candidate: its prefecture, city, id, head and members (pseudonymous keys).</summary>
public sealed record CandidateSide(string Prefecture, string Insurer, string HouseholdId, string HeadKey, IReadOnlyList<string> Members);

/// <summary>An event of a candidate's person, by kind only (its date is not repeated).</summary>
public sealed record EventKindLine(string PersonKey, string Kind);

/// <summary>A line of <c>decisions.jsonl</c> (継続世帯確定リスト).</summary>
public sealed record DecisionLine(string CaseId, string MoveOutInsurer, string MoveOutHouseholdId, string MoveInPrefecture, string MoveInInsurer, string MoveInHouseholdId,
    bool Continuous, string Criterion, string Rule, string Reference, bool Confirmed, IReadOnlyList<JoinedFact> Facts);

/// <summary>A line of <c>takeover/&lt;city&gt;.jsonl</c> (転出地市区町村高額該当情報): a benefit month the move-in city takes over.</summary>
/// <param name="BenefitPaid">The benefit the move-out city paid that month (yen): the month enters the move-in city's history with <c>insurer</c> = the move-out city.</param>
public sealed record TakeoverLine(string CaseId, string MoveInInsurer, string MoveInHouseholdId, string MoveOutInsurer, string MoveOutHouseholdId, YearMonth CareMonth, long BenefitPaid, bool OutpatientOnly);

/// <summary>A line of <c>errors.jsonl</c>: the input file (<c>moves</c> or <c>history</c>), the line and its problems (fields, never values).</summary>
public sealed record ErrorLine(string File, long Line, IReadOnlyList<FieldError> Errors);
