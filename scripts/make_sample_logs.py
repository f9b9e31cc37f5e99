#!/usr/bin/env python3
"""Writes SampleLogs/: a realistic relay day whose every charge is computed here, independently
of the Swift code, with exact fractions and tiktoken 0.14.0 (vocabularies loaded offline from
Sources/CVocabulary/vocab). The debits are then set to make each discrepancy class occur on
purpose; what each record exercises is in SampleLogs/README.md.

    pip install tiktoken==0.14.0 && python3 scripts/make_sample_logs.py

Deterministic: the same script writes the same bytes.
"""
import json
import sys
from fractions import Fraction as F
from math import ceil, floor
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
VOCAB = ROOT / "Sources" / "CVocabulary" / "vocab"
OUT = ROOT / "SampleLogs"

import tiktoken.load as _load  # noqa: E402

def _local(blobpath, expected_hash=None):
    return (VOCAB / blobpath.rsplit("/", 1)[1]).read_bytes()

_load.read_file_cached = _local
import tiktoken  # noqa: E402

ENC = {n: tiktoken.get_encoding(n) for n in ["r50k_base", "p50k_base", "cl100k_base", "o200k_base"]}

def enc_for(model):
    return ENC[tiktoken.encoding_name_for_model(model)]

def tokens(model, text):
    return len(enc_for(model).encode_ordinary(text))

def chat_prompt_tokens(model, messages):
    """The cookbook rule: 3 per message, values, +1 per name, +3 priming (no tools here)."""
    total = 3
    for m in messages:
        total += 3
        for k, v in m.items():
            total += tokens(model, v)
            if k == "name":
                total += 1
    return total

# ---------------------------------------------------------------- catalog (points site)
USD = F("7.1")
PER_CNY = 10000

def version(vid, start, rounding, gpt35_multiplier, gpt4o_in, gpt4o_cached, gpt4o_out, published):
    gpt35 = {"input_per_1k": "0.002", "output_per_1k": "0.002", "multiplier": gpt35_multiplier}
    gpt4 = {"input_per_1k": "0.03", "output_per_1k": "0.06"}
    if published:
        # The points site's own table (shared/seeds/000): its GPT-4-8K input figure and its
        # gpt-3.5-turbo figures do not add up; `recount prices check` flags them.
        gpt35["published"] = {"input_list_currency_per_1k": "0.0142", "input_currency_per_1k": "0.004",
                              "input_units_per_token": "40"}
        gpt4["published"] = {"input_units_per_1k": "2310", "output_units_per_1k": "4260"}
    return {
        "id": vid, "effective_from": start, "exchange_rates": {"USD": "7.1"}, "rounding": rounding,
        "minimum_charge": "1", "charge_failed_requests": False,
        "groups": {"default": "1", "vip": "0.8"},
        "models": {
            "gpt-3.5-turbo*": gpt35,
            "gpt-4": gpt4,
            "gpt-4o*": {"input_per_1m": gpt4o_in, "cached_input_per_1m": gpt4o_cached, "output_per_1m": gpt4o_out},
            "text-embedding-3-small": {"input_per_1m": "0.02", "output_per_1m": "0"},
            "text-davinci-003": {"input_per_1k": "0.02", "output_per_1k": "0.02"},
            "davinci": {"input_per_1k": "0.02", "output_per_1k": "0.02"},
            "dall-e-3": {"per_image": {"1024x1024": "0.04", "1024x1792": "0.08", "hd 1024x1024": "0.08"}},
            "whisper-1": {"per_minute": "0.006"},
            "tts-1": {"per_1m_characters": "15.00"},
            "midjourney": {"currency": "CNY", "per_image": "0.2"},
        },
    }

CATALOG = {
    "schema": "recount.pricing/1",
    "unit": {"name": "points", "currency": "CNY", "per_currency": "10000", "scale": 0},
    "versions": [
        version("2024-02", "2024-02-01T00:00:00+08:00", "ceil", "1/3.05", "5.00", "2.50", "15.00", True),
        # From noon: gpt-4o price cut, gpt-3.5-turbo at half price, ties rounded half_even.
        version("2024-03-pm", "2024-03-01T12:00:00+08:00", "half_even", "1/2", "2.50", "1.25", "10.00", False),
    ],
}

def version_at(hour_minute):
    return CATALOG["versions"][0] if hour_minute < "12:00:00" else CATALOG["versions"][1]

def price(model, v):
    models = v["models"]
    if model in models:
        return models[model]
    best = None
    for key in models:
        if key.endswith("*") and model.startswith(key[:-1]) and (best is None or len(key) > len(best)):
            best = key
    return models[best] if best else None

def per_token(p, base):
    if base + "_per_1k" in p:
        return F(p[base + "_per_1k"]) / 1000
    if base + "_per_1m" in p:
        return F(p[base + "_per_1m"]) / 1_000_000
    return None

def frac(text):
    """Decimals and fractions of decimals ("1/3.05"), exactly."""
    if "/" in text:
        a, b = text.split("/")
        return F(a) / F(b)
    return F(text)


def round_mode(x, mode):
    if mode == "ceil":
        return ceil(x)
    if mode == "floor":
        return floor(x)
    fl = floor(x)
    diff = x - fl
    if diff != F(1, 2):
        return fl + (1 if diff > F(1, 2) else 0)
    if mode == "half_even":
        return fl if fl % 2 == 0 else fl + 1
    return fl + 1  # half_up / half_away_from_zero for positive amounts

def charge(model, when, group="default", prompt=0, cached=0, completion=0, images=0, size=None, quality=None,
           seconds=None, characters=None, rounding=None):
    """SPEC §2.4, worked with exact fractions."""
    v = version_at(when)
    p = price(model, v)
    assert p is not None, model
    list_ = F(0)
    cin = per_token(p, "cached_input")
    if cin is not None:
        list_ += (prompt - cached) * per_token(p, "input") + cached * cin
    elif per_token(p, "input") is not None:
        list_ += prompt * per_token(p, "input")
    if per_token(p, "output") is not None:
        list_ += completion * per_token(p, "output")
    if "per_image" in p:
        table = p["per_image"]
        key = f"{quality} {size}" if quality and quality != "standard" else size
        list_ += images * F(table if isinstance(table, str) else table[key])
    if "per_minute" in p:
        list_ += F(seconds) / 60 * F(p["per_minute"])
    if "per_1m_characters" in p:
        list_ += characters * F(p["per_1m_characters"]) / 1_000_000
    rate = F(1) if p.get("currency") == "CNY" else USD
    amount = list_ * rate * PER_CNY * frac(p.get("multiplier", "1")) * F(v["groups"].get(group, "1"))
    c = round_mode(amount, rounding or v["rounding"])
    if c == 0 and amount > 0:
        c = int(v["minimum_charge"])
    return c, amount, v["id"]

# ---------------------------------------------------------------- records
records, debits = [], []

def day(t):
    return f"2024-03-01T{t}+08:00"

def add(rec, debit_amounts=None, billed_amount=None, ledger_version=None):
    """Adds a log record; its ledger debits default to one debit of billed.amount."""
    if billed_amount is not None:
        rec.setdefault("billed", {})["amount"] = str(billed_amount)
    records.append(rec)
    amounts = debit_amounts if debit_amounts is not None else ([billed_amount] if billed_amount is not None else [])
    for i, a in enumerate(amounts):
        d = {"debit_id": f"d-{rec['id']}-{i + 1}", "request_id": rec["id"], "account": rec["account"],
             "time": rec["time"] if isinstance(rec["time"], str) else day("23:59:59"), "amount": str(a)}
        if ledger_version or rec.get("billed", {}).get("pricing_version"):
            d["pricing_version"] = ledger_version or rec["billed"]["pricing_version"]
        debits.append(d)

def chat(rid, t, account, model, messages, reply, usage=None, key=None, group=None, extra=None):
    rec = {"id": rid, "time": day(t), "account": account, "model": model}
    if key:
        rec["key"] = key
    if group:
        rec["group"] = group
    rec["request"] = {"model": model, "messages": messages}
    rec["response"] = {"id": "chatcmpl-" + rid, "object": "chat.completion", "model": model,
                       "choices": [{"index": 0, "message": {"role": "assistant", "content": reply}, "finish_reason": "stop"}]}
    if usage:
        rec["usage"] = usage
    if extra:
        rec.update(extra)
    return rec

EN_SYS = {"role": "system", "content": "You are a helpful assistant for a billing team."}

# 1. ok — gpt-4o, English, upstream usage (recount beside it), morning version.
m = [EN_SYS, {"role": "user", "content": "Summarise why token counts differ between providers in two sentences."}]
r = chat("req-0001", "08:15:02.120", "acme-corp", "gpt-4o", m,
         "Providers use different tokenizers and count hidden overhead differently. Always compare like with like.",
         usage={"prompt_tokens": 1250, "completion_tokens": 310}, key="sk-proj-AbCdEfGhIjKlMnOp7Q2x")
c, _, v = charge("gpt-4o", "08:15:02", prompt=1250, completion=310)
r["billed"] = {"prompt_tokens": 1250, "completion_tokens": 310, "pricing_version": v}
add(r, billed_amount=c)

# 2. ok — gpt-3.5-turbo, Chinese, no usage: the recount decides (cl100k, ×1/3.05, ceil).
m = [{"role": "user", "content": "请用一句话解释什么是令牌计费。"}]
reply = "令牌计费就是按照模型处理的令牌数量收费。"
pt, ct = chat_prompt_tokens("gpt-3.5-turbo", m), tokens("gpt-3.5-turbo", reply)
r = chat("req-0002", "08:40:11", "张三工作室", "gpt-3.5-turbo", m, reply, key="sk-zhang-9f8e7d6c5b4a3210")
c, _, v = charge("gpt-3.5-turbo", "08:40:11", prompt=pt, completion=ct)
r["billed"] = {"prompt_tokens": pt, "completion_tokens": ct, "pricing_version": v}
add(r, billed_amount=c)

# 3. overcharge, cause prompt_tokens — GPT-4-8K billed 100 prompt tokens too many.
m = [EN_SYS, {"role": "user", "content": "Draft a polite reply to a customer asking about a refund."}]
r = chat("req-0003", "09:05:44", "acme-corp", "gpt-4", m, "Dear customer, thank you for reaching out about your refund.",
         usage={"prompt_tokens": 1000, "completion_tokens": 200}, key="sk-proj-AbCdEfGhIjKlMnOp7Q2x")
c, _, v = charge("gpt-4", "09:05:44", prompt=1100, completion=200)
r["billed"] = {"prompt_tokens": 1100, "completion_tokens": 200, "pricing_version": v}
add(r, billed_amount=c)

# 4. undercharge, cause rate — debited 30 points less than the price gives.
m = [{"role": "user", "content": "Translate 'invoice' into French, German and Japanese."}]
r = chat("req-0004", "09:30:00", "globex", "gpt-4", m, "facture, Rechnung, 請求書",
         usage={"prompt_tokens": 20, "completion_tokens": 12})
c, _, v = charge("gpt-4", "09:30:00", prompt=20, completion=12)
r["billed"] = {"prompt_tokens": 20, "completion_tokens": 12, "pricing_version": v}
add(r, billed_amount=c - 30)

# 5. overcharge, cause rounding — an afternoon request (half_even version) that the platform
#    still rounded up (ceil).
m = [{"role": "user", "content": "Give me three names for a cat."}]
r = chat("req-0005", "13:02:03", "globex", "gpt-3.5-turbo", m, "Miso, Pixel and Tofu.",
         usage={"prompt_tokens": 1000, "completion_tokens": 1})
c, amt, v = charge("gpt-3.5-turbo", "13:02:03", prompt=1000, completion=1)
c_ceil, _, _ = charge("gpt-3.5-turbo", "13:02:03", prompt=1000, completion=1, rounding="ceil")
assert c_ceil != c, (c, c_ceil, amt)
r["billed"] = {"prompt_tokens": 1000, "completion_tokens": 1, "pricing_version": v}
add(r, billed_amount=c_ceil)

# 6. overcharge, cause price_version — just after noon (12:00:00.001), billed under the morning version.
m = [EN_SYS, {"role": "user", "content": "What is the capital of Australia?"}]
r = chat("req-0006", "12:00:00.001", "initech", "gpt-4o", m, "Canberra.",
         usage={"prompt_tokens": 30000, "completion_tokens": 1000})
c_old, _, _ = charge("gpt-4o", "11:59:59", prompt=30000, completion=1000)
r["billed"] = {"prompt_tokens": 30000, "completion_tokens": 1000, "pricing_version": "2024-02"}
add(r, billed_amount=c_old)

# 7. ok at the boundary exactly (12:00:00.000 takes the new version).
r = chat("req-0007", "12:00:00.000", "initech", "gpt-4o", m, "Canberra.",
         usage={"prompt_tokens": 30000, "completion_tokens": 1000})
c, _, v = charge("gpt-4o", "12:00:00", prompt=30000, completion=1000)
r["billed"] = {"prompt_tokens": 30000, "completion_tokens": 1000, "pricing_version": v}
add(r, billed_amount=c)

# 8. failed_request_charged — 429 rate limited, still debited.
r = {"id": "req-0008", "time": day("10:01:00"), "account": "globex", "model": "gpt-4", "status": 429,
     "request": {"model": "gpt-4", "messages": [{"role": "user", "content": "hello"}]},
     "response": {"error": {"message": "Rate limit reached for default-gpt-4 in organization org-xxx on requests per min. Limit: 60 / min.",
                            "type": "requests", "code": "rate_limit_exceeded"}},
     "billed": {"prompt_tokens": 8, "completion_tokens": 0}}
add(r, billed_amount=charge("gpt-4", "10:01:00", prompt=8)[0])

# 9. ok failed request — 500 with no debit.
r = {"id": "req-0009", "time": day("10:02:00"), "account": "globex", "model": "gpt-4", "status": 500,
     "response": {"error": {"message": "The server had an error while processing your request.", "type": "server_error"}}}
add(r)

# 10. duplicate_charge — the gateway retried its debit write.
m = [{"role": "user", "content": "List two prime numbers."}]
r = chat("req-0010", "10:20:00", "acme-corp", "gpt-4o-mini", m, "2 and 3.",
         usage={"prompt_tokens": 12, "completion_tokens": 5})
c, _, v = charge("gpt-4o-mini", "10:20:00", prompt=12, completion=5)
r["billed"] = {"prompt_tokens": 12, "completion_tokens": 5, "pricing_version": v}
add(r, debit_amounts=[c, c], billed_amount=c)

# 11. missing_charge — billed in the log but no debit reached the ledger.
m = [{"role": "user", "content": "Write a haiku about invoices."}]
r = chat("req-0011", "11:11:11", "initech", "gpt-4o", m, "Numbers in a row / each token counted with care / the ledger is calm",
         usage={"prompt_tokens": 14, "completion_tokens": 19})
c, _, v = charge("gpt-4o", "11:11:11", prompt=14, completion=19)
r["billed"] = {"prompt_tokens": 14, "completion_tokens": 19, "amount": str(c), "pricing_version": v}
add(r, debit_amounts=[])

# 12. unpriced_model — a model the catalog does not price.
r = chat("req-0012", "14:00:00", "acme-corp", "claude-3-5-sonnet", [{"role": "user", "content": "Hi"}], "Hello!",
         usage={"prompt_tokens": 9, "completion_tokens": 3})
add(r, billed_amount=120)

# 13. stream as chunk objects, with a tool call and usage in the last chunk (gpt-4o-mini).
tools = [{"type": "function", "function": {"name": "get_balance", "description": "Get an account's balance",
          "parameters": {"type": "object", "properties": {"account": {"type": "string", "description": "Account id"}},
                         "required": ["account"]}}}]
chunks = [
    {"id": "c13", "object": "chat.completion.chunk", "choices": [{"index": 0, "delta": {"role": "assistant", "content": None,
        "tool_calls": [{"index": 0, "id": "call_1", "type": "function", "function": {"name": "get_balance", "arguments": ""}}]}}]},
    {"id": "c13", "object": "chat.completion.chunk", "choices": [{"index": 0, "delta": {"tool_calls": [{"index": 0, "function": {"arguments": "{\"account\":"}}]}}]},
    {"id": "c13", "object": "chat.completion.chunk", "choices": [{"index": 0, "delta": {"tool_calls": [{"index": 0, "function": {"arguments": "\"acme-corp\"}"}}]}}]},
    {"id": "c13", "object": "chat.completion.chunk", "choices": [{"index": 0, "delta": {}, "finish_reason": "tool_calls"}]},
    {"id": "c13", "object": "chat.completion.chunk", "choices": [], "usage": {"prompt_tokens": 62, "completion_tokens": 18}},
]
r = {"id": "req-0013", "time": day("14:30:00"), "account": "acme-corp", "model": "gpt-4o-mini", "stream": True,
     "request": {"model": "gpt-4o-mini", "stream": True, "tools": tools,
                 "messages": [{"role": "user", "content": "What's the balance of acme-corp?", "name": "ops_bot"}]},
     "response": chunks}
c, _, v = charge("gpt-4o-mini", "14:30:00", prompt=62, completion=18)
r["billed"] = {"prompt_tokens": 62, "completion_tokens": 18, "pricing_version": v}
add(r, billed_amount=c)

# 14. stream as raw SSE lines, no usage: the recount decides; Chinese deltas, CRLF line ends.
m = [{"role": "system", "content": "你是一名客服。"}, {"role": "user", "content": "我的账单为什么多扣了积分？"}]
parts = ["您好，", "我们会核对", "您的用量并补偿差额。"]
sse = [f"data: {json.dumps({'id': 'c14', 'object': 'chat.completion.chunk', 'choices': [{'index': 0, 'delta': {'content': p}}]}, ensure_ascii=False)}\r\n"
       for p in parts] + ["data: [DONE]\r\n"]
pt, ct = chat_prompt_tokens("gpt-3.5-turbo", m), tokens("gpt-3.5-turbo", "".join(parts))
r = {"id": "req-0014", "time": day("15:45:30"), "account": "张三工作室", "model": "gpt-3.5-turbo", "stream": True,
     "key": "sk-zhang-9f8e7d6c5b4a3210", "request": {"model": "gpt-3.5-turbo", "stream": True, "messages": m}, "response": sse}
c, _, v = charge("gpt-3.5-turbo", "15:45:30", prompt=pt, completion=ct)
r["billed"] = {"prompt_tokens": pt, "completion_tokens": ct, "pricing_version": v}
add(r, billed_amount=c)

# 15. embeddings (cl100k), input array, usage; vip group ×0.8 — minimum charge applies.
inp = ["refund policy", "退款政策", "billing dispute"]
r = {"id": "req-0015", "time": day("16:00:00"), "account": "globex", "group": "vip", "model": "text-embedding-3-small",
     "endpoint": "embeddings", "request": {"model": "text-embedding-3-small", "input": inp},
     "response": {"object": "list", "data": [], "usage": {"prompt_tokens": sum(tokens('text-embedding-3-small', s) for s in inp), "total_tokens": 0}}}
pt = sum(tokens("text-embedding-3-small", s) for s in inp)
c, _, v = charge("text-embedding-3-small", "16:00:00", group="vip", prompt=pt)
r["billed"] = {"prompt_tokens": pt, "completion_tokens": 0, "pricing_version": v}
add(r, billed_amount=c)

# 16. legacy completions on p50k (text-davinci-003): recount only.
prompt = "Write a tagline for a relay platform:"
text = " Every token, accounted for."
r = {"id": "req-0016", "time": day("16:30:00"), "account": "initech", "model": "text-davinci-003", "endpoint": "completions",
     "request": {"model": "text-davinci-003", "prompt": prompt, "max_tokens": 16},
     "response": {"object": "text_completion", "choices": [{"index": 0, "text": text}]}}
pt, ct = tokens("text-davinci-003", prompt), tokens("text-davinci-003", text)
c, _, v = charge("text-davinci-003", "16:30:00", prompt=pt, completion=ct)
r["billed"] = {"prompt_tokens": pt, "completion_tokens": ct, "pricing_version": v}
add(r, billed_amount=c)

# 17. legacy completions on r50k (davinci), streamed as a plain string response; billed 1 completion token short.
prompt = "def add(a, b):\n    "
text = "return a + b\n"
r = {"id": "req-0017", "time": day("17:00:00"), "account": "initech", "model": "davinci", "endpoint": "completions",
     "request": {"model": "davinci", "prompt": prompt}, "response": text}
pt, ct = tokens("davinci", prompt), tokens("davinci", text)
c, _, v = charge("davinci", "17:00:00", prompt=pt, completion=ct - 1)
r["billed"] = {"prompt_tokens": pt, "completion_tokens": ct - 1, "pricing_version": v}
add(r, billed_amount=c)

# 18. dall-e-3, hd 1024x1024, n=2.
r = {"id": "req-0018", "time": day("18:00:00"), "account": "acme-corp", "model": "dall-e-3", "endpoint": "images.generations",
     "request": {"model": "dall-e-3", "prompt": "a ledger drawn as a mountain range", "n": 2, "size": "1024x1024", "quality": "hd"}}
add(r, billed_amount=charge("dall-e-3", "18:00:00", images=2, size="1024x1024", quality="hd")[0])

# 19. whisper-1: 95.5 seconds, exact fractional minutes.
r = {"id": "req-0019", "time": day("18:30:00"), "account": "globex", "model": "whisper-1", "endpoint": "audio.transcriptions",
     "usage": {"seconds": 95.5}}
add(r, billed_amount=charge("whisper-1", "18:30:00", seconds="95.5")[0])

# 20. tts-1: Unicode scalars of the input.
speech = "您的账单已核对完毕。Your bill has been checked."
r = {"id": "req-0020", "time": day("19:00:00"), "account": "张三工作室", "model": "tts-1", "endpoint": "audio.speech",
     "request": {"model": "tts-1", "input": speech, "voice": "alloy"}}
add(r, billed_amount=charge("tts-1", "19:00:00", characters=len(speech))[0])

# 21. midjourney, priced in CNY per image.
r = {"id": "req-0021", "time": day("19:30:00"), "account": "张三工作室", "model": "midjourney", "endpoint": "images.generations",
     "request": {"prompt": "水墨风格的账本", "n": 4}}
add(r, billed_amount=charge("midjourney", "19:30:00", images=4)[0])

# 22. an unlisted group (multiplier 1, a warning) with a hostile account name and key.
m = [{"role": "user", "content": "<script>alert('x')</script> what is 2+2?"}]
r = chat("req-0022", "20:00:00", "=HYPERLINK(\"http://evil.example\",\"click\")", "gpt-4o", m, "4",
         usage={"prompt_tokens": 20, "completion_tokens": 1}, key="sk-live-<script>\"onerror=1234", group="enterprise")
c, _, v = charge("gpt-4o", "20:00:00", prompt=20, completion=1)
r["billed"] = {"prompt_tokens": 20, "completion_tokens": 1, "pricing_version": v}
add(r, billed_amount=c)

# 23. a one-api / new-api `logs` row in the same file (created_at − use_time = start).
r = {"id": 90210, "created_at": 1709290805, "use_time": 5, "type": 2, "user_id": 42, "username": "legacy-oneapi-user",
     "token_name": "default", "model_name": "gpt-3.5-turbo", "quota": 0, "prompt_tokens": 500, "completion_tokens": 120,
     "is_stream": False, "group": "default", "request_id": "oneapi-7f3a", "other": "{\"model_ratio\":0.75}"}
c, _, _ = charge("gpt-3.5-turbo", "18:59:59", prompt=500, completion=120)  # 1709290800 = 2024-03-01T19:00:00+08:00
r["quota"] = c
records.append(r)
debits.append({"debit_id": "d-oneapi-7f3a-1", "request_id": "oneapi-7f3a", "account": "legacy-oneapi-user",
               "time": "2024-03-01T19:00:00+08:00", "amount": str(c)})

# 24. an overcharge with cached prompt tokens: the platform charged cached tokens at the full price.
m = [EN_SYS, {"role": "user", "content": "Repeat the refund policy from the previous answer."}]
r = chat("req-0024", "21:00:00", "acme-corp", "gpt-4o", m, "Refunds are issued within 14 days.",
         usage={"prompt_tokens": 4000, "completion_tokens": 40, "prompt_tokens_details": {"cached_tokens": 3072}})
c_full, _, v = charge("gpt-4o", "21:00:00", prompt=4000, completion=40)
r["billed"] = {"prompt_tokens": 4000, "completion_tokens": 40, "pricing_version": v}
add(r, billed_amount=c_full)

# Orphan debit: a debit whose request is nowhere in the logs.
debits.append({"debit_id": "d-ghost-1", "request_id": "req-9999", "account": "initech",
               "time": "2024-03-01T22:00:00+08:00", "amount": "1500"})

# ---------------------------------------------------------------- write
MALFORMED = [
    '{"id": "req-bad-1", "time": "2024-03-01T09:00:00+08:00", "account": "acme-corp", "model": "gpt-4o", "billed": {"amount": "12"}',
    '{"id": 7, "time": "2024-03-01T09:00:00+08:00", "account": "acme-corp", "model": "gpt-4o"}',
    '{"id": "req-bad-3", "time": "yesterday", "account": "acme-corp", "model": "gpt-4o"}',
    '{"id": "req-bad-4", "time": "2024-03-01T09:00:00+08:00", "account": "acme-corp", "model": "gpt-4o", "billed": {"amount": "-5"}}',
]

def line(obj):
    return json.dumps(obj, ensure_ascii=False, separators=(",", ":"))

morning = [r for r in records if "time" in r and isinstance(r["time"], str) and r["time"] < day("12:00:00")]
afternoon = [r for r in records if r not in morning]
OUT.mkdir(exist_ok=True)
with open(OUT / "2024-03-01.am.jsonl", "w", encoding="utf-8", newline="\n") as f:
    for r in morning:
        f.write(line(r) + "\n")
    f.write(MALFORMED[0] + "\n")
    f.write(MALFORMED[1] + "\n")
    f.write("\n")
with open(OUT / "2024-03-01.pm.jsonl", "w", encoding="utf-8", newline="\n") as f:
    for r in afternoon:
        f.write(line(r) + "\n")
    f.write(MALFORMED[2] + "\n")
    f.write(MALFORMED[3] + "\n")
    f.write(line(morning[0]) + "\n")  # the same request id again: rejected as a duplicate
with open(OUT / "debits.jsonl", "w", encoding="utf-8", newline="\n") as f:
    for d in debits:
        f.write(line(d) + "\n")
    f.write('{"debit_id": "d-broken", "request_id": "req-0001", "account": "acme-corp", "amount": "ten"}\n')
with open(OUT / "pricing.json", "w", encoding="utf-8", newline="\n") as f:
    f.write(json.dumps(CATALOG, ensure_ascii=False, indent=2) + "\n")
# ---------------------------------------------------------------- billing schemes, one folder each
def scheme(folder, catalog, rows):
    d = OUT / "schemes" / folder
    d.mkdir(parents=True, exist_ok=True)
    with open(d / "pricing.json", "w", encoding="utf-8", newline="\n") as f:
        f.write(json.dumps(catalog, ensure_ascii=False, indent=2) + "\n")
    with open(d / "requests.jsonl", "w", encoding="utf-8", newline="\n") as f:
        for row in rows:
            f.write(line(row) + "\n")

def one_version(unit, models, rounding="ceil", rates=None):
    return {"schema": "recount.pricing/1", "unit": unit, "versions": [{
        "id": "list", "effective_from": "2024-01-01T00:00:00+08:00", "exchange_rates": rates or {},
        "rounding": rounding, "charge_failed_requests": False, "groups": {"default": "1"}, "models": models}]}

# Points site: 1 CNY = 10,000 points at 7.1 CNY/USD; gpt-3.5-turbo at ×1/3.05, GPT-4-8K at list.
pts = one_version({"name": "points", "currency": "CNY", "per_currency": "10000", "scale": 0},
                  {"gpt-3.5-turbo*": CATALOG["versions"][0]["models"]["gpt-3.5-turbo*"],
                   "gpt-4": CATALOG["versions"][0]["models"]["gpt-4"]}, rates={"USD": "7.1"})
# GPT-4-8K, 1,000 prompt tokens: 0.03 × 7.1 × 10,000 = 2,130 points (the page's table says 2,310).
assert F("0.03") * USD * PER_CNY == 2130
scheme("points-site", pts, [
    {"id": "pts-1", "time": day("10:00:00"), "account": "hk-user", "model": "gpt-4", "usage": {"prompt_tokens": 1000, "completion_tokens": 0}, "billed": {"amount": "2130"}},
    {"id": "pts-2", "time": day("10:05:00"), "account": "hk-user", "model": "gpt-4", "usage": {"prompt_tokens": 1000, "completion_tokens": 0}, "billed": {"amount": "2310"}},
    # gpt-3.5-turbo: 1,000 + 1,000 tokens × $0.002/1K × 7.1 × 10,000 / 3.05 = 284000/3.05 = 93.11… → ceil 94.
    {"id": "pts-3", "time": day("10:10:00"), "account": "hk-user", "model": "gpt-3.5-turbo", "usage": {"prompt_tokens": 1000, "completion_tokens": 1000}, "billed": {"amount": "94"}},
])
assert ceil(F(2000) * F("0.002") / 1000 * USD * PER_CNY / F("3.05")) == 94

# A platform at 50% of list, billing in USD to the cent fraction (scale 6): GPT-4 Turbo $0.01/$0.02 per 1K.
half = one_version({"name": "USD", "currency": "USD", "per_currency": "1", "scale": 6},
                   {"gpt-4-1106-preview": {"input_per_1k": "0.01", "output_per_1k": "0.02", "multiplier": "0.5"},
                    "gpt-3.5-turbo*": {"input_per_1k": "0.0005", "output_per_1k": "0.0015", "multiplier": "0.5"}}, rounding="half_even")
# 1,200 × 0.01/1K × 0.5 + 800 × 0.02/1K × 0.5 = 0.006 + 0.008 = 0.014 USD.
assert (F(1200) * F("0.01") / 1000 + F(800) * F("0.02") / 1000) * F("0.5") == F("0.014")
scheme("half-price-usd", half, [
    {"id": "half-1", "time": day("11:00:00"), "account": "dev@example.com", "model": "gpt-4-1106-preview", "usage": {"prompt_tokens": 1200, "completion_tokens": 800}, "billed": {"amount": "0.014"}},
    {"id": "half-2", "time": day("11:01:00"), "account": "dev@example.com", "model": "gpt-4-1106-preview", "usage": {"prompt_tokens": 1200, "completion_tokens": 800}, "billed": {"amount": "0.028"}},
])

# one-api quota: 500,000 quota = $1; ratio 1 = $0.002 / 1K input tokens.
quota = one_version({"name": "quota", "currency": "USD", "per_currency": "500000", "scale": 0},
                    {"gpt-3.5-turbo*": {"model_ratio": "0.75", "completion_ratio": "4/3"},
                     "gpt-4": {"model_ratio": "15", "completion_ratio": "2"}})
# gpt-3.5-turbo: 1,000 × 0.75 × 0.002/1K × 500,000 = 750; completion 300 × 750/1000 × 4/3 = 300 → 1,050.
assert F(1000) * F("0.75") * F("0.002") / 1000 * 500000 + F(300) * F("0.75") * F("0.002") / 1000 * F(4, 3) * 500000 == 1050
scheme("one-api-quota", quota, [
    {"id": 1, "created_at": 1709262005, "use_time": 5, "type": 2, "user_id": 7, "username": "alice", "token_name": "web",
     "model_name": "gpt-3.5-turbo", "quota": 1050, "prompt_tokens": 1000, "completion_tokens": 300, "is_stream": True, "group": "default", "request_id": "oa-1"},
    {"id": 2, "created_at": 1709262065, "use_time": 2, "type": 2, "user_id": 8, "username": "", "token_name": "cli",
     "model_name": "gpt-4", "quota": 9000, "prompt_tokens": 100, "completion_tokens": 100, "is_stream": False, "group": "default", "request_id": "oa-2"},
    {"id": 3, "created_at": 1709262125, "use_time": 1, "type": 5, "user_id": 7, "username": "alice", "token_name": "web",
     "model_name": "gpt-4", "quota": 600, "prompt_tokens": 20, "completion_tokens": 0, "is_stream": False, "group": "default", "request_id": "oa-3"},
])
# gpt-4 row: 100 × 15 × 0.002/1K × 500,000 = 1,500 + 100 × ... × 2 = 3,000 → 4,500 (the row says 9,000: overcharge).
assert F(100) * 15 * F("0.002") / 1000 * 500000 * 3 == 4500

print(f"wrote {len(records)} records, {len(debits)} debits to {OUT}", file=sys.stderr)
