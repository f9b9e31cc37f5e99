#!/usr/bin/env python3
"""reconcile_peer.py's recomputation on every core, as a careful operator would write it.

    reconcile_peer_mp.py DIR [--out OUTDIR] [--workers N]

The stronger peer of benchmarks/scale.sh. Same inputs, same per-request work and the same
outputs and classes as reconcile_peer.py — it calls that script's own functions (decode,
counts, charge, classify, read_debits, write_reports), so the two cannot drift apart — but
the plumbing a careful operator would add:

- **every core**: `multiprocessing` workers (one per core unless --workers) each take
  line-aligned chunks of about 4 MB of the logs, parse, recount and price every line, and send
  back one small tuple per line; `imap` returns the chunks in order, so the parent does the
  order-dependent part (the first of duplicate ids wins, ledger matching, classes) exactly as
  the single-process peer does. That part is a few percent of the work.
- **orjson** (3.8) parses the log and debit lines instead of `json`. Money stays exact: a line
  with a float where a time or an amount is read from (outside the request and response
  bodies, or in a response's `usage`) is parsed again with `json.loads(parse_float=Fraction)`,
  as is every line orjson refuses (it rejects some text `json` accepts: NaN, integers past 64
  bits, lone surrogates), so every verdict is `json`'s.
- tiktoken as in the single-process peer (RAYON_NUM_THREADS=1 in each worker).
"""
import os

os.environ.setdefault("RAYON_NUM_THREADS", "1")

import json  # noqa: E402
import multiprocessing  # noqa: E402
import sys  # noqa: E402
import time  # noqa: E402
from collections import Counter  # noqa: E402
from fractions import Fraction  # noqa: E402
from pathlib import Path  # noqa: E402

import orjson  # noqa: E402

sys.path.insert(0, str(Path(__file__).resolve().parent))
import reconcile_peer as peer  # noqa: E402

CHUNK_BYTES = 4 << 20


def has_float(value):
    if isinstance(value, float):
        return True
    if isinstance(value, dict):
        return any(has_float(v) for v in value.values())
    if isinstance(value, list):
        return any(has_float(v) for v in value)
    return False


def exact_loads(raw):
    """`json.loads(raw, parse_float=Fraction)`'s object (or its exception), mostly via orjson."""
    try:
        obj = orjson.loads(raw)
    except orjson.JSONDecodeError:
        return json.loads(raw.decode("utf-8"), parse_float=Fraction)
    if isinstance(obj, dict):
        response = obj.get("response")
        if any(has_float(v) for k, v in obj.items() if k not in ("request", "response")) or (
                isinstance(response, dict) and has_float(response.get("usage"))):
            return json.loads(raw.decode("utf-8"), parse_float=Fraction)
    elif has_float(obj):
        return json.loads(raw.decode("utf-8"), parse_float=Fraction)
    return obj


CATALOG = None


def start_worker(pricing):
    global CATALOG
    CATALOG = peer.Catalog(pricing)


def work(task):
    """One chunk (path, start, end) → [(bytes, result)], one per line: result None for a blank
    line, "rejected", or the request's figures for the parent's ledger matching."""
    path, start, end = task
    with open(path, "rb") as f:
        f.seek(start)
        data = f.read(end - start)
    results = []
    for raw in data.splitlines(keepends=True):
        if not raw.strip():
            results.append((len(raw), None))
            continue
        try:
            r = peer.decode(exact_loads(raw))
        except (peer.Rejected, ValueError, KeyError, TypeError, UnicodeDecodeError, ZeroDivisionError):
            results.append((len(raw), "rejected"))
            continue
        prompt, cached, completion, rp, rc = peer.counts(r)
        request = r["request"] or {}
        usage = {"prompt": prompt, "cached": cached, "completion": completion,
                 "images": (r["usage"] or {}).get("images") or request.get("n") or 1,
                 "size": request.get("size"), "quality": request.get("quality"),
                 "seconds": (r["usage"] or {}).get("seconds"),
                 "characters": len(request["input"]) if isinstance(request.get("input"), str) else None}
        version = CATALOG.version_at(r["time"])
        expected, exact = peer.charge(CATALOG, version, r["model"], r["group"], r["status"], usage)
        billed = {k: r["billed"].get(k) for k in ("prompt_tokens", "completion_tokens", "pricing_version")}
        results.append((len(raw), (r["id"], r["time"], r["account"], r["model"], r["status"], billed,
                                   version["id"] if version else None, prompt, completion, rp, rc, expected, exact)))
    return results


def chunks(paths):
    """Line-aligned (path, start, end) pieces of about CHUNK_BYTES, in file order."""
    for path in paths:
        size = path.stat().st_size
        with open(path, "rb") as f:
            start = 0
            while start < size:
                end = min(size, start + CHUNK_BYTES)
                if end < size:
                    f.seek(end)
                    f.readline()
                    end = f.tell()
                yield str(path), start, end
                start = end


def main():
    args = sys.argv[1:]
    if not args or args[0].startswith("-"):
        sys.exit(__doc__)
    directory = Path(args[0])
    out = Path(args[args.index("--out") + 1]) if "--out" in args else Path("peer-mp-out")
    workers = int(args[args.index("--workers") + 1]) if "--workers" in args else os.cpu_count() or 1
    out.mkdir(parents=True, exist_ok=True)
    started = time.perf_counter()
    catalog = peer.Catalog(directory / "pricing.json")
    logs = sorted(p for p in directory.glob("*.jsonl") if p.name != "debits.jsonl")

    classes, causes = Counter(), Counter()
    rows, seen, rejected, records, log_bytes = [], set(), 0, 0, 0
    with multiprocessing.get_context("fork").Pool(workers, initializer=start_worker,
                                                  initargs=(directory / "pricing.json",)) as pool:
        pending = pool.imap(work, chunks(logs))
        # The ledger is read while the workers start on the logs.
        debits, rejected_debits = peer.read_debits(directory / "debits.jsonl", exact_loads)
        for results in pending:
            for length, result in results:
                log_bytes += length
                if result is None:
                    continue
                if result == "rejected":
                    rejected += 1
                    continue
                rid, t, account, model, status, billed, vid, prompt, completion, rp, rc, expected, exact = result
                if rid in seen:
                    rejected += 1  # "duplicate id", as in the single-process peer
                    continue
                seen.add(rid)
                records += 1
                version = catalog.by_id[vid] if vid is not None else None
                ds = debits.pop(rid, [])
                recorded = sum((d[1] for d in ds), Fraction(0))
                cls, cause = peer.classify(catalog, {"status": status, "billed": billed}, version, expected, exact,
                                           prompt, completion, ds)
                classes[cls] += 1
                if cls in ("overcharge", "undercharge"):
                    causes[(cls, cause)] += 1
                if cls != "ok":
                    rows.append((t, rid, account, model, vid or "", cls, cause, prompt, completion, rp, rc, recorded, expected))
    peer.write_reports(out, rows, debits, classes, causes, records, rejected, rejected_debits, log_bytes, started,
                       f"reconcile_peer_mp ({workers} workers)")


if __name__ == "__main__":
    main()
