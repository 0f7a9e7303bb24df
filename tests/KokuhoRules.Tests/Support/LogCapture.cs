using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;

namespace KokuhoRules.Tests.Support;

/// <summary>
/// Every log line every test server of the run writes, at every level (Trace up), message and
/// exception: <see cref="PersonalDataGuard"/> checks them for personal data.
/// </summary>
public sealed class LogCapture : ILoggerProvider
{
    public static LogCapture Instance { get; } = new();

    private readonly ConcurrentQueue<(long Seq, string Category, string Text)> _lines = new();
    private long _seq;

    private LogCapture() { }

    /// <summary>The sequence number the next line will get.</summary>
    public long Next => Interlocked.Read(ref _seq) + 1;

    /// <summary>Lines numbered at or after <paramref name="from"/>.</summary>
    public IEnumerable<(long Seq, string Category, string Text)> Since(long from) => _lines.Where(l => l.Seq >= from);

    public int Count => _lines.Count;

    public ILogger CreateLogger(string categoryName) => new Logger(this, categoryName);

    public void Dispose() { }

    private void Add(string category, string text)
    {
        _lines.Enqueue((Interlocked.Increment(ref _seq), category, text));
        // Bounded: keep the last 200,000 lines (a full run writes fewer; checks read recent lines).
        while (_lines.Count > 200_000) _lines.TryDequeue(out _);
    }

    private sealed class Logger(LogCapture capture, string category) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => true;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            var text = formatter(state, exception);
            if (state is IEnumerable<KeyValuePair<string, object?>> values)
                text += " | " + string.Join(" ", values.Select(v => $"{v.Key}={v.Value}"));
            if (exception is not null) text += Environment.NewLine + exception;
            capture.Add(category, $"{logLevel} {text}");
        }
    }
}
