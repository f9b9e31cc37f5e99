/// The effects of one request id, collected on a worker thread; `RunState.apply` replays them
/// in order (counters are sums, so only their totals are kept).
struct GroupEffects: JoinEffects, Sendable {
    /// Outcomes are settled (`GroupJoiner.settled`) and, with a renderer, rendered.
    enum Item {
        case reject(Reject, RejectOrder)
        case request(RequestOutcome, RequestNote, RenderedOutcome?)
        case orphan(RequestOutcome, RenderedOutcome?)
        /// A request or orphan already added up (`ChunkEffects`): only its delivery to the sink
        /// is left — its rendering, or the outcome itself for a sink without a renderer.
        case rendered(RenderedOutcome)
        case outcome(RequestOutcome)
    }

    var counters = RunCounters()
    var items: [Item] = []
    /// The error the id's join stopped at, raised when the group is applied (after everything
    /// before it, as a run one id at a time would).
    var failure: ReconcileError?

    mutating func count(_ counter: WritableKeyPath<RunCounters, Int>, _ amount: Int) {
        counters[keyPath: counter] += amount
    }
    mutating func reject(_ reject: Reject, order: RejectOrder) { items.append(.reject(reject, order)) }
    /// Outcomes are settled and rendered here, on the worker.
    mutating func request(_ outcome: RequestOutcome, note: RequestNote, joiner: GroupJoiner) {
        let settled = joiner.settled(outcome)
        let rendered = joiner.render(settled)
        items.append(.request(settled, note, rendered))
    }

    mutating func orphan(_ outcome: RequestOutcome, joiner: GroupJoiner) {
        let settled = joiner.settled(outcome)
        let rendered = joiner.render(settled)
        items.append(.orphan(settled, rendered))
    }
}

/// A chunk of ids worked out on the workers and added up there too: `totals` holds the sums
/// of its requests, `groups` only what is left for the sink (rejects, rows, credits) — for
/// most requests (`ok`, no credit) nothing — and `failure` the error the chunk stopped at.
struct ChunkEffects: Sendable {
    var groups: [GroupEffects] = []
    var totals: RunTotals
    var failure: ReconcileError?
    /// The last request added up, to say where a sum that overflows when merged was reached.
    var lastRequestID: String?

    /// Adds up `groups` in id order; stops at the first error, keeping what came before it.
    init(absorbing groups: [GroupEffects], joiner: GroupJoiner) {
        totals = RunTotals(dayOffsetSeconds: joiner.options.dayOffsetSeconds)
        for var group in groups {
            totals.counters.add(group.counters)
            var left: [GroupEffects.Item] = []
            defer {
                if !left.isEmpty {
                    group.items = left
                    self.groups.append(group)
                }
            }
            for item in group.items {
                do throws(ReconcileError) {
                    switch item {
                    case .reject, .rendered, .outcome:
                        left.append(item)
                    case .request(let outcome, let note, let rendered):
                        totals.note(note)
                        try totals.add(outcome)
                        lastRequestID = outcome.requestID
                        if let delivery = Self.delivery(outcome, rendered) { left.append(delivery) }
                    case .orphan(let outcome, let rendered):
                        try totals.add(outcome)
                        lastRequestID = outcome.requestID
                        if let delivery = Self.delivery(outcome, rendered) { left.append(delivery) }
                    }
                } catch {
                    failure = error
                    return
                }
            }
            if let stop = group.failure {
                failure = stop
                return
            }
        }
    }

    /// What the sink still gets: the rendering when there is one (nothing for a request with
    /// no row and no issued credit), else the outcome.
    private static func delivery(_ outcome: RequestOutcome, _ rendered: RenderedOutcome?) -> GroupEffects.Item? {
        guard let rendered else { return .outcome(outcome) }
        return rendered.row == nil && rendered.credits.isEmpty ? nil : .rendered(rendered)
    }
}
