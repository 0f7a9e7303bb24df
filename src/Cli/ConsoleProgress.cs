using System.Globalization;
using KokuhoRules.Rules.Batch;

namespace KokuhoRules.Cli;

/// <summary>
/// Shows a run's progress: a bar with households/s and ETA, redrawn in place on a terminal; a plain
/// log line every few seconds when the output is redirected (CI, cron, a log file).
/// </summary>
public sealed class ConsoleProgress(TextWriter writer, bool interactive) : IProgress<BatchProgress>
{
    private static readonly TimeSpan LogEvery = TimeSpan.FromSeconds(5);
    private TimeSpan? _lastLog;

    public static ConsoleProgress ForStandardError() => new(Console.Error, !Console.IsErrorRedirected);

    public void Report(BatchProgress p)
    {
        var fraction = p.BytesTotal > 0 ? Math.Clamp((double)p.BytesRead / p.BytesTotal, 0, 1) : 0;
        var rate = p.Elapsed.TotalSeconds > 0 ? p.Households / p.Elapsed.TotalSeconds : 0;
        var eta = fraction > 0 ? TimeSpan.FromSeconds(p.Elapsed.TotalSeconds * (1 - fraction) / fraction) : TimeSpan.Zero;
        var text = string.Create(CultureInfo.InvariantCulture,
            $"{fraction,4:P0} {p.Households,12:N0} households {rate,10:N0}/s  ETA {eta:mm\\:ss}  refused {p.Errors:N0}");
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
