using NodaTime;

namespace KokuhoRules.Rules.Snapshots;

/// <summary>The facts of a member that only the premium capability reads, as checked by <see cref="PremiumMemberFactsReader"/>.</summary>
/// <param name="Income">The prior year's income; null when it was refused.</param>
/// <param name="SpecifiedSameHouseholdSince">For a 特定同一世帯所属者, the day they moved to 後期高齢者医療.</param>
/// <param name="Childbirths">Births for the 産前産後 exemption; null when there are none.</param>
/// <param name="InvoluntaryUnemployment">The 非自発的失業者 separation, if any.</param>
/// <param name="FormerDependantSince">For a 旧被扶養者, the acquisition date of that coverage.</param>
/// <param name="FixedAssetTax">固定資産税額 for the 資産割 (0 when not sent).</param>
internal readonly record struct PremiumMemberFacts(
    PriorYearIncome? Income,
    LocalDate? SpecifiedSameHouseholdSince,
    List<Childbirth>? Childbirths,
    Separation? InvoluntaryUnemployment,
    LocalDate? FormerDependantSince,
    long FixedAssetTax);

/// <summary>
/// Reads and checks the premium facts of a member of the household JSON: the prior year's income, the
/// facts behind the reliefs (特定同一世帯所属者, 産前産後, 非自発的失業者, 旧被扶養者) and the 固定資産税額 of the
/// 資産割. Each problem is a <see cref="FieldError"/> naming the field, never its value. Runs for every
/// member of every household of a batch: nothing is allocated for a fact the member does not carry.
/// </summary>
internal static class PremiumMemberFactsReader
{
    public const int MaxChildbirths = 12;

    /// <summary>Reads the premium facts of the member at <paramref name="path"/>, whose coverage periods (already read) are <paramref name="coverage"/>.</summary>
    public static PremiumMemberFacts Read(MemberJson json, LazyPath path, List<CoveragePeriod> coverage, List<FieldError> errors) =>
        new(ReadIncome(json.Income, path, errors),
            ReadSpecifiedSince(json, path, errors),
            ReadChildbirths(json.Childbirths, path, errors),
            ReadSeparation(json.InvoluntaryUnemployment, path, errors),
            ReadFormerDependant(json.FormerDependant, path, coverage, errors),
            SnapshotFields.Amount(json.FixedAssetTax, path, "fixedAssetTax", null, errors));

    private static LocalDate? ReadSpecifiedSince(MemberJson json, LazyPath path, List<FieldError> errors)
    {
        if (json.SpecifiedSameHouseholdMember == true)
        {
            if (json.SpecifiedSameHouseholdSince is not { } since)
                errors.Add(new FieldError(path + ".specifiedSameHouseholdSince", "is required for a 特定同一世帯所属者: the day the member moved to 後期高齢者医療"));
            else if (SnapshotFields.InRange(since, path + ".specifiedSameHouseholdSince", errors))
                return since;
        }
        else if (json.SpecifiedSameHouseholdSince is not null)
        {
            errors.Add(new FieldError(path + ".specifiedSameHouseholdSince", "is only given with specifiedSameHouseholdMember: true"));
        }
        return null;
    }

    private static List<Childbirth>? ReadChildbirths(IReadOnlyList<ChildbirthJson?>? childbirths, LazyPath path, List<FieldError> errors)
    {
        if (childbirths is null) return null;
        if (childbirths.Count > MaxChildbirths)
        {
            errors.Add(new FieldError(path + ".childbirths", $"at most {MaxChildbirths} births are accepted"));
            return null;
        }
        List<Childbirth>? births = null;
        for (var i = 0; i < childbirths.Count; i++)
        {
            var bPath = new LazyPath(path, "childbirths", i);
            if (childbirths[i] is not { } b) errors.Add(new FieldError(bPath, "must be an object"));
            else if (b.Date is not { } date) errors.Add(new FieldError(bPath + ".date", "is required (出産日 or 出産予定日)"));
            else if (SnapshotFields.InRange(date, bPath + ".date", errors)) (births ??= new List<Childbirth>(childbirths.Count)).Add(new Childbirth(date, b.Multiple ?? false));
        }
        return births;
    }

    private static Separation? ReadSeparation(InvoluntaryUnemploymentJson? unemployment, LazyPath path, List<FieldError> errors)
    {
        if (unemployment is null) return null;
        var uPath = path + ".involuntaryUnemployment";
        if (unemployment.SeparationDate is not { } date) errors.Add(new FieldError(uPath + ".separationDate", "is required (離職日)"));
        else if (!IsReasonCode(unemployment.ReasonCode))
            errors.Add(new FieldError(uPath + ".reasonCode", "is required: the 離職理由コード (e.g. \"11\")"));
        else if (SnapshotFields.InRange(date, uPath + ".separationDate", errors)) return new Separation(date, unemployment.ReasonCode!);
        return null;
    }

    /// <summary>1–4 ASCII letters or digits (the 離職理由コード; the batch's one-pass reader asks the same).</summary>
    internal static bool IsReasonCode(string? code)
    {
        if (string.IsNullOrWhiteSpace(code) || code.Length > 4) return false;
        foreach (var c in code)
            if (!char.IsAsciiLetterOrDigit(c)) return false;
        return true;
    }

    private static LocalDate? ReadFormerDependant(FormerDependantJson? formerDependant, LazyPath path, List<CoveragePeriod> coverage, List<FieldError> errors)
    {
        if (formerDependant is null) return null;
        if (formerDependant.Acquired is not { } acquired) errors.Add(new FieldError(path + ".formerDependant.acquired", "is required (資格取得日)"));
        else if (SnapshotFields.InRange(acquired, path + ".formerDependant.acquired", errors))
        {
            foreach (var c in coverage)
                if (c.Acquired == acquired) return acquired;
            errors.Add(new FieldError(path + ".formerDependant.acquired", "must be the acquisition date of one of the member's coverage periods"));
        }
        return null;
    }

    private static PriorYearIncome? ReadIncome(IncomeJson? json, LazyPath member, List<FieldError> errors)
    {
        var path = new LazyPath(member, "income");
        if (json is null)
        {
            errors.Add(new FieldError(path, "is required: send { \"declared\": false } when the income is not known"));
            return null;
        }
        if (json.Declared is not { } declared)
        {
            errors.Add(new FieldError(path + ".declared", "is required (true when the income is known, false for 未申告)"));
            return null;
        }
        var before = errors.Count;
        if (!declared)
        {
            if (json.TotalIncome is not null || json.CombinedIncome is not null || json.SalaryRevenue is not null || json.SalaryIncome is not null
                || json.PensionRevenue is not null || json.PensionIncome is not null || json.FamilyEmployeeSalaryDeduction is not null || json.TransferIncomeSpecialDeduction is not null)
            {
                errors.Add(new FieldError(path, "an undeclared income (declared: false) cannot carry amounts"));
                return null;
            }
            return PriorYearIncome.Undeclared;
        }
        var total = SnapshotFields.Amount(json.TotalIncome, path, "totalIncome", "is required when the income is declared", errors);
        long? combined = json.CombinedIncome is null ? null : SnapshotFields.Amount(json.CombinedIncome, path, "combinedIncome", null, errors);
        var salaryRevenue = SnapshotFields.Amount(json.SalaryRevenue, path, "salaryRevenue", null, errors);
        var salaryIncome = SnapshotFields.Amount(json.SalaryIncome, path, "salaryIncome", null, errors);
        var pensionRevenue = SnapshotFields.Amount(json.PensionRevenue, path, "pensionRevenue", null, errors);
        var pensionIncome = SnapshotFields.Amount(json.PensionIncome, path, "pensionIncome", null, errors);
        var familyEmployee = SnapshotFields.Amount(json.FamilyEmployeeSalaryDeduction, path, "familyEmployeeSalaryDeduction", null, errors);
        var transfer = SnapshotFields.Amount(json.TransferIncomeSpecialDeduction, path, "transferIncomeSpecialDeduction", null, errors);
        if (errors.Count > before) return null;
        if (salaryIncome > salaryRevenue) errors.Add(new FieldError(path + ".salaryIncome", "給与所得 cannot exceed 給与収入 (salaryRevenue)"));
        if (pensionIncome > pensionRevenue) errors.Add(new FieldError(path + ".pensionIncome", "公的年金等所得 cannot exceed 公的年金等収入 (pensionRevenue)"));
        if (errors.Count > before) return null;
        return new PriorYearIncome(true, total, combined, salaryRevenue, salaryIncome, pensionRevenue, pensionIncome, familyEmployee, transfer);
    }
}
