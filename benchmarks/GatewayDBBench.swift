// The gateway-database reader on its own, for benchmarks/gateway_db.sh: reads the `logs` rows of
// a window through GatewayDB and writes them to stdout as JSON lines (what the pipeline's stage 1
// receives), or only counts them with --count. Compiled by the script against GatewayDB's
// release objects; not part of the package.
import GatewayDB
import Glibc

@main
struct GatewayDBBench {
    static func main() {
        var arguments = Array(CommandLine.arguments.dropFirst())
        let count = arguments.contains("--count")
        arguments.removeAll { $0 == "--count" }
        guard let text = arguments.first else {
            fputs("usage: gateway-db-bench URL [FROM UNTIL] [--count]\n", stderr)
            exit(64)
        }
        let from = arguments.count > 2 ? Int64(arguments[1]) : nil
        let until = arguments.count > 2 ? Int64(arguments[2]) : nil
        do {
            let url = try GatewayDatabaseURL.parse(text)
            let credentials = try GatewayCredentials.resolve(passwordFile: nil)
            var start = timespec()
            clock_gettime(CLOCK_MONOTONIC, &start)
            let reader = try GatewayDatabase.openLogs(
                url, credentials: credentials, window: GatewayLogWindow(from: from, until: until))
            var line: [UInt8] = []
            var output: [UInt8] = []
            output.reserveCapacity(1 << 20)
            while try reader.next(into: &line) != nil {
                if count { continue }
                output += line
                output.append(0x0A)
                if output.count >= 1 << 20 {
                    output.withUnsafeBytes { _ = fwrite($0.baseAddress, 1, $0.count, stdout) };
                    output.removeAll(keepingCapacity: true)
                }
            }
            output.withUnsafeBytes { _ = fwrite($0.baseAddress, 1, $0.count, stdout) }
            fflush(stdout)
            var end = timespec()
            clock_gettime(CLOCK_MONOTONIC, &end)
            let seconds = Double(end.tv_sec - start.tv_sec) + Double(end.tv_nsec - start.tv_nsec) / 1e9
            fputs("rows \(reader.rowsRead) bytes \(reader.bytesRead) seconds \(seconds)\n", stderr)
        } catch let error as GatewayDBError {
            fputs("gateway-db-bench: \(error)\n", stderr)
            exit(error.exitStatus)
        } catch {
            exit(70)
        }
    }
}
