import TokenCounter

/// The fields a rejected line may show in `rejects.jsonl`, each with the shape its value must
/// have to be shown (`Redaction`). A value of another shape is not that field, whatever its
/// name: a piece of a split chat line whose keys a tool call chose (`{"id": 5, "status":
/// "open", …}`) shows nothing of it, because `status` is a number.
struct RejectFields: Sendable {
    enum Shape: Sendable {
        /// An id or a time: a string or a number.
        case idOrTime
        /// A name the platform gave (account, model, group, user name, …).
        case name
        case number
        /// A boolean, or the 0/1 a database writes for one.
        case flag
        /// `key`, `token_name`: a string, shown masked.
        case secret
        /// `usage`: numbers (and flags) at any depth, nothing else.
        case counts
        /// `billed`: its token counts as numbers, `amount` and `pricing_version` as written.
        case billed
        /// new-api's `other`, a JSON object as text: only its numbers and flags are shown.
        case gatewayOther
    }

    let shapes: [String: Shape]
    /// Which fields make a line a record at all: one of `ids` and one of `anchors`.
    let ids: Set<String>
    let anchors: Set<String>

    /// A log line (SPEC §2.1) or a gateway row (§2.1 dialects, §2.6). Not `request`,
    /// `response` or `content` (a gateway row's is its own note, a piece of a chat line has one too).
    static let log = RejectFields(
        shapes: [
            "id": .idOrTime, "time": .idOrTime, "account": .name, "group": .name, "model": .name, "endpoint": .name,
            "key": .secret, "status": .number, "stream": .flag, "usage": .counts, "billed": .billed,
            "created_at": .number, "use_time": .number, "user_id": .number, "username": .name, "token_name": .secret,
            "token_id": .number, "model_name": .name, "quota": .number, "prompt_tokens": .number,
            "completion_tokens": .number, "is_stream": .flag, "request_id": .idOrTime, "other": .gatewayOther,
            "type": .number, "channel_id": .number, "channel": .number, "ip": .name, "elapsed_time": .number,
            "system_prompt_reset": .flag,
        ], ids: ["id", "request_id"], anchors: ["model", "model_name", "time", "created_at"])

    /// A JSONL ledger line (SPEC §2.2).
    static let ledger = RejectFields(
        shapes: [
            "debit_id": .idOrTime, "request_id": .idOrTime, "account": .name, "time": .idOrTime,
            "amount": .idOrTime, "pricing_version": .name,
        ], ids: ["debit_id", "request_id"], anchors: ["debit_id", "request_id"])

    /// Whether these members, as far as they go, are a record's: an id and an anchor of the
    /// right shapes.
    func isRecord(_ members: [JSONObject.Member]) -> Bool {
        let keys = members.filter { shown($0.key, $0.value) != nil }.map(\.key)
        return keys.contains(where: ids.contains) && keys.contains(where: anchors.contains)
    }

    /// The value as a report may show it, or nil when the field is unknown or of another shape.
    func shown(_ key: String, _ value: JSONValue) -> JSONValue? {
        guard let shape = shapes[key] else { return nil }
        switch (shape, value) {
        case (.idOrTime, .string(let text)), (.name, .string(let text)):
            return Self.isName(text) ? value : nil
        case (.idOrTime, .number), (.number, .number), (.flag, .bool), (.flag, .number):
            return value
        case (.secret, .string(let secret)):
            return .string(KeyMask.mask(secret))
        case (.counts, .object):
            return Self.onlyCounts(value) ? value : nil
        case (.billed, .object(let billed)):
            let ok = billed.members.allSatisfy { key, value in
                switch (key, value) {
                case ("prompt_tokens", .number), ("completion_tokens", .number), ("amount", .number): true
                case ("amount", .string(let amount)): Self.isAmount(amount)
                case ("pricing_version", .string(let version)): Self.isIdentifier(version, of: Self.versionBytes)
                default: false
                }
            }
            return ok ? value : nil
        case (.gatewayOther, .string(let text)):
            if text.isEmpty { return value }
            guard let parsed = try? JSONParser.parse(Array(text.utf8)), case .object = parsed else { return nil }
            return .string(JSONWriter.string(Self.countsOnly(parsed)))
        default:
            return nil
        }
    }

    /// A name or an id as a platform writes one: at most 128 characters, none of them a
    /// control character (a line of a conversation has newlines and runs longer).
    static func isName(_ text: String) -> Bool {
        var count = 0
        for scalar in text.unicodeScalars {
            count += 1
            if count > 128 || scalar.value < 0x20 || (0x7F...0x9F).contains(scalar.value) { return false }
        }
        return true
    }

    /// A key of `usage` or `other`: 1 to 64 of `a-z`, `0-9`, `_`. A key is text of the line
    /// too: a piece of a tool call's arguments could hide a sentence in one.
    static let identifierBytes = Set("abcdefghijklmnopqrstuvwxyz0123456789_".utf8)
    /// A `pricing_version` (`2024-02`, `gateway-2024-02-01T00:00:00+08:00`): letters, digits, `_.:+-`.
    static let versionBytes = identifierBytes.union("ABCDEFGHIJKLMNOPQRSTUVWXYZ.:+-".utf8)

    static func isIdentifier(_ text: String, of allowed: Set<UInt8> = identifierBytes) -> Bool {
        (1...64).contains(text.utf8.count) && text.utf8.allSatisfy(allowed.contains)
    }

    /// A decimal or a fraction as SPEC §2.1 writes an amount: `12`, `-0.5`, `1e-3`, `1/3.05`.
    static func isAmount(_ text: String) -> Bool {
        text.utf8.count <= 64 && (try? Rational(parsing: text)) != nil
    }

    /// Whether a value holds nothing but numbers, flags and nulls under identifier keys.
    static func onlyCounts(_ value: JSONValue) -> Bool {
        switch value {
        case .number, .bool, .null: true
        case .string: false
        case .array(let items): items.allSatisfy(onlyCounts)
        case .object(let object): object.members.allSatisfy { isIdentifier($0.key) && onlyCounts($0.value) }
        }
    }

    /// The value with every string, and every member under a key that is no identifier, taken out.
    static func countsOnly(_ value: JSONValue) -> JSONValue {
        switch value {
        case .object(let object):
            return .object(
                JSONObject(
                    members: object.members.compactMap { key, value in
                        if case .string = value { return nil }
                        guard isIdentifier(key) else { return nil }
                        return (key, countsOnly(value))
                    }))
        case .array(let items):
            return .array(items.filter { if case .string = $0 { false } else { true } }.map(countsOnly))
        default:
            return value
        }
    }
}
