import TokenCounter

/// What the join sets aside per log line or debit (the first payload byte).
enum JoinEntryKind: UInt8 {
    case record = 0
    case otherShard = 1
    case outsideWindow = 2
    case debit = 3
    /// A captured body's recount (`--bodies`, `BodyEntry`), keyed with tag 2: after the id's lines.
    case body = 4
}

extension RunState {
    /// A line's join entry, all but its last field (`scan` adds the raw bytes when needed) —
    /// built on the worker threads, so the sequential part of the scan stays small.
    static func joinEntry(_ item: consuming ReconcilePipeline.Evaluated, sequence: Int) -> ReconcilePipeline.Evaluated {
        switch consume item {
        case .skipped(let requestID, let account, let otherShard, let source, let raw):
            var payload = JoinKey.entry(requestID: requestID, tag: 1, sequence: sequence, capacity: 256)
            let keyLength = payload.bytes.count
            payload.bytes.append((otherShard ? JoinEntryKind.otherShard : .outsideWindow).rawValue)
            payload.uint(UInt64(sequence))
            payload.string(requestID)
            payload.string(account)
            payload.value(source)
            return .prepared(entry: payload.bytes, keyLength: keyLength, raw: raw, keepsRaw: otherShard)
        case .record(let record, let counts, let charge, let raw):
            var payload = JoinKey.entry(requestID: record.id, tag: 1, sequence: sequence, capacity: 512)
            let keyLength = payload.bytes.count
            payload.bytes.append(JoinEntryKind.record.rawValue)
            payload.uint(UInt64(sequence))
            payload.value(record)
            payload.value(counts)
            JoinCharge.encode(charge, to: &payload)
            return .prepared(entry: payload.bytes, keyLength: keyLength, raw: raw, keepsRaw: true)
        case let unchanged:  // .blank, .nonRequest, .rejected, .prepared
            return unchanged
        }
    }
}

/// One request id's lines and debits (`explain` builds one; the join streams them through a
/// `GroupCursor` instead).
struct RequestGroup {
    enum Entry {
        case record(LogRecord, TokenCounts, JoinCharge, raw: [UInt8]?, sequence: Int)
        case otherShard(requestID: String, account: String, source: SourceLocation, raw: [UInt8]?, sequence: Int)
        case outsideWindow(account: String)
        /// A captured body (`--bodies`): joined to the id's request row (`GroupJoiner.step(_:body:into:)`).
        case body(BodyEntry)
    }

    var entries: [Entry] = []
    var debits: [Debit] = []
}

/// The join's state within one request id.
struct GroupCursor {
    /// The id's debits not yet taken (all of them arrive before its first line).
    var debits: [Debit] = []
    /// Whether this shard owns the id; nil until its first line inside the window.
    var owned: Bool?
    var outsideBeforeOwner = 0
    var firstOutsideAccount: String?
    var requestSeen = false
    var skipped = false
    /// The id's request row, held until the id's last line: a gateway's refund or task delta
    /// rows (later lines of the same id) net into it before it is classified.
    var pending: PendingRequest?
    /// Refund and task-delta rows of the id, as signed debits (`GatewayRow.adjustment`).
    var adjustments: [Debit] = []
    /// The body joined to the id's request row (`--bodies`), priced with it in `finish`.
    var body: BodyEntry?

    struct PendingRequest {
        var record: LogRecord
        var counts: TokenCounts
        var charge: JoinCharge
        var debits: [Debit]
    }
    /// Strings decoded for this id (and the run's input paths), handed back on a match.
    var strings: SpillStrings

    init(knownFiles: [String] = []) { strings = SpillStrings(knownFiles: knownFiles) }

    /// The payload at `range` of `bytes`: a debit is kept in `debits`; a log line comes back
    /// as an entry.
    mutating func decode(_ bytes: [UInt8], _ range: Range<Int>) throws(SpillCorrupt) -> RequestGroup.Entry? {
        var decoder = SpillDecoder(bytes, from: range.lowerBound, to: range.upperBound)
        guard let kind = JoinEntryKind(rawValue: try decoder.byte()) else { throw SpillCorrupt(what: "unknown entry") }
        switch kind {
        case .debit:
            debits.append(try decoder.value(Debit.self, strings: &strings))
            return nil
        case .record:
            let sequence = Int(try decoder.uint())
            let record = try decoder.value(LogRecord.self, strings: &strings)
            let counts = try decoder.value(TokenCounts.self, strings: &strings)
            let charge = try decoder.value(JoinCharge.self, strings: &strings)
            let raw = try decoder.optional { decoder throws(SpillCorrupt) in Array(try decoder.raw()) }
            return .record(record, counts, charge, raw: raw, sequence: sequence)
        case .body:
            let sequence = Int(try decoder.uint())
            let model = try decoder.string()
            let counts = try decoder.value(TokenCounts.self)
            let source = try decoder.value(SourceLocation.self, strings: &strings)
            return .body(BodyEntry(model: model, counts: counts, source: source, sequence: sequence))
        case .otherShard, .outsideWindow:
            let sequence = Int(try decoder.uint())
            let requestID = try decoder.string(reusing: strings.requestID)
            let account = try decoder.string(reusing: strings.account)
            let source = try decoder.value(SourceLocation.self, strings: &strings)
            let raw = try decoder.optional { decoder throws(SpillCorrupt) in Array(try decoder.raw()) }
            return kind == .otherShard
                ? .otherShard(requestID: requestID, account: account, source: source, raw: raw, sequence: sequence)
                : .outsideWindow(account: account)
        }
    }
}
