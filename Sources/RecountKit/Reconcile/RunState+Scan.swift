import TokenCounter

/// The scan, in input order: each ledger item and log line set aside in the join's sort under
/// its request id (`JoinKey`), or counted (blank lines) and reported (rejects) at once.
extension RunState {
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
            try spill(
                joiner, key: JoinKey.debit(requestID: debit.requestID, sequence: debit.sequence), payload: payload)
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
    mutating func scan(
        _ prepared: PreparedLedgerItem, ledger: DebitLedgerStream, joiner: ExternalSorter
    ) throws(ReconcileError) {
        guard case .debit(let entry, let keyLength) = prepared else {
            if case .other(let item) = prepared { try scan(ledger.numbered(item), joiner: joiner) }
            return
        }
        ledgerItems += 1
        let sequence = ledger.nextSequence()
        var trailer = SpillEncoder(capacity: 10)
        trailer.int(sequence)
        // The key ends in the sequence, big-endian (`JoinKey`).
        do {
            try joiner.add(entry: entry, keyLength: keyLength, keyTail: UInt64(sequence), trailer: trailer.bytes)
        } catch { throw .spill(error) }
    }

    mutating func scan(
        _ item: ReconcilePipeline.Evaluated, sequence: Int, joiner: ExternalSorter
    ) throws(ReconcileError) {
        switch item {
        case .blank:
            if reportsUnattributed { result.counters.blankLines += 1 }
        case .nonRequest:
            if reportsUnattributed { result.counters.nonRequestRows += 1 }
        case .rejected(let reject):
            guard reportsUnattributed else { return }
            try addReject(reject, order: RejectOrder(logLine: sequence))
        case .skipped, .record:
            try scan(Self.joinEntry(item, sequence: sequence), sequence: sequence, joiner: joiner)
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
            do { try joiner.add(entry: entry, keyLength: keyLength, trailer: trailer.bytes) } catch {
                throw .spill(error)
            }
        }
    }

    /// The last field of a line's join entry when its bytes do not ride along (`optional(nil)`).
    private static let noRawTrailer: [UInt8] = {
        var encoder = SpillEncoder()
        encoder.optional(nil as [UInt8]?) { $0.raw($1) }
        return encoder.bytes
    }()

    private func spill(_ joiner: ExternalSorter, key: SortKey, payload: SpillEncoder) throws(ReconcileError) {
        do { try joiner.add(key: key.bytes, payload: payload.bytes) } catch { throw .spill(error) }
    }
}
