using KokuhoRules.Rules.Batch;

namespace KokuhoRules.Tests.Batch;

/// <summary>Lines parsed on several threads are applied in the order of the file, with their line numbers, empty lines skipped.</summary>
public sealed class ParallelLinesTests
{
    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(4)]
    public void Lines_are_applied_in_file_order_with_their_numbers_whatever_the_workers(int workers)
    {
        var path = Path.GetTempFileName();
        try
        {
            // More than two blocks, with empty lines at a block's edge and inside.
            var lines = Enumerable.Range(1, ParallelLines.BlockLines * 2 + 123).Select(i => i % 1000 == 0 || i == ParallelLines.BlockLines ? "" : $"v{i}").ToArray();
            File.WriteAllLines(path, lines);
            var applied = new List<(string, long)>();

            ParallelLines.ForEach(path, workers, (text, line) => text.ToUpperInvariant(), (value, line) => applied.Add((value, line)), CancellationToken.None);

            var expected = lines.Select((text, i) => (text, i + 1L)).Where(t => t.text.Length > 0).Select(t => (t.text.ToUpperInvariant(), t.Item2)).ToList();
            Assert.Equal(expected, applied);
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Fact]
    public void A_cancelled_read_stops_with_OperationCanceledException()
    {
        var path = Path.GetTempFileName();
        try
        {
            File.WriteAllLines(path, Enumerable.Range(0, 10).Select(i => $"{i}"));
            using var cancel = new CancellationTokenSource();
            cancel.Cancel();
            Assert.ThrowsAny<OperationCanceledException>(() => ParallelLines.ForEach(path, 2, (t, _) => t, (_, _) => { }, cancel.Token));
        }
        finally
        {
            File.Delete(path);
        }
    }
}
