using Npgsql;

namespace KokuhoRules.Api.RuleSets;

/// <summary>
/// With a database, asks every <c>RuleSets:PollSeconds</c> (default 30; 0: never) whether a rule set was published since the
/// service read them — by <c>kokuho rulesets publish --db</c>, or on another instance's staff page — and if so reads them
/// again (<see cref="ServedRuleSets.ReloadIfPublished"/>): a publication is served by every instance within that time, without
/// a restart or a call to <c>POST /v1/rulesets/reload</c>. A database that does not answer is logged and asked again.
/// </summary>
public sealed class PublicationWatcher(ServedRuleSets served, TimeSpan every, ILogger<PublicationWatcher> logger) : BackgroundService
{
    /// <summary>Configuration key: seconds between two questions to the database (0 turns the watch off).</summary>
    public const string PollSecondsKey = "RuleSets:PollSeconds";

    /// <summary>The default interval.</summary>
    public const int DefaultPollSeconds = 30;

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(every);
        while (await timer.WaitForNextTickAsync(stoppingToken))
        {
            try
            {
                if (served.ReloadIfPublished())
                    logger.LogInformation("Rule sets read again: publication {Seq} in the database is served from now on", served.PublishedSeq);
            }
            catch (Exception e) when (e is NpgsqlException or TimeoutException or InvalidOperationException)
            {
                logger.LogWarning("Could not ask the database for new publications ({Error}); asking again in {Seconds} s", e.Message, every.TotalSeconds);
            }
        }
    }
}
