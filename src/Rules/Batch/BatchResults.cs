using System.Buffers;
using System.Text;
using System.Text.Json;
using KokuhoRules.Rules.Premium;
using KokuhoRules.Rules.Snapshots;

namespace KokuhoRules.Rules.Batch;

/// <summary>Formats of a batch's result file.</summary>
public enum ResultFormat
{
    /// <summary>One JSON object per line.</summary>
    Jsonl,
    /// <summary>Comma-separated, with a header line.</summary>
    Csv,
}

/// <summary>
/// Writes one household's result as a line of the result file. The JSON line carries what the API
/// returns for the household's totals (annual premium, reduction class, each component's amount,
/// before-cap amount and cap) and the rule-set version; the run's state file carries the full hash.
/// </summary>
public static class BatchResults
{
    /// <summary>The CSV header for a rule set's components.</summary>
    public static string CsvHeader(PremiumRuleSet rs) =>
        "household_id,annual_premium,reduction_class," + string.Join(",", rs.Components.Select(c => c.Name)) + ",at_cap,ruleset_version\n";

    /// <summary>Appends a result line (formatted directly as UTF-8: this runs once per household).</summary>
    public static void Write(IBufferWriter<byte> output, ResultFormat format, string householdId, PremiumAssessment a, PremiumRuleSet rs, Utf8JsonWriter json)
    {
        var line = new LineWriter(output);
        var atCap = false;
        if (format == ResultFormat.Csv)
        {
            line.Ascii(householdId).Byte((byte)',').Number(a.AnnualPremium).Byte((byte)',').Utf8(a.ReductionClass);
            foreach (var c in a.Components)
            {
                line.Byte((byte)',').Number(c.Amount);
                atCap |= c.Months > 0 && c.BeforeCap >= c.Cap;
            }
            line.Byte((byte)',').Raw(atCap ? "true"u8 : "false"u8).Byte((byte)',').Ascii(rs.Version).Byte((byte)'\n');
            return;
        }
        line.Raw("{\"householdId\":\""u8).Ascii(householdId).Raw("\",\"annualPremium\":"u8).Number(a.AnnualPremium)
            .Raw(",\"reductionClass\":\""u8).Utf8(a.ReductionClass).Raw("\",\"components\":{"u8);
        for (var i = 0; i < a.Components.Count; i++)
        {
            var c = a.Components[i];
            if (i > 0) line.Byte((byte)',');
            line.Byte((byte)'"').Ascii(c.Name).Raw("\":{\"amount\":"u8).Number(c.Amount).Raw(",\"beforeCap\":"u8).Number(c.BeforeCap)
                .Raw(",\"cap\":"u8).Number(c.Cap).Byte((byte)'}');
        }
        line.Raw("},\"rulesetVersion\":\""u8).Ascii(rs.Version).Raw("\"}\n"u8);
    }

    /// <summary>Appends bytes to a buffer writer. Ids, names and versions are ASCII by contract; class names are UTF-8.</summary>
    private readonly ref struct LineWriter(IBufferWriter<byte> output)
    {
        private readonly IBufferWriter<byte> _output = output;

        public LineWriter Raw(ReadOnlySpan<byte> bytes)
        {
            _output.Write(bytes);
            return this;
        }

        public LineWriter Byte(byte b)
        {
            _output.GetSpan(1)[0] = b;
            _output.Advance(1);
            return this;
        }

        public LineWriter Ascii(string text)
        {
            var span = _output.GetSpan(text.Length);
            for (var i = 0; i < text.Length; i++) span[i] = (byte)text[i];
            _output.Advance(text.Length);
            return this;
        }

        public LineWriter Utf8(string text)
        {
            var span = _output.GetSpan(Encoding.UTF8.GetMaxByteCount(text.Length));
            _output.Advance(Encoding.UTF8.GetBytes(text, span));
            return this;
        }

        public LineWriter Number(long value)
        {
            var span = _output.GetSpan(20);
            System.Buffers.Text.Utf8Formatter.TryFormat(value, span, out var written);
            _output.Advance(written);
            return this;
        }
    }

    /// <summary>Appends an error line: where in the input, which household (when known), and every field error.</summary>
    public static void WriteError(IBufferWriter<byte> output, long line, string? householdId, IReadOnlyList<FieldError> errors, Utf8JsonWriter json)
    {
        json.Reset(output);
        json.WriteStartObject();
        json.WriteNumber("line", line);
        if (householdId is not null) json.WriteString("householdId", householdId);
        json.WriteStartArray("errors");
        foreach (var e in errors)
        {
            json.WriteStartObject();
            json.WriteString("field", e.Field);
            json.WriteString("message", e.Message);
            json.WriteEndObject();
        }
        json.WriteEndArray();
        json.WriteEndObject();
        json.Flush();
        output.Write("\n"u8);
    }
}
