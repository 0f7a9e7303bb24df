using System.Text.Json;
using System.Text.Json.Serialization;
using NodaTime;
using NodaTime.Text;

namespace KokuhoRules.Rules.Snapshots;

/// <summary>
/// Reads and writes a <see cref="YearMonth"/> as ISO <c>YYYY-MM</c> (a schedule's month, e.g. <c>"2025-10"</c>).
/// Anything else fails with a <see cref="JsonException"/>, so the serializer names the field.
/// </summary>
public sealed class IsoYearMonthConverter : JsonConverter<YearMonth>
{
    private static readonly YearMonthPattern Pattern = YearMonthPattern.Iso;

    public override YearMonth Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options)
    {
        if (reader.TokenType != JsonTokenType.String) throw new JsonException("expected a month as a string \"YYYY-MM\"");
        var text = reader.GetString();
        if (text is { Length: 7 } && Pattern.Parse(text) is { Success: true } parsed) return parsed.Value;
        throw new JsonException("expected a month \"YYYY-MM\"");
    }

    public override void Write(Utf8JsonWriter writer, YearMonth value, JsonSerializerOptions options) =>
        writer.WriteStringValue(Pattern.Format(value));
}
