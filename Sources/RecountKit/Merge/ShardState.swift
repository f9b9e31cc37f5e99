import Foundation

/// `shard.state`: what `recount reconcile --shard K/N` leaves beside its reports so that
/// `recount merge` can write exactly what one unsharded run would have.
///
/// The reports alone cannot be merged: amounts in them are rounded for display, and CSV cells
/// are neutralised (`'=x` could be a neutralised `=x` or a logged `'=x`). So the state keeps the
/// exact totals (rationals), and every row, credit and reject as its rendered bytes with its
/// sort key — `merge` sums the totals and k-way merges the sections by key.
///
/// Layout: a magic line; three sections of framed records (`[varint key length][key][varint
/// payload length][payload]`, the sorted-run format) — rows, credits, rejects; the summary
/// (`ShardSummary`); and a 40-byte trailer with the four section offsets and the end magic.
enum ShardStateFormat {
    static let magic = Array("recount.shard-state/1\n".utf8)
    static let endMagic = Array("RCSTATE1".utf8)
    static let trailerLength = 4 * 8 + 8
}

/// Writes `shard.state` while `ReportWriter` streams the reports.
final class ShardStateWriter {
    let file: any ReportFile
    private var written = 0
    private var sectionStarts: [Int] = []

    init(_ file: any ReportFile) throws(OutputError) {
        self.file = file
        try write(ShardStateFormat.magic)
    }

    private func write(_ bytes: [UInt8]) throws(OutputError) {
        try file.write(bytes)
        written += bytes.count
    }

    func beginSection() throws(OutputError) { sectionStarts.append(written) }

    func append(_ record: SortedRecord) throws(OutputError) {
        var frame = SpillEncoder(capacity: record.key.count + record.payload.count + 10)
        frame.raw(record.key)
        frame.raw(record.payload)
        try write(frame.bytes)
    }

    func finish(summary: ShardSummary) throws(OutputError) {
        precondition(sectionStarts.count == 3, "rows, credits and rejects sections")
        let summaryStart = written
        try write(summary.encoded())
        var trailer = SortKey()
        for offset in sectionStarts + [summaryStart] { trailer.uint64(UInt64(offset)) }
        try write(trailer.bytes + ShardStateFormat.endMagic)
        try file.close()
    }
}

/// The exact totals and the parameters of one shard's run.
struct ShardSummary {
    var result: ReconcileResult
    var parameters: RunParameters

    init(result: ReconcileResult, parameters: RunParameters) {
        self.result = result
        self.parameters = parameters
    }

    func encoded() -> [UInt8] {
        var out = SpillEncoder(capacity: 4096)
        out.string(RecountKit.version)
        Self.encode(parameters, shard: true, into: &out)
        let unit = result.unit
        out.optional(unit) { out, unit in
            out.string(unit.name)
            out.string(unit.currency)
            out.rational(unit.perCurrency)
            out.int(unit.scale)
        }
        out.array(result.inputs) { $0.input($1) }
        let c = result.counters
        for value in [c.requests, c.debits, c.orphanDebits, c.blankLines, c.debitBlankLines, c.logRejected, c.debitsRejected,
                      c.outsideWindow, c.otherShard, c.billedAmountMismatches] { out.int(value) }
        out.countMap(result.warnings.unlistedGroups)
        out.countMap(result.warnings.fallbackEncodingModels)
        out.int(result.warnings.recountIncomplete)
        out.tally(result.drift.prompt)
        out.tally(result.drift.completion)
        out.array(result.drift.byModel.sorted { $0.key.utf8.lexicographicallyPrecedes($1.key.utf8) }) { out, pair in
            out.string(pair.key)
            out.tally(pair.value)
        }
        out.array(DiscrepancyClass.allCases.compactMap { klass in result.classTotals[klass].map { (klass, $0) } }) { out, pair in
            out.string(pair.0.rawValue)
            out.classTotals(pair.1)
        }
        out.array(result.accounts) { out, account in
            out.string(account.account)
            out.int(account.requests)
            for value in [account.recorded, account.expected, account.over, account.under, account.credits] { out.rational(value) }
        }
        out.array(result.daily) { out, day in
            out.string(day.day)
            out.string(day.model)
            out.int(day.requests)
            out.int(day.promptTokens)
            out.int(day.completionTokens)
            out.rational(day.recorded)
            out.rational(day.expected)
        }
        out.classTotals(result.totals)
        out.array([Credit.Status.issued, .already_issued, .withheld]) { out, status in
            let tally = result.tally(status)
            out.int(tally.count)
            out.rational(tally.amount)
        }
        out.int(result.discrepancyRowCount)
        out.int(result.rejectCount)
        return out.bytes
    }

    /// The parameters every shard of one run must share (`shard` itself excluded).
    static func encode(_ parameters: RunParameters, shard: Bool, into out: inout SpillEncoder) {
        out.string(parameters.command)
        out.string(parameters.basis.rawValue)
        out.rational(parameters.tolerance)
        out.optional(parameters.minimumCredit) { $0.rational($1) }
        out.optional(parameters.from) { $0.timestamp($1) }
        out.optional(parameters.until) { $0.timestamp($1) }
        out.optional(parameters.asOf) { $0.timestamp($1) }
        if shard {
            out.optional(parameters.shard) { out, shard in
                out.int(shard.index)
                out.int(shard.count)
            }
        }
        out.bool(parameters.allRows)
        out.optionalInt(parameters.maxRejects)
        out.bool(parameters.csvBOM)
        out.int(Int(parameters.dayOffsetSeconds))
        out.optional(parameters.pricing) { $0.input($1) }
        out.array(parameters.issued) { $0.input($1) }
    }

    static func decode(_ bytes: [UInt8]) throws(SpillCorrupt) -> ShardSummary {
        var input = SpillDecoder(bytes)
        let version = try input.string()
        guard version == RecountKit.version else {
            throw SpillCorrupt(what: "written by recount \(version); this is \(RecountKit.version)")
        }
        var parameters = RunParameters()
        parameters.command = try input.string()
        parameters.basis = try input.enumeration(BasisPolicy.self)
        parameters.tolerance = try input.rational()
        parameters.minimumCredit = try input.optional { input throws(SpillCorrupt) in try input.rational() }
        parameters.from = try input.optional { input throws(SpillCorrupt) in try input.timestamp() }
        parameters.until = try input.optional { input throws(SpillCorrupt) in try input.timestamp() }
        parameters.asOf = try input.optional { input throws(SpillCorrupt) in try input.timestamp() }
        parameters.shard = try input.optional { input throws(SpillCorrupt) in
            let index = try input.int(), count = try input.int()
            guard count >= 1, count <= 10_000, (0..<count).contains(index) else { throw SpillCorrupt(what: "bad shard \(index)/\(count)") }
            return Shard(index: index, count: count)
        }
        parameters.allRows = try input.bool()
        parameters.maxRejects = try input.optionalInt()
        parameters.csvBOM = try input.bool()
        parameters.dayOffsetSeconds = Int32(clamping: try input.int())
        parameters.pricing = try input.optional { input throws(SpillCorrupt) in try input.input() }
        parameters.issued = try input.array { input throws(SpillCorrupt) in try input.input() }

        var result = ReconcileResult()
        result.unit = try input.optional { input throws(SpillCorrupt) in
            PriceCatalog.Unit(name: try input.string(), currency: try input.string(), perCurrency: try input.rational(), scale: try input.int())
        }
        result.inputs = try input.array { input throws(SpillCorrupt) in try input.input() }
        var c = RunCounters()
        c.requests = try input.int()
        c.debits = try input.int()
        c.orphanDebits = try input.int()
        c.blankLines = try input.int()
        c.debitBlankLines = try input.int()
        c.logRejected = try input.int()
        c.debitsRejected = try input.int()
        c.outsideWindow = try input.int()
        c.otherShard = try input.int()
        c.billedAmountMismatches = try input.int()
        result.counters = c
        result.warnings.unlistedGroups = try input.countMap()
        result.warnings.fallbackEncodingModels = try input.countMap()
        result.warnings.recountIncomplete = try input.int()
        result.drift.prompt = try input.tally()
        result.drift.completion = try input.tally()
        for (model, tally) in try input.array({ input throws(SpillCorrupt) in (try input.string(), try input.tally()) }) {
            result.drift.byModel[model] = tally
        }
        for (name, totals) in try input.array({ input throws(SpillCorrupt) in (try input.string(), try input.classTotals()) }) {
            guard let klass = DiscrepancyClass(rawValue: name) else { throw SpillCorrupt(what: "unknown class \(name)") }
            result.classTotals[klass] = totals
        }
        result.accounts = try input.array { input throws(SpillCorrupt) in
            var account = AccountTotals(account: try input.string())
            account.requests = try input.int()
            account.recorded = try input.rational()
            account.expected = try input.rational()
            account.over = try input.rational()
            account.under = try input.rational()
            account.credits = try input.rational()
            return account
        }
        result.daily = try input.array { input throws(SpillCorrupt) in
            var day = DailyTotals(day: try input.string(), model: try input.string())
            day.requests = try input.int()
            day.promptTokens = try input.int()
            day.completionTokens = try input.int()
            day.recorded = try input.rational()
            day.expected = try input.rational()
            return day
        }
        result.totals = try input.classTotals()
        let statuses = [Credit.Status.issued, .already_issued, .withheld]
        let tallies = try input.array { input throws(SpillCorrupt) in CreditTally(count: try input.int(), amount: try input.rational()) }
        guard tallies.count == statuses.count else { throw SpillCorrupt(what: "credit tallies") }
        for (status, tally) in zip(statuses, tallies) { result.creditTallies[status] = tally }
        result.discrepancyRowCount = try input.int()
        result.rejectCount = try input.int()
        guard input.isAtEnd else { throw SpillCorrupt(what: "summary has trailing bytes") }
        return ShardSummary(result: result, parameters: parameters)
    }
}

extension SpillEncoder {
    mutating func input(_ info: InputFileInfo) {
        string(info.path)
        string(info.kind)
        int(info.bytes)
        int(info.lines)
    }

    mutating func countMap(_ map: [String: Int]) {
        array(map.sorted { $0.key.utf8.lexicographicallyPrecedes($1.key.utf8) }) { out, pair in
            out.string(pair.key)
            out.int(pair.value)
        }
    }

    mutating func tally(_ tally: TokenDrift.Tally) {
        for value in [tally.requests, tally.differing, tally.recountTokens, tally.upstreamTokens] { int(value) }
    }

    mutating func classTotals(_ totals: ClassTotals) {
        int(totals.count)
        rational(totals.recorded)
        rational(totals.expected)
        rational(totals.credits)
    }
}

extension SpillDecoder {
    mutating func input() throws(SpillCorrupt) -> InputFileInfo {
        InputFileInfo(path: try string(), kind: try string(), bytes: try int(), lines: try int())
    }

    mutating func countMap() throws(SpillCorrupt) -> [String: Int] {
        var map: [String: Int] = [:]
        for (key, value) in try array({ input throws(SpillCorrupt) in (try input.string(), try input.int()) }) { map[key] = value }
        return map
    }

    mutating func tally() throws(SpillCorrupt) -> TokenDrift.Tally {
        TokenDrift.Tally(requests: try int(), differing: try int(), recountTokens: try int(), upstreamTokens: try int())
    }

    mutating func classTotals() throws(SpillCorrupt) -> ClassTotals {
        ClassTotals(count: try int(), recorded: try rational(), expected: try rational(), credits: try rational())
    }
}
