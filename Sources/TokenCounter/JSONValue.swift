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
public struct JSONObject: Sendable, Equatable {
    public private(set) var keys: [String] = []
    public private(set) var values: [JSONValue] = []

    public init() {}

    public init(_ pairs: KeyValuePairs<String, JSONValue>) {
        for (key, value) in pairs { self[key] = value }
    }

    public var count: Int { keys.count }

    /// Room for `count` members without reallocating.
    mutating func reserveCapacity(_ count: Int) {
        keys.reserveCapacity(count)
        values.reserveCapacity(count)
    }

    /// Key lookup. Objects in logs are small, so a linear scan beats hashing every key.
    public subscript(key: String) -> JSONValue? {
        get {
            guard let index = keys.firstIndex(of: key) else { return nil }
            return values[index]
        }
        set {
            if let index = keys.firstIndex(of: key) {
                if let newValue { values[index] = newValue } else {
                    keys.remove(at: index)
                    values.remove(at: index)
                }
            } else if let newValue {
                keys.append(key)
                values.append(newValue)
            }
        }
    }

    /// Pairs in source order.
    public var pairs: Zip2Sequence<[String], [JSONValue]> { zip(keys, values) }
}
