using System.Text.Json;
using System.Text.Json.Serialization;
using NodaTime;
using NodaTime.Text;

namespace KokuhoRules.Engine.Json;

/// <summary>An <see cref="Instant"/> as ISO-8601 UTC (<c>2026-11-26T09:00:00.123Z</c>); anything else is refused.</summary>
public sealed class IsoInstantConverter : JsonConverter<Instant>
{
    public override Instant Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options) =>
        reader.TokenType == JsonTokenType.String && InstantPattern.ExtendedIso.Parse(reader.GetString()!) is { Success: true } r
            ? r.Value
            : throw new JsonException("expected an instant such as 2026-11-26T09:00:00Z");

    public override void Write(Utf8JsonWriter writer, Instant value, JsonSerializerOptions options) =>
        writer.WriteStringValue(InstantPattern.ExtendedIso.Format(value));
}
