using KokuhoRules.Rules.Snapshots;

namespace KokuhoRules.Rules.Checks;

/// <summary>Builders for a member's prior-year income as the household contract carries it (<see cref="IncomeJson"/>).</summary>
public static class Incomes
{
    /// <summary>A declared income; every amount in yen (総所得金額等 first).</summary>
    public static IncomeJson Declared(long total, long salaryRevenue = 0, long salaryIncome = 0, long pensionRevenue = 0, long pensionIncome = 0,
        long? combined = null, long familyEmployee = 0, long transfer = 0) =>
        new()
        {
            Declared = true, TotalIncome = total, SalaryRevenue = salaryRevenue, SalaryIncome = salaryIncome, PensionRevenue = pensionRevenue,
            PensionIncome = pensionIncome, CombinedIncome = combined, FamilyEmployeeSalaryDeduction = familyEmployee, TransferIncomeSpecialDeduction = transfer,
        };

    /// <summary>A declared income of 0.</summary>
    public static IncomeJson None => Declared(0);

    /// <summary>An undeclared income (未申告).</summary>
    public static IncomeJson Undeclared => new() { Declared = false };
}
