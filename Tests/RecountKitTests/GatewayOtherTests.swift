import Testing
import TokenCounter

@testable import RecountKit

/// `other` as new-api writes it (`service/log_info_generate.go`), and every malformed shape.
@Suite struct GatewayOtherTests {
    func parse(_ text: String) throws(FieldError) -> GatewayOther? { try GatewayOther.parse(.string(text)) }

    func failure(_ value: JSONValue) -> FieldError? {
        do { _ = try GatewayOther.parse(value); return nil } catch { return error }
    }

    @Test func readsATextRowAsTheGatewayWritesIt() throws {
        let other = try #require(
            try parse(
                """
                {"admin_info":{"use_channel":["3"],"local_count_tokens":true,"usage_billing_path":"local"},
                 "cache_ratio":0.5,"cache_tokens":400,"completion_ratio":4,"frt":812,"group_ratio":1,
                 "model_price":-1,"model_ratio":1.25,"user_group_ratio":-1,"request_path":"/v1/chat/completions",
                 "stream_status":{"status":"error","end_reason":"client_gone","end_error":"context canceled"}}
                """))
        #expect(other.modelRatio == (try Rational(parsing: "1.25")))
        #expect(other.completionRatio == Rational(4))
        #expect(other.cacheTokens == 400)
        #expect(other.cacheRatio == (try Rational(parsing: "0.5")))
        #expect(other.modelPrice == Rational(-1))
        #expect(other.usesModelPrice == false)
        #expect(other.userGroupRatio == Rational(-1))
        #expect(other.firstResponseMilliseconds == Rational(812))
        #expect(other.localCountTokens == true)
        #expect(other.usageBillingPath == "local")
        #expect(other.streamStatus?.endReason == "client_gone")
        #expect(other.streamStatus?.status == "error")
        #expect(other.isAnthropicUsage == false)
    }

    @Test func ratiosAreTheGatewaysFloat64Decimals() throws {
        // 0.1000000000000000055511151231257827 is the exact binary value of the float64 0.1;
        // the gateway's decimal.NewFromFloat gives 0.1, so must Recount.
        let other = try #require(try parse(#"{"model_ratio":0.1000000000000000055511151231257827,"cache_ratio":1e-1}"#))
        #expect(other.modelRatio == (try Rational(parsing: "0.1")))
        #expect(other.cacheRatio == (try Rational(parsing: "0.1")))
    }

    @Test func emptyAndAbsentMeanNoOther() throws {
        #expect(try GatewayOther.parse(nil) == nil)
        #expect(try GatewayOther.parse(.null) == nil)
        #expect(try parse("") == nil)
        #expect(try parse("  ") == nil)
    }

    @Test func anAlreadyParsedObjectIsRead() throws {
        let value = try JSONParser.parse(#"{"other": {"model_ratio": 2, "group_ratio": 1}}"#)
        let other = try #require(try GatewayOther.parse(value["other"]))
        #expect(other.modelRatio == Rational(2))
    }

    @Test(arguments: [
        ("not json", "other", "not JSON"),
        ("[1,2]", "other", "expected a JSON object, found array"),
        ("\"text\"", "other", "expected a JSON object, found string"),
        (#"{"cache_tokens":"400"}"#, "other.cache_tokens", "expected an integer, found string"),
        (#"{"cache_tokens":1.5}"#, "other.cache_tokens", "expected an integer, found 1.5"),
        (#"{"cache_tokens":-3}"#, "other.cache_tokens", "must not be negative (-3)"),
        (#"{"model_ratio":"1.25"}"#, "other.model_ratio", "expected a number, found string"),
        (#"{"group_ratio":true}"#, "other.group_ratio", "expected a number, found boolean"),
        (#"{"usage_semantic":1}"#, "other.usage_semantic", "expected a string, found number"),
        (#"{"claude":"yes"}"#, "other.claude", "expected true or false, found string"),
        (#"{"stream_status":"done"}"#, "other.stream_status", "expected an object, found string"),
        (#"{"stream_status":{"end_reason":7}}"#, "other.stream_status.end_reason", "expected a string, found number"),
        (#"{"admin_info":[]}"#, "other.admin_info", "expected an object, found array"),
        (
            #"{"admin_info":{"local_count_tokens":"true"}}"#, "other.admin_info.local_count_tokens",
            "expected true or false, found string"
        ),
        (#"{"tool_surcharges":{}}"#, "other.tool_surcharges", "expected an array, found object"),
        (
            #"{"tool_surcharges":[{"name":"web_search","count":-1,"price":10}]}"#, "other.tool_surcharges[0].count",
            "must not be negative (-1)"
        ),
        (
            #"{"tool_surcharges":[{"name":"web_search","count":1}]}"#, "other.tool_surcharges[0].price",
            "required field is missing"
        ),
        (#"{"image_output":"1000"}"#, "other.image_output", "expected an integer, found string"),
        (#"{"task_id":12}"#, "other.task_id", "expected a string, found number"),
    ])
    func malformedShapesNameTheKey(text: String, field: String, reason: String) throws {
        let error = try #require(failure(.string(text)))
        #expect(error.field == field)
        #expect(error.reason.hasPrefix(reason), "\(error.reason)")
    }

    @Test func otherOfAWrongJSONTypeNamesOther() throws {
        let error = try #require(failure(.number("12")))
        #expect(error.field == "other")
        #expect(error.reason == "expected a JSON string holding an object, found number")
        #expect(failure(.array([]))?.field == "other")
    }

    @Test func readsCacheWritesAudioToolsAndTasks() throws {
        let other = try #require(
            try parse(
                """
                {"usage_semantic":"anthropic","claude":true,"cache_creation_tokens":3000,"cache_creation_ratio":1.25,
                 "cache_creation_tokens_5m":1000,"cache_creation_ratio_5m":1.25,"cache_creation_tokens_1h":2000,
                 "cache_creation_ratio_1h":2,"cache_write_tokens":3000,"audio":true,"audio_input":200,"audio_output":300,
                 "text_input":100,"text_output":50,"audio_ratio":16,"audio_completion_ratio":2,
                 "tool_surcharges":[{"name":"web_search","count":2,"price":10}],"task_id":"task_9","quota_delta":-150,
                 "billing_mode":"tiered_expr","admin_info":{"quota_saturation":{"op":"QuotaFromDecimal"}}}
                """))
        #expect(other.isAnthropicUsage)
        #expect(other.cacheCreationTokens5m == 1000 && other.cacheCreationTokens1h == 2000)
        #expect(other.cacheCreationRatio1h == Rational(2))
        #expect(other.audio == true && other.audioOutputTokens == 300 && other.audioCompletionRatio == Rational(2))
        #expect(other.toolSurcharges == [.init(name: "web_search", count: 2, price: Rational(10))])
        #expect(other.taskID == "task_9" && other.taskQuotaDelta == -150)
        #expect(other.billingMode == "tiered_expr")
        #expect(other.quotaSaturated)
    }
}

/// `GatewayFloat`'s fast path against its `Double` path (the gateway's float64 + shortest
/// decimal), on decimals of up to 15 significant digits, and a few that need the slow path.
@Suite struct GatewayFloatTests {
    @Test func fastPathAgreesWithTheFloat64Path() throws {
        var state: UInt64 = 0x9E37_79B9_7F4A_7C15
        func next() -> UInt64 {
            state = state &* 6364136223846793005 &+ 1442695040888963407
            return state >> 11
        }
        for _ in 0..<20_000 {
            let digits = Int(next() % 15) + 1
            var mantissa = String(next() % 1_000_000_000_000_000)
            mantissa = String(mantissa.prefix(digits))
            let point = Int(next() % UInt64(digits + 8))
            let text: String
            if point == 0 {
                text = mantissa
            } else if point <= mantissa.count {
                text =
                    String(mantissa.dropLast(point)).isEmpty
                    ? "0." + mantissa : String(mantissa.dropLast(point)) + "." + String(mantissa.suffix(point))
            } else {
                text = "0." + String(repeating: "0", count: point - mantissa.count) + mantissa
            }
            #expect(GatewayFloat.isShortPlainDecimal(text), "\(text)")
            #expect(GatewayFloat.decimal(text) == GatewayFloat.slowDecimal(text), "\(text)")
        }
    }

    @Test func longAndExponentTextsTakeTheFloat64Path() throws {
        #expect(!GatewayFloat.isShortPlainDecimal("0.1000000000000000055511151231257827"))
        #expect(!GatewayFloat.isShortPlainDecimal("1e-7"))
        #expect(GatewayFloat.decimal("0.1000000000000000055511151231257827") == (try Rational(parsing: "0.1")))
        #expect(GatewayFloat.decimal("1e-7") == (try Rational(parsing: "0.0000001")))
        // 16 significant digits that are not a float64's shortest form: 0.1234567890123456 → its double
        // prints as 0.1234567890123456 (Python repr agrees), so the value is kept.
        #expect(GatewayFloat.decimal("0.1234567890123456") == (try Rational(parsing: "0.1234567890123456")))
        // 17 digits that collapse: 2.0000000000000001 is the double 2.0.
        #expect(GatewayFloat.decimal("2.0000000000000001") == Rational(2))
        #expect(GatewayFloat.decimal("NaN") == nil && GatewayFloat.decimal("1e999") == nil)
    }
}
