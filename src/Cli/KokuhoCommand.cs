using System.CommandLine;
using System.Runtime.InteropServices;
using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Nodes;
using KokuhoRules.Engine.RuleSets;
using KokuhoRules.Rules.Catalog;

namespace KokuhoRules.Cli;

/// <summary>The <c>kokuho</c> command line: what policy staff and operators run.</summary>
public static class KokuhoCommand
{
    /// <summary>
    /// Parses and runs a command line; returns the exit code. Wrong options get one line each naming the
    /// option and what it takes, a pointer to <c>--help</c>, and exit code 2 — not the whole help text.
    /// </summary>
    public static int Run(string[] args, InvocationConfiguration? configuration = null)
    {
        configuration ??= new InvocationConfiguration();
        var parse = Build().Parse(args);
        if (parse.Errors.Count == 0)
        {
            // Ctrl-C (SIGINT) and SIGTERM cancel the action's token, and the process waits for the action: it
            // stops at its next commit and says how to resume (exit code 130), instead of being cut off.
            configuration.ProcessTerminationTimeout = null;
            using var interrupted = new CancellationTokenSource();
            using var sigint = PosixSignalRegistration.Create(PosixSignal.SIGINT, Interrupt);
            using var sigterm = PosixSignalRegistration.Create(PosixSignal.SIGTERM, Interrupt);
            return parse.InvokeAsync(configuration, interrupted.Token).GetAwaiter().GetResult();

            void Interrupt(PosixSignalContext context)
            {
                context.Cancel = true;
                interrupted.Cancel();
            }
        }
        foreach (var e in parse.Errors) configuration.Error.WriteLine(e.Message);
        configuration.Error.WriteLine($"(see {CommandLine(parse.CommandResult)} --help)");
        return Batch.ExitCodes.Usage;
    }

    /// <summary>The command as typed, from <c>kokuho</c> down (<c>kokuho rulesets diff</c>), whatever the executable is called.</summary>
    private static string CommandLine(System.CommandLine.Parsing.CommandResult result)
    {
        var names = new List<string>();
        for (var r = result; r is not null && r.Command is not RootCommand; r = r.Parent as System.CommandLine.Parsing.CommandResult) names.Insert(0, r.Command.Name);
        return string.Join(' ', names.Prepend("kokuho"));
    }

    public static RootCommand Build()
    {
        var root = new RootCommand("KokuhoRules: 国民健康保険料の計算ルールセットの検証と運用");
        root.Subcommands.Add(RuleSets());
        root.Subcommands.Add(Generate());
        root.Subcommands.Add(Load());
        root.Subcommands.Add(Reassess());
        root.Subcommands.Add(Database());
        root.Subcommands.Add(Keys.Build());
        root.Subcommands.Add(Eligibility.Build());
        root.Subcommands.Add(HighCostContinuity.Build());
        return root;
    }

    private static Command Generate()
    {
        var insured = Positive(new Option<long>("--insured") { Description = "How many insured members the households have in all (a positive number).", Required = true });
        var seed = new Option<int>("--seed") { Description = "Random seed (the same seed gives the same population).", DefaultValueFactory = _ => 1 };
        var fiscalYear = new Option<int>("--fiscal-year") { Description = "The fiscal year the households are for.", DefaultValueFactory = _ => 2025 };
        var output = new Option<string>("--out") { Description = "JSON Lines file to write (one household per line), written beside it first and renamed when complete." };
        var db = CliOptions.Database();
        var insurer = new Option<string>("--insurer") { Description = "With --db: the insurer the households are loaded for." };
        var command = new Command("generate", "Generate a synthetic NHI population (no real person's data) as JSON Lines, or straight into the database.");
        foreach (var o in new Option[] { insured, seed, fiscalYear, output, db, insurer }) command.Options.Add(o);
        command.SetAction((parse, cancel) => Batch.Generate(parse.GetValue(fiscalYear), parse.GetValue(seed), parse.GetValue(insured), parse.GetValue(output),
            parse.GetValue(db), parse.GetValue(insurer), parse.InvocationConfiguration.Output, parse.InvocationConfiguration.Error, cancel));
        return command;
    }

    private static Command Reassess()
    {
        var insurer = new Option<string>("--insurer") { Description = "Insurer id, e.g. amagasaki." };
        var fiscalYear = new Option<int?>("--fiscal-year") { Description = "Fiscal year, e.g. 2025." };
        var input = new Option<string>("--in") { Description = "JSON Lines of households (embedded default: files, no database); - reads standard input." };
        var output = new Option<string>("--out") { Description = "Result file (JSON Lines or CSV), written as <out>.partial and renamed when the run is complete; refused households go to <out>.errors.jsonl; - writes the results to standard output (and the summary to standard error)." };
        var format = new Option<Rules.Batch.ResultFormat>("--format")
        {
            Description = "Result format: jsonl or csv (UTF-8 with a byte order mark, so that Excel opens it as UTF-8; --csv-bom false leaves it out).",
            DefaultValueFactory = _ => Rules.Batch.ResultFormat.Jsonl,
            HelpName = "jsonl|csv",
            CustomParser = r =>
            {
                var text = r.Tokens.Count == 1 ? r.Tokens[0].Value : "";
                if (Enum.TryParse<Rules.Batch.ResultFormat>(text, ignoreCase: true, out var f) && Enum.IsDefined(f) && !int.TryParse(text, out _)) return f;
                r.AddError($"--format must be jsonl or csv (not '{text}')");
                return default;
            },
        };
        var threads = Positive(new Option<int>("--threads") { Description = "Worker threads (default: one per core).", DefaultValueFactory = _ => Environment.ProcessorCount });
        var trial = new Option<bool>("--trial") { Description = "A trial run (試算): allowed on a draft rule set; marked in the summary and in every result row." };
        var resume = new Option<string>("--resume") { Description = "Resume a run: its state file (<out>.run.json), or with --db its run id (or 'latest' with --insurer and --fiscal-year). Several processes may resume the same database run: they share its chunks." };
        var roots = CliOptions.Roots();
        var db = CliOptions.Database();
        var chunk = Positive(new Option<int>("--chunk-size") { Description = "With --db: households per chunk a worker claims.", DefaultValueFactory = _ => 4000 });
        var lease = Positive(new Option<int>("--lease-seconds") { Description = "With --db: how long a worker's claim on a chunk lasts; after it another worker may take the chunk over.", DefaultValueFactory = _ => Rules.Batch.DbWorkOptions.DefaultLeaseSeconds });
        var summaryJson = new Option<string>("--summary-json") { Description = "Also write the summary as JSON to this file, for machines." };
        var noWait = new Option<bool>("--no-wait") { Description = "With --db: stop when nothing is left to claim, even while other workers still hold chunks (exit code 4: not complete), instead of waiting for them." };
        var version = new Option<string>("--ruleset-version") { Description = "The rule-set version to use (e.g. 2025.1; default: the published version in force today, or with --trial the newest). A resumed run keeps the version it started with." };
        var bom = new Option<bool>("--csv-bom") { Description = "With --format csv: begin the file with a UTF-8 byte order mark (default true; Excel on Japanese Windows needs it to read UTF-8).", DefaultValueFactory = _ => true };
        var withholding = new Option<bool>("--withholding")
        {
            Description = "Also determine each household's special withholding (特別徴収) after its premium: eligible or the first failing condition, start month, the six pension-month amounts, the ordinary installments, totals and the withholding rule set, in every row and in the summary. Needs the insurer's withholding rule set for the year (a draft only with --trial). A resumed run keeps what it started with.",
        };
        var audit = CliOptions.AuditLog("a run without --db (with --db: the database's audit_log)");
        var command = new Command("reassess", "本算定: assess every household of a fiscal year and summarise the run. " + Batch.ExitCodes.Help);
        foreach (var o in new Option[] { insurer, fiscalYear, input, output, format, threads, trial, version, resume, roots, db, chunk, lease, summaryJson, bom, noWait, withholding, audit }) command.Options.Add(o);
        command.SetAction((parse, cancel) => Batch.Reassess(new Batch.ReassessArgs(
            parse.GetValue(insurer), parse.GetValue(fiscalYear), parse.GetValue(input), parse.GetValue(output),
            parse.GetValue(format), parse.GetValue(threads), parse.GetValue(trial), parse.GetValue(resume),
            CliOptions.RootsOf(parse, roots), parse.GetValue(db), parse.GetValue(chunk),
            parse.GetValue(summaryJson), parse.GetValue(lease), parse.GetValue(bom), parse.GetValue(noWait), parse.GetValue(version), parse.GetValue(withholding),
            parse.GetValue(audit)),
            parse.InvocationConfiguration.Output, parse.InvocationConfiguration.Error, cancel));
        return command;
    }

    /// <summary>Refuses a number that is not positive, naming the option.</summary>
    private static Option<T> Positive<T>(Option<T> option) where T : struct, System.Numerics.INumber<T>
    {
        option.Validators.Add(r =>
        {
            if (r.Tokens.Count > 0 && r.GetValueOrDefault<T>() <= T.Zero) r.AddError($"{option.Name} must be a positive whole number (not {r.Tokens[0].Value})");
        });
        return option;
    }

    private static Command Load()
    {
        var insurer = new Option<string>("--insurer") { Description = "Insurer id (must have a rule set, for its name and code).", Required = true };
        var fiscalYear = new Option<int>("--fiscal-year") { Description = "Fiscal year of the snapshot.", Required = true };
        var input = new Option<FileInfo>("--in") { Description = "JSON Lines of households.", Required = true };
        var db = CliOptions.Database();
        db.Required = true;
        var command = new Command("load", "Load (replace) an insurer's households for a fiscal year into the database, with binary COPY.");
        foreach (var o in new Option[] { insurer, fiscalYear, input, db }) command.Options.Add(o);
        command.SetAction((parse, cancel) => Batch.Load(parse.GetValue(db)!, parse.GetValue(insurer)!, parse.GetValue(fiscalYear), parse.GetValue(input)!.FullName,
            parse.InvocationConfiguration.Output, parse.InvocationConfiguration.Error, cancel));
        return command;
    }

    private static Command Database()
    {
        var command = new Command("db", "Database administration.");
        var db = CliOptions.Database();
        db.Required = true;
        var migrate = new Command("migrate", "Apply the schema migrations not yet applied.");
        migrate.Options.Add(db);
        migrate.SetAction((parse, cancel) => Batch.Migrate(parse.GetValue(db)!, parse.InvocationConfiguration.Output, parse.InvocationConfiguration.Error, cancel));
        command.Subcommands.Add(migrate);
        return command;
    }

    private static Command RuleSets()
    {
        var command = new Command("rulesets", "ルールセットの検証・ハッシュ・次年度の下書き・比較 (validate, seal, draft next year's, compare rule sets)");

        var roots = new Option<string[]>("--root")
        {
            Description = "A rule-set root folder (national/<year>, <insurer>/<year>); repeatable. Default: the bundled rulesets.",
            AllowMultipleArgumentsPerToken = true,
        };
        var validate = new Command("validate", "Load and compile every rule set; print each error with file, line and JSON path. Exit code 1 if any is refused.");
        validate.Options.Add(roots);
        validate.SetAction(parse => Validate(CliOptions.RootsOf(parse, roots), parse.InvocationConfiguration.Output, parse.InvocationConfiguration.Error));
        command.Subcommands.Add(validate);

        var folder = new Argument<DirectoryInfo>("folder") { Description = "A layer folder, e.g. rulesets/amagasaki/2025" };
        var write = new Option<bool>("--write") { Description = "Write the hash into the folder's manifest.json (contentHash)." };
        var hash = new Command("hash", "Compute the content hash of a layer folder (all files but manifest.json).");
        hash.Arguments.Add(folder);
        hash.Options.Add(write);
        hash.SetAction(parse => Hash(parse.GetValue(folder)!, parse.GetValue(write), parse.InvocationConfiguration.Output, parse.InvocationConfiguration.Error));
        command.Subcommands.Add(hash);

        var schemaFolder = new Option<DirectoryInfo>("--out") { Description = "The folder of the schemas (default: rulesets/schema under the current folder).", DefaultValueFactory = _ => new DirectoryInfo(Path.Combine("rulesets", "schema")) };
        var schemaWrite = new Option<bool>("--write") { Description = "Write the generated schemas (otherwise only check that the folder's are up to date)." };
        var schema = new Command("schema", "The JSON Schemas of the parameter files, generated from the parameter model: check that those in the folder are up to date, or --write them. Exit code 1 if one is out of date.");
        schema.Options.Add(schemaFolder);
        schema.Options.Add(schemaWrite);
        schema.SetAction(parse => Schemas(parse.GetValue(schemaFolder)!, parse.GetValue(schemaWrite), parse.InvocationConfiguration.Output, parse.InvocationConfiguration.Error));
        command.Subcommands.Add(schema);
        RuleSetStaff.AddTo(command, roots);
        return command;
    }

    /// <summary>The generated schema of every parameter file of every capability, by file name (<c>premium.municipal.parameters.schema.json</c>).</summary>
    public static (string FileName, JsonObject Schema)[] ParameterSchemas() => KokuhoRuleSets.ParameterSchemas();

    /// <summary>Checks (or writes) the generated parameter schemas in a folder; returns the exit code.</summary>
    public static int Schemas(DirectoryInfo folder, bool write, TextWriter output, TextWriter error)
    {
        var stale = 0;
        var schemas = ParameterSchemas();
        var files = schemas.Select(s => (s.FileName, Text: ParameterSchema.ToText(s.Schema)))
            .Append((FileName: "README.md", Text: ParameterSchema.ToMarkdown("Rule-set parameters: every key, its type and its meaning", schemas)));
        foreach (var (fileName, text) in files)
        {
            var path = Path.Combine(folder.FullName, fileName);
            var current = File.Exists(path) ? File.ReadAllText(path) : null;
            if (current == text)
            {
                output.WriteLine($"up to date  {path}");
                continue;
            }
            if (!write)
            {
                error.WriteLine($"out of date {path} (run 'kokuho rulesets schema --write')");
                stale++;
                continue;
            }
            Directory.CreateDirectory(folder.FullName);
            var temp = path + ".tmp";
            File.WriteAllText(temp, text);
            File.Move(temp, path, overwrite: true);
            output.WriteLine($"written     {path}");
        }
        return stale > 0 ? 1 : 0;
    }

    /// <summary>Validates every rule set under the roots; returns the exit code.</summary>
    public static int Validate(IReadOnlyList<string> roots, TextWriter output, TextWriter error)
    {
        var catalog = KokuhoRuleSets.Load(roots);
        foreach (var rs in catalog.RuleSets)
        {
            var unconfirmed = rs.ParameterTable.All.Count(p => !p.Confirmed);
            output.WriteLine($"ok       {rs.Insurer.Id}/{rs.FiscalYear}  version {rs.Version}  {rs.Status.ToString().ToLowerInvariant()}  {rs.Hash}  {rs.Capability}"
                             + (unconfirmed > 0 ? $"  ({unconfirmed} parameters not confirmed by a source)" : ""));
        }
        foreach (var failure in catalog.Failures)
        {
            error.WriteLine($"REFUSED  {failure.RuleSet}");
            foreach (var e in failure.Errors) error.WriteLine("  " + e);
        }
        if (catalog.RuleSets.Count == 0 && catalog.Failures.Count == 0)
        {
            error.WriteLine($"no rule sets found under {string.Join(", ", catalog.Roots)}");
            return 1;
        }
        return catalog.Failures.Count > 0 ? 1 : 0;
    }

    /// <summary>
    /// Prints a layer's content hash (<c>layer hash</c>, what its manifest seals) and, for a municipal
    /// layer, the hash of the whole rule set it forms with its year's national layer (<c>ruleset hash</c>,
    /// what the API and every result show); with <paramref name="write"/>, seals the layer: writes the
    /// content hash and each file's hash into its manifest. Returns the exit code.
    /// </summary>
    public static int Hash(DirectoryInfo folder, bool write, TextWriter output, TextWriter error)
    {
        if (!folder.Exists)
        {
            error.WriteLine($"no such folder: {folder.FullName}");
            return 1;
        }
        var files = ContentHash.FilesOf(folder.FullName);
        var hash = ContentHash.OfFiles(files);
        var root = folder.Parent?.Parent?.Parent;
        var layerName = root is null ? folder.Name : Path.GetRelativePath(root.FullName, folder.FullName).Replace('\\', '/');
        output.WriteLine($"layer hash    {hash}  ({layerName}: every file of the folder but {ContentHash.ManifestFileName}; sealed as its contentHash)");
        var sources = root is null ? [] : KokuhoRuleSets.Scan([root.FullName]).Sources
            .Where(s => Path.GetFullPath(s.InsurerLayer.Folder) == Path.GetFullPath(folder.FullName)).ToArray();
        foreach (var source in sources)
            output.WriteLine($"ruleset hash  {ContentHash.Combine(source.Layers.Select(l => (l.Kind, l == source.InsurerLayer ? hash : l.ContentHash)))}  "
                             + $"({source.InsurerLayer.DisplayPath} with {string.Join(" and ", source.Layers.SkipLast(1).Select(l => l.DisplayPath))}: the hash the API and every result show)");
        if (sources.Length == 0)
            output.WriteLine(folder.Parent?.Parent?.Name == RuleSetLoader.NationalFolder
                ? "ruleset hash  (one per city of that year: the national layer's hash combined with the city's; see 'kokuho rulesets validate')"
                : "ruleset hash  (no rule set under this folder's root is this layer's own: see 'kokuho rulesets validate')");
        if (!write) return 0;
        var manifestPath = Path.Combine(folder.FullName, ContentHash.ManifestFileName);
        if (!File.Exists(manifestPath))
        {
            error.WriteLine($"no {ContentHash.ManifestFileName} in {folder.FullName}");
            return 1;
        }
        JsonObject manifest;
        try
        {
            manifest = JsonNode.Parse(File.ReadAllText(manifestPath))?.AsObject() ?? throw new JsonException("empty");
        }
        catch (Exception e) when (e is JsonException or InvalidOperationException)
        {
            error.WriteLine($"{manifestPath}: not a JSON object: {e.Message}");
            return 1;
        }
        RuleSetSeal.Seal(manifest, files);
        RuleSetSeal.WriteManifest(folder.FullName, RuleSetSeal.Encode(manifest));
        output.WriteLine($"written to {manifestPath}");
        return 0;
    }
}
