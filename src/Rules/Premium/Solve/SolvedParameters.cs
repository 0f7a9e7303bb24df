using System.Globalization;
using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Nodes;
using KokuhoRules.Engine.RuleSets;

namespace KokuhoRules.Rules.Premium.Solve;

/// <summary>
/// The draft's city-layer <c>parameters.json</c> with the solved values in place: for each solved component
/// <c>rates.&lt;c&gt;.incomeRate</c>, <c>perCapita</c> and (where solved, or present) <c>perHousehold</c>, each with
/// <c>"confirmed": false</c> and a <c>toConfirm</c> naming the command, the date and the targets' hash; every other value as it was.
/// </summary>
public static class SolvedParameters
{
    private static readonly JsonSerializerOptions WriteOptions = new() { WriteIndented = true, Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    /// <summary>The file <c>rulesets solve --write-draft</c> replaces: the draft's insurer layer's parameters.json.</summary>
    public static string DraftPath(PremiumRuleSet draft) => Path.Combine(draft.Source.InsurerLayer.Folder, RuleSetLayer.ParametersFileName);

    /// <summary>The new file's bytes; <paramref name="on"/> is the date written in each toConfirm note.</summary>
    /// <exception cref="InvalidDataException">The city layer does not hold the rates of a solved component.</exception>
    public static byte[] Write(PremiumRuleSet draft, RateSolution solution, NodaTime.LocalDate on)
    {
        var layer = draft.Source.InsurerLayer;
        var file = layer.Parameters ?? throw new InvalidDataException($"{layer.DisplayPath} has no parameters.json to write the solved rates into");
        var root = JsonNode.Parse(file.Bytes, documentOptions: new JsonDocumentOptions { CommentHandling = JsonCommentHandling.Skip })!.AsObject();
        var note = $"solved by rulesets solve on {on.ToString("uuuu-MM-dd", CultureInfo.InvariantCulture)} from targets {solution.TargetsSha256}";
        foreach (var c in solution.Components)
        {
            if (root["rates"]?[c.Name] is not JsonObject rates)
                throw new InvalidDataException($"{layer.DisplayPath}/parameters.json has no rates.{c.Name}: the solved rates are written where the city's rates are");
            Set(rates, "incomeRate", JsonValue.Create(c.IncomeRate), note);
            Set(rates, "perCapita", JsonValue.Create(c.PerCapita), note);
            if (c.PerHousehold != 0 || rates.ContainsKey("perHousehold")) Set(rates, "perHousehold", JsonValue.Create(c.PerHousehold), note);
        }
        return Encoding.UTF8.GetBytes(root.ToJsonString(WriteOptions) + "\n");
    }

    private static void Set(JsonObject rates, string key, JsonNode value, string note)
    {
        if (rates[key] is JsonObject leaf)
        {
            leaf["value"] = value;
            leaf["confirmed"] = false;
            leaf["toConfirm"] = note;
            return;
        }
        rates[key] = new JsonObject { ["value"] = value, ["reference"] = note, ["confirmed"] = false, ["toConfirm"] = note };
    }
}
