using System.Text;

namespace KokuhoRules.Rules.Batch;

/// <summary>
/// Reads a UTF-8 text file line by line and parses the lines on several threads, handing each parsed line on in the
/// order of the file: blocks of lines are read, each block parsed in parallel (<c>parse</c> must read no state that
/// <c>apply</c> changes), then applied one by one on the calling thread. For a file whose lines are independent to
/// parse but not to apply (a refusal is written in line order; a duplicate is found against the lines before it).
/// </summary>
public static class ParallelLines
{
    /// <summary>Lines parsed at a time: at most this many parsed lines are held.</summary>
    public const int BlockLines = 4096;

    /// <summary>Reads <paramref name="path"/>; parses every non-empty line with <paramref name="parse"/> (line numbers from 1) on up to <paramref name="workers"/> threads; applies the results in file order.</summary>
    /// <param name="afterBlock">Called after each block is applied, with the stream (for progress).</param>
    /// <exception cref="OperationCanceledException">Cancelled between blocks.</exception>
    /// <exception cref="DecoderFallbackException">The file is not UTF-8.</exception>
    public static void ForEach<T>(string path, int workers, Func<string, long, T> parse, Action<T, long> apply, CancellationToken cancel, Action<FileStream>? afterBlock = null)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(workers, 1);
        using var input = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 20);
        using var reader = new StreamReader(input, new UTF8Encoding(false, throwOnInvalidBytes: true), false, 1 << 16);
        var texts = new string[BlockLines];
        var numbers = new long[BlockLines];
        var parsed = new T[BlockLines];
        var options = new ParallelOptions { MaxDegreeOfParallelism = workers, CancellationToken = cancel };
        long line = 0;
        while (true)
        {
            cancel.ThrowIfCancellationRequested();
            var count = 0;
            while (count < BlockLines && reader.ReadLine() is { } text)
            {
                line++;
                if (text.Length == 0) continue;
                (texts[count], numbers[count]) = (text, line);
                count++;
            }
            if (count == 0) return;
            if (workers == 1 || count < 64)
                for (var i = 0; i < count; i++) parsed[i] = parse(texts[i], numbers[i]);
            else
                try
                {
                    Parallel.For(0, count, options, i => parsed[i] = parse(texts[i], numbers[i]));
                }
                catch (AggregateException e) when (e.InnerExceptions.Count > 0)
                {
                    // A parse that failed fails the read as it would on one thread.
                    System.Runtime.ExceptionServices.ExceptionDispatchInfo.Capture(e.InnerExceptions[0]).Throw();
                }
            for (var i = 0; i < count; i++) apply(parsed[i], numbers[i]);
            Array.Clear(parsed, 0, count);
            afterBlock?.Invoke(input);
        }
    }
}
