import CVocabulary
import Foundation
import Testing
import TokenCounter

/// The slow "educational" encoder the fast one is checked against (tiktoken keeps one too):
/// regex split, a `[[UInt8]: Token]` dictionary parsed independently of the library's loader,
/// and the textbook merge loop (leftmost lowest-rank pair, arrays rebuilt each round).
/// A vocabulary line whose rank is not a number.
struct VocabularyLineError: Error { let line: String }

final class ReferenceEncoder: @unchecked Sendable {
    let splitter: ReferenceSplitter
    let ranks: [[UInt8]: Token]

    init(_ name: EncodingName) throws {
        splitter = ReferenceSplitter(family: name.patternFamily)
        var length = 0
        let base = try #require(recount_vocabulary_bytes(name.vocabularyFile, &length))
        let text = String(decoding: UnsafeBufferPointer(start: base, count: length), as: UTF8.self)
        var ranks: [[UInt8]: Token] = [:]
        for line in text.split(separator: "\n") {
            let fields = line.split(separator: " ")
            let bytes = try #require(Data(base64Encoded: String(fields[0])))
            guard let rank = UInt32(String(fields[1]), radix: 10) else {
                throw VocabularyLineError(line: String(line.prefix(80)))
            }
            ranks[[UInt8](bytes)] = rank
        }
        self.ranks = ranks
    }

    func encode(_ text: String) -> [Token] {
        splitter.pieces(text).flatMap(bytePairEncode)
    }

    func bytePairEncode(_ piece: [UInt8]) -> [Token] {
        if let rank = ranks[piece] { return [rank] }
        var parts = piece.map { [$0] }
        while parts.count > 1 {
            var best: (index: Int, rank: Token)?
            for index in 0..<(parts.count - 1) {
                if let rank = ranks[parts[index] + parts[index + 1]], best == nil || rank < best!.rank {
                    best = (index, rank)
                }
            }
            guard let merge = best else { break }
            parts[merge.index] += parts[merge.index + 1]
            parts.remove(at: merge.index + 1)
        }
        return parts.map { ranks[$0]! }
    }
}
