import ArgumentParsing
import Foundation
import RecountKit
import TokenCounter

/// `recount count [--model M | --encoding E] [--ids] [--chat [--breakdown]] [FILE|-]`
///
/// stdout carries only the answer (one integer, or the ids) so scripts can use it (SPEC §5);
/// everything else — a model fallback, replaced invalid UTF-8, an incomplete chat count, the
/// breakdown — goes to stderr.
struct CountCommand: RecountCommand {
    static let helpPage = CommandHelp(
        abstract: "count the tokens of a file or stdin (tiktoken-exact)",
        usage: ["recount count [--model M | --encoding E] [--ids] [--chat [--breakdown]] [FILE|-]"],
        about: """
            Counts the tokens of FILE (or stdin) as one text and prints the count alone.
            The file's exact bytes are decoded as UTF-8: no newline translation, a trailing newline
            and a BOM count as text; invalid UTF-8 becomes U+FFFD (one per maximal invalid
            subpart) with a warning on stderr. Special-token text such as <|endoftext|> counts as
            ordinary text.
            """,
        notes: """
            A chat count that misses a part it cannot count (an image without width/height, an
            audio part, a built-in tool) still prints the counted total, and names each missing
            part on stderr ("incomplete: …"): billing should then use the reported usage.
            """,
        exit: """
            exit status: 0 counted; 64 bad usage (unknown encoding, …); 65 malformed chat JSON;
                         66 FILE missing; 74 FILE unreadable
            """)

    @Option(
        "--encoding", "E",
        "r50k_base, p50k_base, p50k_edit, cl100k_base, o200k_base, o200k_harmony (default o200k_base)")
    var encoding: EncodingName?
    @Option(
        "--model", "M",
        "pick the encoding the way tiktoken maps model M; a model tiktoken does not know falls back to o200k_base, with a note on stderr"
    ) var model: String?
    @Flag("--ids", "print the token ids, space-separated, instead of the count") var ids: Bool
    @Flag(
        "--chat",
        "FILE is a chat request body (JSON: model, messages, tools, functions); print its prompt tokens by the OpenAI cookbook rules. --model overrides the body's model; --encoding and --ids do not apply"
    ) var chat: Bool
    @Flag("--breakdown", "with --chat: print the per-message terms to stderr") var breakdown: Bool
    private(set) var path: String?

    mutating func validate(_ arguments: Arguments) throws(UsageError) {
        if model != nil, encoding != nil { throw UsageError("give --model or --encoding, not both") }
        guard arguments.positionals.count <= 1 else { throw UsageError("count takes at most one FILE") }
        path = arguments.positionals.first
        if chat, encoding != nil {
            throw UsageError("--chat takes its encoding from the model; give --model, not --encoding")
        }
        if chat, ids { throw UsageError("--ids does not apply to --chat") }
        if breakdown, !chat { throw UsageError("--breakdown needs --chat") }
    }

    var request: TokenCountRequest {
        TokenCountRequest(
            encoding: encoding ?? model.map { ModelEncoding.resolve($0).encoding } ?? .o200k_base, model: model,
            mode: chat ? .chat(breakdown: breakdown) : .text(ids: ids),
            inputName: path == nil || path == "-" ? "<stdin>" : path!)
    }

    func run(console: Console) throws -> ExitStatus {
        let data = try path.flatMap { $0 == "-" ? nil : $0 }.map(TokenCountRequest.read) ?? console.readInput()
        let outcome = try request.count(data)
        for note in outcome.notes { console.error("recount count: \(note)") }
        if let breakdown = outcome.breakdown { console.writeError(breakdown) }
        console.out(outcome.answer)
        return .success
    }
}
