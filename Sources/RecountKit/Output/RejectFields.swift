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
        case (.idOrTime, .string), (.idOrTime, .number), (.name, .string), (.number, .number), (.flag, .bool),
            (.flag, .number):
            return value
        case (.secret, .string(let secret)):
            return .string(KeyMask.mask(secret))
        case (.counts, .object):
            return Self.onlyCounts(value) ? value : nil
        case (.billed, .object(let billed)):
            let ok = billed.members.allSatisfy { key, value in
                switch (key, value) {
                case ("prompt_tokens", .number), ("completion_tokens", .number), ("amount", .number),
                    ("amount", .string), ("pricing_version", .string):
                    true
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

    /// Whether a value holds nothing but numbers, flags and nulls, in objects and arrays.
    static func onlyCounts(_ value: JSONValue) -> Bool {
        switch value {
        case .number, .bool, .null: true
        case .string: false
        case .array(let items): items.allSatisfy(onlyCounts)
        case .object(let object): object.members.allSatisfy { onlyCounts($0.value) }
        }
    }

    /// The value with every string (and every member or item left empty by that) taken out.
    static func countsOnly(_ value: JSONValue) -> JSONValue {
        switch value {
        case .object(let object):
            return .object(
                JSONObject(
                    members: object.members.compactMap { key, value in
                        if case .string = value { return nil }
                        return (key, countsOnly(value))
                    }))
        case .array(let items):
            return .array(items.filter { if case .string = $0 { false } else { true } }.map(countsOnly))
        default:
            return value
        }
    }
}
