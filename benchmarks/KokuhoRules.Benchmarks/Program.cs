using BenchmarkDotNet.Running;
using KokuhoRules.Benchmarks;

// "sample": the batch script's rule-evaluation figures (compiled vs RulesEngine) on a population file;
// "load": the load script's figures, many concurrent clients on a running API (loopback only);
// "floor": the batch script's I/O + parse floor (read, parse every token, write a line per household);
// anything else goes to BenchmarkDotNet.
if (args.Length > 0 && args[0] == "sample") return NaiveSample.Run(args[1..]);
if (args.Length > 0 && args[0] == "floor") return FloorCommand.Run(args[1..], Console.Out, Console.Error);
if (args.Length > 0 && args[0] == "load") return await LoadCommand.RunAsync(args[1..], Console.Out, Console.Error);
BenchmarkSwitcher.FromAssembly(typeof(Program).Assembly).Run(args);
return 0;
