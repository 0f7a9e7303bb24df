using KokuhoRules.Rules.Calendar;
using KokuhoRules.Rules.Snapshots;
using NodaTime;

namespace KokuhoRules.Rules.Premium.Impact;

/// <summary>
/// The age bands of the impact report, by the head's (世帯主's) legal age on 4月1日 of the draft's fiscal year:
/// under 40, 40–64 (介護保険第2号), 65–74, and 75 or over (a 擬制世帯主 in 後期高齢者医療).
/// </summary>
public static class AgeBands
{
    /// <summary>Band keys, in order.</summary>
    public static readonly IReadOnlyList<string> Keys = ["under40", "40to64", "65to74", "75andOver"];

    /// <summary>Japanese labels, in the order of <see cref="Keys"/>.</summary>
    public static readonly IReadOnlyList<string> Labels = ["40歳未満", "40〜64歳", "65〜74歳", "75歳以上 (擬制世帯主)"];

    /// <summary>The band of a household's head on <paramref name="on"/> (a household whose head is not among its members counts by its first member).</summary>
    public static int Of(HouseholdSnapshot household, LocalDate on)
    {
        var head = household.HeadIndex is var i and >= 0 ? household.Members[i] : household.Members[0];
        var age = Age.LegalAgeOn(head.BirthDate, on);
        return age < 40 ? 0 : age < 65 ? 1 : age < 75 ? 2 : 3;
    }
}
