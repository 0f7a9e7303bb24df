using BenchmarkDotNet.Running;
using KokuhoRules.Benchmarks;

// "sample": the batch script's rule-evaluation figures (compiled vs RulesEngine) on a population file;
// anything else goes to BenchmarkDotNet.
if (args.Length > 0 && args[0] == "sample") return NaiveSample.Run(args[1..]);
BenchmarkSwitcher.FromAssembly(typeof(Program).Assembly).Run(args);
return 0;
