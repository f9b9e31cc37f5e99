import TokenCounter

/// Stages 2–4 for one log line, pure, on a worker: decode the record (`RecordDecoder`), keep
/// it only inside the window and the shard, recount it (`TokenRecount`) and price it
/// (`Pricing.expectedCharge`). `explain` runs the same function on the line it finds.
extension ReconcilePipeline {
    /// What stage 3–4 produce for one line.
    enum Evaluated: Sendable {
        case blank
        /// A gateway row that is not a request (top-up, manage, system): counted, not rejected.
        case nonRequest
        case rejected(Reject)
        /// A valid request this run does not recount: another shard's account, or a start
        /// outside `[from, until)`. Kept so that its id still counts in the join.
        case skipped(requestID: String, account: String, otherShard: Bool, source: SourceLocation, raw: [UInt8])
        case record(LogRecord, TokenCounts, ChargeResult, raw: [UInt8])
        /// A record or skipped line encoded for the join (`RunState.joinEntry`), on a worker: its
        /// sort key and then its payload, in one array (one allocation, freed by the thread that
        /// scans it, where three cost three frees across threads).
        case prepared(entry: [UInt8], keyLength: Int, raw: [UInt8], keepsRaw: Bool)
    }

    func evaluate(_ line: LineReader.Line, file: String) -> Evaluated {
        let source = SourceLocation(file: file, line: line.number)
        if line.bytes.allSatisfy({ $0 == 0x20 || $0 == 0x09 || $0 == 0x0D }) { return .blank }
        if line.truncated {
            return .rejected(
                Reject(
                    kind: .log, source: source, reason: "line longer than \(LineReader.lineBytesMax) bytes",
                    raw: line.bytes, rawTruncated: true))
        }
        let decoded = line.bytes.withUnsafeBufferPointer { RecordDecoder.decodeLine($0, at: source) }
        switch decoded {
        case .failure(let error):
            return .rejected(
                Reject(kind: .log, source: source, field: error.field, reason: error.reason, raw: line.bytes))
        case .nonRequest:
            return .nonRequest
        case .record(let record):
            // The window first: a line outside it is outside for every shard alike.
            if let from = options.from, record.time < from {
                return .skipped(
                    requestID: record.id, account: record.account, otherShard: false, source: source, raw: line.bytes)
            }
            if let until = options.until, record.time >= until {
                return .skipped(
                    requestID: record.id, account: record.account, otherShard: false, source: source, raw: line.bytes)
            }
            if let shard = options.shard, !shard.owns(account: record.account) {
                return .skipped(
                    requestID: record.id, account: record.account, otherShard: true, source: source, raw: line.bytes)
            }
            let counts = TokenRecount.counts(for: record, policy: options.basis)
            let charge = Pricing.expectedCharge(
                usage: chargeUsage(for: record, counts: counts), model: record.model, group: record.group,
                status: record.status, at: record.time, catalog: options.catalog)
            return .record(record, counts, charge, raw: line.bytes)
        }
    }
}
