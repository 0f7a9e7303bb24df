using KokuhoRules.Cli;

return KokuhoCommand.Build().Parse(args).Invoke();
