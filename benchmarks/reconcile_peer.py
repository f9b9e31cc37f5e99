#!/usr/bin/env python3
"""The straightforward Python + tiktoken reconciliation an operator would otherwise write.

    reconcile_peer.py DIR [--out OUTDIR]

Reads DIR the way `recount reconcile DIR` does (its *.jsonl logs in name order except
debits.jsonl, its pricing.json and debits.jsonl), and for every request: parses the line,
recounts the prompt (the cookbook's chat format: 3 per message + 1 per name + 3 reply priming;
tool definitions by the cookbook's num_tokens_for_tools; content parts, image tiles and tool
calls as the repository's rules) and the completion (choices, stream chunks or SSE lines, tool
calls) with tiktoken 0.14.0, takes upstream usage where present (else the recount, else the
billed count), prices it with fractions.Fraction under the version in force at its start
(exact model key, then longest prefix*, group multiplier, rounding once, minimum charge,
failed requests free), matches the ledger's debits by request id, classes each request
(SPEC section 3 precedence) and writes OUTDIR/discrepancies.csv and OUTDIR/summary.json.

Single process, single thread, no caching beyond what tiktoken does itself: the baseline
benchmarks/scale.sh compares `recount reconcile` with. It is not a second implementation of
Recount's contract (no shards, credits, HTML, --issued), but it does the same work per record.
The vocabularies are read offline from Sources/CVocabulary/vocab.
"""
import os

os.environ.setdefault("RAYON_NUM_THREADS", "1")

import bisect  # noqa: E402
import csv  # noqa: E402
import json  # noqa: E402
import re  # noqa: E402
import sys  # noqa: E402
import time  # noqa: E402
from collections import Counter, defaultdict  # noqa: E402
from fractions import Fraction  # noqa: E402
from math import ceil, floor  # noqa: E402
from pathlib import Path  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
VOCAB = ROOT / "Sources" / "CVocabulary" / "vocab"

import tiktoken.load as _load  # noqa: E402


def _local(blobpath, expected_hash=None):
    return (VOCAB / blobpath.rsplit("/", 1)[1]).read_bytes()


_load.read_file_cached = _local
import tiktoken  # noqa: E402

ENCODINGS = {}


def encoding_for(model):
    try:
        name = tiktoken.encoding_name_for_model(model)
    except KeyError:
        name = "o200k_base"  # the cookbook's fallback for models tiktoken does not know
    if name not in ENCODINGS:
        ENCODINGS[name] = tiktoken.get_encoding(name)
    return ENCODINGS[name]


def ntok(enc, text):
    return len(enc.encode_ordinary(text))


# ------------------------------------------------------------------ time

RFC3339 = re.compile(r"^(\d{4})-(\d\d)-(\d\d)[Tt ](\d\d):(\d\d):(\d\d)(?:\.(\d{1,9}))?(Z|z|[+-]\d\d:\d\d)$")


def days_from_civil(y, m, d):
    y -= m <= 2
    era = (y if y >= 0 else y - 399) // 400
    yoe = y - era * 400
    doy = (153 * (m + (-3 if m > 2 else 9)) + 2) // 5 + d - 1
    doe = yoe * 365 + yoe // 4 - yoe // 100 + doy
    return era * 146097 + doe - 719468


def parse_time(value):
    """Nanoseconds since the epoch; None when unparseable."""
    if isinstance(value, bool):
        return None
    if isinstance(value, (int, Fraction)) or (isinstance(value, str) and re.fullmatch(r"\d+(\.\d+)?", value)):
        number = Fraction(value) if not isinstance(value, Fraction) else value
        if number < 0:
            return None
        return int(number * 1_000_000_000) if number < 10**11 else int(number * 1_000_000)
    if not isinstance(value, str):
        return None
    m = RFC3339.match(value)
    if not m:
        return None
    y, mo, d, h, mi, s = (int(m.group(i)) for i in range(1, 7))
    if not (1 <= mo <= 12 and 1 <= d <= 31 and h < 24 and mi < 60 and s < 61):
        return None
    nanos = int((m.group(7) or "0").ljust(9, "0"))
    zone = m.group(8)
    offset = 0 if zone in ("Z", "z") else (1 if zone[0] == "+" else -1) * (int(zone[1:3]) * 3600 + int(zone[4:6]) * 60)
    seconds = days_from_civil(y, mo, d) * 86400 + h * 3600 + mi * 60 + s - offset
    return seconds * 1_000_000_000 + nanos


# ------------------------------------------------------------------ catalog


def frac(text):
    text = str(text)
    if "/" in text:
        a, b = text.split("/")
        return Fraction(a) / Fraction(b)
    return Fraction(text)


def per_token(price, base):
    if base + "_per_1k" in price:
        return frac(price[base + "_per_1k"]) / 1000
    if base + "_per_1m" in price:
        return frac(price[base + "_per_1m"]) / 1_000_000
    return None


class Catalog:
    def __init__(self, path):
        data = json.loads(Path(path).read_text(encoding="utf-8"))
        self.unit = data["unit"]
        self.per_currency = frac(self.unit["per_currency"])
        self.scale = int(self.unit.get("scale", 0))
        self.versions = sorted(data["versions"], key=lambda v: parse_time(v["effective_from"]))
        self.starts = [parse_time(v["effective_from"]) for v in self.versions]
        self.by_id = {v["id"]: v for v in self.versions}

    def version_at(self, nanos):
        i = bisect.bisect_right(self.starts, nanos)
        return self.versions[i - 1] if i else None

    @staticmethod
    def price(version, model):
        models = version["models"]
        if model in models and not model.endswith("*"):
            return models[model]
        best = None
        for key in models:
            if key.endswith("*") and model.startswith(key[:-1]) and (best is None or len(key) > len(best)):
                best = key
        return models[best] if best else None


def round_mode(x, mode, scale):
    q = x * 10**scale
    if mode == "ceil":
        r = ceil(q)
    elif mode == "floor":
        r = floor(q)
    else:
        f = floor(q)
        diff = q - f
        if diff != Fraction(1, 2):
            r = f + (1 if diff > Fraction(1, 2) else 0)
        elif mode == "half_even":
            r = f if f % 2 == 0 else f + 1
        elif mode == "half_up":
            r = f + 1
        else:  # half_away_from_zero
            r = f + 1 if q > 0 else f
    return Fraction(r, 10**scale)


def amount(catalog, version, model, group, usage):
    """The exact amount (before rounding) of SPEC 2.4, or None when unpriced."""
    p = Catalog.price(version, model)
    if p is None:
        return None
    if "model_ratio" in p:
        inp = frac(p["model_ratio"]) * Fraction("0.002") / 1000
        p = {"_in": inp, "_out": inp * frac(p.get("completion_ratio", "1"))}
        cin = None
    else:
        p = dict(p, _in=per_token(p, "input"), _out=per_token(p, "output"))
        cin = per_token(p, "cached_input")
    total = Fraction(0)
    prompt, cached, completion = usage["prompt"], usage["cached"], usage["completion"]
    if p["_in"] is not None or p["_out"] is not None or cin is not None:
        if cin is not None:
            c = min(cached, prompt)
            total += (prompt - c) * (p["_in"] or 0) + c * cin
        elif p["_in"] is not None:
            total += prompt * p["_in"]
        elif prompt:
            return None
        if p["_out"] is not None:
            total += completion * p["_out"]
        elif completion:
            return None
    if "per_image" in p:
        table = p["per_image"]
        if isinstance(table, dict):
            quality = usage.get("quality")
            size = usage.get("size")
            key = f"{quality} {size}" if quality and quality != "standard" else size
            if key not in table:
                return None
            total += usage.get("images", 1) * frac(table[key])
        else:
            total += usage.get("images", 1) * frac(table)
    if "per_minute" in p:
        if usage.get("seconds") is None:
            return None
        total += Fraction(usage["seconds"]) / 60 * frac(p["per_minute"])
    if "per_1m_characters" in p:
        if usage.get("characters") is None:
            return None
        total += usage["characters"] * frac(p["per_1m_characters"]) / 1_000_000
    currency = p.get("currency", "USD")
    rate = Fraction(1) if currency == catalog.unit["currency"] else frac(version["exchange_rates"][currency])
    return total * rate * catalog.per_currency * frac(p.get("multiplier", "1")) * frac(version["groups"].get(group, "1"))


def charge(catalog, version, model, group, status, usage, rounding=None):
    """(expected charge, exact amount); expected None when unpriced, 0 when not billable."""
    if version is None:
        return (Fraction(0), None) if status >= 400 else (None, None)
    billable = status < 400 or version.get("charge_failed_requests", False)
    exact = amount(catalog, version, model, group, usage)
    if not billable:
        return Fraction(0), exact
    if exact is None:
        return None, None
    c = round_mode(exact, rounding or version.get("rounding", "ceil"), catalog.scale)
    if c == 0 and exact > 0 and version.get("minimum_charge") is not None:
        c = frac(version["minimum_charge"])
    return c, exact


# ------------------------------------------------------------------ tokens

TOOL_CONSTANTS = {True: (7, 3, 3, -3, 3, 12), False: (10, 3, 3, -3, 3, 12)}


def tools_tokens(enc, tools, functions):
    defs = [t["function"] for t in (tools or []) if t.get("type", "function") == "function"] + list(functions or [])
    if not defs:
        return 0
    func_init, prop_init, prop_key, enum_init, enum_item, func_end = TOOL_CONSTANTS[enc.name == "o200k_base"]
    total = 0
    for f in defs:
        desc = (f.get("description") or "")
        total += func_init + ntok(enc, f"{f['name']}:{desc[:-1] if desc.endswith('.') else desc}")
        props = ((f.get("parameters") or {}).get("properties") or {})
        if props:
            total += prop_init
            for key, prop in props.items():
                total += prop_key
                if prop.get("enum"):
                    total += enum_init
                    for item in prop["enum"]:
                        total += enum_item + ntok(enc, item if isinstance(item, str) else json.dumps(item))
                typ = prop.get("type", "")
                typ = ",".join(typ) if isinstance(typ, list) else typ
                d = prop.get("description") or ""
                total += ntok(enc, f"{key}:{typ}:{d[:-1] if d.endswith('.') else d}")
    return total + func_end


def image_tokens(model, part):
    if model.startswith("gpt-4o-mini"):
        base, tile = 2833, 5667
    elif model.startswith(("gpt-4o", "gpt-4-turbo", "chatgpt-4o")):
        base, tile = 85, 170
    else:
        return None
    url = part.get("image_url")
    if not isinstance(url, dict):
        return None
    if url.get("detail") == "low":
        return base
    w, h = url.get("width"), url.get("height")
    if not w or not h:
        return None
    if max(w, h) > 2048:
        w, h = w * 2048 // max(w, h), h * 2048 // max(w, h)
    if min(w, h) > 768:
        w, h = w * 768 // min(w, h), h * 768 // min(w, h)
    return base + tile * max(1, -(-w // 512)) * max(1, -(-h // 512))


def chat_prompt_tokens(model, enc, request):
    """The cookbook's num_tokens_from_messages (+ tools); None when something is not countable."""
    per_message, per_name = (4, -1) if model == "gpt-3.5-turbo-0301" else (3, 1)
    total = 3
    for message in request.get("messages") or []:
        total += per_message
        for key, value in message.items():
            if value is None:
                continue
            if isinstance(value, str):
                total += ntok(enc, value)
                if key == "name":
                    total += per_name
            elif key == "content" and isinstance(value, list):
                for part in value:
                    if part.get("type") == "text":
                        total += ntok(enc, part.get("text", ""))
                    elif part.get("type") == "image_url":
                        t = image_tokens(model, part)
                        if t is None:
                            return None
                        total += t
                    else:
                        return None
            elif key == "tool_calls":
                for call in value:
                    f = call.get("function") or {}
                    total += ntok(enc, f.get("name") or "") + ntok(enc, f.get("arguments") or "")
            elif isinstance(value, (dict, list)):
                return None
    return total + tools_tokens(enc, request.get("tools"), request.get("functions"))


def sse_chunks(items):
    chunks = []
    for item in items:
        if isinstance(item, dict):
            chunks.append(item)
        elif isinstance(item, str):
            for line in re.split(r"\r\n|\r|\n", item):
                if line.startswith("data:"):
                    payload = line[5:].lstrip(" ") if line[5:6] == " " else line[5:]
                    if payload == "[DONE]":
                        continue
                    try:
                        obj = json.loads(payload)
                    except ValueError:
                        continue
                    if isinstance(obj, dict):
                        chunks.append(obj)
    return chunks


def completion_tokens(enc, response):
    if response is None:
        return None
    if isinstance(response, str):
        return ntok(enc, response)
    texts, calls = [], []
    if isinstance(response, dict):
        for choice in response.get("choices") or []:
            message = choice.get("message")
            if isinstance(message, dict):
                content = message.get("content")
                if isinstance(content, list):
                    content = "".join(p.get("text", "") for p in content if isinstance(p, dict))
                texts.append(content or "")
                for call in message.get("tool_calls") or []:
                    f = call.get("function") or {}
                    calls.append((f.get("name") or "", f.get("arguments") or ""))
            else:
                texts.append(choice.get("text") or "")
    elif isinstance(response, list):
        by_choice, by_call = defaultdict(str), {}
        for chunk in sse_chunks(response):
            for choice in chunk.get("choices") or []:
                index = choice.get("index", 0)
                delta = choice.get("delta")
                if isinstance(delta, dict):
                    by_choice[index] += delta.get("content") or ""
                    for call in delta.get("tool_calls") or []:
                        key = (index, call.get("index", 0))
                        f = call.get("function") or {}
                        name, args = by_call.get(key, ("", ""))
                        by_call[key] = (name + (f.get("name") or ""), args + (f.get("arguments") or ""))
                elif "text" in choice:
                    by_choice[index] += choice.get("text") or ""
        texts = list(by_choice.values())
        calls = list(by_call.values())
    return sum(ntok(enc, t) for t in texts) + sum(ntok(enc, n) + ntok(enc, a) for n, a in calls)


def reported_usage(record):
    usage = record.get("usage")
    response = record.get("response")
    if usage is None and isinstance(response, dict):
        usage = response.get("usage")
    if usage is None and isinstance(response, list):
        for chunk in reversed(sse_chunks(response)):
            if chunk.get("usage") is not None:
                usage = chunk["usage"]
                break
    return usage if isinstance(usage, dict) else None


# ------------------------------------------------------------------ reconcile


class Rejected(Exception):
    pass


def decode(obj):
    """A log object → a normalised request dict (raises Rejected)."""
    if not isinstance(obj, dict):
        raise Rejected("not an object")
    if "time" not in obj and "created_at" in obj and ("model_name" in obj or "quota" in obj):
        if obj.get("type", 2) not in (2, 5):
            raise Rejected("log type")
        start = int(obj["created_at"]) - int(obj.get("use_time") or 0)
        quota = obj.get("quota")
        return {"id": obj.get("request_id") or str(obj.get("id")), "time": start * 1_000_000_000,
                "account": obj.get("username") or str(obj.get("user_id")), "model": obj["model_name"],
                "group": obj.get("group") or "default", "endpoint": "chat.completions",
                "status": 200 if obj.get("type", 2) == 2 else 500, "request": None, "response": None, "usage": None,
                "billed": {"prompt_tokens": obj.get("prompt_tokens"), "completion_tokens": obj.get("completion_tokens"),
                           "amount": quota}}
    for field in ("id", "account", "model"):
        if not isinstance(obj.get(field), str):
            raise Rejected(field)
    t = parse_time(obj.get("time"))
    if t is None:
        raise Rejected("time")
    billed = obj.get("billed") or {}
    if billed.get("amount") is not None and Fraction(str(billed["amount"])) < 0:
        raise Rejected("negative amount")
    return {"id": obj["id"], "time": t, "account": obj["account"], "model": obj["model"],
            "group": obj.get("group") or "default", "endpoint": obj.get("endpoint") or "chat.completions",
            "status": int(obj.get("status") or 200), "request": obj.get("request"), "response": obj.get("response"),
            "usage": reported_usage(obj), "billed": billed}


def counts(r):
    """(prompt, cached, completion, recount prompt, recount completion) under --basis auto."""
    billed, usage = r["billed"], r["usage"] or {}
    endpoint, request = r["endpoint"], r["request"] or {}
    if endpoint not in ("chat.completions", "completions", "embeddings"):
        return 0, 0, 0, None, None
    enc = encoding_for(r["model"])
    rp = rc = None
    if r["request"] is not None:
        if endpoint == "chat.completions" and request.get("messages") is not None:
            rp = chat_prompt_tokens(r["model"], enc, request)
        elif endpoint in ("completions", "embeddings"):
            value = request.get("prompt" if endpoint == "completions" else "input")
            if isinstance(value, str):
                rp = ntok(enc, value)
            elif isinstance(value, list) and all(isinstance(v, str) for v in value):
                rp = sum(ntok(enc, v) for v in value)
    rc = 0 if endpoint == "embeddings" else completion_tokens(enc, r["response"])

    def choose(up, re_, bi):
        return up if up is not None else re_ if re_ is not None else bi if bi is not None else 0

    prompt_up = usage.get("prompt_tokens", usage.get("input_tokens"))
    prompt = choose(prompt_up, rp, billed.get("prompt_tokens"))
    completion = choose(usage.get("completion_tokens", usage.get("output_tokens")), rc, billed.get("completion_tokens"))
    cached = ((usage.get("prompt_tokens_details") or {}).get("cached_tokens") or 0) if prompt_up is not None else 0
    return int(prompt), int(min(cached, prompt)), int(completion), rp, rc


def read_debits(path, loads):
    """request id → [(debit id, amount, pricing version)], and the number of rejected lines."""
    debits, rejected_debits = defaultdict(list), 0
    with open(path, "rb") as f:
        for raw in f:
            try:
                d = loads(raw)
                a = Fraction(str(d["amount"]))
                if a < 0 or not isinstance(d["request_id"], str):
                    raise ValueError
                debits[d["request_id"]].append((d["debit_id"], a, d.get("pricing_version")))
            except (ValueError, KeyError, TypeError, ZeroDivisionError):
                rejected_debits += 1
    return debits, rejected_debits


def write_reports(out, rows, debits, classes, causes, records, rejected, rejected_debits, log_bytes, started, name):
    """Orphan debits, then OUTDIR/discrepancies.csv and OUTDIR/summary.json, and a one-line report."""
    for request_id, ds in debits.items():
        classes["orphan_debit"] += 1
        rows.append((0, request_id, ds[0][0], "", "", "orphan_debit", "no_request", 0, 0, None, None,
                     sum((d[1] for d in ds), Fraction(0)), None))

    rows.sort(key=lambda row: (row[0], row[1]))

    def money(x):
        return "" if x is None else str(x.numerator) if x.denominator == 1 else f"{float(x):.6f}"

    with open(out / "discrepancies.csv", "w", newline="", encoding="utf-8") as f:
        w = csv.writer(f)
        w.writerow(["request_id", "account", "model", "pricing_version", "class", "cause", "prompt_tokens",
                    "completion_tokens", "recount_prompt_tokens", "recount_completion_tokens", "recorded_amount",
                    "expected_amount", "delta"])
        for t, rid, account, model, vid, cls, cause, p, c, rp, rc, recorded, expected in rows:
            delta = None if expected is None else recorded - expected
            w.writerow([rid, account, model, vid, cls, cause, p, c, "" if rp is None else rp, "" if rc is None else rc,
                        money(recorded), money(expected), money(delta)])
    elapsed = time.perf_counter() - started
    summary = {"records": records, "rejected_log_lines": rejected, "rejected_debit_lines": rejected_debits,
               "log_bytes": log_bytes, "seconds": round(elapsed, 3), "classes": dict(sorted(classes.items())),
               "causes": {f"{k[0]}:{k[1]}": v for k, v in sorted(causes.items())}}
    (out / "summary.json").write_text(json.dumps(summary, indent=2) + "\n", encoding="utf-8")
    print(f"{name}: {records} requests, " + ", ".join(f"{k} {v}" for k, v in sorted(classes.items()) if k != "ok")
          + f"; {rejected + rejected_debits} rejected lines; {elapsed:.1f} s; reports in {out}/")


def classify(catalog, r, version, expected, exact, prompt, completion, ds):
    """(class, cause) of one request with its debits `ds`, SPEC section 3 precedence."""
    cls, cause = "ok", ""
    if version is not None and r["status"] >= 400 and not version.get("charge_failed_requests", False):
        cls, cause = ("failed_request_charged", "failed_request") if ds else ("ok", "")
    elif len(ds) > 1:
        cls, cause = "duplicate_charge", "duplicate_debit"
    elif expected is None:
        cls, cause = "unpriced_model", "no_price"
    elif not ds:
        cls, cause = ("missing_charge", "no_debit") if expected > 0 else ("ok", "")
    elif ds[0][1] != expected:
        cls = "overcharge" if ds[0][1] > expected else "undercharge"
        b = r["billed"]
        found = []
        if b.get("prompt_tokens") is not None and int(b["prompt_tokens"]) != prompt:
            found.append("prompt_tokens")
        if b.get("completion_tokens") is not None and int(b["completion_tokens"]) != completion:
            found.append("completion_tokens")
        named = ds[0][2] or b.get("pricing_version")
        if named and named != version["id"]:
            found.append("price_version")
        if not found:
            modes = ["ceil", "floor", "half_up", "half_even", "half_away_from_zero"]
            if any(round_mode(exact, m, catalog.scale) == ds[0][1] for m in modes if m != version["rounding"]):
                found.append("rounding")
            else:
                found.append("rate")
        cause = "+".join(found)
    return cls, cause


def main():
    args = sys.argv[1:]
    if not args or args[0].startswith("-"):
        sys.exit(__doc__)
    directory = Path(args[0])
    out = Path(args[args.index("--out") + 1]) if "--out" in args else Path("peer-out")
    out.mkdir(parents=True, exist_ok=True)
    started = time.perf_counter()
    catalog = Catalog(directory / "pricing.json")

    debits, rejected_debits = read_debits(directory / "debits.jsonl", lambda raw: json.loads(raw, parse_float=Fraction))

    classes, causes = Counter(), Counter()
    rows, seen, rejected, records, log_bytes = [], set(), 0, 0, 0
    logs = sorted(p for p in directory.glob("*.jsonl") if p.name != "debits.jsonl")
    for path in logs:
        with open(path, "rb") as f:
            for raw in f:
                log_bytes += len(raw)
                if not raw.strip():
                    continue
                try:
                    r = decode(json.loads(raw.decode("utf-8"), parse_float=Fraction))
                    if r["id"] in seen:
                        raise Rejected("duplicate id")
                except (Rejected, ValueError, KeyError, TypeError, UnicodeDecodeError, ZeroDivisionError):
                    rejected += 1
                    continue
                seen.add(r["id"])
                records += 1
                prompt, cached, completion, rp, rc = counts(r)
                request = r["request"] or {}
                usage = {"prompt": prompt, "cached": cached, "completion": completion,
                         "images": (r["usage"] or {}).get("images") or request.get("n") or 1,
                         "size": request.get("size"), "quality": request.get("quality"),
                         "seconds": (r["usage"] or {}).get("seconds"),
                         "characters": len(request["input"]) if isinstance(request.get("input"), str) else None}
                version = catalog.version_at(r["time"])
                expected, exact = charge(catalog, version, r["model"], r["group"], r["status"], usage)
                ds = debits.pop(r["id"], [])
                recorded = sum((d[1] for d in ds), Fraction(0))
                cls, cause = classify(catalog, r, version, expected, exact, prompt, completion, ds)
                classes[cls] += 1
                if cls in ("overcharge", "undercharge"):
                    causes[(cls, cause)] += 1
                if cls != "ok":
                    rows.append((r["time"], r["id"], r["account"], r["model"], version["id"] if version else "", cls, cause,
                                 prompt, completion, rp, rc, recorded, expected))
    write_reports(out, rows, debits, classes, causes, records, rejected, rejected_debits, log_bytes, started, "reconcile_peer")


if __name__ == "__main__":
    main()
