using System.Diagnostics;

namespace KokuhoRules.Api.Audit;

/// <summary>
/// The service does not continue a client's trace: an incoming <c>traceparent</c> / <c>tracestate</c> /
/// <c>baggage</c> is ignored, so every call's W3C trace id is one the server generated. That one id is
/// what the audit log records, what a problem answer's <c>traceId</c> carries and what the logs say
/// — a client cannot choose it, reuse another call's, or make two calls look like one.
/// </summary>
public sealed class ServerTraceIds : DistributedContextPropagator
{
    private static readonly DistributedContextPropagator Outgoing = CreateDefaultPropagator();

    public override IReadOnlyCollection<string> Fields => Outgoing.Fields;

    /// <summary>Outgoing calls (the service makes none over HTTP today) carry the server's trace as usual.</summary>
    public override void Inject(Activity? activity, object? carrier, PropagatorSetterCallback? setter) => Outgoing.Inject(activity, carrier, setter);

    public override void ExtractTraceIdAndState(object? carrier, PropagatorGetterCallback? getter, out string? traceId, out string? traceState)
    {
        traceId = null;
        traceState = null;
    }

    public override IEnumerable<KeyValuePair<string, string?>>? ExtractBaggage(object? carrier, PropagatorGetterCallback? getter) => null;
}
