using NodaTime;
using Npgsql;
using NpgsqlTypes;

namespace KokuhoRules.Rules.Storage;

/// <summary>The field writers of a binary COPY into PostgreSQL: a null for an absent value, dates as <c>date</c>.</summary>
internal static class BinaryCopy
{
    /// <summary>A SQL string literal for a COPY query (COPY takes no parameters): ids of a rule set or dates formatted here, quoted.</summary>
    public static string Literal(string text) => "'" + text.Replace("'", "''", StringComparison.Ordinal) + "'";

    public static void Text(NpgsqlBinaryImporter copy, string? value)
    {
        if (value is null) copy.WriteNull();
        else copy.Write(value, NpgsqlDbType.Text);
    }

    public static void Date(NpgsqlBinaryImporter copy, LocalDate? value)
    {
        if (value is { } d) copy.Write(d.ToDateOnly(), NpgsqlDbType.Date);
        else copy.WriteNull();
    }

    public static void Value<T>(NpgsqlBinaryImporter copy, T? value, NpgsqlDbType type) where T : struct
    {
        if (value is { } v) copy.Write(v, type);
        else copy.WriteNull();
    }
}
