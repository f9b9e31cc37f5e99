import TokenCounter

/// The sequential part of a run: sets aside each line's result under its request id, then
/// joins requests with their debits, classifies, and totals. Fed in input order and joined in
/// id order, so its result never depends on `--jobs`.
///
/// With `--shard K/N`, a request id's whole group — its lines, its debits, a repeated line —
/// belongs to the shard of the account of its first line that starts inside the window (or,
/// with no such line, of its first debit's account). So every request meets all its debits in
/// exactly one shard, and the shards' outputs merge to what one run would have written. Lines
/// that yield no request at all (rejects, blank lines, ledger rejects) belong to shard 0.
struct RunState {
    let options: ReconcileOptions
    let classifier: Classifier
    let sink: any OutcomeSink
    var result = ReconcileResult()
    /// The join's sums (`RunTotals`); chunks worked out on the workers merge into them.
    var totals: RunTotals
    var usesLedger = false
    /// Ids seen so far, approximately: a line whose id may have been seen keeps its raw bytes
    /// in the join, in case it turns out to be a repeat and has to be rejected.
    var seenIDs = RequestIDFilter()
    /// Rejects and blank lines are reported by one shard only.
    let reportsUnattributed: Bool
    var ledgerItems = 0

    init(options: ReconcileOptions, sink: any OutcomeSink) {
        self.options = options
        self.sink = sink
        classifier = Classifier(catalog: options.catalog, tolerance: options.tolerance, unitName: options.catalog.unit.name)
        totals = RunTotals(dayOffsetSeconds: options.dayOffsetSeconds)
        result.unit = options.catalog.unit
        reportsUnattributed = (options.shard?.index ?? 0) == 0
    }

    // MARK: Scanning (input order)

    /// The join's rules for one id, with what it needs to know of the run.
    var joiner: GroupJoiner {
        GroupJoiner(options: options, classifier: classifier, usesLedger: usesLedger, renderer: sink.renderer,
                    knownFiles: options.logs + [options.debitsPath].compactMap { $0 })
    }

    mutating func startLedger(path: String) {
        usesLedger = true
        result.inputs.append(InputFileInfo(path: path, kind: "debits"))
    }

    mutating func scan(_ item: DebitLedgerStream.Item, joiner: ExternalSorter) throws(ReconcileError) {
        ledgerItems += 1
        switch item {
        case .blank:
            if reportsUnattributed { result.counters.debitBlankLines += 1 }
        case .reject(let reject):
            guard reportsUnattributed else { return }
            result.counters.debitsRejected += 1
            try addReject(reject, order: RejectOrder(ledgerItem: ledgerItems))
        case .debit(let debit):
            var payload = SpillEncoder()
            payload.bytes.append(JoinEntryKind.debit.rawValue)
            payload.value(debit)
            try spill(joiner, key: JoinKey.debit(requestID: debit.requestID, sequence: debit.sequence), payload: payload)
        }
    }

    /// A ledger item parsed on a worker. A debit leaves as its join entry, key and payload in
    /// one array, encoded there too — all but its sequence, which only ledger order gives: the
    /// key's last eight bytes are left for it. (The debit itself is freed on the worker that
    /// made it; a record of five strings handed across threads cost five contended frees.)
    enum PreparedLedgerItem: Sendable {
        case debit(entry: [UInt8], keyLength: Int)
        case other(DebitLedgerStream.Item)

        init(_ item: DebitLedgerStream.Item) {
            guard case .debit(let debit) = item else {
                self = .other(item)
                return
            }
            var payload = JoinKey.entry(requestID: debit.requestID, tag: 0, sequence: 0, capacity: 256)
            let keyLength = payload.bytes.count
            payload.bytes.append(JoinEntryKind.debit.rawValue)
            debit.encodeFields(to: &payload)
            self = .debit(entry: payload.bytes, keyLength: keyLength)
        }
    }

    /// `scan(ledger.numbered(item))`, with a debit's entry finished here from its worker's part.
    mutating func scan(_ prepared: PreparedLedgerItem, ledger: DebitLedgerStream, joiner: ExternalSorter) throws(ReconcileError) {
        guard case .debit(let entry, let keyLength) = prepared else {
            if case .other(let item) = prepared { try scan(ledger.numbered(item), joiner: joiner) }
            return
        }
        ledgerItems += 1
        let sequence = ledger.nextSequence()
        var trailer = SpillEncoder(capacity: 10)
        trailer.int(sequence)
        // The key ends in the sequence, big-endian (`JoinKey`).
        do { try joiner.add(entry: entry, keyLength: keyLength, keyTail: UInt64(sequence), trailer: trailer.bytes) } catch { throw .spill(error) }
    }

    mutating func scan(_ item: ReconcilePipeline.Evaluated, sequence: Int, joiner: ExternalSorter) throws(ReconcileError) {
        switch item {
        case .blank:
            if reportsUnattributed { result.counters.blankLines += 1 }
        case .rejected(let reject):
            guard reportsUnattributed else { return }
            try addReject(reject, order: RejectOrder(logLine: sequence))
        case .skipped, .record:
            try scan(Self.prepare(item, sequence: sequence), sequence: sequence, joiner: joiner)
        case .prepared(let entry, let keyLength, let raw, let keepsRaw):
            // The one sequential step of a line's join entry: whether its id may repeat (then
            // its bytes ride along, for the reject a repeat gets). The filter reads the id's
            // part of the key.
            let mayRepeat = entry.withUnsafeBufferPointer {
                seenIDs.insert(idKey: UnsafeBufferPointer(rebasing: $0[..<(keyLength - JoinKey.suffixLength)]))
            }
            var trailer = SpillEncoder(capacity: keepsRaw && mayRepeat ? raw.count + 10 : 0)
            if keepsRaw && mayRepeat {
                trailer.optional(raw) { $0.raw($1) }
            } else {
                trailer.bytes = Self.noRawTrailer
            }
            do { try joiner.add(entry: entry, keyLength: keyLength, trailer: trailer.bytes) } catch { throw .spill(error) }
        }
    }

    /// The last field of a line's join entry when its bytes do not ride along (`optional(nil)`).
    private static let noRawTrailer: [UInt8] = {
        var encoder = SpillEncoder()
        encoder.optional(nil as [UInt8]?) { $0.raw($1) }
        return encoder.bytes
    }()

    /// A line's join entry, all but its last field (`scan` adds the raw bytes when needed) —
    /// built on the worker threads, so the sequential part of the scan stays small.
    static func prepare(_ item: consuming ReconcilePipeline.Evaluated, sequence: Int) -> ReconcilePipeline.Evaluated {
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
        case let unchanged:  // .blank, .rejected, .prepared
            return unchanged
        }
    }

    private func spill(_ joiner: ExternalSorter, key: SortKey, payload: SpillEncoder) throws(ReconcileError) {
        do { try joiner.add(key: key.bytes, payload: payload.bytes) } catch { throw .spill(error) }
    }

    // MARK: Joining (request id order)

    /// An id with more entries or bytes than this is joined one entry at a time on this thread
    /// (an id repeated on a million lines costs no memory); smaller ids go to the workers.
    static let groupEntriesMax = 256
    static let groupBytesMax = 1 << 20
    /// Ids handed to the workers at once (or fewer, when their entries reach `chunkBytes`).
    /// 1,024 keeps the join's peak memory below the log scan's (4,096 cost 20–40 MB more at
    /// 1M records, at the same speed).
    static let chunkGroups = 1024
    static let chunkBytes = 16 << 20

    /// Joins everything set aside, in id order. Ids are read from the sort on this thread and
    /// worked out in chunks on the workers (`GroupJoiner.effects`, then `ChunkEffects`) while
    /// this thread applies the previous chunk's effects, in id order — so the result is the
    /// one-id-at-a-time join's whatever `jobs` is. An id too large for a chunk is streamed here
    /// once everything before it is applied. A failed read of the sort is raised after the ids
    /// read before it are applied (an error those raise comes first, as it would one id at a time).
    mutating func join(_ records: SortedRecords) throws(ReconcileError) {
        let joiner = self.joiner
        let spillPath = options.spillDirectory ?? ReconcilePipeline.temporaryDirectory
        let workers = Workers(jobs: options.jobs)
        var readError: ReconcileError?
        // The record read last: its key here, its payload at the end of `chunk`.
        var key: [UInt8] = []
        var idKey: [UInt8] = []
        var chunk = JoinChunk()
        func next() -> Bool {
            guard readError == nil else { return false }
            do { return try records.next(key: &key, appendingPayloadTo: &chunk.bytes) } catch {
                readError = .spill(error)
                return false
            }
        }
        func sameID() -> Bool {
            key.count - JoinKey.suffixLength == idKey.count && key.starts(with: idKey)
        }
        var inFlight: PendingBatch<ChunkEffects>?
        var pending = next()
        while pending {
            idKey.removeAll(keepingCapacity: true)
            idKey.append(contentsOf: key[..<(key.count - JoinKey.suffixLength)])
            let groupStart = chunk.payloadEnds.count
            let groupStartByte = chunk.endOfPayloads
            chunk.payloadEnds.append(chunk.bytes.count)
            var large = false
            pending = next()
            while pending, sameID() {
                if chunk.payloadEnds.count - groupStart >= Self.groupEntriesMax
                    || chunk.endOfPayloads - groupStartByte >= Self.groupBytesMax {
                    large = true
                    break
                }
                chunk.payloadEnds.append(chunk.bytes.count)
                pending = next()
            }
            if readError != nil { break }  // the id may be incomplete: it is not joined
            if !large {
                chunk.groupEnds.append(chunk.payloadEnds.count)
                guard chunk.groupEnds.count >= Self.chunkGroups || chunk.endOfPayloads >= Self.chunkBytes else { continue }
                try dispatch(&chunk, after: &inFlight, workers: workers, joiner: joiner, spillPath: spillPath)
                continue
            }
            // A large id: the chunk before it goes to the workers; its entries so far, and the
            // rest as they are read, are joined here one at a time.
            let partial = chunk.split(atPayload: groupStart)
            try dispatch(&chunk, after: &inFlight, workers: workers, joiner: joiner, spillPath: spillPath)
            if let previous = inFlight { try apply(previous) }
            inFlight = nil
            var cursor = GroupCursor(knownFiles: joiner.knownFiles)
            for index in partial.payloadEnds.indices {
                try stream(partial.bytes, partial.payloadRange(index), into: &cursor, joiner: joiner, spillPath: spillPath)
            }
            // `chunk` now holds only the payload just read (`split` kept it): stream while the
            // id lasts, each payload dropped once joined.
            while pending, sameID() {
                try stream(chunk.bytes, 0..<chunk.bytes.count, into: &cursor, joiner: joiner, spillPath: spillPath)
                chunk.bytes.removeAll(keepingCapacity: true)
                pending = next()
            }
            if readError != nil { break }
            try joiner.finish(&cursor, into: &self)
        }
        if !chunk.groupEnds.isEmpty {
            try dispatch(&chunk, after: &inFlight, workers: workers, joiner: joiner, spillPath: spillPath)
        }
        if let last = inFlight { try apply(last) }
        if let readError { throw readError }
    }

    /// Hands `chunk`'s whole groups (if any) to the workers, keeping in it only the bytes read
    /// past them; then applies the chunk in flight before it.
    private mutating func dispatch(_ chunk: inout JoinChunk, after inFlight: inout PendingBatch<ChunkEffects>?,
                                   workers: Workers, joiner: GroupJoiner, spillPath: String) throws(ReconcileError) {
        guard !chunk.groupEnds.isEmpty else { return }
        let groups = chunk.takeGroups()
        let started = workers.start(count: groups.groupEnds.count) { joiner.effects(of: groups, group: $0, spillPath: spillPath) }
            reduce: { ChunkEffects(absorbing: $0, joiner: joiner) }
        if let previous = inFlight { try apply(previous) }
        inFlight = started
    }

    /// One entry of a large id, applied at once.
    private mutating func stream(_ bytes: [UInt8], _ range: Range<Int>, into cursor: inout GroupCursor, joiner: GroupJoiner,
                                 spillPath: String) throws(ReconcileError) {
        let entry: RequestGroup.Entry?
        do { entry = try cursor.decode(bytes, range) } catch {
            throw .spill(SpillError(path: spillPath, reason: "sort data damaged: \(error.what)"))
        }
        if let entry { try joiner.step(&cursor, entry, into: &self) }
    }

    /// A chunk's effects, in id order: its rejects and deliveries to the sink, then its sums;
    /// stops at the chunk's error.
    ///
    /// A chunk's sums are merged whole. Exact sums do not depend on the grouping; only a sum
    /// that overflows exact arithmetic (beyond about 10^38 units) can be found at a different
    /// request than one at a time would, and is reported as "the run's totals".
    private mutating func apply(_ pending: PendingBatch<ChunkEffects>) throws(ReconcileError) {
        let chunk = pending.takeAll()[0]
        for effects in chunk.groups {
            for item in effects.items {
                switch item {
                case .reject(let reject, let order): try addReject(reject, order: order)
                case .rendered(let rendered): try sink.rendered(rendered)
                case .outcome(let outcome): try deliver(outcome)
                case .request, .orphan:
                    preconditionFailure("a chunk's requests are added up before it is applied")
                }
            }
        }
        do { try totals.merge(chunk.totals) } catch {
            throw .arithmetic(error, at: "the run's totals (request ids up to \(chunk.lastRequestID ?? "the first"))")
        }
        if let failure = chunk.failure { throw failure }
    }

    /// A whole group at once (`explain`): the same steps as the join.
    mutating func process(_ group: RequestGroup) throws(ReconcileError) {
        let joiner = self.joiner
        var cursor = GroupCursor(knownFiles: joiner.knownFiles)
        cursor.debits = group.debits
        for entry in group.entries { try joiner.step(&cursor, entry, into: &self) }
        try joiner.finish(&cursor, into: &self)
    }

    // MARK: Totals

    mutating func addReject(_ reject: Reject, order: RejectOrder) throws(ReconcileError) {
        result.rejectCount += 1
        result.counters.logRejected += reject.kind == .log ? 1 : 0
        try sink.reject(reject, order: order)
        if let limit = options.maxRejects, result.rejectCount > limit {
            throw .tooManyRejects(limit: limit, at: reject.source)
        }
    }

    /// A request (or orphan) joined one at a time: its credits settled, its totals, its row and
    /// credits to the sink.
    mutating func add(_ outcome: RequestOutcome) throws(ReconcileError) {
        let settled = joiner.settled(outcome)
        try totals.add(settled)
        try deliver(settled)
    }

    /// A settled request's row and credits to the sink (its totals are counted elsewhere).
    mutating func deliver(_ outcome: RequestOutcome) throws(ReconcileError) {
        for credit in outcome.credits { try sink.credit(credit) }
        if joiner.writesRow(outcome) { try sink.row(outcome) }
    }

    /// The run's result: what was counted while scanning, and the join's totals.
    func finish() -> ReconcileResult {
        var result = self.result
        let aggregates = totals.aggregates
        result.classTotals = aggregates.classTotals
        result.accounts = aggregates.accounts.keys.sorted { $0.utf8.lexicographicallyPrecedes($1.utf8) }.map { aggregates.accounts[$0]! }
        result.daily = aggregates.daily.keys.sorted().map { aggregates.daily[$0]! }
        result.totals = aggregates.totals
        result.creditTallies = totals.creditTallies
        result.warnings = totals.warnings
        result.drift = totals.drift
        result.counters.add(totals.counters)
        result.discrepancyRowCount = totals.discrepancyRowCount
        return result
    }
}

/// The one-id-at-a-time join applies every effect at once.
extension RunState: JoinEffects {
    mutating func count(_ counter: WritableKeyPath<RunCounters, Int>, _ amount: Int) {
        result.counters[keyPath: counter] += amount
    }

    mutating func reject(_ reject: Reject, order: RejectOrder) throws(ReconcileError) {
        try addReject(reject, order: order)
    }

    mutating func request(_ outcome: RequestOutcome, note: RequestNote, joiner: GroupJoiner) throws(ReconcileError) {
        totals.note(note)
        try add(outcome)
    }

    mutating func orphan(_ outcome: RequestOutcome, joiner: GroupJoiner) throws(ReconcileError) {
        try add(outcome)
    }
}

/// What the join sets aside per log line or debit (the first payload byte).
enum JoinEntryKind: UInt8 {
    case record = 0
    case otherShard = 1
    case outsideWindow = 2
    case debit = 3
}

/// Join keys: the request id, then 0 for a debit or 1 for a log line, then the debit's (or
/// line's) sequence — so one id's debits come first in ledger order, then its lines in input
/// order, and the lines can be handled one at a time.
enum JoinKey {
    /// The tag byte and the 8-byte sequence after the id.
    static let suffixLength = 9

    static func debit(requestID: String, sequence: Int) -> SortKey { key(requestID, tag: 0, sequence, capacity: 64) }

    /// A log line's (`tag` 1) or debit's (`tag` 0) key at the start of an encoder, for its
    /// payload to follow in the same array.
    static func entry(requestID: String, tag: UInt8, sequence: Int, capacity: Int) -> SpillEncoder {
        var encoder = SpillEncoder(capacity: 0)
        encoder.bytes = key(requestID, tag: tag, sequence, capacity: capacity).bytes
        return encoder
    }

    private static func key(_ requestID: String, tag: UInt8, _ sequence: Int, capacity: Int) -> SortKey {
        var key = SortKey(capacity: capacity)
        key.string(requestID)
        key.byte(tag)
        key.uint64(UInt64(sequence))
        return key
    }
}

/// Ids read from the join's sort, for the workers: their payloads back to back in one array
/// (one allocation per chunk, freed once, where an array per payload and per id cost two or
/// three allocations per request, each freed on another thread than the one that made it).
struct JoinChunk: Sendable {
    var bytes: [UInt8] = []
    /// Where each payload ends in `bytes`; a payload starts where the one before it ends.
    var payloadEnds: [Int] = []
    /// Where each id's payloads end in `payloadEnds`.
    var groupEnds: [Int] = []

    /// The end of the last payload; `bytes` may hold one more, read but not yet placed.
    var endOfPayloads: Int { payloadEnds.last ?? 0 }

    func payloadRange(_ index: Int) -> Range<Int> {
        (index == 0 ? 0 : payloadEnds[index - 1])..<payloadEnds[index]
    }

    func payloadIndices(ofGroup group: Int) -> Range<Int> {
        (group == 0 ? 0 : groupEnds[group - 1])..<groupEnds[group]
    }

    /// The whole ids, moved out; only the bytes after them (a payload read ahead) stay.
    mutating func takeGroups() -> JoinChunk {
        let end = endOfPayloads
        var rest: [UInt8] = []
        rest.reserveCapacity(Swift.max(bytes.capacity, bytes.count - end))
        rest.append(contentsOf: bytes[end...])
        bytes.removeSubrange(end...)
        swap(&rest, &bytes)
        let taken = JoinChunk(bytes: rest, payloadEnds: payloadEnds, groupEnds: groupEnds)
        payloadEnds.removeAll(keepingCapacity: true)
        groupEnds.removeAll(keepingCapacity: true)
        return taken
    }

    /// The payloads from `index` on (an id not closed yet), moved out as one group; the bytes
    /// read after them stay.
    mutating func split(atPayload index: Int) -> JoinChunk {
        let start = index == 0 ? 0 : payloadEnds[index - 1]
        let end = endOfPayloads
        let partial = JoinChunk(bytes: Array(bytes[start..<end]), payloadEnds: payloadEnds[index...].map { $0 - start },
                                groupEnds: [payloadEnds.count - index])
        bytes.removeSubrange(start..<end)
        payloadEnds.removeSubrange(index...)
        return partial
    }
}

/// One request id's lines and debits (`explain` builds one; the join streams them through a
/// `GroupCursor` instead).
struct RequestGroup {
    enum Entry {
        case record(LogRecord, TokenCounts, JoinCharge, raw: [UInt8]?, sequence: Int)
        case otherShard(requestID: String, account: String, source: SourceLocation, raw: [UInt8]?, sequence: Int)
        case outsideWindow(account: String)
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
            let counts = try decoder.value(TokenCounts.self)
            let charge = try decoder.value(JoinCharge.self)
            let raw = try decoder.optional { decoder throws(SpillCorrupt) in Array(try decoder.raw()) }
            return .record(record, counts, charge, raw: raw, sequence: sequence)
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

/// A fixed-size Bloom filter of request ids (8 MiB, 3 probes in one 64-byte block): no false
/// negatives, so every repeated id is flagged; about 1 in 8,000 first sightings are flagged too
/// at a million ids, which only costs keeping that line's bytes a little longer.
struct RequestIDFilter {
    static let bitCount = 1 << 26
    private var words = [UInt64](repeating: 0, count: bitCount / 64)

    /// Adds `id`; true when it may have been added before.
    mutating func insert(_ id: String) -> Bool {
        var utf8 = id
        return utf8.withUTF8 { insert(idKey: $0) }
    }

    /// Adds the id whose bytes (its UTF-8, or any one-to-one encoding of it such as its sort
    /// key) are `idKey`; true when it may have been added before.
    mutating func insert(idKey bytes: UnsafeBufferPointer<UInt8>) -> Bool {
        var hash: UInt64 = 0xcbf2_9ce4_8422_2325
        for byte in bytes { hash = (hash ^ UInt64(byte)) &* 0x0000_0100_0000_01B3 }
        // Blocked: all three bits in one 512-bit block (one cache line, where three spread-out
        // bits cost three misses into 8 MiB on the scan's sequential path), at a slightly
        // higher false-positive rate.
        let block = Int(Self.mix(hash &+ 0x9E37_79B9_7F4A_7C15) % UInt64(Self.bitCount / 512)) * 8
        let bits = Self.mix(hash &+ 0x3C6E_F372_FE94_F82A)
        var present = true
        for probe in 0..<3 {
            let bit = Int(truncatingIfNeeded: bits >> UInt64(9 * probe)) & 511
            let word = block + (bit >> 6)
            let mask: UInt64 = 1 << UInt64(bit & 63)
            if words[word] & mask == 0 {
                present = false
                words[word] |= mask
            }
        }
        return present
    }

    /// SplitMix64's finalizer.
    private static func mix(_ value: UInt64) -> UInt64 {
        var mixed = value
        mixed = (mixed ^ (mixed >> 30)) &* 0xBF58_476D_1CE4_E5B9
        mixed = (mixed ^ (mixed >> 27)) &* 0x94D0_49BB_1331_11EB
        return mixed ^ (mixed >> 31)
    }
}

/// Where a reject sits in `rejects.jsonl`: ledger lines first, then log lines in input order.
public struct RejectOrder: Sendable {
    let key: SortKey

    init(ledgerItem: Int) {
        var key = SortKey()
        key.byte(0)
        key.uint64(UInt64(ledgerItem))
        self.key = key
    }

    init(logLine: Int) {
        var key = SortKey()
        key.byte(1)
        key.uint64(UInt64(logLine))
        self.key = key
    }

    var bytes: [UInt8] { key.bytes }
}

/// Receives a run's rows, credits and rejects as the join produces them (request id order,
/// not report order: putting them in report order is the sink's job).
public protocol OutcomeSink: AnyObject {
    /// A row of `discrepancies.csv`: every request not `ok`, or every request with `--all-rows`.
    func row(_ outcome: RequestOutcome) throws(ReconcileError)
    /// Every credit found, whatever its status.
    func credit(_ credit: Credit) throws(ReconcileError)
    func reject(_ reject: Reject, order: RejectOrder) throws(ReconcileError)
    /// For a sink that keeps rows and credits rendered: how it renders them, so the join's
    /// workers can render ahead and hand over `rendered(_:)` instead. nil (the default) for a
    /// sink that keeps the outcomes themselves.
    var renderer: OutcomeRenderer? { get }
    /// What `renderer` made of one request's row (if written) and credits. Called only when
    /// `renderer` is not nil.
    func rendered(_ records: RenderedOutcome) throws(ReconcileError)
}

extension OutcomeSink {
    public var renderer: OutcomeRenderer? { nil }
    public func rendered(_ records: RenderedOutcome) throws(ReconcileError) {
        preconditionFailure("\(Self.self) has no renderer, so nothing is rendered for it")
    }
}

/// A request's row and credits as a rendering sink keeps them.
public struct RenderedOutcome: Sendable {
    var row: SortedRecord?
    var credits: [SortedRecord] = []
}

/// The rendering half of a sink that keeps rendered records (`SpillingSink`): pure, so the
/// join's workers can run it.
public struct OutcomeRenderer: Sendable {
    let rendering: ReportRendering

    /// Exactly what the sink's `row` and `credit` would keep: the row when written, and the
    /// issued credits (the others are in the totals only).
    func render(_ outcome: RequestOutcome, writesRow: Bool) -> RenderedOutcome {
        RenderedOutcome(row: writesRow ? rendering.row(outcome) : nil,
                        credits: outcome.credits.compactMap { $0.status == .issued ? rendering.credit($0) : nil })
    }
}

/// Keeps everything in memory, for tests, `explain` and `statement` (which keeps one account).
public final class CollectingSink: OutcomeSink {
    let keepRow: (RequestOutcome) -> Bool
    private var rows: [(key: [UInt8], outcome: RequestOutcome)] = []
    private var credits: [(key: [UInt8], credit: Credit)] = []
    private var rejects: [(key: [UInt8], reject: Reject)] = []

    public init(keepRow: @escaping (RequestOutcome) -> Bool = { _ in true }) { self.keepRow = keepRow }

    public func row(_ outcome: RequestOutcome) {
        if keepRow(outcome) { rows.append((ReportOrder.row(outcome).bytes, outcome)) }
    }

    public func credit(_ credit: Credit) { credits.append((ReportOrder.credit(credit).bytes, credit)) }

    public func reject(_ reject: Reject, order: RejectOrder) { rejects.append((order.bytes, reject)) }

    /// Puts the collected rows, credits and rejects into `result`, in report order.
    public func attach(to result: inout ReconcileResult) {
        result.rows = rows.sorted { $0.key.lexicographicallyPrecedes($1.key) }.map(\.outcome)
        result.credits = credits.sorted { $0.key.lexicographicallyPrecedes($1.key) }.map(\.credit)
        result.rejects = rejects.sorted { $0.key.lexicographicallyPrecedes($1.key) }.map(\.reject)
    }
}

/// The orders of the per-request outputs, as sort keys.
enum ReportOrder {
    /// Start time (the instant; orphans without a time last), then request id (byte order),
    /// then class.
    static func row(_ outcome: RequestOutcome) -> SortKey {
        var key = SortKey()
        key.time(outcome.time)
        key.string(outcome.requestID)
        key.byte(UInt8(DiscrepancyClass.allCases.firstIndex(of: outcome.outcomeClass)!))
        return key
    }

    /// Account (byte order), then request time, then credit id.
    static func credit(_ credit: Credit) -> SortKey {
        var key = SortKey()
        key.string(credit.account)
        key.time(credit.requestTime)
        key.string(credit.creditID)
        return key
    }
}
