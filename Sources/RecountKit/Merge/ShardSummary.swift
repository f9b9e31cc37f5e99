import Foundation

/// The exact totals and the parameters of one shard's run: the part of `shard.state` after
/// its three sections.
///
/// Each type below is written and read by one pair of functions side by side
/// (`SpillCodable`); `SpillCodecTests` round-trips every one of them from seeded random values.
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
        out.value(parameters)
        out.value(result)
        return out.bytes
    }

    static func decode(_ bytes: [UInt8]) throws(SpillCorrupt) -> ShardSummary {
        var input = SpillDecoder(bytes)
        let version = try input.string()
        guard version == RecountKit.version else {
            throw SpillCorrupt(what: "written by recount \(version); this is \(RecountKit.version)")
        }
        let parameters = try input.value(RunParameters.self)
        let result = try input.value(ReconcileResult.self)
        guard input.isAtEnd else { throw SpillCorrupt(what: "summary has trailing bytes") }
        return ShardSummary(result: result, parameters: parameters)
    }

    /// The parameters every shard of one run must share (`shard` itself excluded).
    static func encode(_ parameters: RunParameters, shard: Bool, into out: inout SpillEncoder) {
        parameters.encode(to: &out, includingShard: shard)
    }
}

extension RunParameters: SpillCodable {
    func encode(to out: inout SpillEncoder) { encode(to: &out, includingShard: true) }

    func encode(to out: inout SpillEncoder, includingShard: Bool) {
        out.string(command)
        out.string(basis.rawValue)
        out.rational(tolerance)
        out.optional(minimumCredit) { $0.rational($1) }
        out.optional(from) { $0.timestamp($1) }
        out.optional(until) { $0.timestamp($1) }
        out.optional(asOf) { $0.timestamp($1) }
        if includingShard {
            out.optional(shard) { out, shard in
                out.int(shard.index)
                out.int(shard.count)
            }
        }
        out.bool(allRows)
        out.optionalInt(maxRejects)
        out.bool(csvBOM)
        out.int(Int(dayOffsetSeconds))
        out.optional(pricing) { $0.value($1) }
        out.array(issued) { $0.value($1) }
        // The database source: every shard read the same one, and `merge` names it as one run would.
        out.optional(gatewayDatabase) { out, database in
            out.string(database.source)
            out.string(database.passwordFrom)
            out.int(Int(database.readMarginSeconds))
        }
        // `--also-currency`: every shard must show the same money, at the same rate.
        out.optional(alsoCurrency) { out, conversion in
            out.string(conversion.name)
            out.rational(conversion.factor)
            out.int(conversion.scale)
            out.string(conversion.formula)
        }
    }

    init(from input: inout SpillDecoder, strings: inout SpillStrings) throws(SpillCorrupt) {
        self.init()
        command = try input.string()
        basis = try input.enumeration(BasisPolicy.self)
        tolerance = try input.rational()
        minimumCredit = try input.optional { input throws(SpillCorrupt) in try input.rational() }
        from = try input.optional { input throws(SpillCorrupt) in try input.timestamp() }
        until = try input.optional { input throws(SpillCorrupt) in try input.timestamp() }
        asOf = try input.optional { input throws(SpillCorrupt) in try input.timestamp() }
        shard = try input.optional { input throws(SpillCorrupt) in
            let index = try input.int(), count = try input.int()
            guard count >= 1, count <= 10_000, (0..<count).contains(index) else {
                throw SpillCorrupt(what: "bad shard \(index)/\(count)")
            }
            return Shard(index: index, count: count)
        }
        allRows = try input.bool()
        maxRejects = try input.optionalInt()
        csvBOM = try input.bool()
        dayOffsetSeconds = Int32(clamping: try input.int())
        pricing = try input.optional { input throws(SpillCorrupt) in try input.value(InputFileInfo.self) }
        issued = try input.array { input throws(SpillCorrupt) in try input.value(InputFileInfo.self) }
        gatewayDatabase = try input.optional { input throws(SpillCorrupt) in
            GatewayDatabaseSummary(
                source: try input.string(), passwordFrom: try input.string(), readMarginSeconds: Int64(try input.int()))
        }
        alsoCurrency = try input.optional { input throws(SpillCorrupt) in
            AmountConversion(
                kind: .money, name: try input.string(), factor: try input.rational(), scale: try input.int(),
                formula: try input.string())
        }
    }
}

/// The totals of a run; its rows, credits and rejects are in the state's sections instead.
extension ReconcileResult: SpillCodable {
    /// The credit statuses whose tallies are kept, in this order.
    static let spilledCreditStatuses: [Credit.Status] = [.issued, .already_issued, .withheld]

    func encode(to out: inout SpillEncoder) {
        out.optional(unit) { $0.value($1) }
        out.array(inputs) { $0.value($1) }
        out.value(counters)
        out.value(warnings)
        out.value(drift)
        out.array(DiscrepancyClass.allCases.compactMap { klass in classTotals[klass].map { (klass, $0) } }) {
            out, pair in
            out.string(pair.0.rawValue)
            out.value(pair.1)
        }
        out.array(accounts) { $0.value($1) }
        out.array(daily) { $0.value($1) }
        out.value(totals)
        out.array(Self.spilledCreditStatuses) { $0.value(tally($1)) }
        out.int(discrepancyRowCount)
        out.int(rejectCount)
    }

    init(from input: inout SpillDecoder, strings: inout SpillStrings) throws(SpillCorrupt) {
        self.init()
        unit = try input.optional { input throws(SpillCorrupt) in try input.value(PriceCatalog.Unit.self) }
        inputs = try input.array { input throws(SpillCorrupt) in try input.value(InputFileInfo.self) }
        counters = try input.value()
        warnings = try input.value()
        drift = try input.value()
        let classes = try input.array { input throws(SpillCorrupt) in
            (try input.string(), try input.value(ClassTotals.self))
        }
        for (name, totals) in classes {
            guard let klass = DiscrepancyClass(rawValue: name) else {
                throw SpillCorrupt(what: "unknown class \(name)")
            }
            classTotals[klass] = totals
        }
        accounts = try input.array { input throws(SpillCorrupt) in try input.value(AccountTotals.self) }
        daily = try input.array { input throws(SpillCorrupt) in try input.value(DailyTotals.self) }
        totals = try input.value()
        let tallies = try input.array { input throws(SpillCorrupt) in try input.value(CreditTally.self) }
        guard tallies.count == Self.spilledCreditStatuses.count else { throw SpillCorrupt(what: "credit tallies") }
        for (status, tally) in zip(Self.spilledCreditStatuses, tallies) { creditTallies[status] = tally }
        discrepancyRowCount = try input.int()
        rejectCount = try input.int()
    }
}

extension PriceCatalog.Unit: SpillCodable {
    func encode(to out: inout SpillEncoder) {
        out.string(name)
        out.string(currency)
        out.rational(perCurrency)
        out.int(scale)
        out.optional(site) { out, site in
            out.string(site.name)
            out.string(site.currency)
            out.rational(site.perCurrency)
            out.rational(site.topupRate)
            out.int(site.scale)
        }
    }

    init(from input: inout SpillDecoder, strings: inout SpillStrings) throws(SpillCorrupt) {
        self.init(
            name: try input.string(), currency: try input.string(), perCurrency: try input.rational(),
            scale: try input.int())
        site = try input.optional { input throws(SpillCorrupt) in
            PriceCatalog.SiteUnit(
                name: try input.string(), currency: try input.string(), perCurrency: try input.rational(),
                topupRate: try input.rational(), scale: try input.int())
        }
    }
}

extension InputFileInfo: SpillCodable {
    func encode(to out: inout SpillEncoder) {
        out.string(path)
        out.string(kind)
        out.int(bytes)
        out.int(lines)
    }

    init(from input: inout SpillDecoder, strings: inout SpillStrings) throws(SpillCorrupt) {
        self.init(path: try input.string(), kind: try input.string(), bytes: try input.int(), lines: try input.int())
    }
}

/// A value spilled as a fixed list of whole-number fields: the list is the codec.
protocol SpilledCounts: SpillCodable {
    init()
    /// Every field, in the order written: the one list both halves read.
    static var spilledFields: [WritableKeyPath<Self, Int>] { get }
}

extension SpilledCounts {
    func encode(to out: inout SpillEncoder) {
        for field in Self.spilledFields { out.int(self[keyPath: field]) }
    }

    init(from input: inout SpillDecoder, strings: inout SpillStrings) throws(SpillCorrupt) {
        self.init()
        for field in Self.spilledFields { self[keyPath: field] = try input.int() }
    }
}

extension RunCounters: SpilledCounts {
    static var spilledFields: [WritableKeyPath<RunCounters, Int>] {
        [
            \.requests, \.debits, \.orphanDebits, \.blankLines, \.debitBlankLines, \.logRejected, \.debitsRejected,
            \.outsideWindow, \.otherShard, \.billedAmountMismatches, \.nonRequestRows, \.nettedRows,
            \.recountedRequests, \.repricedRequests, \.bodiesJoined, \.bodiesOutsideWindow, \.bodiesRejected,
        ]
    }
}

extension RunWarnings: SpillCodable {
    func encode(to out: inout SpillEncoder) {
        out.countMap(unlistedGroups)
        out.countMap(fallbackEncodingModels)
        out.int(recountIncomplete)
        out.countMap(streamOutcomes)
        out.countMap(streamEndReasons)
    }

    init(from input: inout SpillDecoder, strings: inout SpillStrings) throws(SpillCorrupt) {
        self.init()
        unlistedGroups = try input.countMap()
        fallbackEncodingModels = try input.countMap()
        recountIncomplete = try input.int()
        streamOutcomes = try input.countMap()
        streamEndReasons = try input.countMap()
    }
}

extension TokenDrift: SpillCodable {
    func encode(to out: inout SpillEncoder) {
        out.value(prompt)
        out.value(completion)
        out.array(byModel.sorted { $0.key.utf8.lexicographicallyPrecedes($1.key.utf8) }) { out, pair in
            out.string(pair.key)
            out.value(pair.value)
        }
    }

    init(from input: inout SpillDecoder, strings: inout SpillStrings) throws(SpillCorrupt) {
        self.init()
        prompt = try input.value()
        completion = try input.value()
        for (model, tally) in try input.array({ input throws(SpillCorrupt) in
            (try input.string(), try input.value(Tally.self))
        }) {
            byModel[model] = tally
        }
    }
}

extension TokenDrift.Tally: SpilledCounts {
    static var spilledFields: [WritableKeyPath<Self, Int>] {
        [\.requests, \.differing, \.recountTokens, \.upstreamTokens]
    }
}

extension ClassTotals: SpillCodable {
    func encode(to out: inout SpillEncoder) {
        out.int(count)
        out.rational(recorded)
        out.rational(expected)
        out.rational(credits)
    }

    init(from input: inout SpillDecoder, strings: inout SpillStrings) throws(SpillCorrupt) {
        self.init(
            count: try input.int(), recorded: try input.rational(), expected: try input.rational(),
            credits: try input.rational())
    }
}

extension AccountTotals: SpillCodable {
    static var spilledAmounts: [WritableKeyPath<Self, Rational>] {
        [\.recorded, \.expected, \.over, \.under, \.credits]
    }

    func encode(to out: inout SpillEncoder) {
        out.string(account)
        out.int(requests)
        for field in Self.spilledAmounts { out.rational(self[keyPath: field]) }
    }

    init(from input: inout SpillDecoder, strings: inout SpillStrings) throws(SpillCorrupt) {
        self.init(account: try input.string())
        requests = try input.int()
        for field in Self.spilledAmounts { self[keyPath: field] = try input.rational() }
    }
}

extension DailyTotals: SpillCodable {
    func encode(to out: inout SpillEncoder) {
        out.string(day)
        out.string(model)
        out.int(requests)
        out.int(promptTokens)
        out.int(completionTokens)
        out.rational(recorded)
        out.rational(expected)
    }

    init(from input: inout SpillDecoder, strings: inout SpillStrings) throws(SpillCorrupt) {
        self.init(day: try input.string(), model: try input.string())
        requests = try input.int()
        promptTokens = try input.int()
        completionTokens = try input.int()
        recorded = try input.rational()
        expected = try input.rational()
    }
}

extension CreditTally: SpillCodable {
    func encode(to out: inout SpillEncoder) {
        out.int(count)
        out.rational(amount)
    }

    init(from input: inout SpillDecoder, strings: inout SpillStrings) throws(SpillCorrupt) {
        self.init(count: try input.int(), amount: try input.rational())
    }
}

extension SpillEncoder {
    /// A map of counts, in key byte order (dictionary order must not reach a file).
    mutating func countMap(_ map: [String: Int]) {
        array(map.sorted { $0.key.utf8.lexicographicallyPrecedes($1.key.utf8) }) { out, pair in
            out.string(pair.key)
            out.int(pair.value)
        }
    }
}

extension SpillDecoder {
    mutating func countMap() throws(SpillCorrupt) -> [String: Int] {
        var map: [String: Int] = [:]
        for (key, value) in try array({ input throws(SpillCorrupt) in (try input.string(), try input.int()) }) {
            map[key] = value
        }
        return map
    }
}
