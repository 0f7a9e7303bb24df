using System.Buffers;
using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using System.Threading.Channels;

namespace KokuhoRules.Benchmarks;

/// <summary>
/// <c>floor --in POPULATION.jsonl --out FILE --line-bytes L [--threads N]</c>: the I/O + parse floor the file
/// batch is measured against (issue 17). Reads the JSON Lines population in 1 MiB blocks on one thread, parses every
/// token of every household with <see cref="Utf8JsonReader"/> on <c>N</c> worker threads (default: the processor count,
/// as <c>kokuho reassess</c>), and writes, in input order, one line of exactly <c>L</c> bytes (newline included) per
/// household — <c>L</c> is the average result line of the real run (<c>bytes ÷ lines</c> of its output), so the floor
/// writes as many bytes as the batch does. Nothing is assessed: the line is a constant. The output is written beside
/// its name (<c>.partial</c>), flushed to disk and renamed once complete. Blank lines are skipped, as the batch does.
/// Prints one line of <c>key=value</c> pairs (<c>households</c>, <c>tokens</c>, <c>seconds</c>) on success.
/// Exit code: 0 done; 1 the input is not JSON Lines (<c>FILE:LINE</c> and the byte in that line, never its content) or a
/// file cannot be read or written (nothing is left at <c>--out</c>); 2 wrong options.
/// </summary>
public static class FloorCommand
{
    private const string Usage = "floor --in <population.jsonl> --out <file> --line-bytes <L> [--threads N]";
    private const int BlockBytes = 1 << 20;

    /// <summary>Runs the floor; returns the exit code (see the type's summary).</summary>
    public static int Run(string[] args, TextWriter output, TextWriter error)
    {
        string input, path;
        int lineBytes, threads;
        try
        {
            (input, path, lineBytes, threads) = Parse(args);
        }
        catch (FormatException e)
        {
            error.WriteLine($"floor: {e.Message}");
            error.WriteLine(Usage);
            return 2;
        }
        if (!File.Exists(input))
        {
            error.WriteLine($"floor: there is no file {input}");
            return 1;
        }
        var temp = path + ".partial";
        var clock = Stopwatch.StartNew();
        try
        {
            var (households, tokens) = Copy(input, temp, lineBytes, threads);
            File.Move(temp, path, overwrite: true);
            output.WriteLine(FormattableString.Invariant($"households={households} tokens={tokens} threads={threads} line_bytes={lineBytes} seconds={clock.Elapsed.TotalSeconds:F3}"));
            return 0;
        }
        catch (Exception e) when (e is NotJsonException or IOException or UnauthorizedAccessException)
        {
            if (File.Exists(temp)) File.Delete(temp);
            error.WriteLine(e is NotJsonException bad
                ? $"{input}:{LineAt(input, bad.Offset)}: not JSON (byte {bad.BytePositionInLine + 1} of the line); nothing written"
                : $"floor: {e.Message.ReplaceLineEndings(" ")}");
            return 1;
        }
    }

    private static (string Input, string Output, int LineBytes, int Threads) Parse(string[] args)
    {
        string? input = null, output = null;
        int? lineBytes = null;
        var threads = Environment.ProcessorCount;
        for (var i = 0; i < args.Length; i += 2)
        {
            if (i + 1 >= args.Length) throw new FormatException($"{args[i]} needs a value");
            var value = args[i + 1];
            switch (args[i])
            {
                case "--in": input = value; break;
                case "--out": output = value; break;
                case "--line-bytes": lineBytes = Integer("--line-bytes", value, 1, 1 << 16); break;
                case "--threads": threads = Integer("--threads", value, 1, 256); break;
                default: throw new FormatException($"unknown option {args[i]}");
            }
        }
        return (input ?? throw new FormatException("--in is required"), output ?? throw new FormatException("--out is required"),
            lineBytes ?? throw new FormatException("--line-bytes is required"), threads);
    }

    private static int Integer(string name, string value, int min, int max) =>
        int.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out var n) && n >= min && n <= max
            ? n
            : throw new FormatException($"{name} must be a whole number from {min} to {max}");

    /// <summary>A block of whole lines read from the input: <paramref name="Offset"/> is where it starts in the file.</summary>
    private sealed record Block(long Number, long Offset, byte[] Bytes, int Length);

    /// <summary>What a worker made of a block: the lines to write and how many tokens it parsed.</summary>
    private sealed record Done(long Number, byte[] Bytes, int Length, long Households, long Tokens);

    /// <summary>The input's first line that is not JSON: the file offset where that line starts.</summary>
    private sealed class NotJsonException(long offset, long bytePositionInLine) : Exception("not JSON")
    {
        public long Offset { get; } = offset;
        public long BytePositionInLine { get; } = bytePositionInLine;
    }

    private static (long Households, long Tokens) Copy(string input, string temp, int lineBytes, int threads)
    {
        var line = new byte[lineBytes];
        line.AsSpan(0, lineBytes - 1).Fill((byte)'.');
        line[^1] = (byte)'\n';
        var blocks = Channel.CreateBounded<Block>(new BoundedChannelOptions(threads * 4) { SingleWriter = true });
        var done = Channel.CreateBounded<Done>(new BoundedChannelOptions(threads * 4) { SingleReader = true });
        using var stop = new CancellationTokenSource();
        var reader = Task.Run(() => Read(input, blocks.Writer, stop.Token));
        var workers = Enumerable.Range(0, threads).Select(_ => Task.Run(() => Work(line, blocks.Reader, done.Writer, stop.Token))).ToArray();
        var closer = Task.WhenAll(workers).ContinueWith(t => done.Writer.TryComplete(t.Exception?.InnerException), TaskScheduler.Default);
        long households = 0, tokens = 0, next = 0;
        var pending = new SortedDictionary<long, Done>();
        try
        {
            using (var output = new FileStream(temp, FileMode.Create, FileAccess.Write, FileShare.None, BlockBytes))
            {
                foreach (var item in done.Reader.ReadAllAsync(stop.Token).ToBlockingEnumerable(stop.Token))
                {
                    pending[item.Number] = item;
                    while (pending.Remove(next, out var ready))
                    {
                        output.Write(ready.Bytes, 0, ready.Length);
                        ArrayPool<byte>.Shared.Return(ready.Bytes);
                        households += ready.Households;
                        tokens += ready.Tokens;
                        next++;
                    }
                }
                output.Flush(flushToDisk: true);
            }
            reader.GetAwaiter().GetResult();
            closer.GetAwaiter().GetResult();
        }
        catch
        {
            stop.Cancel();
            throw;
        }
        return (households, tokens);
    }

    /// <summary>Reads the file in blocks cut after their last newline; the rest of a block starts the next one.</summary>
    private static async Task Read(string input, ChannelWriter<Block> blocks, CancellationToken cancel)
    {
        try
        {
            await using var file = new FileStream(input, FileMode.Open, FileAccess.Read, FileShare.Read, 1, FileOptions.SequentialScan);
            var carry = Array.Empty<byte>();
            int carried = 0;
            long offset = 0, number = 0;
            while (true)
            {
                var size = Math.Max(BlockBytes, carried * 2);
                var bytes = ArrayPool<byte>.Shared.Rent(size);
                carry.AsSpan(0, carried).CopyTo(bytes);
                if (carry.Length > 0) ArrayPool<byte>.Shared.Return(carry);
                var read = await file.ReadAsync(bytes.AsMemory(carried), cancel);
                var length = carried + read;
                var cut = read == 0 ? length : bytes.AsSpan(0, length).LastIndexOf((byte)'\n') + 1;
                if (cut == 0 && read > 0)
                {
                    carry = bytes; // one line longer than the block: read more of it
                    carried = length;
                    continue;
                }
                carried = length - cut;
                carry = carried > 0 ? ArrayPool<byte>.Shared.Rent(carried) : [];
                bytes.AsSpan(cut, carried).CopyTo(carry);
                if (cut > 0) await blocks.WriteAsync(new Block(number++, offset, bytes, cut), cancel);
                else ArrayPool<byte>.Shared.Return(bytes);
                offset += cut;
                if (read == 0) break;
            }
            blocks.TryComplete();
        }
        catch (Exception e)
        {
            blocks.TryComplete(e);
            throw;
        }
    }

    /// <summary>Parses every token of every line of a block and writes one <paramref name="line"/> per household.</summary>
    private static async Task Work(byte[] line, ChannelReader<Block> blocks, ChannelWriter<Done> done, CancellationToken cancel)
    {
        await foreach (var block in blocks.ReadAllAsync(cancel))
        {
            var (households, tokens, bytes, length) = Parse(block, line);
            ArrayPool<byte>.Shared.Return(block.Bytes);
            await done.WriteAsync(new Done(block.Number, bytes, length, households, tokens), cancel);
        }
    }

    private static (long Households, long Tokens, byte[] Bytes, int Length) Parse(Block block, byte[] line)
    {
        long households = 0, tokens = 0;
        var text = block.Bytes.AsSpan(0, block.Length);
        // At most one household per newline, plus a last line without one: one buffer, never grown.
        var output = ArrayPool<byte>.Shared.Rent(line.Length * (text.Count((byte)'\n') + 1));
        var written = 0;
        for (var start = 0; start < text.Length;)
        {
            var end = text[start..].IndexOf((byte)'\n');
            var household = end < 0 ? text[start..] : text.Slice(start, end);
            if (!household.Trim(" \t\r"u8).IsEmpty)
            {
                tokens += Tokens(household, block.Offset + start);
                households++;
                line.CopyTo(output.AsSpan(written));
                written += line.Length;
            }
            start = end < 0 ? text.Length : start + end + 1;
        }
        return (households, tokens, output, written);
    }

    /// <summary>Reads every token of one household's JSON; <paramref name="offset"/> (where its line starts) names it if it is not JSON.</summary>
    private static long Tokens(ReadOnlySpan<byte> household, long offset)
    {
        var reader = new Utf8JsonReader(household, new JsonReaderOptions { CommentHandling = JsonCommentHandling.Disallow });
        long tokens = 0;
        try
        {
            while (reader.Read()) tokens++;
        }
        catch (JsonException e)
        {
            throw new NotJsonException(offset, e.BytePositionInLine ?? reader.BytesConsumed);
        }
        if (reader.BytesConsumed < household.TrimEnd(" \t\r"u8).Length) throw new NotJsonException(offset, reader.BytesConsumed);
        return tokens;
    }

    /// <summary>The 1-based line of the file that starts at <paramref name="offset"/> (only when reporting an error).</summary>
    private static long LineAt(string input, long offset)
    {
        using var file = new FileStream(input, FileMode.Open, FileAccess.Read, FileShare.Read);
        var buffer = new byte[BlockBytes];
        long line = 1, seen = 0;
        while (seen < offset)
        {
            var read = file.Read(buffer, 0, (int)Math.Min(buffer.Length, offset - seen));
            if (read == 0) break;
            line += buffer.AsSpan(0, read).Count((byte)'\n');
            seen += read;
        }
        return line;
    }
}
