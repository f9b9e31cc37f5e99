/// What a gateway row says about itself, before any recount (SPEC §2.6; the causes of issue
/// 15): its quota against its own ratios (`gateway_arithmetic`), its ratios against the
/// catalog's version in force (`rate`), and a stream that ended badly and was billed on the
/// gateway's local estimate (`stream_incomplete`). Pure functions of the row: the reconcile
/// stage that joins them to classes and reports is wired separately.
public struct GatewayFinding: Sendable, Equatable, CustomStringConvertible {
    public enum Cause: String, Sendable {
        /// The row's quota contradicts its own recorded ratios and tokens.
        case gatewayArithmetic = "gateway_arithmetic"
        /// A ratio the row applied differs from the catalog's version in force.
        case rate
        /// A stream that ended badly, charged on a local estimate.
        case streamIncomplete = "stream_incomplete"
    }

    public let cause: Cause
    /// For people and `cause_detail`: which value, both sides.
    public let detail: String

    public init(_ cause: Cause, _ detail: String) {
        self.cause = cause
        self.detail = detail
    }

    public var description: String { "\(cause.rawValue): \(detail)" }
}

public enum GatewayConsistency {
    /// The row's quota against `GatewayQuota`'s replay of its own `other`. Nil when they agree
    /// or the row is not checkable (the replay's reason is then in `replay`).
    public static func arithmetic(
        recordedQuota: Int, promptTokens: Int, completionTokens: Int,
        other: GatewayOther
    ) -> (finding: GatewayFinding?, replay: GatewayQuota.Outcome) {
        let replay = GatewayQuota.replay(promptTokens: promptTokens, completionTokens: completionTokens, other: other)
        guard case .quota(let expected) = replay, expected.quota != recordedQuota else { return (nil, replay) }
        let exact = expected.exact.decimalString(maxScale: 6)
        return (
            GatewayFinding(
                .gatewayArithmetic,
                "quota \(recordedQuota), but the row's own ratios give \(expected.quota) (exact \(exact))"), replay
        )
    }

    /// The ratios the row applied against the catalog's price for the model in `version`:
    /// model ratio (input price × 500,000 per USD × the model multiplier), completion ratio
    /// (output / input), cache ratio (cached / input), model price, group ratio. Only for
    /// USD-priced models; a ratio the row or the catalog lacks is not compared. A row whose
    /// `user_group_ratio` applied is compared on that ratio only if the catalog lists the group
    /// at it (the catalog cannot hold special ratios by user group).
    public static func rates(
        other: GatewayOther, model: String, group: String, version: PriceVersion
    ) -> [GatewayFinding] {
        guard let (key, price) = version.price(forModel: model), price.currency == "USD" else { return [] }
        var findings: [GatewayFinding] = []
        func differ(_ name: String, row: Rational?, catalog: Rational?) {
            guard let row, let catalog, row != catalog else { return }
            findings.append(
                GatewayFinding(
                    .rate,
                    "\(name): row \(GatewayCatalog.text(row)), catalog \(GatewayCatalog.text(catalog)) ('\(key)' in version '\(version.id)')"
                ))
        }
        if other.usesModelPrice {
            differ(
                "model_price", row: other.modelPrice,
                catalog: price.perRequest.map { (try? $0.multiplied(by: price.multiplier)) ?? $0 })
        } else if let input = price.inputPerToken, !input.isZero {
            let catalogRatio = try? input.multiplied(by: GatewayQuota.quotaPerUSD).multiplied(by: price.multiplier)
            differ("model_ratio", row: other.modelRatio, catalog: catalogRatio)
            differ(
                "completion_ratio", row: other.completionRatio,
                catalog: price.outputPerToken.flatMap { try? $0.divided(by: input) })
            if (other.cacheTokens ?? 0) > 0 {
                differ(
                    "cache_ratio", row: other.cacheRatio,
                    catalog: price.cachedInputPerToken.flatMap { try? $0.divided(by: input) })
            }
        }
        let special = other.userGroupRatio.map { !$0.isNegative } ?? false
        let (multiplier, listed) = version.groupMultiplier(group)
        if !special || listed {
            differ("group_ratio", row: other.groupRatio, catalog: multiplier)
        }
        return findings
    }
}

/// How a stream ended, from the row alone (no bodies): `other.stream_status.end_reason`,
/// `admin_info.usage_billing_path` / `local_count_tokens`, the completion count and the quota.
public enum StreamOutcome: String, Sendable, CaseIterable {
    /// Not a stream, or a row without `stream_status` (older gateways).
    case notStream = "not_stream"
    case unknown
    /// Ended with `[DONE]` and no error.
    case complete
    /// Ended badly, billed on the upstream's usage: its own count of what it produced.
    case incompleteUpstreamUsage = "incomplete_upstream_usage"
    /// Ended badly and billed on the gateway's local count of partial text: the charge rests on
    /// an estimate (`stream_incomplete`).
    case incompleteLocalEstimate = "incomplete_local_estimate"
    /// Ended badly and billed nothing, although the upstream may have charged for it.
    case incompleteUnbilled = "incomplete_unbilled"

    /// The outcome of one row, and the `stream_incomplete` finding where the charge rests on
    /// a local estimate of an unfinished stream.
    public static func classify(
        isStream: Bool, quota: Int, completionTokens: Int,
        other: GatewayOther?
    ) -> (outcome: StreamOutcome, endReason: String?, finding: GatewayFinding?) {
        guard isStream else { return (.notStream, nil, nil) }
        guard let status = other?.streamStatus else { return (.unknown, nil, nil) }
        let reason = status.endReason ?? ""
        let erred = status.status == "error" || (status.errorCount ?? 0) > 0
        if reason == "done", !erred { return (.complete, reason, nil) }
        if reason.isEmpty, status.status == "ok" { return (.complete, nil, nil) }
        let label = reason.isEmpty ? "(none)" : reason
        if quota == 0 && completionTokens == 0 { return (.incompleteUnbilled, reason, nil) }
        let path = other?.usageBillingPath
        let local = other?.localCountTokens == true || path == "local" || (path?.hasSuffix("-estimated") ?? false)
        guard local else { return (.incompleteUpstreamUsage, reason, nil) }
        var detail = "stream ended '\(label)'; billed on the gateway's local count"
        if let path { detail += " (usage_billing_path \(path))" }
        detail += ", \(completionTokens) completion tokens"
        if let error = status.endError, !error.isEmpty { detail += "; \(error.prefix(120))" }
        return (.incompleteLocalEstimate, reason, GatewayFinding(.streamIncomplete, detail))
    }
}
