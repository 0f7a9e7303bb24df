#!/usr/bin/env bash
# Mutation testing of one capability's calculation files with Stryker.NET (the dotnet-stryker local tool):
# each mutant (an operator or constant changed in the code) must make some test fail. Slow — never in CI.
#
#   scripts/mutation.sh premium            # the premium calculation (calculator, reliefs, installments, the liable months)
#   scripts/mutation.sh reassessment       # 更正 (the request, the previous assessment, the re-spread of the installments)
#   scripts/mutation.sh household          # the household JSON read and checked (src/Rules/Snapshots/SnapshotReader.cs)
#   scripts/mutation.sh income             # 給与所得・公的年金等所得 from revenue, the fiscal year and the legal age (src/Rules/Income, Calendar/FiscalYear.cs)
#   scripts/mutation.sh money              # the money arithmetic (src/Engine/Money) against its own tests
#   scripts/mutation.sh timeLimit          # the 国保法110条の2 time limit (src/Rules/Calendar/AssessmentTimeLimit.cs)
#   scripts/mutation.sh withholding        # 特別徴収: eligibility, schedule, determination, stops, the request checks, the rule-set checks
#   scripts/mutation.sh highCost           # 高額療養費: benefit, categories, 多数回 count, outpatient annual cap, 世帯の継続性
#   scripts/mutation.sh eligibility        # 資格: the eligibility check and its facts
#   scripts/mutation.sh src/Rules/Premium/Reliefs.cs   # one file, against its capability's test folder
#   scripts/mutation.sh premium --since    # only what changed against main (Stryker's --since)
#
# MUTATION_FILTER=<vstest filter> replaces the capability's test selection (e.g. one test class for a quick run).
#
# Reports land in StrykerOutput/<date>/reports/ (HTML and JSON); the score per file is printed at the end.
# Trace and narrative text are excluded by configuration (stryker-config.json: ignore-methods), not by deleting mutants.
set -euo pipefail
cd "$(dirname "$0")/.."
capability=${1:-}
shift || true

# The tests of one capability folder (both tests/<F>/ and tests/Rules/<F>/ share the namespace KokuhoRules.Tests.<F>),
# the slow database, batch and CLI-command tests out of the mutant runs.
capability_tests() {
  echo "FullyQualifiedName~KokuhoRules.Tests.$1.&FullyQualifiedName!~DbTests&FullyQualifiedName!~BatchTests&FullyQualifiedName!~CommandTests&FullyQualifiedName!~Endpoint"
}
case "$capability" in
  premium)
    project=KokuhoRules.Rules.csproj
    mutate=(-m "**/Premium/PremiumCalculator.cs" -m "**/Premium/PremiumCalculator.Levy.cs" -m "**/Premium/PremiumCalculator.Reduction.cs" -m "**/Premium/PremiumCalculator.Reliefs.cs" -m "**/Premium/Reliefs.cs" -m "**/Premium/Installments.cs" -m "**/Premium/MonthlyLiability.cs")
    # The premium folder's example tests: the property tests (thousands of generated households per mutant), the
    # 試算 tools built on the calculator (Impact, Solve, QuickReference), the reassessment tests (their own
    # capability below) and the database, batch, CLI and API tests stay out, so the score rests on worked examples.
    filter="$(capability_tests Premium)&FullyQualifiedName!~PropertyTests&FullyQualifiedName!~KokuhoRules.Tests.Premium.Impact.&FullyQualifiedName!~KokuhoRules.Tests.Premium.Solve.&FullyQualifiedName!~KokuhoRules.Tests.Premium.QuickReference.&FullyQualifiedName!~ReassessmentTests"
    ;;
  reassessment)
    project=KokuhoRules.Rules.csproj
    mutate=(-m "**/Premium/ReassessmentService.cs" -m "**/Premium/PreviousAssessmentReader.cs" -m "**/Premium/InstallmentRespread.cs")
    # The reassessment examples (each refusal, each re-spread worked by hand) and the liable months they rest on.
    filter="FullyQualifiedName~KokuhoRules.Tests.Premium.ReassessmentTests|FullyQualifiedName~KokuhoRules.Tests.Premium.MonthlyLiabilityTests"
    ;;
  household)
    project=KokuhoRules.Rules.csproj
    mutate=(-m "**/Snapshots/SnapshotReader.cs")
    # The reader's own examples (each refusal at its field) and the batch's line peeking (SafeIdOf, TopLevelValue).
    filter="FullyQualifiedName~KokuhoRules.Tests.Snapshots.|FullyQualifiedName~KokuhoRules.Tests.Batch.HouseholdLineReaderTests"
    ;;
  income)
    project=KokuhoRules.Rules.csproj
    mutate=(-m "**/Income/SalaryIncome.cs" -m "**/Income/PublicPensionIncome.cs" -m "**/Calendar/FiscalYear.cs")
    # Their own examples (the 国税庁 tables row by row, the ages of the law) and properties.
    filter="FullyQualifiedName~KokuhoRules.Tests.IncomeConversion.|FullyQualifiedName~KokuhoRules.Tests.Calendar.FiscalYearTests|FullyQualifiedName~KokuhoRules.Tests.Calendar.AgeTests"
    ;;
  money)
    project=KokuhoRules.Engine.csproj
    mutate=(-m "**/Money/*.cs")
    # The money arithmetic's own tests (tests/.../Engine): every premium test reaches Rounding and ExactYen, so with
    # them each mutant would rerun the whole premium suite (the run did not finish in 10 minutes on 2 cores); the
    # money files must be pinned by their own examples and properties anyway.
    filter="FullyQualifiedName~KokuhoRules.Tests.Engine"
    ;;
  timeLimit)
    project=KokuhoRules.Rules.csproj
    mutate=(-m "**/Calendar/AssessmentTimeLimit.cs")
    # Its own examples and properties, and the reassessment examples that reach it through the service (a few
    # minutes); the reassessment properties would rerun ~1,500 generated households per mutant.
    filter="FullyQualifiedName~KokuhoRules.Tests.Calendar.AssessmentTimeLimit|FullyQualifiedName~KokuhoRules.Tests.Premium.ReassessmentTests"
    ;;
  kernel)
    project=KokuhoRules.Engine.csproj
    mutate=(-m "**/RuleSets/RuleSetCatalog.cs")
    filter="FullyQualifiedName~KokuhoRules.Tests.Engine.Kernel"
    ;;
  withholding)
    project=KokuhoRules.Rules.csproj
    mutate=(-m "**/Withholding/WithholdingSchedule.cs" -m "**/Withholding/WithholdingEligibility.cs" -m "**/Withholding/WithholdingDetermination.cs" -m "**/Withholding/WithholdingService.cs" -m "**/Withholding/WithholdingRuleSetCompiler.cs" -m "**/Withholding/WithholdingStops.cs" -m "**/Withholding/WithholdingStopService.cs")
    # Its own examples and properties, and the endpoint's (the determination through the service, bad input by field).
    filter="FullyQualifiedName~KokuhoRules.Tests.Withholding|FullyQualifiedName~KokuhoRules.Tests.Api.WithholdingEndpointTests|FullyQualifiedName~KokuhoRules.Tests.Api.WithholdingStopEndpointTests"
    ;;
  highCost)
    project=KokuhoRules.Rules.csproj
    mutate=(-m "**/HighCost/HighCostBenefit.cs" -m "**/HighCost/HighCostCategories.cs" -m "**/HighCost/ManyTimesCount.cs" -m "**/HighCost/OutpatientAnnualCap.cs" -m "**/HighCost/Continuity/ContinuityJudgement.cs" -m "**/HighCost/Continuity/ContinuityRules.cs" -m "**/HighCost/Continuity/ContinuityCarry.cs" -m "**/HighCost/Continuity/ContinuityCandidates.cs")
    filter="$(capability_tests HighCost)"
    ;;
  eligibility)
    project=KokuhoRules.Rules.csproj
    mutate=(-m "**/Eligibility/EligibilityCheck.cs" -m "**/Eligibility/EligibilityFacts.cs")
    filter="$(capability_tests Eligibility)"
    ;;
  src/Rules/*.cs|src/Engine/*.cs)
    # One file: the project it belongs to, against the tests of its capability folder (src/Rules/<Capability>/…
    # → KokuhoRules.Tests.<Capability>; src/Engine/… → KokuhoRules.Tests.Engine).
    [[ -f "$capability" ]] || { echo "mutation.sh: no such file: $capability" >&2; exit 2; }
    area=${capability#src/}; area=${area%%/*}
    if [[ $area == Rules ]]; then
      project=KokuhoRules.Rules.csproj
      folder=${capability#src/Rules/}; folder=${folder%%/*}
    else
      project=KokuhoRules.Engine.csproj; folder=Engine
    fi
    mutate=(-m "**/${capability#src/*/}")
    filter="$(capability_tests "$folder")"
    ;;
  *)
    echo "usage: scripts/mutation.sh premium|reassessment|household|income|money|timeLimit|kernel|withholding|highCost|eligibility|src/<Rules|Engine>/<file>.cs [stryker options]" >&2; exit 2 ;;
esac
filter=${MUTATION_FILTER:-$filter}
dotnet tool restore >/dev/null
# Stryker runs in the test project's folder (it finds the project to mutate among its references).
cd tests/KokuhoRules.Tests
echo "mutation.sh: $project ${mutate[*]} --test-case-filter $filter" >&2
exec dotnet tool run dotnet-stryker --config-file ../../stryker-config.json --project "$project" "${mutate[@]}" \
  --test-case-filter "$filter" "$@"
