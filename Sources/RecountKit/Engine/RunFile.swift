import Foundation

// The sorted-run file format: `[varint key length][key][varint payload length][payload]`,
// records back to back (also the sections of `shard.state`).

/// Buffered writes of `[varint key length][key][varint payload length][payload]`.
struct RunWriter {
    let descriptor: Int32
    let path: String
    var buffer: [UInt8] = []
    /// Bytes handed to the file so far (flushed or not).
    private(set) var written = 0

    init(descriptor: Int32, path: String) {
        self.descriptor = descriptor
        self.path = path
        buffer.reserveCapacity(1 << 20)
    }

    mutating func append(key: UnsafeBufferPointer<UInt8>, payload: UnsafeBufferPointer<UInt8>) throws(SpillError) {
        let before = buffer.count
        appendVarint(key.count)
        buffer.append(contentsOf: key)
        appendVarint(payload.count)
        buffer.append(contentsOf: payload)
        written += buffer.count - before
        if buffer.count >= 1 << 20 { try flush() }
    }

    /// The same varint as `SpillEncoder.uint`.
    private mutating func appendVarint(_ value: Int) {
        var value = UInt64(value)
        while value >= 0x80 {
            buffer.append(UInt8(truncatingIfNeeded: value) | 0x80)
            value >>= 7
        }
        buffer.append(UInt8(value))
    }

    mutating func flush() throws(SpillError) {
        var offset = 0
        while offset < buffer.count {
            let done = buffer.withUnsafeBytes { write(descriptor, $0.baseAddress! + offset, $0.count - offset) }
            if done < 0 {
                if errno == EINTR { continue }
                throw SpillError(path: path, reason: String(cString: strerror(errno)))
            }
            offset += done
        }
        buffer.removeAll(keepingCapacity: true)
    }
}

/// Reads one sorted run (or one section of a shard state file) back through a 64 KiB buffer —
/// small, because a merge holds one per run.
final class RunReader {
    static let chunkBytes = 1 << 16
    let descriptor: Int32
    let path: String
    private var buffer: [UInt8] = []
    private var position = 0
    private var exhausted = false
    /// The next byte to read from the file, and where this run ends.
    private var fileOffset: Int
    private let end: Int

    private var closed = false

    func close() {
        guard !closed else { return }
        closed = true
        Foundation.close(descriptor)
    }

    init(descriptor: Int32, path: String, start: Int = 0, end: Int = .max) {
        self.descriptor = descriptor
        self.path = path
        fileOffset = start
        self.end = end
        buffer.reserveCapacity(2 * Self.chunkBytes)
    }

    /// Makes at least `count` bytes available from `position`; false at a clean end of file.
    private func fill(_ count: Int) throws(SpillError) -> Bool {
        while buffer.count - position < count {
            if exhausted { return false }
            if position > 0 {
                buffer.removeFirst(position)
                position = 0
            }
            let chunk = min(max(Self.chunkBytes, count), end - fileOffset)
            if chunk <= 0 {
                exhausted = true
                continue
            }
            let oldCount = buffer.count
            buffer += repeatElement(0, count: chunk)
            let offset = fileOffset
            let got = buffer.withUnsafeMutableBytes {
                pread(descriptor, $0.baseAddress! + oldCount, chunk, off_t(offset))
            }
            if got < 0 {
                buffer.removeLast(chunk)
                if errno == EINTR { continue }
                throw SpillError(path: path, reason: String(cString: strerror(errno)))
            }
            buffer.removeLast(chunk - got)
            fileOffset += got
            if got == 0 { exhausted = true }
        }
        return true
    }

    private func varint() throws(SpillError) -> Int? {
        var value = 0
        var shift = 0
        while true {
            guard try fill(1) else {
                if shift == 0 { return nil }
                throw SpillError(path: path, reason: "sorted run ends inside a record")
            }
            let byte = buffer[position]
            position += 1
            value |= Int(byte & 0x7F) << shift
            if byte < 0x80 { return value }
            shift += 7
            guard shift < 63 else { throw SpillError(path: path, reason: "sorted run is damaged") }
        }
    }

    private func bytes(_ count: Int) throws(SpillError) -> [UInt8] {
        guard try fill(count) else { throw SpillError(path: path, reason: "sorted run ends inside a record") }
        defer { position += count }
        return Array(buffer[position..<(position + count)])
    }

    func next() throws(SpillError) -> SortedRecord? {
        guard let keyLength = try varint() else { return nil }
        let key = try bytes(keyLength)
        guard let payloadLength = try varint() else {
            throw SpillError(path: path, reason: "sorted run ends inside a record")
        }
        return SortedRecord(key: key, payload: try bytes(payloadLength))
    }
}
