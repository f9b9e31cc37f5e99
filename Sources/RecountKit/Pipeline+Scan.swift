/// The scans that feed the join, in input order: the ledger (stage 1), then the logs (stages
/// 2–5), a batch at a time on the workers (`BatchScanner`).
extension ReconcilePipeline {
    /// Stage 1: every ledger item set aside (debits) or reported (rejects), in ledger order.
    func scanLedger(at path: String, state: inout RunState, joiner: ExternalSorter) throws(ReconcileError) {
        let ledger: DebitLedgerStream
        do { ledger = try DebitLedgerStream(path: path) } catch { throw .input(error) }
        state.startLedger(path: path)
        if options.jobs > 1 && ledger.readsLinesIndependently {
            try scanLedgerInBatches(ledger, path: path, state: &state, joiner: joiner)
        } else {
            while true {
                let item: DebitLedgerStream.Item?
                do { item = try ledger.next() } catch { throw .input(error) }
                guard let item else { break }
                try state.scan(item, joiner: joiner)
            }
        }
        state.result.inputs[state.result.inputs.count - 1].bytes = ledger.bytesRead
        state.result.inputs[state.result.inputs.count - 1].lines = ledger.lineNumber
    }

    /// The JSONL ledger with more than one job: batches of lines are parsed on the workers
    /// (JSON decoding is most of the ledger's cost) while this thread sets aside the previous
    /// batch's debits in ledger order — the same items, in the same order, as `next()` gives.
    func scanLedgerInBatches(
        _ ledger: DebitLedgerStream, path: String, state: inout RunState,
        joiner: ExternalSorter
    ) throws(ReconcileError) {
        var scanner = BatchScanner<RunState.PreparedLedgerItem>(
            itemsMax: Self.ledgerBatchLines, bytesMax: Self.batchBytes, overlaps: true)
        func scan(_ pending: PendingBatch<RunState.PreparedLedgerItem>) throws(ReconcileError) {
            for item in pending.takeAll() { try state.scan(item, ledger: ledger, joiner: joiner) }
        }
        func next() throws(ReconcileError) -> LineReader.Line? {
            do { return try ledger.nextLine() } catch { throw .input(error) }
        }
        try scanner.scan(
            next: next, bytes: \.bytes.count,
            start: { lines in
                Workers(jobs: options.jobs).start(count: lines.count) { index in
                    RunState.PreparedLedgerItem(DebitLedgerStream.parseJSONL(lines[index], path: path))
                }
            }, scan: scan)
        try scanner.finish(scan: scan)
    }

    /// Stages 2–5 over every log, in the order given; each line's result set aside in input
    /// order (`RunState.scan`). Returns the numbering's end: where `--bodies` lines go on.
    @discardableResult
    func scanLogs(state: inout RunState, joiner: ExternalSorter) throws(ReconcileError) -> Int {
        var linesBefore = 0
        var recordsRead = 0
        var scanner = BatchScanner<Evaluated>(
            itemsMax: Self.batchLines, bytesMax: Self.batchBytes, overlaps: options.jobs > 1)
        func scan(_ pending: PendingBatch<Evaluated>) throws(ReconcileError) {
            // Items are moved out from the back of a reversed batch: iterating would copy each
            // one (a retain and a release per string and array in it).
            var items = pending.takeAll()
            items.reverse()
            for sequence in pending.sequences {
                guard let item = items.popLast() else { break }
                try state.scan(item, sequence: sequence, joiner: joiner)
            }
            recordsRead += pending.sequences.count
            progress?(pending.bytesRead, recordsRead)
        }
        // The gateway database (when given) first, then each PATH log: all read as lines, the
        // database's numbered by `logs.id` (its rows come in id order).
        for input in options.logInputs {
            let reader: any LogLineSource
            do { reader = try input.open(from: options.from, until: options.until) } catch { throw .input(error) }
            let path = input.name
            state.result.inputs.append(InputFileInfo(path: path, kind: input.kind))
            func next() throws(ReconcileError) -> LineReader.Line? {
                do { return try reader.next() } catch { throw .input(error) }
            }
            try scanner.scan(
                next: next, bytes: \.bytes.count,
                start: { batch in
                    start(batch, file: path, linesBefore: linesBefore, bytesRead: reader.bytesRead)
                }, scan: scan)
            state.result.inputs[state.result.inputs.count - 1].bytes = reader.bytesRead
            state.result.inputs[state.result.inputs.count - 1].lines = reader.lineNumber
            linesBefore += reader.lastNumber
        }
        try scanner.finish(scan: scan)
        return linesBefore
    }

    /// Starts evaluating a batch of log lines: inline with one job, in the background with more.
    func start(_ batch: [LineReader.Line], file: String, linesBefore: Int, bytesRead: Int) -> PendingBatch<Evaluated> {
        Workers(jobs: options.jobs).start(
            count: batch.count, sequences: batch.map { linesBefore + $0.number },
            bytesRead: bytesRead
        ) { index in
            RunState.joinEntry(self.evaluate(batch[index], file: file), sequence: linesBefore + batch[index].number)
        }
    }
}
