#!/usr/bin/env python3
"""Independent expected charges for Recount's reconcile tests.

Token counts come from tiktoken 0.14.0 (pip install tiktoken==0.14.0) with the vocabularies
loaded offline from Sources/CVocabulary/vocab (via /work/shared/oracle/tiktoken_oracle.py's
cache trick: TIKTOKEN_CACHE_DIR holding each file under sha1(blob url)). Chat prompts follow
the OpenAI cookbook num_tokens_from_messages rule (3 per message, 1 per name, 3 priming).
Money is exact: fractions.Fraction, rounded once with the version's mode.

Prints one line per case; paste the figures into the tests as literals, naming this script.
"""
import hashlib, math, os, shutil, sys, tempfile
from fractions import Fraction
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
URL = "https://openaipublic.blob.core.windows.net/encodings/{}.tiktoken"
cache = tempfile.mkdtemp()
for name in ["cl100k_base", "o200k_base"]:
    shutil.copy(ROOT / "Sources/CVocabulary/vocab" / f"{name}.tiktoken",
                Path(cache) / hashlib.sha1(URL.format(name).encode()).hexdigest())
os.environ["TIKTOKEN_CACHE_DIR"] = cache
import tiktoken  # noqa: E402

def chat_prompt(enc, messages):
    n = 3
    for m in messages:
        n += 3
        for k, v in m.items():
            n += len(enc.encode_ordinary(v))
            if k == "name":
                n += 1
    return n

def ceil(x): return math.ceil(x)

# The test catalog (Tests/RecountKitTests/ReconcileSupportTests.swift): 1000 points per USD;
# gpt-4 $0.03 / $0.06 per 1K tokens under v1 (ceil).
CASES = [
    ("recount-chat", "gpt-4",
     [{"role": "system", "content": "You are terse."},
      {"role": "user", "name": "ann", "content": "Count the words: 一二三 <|endoftext|> naïve café 🎉" * 20}],
     ["Forty" + "\u2028" + " words, more or less. " * 30]),
]

for case_id, model, messages, completions in CASES:
    enc = tiktoken.encoding_for_model(model)
    prompt = chat_prompt(enc, messages)
    completion = sum(len(enc.encode_ordinary(t)) for t in completions)
    amount = (prompt * Fraction("0.03") + completion * Fraction("0.06")) / 1000 * 1000
    print(f"{case_id}: encoding={enc.name} prompt={prompt} completion={completion} amount={amount} ({float(amount)}) ceil={ceil(amount)}")
