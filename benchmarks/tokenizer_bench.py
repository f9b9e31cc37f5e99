#!/usr/bin/env python3
"""Helper of benchmarks/tokenizer.sh: tiktoken's side of the benchmark, and the report.

  tokenizer_bench.py tiktoken ENCODING ROUNDS FILE...  -> JSON lines like tokenizer-bench's
  tokenizer_bench.py report RESULTS.jsonl OUT.md       -> markdown tables

tiktoken is timed like shared/oracle/bench_peers.py does it — encode_ordinary, one thread
(RAYON_NUM_THREADS=1), garbage collector off, one call per file, a short per-round salt
("\\n<round>") on the text, median over rounds — but with time.thread_time() (the calling
thread's CPU time; encode_ordinary runs on it) rather than time.perf_counter(), as our side
does: on a shared machine wall time also counts waiting for a core. MB = 10^6 UTF-8 bytes.
"""
import os

os.environ.setdefault("RAYON_NUM_THREADS", "1")

import gc  # noqa: E402
import json  # noqa: E402
import statistics  # noqa: E402
import sys  # noqa: E402
import time  # noqa: E402
from pathlib import Path  # noqa: E402


def tiktoken_files(encoding, rounds, paths):
    sys.path.insert(0, os.environ.get("ORACLE_DIR", str(Path(__file__).resolve().parent.parent.parent / "shared/oracle")))
    import tiktoken
    import tiktoken_oracle  # loads the vocabularies offline from shared/vocab

    enc = tiktoken_oracle.get_encoding(encoding)
    for path in paths:
        data = Path(path).read_bytes()
        text = data.decode("utf-8")
        times = []
        tokens = 0
        gc.disable()
        for r in range(rounds):
            salted = text + f"\n{r}"
            t0 = time.thread_time()
            tokens = len(enc.encode_ordinary(salted))
            times.append(time.thread_time() - t0)
        gc.enable()
        print(json.dumps({"mode": "tiktoken", "version": tiktoken.__version__, "encoding": encoding,
                          "file": Path(path).name, "bytes": len(data), "tokens": tokens,
                          "encode_mbps": len(data) / 1e6 / statistics.median(times)}), flush=True)


def report(results_path, out_path):
    rows = [json.loads(line) for line in Path(results_path).read_text().splitlines() if line.startswith("{")]
    ours = {(r["encoding"], r["file"]): r for r in rows if r["mode"] == "files"}
    theirs = {(r["encoding"], r["file"]): r for r in rows if r["mode"] == "tiktoken"}
    meta = next((r for r in rows if r["mode"] == "meta"), {})
    after = next((r for r in rows if r["mode"] == "meta_end"), {})
    encodings = list(dict.fromkeys(e for e, _ in ours))
    files = list(dict.fromkeys(f for _, f in ours))
    lines = ["# TokenCounter benchmark", "",
             f"Measured by `benchmarks/tokenizer.sh` on {meta.get('date', '?')}, {meta.get('cpus', '?')} cores "
             f"({meta.get('cpu', '?')}), {meta.get('swift', '?')}, tiktoken {meta.get('tiktoken', '?')}. "
             f"Load average (`uptime`) {meta.get('load', '?')} before, {after.get('load', '?')} after: the machine is "
             "shared, so absolute figures vary from run to run; the ratios compare the two sides in the same run, "
             "each file timed on our side and then on tiktoken's. "
             f"Median of {meta.get('rounds', '?')} rounds per file, each timed by the measuring thread's CPU time "
             "(`CLOCK_THREAD_CPUTIME_ID`; Python's `time.thread_time()`), since wall time on a shared machine also "
             "counts waiting for a core; MB = 10^6 bytes of UTF-8 input; "
             "one thread on both sides (tiktoken with RAYON_NUM_THREADS=1, `encode_ordinary`). "
             "Ours, release build (-Ounchecked): `Encoding.count` with the piece cache **cold** in every round "
             "(forgotten before the round, so the figure is the merge's), the same count again with what that "
             "cold count remembered (**cached**), and `Encoding.encode` (ids; never cached). "
             "Whole corpus = total bytes / sum of per-file median times.", ""]

    def whole(table, e, key):
        total = sum(table[(e, f)]["bytes"] for f in files)
        return total / 1e6 / sum(table[(e, f)]["bytes"] / 1e6 / table[(e, f)][key] for f in files)

    lines += ["## Whole corpus (9 files, %.2f MB)" % (sum(ours[(encodings[0], f)]["bytes"] for f in files) / 1e6), "",
              "| encoding | count, cold MB/s | count, cached MB/s | encode MB/s | tiktoken MB/s | cold / tiktoken | cached / tiktoken | encode / tiktoken | lowest file, cold / tiktoken | lowest file, encode / tiktoken |",
              "|---|---:|---:|---:|---:|---:|---:|---:|---|---|"]
    lowest = {}
    for e in encodings:
        c, cc, en, t = whole(ours, e, "count_mbps"), whole(ours, e, "cached_count_mbps"), whole(ours, e, "encode_mbps"), whole(theirs, e, "encode_mbps")
        cold = {f: ours[(e, f)]["count_mbps"] / theirs[(e, f)]["encode_mbps"] for f in files}
        enc = {f: ours[(e, f)]["encode_mbps"] / theirs[(e, f)]["encode_mbps"] for f in files}
        wc, we = min(cold, key=cold.get), min(enc, key=enc.get)
        lowest[e] = (cold[wc], wc, enc[we], we, c / t, en / t)
        lines.append(f"| {e} | {c:.1f} | {cc:.1f} | {en:.1f} | {t:.2f} | {c / t:.2f}× | {cc / t:.2f}× | {en / t:.2f}× | "
                     f"{cold[wc]:.2f}× ({wc}) | {enc[we]:.2f}× ({we}) |")
    if "o200k_base" in lowest:
        o = lowest["o200k_base"]
        worst_cold = min(lowest.values(), key=lambda v: v[0])
        worst_enc = min(lowest.values(), key=lambda v: v[2])
        lines += ["", "Targets (issue 17): o200k at least 4× tiktoken on the whole corpus — cold count "
                  f"{o[4]:.2f}× ({'met' if o[4] >= 4 else 'NOT met'}), encode {o[5]:.2f}× ({'met' if o[5] >= 4 else 'NOT met'}); "
                  "no corpus file below 2.5× for any encoding — lowest cold count "
                  f"{worst_cold[0]:.2f}× ({worst_cold[1]}; {'met' if worst_cold[0] >= 2.5 else 'NOT met'}), lowest encode "
                  f"{worst_enc[2]:.2f}× ({worst_enc[3]}; {'met' if worst_enc[2] >= 2.5 else 'NOT met'})."]
    for e in encodings:
        lines += ["", f"## {e}, per file", "",
                  "| file | MB | tokens | count, cold MB/s | count, cached MB/s | encode MB/s | tiktoken MB/s | cold / tiktoken | cached / tiktoken | encode / tiktoken | same token count |",
                  "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---|"]
        for f in files:
            o, t = ours[(e, f)], theirs[(e, f)]
            lines.append(f"| {f} | {o['bytes'] / 1e6:.3f} | {o['tokens']} | {o['count_mbps']:.1f} | {o['cached_count_mbps']:.1f} | {o['encode_mbps']:.1f} | "
                         f"{t['encode_mbps']:.2f} | {o['count_mbps'] / t['encode_mbps']:.2f}× | {o['cached_count_mbps'] / t['encode_mbps']:.2f}× | "
                         f"{o['encode_mbps'] / t['encode_mbps']:.2f}× | {'yes' if o['tokens'] == t['tokens'] else 'NO'} |")
    batch = [r for r in rows if r["mode"] == "batch"]
    if batch:
        lines += ["", "## countBatch (whole corpus as ~8 KiB line-aligned chunks)", "",
                  "The machine is shared: the script waits for both cores to be idle first and records the idle share it saw.", "",
                  "| encoding | texts | 1 thread MB/s | %s threads MB/s | speed-up | same counts | cores idle before |" % batch[0]["threads"],
                  "|---|---:|---:|---:|---:|---|---:|"]
        for r in batch:
            lines.append(f"| {r['encoding']} | {r['texts']} | {r['one_thread_mbps']:.1f} | {r['all_threads_mbps']:.1f} | "
                         f"{r['speedup']:.2f}× | {'yes' if r['same_counts'] else 'NO'} | {r.get('idle_before_percent', '?')}% |")
    loads = [r for r in rows if r["mode"] == "load"]
    starts = [r for r in rows if r["mode"] == "first_count"]
    rss = [r for r in rows if r["mode"] == "rss"]
    if loads or starts or rss:
        lines += ["", "## Loading and memory", "", "| measure | value |", "|---|---:|"]
        for r in loads:
            lines.append(f"| {r['encoding']}: load in process (parse + table), median | {r['load_s'] * 1000:.1f} ms |")
        for r in starts:
            lines.append(f"| {r['encoding']}: time to first count (`recount count` on a 12-byte file, process start → exit), median of {r['runs']} | {r['seconds'] * 1000:.1f} ms |")
        for r in rss:
            lines.append(f"| {r['encoding']}: peak RSS, `recount count` on {r['file']} (`/usr/bin/time -v`) | {r['max_rss_kb'] / 1024:.1f} MB |")
    Path(out_path).write_text("\n".join(lines) + "\n")


if __name__ == "__main__":
    if sys.argv[1] == "tiktoken":
        tiktoken_files(sys.argv[2], int(sys.argv[3]), sys.argv[4:])
    elif sys.argv[1] == "report":
        report(sys.argv[2], sys.argv[3])
    else:
        sys.exit("usage: tokenizer_bench.py tiktoken|report ...")
