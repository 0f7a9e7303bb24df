using System.CommandLine;
using KokuhoRules.Rules.Publication;
using NodaTime;

namespace KokuhoRules.Cli;

/// <summary>
/// <c>kokuho rulesets publish &lt;owner/year[@version]&gt; --capability premium --by &lt;who&gt;</c> (公開): the options of
/// <see cref="RuleSetPublisher"/> (the gate, the seal and the audit, shared with the staff page <c>/staff/publish</c>).
/// </summary>
public static class RuleSetPublish
{
    /// <summary>Adds <c>publish</c> to the <c>rulesets</c> command.</summary>
    public static Command Build(Option<string[]> roots)
    {
        var spec = new Argument<string>("layer") { Description = "The layer to publish: owner/year[@version], e.g. amagasaki/2026 or national/2026@2026.1 (default version: its newest draft)." };
        var capability = new Option<string>("--capability") { Description = "The capability of the layer.", DefaultValueFactory = _ => "premium" };
        var by = new Option<string>("--by") { Description = "Who publishes (a staff id, recorded in the manifest and the audit log).", Required = true };
        var waive = new Option<string[]>("--waive") { Description = "<path>=<reason>: publish an unconfirmed value (confirmed: false) as it is, for this reason (repeatable).", AllowMultipleArgumentsPerToken = true };
        var waivers = new Option<string>("--waivers") { Description = "A JSON file of waivers: { \"rates.medical.incomeRate\": \"<reason>\", … }." };
        var db = CliOptions.Database("Keep the publication in PostgreSQL (append-only) and audit it there.");
        var audit = CliOptions.AuditLog("the publication (without --db)");
        var json = new Option<bool>("--json") { Description = "The outcome as JSON, for machines." };
        var command = new Command("publish", "公開 (publish): refuse unless validation passes, every confirmed: false value is confirmed or waived with a reason, the golden cases pass "
                                             + "and the property checks pass; then seal the layer (status published, contentHash, files, publishedBy, publishedAt, waivers) and audit it. " + RuleSetPublisher.ExitCodes.Help);
        command.Arguments.Add(spec);
        foreach (var o in new Option[] { capability, by, waive, waivers, roots, db, audit, json }) command.Options.Add(o);
        command.SetAction(parse => Run(new RuleSetPublisher.Args(parse.GetValue(spec)!, parse.GetValue(capability)!, parse.GetValue(by)!, parse.GetValue(waive) ?? [], parse.GetValue(waivers),
            CliOptions.RootsOf(parse, roots), parse.GetValue(db), parse.GetValue(audit)!, parse.GetValue(json)), parse.InvocationConfiguration.Output, parse.InvocationConfiguration.Error));
        return command;
    }

    /// <summary>Runs <c>rulesets publish</c>; returns the exit code (<see cref="RuleSetPublisher.ExitCodes"/>).</summary>
    public static int Run(RuleSetPublisher.Args args, TextWriter output, TextWriter error) =>
        Batch.Guarded("rulesets publish", error, () => RuleSetPublisher.Publish(args, RuleSetPublisher.PropertyCheckSteps(), SystemClock.Instance, output, error));

}
