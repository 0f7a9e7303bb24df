using KokuhoRules.Cli;

return KokuhoCommand.Run(args);
