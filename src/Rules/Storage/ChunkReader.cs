using System.Runtime.InteropServices;
using System.Text.Json;
using KokuhoRules.Engine.Storage;
using KokuhoRules.Rules.Batch;
using KokuhoRules.Rules.Snapshots;
using NodaTime;
using Npgsql;

namespace KokuhoRules.Rules.Storage;

/// <summary>
/// A chunk of stored households, in household order: each one's document (its contract JSON, as <c>kokuho load</c>
/// stored it) in one pooled buffer, read by the batch's line reader as a file's lines are. Dispose gives the buffer back.
/// </summary>
public sealed class StoredChunk : IDisposable
{
    /// <summary>The documents, one after the other.</summary>
    public PooledBuffer Bytes { get; } = new(256 * 1024);

    /// <summary>Each household's sequence number and where its document is in <see cref="Bytes"/>.</summary>
    public List<(long Seq, int Start, int Length)> Rows { get; } = new(4096);

    /// <summary>The document of row <paramref name="index"/>.</summary>
    public ReadOnlySpan<byte> Document(int index) => Bytes.WrittenSpan.Slice(Rows[index].Start, Rows[index].Length);

    public void Dispose() => Bytes.Dispose();
}

/// <summary>
/// Reads ranges of households back from the store, for one connection: each household's document with one prepared
/// range query. A household loaded before the documents were stored (migration 0011) has none: its chunk is read from
/// the four tables with four prepared range queries, each already in key order (household, member, period), merged
/// here and written as documents, so that the batch has one reader. (Measured on 1M insured, the four queries cost the
/// server about 1.3× a bare COPY of the same rows, where one query joining them in the server cost about 2×.)
/// </summary>
public sealed class ChunkReader : IAsyncDisposable
{
    private readonly NpgsqlCommand _documents;
    private readonly NpgsqlCommand _households;
    private readonly NpgsqlCommand _members;
    private readonly NpgsqlCommand _incomes;
    private readonly NpgsqlCommand _coverage;

    private ChunkReader(NpgsqlCommand documents, NpgsqlCommand households, NpgsqlCommand members, NpgsqlCommand incomes, NpgsqlCommand coverage)
    {
        _documents = documents;
        _households = households;
        _members = members;
        _incomes = incomes;
        _coverage = coverage;
    }

    /// <summary>Prepares the queries on a connection (kept for every chunk it reads).</summary>
    public static async Task<ChunkReader> PrepareAsync(NpgsqlConnection connection, CancellationToken cancel)
    {
        const string Range = "WHERE insurer_id = $1 AND fiscal_year = $2 AND household_seq BETWEEN $3 AND $4";
        NpgsqlCommand Command(string sql)
        {
            var c = new NpgsqlCommand(sql, connection);
            c.Parameters.Add(new NpgsqlParameter<string>());
            c.Parameters.Add(new NpgsqlParameter<int>());
            c.Parameters.Add(new NpgsqlParameter<long>());
            c.Parameters.Add(new NpgsqlParameter<long>());
            return c;
        }
        var reader = new ChunkReader(
            Command($"SELECT household_seq, document FROM households {Range} ORDER BY household_seq"),
            Command($"""
                SELECT household_seq, household_id, head_id, has_withholding, has_previous_year, previous_annual_premium, previous_february_withheld,
                       direct_debit_requested, withholding_start_month
                FROM households {Range} ORDER BY household_seq
                """),
            Command($"""
                SELECT household_seq, member_no, member_id, birth_date, specified_same_household, specified_since, separation_date, separation_reason,
                       former_dependant_acquired, childbirth_dates, childbirth_multiple, fixed_asset_tax,
                       has_pension, pension_annual_amount, pension_care_withheld, pension_care_per_payment, pension_suspended, pension_pledged
                FROM members {Range} ORDER BY household_seq, member_no
                """),
            Command($"""
                SELECT household_seq, member_no, declared, total_income, combined_income, salary_revenue, salary_income, pension_revenue, pension_income,
                       family_employee_salary_deduction, transfer_income_special_deduction
                FROM incomes {Range} ORDER BY household_seq, member_no
                """),
            Command($"SELECT household_seq, member_no, acquired, lost FROM coverage_periods {Range} ORDER BY household_seq, member_no, period_no"));
        foreach (var c in reader.Commands) await c.PrepareAsync(cancel);
        return reader;
    }

    private NpgsqlCommand[] Commands => [_documents, _households, _members, _incomes, _coverage];

    private sealed class Member(long seq, short no)
    {
        public readonly long Seq = seq;
        public readonly short No = no;
        public MemberJson Json = new();
        public IncomeJson? Income;
        public List<CoverageJson?>? Coverage;
    }

    /// <summary>The documents of the households with sequence numbers in [first, last], in order, as the core system sent them.</summary>
    public async Task<StoredChunk> ReadAsync(string insurer, int fiscalYear, long first, long last, CancellationToken cancel)
    {
        SetRange(insurer, fiscalYear, first, last);
        var chunk = new StoredChunk();
        var complete = true;
        await using (var r = await _documents.ExecuteReaderAsync(System.Data.CommandBehavior.SequentialAccess, cancel))
            while (await r.ReadAsync(cancel))
            {
                var seq = r.GetInt64(0);
                if (r.IsDBNull(1))
                {
                    complete = false;
                    break;
                }
                // Straight into the pooled buffer: no array per household.
                var length = checked((int)r.GetBytes(1, 0, null, 0, 0));
                if (!MemoryMarshal.TryGetArray<byte>(chunk.Bytes.GetMemory(length), out var segment)) throw new InvalidOperationException("the chunk buffer is not an array");
                r.GetBytes(1, 0, segment.Array, segment.Offset, length);
                chunk.Rows.Add((seq, chunk.Bytes.WrittenCount, length));
                chunk.Bytes.Advance(length);
            }
        if (complete) return chunk;

        // Loaded before the documents were stored: the chunk from the four tables, written as the documents load writes.
        chunk.Bytes.Clear();
        chunk.Rows.Clear();
        await using var writer = new Utf8JsonWriter(chunk.Bytes);
        foreach (var (seq, household) in await ReadTablesAsync(cancel))
        {
            var start = chunk.Bytes.WrittenCount;
            JsonSerializer.Serialize(writer, household, KokuhoJson.Options);
            writer.Flush();
            writer.Reset();
            chunk.Rows.Add((seq, start, chunk.Bytes.WrittenCount - start));
        }
        return chunk;
    }

    private void SetRange(string insurer, int fiscalYear, long first, long last)
    {
        foreach (var c in Commands)
        {
            ((NpgsqlParameter<string>)c.Parameters[0]).TypedValue = insurer;
            ((NpgsqlParameter<int>)c.Parameters[1]).TypedValue = fiscalYear;
            ((NpgsqlParameter<long>)c.Parameters[2]).TypedValue = first;
            ((NpgsqlParameter<long>)c.Parameters[3]).TypedValue = last;
        }
    }

    /// <summary>The households of the range set by <see cref="SetRange"/>, rebuilt from the four tables.</summary>
    private async Task<List<(long Seq, HouseholdJson Household)>> ReadTablesAsync(CancellationToken cancel)
    {
        var households = new List<(long Seq, HouseholdJson Household)>(4096);
        var lists = new List<List<MemberJson?>>(4096);
        await using (var r = await _households.ExecuteReaderAsync(System.Data.CommandBehavior.SequentialAccess, cancel))
            while (await r.ReadAsync(cancel))
            {
                var list = new List<MemberJson?>(2);
                lists.Add(list);
                var seq = r.GetInt64(0);
                var id = r.GetString(1);
                var headId = Text(r, 2);
                var withholding = r.GetBoolean(3)
                    ? new WithholdingHouseholdJson
                    {
                        PreviousYear = r.GetBoolean(4) ? new Withholding.PreviousYearJson { AnnualPremium = Amount(r, 5), FebruaryWithheld = Amount(r, 6) } : null,
                        DirectDebitRequested = Flag(r, 7),
                        StartMonth = r.IsDBNull(8) ? null : r.GetInt32(8),
                    }
                    : null;
                households.Add((seq, new HouseholdJson { Id = id, HeadId = headId, Members = list, Withholding = withholding }));
            }

        var members = new List<Member>(households.Count * 2);
        await using (var r = await _members.ExecuteReaderAsync(System.Data.CommandBehavior.SequentialAccess, cancel))
            while (await r.ReadAsync(cancel))
            {
                // Sequential access: columns are read in order.
                var m = new Member(r.GetInt64(0), r.GetInt16(1));
                var id = Text(r, 2);
                var birthDate = Date(r, 3);
                bool? specified = r.IsDBNull(4) ? null : r.GetBoolean(4);
                var specifiedSince = Date(r, 5);
                var separationDate = Date(r, 6);
                var separationReason = Text(r, 7);
                var formerDependant = Date(r, 8);
                var birthDates = r.IsDBNull(9) ? null : r.GetFieldValue<DateOnly?[]>(9);
                var birthMultiple = r.IsDBNull(10) ? null : r.GetFieldValue<bool?[]>(10);
                var fixedAssetTax = Amount(r, 11);
                var pension = r.GetBoolean(12)
                    ? new PensionJson { AnnualAmount = Amount(r, 13), CareInsuranceWithheld = Flag(r, 14), CarePremiumPerPayment = Amount(r, 15), Suspended = Flag(r, 16), Pledged = Flag(r, 17) }
                    : null;
                m.Json = new MemberJson
                {
                    Id = id,
                    BirthDate = birthDate,
                    SpecifiedSameHouseholdMember = specified,
                    SpecifiedSameHouseholdSince = specifiedSince,
                    InvoluntaryUnemployment = separationDate is null && separationReason is null ? null : new InvoluntaryUnemploymentJson { SeparationDate = separationDate, ReasonCode = separationReason },
                    FormerDependant = formerDependant is null ? null : new FormerDependantJson { Acquired = formerDependant },
                    Childbirths = birthDates?.Select((d, i) => (ChildbirthJson?)new ChildbirthJson
                    {
                        Date = d is { } date ? LocalDate.FromDateOnly(date) : null,
                        Multiple = birthMultiple is not null && i < birthMultiple.Length ? birthMultiple[i] : null,
                    }).ToArray(),
                    FixedAssetTax = fixedAssetTax,
                    Pension = pension,
                };
                members.Add(m);
            }

        // Incomes and coverage come in the members' order: walk both lists together.
        await using (var r = await _incomes.ExecuteReaderAsync(System.Data.CommandBehavior.SequentialAccess, cancel))
        {
            var at = 0;
            while (await r.ReadAsync(cancel))
            {
                if (!Advance(members, ref at, r.GetInt64(0), r.GetInt16(1))) continue;
                members[at].Income = new IncomeJson
                {
                    Declared = r.IsDBNull(2) ? null : r.GetBoolean(2),
                    TotalIncome = Amount(r, 3), CombinedIncome = Amount(r, 4), SalaryRevenue = Amount(r, 5), SalaryIncome = Amount(r, 6),
                    PensionRevenue = Amount(r, 7), PensionIncome = Amount(r, 8), FamilyEmployeeSalaryDeduction = Amount(r, 9), TransferIncomeSpecialDeduction = Amount(r, 10),
                };
            }
        }
        await using (var r = await _coverage.ExecuteReaderAsync(System.Data.CommandBehavior.SequentialAccess, cancel))
        {
            var at = 0;
            while (await r.ReadAsync(cancel))
            {
                if (!Advance(members, ref at, r.GetInt64(0), r.GetInt16(1))) continue;
                (members[at].Coverage ??= new List<CoverageJson?>(1)).Add(new CoverageJson { Acquired = Date(r, 2), Lost = Date(r, 3) });
            }
        }

        // Attach the members to their households (both in order).
        var h = 0;
        foreach (var m in members)
        {
            while (h < households.Count && households[h].Seq < m.Seq) h++;
            if (h == households.Count || households[h].Seq != m.Seq) continue;
            lists[h].Add(m.Json with { Income = m.Income, Coverage = (IReadOnlyList<CoverageJson?>?)m.Coverage ?? [] });
        }
        return households;
    }

    /// <summary>
    /// Moves <paramref name="at"/> forward through <paramref name="members"/> (ordered by household seq, then
    /// member no) to the member (seq, no); false when there is none (a row of a member that was not read).
    /// </summary>
    private static bool Advance(List<Member> members, ref int at, long seq, short no)
    {
        while (at < members.Count && (members[at].Seq < seq || (members[at].Seq == seq && members[at].No < no))) at++;
        return at < members.Count && members[at].Seq == seq && members[at].No == no;
    }

    private static string? Text(NpgsqlDataReader r, int i) => r.IsDBNull(i) ? null : r.GetString(i);

    private static LocalDate? Date(NpgsqlDataReader r, int i) => r.IsDBNull(i) ? null : LocalDate.FromDateOnly(r.GetFieldValue<DateOnly>(i));

    private static long? Amount(NpgsqlDataReader r, int i) => r.IsDBNull(i) ? null : r.GetInt64(i);

    private static bool? Flag(NpgsqlDataReader r, int i) => r.IsDBNull(i) ? null : r.GetBoolean(i);

    public async ValueTask DisposeAsync()
    {
        foreach (var c in Commands) await c.DisposeAsync();
    }
}
