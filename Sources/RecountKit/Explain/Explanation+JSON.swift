import TokenCounter

/// `recount explain --json`: the same facts as the text, machine-readable (schema
/// `recount.explain/1`). Amounts are decimal strings, exact fractions `"a/b"` where a value
/// does not terminate, so a script can redo the arithmetic exactly.
extension Explanation {
    public func json() -> String {
        let row = outcome
        let counts = row.counts
        var pairs: [(String, JSONValue)] = [
            ("schema", .string("recount.explain/1")),
            ("request_id", .string(row.requestID)),
            ("source", .str(row.source?.description)),
            ("time", .str(row.time?.description)),
            ("account", .string(row.account)),
            ("key", .str(record?.key == nil ? nil : KeyMask.mask(record?.key))),
            ("group", .str(record?.group)),
            ("model", .str(row.model)),
            ("endpoint", .str(row.endpoint?.rawValue)),
            ("status", number(row.status)),
            ("stream", record.map { .bool($0.stream) } ?? .null),
            ("encoding", .str(counts?.encoding?.rawValue)),
            ("encoding_is_fallback", .bool(counts?.encodingIsFallback ?? false)),
        ]
        if let prompt { pairs.append(("prompt", promptJSON(prompt))) }
        if let completion { pairs.append(("completion", completionJSON(completion))) }
        if let counts { pairs.append(("basis", basisJSON(counts))) }
        pairs.append(("pricing_version", versionJSON))
        pairs.append(("debit_pricing_version", .str(row.debitPricingVersion)))
        if let breakdown = row.breakdown { pairs.append(("charge", chargeJSON(breakdown))) }
        if let gateway = gatewayJSON { pairs.append(("gateway", gateway)) }
        pairs.append(("unpriced_reason", .str(row.unpricedReason)))
        pairs.append(("debits", debitsJSON))
        pairs.append(("unit", .string(unitName)))
        pairs.append(("recorded", .string(amount(row.recorded))))
        pairs.append(("expected", .str(row.expected.map(amount))))
        pairs.append(("delta", .str(row.delta.map(amount))))
        // The site's unit and `--also-currency`: only when there are any (SPEC §4.1).
        for conversion in conversions.all {
            pairs.append(
                (
                    conversion.kind == .site ? "site_unit" : "also_currency",
                    .obj([
                        ("name", .string(conversion.name)), ("formula", .string(conversion.formula)),
                        ("scale", .num(conversion.scale)), ("rounding", .string(AmountConversion.rounding.rawValue)),
                        ("recorded", .string(conversion.text(row.recorded))),
                        ("expected", .str(row.expected.map(conversion.text))),
                        ("delta", .str(row.delta.map(conversion.text))),
                        ("credits", .array(row.credits.map { .string(conversion.text($0.amount)) })),
                    ])
                ))
        }
        pairs.append(("class", .string(row.outcomeClass.rawValue)))
        pairs.append(("cause", .string(row.causeLabel)))
        pairs.append(("cause_detail", .string(row.causeDetail)))
        pairs.append(("credits", creditsJSON))
        return JSONWriter.string(.obj(pairs), indent: 2) + "\n"
    }

    /// The price version in force at the request's start, if any.
    var versionJSON: JSONValue {
        version.map {
            .obj([
                ("id", .string($0.id)), ("effective_from", .string($0.effectiveFrom.description)),
                ("effective_until", .str($0.effectiveUntil?.description)),
            ])
        } ?? .null
    }

    /// The debits taken for the request.
    var debitsJSON: JSONValue {
        .array(
            outcome.debits.map {
                .obj([
                    ("debit_id", .string($0.debitID)), ("account", .string($0.account)),
                    ("amount", .string(amount($0.amount))),
                    ("pricing_version", .str($0.pricingVersion)), ("source", .string($0.source.description)),
                ])
            })
    }

    /// The credits issued (or withheld) for the request.
    var creditsJSON: JSONValue {
        .array(
            outcome.credits.map {
                .obj([
                    ("credit_id", .string($0.creditID)), ("account", .string($0.account)),
                    ("class", .string($0.creditClass.rawValue)),
                    ("amount", .string(amount($0.amount))), ("status", .string($0.status.rawValue)),
                    ("debit_id", .str($0.debitID)),
                    ("reason", .string($0.reason)),
                ])
            })
    }

    func promptJSON(_ prompt: ChatPromptCount) -> JSONValue {
        let messages: [JSONValue]
        if case .array(let items)? = record?.request?["messages"] { messages = items } else { messages = [] }
        return .obj([
            ("rule", .string(prompt.rule.name)),
            ("tokens_per_message", .num(prompt.rule.tokensPerMessage)),
            ("tokens_per_name", .num(prompt.rule.tokensPerName)),
            (
                "messages",
                .array(
                    prompt.messages.map { message in
                        let text = Preview.messageText(message.index < messages.count ? messages[message.index] : nil)
                        return .obj([
                            ("index", .num(message.index)), ("role", .str(message.role)), ("name", .str(message.name)),
                            ("overhead", .num(message.overhead)), ("field_tokens", .num(message.fieldTokens)),
                            ("content_tokens", .num(message.contentTokens)),
                            ("name_adjustment", .num(message.nameAdjustment)),
                            ("tool_call_tokens", .num(message.toolCallTokens)),
                            ("image_tokens", .num(message.imageTokens)),
                            ("total", .num(message.total)),
                            ("text_preview", .str(text.map { String($0.prefix(Preview.charactersMax)) })),
                        ])
                    })
            ),
            ("tool_definition_tokens", .num(prompt.toolDefinitionTokens)),
            ("tool_rule", .str(prompt.toolRule?.name)),
            ("reply_priming", .num(prompt.replyPriming)),
            ("total", .num(prompt.total)),
            ("incomplete", .array(prompt.incompleteReasons.map { .string($0) })),
        ])
    }

    func completionJSON(_ completion: CompletionDetail) -> JSONValue {
        .obj([
            (
                "choices",
                .array(
                    completion.choices.map {
                        .obj([
                            ("index", .num($0.index)), ("tokens", .num($0.tokens)),
                            ("text_preview", .string(String($0.text.prefix(Preview.charactersMax)))),
                        ])
                    })
            ),
            (
                "tool_calls",
                .array(
                    completion.toolCalls.map {
                        .obj([
                            ("name", .string($0.name)), ("name_tokens", .num($0.nameTokens)),
                            ("argument_tokens", .num($0.argumentTokens)),
                        ])
                    })
            ),
            ("total", .num(completion.total)),
        ])
    }

    func basisJSON(_ counts: TokenCounts) -> JSONValue {
        .obj([
            ("policy", .string(basis.rawValue)),
            (
                "prompt",
                .obj([
                    ("used", .num(counts.prompt)), ("source", .string(counts.promptSource.rawValue)),
                    ("upstream", number(counts.upstreamPrompt)), ("recount", number(counts.recountPrompt)),
                    ("billed", number(counts.billedPrompt)), ("cached", .num(counts.cachedPrompt)),
                ])
            ),
            (
                "completion",
                .obj([
                    ("used", .num(counts.completion)), ("source", .string(counts.completionSource.rawValue)),
                    ("upstream", number(counts.upstreamCompletion)), ("recount", number(counts.recountCompletion)),
                    ("billed", number(counts.billedCompletion)),
                ])
            ),
            ("notes", .array(counts.notes.map { .string($0) })),
        ])
    }

    func chargeJSON(_ breakdown: ChargeBreakdown) -> JSONValue {
        .obj([
            ("model_key", .string(breakdown.modelKey)),
            (
                "terms",
                .array(
                    breakdown.terms.map {
                        .obj([
                            ("label", .string($0.label)), ("quantity", exact($0.quantity)),
                            ("unit_price", exact($0.unitPrice)),
                            ("currency", .string($0.currency)), ("subtotal", exact($0.subtotal)),
                        ])
                    })
            ),
            ("list", exact(breakdown.list)), ("list_currency", .string(breakdown.listCurrency)),
            ("exchange_rate", exact(breakdown.exchangeRate)), ("per_currency", exact(breakdown.perCurrency)),
            ("model_multiplier", exact(breakdown.modelMultiplier)),
            ("group_multiplier", exact(breakdown.groupMultiplier)),
            ("group_is_listed", .bool(breakdown.groupIsListed)),
            ("amount", exact(breakdown.amount)), ("rounding", .string(breakdown.rounding.rawValue)),
            ("scale", .num(breakdown.scale)), ("charge", .string(amount(breakdown.charge))),
            ("minimum_charge_applied", .bool(breakdown.minimumChargeApplied)),
            ("billable", .bool(billable)),
        ])
    }

    private func number(_ value: Int?) -> JSONValue { value.map { .num($0) } ?? .null }

    /// A decimal string where the value terminates within 18 places, else the exact fraction.
    private func exact(_ value: Rational) -> JSONValue {
        if let scale = value.terminatingScale, scale <= 18, let text = value.decimalString(scale: scale) {
            return .string(text)
        }
        return .string("\(value.numerator)/\(value.denominator)")
    }
}
