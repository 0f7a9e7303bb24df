using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Sockets;
using System.Text;
using System.Text.Json;
using KokuhoRules.Rules.Batch;
using KokuhoRules.Rules.Premium;
using KokuhoRules.Rules.Snapshots;

namespace KokuhoRules.Benchmarks;

/// <summary>One request body of a load: the household it carries (for messages) and the UTF-8 JSON posted.</summary>
/// <param name="HouseholdId">The household's id, to name it in failure messages.</param>
/// <param name="Body">The body of <c>POST /v1/premium/assessments</c>: <c>{"insurer","fiscalYear","household"}</c>.</param>
public sealed record LoadRequest(string HouseholdId, byte[] Body)
{
    /// <summary>
    /// Assessment requests for the first <paramref name="households"/> households of the synthetic population
    /// of <paramref name="seed"/> (what <c>kokuho generate --seed</c> writes, one household per request),
    /// serialised as the API's contract (<see cref="AssessmentRequest"/>, <see cref="KokuhoJson.Options"/>).
    /// Deterministic for the arguments.
    /// </summary>
    public static IReadOnlyList<LoadRequest> Synthetic(string insurer, int fiscalYear, int households, int seed = 1)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(households);
        var population = new SyntheticPopulation(fiscalYear, seed);
        var requests = new LoadRequest[households];
        for (var n = 0; n < households; n++)
        {
            var household = population.Next(n + 1);
            var request = new AssessmentRequest { Insurer = insurer, FiscalYear = fiscalYear, Household = household };
            requests[n] = new LoadRequest(household.Id!, JsonSerializer.SerializeToUtf8Bytes(request, KokuhoJson.Options));
        }
        return requests;
    }
}

/// <summary>
/// What a load run does. Exactly one of <see cref="Duration"/> and <see cref="Requests"/> bounds the
/// measured phase; the run is bounded in clients, time and requests (see <see cref="Validate"/>).
/// </summary>
public sealed record LoadOptions
{
    public const int MaxClients = 1024;
    public const long MaxRequests = 10_000_000;
    public static readonly TimeSpan MaxDuration = TimeSpan.FromMinutes(10);
    public static readonly TimeSpan MaxWarmup = TimeSpan.FromMinutes(1);

    /// <summary>The API's base address: <c>http</c> or <c>https</c> on <c>localhost</c>, 127.0.0.0/8 or <c>::1</c> only.</summary>
    public required Uri BaseAddress { get; init; }

    /// <summary>Concurrent clients, each sending its next request as soon as the previous answer is read.</summary>
    public int Clients { get; init; } = 64;

    /// <summary>How long the measured phase sends requests (requests under way at the end are awaited and counted).</summary>
    public TimeSpan? Duration { get; init; }

    /// <summary>How many requests the measured phase sends, shared among the clients.</summary>
    public long? Requests { get; init; }

    /// <summary>Requests sent before the measured phase (JIT, tiering, connections) and not measured; their failures still count.</summary>
    public TimeSpan Warmup { get; init; } = TimeSpan.FromSeconds(3);

    /// <summary>The <c>trace</c> query parameter sent (the API's default is a trace).</summary>
    public bool Trace { get; init; }

    /// <summary>Sent in <see cref="LoadDriver.ApiKeyHeader"/> with every request.</summary>
    public string ApiKey { get; init; } = LoadDriver.DevelopmentApiKey;

    /// <summary>A request not answered within this time is a failure (a transport error).</summary>
    public TimeSpan RequestTimeout { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>The problems with these options (empty when they can be run), each a sentence for the user.</summary>
    public IReadOnlyList<string> Validate()
    {
        var problems = new List<string>();
        if (LoadDriver.LoopbackProblem(BaseAddress) is { } url) problems.Add(url);
        if (Clients is < 1 or > MaxClients) problems.Add($"clients must be between 1 and {MaxClients}, not {Clients}");
        if (Duration.HasValue == Requests.HasValue) problems.Add("give either a duration or a number of requests (one of them)");
        if (Duration is { } d && (d <= TimeSpan.Zero || d > MaxDuration)) problems.Add($"the duration must be above 0 and at most {MaxDuration.TotalMinutes:F0} minutes, not {d}");
        if (Requests is { } r && r is < 1 or > MaxRequests) problems.Add($"requests must be between 1 and {MaxRequests:N0}, not {r}");
        if (Warmup < TimeSpan.Zero || Warmup > MaxWarmup) problems.Add($"the warm-up must be between 0 and {MaxWarmup.TotalMinutes:F0} minute, not {Warmup}");
        if (RequestTimeout <= TimeSpan.Zero || RequestTimeout > MaxDuration) problems.Add($"the request timeout must be above 0 and at most {MaxDuration.TotalMinutes:F0} minutes");
        if (string.IsNullOrEmpty(ApiKey) || ApiKey.Any(char.IsControl)) problems.Add("the API key must be a non-empty single-line string");
        return problems;
    }
}

/// <summary>Latencies of the measured requests that got an answer (any status), in milliseconds; percentiles by nearest rank.</summary>
public sealed record LatencyMilliseconds(double Mean, double P50, double P90, double P99, double Max)
{
    public static readonly LatencyMilliseconds None = new(0, 0, 0, 0, 0);

    /// <summary>Summarises latencies given in <see cref="Stopwatch"/> ticks (the array is sorted in place).</summary>
    public static LatencyMilliseconds FromStopwatchTicks(long[] ticks)
    {
        if (ticks.Length == 0) return None;
        Array.Sort(ticks);
        double Ms(long t) => t * 1000.0 / Stopwatch.Frequency;
        double Rank(double p) => Ms(ticks[Math.Max(0, (int)Math.Ceiling(p * ticks.Length) - 1)]);
        return new LatencyMilliseconds(Ms(ticks.Sum()) / ticks.Length, Rank(0.50), Rank(0.90), Rank(0.99), Ms(ticks[^1]));
    }
}

/// <summary>The outcome of a load run.</summary>
/// <param name="Requests">Requests of the measured phase (answered or not).</param>
/// <param name="Elapsed">From the first measured request to the last answer.</param>
/// <param name="StatusCounts">Measured answers by HTTP status.</param>
/// <param name="TransportErrors">Measured requests that got no answer (refused connection, reset, timeout).</param>
/// <param name="WarmupRequests">Requests of the warm-up (not measured).</param>
/// <param name="WarmupFailures">Warm-up requests that failed (any status but 200, or no answer).</param>
/// <param name="ProcessCpuTime">CPU time of this process (all threads) during the measured phase: the clients' cost, when the server runs elsewhere.</param>
/// <param name="FailureSamples">The first few failures, each a sentence naming the household.</param>
public sealed record LoadReport(
    int Clients,
    bool Trace,
    long Requests,
    TimeSpan Elapsed,
    LatencyMilliseconds Latency,
    IReadOnlyDictionary<int, long> StatusCounts,
    long TransportErrors,
    long WarmupRequests,
    long WarmupFailures,
    TimeSpan ProcessCpuTime,
    IReadOnlyList<string> FailureSamples)
{
    public double RequestsPerSecond => Elapsed > TimeSpan.Zero ? Requests / Elapsed.TotalSeconds : 0;

    /// <summary>Every request, measured or warm-up, that did not get a 200.</summary>
    public long Failures => StatusCounts.Where(s => s.Key != 200).Sum(s => s.Value) + TransportErrors + WarmupFailures;

    public bool Succeeded => Failures == 0;

    /// <summary>One line of <c>key=value</c> pairs (invariant culture) for scripts.</summary>
    public string ToKeyValueLine() => string.Create(CultureInfo.InvariantCulture,
        $"clients={Clients} trace={(Trace ? "true" : "false")} requests={Requests} elapsed_s={Elapsed.TotalSeconds:F2} throughput_rps={RequestsPerSecond:F0} " +
        $"mean_ms={Latency.Mean:F2} p50_ms={Latency.P50:F2} p90_ms={Latency.P90:F2} p99_ms={Latency.P99:F2} max_ms={Latency.Max:F2} " +
        $"errors={Failures} status={string.Join(',', StatusCounts.OrderBy(s => s.Key).Select(s => $"{s.Key}:{s.Value}"))} transport_errors={TransportErrors} " +
        $"warmup_requests={WarmupRequests} warmup_failures={WarmupFailures} process_cpu_s={ProcessCpuTime.TotalSeconds:F2}");
}

/// <summary>Receives a response: the index of its request in the pool, its status and its whole body. Called concurrently.</summary>
public delegate void ResponseObserver(int requestIndex, HttpStatusCode status, byte[] body);

/// <summary>
/// A closed-loop load on <c>POST /v1/premium/assessments</c> of an API on this machine: <see cref="LoadOptions.Clients"/>
/// concurrent clients, each posting the next body of the pool (round robin over a shared counter) as soon as
/// it has read the previous answer in full, over one <see cref="HttpClient"/> with a connection per client.
/// Records the latency of every measured request (send to last byte of the body read), counts statuses and
/// transport errors. Talks to loopback addresses only: the base address must name one, and every connection
/// is checked to be to a loopback address when it is opened.
/// </summary>
public sealed class LoadDriver
{
    public const string AssessmentsPath = "/v1/premium/assessments";

    /// <summary>The header an API key is sent in.</summary>
    public const string ApiKeyHeader = KokuhoRules.Engine.Security.ApiKeyFile.HeaderName;

    /// <summary>The key a local development server accepts; never a production key.</summary>
    public const string DevelopmentApiKey = KokuhoRules.Engine.Security.ApiKeyFile.DevelopmentKey;

    private const int MaxFailureSamples = 10;

    private readonly LoadOptions _options;
    private readonly IReadOnlyList<LoadRequest> _pool;

    /// <exception cref="ArgumentException">The options cannot be run (the message lists why) or the pool is empty.</exception>
    public LoadDriver(LoadOptions options, IReadOnlyList<LoadRequest> pool)
    {
        var problems = options.Validate();
        if (problems.Count > 0) throw new ArgumentException(string.Join("; ", problems), nameof(options));
        if (pool.Count == 0) throw new ArgumentException("the pool of requests is empty", nameof(pool));
        _options = options;
        _pool = pool;
    }

    /// <summary>
    /// Why <paramref name="url"/> is not a loopback HTTP address, or null if it is one:
    /// <c>http</c>/<c>https</c> on <c>localhost</c>, an IPv4 address of 127.0.0.0/8 or <c>::1</c>.
    /// </summary>
    public static string? LoopbackProblem(Uri? url)
    {
        if (url is null || !url.IsAbsoluteUri) return "the URL must be absolute, e.g. http://127.0.0.1:5080";
        if (url.Scheme != Uri.UriSchemeHttp && url.Scheme != Uri.UriSchemeHttps) return $"the URL must be http or https, not {url.Scheme}";
        var host = url.Host.Trim('[', ']');
        var loopback = string.Equals(host, "localhost", StringComparison.OrdinalIgnoreCase)
                       || (IPAddress.TryParse(host, out var address) && IPAddress.IsLoopback(address));
        return loopback ? null : $"{url.Host} is not a loopback address: the load tool is for loopback only (127.0.0.1, ::1, localhost)";
    }

    /// <summary>
    /// Runs the warm-up, then the measured phase, and reports. Failures do not stop the run; they are in
    /// the report. <paramref name="observe"/>, if given, sees every answer (warm-up included) after its
    /// latency was taken.
    /// </summary>
    public async Task<LoadReport> RunAsync(ResponseObserver? observe = null, CancellationToken cancel = default)
    {
        using var client = CreateClient();
        long warmupRequests = 0, warmupFailures = 0;
        var samples = new List<string>();
        if (_options.Warmup > TimeSpan.Zero)
        {
            var warmup = await RunPhase(client, _options.Warmup, null, observe, cancel);
            warmupRequests = warmup.Tallies.Sum(t => t.Requests);
            warmupFailures = warmup.Tallies.Sum(t => t.Failures);
            samples.AddRange(warmup.Tallies.SelectMany(t => t.FailureSamples).Take(MaxFailureSamples).Select(s => "warm-up: " + s));
        }
        var cpu = Environment.CpuUsage.TotalTime;
        var measured = await RunPhase(client, _options.Duration, _options.Requests, observe, cancel);
        cpu = Environment.CpuUsage.TotalTime - cpu;
        var statuses = new Dictionary<int, long>();
        foreach (var (status, count) in measured.Tallies.SelectMany(t => t.StatusCounts))
            statuses[status] = statuses.GetValueOrDefault(status) + count;
        samples.AddRange(measured.Tallies.SelectMany(t => t.FailureSamples).Take(MaxFailureSamples));
        return new LoadReport(
            _options.Clients, _options.Trace,
            measured.Tallies.Sum(t => t.Requests),
            measured.Elapsed,
            LatencyMilliseconds.FromStopwatchTicks(measured.Tallies.SelectMany(t => t.LatencyTicks).ToArray()),
            statuses,
            measured.Tallies.Sum(t => t.TransportErrors),
            warmupRequests,
            warmupFailures,
            cpu,
            samples.Take(MaxFailureSamples).ToArray());
    }

    private HttpClient CreateClient()
    {
        var handler = new SocketsHttpHandler
        {
            MaxConnectionsPerServer = _options.Clients,
            UseProxy = false,
            AllowAutoRedirect = false,
            UseCookies = false,
            AutomaticDecompression = DecompressionMethods.None,
            PooledConnectionIdleTimeout = TimeSpan.FromMinutes(1),
            ConnectCallback = ConnectToLoopbackOnly,
        };
        var client = new HttpClient(handler) { BaseAddress = _options.BaseAddress, Timeout = _options.RequestTimeout };
        client.DefaultRequestHeaders.Add(ApiKeyHeader, _options.ApiKey);
        return client;
    }

    /// <summary>Opens a connection only to a loopback address, whatever the host name resolves to.</summary>
    private static async ValueTask<Stream> ConnectToLoopbackOnly(SocketsHttpConnectionContext context, CancellationToken cancel)
    {
        var host = context.DnsEndPoint.Host;
        var addresses = IPAddress.TryParse(host, out var literal) ? [literal] : await Dns.GetHostAddressesAsync(host, cancel);
        if (addresses.Length == 0 || !addresses.All(IPAddress.IsLoopback))
            throw new HttpRequestException($"{host} resolves to {string.Join(", ", addresses.Select(a => a.ToString()))}: the load tool connects to loopback addresses only");
        var socket = new Socket(SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        try
        {
            await socket.ConnectAsync(addresses, context.DnsEndPoint.Port, cancel);
            return new NetworkStream(socket, ownsSocket: true);
        }
        catch
        {
            socket.Dispose();
            throw;
        }
    }

    private sealed record Phase(IReadOnlyList<ClientTally> Tallies, TimeSpan Elapsed);

    /// <summary>All clients until the deadline passes or the requests are handed out, whichever bound is given.</summary>
    private async Task<Phase> RunPhase(HttpClient client, TimeSpan? duration, long? requests, ResponseObserver? observe, CancellationToken cancel)
    {
        var path = AssessmentsPath + (_options.Trace ? "?trace=true" : "?trace=false");
        var start = Stopwatch.GetTimestamp();
        var deadline = duration is { } d ? start + (long)(d.TotalSeconds * Stopwatch.Frequency) : long.MaxValue;
        var budget = requests ?? long.MaxValue;
        var capacity = (int)Math.Min(requests is { } r ? r / _options.Clients + 1 : 4096, 1 << 20);
        long next = -1;
        var tallies = Enumerable.Range(0, _options.Clients).Select(_ => new ClientTally(capacity)).ToArray();
        await Task.WhenAll(tallies.Select(tally => Task.Run(async () =>
        {
            while (!cancel.IsCancellationRequested && Stopwatch.GetTimestamp() < deadline)
            {
                var ticket = Interlocked.Increment(ref next);
                if (ticket >= budget) break;
                var index = (int)(ticket % _pool.Count);
                await Send(client, path, index, tally, observe, cancel);
            }
        }, cancel)));
        cancel.ThrowIfCancellationRequested();
        return new Phase(tallies, Stopwatch.GetElapsedTime(start));
    }

    private async Task Send(HttpClient client, string path, int index, ClientTally tally, ResponseObserver? observe, CancellationToken cancel)
    {
        var request = _pool[index];
        tally.Requests++;
        var sent = Stopwatch.GetTimestamp();
        HttpStatusCode status;
        byte[] body;
        try
        {
            using var message = new HttpRequestMessage(HttpMethod.Post, path)
            {
                Content = new ByteArrayContent(request.Body) { Headers = { ContentType = new MediaTypeHeaderValue("application/json") } },
            };
            using var response = await client.SendAsync(message, HttpCompletionOption.ResponseContentRead, cancel);
            body = await response.Content.ReadAsByteArrayAsync(cancel);
            status = response.StatusCode;
        }
        catch (Exception e) when (!cancel.IsCancellationRequested)
        {
            tally.TransportErrors++;
            tally.Sample($"{request.HouseholdId}: no answer: {e.GetType().Name}: {e.Message}");
            return;
        }
        tally.LatencyTicks.Add(Stopwatch.GetTimestamp() - sent);
        tally.StatusCounts[(int)status] = tally.StatusCounts.GetValueOrDefault((int)status) + 1;
        if (status != HttpStatusCode.OK)
            tally.Sample($"{request.HouseholdId}: HTTP {(int)status}: {Encoding.UTF8.GetString(body, 0, Math.Min(body.Length, 300))}");
        observe?.Invoke(index, status, body);
    }

    /// <summary>One client's counts (one writer: no locking).</summary>
    private sealed class ClientTally(int capacity)
    {
        public long Requests;
        public long TransportErrors;
        public readonly List<long> LatencyTicks = new(capacity);
        public readonly Dictionary<int, long> StatusCounts = [];
        public readonly List<string> FailureSamples = [];

        public long Failures => StatusCounts.Where(s => s.Key != 200).Sum(s => s.Value) + TransportErrors;

        public void Sample(string failure)
        {
            if (FailureSamples.Count < MaxFailureSamples) FailureSamples.Add(failure);
        }
    }
}
