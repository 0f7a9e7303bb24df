using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;

namespace KokuhoRules.Tests.Support;

/// <summary>
/// A loopback TCP forwarder in front of a server (PostgreSQL) that a test can cut — every open
/// connection reset, every new one refused — and restore: a database going down and coming back.
/// </summary>
public sealed class TcpProxy : IAsyncDisposable
{
    private readonly TcpListener _listener = new(IPAddress.Loopback, 0);
    private readonly string _host;
    private readonly int _port;
    private readonly ConcurrentDictionary<TcpClient, byte> _open = new();
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _accepting;
    private volatile bool _cut;

    public TcpProxy(string host, int port)
    {
        (_host, _port) = (host, port);
        _listener.Start();
        _accepting = Accept();
    }

    /// <summary>The loopback port to connect to instead of the server's.</summary>
    public int Port => ((IPEndPoint)_listener.LocalEndpoint).Port;

    /// <summary>The server goes away: open connections are reset, new ones are reset as soon as accepted.</summary>
    public void Cut()
    {
        _cut = true;
        foreach (var client in _open.Keys) Reset(client);
    }

    /// <summary>The server is back.</summary>
    public void Restore() => _cut = false;

    private async Task Accept()
    {
        while (!_stop.IsCancellationRequested)
        {
            TcpClient client;
            try { client = await _listener.AcceptTcpClientAsync(_stop.Token); }
            catch (Exception) when (_stop.IsCancellationRequested) { return; }
            if (_cut)
            {
                Reset(client);
                continue;
            }
            _ = Forward(client);
        }
    }

    private async Task Forward(TcpClient client)
    {
        var upstream = new TcpClient();
        _open[client] = 0;
        _open[upstream] = 0;
        try
        {
            await upstream.ConnectAsync(_host, _port, _stop.Token);
            using var done = CancellationTokenSource.CreateLinkedTokenSource(_stop.Token);
            var a = client.GetStream().CopyToAsync(upstream.GetStream(), done.Token);
            var b = upstream.GetStream().CopyToAsync(client.GetStream(), done.Token);
            await Task.WhenAny(a, b);
            await done.CancelAsync();
        }
        catch (Exception e) when (e is IOException or SocketException or OperationCanceledException or ObjectDisposedException)
        {
        }
        finally
        {
            _open.TryRemove(client, out _);
            _open.TryRemove(upstream, out _);
            Reset(client);
            Reset(upstream);
        }
    }

    private static void Reset(TcpClient client)
    {
        try
        {
            // Client is null once the connection is closed (by its own Forward meanwhile).
            if (client.Client is { } socket) socket.LingerState = new LingerOption(true, 0);
            client.Close();
        }
        catch (Exception e) when (e is SocketException or ObjectDisposedException)
        {
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        _listener.Stop();
        foreach (var client in _open.Keys) Reset(client);
        try { await _accepting; } catch (OperationCanceledException) { }
        _stop.Dispose();
    }
}
