using BenchmarkDotNet.Running;
using KokuhoRules.Benchmarks;

// "sample": the batch script's rule-evaluation figures (compiled vs RulesEngine) on a population file;
// "load": the load script's figures, many concurrent clients on a running API (loopback only);
// anything else goes to BenchmarkDotNet.
if (args.Length > 0 && args[0] == "sample") return NaiveSample.Run(args[1..]);
if (args.Length > 0 && args[0] == "load") return await LoadCommand.RunAsync(args[1..], Console.Out, Console.Error);
BenchmarkSwitcher.FromAssembly(typeof(Program).Assembly).Run(args);
return 0;
