using System.CommandLine;
using System.Globalization;
using System.Text.Json;
using System.Text;
using KokuhoRules.Engine.RuleSets;
using KokuhoRules.Engine.Storage;
using KokuhoRules.Rules.Catalog;
using KokuhoRules.Rules.Premium.QuickReference;
using KokuhoRules.Rules.Premium;
using KokuhoRules.Rules.Snapshots;

namespace KokuhoRules.Cli;

/// <summary>
/// <c>kokuho rulesets table</c>: the 保険料早見表 of a rule set (a draft included) — the annual premium by the head's
/// 給与収入 or 年金収入 for standard household types, with the reduction class of each row (<see cref="QuickReferenceTable"/>);
/// as text, JSON (<c>--json</c>) or a CSV file (<c>--csv</c>, Japanese header, UTF-8 with a byte-order mark for
/// spreadsheet programs, written beside and renamed).
/// </summary>
public static class RuleSetTable
{
    /// <summary>The command, with the <c>rulesets</c> command's <c>--root</c>.</summary>
    public static Command Command(Option<string[]> roots)
    {
        var insurer = new Option<string>("--insurer") { Description = "The insurer, e.g. amagasaki.", Required = true };
        var year = new Option<int>("--year") { Description = "The fiscal year, e.g. 2025.", Required = true };
        var version = new Option<string>("--version") { Description = "The rule-set version (default: the one a call today gets; drafts only: the newest), e.g. 2026.1." };
        var households = new Option<string[]>("--household")
        {
            Description = "Household types (repeatable; default: all): " + string.Join(", ", StandardHouseholds.All.Select(t => t.Id)) + ".",
            AllowMultipleArgumentsPerToken = true,
        };
        var from = new Option<long?>("--from") { Description = "The first revenue of the axis (yen; default 0)." };
        var to = new Option<long?>("--to") { Description = "The last revenue (yen; default 10,000,000 for 給与収入, 5,000,000 for 年金収入)." };
        var step = new Option<long?>("--step") { Description = "The step (yen; default 100,000)." };
        var csv = new Option<string>("--csv") { Description = "Also write the table as CSV to this file (written beside and renamed)." };
        var json = new Option<bool>("--json") { Description = "The table as JSON, for machines." };
        var command = new Command("table", "保険料早見表 (quick-reference table): the annual premium by 給与収入 or 年金収入 steps for standard household types, the reduction class per row. "
                                           + "Exit codes: 0 done, 1 the CSV could not be written / the rule set is refused by validation, 2 wrong options (unknown insurer, year, version, household type, steps).");
        foreach (var o in new Option[] { insurer, year, version, households, from, to, step, csv, json, roots }) command.Options.Add(o);
        command.SetAction(parse => Run(new TableOptions(parse.GetValue(insurer)!, parse.GetValue(year), parse.GetValue(version), parse.GetValue(households) ?? [],
                parse.GetValue(from), parse.GetValue(to), parse.GetValue(step), parse.GetValue(csv), parse.GetValue(json)),
            CliOptions.RootsOf(parse, roots), parse.InvocationConfiguration.Output, parse.InvocationConfiguration.Error));
        return command;
    }

    /// <summary>What <c>rulesets table</c> was asked for.</summary>
    public sealed record TableOptions(string Insurer, int Year, string? Version, IReadOnlyList<string> Households, long? From, long? To, long? Step, string? Csv, bool Json);

    /// <summary>Builds the tables and writes them; returns the exit code (<see cref="RuleSetStaff.ExitCodes"/>).</summary>
    public static int Run(TableOptions o, IReadOnlyList<string> roots, TextWriter output, TextWriter error)
    {
        var types = new List<HouseholdType>();
        foreach (var id in o.Households.Count > 0 ? o.Households.Distinct() : StandardHouseholds.All.Select(t => t.Id))
        {
            if (StandardHouseholds.Find(id) is not { } type)
            {
                error.WriteLine($"--household '{id}' is not a household type (types: {string.Join(", ", StandardHouseholds.All.Select(t => t.Id))})");
                return RuleSetStaff.ExitCodes.Usage;
            }
            types.Add(type);
        }
        var catalog = KokuhoRuleSets.Load(roots);
        var (found, refusal) = catalog.ResolveShown(PremiumRuleSetCompiler.CapabilityName, o.Insurer, o.Year, o.Version);
        if (found is not PremiumRuleSet rs)
        {
            error.WriteLine(refusal?.Kind == RuleSetRefusalKind.RefusedAtStartUp
                ? $"{o.Insurer}/{o.Year} (premium) is refused by validation: see 'kokuho rulesets validate'"
                : $"there is no premium rule set {o.Insurer}/{o.Year}{(o.Version is null ? "" : "@" + o.Version)} under {string.Join(", ", catalog.Roots)}: {refusal?.Detail}");
            return refusal?.Kind == RuleSetRefusalKind.RefusedAtStartUp ? RuleSetStaff.ExitCodes.Refused : RuleSetStaff.ExitCodes.Usage;
        }
        QuickReferenceTable[] tables;
        try
        {
            tables = types.Select(t => QuickReferenceTable.Build(rs, t, Steps(t, o))).ToArray();
        }
        catch (ArgumentOutOfRangeException e)
        {
            error.WriteLine($"--from/--to/--step: {e.Message.Split(" (Parameter", 2)[0]}");
            return RuleSetStaff.ExitCodes.Usage;
        }
        return Batch.Guarded("rulesets table", error, () =>
        {
            if (o.Csv is { } path) WriteCsv(path, rs, tables);
            if (o.Json) output.WriteLine(JsonSerializer.Serialize(tables, KokuhoJson.Options));
            else foreach (var table in tables) WriteText(table, rs, output);
            if (o.Csv is { } written) error.WriteLine($"written  {written}  ({tables.Sum(t => t.Rows.Count)} rows)");
            return RuleSetStaff.ExitCodes.Done;
        });
    }

    private static IncomeSteps Steps(HouseholdType type, TableOptions o)
    {
        var d = type.DefaultSteps;
        return new IncomeSteps(o.From ?? d.From, o.To ?? d.To, o.Step ?? d.Step);
    }

    private static string Yen(long yen) => yen.ToString("N0", CultureInfo.InvariantCulture);

    private static void WriteText(QuickReferenceTable t, PremiumRuleSet rs, TextWriter o)
    {
        var s = t.RuleSet;
        var revenue = t.Type.Income == IncomeKind.Salary ? "給与収入" : "年金収入";
        o.WriteLine($"保険料早見表: {s.Insurer}/{s.FiscalYear} 版 {s.Version} ({s.Status}) {s.Hash}");
        o.WriteLine($"世帯類型: {t.Type.Label} ({t.Type.Id}); 所得への換算: {t.IncomeReference}");
        var header = new[] { revenue, "所得", "軽減" }.Concat(rs.Components.Select(c => c.Label)).Append("年間保険料").ToArray();
        o.WriteLine(string.Join("  ", header.Select((h, i) => i == 2 ? h.PadLeft(4) : h.PadLeft(12))));
        foreach (var r in t.Rows)
        {
            var cells = new[] { Yen(r.Revenue), Yen(r.Income), QuickReferenceCsv.ReductionLabel(r.ReductionClass) }
                .Concat(rs.Components.Select(c => r.Components.FirstOrDefault(x => x.Name == c.Name) is { } a ? Yen(a.Amount) + (a.AtCap ? "*" : "") : "0"))
                .Append(Yen(r.AnnualPremium));
            o.WriteLine(string.Join("  ", cells.Select((c, i) => i == 2 ? c.PadLeft(4) : c.PadLeft(12))));
        }
        o.WriteLine("(* 賦課限度額に達している区分)");
        o.WriteLine();
    }

    /// <summary>Writes the CSV beside <paramref name="path"/> (<c>.partial</c>), flushed, then renames it into place.</summary>
    private static void WriteCsv(string path, PremiumRuleSet rs, IEnumerable<QuickReferenceTable> tables)
    {
        using var files = new AtomicFiles();
        files.CreateText(path, bom: true).Write(QuickReferenceCsv.Write(rs, tables));
        files.Commit();
    }
}
