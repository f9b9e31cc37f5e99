import TokenCounter

/// Where a line came from: shown in rejects, `explain` and error messages.
public struct SourceLocation: Sendable, Hashable, CustomStringConvertible {
    public let file: String
    /// 1-based physical line.
    public let line: Int
    public init(file: String, line: Int) {
        self.file = file
        self.line = line
    }
    public var description: String { "\(file):\(line)" }
}

/// The API endpoint a request was made to (SPEC §2.1 `endpoint`).
public enum Endpoint: String, Sendable, CaseIterable {
    case chatCompletions = "chat.completions"
    case completions = "completions"
    case embeddings = "embeddings"
    case imagesGenerations = "images.generations"
    case audioTranscriptions = "audio.transcriptions"
    case audioSpeech = "audio.speech"
}

/// Token usage as the upstream provider reported it.
public struct ReportedUsage: Sendable, Equatable {
    public var promptTokens: Int?
    public var completionTokens: Int?
    public var cachedTokens: Int?
    public var reasoningTokens: Int?
    public var seconds: Rational?
    public var images: Int?

    public init(
        promptTokens: Int? = nil, completionTokens: Int? = nil, cachedTokens: Int? = nil,
        reasoningTokens: Int? = nil, seconds: Rational? = nil, images: Int? = nil
    ) {
        self.promptTokens = promptTokens
        self.completionTokens = completionTokens
        self.cachedTokens = cachedTokens
        self.reasoningTokens = reasoningTokens
        self.seconds = seconds
        self.images = images
    }
}

/// What the platform recorded for the request in its own log line.
public struct BilledFields: Sendable, Equatable {
    public var promptTokens: Int?
    public var completionTokens: Int?
    public var amount: Rational?
    public var pricingVersion: String?

    public init(
        promptTokens: Int? = nil, completionTokens: Int? = nil, amount: Rational? = nil, pricingVersion: String? = nil
    ) {
        self.promptTokens = promptTokens
        self.completionTokens = completionTokens
        self.amount = amount
        self.pricingVersion = pricingVersion
    }
}

/// Which log format a line was written in.
public enum LogDialect: String, Sendable {
    /// `recount.log/1` (SPEC §2.1).
    case recount
    /// A row of one-api / new-api's `logs` table.
    case oneAPI = "one-api"
}

/// One billed request, decoded from a log line and normalised to `recount.log/1`.
public struct LogRecord: Sendable {
    public var id: String
    /// When the request started (selects the price version).
    public var time: Timestamp
    public var account: String
    public var key: String?
    public var group: String
    public var model: String
    public var endpoint: Endpoint
    public var status: Int
    public var stream: Bool
    public var request: JSONValue?
    /// The response as logged: an object, an array of chunks / SSE lines, or text.
    public var response: JSONValue?
    /// Upstream usage after the precedence rule (top-level, `response.usage`, last chunk).
    public var usage: ReportedUsage?
    public var billed: BilledFields
    public var source: SourceLocation
    public var dialect: LogDialect
    /// The gateway row's own columns (one-api / new-api `logs`), nil for `recount.log/1` lines.
    /// Kept behind a reference: `GatewayOther` is a kilobyte or more of optionals, and a record
    /// is copied several times between decoding and the join (measured: inline, a 100k-line day
    /// of records without it ran 7% slower).
    public var gateway: GatewayRow? {
        get { gatewayStorage?.row }
        set { gatewayStorage = newValue.map(GatewayRowStorage.init) }
    }
    var gatewayStorage: GatewayRowStorage? = nil
    /// Unicode scalars of the request's `input`, kept when the request itself is dropped (the
    /// join's spilled copy keeps no prompt text, only what pricing needs).
    var inputScalars: Int? = nil

    /// Requests with status ≥ 400 failed (SPEC §2.4).
    public var failed: Bool { status >= 400 }
}

extension LogRecord {
    /// Every field as logged (`inputScalars` is the join's, set only on a spilled copy). In an
    /// extension, so the memberwise initializer stays for the module's own use.
    public init(
        id: String, time: Timestamp, account: String, key: String?, group: String, model: String, endpoint: Endpoint,
        status: Int, stream: Bool, request: JSONValue?, response: JSONValue?, usage: ReportedUsage?,
        billed: BilledFields, source: SourceLocation, dialect: LogDialect
    ) {
        self.id = id
        self.time = time
        self.account = account
        self.key = key
        self.group = group
        self.model = model
        self.endpoint = endpoint
        self.status = status
        self.stream = stream
        self.request = request
        self.response = response
        self.usage = usage
        self.billed = billed
        self.source = source
        self.dialect = dialect
    }
}

/// Immutable storage of a record's `GatewayRow` (`LogRecord.gateway` replaces it whole).
final class GatewayRowStorage: Sendable {
    let row: GatewayRow
    init(_ row: GatewayRow) { self.row = row }
}

/// The columns of a one-api / new-api `logs` row that `recount.log/1` has no field for, kept on
/// the request through the join: the charge (`other`'s cached, written, image and audio tokens
/// and tool calls), the row-alone checks (`gateway_arithmetic`, `rate`, `stream_incomplete`)
/// and `explain` read them after the join, where the catalog's version is known.
public struct GatewayRow: Sendable, Equatable {
    /// What the row is to its request (SPEC §2.6): the request itself, a refund of it, or a
    /// later settlement delta of an async task.
    public enum Role: String, Sendable {
        /// A consume (type 2) or error (type 5) row: the request and its debit.
        case request
        /// A refund row (new-api type 6): quota returned for the request.
        case refund
        /// A task settlement row (type 2 naming `other.task_id` with `quota_delta`,
        /// `pre_consumed` or `actual_quota`): its signed `quota` adjusts the task's charge.
        case taskDelta = "task_delta"
    }

    /// `logs.type`: 0 unknown, 1 top-up, 2 consume, 3 manage, 4 system, 5 error, 6 refund.
    public var logType: Int
    public var role: Role
    /// `logs.id` when the request id is another (`request_id`, or `task:<task_id>`), else nil.
    public var rowID: String?
    /// `use_time` in seconds (new-api; nil for one-api, which has none).
    public var useTime: Int?
    public var upstreamRequestID: String?
    /// `channel_id` (the database column) or `channel` (the `/api/log/` pages).
    public var channel: Int?
    /// The row's `quota` as written, signed; nil when absent. A refund's is the quota returned,
    /// a task delta's the change (negative when the gateway gave quota back).
    public var quota: Int?
    /// new-api's `other`, parsed (nil for one-api rows and an empty `other`).
    public var other: GatewayOther?

    public init(
        logType: Int, role: Role = .request, rowID: String? = nil, useTime: Int? = nil,
        upstreamRequestID: String? = nil, channel: Int? = nil, quota: Int? = nil, other: GatewayOther? = nil
    ) {
        self.logType = logType
        self.role = role
        self.rowID = rowID
        self.useTime = useTime
        self.upstreamRequestID = upstreamRequestID
        self.channel = channel
        self.quota = quota
        self.other = other
    }

    /// What this row adds to what the request's account paid (SPEC §2.6 `GatewayNetting`): a
    /// refund −|quota|, a task delta its signed quota; nil for the request row (its quota is
    /// its debit, `billed.amount`).
    public var adjustment: Int? {
        switch role {
        case .request: nil
        case .refund: -abs(quota ?? 0)
        case .taskDelta: quota ?? 0
        }
    }
}
