using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net.WebSockets;
using System.Text;
using System.Text.Json.Nodes;

namespace KokuhoRules.Tests.Support;

/// <summary>
/// Headless Chromium (the Debian package <c>chromium</c>) driven over the DevTools protocol on a
/// WebSocket: no driver, no browser download. It loads a page and records every request the page and
/// its workers make. Without the browser the tests that need it are skipped — unless
/// <c>CI=true</c> or <c>KOKUHO_REQUIRE_BROWSER=1</c>, which make them fail instead (as
/// <c>KOKUHO_REQUIRE_DB</c> does for the database).
/// </summary>
public sealed class HeadlessChromium : IAsyncDisposable
{
    public const string ExecutablePath = "/usr/bin/chromium";

    private readonly Process _process;
    private readonly string _profile;
    private readonly ClientWebSocket _socket = new();
    private readonly ConcurrentDictionary<int, TaskCompletionSource<JsonObject>> _pending = new();
    private readonly CancellationTokenSource _stop = new();
    private readonly SemaphoreSlim _send = new(1, 1);
    private Task? _receiving;
    private int _nextId;

    private HeadlessChromium(Process process, string profile)
    {
        _process = process;
        _profile = profile;
    }

    /// <summary>Every protocol event received, in order (method, session, params).</summary>
    public ConcurrentQueue<(string Method, string? Session, JsonObject Params)> Events { get; } = new();

    /// <summary>Skips the test when the browser is missing, or fails it where it must run (CI, <c>KOKUHO_REQUIRE_BROWSER=1</c>).</summary>
    public static void Require()
    {
        if (File.Exists(ExecutablePath)) return;
        var why = $"no headless browser: {ExecutablePath} is missing (apt-get install chromium; .ci/run installs it)";
        if (Environment.GetEnvironmentVariable("CI") == "true" || Environment.GetEnvironmentVariable("KOKUHO_REQUIRE_BROWSER") == "1")
            throw new InvalidOperationException(why);
        Skip.If(true, why);
    }

    /// <summary>Starts the browser with a fresh profile, every background service off, and connects to it.</summary>
    public static async Task<HeadlessChromium> StartAsync(CancellationToken cancel)
    {
        var profile = Directory.CreateTempSubdirectory("kokuho-chromium-").FullName;
        var start = new ProcessStartInfo(ExecutablePath) { RedirectStandardError = true, RedirectStandardOutput = true };
        foreach (var arg in new[]
                 {
                     "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
                     "--disable-component-update", "--disable-sync", "--disable-extensions", "--disable-dev-shm-usage", "--mute-audio",
                     "--user-data-dir=" + profile, "--remote-debugging-address=127.0.0.1", "--remote-debugging-port=0", "about:blank",
                 })
            start.ArgumentList.Add(arg);
        var process = Process.Start(start)!;
        var browser = new HeadlessChromium(process, profile);
        var endpoint = new TaskCompletionSource<string>(TaskCreationOptions.RunContinuationsAsynchronously);
        var stderr = new StringBuilder();
        process.ErrorDataReceived += (_, e) =>
        {
            if (e.Data is null) { endpoint.TrySetException(new InvalidOperationException("chromium exited: " + stderr)); return; }
            lock (stderr) stderr.AppendLine(e.Data);
            const string marker = "DevTools listening on ";
            var at = e.Data.IndexOf(marker, StringComparison.Ordinal);
            if (at >= 0) endpoint.TrySetResult(e.Data[(at + marker.Length)..].Trim());
        };
        process.OutputDataReceived += (_, _) => { };
        process.BeginErrorReadLine();
        process.BeginOutputReadLine();
        try
        {
            var url = await endpoint.Task.WaitAsync(TimeSpan.FromSeconds(20), cancel);
            await browser._socket.ConnectAsync(new Uri(url), cancel);
            browser._receiving = Task.Run(browser.ReceiveLoop);
            return browser;
        }
        catch
        {
            await browser.DisposeAsync();
            throw;
        }
    }

    /// <summary>Sends a protocol command (to a session when given) and waits for its result.</summary>
    public async Task<JsonObject> SendAsync(string method, JsonObject? parameters = null, string? session = null, CancellationToken cancel = default)
    {
        var id = Interlocked.Increment(ref _nextId);
        var message = new JsonObject { ["id"] = id, ["method"] = method, ["params"] = parameters ?? new JsonObject() };
        if (session is not null) message["sessionId"] = session;
        var answer = new TaskCompletionSource<JsonObject>(TaskCreationOptions.RunContinuationsAsynchronously);
        _pending[id] = answer;
        await _send.WaitAsync(cancel);
        try
        {
            await _socket.SendAsync(Encoding.UTF8.GetBytes(message.ToJsonString()), WebSocketMessageType.Text, endOfMessage: true, cancel);
        }
        finally
        {
            _send.Release();
        }
        var result = await answer.Task.WaitAsync(TimeSpan.FromSeconds(20), cancel);
        if (result["error"] is { } error) throw new InvalidOperationException($"{method}: {error.ToJsonString()}");
        return result["result"]?.AsObject() ?? new JsonObject();
    }

    /// <summary>
    /// Opens a tab, records every request of the page and of the workers it starts (each attached
    /// before it runs), and navigates to <paramref name="url"/>. Returns the tab's session.
    /// </summary>
    public async Task<string> OpenAsync(Uri url, CancellationToken cancel)
    {
        var target = await SendAsync("Target.createTarget", new JsonObject { ["url"] = "about:blank" }, cancel: cancel);
        var attached = await SendAsync("Target.attachToTarget", new JsonObject { ["targetId"] = target["targetId"]!.GetValue<string>(), ["flatten"] = true }, cancel: cancel);
        var session = attached["sessionId"]!.GetValue<string>();
        await WatchAsync(session, cancel);
        await SendAsync("Page.enable", session: session, cancel: cancel);
        await SendAsync("Page.navigate", new JsonObject { ["url"] = url.ToString() }, session, cancel);
        return session;
    }

    private async Task WatchAsync(string session, CancellationToken cancel)
    {
        await SendAsync("Network.enable", session: session, cancel: cancel);
        await SendAsync("Target.setAutoAttach", new JsonObject { ["autoAttach"] = true, ["waitForDebuggerOnStart"] = true, ["flatten"] = true }, session, cancel);
    }

    /// <summary>Evaluates a JavaScript expression in a session and returns its value as a string.</summary>
    public async Task<string?> EvaluateAsync(string session, string expression, CancellationToken cancel)
    {
        var result = await SendAsync("Runtime.evaluate", new JsonObject { ["expression"] = expression, ["returnByValue"] = true }, session, cancel);
        return result["result"]?["value"]?.ToString();
    }

    /// <summary>The URL of every request recorded so far (the page's and its workers').</summary>
    public IReadOnlyList<string> RequestedUrls() =>
        Events.Where(e => e.Method == "Network.requestWillBeSent").Select(e => e.Params["request"]!["url"]!.GetValue<string>()).ToArray();

    private async Task ReceiveLoop()
    {
        var buffer = new byte[1 << 16];
        using var message = new MemoryStream();
        try
        {
            while (!_stop.IsCancellationRequested && _socket.State == WebSocketState.Open)
            {
                var part = await _socket.ReceiveAsync(buffer, _stop.Token);
                if (part.MessageType == WebSocketMessageType.Close) break;
                message.Write(buffer, 0, part.Count);
                if (!part.EndOfMessage) continue;
                var json = JsonNode.Parse(message.ToArray())!.AsObject();
                message.SetLength(0);
                if (json["id"] is { } id)
                {
                    if (_pending.TryRemove(id.GetValue<int>(), out var answer)) answer.TrySetResult(json);
                    continue;
                }
                var method = json["method"]!.GetValue<string>();
                var parameters = json["params"]?.AsObject() ?? new JsonObject();
                Events.Enqueue((method, json["sessionId"]?.GetValue<string>(), parameters));
                if (method == "Target.attachedToTarget") _ = OnAttached(parameters["sessionId"]!.GetValue<string>());
            }
        }
        catch (Exception e) when (e is OperationCanceledException or WebSocketException) { }
        foreach (var answer in _pending.Values) answer.TrySetCanceled();
    }

    /// <summary>A worker (or frame) the page started: record its requests too, then let it run.</summary>
    private async Task OnAttached(string session)
    {
        try
        {
            await WatchAsync(session, _stop.Token);
            await SendAsync("Runtime.runIfWaitingForDebugger", session: session, cancel: _stop.Token);
        }
        catch (Exception e) when (e is InvalidOperationException or OperationCanceledException or TimeoutException or WebSocketException) { }
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        try { if (_receiving is not null) await _receiving.WaitAsync(TimeSpan.FromSeconds(5)); }
        catch (TimeoutException) { }
        _socket.Dispose();
        try
        {
            if (!_process.HasExited) _process.Kill(entireProcessTree: true);
            await _process.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(10));
        }
        catch (Exception e) when (e is InvalidOperationException or TimeoutException) { }
        _process.Dispose();
        try { Directory.Delete(_profile, recursive: true); }
        catch (IOException) { }
        catch (UnauthorizedAccessException) { }
    }
}
