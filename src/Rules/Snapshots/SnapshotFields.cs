using NodaTime;

namespace KokuhoRules.Rules.Snapshots;

/// <summary>
/// A JSON path built only when it is needed (for an error): a parent path, and a property name or an
/// array element. Concatenating with a string (<c>path + ".lost"</c>) renders it.
/// </summary>
internal sealed class LazyPath
{
    private readonly object _parent;
    private readonly string? _name;
    private readonly int _index;
    private string? _text;

    public LazyPath(string householdPath, int memberIndex) : this(householdPath, "members", memberIndex) { }

    public LazyPath(object parent, string name, int index = -1)
    {
        _parent = parent;
        _name = name;
        _index = index;
    }

    /// <summary>A top-level field of a request (<c>previousYear</c>): rendered as the name alone.</summary>
    public static LazyPath Root(string name) => new(name, "") { _text = name };

    public override string ToString() =>
        _text ??= _parent.ToString() + "." + _name + (_index >= 0 ? "[" + _index.ToString(System.Globalization.CultureInfo.InvariantCulture) + "]" : "");

    public static string operator +(LazyPath path, string suffix) => path.ToString() + suffix;

    public static implicit operator string(LazyPath path) => path.ToString();
}

/// <summary>
/// The checks every field reader of a request shares: a date within the accepted years, a yen amount
/// within 0–<see cref="MaxYen"/>. Each adds a <see cref="FieldError"/> naming the field and never
/// repeating its value.
/// </summary>
internal static class SnapshotFields
{
    /// <summary>The largest amount of yen accepted for any amount field (one hundred billion).</summary>
    public const long MaxYen = 100_000_000_000;

    /// <summary>The earliest date accepted in any date field of a request (docs/security.md).</summary>
    public static readonly LocalDate EarliestDate = new(1890, 1, 1);

    /// <summary>The latest date accepted in any date field of a request.</summary>
    public static readonly LocalDate LatestDate = new(2200, 12, 31);

    /// <summary>Whether a date is within <see cref="EarliestDate"/>–<see cref="LatestDate"/>; adds an error at <c>parent.field</c> when it is not (the path made only then).</summary>
    public static bool InRange(LocalDate date, string parent, string field, List<FieldError> errors) =>
        (date >= EarliestDate && date <= LatestDate) || InRange(date, new LazyPath(parent, field), errors);

    /// <summary>Whether a date is within <see cref="EarliestDate"/>–<see cref="LatestDate"/>; adds an error naming the field when it is not.</summary>
    /// <param name="path">The field's path: a string or a <see cref="LazyPath"/>, rendered only on error.</param>
    public static bool InRange(LocalDate date, object path, List<FieldError> errors)
    {
        if (date >= EarliestDate && date <= LatestDate) return true;
        errors.Add(new FieldError(path.ToString()!, $"must be a date in the years {EarliestDate.Year}–{LatestDate.Year}"));
        return false;
    }

    /// <summary>
    /// A yen amount at <c>parent.name</c>: absent is 0 (an error saying <paramref name="requiredMessage"/> when
    /// that is given); negative or above <see cref="MaxYen"/> is an error. Returns the value as sent (0 when absent).
    /// </summary>
    public static long Amount(long? value, LazyPath parent, string name, string? requiredMessage, List<FieldError> errors)
    {
        if (value is null)
        {
            if (requiredMessage is not null) errors.Add(new FieldError($"{parent}.{name}", requiredMessage));
            return 0;
        }
        if (value < 0 || value > MaxYen) OutOfRange(value.Value, $"{parent}.{name}", errors);
        return value.Value;
    }

    /// <summary>An optional yen amount at the top level of a request (<paramref name="field"/>): null when absent, an error when out of range.</summary>
    public static long? OptionalAmount(long? value, string field, List<FieldError> errors)
    {
        if (value is { } yen && (yen < 0 || yen > MaxYen)) OutOfRange(yen, field, errors);
        return value;
    }

    private static void OutOfRange(long value, string field, List<FieldError> errors) =>
        errors.Add(new FieldError(field, value < 0 ? "cannot be negative" : $"exceeds the largest accepted amount ({MaxYen:N0} yen)"));
}
