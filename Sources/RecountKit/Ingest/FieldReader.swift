import TokenCounter

/// Typed access to the fields of one JSON object, throwing a `FieldError` that names the field.
///
/// The rules are SPEC §6 "Lines and debits": `null` means absent; a numeric field may be a JSON
/// number or a string holding a decimal number; required fields are never coerced.
struct FieldReader {
    let object: JSONObject
    let path: String

    init(_ object: JSONObject, path: String = "") {
        self.object = object
        self.path = path
    }

    func name(_ key: String) -> String { path.isEmpty ? key : "\(path).\(key)" }

    func value(_ key: String) -> JSONValue? {
        guard let value = object[key], !value.isNull else { return nil }
        return value
    }

    /// A log line's or a capture's `request` (an object) and `response` (an object, the
    /// chunks of a stream as an array, or its raw text), each optional, checked once for both.
    @inline(__always)
    func bodies() throws(FieldError) -> (request: JSONValue?, response: JSONValue?) {
        let request = value("request")
        if let request, request.objectValue == nil {
            throw FieldError(name("request"), "expected an object, found \(request.typeName)")
        }
        let response = value("response")
        if let response {
            switch response {
            case .object, .array, .string: break
            default:
                throw FieldError(name("response"), "expected an object, array or string, found \(response.typeName)")
            }
        }
        return (request, response)
    }

    func requiredString(_ key: String) throws(FieldError) -> String {
        guard let value = value(key) else { throw FieldError(name(key), "required field is missing") }
        guard case .string(let text) = value else {
            throw FieldError(name(key), "expected a string, found \(value.typeName)")
        }
        guard !text.isEmpty else { throw FieldError(name(key), "must not be empty") }
        return text
    }

    func optionalString(_ key: String) throws(FieldError) -> String? {
        guard let value = value(key) else { return nil }
        guard case .string(let text) = value else {
            throw FieldError(name(key), "expected a string, found \(value.typeName)")
        }
        return text
    }

    func optionalBool(_ key: String) throws(FieldError) -> Bool? {
        guard let value = value(key) else { return nil }
        switch value {
        case .bool(let flag): return flag
        case .number("0"): return false
        case .number("1"): return true
        default: throw FieldError(name(key), "expected true or false, found \(value.typeName)")
        }
    }

    func optionalObject(_ key: String) throws(FieldError) -> JSONObject? {
        guard let value = value(key) else { return nil }
        guard case .object(let object) = value else {
            throw FieldError(name(key), "expected an object, found \(value.typeName)")
        }
        return object
    }

    /// A count (tokens, images, status): a whole number ≥ 0, from a number or a numeric string.
    func optionalCount(_ key: String, max: Int = 1 << 52) throws(FieldError) -> Int? {
        guard let value = value(key) else { return nil }
        return try Self.count(value, field: name(key), max: max)
    }

    /// `field` is only built for an error: composing "usage.prompt_tokens" for every count
    /// read cost about 0.5% of `recount reconcile` CPU. (The same for `amount`.)
    static func count(
        _ value: JSONValue, field: @autoclosure () -> String, max: Int = 1 << 52
    ) throws(FieldError) -> Int {
        let text: String
        switch value {
        case .number(let number): text = number
        case .string(let string): text = string.trimmingASCIISpaces()
        default: throw FieldError(field(), "expected a whole number, found \(value.typeName)")
        }
        let rational: Rational
        do { rational = try Rational(parsing: text) } catch {
            throw FieldError(field(), "'\(text.prefix(40))' is not a number")
        }
        guard !rational.isNegative else { throw FieldError(field(), "must not be negative (\(text.prefix(40)))") }
        guard rational.isInteger, let whole = Int(exactly: rational.numerator), whole <= max else {
            throw FieldError(field(), "expected a whole number up to \(max), found \(text.prefix(40))")
        }
        return whole
    }

    /// An amount: an exact decimal ≥ 0, from a number or a numeric string.
    func optionalAmount(_ key: String) throws(FieldError) -> Rational? {
        guard let value = value(key) else { return nil }
        return try Self.amount(value, field: name(key))
    }

    static func amount(_ value: JSONValue, field: @autoclosure () -> String) throws(FieldError) -> Rational {
        let text: String
        switch value {
        case .number(let number): text = number
        case .string(let string): text = string.trimmingASCIISpaces()
        default: throw FieldError(field(), "expected a decimal amount, found \(value.typeName)")
        }
        guard !hasSlash(text) else { throw FieldError(field(), "'\(text.prefix(40))' is not a decimal amount") }
        let rational: Rational
        do { rational = try Rational(parsing: text) } catch {
            throw FieldError(field(), "'\(text.prefix(40))' is not a decimal amount (\(error))")
        }
        guard !rational.isNegative else {
            throw FieldError(field(), "amount must not be negative (\(text.prefix(40)))")
        }
        return rational
    }

    /// Whether `text` has a "/" character. In ASCII a '/' byte is one; other text keeps
    /// Foundation's `contains`, which matches whole characters (a '/' followed by a combining
    /// mark is not a "/"). Calling it for every amount cost 2% of `recount reconcile` CPU.
    private static func hasSlash(_ text: String) -> Bool {
        guard text.utf8.allSatisfy({ $0 < 0x80 }) else { return text.contains("/") }
        return text.utf8.contains(UInt8(ascii: "/"))
    }

    /// Request start time: RFC 3339 with offset, or Unix seconds / milliseconds (SPEC §6).
    /// How a time given as text is read.
    enum TimeText {
        /// RFC 3339 only (SPEC §6): a log line's `time` is a required field, and required fields
        /// are never coerced, so `"1720084877"` is text that is not RFC 3339 and rejects the line.
        case rfc3339Only
        /// RFC 3339, or a string of Unix seconds / milliseconds: a CSV ledger has no number type,
        /// so every cell of it, its optional `time` included, arrives as text.
        case rfc3339OrUnixDigits
    }

    static func timestamp(
        _ value: JSONValue, field: String, text mode: TimeText = .rfc3339Only
    ) throws(FieldError) -> Timestamp {
        switch value {
        case .string(let text):
            if let time = Timestamp(rfc3339: text) { return time }
            if mode == .rfc3339OrUnixDigits, let time = Timestamp(unixNumber: text.trimmingASCIISpaces()) {
                return time
            }
            if mode == .rfc3339Only, Timestamp(unixNumber: text.trimmingASCIISpaces()) != nil {
                throw FieldError(
                    field,
                    "'\(text.prefix(60))' is a string of digits, not an RFC 3339 time with offset; a Unix time must be a JSON number"
                )
            }
            throw FieldError(
                field,
                "'\(text.prefix(60))' is not an RFC 3339 time with offset or a Unix time (\(Timestamp.rfc3339Problem(text)))"
            )
        case .number(let text):
            guard let time = Timestamp(unixNumber: text) else {
                throw FieldError(field, "\(text.prefix(40)) is not a Unix time in seconds or milliseconds")
            }
            return time
        default:
            throw FieldError(field, "expected a time, found \(value.typeName)")
        }
    }
}

extension String {
    func trimmingASCIISpaces() -> String {
        var scalars = Substring(self)
        while let first = scalars.first, first == " " || first == "\t" { scalars = scalars.dropFirst() }
        while let last = scalars.last, last == " " || last == "\t" { scalars = scalars.dropLast() }
        return String(scalars)
    }
}
