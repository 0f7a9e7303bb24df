using System.Buffers;
using System.Text.Json;
using BenchmarkDotNet.Attributes;
using KokuhoRules.Rules.Batch;
using KokuhoRules.Rules.Catalog;
using KokuhoRules.Rules.Premium;
using KokuhoRules.Rules.Snapshots;
using KokuhoRules.Rules.Withholding;

namespace KokuhoRules.Benchmarks;

/// <summary>
/// One line of the 本算定 batch with and without <c>--withholding</c> (issue 13 item 5): parse and check the line,
/// assess, (read the withholding fields, determine,) format the CSV row — for an eligible household continuing from
/// last February (a couple aged 68 and 66, the head's pension 2,400,000) and for one that is not (a head aged 59). The
/// per-household cost that <see cref="WithholdingBatchBenchmarks"/> measures as a whole run, without the machine's noise
/// of reading and writing files.
/// </summary>
[MemoryDiagnoser]
public class WithholdingLineBenchmarks
{
    private PremiumRuleSet _rs = null!;
    private BatchWithholding _withholding = null!;
    private BatchResults _plain = null!;
    private BatchResults _withRows = null!;
    private byte[] _line = null!;
    private readonly ArrayBufferWriter<byte> _output = new(2048);
    private readonly List<FieldError> _errors = [];

    [Params("eligible", "not-eligible")]
    public string Household { get; set; } = "eligible";

    private const string Eligible =
        """{"id":"H-W2","headId":"P1","members":[{"id":"P1","birthDate":"1957-02-20","coverage":[{"acquired":"2017-02-20"}],"income":{"declared":true,"totalIncome":1200000},"pension":{"annualAmount":2400000,"careInsuranceWithheld":true,"carePremiumPerPayment":7000}},{"id":"P2","birthDate":"1959-09-01","coverage":[{"acquired":"2019-09-01"}],"income":{"declared":true,"totalIncome":0}}],"withholding":{"previousYear":{"annualPremium":120000,"februaryWithheld":20000}}}""";

    private const string NotEligible =
        """{"id":"H-W3","headId":"P1","members":[{"id":"P1","birthDate":"1965-05-05","coverage":[{"acquired":"2020-04-01"}],"income":{"declared":true,"totalIncome":2000000}}]}""";

    [GlobalSetup]
    public void Setup()
    {
        var catalog = KokuhoRuleSets.Load([KokuhoRuleSets.BundledRoot], (i, fy) => i == "amagasaki" && fy == 2025);
        _rs = catalog.Resolve<PremiumRuleSet>("amagasaki", 2025, null, null, trial: false).RuleSet!;
        _withholding = new BatchWithholding(catalog.Resolve<WithholdingRuleSet>("amagasaki", 2025, null, null, trial: false).RuleSet!, _rs);
        _plain = new BatchResults(_rs, ResultFormat.Csv, trial: false);
        _withRows = new BatchResults(_rs, ResultFormat.Csv, trial: false, _withholding);
        _line = System.Text.Encoding.UTF8.GetBytes(Household == "eligible" ? Eligible : NotEligible);
        if (PremiumAndWithholding() <= Premium()) throw new InvalidOperationException("the row with withholding should be longer");
    }

    /// <summary>The line without the option.</summary>
    [Benchmark(Baseline = true)]
    public int Premium()
    {
        _output.ResetWrittenCount();
        _errors.Clear();
        var snapshot = FileBatchRunner.Check(_line, _errors, out _)!;
        _plain.Write(_output, snapshot.Id, PremiumCalculator.Assess(_rs, snapshot, trace: null, details: false));
        return _output.WrittenCount;
    }

    /// <summary>The line with <c>--withholding</c>.</summary>
    [Benchmark]
    public int PremiumAndWithholding()
    {
        _output.ResetWrittenCount();
        _errors.Clear();
        var snapshot = FileBatchRunner.Check(_line, _errors, out var json)!;
        var fields = _withholding.Read(json!, _errors);
        var a = PremiumCalculator.Assess(_rs, snapshot, trace: null, details: false);
        _withRows.Write(_output, snapshot.Id, a, _withholding.Determine(snapshot, fields, a.AnnualPremium));
        return _output.WrittenCount;
    }
}
