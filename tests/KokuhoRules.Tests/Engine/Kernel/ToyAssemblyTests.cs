using System.Reflection.Metadata;
using System.Reflection.PortableExecutable;
using KokuhoRules.Engine.RuleSets;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;

namespace KokuhoRules.Tests.Engine.Kernel;

/// <summary>
/// The toy capability needs nothing but the kernel: its source (ToyCapability.cs, the very file compiled into this
/// test assembly) compiles against the framework, <c>KokuhoRules.Engine</c> and the assemblies the engine itself
/// references — not <c>KokuhoRules.Rules</c> (premium) nor the API — and the assembly it makes references no
/// KokuhoRules assembly but the engine.
/// </summary>
public sealed class ToyAssemblyTests
{
    private static string Source => File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "TestData", "kernel", "ToyCapability.cs"));

    /// <summary>The test project's implicit usings, without Xunit's: the toy must not need the test framework either.</summary>
    private const string GlobalUsings = "global using System; global using System.Collections.Generic; global using System.IO; global using System.Linq; global using System.Threading; global using System.Threading.Tasks;";

    /// <summary>The framework's assemblies, the engine's, and those the engine references (NodaTime, RulesEngine, NRules…).</summary>
    private static IReadOnlyList<string> EngineOnlyReferences()
    {
        var trusted = ((string)AppContext.GetData("TRUSTED_PLATFORM_ASSEMBLIES")!).Split(Path.PathSeparator);
        var framework = Path.GetDirectoryName(typeof(object).Assembly.Location)!;
        var engine = typeof(RuleSetCatalog).Assembly;
        var engineReferences = engine.GetReferencedAssemblies().Select(a => a.Name!).ToHashSet(StringComparer.Ordinal);
        return trusted.Where(path => Path.GetDirectoryName(path) == framework || engineReferences.Contains(Path.GetFileNameWithoutExtension(path)))
            .Append(engine.Location)
            .Distinct()
            .ToArray();
    }

    private static (bool Success, string[] Errors, byte[] Image) Compile(string source)
    {
        var compilation = CSharpCompilation.Create("Toy.Capability",
            [CSharpSyntaxTree.ParseText(GlobalUsings), CSharpSyntaxTree.ParseText(source, new CSharpParseOptions(LanguageVersion.Latest))],
            EngineOnlyReferences().Select(path => MetadataReference.CreateFromFile(path)),
            new CSharpCompilationOptions(OutputKind.DynamicallyLinkedLibrary, nullableContextOptions: NullableContextOptions.Enable));
        using var image = new MemoryStream();
        var result = compilation.Emit(image);
        return (result.Success, result.Diagnostics.Where(d => d.Severity == DiagnosticSeverity.Error).Select(d => d.ToString()).ToArray(), image.ToArray());
    }

    private static string[] ReferencedAssemblies(byte[] image)
    {
        using var pe = new PEReader(new MemoryStream(image));
        var metadata = pe.GetMetadataReader();
        return metadata.AssemblyReferences.Select(h => metadata.GetString(metadata.GetAssemblyReference(h).Name)).Order(StringComparer.Ordinal).ToArray();
    }

    [Fact]
    public void The_toy_capability_compiles_against_the_engine_alone_and_references_no_other_KokuhoRules_assembly()
    {
        Assert.DoesNotContain(EngineOnlyReferences(), path => Path.GetFileName(path) is "KokuhoRules.Rules.dll" or "KokuhoRules.Api.dll");

        var (success, errors, image) = Compile(Source);

        Assert.True(success, "the toy capability does not compile against the engine alone:\n" + string.Join("\n", errors.Take(10)));
        var references = ReferencedAssemblies(image);
        Assert.Equal(["KokuhoRules.Engine"], references.Where(r => r.StartsWith("KokuhoRules", StringComparison.Ordinal)));
        Assert.Contains("NodaTime", references);
    }

    [Fact]
    public void A_toy_that_used_a_premium_type_would_not_compile_so_the_check_can_fail()
    {
        var (success, errors, _) = Compile(Source + "\nnamespace KokuhoRules.Tests.Engine.Kernel { static class UsesPremium { static object Rules() => global::KokuhoRules.Rules.Catalog.KokuhoRuleSets.Compilers; } }");

        Assert.False(success);
        Assert.Contains(errors, e => e.Contains("CS0234", StringComparison.Ordinal) && e.Contains("Rules", StringComparison.Ordinal));
    }
}
