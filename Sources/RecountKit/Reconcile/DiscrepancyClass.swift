/// The one class each request (or orphan debit) gets (SPEC §3).
public enum DiscrepancyClass: String, Sendable, CaseIterable, Comparable {
    case ok
    case overcharge
    case undercharge
    case failed_request_charged
    case duplicate_charge
    case missing_charge
    case orphan_debit
    case unpriced_model

    public static func < (lhs: Self, rhs: Self) -> Bool {
        lhs.ordinal < rhs.ordinal
    }

    /// The place in `allCases`, without a search or a hash (totals are kept per class by it).
    var ordinal: Int {
        switch self {
        case .ok: 0
        case .overcharge: 1
        case .undercharge: 2
        case .failed_request_charged: 3
        case .duplicate_charge: 4
        case .missing_charge: 5
        case .orphan_debit: 6
        case .unpriced_model: 7
        }
    }
}

/// Why a row is not `ok`. Several can apply to one row (`prompt_tokens+price_version`).
public enum Cause: String, Sendable, CaseIterable {
    /// The billed prompt token count differs from the count used.
    case prompt_tokens
    /// The billed completion token count differs from the count used.
    case completion_tokens
    /// The debit was made under another price version than the one in force.
    case price_version
    /// The recorded amount is the exact amount rounded another way (or without the minimum).
    case rounding
    /// None of the above explains it: the price, exchange rate or a multiplier differs. On a
    /// gateway row whose `other` records its ratios, the detail names the ratio (model,
    /// completion, group, cache, model price) that differs from the catalog and both values.
    case rate
    /// A gateway row's quota contradicts its own recorded ratios and tokens: the gateway
    /// computed wrong (`GatewayConsistency.arithmetic`; the replay is in `explain`).
    case gateway_arithmetic
    /// The charge rests on the gateway's local estimate of a stream that did not finish
    /// (`StreamOutcome.classify`); the detail gives the end reason.
    case stream_incomplete
    case failed_request
    case duplicate_debit
    case no_debit
    case no_request
    case no_price
}
