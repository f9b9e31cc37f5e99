import Foundation
import TokenCounter

@testable import RecountKit

/// The decoder fuzz targets and their invariants, shared by the libFuzzer harnesses (`fuzz/`)
/// and `swift test` (seeded smoke runs and the replay of `Tests/Fixtures/fuzz-regressions/`).
///
/// A target takes arbitrary bytes and returns nil, or a description of the invariant it broke.
/// Invariants everywhere: no trap (a crash is a crash), a reject always has a reason; the
/// per-target ones are written beside each target.
enum RecountFuzzTargets {
    static let names = ["record", "stream", "catalog", "ledger"]

    static func run(_ target: String, _ bytes: [UInt8]) -> String? {
        switch target {
        case "record": record(bytes)
        case "stream": stream(bytes)
        case "catalog": catalog(bytes)
        case "ledger": ledger(bytes)
        default: "unknown fuzz target '\(target)'"
        }
    }

    // MARK: - record: LineReader + RecordDecoder.decode + what the pipeline does next

    /// Lines are split as a plain LF split would split them (one CR before LF dropped); each
    /// non-blank line decodes to a record or a reject with a reason; a record satisfies the
    /// SPEC's field rules; recount, pricing and the reject redaction run on it without trapping.
    static func record(_ bytes: [UInt8]) -> String? {
        let lines: [LineReader.Line]
        switch readLines(bytes) {
        case .success(let read): lines = read
        case .failure(let failure): return failure.reason
        }
        let expected = referenceLines(bytes)
        guard lines.map(\.bytes) == expected else {
            return "LineReader split differs from a plain LF split (\(lines.count) vs \(expected.count) lines)"
        }
        for line in lines {
            let source = SourceLocation(file: "fuzz.jsonl", line: line.number)
            if line.bytes.allSatisfy({ $0 == 0x20 || $0 == 0x09 || $0 == 0x0D }) { continue }
            let decoded = line.bytes.withUnsafeBufferPointer { RecordDecoder.decode($0, at: source) }
            switch decoded {
            case .failure(let error):
                if error.reason.isEmpty { return "line \(line.number): reject without a reason" }
                _ = Redaction.raw(line.bytes, source: source)
            case .success(let record):
                if let problem = check(record) { return "line \(line.number): \(problem)" }
            }
        }
        return nil
    }

    static func check(_ record: LogRecord) -> String? {
        if record.id.isEmpty || record.account.isEmpty || record.model.isEmpty { return "a required field is empty" }
        if !(0...999).contains(record.status) { return "status \(record.status) accepted" }
        if record.billed.amount?.isNegative == true { return "negative billed amount accepted" }
        if let usage = record.usage, let cached = usage.cachedTokens, let prompt = usage.promptTokens, cached > prompt {
            return "cached tokens above prompt tokens accepted"
        }
        for policy in BasisPolicy.allCases {
            let counts = TokenRecount.counts(for: record, policy: policy)
            if counts.prompt < 0 || counts.completion < 0 || counts.cachedPrompt < 0 { return "negative token count" }
            let charge = Pricing.expectedCharge(
                usage: chargeUsage(for: record, counts: counts), model: record.model, group: record.group,
                status: record.status, at: record.time, catalog: sampleCatalog)
            if let amount = charge.expectedAmount, amount.isNegative { return "negative expected charge" }
        }
        if let response = record.response { _ = StreamAssembler.output(of: response) }
        _ = record.time.description
        return nil
    }

    // MARK: - stream: StreamAssembler

    /// Items separated by 0x1E are SSE lines: `dataPayloads` must equal a plain reference
    /// reading of SSE (lines end only at CR, LF, CRLF; `data:` and one space dropped; `[DONE]`
    /// skipped); assembling must not trap. The bytes are also tried as one JSON response.
    static func stream(_ bytes: [UInt8]) -> String? {
        let text = String(decoding: bytes, as: UTF8.self)
        let items = text.split(separator: "\u{1E}", omittingEmptySubsequences: false).map(String.init)
        for item in items {
            let payloads = StreamAssembler.dataPayloads(item)
            let expected = referencePayloads(item)
            if payloads != expected {
                return "SSE payloads differ from the reference for \(Array(item.utf8).prefix(80))"
            }
        }
        let array = JSONValue.array(items.map { .string($0) })
        let output = StreamAssembler.output(of: array)
        if output.choiceTexts.count > items.count * 4096 { return "more choices than the stream can hold" }
        if let value = try? JSONParser.parse(bytes) {
            _ = StreamAssembler.output(of: value)
            _ = StreamAssembler.chunks(of: value)
            do { _ = try RecordDecoder.usage(top: nil, response: value) } catch {
                if error.reason.isEmpty { return "usage error without a reason" }
            }
            if case .array(let values) = value {
                // The same items, JSON strings interleaved with chunk objects.
                _ = StreamAssembler.output(of: .array(values + items.map { .string($0) }))
            }
        }
        return nil
    }

    static func referencePayloads(_ text: String) -> [[UInt8]] {
        var lines: [String] = []
        var current = String.UnicodeScalarView()
        var previousWasCR = false
        for scalar in text.unicodeScalars {
            if scalar == "\n" && previousWasCR { previousWasCR = false; continue }
            previousWasCR = scalar == "\r"
            if scalar == "\r" || scalar == "\n" {
                lines.append(String(current))
                current = String.UnicodeScalarView()
            } else {
                current.append(scalar)
            }
        }
        lines.append(String(current))
        // Scalars, not Characters: "data:" followed by a combining mark is still a data line.
        let prefix = Array("data:".unicodeScalars)
        return lines.compactMap { line in
            let scalars = Array(line.unicodeScalars)
            guard scalars.starts(with: prefix) else { return nil }
            var payload = scalars.dropFirst(prefix.count)
            if payload.first == " " { payload = payload.dropFirst() }
            let text = String(String.UnicodeScalarView(payload))
            return payload.elementsEqual("[DONE]".unicodeScalars) ? nil : Array(text.utf8)
        }
    }

    // MARK: - catalog: CatalogReader, PriceCatalog.parse, PriceCheck

    /// Parsing either yields a catalog or an error naming a reason; `prices check` agrees that
    /// a refused catalog has errors; a loaded catalog has strictly increasing versions and can
    /// price every model key it lists without trapping.
    static func catalog(_ bytes: [UInt8]) -> String? {
        let report = PriceCheck.check(bytes, source: "fuzz.json")
        if report.findings.contains(where: { $0.message.isEmpty }) { return "a finding without a message" }
        _ = report.lines
        _ = report.summary
        let catalog: PriceCatalog
        do {
            catalog = try PriceCatalog.parse(bytes, source: "fuzz.json")
        } catch {
            if error.reason.isEmpty { return "catalog error without a reason" }
            if report.errors == 0 { return "parse refused a catalog that prices check finds no error in: \(error)" }
            return nil
        }
        for (earlier, later) in zip(catalog.versions, catalog.versions.dropFirst())
        where !(earlier.effectiveFrom < later.effectiveFrom) {
            return "versions not strictly ordered by effective_from"
        }
        let usages = [
            ChargeUsage(promptTokens: 1000, cachedPromptTokens: 100, completionTokens: 1000),
            ChargeUsage(
                promptTokens: 1 << 40, completionTokens: 1 << 40, imageCount: 1 << 20, imageSize: "1024x1024",
                imageQuality: "hd", audioSeconds: Rational(1 << 30), characters: 1 << 30),
            ChargeUsage(imageSize: "256x256", audioSeconds: .zero, characters: 0),
        ]
        for version in catalog.versions {
            for key in version.modelKeys {
                let model = key.hasSuffix("*") ? String(key.dropLast()) + "x" : key
                for usage in usages {
                    for status in [200, 500] {
                        let charge = Pricing.expectedCharge(
                            usage: usage, model: model, group: "default", status: status,
                            at: version.effectiveFrom, catalog: catalog)
                        if let amount = charge.expectedAmount, amount.isNegative { return "negative charge for \(key)" }
                    }
                }
            }
        }
        return nil
    }

    // MARK: - ledger: DebitLedgerReader (CSV and JSONL), CSVRecord

    /// Both ledger readers read every line into a debit, a reject with a reason, or a blank;
    /// debits have non-negative amounts; only a bad CSV header stops the read. Every parsed
    /// CSV record, written back by `CSVWriter`, parses to the same (neutralised) fields.
    static func ledger(_ bytes: [UInt8]) -> String? {
        for csv in [true, false] {
            do {
                let reader = LineReader(MemorySource(bytes), bufferBytes: 256)
                let result =
                    csv
                    ? try DebitLedgerReader.readCSV(reader, path: "fuzz.csv")
                    : try DebitLedgerReader.readJSONL(reader, path: "fuzz.jsonl")
                if result.rejects.contains(where: { $0.reason.isEmpty }) { return "ledger reject without a reason" }
                if result.debits.contains(where: { $0.amount.isNegative }) { return "negative debit accepted" }
                if result.debits.contains(where: { $0.debitID.isEmpty || $0.requestID.isEmpty || $0.account.isEmpty }) {
                    return "debit with an empty id or account"
                }
                let lines = reader.lineNumber
                if result.debits.count + result.rejects.count + result.blankLines > lines {
                    return
                        "more debits, rejects and blanks (\(result.debits.count)+\(result.rejects.count)+\(result.blankLines)) than lines (\(lines))"
                }
            } catch {
                guard csv, case .malformed(_, _, let reason) = error, reason.contains("header") else {
                    return "ledger read failed on in-memory bytes: \(error)"
                }
            }
        }
        for line in referenceLines(bytes) {
            guard case .fields(let fields) = CSVRecord.parse(line) else { continue }
            var writer = CSVWriter(header: [], bom: false)  // an empty header is a bare CRLF
            writer.row(fields.map { .text($0) })
            let written = Array(writer.bytes.dropFirst(2).dropLast(2))
            guard case .fields(let back) = CSVRecord.parse(written) else {
                return "a CSVWriter row does not parse back"
            }
            if back != fields.map(neutralised) { return "CSV round trip changed fields: \(fields) -> \(back)" }
        }
        return nil
    }

    static func neutralised(_ field: String) -> String {
        guard let first = field.unicodeScalars.first, "=+-@\t\r".unicodeScalars.contains(first) else { return field }
        return "'" + field
    }

    // MARK: - Support

    struct Failure: Error { let reason: String }

    static func readLines(_ bytes: [UInt8]) -> Result<[LineReader.Line], Failure> {
        // Small and odd read sizes exercise the reader's buffer refills and moves.
        let shape = Int(bytes.reduce(0) { $0 &+ UInt32($1) } % 4)
        let reader = LineReader(
            MemorySource(bytes, chunk: [1, 3, 4096, 1 << 20][shape]), bufferBytes: [1, 16, 64, 4096][shape])
        var lines: [LineReader.Line] = []
        do {
            while let line = try reader.next() {
                if line.number != lines.count + 1 {
                    return .failure(Failure(reason: "line numbers skip at \(line.number)"))
                }
                lines.append(line)
            }
        } catch {
            return .failure(Failure(reason: "LineReader failed on in-memory bytes: \(error)"))
        }
        return .success(lines)
    }

    /// A plain LF split: the last line may lack its LF; one CR before a line end is dropped.
    static func referenceLines(_ bytes: [UInt8]) -> [[UInt8]] {
        var lines = bytes.split(separator: 0x0A, omittingEmptySubsequences: false).map(Array.init)
        if bytes.last == 0x0A || bytes.isEmpty { lines.removeLast() }
        if lines.first?.starts(with: [0xEF, 0xBB, 0xBF]) == true { lines[0].removeFirst(3) }  // a BOM is not text
        return lines.map { $0.last == 0x0D ? Array($0.dropLast()) : $0 }
    }

    /// `SampleLogs/pricing.json`, loaded once.
    static let sampleCatalog: PriceCatalog = try! PriceCatalog.load(path: repositoryRoot + "/SampleLogs/pricing.json")

    static let repositoryRoot: String = {
        var url = URL(fileURLWithPath: #filePath)
        for _ in 0..<4 { url.deleteLastPathComponent() }
        return url.path
    }()
}

/// Bytes in memory as a `ByteSource`, handed out `chunk` bytes at a time.
final class MemorySource: ByteSource {
    let bytes: [UInt8]
    let chunk: Int
    var offset = 0

    init(_ bytes: [UInt8], chunk: Int = 1 << 16) {
        self.bytes = bytes
        self.chunk = chunk
    }

    func read(into buffer: UnsafeMutableRawBufferPointer) throws(InputError) -> Int {
        let count = min(buffer.count, bytes.count - offset, chunk)
        guard count > 0 else { return 0 }
        bytes.withUnsafeBytes { source in
            buffer.baseAddress!.copyMemory(from: source.baseAddress! + offset, byteCount: count)
        }
        offset += count
        return count
    }
}
