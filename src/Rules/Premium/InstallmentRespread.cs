using NodaTime;

namespace KokuhoRules.Rules.Premium;

/// <summary>
/// 期割の再配分: how a changed annual premium reaches the installments. The installments due on or before the
/// processing day stay as billed (and what was settled outside them stays settled); what remains of the new annual
/// amount is spread over the installments still to come (<see cref="InstallmentSchedule.Spread"/>), refunded when
/// more has been billed than the new amount, or billed at once when no installment is left.
/// </summary>
/// <param name="FixedBills">The installments already due on the processing day.</param>
/// <param name="FixedTotal">What stays: the fixed bills plus what was settled outside the installments.</param>
/// <param name="RemainingTotal">The new annual amount minus <paramref name="FixedTotal"/> (negative: to refund).</param>
/// <param name="Spread">The installments still to come with their new amounts (as billed when nothing changes).</param>
/// <param name="Settlement">The extra bill or refund that cannot be spread, or <see cref="Settlement.None"/>.</param>
/// <param name="Installments">Every installment before and after, by number.</param>
internal sealed record InstallmentRespread(
    InstallmentBill[] FixedBills,
    long FixedTotal,
    long RemainingTotal,
    IReadOnlyList<InstallmentBill> Spread,
    Settlement Settlement,
    InstallmentChange[] Installments)
{
    /// <summary>
    /// Re-spreads <paramref name="newAnnual"/> over the year's installments as of <paramref name="asOf"/>. When the
    /// change is <paramref name="barred"/> by the time limit, or the annual amount is unchanged, the bills stand as
    /// they were (re-spreading could move a remainder between them).
    /// </summary>
    public static InstallmentRespread Of(PremiumRuleSet rs, PremiumAssessment assessment, PreviousAssessment? previous, long newAnnual, bool barred, LocalDate asOf)
    {
        var previousInstallments = previous?.Installments ?? [];
        var fixedBills = previousInstallments.Where(b => b.DueDate <= asOf).ToArray();
        // What was billed and is due (or was settled outside the installments) stays; the rest is recomputed.
        var fixedTotal = fixedBills.Sum(b => b.Amount) + (previous?.Settled ?? 0);
        var remainingTotal = newAnnual - fixedTotal;
        var openSlots = InstallmentSchedule.OpenSlots(rs, assessment, asOf);
        IReadOnlyList<InstallmentBill> spread = [];
        var settlement = Settlement.None;
        if (barred || (previous is not null && newAnnual == previous.AnnualPremium))
        {
            // Nothing to change: the bills stand as they were (re-spreading could move a remainder between them).
            spread = previousInstallments.Where(b => b.DueDate > asOf).ToArray();
        }
        else if (remainingTotal < 0)
        {
            settlement = new Settlement(SettlementKind.Refund, -remainingTotal);
        }
        else if (openSlots.Count == 0)
        {
            if (remainingTotal > 0) settlement = new Settlement(SettlementKind.AdditionalBill, remainingTotal);
        }
        else
        {
            spread = InstallmentSchedule.Spread(remainingTotal, openSlots, rs.Parameters.Installments);
        }
        return new InstallmentRespread(fixedBills, fixedTotal, remainingTotal, spread, settlement, Changes(previousInstallments, fixedBills, spread, asOf));
    }

    /// <summary>Every installment before and after: the fixed ones as billed, the rest with their new amount (0 when none).</summary>
    private static InstallmentChange[] Changes(IReadOnlyList<InstallmentBill> previousInstallments, InstallmentBill[] fixedBills, IReadOnlyList<InstallmentBill> spread, LocalDate asOf)
    {
        var installments = new SortedDictionary<int, InstallmentChange>();
        foreach (var b in fixedBills) installments[b.Number] = new InstallmentChange(b.Number, b.DueDate, b.Amount, b.Amount, InstallmentStatus.Due);
        foreach (var b in previousInstallments.Where(b => b.DueDate > asOf))
            installments[b.Number] = new InstallmentChange(b.Number, b.DueDate, b.Amount, 0, InstallmentStatus.Remaining);
        foreach (var b in spread)
            installments[b.Number] = new InstallmentChange(b.Number, b.DueDate, installments.TryGetValue(b.Number, out var was) ? was.PreviousAmount : 0, b.Amount, InstallmentStatus.Remaining);
        return installments.Values.ToArray();
    }
}
