using Scalar.AspNetCore;

namespace KokuhoRules.Api.Docs;

/// <summary>
/// The API's description, public like a published interface specification (it holds no data):
/// <c>GET /openapi/v1.json</c>, and the browsable reference <c>GET /docs</c> (Scalar).
/// </summary>
public static class ApiReference
{
    /// <summary>The reference page's title.</summary>
    public const string Title = "KokuhoRules API";

    /// <summary>
    /// Maps the document and the reference page. The page makes no request to any host but the
    /// service: Scalar.AspNetCore serves its script from the package (<c>/docs/scalar.js</c>), the
    /// default fonts (a CDN) are off, and so is every feature that talks to Scalar's own services —
    /// the AI agent ("Ask AI"), MCP, telemetry, and the developer toolbar ("Share", "Generate SDK",
    /// "Deploy"). Test requests made from the page go straight to the service (no proxy).
    /// </summary>
    public static WebApplication MapApiReference(this WebApplication app)
    {
        app.MapOpenApi().AllowAnonymous();
        app.MapScalarApiReference("/docs", options => options
                .WithTitle(Title)
                .DisableDefaultFonts()
                .DisableAgent()
                .DisableMcp()
                .DisableTelemetry()
                .HideDeveloperTools())
            .AllowAnonymous();
        return app;
    }
}
