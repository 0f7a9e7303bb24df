using KokuhoRules.Engine.Decisions;
using KokuhoRules.Engine.Joins;
using KokuhoRules.Engine.RuleSets;

namespace KokuhoRules.Rules.Eligibility;

/// <summary>
/// An eligibility rule set compiled once: the parameters bound and validated, the three date decisions of §C1/§C2
/// (RulesEngine workflows over <see cref="EventFacts"/>) and the check rules (NRules, <c>joins.json</c>). Immutable
/// and thread-safe. Built by <see cref="EligibilityRuleSetCompiler"/>; its insurer is a prefecture.
/// </summary>
public sealed class EligibilityRuleSet : CompiledRuleSet
{
    internal EligibilityRuleSet(RuleSetSource source, EligibilityParameters parameters, ParameterTable table,
        Decision<EventFacts, EventDateRule> acquisitionDate, Decision<EventFacts, EventDateRule> lossDate,
        Decision<EventFacts, EventDateRule> applicationStart, JoinRules checks)
        : base(source, table)
    {
        Parameters = parameters;
        AcquisitionDate = acquisitionDate;
        LossDate = lossDate;
        ApplicationStart = applicationStart;
        Checks = checks;
    }

    public EligibilityParameters Parameters { get; }

    /// <summary>資格取得年月日 from an event (§C1).</summary>
    public Decision<EventFacts, EventDateRule> AcquisitionDate { get; }

    /// <summary>資格喪失年月日 from an event (§C1).</summary>
    public Decision<EventFacts, EventDateRule> LossDate { get; }

    /// <summary>適用開始年月日 at the city from an event (§C2).</summary>
    public Decision<EventFacts, EventDateRule> ApplicationStart { get; }

    /// <summary>The check rules, joined per person.</summary>
    public JoinRules Checks { get; }

    /// <summary>What the date decisions say of each kind of event, decided on first use (<see cref="EventDates.Derive"/>): a few entries, one per event kind and same-day flag.</summary>
    internal System.Collections.Concurrent.ConcurrentDictionary<EventFacts, EventDates.DateRules> EventDateRules { get; } = new();

    public override IEnumerable<Decision> Decisions => [AcquisitionDate, LossDate, ApplicationStart];
}
