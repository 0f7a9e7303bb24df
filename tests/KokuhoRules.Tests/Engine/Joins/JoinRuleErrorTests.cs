using KokuhoRules.Engine.Joins;
using static KokuhoRules.Tests.Engine.Joins.ContinuityJoins;

namespace KokuhoRules.Tests.Engine.Joins;

/// <summary>
/// A broken joins file is refused whole, with every problem at its file, JSON path and line (the line found here by
/// searching the broken text, not by the code under test), and all problems of one file in one pass.
/// </summary>
public sealed class JoinRuleErrorTests
{
    /// <summary>An edit of TestData/joins/continuity/joins.json: replace, expected path, the text on the expected line, a fragment of the message.</summary>
    public static TheoryData<string, string, string, string, string, string> BrokenFiles => new()
    {
        { "an unknown fact type", "\"type\": \"MoveOut\" }", "\"type\": \"MoveOutt\" }", "$.rules[0].match[0].type", "\"type\": \"MoveOutt\"", "unknown fact type 'MoveOutt' (known: MoveOut, MoveIn)" },
        { "an unknown fact name", "moveIn.PersonKey == moveOut.PersonKey &&", "moveIn.PersonKey == moveOutt.PersonKey &&", "$.rules[0].match[1].where", "moveOutt.PersonKey", "Unknown identifier 'moveOutt'" },
        { "an expression that does not parse", "Any(c => c == moveOut.City)", "Any(c => c == moveOut.City", "$.rules[1].match[0].where", "Any(c => c == moveOut.City\"", "expression does not compile" },
        { "a condition that is not true or false", "\"where\": \"later.PersonKey == moveOut.PersonKey && later.AcquisitionDate >= moveOut.LossDate\"", "\"where\": \"later.PersonKey\"", "$.rules[1].match[1].where", "\"where\": \"later.PersonKey\"", "Expression of type 'Boolean' expected" },
        { "an unknown conclusion value", "\"city\": \"moveOut.City\"", "\"town\": \"moveOut.City\"", "$.rules[1].then.values.town", "\"town\"", "conclusion 'Unmatched' has no value 'town' (known: personKey, city)" },
        { "a missing conclusion value", "\"city\": \"moveOut.City\"", "\"$comment\": \"no city\"", "$.rules[1].then.values", "\"values\": { \"personKey\": \"moveOut.PersonKey\", \"$comment\"", "missing value 'city' of conclusion 'Unmatched'" },
        { "a conclusion value of the wrong type", "\"days\": \"Period", "\"days\": \"moveOut.City + Period", "$.rules[0].then.values.days", "\"days\":", "expression does not compile" },
        { "an unknown conclusion type", "\"conclude\": \"Gap\"", "\"conclude\": \"Gapp\"", "$.rules[0].then.conclude", "\"conclude\": \"Gapp\"", "unknown conclusion type 'Gapp' (known: Gap, Unmatched)" },
        { "a missing reference", "\"reference\": \"国民健康保険法第6条（適用除外）、同法施行規則第3条（届出）\",", "", "$.rules[1]", "{\n      \"name\": \"県内の市", "a join rule needs a reference" },
        { "an empty reference", "\"reference\": \"国民健康保険法第6条（適用除外）、同法施行規則第3条（届出）\"", "\"reference\": \" \"", "$.rules[1].reference", "\"reference\": \" \"", "a join rule needs a reference" },
        { "a duplicate rule name", "\"name\": \"県内の市からの転出で転入がない\"", "\"name\": \"転出から次の転入まで{continuity.toleranceDays}日を超える空白\"", "$.rules[1].name", "\"name\": \"転出から次の転入まで{continuity.toleranceDays}日を超える空白\",\n      \"reference\": \"国民健康保険法第6条", "is used twice (first at $.rules[0])" },
        { "a rule name referring to no parameter", "{continuity.toleranceDays}", "{continuity.tolerance}", "$.rules[0].name", "{continuity.tolerance}", "refers to '{continuity.tolerance}', which is not a parameter" },
        { "an unknown key", "\"confirmed\": false,", "\"confirmd\": false,", "$.rules[1].confirmd", "\"confirmd\"", "unknown key 'confirmd' in a join rule" },
        { "an unknown kind", "\"kind\": \"not\",\n          \"where\": \"between", "\"kind\": \"none\",\n          \"where\": \"between", "$.rules[0].match[2].kind", "\"kind\": \"none\"", "\"kind\" must be \"not\"" },
        { "a fact named with a word of the language", "\"fact\": \"later\"", "\"fact\": \"in\"", "$.rules[1].match[1].fact", "\"fact\": \"in\"", "fact name 'in' is a word of the expression language" },
        { "a conclusion reading a fact under not", "\"city\": \"moveOut.City\"", "\"city\": \"later.City\"", "$.rules[1].then.values.city", "\"city\": \"later.City\"", "Unknown identifier 'later'" },
        { "a rule with no fact it concludes about", "{ \"fact\": \"moveOut\", \"type\": \"MoveOut\", \"where\": \"p.", "{ \"fact\": \"moveOut\", \"kind\": \"exists\", \"type\": \"MoveOut\", \"where\": \"p.", "$.rules[1].match", "\"match\": [\n        { \"fact\": \"moveOut\", \"kind\"", "at least one pattern without \"kind\"" },
    };

    [Theory]
    [MemberData(nameof(BrokenFiles))]
    public void A_broken_rule_is_refused_at_its_file_path_and_line(string what, string find, string replace, string path, string onLine, string message)
    {
        var broken = ReplaceOnce(JoinsText, find, replace);

        var (rules, errors) = Compile(broken);

        Assert.Null(rules);
        var error = errors.FirstOrDefault(e => e.JsonPath == path);
        Assert.True(error is not null, $"{what}: no error at {path}; got:\n{string.Join("\n", errors)}");
        Assert.Equal(DisplayName, error.File);
        Assert.Equal(LineOf(broken, onLine), error.Line);
        Assert.Contains(message, error.Message);
    }

    [Fact]
    public void Every_problem_of_a_file_is_reported_in_one_pass_and_printed_as_file_line_path()
    {
        var broken = ReplaceOnce(ReplaceOnce(ReplaceOnce(JoinsText,
            "\"conclude\": \"Gap\"", "\"conclude\": \"Gapp\""),
            "\"confirmed\": false,", "\"confirmd\": false,"),
            "Any(c => c == moveOut.City)", "Any(c => c == moveOut.City");

        var (rules, errors) = Compile(broken);

        Assert.Null(rules);
        Assert.Equal(["$.rules[0].then.conclude", "$.rules[1].confirmd", "$.rules[1].match[0].where"], errors.Select(e => e.JsonPath));
        Assert.StartsWith($"continuity/joins.json:{LineOf(broken, "\"conclude\": \"Gapp\"")}: $.rules[0].then.conclude: unknown conclusion type 'Gapp'", errors[0].ToString());
    }

    [Fact]
    public void A_file_that_is_not_an_object_of_rules_is_refused_at_its_root()
    {
        Assert.Contains(Compile("[]").Errors, e => e.JsonPath == "$" && e.Line == 1 && e.Message.Contains("JSON object"));
        Assert.Contains(Compile("{\n  \"rule\": []\n}").Errors, e => e.JsonPath == "$.rule" && e.Line == 2 && e.Message.Contains("unknown key 'rule'"));
        Assert.Contains(Compile("{ \"rules\": [ { \"name\": \"x\", \"reference\": \"y\", \"match\": [], \"then\": { \"conclude\": \"Gap\" } } ] }").Errors,
            e => e.JsonPath == "$.rules[0].match" && e.Message.Contains("non-empty array"));
    }

    [Fact]
    public void A_rule_name_with_a_placeholder_is_refused_when_the_capability_gives_no_parameter_table()
    {
        var vocabulary = new JoinVocabulary(Bound.Parameters).Fact<MoveOut>().Fact<MoveIn>().Conclusion<Gap>().Conclusion<Unmatched>()
            .ExpressionType(typeof(NodaTime.LocalDate)).ExpressionType(typeof(NodaTime.Period)).ExpressionType(typeof(NodaTime.PeriodUnits));

        var (rules, errors) = Compile(JoinsText, vocabulary);

        Assert.Null(rules);
        var error = Assert.Single(errors);
        Assert.Equal(("$.rules[0].name", LineOf(JoinsText, "\"name\": \"転出から")), (error.JsonPath, error.Line));
    }

    private static string ReplaceOnce(string text, string find, string replace)
    {
        var at = text.IndexOf(find, StringComparison.Ordinal);
        Assert.True(at >= 0, $"'{find}' is not in the test file");
        return string.Concat(text.AsSpan(0, at), replace, text.AsSpan(at + find.Length));
    }

    /// <summary>The 1-based line on which <paramref name="snippet"/> starts.</summary>
    private static int LineOf(string text, string snippet)
    {
        var at = text.IndexOf(snippet, StringComparison.Ordinal);
        Assert.True(at >= 0, $"'{snippet}' is not in the broken file");
        return text[..at].Count(c => c == '\n') + 1;
    }
}
