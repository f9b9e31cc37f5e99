import RecountKit
import TokenCounter

/// Broken lines of the kinds real logs contain, each one that `reconcile` must reject
/// (SPEC §2.1, §6 "Lines and debits") and none that it may silently accept.
enum SampleMalformed {
    /// Why a line is broken; written to `sample.json` beside the line's position.
    enum Kind: String, CaseIterable, Sendable {
        case truncated, idNotString, badTime, negativeAmount, invalidUTF8, missingAccount, notAnObject
        case repeatedID, ledgerBadAmount
    }

    /// A broken version of the draft's line.
    static func line(_ draft: SampleDraft, billing: SampleBilling, _ rng: inout SampleRandom) -> (Kind, [UInt8]) {
        let good = SampleLine.log(draft, billing: billing)
        guard case .object(var object) = SampleLine.value(draft, billing: billing) else {
            return (.notAnObject, Array("[]".utf8))
        }
        let kinds: [Kind] =
            draft.oneAPI == nil
            ? [.truncated, .idNotString, .badTime, .negativeAmount, .invalidUTF8, .missingAccount, .notAnObject]
            : [.truncated, .invalidUTF8, .notAnObject]
        let kind = rng.pick(kinds)
        switch kind {
        case .truncated:
            // A writer killed mid-line: cut at an ASCII byte somewhere in the middle.
            var cut = good.count / 3 + rng.below(max(1, good.count / 3))
            while cut > 1, good[cut] >= 0x80 { cut -= 1 }
            return (kind, Array(good[..<cut]))
        case .idNotString:
            object["id"] = .int(100_000 + rng.below(900_000))
        case .badTime:
            object["time"] = .string(
                ["2024-03-01 25:61:00+08:00", "yesterday", "2024-03-01T08:15:02", "1709-03-01"][rng.below(4)])
        case .negativeAmount:
            object["billed"] = .fields([("amount", .string("-\(1 + rng.below(500))"))])
        case .invalidUTF8:
            // Bytes of a GBK-encoded string pasted into a UTF-8 log.
            var bytes = good
            let at = bytes.firstIndex(of: UInt8(ascii: ",")) ?? bytes.count / 2
            bytes.insert(contentsOf: [0x22, 0x78, 0x22, 0x3A, 0x22, 0xD5, 0xC5, 0xC8, 0xFD, 0x22, 0x2C], at: at + 1)
            return (kind, bytes)
        case .missingAccount:
            object["account"] = nil
        case .notAnObject, .repeatedID, .ledgerBadAmount:
            return (.notAnObject, Array("[".utf8) + good + Array("]".utf8))
        }
        return (kind, SampleJSON.bytes(.object(object)))
    }

    /// A ledger line for `requestID` whose amount is not a number.
    static func debit(requestID: String, account: String, _ rng: inout SampleRandom) -> [UInt8] {
        SampleJSON.bytes(
            .fields([
                ("debit_id", .string("d-\(requestID)-retry")), ("request_id", .string(requestID)),
                ("account", .string(account)),
                ("amount", .string(["ten", "", "12,5", "NaN"][rng.below(4)])),
            ]))
    }
}
