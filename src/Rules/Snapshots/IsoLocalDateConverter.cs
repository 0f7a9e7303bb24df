using System.Text.Json;
using System.Text.Json.Serialization;
using NodaTime;
using NodaTime.Text;

namespace KokuhoRules.Rules.Snapshots;

/// <summary>
/// Reads and writes a <see cref="LocalDate"/> as ISO <c>YYYY-MM-DD</c>. An invalid date fails with a
/// <see cref="JsonException"/> (so the serializer adds the field's path), never another exception type.
/// </summary>
public sealed class IsoLocalDateConverter : JsonConverter<LocalDate>
{
    public override LocalDate Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options)
    {
        if (reader.TokenType != JsonTokenType.String) throw new JsonException("expected a date as a string \"YYYY-MM-DD\"");
        var text = reader.GetString()!;
        var parsed = LocalDatePattern.Iso.Parse(text);
        if (!parsed.Success || text.Length != 10) throw new JsonException("expected a date \"YYYY-MM-DD\"");
        return parsed.Value;
    }

    public override void Write(Utf8JsonWriter writer, LocalDate value, JsonSerializerOptions options) =>
        writer.WriteStringValue(LocalDatePattern.Iso.Format(value));
}
