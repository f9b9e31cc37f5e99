/// The words of a statement, in the customer's language (`recount statement --lang en|zh`):
/// a relay's customers mostly read Chinese, and a class code (`unpriced_model`) means nothing
/// to them. The CSV and the HTML share these headers, so the two files read alike.
public enum StatementLanguage: String, Sendable, CaseIterable {
    case en
    case zh

    /// One column of the statement's table: its header and how a row fills it.
    public enum Column: CaseIterable, Sendable {
        case time, requestID, model, promptTokens, completionTokens, charged, recomputed, difference, result, credit
    }

    public func header(_ column: Column) -> String {
        switch (self, column) {
        case (.en, .time): "time"
        case (.en, .requestID): "request id"
        case (.en, .model): "model"
        case (.en, .promptTokens): "prompt tokens"
        case (.en, .completionTokens): "completion tokens"
        case (.en, .charged): "charged"
        case (.en, .recomputed): "recomputed"
        case (.en, .difference): "difference"
        case (.en, .result): "result"
        case (.en, .credit): "credit"
        case (.zh, .time): "时间"
        case (.zh, .requestID): "请求 ID"
        case (.zh, .model): "模型"
        case (.zh, .promptTokens): "输入 tokens"
        case (.zh, .completionTokens): "输出 tokens"
        case (.zh, .charged): "已扣费"
        case (.zh, .recomputed): "复核应扣"
        case (.zh, .difference): "差额"
        case (.zh, .result): "结果"
        case (.zh, .credit): "补偿"
        }
    }

    /// A class in words a customer can read.
    public func words(_ klass: DiscrepancyClass) -> String {
        switch (self, klass) {
        case (.en, .ok): "correct"
        case (.en, .overcharge): "overcharged"
        case (.en, .undercharge): "undercharged"
        case (.en, .failed_request_charged): "failed request, charged"
        case (.en, .duplicate_charge): "charged more than once"
        case (.en, .missing_charge): "not charged"
        case (.en, .orphan_debit): "charge without a request (under review)"
        case (.en, .unpriced_model): "no price to recompute (under review)"
        case (.zh, .ok): "正确"
        case (.zh, .overcharge): "多扣费"
        case (.zh, .undercharge): "少扣费"
        case (.zh, .failed_request_charged): "失败请求被扣费"
        case (.zh, .duplicate_charge): "重复扣费"
        case (.zh, .missing_charge): "未扣费"
        case (.zh, .orphan_debit): "无对应请求的扣费（待核查）"
        case (.zh, .unpriced_model): "无价格，无法复核（待核查）"
        }
    }

    var total: String { self == .en ? "TOTAL" : "合计" }
    func requestsCount(_ count: Int) -> String {
        self == .en ? (count == 1 ? "1 request" : "\(count) requests") : "\(count) 个请求"
    }
    func title(_ account: String) -> String { self == .en ? "Statement for \(account)" : "\(account) 的对账单" }
    func period(_ text: String) -> String { self == .en ? "period: \(text)" : "期间：\(text)" }
    func amountsIn(_ unit: String) -> String { self == .en ? "amounts in \(unit)" : "金额单位：\(unit)" }
    func timesIn(_ zone: String) -> String { self == .en ? "times in UTC\(zone)" : "时间为 UTC\(zone)" }
    func asOf(_ time: String) -> String { self == .en ? "as of \(time)" : "截至 \(time)" }
    var requestsCard: String { self == .en ? "Requests" : "请求数" }
    var chargedCard: String { self == .en ? "Charged" : "已扣费" }
    var recomputedCard: String { self == .en ? "Should have been" : "复核应扣" }
    var differenceCard: String { self == .en ? "Difference" : "差额" }
    var creditsCard: String { self == .en ? "Credits" : "补偿" }
    var requestsHeading: String { self == .en ? "Requests" : "请求明细" }
    var noRequests: String { self == .en ? "No requests for this account in this period." : "此期间该账户没有请求。" }
    func tokensSub(_ prompt: String, _ completion: String) -> String {
        self == .en ? "\(prompt) prompt + \(completion) completion tokens" : "输入 \(prompt) + 输出 \(completion) tokens"
    }
    var chargedSub: String { self == .en ? "recorded debits" : "实际扣费记录" }
    var recomputedSub: String { self == .en ? "recounted and repriced" : "重新计数并按当时价格计算" }
    var differenceSub: String { self == .en ? "charged − recomputed, on recomputed requests" : "已扣费 − 复核应扣（仅可复核的请求）" }
    func notRecomputed(_ amount: String) -> String {
        self == .en
            ? "\(amount) charged on requests that could not be recomputed is not in the difference; it is reviewed by hand"
            : "另有 \(amount) 扣费的请求无法复核，不计入差额，将人工核查"
    }
    func creditsSub(_ newly: String) -> String { self == .en ? "\(newly) newly issued" : "本次新发放 \(newly)" }
    var explanation: String {
        self == .en
            ? "Charged = what was debited; recomputed = the tokens recounted and priced under the price version in force when each request started. A positive difference on a recomputed request is an overcharge and is credited; a request that could not be recomputed (a model without a price, a debit without a request) is reviewed by hand, not credited, and is not in the difference."
            : "已扣费 = 实际扣除的金额；复核应扣 = 重新计数 tokens 并按请求开始时生效的价格版本计算的金额。可复核请求的正差额为多扣费，将予以补偿；无法复核的请求（模型无价格、扣费无对应请求）将人工核查，不予自动补偿，也不计入差额。"
    }

    /// Under the converted columns: why a row's converted difference may not be its charged
    /// minus its recomputed (each figure is rounded once, from the exact ledger figure).
    func convertedRounding(_ names: [String]) -> String {
        let list = names.joined(separator: self == .en ? ", " : "、")
        return self == .en
            ? "Each figure in \(list) is converted from the exact figure and rounded on its own, so a row's difference may differ from its charged minus its recomputed by one in the last decimal; each TOTAL adds up the figures above it."
            : "\(list) 列的每个数字均由精确金额单独换算并四舍五入，因此某行的差额可能与其已扣费减复核应扣相差最后一位的 1；各合计为其上方数字之和。"
    }
}
