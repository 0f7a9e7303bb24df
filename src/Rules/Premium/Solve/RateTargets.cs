using System.Globalization;
using System.Security.Cryptography;
using System.Text.Json;
using KokuhoRules.Engine.Money;
using KokuhoRules.Rules.Snapshots;

namespace KokuhoRules.Rules.Premium.Solve;

/// <summary>
/// One component's target (適正算定の目標): the amount to levy over the population (賦課総額 = 保険料収納必要総額 ÷ 予定収納率,
/// given as <see cref="Amount"/>), the share of the 所得割 in the gross levy (応能割合, <see cref="IncomeShare"/>, 0 &lt; a ≤ 1) and
/// the 均等割's share of the rest (<see cref="PerCapitaShare"/>, 0–1; 1: no 平等割, e.g. 介護分 or a city without one).
/// </summary>
public sealed record ComponentTarget(string Name, long Amount, Ratio IncomeShare, Ratio PerCapitaShare, long? Required = null, Ratio? CollectionRate = null);

/// <summary>
/// The targets file of <c>kokuho rulesets solve</c>: per component the amount and the splits, and the city's rounding of what
/// is solved — the 所得割率 to a unit (0.0001 = 0.01%), the 均等割 and 平等割 to a unit of yen (1, 10, 100, 1000) in a direction.
/// Immutable; read by <see cref="Read"/>, which refuses a bad file with the field and why.
/// </summary>
/// <param name="IncomeRateUnit">The 所得割率's unit, 1/k (0.0001: to 0.01%).</param>
/// <param name="Sha256">The file's hash (<c>sha256:…</c>): the solved values name it.</param>
public sealed record RateTargets(IReadOnlyList<ComponentTarget> Components, Ratio IncomeRateUnit, Rounding PerCapitaRounding, Rounding PerHouseholdRounding, string Sha256)
{
    private sealed record FileRounding(decimal? IncomeRate, Rounding? PerCapita, Rounding? PerHousehold);

    private sealed record FileComponent(long? Amount, long? Required, decimal? CollectionRate, decimal? IncomeShare, decimal? PerCapitaShare);

    private sealed record FileTargets(FileRounding? Rounding, Dictionary<string, FileComponent?>? Components);

    /// <summary>Reads and checks a targets file; throws <see cref="InvalidDataException"/> naming the file and the field.</summary>
    public static RateTargets Read(string path) => Parse(File.ReadAllBytes(path), path);

    /// <summary>Reads and checks targets JSON (a file's bytes, or the staff page's form as JSON); throws <see cref="InvalidDataException"/> naming <paramref name="path"/> and the field.</summary>
    public static RateTargets Parse(byte[] bytes, string path)
    {
        FileTargets? file;
        try
        {
            file = JsonSerializer.Deserialize<FileTargets>(bytes, KokuhoJson.Options);
        }
        catch (JsonException e)
        {
            // Said as every reading error is (JsonErrors): the field's path and the reason, never a .NET type name cut short.
            var problem = JsonErrors.For(e);
            throw new InvalidDataException($"{path}: not a targets file: {problem.Field}: {problem.Message}");
        }
        InvalidDataException Bad(string field, string why) => new($"{path}: {field} {why}");
        if (file?.Components is not { Count: > 0 } components) throw Bad("components", "must name at least one component, e.g. { \"medical\": { \"amount\": …, \"incomeShare\": 0.5, \"perCapitaShare\": 0.7 } }");
        var unit = file.Rounding?.IncomeRate ?? 0.0001m;
        if (unit is <= 0 or > 0.01m) throw Bad("rounding.incomeRate", "must be a unit of the rate between 0 and 0.01 (0.0001 for 0.01%)");
        var unitRatio = Ratio.FromDecimal(unit);
        if (unitRatio.Numerator != 1) throw Bad("rounding.incomeRate", "must be 1/k of one (0.001, 0.0001, 0.00001)");
        var targets = new List<ComponentTarget>();
        foreach (var (name, c) in components)
        {
            var at = $"components.{name}";
            if (c is null) throw Bad(at, "must be an object");
            if ((c!.Amount is null) == (c.Required is null)) throw Bad(at, "needs either amount (賦課総額) or required with collectionRate (保険料収納必要総額 and 予定収納率)");
            long amount;
            Ratio? collection = null;
            if (c.Amount is { } a) amount = a > 0 ? a : throw Bad($"{at}.amount", "must be a positive number of yen");
            else
            {
                if (c.Required <= 0) throw Bad($"{at}.required", "must be a positive number of yen");
                if (c.CollectionRate is not ({ } rate and > 0 and <= 1)) throw Bad($"{at}.collectionRate", "must be above 0 and at most 1 (e.g. 0.94)");
                collection = Ratio.FromDecimal(rate);
                // 賦課総額 = 収納必要総額 ÷ 予定収納率, rounded up to the yen (what is levied must cover what is needed).
                amount = new Rounding(1, RoundingMode.Ceiling).Apply(ExactYen.FromFraction((Int128)c.Required!.Value * collection.Value.Denominator, collection.Value.Numerator));
            }
            if (c.IncomeShare is not ({ } income and > 0 and <= 1)) throw Bad($"{at}.incomeShare", "must be above 0 and at most 1: the 所得割's share of the levy (応能割合)");
            if (c.PerCapitaShare is not ({ } capita and >= 0 and <= 1)) throw Bad($"{at}.perCapitaShare", "must be from 0 to 1: the 均等割's share of 均等割+平等割 (1 where there is no 平等割)");
            targets.Add(new ComponentTarget(name, amount, Ratio.FromDecimal(income), Ratio.FromDecimal(capita), c.Required, collection));
        }
        foreach (var (field, r) in new[] { ("rounding.perCapita", file.Rounding?.PerCapita), ("rounding.perHousehold", file.Rounding?.PerHousehold) })
            if (r is not null && !Rounding.AllowedUnits.Contains(r.UnitYen)) throw Bad($"{field}.unitYen", "must be 1, 10, 100 or 1000");
        return new RateTargets(targets, unitRatio, file.Rounding?.PerCapita ?? Rounding.FloorYen, file.Rounding?.PerHousehold ?? Rounding.FloorYen,
            "sha256:" + Convert.ToHexStringLower(SHA256.HashData(bytes)));
    }

    /// <summary>The 所得割率's unit as staff write it (<c>0.01%</c>).</summary>
    public string IncomeRateUnitText => IncomeRateUnit.ToPercentString();

    internal static string Yen(long v) => v.ToString("N0", CultureInfo.InvariantCulture);
}
