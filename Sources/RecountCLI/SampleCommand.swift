import ArgumentParsing
import Foundation
import RecountKit
import RecountSample

/// `recount sample --records N [--seed S] --out DIR`: a generated relay day for demos, tests
/// and benchmarks (logic in `RecountSample.SampleGenerator`; this only validates, runs, prints).
struct SampleCommand: RecountCommand {
    static let helpPage = CommandHelp(
        abstract: "generate a realistic sample day",
        usage: ["recount sample --records N [--seed S] --out DIR [--profile classic|realistic] [--jobs N] [--force]"],
        about: """
            Writes a realistic generated relay day that 'recount reconcile DIR' reads as it is:
              DIR/pricing.json                 a recount.pricing/1 catalog with two versions
                                               (the second from 12:00 +08:00)
              DIR/debits.jsonl                 the debit ledger
              DIR/2024-03-01.HH-HH.jsonl       the request logs, one per six hours
              DIR/sample.json                  what reconcile must find: requests, debits, the
                                               count of every class and cause, every line it
                                               must reject (file:line)
            Requests mix chat (multi-turn, tools, streams as chunks and as SSE lines), legacy
            completions, embeddings, images and audio across o200k, cl100k and p50k models, a
            model missing from the catalog, pricing groups, failed requests and one-api rows;
            prompts mix English, Chinese, code, JSON, emoji and other scripts. A few percent are
            billed wrongly on purpose — every class and every overcharge cause — plus a few
            broken lines. About 2 KB of log per record.
            """,
        exit: "exit: 0 written · 64 usage (a directory with other files, without --force) · 74 I/O error")

    @Option("--records", "N", "requests to generate (1 to 100000000)", in: 1...100_000_000) var records: Int
    @Option("--seed", "S", "seed (0 to 18446744073709551615; default 1): the same N and S give byte-identical files")
    var seed: UInt64 = 1
    @Option(
        "--out", "DIR",
        "where to write: a new or empty directory, or one an earlier 'recount sample' wrote (its files are replaced)")
    var directory: String
    @Flag(
        "--force",
        "write into a directory that holds other files too (a pricing.json or debits.jsonl of yours is then replaced, other logs stay beside)"
    ) var force: Bool
    @Option(
        "--profile", "P",
        "classic (default; about 2 KB a line, small text pools: the day most tests use) or realistic (texts that rarely repeat, conversations that resend their history, shared system prompts, 2-8 KB lines, a third CJK, a quarter streamed, tools on a fifth; plus DIR/gateway/: new-api rows with 'other', refunds, task deltas, bodies keyed by request id, injected gateway cases)"
    ) var profile = SampleProfile.classic
    @Option("--jobs", "N", "threads (default: all cores); the files never depend on it", in: 1...1024)
    var jobs = ProcessInfo.processInfo.activeProcessorCount

    func validate(_ arguments: Arguments) throws(UsageError) {
        guard arguments.positionals.isEmpty else {
            throw UsageError("unexpected argument '\(arguments.positionals[0])' (sample takes only options)")
        }
        guard !directory.isEmpty else { throw UsageError("give --out DIR") }
        if !force, let foreign = SampleGenerator.foreignFiles(in: directory), !foreign.isEmpty {
            let shown = foreign.prefix(3).joined(separator: ", ") + (foreign.count > 3 ? ", …" : "")
            throw UsageError(
                "\(directory) is not empty (\(shown)); sample would replace pricing.json and debits.jsonl there and add logs beside yours: choose a new directory, or give --force"
            )
        }
    }

    var options: SampleOptions {
        SampleOptions(records: records, seed: seed, jobs: jobs, directory: directory, profile: profile)
    }

    func run(console: Console) throws -> ExitStatus {
        let tally = try SampleGenerator.generate(options)
        console.out(tally.summaryLine(directory: options.directory))
        return .success
    }
}
