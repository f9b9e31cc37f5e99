import TokenCounter

/// Why `explain` could not explain a request.
public enum ExplainError: RecountFailure, Sendable {
    case input(InputError)
    /// The id is neither in the logs nor in the ledger; `nearest` are ids that were, closest first.
    case notFound(requestID: String, nearest: [String])
    case arithmetic(MoneyError, at: String)
    /// The id is on a line that `reconcile` rejects (so it has no row to explain).
    case rejected(requestID: String, reject: Reject)

    public var description: String {
        switch self {
        case .rejected(let id, let reject):
            "request '\(id)' is on a line that reconcile rejects — \(reject.message) — so it has no charge to explain; it is listed in rejects.jsonl"
        case .input(let error): error.description
        case .notFound(let id, let nearest):
            "request '\(id)' is not in the logs or the debit ledger"
                + (nearest.isEmpty ? "" : "; nearest ids: " + nearest.joined(separator: ", "))
        case .arithmetic(let error, let at): "\(at): \(error)"
        }
    }

    public var status: ExitStatus {
        switch self {
        case .input(let input): input.status
        case .notFound: .noInput
        case .arithmetic, .rejected: .dataError
        }
    }
}

/// `recount explain`: finds one request and runs it through the *same* stages as
/// `reconcile` — `ReconcilePipeline.evaluate` (decode → `TokenRecount.counts` →
/// `Pricing.expectedCharge`) and `RunState` (debit matching, `Classifier`, credit status) — so
/// every number it prints equals that request's row in a reconcile run with the same flags.
///
/// Finding the request fast: each log line is first searched, as bytes, for the id (raw, or in
/// the JSON-escaped forms `JSONWriter` and common encoders produce); only lines that contain it
/// are decoded. A 1 GB day with one matching line decodes one line. When nothing matches, a
/// second, slow pass decodes every line — so an id written with unusual escapes is still found,
/// and the ids seen feed the "nearest ids" suggestion. Not-found is the rare, slow path.
public struct RequestExplainer: Sendable {
    public let options: ReconcileOptions

    /// `options.from`, `until` and `shard` are ignored: explain looks at one request wherever it is.
    public init(options: ReconcileOptions) {
        var options = options
        options.from = nil
        options.until = nil
        options.shard = nil
        options.allRows = true
        options.jobs = 1
        options.maxRejects = nil
        self.options = options
    }

    public func explain(requestID: String) throws(ExplainError) -> Explanation {
        try explain(requestID: requestID, followingRowIDs: true)
    }

    /// `followingRowIDs`: when no request has the id, whether a gateway row's `logs.id` may
    /// stand for the request it belongs to (once: that request is then looked up by its own id).
    func explain(requestID: String, followingRowIDs: Bool) throws(ExplainError) -> Explanation {
        var ledger = DebitLedgerReader.Result()
        if let path = options.debitsPath {
            do { ledger = try DebitLedgerReader.read(path: path) } catch { throw .input(error) }
            ledger.debits = ledger.debits.filter { $0.requestID == requestID }
            ledger.rejects = []
        }
        var needles = Self.needles(for: requestID)
        // A task's id is `task:<task_id>`, which no row spells out: its rows hold the task id.
        if requestID.hasPrefix("task:"), requestID.count > 5 {
            needles += Self.needles(for: String(requestID.dropFirst(5)))
        }
        var lines = try find(requestID, lineFilter: { line in needles.contains { Self.contains(line, $0) } })
        if lines.isEmpty { lines = try find(requestID, lineFilter: { _ in true }) }

        // The same join step as `reconcile`: one request id's group, its line and its debits.
        let collected = CollectingSink()
        var state = RunState(options: options, sink: collected)
        state.usesLedger = options.debitsPath != nil
        var group = RequestGroup()
        group.debits = ledger.debits
        var record: LogRecord?
        for (sequence, line) in lines.enumerated() {
            guard case .record(let found, let counts, let charge, _) = line else { continue }
            // The request row is the one explained; refund and task-delta rows net into it.
            if record == nil, found.gateway?.adjustment == nil { record = found }
            group.entries.append(.record(found, counts, JoinCharge(charge), raw: nil, sequence: sequence))
        }
        // `--bodies`: the request's first capture, joined by the same rules (after the lines).
        let body = try findBody(requestID, needles: needles)
        if let body { group.entries.append(.body(body.entry)) }
        do { try state.process(group) } catch { throw Self.explainError(error) }
        var result = state.finish()
        collected.attach(to: &result)
        // A joined body's text is what the token detail shows (the row has none of its own).
        if let body, result.counters.bodiesJoined == 1, var joined = record {
            joined.endpoint = body.record.endpoint
            joined.request = body.record.request
            joined.response = body.record.response
            joined.usage = body.record.usage
            record = joined
        }
        if let outcome = result.rows.first {
            var explanation = Explanation(
                outcome: outcome, record: record, catalog: options.catalog, basis: options.basis)
            explanation.zoneOffset = options.dayOffsetSeconds
            return explanation
        }
        // A row's number before the rejects: a short number such as 7 is on many a line.
        if followingRowIDs, let owner = try owningRequest(ofRow: requestID) {
            return try explain(requestID: owner, followingRowIDs: false)
        }
        if let reject = try rejectedLine(holding: needles) { throw .rejected(requestID: requestID, reject: reject) }
        throw .notFound(requestID: requestID, nearest: try nearestIDs(to: requestID))
    }

    /// The request id of the gateway row whose `logs.id` is `rowID`. A row with a `request_id`
    /// (or a task's, or a refund) goes by its request in the reports, but support may have only
    /// the row's number from the admin page; that number explains the request it belongs to.
    func owningRequest(ofRow rowID: String) throws(ExplainError) -> String? {
        let needles = Self.needles(for: rowID)
        return try firstLine(passing: { line in needles.contains { Self.contains(line, $0) } }) { evaluated in
            guard case .record(let record, _, _, _) = evaluated, record.gateway?.rowID == rowID else { return nil }
            return record.id
        }
    }

    static func explainError(_ error: ReconcileError) -> ExplainError {
        switch error {
        case .input(let input): .input(input)
        case .arithmetic(let money, let at): .arithmetic(money, at: at)
        case .tooManyRejects: preconditionFailure("explain sets no reject limit")
        case .spill(let spill): .input(.unreadable(path: spill.path, reason: spill.reason))
        }
    }

    /// The lines (in input order) that decode to a record with this id: the request `reconcile`
    /// keeps (the first request row; a later one is rejected there as a duplicate) and the
    /// gateway's refund and task-delta rows that net into it.
    func find(_ requestID: String, lineFilter: ([UInt8]) -> Bool) throws(ExplainError) -> [ReconcilePipeline.Evaluated]
    {
        var found: [ReconcilePipeline.Evaluated] = []
        var requestRowSeen = false
        let _: Bool? = try firstLine(passing: lineFilter) { evaluated in
            guard case .record(let record, _, _, _) = evaluated, record.id == requestID else { return nil }
            let isRequest = record.gateway?.adjustment == nil
            if !(isRequest && requestRowSeen) { found.append(evaluated) }
            if isRequest { requestRowSeen = true }
            return nil
        }
        return found
    }

    /// The first capture (`--bodies`, in input order) holding the id, decoded and recounted as
    /// `reconcile` does (`bodyRecord`, `TokenRecount`); lines that do not hold the id as bytes
    /// are not decoded.
    func findBody(
        _ requestID: String, needles: [[UInt8]]
    ) throws(ExplainError) -> (entry: BodyEntry, record: LogRecord)? {
        let pipeline = ReconcilePipeline(options: options)
        for path in options.bodies {
            let reader: LineReader
            do { reader = LineReader(try openSource(path)) } catch { throw .input(error) }
            while true {
                let next: LineReader.Line?
                do { next = try reader.next() } catch { throw .input(error) }
                guard let line = next else { break }
                guard needles.contains(where: { Self.contains(line.bytes, $0) }),
                    case .record(let record) = pipeline.bodyRecord(line, file: path), record.id == requestID
                else { continue }
                let counts = TokenRecount.counts(for: record, policy: options.basis)
                let entry = BodyEntry(model: record.model, counts: counts, source: record.source, sequence: line.number)
                return (entry, record)
            }
        }
        return nil
    }

    /// The first line that holds the id (as bytes) but does not decode: why support finds the
    /// id in the logs yet reconcile has no row for it.
    func rejectedLine(holding needles: [[UInt8]]) throws(ExplainError) -> Reject? {
        try firstLine(passing: { line in needles.contains { Self.containsAsValue(line, $0) } }) { evaluated in
            if case .rejected(let reject) = evaluated { return reject }
            return nil
        }
    }

    /// Evaluates, in input order, the lines `lineFilter` lets through, until `match` finds one.
    func firstLine<T>(
        passing lineFilter: ([UInt8]) -> Bool,
        _ match: (ReconcilePipeline.Evaluated) -> T?
    ) throws(ExplainError) -> T? {
        let pipeline = ReconcilePipeline(options: options)
        for input in options.logInputs {
            let path = input.name
            let reader: any LogLineSource
            do { reader = try input.open(from: options.from, until: options.until) } catch { throw .input(error) }
            while true {
                let next: LineReader.Line?
                do { next = try reader.next() } catch { throw .input(error) }
                guard let line = next else { break }
                guard lineFilter(line.bytes) else { continue }
                if let found = match(pipeline.evaluate(line, file: path)) { return found }
            }
        }
        return nil
    }

    /// The byte strings a line holding this id must contain: the id as UTF-8, and its JSON
    /// escapes (`\"`, `\\`, controls; `/` as `\/` or not; non-ASCII raw or `\uXXXX` in lower or
    /// upper case hex). Mixed spellings fall to the slow pass.
    static func needles(for id: String) -> [[UInt8]] {
        var forms: Set<[UInt8]> = [Array(id.utf8)]
        for escapeSlash in [false, true] {
            for hex in [nil, false, true] as [Bool?] {
                var out = ""
                for scalar in id.unicodeScalars {
                    switch scalar {
                    case "\"": out += "\\\""
                    case "\\": out += "\\\\"
                    case "/": out += escapeSlash ? "\\/" : "/"
                    case "\n": out += "\\n"
                    case "\r": out += "\\r"
                    case "\t": out += "\\t"
                    default:
                        if scalar.value < 0x20 {
                            out += "\\u" + String(scalar.value, radix: 16).leftPadded(to: 4)
                        } else if scalar.value > 0x7E, let upper = hex {
                            for unit in String(scalar).utf16 {
                                let digits = String(unit, radix: 16, uppercase: upper).leftPadded(to: 4)
                                out += "\\u" + digits
                            }
                        } else {
                            out.unicodeScalars.append(scalar)
                        }
                    }
                }
                forms.insert(Array(out.utf8))
            }
        }
        return forms.sorted { $0.lexicographicallyPrecedes($1) }
    }

    /// Byte substring search (memmem would do; this keeps the unsafe code out of this file):
    /// whether `needle` occurs where `accept` (given its start) agrees.
    static func contains(
        _ haystack: [UInt8], _ needle: [UInt8], where accept: (Int) -> Bool = { _ in true }
    ) -> Bool {
        guard !needle.isEmpty else { return true }
        guard haystack.count >= needle.count else { return false }
        let first = needle[0]
        var index = 0
        let last = haystack.count - needle.count
        while index <= last {
            if haystack[index] == first, haystack[index..<(index + needle.count)].elementsEqual(needle), accept(index) {
                return true
            }
            index += 1
        }
        return false
    }

    /// Whether `needle` is in `haystack` as a whole value: between quotes (a string), or
    /// between a colon or blank and a comma, brace, blank or the end (a number), so a rejected
    /// line is the id's only when the id is one of its values, not part of a time or an amount.
    static func containsAsValue(_ haystack: [UInt8], _ needle: [UInt8]) -> Bool {
        guard !needle.isEmpty else { return false }
        return contains(haystack, needle) { index in
            let end = index + needle.count
            let left = index > 0 ? haystack[index - 1] : nil
            let right = end < haystack.count ? haystack[end] : nil
            if left == UInt8(ascii: "\""), right == UInt8(ascii: "\"") { return true }
            guard let left, valueBefore.contains(left) else { return false }
            return right.map(valueAfter.contains) ?? true
        }
    }

    static let valueBefore: Set<UInt8> = [UInt8(ascii: ":"), 0x20, 0x09]
    static let valueAfter: Set<UInt8> = [UInt8(ascii: ","), UInt8(ascii: "}"), UInt8(ascii: "]"), 0x20, 0x09, 0x0D]

    /// Up to 5 ids from the logs and the ledger closest to `id`: a shared prefix first, then
    /// edit distance. Bounded: only the best few are kept while scanning.
    func nearestIDs(to id: String) throws(ExplainError) -> [String] {
        var nearest = NearestIDs(target: id, keep: 5)
        for input in options.logInputs {
            let path = input.name
            let reader: any LogLineSource
            do { reader = try input.open(from: options.from, until: options.until) } catch { throw .input(error) }
            while true {
                let next: LineReader.Line?
                do { next = try reader.next() } catch { throw .input(error) }
                guard let line = next else { break }
                let decoded = line.bytes.withUnsafeBufferPointer {
                    RecordDecoder.decode($0, at: SourceLocation(file: path, line: line.number))
                }
                if case .success(let record) = decoded { nearest.offer(record.id) }
            }
        }
        if let path = options.debitsPath, let ledger = try? DebitLedgerReader.read(path: path) {
            for debit in ledger.debits { nearest.offer(debit.requestID) }
        }
        return nearest.best
    }
}
