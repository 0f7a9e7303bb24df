using KokuhoRules.Rules.Catalog;
using KokuhoRules.Rules.Premium;
using System.Text.RegularExpressions;
using KokuhoRules.Tests.Support;

namespace KokuhoRules.Tests.Engine;

/// <summary>What the bundled rule sets cite: sources a reader can open, not the project's research notes.</summary>
public sealed class RuleSetSourcesTests
{
    [Fact]
    public void No_served_note_or_reference_cites_a_file_outside_the_repository_or_a_research_tag()
    {
        var cited = Regex.Matches(string.Join("\n",
                TestRuleSets.Catalog.All<PremiumRuleSet>().Where(r => r.Source.InsurerLayer.Folder.StartsWith(TestRuleSets.BundledRoot, StringComparison.Ordinal))
                    .SelectMany(r => r.ParameterTable.All).SelectMany(p => new[] { p.Note ?? "", p.Reference })),
            @"[\w-]+\.md\b|§\s*[A-Z]?\d|\[(GAP|I|P|C|C-law|C-3p)\]")
            .Select(m => m.Value).Distinct().ToArray();

        Assert.Empty(cited);
    }

    [Fact]
    public void The_five_year_exception_of_110_jo_no_2_is_confirmed_with_its_sources_in_every_year()
    {
        foreach (var rs in TestRuleSets.Catalog.All<PremiumRuleSet>())
        {
            var p = rs.ParameterTable["assessmentTimeLimit.reductionExceptionYears"];
            Assert.True(p.Confirmed, $"{rs}: {p.Path} is not confirmed");
            Assert.Equal("5", p.ValueText);
            Assert.Contains("国民健康保険法第110条の2第2項", p.Reference);
            Assert.Contains("https://www.city.kawasaki.jp/", p.Reference);
        }
    }
}
