using KokuhoRules.Rules.Snapshots;
using NodaTime;
using static KokuhoRules.Tests.Support.Households;

namespace KokuhoRules.Tests.Snapshots;

/// <summary>
/// <see cref="SnapshotReader"/>: the household JSON a calculation relies on, each bad field named (docs/security.md:
/// dates in 1890–2200, ids of 1–64 safe characters and never an individual number; a member's coverage periods
/// from the acquisition date to the loss date, the first day without coverage, and never overlapping).
/// </summary>
public sealed class SnapshotReaderTests
{
    private static MemberJson P1 => Member("P1", "1980-06-15");

    private static (HouseholdSnapshot? Snapshot, List<FieldError> Errors) Read(HouseholdJson? household)
    {
        var errors = new List<FieldError>();
        return (SnapshotReader.Read(household, "household", errors), errors);
    }

    /// <summary>The one error of reading the household; fails unless there is exactly one.</summary>
    private static FieldError Refusal(HouseholdJson household)
    {
        var (snapshot, errors) = Read(household);
        Assert.Null(snapshot);
        return Assert.Single(errors);
    }

    private static HouseholdSnapshot Accepted(HouseholdJson household)
    {
        var (snapshot, errors) = Read(household);
        Assert.True(snapshot is not null, string.Join("; ", errors.Select(e => $"{e.Field}: {e.Message}")));
        Assert.Empty(errors);
        return snapshot!;
    }

    private static MemberJson WithCoverage(MemberJson member, params CoverageJson?[] periods) => member with { Coverage = periods };

    private static CoverageJson Period(string acquired, string? lost = null) => new() { Acquired = Date(acquired), Lost = lost is null ? null : Date(lost) };

    private const string Years = "must be a date in the years 1890–2200";

    [Fact]
    public void A_missing_household_is_required()
    {
        var (snapshot, errors) = Read(null);
        Assert.Null(snapshot);
        Assert.Equal(new FieldError("household", "is required"), Assert.Single(errors));
    }

    [Fact]
    public void A_household_is_read_with_its_ids_and_members_in_the_order_given()
    {
        var snapshot = Accepted(Household(P1, Member("P2", "1982-01-31")) with { Id = "H-1.a_b" });
        Assert.Equal("H-1.a_b", snapshot.Id);
        Assert.Equal("P1", snapshot.HeadId);
        Assert.Equal(["P1", "P2"], snapshot.Members.Select(m => m.Id));
        Assert.Equal(Date("1982-01-31"), snapshot.Members[1].BirthDate);
        Assert.Equal([new CoveragePeriod(Date("2010-04-01"), null)], snapshot.Members[0].Coverage);
    }

    [Fact]
    public void A_household_needs_one_to_40_members()
    {
        Assert.Equal(new FieldError("household.members", "at least one member (the head) is required"), Refusal(Household(P1) with { Members = null }));
        Assert.Equal(new FieldError("household.members", "at least one member (the head) is required"), Refusal(Household(P1) with { Members = [] }));
        var forty = Enumerable.Range(1, 40).Select(i => (MemberJson?)Member($"P{i}", "1980-06-15")).ToArray();
        Assert.Equal(40, Accepted(Household(P1) with { Members = forty }).Members.Count);
        Assert.Equal(new FieldError("household.members", "at most 40 members are accepted"),
            Refusal(Household(P1) with { Members = [.. forty, Member("P41", "1980-06-15")] }));
    }

    [Fact]
    public void A_member_id_given_twice_names_the_first_place_it_was_given()
    {
        var error = Refusal(Household(P1, Member("P2", "1982-01-31"), Member("P2", "1990-01-01")));
        Assert.Equal(new FieldError("household.members[2].id", "appears more than once: the same id as members[1] (each member id must be unique)"), error);
    }

    [Fact]
    public void The_head_must_be_a_member_and_is_not_looked_for_when_a_member_is_refused()
    {
        Assert.Equal(new FieldError("household.headId", "the head must be one of the members: no member has this id (a head without NHI coverage is listed with an empty coverage)"),
            Refusal(Household(P1) with { HeadId = "P9" }));
        // The head is a later member: found.
        Assert.Equal("P2", Accepted(Household(P1, Member("P2", "1982-01-31")) with { HeadId = "P2" }).HeadId);
        // The head's own entry refused: only that error, not "the head must be one of the members" as well.
        Assert.Equal("household.members[0].birthDate", Refusal(Household(P1 with { BirthDate = null })).Field);
    }

    [Theory]
    [InlineData(null, "is required")]
    [InlineData("  ", "is required")]
    [InlineData("P 1", "must be 1–64 characters of A–Z, a–z, 0–9, '-', '_' or '.'")]
    [InlineData("P/1", "must be 1–64 characters of A–Z, a–z, 0–9, '-', '_' or '.'")]
    [InlineData("P1234567890123456789012345678901234567890123456789012345678901234", "must be 1–64 characters of A–Z, a–z, 0–9, '-', '_' or '.'")]
    [InlineData("123456789012", "looks like an individual number (個人番号); KokuhoRules never takes one: use the core system's own ids")]
    public void A_bad_id_is_refused_at_its_field(string? id, string message)
    {
        Assert.Equal(new FieldError("household.id", message), Refusal(Household(P1) with { Id = id }));
        Assert.Equal(new FieldError("household.members[0].id", message), Refusal(Household(P1 with { Id = id }) with { HeadId = "P1" }));
    }

    [Fact]
    public void An_id_of_64_characters_of_letters_digits_and_dash_underscore_dot_is_accepted()
    {
        var id = "A-b_c." + new string('9', 8) + new string('x', 50);
        Assert.Equal(64, id.Length);
        Assert.Equal(id, Accepted(Household(P1) with { Id = id }).Id);
        Assert.Equal(id, SnapshotReader.SafeId(id));
        Assert.Null(SnapshotReader.SafeId(id + "x"));
    }

    [Fact]
    public void A_member_that_is_not_an_object_is_refused_at_its_place()
    {
        Assert.Equal(new FieldError("household.members[1]", "must be an object"), Refusal(Household(P1, null!)));
    }

    [Theory]
    [InlineData(null, "is required")]
    [InlineData("1889-12-31", Years)]
    [InlineData("2201-01-01", Years)]
    public void A_birth_date_missing_or_outside_1890_to_2200_is_refused(string? birthDate, string message)
    {
        var member = WithCoverage(P1, []) with { BirthDate = birthDate is null ? null : Date(birthDate) };
        Assert.Equal(new FieldError("household.members[0].birthDate", message), Refusal(Household(member)));
    }

    [Theory]
    [InlineData("1890-01-01")]
    [InlineData("2200-12-31")]
    public void A_birth_date_on_the_first_or_last_day_accepted_is_read(string birthDate)
    {
        var member = WithCoverage(P1, []) with { BirthDate = Date(birthDate) };
        Assert.Equal(Date(birthDate), Accepted(Household(member)).Members[0].BirthDate);
    }

    [Fact]
    public void Coverage_is_required_as_a_list_of_at_most_24_periods()
    {
        Assert.Equal(new FieldError("household.members[0].coverage", "is required (an empty list for a member without NHI coverage)"), Refusal(Household(P1 with { Coverage = null })));
        Assert.Empty(Accepted(Household(WithCoverage(P1, []))).Members[0].Coverage);
        // 24 one-year periods, April to April, 2000–2024: accepted; a 25th refused.
        var periods = Enumerable.Range(2000, 25).Select(y => (CoverageJson?)Period($"{y}-04-01", $"{y + 1}-04-01")).ToArray();
        Assert.Equal(24, Accepted(Household(WithCoverage(P1, periods[..24]))).Members[0].Coverage.Count);
        Assert.Equal(new FieldError("household.members[0].coverage", "at most 24 periods are accepted"), Refusal(Household(WithCoverage(P1, periods))));
    }

    [Theory]
    [InlineData(null, null, ".acquired", "is required (資格取得日)")]
    [InlineData("1889-12-31", null, ".acquired", Years)]
    [InlineData("2201-01-01", null, ".acquired", Years)]
    [InlineData("2020-04-01", "2020-04-01", ".lost", "the loss date must be after the acquisition date (the loss date is the first day without coverage, so a period lasts at least one day)")]
    [InlineData("2020-04-01", "2020-03-31", ".lost", "the loss date must be after the acquisition date (the loss date is the first day without coverage, so a period lasts at least one day)")]
    [InlineData("2020-04-01", "2201-01-01", ".lost", "must be a date in or before the year 2200")]
    [InlineData("1980-06-14", null, ".acquired", "coverage cannot start before the birth date")]
    public void A_bad_coverage_period_is_refused_at_its_field(string? acquired, string? lost, string field, string message)
    {
        // The member (born 1980-06-15) has a good period first; the bad one is the second.
        var bad = new CoverageJson { Acquired = acquired is null ? null : Date(acquired), Lost = lost is null ? null : Date(lost) };
        var member = WithCoverage(P1, Period("2000-04-01", "2001-04-01"), bad);
        Assert.Equal(new FieldError("household.members[0].coverage[1]" + field, message), Refusal(Household(member)));
    }

    [Fact]
    public void A_coverage_period_that_is_not_an_object_is_refused_at_its_place()
    {
        Assert.Equal(new FieldError("household.members[0].coverage[0]", "must be an object"), Refusal(Household(WithCoverage(P1, null, Period("2020-04-01")))));
    }

    [Fact]
    public void A_period_of_one_day_from_the_birth_date_and_a_loss_on_the_last_day_accepted_are_read()
    {
        var member = WithCoverage(P1, Period("1980-06-15", "1980-06-16"), Period("2020-04-01", "2200-12-31"));
        Assert.Equal([new CoveragePeriod(Date("1980-06-15"), Date("1980-06-16")), new CoveragePeriod(Date("2020-04-01"), Date("2200-12-31"))],
            Accepted(Household(member)).Members[0].Coverage);
        // A member born on 1890-01-01, covered from that day: the earliest dates accepted.
        var oldest = WithCoverage(P1, Period("1890-01-01")) with { BirthDate = Date("1890-01-01") };
        Assert.Equal(Date("1890-01-01"), Accepted(Household(oldest)).Members[0].Coverage[0].Acquired);
        // A period from the last day accepted (born the same day).
        var latest = WithCoverage(P1, Period("2200-12-31")) with { BirthDate = Date("2200-12-31") };
        Assert.Equal(Date("2200-12-31"), Accepted(Household(latest)).Members[0].Coverage[0].Acquired);
    }

    [Fact]
    public void Coverage_periods_are_sorted_by_acquisition_and_may_meet_but_not_overlap()
    {
        // Given out of order; the first ends on the day the next begins (the loss date is the first day without coverage).
        var member = WithCoverage(P1, Period("2022-10-01"), Period("2015-04-01", "2018-04-01"), Period("2018-04-01", "2022-10-01"));
        Assert.Equal([Date("2015-04-01"), Date("2018-04-01"), Date("2022-10-01")], Accepted(Household(member)).Members[0].Coverage.Select(p => p.Acquired));
    }

    [Fact]
    public void Overlapping_periods_are_named_by_their_places_in_the_request()
    {
        // [1] (2015–2019) and [0] (from 2018): sorted, [0] starts before [1] ends.
        var overlap = WithCoverage(P1, Period("2018-04-01"), Period("2015-04-01", "2019-04-01"));
        Assert.Equal(new FieldError("household.members[0].coverage", "coverage periods overlap (period [0] starts before period [1] ends)"), Refusal(Household(overlap)));
        // An open period followed by a later one: the open one never ends.
        var open = WithCoverage(P1, Period("2015-04-01"), Period("2030-04-01", "2031-04-01"));
        Assert.Equal(new FieldError("household.members[0].coverage", "coverage periods overlap (period [1] starts before period [0] ends)"), Refusal(Household(open)));
        // The same period twice: the two places, not one place twice.
        var twice = WithCoverage(P1, Period("2010-04-01", "2012-04-01"), Period("2015-04-01", "2016-04-01"), Period("2015-04-01", "2016-04-01"));
        Assert.Equal(new FieldError("household.members[0].coverage", "coverage periods overlap (period [2] starts before period [1] ends)"), Refusal(Household(twice)));
    }

    [Fact]
    public void Each_bad_member_and_period_is_named_in_one_reading()
    {
        var (snapshot, errors) = Read(Household(P1 with { BirthDate = null }, WithCoverage(Member("P2", "1982-01-31"), null, new CoverageJson())) with { Id = "" });
        Assert.Null(snapshot);
        Assert.Equal(["household.id", "household.members[0].birthDate", "household.members[1].coverage[0]", "household.members[1].coverage[1].acquired"], errors.Select(e => e.Field));
    }
}
