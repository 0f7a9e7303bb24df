using System.Globalization;
using System.Text;
using System.Text.Json;
using KokuhoRules.Api.Audit;
using KokuhoRules.Engine.RuleSets;
using KokuhoRules.Rules.Income;
using KokuhoRules.Rules.Premium;
using KokuhoRules.Rules.Snapshots;
using NodaTime;
using static KokuhoRules.Api.Staff.StaffHtml;

namespace KokuhoRules.Api.Staff;

/// <summary>
/// 試算 (trial) of one household on any rule set, a draft included: the form (a rule set, up to
/// <see cref="MemberRows"/> members by birth date, coverage and 給与収入 / 年金収入 — converted to 所得 by
/// <see cref="SalaryIncome"/> and <see cref="PublicPensionIncome"/> — or a pasted household JSON), POSTed, assessed by
/// <see cref="PremiumService"/> exactly as <c>POST /v1/premium/assessments</c> with <c>"trial": true</c> does, kept in
/// the session and shown after a redirect (POST/redirect/GET): the premium, its components and the trace.
/// </summary>
public static class StaffTrialPage
{
    private static readonly JsonSerializerOptions Indented = new(KokuhoJson.Options) { WriteIndented = true };

    /// <summary>How many member rows the form has.</summary>
    public const int MemberRows = 4;

    /// <summary><c>GET /staff/trial</c>: the form.</summary>
    public static IResult Form(HttpContext context, RuleSetCatalog catalog)
    {
        var choices = catalog.RuleSets.Where(r => r.Capability == PremiumRuleSetCompiler.CapabilityName).Select(r => RuleSetSpec.Of(r).ToString()).ToArray();
        var b = new StringBuilder("<form class=\"stack\" method=\"post\" action=\"/staff/trial\">").Append(Csrf(StaffAuth.Session(context).Csrf));
        b.Append("<label>ルールセット (下書きを含む) ").Append(StaffRuleSetPages.Select("ruleset", choices, choices.FirstOrDefault())).Append("</label>");
        b.Append("<label>世帯番号 <input name=\"householdId\" value=\"TRIAL-1\" pattern=\"[A-Za-z0-9_.\\-]{1,40}\"></label>");
        b.Append("<p class=\"note\">1人目が世帯主です。生年月日を空欄にした行は使いません。収入は前年の収入 (円) で、所得への換算は所得税法の給与所得控除・公的年金等控除によります。</p>");
        for (var i = 1; i <= MemberRows; i++)
            b.Append($"<fieldset><legend>{(i == 1 ? "世帯主" : $"世帯員 {i}")}</legend>")
                .Append($"<label>生年月日 <input type=\"date\" name=\"m{i}.birthDate\"></label>")
                .Append($"<label>資格取得日 (空欄: 年度の初日より前から加入) <input type=\"date\" name=\"m{i}.acquired\"></label>")
                .Append($"<label>給与収入 (円) <input type=\"number\" min=\"0\" step=\"1\" name=\"m{i}.salaryRevenue\"></label>")
                .Append($"<label>公的年金等収入 (円) <input type=\"number\" min=\"0\" step=\"1\" name=\"m{i}.pensionRevenue\"></label></fieldset>");
        b.Append("<label>または世帯の JSON (<code>POST /v1/premium/assessments</code> の <code>household</code>; 入力すると上の欄より優先します)<textarea name=\"householdJson\" rows=\"8\"></textarea></label>");
        b.Append("<button type=\"submit\">試算する</button></form>");
        return Html(context, Page("試算 (世帯)", b.ToString(), StaffAuth.Holder(context), StaffAuth.Session(context).Csrf));
    }

    /// <summary><c>POST /staff/trial</c>: assesses the household as a trial, keeps the answer in the session, redirects to the result.</summary>
    public static async Task<IResult> Run(HttpContext context, PremiumService service, StaffSessions sessions)
    {
        var form = await context.Request.ReadFormAsync(context.RequestAborted);
        var spec = form["ruleset"].ToString();
        var session = StaffAuth.Session(context);
        var (household, problem) = Household(form, RuleSetSpec.Parse(spec)?.FiscalYear);
        var text = household is null ? "" : JsonSerializer.Serialize(household, Indented);
        if (household is not null && IndividualNumberScan.Find(Encoding.UTF8.GetBytes(text), "household") is { } found)
        {
            context.Audit()?.Refused(AuditOutcomes.IndividualNumber);
            (household, problem) = (null, $"'{found.Field}' は個人番号 (12桁) のように見えます。個人番号は使いません。");
            text = "";
        }
        StaffTrialResult result;
        if (household is null || RuleSetSpec.Parse(spec) is not { } named)
            result = new StaffTrialResult(spec, text, null, AssessmentFailure.Invalid([new("household", problem ?? "ルールセットを選んでください")]));
        else
        {
            context.Audit()?.About(household.Id);
            var request = new AssessmentRequest { Insurer = named.Insurer, FiscalYear = named.FiscalYear, RulesetVersion = named.Version, Household = household, Trial = true };
            var (response, failure) = service.Assess(request, trace: true);
            if (response is not null) context.Audit()?.Used(response.Ruleset);
            else context.Audit()?.Refused(AuditOutcomes.InvalidRequest);
            result = new StaffTrialResult(spec, text, response, failure);
        }
        sessions.Update(session with { LastTrial = result });
        return SeeOther(context, "/staff/trial/result");
    }

    /// <summary><c>GET /staff/trial/result</c>: the session's last trial.</summary>
    public static IResult Result(HttpContext context)
    {
        var session = StaffAuth.Session(context);
        if (session.LastTrial is not { } t) return SeeOther(context, "/staff/trial");
        var b = new StringBuilder($"<p>ルールセット {E(t.RuleSet)} ・ <a href=\"/staff/trial\">別の世帯を試算する</a></p>");
        if (t.Failure is { } f)
            b.Append($"<p class=\"error\">試算できません: {E(f.Detail)}</p>")
                .Append(Table(["項目", "理由"], f.Errors.Select(e => new[] { $"<code>{E(e.Field)}</code>", E(e.Message) })));
        if (t.Response is { } r)
        {
            context.Audit()?.Used(r.Ruleset);
            b.Append(Answer(r));
        }
        if (t.HouseholdJson.Length > 0) b.Append("<h2>送った世帯 (JSON)</h2><pre><code>").Append(E(t.HouseholdJson)).Append("</code></pre>");
        return Html(context, Page("試算の結果", b.ToString(), StaffAuth.Holder(context), session.Csrf));
    }

    private static string Answer(AssessmentResponse r)
    {
        var b = new StringBuilder();
        b.Append($"<p class=\"premium\">年間保険料 <strong id=\"annual-premium\">{Yen(r.AnnualPremium)}</strong> 円 ・ 軽減 <strong>{E(r.ReductionClass == "none" ? "なし" : r.ReductionClass)}</strong>")
            .Append($" ・ 版 {E(r.Ruleset.Version)} ({E(StaffRuleSetPages.StatusLabel(r.Ruleset.Status))}) <span class=\"hash\">{E(r.Ruleset.Hash)}</span></p>");
        if (r.UnconfirmedParameters.Count > 0) b.Append($"<p class=\"unconfirmed\">確認されていない値 {r.UnconfirmedParameters.Count} 件に基づく試算です。</p>");
        b.Append("<h2>区分ごとの内訳</h2>").Append(Table(["区分", "所得割", "資産割", "均等割", "平等割", "軽減・減免", "限度額前", "賦課限度額", "保険料", "月数"],
            r.Components.Select(c => new[]
            {
                E(c.Label), Yen(c.IncomeLevy), c.AssetLevy is { } a ? Yen(a) : "—", Yen(c.PerCapita), Yen(c.PerHousehold), Yen(c.Reduction), Yen(c.BeforeCap), Yen(c.Cap),
                $"<strong>{Yen(c.Amount)}</strong>", c.Months.ToString(CultureInfo.InvariantCulture),
            })));
        var reliefs = r.Components.SelectMany(c => c.Reliefs.Select(x => new[] { E(c.Label), E(x.Label), Yen(x.Amount), E(x.Reference) })).ToArray();
        if (reliefs.Length > 0) b.Append("<h2>軽減・減免</h2>").Append(Table(["区分", "軽減・減免", "額", "出典"], reliefs));
        b.Append("<h2>納期 (期割)</h2>").Append(Table(["期", "納期限", "額"], r.Installments.Select(i => new[] { i.Number.ToString(CultureInfo.InvariantCulture), $"{i.DueDate:uuuu-MM-dd}", Yen(i.Amount) })));
        b.Append("<h2>計算の過程 (トレース)</h2>").Append(Table(["#", "対象", "区分", "内容", "円", "パラメータ", "ルール"],
            (r.Trace ?? []).Select(s => new[]
            {
                s.Step.ToString(CultureInfo.InvariantCulture), E(s.Subject), E(s.Component ?? ""), E(s.Text), s.Yen is { } y ? Yen(y) : E(s.Value ?? ""),
                string.Join("<br>", s.Parameters.Select(p => $"<code>{E(p.Path)}</code> = {E(p.Value)} <span class=\"note\">{E(p.Reference)}</span>")),
                s.Rule is { } rule ? E($"{rule.Workflow} / {rule.Rule}") : "",
            }), "trace"));
        return b.ToString();
    }

    /// <summary>The household of the form: the pasted JSON, else the member rows; or a sentence saying what is wrong.</summary>
    private static (HouseholdJson? Household, string? Problem) Household(IFormCollection form, int? fiscalYear)
    {
        var pasted = form["householdJson"].ToString();
        if (!string.IsNullOrWhiteSpace(pasted))
        {
            try
            {
                return (JsonSerializer.Deserialize<HouseholdJson>(pasted, KokuhoJson.Options), null);
            }
            catch (JsonException e)
            {
                return (null, $"世帯の JSON を読めません (行 {e.LineNumber + 1}, 位置 {e.BytePositionInLine + 1})");
            }
        }
        if (fiscalYear is not { } year) return (null, "ルールセットを選んでください");
        var members = new List<MemberJson>();
        for (var i = 1; i <= MemberRows; i++)
        {
            var birth = form[$"m{i}.birthDate"].ToString();
            if (birth.Length == 0) continue;
            if (Date(birth) is not { } born) return (null, $"{i}人目の生年月日が日付ではありません");
            var acquired = form[$"m{i}.acquired"].ToString();
            LocalDate? from = acquired.Length == 0 ? new LocalDate(year - 1, 4, 1) : Date(acquired);
            if (from is null) return (null, $"{i}人目の資格取得日が日付ではありません");
            if (!Amount(form[$"m{i}.salaryRevenue"].ToString(), out var salary) || !Amount(form[$"m{i}.pensionRevenue"].ToString(), out var pension))
                return (null, $"{i}人目の収入は 0 以上の整数 (円) で入力してください");
            members.Add(Member($"P{i}", born, from.Value < born ? born : from.Value, salary, pension, year));
        }
        if (members.Count == 0) return (null, "世帯主の生年月日を入力してください");
        var id = form["householdId"].ToString();
        return (new HouseholdJson { Id = id.Length == 0 ? "TRIAL-1" : id, HeadId = "P1", Members = members }, null);
    }

    private static MemberJson Member(string id, LocalDate born, LocalDate acquired, long salary, long pension, int fiscalYear)
    {
        var incomeYear = fiscalYear - 1;
        var salaryIncome = SalaryIncome.FromRevenue(salary, Math.Max(incomeYear, SalaryIncome.FirstIncomeYear));
        var aged65 = born.PlusYears(65) <= new LocalDate(incomeYear, 12, 31).PlusDays(1);
        var pensionIncome = PublicPensionIncome.FromRevenue(pension, aged65, Math.Max(incomeYear, PublicPensionIncome.FirstIncomeYear));
        return new MemberJson
        {
            Id = id, BirthDate = born, Coverage = [new CoverageJson { Acquired = acquired }],
            Income = new IncomeJson
            {
                Declared = true, TotalIncome = salaryIncome + pensionIncome,
                SalaryRevenue = salary > 0 ? salary : null, SalaryIncome = salary > 0 ? salaryIncome : null,
                PensionRevenue = pension > 0 ? pension : null, PensionIncome = pension > 0 ? pensionIncome : null,
            },
        };
    }

    private static LocalDate? Date(string text) =>
        NodaTime.Text.LocalDatePattern.Iso.Parse(text) is { Success: true } parsed ? parsed.Value : null;

    private static bool Amount(string text, out long yen)
    {
        yen = 0;
        return text.Length == 0 || (long.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out yen) && yen <= 100_000_000_000);
    }
}
