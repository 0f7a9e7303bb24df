using KokuhoRules.Cli;

namespace KokuhoRules.Tests.Cli;

/// <summary>Runs a <see cref="KokuhoCommand"/> action with captured output.</summary>
public sealed record CliRun(int ExitCode, string Output, string Error)
{
    public static CliRun Validate(params string[] roots)
    {
        var output = new StringWriter();
        var error = new StringWriter();
        var code = KokuhoCommand.Validate(roots, output, error);
        return new CliRun(code, output.ToString(), error.ToString());
    }

    public static CliRun Hash(string folder, bool write)
    {
        var output = new StringWriter();
        var error = new StringWriter();
        var code = KokuhoCommand.Hash(new DirectoryInfo(folder), write, output, error);
        return new CliRun(code, output.ToString(), error.ToString());
    }

    /// <summary>Runs a whole command line in-process (parsing, validation and the action), as <c>kokuho</c> would.</summary>
    public static CliRun Command(params string[] args)
    {
        var output = new StringWriter();
        var error = new StringWriter();
        var code = KokuhoCommand.Run(args, new System.CommandLine.InvocationConfiguration { Output = output, Error = error });
        return new CliRun(code, output.ToString(), error.ToString());
    }

    public string[] OutputLines => Output.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);

    public override string ToString() => $"exit {ExitCode}\n--- stdout\n{Output}--- stderr\n{Error}";
}
