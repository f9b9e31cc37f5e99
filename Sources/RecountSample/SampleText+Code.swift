import RecountKit

/// Code fragments (Python, Swift, JavaScript, SQL, Go, shell): coding questions are a large
/// share of relay traffic, and code tokenizes very differently from prose (indentation runs,
/// punctuation, identifiers), so the counter's speed on a sample depends on having it.
extension SampleText {
    /// `(language, snippet)`; the composer wraps them in Markdown fences.
    static let codeSnippets: [(String, String)] = [
        (
            "python",
            #"""
            def parse_amount(text: str) -> Fraction:
                """Reads a decimal or a fraction such as '1/3.05' exactly."""
                if "/" in text:
                    numerator, denominator = text.split("/")
                    return Fraction(numerator) / Fraction(denominator)
                return Fraction(text)
            """#
        ),
        (
            "python",
            #"""
            import json
            from collections import Counter

            def count_models(path):
                models = Counter()
                with open(path, encoding="utf-8") as f:
                    for line in f:
                        try:
                            record = json.loads(line)
                        except json.JSONDecodeError:
                            continue
                        models[record.get("model", "?")] += 1
                return models.most_common(10)
            """#
        ),
        (
            "python",
            #"""
            class RateLimiter:
                def __init__(self, rate: int, per: float = 60.0):
                    self.rate, self.per = rate, per
                    self.allowance = rate
                    self.last = time.monotonic()

                def allow(self) -> bool:
                    now = time.monotonic()
                    self.allowance = min(self.rate, self.allowance + (now - self.last) * self.rate / self.per)
                    self.last = now
                    if self.allowance < 1:
                        return False
                    self.allowance -= 1
                    return True
            """#
        ),
        (
            "python",
            #"""
            df = pd.read_csv("usage.csv", parse_dates=["time"])
            daily = df.groupby([df.time.dt.date, "model"])["amount"].sum().unstack(fill_value=0)
            print(daily.tail(7).to_markdown())
            """#
        ),
        (
            "swift",
            #"""
            struct Invoice: Codable, Sendable {
                let id: String
                let lines: [Line]
                var total: Decimal { lines.reduce(0) { $0 + $1.amount } }

                struct Line: Codable, Sendable {
                    let description: String
                    let amount: Decimal
                }
            }
            """#
        ),
        (
            "swift",
            #"""
            func retry<T>(attempts: Int = 3, _ body: () async throws -> T) async throws -> T {
                var lastError: Error?
                for attempt in 1...attempts {
                    do { return try await body() } catch {
                        lastError = error
                        try await Task.sleep(for: .milliseconds(200 * attempt))
                    }
                }
                throw lastError!
            }
            """#
        ),
        (
            "swift",
            #"""
            let counts = Dictionary(grouping: records, by: \.account)
                .mapValues { $0.reduce(0) { $0 + $1.promptTokens + $1.completionTokens } }
            for (account, tokens) in counts.sorted(by: { $0.value > $1.value }).prefix(10) {
                print("\(account)\t\(tokens)")
            }
            """#
        ),
        (
            "javascript",
            #"""
            async function* streamCompletion(body) {
              const res = await fetch("/v1/chat/completions", {
                method: "POST",
                headers: { "Content-Type": "application/json", Authorization: `Bearer ${KEY}` },
                body: JSON.stringify({ ...body, stream: true }),
              });
              const reader = res.body.getReader();
              const decoder = new TextDecoder();
              let buffer = "";
              for (;;) {
                const { value, done } = await reader.read();
                if (done) break;
                buffer += decoder.decode(value, { stream: true });
                const lines = buffer.split("\n");
                buffer = lines.pop();
                for (const line of lines) if (line.startsWith("data: ") && line !== "data: [DONE]") yield JSON.parse(line.slice(6));
              }
            }
            """#
        ),
        (
            "javascript",
            #"""
            export const formatPoints = (n) =>
              new Intl.NumberFormat("zh-CN", { maximumFractionDigits: 0 }).format(n) + " 积分";
            """#
        ),
        (
            "typescript",
            #"""
            interface Debit { debitId: string; requestId: string; account: string; amount: string; pricingVersion?: string }

            export function duplicates(debits: Debit[]): Map<string, Debit[]> {
              const byRequest = new Map<string, Debit[]>();
              for (const d of debits) byRequest.set(d.requestId, [...(byRequest.get(d.requestId) ?? []), d]);
              return new Map([...byRequest].filter(([, list]) => list.length > 1));
            }
            """#
        ),
        (
            "sql",
            #"""
            SELECT account, model, COUNT(*) AS requests, SUM(quota) AS spent
            FROM logs
            WHERE created_at >= UNIX_TIMESTAMP('2024-03-01 00:00:00') AND type = 2
            GROUP BY account, model
            HAVING SUM(quota) > 500000
            ORDER BY spent DESC
            LIMIT 20;
            """#
        ),
        (
            "sql",
            #"""
            UPDATE tokens SET remain_quota = remain_quota + 1050, used_quota = used_quota - 1050
            WHERE id = 42 AND user_id = 7;
            """#
        ),
        (
            "go",
            #"""
            func (s *Server) handleChat(w http.ResponseWriter, r *http.Request) {
                ctx, cancel := context.WithTimeout(r.Context(), 60*time.Second)
                defer cancel()
                var req ChatRequest
                if err := json.NewDecoder(r.Body).Decode(&req); err != nil {
                    http.Error(w, "invalid JSON: "+err.Error(), http.StatusBadRequest)
                    return
                }
                resp, err := s.upstream.Complete(ctx, req)
                if err != nil {
                    s.log.Warn("upstream failed", "model", req.Model, "err", err)
                    http.Error(w, err.Error(), http.StatusBadGateway)
                    return
                }
                _ = json.NewEncoder(w).Encode(resp)
            }
            """#
        ),
        (
            "bash",
            #"""
            #!/usr/bin/env bash
            set -euo pipefail
            d=$(date -d yesterday +%F)
            recount reconcile "/var/log/relay/$d" --out "/srv/reports/$d" --as-of "$(date +%FT%T+08:00)"
            test $? -le 1 && cat "/srv/reports/$d/credits.jsonl" >> /srv/issued.jsonl
            """#
        ),
        (
            "rust",
            #"""
            fn checksum(bytes: &[u8]) -> u64 {
                let mut hash: u64 = 0xcbf29ce484222325;
                for b in bytes {
                    hash ^= *b as u64;
                    hash = hash.wrapping_mul(0x100000001b3);
                }
                hash
            }
            """#
        ),
        (
            "yaml",
            #"""
            services:
              relay:
                image: ghcr.io/example/new-api:latest
                ports: ["3000:3000"]
                environment:
                  - SQL_DSN=root:secret@tcp(db:3306)/oneapi
                  - TZ=Asia/Shanghai
                restart: unless-stopped
            """#
        ),
    ]

    /// Error output users paste into prompts.
    static let stackTraces: [String] = [
        #"""
        Traceback (most recent call last):
          File "/app/worker.py", line 88, in run
            total += Decimal(row["amount"])
        decimal.InvalidOperation: [<class 'decimal.ConversionSyntax'>]
        """#,
        #"""
        panic: runtime error: index out of range [3] with length 3

        goroutine 17 [running]:
        main.(*Ledger).Apply(0xc000112000, {0xc0001a4000, 0x3, 0x4})
        	/src/ledger.go:142 +0x1d4
        """#,
        #"""
        Fatal error: Unexpectedly found nil while unwrapping an Optional value
        Current stack trace:
        0    libswiftCore.so  0x00007f3a2c1e4b10 swift_reportError + 50
        1    App              0x000055d1e2a3c0f4 $s3App7InvoiceV5totalSdvg + 212
        """#,
        #"""
        TypeError: Cannot read properties of undefined (reading 'usage')
            at handleChunk (/srv/gateway/stream.js:57:31)
            at Array.forEach (<anonymous>)
        """#,
    ]
}
