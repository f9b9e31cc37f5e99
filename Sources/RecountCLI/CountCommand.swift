import Foundation
import TokenCounter

/// `recount count [--model M | --encoding E] [--ids] [--chat] [FILE|-]`
struct CountCommand: RecountCommand {
    static let spec = Arguments.Spec(options: ["--model", "--encoding"], flags: ["--ids", "--chat"])
    static let help = """
        usage: recount count [--model M | --encoding E] [--ids] [--chat] [FILE|-]

        Counts the tokens of FILE (or stdin) as one text, byte for byte, and prints the count.
          --encoding E   r50k_base, p50k_base, p50k_edit, cl100k_base, o200k_base (default o200k_base)
          --model M      pick the encoding the way tiktoken maps model M
          --ids          print the token ids, space-separated, instead of the count
          --chat         read a chat request body (messages, tools) and print its prompt tokens
        """

    let encoding: EncodingName
    let modelName: String?
    let path: String?
    let printIDs: Bool

    init(arguments: Arguments) throws {
        if try arguments.value("--model") != nil, try arguments.value("--encoding") != nil {
            throw UsageError("give --model or --encoding, not both")
        }
        modelName = try arguments.value("--model")
        if let name = try arguments.value("--encoding") {
            guard let known = EncodingName(rawValue: name) else {
                throw UsageError("unknown encoding '\(name)' (known: \(EncodingName.allCases.map(\.rawValue).joined(separator: ", ")))")
            }
            encoding = known
        } else if let modelName {
            encoding = ModelEncoding.resolve(modelName).encoding
        } else {
            encoding = .o200k_base
        }
        guard arguments.positionals.count <= 1 else { throw UsageError("count takes at most one FILE") }
        path = arguments.positionals.first
        printIDs = arguments.flag("--ids")
    }

    func run(console: Console) throws -> ExitStatus {
        let data: Data
        if path == nil || path == "-" {
            data = console.readInput()
        } else if let path {
            guard FileManager.default.fileExists(atPath: path) else {
                throw CommandFailure(.noInput, "\(path): no such file")
            }
            guard let read = FileManager.default.contents(atPath: path) else {
                throw CommandFailure(.ioError, "\(path): cannot read")
            }
            data = read
        } else {
            data = Data()
        }
        let text = String(decoding: data, as: UTF8.self)
        let encoder = try Encoding.named(encoding)
        if printIDs {
            console.out(encoder.encode(text).map(String.init).joined(separator: " "))
        } else {
            console.out(String(encoder.count(text)))
        }
        return .success
    }
}
