namespace KokuhoRules.Rules.Premium.QuickReference;

/// <summary>The revenue axis of a 保険料早見表: from <see cref="From"/> to <see cref="To"/> (both yen, included) by <see cref="Step"/>.</summary>
public sealed record IncomeSteps
{
    /// <summary>The most rows a table may have (a guard against a step of 1 yen).</summary>
    public const int MaxRows = 1000;

    public IncomeSteps(long from, long to, long step)
    {
        if (from < 0 || to < from || step <= 0) throw new ArgumentOutOfRangeException(nameof(step), "the steps must be 0 ≤ from ≤ to and step > 0");
        if ((to - from) / step + 1 > MaxRows) throw new ArgumentOutOfRangeException(nameof(step), $"at most {MaxRows} rows");
        (From, To, Step) = (from, to, step);
    }

    public long From { get; }
    public long To { get; }
    public long Step { get; }

    /// <summary>Every revenue of the axis, ascending.</summary>
    public IEnumerable<long> Values()
    {
        for (var v = From; v <= To; v += Step) yield return v;
    }

    /// <summary>給与収入 0 to 10,000,000 by 100,000; 年金収入 0 to 5,000,000 by 100,000.</summary>
    public static IncomeSteps Default(IncomeKind kind) => kind == IncomeKind.Salary ? new(0, 10_000_000, 100_000) : new(0, 5_000_000, 100_000);
}
