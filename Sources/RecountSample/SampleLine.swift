import RecountKit
import TokenCounter

/// The bytes of a generated request's log line and of its ledger debits.
///
/// Field order and optional fields vary the way real relay logs vary (group and status often
/// omitted when default, three time formats, amounts as strings or numbers), and every value
/// written is the one the draft's `LogRecord` holds, so `reconcile` decodes exactly what was
/// priced.
enum SampleLine {
    /// The canonical `recount.log/1` line, or the one-api row, without its newline.
    static func log(_ draft: SampleDraft, billing: SampleBilling) -> [UInt8] {
        SampleJSON.bytes(value(draft, billing: billing))
    }

    static func value(_ draft: SampleDraft, billing: SampleBilling) -> JSONValue {
        if let row = draft.oneAPI { return oneAPIRow(draft, row: row, billing: billing) }
        var fields: [(String, JSONValue)] = [
            ("id", .string(draft.id)), ("time", time(draft)), ("account", .string(draft.account.name)),
            ("key", .string(draft.key)),
        ]
        if draft.writesGroup { fields.append(("group", .string(draft.record.group))) }
        fields.append(("model", .string(draft.record.model)))
        if draft.record.endpoint != .chatCompletions {
            fields.append(("endpoint", .string(draft.record.endpoint.rawValue)))
        }
        if draft.writesStatus { fields.append(("status", .int(draft.status))) }
        if draft.exchange.stream { fields.append(("stream", .bool(true))) }
        if let request = draft.exchange.request { fields.append(("request", request)) }
        if let response = draft.exchange.response { fields.append(("response", response)) }
        if let usage = draft.usage, draft.usagePlacement == .topLevel { fields.append(("usage", usage)) }
        var billed: [(String, JSONValue)] = []
        if let prompt = billing.billedPrompt { billed.append(("prompt_tokens", .int(prompt))) }
        if let completion = billing.billedCompletion { billed.append(("completion_tokens", .int(completion))) }
        if let amount = billing.amount { billed.append(("amount", .string(text(amount)))) }
        if let version = billing.version { billed.append(("pricing_version", .string(version))) }
        if !billed.isEmpty { fields.append(("billed", .fields(billed))) }
        return .fields(fields)
    }

    /// A new-api `logs` row as its export writes it (`created_at` in Unix seconds, `quota`
    /// in the site's unit, `other` a JSON string).
    static func oneAPIRow(_ draft: SampleDraft, row: SampleDraft.OneAPIRow, billing: SampleBilling) -> JSONValue {
        let start = SampleCatalog.dayStartSeconds + draft.timeMilliseconds / 1000
        return .fields([
            ("id", .int(row.rowID)), ("user_id", .int(row.userID)),
            ("created_at", .int(Int(start) + row.useTimeSeconds)),
            ("type", .int(2)), ("content", .string("模型倍率 \(draft.model.name)，分组 \(draft.record.group)")),
            ("username", .string(draft.account.name)), ("token_name", .string(draft.key)),
            ("model_name", .string(draft.model.name)),
            ("quota", .int(Int(billing.amount?.numerator ?? 0))),
            ("prompt_tokens", .int(billing.billedPrompt ?? 0)),
            ("completion_tokens", .int(billing.billedCompletion ?? 0)),
            ("use_time", .int(row.useTimeSeconds)), ("is_stream", .bool(draft.record.stream)),
            ("channel", .int(row.channel)),
            ("group", .string(draft.record.group)), ("request_id", .string(draft.id)),
            ("other", .string("{\"model_ratio\":0,\"group_ratio\":1,\"frt\":\(row.useTimeSeconds * 100)}")),
        ])
    }

    /// The ledger lines of a request's debits: ids `d-<request>-<n>`, a little after the
    /// request started, the amount as a string (sometimes a JSON number).
    static func debits(_ draft: SampleDraft, billing: SampleBilling, _ rng: inout SampleRandom) -> [[UInt8]] {
        var lines: [[UInt8]] = []
        var at = draft.timeMilliseconds + Int64(300 + rng.below(30_000))
        for (index, amount) in billing.debits.enumerated() {
            var fields: [(String, JSONValue)] = [
                ("debit_id", .string("d-\(draft.id)-\(index + 1)")), ("request_id", .string(draft.id)),
                ("account", .string(draft.account.name)), ("time", .string(localTime(at))),
                ("amount", rng.chance(100) ? .number(text(amount)) : .string(text(amount))),
            ]
            if let version = billing.version { fields.append(("pricing_version", .string(version))) }
            lines.append(SampleJSON.bytes(.fields(fields)))
            at += Int64(500 + rng.below(4000))
        }
        return lines
    }

    /// Amounts are whole units (the catalog's scale is 0).
    static func text(_ amount: Rational) -> String {
        amount.decimalString(scale: 0) ?? amount.decimalString(maxScale: 12)
    }

    static func time(_ draft: SampleDraft) -> JSONValue {
        switch draft.timeFormat {
        case .local: .string(localTime(draft.timeMilliseconds))
        case .utc: .string(draft.record.time.rfc3339(offsetSeconds: 0))
        case .unixMilliseconds: .number(String(SampleCatalog.dayStartSeconds * 1000 + draft.timeMilliseconds))
        }
    }

    /// `2024-03-01T08:15:02.120+08:00` for milliseconds since local midnight (past midnight
    /// rolls into the next day, for debits of the day's last requests).
    static func localTime(_ milliseconds: Int64) -> String {
        if milliseconds >= SampleCatalog.dayMilliseconds {
            return Timestamp(
                seconds: SampleCatalog.dayStartSeconds + milliseconds / 1000,
                nanoseconds: Int32(milliseconds % 1000) * 1_000_000,
                offsetSeconds: SampleCatalog.zoneOffsetSeconds
            ).rfc3339(offsetSeconds: SampleCatalog.zoneOffsetSeconds)
        }
        func two(_ value: Int64) -> String { value < 10 ? "0\(value)" : "\(value)" }
        let ms = milliseconds % 1000
        let seconds = milliseconds / 1000
        let fraction = ms < 10 ? "00\(ms)" : ms < 100 ? "0\(ms)" : "\(ms)"
        return
            "\(SampleCatalog.dayText)T\(two(seconds / 3600)):\(two(seconds / 60 % 60)):\(two(seconds % 60)).\(fraction)+08:00"
    }
}
