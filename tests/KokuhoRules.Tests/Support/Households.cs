using KokuhoRules.Rules.Checks;
using KokuhoRules.Rules.Premium;
using KokuhoRules.Rules.Snapshots;
using NodaTime;

namespace KokuhoRules.Tests.Support;

/// <summary>Builders for household JSON (the contract) and snapshots, so tests read like the cases they state.</summary>
public static class Households
{
    public static IncomeJson Income(long total, long salaryRevenue = 0, long salaryIncome = 0, long pensionRevenue = 0, long pensionIncome = 0,
        long? combined = null, long familyEmployee = 0, long transfer = 0) =>
        Incomes.Declared(total, salaryRevenue, salaryIncome, pensionRevenue, pensionIncome, combined, familyEmployee, transfer);

    public static IncomeJson NoIncome => Incomes.None;

    public static IncomeJson Undeclared => Incomes.Undeclared;

    /// <summary>A member covered from <paramref name="acquired"/> (default: long before the year) until <paramref name="lost"/>.</summary>
    public static MemberJson Member(string id, string birthDate, IncomeJson? income = null, string acquired = "2010-04-01", string? lost = null,
        string? specifiedSameHouseholdSince = null) =>
        new()
        {
            Id = id,
            BirthDate = LocalDate.FromDateTime(DateTime.Parse(birthDate, System.Globalization.CultureInfo.InvariantCulture)),
            Coverage = [new CoverageJson { Acquired = Date(acquired), Lost = lost is null ? null : Date(lost) }],
            Income = income ?? NoIncome,
            SpecifiedSameHouseholdMember = specifiedSameHouseholdSince is null ? null : true,
            SpecifiedSameHouseholdSince = specifiedSameHouseholdSince is null ? null : Date(specifiedSameHouseholdSince),
        };

    /// <summary>A member with no NHI coverage (e.g. a 擬制世帯主 on employees' insurance).</summary>
    /// <param name="specifiedSameHouseholdSince">For a 特定同一世帯所属者: the day they moved to 後期高齢者医療.</param>
    public static MemberJson Uninsured(string id, string birthDate, IncomeJson? income = null, string? specifiedSameHouseholdSince = null) =>
        Member(id, birthDate, income, specifiedSameHouseholdSince: specifiedSameHouseholdSince) with { Coverage = [] };

    /// <summary>The member with a birth (出産(予定)日) for the 産前産後 exemption.</summary>
    public static MemberJson GivingBirth(this MemberJson member, string date, bool multiple = false) =>
        member with { Childbirths = [new ChildbirthJson { Date = Date(date), Multiple = multiple ? true : null }] };

    /// <summary>The member as a 非自発的失業者.</summary>
    public static MemberJson Separated(this MemberJson member, string date, string reasonCode = "11") =>
        member with { InvoluntaryUnemployment = new InvoluntaryUnemploymentJson { SeparationDate = Date(date), ReasonCode = reasonCode } };

    /// <summary>The member as a 旧被扶養者 from the acquisition date of their (first) coverage.</summary>
    public static MemberJson AsFormerDependant(this MemberJson member) =>
        member with { FormerDependant = new FormerDependantJson { Acquired = member.Coverage![0]!.Acquired } };

    public static HouseholdJson Household(params MemberJson[] members) =>
        new() { Id = "H-TEST", HeadId = members[0].Id, Members = members };

    public static LocalDate Date(string iso) => NodaTime.Text.LocalDatePattern.Iso.Parse(iso).Value;

    /// <summary>Reads household JSON into a snapshot, failing the test on any field error.</summary>
    public static HouseholdSnapshot Snapshot(HouseholdJson json)
    {
        var errors = new List<FieldError>();
        var snapshot = SnapshotReader.Read(json, "household", errors);
        Assert.True(snapshot is not null, string.Join("; ", errors.Select(e => $"{e.Field}: {e.Message}")));
        return snapshot!;
    }

    /// <summary>Assesses with a rule set (no trace).</summary>
    public static PremiumAssessment Assess(this PremiumRuleSet rs, HouseholdJson json, bool trace = false) =>
        PremiumCalculator.Assess(rs, Snapshot(json), trace ? new KokuhoRules.Engine.Tracing.Trace() : null);

    public static ComponentAssessment Component(this PremiumAssessment a, string name) => a.Components.Single(c => c.Name == name);

    /// <summary>What one relief removed from a component (0 when it did not apply).</summary>
    public static long Relief(this ComponentAssessment c, Relief relief) => c.Reliefs.SingleOrDefault(r => r.Relief == relief)?.Amount ?? 0;
}
