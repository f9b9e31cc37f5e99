import Foundation

/// Valid inputs the mutators start from: the sample logs, ledgers and catalogs, plus a few
/// hand-made shapes (SSE arrays, one-api rows, CSV ledgers) the samples lack.
enum FuzzSeeds {
    static func seeds(for target: String) -> [[UInt8]] {
        let root = RecountFuzzTargets.repositoryRoot
        func file(_ path: String) -> [UInt8] {
            FileManager.default.contents(atPath: root + "/" + path).map(Array.init) ?? []
        }
        func lines(_ path: String) -> [[UInt8]] { file(path).split(separator: 0x0A).map(Array.init) }
        switch target {
        case "record":
            return lines("SampleLogs/2024-03-01.am.jsonl") + lines("SampleLogs/2024-03-01.pm.jsonl")
                + lines("SampleLogs/schemes/one-api-quota/requests.jsonl")
                + lines("SampleLogs/schemes/points-site/requests.jsonl")
                + extraRecords.map { Array($0.utf8) }
        case "stream":
            return sse.map { Array($0.utf8) }
        case "catalog":
            return [
                "SampleLogs/pricing.json", "SampleLogs/schemes/one-api-quota/pricing.json",
                "SampleLogs/schemes/points-site/pricing.json",
                "SampleLogs/schemes/half-price-usd/pricing.json", "Tests/Fixtures/pricing/points-site.json",
            ].map(file)
        case "ledger":
            return [file("SampleLogs/debits.jsonl")] + lines("SampleLogs/debits.jsonl")
                + csvLedgers.map { Array($0.utf8) }
        default:
            return []
        }
    }

    static let extraRecords = [
        #"{"id":"s1","time":1709251200123,"account":"a","model":"gpt-4o","stream":true,"request":{"messages":[{"role":"user","content":"hi"}]},"response":["data: {\"choices\":[{\"index\":0,\"delta\":{\"content\":\"Hel\"}}]}","data: {\"choices\":[{\"index\":0,\"delta\":{\"content\":\"lo\"}}],\"usage\":{\"prompt_tokens\":8,\"completion_tokens\":2}}","data: [DONE]"],"billed":{"amount":"3"}}"#,
        #"{"id":"s2","time":"2024-03-01T08:00:00+08:00","account":"a","model":"gpt-4","response":[{"choices":[{"delta":{"tool_calls":[{"index":0,"function":{"name":"f","arguments":"{\"a\""}}]}}]},{"choices":[{"delta":{"tool_calls":[{"index":0,"function":{"arguments":":1}"}}]}}]}],"usage":{"prompt_tokens":"12","completion_tokens":3,"prompt_tokens_details":{"cached_tokens":4}},"billed":{"amount":5.5}}"#,
        #"{"id":"e1","time":"2024-03-01T08:00:00Z","account":"a","model":"text-embedding-3-small","endpoint":"embeddings","request":{"input":["a","b"]},"billed":{"amount":"1"}}"#,
        #"{"id":"i1","time":"2024-03-01T08:00:00Z","account":"a","model":"dall-e-3","endpoint":"images.generations","request":{"n":2,"size":"1024x1024","quality":"hd"},"status":"200"}"#,
        #"{"id":"t1","time":"2024-03-01T08:00:00Z","account":"a","model":"whisper-1","endpoint":"audio.transcriptions","usage":{"seconds":"61.5"}}"#,
        #"{"id":"t2","time":"2024-03-01T08:00:00Z","account":"a","model":"tts-1","endpoint":"audio.speech","request":{"input":"héllo"},"key":"sk-proj-abcdefghijkl0000","group":"vip"}"#,
        #"{"id":17,"request_id":"","created_at":1709251200,"use_time":3,"username":"","user_id":"42","type":2,"model_name":"gpt-4","quota":"150","prompt_tokens":10,"completion_tokens":"2","token_name":"sk-abcdefghijklmnop","is_stream":1}"#,
        #"{"id":"c1","time":"2024-03-01T08:00:00Z","account":"a","model":"gpt-3.5-turbo-instruct","endpoint":"completions","request":{"prompt":"Say this is a test"},"response":{"choices":[{"text":"This is a test"}],"usage":{"prompt_tokens":5,"completion_tokens":5}}}"#,
    ]

    static let sse = [
        "data: {\"choices\":[{\"index\":0,\"delta\":{\"content\":\"a\"}}]}\u{1E}data: [DONE]",
        "event: message\r\ndata: {\"choices\":[{\"delta\":{\"content\":\"x\u{2028}y\"}}]}\r\n\r\ndata: {\"usage\":{\"prompt_tokens\":3}}\n",
        "data:{\"choices\":[{\"index\":1,\"text\":\"t\"},{\"index\":0,\"delta\":{\"function_call\":{\"name\":\"f\",\"arguments\":\"{}\"}}}]}\rdata: [DONE]\r",
        #"[{"choices":[{"delta":{"content":"he"}}]},{"choices":[{"delta":{"content":"y"}}],"usage":{"prompt_tokens":1,"completion_tokens":2}}]"#,
        #"{"choices":[{"index":0,"message":{"content":[{"type":"text","text":"a"}],"tool_calls":[{"function":{"name":"n","arguments":"x"}}]}}],"usage":{"prompt_tokens":1}}"#,
        #"["data: {\"choices\":[{\"delta\":{\"content\":\"q\"}}]}", {"choices":[{"index":2,"delta":{}}]}, 7, null]"#,
    ]

    static let csvLedgers = [
        "debit_id,request_id,account,time,amount,pricing_version\r\nd1,req-1,acme,2024-03-01T08:00:00+08:00,12.5,v1\r\nd2,req-2,\"张三, 工作室\",,\"3\",\r\n",
        "\u{FEFF}\"debit_id\",\"request_id\",\"account\",\"amount\"\n\"d\"\"1\",r,\"multi\nline\",1e2\nd2,r2,a,-1\nd3,r3,a\n",
        "amount,account,request_id,debit_id\n0,a,r,d\n =1+1,a,r,d2\n",
    ]
}
