using System.Globalization;
using KokuhoRules.Engine.Tracing;

namespace KokuhoRules.Rules.Withholding;

/// <summary>The trace of a determination: the facts read, each condition with its rule, the start month and each amount.</summary>
internal static class WithholdingTrace
{
    public static void Write(Trace t, WithholdingRuleSet rs, WithholdingInputs inputs, int start, bool defaulted,
        EligibilityOutcome eligibility, WithholdingScheduleResult schedule)
    {
        var f = eligibility.Facts;
        var table = rs.ParameterTable;
        t.Add("fact", "household", null, "referenceDate", $"判定基準日 {inputs.ReferenceDate:uuuu-MM-dd}", value: inputs.ReferenceDate.ToString("uuuu-MM-dd", CultureInfo.InvariantCulture));
        t.Add("fact", "household", null, "insuredMembers", $"基準日の国保の被保険者 {f.InsuredMembers}人 (最年少 {f.YoungestInsuredAge}歳、最年長 {f.OldestInsuredAge}歳)",
            value: f.InsuredMembers.ToString(CultureInfo.InvariantCulture));
        t.Add("fact", inputs.Household.HeadId, null, "pension", inputs.HeadPension is null
            ? "世帯主の介護保険料を特別徴収する年金の情報なし"
            : $"世帯主の特別徴収対象年金 年額{Yen(f.AnnualPension)}、介護保険料 1回{Yen(f.CarePremiumPerPayment)}", yen: f.AnnualPension);
        t.Add("fact", "household", null, "startMonth", defaulted
            ? $"開始月 {start}月 (指定なし: {(inputs.Previous.FebruaryWithheld > 0 ? "前年度2月に特別徴収があり仮徴収から継続" : "本徴収の初回から")})"
            : $"開始月 {start}月 (指定)", value: start.ToString(CultureInfo.InvariantCulture),
            parameters: TraceParameter.Of(table, "pensionMonths.startMonths", "pensionMonths.provisional", "pensionMonths.definitive"));
        t.Add("fact", "household", null, "largestWithholding", $"1回の特別徴収額の最大 {Yen(f.LargestWithholding)} (この開始月の予定表による)", yen: f.LargestWithholding);
        for (var i = 0; i < eligibility.Conditions.Count; i++)
        {
            var c = eligibility.Conditions[i];
            var decision = rs.Conditions[i].Decision;
            var index = decision.Match(f);
            t.Add("decision", "household", null, c.Name, $"{c.Rule}: {(c.Holds ? "該当" : "非該当")}", value: c.Holds ? "true" : "false",
                parameters: ParametersRead(table, decision), rule: decision.TraceRuleOf(index));
        }
        t.Add("decision", "household", null, "eligible", eligibility.Eligible ? "すべての条件を満たすため特別徴収" : "満たさない条件があるため普通徴収",
            value: eligibility.Eligible ? "true" : "false");
        foreach (var e in schedule.Entries)
            t.Add("calculation", "household", null, Item(e.Kind), Text(rs, inputs, e), yen: e.Amount,
                value: e.Month.ToString("uuuu-MM", CultureInfo.InvariantCulture), parameters: ParametersOf(table, e.Kind));
        if (schedule.Overpaid > 0)
            t.Add("calculation", "household", null, "overpaid", $"仮徴収が年間保険料を{Yen(schedule.Overpaid)}上回るため本徴収なし、差額は還付", yen: schedule.Overpaid);
    }

    /// <summary>The parameters a decision's rules read (<c>p.eligibility.capRatio.Denominator</c> → <c>eligibility.capRatio</c>), in order of first use.</summary>
    private static TraceParameter[] ParametersRead(Engine.RuleSets.ParameterTable table, Engine.Decisions.Decision decision)
    {
        var paths = new List<string>();
        foreach (var rule in decision.Rules)
            foreach (System.Text.RegularExpressions.Match m in ParameterReference.Matches(rule.Expression))
            {
                // The longest prefix of the dotted path that is a parameter (a leaf, not a member of its value).
                var parts = m.Groups[1].Value.Split('.');
                for (var n = parts.Length; n > 0; n--)
                    if (string.Join('.', parts[..n]) is var path && table.TryGet(path, out _))
                    {
                        if (!paths.Contains(path)) paths.Add(path);
                        break;
                    }
            }
        return TraceParameter.Of(table, paths.ToArray());
    }

    private static readonly System.Text.RegularExpressions.Regex ParameterReference = new(@"\bp\.([A-Za-z][A-Za-z0-9]*(?:\.[A-Za-z][A-Za-z0-9]*)*)", System.Text.RegularExpressions.RegexOptions.CultureInvariant);

    private static string Item(PaymentKind kind) => kind switch
    {
        PaymentKind.Provisional => "provisional",
        PaymentKind.Definitive => "definitive",
        _ => "ordinary",
    };

    private static string Text(WithholdingRuleSet rs, WithholdingInputs inputs, ScheduleEntry e) => e.Kind switch
    {
        PaymentKind.Provisional => inputs.Previous.FebruaryWithheld is { } february
            ? $"{e.Month.Month}月 仮徴収 {Yen(e.Amount)} (前年度2月の特別徴収額 {Yen(february)}{Leveled(rs, e)})"
            : $"{e.Month.Month}月 仮徴収 {Yen(e.Amount)} (前年度の保険料 {Yen(inputs.Previous.AnnualPremium)} ÷ {rs.Parameters.Provisional.NewAprilStartDivisor}{Leveled(rs, e)})",
        PaymentKind.Definitive => $"{e.Month.Month}月 本徴収 {Yen(e.Amount)} ((年間保険料 − 仮徴収・普通徴収) ÷ 3、{rs.Parameters.Schedule.Rounding}、端数は{rs.Parameters.Schedule.RemainderMonth}月)",
        _ => $"第{e.Installment}期 普通徴収 {Yen(e.Amount)} (納期限 {e.DueDate:uuuu-MM-dd})",
    };

    private static string Leveled(WithholdingRuleSet rs, ScheduleEntry e) =>
        rs.Parameters.Schedule.LevelingMode == LevelingMode.None || e.Month.Month == rs.Parameters.PensionMonths.Provisional[0] ? "" : $"、平準化 {rs.Parameters.Schedule.LevelingMode}";

    private static TraceParameter[] ParametersOf(Engine.RuleSets.ParameterTable table, PaymentKind kind) => kind switch
    {
        PaymentKind.Provisional => TraceParameter.Of(table, "pensionMonths.provisional", "provisional.newAprilStartDivisor", "schedule.levelingMode", "schedule.rounding"),
        PaymentKind.Definitive => TraceParameter.Of(table, "pensionMonths.definitive", "schedule.rounding", "schedule.remainderMonth"),
        _ => [],
    };

    private static string Yen(long yen) => yen.ToString("N0", CultureInfo.InvariantCulture) + "円";
}
