/// A parsed JSON value that keeps numbers as their exact source text.
///
/// Recount needs this rather than `JSONSerialization`: amounts must be read exactly (no binary
/// floating point), objects keep their key order (the chat rules walk them in order), and a
/// lone-surrogate escape must become U+FFFD the way tiktoken sees it.
public enum JSONValue: Sendable, Equatable {
    case null
    case bool(Bool)
    /// The number's literal text as written, e.g. `"0.002"`, `"1e-3"`, `"-7"`.
    case number(String)
    case string(String)
    case array([JSONValue])
    case object(JSONObject)

    public var stringValue: String? { if case .string(let s) = self { s } else { nil } }
    public var objectValue: JSONObject? { if case .object(let o) = self { o } else { nil } }
    public var arrayValue: [JSONValue]? { if case .array(let a) = self { a } else { nil } }
    public var boolValue: Bool? { if case .bool(let b) = self { b } else { nil } }
    public var numberText: String? { if case .number(let n) = self { n } else { nil } }
    public var isNull: Bool { if case .null = self { true } else { false } }

    /// `null` and absent are the same thing for optional fields.
    public subscript(key: String) -> JSONValue? {
        guard case .object(let object) = self, let value = object[key], !value.isNull else { return nil }
        return value
    }

    /// A short name of the value's type, for error messages ("expected string, found number").
    public var typeName: String {
        switch self {
        case .null: "null"
        case .bool: "boolean"
        case .number: "number"
        case .string: "string"
        case .array: "array"
        case .object: "object"
        }
    }
}

/// A JSON object with its keys in source order. A repeated key keeps its last value, as
/// JavaScript and Python do.
///
/// Performance: members live in one array of pairs (one allocation per object, where separate
/// key and value arrays cost two; logs hold tens of small objects per line).
public struct JSONObject: Sendable, Equatable {
    public typealias Member = (key: String, value: JSONValue)
    public private(set) var members: [Member] = []

    public init() {}

    public init(_ pairs: KeyValuePairs<String, JSONValue>) {
        for (key, value) in pairs { self[key] = value }
    }

    public var count: Int { members.count }
    /// The keys in source order.
    public var keys: [String] { members.map(\.key) }
    /// The values in source order.
    public var values: [JSONValue] { members.map(\.value) }

    /// Members as given, in order, repeated keys and all (what a report shows of a line).
    public init(members: [Member]) {
        self.members = members
    }

    /// Room for `count` members without reallocating.
    mutating func reserveCapacity(_ count: Int) {
        members.reserveCapacity(count)
    }

    /// Objects with more members than this get a hash index while they are parsed: the scan
    /// for a repeated key made a wide object quadratic (a review measured a minute for a
    /// 256 KiB line of 25,000 keys, debug build; a 64 MiB line would take hours by the same
    /// curve), while a log's small objects keep the scan.
    static let scannedMembersMax = 16

    /// `self[key] = value` for the parser: the last of a repeated key wins, as the setter, in
    /// constant time per member once `index` (built past `scannedMembersMax`) exists.
    mutating func set(_ key: String, _ value: JSONValue, index: inout [[UInt8]: Int]?) {
        if index == nil, members.count >= Self.scannedMembersMax {
            var built: [[UInt8]: Int] = [:]
            // The members are distinct already: the scan kept them so.
            for (position, member) in members.enumerated() { built[Array(member.key.utf8)] = position }
            index = built
        }
        guard index != nil else {
            self[key] = value
            return
        }
        let bytes = Array(key.utf8)
        if let position = index![bytes] {
            members[position].value = value
        } else {
            index![bytes] = members.count
            members.append((key, value))
        }
    }

    /// Key lookup. Objects in logs are small, so a linear scan beats hashing every key.
    public subscript(key: String) -> JSONValue? {
        get {
            guard let index = members.firstIndex(where: { Self.same($0.key, key) }) else { return nil }
            return members[index].value
        }
        set {
            if let index = members.firstIndex(where: { Self.same($0.key, key) }) {
                if let newValue { members[index].value = newValue } else { members.remove(at: index) }
            } else if let newValue {
                members.append((key, newValue))
            }
        }
    }

    /// Key equality on the bytes, lengths first: most keys a scan passes differ in length, and
    /// the length of a native string is a field. Bytes, not `==`, which takes canonically
    /// equivalent spellings (`café` composed or not) for one key: a JSON key is its bytes, and
    /// the parser's index (`set`) must find exactly what the scan finds.
    @inline(__always)
    static func same(_ a: String, _ b: String) -> Bool {
        a.utf8.count == b.utf8.count && a.utf8.elementsEqual(b.utf8)
    }

    /// Pairs in source order.
    public var pairs: [Member] { members }

    public static func == (a: JSONObject, b: JSONObject) -> Bool {
        a.members.count == b.members.count
            && zip(a.members, b.members).allSatisfy { $0.key == $1.key && $0.value == $1.value }
    }
}
