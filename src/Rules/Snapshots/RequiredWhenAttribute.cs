namespace KokuhoRules.Rules.Snapshots;

/// <summary>
/// A request field the contract requires when another field of the same object has a given value
/// (<c>totalIncome</c> when <c>declared</c> is true). The reader refuses it by name when missing; the
/// OpenAPI document states it as an <c>if</c>/<c>then</c> on the object's schema.
/// </summary>
[AttributeUsage(AttributeTargets.Property)]
public sealed class RequiredWhenAttribute(string property, bool value) : Attribute
{
    /// <summary>The C# name of the field the requirement depends on.</summary>
    public string Property { get; } = property;

    /// <summary>The value of that field that makes this one required.</summary>
    public bool Value { get; } = value;
}
