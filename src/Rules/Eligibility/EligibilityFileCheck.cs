using System.Globalization;
using System.Text.Json;
using System.Text;
using KokuhoRules.Engine.Storage;
using KokuhoRules.Rules.Batch;
using KokuhoRules.Rules.Snapshots;
using NodaTime.Text;

namespace KokuhoRules.Rules.Eligibility;

/// <summary>
/// One line of an eligibility input file (JSON Lines): a record (the fields of <see cref="HistoryRecordJson"/>) or,
/// when it has a <c>kind</c>, an event (<c>personKey</c>, <c>kind</c>, <c>date</c>).
/// </summary>
public sealed record EligibilityLineJson
{
    public string? RecordId { get; init; }
    public string? PersonKey { get; init; }
    public string? Insurer { get; init; }
    public NodaTime.LocalDate? QualifiedFrom { get; init; }
    public NodaTime.LocalDate? QualifiedUntil { get; init; }
    public NodaTime.LocalDate? AppliedFrom { get; init; }
    public NodaTime.LocalDate? AppliedUntil { get; init; }
    public string? AcquisitionReason { get; init; }
    public string? LossReason { get; init; }
    public string? Kind { get; init; }
    public NodaTime.LocalDate? Date { get; init; }
}

/// <summary>
/// Reads the common shape of an <see cref="EligibilityLineJson"/> straight from its UTF-8 bytes (a check reads
/// millions of lines): one object of the known camelCase names, each once, every value a string or null, dates as
/// <c>YYYY-MM-DD</c> (<see cref="IsoLocalDateConverter.TryParse"/>). Anything else — an unknown or repeated name, a
/// number, a nested value, an escaped string, an invalid date, trailing text, a value that looks like an individual
/// number — is not read here: the caller scans the line (<see cref="IndividualNumberScan"/>) and gives it to
/// <see cref="JsonSerializer"/>, whose errors name the field as they always did, so a line is accepted or refused
/// exactly as before. A line read here holds no value the scan would refuse (its names are all known).
/// </summary>
public static class EligibilityLineReader
{
    private enum Field { RecordId, PersonKey, Insurer, QualifiedFrom, QualifiedUntil, AppliedFrom, AppliedUntil, AcquisitionReason, LossReason, Kind, Date }

    /// <summary>The line read, or null when it is not of the common shape (and must go through the serializer).</summary>
    public static EligibilityLineJson? TryRead(ReadOnlySpan<byte> line)
    {
        var reader = new Utf8JsonReader(line);
        try
        {
            if (!reader.Read() || reader.TokenType != JsonTokenType.StartObject) return null;
            string? recordId = null, personKey = null, insurer = null, acquisition = null, loss = null, kind = null;
            NodaTime.LocalDate? qualifiedFrom = null, qualifiedUntil = null, appliedFrom = null, appliedUntil = null, date = null;
            var seen = 0;
            while (reader.Read())
            {
                if (reader.TokenType == JsonTokenType.EndObject) break;
                if (reader.TokenType != JsonTokenType.PropertyName || reader.ValueIsEscaped || NameOf(reader.ValueSpan) is not { } field) return null;
                if ((seen & (1 << (int)field)) != 0) return null;
                seen |= 1 << (int)field;
                if (!reader.Read()) return null;
                if (reader.TokenType == JsonTokenType.Null) continue;
                // The scan's test of a value, on the same raw bytes: a line it would refuse is left to it.
                if (reader.TokenType != JsonTokenType.String || reader.ValueIsEscaped
                    || IndividualNumberScan.LooksLikeIndividualNumber(reader.ValueSpan, JsonTokenType.String)) return null;
                switch (field)
                {
                    case Field.RecordId: recordId = reader.GetString(); break;
                    case Field.PersonKey: personKey = reader.GetString(); break;
                    case Field.Insurer: insurer = reader.GetString(); break;
                    case Field.AcquisitionReason: acquisition = reader.GetString(); break;
                    case Field.LossReason: loss = reader.GetString(); break;
                    case Field.Kind: kind = reader.GetString(); break;
                    default:
                        if (!IsoLocalDateConverter.TryParse(reader.ValueSpan, out var d)) return null;
                        switch (field)
                        {
                            case Field.QualifiedFrom: qualifiedFrom = d; break;
                            case Field.QualifiedUntil: qualifiedUntil = d; break;
                            case Field.AppliedFrom: appliedFrom = d; break;
                            case Field.AppliedUntil: appliedUntil = d; break;
                            default: date = d; break;
                        }
                        break;
                }
            }
            if (reader.TokenType != JsonTokenType.EndObject || reader.Read()) return null;
            return new EligibilityLineJson
            {
                RecordId = recordId, PersonKey = personKey, Insurer = insurer, QualifiedFrom = qualifiedFrom, QualifiedUntil = qualifiedUntil,
                AppliedFrom = appliedFrom, AppliedUntil = appliedUntil, AcquisitionReason = acquisition, LossReason = loss, Kind = kind, Date = date,
            };
        }
        catch (JsonException)
        {
            return null;
        }
    }

    private static Field? NameOf(ReadOnlySpan<byte> name) => name switch
    {
        _ when name.SequenceEqual("recordId"u8) => Field.RecordId,
        _ when name.SequenceEqual("personKey"u8) => Field.PersonKey,
        _ when name.SequenceEqual("insurer"u8) => Field.Insurer,
        _ when name.SequenceEqual("qualifiedFrom"u8) => Field.QualifiedFrom,
        _ when name.SequenceEqual("qualifiedUntil"u8) => Field.QualifiedUntil,
        _ when name.SequenceEqual("appliedFrom"u8) => Field.AppliedFrom,
        _ when name.SequenceEqual("appliedUntil"u8) => Field.AppliedUntil,
        _ when name.SequenceEqual("acquisitionReason"u8) => Field.AcquisitionReason,
        _ when name.SequenceEqual("lossReason"u8) => Field.LossReason,
        _ when name.SequenceEqual("kind"u8) => Field.Kind,
        _ when name.SequenceEqual("date"u8) => Field.Date,
        _ => null,
    };
}

/// <summary>A line of an eligibility input as read: the person's key (when safe to keep), and the record or the event, or the line's problems.</summary>
public readonly record struct EligibilityLine(string? Key, HistoryRecord? Record, LifeEvent? Event, IReadOnlyList<FieldError>? Errors);

/// <summary>What a file check is asked to do.</summary>
/// <param name="Input">JSON Lines of records and events, the lines of each person consecutive (sorted or grouped by personKey).</param>
/// <param name="Output">The findings file, written as <c>&lt;out&gt;.partial</c> and renamed when complete; refused lines go to <c>&lt;out&gt;.errors.jsonl</c>.</param>
/// <param name="Workers">Chunks checked at once (each on its own thread and NRules session) while the next chunk is read.</param>
/// <param name="PersonsPerChunk">Persons read before their checks run: at most <paramref name="Workers"/> + 1 chunks are held in memory. Small, so that a
/// chunk's facts die young (measured on 1M records: 8,192 persons → 22 full collections and 6.6 s of GC pauses; 256 → 2 and 1.3 s).</param>
/// <param name="PersonsPerSession">Persons checked in one NRules session (<see cref="EligibilityCheck.DefaultPersonsPerSession"/>).</param>
public sealed record EligibilityFileOptions(string Input, string Output, ResultFormat Format, int Workers, bool CsvBom = true, int PersonsPerChunk = 256,
    int PersonsPerSession = EligibilityCheck.DefaultPersonsPerSession);

/// <summary>What a file check read and found: the summary the CLI prints.</summary>
public sealed record EligibilityFileSummary(long Persons, long Records, long Events, long RefusedLines, long RefusedPersons, long Findings,
    IReadOnlyDictionary<string, long> FindingsByKind, IReadOnlyDictionary<string, long> FindingsByCity);

/// <summary>
/// Checks a file of a prefecture's records and events, streaming: persons are read in chunks (the lines of a person
/// must be consecutive), each chunk checked with <see cref="EligibilityCheck"/>'s rules partitioned by person, its
/// findings appended; only one chunk's facts are held at a time. A line that cannot be read (or looks like it holds
/// an individual number) is written to the errors file by line number and field, never its values, and its person is
/// left out of the checks (their other lines would yield false findings). Output files are written beside their
/// name and renamed when complete.
/// </summary>
public sealed class EligibilityFileCheck(EligibilityRuleSet rs)
{
    /// <summary>The CSV columns, in order.</summary>
    public const string CsvHeader = "kind,personKey,records,days,proposedRecord,proposedField,proposedDate,rule,reference,basis";

    /// <exception cref="InvalidDataException">A person's lines are not consecutive (the message names the line).</exception>
    /// <exception cref="OperationCanceledException">Cancelled: nothing is left but the input.</exception>
    public EligibilityFileSummary Run(EligibilityFileOptions options, IProgress<BatchProgress>? progress, CancellationToken cancel)
    {
        if (!File.Exists(options.Input)) throw new FileNotFoundException($"there is no input file {options.Input}", options.Input);
        return Run(options, progress, cancel, run => run.Execute());
    }

    /// <summary>
    /// Checks the lines <paramref name="source"/> gives (a person's lines consecutive) as <see cref="Run(EligibilityFileOptions, IProgress{BatchProgress}?, CancellationToken)"/>
    /// checks a file's, writing the findings file and handing each finding with its city to <paramref name="sink"/> in
    /// the file's order; <see cref="EligibilityFileOptions.Input"/> names the source in errors.
    /// </summary>
    public EligibilityFileSummary Run(EligibilityFileOptions options, Action<Action<EligibilityLine, long>> source, Action<Finding, string> sink, IProgress<BatchProgress>? progress,
        CancellationToken cancel) =>
        Run(options, progress, cancel, run => run.Execute(options.Input, source), sink);

    private EligibilityFileSummary Run(EligibilityFileOptions options, IProgress<BatchProgress>? progress, CancellationToken cancel, Func<Run_, EligibilityFileSummary> execute,
        Action<Finding, string>? sink = null)
    {
        var partial = AtomicFiles.PartialOf(options.Output);
        var errorsPath = options.Output + ".errors.jsonl";
        var errorsPartial = AtomicFiles.PartialOf(errorsPath);
        try
        {
            EligibilityFileSummary summary;
            using (var output = new FileStream(partial, FileMode.Create, FileAccess.Write, FileShare.None, 1 << 20))
            using (var errors = new FileStream(errorsPartial, FileMode.Create, FileAccess.Write, FileShare.None, 1 << 16))
            {
                var run = new Run_(rs, options, output, errors, progress, cancel, sink);
                try
                {
                    summary = execute(run);
                }
                catch
                {
                    run.Abandon();
                    throw;
                }
                output.Flush(flushToDisk: true);
                errors.Flush(flushToDisk: true);
            }
            File.Move(partial, options.Output, overwrite: true);
            File.Move(errorsPartial, errorsPath, overwrite: true);
            return summary;
        }
        catch
        {
            File.Delete(partial);
            File.Delete(errorsPartial);
            throw;
        }
    }

    /// <summary>
    /// Reads one line of an eligibility input under <paramref name="rs"/> (its reasons and event kinds), every field
    /// checked; a line that looks like it holds an individual number is refused by field, its values never kept.
    /// Thread-safe: lines are parsed in parallel.
    /// </summary>
    public static EligibilityLine Read(EligibilityRuleSet rs, string text)
    {
        var buffer = System.Buffers.ArrayPool<byte>.Shared.Rent(Encoding.UTF8.GetMaxByteCount(text.Length));
        try
        {
            return Read(rs, buffer.AsSpan(0, Encoding.UTF8.GetBytes(text, buffer)));
        }
        finally
        {
            System.Buffers.ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    private static EligibilityLine Read(EligibilityRuleSet rs, ReadOnlySpan<byte> bytes)
    {
        var json = EligibilityLineReader.TryRead(bytes);
        if (json is null)
        {
            if (IndividualNumberScan.Find(bytes) is { } found) return new(null, null, null, [found]);
            try
            {
                json = JsonSerializer.Deserialize<EligibilityLineJson>(bytes, KokuhoJson.Options);
            }
            catch (JsonException e)
            {
                return new(null, null, null, [JsonErrors.For(e)]);
            }
        }
        var errors = new List<FieldError>();
        if (json is null) return new(null, null, null, [new FieldError("$", "is not an object")]);
        var key = json.PersonKey is { } k && SnapshotReader.SafeId(k) is not null && !string.IsNullOrEmpty(k) ? k : null;
        if (json.Kind is not null)
        {
            if (json.RecordId is not null || json.Insurer is not null || json.AppliedFrom is not null || json.AppliedUntil is not null || json.QualifiedFrom is not null
                || json.QualifiedUntil is not null || json.AcquisitionReason is not null || json.LossReason is not null)
                errors.Add(new FieldError("kind", "an event line (with a kind) takes personKey, kind and date only"));
            var ev = EligibilityService.ReadEvent(rs, new LifeEventJson { PersonKey = json.PersonKey, Kind = json.Kind, Date = json.Date }, "$", errors);
            return errors.Count > 0 ? new(key, null, null, errors) : new(key, null, ev, null);
        }
        if (json.Date is not null) errors.Add(new FieldError("date", "a record line takes no date (an event line needs a kind)"));
        var record = EligibilityService.ReadRecord(rs, new HistoryRecordJson
        {
            RecordId = json.RecordId, PersonKey = json.PersonKey, Insurer = json.Insurer, QualifiedFrom = json.QualifiedFrom, QualifiedUntil = json.QualifiedUntil,
            AppliedFrom = json.AppliedFrom, AppliedUntil = json.AppliedUntil, AcquisitionReason = json.AcquisitionReason, LossReason = json.LossReason,
        }, "$", errors);
        return errors.Count > 0 ? new(key, null, null, errors) : new(key, record, null, null);
    }

    private sealed class Run_(EligibilityRuleSet rs, EligibilityFileOptions options, Stream output, Stream errors, IProgress<BatchProgress>? progress, CancellationToken cancel,
        Action<Finding, string>? sink = null)
    {
        private readonly System.Diagnostics.Stopwatch _clock = System.Diagnostics.Stopwatch.StartNew();
        private readonly HashSet<ulong> _seen = [];
        private readonly Dictionary<string, long> _byKind = new(StringComparer.Ordinal);
        private readonly Dictionary<string, long> _byCity = new(StringComparer.Ordinal);
        private readonly Queue<Task<List<(Finding Finding, string City)>>> _pending = new();
        private List<HistoryRecord> _records = [];
        private List<LifeEvent> _events = [];
        private List<string> _chunkOrder = [];
        private readonly Utf8JsonWriter _json = new(Stream.Null);
        private readonly Utf8JsonWriter _errorJson = new(Stream.Null);
        private long _position, _length;
        private long _persons, _recordCount, _eventCount, _refusedLines, _refusedPersons, _findings, _chunkPersons;

        /// <summary>Checks the lines of the input file, parsed on both cores a block at a time and taken in file order.</summary>
        public EligibilityFileSummary Execute() =>
            Execute(options.Input, take => ParallelLines.ForEach(options.Input, options.Workers, (text, _) => EligibilityFileCheck.Read(rs, text), take, cancel,
                stream => (_position, _length) = (stream.Position, stream.Length)));

        /// <summary>
        /// Checks the lines <paramref name="source"/> gives (each with its line number, a person's lines consecutive),
        /// person by person; <paramref name="where"/> names the source in errors.
        /// </summary>
        public EligibilityFileSummary Execute(string where, Action<Action<EligibilityLine, long>> source)
        {
            if (options.Format == ResultFormat.Csv)
            {
                if (options.CsvBom) output.Write("\uFEFF"u8);
                output.Write(Encoding.UTF8.GetBytes(CsvHeader + "\n"));
            }
            string? person = null;
            long personFirstLine = 0;
            var personRefused = false;
            var records = new List<HistoryRecord>();
            var events = new List<LifeEvent>();
            source((read, line) =>
            {
                var (key, record, ev, problems) = read;
                if (key is not null && key != person)
                {
                    EndPerson(records, events, personRefused);
                    if (!_seen.Add(Fnv64(key)))
                        throw new InvalidDataException($"{where}:{line}: this person's lines began before line {personFirstLine} and stopped: the lines of each person must be consecutive (sort the file by personKey)");
                    (person, personFirstLine, personRefused) = (key, line, false);
                }
                if (problems is not null)
                {
                    _refusedLines++;
                    personRefused = true;
                    WriteError(line, problems);
                    return;
                }
                if (record is not null) records.Add(record);
                if (ev is not null) events.Add(ev);
                if (_chunkPersons >= options.PersonsPerChunk) Flush(0);
            });
            EndPerson(records, events, personRefused);
            Flush(-1);
            return new EligibilityFileSummary(_persons, _recordCount, _eventCount, _refusedLines, _refusedPersons, _findings, _byKind, _byCity);
        }

        private void EndPerson(List<HistoryRecord> records, List<LifeEvent> events, bool refused)
        {
            if (records.Count == 0 && events.Count == 0 && !refused) return;
            if (refused) _refusedPersons++;
            else
            {
                _persons++;
                _chunkPersons++;
                _recordCount += records.Count;
                _eventCount += events.Count;
                _records.AddRange(records);
                _events.AddRange(events);
                _chunkOrder.Add(records.Count > 0 ? records[0].PersonKey : events[0].PersonKey);
            }
            records.Clear();
            events.Clear();
        }

        /// <summary>
        /// Hands the chunk read to a worker and writes the findings of the chunks done, in the order they were read:
        /// at most <see cref="EligibilityFileOptions.Workers"/> chunks are checked while the next is read
        /// (<paramref name="keep"/> 0), or none once the input is read (−1).
        /// </summary>
        private void Flush(int keep)
        {
            cancel.ThrowIfCancellationRequested();
            if (_records.Count + _events.Count > 0)
            {
                var (chunkRecords, chunkEvents, chunkPersons) = (_records, _events, _chunkOrder);
                (_records, _events, _chunkOrder) = ([], [], []);
                _pending.Enqueue(Task.Run(() => Check(chunkRecords, chunkEvents, chunkPersons), cancel));
            }
            _chunkPersons = 0;
            while (_pending.Count > (keep < 0 ? 0 : options.Workers))
            {
                foreach (var (f, city) in _pending.Dequeue().GetAwaiter().GetResult())
                {
                    Write(f);
                    sink?.Invoke(f, city);
                    _findings++;
                    _byKind[f.Kind] = _byKind.GetValueOrDefault(f.Kind) + 1;
                    _byCity[city] = _byCity.GetValueOrDefault(city) + 1;
                }
                progress?.Report(new BatchProgress(_persons + _refusedPersons, _refusedLines, _position, _length, _clock.Elapsed));
            }
        }

        /// <summary>
        /// One chunk's findings, each with the city of the record it is about (one session per worker thread), persons in
        /// read order (<paramref name="persons"/>) and, within a person, by rule and fact position: the same file whatever
        /// the chunk size and the persons per session.
        /// </summary>
        private List<(Finding, string)> Check(List<HistoryRecord> records, List<LifeEvent> events, List<string> persons)
        {
            var facts = EligibilityCheck.Facts(rs, records, events);
            var findings = EligibilityCheck.Findings(rs, EligibilityCheck.RunFacts(rs, facts, 1, options.PersonsPerSession));
            var cities = new Dictionary<string, string>(records.Count, StringComparer.Ordinal);
            foreach (var r in records) cities.TryAdd(r.RecordId, r.Insurer);
            var rank = new Dictionary<string, int>(persons.Count, StringComparer.Ordinal);
            for (var i = 0; i < persons.Count; i++) rank.TryAdd(persons[i], i);
            // Findings come by rule, then position; a stable sort by person keeps that order within each person.
            return findings.OrderBy(f => rank.GetValueOrDefault(f.PersonKey, int.MaxValue)).Select(f => (f, cities.GetValueOrDefault(f.Records[0], "?"))).ToList();
        }

        /// <summary>Waits for the chunks still being checked when the run stops early (their findings are not written).</summary>
        public void Abandon()
        {
            foreach (var task in _pending)
                try { task.Wait(); }
                catch (AggregateException) { /* the run failed or was cancelled already: this chunk's error adds nothing */ }
        }

        private void Write(Finding f)
        {
            if (options.Format == ResultFormat.Csv)
            {
                var fields = new[]
                {
                    f.Kind, f.PersonKey, string.Join(' ', f.Records), f.Days?.ToString(CultureInfo.InvariantCulture) ?? "",
                    f.Proposed?.RecordId ?? "", f.Proposed?.Field ?? "", f.Proposed is { } p ? LocalDatePattern.Iso.Format(p.Date) : "",
                    f.Rule, f.Reference, f.Basis ?? "",
                };
                output.Write(Encoding.UTF8.GetBytes(string.Join(',', fields.Select(Csv)) + "\n"));
                return;
            }
            using var buffer = new MemoryStream();
            _json.Reset(buffer);
            JsonSerializer.Serialize(_json, f, KokuhoJson.Options);
            _json.Flush();
            buffer.WriteByte((byte)'\n');
            buffer.WriteTo(output);
        }

        private void WriteError(long line, IReadOnlyList<FieldError> problems)
        {
            using var buffer = new MemoryStream();
            _errorJson.Reset(buffer);
            _errorJson.WriteStartObject();
            _errorJson.WriteNumber("line", line);
            _errorJson.WriteStartArray("errors");
            foreach (var e in problems)
            {
                _errorJson.WriteStartObject();
                _errorJson.WriteString("field", e.Field);
                _errorJson.WriteString("message", e.Message);
                _errorJson.WriteEndObject();
            }
            _errorJson.WriteEndArray();
            _errorJson.WriteEndObject();
            _errorJson.Flush();
            buffer.WriteByte((byte)'\n');
            buffer.WriteTo(errors);
        }

        /// <summary>RFC 4180: a field with a comma, quote or line break is quoted, its quotes doubled.</summary>
        private static string Csv(string field) =>
            field.AsSpan().IndexOfAny(",\"\r\n") < 0 ? field : "\"" + field.Replace("\"", "\"\"", StringComparison.Ordinal) + "\"";

        /// <summary>FNV-1a, 64 bits: the persons seen, without holding their keys (a collision would wrongly report a grouping error, never a wrong finding).</summary>
        private static ulong Fnv64(string key)
        {
            var hash = 14695981039346656037UL;
            foreach (var c in key) hash = (hash ^ c) * 1099511628211UL;
            return hash;
        }
    }
}
