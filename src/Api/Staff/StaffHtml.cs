using System.Globalization;
using System.Text;
using System.Text.Encodings.Web;
using System.Text.Unicode;

namespace KokuhoRules.Api.Staff;

/// <summary>
/// The HTML of the staff pages, server-rendered: the layout (Japanese first, the navigation, the logout form), the
/// one style sheet (<c>/staff/staff.css</c>), and escaping. No script, no font, no request to any other host.
/// </summary>
public static class StaffHtml
{
    private static readonly HtmlEncoder Encoder = HtmlEncoder.Create(UnicodeRanges.All);

    /// <summary>Text escaped for an element or an attribute.</summary>
    public static string E(string? text) => text is null ? "" : Encoder.Encode(text);

    /// <summary>Yen with thousands separators.</summary>
    public static string Yen(long yen) => yen.ToString("N0", CultureInfo.InvariantCulture);

    /// <summary>The navigation: what exists, and the places the other parts of issue 16 go (marked 準備中 until wired).</summary>
    public static readonly IReadOnlyList<(string Href, string Label)> Navigation =
    [
        ("/staff", "ルールセット一覧"),
        ("/staff/compare", "比較 (新旧対照)"),
        ("/staff/trial", "試算 (世帯)"),
        ("/staff/table", "保険料早見表"),
        ("/staff/impact", "影響試算"),
        ("/staff/solve", "料率算定"),
        ("/staff/publish", "公開"),
    ];

    /// <summary>A whole page: title, navigation, the logged-in holder with the logout form (when <paramref name="csrf"/> is given), the body.</summary>
    public static string Page(string title, string body, string? holder = null, string? csrf = null)
    {
        var b = new StringBuilder();
        b.Append("<!DOCTYPE html>\n<html lang=\"ja\"><head><meta charset=\"utf-8\"><meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">")
            .Append("<title>").Append(E(title)).Append(" — 国保ルール 職員用</title><link rel=\"stylesheet\" href=\"/staff/staff.css\"></head><body>");
        b.Append("<header><span class=\"brand\">国民健康保険料 ルールセット 職員用ページ</span>");
        if (csrf is not null)
        {
            b.Append("<nav>");
            foreach (var (href, label) in Navigation) b.Append("<a href=\"").Append(href).Append("\">").Append(E(label)).Append("</a>");
            b.Append("</nav><form class=\"logout\" method=\"post\" action=\"/staff/logout\">").Append(Csrf(csrf))
                .Append("<span>").Append(E(holder)).Append("</span> <button type=\"submit\">ログアウト</button></form>");
        }
        b.Append("</header><main><h1>").Append(E(title)).Append("</h1>").Append(body).Append("</main></body></html>");
        return b.ToString();
    }

    /// <summary>The hidden CSRF field every POST form carries.</summary>
    public static string Csrf(string token) => $"<input type=\"hidden\" name=\"{StaffAuth.CsrfField}\" value=\"{E(token)}\">";

    /// <summary>A table from a header row and body rows (cells already HTML).</summary>
    public static string Table(IEnumerable<string> header, IEnumerable<IEnumerable<string>> rows, string? cssClass = null)
    {
        var b = new StringBuilder("<table").Append(cssClass is null ? "" : $" class=\"{cssClass}\"").Append("><thead><tr>");
        foreach (var h in header) b.Append("<th>").Append(h).Append("</th>");
        b.Append("</tr></thead><tbody>");
        foreach (var row in rows)
        {
            b.Append("<tr>");
            foreach (var cell in row) b.Append("<td>").Append(cell).Append("</td>");
            b.Append("</tr>");
        }
        return b.Append("</tbody></table>").ToString();
    }

    /// <summary>An HTML answer with the staff pages' headers: no caching, no framing, only this host's resources.</summary>
    public static IResult Html(HttpContext context, string html, int status = StatusCodes.Status200OK)
    {
        Secure(context);
        return Results.Content(html, "text/html; charset=utf-8", Encoding.UTF8, status);
    }

    /// <summary>303 See Other to <paramref name="url"/> (a path of this site): the POST/redirect/GET answer.</summary>
    public static IResult SeeOther(HttpContext context, string url)
    {
        Secure(context);
        context.Response.Headers.Location = url;
        return Results.StatusCode(StatusCodes.Status303SeeOther);
    }

    /// <summary>The security headers of every staff answer.</summary>
    public static void Secure(HttpContext context)
    {
        var h = context.Response.Headers;
        h.CacheControl = "no-store";
        h["Content-Security-Policy"] = "default-src 'none'; style-src 'self'; img-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'";
        h["X-Content-Type-Options"] = "nosniff";
        h["Referrer-Policy"] = "no-referrer";
    }

    /// <summary>The style sheet: plain, legible, printable (the navigation and forms are not printed).</summary>
    public const string Css = """
        body { font-family: "Noto Sans CJK JP", "Noto Sans JP", sans-serif; margin: 0; color: #1a1a1a; background: #fff; }
        header { background: #1f4e79; color: #fff; padding: .5rem 1rem; display: flex; flex-wrap: wrap; gap: 1rem; align-items: center; }
        header .brand { font-weight: bold; }
        header nav a { color: #fff; margin-right: .9rem; }
        header form.logout { margin-left: auto; }
        main { padding: 1rem 1.5rem; }
        h1 { font-size: 1.4rem; } h2 { font-size: 1.15rem; margin-top: 1.5rem; }
        table { border-collapse: collapse; margin: .5rem 0 1rem; font-size: .9rem; }
        th, td { border: 1px solid #9aa5b1; padding: .2rem .5rem; vertical-align: top; }
        th { background: #e8eef4; text-align: left; }
        td.n, th.n { text-align: right; font-variant-numeric: tabular-nums; }
        .changed { background: #fff3c4; }
        .unconfirmed { color: #a33; }
        .error { color: #a00; font-weight: bold; }
        .note { color: #555; font-size: .85rem; }
        form.stack label { display: block; margin: .4rem 0; }
        fieldset { margin: .6rem 0; border: 1px solid #9aa5b1; }
        textarea { width: 100%; max-width: 60rem; font-family: monospace; }
        code, .hash { font-family: monospace; font-size: .85rem; word-break: break-all; }
        pre { white-space: pre-wrap; overflow-wrap: anywhere; max-width: 80rem; }
        table.compare, table.trace { width: 100%; table-layout: fixed; }
        table.compare td, table.trace td { overflow-wrap: anywhere; }
        table.compare th:nth-child(1) { width: 10%; } table.compare th:nth-child(2) { width: 13%; } table.compare th:nth-child(3) { width: 4%; }
        table.compare th:nth-child(4), table.compare th:nth-child(5) { width: 14%; } table.compare th:nth-child(6), table.compare th:nth-child(7) { width: 19%; }
        table.compare th:nth-child(8) { width: 7%; } table.compare td:nth-child(6), table.compare td:nth-child(7) { font-size: .75rem; }
        table.trace th:nth-child(1) { width: 3%; } table.trace th:nth-child(2) { width: 7%; } table.trace th:nth-child(3) { width: 6%; }
        table.trace th:nth-child(4) { width: 32%; } table.trace th:nth-child(5) { width: 9%; } table.trace th:nth-child(6) { width: 30%; } table.trace th:nth-child(7) { width: 13%; }
        table.trace td:nth-child(6) { font-size: .75rem; }
        table.quick td { text-align: right; font-variant-numeric: tabular-nums; } table.quick td:nth-child(4) { text-align: center; }
        svg.chart { border: 1px solid #9aa5b1; background: #fff; max-width: 100%; height: auto; }
        @media print { header, form, .noprint { display: none; } main { padding: 0; } table { font-size: 9pt; } }
        """;
}
