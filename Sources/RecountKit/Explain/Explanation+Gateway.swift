import TokenCounter

/// `explain` on a gateway row (SPEC §2.6): the row's own columns, the ratios it says it applied
/// beside the catalog's in the version in force (the `rate` check), the gateway's formula
/// replayed from the row alone (the `gateway_arithmetic` check), and how its stream ended.
extension Explanation {
    /// One ratio as the row recorded it and as the catalog's version in force gives it.
    public struct RatioPair: Sendable {
        public let name: String
        public let row: Rational?
        public let catalog: Rational?
        public var differs: Bool { row != nil && catalog != nil && row != catalog }
    }

    /// The row's ratios beside the catalog's: model ratio (input price × 500,000 per USD × the
    /// model multiplier), completion ratio (output / input), cache ratio (cached / input),
    /// group ratio, model price (USD per call). Only for a USD-priced model (the gateway's unit).
    public var gatewayRatios: [RatioPair] {
        guard let other = record?.gateway?.other, let record else { return [] }
        let found = version?.price(forModel: record.model)
        let price = found?.price.currency == "USD" ? found?.price : nil
        var pairs: [RatioPair] = []
        let input = price?.inputPerToken.flatMap { $0.isZero ? nil : $0 }
        if other.usesModelPrice || price?.perRequest != nil {
            pairs.append(
                RatioPair(
                    name: "model_price", row: other.modelPrice,
                    catalog: price?.perRequest.flatMap { try? $0.multiplied(by: price!.multiplier) }))
        } else {
            pairs.append(
                RatioPair(
                    name: "model_ratio", row: other.modelRatio,
                    catalog: input.flatMap {
                        try? $0.multiplied(by: GatewayQuota.quotaPerUSD).multiplied(by: price!.multiplier)
                    }))
            pairs.append(
                RatioPair(
                    name: "completion_ratio", row: other.completionRatio,
                    catalog: input.flatMap { i in price?.outputPerToken.flatMap { try? $0.divided(by: i) } }))
            if other.cacheRatio != nil || (other.cacheTokens ?? 0) > 0 {
                pairs.append(
                    RatioPair(
                        name: "cache_ratio", row: other.cacheRatio,
                        catalog: input.flatMap { i in price?.cachedInputPerToken.flatMap { try? $0.divided(by: i) } }))
            }
        }
        pairs.append(
            RatioPair(name: "group_ratio", row: other.groupRatio, catalog: version?.groupMultiplier(record.group).0))
        if let special = other.userGroupRatio, !special.isNegative {
            pairs.append(RatioPair(name: "user_group_ratio", row: special, catalog: nil))
        }
        return pairs
    }

    /// The gateway's own formula on the row's own ratios and tokens (`GatewayQuota`).
    public var gatewayReplay: GatewayQuota.Outcome? {
        guard let record, let gateway = record.gateway, gateway.role == .request, let other = gateway.other else {
            return nil
        }
        return GatewayQuota.replay(
            promptTokens: record.billed.promptTokens ?? 0,
            completionTokens: record.billed.completionTokens ?? 0, other: other)
    }

    func gatewaySection(_ out: inout TextLines) {
        guard let record, let gateway = record.gateway else { return }
        out.heading("gateway row (logs type \(gateway.logType), \(gateway.role.rawValue))")
        if let rowID = gateway.rowID { out.field("logs.id", rowID) }
        if let upstream = gateway.upstreamRequestID { out.field("upstream request id", upstream) }
        if let channel = gateway.channel { out.field("channel", String(channel)) }
        if let useTime = gateway.useTime { out.field("use_time", "\(useTime) s (start = created_at − use_time)") }
        if let quota = gateway.quota { out.field("quota", String(quota)) }
        let ratios = gatewayRatios
        if !ratios.isEmpty {
            var table = TextTable(["ratio", "row (other)", "catalog (\(version?.id ?? "none"))", ""])
            for pair in ratios {
                table.row([
                    pair.name, pair.row.map(GatewayCatalog.text) ?? "-", pair.catalog.map(GatewayCatalog.text) ?? "-",
                    pair.differs ? "DIFFERS" : "",
                ])
            }
            out.table(table)
        }
        switch gatewayReplay {
        case .quota(let replay)?:
            out.field("gateway formula", "\(replay.mode.rawValue) mode, from the row's own ratios")
            for term in replay.terms { out.field("  " + term.label, ExactText.text(term.quota)) }
            var result = "exact \(replay.exact.decimalString(maxScale: 6)) → quota \(replay.quota)"
            if replay.flooredToOne { result += " (floor of 1)" }
            if replay.clamped { result += " (clamped to 32 bits)" }
            if let quota = gateway.quota {
                result +=
                    quota == replay.quota
                    ? "; the row wrote \(quota): consistent" : "; the row wrote \(quota): INCONSISTENT"
            }
            out.field("replayed quota", result)
        case .notCheckable(let reason)?:
            out.field("gateway formula", "not checkable from the row: \(reason)")
        case nil:
            break
        }
        if record.stream {
            let stream = Self.streamOutcome(record, gateway)
            out.field(
                "stream",
                stream.outcome.rawValue + (stream.endReason.map { " (end_reason \($0.isEmpty ? "(none)" : $0))" } ?? "")
            )
        }
    }

    var gatewayJSON: JSONValue? {
        guard let record, let gateway = record.gateway else { return nil }
        var pairs: [(String, JSONValue)] = [
            ("log_type", .num(gateway.logType)), ("role", .string(gateway.role.rawValue)),
            ("row_id", .str(gateway.rowID)), ("upstream_request_id", .str(gateway.upstreamRequestID)),
            ("channel", gateway.channel.map { .num($0) } ?? .null),
            ("use_time", gateway.useTime.map { .num($0) } ?? .null),
            ("quota", gateway.quota.map { .num($0) } ?? .null),
            (
                "ratios",
                .array(
                    gatewayRatios.map {
                        .obj([
                            ("name", .string($0.name)), ("row", .str($0.row.map(GatewayCatalog.text))),
                            ("catalog", .str($0.catalog.map(GatewayCatalog.text))), ("differs", .bool($0.differs)),
                        ])
                    })
            ),
        ]
        switch gatewayReplay {
        case .quota(let replay)?:
            pairs.append(
                (
                    "replay",
                    .obj([
                        ("mode", .string(replay.mode.rawValue)),
                        (
                            "terms",
                            .array(
                                replay.terms.map {
                                    .obj([
                                        ("label", .string($0.label)),
                                        ("quota", .string($0.quota.decimalString(maxScale: 12))),
                                    ])
                                })
                        ),
                        ("exact", .string(replay.exact.decimalString(maxScale: 12))), ("quota", .num(replay.quota)),
                        ("floored_to_one", .bool(replay.flooredToOne)), ("clamped", .bool(replay.clamped)),
                    ])
                ))
        case .notCheckable(let reason)?:
            pairs.append(("replay", .obj([("not_checkable", .string(reason))])))
        case nil:
            break
        }
        if record.stream {
            let stream = Self.streamOutcome(record, gateway)
            pairs.append(
                (
                    "stream",
                    .obj([("outcome", .string(stream.outcome.rawValue)), ("end_reason", .str(stream.endReason))])
                ))
        }
        return .obj(pairs)
    }
}

extension Explanation {
    /// How a streamed row ended, from the row alone: the text and the JSON show the same.
    static func streamOutcome(
        _ record: LogRecord, _ gateway: GatewayRow
    )
        -> (outcome: StreamOutcome, endReason: String?, finding: GatewayFinding?)
    {
        StreamOutcome.classify(
            isStream: true, quota: gateway.quota ?? 0, completionTokens: record.billed.completionTokens ?? 0,
            other: gateway.other)
    }
}
