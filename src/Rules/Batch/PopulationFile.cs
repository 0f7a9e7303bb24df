using System.Text;
using KokuhoRules.Engine.Requests;
using KokuhoRules.Rules.Snapshots;

namespace KokuhoRules.Rules.Batch;

/// <summary>
/// A population file (JSON Lines, one household per line, as <c>kokuho generate</c> writes and <c>reassess</c> reads)
/// read on several threads, each line checked as the batch checks it (<see cref="FileBatchRunner.ReadHousehold"/>): for the
/// commands that read a whole population and assess it more than once (<c>rulesets impact</c>, <c>rulesets solve</c>).
/// </summary>
public static class PopulationFile
{
    /// <summary>A line of the file: the household, or (null) refused, with its line number.</summary>
    public readonly record struct Line(HouseholdSnapshot? Household, long Number);

    /// <summary>Reads every line in file order: <paramref name="parse"/> runs on up to <paramref name="workers"/> threads on each checked household; <paramref name="apply"/> on the calling thread, in file order.</summary>
    /// <exception cref="FileNotFoundException">There is no such file.</exception>
    public static void ForEach<T>(string path, int workers, Func<Line, T> parse, Action<T> apply, CancellationToken cancel, Action<FileStream>? afterBlock = null)
    {
        if (!File.Exists(path)) throw new FileNotFoundException($"the population {path} does not exist", path);
        ParallelLines.ForEach(path, workers, (text, number) =>
        {
            var errors = new List<FieldError>();
            var snapshot = FileBatchRunner.ReadHousehold(Encoding.UTF8.GetBytes(text), errors);
            return parse(new Line(errors.Count == 0 ? snapshot : null, number));
        }, (t, _) => apply(t), cancel, afterBlock);
    }

    /// <summary>Every household the file holds, in file order, and how many lines were refused.</summary>
    public static (IReadOnlyList<HouseholdSnapshot> Households, long Refused) ReadAll(string path, int workers, CancellationToken cancel)
    {
        var households = new List<HouseholdSnapshot>();
        long refused = 0;
        ForEach(path, workers, line => line.Household, h =>
        {
            if (h is null) refused++;
            else households.Add(h);
        }, cancel);
        return (households, refused);
    }

    /// <summary>The file's SHA-256 (<c>sha256:…</c>): what the audit and a report name the population by.</summary>
    public static string Hash(string path) => "sha256:" + FileIdentity.Sha256(path);
}
