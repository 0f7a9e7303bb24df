using KokuhoRules.Api.Staff;
using NodaTime;
using NodaTime.Testing;

namespace KokuhoRules.Tests.Api.Staff;

/// <summary>
/// The staff sessions' limit: opening the login form over and over (each a session without a key) never locks a
/// logged-in staff member out and never makes creating a session fail.
/// </summary>
public sealed class StaffSessionsTests
{
    [Fact]
    public void When_full_the_login_forms_go_first_and_a_logged_in_session_survives_a_flood_of_them()
    {
        var clock = new FakeClock(Instant.FromUtc(2026, 4, 1, 9, 0));
        var sessions = new StaffSessions(clock);
        var staff = sessions.Create(key: "krk_test_publisher");

        for (var i = 0; i < StaffSessions.MaxSessions + 50; i++)
        {
            sessions.Create();
            clock.AdvanceMilliseconds(1);
        }

        Assert.Equal(StaffSessions.MaxSessions, sessions.Count);
        Assert.Equal("krk_test_publisher", sessions.Find(staff.Id)?.Key);
    }

    [Fact]
    public void When_full_the_oldest_login_form_is_the_one_dropped()
    {
        var clock = new FakeClock(Instant.FromUtc(2026, 4, 1, 9, 0));
        var sessions = new StaffSessions(clock);
        var first = sessions.Create();
        clock.AdvanceSeconds(1);
        var second = sessions.Create();
        for (var i = 2; i < StaffSessions.MaxSessions; i++) sessions.Create();
        clock.AdvanceSeconds(1);

        var newest = sessions.Create();

        Assert.Null(sessions.Find(first.Id));
        Assert.NotNull(sessions.Find(second.Id));
        Assert.NotNull(sessions.Find(newest.Id));
    }
}
