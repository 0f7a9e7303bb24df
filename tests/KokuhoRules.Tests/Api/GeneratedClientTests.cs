using System.Reflection;
using System.Runtime.Loader;
using KokuhoRules.Tests.Support;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using NJsonSchema.CodeGeneration.CSharp;
using NSwag.CodeGeneration.CSharp;
using NSwag.CodeGeneration.OperationNameGenerators;
using static KokuhoRules.Tests.Api.ApiRequests;

namespace KokuhoRules.Tests.Api;

/// <summary>
/// A C# client generated from the OpenAPI document by a real generator (NSwag), compiled in the test
/// (Roslyn) and run against the service: the README's example request, built from the generated
/// types, gets the same answer as when it is posted as JSON; a refused request comes back as the
/// generated problem type, with its <c>errors</c>.
/// </summary>
public sealed class GeneratedClientTests(KokuhoApiFactory factory) : IClassFixture<KokuhoApiFactory>
{
    /// <summary>Code that uses the generated client as a client system would: typed requests, typed answers.</summary>
    private const string Driver = """
        using System;
        using System.Collections.Generic;
        using System.Net.Http;
        using System.Threading.Tasks;

        namespace Generated;

        public static class Driver
        {
            public static async Task<string> AssessReadmeExample(HttpClient http)
            {
                var client = new KokuhoClient(http);
                var request = new AssessmentRequest
                {
                    Insurer = "amagasaki",
                    FiscalYear = 2025,
                    Household = new HouseholdJson
                    {
                        Id = "H-0001",
                        HeadId = "P1",
                        Members = new List<MemberJson>
                        {
                            new MemberJson
                            {
                                Id = "P1",
                                BirthDate = new DateTimeOffset(1982, 7, 2, 0, 0, 0, TimeSpan.Zero),
                                Coverage = new List<CoverageJson> { new CoverageJson { Acquired = new DateTimeOffset(2019, 4, 1, 0, 0, 0, TimeSpan.Zero), Lost = null } },
                                Income = new IncomeJson { Declared = true, TotalIncome = 2760000, SalaryRevenue = 4000000, SalaryIncome = 2760000 },
                            },
                            new MemberJson
                            {
                                Id = "P2",
                                BirthDate = new DateTimeOffset(1990, 1, 15, 0, 0, 0, TimeSpan.Zero),
                                Coverage = new List<CoverageJson>(),
                                Income = new IncomeJson { Declared = true, TotalIncome = 0 },
                            },
                        },
                    },
                };
                AssessmentResponse answer = await client.AssessPremiumAsync(false, request);
                var first = System.Linq.Enumerable.First(answer.Installments);
                return $"{answer.AnnualPremium}|{answer.Ruleset.Hash}|{answer.Installments.Count}|{first.DueDate:yyyy-MM-dd}|{answer.ReductionClass}";
            }

            public static async Task<string> AssessUnknownYear(HttpClient http)
            {
                var client = new KokuhoClient(http);
                var request = new AssessmentRequest
                {
                    Insurer = "amagasaki",
                    FiscalYear = 1999,
                    Household = new HouseholdJson { Id = "H-0001", HeadId = "P1", Members = new List<MemberJson>() },
                };
                try
                {
                    await client.AssessPremiumAsync(false, request);
                    return "no error";
                }
                catch (ApiException<ProblemDetails> problem)
                {
                    var error = System.Linq.Enumerable.First(problem.Result.Errors);
                    return $"{problem.StatusCode}|{problem.Result.Type}|{error.Field}";
                }
            }
        }
        """;

    [Fact]
    public async Task A_generated_client_posts_the_readme_example_and_reads_the_answer()
    {
        var document = await NSwag.OpenApiDocument.FromJsonAsync(await factory.CreateClient(key: null).GetStringAsync("/openapi/v1.json"));
        var settings = new CSharpClientGeneratorSettings
        {
            ClassName = "KokuhoClient",
            UseBaseUrl = false,
            GenerateClientInterfaces = false,
            OperationNameGenerator = new SingleClientFromOperationIdOperationNameGenerator(),
            CSharpGeneratorSettings = { Namespace = "Generated", JsonLibrary = CSharpJsonLibrary.SystemTextJson, GenerateNullableReferenceTypes = true },
        };
        var code = new CSharpClientGenerator(document, settings).GenerateFile();
        var assembly = Compile(code, Driver);
        var driver = assembly.GetType("Generated.Driver")!;
        var http = factory.CreateClient();

        var answer = await Run(driver, "AssessReadmeExample", http);

        // The same request posted as JSON.
        var direct = await (await http.PostRaw(OpenApiDocumentTests.ReadmeExample, "?trace=false")).ReadJson();
        Assert.Equal(string.Join('|', direct.GetProperty("annualPremium").GetInt64(), direct.GetProperty("ruleset").GetProperty("hash").GetString(),
            direct.GetProperty("installments").GetArrayLength(), direct.GetProperty("installments")[0].GetProperty("dueDate").GetString(),
            direct.GetProperty("reductionClass").GetString()), answer);
        Assert.Matches(@"^[1-9]\d+\|sha256:[0-9a-f]{64}\|10\|2025-06-30\|", answer);

        Assert.Equal($"404|{Problems.UnknownRuleSet}|fiscalYear", await Run(driver, "AssessUnknownYear", http));
    }

    private static async Task<string> Run(Type driver, string method, HttpClient http) =>
        await (Task<string>)driver.GetMethod(method)!.Invoke(null, [http])!;

    /// <summary>Compiles the generated client and the driver against the running framework's assemblies.</summary>
    private static Assembly Compile(params string[] sources)
    {
        var references = ((string)AppContext.GetData("TRUSTED_PLATFORM_ASSEMBLIES")!).Split(Path.PathSeparator)
            .Select(path => MetadataReference.CreateFromFile(path));
        var compilation = CSharpCompilation.Create("Generated.Client",
            sources.Select(s => CSharpSyntaxTree.ParseText(s, new CSharpParseOptions(LanguageVersion.Latest))),
            references,
            new CSharpCompilationOptions(OutputKind.DynamicallyLinkedLibrary, nullableContextOptions: NullableContextOptions.Enable));
        using var image = new MemoryStream();
        var result = compilation.Emit(image);
        var errors = result.Diagnostics.Where(d => d.Severity == DiagnosticSeverity.Error).Take(10).Select(d => d.ToString()).ToArray();
        Assert.True(result.Success, "the generated client does not compile:\n" + string.Join("\n", errors));
        image.Position = 0;
        return new AssemblyLoadContext("generated-client", isCollectible: true).LoadFromStream(image);
    }
}
