/// Stage 8, settle credits: after `Classifier` has found a request's credits and before its
/// totals, because only issued credits count as credited.
extension GroupJoiner {
    /// Credit statuses this run decides: already issued (`--issued`), withheld (below
    /// `--min-credit`), else issued.
    func settled(_ outcome: consuming RequestOutcome) -> RequestOutcome {
        var outcome = outcome
        for index in outcome.credits.indices {
            let credit = outcome.credits[index]
            if options.issuedCreditIDs.contains(credit.creditID) {
                outcome.credits[index].status = .already_issued
            } else if let minimum = options.minimumCredit, credit.amount < minimum {
                outcome.credits[index].status = .withheld
            }
        }
        return outcome
    }
}
