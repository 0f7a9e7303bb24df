using KokuhoRules.Cli;

var code = KokuhoCommand.Run(args);
if (Environment.GetEnvironmentVariable("KOKUHO_GCSTATS") == "1")
    Console.Error.WriteLine($"gc pause {GC.GetTotalPauseDuration().TotalSeconds:F2} s; gen0 {GC.CollectionCount(0)} gen1 {GC.CollectionCount(1)} gen2 {GC.CollectionCount(2)}; allocated {GC.GetTotalAllocatedBytes() / 1e9:F2} GB");
return code;
