using System.Buffers;
using System.Text.Json;
using BenchmarkDotNet.Attributes;
using KokuhoRules.Rules.Batch;
using KokuhoRules.Rules.Catalog;
using KokuhoRules.Rules.Premium;
using KokuhoRules.Rules.Snapshots;
using NodaTime;

namespace KokuhoRules.Benchmarks;

/// <summary>
/// One household through each calculation as its callers run it: the API's assessment (request checked,
/// premium, installments), the API's reassessment (更正: the change, the previous response posted back,
/// the new bills), and one line of the 本算定 batch (parse, check, assess, format the result line).
/// Household: Amagasaki FY2025 reference case A2.
/// </summary>
[MemoryDiagnoser]
public class CalculationBenchmarks
{
    private PremiumService _premiums = null!;
    private ReassessmentService _reassessments = null!;
    private AssessmentRequest _request = null!;
    private ReassessmentRequest _change = null!;
    private PremiumRuleSet _rs = null!;
    private byte[] _line = null!;
    private readonly ArrayBufferWriter<byte> _output = new(1024);
    private BatchResults? _rows;
    private readonly List<FieldError> _errors = [];

    [GlobalSetup]
    public void Setup()
    {
        _premiums = new PremiumService(KokuhoRuleSets.Load([KokuhoRuleSets.BundledRoot]));
        _rs = _premiums.Catalog.Premium("amagasaki", 2025)!;
        _reassessments = new ReassessmentService(_premiums, SystemClock.Instance);
        var household = JsonSerializer.Deserialize<HouseholdJson>(ReferenceHouseholdJson, KokuhoJson.Options)!;
        _request = new AssessmentRequest { Insurer = "amagasaki", FiscalYear = 2025, Household = household };
        var (previous, _) = _premiums.Assess(_request, trace: false);
        var moved = household with
        {
            Members = household.Members!.Select((m, i) => i == 3 ? m! with { Coverage = [new CoverageJson { Acquired = new LocalDate(2021, 3, 3), Lost = new LocalDate(2025, 9, 1) }] } : m).ToArray(),
        };
        _change = new ReassessmentRequest
        {
            Insurer = "amagasaki",
            Change = new ChangeJson { EffectiveDate = new LocalDate(2025, 9, 1), Description = "P4 転出" },
            AsOf = new LocalDate(2025, 10, 10),
            Years =
            [
                new ReassessmentYearJson
                {
                    FiscalYear = 2025, Household = moved,
                    Previous = JsonSerializer.Deserialize<PreviousAssessmentJson>(JsonSerializer.Serialize(previous, KokuhoJson.Options), KokuhoJson.Options),
                },
            ],
        };
        _line = System.Text.Encoding.UTF8.GetBytes(ReferenceHouseholdJson);
        if (Assessment() != 541_224) throw new InvalidOperationException($"A2 should come to 541,224 yen, not {Assessment()}");
        if (Reassessment() >= 541_224) throw new InvalidOperationException("the child leaving should lower the premium");
        BatchLine();
    }

    /// <summary>Reference case A2 (premium.md §10) as the core system sends it.</summary>
    private const string ReferenceHouseholdJson =
        """{"id":"H-A2","headId":"P1","members":[{"id":"P1","birthDate":"1983-05-10","coverage":[{"acquired":"2019-04-01","lost":null}],"income":{"declared":true,"totalIncome":2760000,"salaryRevenue":4000000,"salaryIncome":2760000}},{"id":"P2","birthDate":"1984-06-01","coverage":[{"acquired":"2019-04-01"}],"income":{"declared":true,"totalIncome":450000,"salaryRevenue":1000000,"salaryIncome":450000}},{"id":"P3","birthDate":"2015-01-20","coverage":[{"acquired":"2015-01-20"}],"income":{"declared":true,"totalIncome":0}},{"id":"P4","birthDate":"2021-03-03","coverage":[{"acquired":"2021-03-03"}],"income":{"declared":true,"totalIncome":0}}]}""";

    /// <summary>POST /v1/premium/assessments without trace: checks, premium, installments.</summary>
    [Benchmark]
    public long Assessment() => _premiums.Assess(_request, trace: false).Response!.AnnualPremium;

    /// <summary>POST /v1/premium/reassessments without trace: the year after the change, compared with the previous response.</summary>
    [Benchmark]
    public long Reassessment() => _reassessments.Reassess(_change, trace: false).Response!.Years[0].AnnualPremium;

    /// <summary>One line of 本算定: parse the JSON line, check it, assess, format the result line.</summary>
    [Benchmark]
    public int BatchLine()
    {
        _output.ResetWrittenCount();
        _errors.Clear();
        var json = JsonSerializer.Deserialize<HouseholdJson>(_line, KokuhoJson.Options);
        var snapshot = SnapshotReader.Read(json, "household", _errors)!;
        var assessment = PremiumCalculator.Assess(_rs, snapshot, trace: null, details: false);
        _rows ??= new BatchResults(_rs, ResultFormat.Jsonl, trial: false);
        _rows.Write(_output, snapshot.Id, assessment);
        return _output.WrittenCount;
    }
}
