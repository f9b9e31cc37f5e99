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
