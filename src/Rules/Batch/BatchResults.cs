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
/// Writes one household's result as a line of the result file, formatted straight to UTF-8 (this runs
/// once per household; what is the same for the whole run — the rule set's version and hash, whether it
/// is a trial, the installments' numbers and due dates — is formatted once, when the run starts). A line
/// carries what the API returns for the household's totals: annual premium, reduction class, each
/// component's amount, before-cap amount and cap, the installments (期割, spread as the API spreads the
/// annual assessment), the rule set (version and hash) and the trial flag.
/// </summary>
public sealed class BatchResults
{
    private readonly PremiumRuleSet _rs;
    private readonly ResultFormat _format;
    private readonly IReadOnlyList<InstallmentSlot> _slots;
    private readonly byte[][] _slotPrefixes;
    private readonly byte[] _suffix;
    private readonly BatchWithholding? _withholding;
    private readonly byte[][] _monthPrefixes = [];
    private readonly byte[] _withholdingSuffix = [];

    /// <summary>
    /// The rows of a run with <paramref name="rs"/>; <paramref name="trial"/> marks every row of a trial run (試算);
    /// <paramref name="withholding"/> (a run with <c>--withholding</c>) adds each household's withholding after the
    /// premium's fields (CSV: columns after <c>trial</c>; JSON Lines: a <c>withholding</c> object last), so that without it
    /// a row is what it always was, byte for byte.
    /// </summary>
    public BatchResults(PremiumRuleSet rs, ResultFormat format, bool trial, BatchWithholding? withholding = null)
    {
        _rs = rs;
        _format = format;
        _withholding = withholding;
        _slots = InstallmentSchedule.Slots(rs);
        var trialText = trial ? "true" : "false";
        if (format == ResultFormat.Csv)
        {
            _slotPrefixes = [];
            _suffix = Encoding.UTF8.GetBytes($",{rs.Version},{rs.Hash},{trialText}\n");
        }
        else
        {
            _slotPrefixes = _slots.Select(s => Encoding.UTF8.GetBytes(
                $"{{\"number\":{s.Number},\"dueDate\":\"{s.DueDate.ToString("uuuu-MM-dd", System.Globalization.CultureInfo.InvariantCulture)}\",\"amount\":")).ToArray();
            _suffix = Encoding.UTF8.GetBytes($"],\"ruleset\":{{\"version\":\"{rs.Version}\",\"hash\":\"{rs.Hash}\"}},\"trial\":{trialText}}}\n");
        }
        if (withholding is null) return;
        var w = withholding.RuleSet;
        if (format == ResultFormat.Csv) _withholdingSuffix = Encoding.UTF8.GetBytes($",{w.Version},{w.Hash}\n");
        else
        {
            _monthPrefixes = withholding.PensionMonths.Select(m => Encoding.UTF8.GetBytes(
                $"{{\"month\":\"{BatchWithholding.MonthText(m.Month)}\",\"kind\":\"{(m.Kind == Withholding.PaymentKind.Provisional ? "provisional" : "definitive")}\",\"amount\":")).ToArray();
            _withholdingSuffix = Encoding.UTF8.GetBytes($",\"ruleset\":{{\"version\":\"{w.Version}\",\"hash\":\"{w.Hash}\"}}}}}}\n");
        }
    }

    /// <summary>The CSV header: household, totals, components, cap, one column per installment (its number and due date), rule set, trial.</summary>
    public string CsvHeader() =>
        "household_id,annual_premium,reduction_class," + string.Join(",", _rs.Components.Select(c => c.Name)) + ",at_cap,"
        + string.Join(",", _slots.Select(s => $"installment_{s.Number}_{s.DueDate.ToString("uuuu-MM-dd", System.Globalization.CultureInfo.InvariantCulture)}"))
        + ",ruleset_version,ruleset_hash,trial"
        + (_withholding is null ? "" : ",withholding_eligible,withholding_status,withholding_start_month,"
            + string.Join(",", _withholding.PensionMonths.Select(m => $"withheld_{BatchWithholding.MonthText(m.Month)}")) + ","
            + string.Join(",", _slots.Select(s => $"ordinary_{s.Number}_{s.DueDate.ToString("uuuu-MM-dd", System.Globalization.CultureInfo.InvariantCulture)}"))
            + ",provisional_total,definitive_total,ordinary_total,overpaid,withholding_ruleset_version,withholding_ruleset_hash")
        + "\n";

    /// <summary>Appends a household's result line; <paramref name="withholding"/> is given exactly when the rows were made with a <see cref="BatchWithholding"/>.</summary>
    public void Write(IBufferWriter<byte> output, string householdId, PremiumAssessment a, BatchWithholdingResult? withholding = null)
    {
        if ((withholding is null) != (_withholding is null))
            throw new ArgumentException("a row has a withholding exactly when the run determines it", nameof(withholding));
        var line = new LineWriter(output);
        Span<int> open = stackalloc int[_slots.Count];
        open = open[..InstallmentSchedule.OpenSlots(_rs, _slots, a, asOf: null, open)];
        Span<long> amounts = stackalloc long[open.Length];
        InstallmentSchedule.SpreadInto(a.AnnualPremium, amounts, _rs.Parameters.Installments);
        if (_format == ResultFormat.Csv)
        {
            var atCap = false;
            line.Ascii(householdId).Byte((byte)',').Number(a.AnnualPremium).Byte((byte)',').Utf8(a.ReductionClass);
            foreach (var c in a.Components)
            {
                line.Byte((byte)',').Number(c.Amount);
                atCap |= c.Months > 0 && c.BeforeCap >= c.Cap;
            }
            line.Byte((byte)',').Raw(atCap ? "true"u8 : "false"u8);
            var b = 0;
            for (var s = 0; s < _slots.Count; s++)
            {
                line.Byte((byte)',');
                if (b < open.Length && open[b] == s) line.Number(amounts[b++]);
                else line.Byte((byte)'0');
            }
            if (withholding is null) line.Raw(_suffix);
            else WriteCsv(line.Raw(_suffix.AsSpan(0, _suffix.Length - 1)), withholding);
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
        line.Raw("},\"installments\":["u8);
        for (var i = 0; i < open.Length; i++)
        {
            if (i > 0) line.Byte((byte)',');
            line.Raw(_slotPrefixes[open[i]]).Number(amounts[i]).Byte((byte)'}');
        }
        if (withholding is null) line.Raw(_suffix);
        else WriteJson(line.Raw(_suffix.AsSpan(0, _suffix.Length - 2)), withholding);
    }

    private void WriteCsv(LineWriter line, BatchWithholdingResult w)
    {
        line.Byte((byte)',').Raw(w.Eligible ? "true"u8 : "false"u8).Byte((byte)',').Ascii(w.Status).Byte((byte)',');
        if (w.StartMonth is { } start) line.Number(start);
        foreach (var amount in w.PensionAmounts) line.Byte((byte)',').Number(amount);
        foreach (var amount in w.OrdinaryAmounts) line.Byte((byte)',').Number(amount);
        line.Byte((byte)',').Number(w.ProvisionalTotal).Byte((byte)',').Number(w.DefinitiveTotal).Byte((byte)',').Number(w.OrdinaryTotal)
            .Byte((byte)',').Number(w.Overpaid).Raw(_withholdingSuffix);
    }

    private void WriteJson(LineWriter line, BatchWithholdingResult w)
    {
        line.Raw(",\"withholding\":{\"eligible\":"u8).Raw(w.Eligible ? "true"u8 : "false"u8).Raw(",\"status\":\""u8).Ascii(w.Status).Byte((byte)'"');
        if (w.StartMonth is { } start) line.Raw(",\"startMonth\":"u8).Number(start);
        line.Raw(",\"pensionMonths\":["u8);
        for (var i = 0; i < w.PensionAmounts.Length; i++)
        {
            if (i > 0) line.Byte((byte)',');
            line.Raw(_monthPrefixes[i]).Number(w.PensionAmounts[i]).Byte((byte)'}');
        }
        line.Raw("],\"ordinaryInstallments\":["u8);
        var first = true;
        for (var s = 0; s < w.OrdinaryAmounts.Length; s++)
        {
            if (w.OrdinaryAmounts[s] == 0) continue;
            if (!first) line.Byte((byte)',');
            first = false;
            line.Raw(_slotPrefixes[s]).Number(w.OrdinaryAmounts[s]).Byte((byte)'}');
        }
        line.Raw("],\"provisionalTotal\":"u8).Number(w.ProvisionalTotal).Raw(",\"definitiveTotal\":"u8).Number(w.DefinitiveTotal)
            .Raw(",\"ordinaryTotal\":"u8).Number(w.OrdinaryTotal).Raw(",\"overpaid\":"u8).Number(w.Overpaid).Raw(_withholdingSuffix);
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
