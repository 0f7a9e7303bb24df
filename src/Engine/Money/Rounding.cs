using System.Text.Json.Serialization;

namespace KokuhoRules.Engine.Money;

/// <summary>Direction of a rounding to a unit of yen.</summary>
[JsonConverter(typeof(JsonStringEnumConverter<RoundingMode>))]
public enum RoundingMode
{
    /// <summary>切捨て: toward zero for the non-negative amounts a premium has.</summary>
    Floor,
    /// <summary>切上げ.</summary>
    Ceiling,
    /// <summary>四捨五入 (half a unit and above goes up).</summary>
    HalfUp,
}

/// <summary>
/// A rounding rule: to a multiple of <see cref="UnitYen"/> (1, 10, 100 or 1000 yen), in a stated
/// direction. Cities differ, so every rounding point of a calculation is a rule-set parameter.
/// </summary>
public sealed record Rounding(long UnitYen, RoundingMode Mode)
{
    /// <summary>Floor to one yen: the rule where a rule set states nothing else.</summary>
    public static readonly Rounding FloorYen = new(1, RoundingMode.Floor);

    /// <summary>The units a rule set may use.</summary>
    public static readonly IReadOnlyList<long> AllowedUnits = [1, 10, 100, 1000];

    /// <summary>Rounds an exact amount to a whole multiple of the unit.</summary>
    public long Apply(ExactYen amount)
    {
        if (UnitYen == 1 && Mode != RoundingMode.HalfUp)
            return Mode == RoundingMode.Floor ? amount.Floor() : amount.Ceiling();
        var units = amount.DividedBy(UnitYen);
        var whole = Mode switch
        {
            RoundingMode.Floor => units.Floor(),
            RoundingMode.Ceiling => units.Ceiling(),
            RoundingMode.HalfUp => (units + ExactYen.FromYen(1).DividedBy(2)).Floor(),
            _ => throw new InvalidOperationException(Mode.ToString()),
        };
        return whole * UnitYen;
    }

    /// <summary>Rounds a whole amount of yen to a multiple of the unit.</summary>
    public long Apply(long yen) => UnitYen == 1 ? yen : Apply(ExactYen.FromYen(yen));

    /// <summary>Japanese description as a clerk says it, e.g. <c>100円未満切捨て</c>.</summary>
    public string Describe() => $"{UnitYen:N0}円未満" + Mode switch
    {
        RoundingMode.Floor => "切捨て",
        RoundingMode.Ceiling => "切上げ",
        _ => "四捨五入",
    };
}
