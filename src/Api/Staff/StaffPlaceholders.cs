using static KokuhoRules.Api.Staff.StaffHtml;

namespace KokuhoRules.Api.Staff;

/// <summary>
/// The places on the page for the other parts of issue 16 — the impact report (影響試算, item 3), the rate solver
/// (料率算定, item 4) and publishing (公開, item 6): each route answers "準備中" until its page is wired here
/// (replace the handler in <see cref="StaffPages.MapStaffPages"/>).
/// </summary>
public static class StaffPlaceholders
{
    /// <summary>A page saying the feature is not on the page yet, naming the command that does it.</summary>
    public static Func<HttpContext, IResult> Pending(string title, string command) => context =>
        Html(context, Page(title, $"<p>このページは準備中です。コマンドラインでは <code>{E(command)}</code> を使ってください。</p>",
            StaffAuth.Holder(context), StaffAuth.Session(context).Csrf));
}
