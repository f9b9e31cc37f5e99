import ArgumentParsing
import Foundation
import RecountKit

/// `recount merge DIR… --out DIR`: the shards of one `reconcile --shard K/N` run, put back
/// together — byte-identical to the reports one unsharded run would have written.
struct MergeCommand: RecountCommand {
    static let helpPage = CommandHelp(
        abstract: "combine the outputs of 'reconcile --shard K/N' into the single run's reports",
        usage: ["recount merge DIR… [--out DIR] [--strict]"],
        about: """
            Combines the output directories of 'recount reconcile --shard K/N' (every K of one N,
            same logs and flags) into the reports one unsharded run would have written. Each DIR
            must hold the shard.state file a sharded run leaves beside its reports.
            """,
        exit: """
            exit: 0 done · 1 credits to issue with --strict · 64 usage · 65 the shards do not make one run
                  (missing or repeated shard, other flags or inputs, damaged state) · 66 a DIR or its
                  shard.state is missing · 74 I/O error or output directory busy
            """)

    @Option("--out", "DIR", "where the merged reports go (default Reports)")
    var outDirectory = OutputOptions.reports.directory
    @Flag("--strict", ReconcileCommand.strictHelp) var strict: Bool
    private(set) var directories: [String] = []

    mutating func validate(_ arguments: Arguments) throws(UsageError) {
        directories = arguments.positionals
        guard !directories.isEmpty else { throw UsageError("give the shard output directories to merge") }
        let standardized = Set(directories.map { URL(fileURLWithPath: $0).standardizedFileURL.path })
        guard !standardized.contains(URL(fileURLWithPath: outDirectory).standardizedFileURL.path) else {
            throw UsageError("--out must not be one of the shard directories")
        }
    }

    func run(console: Console) throws -> ExitStatus {
        let merge = try ShardMerge(directories: directories)
        let output = try OutputDirectory(path: outDirectory)
        try ReportWriter(result: merge.result, parameters: merge.parameters).commit(
            to: output, writeState: false, streams: merge.records)
        console.out(
            SummaryLine.text(
                merge.result, outDirectory: outDirectory,
                conversions: merge.parameters.conversions(unit: merge.result.unit)))
        if strict, merge.result.tally(.issued).count > 0 { return .discrepancies }
        return .success
    }
}
