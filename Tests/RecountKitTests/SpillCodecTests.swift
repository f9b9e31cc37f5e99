import Foundation
import Testing
import TokenCounter

import struct RecountKit.SourceLocation

@testable import RecountKit
@testable import RecountSample

/// Every type a run writes to disk (join entries, sorted runs, `shard.state`) reads back as
/// exactly what was written, for seeded random values of every field.
///
/// Two checks per type, so that a field added to a type but forgotten in its codec fails:
/// the round trip compares every stored property (by reflection, not by `==`, so a field no
/// `Equatable` conformance knows of is still compared), and the generator must vary every
/// stored property across its samples — a new field the generator does not fill fails too.
@Suite struct SpillCodecTests {
    static let samples = 48

    @Test func sourceLocation() throws { try check(SourceLocation.self) { Self.source(&$0) } }
    @Test func reportedUsage() throws { try check(ReportedUsage.self) { Self.usage(&$0) } }
    @Test func billedFields() throws { try check(BilledFields.self) { Self.billed(&$0) } }
    @Test func tokenCounts() throws { try check(TokenCounts.self) { Self.counts(&$0) } }
    @Test func gatewayRow() throws { try check(GatewayRow.self) { Self.gatewayRow(&$0) } }
    @Test func gatewayOther() throws { try check(GatewayOther.self) { Self.other(&$0) } }
    @Test func debit() throws { try check(Debit.self) { Self.debit(&$0) } }
    @Test func inputFileInfo() throws { try check(InputFileInfo.self) { Self.input(&$0) } }
    @Test func unit() throws { try check(PriceCatalog.Unit.self) { Self.unit(&$0) } }
    @Test func runCounters() throws { try check(RunCounters.self) { Self.counters(&$0) } }
    @Test func runWarnings() throws { try check(RunWarnings.self) { Self.warnings(&$0) } }
    @Test func tokenDrift() throws { try check(TokenDrift.self) { Self.drift(&$0) } }
    @Test func classTotals() throws { try check(ClassTotals.self) { Self.classTotals(&$0) } }
    @Test func accountTotals() throws { try check(AccountTotals.self) { Self.account(&$0) } }
    @Test func dailyTotals() throws { try check(DailyTotals.self) { Self.daily(&$0) } }
    @Test func creditTally() throws {
        try check(CreditTally.self) { CreditTally(count: $0.int(0...99), amount: Self.rational(&$0)) }
    }
    @Test func runParameters() throws { try check(RunParameters.self) { Self.parameters(&$0) } }

    /// The rows, credits and rejects of a result are in `shard.state`'s sections, not in its
    /// summary: they are the fields the summary does not keep.
    @Test func reconcileResult() throws {
        try check(ReconcileResult.self, notSpilled: ["rows", "credits", "rejects"]) { Self.result(&$0) }
    }

    /// A spilled record keeps neither the response nor the prompt: `request` only with the
    /// fields pricing reads (so the generator makes no others) and `input` as its length.
    @Test func logRecord() throws {
        try check(LogRecord.self, notSpilled: ["response"], strings: SpillStrings(knownFiles: ["a.jsonl", "b.jsonl"])) {
            Self.record(&$0)
        }
    }

    @Test func logRecordKeepsOnlyWhatPricingReads() throws {
        var random = SampleRandom(seed: 7, index: 0)
        var record = Self.record(&random)
        let prompt = JSONValue.array([.object(JSONObject(["role": .string("user"), "content": .string("secret")]))])
        record.request = .object(
            JSONObject([
                "model": .string("m"), "n": .number("2"), "messages": prompt,
                "input": .string("héllo 中文"),
            ]))
        record.response = .string("the answer")
        var input = SpillDecoder(record.spillBytes)
        let decoded = try input.value(LogRecord.self)
        #expect(decoded.request == .object(JSONObject(["n": .number("2")])))
        #expect(decoded.inputScalars == 8)
        #expect(decoded.response == nil)
        #expect(!String(decoding: record.spillBytes, as: UTF8.self).contains("secret"))
    }

    /// A charge written from the pricing result reads back as the join's charge, breakdown
    /// dropped; the three kinds, and a damaged tag.
    @Test func joinCharge() throws {
        var random = SampleRandom(seed: 3, index: 0)
        for _ in 0..<Self.samples {
            let amount = Self.rational(&random)
            let reason = Self.string(&random)
            for (charge, expected) in [
                (JoinCharge.priced(charge: amount, breakdown: nil), "priced \(amount)"),
                (.notBillable(breakdown: nil), "notBillable"), (.unpriced(reason: reason), "unpriced \(reason)"),
            ] {
                var input = SpillDecoder(charge.spillBytes)
                #expect(Self.describe(try input.value(JoinCharge.self)) == expected)
                #expect(input.isAtEnd)
            }
        }
        var damaged = SpillDecoder([7])
        #expect(throws: SpillCorrupt.self) { try damaged.value(JoinCharge.self) }
    }

    /// The whole summary, as `merge` reads it back.
    @Test func shardSummary() throws {
        var random = SampleRandom(seed: 11, index: 0)
        for _ in 0..<Self.samples {
            var result = Self.result(&random)
            result.rows = []
            result.credits = []
            result.rejects = []
            let summary = ShardSummary(result: result, parameters: Self.parameters(&random))
            let decoded = try ShardSummary.decode(summary.encoded())
            #expect(canonical(decoded.result) == canonical(summary.result))
            #expect(canonical(decoded.parameters) == canonical(summary.parameters))
        }
        #expect(throws: SpillCorrupt.self) {
            try ShardSummary.decode(ShardSummary(result: .init(), parameters: .init()).encoded() + [0])
        }
    }

    // MARK: The checks

    /// Round-trips `samples` values of `T` and checks the generator varies every stored
    /// property but `notSpilled` (which must come back as it was in a fresh value: see the
    /// callers for why each is not written).
    func check<T: SpillCodable>(
        _: T.Type, notSpilled: Set<String> = [], strings: SpillStrings = SpillStrings(),
        _ make: (inout SampleRandom) -> T
    ) throws {
        var random = SampleRandom(seed: 1, index: UInt64(String(describing: T.self).utf8.count))
        var seen: [String: Set<String>] = [:]
        for _ in 0..<Self.samples {
            let value = make(&random)
            var strings = strings
            var input = SpillDecoder(value.spillBytes)
            let decoded = try input.value(T.self, strings: &strings)
            #expect(input.isAtEnd, "\(T.self) leaves bytes unread")
            for child in Mirror(reflecting: value).children {
                guard let label = child.label, !notSpilled.contains(label) else { continue }
                seen[label, default: []].insert(canonical(child.value))
            }
            #expect(canonical(decoded, skipping: notSpilled) == canonical(value, skipping: notSpilled), "\(T.self)")
            // A cut record never decodes to a value: it throws.
            let bytes = value.spillBytes
            if bytes.count > 1 {
                var cut = SpillDecoder(Array(bytes.dropLast()))
                var strings = strings
                #expect(throws: SpillCorrupt.self) { try cut.value(T.self, strings: &strings) }
            }
        }
        for (label, values) in seen.sorted(by: { $0.key < $1.key }) {
            #expect(values.count > 1, "the test generator of \(T.self) never varies `\(label)`: give it random values")
        }
    }

    /// A description of every stored property, dictionaries and sets in a fixed order.
    func canonical(_ value: Any, skipping: Set<String> = []) -> String {
        let mirror = Mirror(reflecting: value)
        if mirror.children.isEmpty { return "\(type(of: value))(\(String(describing: value)))" }
        var parts = mirror.children.compactMap { child -> String? in
            if let label = child.label, skipping.contains(label) { return nil }
            return "\(child.label ?? "_"): \(canonical(child.value))"
        }
        if mirror.displayStyle == .dictionary || mirror.displayStyle == .set { parts.sort() }
        return "\(type(of: value)){\(parts.joined(separator: ", "))}"
    }

    static func describe(_ charge: JoinCharge) -> String {
        switch charge {
        case .priced(let amount, let breakdown): breakdown == nil ? "priced \(amount)" : "priced with breakdown"
        case .notBillable(let breakdown): breakdown == nil ? "notBillable" : "notBillable with breakdown"
        case .unpriced(let reason): "unpriced \(reason)"
        }
    }

    // MARK: Random values

    static func string(_ random: inout SampleRandom) -> String {
        let pieces = ["", "a", "req-1", "é", "中文", "\u{0}", "🙂", "x y", "'=1", "\"q\"", "\n"]
        return (0..<random.int(0...3)).map { _ in random.pick(pieces) }.joined()
    }

    static func int(_ random: inout SampleRandom) -> Int {
        switch random.below(4) {
        case 0: random.int(-3...3)
        case 1: random.int(0...1_000_000)
        case 2: Int(bitPattern: UInt(random.next()))
        default: random.pick([Int.min, Int.max, -1, 0])
        }
    }

    static func optional<T>(_ random: inout SampleRandom, _ make: (inout SampleRandom) -> T) -> T? {
        random.chance(300) ? nil : make(&random)
    }

    static func rational(_ random: inout SampleRandom) -> Rational {
        let numerator = Int128(Int64(bitPattern: random.next()) >> random.int(0...60))
        let denominator = Int128(random.int(1...1_000_000))
        return try! Rational(numerator: numerator, denominator: denominator)
    }

    static func time(_ random: inout SampleRandom) -> Timestamp {
        Timestamp(
            seconds: Int64(random.int(-2_000_000_000...4_000_000_000)), nanoseconds: Int32(random.below(1_000_000_000)),
            offsetSeconds: Int32(random.int(-86_399...86_399)))
    }

    static func source(_ random: inout SampleRandom) -> SourceLocation {
        SourceLocation(
            file: random.chance(500) ? random.pick(["a.jsonl", "b.jsonl"]) : string(&random),
            line: random.int(1...99_999))
    }

    static func usage(_ random: inout SampleRandom) -> ReportedUsage {
        ReportedUsage(
            promptTokens: optional(&random, int), completionTokens: optional(&random, int),
            cachedTokens: optional(&random, int), reasoningTokens: optional(&random, int),
            seconds: optional(&random, rational), images: optional(&random, int))
    }

    static func billed(_ random: inout SampleRandom) -> BilledFields {
        BilledFields(
            promptTokens: optional(&random, int), completionTokens: optional(&random, int),
            amount: optional(&random, rational), pricingVersion: optional(&random, string))
    }

    static func record(_ random: inout SampleRandom) -> LogRecord {
        let request: JSONValue? = optional(&random) { random in
            var object = JSONObject()
            if random.chance(500) { object["n"] = .number("\(random.int(1...4))") }
            object["size"] = .string(random.pick(["1024x1024", "512x512"]))
            if random.chance(500) { object["quality"] = .string("hd") }
            return .object(object)
        }
        var record = LogRecord(
            id: string(&random), time: time(&random), account: string(&random), key: optional(&random, string),
            group: string(&random), model: string(&random), endpoint: random.pick(Endpoint.allCases),
            status: int(&random), stream: random.chance(500), request: request, response: nil,
            usage: optional(&random, usage), billed: billed(&random), source: source(&random),
            dialect: random.pick([LogDialect.recount, .oneAPI]))
        record.inputScalars = optional(&random) { $0.int(0...100_000) }
        record.gateway = optional(&random, gatewayRow)
        return record
    }

    static func gatewayRow(_ random: inout SampleRandom) -> GatewayRow {
        GatewayRow(
            logType: random.int(0...6), role: random.pick([GatewayRow.Role.request, .refund, .taskDelta]),
            rowID: optional(&random, string), useTime: optional(&random, int),
            upstreamRequestID: optional(&random, string), channel: optional(&random, int),
            quota: optional(&random) { $0.int(0...4000) - 2000 }, other: optional(&random, other))
    }

    /// Every key of `other`, each present about half the time.
    static func other(_ random: inout SampleRandom) -> GatewayOther {
        var o = GatewayOther()
        let r = { (random: inout SampleRandom) in optional(&random, rational) }
        let i = { (random: inout SampleRandom) in optional(&random, int) }
        let s = { (random: inout SampleRandom) in optional(&random, string) }
        let b = { (random: inout SampleRandom) in optional(&random) { $0.chance(500) } }
        o.modelRatio = r(&random); o.groupRatio = r(&random); o.userGroupRatio = r(&random)
        o.completionRatio = r(&random); o.modelPrice = r(&random)
        o.cacheTokens = i(&random); o.cacheRatio = r(&random); o.cacheCreationTokens = i(&random)
        o.cacheCreationRatio = r(&random); o.cacheCreationTokens5m = i(&random); o.cacheCreationRatio5m = r(&random)
        o.cacheCreationTokens1h = i(&random); o.cacheCreationRatio1h = r(&random); o.cacheWriteTokens = i(&random)
        o.usageSemantic = s(&random); o.claude = b(&random); o.inputTokensTotal = i(&random)
        o.imageTokens = i(&random); o.imageRatio = r(&random); o.audio = b(&random)
        o.textInputTokens = i(&random); o.textOutputTokens = i(&random); o.audioInputTokens = i(&random)
        o.audioOutputTokens = i(&random); o.audioRatio = r(&random); o.audioCompletionRatio = r(&random)
        o.separateAudioInputTokens = i(&random); o.separateAudioInputPrice = r(&random)
        o.webSearchCalls = i(&random); o.webSearchPrice = r(&random); o.fileSearchCalls = i(&random)
        o.fileSearchPrice = r(&random)
        o.toolSurcharges = optional(&random) { random in
            (0..<random.int(0...3)).map { _ in
                GatewayOther.ToolSurcharge(name: string(&random), count: int(&random), price: rational(&random))
            }
        }
        o.imageGenerationCallPrice = r(&random); o.billingMode = s(&random); o.taskID = s(&random)
        o.taskPreConsumed = i(&random); o.taskActualQuota = i(&random); o.taskQuotaDelta = i(&random)
        o.streamStatus = optional(&random) { random in
            GatewayOther.StreamStatus(
                status: optional(&random, string), endReason: optional(&random, string),
                endError: optional(&random, string), errorCount: optional(&random, int))
        }
        o.usageBillingPath = s(&random); o.localCountTokens = b(&random); o.quotaSaturated = random.chance(500)
        o.firstResponseMilliseconds = r(&random)
        return o
    }

    static func counts(_ random: inout SampleRandom) -> TokenCounts {
        let sources: [CountSource] = [.upstream, .recount, .billed, .none]
        var counts = TokenCounts()
        counts.prompt = int(&random)
        counts.promptSource = random.pick(sources)
        counts.completion = int(&random)
        counts.completionSource = random.pick(sources)
        counts.cachedPrompt = int(&random)
        counts.recountPrompt = optional(&random, int)
        counts.recountCompletion = optional(&random, int)
        counts.upstreamPrompt = optional(&random, int)
        counts.upstreamCompletion = optional(&random, int)
        counts.billedPrompt = optional(&random, int)
        counts.billedCompletion = optional(&random, int)
        counts.encoding = optional(&random) { $0.pick(EncodingName.allCases) }
        counts.encodingIsFallback = random.chance(500)
        counts.notes = (0..<random.int(0...3)).map { _ in string(&random) }
        return counts
    }

    static func debit(_ random: inout SampleRandom) -> Debit {
        Debit(
            debitID: string(&random), requestID: string(&random), account: string(&random),
            time: optional(&random, time),
            amount: rational(&random), pricingVersion: optional(&random, string), source: source(&random),
            sequence: random.int(0...1_000_000))
    }

    static func input(_ random: inout SampleRandom) -> InputFileInfo {
        InputFileInfo(
            path: string(&random), kind: random.pick(["log", "debits", "pricing", "issued"]), bytes: int(&random),
            lines: int(&random))
    }

    static func unit(_ random: inout SampleRandom) -> PriceCatalog.Unit {
        var unit = PriceCatalog.Unit(
            name: string(&random), currency: string(&random), perCurrency: rational(&random),
            scale: random.int(0...18))
        if random.int(0...1) == 1 {
            unit.site = PriceCatalog.SiteUnit(
                name: string(&random), currency: string(&random), perCurrency: rational(&random),
                topupRate: rational(&random), scale: random.int(0...12))
        }
        return unit
    }

    static func counters(_ random: inout SampleRandom) -> RunCounters {
        var counters = RunCounters()
        for field in [
            \RunCounters.requests, \.debits, \.orphanDebits, \.blankLines, \.debitBlankLines, \.logRejected,
            \.debitsRejected, \.outsideWindow, \.otherShard, \.billedAmountMismatches, \.nonRequestRows,
            \.nettedRows, \.recountedRequests, \.repricedRequests, \.bodiesJoined, \.bodiesOutsideWindow,
            \.bodiesRejected,
        ] {
            counters[keyPath: field] = int(&random)
        }
        return counters
    }

    static func countMap(_ random: inout SampleRandom) -> [String: Int] {
        var map: [String: Int] = [:]
        for _ in 0..<random.int(0...4) { map[string(&random)] = int(&random) }
        return map
    }

    static func warnings(_ random: inout SampleRandom) -> RunWarnings {
        RunWarnings(
            unlistedGroups: countMap(&random), fallbackEncodingModels: countMap(&random),
            recountIncomplete: int(&random),
            streamOutcomes: countMap(&random), streamEndReasons: countMap(&random))
    }

    static func tally(_ random: inout SampleRandom) -> TokenDrift.Tally {
        TokenDrift.Tally(
            requests: int(&random), differing: int(&random), recountTokens: int(&random), upstreamTokens: int(&random))
    }

    static func drift(_ random: inout SampleRandom) -> TokenDrift {
        var drift = TokenDrift(prompt: tally(&random), completion: tally(&random))
        for _ in 0..<random.int(0...3) { drift.byModel[string(&random)] = tally(&random) }
        return drift
    }

    static func classTotals(_ random: inout SampleRandom) -> ClassTotals {
        ClassTotals(
            count: int(&random), recorded: rational(&random), expected: rational(&random), credits: rational(&random))
    }

    static func account(_ random: inout SampleRandom) -> AccountTotals {
        AccountTotals(
            account: string(&random), requests: int(&random), recorded: rational(&random), expected: rational(&random),
            over: rational(&random), under: rational(&random), credits: rational(&random))
    }

    static func daily(_ random: inout SampleRandom) -> DailyTotals {
        DailyTotals(
            day: string(&random), model: string(&random), requests: int(&random), promptTokens: int(&random),
            completionTokens: int(&random), recorded: rational(&random), expected: rational(&random))
    }

    static func parameters(_ random: inout SampleRandom) -> RunParameters {
        var parameters = RunParameters()
        parameters.command = random.pick(["reconcile", "statement"])
        parameters.basis = random.pick(BasisPolicy.allCases)
        parameters.tolerance = rational(&random)
        parameters.minimumCredit = optional(&random, rational)
        parameters.from = optional(&random, time)
        parameters.until = optional(&random, time)
        parameters.asOf = optional(&random, time)
        parameters.shard = optional(&random) { random in
            let count = random.int(1...64)
            return Shard(index: random.below(count), count: count)
        }
        parameters.allRows = random.chance(500)
        parameters.csvBOM = random.chance(500)
        parameters.dayOffsetSeconds = Int32(random.int(-86_399...86_399))
        parameters.maxRejects = optional(&random, int)
        parameters.pricing = optional(&random, input)
        parameters.issued = (0..<random.int(0...2)).map { _ in input(&random) }
        parameters.gatewayDatabase = optional(&random) { random in
            GatewayDatabaseSummary(
                source: string(&random), passwordFrom: string(&random), readMarginSeconds: Int64(random.int(0...86_400))
            )
        }
        parameters.alsoCurrency = optional(&random) { random in
            AmountConversion(
                kind: .money, name: string(&random), factor: rational(&random), scale: random.int(0...12),
                formula: string(&random))
        }
        return parameters
    }

    static func result(_ random: inout SampleRandom) -> ReconcileResult {
        var result = ReconcileResult()
        result.unit = optional(&random, unit)
        result.inputs = (0..<random.int(0...3)).map { _ in input(&random) }
        result.counters = counters(&random)
        result.warnings = warnings(&random)
        result.drift = drift(&random)
        // All three statuses: the summary keeps each one's tally, a zero one too.
        for status in [Credit.Status.issued, .already_issued, .withheld] {
            result.creditTallies[status] = CreditTally(count: int(&random), amount: rational(&random))
        }
        result.discrepancyRowCount = int(&random)
        result.rejectCount = int(&random)
        for klass in DiscrepancyClass.allCases where random.chance(400) {
            result.classTotals[klass] = classTotals(&random)
        }
        result.accounts = (0..<random.int(0...3)).map { _ in account(&random) }
        result.daily = (0..<random.int(0...3)).map { _ in daily(&random) }
        result.totals = classTotals(&random)
        return result
    }
}
