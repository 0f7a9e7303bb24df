using KokuhoRules.Engine.Money;

namespace KokuhoRules.Rules.Premium.Solve;

/// <summary>
/// The search for one component's 所得割率 in whole units of the rate (n × unit, 0 ≤ n ≤ 1/unit = 100%): the bracket lo (raises
/// less than the target) and hi (at least the target) narrowed by false position, by bisection when a step did not halve it,
/// and extrapolated from the points below while there is no hi. Done when hi − lo = 1 (the nearer is chosen) or a rate raises the
/// target exactly. The raise is monotone in n, so the target lies between the raises of the two neighbouring rates.
/// </summary>
internal sealed class RateSearch(ComponentTarget target, PremiumComponent component, RateSolver.ComponentBases bases, long unitDenominator, long households, long? hint = null)
{
    private long _lo = -1, _loR, _loCap, _hi = -1, _hiR, _hiCap, _prevLo = -1, _prevLoR;
    private bool _bisect;

    public ComponentTarget Target => target;
    public bool Done { get; private set; }
    public long Chosen { get; private set; }
    public long ChosenRaised { get; private set; }
    public long ChosenAtCap { get; private set; }
    public int Iterations { get; private set; }

    private long Max => unitDenominator;
    private long T => target.Amount;

    /// <summary>The next rate (in units) to try.</summary>
    public long Next()
    {
        if (bases.MemberMonths == 0) throw Unreachable("no member of the population is liable for it in any month");
        if (bases.IncomeYenMonths == 0) throw Unreachable("the population has no 算定基礎所得 for it, so no 所得割率 raises it");
        if (_lo >= 0 && _hi >= 0)
        {
            var width = _hi - _lo;
            var g = _bisect ? _lo + width / 2 : _lo + (long)Math.Round((decimal)(T - _loR) * width / (_hiR - _loR));
            return Math.Clamp(g, _lo + 1, _hi - 1);
        }
        if (_lo >= 0)
        {
            if (_lo == Max) throw Unreachable($"at a 所得割率 of 100% the population raises {Yen(_loR)} yen ({Yen(_loCap)} of {Yen(households)} households at the cap {Yen(component.Rates.Cap)} yen)");
            decimal step = _prevLo >= 0 && _loR > _prevLoR ? (decimal)(T - _loR) * (_lo - _prevLo) / (_loR - _prevLoR)
                : _loR > 0 ? (decimal)_lo * (T - _loR) / _loR : _lo + 1;
            // Overshoot a little: caps make the raise concave, so a step from below falls short.
            var g = _prevLo >= 0 && _loR == _prevLoR ? Max : _lo + (long)Math.Ceiling(step * 1.05m) + 1;
            return Math.Clamp(g, _lo + 1, Max);
        }
        if (_hi >= 0) return Math.Clamp(_hiR > 0 ? (long)Math.Floor((decimal)_hi * T / _hiR) : 0, 0, _hi - 1);
        if (hint is { } h) return Math.Clamp(h, 0, Max);
        // First guess: the gross levy with no reduction and no cap, G ÷ a = target.
        var guess = (decimal)T * unitDenominator * 12 * target.IncomeShare.Numerator / ((decimal)bases.IncomeYenMonths * target.IncomeShare.Denominator);
        return Math.Clamp((long)Math.Ceiling(guess), 1, Max);
    }

    /// <summary>Takes what rate <paramref name="n"/> raised and how many households were at the cap.</summary>
    public void Evaluated(long n, long raised, long atCap, int pass)
    {
        Iterations = pass;
        var before = _lo >= 0 && _hi >= 0 ? _hi - _lo : long.MaxValue;
        if (raised >= T) (_hi, _hiR, _hiCap) = (n, raised, atCap);
        else
        {
            (_prevLo, _prevLoR) = (_lo, _loR);
            (_lo, _loR, _loCap) = (n, raised, atCap);
        }
        _bisect = before != long.MaxValue && _hi - _lo > before / 2;
        if (raised == T || _hi == 0) Choose(n, raised, atCap);
        else if (_lo >= 0 && _hi >= 0 && _hi - _lo <= 1)
        {
            if (_hiR - T <= T - _loR) Choose(_hi, _hiR, _hiCap);
            else Choose(_lo, _loR, _loCap);
        }
    }

    private void Choose(long n, long raised, long atCap) => (Done, Chosen, ChosenRaised, ChosenAtCap) = (true, n, raised, atCap);

    /// <summary>The component's rates at <paramref name="n"/> units: the 所得割率 and the 均等割 and 平等割 its splits derive (rounded as the targets say).</summary>
    public ComponentRates RatesAt(long n, RateTargets targets)
    {
        var a = target.IncomeShare;
        var b = target.PerCapitaShare;
        // 応益 = Σ 算定基礎所得 × months ÷ 12 × n/unit × (1 − a)/a; 均等割 = 応益 × b ÷ (member-months ÷ 12); the twelfths cancel.
        var common = bases.IncomeYenMonths * n * (a.Denominator - a.Numerator);
        var commonDen = (Int128)unitDenominator * a.Numerator * b.Denominator;
        var perCapita = b.Numerator == 0 ? 0 : targets.PerCapitaRounding.Apply(Exact(common * b.Numerator, commonDen * bases.MemberMonths));
        var perHousehold = b.Numerator == b.Denominator || bases.HouseholdMonths == 0 ? 0
            : targets.PerHouseholdRounding.Apply(Exact(common * (b.Denominator - b.Numerator), commonDen * bases.HouseholdMonths));
        var r = component.Rates;
        return new ComponentRates
        {
            IncomeRate = new Ratio(n, unitDenominator), PerCapita = perCapita, PerHousehold = perHousehold, Cap = r.Cap,
            AdultPerCapitaAddOn = r.AdultPerCapitaAddOn, AssetRate = r.AssetRate,
        };
    }

    /// <summary>num ÷ den as an exact amount; a denominator beyond a long is scaled down with the numerator (a relative error below 10⁻¹⁸).</summary>
    private static ExactYen Exact(Int128 num, Int128 den)
    {
        if (den > long.MaxValue)
        {
            var scale = den / (long.MaxValue / 2) + 1;
            (num, den) = (num / scale, den / scale);
        }
        return ExactYen.FromFraction(num, (long)den);
    }

    private UnreachableTargetException Unreachable(string why) =>
        new($"{component.Label} {component.Name}: the target {Yen(T)} yen cannot be reached: {why}; lower the target (or raise the cap, 賦課限度額)");

    private static string Yen(long v) => RateTargets.Yen(v);
}
