using System.Text.Json;
using System.Text.Json.Serialization;
using NodaTime;
using NodaTime.Text;

namespace KokuhoRules.Rules.Snapshots;

/// <summary>
/// Reads and writes a <see cref="LocalDate"/> as ISO <c>YYYY-MM-DD</c>, straight from the UTF-8 bytes
/// (a batch reads millions of dates). A value split across the reader's buffers (a value sequence) or
/// written with JSON escapes (<c>"\u0032025-04-01"</c>) is read like any other. An invalid date fails with a
/// <see cref="JsonException"/> (so the serializer adds the field's path), never another exception type.
/// </summary>
public sealed class IsoLocalDateConverter : JsonConverter<LocalDate>
{
    /// <summary>The longest raw (escaped) value that can hold a date: ten characters of six bytes each.</summary>
    private const int MaxRawLength = 60;

    public override LocalDate Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options)
    {
        if (reader.TokenType != JsonTokenType.String) throw new JsonException("expected a date as a string \"YYYY-MM-DD\"");
        if (!reader.HasValueSequence && !reader.ValueIsEscaped)
        {
            if (TryParse(reader.ValueSpan, out var date)) return date;
        }
        else if ((reader.HasValueSequence ? reader.ValueSequence.Length : reader.ValueSpan.Length) <= MaxRawLength)
        {
            // CopyString joins a value sequence and unescapes; the raw text is at most 6 bytes (\uXXXX) per character.
            Span<byte> text = stackalloc byte[MaxRawLength];
            if (TryParse(text[..reader.CopyString(text)], out var date)) return date;
        }
        throw new JsonException("expected a date \"YYYY-MM-DD\"");
    }

    /// <summary>Parses exactly <c>YYYY-MM-DD</c> (year 0001–9999) into a valid ISO date.</summary>
    public static bool TryParse(ReadOnlySpan<byte> text, out LocalDate date)
    {
        date = default;
        if (text.Length != 10 || text[4] != (byte)'-' || text[7] != (byte)'-') return false;
        if (!Digits(text[..4], out var year) || !Digits(text.Slice(5, 2), out var month) || !Digits(text.Slice(8, 2), out var day)) return false;
        if (year < 1 || month is < 1 or > 12 || day < 1 || day > CalendarSystem.Iso.GetDaysInMonth(year, month)) return false;
        date = new LocalDate(year, month, day);
        return true;
    }

    private static bool Digits(ReadOnlySpan<byte> text, out int value)
    {
        value = 0;
        foreach (var b in text)
        {
            if (b is < (byte)'0' or > (byte)'9') return false;
            value = value * 10 + (b - '0');
        }
        return true;
    }

    public override void Write(Utf8JsonWriter writer, LocalDate value, JsonSerializerOptions options) =>
        writer.WriteStringValue(LocalDatePattern.Iso.Format(value));
}
