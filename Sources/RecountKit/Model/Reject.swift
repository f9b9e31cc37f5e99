/// A line that could not be used, with where it was and why. Written to `rejects.jsonl`:
/// nothing read is silently dropped.
public struct Reject: Sendable, Equatable {
    public enum Kind: String, Sendable {
        case log
        case debit
        /// A captured body (`--bodies`): a line that does not decode, or one the join cannot use.
        case body
    }
    public let kind: Kind
    public let source: SourceLocation
    /// A field path when one field is at fault (`billed.amount`), else nil.
    public let field: String?
    public let reason: String
    /// The line as read. Kept as bytes: a line that is not UTF-8 is written base64-encoded.
    public let raw: [UInt8]
    /// True when `raw` holds only the start of a line too long to keep.
    public let rawTruncated: Bool

    public init(
        kind: Kind, source: SourceLocation, field: String? = nil, reason: String, raw: [UInt8],
        rawTruncated: Bool = false
    ) {
        self.kind = kind
        self.source = source
        self.field = field
        self.reason = reason
        self.raw = raw
        self.rawTruncated = rawTruncated
    }

    public var message: String {
        if let field { "\(source): \(field): \(reason)" } else { "\(source): \(reason)" }
    }
}

/// A decoding problem in one line: the field path and the reason. Becomes a `Reject`.
public struct FieldError: Error, Sendable, Equatable {
    public let field: String?
    public let reason: String
    public init(_ field: String?, _ reason: String) {
        self.field = field
        self.reason = reason
    }
}
