namespace KokuhoRules.Tests.Support;

/// <summary>Waiting for something a background task does (a file re-read, a spool delivered), with a bound.</summary>
public static class Eventually
{
    /// <summary>Polls <paramref name="condition"/> every 100 ms until it holds; fails with <paramref name="what"/> after <paramref name="seconds"/>.</summary>
    public static async Task Holds(Func<Task<bool>> condition, string what, int seconds = 30)
    {
        var deadline = DateTime.UtcNow.AddSeconds(seconds);
        while (!await condition())
        {
            Assert.True(DateTime.UtcNow < deadline, $"{what} within {seconds} s");
            await Task.Delay(100);
        }
    }

    public static Task Holds(Func<bool> condition, string what, int seconds = 30) =>
        Holds(() => Task.FromResult(condition()), what, seconds);
}
