using System.Diagnostics;
using System.Text;

namespace KokuhoRules.Tests.Support;

/// <summary>Runs the <c>kokuho</c> command line as a real process (the build copied next to the tests).</summary>
public sealed class CliProcess : IDisposable
{
    private readonly Process _process;
    private readonly StringBuilder _output = new();

    private CliProcess(Process process)
    {
        _process = process;
        process.OutputDataReceived += (_, e) => { lock (_output) _output.AppendLine(e.Data); };
        process.ErrorDataReceived += (_, e) => { lock (_output) _output.AppendLine(e.Data); };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
    }

    public static CliProcess Start(params string[] args) => StartProgram("kokuho.dll", new Dictionary<string, string?>(), args);

    /// <summary>Starts another program of the build (e.g. <c>KokuhoRules.Api.dll</c>) with extra environment variables.</summary>
    public static CliProcess StartProgram(string dll, IReadOnlyDictionary<string, string?> environment, params string[] args)
    {
        var start = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        start.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, dll));
        foreach (var a in args) start.ArgumentList.Add(a);
        foreach (var (name, value) in environment) start.Environment[name] = value;
        return new CliProcess(Process.Start(start)!);
    }

    /// <summary>Waits for the process to end (failing the test after <paramref name="timeout"/>) and returns its exit code.</summary>
    public int WaitForExit(TimeSpan timeout)
    {
        Assert.True(_process.WaitForExit(timeout), $"the process did not finish in {timeout}:\n{Output}");
        _process.WaitForExit();
        return _process.ExitCode;
    }

    /// <summary>Runs to the end; fails the test on a non-zero exit code.</summary>
    public static string Run(params string[] args)
    {
        using var p = Start(args);
        return p.WaitForSuccess(TimeSpan.FromMinutes(3));
    }

    public string Output
    {
        get { lock (_output) return _output.ToString(); }
    }

    public bool HasExited => _process.HasExited;

    public string WaitForSuccess(TimeSpan timeout) => WaitForExit(timeout, 0);

    /// <summary>Runs to the end; fails the test unless the exit code is <paramref name="expected"/>.</summary>
    public string WaitForExit(TimeSpan timeout, int expected)
    {
        Assert.True(_process.WaitForExit(timeout), $"kokuho did not finish in {timeout}:\n{Output}");
        _process.WaitForExit();
        Assert.True(_process.ExitCode == expected, $"kokuho exited with {_process.ExitCode}, expected {expected}:\n{Output}");
        return Output;
    }

    /// <summary>Sends SIGINT, as Ctrl-C on a terminal does.</summary>
    public void Interrupt()
    {
        using var kill = Process.Start(new ProcessStartInfo("kill", ["-INT", _process.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)]) { UseShellExecute = false })!;
        kill.WaitForExit();
    }

    /// <summary>Kills the process at once (SIGKILL): nothing gets to clean up.</summary>
    public void Kill()
    {
        if (!_process.HasExited) _process.Kill(entireProcessTree: true);
        _process.WaitForExit();
    }

    public void Dispose()
    {
        Kill();
        _process.Dispose();
    }
}
