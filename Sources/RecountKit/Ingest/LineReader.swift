import Foundation

/// Splits a byte source into physical lines, streaming, in bounded memory.
///
/// Stage 1 of the pipeline. Lines end at LF; a CR before the LF is dropped (CRLF files), and a
/// last line without a newline is a line. A line longer than `lineBytesMax` is not held whole:
/// its first `rawBytesKept` bytes are handed over with `truncated = true`, so the caller can
/// reject it with a sample and go on.
final class LineReader {
    static let lineBytesMax = 64 << 20
    static let rawBytesKept = 4096

    private let source: ByteSource
    private var buffer: [UInt8]
    private var start = 0
    private var end = 0
    private var atEnd = false
    private(set) var lineNumber = 0
    /// Total bytes consumed so far (for progress).
    private(set) var bytesRead = 0

    /// `bufferBytes` is the starting buffer (it doubles for longer lines); tests and the fuzz
    /// harnesses pass small ones to exercise refills and moves.
    init(_ source: ByteSource, bufferBytes: Int = 1 << 20) {
        precondition(bufferBytes > 0)
        self.source = source
        buffer = [UInt8](repeating: 0, count: bufferBytes)
    }

    struct Line {
        let number: Int
        let bytes: [UInt8]
        let truncated: Bool
    }

    /// The next line, or nil at the end of the input. A UTF-8 byte order mark at the very
    /// start of the input is not part of line 1 (Windows editors and Excel write one; SPEC §2
    /// lines are JSON or CSV, which never start with U+FEFF).
    func next() throws(InputError) -> Line? {
        guard let line = try nextPhysicalLine() else { return nil }
        guard line.number == 1, line.bytes.starts(with: Self.byteOrderMark) else { return line }
        return Line(number: 1, bytes: Array(line.bytes.dropFirst(3)), truncated: line.truncated)
    }

    static let byteOrderMark: [UInt8] = [0xEF, 0xBB, 0xBF]

    private func nextPhysicalLine() throws(InputError) -> Line? {
        var long: [UInt8]? = nil
        var longCount = 0
        while true {
            if let newline = findNewline() {
                var lineEnd = newline
                if lineEnd > start, buffer[lineEnd - 1] == 0x0D { lineEnd -= 1 }
                lineNumber += 1
                defer { start = newline + 1 }
                if var kept = long {
                    if kept.count < Self.rawBytesKept {
                        kept += buffer[start..<min(lineEnd, start + Self.rawBytesKept - kept.count)]
                    }
                    return Line(number: lineNumber, bytes: kept, truncated: true)
                }
                return Line(number: lineNumber, bytes: Array(buffer[start..<lineEnd]), truncated: false)
            }
            if atEnd {
                guard start < end || long != nil else { return nil }
                lineNumber += 1
                var lineEnd = end
                if lineEnd > start, buffer[lineEnd - 1] == 0x0D { lineEnd -= 1 }
                defer { start = end }
                if var kept = long {
                    if kept.count < Self.rawBytesKept {
                        kept += buffer[start..<min(lineEnd, start + Self.rawBytesKept - kept.count)]
                    }
                    return Line(number: lineNumber, bytes: kept, truncated: true)
                }
                return Line(number: lineNumber, bytes: Array(buffer[start..<lineEnd]), truncated: false)
            }
            // No newline in the buffer: make room, or give up holding the line whole.
            let pending = end - start
            if long != nil || pending >= Self.lineBytesMax {
                if long == nil { long = Array(buffer[start..<(start + Self.rawBytesKept)]) }
                longCount += pending
                start = end
            }
            if start > 0 {
                buffer.withUnsafeMutableBufferPointer { all in
                    all.baseAddress!.update(from: all.baseAddress! + start, count: end - start)
                }
                end -= start
                start = 0
            }
            if end == buffer.count { buffer += [UInt8](repeating: 0, count: buffer.count) }
            let count = try typedThrows(InputError.self) {
                try buffer.withUnsafeMutableBytes {
                    try source.read(into: UnsafeMutableRawBufferPointer(rebasing: $0[end...]))
                }
            }
            bytesRead += count
            if count == 0 { atEnd = true } else { end += count }
        }
    }

    private func findNewline() -> Int? {
        guard start < end else { return nil }
        return buffer.withUnsafeBufferPointer { bytes in
            guard let found = memchr(bytes.baseAddress! + start, 0x0A, end - start) else { return nil }
            return bytes.baseAddress!.distance(to: found.assumingMemoryBound(to: UInt8.self))
        }
    }
}
