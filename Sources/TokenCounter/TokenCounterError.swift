/// Errors from the token counter. Each message says what was asked and where it was looked for.
public enum TokenCounterError: Error, Equatable, Sendable, CustomStringConvertible {
    /// No encoding by that name; `known` lists the valid names.
    case unknownEncoding(String, known: [String])
    /// The vocabulary's bytes are not in this build.
    case vocabularyMissing(name: String, lookedIn: String)
    /// A vocabulary line that is not `base64 SP rank`.
    case vocabularyCorrupt(name: String, line: Int, reason: String)

    public var description: String {
        switch self {
        case let .unknownEncoding(name, known):
            "unknown encoding '\(name)' (known: \(known.joined(separator: ", ")))"
        case let .vocabularyMissing(name, lookedIn):
            "vocabulary '\(name).tiktoken' not found (looked in: \(lookedIn))"
        case let .vocabularyCorrupt(name, line, reason):
            "vocabulary '\(name).tiktoken' line \(line): \(reason)"
        }
    }
}
