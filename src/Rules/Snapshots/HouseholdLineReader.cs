using System.Diagnostics.CodeAnalysis;
using System.Text.Json;
using NodaTime;

namespace KokuhoRules.Rules.Snapshots;

/// <summary>
/// The batch's one-pass reader: a household line's UTF-8 bytes straight into a <see cref="HouseholdSnapshot"/> with
/// one <see cref="Utf8JsonReader"/> pass — no <see cref="HouseholdJson"/> object graph, no second pass for the
/// individual-number scan, nothing allocated but the snapshot itself and its ids.
/// <para>
/// It <b>accepts</b> exactly what the reference reader accepts — <see cref="Batch.FileBatchRunner.Check"/>: the
/// individual-number scan (<see cref="IndividualNumberScan"/>), the serializer with the contract's conventions
/// (<see cref="KokuhoJson.Options"/>: no unknown or repeated field, numbers as numbers, ISO dates) and
/// <see cref="SnapshotReader"/>'s checks — and builds the same snapshot. It never says <b>why</b> a line is refused:
/// on anything it does not accept (a bad value, an unknown or escaped field name, an escaped string, malformed JSON,
/// a value that looks like an individual number) it returns false, and the caller reads the
/// line with the reference reader, which accepts it or gives its messages. So a refusal's messages are the
/// reference's by construction; a property test (<c>HouseholdLineReaderTests</c>) checks over generated and
/// damaged lines that this reader never accepts a line the reference refuses and that the snapshots are equal.
/// </para>
/// </summary>
public static class HouseholdLineReader
{
    /// <summary>
    /// The household of a line when the reference reader would accept it as it is; false when the line must be read
    /// by the reference reader (it may still accept it: this reader leaves escapes to it).
    /// </summary>
    public static bool TryRead(ReadOnlySpan<byte> line, [NotNullWhen(true)] out HouseholdSnapshot? snapshot)
    {
        snapshot = null;
        var reader = new Utf8JsonReader(line, new JsonReaderOptions { MaxDepth = 16 });
        try
        {
            if (!reader.Read() || reader.TokenType != JsonTokenType.StartObject) return false;
            snapshot = ReadHousehold(ref reader);
            // Anything after the object but white space is refused by the serializer (the reader throws on it).
            if (snapshot is null || reader.Read()) snapshot = null;
        }
        catch (Exception e) when (e is JsonException or InvalidOperationException or FormatException)
        {
            snapshot = null;
        }
        return snapshot is not null;
    }

    private static HouseholdSnapshot? ReadHousehold(ref Utf8JsonReader reader)
    {
        string? id = null, headId = null;
        List<MemberSnapshot>? members = null;
        var seen = 0;
        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            var field = Field(ref reader, HouseholdFields, ref seen);
            if (field < 0 || !reader.Read()) return null;
            switch (field)
            {
                case 0: if ((id = ReadId(ref reader)) is null) return null; break;
                case 1: if ((headId = ReadId(ref reader)) is null) return null; break;
                case 2: if ((members = ReadMembers(ref reader)) is null) return null; break;
                default: if (!SkipWithholding(ref reader)) return null; break;
            }
        }
        if (id is null || headId is null || members is null) return null;
        var headFound = false;
        foreach (var member in members)
        {
            if (member.Id != headId) continue;
            headFound = true;
            headId = member.Id; // one string for both
        }
        return headFound ? new HouseholdSnapshot(id, headId, members) : null;
    }

    private static List<MemberSnapshot>? ReadMembers(ref Utf8JsonReader reader)
    {
        if (reader.TokenType != JsonTokenType.StartArray) return null;
        var members = new List<MemberSnapshot>(4);
        while (reader.Read() && reader.TokenType != JsonTokenType.EndArray)
        {
            if (reader.TokenType != JsonTokenType.StartObject || members.Count == SnapshotReader.MaxMembers) return null;
            if (ReadMember(ref reader) is not { } member) return null;
            foreach (var other in members)
                if (other.Id == member.Id) return null;
            members.Add(member);
        }
        return members.Count == 0 ? null : members;
    }

    /// <summary>What a member object holds, as sent (null: absent or null), before the checks that join its fields.</summary>
    private ref struct MemberFields
    {
        public string? Id;
        public LocalDate? BirthDate;
        public List<CoveragePeriod>? Coverage;
        public PriorYearIncome? Income;
        public bool? Specified;
        public LocalDate? SpecifiedSince;
        public List<Childbirth>? Childbirths;
        public bool ChildbirthsSent;
        public Separation? Separation;
        public LocalDate? FormerDependant;
        public bool FormerDependantSent;
        public long? FixedAssetTax;
    }

    private static MemberSnapshot? ReadMember(ref Utf8JsonReader reader)
    {
        var m = new MemberFields();
        var seen = 0;
        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            var field = Field(ref reader, MemberFieldNames, ref seen);
            if (field < 0 || !reader.Read()) return null;
            var ok = field switch
            {
                0 => (m.Id = ReadId(ref reader)) is not null,
                1 => ReadDate(ref reader, out m.BirthDate),
                2 => (m.Coverage = ReadCoverage(ref reader)) is not null,
                3 => (m.Income = ReadIncome(ref reader)) is not null,
                4 => ReadBool(ref reader, out m.Specified),
                5 => ReadDate(ref reader, out m.SpecifiedSince),
                6 => ReadChildbirths(ref reader, ref m),
                7 => ReadSeparation(ref reader, out m.Separation),
                8 => ReadFormerDependant(ref reader, ref m),
                9 => ReadAmount(ref reader, out m.FixedAssetTax),
                10 => SkipPension(ref reader),
                _ => false,
            };
            if (!ok) return null;
        }
        return Member(ref m);
    }

    /// <summary>The checks of <see cref="SnapshotReader"/> and <see cref="PremiumMemberFactsReader"/> that join a member's fields; null when one fails.</summary>
    private static MemberSnapshot? Member(ref MemberFields m)
    {
        if (m.Id is null || m.BirthDate is not { } birth || !InRange(birth) || m.Coverage is not { } coverage || m.Income is not { } income) return null;
        foreach (var period in coverage)
            if (period.Acquired < birth) return null;
        if (coverage.Count > 1) coverage.Sort(ByAcquisition);
        for (var i = 1; i < coverage.Count; i++)
            if (coverage[i - 1].Lost is not { } previousEnd || previousEnd > coverage[i].Acquired) return null;
        LocalDate? since = null;
        if (m.Specified == true)
        {
            if (m.SpecifiedSince is not { } s || !InRange(s)) return null;
            since = s;
        }
        else if (m.SpecifiedSince is not null) return null;
        if (m.FormerDependantSent)
        {
            if (m.FormerDependant is not { } acquired || !InRange(acquired) || !coverage.Exists(c => c.Acquired == acquired)) return null;
        }
        if (m.FixedAssetTax is < 0 or > SnapshotFields.MaxYen) return null;
        return new MemberSnapshot(m.Id, birth, coverage, income, since, m.Childbirths, m.Separation, m.FormerDependant, m.FixedAssetTax ?? 0);
    }

    private static readonly Comparison<CoveragePeriod> ByAcquisition = (a, b) => a.Acquired.CompareTo(b.Acquired);

    private static List<CoveragePeriod>? ReadCoverage(ref Utf8JsonReader reader)
    {
        if (reader.TokenType != JsonTokenType.StartArray) return null;
        var coverage = new List<CoveragePeriod>(1);
        while (reader.Read() && reader.TokenType != JsonTokenType.EndArray)
        {
            if (reader.TokenType != JsonTokenType.StartObject || coverage.Count == SnapshotReader.MaxCoveragePeriods) return null;
            LocalDate? acquired = null, lost = null;
            var seen = 0;
            while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
            {
                var field = Field(ref reader, CoverageFields, ref seen);
                if (field < 0 || !reader.Read() || !ReadDate(ref reader, out var date)) return null;
                if (field == 0) acquired = date;
                else lost = date;
            }
            if (acquired is not { } a || !InRange(a) || (lost is { } l && (l <= a || l > SnapshotFields.LatestDate))) return null;
            coverage.Add(new CoveragePeriod(a, lost));
        }
        return coverage;
    }

    private static PriorYearIncome? ReadIncome(ref Utf8JsonReader reader)
    {
        if (reader.TokenType != JsonTokenType.StartObject) return null;
        bool? declared = null;
        Span<long> amounts = stackalloc long[IncomeAmounts];
        var sent = 0; // a bit per amount given (not null)
        var seen = 0;
        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            var field = Field(ref reader, IncomeFields, ref seen);
            if (field < 0 || !reader.Read()) return null;
            if (field == 0)
            {
                if (!ReadBool(ref reader, out declared)) return null;
            }
            else if (field == 9)
            {
                if (!ReadBool(ref reader, out _)) return null; // residentTaxExempt: the high-cost categories read it
            }
            else
            {
                if (!ReadAmount(ref reader, out var yen)) return null;
                if (yen is not { } value) continue;
                if (value is < 0 or > SnapshotFields.MaxYen) return null;
                if (field == 10) continue; // residentTaxableIncome: read by the high-cost 70–74 category, not the premium
                amounts[field - 1] = value;
                sent |= 1 << (field - 1);
            }
        }
        if (declared is not { } known) return null;
        if (!known) return sent == 0 ? PriorYearIncome.Undeclared : null;
        if ((sent & 1) == 0) return null; // totalIncome is required when declared
        // amounts: totalIncome, combinedIncome, salaryRevenue, salaryIncome, pensionRevenue, pensionIncome, familyEmployee…, transfer…
        if (amounts[3] > amounts[2] || amounts[5] > amounts[4]) return null;
        return new PriorYearIncome(true, amounts[0], (sent & 2) != 0 ? amounts[1] : null, amounts[2], amounts[3], amounts[4], amounts[5], amounts[6], amounts[7]);
    }

    private static bool ReadChildbirths(ref Utf8JsonReader reader, ref MemberFields m)
    {
        if (reader.TokenType == JsonTokenType.Null) return true;
        if (reader.TokenType != JsonTokenType.StartArray) return false;
        m.ChildbirthsSent = true;
        var count = 0;
        while (reader.Read() && reader.TokenType != JsonTokenType.EndArray)
        {
            if (reader.TokenType != JsonTokenType.StartObject || ++count > SnapshotReader.MaxChildbirths) return false;
            LocalDate? date = null;
            bool? multiple = null;
            var seen = 0;
            while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
            {
                var field = Field(ref reader, ChildbirthFields, ref seen);
                if (field < 0 || !reader.Read()) return false;
                if (!(field == 0 ? ReadDate(ref reader, out date) : ReadBool(ref reader, out multiple))) return false;
            }
            if (date is not { } d || !InRange(d)) return false;
            (m.Childbirths ??= new List<Childbirth>(1)).Add(new Childbirth(d, multiple ?? false));
        }
        return true;
    }

    private static bool ReadSeparation(ref Utf8JsonReader reader, out Separation? separation)
    {
        separation = null;
        if (reader.TokenType == JsonTokenType.Null) return true;
        if (reader.TokenType != JsonTokenType.StartObject) return false;
        LocalDate? date = null;
        string? code = null;
        var seen = 0;
        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            var field = Field(ref reader, SeparationFields, ref seen);
            if (field < 0 || !reader.Read()) return false;
            if (field == 0)
            {
                if (!ReadDate(ref reader, out date)) return false;
            }
            else if (reader.TokenType == JsonTokenType.String && !reader.ValueIsEscaped && PremiumMemberFactsReader.IsReasonCode(code = reader.GetString())) continue;
            else return false;
        }
        if (date is not { } d || code is null || !InRange(d)) return false;
        separation = new Separation(d, code);
        return true;
    }

    private static bool ReadFormerDependant(ref Utf8JsonReader reader, ref MemberFields m)
    {
        if (reader.TokenType == JsonTokenType.Null) return true;
        if (reader.TokenType != JsonTokenType.StartObject) return false;
        m.FormerDependantSent = true;
        var seen = 0;
        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            if (Field(ref reader, FormerDependantFields, ref seen) < 0 || !reader.Read() || !ReadDate(ref reader, out m.FormerDependant)) return false;
        }
        return true;
    }

    /// <summary>The member's pension (特別徴収対象年金): the premium ignores it; its fields are checked as the serializer checks them.</summary>
    private static bool SkipPension(ref Utf8JsonReader reader)
    {
        if (reader.TokenType == JsonTokenType.Null) return true;
        if (reader.TokenType != JsonTokenType.StartObject) return false;
        var seen = 0;
        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            var field = Field(ref reader, PensionFields, ref seen);
            if (field < 0 || !reader.Read()) return false;
            if (field is 0 or 2)
            {
                // An amount in range is never taken for an individual number; out of range, the reference decides.
                if (!ReadAmount(ref reader, out var yen) || yen is < 0 or > SnapshotFields.MaxYen) return false;
            }
            else if (!ReadBool(ref reader, out _)) return false;
        }
        return true;
    }

    /// <summary>
    /// The household's withholding fields (特別徴収, read by <c>reassess --withholding</c> through the reference reader): the
    /// premium ignores them; they are checked as the serializer checks them.
    /// </summary>
    private static bool SkipWithholding(ref Utf8JsonReader reader)
    {
        if (reader.TokenType == JsonTokenType.Null) return true;
        if (reader.TokenType != JsonTokenType.StartObject) return false;
        var seen = 0;
        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            var field = Field(ref reader, WithholdingFields, ref seen);
            if (field < 0 || !reader.Read()) return false;
            var ok = field switch
            {
                0 => SkipPreviousYear(ref reader),
                1 => ReadBool(ref reader, out _),
                _ => reader.TokenType == JsonTokenType.Null || (reader.TokenType == JsonTokenType.Number && reader.TryGetInt32(out _)),
            };
            if (!ok) return false;
        }
        return true;
    }

    private static bool SkipPreviousYear(ref Utf8JsonReader reader)
    {
        if (reader.TokenType == JsonTokenType.Null) return true;
        if (reader.TokenType != JsonTokenType.StartObject) return false;
        var seen = 0;
        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            if (Field(ref reader, PreviousYearFields, ref seen) < 0 || !reader.Read()) return false;
            if (!ReadAmount(ref reader, out var yen) || yen is < 0 or > SnapshotFields.MaxYen) return false;
        }
        return true;
    }

    /// <summary>An id the reference accepts (<see cref="SnapshotReader.SafeId"/>: its own rules, the individual-number one included), else null; escaped, the reference reads it.</summary>
    private static string? ReadId(ref Utf8JsonReader reader) =>
        reader.TokenType == JsonTokenType.String && !reader.ValueIsEscaped && reader.ValueSpan.Length <= SnapshotReader.MaxIdLength
            ? SnapshotReader.SafeId(reader.GetString())
            : null;

    /// <summary>A date as the contract's converter reads it (plain <c>YYYY-MM-DD</c>; escaped, the reference reads it); null for JSON null.</summary>
    private static bool ReadDate(ref Utf8JsonReader reader, out LocalDate? date)
    {
        date = null;
        if (reader.TokenType == JsonTokenType.Null) return true;
        if (reader.TokenType != JsonTokenType.String || reader.ValueIsEscaped || !IsoLocalDateConverter.TryParse(reader.ValueSpan, out var value)) return false;
        date = value;
        return true;
    }

    /// <summary>true or false; null for JSON null.</summary>
    private static bool ReadBool(ref Utf8JsonReader reader, out bool? value)
    {
        value = reader.TokenType switch { JsonTokenType.True => true, JsonTokenType.False => false, _ => null };
        return value is not null || reader.TokenType == JsonTokenType.Null;
    }

    /// <summary>A whole number of yen (a JSON number that fits 64 bits, as the serializer reads a <c>long</c>); null for JSON null.</summary>
    private static bool ReadAmount(ref Utf8JsonReader reader, out long? yen)
    {
        yen = null;
        if (reader.TokenType == JsonTokenType.Null) return true;
        if (reader.TokenType != JsonTokenType.Number || !reader.TryGetInt64(out var value)) return false;
        yen = value;
        return true;
    }

    private static bool InRange(LocalDate date) => date >= SnapshotFields.EarliestDate && date <= SnapshotFields.LatestDate;

    /// <summary>
    /// The index of the current property name in <paramref name="names"/>, marking it seen; −1 for a name the
    /// contract does not have there, an escaped name (the reference unescapes it) or a name given twice.
    /// </summary>
    private static int Field(ref Utf8JsonReader reader, byte[][] names, ref int seen)
    {
        if (reader.ValueIsEscaped) return -1;
        var name = reader.ValueSpan;
        for (var i = 0; i < names.Length; i++)
        {
            if (!name.SequenceEqual(names[i])) continue;
            if ((seen & (1 << i)) != 0) return -1;
            seen |= 1 << i;
            return i;
        }
        return -1;
    }

    private const int IncomeAmounts = 8;

    private static byte[][] Utf8(params string[] names) => names.Select(n => System.Text.Encoding.UTF8.GetBytes(n)).ToArray();

    // The contract's names (SnapshotJson.cs), camelCase as KokuhoJson.Options writes them; the order is the switch's.
    private static readonly byte[][] HouseholdFields = Utf8("id", "headId", "members", "withholding");
    private static readonly byte[][] MemberFieldNames = Utf8("id", "birthDate", "coverage", "income", "specifiedSameHouseholdMember",
        "specifiedSameHouseholdSince", "childbirths", "involuntaryUnemployment", "formerDependant", "fixedAssetTax", "pension");
    private static readonly byte[][] CoverageFields = Utf8("acquired", "lost");
    private static readonly byte[][] IncomeFields = Utf8("declared", "totalIncome", "combinedIncome", "salaryRevenue", "salaryIncome",
        "pensionRevenue", "pensionIncome", "familyEmployeeSalaryDeduction", "transferIncomeSpecialDeduction", "residentTaxExempt", "residentTaxableIncome");
    private static readonly byte[][] ChildbirthFields = Utf8("date", "multiple");
    private static readonly byte[][] SeparationFields = Utf8("separationDate", "reasonCode");
    private static readonly byte[][] FormerDependantFields = Utf8("acquired");
    private static readonly byte[][] WithholdingFields = Utf8("previousYear", "directDebitRequested", "startMonth");
    private static readonly byte[][] PreviousYearFields = Utf8("annualPremium", "februaryWithheld");
    private static readonly byte[][] PensionFields = Utf8("annualAmount", "careInsuranceWithheld", "carePremiumPerPayment", "suspended", "pledged");
}
