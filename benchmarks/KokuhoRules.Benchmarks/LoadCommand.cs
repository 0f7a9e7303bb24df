using System.Globalization;
using System.Text.RegularExpressions;

namespace KokuhoRules.Benchmarks;

/// <summary>
/// <c>load --url http://127.0.0.1:PORT [--clients 64] [--duration 20s | --requests N] [--warmup 3s]
/// [--households 2000] [--insurer amagasaki] [--fiscal-year 2025] [--seed 1] [--trace false] [--key KEY]</c>:
/// a <see cref="LoadDriver"/> run on an API on this machine (loopback addresses only), with a pool of
/// assessment requests for the first <c>--households</c> households of the synthetic population.
/// The API key is <c>--key</c>, else the environment variable <see cref="ApiKeyVariable"/>, else
/// <see cref="LoadDriver.DevelopmentApiKey"/>. Without <c>--duration</c> or <c>--requests</c> the run lasts 20 s.
/// Prints one line of <c>key=value</c> pairs (<see cref="LoadReport.ToKeyValueLine"/>) and any failures on
/// the error output. Exit code: 0 when every request got a 200, 1 when any failed, 2 for bad arguments.
/// </summary>
public static partial class LoadCommand
{
    public const string ApiKeyVariable = "KOKUHO_API_KEY";

    private const string Usage =
        "load --url http://127.0.0.1:PORT [--clients 64] [--duration 20s | --requests N] [--warmup 3s] [--households 2000] " +
        "[--insurer amagasaki] [--fiscal-year 2025] [--seed 1] [--trace false] [--key KEY]";

    private static readonly string[] Names =
        ["--url", "--clients", "--duration", "--requests", "--warmup", "--households", "--insurer", "--fiscal-year", "--seed", "--trace", "--key"];

    public static async Task<int> RunAsync(string[] args, TextWriter output, TextWriter error, CancellationToken cancel = default)
    {
        LoadOptions options;
        string insurer;
        int fiscalYear, households, seed;
        try
        {
            var values = Parse(args);
            string? Get(string name) => values.GetValueOrDefault(name);
            var url = Get("--url") ?? throw new FormatException("--url is required");
            if (!Uri.TryCreate(url, UriKind.Absolute, out var baseAddress)) throw new FormatException($"--url {url} is not an absolute URL");
            var requests = Get("--requests") is { } r ? Integer("--requests", r) : (long?)null;
            options = new LoadOptions
            {
                BaseAddress = baseAddress,
                Clients = (int)Integer("--clients", Get("--clients") ?? "64"),
                Requests = requests,
                Duration = Get("--duration") is { } d ? Duration("--duration", d) : requests is null ? TimeSpan.FromSeconds(20) : null,
                Warmup = Duration("--warmup", Get("--warmup") ?? "3s"),
                Trace = Get("--trace") switch
                {
                    null or "false" => false,
                    "true" => true,
                    var t => throw new FormatException($"--trace must be true or false, not {t}"),
                },
                ApiKey = Get("--key") ?? (Environment.GetEnvironmentVariable(ApiKeyVariable) is { Length: > 0 } key ? key : LoadDriver.DevelopmentApiKey),
            };
            insurer = Get("--insurer") ?? "amagasaki";
            fiscalYear = (int)Integer("--fiscal-year", Get("--fiscal-year") ?? "2025");
            households = (int)Integer("--households", Get("--households") ?? "2000");
            seed = (int)Integer("--seed", Get("--seed") ?? "1");
            if (households is < 1 or > 1_000_000) throw new FormatException($"--households must be between 1 and 1,000,000, not {households}");
            if (options.Validate() is { Count: > 0 } problems) throw new FormatException(string.Join("; ", problems));
        }
        catch (FormatException e)
        {
            error.WriteLine($"load: {e.Message}");
            error.WriteLine(Usage);
            return 2;
        }

        var pool = LoadRequest.Synthetic(insurer, fiscalYear, households, seed);
        var report = await new LoadDriver(options, pool).RunAsync(cancel: cancel);
        output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"households={households} ") + report.ToKeyValueLine());
        foreach (var failure in report.FailureSamples) error.WriteLine($"load: failed: {failure}");
        if (!report.Succeeded) error.WriteLine($"load: {report.Failures:N0} requests failed");
        return report.Succeeded ? 0 : 1;
    }

    /// <summary><c>--name value</c> pairs; an unknown name, a name given twice or a missing value is a <see cref="FormatException"/>.</summary>
    private static Dictionary<string, string> Parse(string[] args)
    {
        var values = new Dictionary<string, string>(StringComparer.Ordinal);
        for (var i = 0; i < args.Length; i += 2)
        {
            var name = args[i];
            if (!Names.Contains(name)) throw new FormatException($"unknown option {name}");
            if (i + 1 >= args.Length) throw new FormatException($"{name} needs a value");
            if (!values.TryAdd(name, args[i + 1])) throw new FormatException($"{name} is given twice");
        }
        return values;
    }

    private static long Integer(string name, string text) =>
        long.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var value) && value <= int.MaxValue
            ? value
            : throw new FormatException($"{name} must be a whole number, not {text}");

    /// <summary>A duration such as <c>20s</c>, <c>500ms</c>, <c>2m</c> or <c>1.5</c> (seconds).</summary>
    private static TimeSpan Duration(string name, string text)
    {
        var match = DurationPattern().Match(text);
        if (!match.Success) throw new FormatException($"{name} must be a duration such as 20s, 500ms or 2m, not {text}");
        var amount = double.Parse(match.Groups["amount"].Value, CultureInfo.InvariantCulture);
        return match.Groups["unit"].Value switch
        {
            "ms" => TimeSpan.FromMilliseconds(amount),
            "m" => TimeSpan.FromMinutes(amount),
            _ => TimeSpan.FromSeconds(amount),
        };
    }

    [GeneratedRegex(@"^(?<amount>\d+(\.\d+)?)(?<unit>ms|s|m)?$")]
    private static partial Regex DurationPattern();
}
