using System.Globalization;
using KokuhoRules.Rules.Batch;

namespace KokuhoRules.Cli;

/// <summary>
/// Shows a run's progress: a bar with households/s and ETA, redrawn in place on a terminal; a plain
/// log line every few seconds when the output is redirected (CI, cron, a log file).
/// </summary>
/// <param name="unit">What the run counts, in the plural (<c>households</c>; <c>persons</c> for an eligibility check).</param>
public sealed class ConsoleProgress(TextWriter writer, bool interactive, string unit = "households") : IProgress<BatchProgress>
{
    private static readonly TimeSpan LogEvery = TimeSpan.FromSeconds(5);
    private TimeSpan? _lastLog;

    public static ConsoleProgress ForStandardError(string unit = "households") => new(Console.Error, !Console.IsErrorRedirected, unit);

    private static double Fraction(BatchProgress p) => p.BytesTotal > 0 ? Math.Clamp((double)p.BytesRead / p.BytesTotal, 0, 1) : 0;

    /// <summary>
    /// The progress line: done, households, households/s and ETA (h:mm:ss) at this session's pace — a
    /// resumed run's earlier sessions count in what is done, not in the rate.
    /// </summary>
    public static string Line(BatchProgress p) => Line(p, "households");

    /// <summary>The progress line, counting <paramref name="unit"/>.</summary>
    public static string Line(BatchProgress p, string unit)
    {
        var fraction = Fraction(p);
        var startFraction = p.BytesTotal > 0 ? Math.Clamp((double)p.BytesAtStart / p.BytesTotal, 0, 1) : 0;
        var seconds = p.Elapsed.TotalSeconds;
        var rate = seconds > 0 ? (p.Households - p.HouseholdsAtStart) / seconds : 0;
        var eta = fraction > startFraction ? TimeSpan.FromSeconds(seconds * (1 - fraction) / (fraction - startFraction)) : (TimeSpan?)null;
        return string.Create(CultureInfo.InvariantCulture,
            $"{fraction,4:P0} {p.Households,12:N0} {unit} {rate,10:N0}/s  ETA {(eta is { } e ? Eta.Format(e) : "-:--:--"),8}  refused {p.Errors:N0}");
    }

    public void Report(BatchProgress p)
    {
        var text = Line(p, unit);
        var fraction = Fraction(p);
        if (interactive)
        {
            const int width = 30;
            var filled = (int)(fraction * width);
            writer.Write($"\r[{new string('#', filled)}{new string('-', width - filled)}] {text}");
            if (fraction >= 1) writer.WriteLine();
        }
        else if (_lastLog is null || p.Elapsed - _lastLog >= LogEvery || fraction >= 1)
        {
            writer.WriteLine($"{DateTimeOffset.UtcNow:yyyy-MM-ddTHH:mm:ssZ} progress {text}");
            _lastLog = p.Elapsed;
        }
    }
}
