import Foundation
import TokenCounter

/// `recount count` as one library call: a file's (or stdin's) tokens as one text, or a chat
/// body's prompt tokens by the cookbook rules. The answer and the notes are values; the command
/// prints the answer alone on stdout (so scripts can use it) and the notes on stderr.
public struct TokenCountRequest: Sendable {
    public enum Mode: Sendable {
        /// The count, or with `ids` the token ids.
        case text(ids: Bool)
        /// A chat request body's prompt tokens; with `breakdown` the per-message terms too.
        case chat(breakdown: Bool)
    }

    public var encoding: EncodingName
    /// `--model`: picked the encoding (text), or overrides the body's model (chat).
    public var model: String?
    public var mode: Mode
    /// What the input is called in messages (`<stdin>` or the path).
    public var inputName: String

    public init(encoding: EncodingName, model: String?, mode: Mode, inputName: String) {
        self.encoding = encoding
        self.model = model
        self.mode = mode
        self.inputName = inputName
    }

    /// The answer, and what is said on stderr before it.
    public struct Outcome: Sendable, Equatable {
        /// One integer, or the token ids space-separated.
        public var answer: String
        /// A model fallback, replaced invalid UTF-8, a part a chat count missed: one line each.
        public var notes: [String] = []
        /// `--breakdown`'s terms (`CountText.breakdown`).
        public var breakdown: String?
    }

    public func count(_ data: Data) throws(TokenCountError) -> Outcome {
        switch mode {
        case .text(let ids): try countText(data, ids: ids)
        case .chat(let breakdown): try countChat(data, breakdown: breakdown)
        }
    }

    func countText(_ data: Data, ids: Bool) throws(TokenCountError) -> Outcome {
        var notes: [String] = []
        if let model, ModelEncoding.resolve(model).isFallback {
            notes.append(Self.fallbackNote(model: model, encoding: ModelEncoding.fallback))
        }
        let decoded = CountText.decodeUTF8(data)
        if decoded.replacedSequences > 0 {
            notes.append("\(inputName): \(decoded.replacedSequences) invalid UTF-8 sequence(s) replaced by U+FFFD")
        }
        let encoder: Encoding
        do { encoder = try Encoding.named(encoding) } catch { throw .encoding(error) }
        let answer =
            ids
            ? encoder.encode(decoded.text).map(String.init).joined(separator: " ") : String(encoder.count(decoded.text))
        return Outcome(answer: answer, notes: notes)
    }

    func countChat(_ data: Data, breakdown: Bool) throws(TokenCountError) -> Outcome {
        let body: JSONValue
        do { body = try JSONParser.parse([UInt8](data)) } catch {
            throw .malformed("\(inputName): \(error.description)")
        }
        let count: ChatPromptCount
        do { count = try ChatPromptCounter.count(body: body, model: model) } catch .encoding(let error) {
            throw .encoding(error)
        } catch { throw .malformed("\(inputName): \(error.description)") }
        var notes = count.modelIsFallback ? [Self.fallbackNote(model: count.model, encoding: count.encoding)] : []
        notes += count.incompleteReasons.map { "incomplete: \($0)" }
        return Outcome(
            answer: String(count.total), notes: notes, breakdown: breakdown ? CountText.breakdown(count) : nil)
    }

    static func fallbackNote(model: String, encoding: EncodingName) -> String {
        "model '\(model)' is not in tiktoken's model map; counting with \(encoding.rawValue)"
    }

    /// The bytes of `path` (exit 66 when missing, 74 when unreadable or a directory).
    public static func read(path: String) throws(TokenCountError) -> Data {
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) else {
            throw .missing("\(path): no such file")
        }
        guard !isDirectory.boolValue, let data = FileManager.default.contents(atPath: path) else {
            throw .unreadable("\(path): cannot read\(isDirectory.boolValue ? " (a directory)" : "")")
        }
        return data
    }
}

/// Why `recount count` printed no answer; each case has its exit status (SPEC §5).
public enum TokenCountError: RecountFailure, Sendable {
    /// FILE does not exist (66).
    case missing(String)
    /// FILE is a directory or cannot be read (74).
    case unreadable(String)
    /// The chat body is not JSON, or not a chat request (65).
    case malformed(String)
    /// The encoding's vocabulary could not be loaded (74).
    case encoding(TokenCounterError)

    public var description: String {
        switch self {
        case .missing(let text), .unreadable(let text), .malformed(let text): text
        case .encoding(let error): error.description
        }
    }

    public var status: ExitStatus {
        switch self {
        case .missing: .noInput
        case .unreadable, .encoding: .ioError
        case .malformed: .dataError
        }
    }
}
