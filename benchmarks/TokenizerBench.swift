// Throughput probe for TokenCounter, built by benchmarks/tokenizer.sh against the release objects
// of the TokenCounter target (no extra SwiftPM target). Not a test: it only measures.
//
//   tokenizer-bench files ENCODING ROUNDS FILE...   per-file MB/s of count (piece cache cold, and
//                                                   cached), and encode (1 thread, thread CPU time)
//   tokenizer-bench batch ENCODING ROUNDS FILE...   countBatch over ~8 KiB line-aligned chunks,
//                                                   threads 1 vs every core
//   tokenizer-bench load ENCODING                   time to load the encoding (first use)
//
// Output is one JSON object per line. Medians over ROUNDS; MB = 10^6 bytes of UTF-8 input.
import Foundation
import TokenCounter

#if canImport(Glibc)
import Glibc
#endif

@main
struct TokenizerBench {
    static func seconds(_ body: () -> Void) -> Double {
        let start = DispatchTime.now().uptimeNanoseconds
        body()
        return Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9
    }

    /// CPU time of the calling thread around `body`: on a shared machine wall time also counts
    /// the time this thread waited for a core, which says nothing about the code. tiktoken's
    /// side (tokenizer_bench.py) uses the same clock (`time.thread_time`); `encode_ordinary`
    /// runs on the calling thread.
    static func threadSeconds(_ body: () -> Void) -> Double {
        var start = timespec(), end = timespec()
        clock_gettime(CLOCK_THREAD_CPUTIME_ID, &start)
        body()
        clock_gettime(CLOCK_THREAD_CPUTIME_ID, &end)
        return Double(end.tv_sec - start.tv_sec) + Double(end.tv_nsec - start.tv_nsec) / 1e9
    }

    static func median(_ values: [Double]) -> Double {
        let sorted = values.sorted()
        return sorted.count % 2 == 1
            ? sorted[sorted.count / 2]
            : (sorted[sorted.count / 2 - 1] + sorted[sorted.count / 2]) / 2
    }

    static func chunks(_ bytes: [UInt8]) -> [String] {
        var result: [String] = []
        var start = 0
        while start < bytes.count {
            var end = min(bytes.count, start + 8192)
            while end < bytes.count, bytes[end - 1] != 0x0A { end += 1 }
            result.append(String(decoding: bytes[start..<end], as: UTF8.self))
            start = end
        }
        return result
    }

    static func main() throws {
        let arguments = CommandLine.arguments
        guard arguments.count >= 3 else {
            FileHandle.standardError.write(
                Data("usage: tokenizer-bench files|batch|load ENCODING [ROUNDS FILE...]\n".utf8))
            exit(64)
        }
        let mode = arguments[1]
        if mode == "load" {
            var encoding: Encoding?
            let load = seconds { encoding = try? Encoding.named(arguments[2]) }
            var count = 0
            let first = seconds { count = encoding?.count("hello world") ?? -1 }
            print(
                #"{"mode":"load","encoding":"\#(arguments[2])","load_s":\#(load),"first_count_s":\#(first),"count":\#(count)}"#
            )
            return
        }
        let encoding = try Encoding.named(arguments[2])
        let rounds = Int(arguments[3]) ?? 5
        let files = arguments.dropFirst(4).map { path in
            (path, [UInt8](FileManager.default.contents(atPath: path) ?? Data()))
        }
        if mode == "files" {
            for (path, bytes) in files {
                // A short salt per round, as bench_peers.py does, so no round repeats another's input.
                var countTimes: [Double] = [], cachedTimes: [Double] = [], encodeTimes: [Double] = []
                var tokens = 0, cachedTokens = 0
                for round in 0..<rounds {
                    let text = String(decoding: bytes, as: UTF8.self) + "\n\(round)"
                    // Cold: nothing remembered from an earlier round (tiktoken remembers nothing),
                    // so the figure is the merge's. Then the same text again with what the cold
                    // count remembered: the cached figure, what a long run sees for repeated text.
                    Encoding.forgetRememberedCounts()
                    countTimes.append(threadSeconds { tokens = encoding.count(text) })
                    cachedTimes.append(threadSeconds { cachedTokens = encoding.count(text) })
                    encodeTimes.append(threadSeconds { tokens = encoding.encode(text).count })
                    if cachedTokens != tokens {
                        FileHandle.standardError.write(
                            Data("cached count \(cachedTokens) != \(tokens) for \(path)\n".utf8))
                        exit(70)
                    }
                }
                let megabytes = Double(bytes.count) / 1e6
                print(
                    #"{"mode":"files","encoding":"\#(arguments[2])","file":"\#((path as NSString).lastPathComponent)","bytes":\#(bytes.count),"tokens":\#(tokens),"count_mbps":\#(megabytes / median(countTimes)),"cached_count_mbps":\#(megabytes / median(cachedTimes)),"encode_mbps":\#(megabytes / median(encodeTimes))}"#
                )
            }
        } else if mode == "batch" {
            let texts = files.flatMap { chunks($0.1) }
            let megabytes = Double(texts.reduce(0) { $0 + $1.utf8.count }) / 1e6
            let cores = ProcessInfo.processInfo.activeProcessorCount
            var one: [Double] = [], all: [Double] = []
            var same = true
            for _ in 0..<rounds {
                var a: [Int] = [], b: [Int] = []
                Encoding.forgetRememberedCounts()
                one.append(seconds { a = encoding.countBatch(texts, threads: 1) })
                Encoding.forgetRememberedCounts()
                all.append(seconds { b = encoding.countBatch(texts, threads: cores) })
                same = same && a == b
            }
            print(
                #"{"mode":"batch","encoding":"\#(arguments[2])","texts":\#(texts.count),"threads":\#(cores),"one_thread_mbps":\#(megabytes / median(one)),"all_threads_mbps":\#(megabytes / median(all)),"speedup":\#(median(one) / median(all)),"same_counts":\#(same)}"#
            )
        }
    }
}
