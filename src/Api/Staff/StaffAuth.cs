using KokuhoRules.Api.Audit;
using KokuhoRules.Api.Security;
using KokuhoRules.Engine.Security;
using static KokuhoRules.Api.Staff.StaffHtml;

namespace KokuhoRules.Api.Staff;

/// <summary>
/// Login, logout and the gate of every other staff page: the session cookie must name a logged-in session whose key
/// the key store still accepts (a revoked key ends the session) and which has the publisher role; a POST must carry
/// the session's CSRF token. The key is checked by <see cref="ApiKeyStore.Find"/>, as the API's header keys are, and
/// the audit log gets the key's id and holder.
/// </summary>
public static class StaffAuth
{
    /// <summary>The form field of the CSRF token.</summary>
    public const string CsrfField = "_csrf";

    /// <summary>The form field of the API key on the login form.</summary>
    public const string KeyField = "apiKey";

    private static readonly object SessionItem = new();

    /// <summary>The logged-in session of the call (set by <see cref="Gate"/>).</summary>
    public static StaffSession Session(HttpContext context) => (StaffSession)context.Items[SessionItem]!;

    /// <summary>The key's holder of the call, for the page header.</summary>
    public static string Holder(HttpContext context) => (string)context.Items[HolderItem]!;

    private static readonly object HolderItem = new();

    /// <summary>The endpoint filter of every page but the login form and the style sheet.</summary>
    public static async ValueTask<object?> Gate(EndpointFilterInvocationContext invocation, EndpointFilterDelegate next)
    {
        var context = invocation.HttpContext;
        var sessions = context.RequestServices.GetRequiredService<StaffSessions>();
        var session = sessions.Find(context.Request.Cookies[StaffSessions.CookieName]);
        if (session?.Key is not { } key)
        {
            context.Audit()?.Refused(AuditOutcomes.Unauthenticated);
            return SeeOther(context, "/staff/login");
        }
        var (record, refusal) = context.RequestServices.GetRequiredService<ApiKeyStore>().Find(key);
        if (record is not null) context.Audit()?.Identify(record.Id, record.Holder);
        if (refusal is not null)
        {
            sessions.End(session.Id);
            context.Audit()?.Refused(AuditOutcomes.Unauthenticated);
            return SeeOther(context, "/staff/login");
        }
        if (!record!.Roles.Contains(Roles.Publisher))
        {
            context.Audit()?.Refused(AuditOutcomes.Forbidden);
            return Html(context, Page("権限がありません", "<p class=\"error\">このキーには公開担当 (publisher) の権限がありません。</p>"), StatusCodes.Status403Forbidden);
        }
        if (HttpMethods.IsPost(context.Request.Method) && !await CsrfHolds(context, session))
        {
            context.Audit()?.Refused(AuditOutcomes.Forbidden);
            return Html(context, Page("送信できません", "<p class=\"error\">フォームの確認用トークンが一致しません。ページを開き直してから送信してください。</p>", record.Holder, session.Csrf),
                StatusCodes.Status403Forbidden);
        }
        context.Items[SessionItem] = session;
        context.Items[HolderItem] = record.Holder;
        return await next(invocation);
    }

    private static async Task<bool> CsrfHolds(HttpContext context, StaffSession session) =>
        context.Request.HasFormContentType && StaffSessions.CsrfMatches(session, (await context.Request.ReadFormAsync(context.RequestAborted))[CsrfField].ToString());

    /// <summary><c>GET /staff/login</c>: the form, in a new session without a key (its CSRF token); a logged-in session goes to the list.</summary>
    public static IResult LoginForm(HttpContext context, StaffSessions sessions)
    {
        var current = sessions.Find(context.Request.Cookies[StaffSessions.CookieName]);
        if (current?.Key is not null)
        {
            return SeeOther(context, "/staff");
        }
        return LoginPage(context, sessions, null, StatusCodes.Status200OK);
    }

    /// <summary><c>POST /staff/login</c>: checks the token and the key; a publisher's key gets a new session (a new id) and goes to the list.</summary>
    public static async Task<IResult> Login(HttpContext context, StaffSessions sessions, ApiKeyStore keys)
    {
        var pre = sessions.Find(context.Request.Cookies[StaffSessions.CookieName]);
        var form = context.Request.HasFormContentType ? await context.Request.ReadFormAsync(context.RequestAborted) : null;
        if (pre is null || form is null || !StaffSessions.CsrfMatches(pre, form[CsrfField].ToString()))
        {
            context.Audit()?.Refused(AuditOutcomes.Forbidden);
            return LoginPage(context, sessions, "フォームの有効期限が切れました。もう一度キーを入力してください。", StatusCodes.Status403Forbidden);
        }
        var presented = form[KeyField].ToString().Trim();
        var (record, refusal) = presented.Length == 0 ? new KeyLookup(null, "no key") : keys.Find(presented);
        if (record is not null) context.Audit()?.Identify(record.Id, record.Holder);
        if (refusal is not null)
        {
            context.Audit()?.Refused(AuditOutcomes.Unauthenticated);
            return LoginPage(context, sessions, "API キーが正しくないか、無効になっています。", StatusCodes.Status401Unauthorized);
        }
        if (!record!.Roles.Contains(Roles.Publisher))
        {
            context.Audit()?.Refused(AuditOutcomes.Forbidden);
            return LoginPage(context, sessions, "このキーには公開担当 (publisher) の権限がないため、職員用ページは使えません。", StatusCodes.Status403Forbidden);
        }
        sessions.End(pre.Id);
        SetCookie(context, sessions.Create(presented));
        return SeeOther(context, "/staff");
    }

    /// <summary><c>POST /staff/logout</c>: ends the session and expires the cookie.</summary>
    public static IResult Logout(HttpContext context, StaffSessions sessions)
    {
        sessions.End(Session(context).Id);
        context.Response.Cookies.Delete(StaffSessions.CookieName, CookieOptions(context));
        return SeeOther(context, "/staff/login");
    }

    private static IResult LoginPage(HttpContext context, StaffSessions sessions, string? message, int status)
    {
        var session = sessions.Create();
        SetCookie(context, session);
        var body = (message is null ? "" : $"<p class=\"error\">{E(message)}</p>")
                   + "<p>公開担当 (publisher) の API キーでログインしてください。キーはこのセッションの間サーバーのメモリにだけ保持され、ページや URL には表示されません。</p>"
                   + "<form class=\"stack\" method=\"post\" action=\"/staff/login\">" + Csrf(session.Csrf)
                   + $"<label>API キー <input type=\"password\" name=\"{KeyField}\" autocomplete=\"off\" required size=\"50\"></label>"
                   + "<button type=\"submit\">ログイン</button></form>";
        return Html(context, Page("ログイン", body), status);
    }

    private static void SetCookie(HttpContext context, StaffSession session) =>
        context.Response.Cookies.Append(StaffSessions.CookieName, session.Id, CookieOptions(context));

    private static CookieOptions CookieOptions(HttpContext context) => new()
    {
        HttpOnly = true,
        SameSite = SameSiteMode.Strict,
        Secure = context.Request.IsHttps,
        Path = "/staff",
        IsEssential = true,
    };
}
