/// The run behind a statement: only the account's rows are kept, so a statement of one account
/// can be made from a day of any size.
extension AccountStatement {
    public static func reconcile(
        account: String, options: ReconcileOptions, from: Timestamp?, until: Timestamp?, asOf: Timestamp?,
        language: StatementLanguage, zoneOffset: Int32?, alsoCurrency: AmountConversion?
    ) throws(StatementError) -> AccountStatement {
        let rows = CollectingSink(keepRow: { $0.account == account })
        var result: ReconcileResult
        do { result = try ReconcilePipeline(options: options).run(into: rows) } catch { throw .run(error) }
        rows.attach(to: &result)
        // A mistyped account: say so, instead of an empty statement that looks like "this
        // customer made no requests".
        if result.rows.isEmpty, !result.accounts.contains(where: { $0.account == account }) {
            throw .unknownAccount(account, among: result.accounts.map(\.account))
        }
        return AccountStatement(
            account: account, result: result, from: from, until: until, asOf: asOf, language: language,
            zoneOffset: zoneOffset ?? options.dayOffsetSeconds, alsoCurrency: alsoCurrency)
    }
}

/// Why no statement was made: the run failed, or the logs have no request of the account (the
/// message names the nearest accounts that have some).
public enum StatementError: RecountFailure, Sendable {
    case run(ReconcileError)
    case unknownAccount(String, among: [String])

    public var description: String {
        switch self {
        case .run(let error): error.description
        case .unknownAccount(let account, let accounts):
            AccountStatement.unknownAccountMessage(account, among: accounts)
        }
    }

    public var status: ExitStatus {
        switch self {
        case .run(let run): run.status
        case .unknownAccount: .noInput
        }
    }
}
