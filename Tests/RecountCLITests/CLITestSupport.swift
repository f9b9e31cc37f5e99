import ArgumentParsing
import Foundation
import RecountCLI
import Synchronization

/// Runs the command line in-process and captures what it printed.
struct CapturedRun {
    let status: Int32
    let out: String
    let err: String
}

final class Capture: Sendable {
    let out = Mutex("")
    let err = Mutex("")
}

func runRecount(_ argv: [String], stdin: Data = Data()) -> CapturedRun {
    let capture = Capture()
    let console = Console(
        writeOut: { text in capture.out.withLock { $0 += text } },
        writeError: { text in capture.err.withLock { $0 += text } },
        errorIsTerminal: false,
        readInput: { stdin })
    let status = RecountCommandLine.run(argv, console: console)
    return CapturedRun(status: status, out: capture.out.withLock { $0 }, err: capture.err.withLock { $0 })
}

/// RFC 4180 records (quoted fields may hold commas, quotes and line breaks).
func parseCSV(_ text: String) -> [[String]] {
    var records: [[String]] = []
    var record: [String] = []
    var field = ""
    var quoted = false
    var scalars = Array(text.unicodeScalars)[...]
    if scalars.first == "\u{FEFF}" { scalars = scalars.dropFirst() }
    var iterator = scalars.makeIterator()
    var pending: Unicode.Scalar?
    while let scalar = pending ?? iterator.next() {
        pending = nil
        if quoted {
            if scalar == "\"" {
                let next = iterator.next()
                if next == "\"" { field.unicodeScalars.append("\"") } else { quoted = false; pending = next }
            } else {
                field.unicodeScalars.append(scalar)
            }
        } else if scalar == "\"" {
            quoted = true
        } else if scalar == "," {
            record.append(field)
            field = ""
        } else if scalar == "\r" {
            continue
        } else if scalar == "\n" {
            record.append(field)
            records.append(record)
            record = []
            field = ""
        } else {
            field.unicodeScalars.append(scalar)
        }
    }
    if !field.isEmpty || !record.isEmpty { record.append(field); records.append(record) }
    return records
}
