import TokenCounter

/// The human-readable explanation: one section per stage, in the order the pipeline runs them
/// (request → tokens → basis → version → charge → debits → class → credits), so a support agent
/// can follow — and redo by hand — how the expected charge and the credit came about.
extension Explanation {
    public func text() -> String {
        var out = TextLines()
        requestSection(&out)
        tokenSections(&out)
        versionSection(&out)
        chargeSection(&out)
        gatewaySection(&out)
        debitSection(&out)
        classSection(&out)
        return out.text
    }

    var unitName: String { unit.name }
    func amount(_ value: Rational) -> String { Amounts.format(value, scale: unit.scale) }
    func signed(_ value: Rational) -> String { (value.isNegative || value.isZero ? "" : "+") + amount(value) }
    /// ` (= 180247 points = 18.02 CNY)`: the amount in the site's unit and `--also-currency`,
    /// each converted and rounded once; empty without conversions.
    func also(_ value: Rational) -> String {
        let shown = conversions.all.map { "\($0.text(value)) \($0.name)" }
        return shown.isEmpty ? "" : " (= " + shown.joined(separator: " = ") + ")"
    }

    func requestSection(_ out: inout TextLines) {
        let row = outcome
        out.heading("request \(row.requestID)")
        if let source = row.source { out.field("source", source.description + (record == nil ? " (ledger)" : "")) }
        var time = row.time.map { $0.rfc3339(offsetSeconds: zoneOffset) } ?? "(none)"
        if let logged = row.time, logged.offsetSeconds != zoneOffset { time += " (logged as \(logged))" }
        out.field("time", time + (record == nil ? " (first debit)" : " (request start)"))
        out.field("account", row.account)
        if let record {
            if record.key != nil { out.field("key", KeyMask.mask(record.key)) }
            out.field("group", record.group)
            var model = record.model
            if let counts = row.counts, let encoding = counts.encoding {
                model += " → encoding \(encoding.rawValue)"
                model +=
                    counts.encodingIsFallback
                    ? " (FALLBACK: tiktoken does not know this model)" : " (tiktoken's model map)"
            }
            out.field("model", model)
            out.field(
                "endpoint",
                "\(record.endpoint.rawValue), status \(record.status), streamed: \(record.stream ? "yes" : "no")")
        } else {
            out.field("model", "(no request line: this is a debit whose request is not in the logs)")
        }
    }

    func tokenSections(_ out: inout TextLines) {
        guard let record, let counts = outcome.counts else { return }
        promptSection(&out, record: record, counts: counts)
        completionSection(&out)
        for note in counts.notes { out.field("recount note", note) }
        basisSection(&out, record: record, counts: counts)
    }

    /// The prompt's recount: per message (a chat request), or one total.
    func promptSection(_ out: inout TextLines, record: LogRecord, counts: TokenCounts) {
        if let prompt {
            out.heading(
                "prompt tokens: recount (rule '\(prompt.rule.name)': \(prompt.rule.tokensPerMessage) per message, \(prompt.rule.tokensPerName >= 0 ? "+" : "")\(prompt.rule.tokensPerName) per name)"
            )
            var table = TextTable([
                "message", "role", "overhead", "fields", "content", "name", "tool calls", "images", "total",
                "text (first \(Preview.charactersMax) characters)",
            ])
            let messages: [JSONValue]
            if case .array(let items)? = record.request?["messages"] { messages = items } else { messages = [] }
            for message in prompt.messages {
                let text = Preview.messageText(message.index < messages.count ? messages[message.index] : nil)
                table.row([
                    String(message.index), (message.role ?? "?") + (message.name.map { " (\($0))" } ?? ""),
                    String(message.overhead), String(message.fieldTokens), String(message.contentTokens),
                    String(message.nameAdjustment), String(message.toolCallTokens), String(message.imageTokens),
                    String(message.total), text.map { "\"" + Preview.text($0) + "\"" } ?? "",
                ])
            }
            out.table(table)
            out.field(
                "tool definitions",
                String(prompt.toolDefinitionTokens) + (prompt.toolRule.map { " (tool rule '\($0.name)')" } ?? ""))
            out.field("reply priming", String(prompt.replyPriming))
            out.field(
                "prompt total",
                String(prompt.total)
                    + (prompt.isComplete
                        ? "" : " (incomplete: " + prompt.incompleteReasons.joined(separator: "; ") + ")"))
        } else if let promptNote {
            out.heading("prompt tokens")
            out.field("note", promptNote)
        } else if let recount = counts.recountPrompt {
            out.heading(
                "prompt tokens: recount of \(record.endpoint == .embeddings ? "input" : "prompt") (no per-message overhead)"
            )
            out.field("prompt total", String(recount))
        }
    }

    /// The completion's recount: each choice's text and each tool call.
    func completionSection(_ out: inout TextLines) {
        if let completion {
            out.heading("completion tokens: recount (text of every choice + tool call name and arguments)")
            for choice in completion.choices {
                out.field("choice \(choice.index)", "\(choice.tokens)  \"\(Preview.text(choice.text))\"")
            }
            for call in completion.toolCalls {
                out.field(
                    "tool call",
                    "\(Preview.text(call.name, limit: 60)): name \(call.nameTokens) + arguments \(call.argumentTokens) = \(call.nameTokens + call.argumentTokens)  \(Preview.text(call.arguments))"
                )
            }
            out.field("completion total", String(completion.total))
        }
    }

    /// Which count each side used (`--basis`), beside every count there was.
    func basisSection(_ out: inout TextLines, record: LogRecord, counts: TokenCounts) {
        out.heading(
            "token basis (--basis \(basis.rawValue)\(basis == .auto ? ": upstream usage, else recount, else billed; per side" : ""))"
        )
        var table = TextTable(["side", "used", "upstream", "recount", "billed"])
        func cell(_ value: Int?) -> String { value.map(String.init) ?? "-" }
        table.row([
            "prompt", "\(counts.prompt) (\(counts.promptSource.rawValue))", cell(counts.upstreamPrompt),
            cell(counts.recountPrompt), cell(counts.billedPrompt),
        ])
        table.row([
            "completion", "\(counts.completion) (\(counts.completionSource.rawValue))", cell(counts.upstreamCompletion),
            cell(counts.recountCompletion), cell(counts.billedCompletion),
        ])
        out.table(table)
        if counts.cachedPrompt > 0 {
            out.field("cached prompt", "\(counts.cachedPrompt) of the prompt tokens (upstream usage)")
        }
        if let reasoning = record.usage?.reasoningTokens {
            out.field("reasoning", "\(reasoning) tokens (upstream usage; invisible in the text)")
        }
    }

    func versionSection(_ out: inout TextLines) {
        out.heading("price version")
        guard let version else {
            out.field("version", "none: the request starts before the first version")
            return
        }
        let until = version.effectiveUntil?.description ?? "(open: latest version)"
        out.field("in force", "\(version.id), window [\(version.effectiveFrom), \(until))")
        if let time = outcome.time {
            let upper = version.effectiveUntil.map { " < \($0) (next version)" } ?? " (no later version)"
            out.field("why", "effective_from \(version.effectiveFrom) ≤ start \(time)\(upper)")
        }
        if let named = outcome.debitPricingVersion, named != version.id {
            var text = "the debit names version '\(named)'"
            if let debitVersion {
                text +=
                    ", window [\(debitVersion.effectiveFrom), \(debitVersion.effectiveUntil?.description ?? "open"))"
            } else {
                text += " (not in the catalog)"
            }
            out.field("debit says", text)
        }
        if let breakdown = outcome.breakdown {
            let how = breakdown.modelKey.hasSuffix("*") ? "longest matching prefix" : "exact match"
            out.field("price key", "\(breakdown.modelKey) (\(how) for model '\(outcome.model ?? "")')")
        }
    }

    func chargeSection(_ out: inout TextLines) {
        guard record != nil else { return }
        out.heading("charge (SPEC §2.4)")
        if let reason = outcome.unpricedReason {
            out.field("unpriced", reason)
            return
        }
        guard let breakdown = outcome.breakdown else {
            out.field(
                "not billable",
                "status \(outcome.status ?? 0) ≥ 400 and the version does not charge failed requests: expected 0")
            return
        }
        for term in breakdown.terms {
            out.field(
                term.label,
                "\(ExactText.text(term.quantity)) × \(ExactText.text(term.unitPrice)) \(term.currency) = \(ExactText.text(term.subtotal)) \(term.currency)"
            )
        }
        out.field("list", "\(ExactText.text(breakdown.list)) \(breakdown.listCurrency)")
        let group = outcome.group ?? "default"
        out.field(
            "amount",
            "\(ExactText.text(breakdown.list)) \(breakdown.listCurrency)"
                + " × \(ExactText.text(breakdown.exchangeRate)) (\(unit.currency) per \(breakdown.listCurrency))"
                + " × \(ExactText.text(breakdown.perCurrency)) (\(unitName) per \(unit.currency))"
                + " × \(ExactText.text(breakdown.modelMultiplier)) (model multiplier)"
                + " × \(ExactText.text(breakdown.groupMultiplier)) (group '\(group)'\(breakdown.groupIsListed ? "" : ", not listed: 1"))"
                + " = \(ExactText.text(breakdown.amount)) \(unitName)")
        let rounded =
            (try? breakdown.amount.rounded(scale: breakdown.scale, mode: breakdown.rounding)) ?? breakdown.charge
        out.field(
            "rounding",
            "\(breakdown.rounding.rawValue) to \(breakdown.scale) decimals: \(ExactText.text(breakdown.amount)) → \(amount(rounded))"
        )
        if breakdown.minimumChargeApplied {
            out.field(
                "minimum",
                "amount > 0 but rounds to 0: the version's minimum charge \(amount(breakdown.charge)) applies")
        }
        if billable {
            out.field("expected", "\(amount(breakdown.charge)) \(unitName)")
        } else {
            out.field(
                "not billable",
                "status \(outcome.status ?? 0) ≥ 400 and the version does not charge failed requests: expected 0 (it would have cost \(amount(breakdown.charge)))"
            )
        }
    }

    func debitSection(_ out: inout TextLines) {
        out.heading("recorded debits")
        if outcome.debits.isEmpty { out.field("debits", "none") }
        for debit in outcome.debits {
            var text = "\(amount(debit.amount)) \(unitName)"
            if let version = debit.pricingVersion { text += ", version \(version)" }
            if debit.source != record?.source {
                text += " (ledger \(debit.source))"
            } else {
                text += record?.gateway != nil ? " (the row's quota)" : " (the log line's billed.amount)"
            }
            if debit.account != outcome.account { text += ", debited account \(debit.account)" }
            out.field("debit", debit.debitID + ": " + text)
        }
        out.field("recorded", "\(amount(outcome.recorded)) \(unitName)\(also(outcome.recorded))")
        if let expected = outcome.expected { out.field("expected", "\(amount(expected)) \(unitName)\(also(expected))") }
        if let delta = outcome.delta {
            out.field("delta", "\(signed(delta)) \(unitName)\(also(delta)) (recorded − expected)")
        }
        for conversion in conversions.all {
            out.field(
                "in \(conversion.name)",
                "\(conversion.formula), each figure rounded \(AmountConversion.rounding.rawValue) to \(conversion.scale) decimals"
            )
        }
    }

    func classSection(_ out: inout TextLines) {
        out.heading("class")
        out.field("class", outcome.outcomeClass.rawValue)
        if !outcome.causes.isEmpty { out.field("cause", outcome.causeLabel) }
        if !outcome.causeDetail.isEmpty { out.field("detail", outcome.causeDetail) }
        if outcome.credits.isEmpty {
            out.field("credits", "none")
        }
        for credit in outcome.credits {
            out.field(
                "credit",
                "\(credit.creditID): \(amount(credit.amount)) \(unitName)\(also(credit.amount)), \(credit.creditClass.rawValue), \(credit.status.rawValue), to \(credit.account)\(credit.debitID.map { " for debit \($0)" } ?? "")"
            )
        }
    }
}

/// Builds aligned plain-text sections. Every value goes through `Preview.text` (control
/// characters as escapes): an account, model or request id from a log must not drive the
/// support agent's terminal any more than a prompt may.
struct TextLines {
    private(set) var text = ""
    static let labelWidth = 18

    mutating func heading(_ title: String) {
        if !text.isEmpty { text += "\n" }
        text += Preview.text(title, limit: .max) + "\n"
    }

    mutating func field(_ label: String, _ value: String) {
        text += "  " + label.padded(to: Self.labelWidth - 1) + " " + Preview.text(value, limit: .max) + "\n"
    }

    mutating func table(_ table: TextTable) { text += table.rendered(indent: 2) }
}

/// A plain-text table: columns padded to their widest cell (in characters); the last column
/// is never padded, so long text does not leave trailing spaces.
struct TextTable {
    let header: [String]
    var rows: [[String]] = []
    init(_ header: [String]) { self.header = header }
    mutating func row(_ cells: [String]) { rows.append(cells.map { Preview.text($0, limit: .max) }) }

    func rendered(indent: Int) -> String {
        let all = [header] + rows
        let widths = header.indices.map { column in all.map { $0[column].count }.max() ?? 0 }
        var out = ""
        for row in all {
            var line = String(repeating: " ", count: indent)
            for (column, cell) in row.enumerated() {
                if column > 0 { line += "  " }
                line += column == row.count - 1 ? cell : cell.padded(to: widths[column])
            }
            while line.hasSuffix(" ") { line.removeLast() }
            out += line + "\n"
        }
        return out
    }
}

extension String {
    func padded(to width: Int) -> String {
        count >= width ? self : self + String(repeating: " ", count: width - count)
    }
}
